/*
 * decide.c - the decision engine: which restrictions apply and what each
 * covered recipient gets (see decide.h).
 *
 * Order of work: normalise recipients; find who is writing (the senders in
 * SPEC's order and the people they match: decide_senders.c); for every
 * restriction in force of every matched person compute its effect per
 * covered recipient; combine per recipient, strongest first.
 * decide_finish.c then applies the end-of-message rules and writes headers
 * and the log summary.
 */
#include "decide_int.h"
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

char *decide_rcpt_address(const struct policy *pol, const char *rcpt)
{
	char *address;

	return addr_normalise(rcpt, &pol->addr, &address) == ADDR_OK ? address : NULL;
}

/* init_rcpts - normalise recipients (or take the caller's) and classify staff/exempt */
static void init_rcpts(const struct msg_facts *f, const struct policy *pol, struct decision *d)
{
	size_t i;

	d->nrcpts = f->nrcpts;
	d->rcpts = xcalloc(f->nrcpts ? f->nrcpts : 1, sizeof(*d->rcpts));
	for (i = 0; i < f->nrcpts; i++) {
		struct rcpt_result *r = &d->rcpts[i];
		r->rcpt = f->rcpts[i];
		strlist_init(&r->to);
		r->stage = STAGE_EOM;
		if (f->rcpt_addrs != NULL) {
			if (f->rcpt_addrs[i][0] == '\0')
				continue;
			r->address = xstrdup(f->rcpt_addrs[i]);
		} else if ((r->address = decide_rcpt_address(pol, f->rcpts[i])) == NULL) {
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

/* BEST_INLINE - recipients whose strongest effects are kept without an allocation */
#define BEST_INLINE 8

void decide(const struct msg_facts *f, const struct snapshot *snap,
	    const struct policy *pol, struct match_scratch *scratch, struct decision *d)
{
	struct writers w;
	const char *person;
	enum effect_rank best_space[BEST_INLINE], *best;
	size_t i, j, nr;
	int verified;

	init_rcpts(f, pol, d);
	memset(best_space, 0, sizeof(best_space));
	best = d->nrcpts <= BEST_INLINE ? best_space : xcalloc(d->nrcpts, sizeof(*best));
	if (!f->internal) {
		writers_find(&w, f, snap, pol, scratch, &d->limit_hits);
		d->sender_null = w.sender_null;
		if ((person = writers_person(&w)) != NULL)
			d->person = xstrdup(person);
		verified = writers_from_verified(&w, f, pol);
		for (i = 0; i < w.npm; i++) {
			const struct restriction *const *rs =
				snapshot_user_restrictions(snap, w.pm[i].user_id, &nr);
			for (j = 0; j < nr; j++)
				if (restriction_in_force(rs[j], f->now))
					apply_restriction(f, pol, rs[j], &w.pm[i], verified, d, best);
		}
		writers_free(&w);
	}
	if (best != best_space)
		free(best);
	decide_finish(f, pol, snap, d);
}
