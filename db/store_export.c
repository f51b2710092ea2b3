/*
 * store_export.c - reading back everything held on one person for
 * `restrictctl export` (policy 8.2): the events that matched them or came
 * from one of their exact addresses.
 *
 * The rows are handed to a callback one at a time with borrowed strings,
 * so a long history never needs to sit in memory twice.
 */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#define USER_EVENTS \
	"SELECT id, at, queue_id, message_id, person, user_ids, restriction_ids, actions," \
	" matched, outcomes, verdict, would, breach, over_limit, unverified, recipients" \
	" FROM events e WHERE EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(e.user_ids)" \
	" THEN e.user_ids ELSE '[]' END) WHERE value = ?1) OR COALESCE(e.person, '') IN" \
	" (SELECT key FROM selectors WHERE user_id = ?1 AND kind = 'exact') ORDER BY e.at, e.id"

/* has_events - is there an events table (migration 2)? */
static int has_events(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT count(*) FROM sqlite_master"
					   " WHERE type = 'table' AND name = 'events'", err, errlen);
	int rc;

	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) > 0 : -1;
	sqlite3_finalize(stmt);
	return rc < 0 ? store_error(st, "cannot read the schema", err, errlen) : rc;
}

/* col - a text column, borrowed; NULL for SQL NULL */
static const char *col(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

/* event_row - the current row, borrowed */
static void event_row(sqlite3_stmt *stmt, struct store_event_row *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(stmt, 0);
	e->at = store_col_time(stmt, 1);
	e->queue_id = col(stmt, 2);
	e->message_id = col(stmt, 3);
	e->person = col(stmt, 4);
	e->user_ids = col(stmt, 5);
	e->restriction_ids = col(stmt, 6);
	e->actions = col(stmt, 7);
	e->matched = col(stmt, 8);
	e->outcomes = col(stmt, 9);
	e->verdict = col(stmt, 10);
	e->would = col(stmt, 11);
	e->breach = sqlite3_column_int(stmt, 12);
	e->over_limit = sqlite3_column_int(stmt, 13);
	e->unverified = sqlite3_column_int(stmt, 14);
	e->recipients = sqlite3_column_int64(stmt, 15);
}

int store_user_events(struct store *st, long long user_id, store_event_fn fn, void *arg,
		      char *err, size_t errlen)
{
	struct store_event_row e;
	sqlite3_stmt *stmt;
	int rc, exists = has_events(st, err, errlen);

	if (exists <= 0)
		return exists;
	if (!(stmt = store_prepare(st, USER_EVENTS, err, errlen)))
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)user_id),
			err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		event_row(stmt, &e);
		if (fn(arg, &e) != 0) {
			snprintf(err, errlen, "cannot export event %lld", e.id);
			sqlite3_finalize(stmt);
			return -1;
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read the events", err, errlen);
	return 0;
}
