/*
 * record.h - the one log line and the one event row of each message.
 *
 * The line carries the queue id (NOQUEUE when refused before one existed),
 * restriction ids, actions, matched kinds and the outcome per recipient;
 * never names, cases, reasons or subjects. The event row holds the same
 * facts as JSON lists for `restrictctl events` and the digest.
 */
#ifndef RM_RECORD_H
#define RM_RECORD_H

#include "decide.h"
#include "mctx.h"
#include "store_events.h"

/*
 * record_eom - a message that reached end of message. d is NULL when it
 * was accepted without restrictions (OnDatabaseError accept); what is the
 * verdict the MTA was given (it may differ from d's when a change failed).
 * pre (may be NULL) holds what detection and novelty filled in; it is
 * taken over (zeroed).
 */
void record_eom(const struct msg *m, const struct decision *d, const char *what,
		struct store_event *pre);
/* record_refused - a message that ended before EOM with refusals at RCPT */
void record_refused(const struct msg *m);

#endif
