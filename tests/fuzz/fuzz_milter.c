/*
 * fuzz_milter.c - libFuzzer target: the milter's own per-message code
 * (callbacks.c, message.c, mctx.c, apply.c, record.c, limits, detection,
 * novelty) fed raw protocol events, against an in-memory snapshot holding
 * every action. milter_fake.c plays libmilter and checks what the milter
 * asks the MTA for; after every accepted message no inbound HeaderPrefix
 * header may be left.
 *
 * Input: byte 0 chooses what is negotiated and the world (see OPT_*), the
 * rest is events separated by NUL, each an opcode byte and its argument:
 *   C ip   (re)connect from ip ("" = unknown)   Q id   macro i ("" = unset)
 *   U name {auth_authen} ("" = unset)           M arg  MAIL FROM
 *   R arg  RCPT TO                              H name:value  a header
 *   B text a body chunk                         E      end of message
 *   A      abort
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "callbacks.h"
#include "config.h"
#include "detection.h"
#include "flagcache.h"
#include "limits.h"
#include "log.h"
#include "milter_fake.h"
#include "novelty_mail.h"
#include "policy.h"
#include "addrlist.h"
#include "timeparse.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OPT_LEADSPC	0x01	/* the MTA offers SMFIP_HDR_LEADSPC */
#define OPT_RCPT_PAR	0x02	/* ... SMFIF_ADDRCPT_PAR */
#define OPT_SYMLIST	0x04	/* ... SMFIF_SETSYMLIST */
#define OPT_NR_HDR	0x08	/* ... SMFIP_NR_HDR and SMFIP_NR_MAIL */
#define OPT_SKIP	0x10	/* ... SMFIP_SKIP */
#define OPT_HEALTH	0x60	/* view health: 0, 1 ok, 2 OnDatabaseError accept, 3 tempfail */
#define OPT_MINIMAL	0x80	/* the second world: HeaderDetail minimal, another prefix */

/*
 * the longest reject text with the most '%' a restriction may hold:
 * PCT_LEN octets, PCT_COUNT of them '%', REPLY_TEXT_MAX once doubled
 */
#define PCT_COUNT 100
#define PCT_LEN (REPLY_TEXT_MAX - PCT_COUNT)

struct world {
	struct config *cfg;
	struct policy *pol;
	struct snapshot *snap;
	long long novelty[8];
	size_t nnovelty;
};

static struct world worlds[2];

/* build_world - a config and one restriction of every kind (hostile case refs) */
static void build_world(struct world *w, int minimal)
{
	static const struct { enum action a; const char *sel, *o1, *v1, *o2, *v2; int trial; } rs[] = {
		{ ACTION_BLOCK, "bob@example.org", "message", "No 100% please, 50%% off", 0, 0, 0 },
		{ ACTION_FILE, "@example.net", "mode", "redirect", 0, 0, 0 },
		{ ACTION_FILE, "@.example.com", 0, 0, 0, 0, 0 },
		{ ACTION_SINGLE_CONTACT, "/^sc[0-9]*@/", "contact", "liaison@staff.example", "mode", "reject", 0 },
		{ ACTION_SINGLE_CONTACT, "red@example.org", "contact", "liaison@staff.example", 0, 0, 0 },
		{ ACTION_LIMIT, "lim@example.org", "limit", "2/1d", "over", "hold", 0 },
		{ ACTION_LIMIT, "lim2@example.org", "limit", "1/1d", "over", "reject", 0 },
		{ ACTION_LIMIT, "lim3@example.org", "limit", "1/1h", "over", "tempfail", 0 },
		{ ACTION_MONITOR, "mon@example.org", 0, 0, 0, 0, 0 },
		{ ACTION_WATCH, "/(a|aa)+$/", 0, 0, 0, 0, 0 },
		{ ACTION_BLOCK, "trial@example.org", 0, 0, 0, 0, 1 },
		{ ACTION_BLOCK, "/(a+)+$/", 0, 0, 0, 0, 0 },
		{ ACTION_BLOCK, "pct@example.org", "message", NULL, 0, 0, 0 },	/* pct_text */
	};
	static const char *cases[] = { "C-1\r\nBcc: x@evil.example", "C-2\0", "<script>\xe2\x80\xae",
				       "C-4 %s %n %%" };
	struct config *cfg = config_defaults();
	struct snapshot_builder *b;
	char pct_text[REPLY_TEXT_MAX + 1];
	char err[256];
	size_t i;

	strlist_add(&cfg->staff_domains, "staff.example");
	strlist_add(&cfg->exempt_recipients, "complaints@staff.example");
	strlist_add(&cfg->trusted_authserv_ids, "mx.staff.example");
	cfg->filing_mailbox = xstrdup("records@staff.example");
	cfg->monitor_mailbox = xstrdup("monitor@staff.example");
	cfg->scatter_threshold = 2;
	cfg->volume_threshold = 3;
	cfg->snapshot_max_age = 1LL << 40;
	if (minimal) {
		free(cfg->header_prefix);
		cfg->header_prefix = xstrdup("X-Rm");
		cfg->header_detail = HEADER_DETAIL_MINIMAL;
	} else {
		cfg->header_detail = HEADER_DETAIL_FULL;
	}
	if (policy_new(cfg, &w->pol, err, sizeof(err)) != 0)
		fake_fail("policy_new: %s", err);
	w->cfg = cfg;
	/* the longest reject text with the most '%' a restriction may hold */
	memset(pct_text, '%', PCT_COUNT);
	memset(pct_text + PCT_COUNT, 'x', PCT_LEN - PCT_COUNT);
	pct_text[PCT_LEN] = '\0';
	b = snapshot_builder_new(&w->pol->addr);
	for (i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		struct restriction r;
		memset(&r, 0, sizeof(r));
		r.id = (long long)i + 1;
		r.user_id = (long long)i + 1;
		r.trial = rs[i].trial;
		r.case_ref = (char *)cases[i % 4];
		action_opts_init(&r.opts, rs[i].a);
		if ((rs[i].o1 && action_opts_set(&r.opts, rs[i].o1, rs[i].v1 ? rs[i].v1 : pct_text,
						 err, sizeof(err)) != 0)
		    || (rs[i].o2 && action_opts_set(&r.opts, rs[i].o2, rs[i].v2, err, sizeof(err)) != 0))
			fake_fail("restriction %zu: %s", i, err);
		snapshot_builder_add_restriction(b, &r);
		if ((rs[i].a == ACTION_FILE || rs[i].a == ACTION_LIMIT) && !r.trial)
			w->novelty[w->nnovelty++] = r.user_id;
		action_opts_clear(&r.opts);
		if (snapshot_builder_add_selector(b, r.user_id, rs[i].sel, err, sizeof(err)) != 0)
			fake_fail("selector %s: %s", rs[i].sel, err);
	}
	w->snap = snapshot_builder_finish(b, 1);
}

/* reset - the in-memory counts of a fresh milter, so each input stands alone */
static void reset(const struct world *w, int health)
{
	char err[256];

	fake_world_set(w->cfg, w->pol, w->snap, w->novelty, w->nnovelty);
	fake_world_health(health == 2 ? VIEW_DB_ACCEPT : health == 3 ? VIEW_DB_TEMPFAIL : VIEW_OK);
	detection_free();
	flagcache_free();
	limits_free();
	novelty_mail_free();
	if (detection_init(NULL, w->cfg, err, sizeof(err)) != 0
	    || novelty_mail_refresh(NULL, clock_now(), err, sizeof(err)) != 0)
		fake_fail("reset: %s", err);
}

struct drive {
	struct smfiDesc *desc;
	SMFICTX ctx;
	unsigned opts;
	int nr_mail;		/* SMFIP_NR_MAIL negotiated: MAIL FROM is never answered */
	int open;			/* negotiated and connected */
	int in_msg;			/* MAIL FROM answered CONTINUE */
	const char *prefix;
};

/* conn_open - negotiate and connect from ip */
static void conn_open(struct drive *d, const char *ip)
{
	unsigned long f0 = CALLBACKS_ACTIONS | SMFIF_CHGBODY, f1, p0 = 0, p1 = 0, p2, p3;
	union { struct sockaddr sa; struct sockaddr_in v4; struct sockaddr_in6 v6; } a;
	struct sockaddr *sa = NULL;
	sfsistat rc;

	f1 = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH | SMFIP_NR_CONN;
	f0 |= (d->opts & OPT_RCPT_PAR ? SMFIF_ADDRCPT_PAR : 0)
	      | (d->opts & OPT_SYMLIST ? SMFIF_SETSYMLIST : 0);
	f1 |= (d->opts & OPT_LEADSPC ? SMFIP_HDR_LEADSPC : 0)
	      | (d->opts & OPT_NR_HDR ? SMFIP_NR_HDR | SMFIP_NR_MAIL : 0)
	      | (d->opts & OPT_SKIP ? SMFIP_SKIP : 0);
	d->ctx.in_negotiate = 1;
	rc = d->desc->xxfi_negotiate(&d->ctx, f0, f1, 0, 0, &p0, &p1, &p2, &p3);
	d->ctx.in_negotiate = 0;
	if (rc != SMFIS_CONTINUE)
		fake_fail("negotiate refused actions the MTA offers");
	if ((p0 & ~f0) || (p1 & ~f1) || (p1 & SMFIP_NR_RCPT))
		fake_fail("negotiated 0x%lx/0x%lx beyond 0x%lx/0x%lx or NR_RCPT", p0, p1, f0, f1);
	d->nr_mail = (p1 & SMFIP_NR_MAIL) != 0;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, ip, &a.v4.sin_addr) == 1) {
		a.v4.sin_family = AF_INET;
		sa = &a.sa;
	} else if (inet_pton(AF_INET6, ip, &a.v6.sin6_addr) == 1) {
		a.v6.sin6_family = AF_INET6;
		sa = &a.sa;
	}
	(void)d->desc->xxfi_connect(&d->ctx, (char *)"client.example", sa);
	d->open = 1;
	d->in_msg = 0;
}

/* conn_close - the connection ends */
static void conn_close(struct drive *d)
{
	if (d->open)
		(void)d->desc->xxfi_close(&d->ctx);
	if (d->ctx.priv)
		fake_fail("close left the connection context set");
	d->open = 0;
	fake_ctx_clear(&d->ctx);
}

/* set_macro - a macro value, "" = the MTA does not send it */
static void set_macro(char **slot, const char *v)
{
	free(*slot);
	*slot = *v ? xstrdup(v) : NULL;
}

/* header - one header as the MTA hands it over (leading space kept with LEADSPC) */
static void header(struct drive *d, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char *name;
	const char *value;

	if (colon == NULL || colon == arg)
		return;		/* the MTA never passes a header without a name */
	name = xstrndup(arg, (size_t)(colon - arg));
	value = colon + 1;
	if (!(d->opts & OPT_LEADSPC) && *value == ' ')
		value++;
	if (d->in_msg)
		fake_ctx_add_inbound(&d->ctx, name, value);
	(void)d->desc->xxfi_header(&d->ctx, name, (char *)value);
	free(name);
}

/* event - one protocol event */
static void event(struct drive *d, char op, const char *arg)
{
	char *argv[2] = { (char *)arg, NULL };
	sfsistat rc;

	if (op == 'C') {
		conn_close(d);
		conn_open(d, arg);
		return;
	}
	if (!d->open)
		conn_open(d, "192.0.2.10");
	switch (op) {
	case 'Q': set_macro(&d->ctx.macro_i, arg); break;
	case 'U': set_macro(&d->ctx.macro_auth, arg); break;
	case 'M':
		fake_ctx_new_message(&d->ctx);
		rc = d->desc->xxfi_envfrom(&d->ctx, argv);
		fake_check_verdict(&d->ctx, rc, "MAIL FROM");
		if (d->nr_mail && rc != SMFIS_NOREPLY)	/* libmilter would drop it: an accept */
			fake_fail("MAIL FROM answered %d after SMFIP_NR_MAIL", (int)rc);
		d->in_msg = rc == SMFIS_CONTINUE || rc == SMFIS_NOREPLY;
		break;
	case 'R':
		rc = d->desc->xxfi_envrcpt(&d->ctx, argv);
		fake_check_verdict(&d->ctx, rc, "RCPT TO");
		if (rc == SMFIS_CONTINUE && d->in_msg)
			fake_ctx_add_rcpt(&d->ctx, arg);
		break;
	case 'H': header(d, arg); break;
	case 'B':
		(void)d->desc->xxfi_body(&d->ctx, (unsigned char *)arg, strlen(arg));
		break;
	case 'E':
		d->ctx.in_eom = 1;
		rc = d->desc->xxfi_eom(&d->ctx);
		d->ctx.in_eom = 0;
		fake_check_verdict(&d->ctx, rc, "end of message");
		if (d->in_msg && (rc == SMFIS_ACCEPT || rc == SMFIS_CONTINUE))
			fake_ctx_check_stripped(&d->ctx, d->prefix);
		if (d->in_msg && rc != SMFIS_ACCEPT && rc != SMFIS_CONTINUE && rc != SMFIS_REJECT
		    && rc != SMFIS_TEMPFAIL)
			fake_fail("end of message answered %d", (int)rc);
		d->in_msg = 0;
		fake_ctx_new_message(&d->ctx);
		break;
	case 'A':
		(void)d->desc->xxfi_abort(&d->ctx);
		d->in_msg = 0;
		fake_ctx_new_message(&d->ctx);
		break;
	default: break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drive d;
	char *s, *p, *end;
	const struct world *w;

	if (size < 1)
		return 0;
	if (worlds[0].cfg == NULL) {
		rules_init();
		log_open("fuzz_milter", 0, LOG_MAIL);	/* syslog(): checked by milter_fake.c */
		log_set_level(LOG_DEBUG);
		build_world(&worlds[0], 0);
		build_world(&worlds[1], 1);
	}
	memset(&d, 0, sizeof(d));
	d.desc = callbacks_desc(0);
	d.opts = data[0];
	w = &worlds[d.opts & OPT_MINIMAL ? 1 : 0];
	d.prefix = w->pol->header_prefix;
	reset(w, (d.opts & OPT_HEALTH) >> 5);
	s = xmalloc(size);	/* data[1..] NUL-terminated */
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	end = s + size - 1;
	for (p = s; p < end; p += strlen(p) + 1)
		if (*p)
			event(&d, p[0], p + 1);
	conn_close(&d);
	fake_ctx_free(&d.ctx);
	free(d.ctx.macro_i);
	free(d.ctx.macro_auth);
	free(s);
	return 0;
}
