/*
 * store.c - opening the database, the schema version, migrations,
 * transactions and the generation number (store.h).
 *
 * The migrations are the "-- migration N" sections of the embedded
 * schema.sql. Every other file of the store builds on the helpers here:
 * constant SQL, bound values, one-line "DB: …" errors.
 */
#include "store_int.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIGRATION_MARK "-- migration "

/* migration_find - start and length of section n of the schema; 0 or -1 */
static int migration_find(int n, const char **start, size_t *len)
{
	const char *p = store_schema_sql, *sec = NULL;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);

		if (strncmp(p, MIGRATION_MARK, strlen(MIGRATION_MARK)) == 0) {
			int k = atoi(p + strlen(MIGRATION_MARK));
			if (sec) {
				*start = sec;
				*len = (size_t)(p - sec);
				return 0;
			}
			if (k == n)
				sec = p;
		}
		p += l + (eol ? 1 : 0);
	}
	if (!sec)
		return -1;
	*start = sec;
	*len = strlen(sec);
	return 0;
}

int store_library_init(char *err, size_t errlen)
{
	int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "DB: cannot configure SQLite: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

int store_schema_version(void)
{
	const char *p = store_schema_sql;
	int max = 0;

	while ((p = strstr(p, "\n" MIGRATION_MARK)) != NULL) {
		int k;
		p += 1 + strlen(MIGRATION_MARK);
		k = atoi(p);
		if (k > max)
			max = k;
	}
	return max;
}

int store_error(struct store *st, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "DB: %s: %s", what, st && st->db ? sqlite3_errmsg(st->db) : "no database");
	return -1;
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_error(st, "cannot prepare a statement", err, errlen);
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

sqlite3_stmt *store_prepare_kept(struct store *st, sqlite3_stmt **slot, const char *sql,
				 const char *what, char *err, size_t errlen)
{
	if (*slot == NULL
	    && sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL)
	       != SQLITE_OK) {
		store_error(st, what, err, errlen);
		sqlite3_finalize(*slot);
		*slot = NULL;
	}
	return *slot;
}

int store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what,
		    char *err, size_t errlen)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_error(st, what, err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_step_kept(struct store *st, sqlite3_stmt *stmt, int b, const char *what,
		    char *err, size_t errlen)
{
	int rc = b;

	if (b == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		store_error(st, b != SQLITE_OK ? "cannot bind a value" : what, err, errlen);
	sqlite3_reset(stmt);	/* kept for the next use: reset and unbound, never finalized */
	sqlite3_clear_bindings(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_bound(struct store *st, sqlite3_stmt *stmt, int b, char *err, size_t errlen)
{
	if (b == SQLITE_OK)
		return 0;
	store_error(st, "cannot bind a value", err, errlen);
	sqlite3_finalize(stmt);
	return -1;
}

int store_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

int store_bind_text_held(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

int store_bind_time(sqlite3_stmt *stmt, int i, time_t t)
{
	if (t == 0)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_int64(stmt, i, (sqlite3_int64)t);
}

int store_bind_id(sqlite3_stmt *stmt, int i, long long id)
{
	if (id == 0)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_int64(stmt, i, (sqlite3_int64)id);
}

char *store_col_dup(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);

	return s ? xstrdup((const char *)s) : NULL;
}

time_t store_col_time(sqlite3_stmt *stmt, int i)
{
	return (time_t)sqlite3_column_int64(stmt, i);
}

/* check_access - the file (and, to write, its directory) usable as asked */
static int check_access(const char *path, int write, char *err, size_t errlen)
{
	char *dir, *slash;
	int rc = 0;

	if (access(path, F_OK) != 0) {
		snprintf(err, errlen, "DB: %s: cannot open: %s%s", path, strerror(errno),
			 errno == ENOENT ? " (run restrictctl init)" : "");
		return -1;
	}
	if (access(path, write ? R_OK | W_OK : R_OK) != 0) {
		snprintf(err, errlen, "DB: %s: not %s: %s", path, write ? "writable" : "readable",
			 strerror(errno));
		return -1;
	}
	if (!write)
		return 0;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (access(dir, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "DB: %s: directory %s not writable: %s", path, dir, strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

int store_user_version(struct store *st, int *version, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "PRAGMA user_version", err, errlen);

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		snprintf(err, errlen, "DB: %s: cannot read: %s", st->path, sqlite3_errmsg(st->db));
		sqlite3_finalize(stmt);
		return -1;
	}
	*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/* check_schema - refuse a database whose version is not ours */
static int check_schema(struct store *st, char *err, size_t errlen)
{
	int v, mine = store_schema_version();

	if (store_user_version(st, &v, err, errlen) != 0)
		return -1;
	if (v < mine) {
		snprintf(err, errlen, "DB: %s: database schema %d is older than this program's %d:"
			 " run restrictctl init", st->path, v, mine);
		return -1;
	}
	if (v > mine) {
		snprintf(err, errlen, "DB: %s: database schema %d is newer than this program's %d",
			 st->path, v, mine);
		return -1;
	}
	return 0;
}

int store_open(const char *path, int flags, int busy_ms, struct store **out,
	       char *err, size_t errlen)
{
	struct store *st;
	int write = (flags & STORE_WRITE) != 0;
	char *e = NULL;

	*out = NULL;
	if (check_access(path, write, err, errlen) != 0)
		return -1;
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	st->writable = write;
	/* no connection mutex: a store is used by one thread at a time (store.h) */
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_NOMUTEX
			    | (write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY), NULL) != SQLITE_OK) {
		snprintf(err, errlen, "DB: %s: cannot open: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return -1;
	}
	sqlite3_busy_timeout(st->db, busy_ms);
	if (sqlite3_exec(st->db, write ? "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			 " PRAGMA synchronous=NORMAL;"
			 : "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
			 NULL, NULL, &e) != SQLITE_OK) {
		snprintf(err, errlen, "DB: %s: cannot use: %s", path, e ? e : "unknown error");
		sqlite3_free(e);
		store_close(st);
		return -1;
	}
	if (!(flags & STORE_ANY_SCHEMA) && check_schema(st, err, errlen) != 0) {
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	store_rollback(st);
	sqlite3_finalize(st->event_insert);
	sqlite3_finalize(st->event_insert_many);
	sqlite3_finalize(st->fingerprints);
	sqlite3_finalize(st->fp_insert);
	sqlite3_finalize(st->fp_prune);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

const char *store_path(const struct store *st)
{
	return st->path;
}

/* exec_simple - run constant SQL outside the statement helpers */
static int exec_simple(struct store *st, const char *sql, const char *what,
		       char *err, size_t errlen)
{
	char *e = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &e) != SQLITE_OK) {
		snprintf(err, errlen, "DB: %s: %s", what, e ? e : sqlite3_errmsg(st->db));
		sqlite3_free(e);
		return -1;
	}
	return 0;
}

int store_begin_read(struct store *st, char *err, size_t errlen)
{
	if (exec_simple(st, "BEGIN", "cannot begin a read", err, errlen) != 0)
		return -1;
	st->in_txn = 1;
	return 0;
}

int store_end_read(struct store *st, char *err, size_t errlen)
{
	int rc = exec_simple(st, "COMMIT", "cannot end a read", err, errlen);

	if (rc != 0)
		store_rollback(st);
	st->in_txn = 0;
	return rc;
}

int store_begin_write(struct store *st, char *err, size_t errlen)
{
	if (!st->writable) {
		snprintf(err, errlen, "DB: %s: opened read-only", st->path);
		return -1;
	}
	if (exec_simple(st, "BEGIN IMMEDIATE", "cannot begin a change", err, errlen) != 0)
		return -1;
	st->in_txn = 2;
	st->audited = 0;
	return 0;
}

int store_commit_change(struct store *st, char *err, size_t errlen)
{
	if (st->in_txn != 2) {
		snprintf(err, errlen, "DB: internal error: commit outside a change");
		return -1;
	}
	if (!st->audited) {
		snprintf(err, errlen, "DB: internal error: a change without an audit row");
		store_rollback(st);
		return -1;
	}
	if (exec_simple(st, "UPDATE meta SET value = value + 1 WHERE key = 'generation'",
			"cannot bump the generation", err, errlen) != 0) {
		store_rollback(st);
		return -1;
	}
	if (sqlite3_changes(st->db) != 1) {
		snprintf(err, errlen, "DB: %s: no generation in meta", st->path);
		store_rollback(st);
		return -1;
	}
	if (exec_simple(st, "COMMIT", "cannot commit", err, errlen) != 0) {
		store_rollback(st);
		return -1;
	}
	st->in_txn = 0;
	return 0;
}

void store_rollback(struct store *st)
{
	if (st->in_txn && sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_txn = 0;
}

int store_get_generation(struct store *st, uint64_t *generation, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT value FROM meta WHERE key = 'generation'",
					   err, errlen);

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_error(st, "cannot read the generation", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	*generation = (uint64_t)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/* migrate_to - run migration n's SQL; the caller holds the write txn */
static int migrate_to(struct store *st, int n, char *err, size_t errlen)
{
	const char *start;
	size_t len;
	char *sql, what[64];
	int rc;

	if (migration_find(n, &start, &len) != 0) {
		snprintf(err, errlen, "DB: internal error: migration %d is missing", n);
		return -1;
	}
	sql = xstrndup(start, len);
	snprintf(what, sizeof(what), "migration %d", n);
	rc = exec_simple(st, sql, what, err, errlen);
	free(sql);
	if (rc != 0)
		return -1;
	/* an integer of ours, not a value from outside: PRAGMA takes no parameters */
	snprintf(what, sizeof(what), "PRAGMA user_version = %d", n);
	return exec_simple(st, what, "cannot set the schema version", err, errlen);
}

int store_migrate(struct store *st, const char *command, const char *before_json,
		  const char *after_json, char *err, size_t errlen)
{
	int v, n, mine = store_schema_version();

	if (store_begin_write(st, err, errlen) != 0)
		return -1;
	if (store_user_version(st, &v, err, errlen) != 0)
		goto fail;
	if (v > mine) {
		snprintf(err, errlen, "DB: %s: database schema %d is newer than this program's %d",
			 st->path, v, mine);
		goto fail;
	}
	for (n = v + 1; n <= mine; n++)
		if (migrate_to(st, n, err, errlen) != 0)
			goto fail;
	/* migration 3 starts the hash chain: hash the rows written before it */
	if (v < 3 && mine >= 3 && store_chain_seal(st, err, errlen) != 0)
		goto fail;
	if (store_audit_append(st, clock_now(), command, before_json, after_json, err, errlen) != 0)
		goto fail;
	return store_commit_change(st, err, errlen);
fail:
	store_rollback(st);
	return -1;
}
