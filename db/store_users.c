/*
 * store_users.c - service users and their selectors (store.h).
 *
 * Selectors are stored in canonical form (selector_format) with their kind
 * and normalised key, so a lookup by text finds "Bob@Example.org" and
 * "bob@example.org" as one selector. Removal only sets removed_at.
 */
#include "store_int.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_COLUMNS \
	"u.id, u.name, u.case_ref, u.access_notes, u.created_at," \
	" (SELECT count(*) FROM selectors s WHERE s.user_id = u.id AND s.removed_at IS NULL)," \
	" (SELECT count(*) FROM restrictions r WHERE r.user_id = u.id AND r.status = 'active'" \
	"  AND (r.ends IS NULL OR r.ends > ?1))"

void store_user_clear(struct store_user *u)
{
	free(u->name);
	free(u->case_ref);
	free(u->access_notes);
	memset(u, 0, sizeof(*u));
}

void store_users_free(struct store_user *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_user_clear(&v[i]);
	free(v);
}

void store_selectors_free(struct store_selector *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].kind);
		free(v[i].key);
	}
	free(v);
}

int store_user_create(struct store *st, const char *name, const char *case_ref,
		      time_t now, long long *id, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "INSERT INTO service_users (name, case_ref,"
					   " created_at) VALUES (?, ?, ?)", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= store_bind_text(stmt, 1, name);
	b |= store_bind_text(stmt, 2, case_ref);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
	if (store_bound(st, stmt, b, err, errlen) != 0
	    || store_step_done(st, stmt, "cannot add the service user", err, errlen) != 0)
		return -1;
	*id = (long long)sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* user_row - fill u from a row of USER_COLUMNS */
static void user_row(sqlite3_stmt *stmt, struct store_user *u)
{
	u->id = sqlite3_column_int64(stmt, 0);
	u->name = store_col_dup(stmt, 1);
	u->case_ref = store_col_dup(stmt, 2);
	u->access_notes = store_col_dup(stmt, 3);
	u->created_at = store_col_time(stmt, 4);
	u->nselectors = (unsigned)sqlite3_column_int(stmt, 5);
	u->nactive = (unsigned)sqlite3_column_int(stmt, 6);
}

int store_user_get(struct store *st, long long id, time_t now, struct store_user *u,
		   char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT " USER_COLUMNS
					   " FROM service_users u WHERE u.id = ?2", err, errlen);
	int rc, b = 0;

	memset(u, 0, sizeof(*u));
	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)id);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		user_row(stmt, u);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_error(st, "cannot read the service user", err, errlen);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int store_user_list(struct store *st, time_t now, struct store_user **v, size_t *n,
		    char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT " USER_COLUMNS
					   " FROM service_users u ORDER BY u.id", err, errlen);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now), err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		memset(&(*v)[*n], 0, sizeof(**v));
		user_row(stmt, &(*v)[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot list the service users", err, errlen);
		sqlite3_finalize(stmt);
		store_users_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_selector_add(struct store *st, long long user_id, const struct selector *s,
		       time_t now, long long *id, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "INSERT INTO selectors (user_id, text, kind, key,"
					   " created_at) VALUES (?, ?, ?, ?, ?)", err, errlen);
	char *text;
	int b = 0, rc;

	if (!stmt)
		return -1;
	text = selector_format(s);
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)user_id);
	b |= store_bind_text(stmt, 2, text);
	b |= store_bind_text(stmt, 3, selector_kind_name(s->kind));
	b |= store_bind_text(stmt, 4, s->key);
	b |= sqlite3_bind_int64(stmt, 5, (sqlite3_int64)now);
	free(text);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	rc = store_step_done(st, stmt, "cannot add the selector", err, errlen);
	if (rc == 0 && id)
		*id = (long long)sqlite3_last_insert_rowid(st->db);
	return rc;
}

int store_selector_owner(struct store *st, const char *text, long long *user_id,
			 char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT user_id FROM selectors WHERE text = ?"
					   " AND removed_at IS NULL ORDER BY user_id LIMIT 1",
					   err, errlen);
	int rc;

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, store_bind_text(stmt, 1, text), err, errlen) != 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*user_id = sqlite3_column_int64(stmt, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_error(st, "cannot look the selector up", err, errlen);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* selector_list - a user's selectors, the removed ones too when all */
static int selector_list(struct store *st, long long user_id, int all,
			 struct store_selector **v, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT id, user_id, text, kind, key, created_at,"
					   " removed_at FROM selectors WHERE user_id = ?1"
					   " AND (?2 = 1 OR removed_at IS NULL) ORDER BY id",
					   err, errlen);
	size_t cap = 0;
	int rc, b = 0;

	*v = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)user_id);
	b |= sqlite3_bind_int(stmt, 2, all ? 1 : 0);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_selector *s;

		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		s = &(*v)[(*n)++];
		s->id = sqlite3_column_int64(stmt, 0);
		s->user_id = sqlite3_column_int64(stmt, 1);
		s->text = store_col_dup(stmt, 2);
		s->kind = store_col_dup(stmt, 3);
		s->key = store_col_dup(stmt, 4);
		s->created_at = store_col_time(stmt, 5);
		s->removed_at = store_col_time(stmt, 6);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot list the selectors", err, errlen);
		sqlite3_finalize(stmt);
		store_selectors_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_selector_list(struct store *st, long long user_id, struct store_selector **v,
			size_t *n, char *err, size_t errlen)
{
	return selector_list(st, user_id, 0, v, n, err, errlen);
}

int store_selector_list_all(struct store *st, long long user_id, struct store_selector **v,
			    size_t *n, char *err, size_t errlen)
{
	return selector_list(st, user_id, 1, v, n, err, errlen);
}
