/*
 * test_novelty.c - new or repeat (rules/novelty.c, novelty_hist.c) on the
 * letters of novelty_corpus.h, through the real pipeline (textextract then
 * fingerprint): resent, reflowed, re-greeted, quoted and slightly edited
 * copies are repeats; one added sentence stating a new fact, and a
 * different letter, are new. Also serialisation and the history bounds.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "novelty.h"
#include "textextract.h"
#include "xalloc.h"
#include "novelty_corpus.h"
#include "check_helpers.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NLETTERS N_ELEM(corpus)

/* compose - greeting, body and sign-off as a letter */
static char *compose(const char *greeting, const char *body, const char *signoff)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s\n\n%s\n\n%s\n", greeting, body, signoff);
	return buf_take(&b);
}

/* reflow - every paragraph joined and wrapped again at width */
static char *reflow(const char *text, size_t width)
{
	struct buf b;
	size_t col = 0;
	const char *p = text;

	buf_init(&b);
	while (*p) {
		size_t n;
		if (p[0] == '\n' && p[1] == '\n') {
			buf_puts(&b, "\n\n");
			col = 0;
			p += 2;
			while (*p == '\n')
				p++;
			continue;
		}
		if (*p == ' ' || *p == '\n') {
			p++;
			continue;
		}
		n = strcspn(p, " \n");
		if (col > 0 && col + 1 + n > width) {
			buf_putc(&b, '\n');
			col = 0;
		} else if (col > 0) {
			buf_putc(&b, ' ');
			col++;
		}
		buf_append(&b, p, n);
		col += n;
		p += n;
	}
	return buf_take(&b);
}

/* quote - "See below." over the whole letter quoted under an attribution */
static char *quote(const char *text)
{
	struct buf b;
	const char *p = text;

	buf_init(&b);
	buf_puts(&b, "See below.\n\nOn Tue, 4 Nov 2026 at 09:12, Bob <bob@example.org> wrote:\n\n");
	while (*p) {
		size_t n = strcspn(p, "\n");
		buf_puts(&b, n ? "> " : ">");
		buf_append(&b, p, n);
		buf_putc(&b, '\n');
		p += n + (p[n] == '\n');
	}
	return buf_take(&b);
}

/* replace - text with the first from replaced by to (from must occur) */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	struct buf b;

	ck_assert_msg(at != NULL, "[%s] not found in the letter", from);
	buf_init(&b);
	buf_append(&b, text, (size_t)(at - text));
	buf_puts(&b, to);
	buf_puts(&b, at + strlen(from));
	return buf_take(&b);
}

/* fp_of - the fingerprint of a plain-text message, extracted as the milter would */
static struct novelty_fp *fp_of(const char *text, size_t *words)
{
	struct textextract t;
	struct novelty_fp *fp;

	ck_assert_int_eq(textextract_body("text/plain; charset=utf-8", NULL, text, strlen(text), 0, &t), 0);
	fp = novelty_fingerprint(t.text, t.quoted);
	if (words)
		*words = novelty_fp_words(fp);
	textextract_clear(&t);
	return fp;
}

static char *original(size_t i)
{
	return compose(corpus[i].greeting, corpus[i].body, signoffs_used[i]);
}

enum variant { RESENT, REFLOW_NARROW, REFLOW_WIDE, REGREETED, QUOTED, EDITED,
	       FACT_INSIDE, FACT_AT_END, DIFFERENT, NVARIANTS };

static const struct {
	const char *name;
	enum novelty_verdict want;
} variants[] = {
	{ "resent", NOVELTY_REPEAT }, { "reflowed at 40", NOVELTY_REPEAT },
	{ "reflowed at 120", NOVELTY_REPEAT }, { "re-greeted and reflowed", NOVELTY_REPEAT },
	{ "quoted under See below", NOVELTY_REPEAT }, { "small edit", NOVELTY_REPEAT },
	{ "one new sentence inside", NOVELTY_NEW }, { "one new sentence at the end", NOVELTY_NEW },
	{ "a different letter", NOVELTY_NEW },
};

/* make_variant - letter i as variant v */
static char *make_variant(size_t i, enum variant v)
{
	const struct letter *l = &corpus[i];
	char *o = original(i), *t = NULL, *body;
	struct buf b;

	switch (v) {
	case RESENT:
		return o;
	case REFLOW_NARROW:
		t = reflow(o, 40);
		break;
	case REFLOW_WIDE:
		t = reflow(o, 120);
		break;
	case REGREETED:
		body = compose(other_greetings[i % N_ELEM(other_greetings)], l->body,
			       other_signoffs[i % N_ELEM(other_signoffs)]);
		t = reflow(body, 66);
		free(body);
		break;
	case QUOTED:
		t = quote(o);
		break;
	case EDITED:
		body = replace(l->body, l->edit_from, l->edit_to);
		t = compose(l->greeting, body, signoffs_used[i]);
		free(body);
		break;
	case FACT_INSIDE:
		buf_init(&b);
		buf_printf(&b, "%s %s", l->anchor, l->new_fact);
		body = replace(l->body, l->anchor, b.data);
		buf_free(&b);
		t = compose(l->greeting, body, signoffs_used[i]);
		free(body);
		break;
	case FACT_AT_END:
		buf_init(&b);
		buf_printf(&b, "%s\n\n%s", l->body, l->new_fact);
		t = compose(l->greeting, b.data, signoffs_used[i]);
		buf_free(&b);
		break;
	case DIFFERENT:
	case NVARIANTS:
		t = original((i + 1) % NLETTERS);
		break;
	}
	free(o);
	return t;
}

START_TEST(test_novelty_corpus_letters_are_100_to_400_words)
{
	size_t i, words;

	ck_assert_uint_ge(NLETTERS, 12);
	for (i = 0; i < NLETTERS; i++) {
		char *o = original(i);
		novelty_fp_free(fp_of(o, &words));
		ck_assert_msg(words >= 100 && words <= 400, "letter %zu: %zu words", i, words);
		ck_assert_msg(strstr(corpus[i].body, corpus[i].anchor) != NULL, "letter %zu: anchor", i);
		free(o);
	}
}
END_TEST

START_TEST(test_novelty_corpus_pairs)
{
	size_t i, pairs = 0;
	int v;

	for (i = 0; i < NLETTERS; i++) {
		struct novelty_history *h = novelty_history_new(0, 0);
		char *o = original(i), id[64];
		struct novelty_fp *fo = fp_of(o, NULL);
		snprintf(id, sizeof(id), "<letter-%zu@example.org>", i);
		novelty_history_add(h, id, 1000, fo);
		for (v = 0; v < NVARIANTS; v++) {
			char *t = make_variant(i, (enum variant)v);
			struct novelty_fp *fp = fp_of(t, NULL);
			struct novelty_result r;
			novelty_compare(fp, h, &r);
			printf("novelty: letter %2zu %-26s %-6s score=%.3f words=%u new_words=%u region=%u\n",
			       i, variants[v].name, r.verdict == NOVELTY_NEW ? "new" : "repeat",
			       r.score, r.words, r.new_words, r.longest_region);
			ck_assert_msg(r.verdict == variants[v].want,
				      "letter %zu, %s: got %s (score %.3f, %u new words, region %u), want %s",
				      i, variants[v].name, r.verdict == NOVELTY_NEW ? "new" : "repeat",
				      r.score, r.new_words, r.longest_region,
				      variants[v].want == NOVELTY_NEW ? "new" : "repeat");
			if (r.verdict == NOVELTY_REPEAT)
				ck_assert_msg(r.similar != NULL && strcmp(r.similar, id) == 0,
					      "letter %zu, %s: similar %s, want %s", i, variants[v].name,
					      r.similar ? r.similar : "(none)", id);
			novelty_result_clear(&r);
			novelty_fp_free(fp);
			free(t);
			pairs++;
		}
		novelty_fp_free(fo);
		novelty_history_free(h);
		free(o);
	}
	ck_assert_uint_ge(pairs, 20);
}
END_TEST

struct fact_case {
	size_t letter;
	const char *sentence;	/* added after the letter's anchor */
	enum novelty_verdict want;
};

static const struct fact_case fact_cases[] = {
	/* the brief's case: one sentence in a 300-word complaint */
	{ 12, "On 3 November I received a letter from the council refusing my request.", NOVELTY_NEW },
	{ 0, "The burglar was arrested on 20 November.", NOVELTY_NEW },
	{ 0, "My neighbour has now given a statement.", NOVELTY_NEW },
	/* a new fact wrapped round a phrase already written */
	{ 0, "On 3 November I was told that there was very little chance of anything being recovered and the case is closed.", NOVELTY_NEW },
	/* chasers of fewer than six new words are not new information */
	{ 0, "Please reply.", NOVELTY_REPEAT },
	{ 0, "I am still waiting.", NOVELTY_REPEAT },
	/* a limit, by design: six or more new words count, even in a chaser */
	{ 0, "Please respond to this letter as soon as possible.", NOVELTY_NEW },
};

START_TEST(test_novelty_short_facts_and_chasers)
{
	size_t i;

	for (i = 0; i < N_ELEM(fact_cases); i++) {
		const struct fact_case *c = &fact_cases[i];
		const struct letter *l = &corpus[c->letter];
		struct novelty_history *h = novelty_history_new(0, 0);
		char *o = original(c->letter), *body, *t;
		struct novelty_fp *fo = fp_of(o, NULL), *fp;
		struct novelty_result r;
		struct buf b;

		novelty_history_add(h, "<orig@example.org>", 1, fo);
		buf_init(&b);
		buf_printf(&b, "%s %s", l->anchor, c->sentence);
		body = replace(l->body, l->anchor, b.data);
		t = compose(l->greeting, body, signoffs_used[c->letter]);
		fp = fp_of(t, NULL);
		novelty_compare(fp, h, &r);
		ck_assert_msg(r.verdict == c->want, "letter %zu + [%s]: got %s (score %.3f, region %u of %u words), want %s",
			      c->letter, c->sentence, r.verdict == NOVELTY_NEW ? "new" : "repeat", r.score,
			      r.longest_region, r.words, c->want == NOVELTY_NEW ? "new" : "repeat");
		novelty_result_clear(&r);
		novelty_fp_free(fp);
		novelty_fp_free(fo);
		novelty_history_free(h);
		buf_free(&b);
		free(body);
		free(t);
		free(o);
	}
}
END_TEST

START_TEST(test_novelty_similar_among_many_and_new_fact_then_repeat)
{
	struct novelty_history *h = novelty_history_new(0, 0);
	struct novelty_result r;
	struct novelty_fp *fp;
	char id[64], *t;
	size_t i;

	for (i = 0; i < NLETTERS; i++) {
		char *o = original(i);
		fp = fp_of(o, NULL);
		snprintf(id, sizeof(id), "<letter-%zu@example.org>", i);
		novelty_history_add(h, id, (time_t)(1000 + i), fp);
		novelty_fp_free(fp);
		free(o);
	}
	/* a re-greeted copy of letter 5 is a repeat of letter 5 */
	t = make_variant(5, REGREETED);
	fp = fp_of(t, NULL);
	novelty_compare(fp, h, &r);
	ck_assert_int_eq(r.verdict, NOVELTY_REPEAT);
	ck_assert_str_eq(r.similar, "<letter-5@example.org>");
	novelty_result_clear(&r);
	novelty_fp_free(fp);
	free(t);
	/* letter 7 with a new fact is new; once filed, the same again is a repeat of it */
	t = make_variant(7, FACT_INSIDE);
	fp = fp_of(t, NULL);
	novelty_compare(fp, h, &r);
	ck_assert_int_eq(r.verdict, NOVELTY_NEW);
	ck_assert_str_eq(r.similar, "<letter-7@example.org>");
	novelty_result_clear(&r);
	novelty_history_add(h, "<letter-7-fact@example.org>", 2000, fp);
	novelty_fp_free(fp);
	fp = fp_of(t, NULL);
	novelty_compare(fp, h, &r);
	ck_assert_int_eq(r.verdict, NOVELTY_REPEAT);
	ck_assert_str_eq(r.similar, "<letter-7-fact@example.org>");
	novelty_result_clear(&r);
	novelty_fp_free(fp);
	free(t);
	novelty_history_free(h);
}
END_TEST

START_TEST(test_novelty_no_history_and_empty_text)
{
	struct novelty_history *h = novelty_history_new(0, 0);
	struct novelty_fp *fp = novelty_fingerprint("I am still waiting for an answer to my letter.", NULL);
	struct novelty_fp *empty = novelty_fingerprint("", NULL);
	struct novelty_fp *chaser = novelty_fingerprint("Any news?", NULL);
	struct novelty_result r;

	novelty_compare(fp, NULL, &r);
	ck_assert_int_eq(r.verdict, NOVELTY_NEW);
	novelty_compare(fp, h, &r);
	ck_assert_int_eq(r.verdict, NOVELTY_NEW);
	novelty_history_add(h, "<a@example.org>", 1, fp);
	novelty_compare(empty, h, &r);		/* nothing to judge: never called a repeat */
	ck_assert_int_eq(r.verdict, NOVELTY_NEW);
	novelty_compare(chaser, h, &r);	/* two words cannot state a new fact */
	ck_assert_int_eq(r.verdict, NOVELTY_REPEAT);
	novelty_result_clear(&r);
	novelty_fp_free(fp);
	novelty_fp_free(empty);
	novelty_fp_free(chaser);
	novelty_history_free(h);
}
END_TEST

START_TEST(test_novelty_words_ignore_case_punctuation_and_apostrophes)
{
	struct novelty_history *h = novelty_history_new(0, 0);
	struct novelty_fp *a = novelty_fingerprint("The council's officer REFUSED my request -- again!", NULL);
	struct novelty_fp *b = novelty_fingerprint("the councils officer refused\nmy request, again", NULL);
	struct novelty_fp *c = novelty_fingerprint("the council\xe2\x80\x99s officer refused my request again", NULL);
	struct novelty_result r;

	novelty_history_add(h, "<a@example.org>", 1, a);
	novelty_compare(b, h, &r);
	ck_assert_msg(r.score == 1.0 && r.new_words == 0, "got score %.3f, %u new", r.score, r.new_words);
	novelty_result_clear(&r);
	novelty_compare(c, h, &r);
	ck_assert_msg(r.score == 1.0, "curly apostrophe: got score %.3f", r.score);
	novelty_result_clear(&r);
	novelty_fp_free(a);
	novelty_fp_free(b);
	novelty_fp_free(c);
	novelty_history_free(h);
}
END_TEST

/*
 * Fingerprints are stored (the fingerprints table) and compared with those of
 * later messages, so the same text must give the same shingles from one
 * version to the next. This value was written by the word splitter before
 * its ASCII fast path (2026-12-07): letters and digits of several scripts,
 * ß, a curly and a straight apostrophe, invalid bytes, a cut sequence, and
 * letters whose lower case is shorter or ASCII (the Kelvin sign, İ, ẞ, Å).
 */
START_TEST(test_novelty_fingerprint_is_stable)
{
	const char *text = "Dear Sir, the Council\xe2\x80\x99s OFFICER refused my request "
		"(ref 12345) again! "
		"\xc3\x9c" "ber-Stra\xc3\x9f" "e 7, \xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1 and "
		"\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0; bad \xff\xfe bytes, x\xc3 end; "
		"O'Brien's 2nd letter \xe2\x80\x94 I want an answer now please, "
		"\xe2\x84\xaa" "elvin \xc4\xb0" "stanbul STRA\xe1\xba\x9e" "E \xe2\x84\xab" "ngstr\xc3\xb6m";
	const char *want =
		"n1.31.6tvqgenn_M8YxeW09uG-4cAB7f7x2vnNrdgP4OTkk8y6kuIHzJzij5qO0NIZlsu3wsO5oY"
		"MG9Yizt7SQweAIuPjtz6zimdEappbLvqyc-WmN8aPa3oiL3wKP-bj2qvmhAujdvLuHpb6dB9vZmp"
		"6pnaC9Cq_dqpypyY6dBqaNobvutrz7CJTpmbqX5_LECffzsMm-uuSQAaikuOS39MGfDODKu8mWm5"
		"LeBL2riK3e6J7ODsOt6sTwyvWPAfbJ7vP6u--oA_b-6YCbu_TDCs3Y0LKCjoQN4bLy34vU_o0Bxq"
		"_8uY2IsIAC6u7jg9TPpf8E5reotevIoJ0DloWep5LwnrUDvbPUisHl3JUCmLmWss_266oY";
	struct novelty_fp *fp = novelty_fingerprint(text, NULL);
	char *got = novelty_fp_serialise(fp);

	ck_assert_uint_eq(novelty_fp_words(fp), 34);
	ck_assert_str_eq(got, want);
	free(got);
	novelty_fp_free(fp);
}
END_TEST

START_TEST(test_novelty_serialise_round_trip)
{
	struct novelty_history *h = novelty_history_new(0, 0), *h2 = novelty_history_new(0, 0);
	char *o = original(0), *t = make_variant(0, REFLOW_WIDE), *s, *s2, *hs, *hs2;
	struct novelty_fp *fp = fp_of(o, NULL), *back, *probe = fp_of(t, NULL);
	struct novelty_result r1, r2;
	size_t bad;

	s = novelty_fp_serialise(fp);
	back = novelty_fp_parse(s);
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(novelty_fp_shingles(back), novelty_fp_shingles(fp));
	s2 = novelty_fp_serialise(back);
	ck_assert_str_eq(s, s2);
	printf("novelty: %zu shingles serialise to %zu bytes\n", novelty_fp_shingles(fp), strlen(s));
	novelty_history_add(h, "<a@example.org>", 100, fp);
	novelty_history_add(h2, "<a@example.org>", 100, back);
	novelty_compare(probe, h, &r1);
	novelty_compare(probe, h2, &r2);
	ck_assert(r1.verdict == r2.verdict && r1.score == r2.score);
	ck_assert_str_eq(r2.similar, "<a@example.org>");
	/* whole histories */
	novelty_history_add(h, "", 50, probe);
	hs = novelty_history_serialise(h);
	novelty_history_free(h2);
	h2 = novelty_history_new(0, 0);
	ck_assert_uint_eq(novelty_history_parse(h2, hs, &bad), 2);
	ck_assert_uint_eq(bad, 0);
	hs2 = novelty_history_serialise(h2);
	ck_assert_str_eq(hs, hs2);
	ck_assert_ptr_nonnull(strstr(hs, "50\t-\t"));	/* no id; oldest first */
	novelty_result_clear(&r1);
	novelty_result_clear(&r2);
	free(s); free(s2); free(hs); free(hs2); free(o); free(t);
	novelty_fp_free(fp); novelty_fp_free(back); novelty_fp_free(probe);
	novelty_history_free(h);
	novelty_history_free(h2);
}
END_TEST

START_TEST(test_novelty_parse_refuses_damage)
{
	static const char *const bad[] = {
		"", "n1", "n1.", "n2.1.AQ", "n1.x.AQ", "n1.1.", "n1.1.AQA", "n1.2.AQ", "n1.1.AQ=",
		"n1.1.A", "n1.2.AQA", "n1.99999999999999999999.AQ", "n1.1.gICAgICAgICAgAE",
		"n1.1.AQ trailing",
	};
	struct novelty_history *h = novelty_history_new(0, 0);
	size_t i, nbad;
	struct novelty_fp *fp;

	fp = novelty_fp_parse("n1.1.AQ");	/* the single hash 1 */
	ck_assert_ptr_nonnull(fp);
	novelty_fp_free(fp);
	for (i = 0; i < N_ELEM(bad); i++) {
		fp = novelty_fp_parse(bad[i]);
		ck_assert_msg(fp == NULL, "[%s] parsed", bad[i]);
	}
	ck_assert_uint_eq(novelty_history_parse(h, "12\t<a@x>\tn1.1.AQ\nbad line\n\t\t\nx\t<b>\tn1.1.AQ\n7\t<c>\tn1.0.\n", &nbad), 2);
	ck_assert_uint_eq(nbad, 3);
	novelty_history_free(h);
}
END_TEST

START_TEST(test_novelty_history_bounds)
{
	struct novelty_history *h = novelty_history_new(3, 0), *hs;
	struct novelty_result r;
	struct novelty_fp *fp[5];
	char id[32];
	size_t i, total = 0;

	for (i = 0; i < 5; i++) {
		char *o = original(i);
		fp[i] = fp_of(o, NULL);
		snprintf(id, sizeof(id), "<m%zu@example.org>", i);
		novelty_history_add(h, id, (time_t)(100 + i), fp[i]);
		free(o);
	}
	ck_assert_uint_eq(novelty_history_count(h), 3);
	novelty_compare(fp[0], h, &r);		/* the oldest is forgotten */
	ck_assert_int_eq(r.verdict, NOVELTY_NEW);
	novelty_result_clear(&r);
	novelty_compare(fp[4], h, &r);
	ck_assert_int_eq(r.verdict, NOVELTY_REPEAT);
	novelty_result_clear(&r);
	/* a shingle bound smaller than two letters keeps only the newest */
	hs = novelty_history_new(50, novelty_fp_shingles(fp[3]) + 1);
	novelty_history_add(hs, "<late@example.org>", 200, fp[3]);
	novelty_history_add(hs, "<early@example.org>", 10, fp[4]);	/* older: dropped first */
	ck_assert_uint_eq(novelty_history_count(hs), 1);
	novelty_compare(fp[3], hs, &r);
	ck_assert_str_eq(r.similar, "<late@example.org>");
	novelty_result_clear(&r);
	for (i = 0; i < 5; i++) {
		total += novelty_fp_shingles(fp[i]);
		novelty_fp_free(fp[i]);
	}
	ck_assert_uint_le(novelty_history_shingles(h), total);
	novelty_history_free(h);
	novelty_history_free(hs);
}
END_TEST

START_TEST(test_novelty_header_values)
{
	struct novelty_result r;
	char *s;

	memset(&r, 0, sizeof(r));
	r.verdict = NOVELTY_NEW;
	s = novelty_header_value(&r);
	ck_assert_str_eq(s, "new");
	free(s);
	r.verdict = NOVELTY_REPEAT;
	r.score = 0.9149;
	r.similar = xstrdup("<abc@example.org>\r\nBcc: x@evil.example; \"q\"");
	s = novelty_header_value(&r);
	ck_assert_str_eq(s, "repeat; score=0.91; similar=<abc@example.org>Bcc:x@evil.exampleq");
	free(s);
	novelty_result_clear(&r);
	r.score = 0.9999;
	s = novelty_header_value(&r);		/* no similar message */
	ck_assert_str_eq(s, "repeat; score=1.00");
	free(s);
	s = novelty_id_sanitise("<very-long-id-repeated-");
	ck_assert_str_eq(s, "<very-long-id-repeated-");
	free(s);
	{
		char big[1000];
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		s = novelty_id_sanitise(big);
		ck_assert_uint_eq(strlen(s), NOVELTY_ID_MAX);
		free(s);
	}
}
END_TEST

int main(void)
{
	Suite *su = suite_create("novelty");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_novelty_corpus_letters_are_100_to_400_words);
	tcase_add_test(tc, test_novelty_corpus_pairs);
	tcase_add_test(tc, test_novelty_short_facts_and_chasers);
	tcase_add_test(tc, test_novelty_similar_among_many_and_new_fact_then_repeat);
	tcase_add_test(tc, test_novelty_no_history_and_empty_text);
	tcase_add_test(tc, test_novelty_words_ignore_case_punctuation_and_apostrophes);
	tcase_add_test(tc, test_novelty_fingerprint_is_stable);
	tcase_add_test(tc, test_novelty_serialise_round_trip);
	tcase_add_test(tc, test_novelty_parse_refuses_damage);
	tcase_add_test(tc, test_novelty_history_bounds);
	tcase_add_test(tc, test_novelty_header_values);
	suite_add_tcase(su, tc);
	return check_run(su);
}
