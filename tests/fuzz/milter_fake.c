/*
 * milter_fake.c - the world around the milter's per-message code for
 * fuzz_milter.c (milter_fake.h): libmilter's smfi_* calls recorded and
 * checked (header names and values we write, folding, reply limits,
 * recipients removed by their exact RCPT argument, changes only at end of
 * message), syslog lines checked for control characters, the store's
 * start-up reads answered from memory, views of an in-memory snapshot,
 * and an event writer that checks each event's JSON and frees it.
 */
#include "milter_fake.h"
#include "buf.h"
#include "events.h"
#include "mctx.h"
#include "store_events.h"
#include "store_flags.h"
#include "xalloc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

/* libmilter's limit on a reply text (MAXREPLYLEN in libmilter/smfi.c) */
#define FAKE_REPLY_MAX 980
/* RFC 5322 2.1.1: a line is at most 998 octets */
#define FAKE_LINE_MAX 998

void fake_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz_milter: invariant broken: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* ---- the MTA's bookkeeping ---- */

void fake_ctx_clear(SMFICTX *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nhdr; i++) {
		free(ctx->hdr[i].name);
		free(ctx->hdr[i].value);
	}
	for (i = 0; i < ctx->nrcpt; i++)
		free(ctx->rcpt[i]);
	ctx->nhdr = ctx->nrcpt = 0;
	ctx->adds = ctx->dels = ctx->quarantines = 0;
	ctx->reply_code[0] = '\0';
}

void fake_ctx_free(SMFICTX *ctx)
{
	fake_ctx_clear(ctx);
	free(ctx->hdr);
	free(ctx->rcpt);
	ctx->hdr = NULL;
	ctx->rcpt = NULL;
	ctx->caphdr = ctx->caprcpt = 0;
}

void fake_ctx_new_message(SMFICTX *ctx)
{
	fake_ctx_clear(ctx);
}

/* push_header - one header into the message as the MTA keeps it */
static void push_header(SMFICTX *ctx, const char *name, const char *value, int ours)
{
	if (ctx->nhdr == ctx->caphdr) {
		ctx->caphdr = ctx->caphdr ? 2 * ctx->caphdr : 16;
		ctx->hdr = xreallocarray(ctx->hdr, ctx->caphdr, sizeof(*ctx->hdr));
	}
	ctx->hdr[ctx->nhdr].name = xstrdup(name);
	ctx->hdr[ctx->nhdr].value = xstrdup(value);
	ctx->hdr[ctx->nhdr].ours = ours;
	ctx->nhdr++;
}

void fake_ctx_add_inbound(SMFICTX *ctx, const char *name, const char *value)
{
	push_header(ctx, name, value, 0);
}

void fake_ctx_add_rcpt(SMFICTX *ctx, const char *rcpt)
{
	if (ctx->nrcpt == ctx->caprcpt) {
		ctx->caprcpt = ctx->caprcpt ? 2 * ctx->caprcpt : 16;
		ctx->rcpt = xreallocarray(ctx->rcpt, ctx->caprcpt, sizeof(*ctx->rcpt));
	}
	ctx->rcpt[ctx->nrcpt++] = xstrdup(rcpt);
}

void fake_ctx_check_stripped(const SMFICTX *ctx, const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < ctx->nhdr; i++)
		if (!ctx->hdr[i].ours && strncasecmp(ctx->hdr[i].name, prefix, n) == 0)
			fake_fail("inbound header \"%s\" survived an accepted message", ctx->hdr[i].name);
}

void fake_check_verdict(SMFICTX *ctx, sfsistat rc, const char *step)
{
	if (ctx->reply_code[0] == '5' && rc != SMFIS_REJECT)
		fake_fail("%s: a 5xx reply was set but the verdict is %d", step, (int)rc);
	if (ctx->reply_code[0] == '4' && rc != SMFIS_TEMPFAIL)
		fake_fail("%s: a 4xx reply was set but the verdict is %d", step, (int)rc);
	ctx->reply_code[0] = '\0';
}

/* ---- what the milter may write ---- */

/* check_name - a header field name: printable ASCII without ':' (RFC 5322 ftext) */
static void check_name(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (*p == '\0')
		fake_fail("empty header name");
	for (; *p; p++)
		if (*p < 33 || *p > 126 || *p == ':')
			fake_fail("header name \"%s\" has byte 0x%02x", name, *p);
}

/*
 * check_value - no CR, no control characters, LF only as a fold before a
 * TAB, never at the end, lines within RFC 5322's limit: it is one header
 */
static void check_value(const char *name, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;
	size_t line = strlen(name) + 2;

	for (; *p; p++, line++) {
		if (*p == '\n') {
			if (p[1] != '\t')
				fake_fail("%s: LF not followed by TAB in \"%s\"", name, value);
			line = 0;
		} else if (*p < 0x20 && *p != '\t') {
			fake_fail("%s: control byte 0x%02x in \"%s\"", name, *p, value);
		}
		if (line > FAKE_LINE_MAX)
			fake_fail("%s: a line longer than %d octets", name, FAKE_LINE_MAX);
	}
}

/*
 * check_ours - a header we write: our prefix or Subject, a safe name and
 * value. A removal (value NULL) names an inbound header as the MTA gave it.
 */
static void check_ours(SMFICTX *ctx, const char *what, const char *name, const char *value)
{
	struct msg *m = &((struct conn *)ctx->priv)->msg;
	const char *prefix = m->view.pol ? m->view.pol->header_prefix : "X-Restriction";

	if (!ctx->in_eom)
		fake_fail("%s %s outside end of message", what, name);
	if (value)
		check_name(name);
	if (strncasecmp(name, prefix, strlen(prefix)) != 0 && strcasecmp(name, "Subject") != 0)
		fake_fail("%s of a foreign header %s", what, name);
	if (value)
		check_value(name, value);
}

int smfi_addheader(SMFICTX *ctx, char *name, char *value)
{
	if (name == NULL || value == NULL)
		fake_fail("smfi_addheader with NULL");
	check_ours(ctx, "smfi_addheader", name, value);
	push_header(ctx, name, value, 1);
	ctx->adds++;
	return MI_SUCCESS;
}

/* nth - the index in ctx->hdr of the idx-th header called name (any case), or -1 */
static long nth(const SMFICTX *ctx, const char *name, int idx)
{
	size_t i;
	int seen = 0;

	for (i = 0; i < ctx->nhdr; i++)
		if (strcasecmp(ctx->hdr[i].name, name) == 0 && ++seen == idx)
			return (long)i;
	return -1;
}

int smfi_chgheader(SMFICTX *ctx, char *name, int idx, char *value)
{
	long at;

	if (name == NULL || idx < 1)
		fake_fail("smfi_chgheader(%s, %d)", name ? name : "NULL", idx);
	check_ours(ctx, "smfi_chgheader", name, value);
	at = nth(ctx, name, idx);
	if (at < 0)
		fake_fail("smfi_chgheader(%s, %d): no such header", name, idx);
	if (value == NULL) {
		free(ctx->hdr[at].name);
		free(ctx->hdr[at].value);
		memmove(&ctx->hdr[at], &ctx->hdr[at + 1],
			(ctx->nhdr - (size_t)at - 1) * sizeof(ctx->hdr[0]));
		ctx->nhdr--;
		ctx->dels++;
	} else {
		free(ctx->hdr[at].value);
		ctx->hdr[at].value = xstrdup(value);
		ctx->hdr[at].ours = 1;
	}
	return MI_SUCCESS;
}

/* check_rcpt_arg - an address we add: "<...>", no whitespace or controls */
static void check_rcpt_arg(SMFICTX *ctx, const char *what, const char *r)
{
	size_t i, n = r ? strlen(r) : 0;

	if (!ctx->in_eom)
		fake_fail("%s outside end of message", what);
	if (n < 2 || r[0] != '<' || r[n - 1] != '>')
		fake_fail("%s \"%s\": not in angle brackets", what, r ? r : "NULL");
	for (i = 0; i < n; i++)
		if ((unsigned char)r[i] <= 0x20 || r[i] == 0x7f)
			fake_fail("%s \"%s\": byte 0x%02x", what, r, (unsigned char)r[i]);
}

int smfi_addrcpt(SMFICTX *ctx, char *rcpt)
{
	check_rcpt_arg(ctx, "smfi_addrcpt", rcpt);
	return MI_SUCCESS;
}

int smfi_addrcpt_par(SMFICTX *ctx, char *rcpt, char *args)
{
	check_rcpt_arg(ctx, "smfi_addrcpt_par", rcpt);
	if (args == NULL || strcmp(args, "NOTIFY=NEVER") != 0)
		fake_fail("smfi_addrcpt_par args \"%s\"", args ? args : "NULL");
	return MI_SUCCESS;
}

int smfi_delrcpt(SMFICTX *ctx, char *rcpt)
{
	size_t i;

	if (!ctx->in_eom)
		fake_fail("smfi_delrcpt outside end of message");
	for (i = 0; rcpt && i < ctx->nrcpt; i++)
		if (strcmp(ctx->rcpt[i], rcpt) == 0)
			return MI_SUCCESS;
	fake_fail("smfi_delrcpt \"%s\": not an RCPT argument of this message",
		  rcpt ? rcpt : "NULL");
}

int smfi_quarantine(SMFICTX *ctx, char *reason)
{
	if (!ctx->in_eom)
		fake_fail("smfi_quarantine outside end of message");
	if (reason == NULL || *reason == '\0' || strpbrk(reason, "\r\n"))
		fake_fail("smfi_quarantine reason \"%s\"", reason ? reason : "NULL");
	ctx->quarantines++;
	return MI_SUCCESS;
}

/* smfi_setreply - what libmilter checks, and '%' doubled (sendmail expands it) */
int smfi_setreply(SMFICTX *ctx, char *code, char *xcode, char *text)
{
	size_t i;

	if (code == NULL || strlen(code) != 3 || (code[0] != '4' && code[0] != '5')
	    || code[1] < '0' || code[1] > '9' || code[2] < '0' || code[2] > '9')
		fake_fail("smfi_setreply code \"%s\"", code ? code : "NULL");
	if (xcode && (xcode[0] != code[0] || xcode[1] != '.'))
		fake_fail("smfi_setreply xcode \"%s\" with code %s", xcode, code);
	if (text && strlen(text) > FAKE_REPLY_MAX)
		fake_fail("smfi_setreply: a text of %zu octets", strlen(text));
	for (i = 0; text && text[i]; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch < 0x20 || ch > 0x7e)
			fake_fail("smfi_setreply text byte 0x%02x", ch);
		if (ch == '%' && text[++i] != '%')
			fake_fail("smfi_setreply text with a lone %%: \"%s\"", text);
	}
	memcpy(ctx->reply_code, code, 4);
	return MI_SUCCESS;
}

int smfi_setpriv(SMFICTX *ctx, void *p)
{
	ctx->priv = p;
	return MI_SUCCESS;
}

void *smfi_getpriv(SMFICTX *ctx)
{
	return ctx->priv;
}

char *smfi_getsymval(SMFICTX *ctx, char *name)
{
	if (strcmp(name, "i") == 0 || strcmp(name, "{i}") == 0)
		return ctx->macro_i;
	if (strcmp(name, "{auth_authen}") == 0)
		return ctx->macro_auth;
	return NULL;
}

int smfi_setsymlist(SMFICTX *ctx, int stage, char *macros)
{
	if (!ctx->in_negotiate || macros == NULL)
		fake_fail("smfi_setsymlist(%d) outside negotiation", stage);
	return MI_SUCCESS;
}

/* syslog - every log line is one line: no control characters from mail */
void syslog(int prio, const char *fmt, ...)
{
	va_list ap;
	struct buf b;
	size_t i;

	(void)prio;
	va_start(ap, fmt);
	buf_init(&b);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			fake_fail("log line with byte 0x%02x: %s", (unsigned char)b.data[i], b.data);
	buf_free(&b);
}

/* ---- the views and the store's start-up reads ---- */

static struct {
	struct config *cfg;
	struct policy *pol;
	struct snapshot *snap;
	enum view_health health;
	long long *novelty;
	size_t nnovelty;
} W;

void fake_world_set(struct config *cfg, struct policy *pol, struct snapshot *snap,
		    const long long *novelty_users, size_t n)
{
	W.cfg = cfg;
	W.pol = pol;
	W.snap = snap;
	free(W.novelty);
	W.novelty = xcalloc(n ? n : 1, sizeof(*W.novelty));
	memcpy(W.novelty, novelty_users, n * sizeof(*W.novelty));
	W.nnovelty = n;
}

void fake_world_health(enum view_health h)
{
	W.health = h;
}

void reload_view_get(struct view *v)
{
	v->cfg = config_ref(W.cfg);
	v->pol = policy_ref(W.pol);
	v->snap = snapshot_ref(W.snap);
	v->health = W.health;
}

void reload_view_put(struct view *v)
{
	snapshot_unref(v->snap);
	policy_unref(v->pol);
	config_unref(v->cfg);
	memset(v, 0, sizeof(*v));
}

int store_detect_events(struct store *st, time_t since, store_detect_fn fn, void *arg,
			char *err, size_t errlen)
{
	(void)st; (void)since; (void)fn; (void)arg; (void)err; (void)errlen;
	return 0;
}

int store_events_counted(struct store *st, time_t since, store_counted_fn fn, void *arg,
			 char *err, size_t errlen)
{
	(void)st; (void)since; (void)fn; (void)arg; (void)err; (void)errlen;
	return 0;
}

int store_flag_states(struct store *st, time_t since, store_flag_state_fn fn, void *arg,
		      char *err, size_t errlen)
{
	(void)st; (void)since; (void)fn; (void)arg; (void)err; (void)errlen;
	return 0;
}

int store_fingerprints(struct store *st, const char *person, time_t before, store_fp_fn fn,
		       void *arg, char *err, size_t errlen)
{
	(void)st; (void)person; (void)before; (void)fn; (void)arg; (void)err; (void)errlen;
	return 0;
}

int store_novelty_users(struct store *st, time_t now, long long **ids, size_t *n,
			char *err, size_t errlen)
{
	(void)st; (void)now; (void)err; (void)errlen;
	*ids = xcalloc(W.nnovelty ? W.nnovelty : 1, sizeof(**ids));
	memcpy(*ids, W.novelty, W.nnovelty * sizeof(**ids));
	*n = W.nnovelty;
	return 0;
}

/* ---- the event writer ---- */

/* check_json - a JSON column holds JSON */
static void check_json(const char *col, const char *text)
{
	json_t *j;

	if (text == NULL)
		return;
	j = json_loads(text, JSON_DECODE_ANY, NULL);
	if (j == NULL)
		fake_fail("event column %s is not JSON: %s", col, text);
	json_decref(j);
}

void events_push(struct store_event *e)
{
	size_t i;

	if (e->queue_id == NULL)
		fake_fail("event without queue id");
	/* NULL is written "accept" (store_events.h) */
	if (e->verdict != NULL && strcmp(e->verdict, "accept") != 0 && strcmp(e->verdict, "reject") != 0
	    && strcmp(e->verdict, "tempfail") != 0 && strcmp(e->verdict, "hold") != 0)
		fake_fail("event verdict \"%s\" is none of the four", e->verdict);
	check_json("user_ids", e->user_ids);
	check_json("restriction_ids", e->restriction_ids);
	check_json("actions", e->actions);
	check_json("outcomes", e->outcomes);
	check_json("would", e->would);
	check_json("counted_users", e->counted_users);
	check_json("staff", e->staff);
	check_json("effects", e->effects);
	check_json("flags", e->flags);
	/* what store_event_clear (db/store_events.c, not linked here) frees */
	free(e->queue_id); free(e->message_id); free(e->person); free(e->user_ids);
	free(e->restriction_ids); free(e->actions); free(e->matched); free(e->outcomes);
	free(e->verdict); free(e->would); free(e->counted_users); free(e->staff);
	free(e->effects); free(e->novelty); free(e->flags);
	for (i = 0; i < e->nflag_writes; i++)
		free(e->flag_writes[i].person);
	free(e->flag_writes);
	if (e->fp) {
		free(e->fp->person);
		free(e->fp->message_id);
		free(e->fp->data);
		free(e->fp);
	}
	memset(e, 0, sizeof(*e));
}
