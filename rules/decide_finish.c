/*
 * decide_finish.c - the end-of-message half of the decision: whole-message
 * verdicts, FilingMailbox replacement, recipient changes, headers, limit
 * counting and the one-line log summary (see decide.h, SPEC "When the match
 * is known").
 *
 * At end of message SMTP can only accept or refuse the whole message, so a
 * refusal applies to the message only when it covers every recipient still
 * there; otherwise covered recipients are filed, never silently dropped.
 */
#include "decide_int.h"
#include "buf.h"
#include "header.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void decide_add_header(struct decision *d, const char *name, const char *value)
{
	d->headers = xreallocarray(d->headers, d->nheaders + 1, sizeof(*d->headers));
	d->headers[d->nheaders].name = xstrdup(name);
	d->headers[d->nheaders].value = header_value(value, (unsigned)strlen(name));
	d->nheaders++;
}

static int refused_at_rcpt(const struct rcpt_result *r)
{
	return r->stage == STAGE_RCPT
	       && (r->outcome == OUTCOME_REJECT || r->outcome == OUTCOME_TEMPFAIL);
}

static int is_refusal(enum outcome o)
{
	return o == OUTCOME_REJECT || o == OUTCOME_TEMPFAIL || o == OUTCOME_HOLD;
}

static enum verdict verdict_of(enum outcome o)
{
	return o == OUTCOME_REJECT ? VERDICT_REJECT
	       : o == OUTCOME_TEMPFAIL ? VERDICT_TEMPFAIL
	       : o == OUTCOME_HOLD ? VERDICT_HOLD : VERDICT_ACCEPT;
}

/* whole_message - does every remaining recipient get a refusal or hold? */
static void whole_message(const struct policy *pol, struct decision *d, int *log_nofiling)
{
	size_t i, remaining = 0, refused = 0;
	struct rcpt_result *strongest = NULL;

	for (i = 0; i < d->nrcpts; i++) {
		struct rcpt_result *r = &d->rcpts[i];
		if (refused_at_rcpt(r))
			continue;
		remaining++;
		if (is_refusal(r->outcome)) {
			refused++;
			if (strongest == NULL || r->outcome > strongest->outcome)
				strongest = r;
		}
	}
	if (remaining == 0) {	/* every recipient was refused at RCPT */
		for (i = 0; i < d->nrcpts; i++)
			if (verdict_of(d->rcpts[i].outcome) == VERDICT_REJECT || d->verdict == VERDICT_ACCEPT)
				d->verdict = verdict_of(d->rcpts[i].outcome);
		return;
	}
	if (refused == remaining) {
		d->verdict = verdict_of(strongest->outcome);
		if (strongest->reply.text) {
			d->reply = strongest->reply;
			d->reply.text = xstrdup(strongest->reply.text);
		}
		return;
	}
	for (i = 0; i < d->nrcpts; i++) {	/* others still receive it: file the refused */
		struct rcpt_result *r = &d->rcpts[i];
		if (refused_at_rcpt(r) || !is_refusal(r->outcome))
			continue;
		free(r->reply.text);
		r->reply.text = NULL;
		if (pol->filing_mailbox == NULL) {
			r->outcome = OUTCOME_ACCEPT;	/* never dropped; -t warns about this */
			*log_nofiling = 1;
			continue;
		}
		r->outcome = OUTCOME_REDIRECT;
		r->filed = 1;
		strlist_free(&r->to);
		strlist_add(&r->to, pol->filing_mailbox);
	}
}

/* still_recipient - is target one of the recipients that keep the message? */
static int still_recipient(const struct decision *d, const char *target, const struct policy *pol)
{
	char *t;
	size_t i;
	int found = 0;

	if (addr_normalise(target, &pol->addr, &t) != ADDR_OK)
		return 0;
	for (i = 0; i < d->nrcpts && !found; i++) {
		const struct rcpt_result *r = &d->rcpts[i];
		found = r->address && r->outcome == OUTCOME_ACCEPT && strcmp(r->address, t) == 0;
	}
	free(t);
	return found;
}

/* add_target - a recipient to add with NOTIFY=NEVER, once */
static void add_target(struct decision *d, const char *target, const struct policy *pol)
{
	if (!still_recipient(d, target, pol))
		strlist_add_unique(&d->add_rcpts, target);
}

/* recipient_changes - redirects and copies into add/remove lists */
static void recipient_changes(const struct policy *pol, struct decision *d, struct strlist *orig)
{
	size_t i, j;

	for (i = 0; i < d->nrcpts; i++) {
		struct rcpt_result *r = &d->rcpts[i];
		if (r->outcome != OUTCOME_REDIRECT)
			continue;
		strlist_add(&d->remove_rcpts, r->rcpt);
		strlist_add_unique(orig, r->address ? r->address : r->rcpt);
		for (j = 0; j < r->to.n; j++)
			add_target(d, r->to.v[j], pol);
	}
	for (i = 0; i < d->napplied; i++)
		if (!d->applied[i].trial && d->applied[i].copy_to)
			add_target(d, d->applied[i].copy_to, pol);
}

/* tag_headers - one X-Restriction per applied restriction, and the rest */
static void tag_headers(const struct policy *pol, const struct snapshot *snap,
			struct decision *d, const struct strlist *orig)
{
	char name_space[128], value_space[256];
	struct buf name, value;
	size_t i, nr, k;

	buf_init_on(&name, name_space, sizeof(name_space));
	buf_init_on(&value, value_space, sizeof(value_space));
	for (i = 0; i < d->napplied; i++) {
		const struct applied *a = &d->applied[i];
		if (a->trial || !a->tag)
			continue;
		buf_reset(&value);
		buf_printf(&value, "%s; id=%lld", action_name(a->applied_as), a->id);
		if (pol->header_detail_full) {
			const struct restriction *const *rs =
				snapshot_user_restrictions(snap, a->user_id, &nr);
			for (k = 0; k < nr; k++)
				if (rs[k]->id == a->id && rs[k]->case_ref && rs[k]->case_ref[0])
					buf_printf(&value, "; case=%s", rs[k]->case_ref);
			buf_printf(&value, "; matched=%s:%s", matched_kind_name(a->matched),
				   a->matched_addr);
		}
		decide_add_header(d, pol->header_prefix, buf_cstr(&value));
		if (a->subject_prefix && d->subject_prefix == NULL)
			d->subject_prefix = xstrdup(pol->subject_prefix);
	}
	if (orig->n > 0) {
		char *list = strlist_join(orig, ", ");
		buf_printf(&name, "%s-Original-Recipients", pol->header_prefix);
		decide_add_header(d, buf_cstr(&name), list);
		free(list);
	}
	buf_free(&name);
	buf_free(&value);
}

/* count_for_limits - people whose limit this accepted message counts toward */
static void count_for_limits(struct decision *d)
{
	size_t i, j;
	int delivered = 0;

	if (d->verdict != VERDICT_ACCEPT)
		return;
	for (i = 0; i < d->nrcpts; i++)
		if (d->rcpts[i].covered && !d->rcpts[i].filed
		    && (d->rcpts[i].outcome == OUTCOME_ACCEPT || d->rcpts[i].outcome == OUTCOME_REDIRECT))
			delivered = 1;
	if (!delivered)
		return;
	for (i = 0; i < d->napplied; i++) {
		const struct applied *a = &d->applied[i];
		if (a->trial || a->action != ACTION_LIMIT)
			continue;
		for (j = 0; j < d->ncount_users && d->count_users[j] != a->user_id; j++)
			;
		if (j < d->ncount_users)
			continue;
		d->count_users = xreallocarray(d->count_users, d->ncount_users + 1, sizeof(long long));
		d->count_users[d->ncount_users++] = a->user_id;
	}
}

/* log_summary - ids, actions, matched kinds and outcomes; never names or reasons */
static void log_summary(const struct msg_facts *f, struct decision *d, int nofiling)
{
	char space[512];
	struct buf b;
	size_t i;

	/* buf_puts rather than one printf per item, on the stack: this runs for every decision */
	buf_init_on(&b, space, sizeof(space));
	buf_puts(&b, "verdict=");
	buf_puts(&b, verdict_name(d->verdict));
	if (f->internal)
		buf_puts(&b, " internal=yes");
	for (i = 0; i < d->napplied; i++) {
		const struct applied *a = &d->applied[i];
		buf_printf(&b, "%s%lld:", i ? "," : " restrictions=", a->id);
		buf_puts(&b, action_name(a->action));
		buf_puts(&b, a->trial ? "(trial):" : ":");
		buf_puts(&b, matched_kind_name(a->matched));
		buf_puts(&b, a->breach ? ":breach" : "");
		buf_puts(&b, a->unverified ? ":unverified" : "");
	}
	for (i = 0; i < d->nrcpts; i++) {
		const struct rcpt_result *r = &d->rcpts[i];
		buf_puts(&b, i ? "," : " rcpts=");
		buf_puts(&b, r->address ? r->address : "(invalid)");
		buf_putc(&b, ':');
		buf_puts(&b, outcome_name(r->outcome));
		buf_putc(&b, ':');
		buf_puts(&b, stage_name(r->stage));
		buf_puts(&b, r->filed ? ":filed" : "");
	}
	if (nofiling)
		buf_puts(&b, " filing=unset");
	if (d->limit_hits)
		buf_printf(&b, " pcre2-limit-hits=%u", d->limit_hits);
	d->log_summary = buf_take(&b);
}

void decide_finish(const struct msg_facts *f, const struct policy *pol,
		   const struct snapshot *snap, struct decision *d)
{
	struct strlist orig = STRLIST_INIT;
	int nofiling = 0;

	d->verdict = VERDICT_ACCEPT;
	if (f->phase != PHASE_RCPT && !f->internal && d->nrcpts > 0) {
		whole_message(pol, d, &nofiling);
		if (d->verdict == VERDICT_ACCEPT || d->verdict == VERDICT_HOLD) {
			recipient_changes(pol, d, &orig);
			tag_headers(pol, snap, d, &orig);
		}
		count_for_limits(d);
	}
	log_summary(f, d, nofiling);
	strlist_free(&orig);
}
