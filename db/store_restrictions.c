/*
 * store_restrictions.c - restrictions and their history (store.h).
 *
 * An action's options go to their own columns and the options that do not
 * belong to the action stay NULL, so a row reads back as exactly the
 * struct action_opts it was written from. Nothing is ever deleted: lifting
 * and expiry change the status and add a history row.
 */
#include "store_int.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FULL_COLUMNS STORE_RESTRICTION_COLUMNS \
	", r.status, r.reason, r.authorised_by, r.requested_by, r.criteria, r.flag_id," \
	" r.notified_on, r.review_due, r.created_at, r.updated_at, r.lifted_at, r.lifted_by," \
	" r.lift_reason, u.name, r.requested_os_user" \
	" FROM restrictions r JOIN service_users u ON u.id = r.user_id"

void store_restriction_init(struct store_restriction *sr)
{
	memset(sr, 0, sizeof(*sr));
	action_opts_init(&sr->r.opts, ACTION_WATCH);
}

void store_restriction_clear(struct store_restriction *sr)
{
	restriction_clear(&sr->r);
	free(sr->user_name);
	free(sr->reason);
	free(sr->authorised_by);
	free(sr->requested_by);
	free(sr->criteria);
	free(sr->lifted_by);
	free(sr->lift_reason);
	free(sr->requested_os_user);
	store_restriction_init(sr);
}

void store_restrictions_free(struct store_restriction *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_restriction_clear(&v[i]);
	free(v);
}

void store_history_free(struct store_history *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].by);
		free(v[i].kind);
		free(v[i].notes);
		free(v[i].before_json);
		free(v[i].after_json);
	}
	free(v);
}

/* name_index - which of the n names produced by name_fn equals text; -1 none */
static int name_index(const unsigned char *text, const char *(*name_fn)(int), int n)
{
	int i;

	for (i = 0; text && i < n; i++)
		if (strcmp((const char *)text, name_fn(i)) == 0)
			return i;
	return -1;
}

static const char *file_mode_at(int i) { return file_mode_name((enum file_mode)i); }
static const char *contact_mode_at(int i) { return contact_mode_name((enum contact_mode)i); }
static const char *over_at(int i) { return over_name((enum over_action)i); }

int store_row_restriction(sqlite3_stmt *stmt, struct restriction *r, char *err, size_t errlen)
{
	const unsigned char *action = sqlite3_column_text(stmt, 2);
	enum action a;
	int m;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(stmt, 0);
	if (!action || action_parse((const char *)action, &a) != 0) {
		snprintf(err, errlen, "DB: restriction %lld: unknown action \"%.40s\"", r->id,
			 action ? (const char *)action : "");
		action_opts_init(&r->opts, ACTION_WATCH);
		return -1;
	}
	action_opts_init(&r->opts, a);
	r->user_id = sqlite3_column_int64(stmt, 1);
	r->opts.message = store_col_dup(stmt, 3);
	if ((m = name_index(sqlite3_column_text(stmt, 4), file_mode_at, 2)) >= 0)
		r->opts.file_mode = (enum file_mode)m;
	r->opts.mailbox = store_col_dup(stmt, 5);
	r->opts.contact = store_col_dup(stmt, 6);
	if ((m = name_index(sqlite3_column_text(stmt, 7), contact_mode_at, 2)) >= 0)
		r->opts.contact_mode = (enum contact_mode)m;
	r->opts.limit_count = (unsigned)sqlite3_column_int64(stmt, 8);
	r->opts.limit_period = sqlite3_column_int64(stmt, 9);
	if ((m = name_index(sqlite3_column_text(stmt, 10), over_at, 4)) >= 0)
		r->opts.over = (enum over_action)m;
	r->opts.copy_to = store_col_dup(stmt, 11);
	r->trial = sqlite3_column_int(stmt, 12) != 0;
	r->starts = store_col_time(stmt, 13);
	r->ends = store_col_time(stmt, 14);
	r->case_ref = store_col_dup(stmt, 15);
	return 0;
}

/* full_row - a row of FULL_COLUMNS into sr */
static int full_row(sqlite3_stmt *stmt, struct store_restriction *sr, char *err, size_t errlen)
{
	const unsigned char *status = sqlite3_column_text(stmt, STORE_RESTRICTION_NCOLUMNS);
	int c = STORE_RESTRICTION_NCOLUMNS + 1;

	store_restriction_clear(sr);
	if (store_row_restriction(stmt, &sr->r, err, errlen) != 0)
		return -1;
	if (!status || status_parse((const char *)status, &sr->status) != 0) {
		snprintf(err, errlen, "DB: restriction %lld: unknown status", sr->r.id);
		return -1;
	}
	sr->reason = store_col_dup(stmt, c++);
	sr->authorised_by = store_col_dup(stmt, c++);
	sr->requested_by = store_col_dup(stmt, c++);
	sr->criteria = store_col_dup(stmt, c++);
	sr->flag_id = sqlite3_column_int64(stmt, c++);
	sr->notified_on = store_col_time(stmt, c++);
	sr->review_due = store_col_time(stmt, c++);
	sr->created_at = store_col_time(stmt, c++);
	sr->updated_at = store_col_time(stmt, c++);
	sr->lifted_at = store_col_time(stmt, c++);
	sr->lifted_by = store_col_dup(stmt, c++);
	sr->lift_reason = store_col_dup(stmt, c++);
	sr->user_name = store_col_dup(stmt, c++);
	sr->requested_os_user = store_col_dup(stmt, c++);
	return 0;
}

/* bind_opts - the action's own options; the others stay NULL */
static int bind_opts(sqlite3_stmt *stmt, const struct action_opts *o)
{
	int b = 0, a = o->action;

	b |= store_bind_text(stmt, 2, action_name(o->action));
	b |= store_bind_text(stmt, 3, a == ACTION_BLOCK ? o->message : NULL);
	b |= store_bind_text(stmt, 4, a == ACTION_FILE ? file_mode_name(o->file_mode) : NULL);
	b |= store_bind_text(stmt, 5, a == ACTION_FILE ? o->mailbox : NULL);
	b |= store_bind_text(stmt, 6, a == ACTION_SINGLE_CONTACT ? o->contact : NULL);
	b |= store_bind_text(stmt, 7, a == ACTION_SINGLE_CONTACT
			     ? contact_mode_name(o->contact_mode) : NULL);
	if (a == ACTION_LIMIT) {
		b |= sqlite3_bind_int64(stmt, 8, (sqlite3_int64)o->limit_count);
		b |= sqlite3_bind_int64(stmt, 9, (sqlite3_int64)o->limit_period);
	} else {
		b |= sqlite3_bind_null(stmt, 8);
		b |= sqlite3_bind_null(stmt, 9);
	}
	b |= store_bind_text(stmt, 10, a == ACTION_LIMIT ? over_name(o->over) : NULL);
	b |= store_bind_text(stmt, 11, a == ACTION_MONITOR ? o->copy_to : NULL);
	return b;
}

int store_restriction_insert(struct store *st, struct store_restriction *sr,
			     char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO restrictions (user_id, action, message, file_mode, mailbox, contact,"
		" contact_mode, limit_count, limit_period, over, copy_to, trial, status, reason,"
		" authorised_by, requested_by, criteria, flag_id, notified_on, starts, ends,"
		" review_due, created_at, updated_at, requested_os_user) VALUES (?1, ?2, ?3, ?4, ?5,"
		" ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,"
		" ?23, ?23, ?24)",
		err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)sr->r.user_id);
	b |= bind_opts(stmt, &sr->r.opts);
	b |= sqlite3_bind_int(stmt, 12, sr->r.trial ? 1 : 0);
	b |= store_bind_text(stmt, 13, status_name(sr->status));
	b |= store_bind_text(stmt, 14, sr->reason);
	b |= store_bind_text(stmt, 15, sr->authorised_by);
	b |= store_bind_text(stmt, 16, sr->requested_by);
	b |= store_bind_text(stmt, 17, sr->criteria);
	b |= store_bind_id(stmt, 18, sr->flag_id);
	b |= store_bind_time(stmt, 19, sr->notified_on);
	b |= sqlite3_bind_int64(stmt, 20, (sqlite3_int64)sr->r.starts);
	b |= store_bind_time(stmt, 21, sr->r.ends);
	b |= sqlite3_bind_int64(stmt, 22, (sqlite3_int64)sr->review_due);
	b |= sqlite3_bind_int64(stmt, 23, (sqlite3_int64)sr->created_at);
	b |= store_bind_text(stmt, 24, sr->requested_os_user);
	if (store_bound(st, stmt, b, err, errlen) != 0
	    || store_step_done(st, stmt, "cannot add the restriction", err, errlen) != 0)
		return -1;
	sr->r.id = (long long)sqlite3_last_insert_rowid(st->db);
	sr->updated_at = sr->created_at;
	return 0;
}

int store_restriction_get(struct store *st, long long id, struct store_restriction *sr,
			  char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT " FULL_COLUMNS " WHERE r.id = ?",
					   err, errlen);
	int rc;

	store_restriction_init(sr);
	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id), err, errlen) != 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = full_row(stmt, sr, err, errlen) == 0 ? 1 : -1;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_error(st, "cannot read the restriction", err, errlen);
	sqlite3_finalize(stmt);
	return rc;
}

int store_restriction_list(struct store *st, const struct store_filter *f,
			   struct store_restriction **v, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT " FULL_COLUMNS
		" WHERE (?1 = 0 OR r.user_id = ?1)"
		" AND (?2 = 1 OR r.status = 'proposed'"
		"      OR (r.status = 'active' AND (r.ends IS NULL OR r.ends > ?3)))"
		" AND (?4 < 0 OR r.review_due <= ?3 + ?4)"
		" ORDER BY r.id", err, errlen);
	size_t cap = 0;
	int rc, b = 0;

	*v = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)f->user_id);
	b |= sqlite3_bind_int(stmt, 2, f->all ? 1 : 0);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)f->now);
	b |= sqlite3_bind_int64(stmt, 4, (sqlite3_int64)f->due_within);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		store_restriction_init(&(*v)[*n]);
		if (full_row(stmt, &(*v)[(*n)++], err, errlen) != 0)
			break;
	}
	if (rc == SQLITE_ROW || rc != SQLITE_DONE) {
		if (rc != SQLITE_ROW)
			store_error(st, "cannot list the restrictions", err, errlen);
		sqlite3_finalize(stmt);
		store_restrictions_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_restriction_set_opts(struct store *st, long long id, const struct action_opts *o,
			       time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE restrictions SET message = ?3,"
		" file_mode = ?4, mailbox = ?5, contact = ?6, contact_mode = ?7, limit_count = ?8,"
		" limit_period = ?9, over = ?10, copy_to = ?11, updated_at = ?12"
		" WHERE id = ?1 AND action = ?2 AND status IN ('proposed', 'active')", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
	b |= bind_opts(stmt, o);
	b |= sqlite3_bind_int64(stmt, 12, (sqlite3_int64)now);
	if (store_bound(st, stmt, b, err, errlen) != 0
	    || store_step_done(st, stmt, "cannot vary the restriction", err, errlen) != 0)
		return -1;
	if (sqlite3_changes(st->db) != 1) {
		snprintf(err, errlen, "restriction %lld is not proposed or active", id);
		return -1;
	}
	return 0;
}

/* set_status - from active to lifted/expired; -1 unless exactly one row changed */
static int set_status(struct store *st, sqlite3_stmt *stmt, long long id, const char *what,
		      char *err, size_t errlen)
{
	if (store_step_done(st, stmt, what, err, errlen) != 0)
		return -1;
	if (sqlite3_changes(st->db) != 1) {
		snprintf(err, errlen, "restriction %lld is not active", id);
		return -1;
	}
	return 0;
}

int store_restriction_lift(struct store *st, long long id, time_t now, const char *by,
			   const char *reason, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE restrictions SET status = 'lifted',"
		" lifted_at = ?1, lifted_by = ?2, lift_reason = ?3, updated_at = ?1"
		" WHERE id = ?4 AND status = 'active'", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	b |= store_bind_text(stmt, 2, by);
	b |= store_bind_text(stmt, 3, reason);
	b |= sqlite3_bind_int64(stmt, 4, (sqlite3_int64)id);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return set_status(st, stmt, id, "cannot lift the restriction", err, errlen);
}

int store_restriction_expire(struct store *st, long long id, time_t now,
			     char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE restrictions SET status = 'expired',"
		" updated_at = ?1 WHERE id = ?2 AND status = 'active'", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)id);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return set_status(st, stmt, id, "cannot expire the restriction", err, errlen);
}

int store_expiry_due(struct store *st, time_t now, long long **ids, size_t *n,
		     char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT id FROM restrictions WHERE status = 'active'"
		" AND ends IS NOT NULL AND ends <= ? ORDER BY id", err, errlen);
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now), err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*ids = xreallocarray(*ids, cap, sizeof(**ids));
		}
		(*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot find expired restrictions", err, errlen);
		sqlite3_finalize(stmt);
		free(*ids);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_history_add(struct store *st, long long restriction_id, time_t at,
		      const char *by, const char *kind, const char *notes,
		      const char *before_json, const char *after_json,
		      char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "INSERT INTO restriction_history (restriction_id,"
		" at, by, kind, notes, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
		err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)restriction_id);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)at);
	b |= store_bind_text(stmt, 3, by);
	b |= store_bind_text(stmt, 4, kind);
	b |= store_bind_text(stmt, 5, notes);
	b |= store_bind_text(stmt, 6, before_json);
	b |= store_bind_text(stmt, 7, after_json);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return store_step_done(st, stmt, "cannot add a history row", err, errlen);
}

int store_history_list(struct store *st, long long restriction_id,
		       struct store_history **v, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT id, restriction_id, at, by, kind, notes,"
		" before_json, after_json FROM restriction_history WHERE restriction_id = ?"
		" ORDER BY id", err, errlen);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)restriction_id),
			err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_history *h;

		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		h = &(*v)[(*n)++];
		h->id = sqlite3_column_int64(stmt, 0);
		h->restriction_id = sqlite3_column_int64(stmt, 1);
		h->at = store_col_time(stmt, 2);
		h->by = store_col_dup(stmt, 3);
		h->kind = store_col_dup(stmt, 4);
		h->notes = store_col_dup(stmt, 5);
		h->before_json = store_col_dup(stmt, 6);
		h->after_json = store_col_dup(stmt, 7);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot read the history", err, errlen);
		sqlite3_finalize(stmt);
		store_history_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}
