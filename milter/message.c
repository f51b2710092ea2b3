/*
 * message.c - one message through decide() (message.h).
 *
 * MAIL FROM takes the view (config, policy, snapshot) the whole message
 * uses. Each RCPT is decided alone with only the envelope known, so an
 * envelope-sender match refuses that recipient and no other; when the
 * envelope sender is nobody with a restriction in force
 * (decide_anyone_restricted) the decision would apply nothing and is not
 * made. End of message decides with the headers and the recipients
 * accepted, counts limits under the limits lock, applies the result and
 * records it.
 */
#include "message.h"
#include "apply.h"
#include "detection.h"
#include "limits.h"
#include "log.h"
#include "novelty_mail.h"
#include "record.h"
#include "timeparse.h"
#include "xalloc.h"

#include <string.h>

sfsistat message_envfrom(SMFICTX *ctx, struct conn *c, const char *env_from)
{
	struct msg *m = &c->msg;
	const char *auth;

	mctx_start(c);
	m->env_from = xstrdup(env_from);
	mctx_set_queue_id(m, smfi_getsymval(ctx, "i"));
	auth = smfi_getsymval(ctx, "{auth_authen}");
	m->internal = (auth && *auth) || config_host_is_internal(m->view.cfg, c->client_addr);
	if (m->internal || m->view.health == VIEW_OK)
		return SMFIS_CONTINUE;	/* internal mail needs no restriction data */
	if (m->view.health == VIEW_DB_ACCEPT) {
		m->unrestricted = 1;
		return SMFIS_CONTINUE;
	}
	log_warn("%s: verdict=tempfail database=unavailable (OnDatabaseError tempfail)",
		 m->queue_id ? m->queue_id : "NOQUEUE");
	m->active = 0;	/* nothing to record at reset: the line above is the record */
	if (c->nr_mail)
		return SMFIS_TEMPFAIL;	/* not answered: cb_envrcpt tempfails each RCPT */
	return apply_tempfail(ctx, NULL);
}

/* facts_init - what every decision of this message shares */
static void facts_init(struct msg_facts *f, struct msg *m, enum decide_phase phase,
		       struct limit_txn *txn)
{
	memset(f, 0, sizeof(*f));
	f->phase = phase;
	f->now = clock_now();
	f->internal = m->internal;
	f->env_from = m->env_from;
	f->senders = &m->senders;	/* same view (snapshot, policy) for the whole message */
	f->limit_count = limits_count;
	f->limit_arg = txn;
}

/*
 * keep_rcpt - an accepted recipient and its normalised form for end of
 * message; takes address over ("" stands for NULL: not an address)
 */
static void keep_rcpt(struct msg *m, const char *rcpt, char *address)
{
	strlist_add(&m->rcpts, rcpt);
	strlist_take(&m->rcpt_addrs, address ? address : xstrdup(""));
}

sfsistat message_rcpt(SMFICTX *ctx, struct conn *c, const char *rcpt)
{
	struct msg *m = &c->msg;
	struct limit_txn txn = { NULL, 0, 0, NULL, 0 };
	struct msg_facts f;
	struct decision d;
	const struct rcpt_result *r;
	sfsistat rc = SMFIS_CONTINUE;

	mctx_set_queue_id(m, smfi_getsymval(ctx, "i"));
	if (m->rcpts.n + m->nrefused >= MCTX_RCPTS_MAX) {
		(void)smfi_setreply(ctx, "452", "4.5.3", "Too many recipients");
		return SMFIS_TEMPFAIL;
	}
	if (m->unrestricted) {
		strlist_add(&m->rcpts, rcpt);
		return SMFIS_CONTINUE;
	}
	facts_init(&f, m, PHASE_RCPT, &txn);
	f.rcpts = &rcpt;
	f.nrcpts = 1;
	if (!decide_anyone_restricted(&f, m->view.snap, m->view.pol, c->scratch)) {
		/* most mail: decide() would apply nothing, so refuse nothing, here */
		keep_rcpt(m, rcpt, decide_rcpt_address(m->view.pol, rcpt));
		return SMFIS_CONTINUE;
	}
	decision_init(&d);
	decide(&f, m->view.snap, m->view.pol, c->scratch, &d);
	mctx_note_rcpt(m, &d);
	r = &d.rcpts[0];
	if (r->stage == STAGE_RCPT && (r->outcome == OUTCOME_REJECT || r->outcome == OUTCOME_TEMPFAIL)) {
		(void)apply_reply(ctx, &r->reply);
		rc = r->outcome == OUTCOME_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
	} else {
		keep_rcpt(m, rcpt, r->address ? xstrdup(r->address) : NULL);
	}
	decision_clear(&d);
	return rc;
}

/* eom_facts - the facts of the end-of-message decision (headers, recipients) */
static void eom_facts(struct msg_facts *f, struct msg *m, struct limit_txn *txn)
{
	facts_init(f, m, PHASE_EOM, txn);
	f->hdr_from = m->has_from ? buf_cstr(&m->from) : NULL;
	f->hdr_sender = m->has_sender ? buf_cstr(&m->sender) : NULL;
	f->hdr_reply_to = m->has_reply_to ? buf_cstr(&m->reply_to) : NULL;
	f->rcpts = (const char *const *)m->rcpts.v;
	f->nrcpts = m->rcpts.n;
	/* normalised once at RCPT, unless RCPT decided nothing (OnDatabaseError accept) */
	if (m->rcpt_addrs.n == m->rcpts.n)
		f->rcpt_addrs = (const char *const *)m->rcpt_addrs.v;
	f->auth_results = (const char *const *)m->auth_results.v;
	f->nauth_results = m->auth_results.n;
}

/*
 * body_wanted - can a non-trial file or limit restriction apply? Known from
 * RCPT for envelope matches; else, when anyone is under one and a sender
 * is someone restricted, a decision with the headers now known (limits not
 * counted). The senders matched here are the end of message's too.
 */
static int body_wanted(struct conn *c)
{
	struct msg *m = &c->msg;
	struct msg_facts f;
	struct decision d;
	size_t i;
	int want;

	if (m->internal || m->unrestricted || m->overflow)
		return 0;
	for (i = 0; i < m->napplied; i++)
		if (!m->applied[i].trial && (m->applied[i].action == ACTION_FILE
					     || m->applied[i].action == ACTION_LIMIT))
			return 1;
	if (!novelty_mail_possible())
		return 0;
	eom_facts(&f, m, NULL);
	f.limit_count = NULL;
	if (!decide_anyone_restricted(&f, m->view.snap, m->view.pol, c->scratch))
		return 0;	/* most mail: nobody restricted is writing */
	decision_init(&d);
	decide(&f, m->view.snap, m->view.pol, c->scratch, &d);
	want = novelty_mail_applies(&d) != 0;
	decision_clear(&d);
	return want;
}

sfsistat message_body(struct conn *c, const unsigned char *chunk, size_t len)
{
	struct msg *m = &c->msg;
	sfsistat done = c->skip ? SMFIS_SKIP : SMFIS_CONTINUE;

	if (!m->body_decided) {
		m->body_decided = 1;
		m->body_wanted = body_wanted(c);
	}
	if (!m->body_wanted || m->body_truncated)
		return done;
	return mctx_body(m, chunk, len, NOVELTY_BODY_MAX) ? done : SMFIS_CONTINUE;
}

/* message_key - what a limit counts by: Message-ID, else the queue id */
static const char *message_key(const struct msg *m)
{
	const char *id = m->message_id;

	if (id) {
		id += strspn(id, " \t\r\n");
		if (*id)
			return id;
	}
	return m->queue_id;
}

/* eom_unrestricted - OnDatabaseError accept: our headers removed, nothing else */
static sfsistat eom_unrestricted(SMFICTX *ctx, struct conn *c)
{
	if (apply_strip(ctx, &c->msg) != 0) {
		record_eom(&c->msg, NULL, "tempfail", NULL);
		return apply_tempfail(ctx, c->msg.queue_id ? c->msg.queue_id : "NOQUEUE");
	}
	record_eom(&c->msg, NULL, "accept", NULL);
	return SMFIS_ACCEPT;
}

sfsistat message_eom(SMFICTX *ctx, struct conn *c)
{
	struct msg *m = &c->msg;
	struct limit_txn txn = { NULL, 0, 1, NULL, 0 };
	struct msg_facts f;
	struct decision d;
	struct store_event ev;
	const char *what;
	sfsistat rc;

	mctx_set_queue_id(m, smfi_getsymval(ctx, "i"));
	m->eom_done = 1;
	if (m->overflow)
		return apply_tempfail(ctx, m->queue_id ? m->queue_id : "NOQUEUE");
	if (m->unrestricted)
		return eom_unrestricted(ctx, c);
	txn.key = message_key(m);
	eom_facts(&f, m, &txn);
	decision_init(&d);
	decide(&f, m->view.snap, m->view.pol, c->scratch, &d);
	limits_commit(&txn, d.count_users, d.ncount_users, f.now);
	limits_end(&txn);
	memset(&ev, 0, sizeof(ev));
	ev.at = f.now;
	detection_eom(m, &d, f.now, &ev);
	novelty_mail_eom(m, &d, f.now, &ev);
	rc = apply_decision(ctx, c, &d, &what);
	limits_done(&txn, strcmp(what, "accept") == 0);
	record_eom(m, &d, what, &ev);
	decision_clear(&d);
	return rc;
}
