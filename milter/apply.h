/*
 * apply.h - a decision made real with smfi_* calls at end of message:
 * refusals with their replies, HeaderPrefix headers removed, tags and the
 * subject prefix added, recipients redirected and copied, holds.
 */
#ifndef RM_APPLY_H
#define RM_APPLY_H

#include <libmilter/mfapi.h>
#include "decide.h"
#include "mctx.h"

/* apply_reply - set a refusal's reply (text escaped for libmilter); -1 on failure */
int apply_reply(SMFICTX *ctx, const struct reply *r);
/* apply_tempfail - "451 4.3.0" for our own failures; returns SMFIS_TEMPFAIL */
sfsistat apply_tempfail(SMFICTX *ctx, const char *why);
/* apply_strip - remove every inbound HeaderPrefix header; -1 on failure */
int apply_strip(SMFICTX *ctx, const struct msg *m);
/*
 * apply_decision - everything d says for this message. Returns the sfsistat
 * and sets *what to the verdict the MTA was given ("accept", "hold",
 * "reject", "tempfail"); a change that fails tempfails the message.
 */
sfsistat apply_decision(SMFICTX *ctx, const struct conn *c, const struct decision *d,
			const char **what);

#endif
