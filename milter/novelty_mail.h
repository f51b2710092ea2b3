/*
 * novelty_mail.h - "new or repeat" for file and limit mail (SPEC
 * "Detection: ... novelty", doc/novelty.md) on the mail path.
 *
 * The histories of the people under an active file or limit restriction
 * are kept in memory: loaded by the reload thread at start and after each
 * snapshot rebuild, appended on each message, persisted through the event
 * writer (fingerprints table, bounded per person). The mail path never
 * waits for SQL. Whether a message's body is wanted at all is decided at
 * its first body chunk, so other mail costs one body round trip at most.
 */
#ifndef RM_NOVELTY_MAIL_H
#define RM_NOVELTY_MAIL_H

#include <stddef.h>
#include <time.h>
#include "decide.h"
#include "mctx.h"
#include "store_events.h"

/* body bytes kept per message; the rest is ignored (the text is marked truncated) */
#define NOVELTY_BODY_MAX (256 * 1024)

struct store;

/*
 * novelty_mail_refresh - load the histories of users newly under a file
 * or limit restriction, drop those no longer under one. -1 with err.
 */
int novelty_mail_refresh(struct store *st, time_t now, char *err, size_t errlen);
/* novelty_mail_possible - is anyone under a file or limit restriction? */
int novelty_mail_possible(void);
/* novelty_mail_applies - the user id of d's first non-trial file or limit restriction, 0 none */
long long novelty_mail_applies(const struct decision *d);
/*
 * novelty_mail_eom - for file and limit mail: judge the body collected in
 * m against the person's history, add the novelty header to d, fill e's
 * novelty columns and the fingerprint to keep.
 */
void novelty_mail_eom(const struct msg *m, struct decision *d, time_t now, struct store_event *e);
/* novelty_mail_free - at exit */
void novelty_mail_free(void);

#endif
