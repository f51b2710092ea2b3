/*
 * textextract.c - the MIME side of text extraction (textextract.h).
 *
 * GMime parses the message; the walk takes inline text/plain parts, or,
 * when there are none, inline text/html reduced to text. In
 * multipart/alternative the plain alternative wins unless it is blank.
 * Attachments and attached messages (message/rfc822) are not the sender's
 * own text. GMime decodes base64 and quoted-printable and converts the
 * part's charset to UTF-8; unlabelled 8-bit text that is not UTF-8 is read
 * as windows-1252. Hostile input is bounded before GMime sees it (at most
 * TEXTEXTRACT_MAX_MULTIPARTS nested containers) and during the walk (depth,
 * output size).
 */
#include "textextract.h"
#include "addrlist.h"
#include "xalloc.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct walk {
	struct buf plain, html;
	size_t max;
	int truncated;
};

static void walk(struct walk *w, GMimeObject *o, unsigned depth);

/* has_container - does this piece of a Content-Type field name multipart or message? */
static int has_container(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 8 <= n; i++)
		if ((i + 9 <= n && strncasecmp(s + i, "multipart", 9) == 0)
		    || strncasecmp(s + i, "message/", 8) == 0)
			return 1;
	return 0;
}

/* ct_field - does the line start a Content-Type field ("Content-Type :" too)? */
static int ct_field(const char *s, size_t n)
{
	size_t i = 12;

	if (n < 13 || strncasecmp(s, "content-type", 12) != 0)
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

/* nesting_cut - the length of raw GMime may parse: up to the line declaring
 * the (TEXTEXTRACT_MAX_MULTIPARTS+1)th container, which bounds the tree it
 * builds and we walk;
 * folded Content-Type fields are followed onto their continuation lines */
static size_t nesting_cut(const char *raw, size_t len)
{
	size_t i = 0, count = 0, field = 0;
	int in_ct = 0, counted = 0;

	while (i < len) {
		const char *nl = memchr(raw + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (raw + i)) : len - i;
		if (ct_field(raw + i, n)) {
			in_ct = 1;
			counted = 0;
			field = i;
		} else if (!(in_ct && n > 0 && (raw[i] == ' ' || raw[i] == '\t'))) {
			in_ct = 0;
		}
		if (in_ct && !counted && has_container(raw + i, n)) {
			counted = 1;
			if (++count > TEXTEXTRACT_MAX_MULTIPARTS)
				return field;
		}
		i += n + 1;
	}
	return len;
}

/* append_capped - add s/n to b, at most up to max bytes in all */
static void append_capped(struct walk *w, struct buf *b, const char *s, size_t n)
{
	if (b->len > 0)
		buf_puts(b, "\n\n");
	if (b->len + n > w->max) {
		n = b->len < w->max ? w->max - b->len : 0;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;		/* not inside a UTF-8 sequence */
		w->truncated = 1;
	}
	buf_append(b, s, n);
}

/* part_text - a text part's content as valid UTF-8 (g_free it) */
static char *part_text(GMimeTextPart *tp)
{
	char *t = g_mime_text_part_get_text(tp), *u;

	if (t == NULL || g_utf8_validate(t, -1, NULL))
		return t;
	if (g_mime_text_part_get_charset(tp) == NULL) {
		u = g_convert(t, -1, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
		if (u != NULL) {
			g_free(t);
			return u;
		}
	}
	u = g_utf8_make_valid(t, -1);
	g_free(t);
	return u;
}

/* leaf - take a text/plain or text/html part that is not an attachment */
static void leaf(struct walk *w, GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(o);
	char *t;

	if (!GMIME_IS_TEXT_PART(o) || (cd != NULL && g_mime_content_disposition_is_attachment(cd)))
		return;
	if (ct != NULL && g_mime_content_type_is_type(ct, "text", "html")) {
		char *h;
		if (w->html.len >= w->max)
			return;
		t = part_text((GMimeTextPart *)o);
		if (t == NULL)
			return;
		h = texthtml_to_text(t, strlen(t), w->max);
		append_capped(w, &w->html, h, strlen(h));
		free(h);
	} else if (ct == NULL || g_mime_content_type_is_type(ct, "text", "plain")) {
		if (w->plain.len >= w->max)
			return;
		t = part_text((GMimeTextPart *)o);
		if (t == NULL)
			return;
		append_capped(w, &w->plain, t, strlen(t));
	} else {
		return;			/* text/calendar, text/csv, ...: not prose */
	}
	g_free(t);
}

/* blank - only whitespace? */
static int blank(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\n' && b->data[i] != '\r' && b->data[i] != '\t')
			return 0;
	return 1;
}

/* alternative - take the first non-blank plain alternative, else the first HTML one */
static void alternative(struct walk *w, GMimeMultipart *mp, unsigned depth)
{
	int i, n = g_mime_multipart_get_count(mp), chosen = -1, html = 0;
	struct walk *sub = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*sub));

	for (i = 0; i < n; i++) {
		buf_init(&sub[i].plain);
		buf_init(&sub[i].html);
		sub[i].max = w->max;
		walk(&sub[i], g_mime_multipart_get_part(mp, i), depth + 1);
		if (chosen < 0 && !blank(&sub[i].plain))
			chosen = i;
	}
	for (i = 0; chosen < 0 && i < n; i++) {
		if (!blank(&sub[i].html)) {
			chosen = i;
			html = 1;
		}
	}
	if (chosen >= 0) {
		struct buf *from = html ? &sub[chosen].html : &sub[chosen].plain;
		append_capped(w, html ? &w->html : &w->plain, from->data, strlen(from->data));
		w->truncated |= sub[chosen].truncated;
	}
	for (i = 0; i < n; i++) {
		buf_free(&sub[i].plain);
		buf_free(&sub[i].html);
	}
	free(sub);
}

/* walk - collect text from o and below, to a bounded depth */
static void walk(struct walk *w, GMimeObject *o, unsigned depth)
{
	if (o == NULL)
		return;
	if (depth > TEXTEXTRACT_MAX_DEPTH) {
		w->truncated = 1;
		return;
	}
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = (GMimeMultipart *)o;
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		int i, n = g_mime_multipart_get_count(mp);
		if (ct != NULL && g_mime_content_type_is_type(ct, "multipart", "alternative")) {
			alternative(w, mp, depth);
			return;
		}
		for (i = 0; i < n; i++)
			walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(o))
		return;			/* an attached message is not the sender's text */
	leaf(w, o);
}

/* finish - clean the collected text into out; the walk's buffers are freed */
static void finish(struct walk *w, struct textextract *out)
{
	struct buf own, quoted;
	struct buf *src = blank(&w->plain) && !blank(&w->html) ? &w->html : &w->plain;

	buf_init(&own);
	buf_init(&quoted);
	textclean_split(src->data, src->len, &own, &quoted);
	out->text = buf_take(&own);
	out->quoted = buf_take(&quoted);
	out->from_html = src == &w->html;
	out->truncated |= w->truncated;
	buf_free(&w->plain);
	buf_free(&w->html);
}

/* walk_init - an empty walk with its cap, and out cleared */
static void walk_init(struct walk *w, size_t max_out, struct textextract *out)
{
	memset(out, 0, sizeof(*out));
	memset(w, 0, sizeof(*w));
	buf_init(&w->plain);
	buf_init(&w->html);
	w->max = max_out ? max_out : TEXTEXTRACT_MAX_OUT;
}

int textextract_message(const char *raw, size_t len, size_t max_out, struct textextract *out)
{
	struct walk w;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	size_t cut = nesting_cut(raw, len);

	rules_init();
	walk_init(&w, max_out, out);
	out->truncated = cut < len;
	stream = g_mime_stream_mem_new_with_buffer(raw, cut);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	if (msg != NULL)
		walk(&w, g_mime_message_get_mime_part(msg), 0);
	finish(&w, out);
	if (msg != NULL)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg != NULL ? 0 : -1;
}

/* put_value - value with CR and LF made spaces (a header value on one line) */
static void put_value(struct buf *b, const char *value)
{
	for (; *value; value++)
		buf_putc(b, *value == '\r' || *value == '\n' ? ' ' : *value);
}

/* put_header - "Name: value\r\n", the value on one line */
static void put_header(struct buf *b, const char *name, const char *value)
{
	buf_puts(b, name);
	buf_puts(b, ": ");
	put_value(b, value);
	buf_puts(b, "\r\n");
}

/* plain_type - no Content-Type, or text/plain with at most charset us-ascii or utf-8 (*utf8) */
static int plain_type(const char *content_type, int *utf8)
{
	GMimeContentType *ct;
	const char *charset;
	struct buf v;
	int plain;

	*utf8 = 0;
	if (content_type == NULL)
		return 1;	/* RFC 2045: text/plain; charset=us-ascii */
	buf_init(&v);
	put_value(&v, content_type);	/* as textextract_body hands it to GMime */
	ct = g_mime_content_type_parse(NULL, buf_cstr(&v));
	buf_free(&v);
	if (ct == NULL)
		return 0;
	charset = g_mime_content_type_get_parameter(ct, "charset");
	plain = g_mime_content_type_is_type(ct, "text", "plain")
		&& g_mime_param_list_length(g_mime_content_type_get_parameters(ct))
		   == (charset != NULL ? 1 : 0)
		&& (charset == NULL || g_ascii_strcasecmp(charset, "us-ascii") == 0
		    || (*utf8 = g_ascii_strcasecmp(charset, "utf-8") == 0
				|| g_ascii_strcasecmp(charset, "utf8") == 0));
	g_object_unref(ct);
	return plain;
}

/* ascii - every byte below 0x80 */
static int ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

int textextract_body_is_plain(const char *content_type, const char *cte, const char *body,
			      size_t len)
{
	GMimeContentEncoding e;
	size_t n = strnlen(body, len);	/* GMime's text ends at a NUL too */
	int utf8;

	rules_init();
	if (cte != NULL) {
		e = g_mime_content_encoding_from_string(cte);
		if (e != GMIME_CONTENT_ENCODING_7BIT && e != GMIME_CONTENT_ENCODING_8BIT
		    && e != GMIME_CONTENT_ENCODING_BINARY)
			return 0;	/* base64, quoted-printable, uuencode or unknown */
	}
	if (!plain_type(content_type, &utf8))
		return 0;
	return utf8 ? g_utf8_validate(body, (gssize)n, NULL) : ascii(body, n);
}

int textextract_body(const char *content_type, const char *cte, const char *body, size_t len,
		     size_t max_out, struct textextract *out)
{
	struct walk w;
	struct buf m;
	int rc;

	if (textextract_body_is_plain(content_type, cte, body, len)) {
		/* GMime would hand the body over as it is: skip its parser and converters */
		walk_init(&w, max_out, out);
		append_capped(&w, &w.plain, body, strnlen(body, len));
		finish(&w, out);
		return 0;
	}
	buf_init(&m);
	put_header(&m, "MIME-Version", "1.0");
	if (content_type != NULL)
		put_header(&m, "Content-Type", content_type);
	if (cte != NULL)
		put_header(&m, "Content-Transfer-Encoding", cte);
	buf_puts(&m, "\r\n");
	buf_append(&m, body, len);
	rc = textextract_message(m.data, m.len, max_out, out);
	buf_free(&m);
	return rc;
}

void textextract_clear(struct textextract *t)
{
	if (t == NULL)
		return;
	free(t->text);
	free(t->quoted);
	t->text = t->quoted = NULL;
}
