/*
 * decide.c - the decision engine: who is writing, which restrictions apply,
 * and what each covered recipient gets (see decide.h).
 *
 * Order of work: normalise recipients; match the senders in SPEC's order
 * (envelope, From:, Sender:, Reply-To:); for every restriction in force of
 * every matched person compute its effect per covered recipient; combine
 * per recipient, strongest first. decide_finish.c then applies the
 * end-of-message rules and writes headers and the log summary.
 */
#include "decide_int.h"
#include "addrlist.h"
#include "authres.h"
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct person_match {
	long long user_id;
	enum matched_kind kind;
	const char *addr;		/* borrowed from the sender_match */
};

/* one address checked: the envelope's or a header mailbox, in the sender_match */
struct sender_ref {
	const char *addr;		/* normalised, borrowed */
	enum matched_kind kind;
	struct sender *who;
};

/* the addresses checked, in SPEC's order, the envelope's first */
struct senders {
	struct sender_ref *v;		/* owned array; the strings are not */
	size_t n;
};

void decision_init(struct decision *d)
{
	memset(d, 0, sizeof(*d));
	strlist_init(&d->add_rcpts);
	strlist_init(&d->remove_rcpts);
}

void decision_clear(struct decision *d)
{
	size_t i;

	for (i = 0; i < d->nrcpts; i++) {
		free(d->rcpts[i].rcpt);
		free(d->rcpts[i].address);
		strlist_free(&d->rcpts[i].to);
		free(d->rcpts[i].reply.text);
	}
	free(d->rcpts);
	for (i = 0; i < d->napplied; i++) {
		free(d->applied[i].matched_addr);
		free(d->applied[i].copy_to);
		strlist_free(&d->applied[i].would.recipients);
		strlist_free(&d->applied[i].would.to);
	}
	free(d->applied);
	strlist_free(&d->add_rcpts);
	strlist_free(&d->remove_rcpts);
	for (i = 0; i < d->nheaders; i++) {
		free(d->headers[i].name);
		free(d->headers[i].value);
	}
	free(d->headers);
	free(d->reply.text);
	free(d->subject_prefix);
	free(d->count_users);
	free(d->log_summary);
	free(d->person);
	decision_init(d);
}

static const char *const outcome_names[] = { "accept", "redirect", "hold", "tempfail", "reject" };
static const char *const verdict_names[] = { "accept", "reject", "tempfail", "hold" };
static const char *const matched_names[] = {
	"none", "envelope-from", "header-from", "header-sender", "header-reply-to",
};

const char *outcome_name(enum outcome o) { return outcome_names[o]; }
const char *verdict_name(enum verdict v) { return verdict_names[v]; }
const char *stage_name(enum stage s) { return s == STAGE_RCPT ? "rcpt" : "eom"; }
const char *matched_kind_name(enum matched_kind m) { return matched_names[m]; }

/* hdr_sender_add - one normalised header mailbox into the cache (room made by the caller) */
static struct sender *hdr_sender_add(struct sender_match *sm, char *norm, enum matched_kind kind)
{
	struct sender *h = &sm->hdr[sm->nhdr++];

	memset(h, 0, sizeof(*h));
	h->norm = norm;
	h->kind = kind;
	return h;
}

/* hdr_senders_add - every mailbox of one header value, capped; unparseable ones skipped */
static void hdr_senders_add(struct sender_match *sm, const char *value, enum matched_kind kind,
			    const struct addr_opts *o)
{
	struct strlist raw = STRLIST_INIT;
	struct sender *h;
	char *norm;
	size_t i;

	if (value == NULL)
		return;
	addrlist_parse(value, DECIDE_MAX_HEADER_ADDRS, &raw);
	if (raw.n > 0)	/* room for every mailbox at once: up to DECIDE_MAX_HEADER_ADDRS */
		sm->hdr = xreallocarray(sm->hdr, sm->nhdr + raw.n, sizeof(*sm->hdr));
	for (i = 0; i < raw.n; i++) {
		if (addr_normalise(raw.v[i], o, &norm) != ADDR_OK)
			continue;
		h = hdr_sender_add(sm, norm, kind);
		if (i == 0 && kind == MATCHED_HEADER_FROM)
			sm->from_first = h->norm;
	}
	strlist_free(&raw);
}

/* hdr_senders_free - the header part of the cache, emptied */
static void hdr_senders_free(struct sender_match *sm)
{
	size_t i;

	for (i = 0; i < sm->nhdr; i++) {
		free(sm->hdr[i].norm);
		free(sm->hdr[i].users);
	}
	free(sm->hdr);
	sm->hdr = NULL;
	sm->nhdr = 0;
	sm->from_first = NULL;
	sm->headers_collected = 0;
}

void sender_match_clear(struct sender_match *sm)
{
	if (sm == NULL)
		return;
	free(sm->env.norm);
	free(sm->env.users);
	hdr_senders_free(sm);
	memset(sm, 0, sizeof(*sm));
}

/* headers_hash - FNV-1a over the three header values, absent ones marked apart from empty */
static unsigned long long headers_hash(const struct msg_facts *f)
{
	const char *v[3] = { f->hdr_from, f->hdr_sender, f->hdr_reply_to };
	unsigned long long h = 14695981039346656037ULL;
	const unsigned char *p;
	int i;

	for (i = 0; i < 3; i++) {
		h = (h ^ (v[i] ? 1u : 2u)) * 1099511628211ULL;
		for (p = (const unsigned char *)v[i]; p && *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
	}
	return h;
}

/* env_normalise - the envelope sender normalised once into sm */
static void env_normalise(const char *env_from, const struct addr_opts *o, struct sender_match *sm)
{
	if (sm->normalised)
		return;
	sm->result = addr_normalise(env_from, o, &sm->env.norm);
	if (sm->result != ADDR_OK) {
		free(sm->env.norm);
		sm->env.norm = NULL;
	}
	sm->env.kind = MATCHED_ENVELOPE_FROM;
	sm->normalised = 1;
}

/* hdr_collect - the header senders parsed and normalised once while the values stay the same */
static void hdr_collect(const struct msg_facts *f, const struct addr_opts *o, struct sender_match *sm)
{
	unsigned long long h = headers_hash(f);

	if (sm->headers_collected && sm->headers_hash == h)
		return;
	hdr_senders_free(sm);
	hdr_senders_add(sm, f->hdr_from, MATCHED_HEADER_FROM, o);
	hdr_senders_add(sm, f->hdr_sender, MATCHED_HEADER_SENDER, o);
	hdr_senders_add(sm, f->hdr_reply_to, MATCHED_HEADER_REPLY_TO, o);
	sm->headers_hash = h;
	sm->headers_collected = 1;
}

/* collect_senders - the addresses checked, in SPEC's order; the envelope's first */
static void collect_senders(const struct msg_facts *f, const struct addr_opts *o,
			    struct sender_match *sm, struct senders *s, int *sender_null)
{
	size_t i;

	if (f->env_from != NULL)
		env_normalise(f->env_from, o, sm);
	*sender_null = f->env_from == NULL || sm->result == ADDR_NULL;
	if (f->phase != PHASE_RCPT)
		hdr_collect(f, o, sm);
	s->v = xcalloc(1 + (f->phase != PHASE_RCPT ? sm->nhdr : 0), sizeof(*s->v));
	s->n = 0;
	if (f->env_from && sm->result == ADDR_OK) {
		s->v[s->n].addr = sm->env.norm;
		s->v[s->n].kind = MATCHED_ENVELOPE_FROM;
		s->v[s->n].who = &sm->env;
		s->n++;
	}
	if (f->phase == PHASE_RCPT)
		return;
	for (i = 0; i < sm->nhdr; i++, s->n++) {
		s->v[s->n].addr = sm->hdr[i].norm;
		s->v[s->n].kind = sm->hdr[i].kind;
		s->v[s->n].who = &sm->hdr[i];
	}
}

/* sender_users - whom one sender matched, matched once per sender_match */
static const long long *sender_users(const struct snapshot *snap, struct match_scratch *m,
				     struct sender *who, size_t *nu, unsigned *limit_hits)
{
	long long found[DECIDE_MAX_USERS];

	if (!who->matched) {
		who->nusers = snapshot_match(snap, m, who->norm, found, DECIDE_MAX_USERS,
					     &who->limit_hits);
		if (who->nusers > 0) {
			who->users = xcalloc(who->nusers, sizeof(*who->users));
			memcpy(who->users, found, who->nusers * sizeof(*who->users));
		}
		who->matched = 1;
	}
	*limit_hits += who->limit_hits;	/* reported by every decision, as when matched anew */
	*nu = who->nusers;
	return who->users;
}

/* match_people - each matched user once, with the first address that matched */
static size_t match_people(const struct snapshot *snap, struct match_scratch *m,
			   const struct senders *s, struct person_match *out, size_t max,
			   unsigned *limit_hits)
{
	const long long *users;
	size_t i, j, k, n = 0;

	for (i = 0; i < s->n; i++) {
		size_t nu;
		/* an address seen earlier (envelope = From:) can add no new person */
		for (k = 0; k < i && strcmp(s->v[k].addr, s->v[i].addr) != 0; k++)
			;
		if (k < i)
			continue;
		users = sender_users(snap, m, s->v[i].who, &nu, limit_hits);
		for (j = 0; j < nu; j++) {
			for (k = 0; k < n && out[k].user_id != users[j]; k++)
				;
			if (k < n || n == max)
				continue;
			out[n].user_id = users[j];
			out[n].kind = s->v[i].kind;
			out[n].addr = s->v[i].addr;
			n++;
		}
	}
	return n;
}

/* person_key - matched address, else first From: mailbox, else envelope */
static void person_key(const struct senders *s, const struct person_match *pm, size_t npm,
		       struct decision *d)
{
	size_t i;

	if (npm > 0) {
		d->person = xstrdup(pm[0].addr);
		return;
	}
	for (i = 0; i < s->n; i++)
		if (s->v[i].kind == MATCHED_HEADER_FROM) {
			d->person = xstrdup(s->v[i].addr);
			return;
		}
	if (s->n > 0 && s->v[0].kind == MATCHED_ENVELOPE_FROM)
		d->person = xstrdup(s->v[0].addr);
}

/*
 * from_verified - is the From: vouched for: by the caller, or by a trusted
 * Authentication-Results pass for the first From: mailbox's domain?
 */
static int from_verified(const struct msg_facts *f, const struct policy *pol,
			 const struct senders *s)
{
	size_t i;

	if (f->header_from_verified)
		return 1;
	for (i = 0; i < s->n; i++)
		if (s->v[i].kind == MATCHED_HEADER_FROM)
			return authres_from_verified(f->auth_results, f->nauth_results,
						     &pol->trusted_authserv_ids,
						     addr_domain(s->v[i].addr));
	return 0;
}

/* init_rcpts - normalise recipients (or take the caller's) and classify staff/exempt */
static void init_rcpts(const struct msg_facts *f, const struct policy *pol, struct decision *d)
{
	size_t i;

	d->nrcpts = f->nrcpts;
	d->rcpts = xcalloc(f->nrcpts ? f->nrcpts : 1, sizeof(*d->rcpts));
	for (i = 0; i < f->nrcpts; i++) {
		struct rcpt_result *r = &d->rcpts[i];
		r->rcpt = xstrdup(f->rcpts[i]);
		strlist_init(&r->to);
		r->stage = STAGE_EOM;
		if (f->rcpt_addrs != NULL) {
			if (f->rcpt_addrs[i][0] == '\0')
				continue;
			r->address = xstrdup(f->rcpt_addrs[i]);
		} else if (addr_normalise(f->rcpts[i], &pol->addr, &r->address) != ADDR_OK) {
			continue;
		}
		r->staff = policy_is_staff(pol, r->address);
		r->exempt = r->staff && policy_is_exempt(pol, r->address);
	}
}

/* refuse - fill a reject or tempfail effect */
static void refuse(struct effect *e, enum effect_rank rank, const char *text)
{
	e->rank = rank;
	e->code = rank == RANK_REJECT ? "550" : "450";
	e->xcode = rank == RANK_REJECT ? "5.7.1" : "4.7.1";
	e->text = xstrdup(text);
}

/* file_target - where a file redirect goes; NULL means tag instead */
static const char *file_target(const struct restriction *r, const struct policy *pol)
{
	return r->opts.mailbox ? r->opts.mailbox : pol->filing_mailbox;
}

/* same_address - compare a configured target with a normalised recipient */
static int same_address(const char *target, const char *normalised, const struct policy *pol)
{
	char *t;
	int same;

	if (target == NULL || normalised == NULL || addr_normalise(target, &pol->addr, &t) != ADDR_OK)
		return 0;
	same = strcmp(t, normalised) == 0;
	free(t);
	return same;
}

/* limit_effect - within the limit nothing happens; over it, --over */
static void limit_effect(const struct restriction *r, int over, struct effect *e, struct marks *mk)
{
	mk->tag = 1;
	if (!over) {
		mk->effect = "tag";
		return;
	}
	mk->breach = mk->over_limit = 1;
	switch (r->opts.over) {
	case OVER_FILE:
		mk->subject_prefix = 1;
		mk->effect = "file";
		break;
	case OVER_HOLD:
		e->rank = RANK_HOLD;
		mk->effect = "hold";
		break;
	case OVER_REJECT:
		refuse(e, RANK_REJECT, "You have sent the number of messages we accept from you"
		       " in this period; this message has not been delivered.");
		mk->effect = "reject";
		break;
	case OVER_TEMPFAIL:
		refuse(e, RANK_TEMPFAIL, "You have sent the number of messages we accept from you"
		       " in this period; please try again later.");
		mk->effect = "tempfail";
		break;
	}
}

/*
 * effect_for - what restriction r does to one covered recipient, and the
 * message-level marks it leaves. full is 0 for Sender/Reply-To-only
 * matches, which only ever tag and file.
 */
static void effect_for(const struct restriction *r, int full, int over, const struct rcpt_result *rc,
		       const struct policy *pol, struct effect *e, struct marks *mk)
{
	struct buf b;

	memset(e, 0, sizeof(*e));
	if (!full) {
		mk->tag = mk->subject_prefix = 1;
		mk->effect = "file";
		return;
	}
	switch (r->opts.action) {
	case ACTION_BLOCK:
		refuse(e, RANK_REJECT, r->opts.message ? r->opts.message : pol->block_text);
		mk->tag = 1;
		mk->effect = "reject";
		break;
	case ACTION_FILE:
		mk->tag = 1;
		mk->effect = "file";
		if (r->opts.file_mode == FILE_MODE_REDIRECT && file_target(r, pol)) {
			e->rank = RANK_FILE_REDIRECT;
			e->target = file_target(r, pol);
			mk->effect = "redirect";
		} else {
			mk->subject_prefix = 1;
		}
		break;
	case ACTION_SINGLE_CONTACT:
		mk->tag = 1;
		mk->effect = "tag";
		if (same_address(r->opts.contact, rc->address, pol))
			break;
		mk->breach = 1;
		if (r->opts.contact_mode == CONTACT_MODE_REDIRECT) {
			e->rank = RANK_CONTACT_REDIRECT;
			e->target = r->opts.contact;
			mk->effect = "redirect";
		} else {
			buf_init(&b);
			buf_printf(&b, "Please write to %s; this message has not been delivered.",
				   r->opts.contact);
			refuse(e, RANK_REJECT, buf_cstr(&b));
			buf_free(&b);
			mk->effect = "reject";
		}
		break;
	case ACTION_LIMIT:
		limit_effect(r, over, e, mk);
		break;
	case ACTION_MONITOR:
		mk->tag = 1;
		mk->copy_to = r->opts.copy_to ? r->opts.copy_to : pol->monitor_mailbox;
		mk->effect = mk->copy_to ? "copy" : "tag";
		break;
	case ACTION_WATCH:
		mk->tag = 1;
		mk->effect = "tag";
		break;
	}
}

/* effect_strength - to keep the strongest thing a restriction did */
static int effect_strength(const char *e)
{
	static const char *const order[] = {
		"none", "tag", "copy", "file", "redirect", "hold", "tempfail", "reject",
	};
	int i;

	for (i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (strcmp(order[i], e) == 0)
			return i;
	return 0;
}

/* applied_new - append an applied-restriction record */
static struct applied *applied_new(struct decision *d, const struct restriction *r,
				   const struct person_match *pm, int full, int verified)
{
	struct applied *a;

	d->applied = xreallocarray(d->applied, d->napplied + 1, sizeof(*d->applied));
	a = &d->applied[d->napplied++];
	memset(a, 0, sizeof(*a));
	a->id = r->id;
	a->user_id = r->user_id;
	a->action = r->opts.action;
	a->applied_as = full ? r->opts.action : ACTION_FILE;
	a->trial = r->trial;
	a->matched = pm->kind;
	a->matched_addr = xstrdup(pm->addr);
	a->unverified = pm->kind != MATCHED_ENVELOPE_FROM
			&& !(pm->kind == MATCHED_HEADER_FROM && verified);
	strlist_init(&a->would.recipients);
	strlist_init(&a->would.to);
	a->effect = "none";
	return a;
}

/* combine - keep the stronger effect for this recipient */
static void combine(struct rcpt_result *rc, struct effect *e, const struct restriction *r,
		    enum effect_rank *best, int env)
{
	static const enum outcome by_rank[] = {
		OUTCOME_ACCEPT, OUTCOME_REDIRECT, OUTCOME_REDIRECT,
		OUTCOME_HOLD, OUTCOME_TEMPFAIL, OUTCOME_REJECT,
	};

	if (e->rank <= *best && rc->restriction_id != 0) {
		free(e->text);
		return;
	}
	*best = e->rank;
	rc->restriction_id = r->id;
	rc->outcome = by_rank[e->rank];
	strlist_free(&rc->to);
	if (e->target)
		strlist_add(&rc->to, e->target);
	free(rc->reply.text);
	rc->reply.text = e->text;
	if (e->text) {
		snprintf(rc->reply.code, sizeof(rc->reply.code), "%s", e->code);
		snprintf(rc->reply.xcode, sizeof(rc->reply.xcode), "%s", e->xcode);
	}
	rc->stage = (env && (e->rank == RANK_REJECT || e->rank == RANK_TEMPFAIL)) ? STAGE_RCPT : STAGE_EOM;
}

/* apply_restriction - one restriction over all recipients */
static void apply_restriction(const struct msg_facts *f, const struct policy *pol,
			      const struct restriction *r, const struct person_match *pm,
			      int verified, struct decision *d, enum effect_rank *best)
{
	int full = pm->kind == MATCHED_ENVELOPE_FROM || pm->kind == MATCHED_HEADER_FROM;
	int env = pm->kind == MATCHED_ENVELOPE_FROM && f->phase != PHASE_EOM;
	int over = 0;
	struct applied *a = NULL;
	struct marks mk;
	struct effect e;
	size_t i;

	if (r->opts.action == ACTION_LIMIT && f->limit_count)
		over = f->limit_count(f->limit_arg, r->user_id, r->opts.limit_period, f->now)
		       >= r->opts.limit_count;
	for (i = 0; i < d->nrcpts; i++) {
		struct rcpt_result *rc = &d->rcpts[i];
		if (!rc->staff)
			continue;
		if (a == NULL)
			a = applied_new(d, r, pm, full, verified);
		memset(&mk, 0, sizeof(mk));
		effect_for(r, full, over, rc, pol, &e, &mk);
		if (rc->exempt) {	/* exempt recipients are only ever tagged */
			free(e.text);
			memset(&e, 0, sizeof(e));
			mk.effect = mk.subject_prefix ? "file" : "tag";
		}
		if (mk.effect && effect_strength(mk.effect) > effect_strength(a->effect))
			a->effect = mk.effect;
		a->tag |= mk.tag;
		a->subject_prefix |= mk.subject_prefix;
		a->breach |= mk.breach && !rc->exempt;
		a->over_limit |= mk.over_limit;
		if (mk.copy_to && a->copy_to == NULL)
			a->copy_to = xstrdup(mk.copy_to);
		if (r->trial) {
			if (!rc->exempt && e.rank != RANK_DELIVER)
				strlist_add(&a->would.recipients, rc->address);
			if (e.target)
				strlist_add_unique(&a->would.to, e.target);
			free(e.text);
			continue;
		}
		if (!rc->exempt)
			rc->covered = 1;
		if (!rc->exempt && e.rank != RANK_DELIVER)
			combine(rc, &e, r, &best[i], env);
		else
			free(e.text);
	}
	if (a && r->trial) {
		a->would.effect = a->effect;
		if (a->copy_to)
			strlist_add_unique(&a->would.to, a->copy_to);
	}
}

void decide(const struct msg_facts *f, const struct snapshot *snap,
	    const struct policy *pol, struct match_scratch *scratch, struct decision *d)
{
	struct senders s = { NULL, 0 };
	struct sender_match own, *sm = f->senders ? f->senders : &own;
	struct person_match pm[DECIDE_MAX_USERS];
	enum effect_rank *best;
	size_t npm, i, j, nr;
	int verified;

	memset(&own, 0, sizeof(own));
	init_rcpts(f, pol, d);
	best = xcalloc(d->nrcpts ? d->nrcpts : 1, sizeof(*best));
	if (!f->internal) {
		collect_senders(f, &pol->addr, sm, &s, &d->sender_null);
		npm = match_people(snap, scratch, &s, pm, DECIDE_MAX_USERS, &d->limit_hits);
		person_key(&s, pm, npm, d);
		verified = from_verified(f, pol, &s);
		for (i = 0; i < npm; i++) {
			const struct restriction *const *rs =
				snapshot_user_restrictions(snap, pm[i].user_id, &nr);
			for (j = 0; j < nr; j++)
				if (restriction_in_force(rs[j], f->now))
					apply_restriction(f, pol, rs[j], &pm[i], verified, d, best);
		}
	}
	free(best);
	free(s.v);
	sender_match_clear(&own);
	decide_finish(f, pol, snap, d);
}

int decide_anyone_restricted(const struct msg_facts *f, const struct snapshot *snap,
			     const struct policy *pol, struct match_scratch *scratch)
{
	struct senders s = { NULL, 0 };
	struct sender_match own, *sm = f->senders ? f->senders : &own;
	struct person_match pm[DECIDE_MAX_USERS];
	size_t npm, i, j, nr;
	unsigned limit_hits = 0;	/* decide() reports them */
	int sender_null, any = 0;

	if (f->internal)
		return 0;
	memset(&own, 0, sizeof(own));
	collect_senders(f, &pol->addr, sm, &s, &sender_null);
	npm = match_people(snap, scratch, &s, pm, DECIDE_MAX_USERS, &limit_hits);
	for (i = 0; i < npm && !any; i++) {
		const struct restriction *const *rs = snapshot_user_restrictions(snap, pm[i].user_id, &nr);
		for (j = 0; j < nr && !any; j++)
			any = restriction_in_force(rs[j], f->now);
	}
	free(s.v);
	sender_match_clear(&own);
	return any;
}
