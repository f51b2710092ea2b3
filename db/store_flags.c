/*
 * store_flags.c - the milter's detection rows (store_flags.h): flags opened
 * and updated with their evidence, novelty fingerprints kept per person,
 * and what is read back at start.
 *
 * Evidence and recipient lists are built with SQLite's JSON functions from
 * the events already written, so a flag opened by the 5th message holds
 * the four before it too; each list is bounded. Every value is bound.
 */
#include "store_int.h"
#include "store_flags.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ?1 at, ?2 count, ?3 queue_id, ?4 message_id, ?5 unverified, ?6 person, ?7 kind, ?8 event id */
#define FLAG_UPDATE \
	"UPDATE flags SET updated_at = ?1, last_at = max(last_at, ?1), count = max(count, ?2)," \
	" messages = messages + 1," \
	" recipients = COALESCE((SELECT json_group_array(value) FROM (SELECT value FROM" \
	"   json_each(flags.recipients) UNION SELECT e.value FROM events ev, json_each(ev.staff) e" \
	"   WHERE ev.id = ?8 LIMIT " STR(STORE_FLAG_RECIPIENTS_MAX) ")), '[]')," \
	" evidence = (SELECT json_group_array(json(v)) FROM (SELECT k, v FROM (SELECT key AS k," \
	"   value AS v FROM json_each(json_insert(flags.evidence, '$[#]', json_object('at', ?1," \
	"   'queue_id', ?3, 'message_id', ?4))) ORDER BY k DESC LIMIT " \
	STR(STORE_FLAG_EVIDENCE_MAX) ") ORDER BY k))," \
	" unverified = max(unverified, ?5)" \
	" WHERE person = ?6 AND kind = ?7 AND status IN ('open', 'escalated')"

/*
 * ?1 person ?2 user_id ?3 kind ?4 at ?5 count ?6 threshold ?7 window ?8 lower
 * bound (exclusive) ?9 unverified; the person's counted events in the window
 */
#define FLAG_OPEN \
	"WITH ev AS (SELECT at, queue_id, message_id, staff, id FROM events e" \
	"  WHERE e.detect = 1 AND e.at > ?8 AND e.at <= ?4 AND (CASE WHEN ?2 IS NOT NULL" \
	"  THEN json_extract(e.user_ids, '$[0]') = ?2 ELSE e.person = ?1 AND e.user_ids = '[]' END))" \
	" INSERT INTO flags (person, user_id, kind, status, opened_at, updated_at, count, threshold," \
	" window_secs, first_at, last_at, messages, recipients, evidence, unverified)" \
	" SELECT ?1, ?2, ?3, 'open', ?4, ?4, ?5, ?6, ?7, COALESCE((SELECT min(at) FROM ev), ?4)," \
	" ?4, (SELECT count(*) FROM ev)," \
	" COALESCE((SELECT json_group_array(value) FROM (SELECT DISTINCT s.value AS value FROM ev," \
	"  json_each(ev.staff) s LIMIT " STR(STORE_FLAG_RECIPIENTS_MAX) ")), '[]')," \
	" COALESCE((SELECT json_group_array(json_object('at', at, 'queue_id', queue_id," \
	"  'message_id', message_id)) FROM (SELECT * FROM (SELECT * FROM ev ORDER BY at DESC, id DESC" \
	"  LIMIT " STR(STORE_FLAG_EVIDENCE_MAX) ") ORDER BY at, id)), '[]'), ?9"

#define STR2(x) #x
#define STR(x) STR2(x)

#define FP_INSERT "INSERT INTO fingerprints (person, message_id, at, data) VALUES (?, ?, ?, ?)"
#define FP_PRUNE \
	"DELETE FROM fingerprints WHERE person = ?1 AND id NOT IN (SELECT id FROM fingerprints" \
	" WHERE person = ?1 ORDER BY at DESC, id DESC LIMIT ?2)"

#define DETECT_EVENTS \
	"SELECT at, person, user_ids, staff FROM events WHERE detect = 1 AND at >= ?" \
	" ORDER BY at, id"
#define FLAG_STATES \
	"SELECT person, kind, status, count, opened_at, decided_at FROM flags" \
	" WHERE status IN ('open', 'escalated') OR decided_at >= ? ORDER BY id"
#define NOVELTY_USERS \
	"SELECT DISTINCT user_id FROM restrictions WHERE status = 'active' AND trial = 0" \
	" AND action IN ('file', 'limit') AND starts <= ?1 AND (ends IS NULL OR ends > ?1)" \
	" ORDER BY user_id"
#define FINGERPRINTS \
	"SELECT at, message_id, data FROM fingerprints WHERE person = ?1 AND (?2 = 0 OR at < ?2)" \
	" ORDER BY at, id"

void store_flag_write_clear(struct store_flag_write *w)
{
	free(w->person);
	memset(w, 0, sizeof(*w));
}

void store_fp_write_free(struct store_fp_write *f)
{
	if (f == NULL)
		return;
	free(f->person);
	free(f->message_id);
	free(f->data);
	free(f);
}

/* flag_update - the open flag's evidence; *changed set to the rows updated */
static int flag_update(struct store *st, const struct store_flag_write *w, long long event_id,
		       time_t at, const char *qid, const char *mid, int *changed, char *err,
		       size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, FLAG_UPDATE, err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)at);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)w->count);
	b |= store_bind_text(stmt, 3, qid);
	b |= store_bind_text(stmt, 4, mid);
	b |= sqlite3_bind_int(stmt, 5, w->unverified != 0);
	b |= store_bind_text(stmt, 6, w->person);
	b |= store_bind_text(stmt, 7, w->kind);
	b |= sqlite3_bind_int64(stmt, 8, (sqlite3_int64)event_id);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	if (store_step_done(st, stmt, "cannot update a flag", err, errlen) != 0)
		return -1;
	*changed = sqlite3_changes(st->db);
	return 0;
}

/* flag_open - a new open flag with the window's events as evidence */
static int flag_open(struct store *st, const struct store_flag_write *w, time_t at,
		     char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, FLAG_OPEN, err, errlen);
	long long lower = (long long)at - w->window;
	int b = 0;

	if (!stmt)
		return -1;
	if ((long long)w->since > lower)
		lower = (long long)w->since;
	b |= store_bind_text(stmt, 1, w->person);
	b |= store_bind_id(stmt, 2, w->user_id);
	b |= store_bind_text(stmt, 3, w->kind);
	b |= sqlite3_bind_int64(stmt, 4, (sqlite3_int64)at);
	b |= sqlite3_bind_int64(stmt, 5, (sqlite3_int64)w->count);
	b |= sqlite3_bind_int64(stmt, 6, (sqlite3_int64)w->threshold);
	b |= sqlite3_bind_int64(stmt, 7, (sqlite3_int64)w->window);
	b |= sqlite3_bind_int64(stmt, 8, (sqlite3_int64)lower);
	b |= sqlite3_bind_int(stmt, 9, w->unverified != 0);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return store_step_done(st, stmt, "cannot open a flag", err, errlen);
}

int store_flag_apply(struct store *st, const struct store_flag_write *w, long long event_id,
		     time_t at, const char *queue_id, const char *message_id, char *err,
		     size_t errlen)
{
	int changed = 0;

	if (flag_update(st, w, event_id, at, queue_id, message_id, &changed, err, errlen) != 0)
		return -1;
	if (changed == 0 && w->open)
		return flag_open(st, w, at, err, errlen);
	return 0;
}

int store_fp_apply(struct store *st, const struct store_fp_write *f, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int b = 0;

	stmt = store_prepare_kept(st, &st->fp_insert, FP_INSERT, "cannot prepare keeping a"
				  " fingerprint", err, errlen);
	if (!stmt)
		return -1;
	b |= store_bind_text_held(stmt, 1, f->person);
	b |= store_bind_text_held(stmt, 2, f->message_id);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)f->at);
	b |= store_bind_text_held(stmt, 4, f->data ? f->data : "");
	if (store_step_kept(st, stmt, b, "cannot keep a fingerprint", err, errlen) != 0)
		return -1;
	stmt = store_prepare_kept(st, &st->fp_prune, FP_PRUNE, "cannot prepare pruning"
				  " fingerprints", err, errlen);
	if (!stmt)
		return -1;
	b = store_bind_text_held(stmt, 1, f->person);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)(f->keep ? f->keep : 50));
	return store_step_kept(st, stmt, b, "cannot prune fingerprints", err, errlen);
}

/* finish_rows - the end of a SELECT loop: 0 when done, else -1 with err */
static int finish_rows(struct store *st, sqlite3_stmt *stmt, int rc, const char *what,
		       char *err, size_t errlen)
{
	if (rc != SQLITE_DONE) {
		store_error(st, what, err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* text - a column as a C string, "" for NULL */
static const char *text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);

	return s ? (const char *)s : "";
}

int store_detect_events(struct store *st, time_t since, store_detect_fn fn, void *arg,
			char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, DETECT_EVENTS, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)since), err,
			errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn(arg, store_col_time(stmt, 0), text(stmt, 1), text(stmt, 2),
		   sqlite3_column_type(stmt, 3) == SQLITE_NULL ? NULL : text(stmt, 3));
	return finish_rows(st, stmt, rc, "cannot read the counted events", err, errlen);
}

int store_flag_states(struct store *st, time_t since, store_flag_state_fn fn, void *arg,
		      char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, FLAG_STATES, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)since), err,
			errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn(arg, text(stmt, 0), text(stmt, 1), text(stmt, 2),
		   (unsigned)sqlite3_column_int64(stmt, 3), store_col_time(stmt, 4),
		   store_col_time(stmt, 5));
	return finish_rows(st, stmt, rc, "cannot read the flags", err, errlen);
}

int store_novelty_users(struct store *st, time_t now, long long **ids, size_t *n,
			char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, NOVELTY_USERS, err, errlen);
	int rc;

	*ids = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now), err,
			errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	return finish_rows(st, stmt, rc, "cannot read the file and limit users", err, errlen);
}

/*
 * store_fingerprints - prepared once and kept: the milter's refresh reads
 * the history of every file and limit user in turn (4,000 prepares took
 * 270 million instructions in a rebuild at 100,000 selectors)
 */
int store_fingerprints(struct store *st, const char *person, time_t before, store_fp_fn fn,
		       void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc, b;

	stmt = store_prepare_kept(st, &st->fingerprints, FINGERPRINTS, "cannot prepare a statement",
				  err, errlen);
	if (stmt == NULL)
		return -1;
	b = store_bind_text(stmt, 1, person);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)before);
	rc = b;
	if (b == SQLITE_OK)
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			fn(arg, store_col_time(stmt, 0), text(stmt, 1), text(stmt, 2));
	if (rc != SQLITE_DONE)
		store_error(st, b != SQLITE_OK ? "cannot bind a value" : "cannot read fingerprints",
			    err, errlen);
	sqlite3_reset(stmt);	/* kept for the next call: reset, never finalized here */
	sqlite3_clear_bindings(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}
