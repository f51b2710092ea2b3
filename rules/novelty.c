/*
 * novelty.c - fingerprints and the new/repeat measure (novelty.h).
 *
 * Words: maximal runs of Unicode letters and digits, lower-cased;
 * apostrophes inside a word are dropped ("council's" = "councils"), all
 * other punctuation and line breaks separate, so reflowing changes nothing.
 * Shingles: every run of NOVELTY_SHINGLE (4) consecutive words, hashed to
 * 64 bits. A = the message's distinct shingles, H = those of the person's
 * earlier messages.
 *
 *   score     = |A n H| / |A|  (containment, not Jaccard: a short chaser
 *               inside a long history still scores high)
 *   known word = covered by at least one shingle in H; the others are new
 *   region    = new words separated by at most NOVELTY_REGION_GAP (8)
 *               known words; its weight is the number of new words in it
 *   verdict   = new when there is no history, or some region holds at least
 *               NOVELTY_MIN_NEW_WORDS (6) new words (a new sentence, even
 *               one that reuses a known phrase), or at least 6 words and a
 *               quarter of all words are new (a rewording); else repeat.
 *
 * The ratio alone would fail both ways: one new 12-word sentence in a
 * 300-word complaint leaves containment near 0.96, and a changed greeting
 * adds a few new words to an otherwise identical text. Counting new words
 * in runs separates the two. A changed date or single word is not new.
 * similar = the earlier message sharing most of A (most recent on ties),
 * or of the quoted text when the own text has no shingles.
 */
#include "novelty.h"
#include "buf.h"
#include "xalloc.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

struct novelty_fp {
	uint64_t *seq;			/* shingle hash per position; NULL when parsed */
	size_t nseq;
	size_t nwords;
	uint64_t *set;			/* distinct, ascending */
	size_t nset;
	uint64_t *qset;			/* quoted text's distinct shingles */
	size_t nqset;
};

/* mix - MurmurHash3's 64-bit finaliser */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* is_apostrophe - ' U+2019 U+02BC: dropped inside words */
static int is_apostrophe(gunichar c)
{
	return c == '\'' || c == 0x2019 || c == 0x02BC;
}

/*
 * char_class - the character at p (0 at the end; >= 0x110000 for an
 * invalid byte) and whether it is a letter or digit, lower-cased if so.
 * ASCII goes through GLib's ASCII table, which gives the Unicode tables'
 * answers for it (below 0x80 only A-Z, a-z and 0-9 are letters or digits)
 * without decoding; most text is ASCII.
 */
static gunichar char_class(const char *p, int *alnum)
{
	unsigned char b = (unsigned char)*p;
	gunichar c;

	if (b < 0x80) {
		*alnum = g_ascii_isalnum(b);
		return (gunichar)(unsigned char)g_ascii_tolower((gchar)b);
	}
	c = g_utf8_get_char_validated(p, -1);
	*alnum = c < 0x110000 && g_unichar_isalnum(c);
	return *alnum ? g_unichar_tolower(c) : c;
}

/* words - hash each word of text into a growing array (at most NOVELTY_MAX_WORDS) */
static size_t words(const char *text, uint64_t **out)
{
	size_t n = 0, cap = 64;
	uint64_t h = 0;
	int in = 0, alnum;
	const char *p = text;
	uint64_t *v = xmalloc(cap * sizeof(*v));

	for (;;) {
		gunichar c = char_class(p, &alnum);
		if (alnum) {
			if (!in)
				h = 0xcbf29ce484222325ULL;
			h = (h ^ c) * 0x100000001b3ULL;
			in = 1;
		} else if (!(in && c != 0 && c < 0x110000 && is_apostrophe(c))) {
			if (in && n < NOVELTY_MAX_WORDS) {
				if (n == cap) {
					cap *= 2;
					v = xreallocarray(v, cap, sizeof(*v));
				}
				v[n++] = mix(h);
			}
			in = 0;
		}
		if (*p == '\0')
			break;
		/*
		 * an invalid byte is skipped alone, and separates words; the
		 * length is the byte's, not c's (the Kelvin sign lower-cases to 'k')
		 */
		p = (unsigned char)*p < 0x80 || c >= 0x110000 ? p + 1 : g_utf8_next_char(p);
	}
	*out = v;
	return n;
}

/* shingles - the hash of each run of NOVELTY_SHINGLE words */
static size_t shingles(const uint64_t *w, size_t nw, uint64_t **out)
{
	size_t i, k, n = nw >= NOVELTY_SHINGLE ? nw - NOVELTY_SHINGLE + 1 : 0;
	uint64_t *s = xmalloc((n ? n : 1) * sizeof(*s));

	for (i = 0; i < n; i++) {
		uint64_t h = 0x9e3779b97f4a7c15ULL;
		for (k = 0; k < NOVELTY_SHINGLE; k++)
			h = mix(h ^ (w[i + k] + k));
		s[i] = h;
	}
	*out = s;
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* distinct - a sorted copy of v without duplicates */
static size_t distinct(const uint64_t *v, size_t n, uint64_t **out)
{
	uint64_t *s = xmalloc((n ? n : 1) * sizeof(*s));
	size_t i, m = 0;

	if (n)
		memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	for (i = 0; i < n; i++)
		if (m == 0 || s[m - 1] != s[i])
			s[m++] = s[i];
	*out = s;
	return m;
}

struct novelty_fp *novelty_fingerprint(const char *own, const char *quoted)
{
	struct novelty_fp *fp = xcalloc(1, sizeof(*fp));
	uint64_t *w, *qs;
	size_t nq;

	fp->nwords = words(own ? own : "", &w);
	fp->nseq = shingles(w, fp->nwords, &fp->seq);
	fp->nset = distinct(fp->seq, fp->nseq, &fp->set);
	free(w);
	if (quoted != NULL && *quoted != '\0') {
		size_t nqw = words(quoted, &w);
		nq = shingles(w, nqw, &qs);
		fp->nqset = distinct(qs, nq, &fp->qset);
		free(qs);
		free(w);
	}
	return fp;
}

struct novelty_fp *novelty_fp_from_set(uint64_t *v, size_t n)
{
	struct novelty_fp *fp = xcalloc(1, sizeof(*fp));

	fp->set = v;
	fp->nset = n;
	return fp;
}

void novelty_fp_free(struct novelty_fp *fp)
{
	if (fp == NULL)
		return;
	free(fp->seq);
	free(fp->set);
	free(fp->qset);
	free(fp);
}

size_t novelty_fp_shingles(const struct novelty_fp *fp)
{
	return fp->nset;
}

size_t novelty_fp_words(const struct novelty_fp *fp)
{
	return fp->nseq ? fp->nseq + NOVELTY_SHINGLE - 1 : fp->nwords;
}

struct novelty_set novelty_fp_set(const struct novelty_fp *fp)
{
	struct novelty_set s = { fp->set, fp->nset };

	return s;
}

/* has - binary search */
static int has(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == x)
			return 1;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* overlap - per entry, how many of set are in it; known[i] = set[i] in any entry.
 * Returns the index of the entry with most (latest on ties), or -1 when none share any. */
static long overlap(const uint64_t *set, size_t n, const struct novelty_history *h,
		    char *known, size_t *best_hits)
{
	size_t e, i, ne = h ? novelty_history_count(h) : 0;
	long best = -1;

	*best_hits = 0;
	for (e = 0; e < ne; e++) {
		struct novelty_set es = novelty_hist_entry(h, e, NULL);
		size_t hits = 0;
		for (i = 0; i < n; i++) {
			if (has(es.v, es.n, set[i])) {
				hits++;
				if (known)
					known[i] = 1;
			}
		}
		if (hits > 0 && hits >= *best_hits) {
			*best_hits = hits;
			best = (long)e;
		}
	}
	return best;
}

/* regions - new words, and the weight of the densest region of them */
static void regions(const struct novelty_fp *fp, const char *known, struct novelty_result *out)
{
	size_t nw = novelty_fp_words(fp), i, j;
	unsigned char *cov = xcalloc(nw ? nw : 1, 1);
	unsigned cur = 0, gap = 0;

	for (i = 0; i < fp->nseq; i++) {
		/* known[] is per distinct shingle: find this position's */
		size_t lo = 0, hi = fp->nset;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (fp->set[mid] < fp->seq[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (known[lo])
			for (j = i; j < i + NOVELTY_SHINGLE; j++)
				cov[j] = 1;
	}
	out->words = (unsigned)nw;
	for (i = 0; i < nw; i++) {
		if (!cov[i]) {
			out->new_words++;
			cur = cur > 0 && gap <= NOVELTY_REGION_GAP ? cur + 1 : 1;
			gap = 0;
			if (cur > out->longest_region)
				out->longest_region = cur;
		} else if (cur > 0 && ++gap > NOVELTY_REGION_GAP) {
			cur = 0;
		}
	}
	free(cov);
}

/* set_similar - the id of entry e as out->similar, with its own containment */
static void set_similar(const struct novelty_history *h, long e, size_t hits, size_t n,
			struct novelty_result *out)
{
	const char *id;

	if (e < 0)
		return;
	(void)novelty_hist_entry(h, (size_t)e, &id);
	out->similar = id && *id ? xstrdup(id) : NULL;
	out->similar_score = n ? (double)hits / (double)n : 0.0;
}

void novelty_compare(const struct novelty_fp *msg, const struct novelty_history *h,
		     struct novelty_result *out)
{
	char *known = xcalloc(msg->nset ? msg->nset : 1, 1);
	size_t i, inter = 0, hits;
	long best;

	memset(out, 0, sizeof(*out));
	best = overlap(msg->set, msg->nset, h, known, &hits);
	for (i = 0; i < msg->nset; i++)
		inter += known[i];
	if (msg->seq != NULL)
		regions(msg, known, out);
	else
		out->words = (unsigned)msg->nwords;
	if (msg->nset > 0) {
		out->score = (double)inter / (double)msg->nset;
		set_similar(h, best, hits, msg->nset, out);
	} else {
		out->new_words = out->longest_region = out->words;
		best = overlap(msg->qset, msg->nqset, h, NULL, &hits);
		out->score = msg->nqset ? (double)hits / (double)msg->nqset : 1.0;
		set_similar(h, best, hits, msg->nqset, out);
	}
	free(known);
	if (h == NULL || novelty_history_count(h) == 0 || (out->words == 0 && msg->nqset == 0)) {
		out->verdict = NOVELTY_NEW;	/* nothing to compare with, or no text to judge */
		out->score = h && novelty_history_count(h) ? out->score : 0.0;
	} else if (out->longest_region >= NOVELTY_MIN_NEW_WORDS
		   || (out->new_words >= NOVELTY_MIN_NEW_WORDS
		       && (size_t)out->new_words * NOVELTY_REWORD_SHARE >= out->words)) {
		out->verdict = NOVELTY_NEW;
	} else {
		out->verdict = NOVELTY_REPEAT;
	}
}

void novelty_result_clear(struct novelty_result *r)
{
	if (r == NULL)
		return;
	free(r->similar);
	r->similar = NULL;
}

char *novelty_id_sanitise(const char *id)
{
	struct buf b;

	buf_init(&b);
	for (; id != NULL && *id != '\0' && b.len < NOVELTY_ID_MAX; id++) {
		unsigned char c = (unsigned char)*id;
		if (c > 0x20 && c < 0x7F && c != ';' && c != '"' && c != '\\')
			buf_putc(&b, (char)c);
	}
	return buf_take(&b);
}

char *novelty_header_value(const struct novelty_result *r)
{
	struct buf b;
	unsigned hundredths;

	buf_init(&b);
	if (r->verdict == NOVELTY_NEW) {
		buf_puts(&b, "new");
		return buf_take(&b);
	}
	/* by hand, not %f: the locale must not turn 0.91 into 0,91 */
	hundredths = (unsigned)(r->score * 100.0 + 0.5);
	if (hundredths > 100)
		hundredths = 100;
	buf_printf(&b, "repeat; score=%u.%02u", hundredths / 100, hundredths % 100);
	if (r->similar != NULL) {
		char *id = novelty_id_sanitise(r->similar);
		if (*id)
			buf_printf(&b, "; similar=%s", id);
		free(id);
	}
	return buf_take(&b);
}
