/*
 * header.h - making header values we write safe: no CR, NUL or other
 * control characters, and long values folded with LF + TAB.
 *
 * Everything the product writes into a header passes through header_value,
 * whatever its source (mail, administrator, configuration).
 */
#ifndef RM_HEADER_H
#define RM_HEADER_H

#define HEADER_FOLD_AT 76

/*
 * header_value - a copy of raw with control characters replaced by spaces
 * (runs of whitespace collapsed) and folded before HEADER_FOLD_AT columns at
 * a "; " or ", " or space boundary, counting name_len + 2 for "Name: ".
 * The result never contains CR or NUL; folds are LF followed by TAB.
 */
char *header_value(const char *raw, unsigned name_len);
/* header_name_has_prefix - case-insensitive: does name start with prefix? */
int header_name_has_prefix(const char *name, const char *prefix);

#endif
