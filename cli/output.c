/*
 * output.c - plain-text output for people: aligned tables and
 * "label: value" lines, with control bytes shown as '?' so a stored value
 * can never move the cursor or forge a line of output.
 *
 * Widths count UTF-8 characters, not bytes, so names line up.
 */
#include "cli.h"
#include "buf.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clean - a copy with control bytes replaced by '?' */
static char *clean(const char *s)
{
	char *c = xstrdup(s), *p;

	for (p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

/* width - characters in a UTF-8 string (continuation bytes not counted) */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

void table_init(struct table *t, size_t ncols, const char *const *headers)
{
	size_t i;

	t->ncols = ncols;
	strlist_init(&t->cells);
	for (i = 0; i < ncols; i++)
		strlist_add(&t->cells, headers[i]);
}

void table_add(struct table *t, const char *cell)
{
	strlist_take(&t->cells, clean(cell ? cell : "-"));
}

void table_addf(struct table *t, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	table_add(t, buf_cstr(&b));
	buf_free(&b);
}

void table_print(struct table *t, FILE *out)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));
	size_t i, col;

	for (i = 0; i < t->cells.n; i++) {
		col = i % t->ncols;
		if (width(t->cells.v[i]) > w[col])
			w[col] = width(t->cells.v[i]);
	}
	for (i = 0; i < t->cells.n; i++) {
		col = i % t->ncols;
		if (col + 1 == t->ncols) {
			fprintf(out, "%s\n", t->cells.v[i]);
		} else {
			size_t pad = w[col] - width(t->cells.v[i]) + 2;
			fputs(t->cells.v[i], out);
			while (pad--)
				fputc(' ', out);
		}
	}
	free(w);
	strlist_free(&t->cells);
}

void print_field(FILE *out, const char *label, const char *value)
{
	char *v = clean(value ? value : "-");

	fprintf(out, "%s: %s\n", label, v);
	free(v);
}

const char *fmt_local(time_t t, char *buf, size_t len)
{
	if (t == 0)
		return "-";
	return time_format_local(t, buf, len);
}
