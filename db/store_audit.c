/*
 * store_audit.c - the audit trail: one row per change, written inside the
 * change's own transaction so the two stand or fall together.
 *
 * A row records who (the OS user behind getuid() and SUDO_USER when set),
 * when, the command line and the before/after JSON the CLI produced, and
 * is hash-chained to the row before it (store_chain.c). audit_users links
 * a row to the service users it concerns, for export.
 */
#include "store_int.h"
#include "xalloc.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUDIT_COLUMNS \
	"a.id, a.at, a.os_user, a.sudo_user, a.command, a.before_json, a.after_json," \
	" a.prev_hash, a.hash"

/* os_user - the login name behind the real uid, else the number (new string) */
static char *os_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	char num[32];

	if (pw && pw->pw_name)
		return xstrdup(pw->pw_name);
	snprintf(num, sizeof(num), "%ld", (long)getuid());
	return xstrdup(num);
}

/* last_row - the id and hash of the newest row: 1, 0 when empty, -1 */
static int last_row(struct store *st, long long *id, char *hash, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT id, hash FROM audit ORDER BY id DESC"
					   " LIMIT 1", err, errlen);
	int rc;

	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(stmt, 1);

		*id = sqlite3_column_int64(stmt, 0);
		if (h == NULL || strlen((const char *)h) != STORE_HASH_LEN) {
			snprintf(err, errlen, "DB: %s: audit row %lld has no hash: run restrictctl"
				 " init", st->path, *id);
			rc = -1;
		} else {
			memcpy(hash, h, STORE_HASH_LEN + 1);
			rc = 1;
		}
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_error(st, "cannot read the audit head", err, errlen);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* text_field - a C string (or NULL) as a hash field */
static struct chain_field text_field(const char *s)
{
	struct chain_field f = { s, s ? strlen(s) : 0 };

	return f;
}

int store_audit_append(struct store *st, time_t at, const char *command,
		       const char *before_json, const char *after_json,
		       char *err, size_t errlen)
{
	const char *env = getenv("SUDO_USER");
	const char *sudo = env && *env ? env : NULL;
	char prev[STORE_HASH_LEN + 1] = STORE_HASH_ZERO, hash[STORE_HASH_LEN + 1];
	char id_text[32], at_text[32], *who;
	struct chain_field f[CHAIN_NFIELDS];
	sqlite3_stmt *stmt;
	long long id = 0;
	int rc, b = 0;

	if (st->in_txn != 2) {
		snprintf(err, errlen, "DB: internal error: audit row outside a change");
		return -1;
	}
	if (last_row(st, &id, prev, err, errlen) < 0)
		return -1;
	id++;
	who = os_user();
	command = command ? command : "";
	snprintf(id_text, sizeof(id_text), "%lld", id);
	snprintf(at_text, sizeof(at_text), "%lld", (long long)at);
	f[0] = text_field(id_text);
	f[1] = text_field(at_text);
	f[2] = text_field(who);
	f[3] = text_field(sudo);
	f[4] = text_field(command);
	f[5] = text_field(before_json);
	f[6] = text_field(after_json);
	if (store_chain_hash(prev, f, hash, err, errlen) != 0
	    || !(stmt = store_prepare(st, "INSERT INTO audit (id, at, os_user, sudo_user, command,"
				      " before_json, after_json, prev_hash, hash)"
				      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err, errlen))) {
		free(who);
		return -1;
	}
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)at);
	b |= store_bind_text(stmt, 3, who);
	b |= store_bind_text(stmt, 4, sudo);
	b |= store_bind_text(stmt, 5, command);
	b |= store_bind_text(stmt, 6, before_json);
	b |= store_bind_text(stmt, 7, after_json);
	b |= store_bind_text(stmt, 8, prev);
	b |= store_bind_text(stmt, 9, hash);
	free(who);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	rc = store_step_done(st, stmt, "cannot write the audit row", err, errlen);
	if (rc == 0) {
		st->audited = 1;
		st->audit_id = id;
		memcpy(st->audit_head, hash, sizeof(hash));
	}
	return rc;
}

int store_audit_link_user(struct store *st, long long user_id, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int b = 0;

	if (st->in_txn != 2 || !st->audited) {
		snprintf(err, errlen, "DB: internal error: audit link without an audit row");
		return -1;
	}
	stmt = store_prepare(st, "INSERT OR IGNORE INTO audit_users (audit_id, user_id)"
			     " VALUES (?, ?)", err, errlen);
	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)st->audit_id);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)user_id);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return store_step_done(st, stmt, "cannot link the audit row", err, errlen);
}

long long store_audit_written(const struct store *st, const char **hash)
{
	if (hash)
		*hash = st->audit_head;
	return st->audit_id;
}

void store_audit_rows_free(struct store_audit_row *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].os_user);
		free(v[i].sudo_user);
		free(v[i].command);
		free(v[i].before_json);
		free(v[i].after_json);
		free(v[i].prev_hash);
		free(v[i].hash);
	}
	free(v);
}

/* audit_row - a row of AUDIT_COLUMNS */
static void audit_row(sqlite3_stmt *stmt, struct store_audit_row *r)
{
	r->id = sqlite3_column_int64(stmt, 0);
	r->at = store_col_time(stmt, 1);
	r->os_user = store_col_dup(stmt, 2);
	r->sudo_user = store_col_dup(stmt, 3);
	r->command = store_col_dup(stmt, 4);
	r->before_json = store_col_dup(stmt, 5);
	r->after_json = store_col_dup(stmt, 6);
	r->prev_hash = store_col_dup(stmt, 7);
	r->hash = store_col_dup(stmt, 8);
}

int store_audit_list(struct store *st, time_t since, long long user_id,
		     struct store_audit_row **v, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT " AUDIT_COLUMNS " FROM audit a"
		" WHERE a.at >= ?1 AND (?2 = 0 OR a.id IN"
		"  (SELECT audit_id FROM audit_users WHERE user_id = ?2)) ORDER BY a.id",
		err, errlen);
	size_t cap = 0;
	int rc, b = 0;

	*v = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)since);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)user_id);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		audit_row(stmt, &(*v)[(*n)++]);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_audit_rows_free(*v, *n);
		*v = NULL;
		*n = 0;
		return store_error(st, "cannot list the audit rows", err, errlen);
	}
	return 0;
}

int store_audit_ends(struct store *st, long long *first_id, char *first_prev,
		     long long *last_id, char *last_hash, long long *count,
		     char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT (SELECT count(*) FROM audit),"
		" f.id, f.prev_hash, l.id, l.hash FROM"
		" (SELECT id, prev_hash FROM audit ORDER BY id LIMIT 1) f,"
		" (SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1) l", err, errlen);
	int rc;

	*count = 0;
	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_text(stmt, 2), *h = sqlite3_column_text(stmt, 4);

		*count = sqlite3_column_int64(stmt, 0);
		*first_id = sqlite3_column_int64(stmt, 1);
		snprintf(first_prev, STORE_HASH_LEN + 1, "%s", p ? (const char *)p : "");
		*last_id = sqlite3_column_int64(stmt, 3);
		snprintf(last_hash, STORE_HASH_LEN + 1, "%s", h ? (const char *)h : "");
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_error(st, "cannot read the audit chain", err, errlen);
	}
	sqlite3_finalize(stmt);
	return rc;
}
