/*
 * store_flags_cli.c - flags as restrictctl sees them (store_flags.h):
 * listing, one flag, a human decision (dismiss, escalate) and citing by a
 * restriction. Each change runs inside the caller's write transaction,
 * which also writes the audit row and bumps the generation.
 */
#include "store_int.h"
#include "store_flags.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLAG_COLUMNS \
	"f.id, f.person, f.user_id, u.name, f.kind, f.status, f.opened_at, f.updated_at," \
	" f.first_at, f.last_at, f.decided_at, f.count, f.threshold, f.window_secs, f.messages," \
	" f.recipients, f.evidence, f.unverified, f.decided_by, f.cited_by" \
	" FROM flags f LEFT JOIN service_users u ON u.id = f.user_id"

#define FLAG_LIST \
	"SELECT " FLAG_COLUMNS " WHERE ?1 OR f.status IN ('open', 'escalated')" \
	" ORDER BY f.updated_at DESC, f.id DESC"
#define FLAG_GET "SELECT " FLAG_COLUMNS " WHERE f.id = ?"
#define FLAG_DECIDE \
	"UPDATE flags SET status = ?2, decided_at = ?3, decided_by = ?4, updated_at = ?3" \
	" WHERE id = ?1"
#define FLAG_CITE \
	"UPDATE flags SET status = 'cited', cited_by = ?2, decided_at = ?3, decided_by = ?4," \
	" updated_at = ?3 WHERE id = ?1 AND status IN ('open', 'escalated')"

void store_flag_clear(struct store_flag *f)
{
	free(f->person);
	free(f->user_name);
	free(f->kind);
	free(f->status);
	free(f->recipients);
	free(f->evidence);
	free(f->decided_by);
	memset(f, 0, sizeof(*f));
}

void store_flags_free(struct store_flag *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_flag_clear(&v[i]);
	free(v);
}

/* row_flag - a row of FLAG_COLUMNS */
static void row_flag(sqlite3_stmt *stmt, struct store_flag *f)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(stmt, 0);
	f->person = store_col_dup(stmt, 1);
	f->user_id = sqlite3_column_int64(stmt, 2);
	f->user_name = store_col_dup(stmt, 3);
	f->kind = store_col_dup(stmt, 4);
	f->status = store_col_dup(stmt, 5);
	f->opened_at = store_col_time(stmt, 6);
	f->updated_at = store_col_time(stmt, 7);
	f->first_at = store_col_time(stmt, 8);
	f->last_at = store_col_time(stmt, 9);
	f->decided_at = store_col_time(stmt, 10);
	f->count = (unsigned)sqlite3_column_int64(stmt, 11);
	f->threshold = (unsigned)sqlite3_column_int64(stmt, 12);
	f->window_secs = sqlite3_column_int64(stmt, 13);
	f->messages = sqlite3_column_int64(stmt, 14);
	f->recipients = store_col_dup(stmt, 15);
	f->evidence = store_col_dup(stmt, 16);
	f->unverified = sqlite3_column_int(stmt, 17);
	f->decided_by = store_col_dup(stmt, 18);
	f->cited_by = sqlite3_column_int64(stmt, 19);
}

int store_flag_list(struct store *st, int all, struct store_flag **v, size_t *n,
		    char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, FLAG_LIST, err, errlen);
	int rc;

	*v = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int(stmt, 1, all != 0), err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		row_flag(stmt, &(*v)[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot read the flags", err, errlen);
		sqlite3_finalize(stmt);
		store_flags_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_flag_get(struct store *st, long long id, struct store_flag *f, char *err,
		   size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, FLAG_GET, err, errlen);
	int rc;

	memset(f, 0, sizeof(*f));
	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, id), err, errlen) != 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		row_flag(stmt, f);
		sqlite3_finalize(stmt);
		return 1;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return 0;
	}
	store_error(st, "cannot read a flag", err, errlen);
	sqlite3_finalize(stmt);
	return -1;
}

/* flag_set - FLAG_DECIDE or FLAG_CITE with (id, text or id, now, by); rows changed or -1 */
static int flag_set(struct store *st, const char *sql, long long id, const char *status,
		    long long rid, time_t now, const char *by, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, sql, err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, id);
	b |= status ? store_bind_text(stmt, 2, status) : sqlite3_bind_int64(stmt, 2, rid);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
	b |= store_bind_text(stmt, 4, by);
	if (store_bound(st, stmt, b, err, errlen) != 0
	    || store_step_done(st, stmt, "cannot change a flag", err, errlen) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

int store_flag_decide(struct store *st, long long id, const char *status, time_t now,
		      const char *by, char *err, size_t errlen)
{
	int n = flag_set(st, FLAG_DECIDE, id, status, 0, now, by, err, errlen);

	if (n == 0)
		snprintf(err, errlen, "DB: no flag %lld", id);
	return n == 1 ? 0 : -1;
}

int store_flag_cite(struct store *st, long long id, long long rid, time_t now,
		    const char *by, char *err, size_t errlen)
{
	int n = flag_set(st, FLAG_CITE, id, NULL, rid, now, by, err, errlen);

	if (n == 0)
		snprintf(err, errlen, "flag %lld is not open or escalated", id);
	return n == 1 ? 0 : -1;
}
