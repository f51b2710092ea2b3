/*
 * store_status.c - the counts and heartbeat `restrictctl status` shows
 * (store_status.h).
 *
 * Each count is one constant query; its parameters ?1 now, ?2 now + soon,
 * ?3 a day ago and ?4 a week ago are bound, as many as it uses. Queries
 * marked optional concern tables that only later migrations create: when
 * such a statement cannot be prepared the count is -1, not an error.
 */
#include "store_int.h"
#include "store_status.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a restriction in force: active and not ended */
#define IN_FORCE "status = 'active' AND (ends IS NULL OR ends > ?1)"

static const struct count_query {
	size_t field;			/* offsetof the long long in struct store_status */
	int optional;
	const char *sql;
} counts[] = {
	{ offsetof(struct store_status, proposed), 0,
	  "SELECT count(*) FROM restrictions WHERE status = 'proposed'" },
	{ offsetof(struct store_status, active), 0,
	  "SELECT count(*) FROM restrictions WHERE " IN_FORCE },
	{ offsetof(struct store_status, trial), 0,
	  "SELECT count(*) FROM restrictions WHERE trial = 1 AND " IN_FORCE },
	{ offsetof(struct store_status, lifted), 0,
	  "SELECT count(*) FROM restrictions WHERE status = 'lifted'" },
	{ offsetof(struct store_status, expired), 0,
	  "SELECT count(*) FROM restrictions WHERE status = 'expired'"
	  " OR (status = 'active' AND ends IS NOT NULL AND ends <= ?1)" },
	{ offsetof(struct store_status, overdue_reviews), 0,
	  "SELECT count(*) FROM restrictions WHERE " IN_FORCE " AND review_due < ?1" },
	{ offsetof(struct store_status, reviews_due_soon), 0,
	  "SELECT count(*) FROM restrictions WHERE " IN_FORCE
	  " AND review_due >= ?1 AND review_due < ?2" },
	{ offsetof(struct store_status, not_notified), 0,
	  "SELECT count(*) FROM restrictions WHERE " IN_FORCE " AND notified_on IS NULL" },
	{ offsetof(struct store_status, disputes_open), 1,
	  "SELECT count(*) FROM disputes WHERE decided_at IS NULL" },
	{ offsetof(struct store_status, users), 0, "SELECT count(*) FROM service_users" },
	{ offsetof(struct store_status, anonymised), 1,
	  "SELECT count(*) FROM service_users WHERE anonymised_at IS NOT NULL" },
	{ offsetof(struct store_status, selectors), 0,
	  "SELECT count(*) FROM selectors WHERE removed_at IS NULL" },
	{ offsetof(struct store_status, flags_open), 1,
	  "SELECT count(*) FROM flags WHERE status = 'open'" },
	{ offsetof(struct store_status, flags_escalated), 1,
	  "SELECT count(*) FROM flags WHERE status = 'escalated'" },
	{ offsetof(struct store_status, events), 0, "SELECT count(*) FROM events" },
	{ offsetof(struct store_status, events_day), 0,
	  "SELECT count(*) FROM events WHERE at >= ?3" },
	{ offsetof(struct store_status, events_week), 0,
	  "SELECT count(*) FROM events WHERE at >= ?4" },
	{ offsetof(struct store_status, refused_week), 0,
	  "SELECT count(*) FROM events WHERE at >= ?4 AND verdict IN ('reject', 'tempfail')" },
	{ offsetof(struct store_status, held_week), 0,
	  "SELECT count(*) FROM events WHERE at >= ?4 AND verdict = 'hold'" },
	{ offsetof(struct store_status, audit_rows), 0, "SELECT count(*) FROM audit" },
};
#define NCOUNTS (sizeof(counts) / sizeof(counts[0]))

/* bind_times - the parameters the statement uses, of ?1 now .. ?4 a week ago */
static int bind_times(sqlite3_stmt *stmt, time_t now, long long soon)
{
	const sqlite3_int64 v[4] = { now, now + soon, now - 86400, now - 7 * 86400 };
	int i, n = sqlite3_bind_parameter_count(stmt), b = 0;

	for (i = 1; i <= n && i <= 4; i++)
		b |= sqlite3_bind_int64(stmt, i, v[i - 1]);
	return b;
}

/* one_value - run a one-row query into *out; -1 for an optional statement that cannot be prepared */
static int one_value(struct store *st, const struct count_query *q, time_t now, long long soon,
		     long long *out, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;

	if (q->optional) {
		if (sqlite3_prepare_v2(st->db, q->sql, -1, &stmt, NULL) != SQLITE_OK) {
			*out = -1;
			return 0;
		}
	} else if ((stmt = store_prepare(st, q->sql, err, errlen)) == NULL) {
		return -1;
	}
	if (store_bound(st, stmt, bind_times(stmt, now, soon), err, errlen) != 0)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_error(st, "cannot count for the status", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	*out = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/* event_span - the oldest and newest event times */
static int event_span(struct store *st, struct store_status *s, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT min(at), max(at) FROM events", err, errlen);

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_error(st, "cannot read the events' times", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	s->events_oldest = store_col_time(stmt, 0);
	s->events_newest = store_col_time(stmt, 1);
	sqlite3_finalize(stmt);
	return 0;
}

/* meta_values - the generation and the milter's heartbeat rows */
static int meta_values(struct store *st, struct store_status *s, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT key, value FROM meta WHERE key = 'generation'"
					   " OR key LIKE 'milter\\_%' ESCAPE '\\'", err, errlen);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(stmt, 0);
		sqlite3_int64 v = sqlite3_column_int64(stmt, 1);

		if (k == NULL || sqlite3_column_type(stmt, 1) == SQLITE_NULL)
			continue;
		if (strcmp(k, "generation") == 0)
			s->generation = (uint64_t)v;
		else if (strcmp(k, "milter_seen") == 0)
			s->milter_seen = (time_t)v;
		else if (strcmp(k, "milter_started") == 0)
			s->milter_started = (time_t)v;
		else if (strcmp(k, "milter_stopped") == 0)
			s->milter_stopped = (time_t)v;
		else if (strcmp(k, "milter_pid") == 0)
			s->milter_pid = (long)v;
		else if (strcmp(k, "milter_version") == 0 && s->milter_version == NULL)
			s->milter_version = store_col_dup(stmt, 1);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot read meta", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_status_read(struct store *st, time_t now, long long soon, struct store_status *s,
		      char *err, size_t errlen)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (store_begin_read(st, err, errlen) != 0)
		return -1;
	if (store_user_version(st, &s->schema_version, err, errlen) != 0)
		goto fail;
	for (i = 0; i < NCOUNTS; i++)
		if (one_value(st, &counts[i], now, soon,
			      (long long *)(void *)((char *)s + counts[i].field), err, errlen) != 0)
			goto fail;
	if (event_span(st, s, err, errlen) != 0 || meta_values(st, s, err, errlen) != 0)
		goto fail;
	return store_end_read(st, err, errlen);
fail:
	store_rollback(st);
	store_status_clear(s);
	return -1;
}

void store_status_clear(struct store_status *s)
{
	free(s->milter_version);
	memset(s, 0, sizeof(*s));
}
