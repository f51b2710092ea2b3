/*
 * jsonw.c - compact JSON writer (jsonw.h): brackets, commas and numbers
 * here, every string (keys too) checked and escaped by Jansson itself;
 * tests/unit/test_jsonw.c compares whole texts with json_dumps.
 */
#include "jsonw.h"
#include "log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#define JSONW_DUMP_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY)

void jsonw_init(struct jsonw *w)
{
	/* most texts fit: jsonw_finish then makes the one allocation, of the right size */
	buf_init_on(&w->b, w->space, sizeof(w->space));
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

/*
 * jsonw_key - keys are the program's own names ([a-z_]), written as they
 * are; anything else is a bug (abort), never something to escape
 */
void jsonw_key(struct jsonw *w, const char *key)
{
	const char *p;

	for (p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			break;
	if (*key == '\0' || *p != '\0') {
		log_err("jsonw: key \"%s\" is not a plain name", key);
		abort();
	}
	item(w);
	buf_putc(&w->b, '"');
	buf_append(&w->b, key, (size_t)(p - key));
	buf_puts(&w->b, "\":");
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

/* append_text - json_dump_callback's sink: more of the dumped text */
static int append_text(const char *text, size_t n, void *b)
{
	buf_append(b, text, n);
	return 0;
}

/*
 * jsonw_string_text - a string with nothing to escape is copied between
 * quotes; any other goes to Jansson, which checks its UTF-8 and writes the
 * escapes (SPEC: JSON escaping is never hand-written). A string Jansson
 * refuses is stored as "(invalid)", as the milter always has.
 */
void jsonw_string_text(struct buf *b, const char *str)
{
	const char *p;
	json_t *j;

	/* printable ASCII other than '"' and '\\' is its own JSON text */
	for (p = str; *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\'; p++)
		;
	if (*p == '\0') {
		buf_putc(b, '"');
		buf_append(b, str, (size_t)(p - str));
		buf_putc(b, '"');
		return;
	}
	j = json_string(str);

	if (j == NULL)
		j = json_string("(invalid)");
	if (j == NULL || json_dump_callback(j, append_text, b, JSONW_DUMP_FLAGS) != 0) {
		log_err("jsonw: out of memory writing a JSON string");
		abort();	/* as xmalloc does: the event cannot be written half */
	}
	json_decref(j);
}
