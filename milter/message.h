/*
 * message.h - one message through the decision: MAIL FROM, each RCPT and
 * end of message, each step fetching its facts, calling decide() and
 * handing the result to apply.c. The libmilter callbacks only call these.
 */
#ifndef RM_MESSAGE_H
#define RM_MESSAGE_H

#include <libmilter/mfapi.h>
#include "mctx.h"

/* message_envfrom - start a message; tempfail when the store is too stale */
sfsistat message_envfrom(SMFICTX *ctx, struct conn *c, const char *env_from);
/* message_rcpt - refuse this recipient at RCPT, or remember its argument */
sfsistat message_rcpt(SMFICTX *ctx, struct conn *c, const char *rcpt);
/* message_eom - decide for the whole message and apply it */
sfsistat message_eom(SMFICTX *ctx, struct conn *c);

#endif
