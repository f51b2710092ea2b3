/*
 * store_events.c - the milter's event rows (store_events.h).
 *
 * The event thread hands over a batch; it is written with one prepared
 * statement inside one BEGIN IMMEDIATE .. COMMIT of its own, so a batch
 * costs one fsync and never touches the generation number that restriction
 * changes bump. Every value is bound, never pasted into SQL.
 */
#include "store_int.h"
#include "store_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_INSERT \
	"INSERT INTO events (at, queue_id, message_id, person, user_ids, restriction_ids," \
	" actions, matched, outcomes, verdict, breach, over_limit, unverified, would," \
	" counted_users, recipients, internal)" \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

#define EVENT_COUNTED \
	"SELECT at, COALESCE(message_id, queue_id), counted_users FROM events" \
	" WHERE counted_users IS NOT NULL AND at >= ? ORDER BY at, id"

void store_event_clear(struct store_event *e)
{
	free(e->queue_id);
	free(e->message_id);
	free(e->person);
	free(e->user_ids);
	free(e->restriction_ids);
	free(e->actions);
	free(e->matched);
	free(e->outcomes);
	free(e->verdict);
	free(e->would);
	free(e->counted_users);
	memset(e, 0, sizeof(*e));
}

/* text_or - bind s, or a default when s is NULL (for NOT NULL columns) */
static int text_or(sqlite3_stmt *stmt, int i, const char *s, const char *dflt)
{
	return store_bind_text(stmt, i, s ? s : dflt);
}

/* bind_event - the 17 values of one row */
static int bind_event(sqlite3_stmt *stmt, const struct store_event *e)
{
	int b = 0;

	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)e->at);
	b |= text_or(stmt, 2, e->queue_id, "NOQUEUE");
	b |= store_bind_text(stmt, 3, e->message_id);
	b |= store_bind_text(stmt, 4, e->person);
	b |= text_or(stmt, 5, e->user_ids, "[]");
	b |= text_or(stmt, 6, e->restriction_ids, "[]");
	b |= text_or(stmt, 7, e->actions, "[]");
	b |= text_or(stmt, 8, e->matched, "none");
	b |= text_or(stmt, 9, e->outcomes, "[]");
	b |= text_or(stmt, 10, e->verdict, "accept");
	b |= sqlite3_bind_int(stmt, 11, e->breach != 0);
	b |= sqlite3_bind_int(stmt, 12, e->over_limit != 0);
	b |= sqlite3_bind_int(stmt, 13, e->unverified != 0);
	b |= store_bind_text(stmt, 14, e->would);
	b |= store_bind_text(stmt, 15, e->counted_users);
	b |= sqlite3_bind_int64(stmt, 16, (sqlite3_int64)e->recipients);
	b |= sqlite3_bind_int(stmt, 17, e->internal != 0);
	return b;
}

int store_events_insert(struct store *st, const struct store_event *v, size_t n,
			char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	size_t i;

	if (n == 0)
		return 0;
	if (!st->writable) {
		snprintf(err, errlen, "DB: %s: opened read-only", st->path);
		return -1;
	}
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_error(st, "cannot begin writing events", err, errlen);
	st->in_txn = 2;
	stmt = store_prepare(st, EVENT_INSERT, err, errlen);
	if (!stmt)
		goto fail;
	for (i = 0; i < n; i++) {
		if (bind_event(stmt, &v[i]) != SQLITE_OK) {
			store_error(st, "cannot bind an event", err, errlen);
			sqlite3_finalize(stmt);
			goto fail;
		}
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			store_error(st, "cannot write an event", err, errlen);
			sqlite3_finalize(stmt);
			goto fail;
		}
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	}
	sqlite3_finalize(stmt);
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_error(st, "cannot commit events", err, errlen);
		goto fail;
	}
	st->in_txn = 0;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int store_events_counted(struct store *st, time_t since, store_counted_fn fn, void *arg,
			 char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, EVENT_COUNTED, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)since), err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *key = sqlite3_column_text(stmt, 1);
		const unsigned char *users = sqlite3_column_text(stmt, 2);

		if (key && users)
			fn(arg, store_col_time(stmt, 0), (const char *)key, (const char *)users);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot read the counted events", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}
