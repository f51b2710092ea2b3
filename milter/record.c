/*
 * record.c - the log line and the event row of one message (record.h).
 *
 * The decision's own log summary is the body of the line; recipients
 * refused earlier at RCPT are appended, since the end-of-message decision
 * only sees the ones still there. Event lists are written with jsonw.c,
 * whose strings that need escaping are escaped by Jansson (and whose text
 * is tested against json_dumps); a value that is not valid UTF-8 is stored
 * as "(invalid)" rather than dropped.
 */
#include "record.h"
#include "buf.h"
#include "events.h"
#include "jsonw.h"
#include "log.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MESSAGE_ID_MAX 998

/* rcpt_json - one recipient's outcome, as an item of w's array */
static void rcpt_json(struct jsonw *w, const char *address, enum outcome o, enum stage st,
		      int filed, const struct strlist *to, long long rid)
{
	jsonw_open(w, '{');
	jsonw_key(w, "address");
	jsonw_str(w, address);
	jsonw_key(w, "outcome");
	jsonw_str(w, outcome_name(o));
	jsonw_key(w, "stage");
	jsonw_str(w, stage_name(st));
	jsonw_key(w, "filed");
	jsonw_bool(w, filed);
	jsonw_key(w, "to");
	jsonw_strlist(w, to);
	jsonw_key(w, "restriction");
	if (rid)
		jsonw_int(w, rid);
	else
		jsonw_null(w);
	jsonw_close(w, '}');
}

/* would_json - what trial restrictions would have done; NULL when none */
static char *would_json(const struct decision *d)
{
	struct jsonw w;
	size_t i;
	int any = 0;

	jsonw_init(&w);
	jsonw_open(&w, '[');
	for (i = 0; d && i < d->napplied; i++) {
		const struct applied *ap = &d->applied[i];
		if (!ap->trial)
			continue;
		any = 1;
		jsonw_open(&w, '{');
		jsonw_key(&w, "id");
		jsonw_int(&w, ap->id);
		jsonw_key(&w, "effect");
		jsonw_str(&w, ap->would.effect ? ap->would.effect : ap->effect);
		jsonw_key(&w, "recipients");
		jsonw_strlist(&w, &ap->would.recipients);
		jsonw_key(&w, "to");
		jsonw_strlist(&w, &ap->would.to);
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	if (!any) {
		jsonw_free(&w);
		return NULL;
	}
	return jsonw_finish(&w);
}

/* id_list - a JSON array of ids, NULL when n is 0 and null_empty is set */
static char *id_list(const long long *ids, size_t n, int null_empty)
{
	struct jsonw w;
	size_t i;

	if (n == 0 && null_empty)
		return NULL;
	jsonw_init(&w);
	jsonw_open(&w, '[');
	for (i = 0; i < n; i++)
		jsonw_int(&w, ids[i]);
	jsonw_close(&w, ']');
	return jsonw_finish(&w);
}

/* applied_lists - ids, users, actions, matched and flags of the applied restrictions */
static void applied_lists(struct store_event *e, const struct applied_note *an, size_t n)
{
	struct jsonw ids, users, acts;
	enum matched_kind best = MATCHED_NONE;
	size_t i, j;

	if (n == 0)
		return;	/* most mail: the lists are written "[]", matched "none" (store_events.h) */
	jsonw_init(&ids);
	jsonw_init(&users);
	jsonw_init(&acts);
	jsonw_open(&ids, '[');
	jsonw_open(&users, '[');
	jsonw_open(&acts, '[');
	for (i = 0; i < n; i++) {
		jsonw_int(&ids, an[i].id);
		jsonw_str(&acts, action_name(an[i].action));
		for (j = 0; j < i && an[j].user_id != an[i].user_id; j++)
			;
		if (j == i)
			jsonw_int(&users, an[i].user_id);
		if (an[i].matched != MATCHED_NONE && (best == MATCHED_NONE || an[i].matched < best))
			best = an[i].matched;
		if (!an[i].trial) {
			e->breach |= an[i].breach;
			e->unverified |= an[i].unverified;
		}
	}
	jsonw_close(&ids, ']');
	jsonw_close(&users, ']');
	jsonw_close(&acts, ']');
	e->restriction_ids = jsonw_finish(&ids);
	e->user_ids = jsonw_finish(&users);
	e->actions = jsonw_finish(&acts);
	e->matched = xstrdup(matched_kind_name(best));
}

/* notes_of - the decision's applied restrictions as notes (new array) */
static struct applied_note *notes_of(const struct decision *d, int *over)
{
	struct applied_note *an = xcalloc(d->napplied ? d->napplied : 1, sizeof(*an));
	size_t i;

	for (i = 0; i < d->napplied; i++) {
		an[i].id = d->applied[i].id;
		an[i].user_id = d->applied[i].user_id;
		an[i].action = d->applied[i].action;
		an[i].matched = d->applied[i].matched;
		an[i].trial = d->applied[i].trial;
		an[i].breach = d->applied[i].breach;
		an[i].unverified = d->applied[i].unverified;
		*over |= !d->applied[i].trial && d->applied[i].over_limit;
	}
	return an;
}

/*
 * merge_rcpt_notes - what the RCPT decisions applied, folded into the end
 * of message's notes: a single-contact refusal at RCPT is a breach even
 * when the recipients left at end of message (the contact) are not.
 */
static struct applied_note *merge_rcpt_notes(struct applied_note *an, size_t *n,
					     const struct msg *m)
{
	size_t i, j;

	for (i = 0; i < m->napplied; i++) {
		for (j = 0; j < *n && an[j].id != m->applied[i].id; j++)
			;
		if (j < *n) {
			an[j].breach |= m->applied[i].breach;
			continue;
		}
		an = xreallocarray(an, *n + 1, sizeof(*an));
		an[(*n)++] = m->applied[i];
	}
	return an;
}

/* refused_part - " rcpt-refused=a:reject,…" for the log line */
static void refused_part(struct buf *b, const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->nrefused; i++)
		buf_printf(b, "%s%s:%s:rcpt", i ? "," : " rcpt-refused=", m->refused[i].address,
			   outcome_name(m->refused[i].outcome));
}

/* refused_effect - what an RCPT refusal by restriction id did: "reject" or "tempfail" */
static const char *refused_effect(const struct msg *m, long long id)
{
	size_t i;

	for (i = 0; i < m->nrefused; i++)
		if (m->refused[i].restriction_id == id && m->refused[i].outcome == OUTCOME_REJECT)
			return "reject";
	return "tempfail";
}

/*
 * effects_json - [{"id", "effect"}] of the non-trial restrictions applied
 * at end of message (d may be NULL) and of those that refused at RCPT only;
 * NULL when none
 */
static char *effects_json(const struct msg *m, const struct decision *d)
{
	struct jsonw w;
	size_t i, j;
	int any = 0;

	jsonw_init(&w);
	jsonw_open(&w, '[');
	for (i = 0; d && i < d->napplied; i++) {
		if (d->applied[i].trial)
			continue;
		any = 1;
		jsonw_open(&w, '{');
		jsonw_key(&w, "id");
		jsonw_int(&w, d->applied[i].id);
		jsonw_key(&w, "effect");
		jsonw_str(&w, d->applied[i].effect ? d->applied[i].effect : "none");
		jsonw_close(&w, '}');
	}
	for (i = 0; i < m->napplied; i++) {
		for (j = 0; d && j < d->napplied && d->applied[j].id != m->applied[i].id; j++)
			;
		if ((d && j < d->napplied) || m->applied[i].trial)
			continue;
		any = 1;
		jsonw_open(&w, '{');
		jsonw_key(&w, "id");
		jsonw_int(&w, m->applied[i].id);
		jsonw_key(&w, "effect");
		jsonw_str(&w, refused_effect(m, m->applied[i].id));
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	if (!any) {
		jsonw_free(&w);
		return NULL;	/* written "[]" (store_events.h) */
	}
	return jsonw_finish(&w);
}

/* event_base - the fields every event has */
static void event_base(struct store_event *e, const struct msg *m, const char *qid)
{
	if (e->at == 0)
		e->at = clock_now();
	e->queue_id = xstrdup(qid);
	if (m->message_id) {
		const char *p = m->message_id + strspn(m->message_id, " \t\r\n");
		e->message_id = xstrndup(p, MESSAGE_ID_MAX);
		e->message_id[strcspn(e->message_id, "\r\n")] = '\0';
	}
	e->internal = m->internal;
}

void record_eom(const struct msg *m, const struct decision *d, const char *what,
		struct store_event *pre)
{
	struct store_event e;
	struct applied_note *an;
	struct jsonw outs;
	const char *qid = m->queue_id ? m->queue_id : "NOQUEUE";
	char line_space[512];	/* the log line; longer ones grow on the heap */
	struct buf line;
	size_t i;
	int over = 0;

	memset(&e, 0, sizeof(e));
	if (pre) {
		e = *pre;
		memset(pre, 0, sizeof(*pre));
	}
	event_base(&e, m, qid);
	e.effects = effects_json(m, d);
	jsonw_init(&outs);
	jsonw_open(&outs, '[');
	for (i = 0; i < m->nrefused; i++)
		rcpt_json(&outs, m->refused[i].address, m->refused[i].outcome, STAGE_RCPT, 0, NULL,
			  m->refused[i].restriction_id);
	buf_init_on(&line, line_space, sizeof(line_space));
	if (d) {
		for (i = 0; i < d->nrcpts; i++) {
			const struct rcpt_result *r = &d->rcpts[i];
			rcpt_json(&outs, r->address ? r->address : r->rcpt, r->outcome, r->stage,
				  r->filed, &r->to, r->restriction_id);
		}
		if (d->napplied + m->napplied > 0) {	/* most mail: no restriction applied */
			size_t nnotes = d->napplied;
			an = notes_of(d, &over);
			an = merge_rcpt_notes(an, &nnotes, m);
			applied_lists(&e, an, nnotes);
			free(an);
		}
		e.person = d->person ? xstrdup(d->person) : NULL;
		e.would = would_json(d);
		e.counted_users = id_list(d->count_users, d->ncount_users, 1);
		e.recipients = (unsigned)(m->nrefused + d->nrcpts);
		buf_puts(&line, qid);
		buf_puts(&line, ": ");
		buf_puts(&line, d->log_summary ? d->log_summary : "");
	} else {
		for (i = 0; i < m->rcpts.n; i++)
			rcpt_json(&outs, m->rcpts.v[i], OUTCOME_ACCEPT, STAGE_EOM, 0, NULL, 0);
		applied_lists(&e, NULL, 0);
		e.recipients = (unsigned)(m->nrefused + m->rcpts.n);
		buf_printf(&line, "%s: verdict=accept database=unavailable restrictions=none", qid);
	}
	e.over_limit = over;
	jsonw_close(&outs, ']');
	e.outcomes = jsonw_finish(&outs);
	e.verdict = strcmp(what, "accept") == 0 ? NULL : xstrdup(what);	/* NULL: "accept" */
	refused_part(&line, m);
	if (d && strcmp(what, verdict_name(d->verdict)) != 0)
		buf_printf(&line, " given=%s", what);
	if (e.detect)
		buf_puts(&line, " detect=yes");
	if (e.flags)
		buf_printf(&line, " flags=%s", e.flags);
	if (e.novelty)
		buf_printf(&line, " novelty=%s", e.novelty);
	log_text(LOG_INFO, buf_cstr(&line));
	buf_free(&line);
	events_push(&e);
}

void record_refused(const struct msg *m)
{
	struct store_event e;
	struct jsonw outs;
	const char *qid = m->queue_id ? m->queue_id : "NOQUEUE";
	const char *verdict = "tempfail";
	struct buf line;
	size_t i;

	memset(&e, 0, sizeof(e));
	event_base(&e, m, qid);
	jsonw_init(&outs);
	jsonw_open(&outs, '[');
	for (i = 0; i < m->nrefused; i++) {
		rcpt_json(&outs, m->refused[i].address, m->refused[i].outcome, STAGE_RCPT, 0, NULL,
			  m->refused[i].restriction_id);
		if (m->refused[i].outcome == OUTCOME_REJECT)
			verdict = "reject";
	}
	applied_lists(&e, m->applied, m->napplied);
	e.effects = effects_json(m, NULL);
	e.person = m->person ? xstrdup(m->person) : NULL;
	jsonw_close(&outs, ']');
	e.outcomes = jsonw_finish(&outs);
	e.verdict = xstrdup(verdict);
	e.recipients = (unsigned)(m->nrefused + m->rcpts.n);
	buf_init(&line);
	buf_printf(&line, "%s: verdict=%s", qid, verdict);
	for (i = 0; i < m->napplied; i++) {
		const struct applied_note *a = &m->applied[i];
		buf_printf(&line, "%s%lld:%s%s:%s%s%s", i ? "," : " restrictions=", a->id,
			   action_name(a->action), a->trial ? "(trial)" : "",
			   matched_kind_name(a->matched), a->breach ? ":breach" : "",
			   a->unverified ? ":unverified" : "");
	}
	refused_part(&line, m);
	if (m->rcpts.n > 0)
		buf_printf(&line, " aborted-with=%zu", m->rcpts.n);
	log_text(LOG_INFO, buf_cstr(&line));
	buf_free(&line);
	events_push(&e);
}
