/*
 * store_digest.c - the digest's lists, flags and held messages, the audit
 * head, and the record of digests sent (store_digest.h).
 *
 * Each list is one constant query over restrictions (and their history or
 * disputes) with the same columns; its parameters are ?1 since, ?2 until,
 * ?3 now and ?4 now + the "soon" window, bound as many as it uses.
 */
#include "store_int.h"
#include "store_digest.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the columns every list reads, in digest_ref order */
#define REF_COLUMNS "r.id, r.user_id, u.name, u.case_ref, r.action, r.trial"
#define REF_FROM " FROM restrictions r JOIN service_users u ON u.id = r.user_id"
#define IN_FORCE "r.status = 'active' AND (r.ends IS NULL OR r.ends > ?3)"
#define HISTORY(kinds) \
	"SELECT " REF_COLUMNS ", h.at, h.by, 0" REF_FROM \
	" JOIN restriction_history h ON h.restriction_id = r.id" \
	" WHERE h.kind IN (" kinds ") AND h.at >= ?1 AND h.at < ?2 ORDER BY h.at, h.id"

static const struct list_query {
	size_t field;			/* offsetof the digest_list in struct store_digest */
	const char *sql;
} lists[] = {
	{ offsetof(struct store_digest, added), HISTORY("'created', 'approved'") },
	{ offsetof(struct store_digest, varied), HISTORY("'varied'") },
	{ offsetof(struct store_digest, reviewed), HISTORY("'reviewed'") },
	{ offsetof(struct store_digest, lifted), HISTORY("'lifted'") },
	{ offsetof(struct store_digest, expired),
	  "SELECT " REF_COLUMNS ", r.ends - 1, NULL, 0" REF_FROM
	  " WHERE r.status IN ('active', 'expired') AND r.ends >= ?1 AND r.ends < ?2"
	  " AND r.ends <= ?3 ORDER BY r.ends, r.id" },
	{ offsetof(struct store_digest, proposed),
	  "SELECT " REF_COLUMNS ", r.created_at, r.requested_by, 0" REF_FROM
	  " WHERE r.status = 'proposed' ORDER BY r.created_at, r.id" },
	{ offsetof(struct store_digest, overdue),
	  "SELECT " REF_COLUMNS ", r.review_due, NULL, 0" REF_FROM
	  " WHERE " IN_FORCE " AND r.review_due < ?3 ORDER BY r.review_due, r.id" },
	{ offsetof(struct store_digest, review_soon),
	  "SELECT " REF_COLUMNS ", r.review_due, NULL, 0" REF_FROM
	  " WHERE " IN_FORCE " AND r.review_due >= ?3 AND r.review_due < ?4"
	  " ORDER BY r.review_due, r.id" },
	{ offsetof(struct store_digest, ending_soon),
	  "SELECT " REF_COLUMNS ", r.ends - 1, NULL, 0" REF_FROM
	  " WHERE " IN_FORCE " AND r.ends IS NOT NULL AND r.ends < ?4 ORDER BY r.ends, r.id" },
	{ offsetof(struct store_digest, not_notified),
	  "SELECT " REF_COLUMNS ", r.starts, r.authorised_by, 0" REF_FROM
	  " WHERE " IN_FORCE " AND r.notified_on IS NULL ORDER BY r.starts, r.id" },
	{ offsetof(struct store_digest, disputes),
	  "SELECT " REF_COLUMNS ", d.raised_at, NULL, d.id" REF_FROM
	  " JOIN disputes d ON d.restriction_id = r.id WHERE d.decided_at IS NULL"
	  " ORDER BY d.raised_at, d.id" },
};
#define NLISTS (sizeof(lists) / sizeof(lists[0]))

#define FLAG_QUERY \
	"SELECT f.id, f.kind, f.status, f.person, u.name, u.case_ref, f.opened_at, f.last_at," \
	" f.count, f.threshold, f.window_secs, f.messages," \
	" CASE WHEN json_valid(f.recipients) THEN json_array_length(f.recipients) ELSE 0 END," \
	" CASE WHEN json_valid(f.evidence) THEN json_array_length(f.evidence) ELSE 0 END," \
	" f.unverified, f.opened_at >= ?1 AND f.opened_at < ?2" \
	" FROM flags f LEFT JOIN service_users u ON u.id = f.user_id" \
	" WHERE f.status IN ('open', 'escalated') OR (f.opened_at >= ?1 AND f.opened_at < ?2)" \
	" ORDER BY f.status <> 'escalated', NOT (f.opened_at >= ?1 AND f.opened_at < ?2)," \
	" f.opened_at, f.id"

#define HELD_QUERY \
	"SELECT e.at, e.queue_id, r.id, u.name, u.case_ref, e.recipients, count(*) OVER ()" \
	" FROM events e" \
	" LEFT JOIN restrictions r ON r.id = CASE WHEN json_valid(e.restriction_ids)" \
	"  THEN json_extract(e.restriction_ids, '$[0]') END" \
	" LEFT JOIN service_users u ON u.id = r.user_id" \
	" WHERE e.at >= ?1 AND e.at < ?2 AND e.verdict = 'hold'" \
	" ORDER BY e.at DESC, e.id DESC LIMIT ?5"

#define COUNTS_QUERY \
	"SELECT (SELECT count(*) FROM restrictions r WHERE " IN_FORCE ")," \
	" (SELECT count(*) FROM restrictions r WHERE r.trial = 1 AND " IN_FORCE ")," \
	" (SELECT max(sent_at) FROM digests)"

/* bind_params - the parameters the statement uses, of ?1 since .. ?5 the held limit */
static int bind_params(sqlite3_stmt *stmt, const struct store_digest *d)
{
	const sqlite3_int64 v[5] = { d->since, d->until, d->now, d->now + DIGEST_SOON_SECS,
				     DIGEST_HELD_MAX };
	int i, n = sqlite3_bind_parameter_count(stmt), b = 0;

	for (i = 1; i <= n && i <= 5; i++)
		b |= sqlite3_bind_int64(stmt, i, v[i - 1]);
	return b;
}

/* query - prepare sql and bind d's parameters; NULL with err */
static sqlite3_stmt *query(struct store *st, const char *sql, const struct store_digest *d,
			   char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, sql, err, errlen);

	if (stmt && store_bound(st, stmt, bind_params(stmt, d), err, errlen) != 0)
		return NULL;
	return stmt;
}

/* finish - finalize after the last step; -1 with err unless it ended with SQLITE_DONE */
static int finish(struct store *st, sqlite3_stmt *stmt, int rc, const char *what,
		  char *err, size_t errlen)
{
	if (rc != SQLITE_DONE)
		store_error(st, what, err, errlen);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* read_list - one list query into l */
static int read_list(struct store *st, const char *sql, struct store_digest *d,
		     struct digest_list *l, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = query(st, sql, d, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct digest_ref *r;

		l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
		r = &l->v[l->n++];
		r->id = sqlite3_column_int64(stmt, 0);
		r->user_id = sqlite3_column_int64(stmt, 1);
		r->name = store_col_dup(stmt, 2);
		r->case_ref = store_col_dup(stmt, 3);
		r->action = store_col_dup(stmt, 4);
		r->trial = sqlite3_column_int(stmt, 5) != 0;
		r->at = store_col_time(stmt, 6);
		r->by = store_col_dup(stmt, 7);
		r->extra = sqlite3_column_int64(stmt, 8);
	}
	return finish(st, stmt, rc, "cannot read the digest's lists", err, errlen);
}

/* read_flags - escalated, new and open flags */
static int read_flags(struct store *st, struct store_digest *d, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = query(st, FLAG_QUERY, d, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct digest_flag *f;

		d->flags = xreallocarray(d->flags, d->nflags + 1, sizeof(*d->flags));
		f = &d->flags[d->nflags++];
		f->id = sqlite3_column_int64(stmt, 0);
		f->kind = store_col_dup(stmt, 1);
		f->status = store_col_dup(stmt, 2);
		f->person = store_col_dup(stmt, 3);
		f->name = store_col_dup(stmt, 4);
		f->case_ref = store_col_dup(stmt, 5);
		f->opened_at = store_col_time(stmt, 6);
		f->last_at = store_col_time(stmt, 7);
		f->count = sqlite3_column_int64(stmt, 8);
		f->threshold = sqlite3_column_int64(stmt, 9);
		f->window_secs = sqlite3_column_int64(stmt, 10);
		f->messages = sqlite3_column_int64(stmt, 11);
		f->staff = sqlite3_column_int64(stmt, 12);
		f->evidence = sqlite3_column_int64(stmt, 13);
		f->unverified = sqlite3_column_int(stmt, 14) != 0;
		f->is_new = sqlite3_column_int(stmt, 15) != 0;
	}
	return finish(st, stmt, rc, "cannot read the flags", err, errlen);
}

/* read_held - the newest held messages and how many there were */
static int read_held(struct store *st, struct store_digest *d, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = query(st, HELD_QUERY, d, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct digest_held *h;

		d->held = xreallocarray(d->held, d->nheld + 1, sizeof(*d->held));
		h = &d->held[d->nheld++];
		h->at = store_col_time(stmt, 0);
		h->queue_id = store_col_dup(stmt, 1);
		h->restriction_id = sqlite3_column_int64(stmt, 2);
		h->name = store_col_dup(stmt, 3);
		h->case_ref = store_col_dup(stmt, 4);
		h->recipients = sqlite3_column_int64(stmt, 5);
		d->held_total = sqlite3_column_int64(stmt, 6);
	}
	return finish(st, stmt, rc, "cannot read the held messages", err, errlen);
}

/* read_counts - restrictions in force and the last digest sent */
static int read_counts(struct store *st, struct store_digest *d, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = query(st, COUNTS_QUERY, d, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		d->in_force = sqlite3_column_int64(stmt, 0);
		d->in_force_trial = sqlite3_column_int64(stmt, 1);
		d->last_sent = store_col_time(stmt, 2);
		rc = sqlite3_step(stmt);
	}
	return finish(st, stmt, rc, "cannot count the restrictions", err, errlen);
}

/* read_audit - the head of the audit chain */
static int read_audit(struct store *st, struct store_digest *d, char *err, size_t errlen)
{
	char first_prev[STORE_HASH_LEN + 1];
	long long first_id, last_id;

	d->audit_head[0] = '\0';
	return store_audit_ends(st, &first_id, first_prev, &last_id, d->audit_head,
				&d->audit_rows, err, errlen) < 0 ? -1 : 0;
}

int store_digest_read(struct store *st, time_t since, time_t until, time_t now,
		      struct store_digest *d, char *err, size_t errlen)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->since = since;
	d->until = until;
	d->now = now;
	store_digest_buckets(d);
	if (store_begin_read(st, err, errlen) != 0)
		return -1;
	for (i = 0; i < NLISTS; i++)
		if (read_list(st, lists[i].sql, d, (struct digest_list *)(void *)
			      ((char *)d + lists[i].field), err, errlen) != 0)
			goto fail;
	if (read_flags(st, d, err, errlen) != 0 || read_held(st, d, err, errlen) != 0
	    || read_counts(st, d, err, errlen) != 0 || store_digest_mail(st, d, err, errlen) != 0
	    || read_audit(st, d, err, errlen) != 0)
		goto fail;
	return store_end_read(st, err, errlen);
fail:
	store_rollback(st);
	store_digest_clear(d);
	return -1;
}

/* list_clear - free one list */
static void list_clear(struct digest_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].case_ref);
		free(l->v[i].action);
		free(l->v[i].by);
	}
	free(l->v);
}

void store_digest_clear(struct store_digest *d)
{
	size_t i;

	for (i = 0; i < NLISTS; i++)
		list_clear((struct digest_list *)(void *)((char *)d + lists[i].field));
	for (i = 0; i < d->nflags; i++) {
		free(d->flags[i].kind);
		free(d->flags[i].status);
		free(d->flags[i].person);
		free(d->flags[i].name);
		free(d->flags[i].case_ref);
	}
	free(d->flags);
	for (i = 0; i < d->nmail; i++) {
		free(d->mail[i].name);
		free(d->mail[i].case_ref);
		free(d->mail[i].action);
		free(d->mail[i].status);
	}
	free(d->mail);
	for (i = 0; i < d->nheld; i++) {
		free(d->held[i].queue_id);
		free(d->held[i].name);
		free(d->held[i].case_ref);
	}
	free(d->held);
	memset(d, 0, sizeof(*d));
}

int store_digest_last(struct store *st, time_t *until, char *err, size_t errlen)
{
	/* the latest end covered, so a digest re-sent for an old period moves nothing back */
	sqlite3_stmt *stmt = store_prepare(st, "SELECT max(until) FROM digests", err, errlen);
	int rc, found = 0;

	if (!stmt)
		return -1;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		found = sqlite3_column_type(stmt, 0) != SQLITE_NULL;
		*until = store_col_time(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	if (finish(st, stmt, rc, "cannot read the digests sent", err, errlen) != 0)
		return -1;
	return found;
}

int store_digest_record(struct store *st, time_t sent_at, time_t since, time_t until,
			const char *recipients, const char *message_id, const char *audit_head,
			char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "INSERT INTO digests (sent_at, since, until,"
					   " recipients, message_id, audit_head)"
					   " VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)sent_at);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)since);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)until);
	b |= store_bind_text(stmt, 4, recipients);
	b |= store_bind_text(stmt, 5, message_id);
	b |= store_bind_text(stmt, 6, audit_head && *audit_head ? audit_head : NULL);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return store_step_done(st, stmt, "cannot record the digest", err, errlen);
}
