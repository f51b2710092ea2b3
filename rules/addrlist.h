/*
 * addrlist.h - the mailboxes in an RFC 5322 address-list header value.
 *
 * From:, Sender: and Reply-To: are parsed with GMime's address-list parser:
 * display names, comments, quoted local parts, groups (flattened) and
 * RFC 2047 names. Only the addr-specs are returned, raw (not normalised).
 */
#ifndef RM_ADDRLIST_H
#define RM_ADDRLIST_H

#include <stddef.h>
#include "strlist.h"

/* ADDRLIST_MAX - mailboxes taken from one header; the rest are ignored */
#define ADDRLIST_MAX 10000

/* rules_init - initialise GMime once per process (thread-safe, idempotent) */
void rules_init(void);

/*
 * addrlist_parse - append the addr-spec of each mailbox in value to out, in
 * order, at most max. Returns the number appended (0 when nothing could be
 * parsed). Never fails on hostile input: unparseable parts are skipped.
 */
size_t addrlist_parse(const char *value, size_t max, struct strlist *out);

#endif
