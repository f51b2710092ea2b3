/*
 * digest_textfmt.h - plain-text layout helpers of the digest
 * (digest_textfmt.c): fitted tables, wrapped text, headings, and the
 * table of a list of restrictions.
 */
#ifndef RM_DIGEST_TEXTFMT_H
#define RM_DIGEST_TEXTFMT_H

#include <stdarg.h>
#include "digest_model.h"

/* a table whose cells are cleaned on the way in */
struct tt {
	size_t ncols;
	size_t flex;			/* 1 + the column to shrink first, 0 none */
	struct strlist cells;		/* row-major, header row first */
};

void tt_init(struct tt *t, size_t ncols, const char *const *headers);
void tt_add(struct tt *t, const char *cell);	/* NULL shows as "-" */
void tt_addf(struct tt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* tt_print - append the table, indented, fitted to the width; frees it */
void tt_print(struct tt *t, struct buf *b);
/*
 * tt_wrap - text cleaned and wrapped, every line indented by indent; a
 * no-break space (U+00A0) glues words and prints as a space
 */
void tt_wrap(struct buf *b, size_t indent, const char *text);
/* tt_heading - a blank line, the title, a rule under it */
void tt_heading(struct buf *b, const char *title);
/*
 * tt_refs - "Title: none." or "Title (n)" and a table of id, person, case,
 * action, date_label and (unless NULL) by_label
 */
void tt_refs(struct buf *b, const char *title, const struct digest_list *l,
	     const char *date_label, const char *by_label);

#endif
