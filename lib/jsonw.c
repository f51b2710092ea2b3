/*
 * jsonw.c - compact JSON writer (jsonw.h). The UTF-8 rules and the escapes
 * follow Jansson 2.14's utf.c and dump.c so that stored events read the
 * same whichever wrote them; tests/unit/test_jsonw.c compares the two.
 */
#include "jsonw.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>

void jsonw_init(struct jsonw *w)
{
	buf_init(&w->b);
	w->depth = 0;
	w->after_key = 0;
	w->has_item[0] = 0;
}

void jsonw_free(struct jsonw *w)
{
	buf_free(&w->b);
}

/* item - the separator before a value at the current level */
static void item(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->has_item[w->depth])
		buf_putc(&w->b, ',');
	w->has_item[w->depth] = 1;
}

void jsonw_open(struct jsonw *w, char bracket)
{
	if (w->depth + 1 >= JSONW_DEPTH_MAX) {
		log_err("jsonw: nesting deeper than %d", JSONW_DEPTH_MAX);
		abort();
	}
	item(w);
	buf_putc(&w->b, bracket);
	w->depth++;
	w->has_item[w->depth] = 0;
}

void jsonw_close(struct jsonw *w, char bracket)
{
	if (w->depth == 0) {
		log_err("jsonw: '%c' closes nothing", bracket);
		abort();
	}
	buf_putc(&w->b, bracket);
	w->depth--;
}

void jsonw_key(struct jsonw *w, const char *key)
{
	item(w);
	jsonw_string_text(&w->b, key);
	buf_putc(&w->b, ':');
	w->after_key = 1;
}

void jsonw_str(struct jsonw *w, const char *s)
{
	item(w);
	jsonw_string_text(&w->b, s ? s : "");
}

void jsonw_int(struct jsonw *w, long long v)
{
	char num[24];

	item(w);
	snprintf(num, sizeof(num), "%lld", v);
	buf_puts(&w->b, num);
}

void jsonw_bool(struct jsonw *w, int v)
{
	item(w);
	buf_puts(&w->b, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
	item(w);
	buf_puts(&w->b, "null");
}

void jsonw_strlist(struct jsonw *w, const struct strlist *l)
{
	size_t i;

	jsonw_open(w, '[');
	for (i = 0; l && i < l->n; i++)
		jsonw_str(w, l->v[i]);
	jsonw_close(w, ']');
}

char *jsonw_finish(struct jsonw *w)
{
	return buf_take(&w->b);
}

/*
 * utf8_next - the code point at s (length in *n), or -1 when the bytes
 * are not UTF-8 as Jansson accepts it: no overlong forms, no surrogates,
 * nothing above U+10FFFF
 */
static long utf8_next(const unsigned char *s, size_t *n)
{
	unsigned char c = s[0];
	long v;
	size_t i, len;

	if (c < 0x80) {
		*n = 1;
		return c;
	}
	if (c < 0xc2 || c > 0xf4)
		return -1;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	v = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;	/* also stops at the terminating NUL */
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10ffff
	    || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*n = len;
	return v;
}

/* utf8_valid - the whole string passes utf8_next */
static int utf8_valid(const unsigned char *s)
{
	size_t n;

	for (; *s; s += n)
		if (utf8_next(s, &n) < 0)
			return 0;
	return 1;
}

void jsonw_string_text(struct buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run;
	char esc[16];
	size_t n;
	long v;

	if (!utf8_valid(s))
		s = (const unsigned char *)"(invalid)";
	buf_putc(b, '"');
	while (*s) {
		for (run = s; *s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\'; s++)
			;
		if (s > run)
			buf_append(b, run, (size_t)(s - run));
		if (*s == '\0')
			break;
		v = utf8_next(s, &n);
		s += n;
		switch (v) {
		case '"': buf_puts(b, "\\\""); continue;
		case '\\': buf_puts(b, "\\\\"); continue;
		case '\b': buf_puts(b, "\\b"); continue;
		case '\f': buf_puts(b, "\\f"); continue;
		case '\n': buf_puts(b, "\\n"); continue;
		case '\r': buf_puts(b, "\\r"); continue;
		case '\t': buf_puts(b, "\\t"); continue;
		default: break;
		}
		if (v < 0x10000) {
			snprintf(esc, sizeof(esc), "\\u%04lX", (unsigned long)v);
		} else {
			v -= 0x10000;
			snprintf(esc, sizeof(esc), "\\u%04lX\\u%04lX",
				 (unsigned long)(0xd800 | ((v >> 10) & 0x3ff)),
				 (unsigned long)(0xdc00 | (v & 0x3ff)));
		}
		buf_puts(b, esc);
	}
	buf_putc(b, '"');
}
