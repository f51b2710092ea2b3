/*
 * store_events.c - the milter's event rows (store_events.h).
 *
 * The event thread hands over a batch; it is written inside one BEGIN
 * IMMEDIATE .. COMMIT of its own, so a batch costs one fsync and never
 * touches the generation number that restriction changes bump. Rows go in
 * EVENT_ROWS_AT_ONCE to a statement (one step, one statement halt, for
 * sixteen rows); a row that brings flag or fingerprint rows, which need its
 * id, goes alone. Both statements are prepared once per connection and kept
 * (SQLITE_PREPARE_PERSISTENT). Every value is bound, never pasted into SQL.
 * Reading back (`restrictctl events`) is one constant query whose filters
 * are bound values or NULL, and the milter's heartbeat is a few meta rows.
 */
#include "store_int.h"
#include "store_events.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_INSERT_INTO \
	"INSERT INTO events (at, queue_id, message_id, person, user_ids, restriction_ids," \
	" actions, matched, outcomes, verdict, breach, over_limit, unverified, would," \
	" counted_users, recipients, internal, detect, staff, effects, novelty, novelty_score," \
	" flags) VALUES "
/* one row's values: EVENT_PARAMS of them, bound by bind_event */
#define EVENT_PARAMS 23
#define EVENT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define EVENT_ROWS_2 EVENT_ROW ", " EVENT_ROW
#define EVENT_ROWS_4 EVENT_ROWS_2 ", " EVENT_ROWS_2
#define EVENT_ROWS_8 EVENT_ROWS_4 ", " EVENT_ROWS_4
#define EVENT_ROWS_16 EVENT_ROWS_8 ", " EVENT_ROWS_8
#define EVENT_ROWS_AT_ONCE 16
#define EVENT_INSERT EVENT_INSERT_INTO EVENT_ROW
#define EVENT_INSERT_MANY EVENT_INSERT_INTO EVENT_ROWS_16

#define EVENT_COUNTED \
	"SELECT at, COALESCE(message_id, queue_id), counted_users FROM events" \
	" WHERE counted_users IS NOT NULL AND at >= ? ORDER BY at, id"

#define EVENT_COLUMNS \
	"id, at, queue_id, message_id, person, user_ids, restriction_ids, actions, matched," \
	" outcomes, verdict, breach, over_limit, unverified, would, counted_users, recipients," \
	" internal, detect, staff, effects, novelty, novelty_score, flags"

/* a NULL parameter does not filter; ?1 is 0 when there is no --since */
#define EVENT_QUERY \
	"SELECT " EVENT_COLUMNS " FROM events e WHERE at >= ?1" \
	" AND (?2 IS NULL OR EXISTS (SELECT 1 FROM json_each(e.user_ids) u WHERE u.value = ?2))" \
	" AND (?3 IS NULL OR queue_id = ?3)" \
	" AND (?4 IS NULL OR message_id = ?4 OR message_id = '<' || ?4 || '>')" \
	" AND (?5 IS NULL OR person = ?5 OR EXISTS (SELECT 1 FROM json_each(e.outcomes) o" \
	"   WHERE json_extract(o.value, '$.address') = ?5" \
	"   OR EXISTS (SELECT 1 FROM json_each(o.value, '$.to') t WHERE t.value = ?5)))" \
	" AND (?6 IS NULL OR verdict = ?6 OR EXISTS (SELECT 1 FROM json_each(e.outcomes) o" \
	"   WHERE json_extract(o.value, '$.outcome') = ?6))" \
	" ORDER BY at, id"

#define HEARTBEAT_SET \
	"INSERT INTO meta (key, value) VALUES (?, ?)" \
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value"

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
	free(e->staff);
	free(e->effects);
	free(e->novelty);
	free(e->flags);
	for (size_t i = 0; i < e->nflag_writes; i++)
		store_flag_write_clear(&e->flag_writes[i]);
	free(e->flag_writes);
	store_fp_write_free(e->fp);
	memset(e, 0, sizeof(*e));
}

/* text_or - bind s, or a default when s is NULL (for NOT NULL columns) */
static int text_or(sqlite3_stmt *stmt, int i, const char *s, const char *dflt)
{
	return store_bind_text_held(stmt, i, s ? s : dflt);
}

/*
 * bind_event - one row's EVENT_PARAMS values from parameter base + 1 on,
 * held (not copied): e outlives the step
 */
static int bind_event(sqlite3_stmt *stmt, int base, const struct store_event *e)
{
	int b = 0;

	b |= sqlite3_bind_int64(stmt, base + 1, (sqlite3_int64)e->at);
	b |= text_or(stmt, base + 2, e->queue_id, "NOQUEUE");
	b |= store_bind_text_held(stmt, base + 3, e->message_id);
	b |= store_bind_text_held(stmt, base + 4, e->person);
	b |= text_or(stmt, base + 5, e->user_ids, "[]");
	b |= text_or(stmt, base + 6, e->restriction_ids, "[]");
	b |= text_or(stmt, base + 7, e->actions, "[]");
	b |= text_or(stmt, base + 8, e->matched, "none");
	b |= text_or(stmt, base + 9, e->outcomes, "[]");
	b |= text_or(stmt, base + 10, e->verdict, "accept");
	b |= sqlite3_bind_int(stmt, base + 11, e->breach != 0);
	b |= sqlite3_bind_int(stmt, base + 12, e->over_limit != 0);
	b |= sqlite3_bind_int(stmt, base + 13, e->unverified != 0);
	b |= store_bind_text_held(stmt, base + 14, e->would);
	b |= store_bind_text_held(stmt, base + 15, e->counted_users);
	b |= sqlite3_bind_int64(stmt, base + 16, (sqlite3_int64)e->recipients);
	b |= sqlite3_bind_int(stmt, base + 17, e->internal != 0);
	b |= sqlite3_bind_int(stmt, base + 18, e->detect != 0);
	b |= store_bind_text_held(stmt, base + 19, e->staff);
	b |= text_or(stmt, base + 20, e->effects, "[]");
	b |= store_bind_text_held(stmt, base + 21, e->novelty);
	b |= e->has_novelty_score ? sqlite3_bind_double(stmt, base + 22, e->novelty_score)
				  : sqlite3_bind_null(stmt, base + 22);
	b |= store_bind_text_held(stmt, base + 23, e->flags);
	return b;
}

/* detection_rows - the flag and fingerprint rows that go with event e */
static int detection_rows(struct store *st, const struct store_event *e, long long id,
			  char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < e->nflag_writes; i++)
		if (store_flag_apply(st, &e->flag_writes[i], id, e->at, e->queue_id ? e->queue_id
				     : "NOQUEUE", e->message_id, err, errlen) != 0)
			return -1;
	return e->fp ? store_fp_apply(st, e->fp, err, errlen) : 0;
}

/* alone - does event e bring rows that need its id? Then it is inserted by itself */
static int alone(const struct store_event *e)
{
	return e->nflag_writes > 0 || e->fp != NULL;
}

/* many_fit - can v[0 .. EVENT_ROWS_AT_ONCE) go in one statement? */
static int many_fit(const struct store_event *v, size_t n)
{
	size_t i;

	if (n < EVENT_ROWS_AT_ONCE)
		return 0;
	for (i = 0; i < EVENT_ROWS_AT_ONCE; i++)
		if (alone(&v[i]))
			return 0;
	return 1;
}

/* step_rows - one step of a kept insert whose binds b reported; reset, still bound */
static int step_rows(struct store *st, sqlite3_stmt *stmt, int b, char *err, size_t errlen)
{
	if (b != SQLITE_OK)
		return store_error(st, "cannot bind an event", err, errlen);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return store_error(st, "cannot write an event", err, errlen);
	sqlite3_reset(stmt);	/* every value is bound again for the next use */
	return 0;
}

/* unbind - no pointer into the caller's events stays bound to a kept statement */
static void unbind(sqlite3_stmt *stmt)
{
	if (stmt) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	}
}

int store_events_insert(struct store *st, const struct store_event *v, size_t n,
			char *err, size_t errlen)
{
	sqlite3_stmt *one, *many = NULL;
	size_t i, k;
	int b;

	if (n == 0)
		return 0;
	if (!st->writable) {
		snprintf(err, errlen, "DB: %s: opened read-only", st->path);
		return -1;
	}
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_error(st, "cannot begin writing events", err, errlen);
	st->in_txn = 2;
	one = store_prepare_kept(st, &st->event_insert, EVENT_INSERT,
				 "cannot prepare the event insert", err, errlen);
	if (!one)
		goto fail;
	for (i = 0; i < n;) {
		if (many_fit(&v[i], n - i)) {
			if (many == NULL && (many = store_prepare_kept(st, &st->event_insert_many,
						EVENT_INSERT_MANY, "cannot prepare the event insert",
						err, errlen)) == NULL)
				goto fail_stmt;
			for (b = 0, k = 0; k < EVENT_ROWS_AT_ONCE; k++)
				b |= bind_event(many, (int)k * EVENT_PARAMS, &v[i + k]);
			if (step_rows(st, many, b, err, errlen) != 0)
				goto fail_stmt;
			i += EVENT_ROWS_AT_ONCE;
			continue;
		}
		if (step_rows(st, one, bind_event(one, 0, &v[i]), err, errlen) != 0)
			goto fail_stmt;
		if (detection_rows(st, &v[i], sqlite3_last_insert_rowid(st->db), err, errlen) != 0)
			goto fail_stmt;
		i++;
	}
	unbind(one);
	unbind(many);
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_error(st, "cannot commit events", err, errlen);
		goto fail;
	}
	st->in_txn = 0;
	return 0;
fail_stmt:
	unbind(one);	/* kept for the next batch: left unbound and idle */
	unbind(many);
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

/* row_event - the current row of EVENT_QUERY into e (owned copies) */
static void row_event(sqlite3_stmt *stmt, struct store_event *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(stmt, 0);
	e->at = store_col_time(stmt, 1);
	e->queue_id = store_col_dup(stmt, 2);
	e->message_id = store_col_dup(stmt, 3);
	e->person = store_col_dup(stmt, 4);
	e->user_ids = store_col_dup(stmt, 5);
	e->restriction_ids = store_col_dup(stmt, 6);
	e->actions = store_col_dup(stmt, 7);
	e->matched = store_col_dup(stmt, 8);
	e->outcomes = store_col_dup(stmt, 9);
	e->verdict = store_col_dup(stmt, 10);
	e->breach = sqlite3_column_int(stmt, 11);
	e->over_limit = sqlite3_column_int(stmt, 12);
	e->unverified = sqlite3_column_int(stmt, 13);
	e->would = store_col_dup(stmt, 14);
	e->counted_users = store_col_dup(stmt, 15);
	e->recipients = (unsigned)sqlite3_column_int64(stmt, 16);
	e->internal = sqlite3_column_int(stmt, 17);
	e->detect = sqlite3_column_int(stmt, 18);
	e->staff = store_col_dup(stmt, 19);
	e->effects = store_col_dup(stmt, 20);
	e->novelty = store_col_dup(stmt, 21);
	e->has_novelty_score = sqlite3_column_type(stmt, 22) != SQLITE_NULL;
	e->novelty_score = sqlite3_column_double(stmt, 22);
	e->flags = store_col_dup(stmt, 23);
}

/* bare_message_id - the Message-ID without its angle brackets (new string) */
static char *bare_message_id(const char *id)
{
	size_t n;

	while (*id == ' ' || *id == '\t')
		id++;
	if (*id == '<')
		id++;
	n = strlen(id);
	while (n > 0 && (id[n - 1] == ' ' || id[n - 1] == '\t'))
		n--;
	if (n > 0 && id[n - 1] == '>')
		n--;
	return xstrndup(id, n);
}

int store_events_query(struct store *st, const struct store_event_filter *f,
		       store_events_row_fn fn, void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, EVENT_QUERY, err, errlen);
	struct store_event e;
	char *mid;
	int b = 0, rc;

	if (!stmt)
		return -1;
	mid = f->message_id ? bare_message_id(f->message_id) : NULL;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)(f->since > 0 ? f->since : 0));
	b |= f->user_id ? sqlite3_bind_int64(stmt, 2, f->user_id) : sqlite3_bind_null(stmt, 2);
	b |= store_bind_text(stmt, 3, f->queue_id);
	b |= store_bind_text(stmt, 4, mid);
	b |= store_bind_text(stmt, 5, f->address);
	b |= store_bind_text(stmt, 6, f->outcome);
	rc = store_bound(st, stmt, b, err, errlen);
	free(mid);
	if (rc != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int stop;

		row_event(stmt, &e);
		stop = fn(arg, &e);
		store_event_clear(&e);
		if (stop) {
			sqlite3_finalize(stmt);
			return stop;
		}
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot read the events", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* meta_set - one meta row through the prepared HEARTBEAT_SET; NULL value = SQL NULL */
static int meta_set(sqlite3_stmt *stmt, const char *key, const char *value)
{
	int rc;

	if (store_bind_text(stmt, 1, key) != SQLITE_OK || store_bind_text(stmt, 2, value) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_heartbeat(struct store *st, enum store_heartbeat_kind kind, time_t now, long pid,
		    const char *version, char *err, size_t errlen)
{
	char t[32], p[32];
	sqlite3_stmt *stmt;
	int bad = 0;

	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_error(st, "cannot begin the heartbeat", err, errlen);
	st->in_txn = 2;
	stmt = store_prepare(st, HEARTBEAT_SET, err, errlen);
	if (!stmt)
		goto fail;
	snprintf(t, sizeof(t), "%lld", (long long)now);
	snprintf(p, sizeof(p), "%ld", pid);
	bad |= meta_set(stmt, "milter_seen", t);
	if (kind == STORE_HB_START) {
		bad |= meta_set(stmt, "milter_started", t);
		bad |= meta_set(stmt, "milter_stopped", NULL);
	}
	if (kind == STORE_HB_STOP)
		bad |= meta_set(stmt, "milter_stopped", t);
	bad |= meta_set(stmt, "milter_pid", p);
	bad |= meta_set(stmt, "milter_version", version);
	if (bad) {
		store_error(st, "cannot write the heartbeat", err, errlen);
		sqlite3_finalize(stmt);
		goto fail;
	}
	sqlite3_finalize(stmt);
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_error(st, "cannot commit the heartbeat", err, errlen);
		goto fail;
	}
	st->in_txn = 0;
	return 0;
fail:
	store_rollback(st);
	return -1;
}
