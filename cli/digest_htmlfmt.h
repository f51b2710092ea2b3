/*
 * digest_htmlfmt.h - HTML building blocks of the digest (digest_htmlfmt.c):
 * page head and end, tags, stacking tables, restriction lists, charts.
 * Every text argument is escaped with digest_html_put.
 */
#ifndef RM_DIGEST_HTMLFMT_H
#define RM_DIGEST_HTMLFMT_H

#include "digest_model.h"

/* ht_begin - doctype, head with the style sheet, the body's opening */
void ht_begin(struct buf *b, const char *title);
void ht_end(struct buf *b);
/* ht_tag - <tag class="cls">text</tag> (cls may be NULL) */
void ht_tag(struct buf *b, const char *tag, const char *cls, const char *text);
/* ht_none - the one line of an empty section */
void ht_none(struct buf *b, const char *text);
/* ht_table - a table's head; bit i of numeric right-aligns column i */
void ht_table(struct buf *b, const char *const *headers, size_t n, unsigned numeric);
/* ht_cell - a cell labelled for the stacked (phone) layout; NULL shows "-" */
void ht_cell(struct buf *b, const char *label, const char *value, int numeric);
void ht_celln(struct buf *b, const char *label, long long v);
void ht_table_end(struct buf *b);
/* ht_refs - "Title: none." or a heading and a table of restrictions */
void ht_refs(struct buf *b, const char *title, const struct digest_list *l,
	     const char *date_label, const char *by_label);
/* ht_stack - one bar split by what was done, and its legend */
void ht_stack(struct buf *b, const long long *cat, long long total, int trial);
/* ht_days - a column per chart bar of the period */
void ht_days(struct buf *b, const struct store_digest *d, const long long *v);

#endif
