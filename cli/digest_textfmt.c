/*
 * digest_textfmt.c - plain-text layout for the digest: tables that fit in
 * DIGEST_TEXT_COLUMNS columns (the widest columns shrink, cells are cut
 * with "…"), running text that wraps, headings and restriction lists.
 * Every stored value goes through digest_clean.
 */
#include "digest_model.h"
#include "digest_textfmt.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_INDENT 2
#define MIN_COL 4

void tt_init(struct tt *t, size_t ncols, const char *const *headers)
{
	size_t i;

	t->ncols = ncols;
	t->flex = 0;
	strlist_init(&t->cells);
	for (i = 0; i < ncols; i++)
		strlist_add(&t->cells, headers[i]);
}

void tt_add(struct tt *t, const char *cell)
{
	strlist_take(&t->cells, digest_clean(cell));
}

void tt_addf(struct tt *t, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tt_add(t, buf_cstr(&b));
	buf_free(&b);
}

/* put_cut - s in at most w columns ("…" marks a cut), padded to w unless last */
static void put_cut(struct buf *b, const char *s, size_t w, int last)
{
	size_t n = digest_width(s), k = 0;
	const char *p = s;

	if (n <= w) {
		buf_puts(b, s);
	} else {
		for (; *p && k < w - 1; k++) {
			buf_putc(b, *p++);
			while (((unsigned char)*p & 0xc0) == 0x80)
				buf_putc(b, *p++);
		}
		buf_puts(b, "\xe2\x80\xa6");
		n = w;
	}
	while (!last && n++ < w)
		buf_putc(b, ' ');
}

void tt_print(struct tt *t, struct buf *b)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w)), i, col, total, widest;

	for (i = 0; i < t->cells.n; i++) {
		col = i % t->ncols;
		if (digest_width(t->cells.v[i]) > w[col])
			w[col] = digest_width(t->cells.v[i]);
	}
	/* shrink the flexible column, then the widest, until the table fits */
	for (;;) {
		total = TABLE_INDENT + 2 * (t->ncols - 1);
		widest = 0;
		for (col = 0; col < t->ncols; col++) {
			total += w[col];
			if (w[col] > w[widest])
				widest = col;
		}
		if (t->flex && w[t->flex - 1] > MIN_COL + 6)
			widest = t->flex - 1;
		if (total <= DIGEST_TEXT_COLUMNS || w[widest] <= MIN_COL)
			break;
		w[widest]--;
	}
	for (i = 0; i < t->cells.n; i++) {
		col = i % t->ncols;
		if (col == 0)
			buf_printf(b, "%*s", TABLE_INDENT, "");
		put_cut(b, t->cells.v[i], w[col], col + 1 == t->ncols);
		buf_puts(b, col + 1 == t->ncols ? "\n" : "  ");
	}
	free(w);
	strlist_free(&t->cells);
}

#define NBSP "\xc2\xa0"

/* put_word - one word, hard-cut into pieces of at most room columns; NBSP glue shows as ' ' */
static void put_word(struct buf *b, const char **p, size_t room, size_t *col)
{
	while (**p && **p != ' ' && *col < room) {
		if (strncmp(*p, NBSP, 2) == 0) {
			buf_putc(b, ' ');
			*p += 2;
			(*col)++;
			continue;
		}
		buf_putc(b, *(*p)++);
		while (((unsigned char)**p & 0xc0) == 0x80)
			buf_putc(b, *(*p)++);
		(*col)++;
	}
}

/* word_width - columns of the word at p */
static size_t word_width(const char *p)
{
	size_t n = 0;

	for (; *p && *p != ' '; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
	return n;
}

void tt_wrap(struct buf *b, size_t indent, const char *text)
{
	char *c = digest_clean(text);
	const char *p = c;
	size_t col = 0, ww;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		ww = word_width(p);
		if (col > indent && col + 1 + ww > DIGEST_TEXT_COLUMNS) {
			buf_putc(b, '\n');
			col = 0;
		}
		if (col == 0) {
			buf_printf(b, "%*s", (int)indent, "");
			col = indent;
		} else {
			buf_putc(b, ' ');
			col++;
		}
		put_word(b, &p, DIGEST_TEXT_COLUMNS, &col);
		if (*p && *p != ' ') {		/* a word longer than a line */
			buf_putc(b, '\n');
			col = 0;
		}
	}
	buf_putc(b, '\n');
	free(c);
}

void tt_heading(struct buf *b, const char *title)
{
	size_t n = digest_width(title);

	buf_printf(b, "\n%s\n", title);
	while (n--)
		buf_putc(b, '-');
	buf_putc(b, '\n');
}

/* action_text - "file", or "file (trial)" */
static const char *action_text(const char *action, int trial, char *out, size_t len)
{
	snprintf(out, len, "%s%s", action ? action : "?", trial ? " (trial)" : "");
	return out;
}

void tt_refs(struct buf *b, const char *title, const struct digest_list *l,
	     const char *date_label, const char *by_label)
{
	const char *h[] = { "ID", "Person", "Case", "Action", date_label, by_label };
	char day[32], act[64];
	struct tt t;
	size_t i;

	if (l->n == 0) {
		buf_printf(b, "%s: none.\n", title);
		return;
	}
	buf_printf(b, "%s (%zu)\n", title, l->n);
	tt_init(&t, by_label ? 6 : 5, h);
	t.flex = 2;
	for (i = 0; i < l->n; i++) {
		const struct digest_ref *r = &l->v[i];

		tt_addf(&t, "%lld", r->id);
		tt_add(&t, r->name);
		tt_add(&t, r->case_ref);
		tt_add(&t, action_text(r->action, r->trial, act, sizeof(act)));
		tt_add(&t, digest_day(r->at, day, sizeof(day)));
		if (by_label)
			tt_add(&t, r->by);
	}
	tt_print(&t, b);
}
