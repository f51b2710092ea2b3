/*
 * test_textextract.c - the sender's own text (rules/textextract.c,
 * texthtml.c, textclean.c): multipart/alternative, HTML only, base64,
 * quoted-printable, ISO-8859-1 and windows-1252, nested forwards, quoted
 * replies, "On ... wrote:", greetings and signatures; hostile MIME.
 *
 * Each table row is a whole message and the exact own text wanted; a
 * failure prints both.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "textextract.h"
#include "check_helpers.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))
#define H "From: Bob <bob@example.org>\r\nTo: a@staff.example\r\nSubject: complaint\r\nMIME-Version: 1.0\r\n"

struct msg_case {
	const char *name;
	const char *raw;
	const char *want;		/* exact own text */
	const char *want_quoted;	/* a substring of the quoted text, or NULL */
	int want_html;
};

static const struct msg_case mime_cases[] = {
	{ "plain, no MIME headers",
	  "From: bob@example.org\r\nSubject: x\r\n\r\nI am still waiting for a reply.\r\n",
	  "I am still waiting for a reply.", NULL, 0 },
	{ "multipart/alternative prefers text/plain",
	  H "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
	  "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe plain words.\r\n"
	  "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The <b>HTML</b> words.</p>\r\n"
	  "--b1--\r\n",
	  "The plain words.", NULL, 0 },
	{ "multipart/alternative with a blank text/plain takes the HTML",
	  H "Content-Type: multipart/alternative; boundary=b1\r\n\r\n"
	  "--b1\r\nContent-Type: text/plain\r\n\r\n \r\n"
	  "--b1\r\nContent-Type: text/html\r\n\r\n<div>From the HTML.</div>\r\n--b1--\r\n",
	  "From the HTML.", NULL, 1 },
	{ "HTML only: tags, script, style and entities",
	  H "Content-Type: text/html; charset=utf-8\r\n\r\n"
	  "<html><head><title>Ignore me</title><style>p { color: red }</style></head>"
	  "<body><script>var x = '<p>no</p>';</script><p>Fish &amp; chips&nbsp;cost &pound;5 &lt;each&gt;.</p>"
	  "<p>Caf&#233; &#x20AC;3 &copy; &unknown; &#0;</p><!-- a <p>comment</p> --><br>"
	  "<table><tr><td>one</td><td>two</td></tr></table></body></html>\r\n",
	  "Fish & chips cost \xc2\xa3" "5 <each>.\nCaf\xc3\xa9 \xe2\x82\xac" "3 \xc2\xa9 &unknown; \xef\xbf\xbd\n\none two",
	  NULL, 1 },
	{ "base64 text/plain",
	  H "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	  "SSB3cm90ZSB0byB0aGUgY291bmNpbCBvbiAzIE5vdmVtYmVyLg==\r\n",
	  "I wrote to the council on 3 November.", NULL, 0 },
	{ "quoted-printable UTF-8 with soft line breaks",
	  H "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
	  "The caf=C3=A9 on the corner was closed by the police on a very long =\r\nafternoon.\r\n",
	  "The caf\xc3\xa9 on the corner was closed by the police on a very long afternoon.", NULL, 0 },
	{ "ISO-8859-1 8bit",
	  H "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
	  "Na\xefve r\xe9sum\xe9 at the caf\xe9.\r\n",
	  "Na\xc3\xafve r\xc3\xa9sum\xc3\xa9 at the caf\xc3\xa9.", NULL, 0 },
	{ "windows-1252 quoted-printable smart quotes and euro",
	  H "Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
	  "I was told =93no=94 and fined =80100.\r\n",
	  "I was told \xe2\x80\x9cno\xe2\x80\x9d and fined \xe2\x82\xac" "100.", NULL, 0 },
	{ "unlabelled 8-bit text is read as windows-1252",
	  H "Content-Type: text/plain\r\n\r\nIt cost \x80" "5 at the caf\xe9.\r\n",
	  "It cost \xe2\x82\xac" "5 at the caf\xc3\xa9.", NULL, 0 },
	{ "mixed: text kept, attachments and attached messages skipped",
	  H "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
	  "--m\r\nContent-Type: text/plain\r\n\r\nMy own words.\r\n"
	  "--m\r\nContent-Type: text/plain; name=a.txt\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nAttached file text.\r\n"
	  "--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@example.org\r\nSubject: old\r\n\r\nAn old message.\r\n"
	  "--m\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
	  "--m--\r\n",
	  "My own words.", NULL, 0 },
	{ "alternative inside mixed inside related",
	  H "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n"
	  "Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\n"
	  "Content-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<p>Deep HTML.</p>\r\n--r--\r\n"
	  "--a--\r\n--m--\r\n",
	  "Deep HTML.", NULL, 1 },
	{ "HTML reply: blockquote is quoted, gmail attribution removed",
	  H "Content-Type: text/html; charset=utf-8\r\n\r\n"
	  "<div>I disagree with your decision.</div><div class=gmail_quote>"
	  "<div>On Mon, 3 Nov 2026 at 10:00, Staff &lt;a@staff.example&gt; wrote:</div>"
	  "<blockquote type=cite><p>We have closed your case.</p></blockquote></div>\r\n",
	  "I disagree with your decision.", "We have closed your case.", 1 },
};

START_TEST(test_textextract_mime)
{
	size_t i;

	for (i = 0; i < N_ELEM(mime_cases); i++) {
		const struct msg_case *c = &mime_cases[i];
		struct textextract t;
		int rc = textextract_message(c->raw, strlen(c->raw), 0, &t);
		ck_assert_msg(rc == 0, "%s: rc=%d", c->name, rc);
		ck_assert_msg(strcmp(t.text, c->want) == 0, "%s:\n got  [%s]\n want [%s]", c->name,
			      t.text, c->want);
		ck_assert_msg(c->want_quoted == NULL || strstr(t.quoted, c->want_quoted) != NULL,
			      "%s: quoted [%s] lacks [%s]", c->name, t.quoted, c->want_quoted);
		ck_assert_msg(t.from_html == c->want_html, "%s: from_html=%d", c->name, t.from_html);
		textextract_clear(&t);
	}
}
END_TEST

struct clean_case {
	const char *name;
	const char *in;
	const char *want;
};

static const struct clean_case clean_cases[] = {
	{ "quoted reply, top posted under On ... wrote:",
	  "I still have not had an answer.\n\nOn Mon, 3 Nov 2026 at 10:00, Staff <a@staff.example> wrote:\n> We will reply soon.\n> Regards\n",
	  "I still have not had an answer." },
	{ "wrapped attribution over two lines",
	  "See below.\n\nOn Mon, 3 Nov 2026 at 10:00, Anne Staff <\na@staff.example> wrote:\n\n> We will reply soon.\n",
	  "See below." },
	{ "On ... wrote: without '>' marks: everything after goes",
	  "Please respond.\nOn 3 Nov 2026, Bob wrote:\nI wrote this before and nobody answered me.\n",
	  "Please respond." },
	{ "bottom posting: text after a '>' block stays",
	  "Bob wrote:\n> Will you reply?\nNo reply came, so I am writing again.\n> Is this acceptable?\nIt is not.\n",
	  "No reply came, so I am writing again.\nIt is not." },
	{ "Outlook original message",
	  "This is my third letter.\n\n-----Original Message-----\nFrom: Bob\nSent: 3 November 2026\nTo: a@staff.example\nSubject: complaint\n\nMy first letter.\n",
	  "This is my third letter." },
	{ "Outlook header block after underscores",
	  "Reply to this.\n________________________________\nFrom: Anne Staff <a@staff.example>\nSent: Monday, 3 November 2026 10:00\nTo: Bob\nSubject: RE: complaint\n\nDear Bob, we have closed the case.\n",
	  "Reply to this." },
	{ "nested forwards keep only the new text above the first separator",
	  "Forwarding again for your attention.\n\n---------- Forwarded message ---------\nFrom: Bob <bob@example.org>\nDate: Mon, 3 Nov 2026\n\nPlease read this.\n\n---------- Forwarded message ---------\nFrom: Bob <bob@example.org>\n\nThe original complaint.\n",
	  "Forwarding again for your attention." },
	{ "Begin forwarded message",
	  "FYI\n\nBegin forwarded message:\n\nFrom: Bob\nThe old text.\n", "FYI" },
	{ "greeting and sign-off with name and phone",
	  "Dear Sir/Madam,\n\nI am writing about my neighbour.\n\nKind regards,\nJohn Smith\n07700 900123\n",
	  "I am writing about my neighbour." },
	{ "greeting on the same line as text",
	  "Hello Anne, I am writing about my neighbour.\nYours sincerely\nJ. Smith\n",
	  "I am writing about my neighbour." },
	{ "Hi with a name, Thanks with a name",
	  "Hi Anne,\nThe bins were not collected again.\nThanks,\nBob\n",
	  "The bins were not collected again." },
	{ "signature delimiter",
	  "Good morning\n\nThe road is still closed.\n\n-- \nBob Jones\nChair, Residents' Association\nhttp://example.org\n",
	  "The road is still closed." },
	{ "Sent from my iPhone",
	  "Call me back.\n\nSent from my iPhone\n", "Call me back." },
	{ "a long line starting Thank you is text, a P.S. after the sign-off stays",
	  "Thank you for nothing: your office ignored my letters for six months.\nYours faithfully\nBob\nP.S. My landlord has now evicted me.\n",
	  "Thank you for nothing: your office ignored my letters for six months.\nP.S. My landlord has now evicted me." },
	{ "a sentence beginning Hello that is long is kept",
	  "Hello is what I said to the officer before he arrested me without reason.\n",
	  "Hello is what I said to the officer before he arrested me without reason." },
	{ "CRLF, no-break spaces, blank runs collapse",
	  "First line.\r\n\r\n\r\n\r\nSecond\xc2\xa0line.\r\n", "First line.\n\nSecond line." },
};

START_TEST(test_textextract_clean)
{
	size_t i;

	for (i = 0; i < N_ELEM(clean_cases); i++) {
		const struct clean_case *c = &clean_cases[i];
		struct buf own, quoted;
		buf_init(&own);
		buf_init(&quoted);
		textclean_split(c->in, strlen(c->in), &own, &quoted);
		ck_assert_msg(strcmp(own.data, c->want) == 0, "%s:\n got  [%s]\n want [%s]", c->name,
			      own.data, c->want);
		buf_free(&own);
		buf_free(&quoted);
	}
}
END_TEST

START_TEST(test_textextract_body_with_separate_headers)
{
	static const char body[] = "SSBhbSBzdGlsbCB3YWl0aW5nLg==\r\n";
	struct textextract t;

	ck_assert_int_eq(textextract_body("text/plain;\r\n\tcharset=utf-8", "base64",
					  body, strlen(body), 0, &t), 0);
	ck_assert_str_eq(t.text, "I am still waiting.");
	textextract_clear(&t);
	ck_assert_int_eq(textextract_body(NULL, NULL, "Just text.", 10, 0, &t), 0);
	ck_assert_str_eq(t.text, "Just text.");
	textextract_clear(&t);
}
END_TEST

/*
 * plain bodies: textextract_body takes a plain body as it is; the same
 * message through GMime (textextract_message) must give the same text,
 * quoted text and flags, for every body under every header pair, with the
 * default cap and a small one that cuts inside a UTF-8 sequence.
 */
struct plain_headers {
	const char *ct, *cte;
	int fast;		/* taken as it is when the body is ASCII */
	int utf8;		/* ... and when it is valid UTF-8 */
};

static const struct plain_headers plain_headers[] = {
	{ NULL, NULL, 1, 0 },
	{ "text/plain", NULL, 1, 0 },
	{ "text/plain; charset=utf-8", NULL, 1, 1 },
	{ "TEXT/Plain; Charset=\"UTF-8\"", "8bit", 1, 1 },
	{ "text/plain;\r\n\tcharset=us-ascii", " 7BIT ", 1, 0 },
	{ "text/plain; charset=utf8", "binary", 1, 1 },
	{ "text/plain; charset=iso-8859-1", NULL, 0, 0 },
	{ "text/plain; format=flowed", NULL, 0, 0 },
	{ "text/plain; charset=utf-8; format=flowed", NULL, 0, 0 },
	{ "text/html; charset=utf-8", NULL, 0, 0 },
	{ "multipart/mixed; boundary=x", NULL, 0, 0 },
	{ "text/plain; charset=utf-8", "base64", 0, 0 },
	{ "text/plain; charset=utf-8", "quoted-printable", 0, 0 },
	{ "text/plain", "x-unknown", 0, 0 },
	{ "garbage;;;", NULL, 0, 0 },
};

struct plain_body {
	const char *text;
	size_t len;		/* 0: strlen */
	int ascii, utf8;
};

#define LONG_UTF8 "0123456789012345678901234567890123456\xc3\xbc\xc3\xbc tail words here\r\n"
static const struct plain_body plain_bodies[] = {
	{ "Hello.\r\n", 0, 1, 1 },
	{ "", 0, 1, 1 },
	{ "I am still waiting.\r\n\r\nOn Mon, 1 Dec 2026, Alice wrote:\r\n> Thank you.\r\n"
	  "> We will reply.\r\n\r\nRegards,\r\nBob\r\n-- \r\nBob's signature\r\n", 0, 1, 1 },
	{ "line one\nline two\n\n> quoted\n", 0, 1, 1 },
	{ "Gr\xc3\xbc\xc3\x9f" "e aus M\xc3\xbcnchen, keine Antwort \xe2\x98\xb9\r\n", 0, 0, 1 },
	{ "before\0after\r\n", 14, 1, 1 },
	{ "From me to you\r\n.\r\n..dots\r\n", 0, 1, 1 },
	{ "  indented\t\r\n\r\n\r\n", 0, 1, 1 },
	{ "a\rb\r", 0, 1, 1 },
	{ "caf\xe9 in latin-1\r\n", 0, 0, 0 },
	{ LONG_UTF8, 0, 0, 1 },
	{ "--\r\nonly a signature\r\n", 0, 1, 1 },
	{ "no newline at the end", 0, 1, 1 },
};

START_TEST(test_textextract_plain_body_as_gmime)
{
	const struct plain_headers *h = &plain_headers[_i];
	static const size_t caps[] = { 0, 40 };
	size_t b, k, len, i;
	int fast = 0;

	for (b = 0; b < N_ELEM(plain_bodies); b++)
	for (k = 0; k < N_ELEM(caps); k++) {
		const struct plain_body *pb = &plain_bodies[b];
		struct textextract viabody, viagmime;
		struct buf m;
		int want, rc1, rc2;

		len = pb->len ? pb->len : strlen(pb->text);
		want = h->fast && (pb->ascii || (h->utf8 && pb->utf8));
		ck_assert_msg(textextract_body_is_plain(h->ct, h->cte, pb->text, len) == want,
			      "headers %d body %zu: is_plain should be %d", _i, b, want);
		fast += want;
		buf_init(&m);
		buf_puts(&m, "MIME-Version: 1.0\r\n");
		if (h->ct) {
			buf_puts(&m, "Content-Type: ");
			for (i = 0; h->ct[i]; i++)
				buf_putc(&m, h->ct[i] == '\r' || h->ct[i] == '\n' ? ' ' : h->ct[i]);
			buf_puts(&m, "\r\n");
		}
		if (h->cte) {
			buf_puts(&m, "Content-Transfer-Encoding: ");
			buf_puts(&m, h->cte);
			buf_puts(&m, "\r\n");
		}
		buf_puts(&m, "\r\n");
		buf_append(&m, pb->text, len);
		rc1 = textextract_body(h->ct, h->cte, pb->text, len, caps[k], &viabody);
		rc2 = textextract_message(m.data, m.len, caps[k], &viagmime);
		ck_assert_msg(rc1 == rc2, "headers %d body %zu cap %zu: rc %d vs %d", _i, b, caps[k],
			      rc1, rc2);
		ck_assert_msg(strcmp(viabody.text, viagmime.text) == 0,
			      "headers %d body %zu cap %zu: text\n[%s]\nvs GMime\n[%s]", _i, b,
			      caps[k], viabody.text, viagmime.text);
		ck_assert_msg(strcmp(viabody.quoted, viagmime.quoted) == 0,
			      "headers %d body %zu cap %zu: quoted [%s] vs GMime [%s]", _i, b,
			      caps[k], viabody.quoted, viagmime.quoted);
		ck_assert_int_eq(viabody.from_html, viagmime.from_html);
		ck_assert_msg(viabody.truncated == viagmime.truncated,
			      "headers %d body %zu cap %zu: truncated %d vs %d", _i, b, caps[k],
			      viabody.truncated, viagmime.truncated);
		textextract_clear(&viabody);
		textextract_clear(&viagmime);
		buf_free(&m);
	}
	ck_assert_int_eq(fast > 0, h->fast);	/* the rows that can be taken as they are, are */
}
END_TEST

/* the nesting forms: plain, folded, and attached messages */
static const char *const nest_head[] = {
	"Content-Type: multipart/mixed; boundary=b",
	"Content-Type:\r\n\tMultipart/Mixed;\r\n boundary=b",
	"Content-Type : message/rfc822\r\n\r\nSubject: x\r\nX-N: ",
};

/* nest - one level of nesting form k */
static void nest(struct buf *m, int k, unsigned i)
{
	buf_puts(m, nest_head[k]);
	if (k < 2)
		buf_printf(m, "%u\r\n\r\n--b%u\r\n", i, i);
	else
		buf_printf(m, "%u\r\n", i);
}

START_TEST(test_textextract_hostile_nesting)
{
	struct buf m;
	struct textextract t;
	struct timespec a, b;
	unsigned i, depth = 20000;

	buf_init(&m);
	buf_puts(&m, H);
	for (i = 0; i < depth; i++)
		nest(&m, _i, i);
	buf_puts(&m, "Content-Type: text/plain\r\n\r\nAt the bottom.\r\n");
	for (i = depth; i-- > 0;)
		buf_printf(&m, "--b%u--\r\n", i);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(textextract_message(m.data, m.len, 0, &t), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_int_eq(t.truncated, 1);
	ck_assert_str_eq(t.text, "");		/* the text lay below the cap */
	ck_assert_msg(b.tv_sec - a.tv_sec < 5, "took %lld s", (long long)(b.tv_sec - a.tv_sec));
	textextract_clear(&t);
	buf_free(&m);
}
END_TEST

START_TEST(test_textextract_huge_part_is_capped)
{
	struct buf m;
	struct textextract t;
	unsigned i;

	buf_init(&m);
	buf_puts(&m, H "Content-Type: text/plain; charset=utf-8\r\n\r\n");
	for (i = 0; i < 200000; i++)
		buf_puts(&m, "caf\xc3\xa9 word ");
	ck_assert_int_eq(textextract_message(m.data, m.len, 1000, &t), 0);
	ck_assert_int_eq(t.truncated, 1);
	ck_assert_uint_le(strlen(t.text), 1000);
	textextract_clear(&t);
	buf_free(&m);
}
END_TEST

START_TEST(test_textextract_garbage_never_crashes)
{
	static const char *const junk[] = {
		"", "\r\n\r\n", "no headers at all and no blank line",
		H "Content-Type: multipart/mixed\r\n\r\n--\r\n--\r\n",	/* no boundary */
		H "Content-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\n",	/* unterminated */
		H "Content-Type: text/plain; charset=no-such-charset\r\n\r\nab\xff\xfe cd\r\n",
		H "Content-Type: text/html\r\n\r\n<<<<&&&&&#99999999999;<!--<script>",
		H "Content-Transfer-Encoding: base64\r\n\r\n!!!!====****\r\n",
	};
	size_t i;

	for (i = 0; i < N_ELEM(junk); i++) {
		struct textextract t;
		(void)textextract_message(junk[i], strlen(junk[i]), 0, &t);
		ck_assert_ptr_nonnull(t.text);
		textextract_clear(&t);
	}
}
END_TEST

int main(void)
{
	Suite *su = suite_create("textextract");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_textextract_mime);
	tcase_add_test(tc, test_textextract_clean);
	tcase_add_test(tc, test_textextract_body_with_separate_headers);
	tcase_add_loop_test(tc, test_textextract_plain_body_as_gmime, 0, (int)N_ELEM(plain_headers));
	tcase_add_loop_test(tc, test_textextract_hostile_nesting, 0, (int)N_ELEM(nest_head));
	tcase_add_test(tc, test_textextract_huge_part_is_capped);
	tcase_add_test(tc, test_textextract_garbage_never_crashes);
	suite_add_tcase(su, tc);
	return check_run(su);
}
