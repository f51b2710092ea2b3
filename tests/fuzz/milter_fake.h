/*
 * milter_fake.h - what fuzz_milter.c drives the milter's own callbacks
 * with: a fake libmilter context that records every smfi_* request and
 * checks it against libmilter's rules and ours (SPEC "Headers", "Actions"),
 * and fakes of the store reads, the reload view and the event writer, so
 * the per-message code runs on an in-memory snapshot without SQLite.
 * A broken invariant aborts with a message (libFuzzer keeps the input).
 */
#ifndef RM_MILTER_FAKE_H
#define RM_MILTER_FAKE_H

#include <libmilter/mfapi.h>
#include <stddef.h>
#include "config.h"
#include "policy.h"
#include "reload.h"
#include "snapshot.h"

struct fake_header {
	char *name;
	char *value;
	int ours;			/* added by the milter */
};

/* the MTA's side of one connection: macros, the message as it will leave */
struct smfi_str {
	void *priv;
	char *macro_i;			/* NULL = not sent */
	char *macro_auth;
	int in_negotiate, in_eom;	/* which callback runs (what it may ask for) */
	struct fake_header *hdr;	/* grown as needed: none is ever dropped */
	size_t nhdr, caphdr;
	char **rcpt;			/* accepted RCPT arguments of this message */
	size_t nrcpt, caprcpt;
	char reply_code[4];		/* the last smfi_setreply code, "" none */
	unsigned adds, dels, quarantines;
};

/* fake_fail - an invariant is broken: print it and abort */
void fake_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* fake_ctx_* - the MTA's bookkeeping of the current message */
void fake_ctx_new_message(SMFICTX *ctx);
void fake_ctx_add_inbound(SMFICTX *ctx, const char *name, const char *value);
void fake_ctx_add_rcpt(SMFICTX *ctx, const char *rcpt);
void fake_ctx_clear(SMFICTX *ctx);
/* fake_ctx_free - fake_ctx_clear and release the arrays (end of input) */
void fake_ctx_free(SMFICTX *ctx);
/*
 * fake_ctx_check_stripped - after an accepted end of message: no inbound
 * header whose name starts with prefix (any case) is left
 */
void fake_ctx_check_stripped(const SMFICTX *ctx, const char *prefix);
/* fake_check_verdict - a reply set with 4xx/5xx goes with TEMPFAIL/REJECT */
void fake_check_verdict(SMFICTX *ctx, sfsistat rc, const char *step);

/*
 * fake_world_set - the views reload_view_get hands out (cfg, pol, snap
 * referenced once more per view) and the user ids under file or limit
 */
void fake_world_set(struct config *cfg, struct policy *pol, struct snapshot *snap,
		    const long long *novelty_users, size_t n);
/* fake_world_health - what the next views say about the store */
void fake_world_health(enum view_health h);

#endif
