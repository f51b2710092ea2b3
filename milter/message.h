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
/*
 * message_body - one body chunk: at the first, decide whether a file or
 * limit restriction can apply (else SMFIS_SKIP); keep up to
 * NOVELTY_BODY_MAX bytes
 */
sfsistat message_body(struct conn *c, const unsigned char *chunk, size_t len);
/* message_eom - decide for the whole message and apply it */
sfsistat message_eom(SMFICTX *ctx, struct conn *c);

#endif
