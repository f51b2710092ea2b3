/*
 * store_lifecycle.c - the steps of a restriction's life after it is
 * recorded (store.h): approval, the written notice, the next review,
 * disputes (policy 6.1), removing a selector and finding a user by case.
 *
 * Each step changes only what it names and checks the state it expects in
 * the UPDATE itself, so a race with another writer cannot skip a check.
 */
#include "store_int.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* one_change - the statement must have changed exactly one row */
static int one_change(struct store *st, sqlite3_stmt *stmt, const char *what, const char *state,
		      long long id, char *err, size_t errlen)
{
	if (store_step_done(st, stmt, what, err, errlen) != 0)
		return -1;
	if (sqlite3_changes(st->db) != 1) {
		snprintf(err, errlen, "restriction %lld is not %s", id, state);
		return -1;
	}
	return 0;
}

int store_restriction_approve(struct store *st, long long id, time_t now, const char *by,
			      time_t starts, time_t review_due, const char *criteria,
			      char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE restrictions SET status = 'active',"
		" authorised_by = ?2, starts = ?3, review_due = ?4, criteria = ?5, updated_at = ?6"
		" WHERE id = ?1 AND status = 'proposed'", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
	b |= store_bind_text(stmt, 2, by);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)starts);
	b |= sqlite3_bind_int64(stmt, 4, (sqlite3_int64)review_due);
	b |= store_bind_text(stmt, 5, criteria);
	b |= sqlite3_bind_int64(stmt, 6, (sqlite3_int64)now);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return one_change(st, stmt, "cannot approve the restriction", "proposed", id, err, errlen);
}

int store_restriction_set_notified(struct store *st, long long id, time_t on, time_t now,
				   char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE restrictions SET notified_on = ?2,"
		" updated_at = ?3 WHERE id = ?1", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)on);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return one_change(st, stmt, "cannot record the notice", "known", id, err, errlen);
}

int store_restriction_set_review(struct store *st, long long id, time_t due, time_t now,
				 char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE restrictions SET review_due = ?2,"
		" updated_at = ?3 WHERE id = ?1 AND status = 'active'", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)due);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return one_change(st, stmt, "cannot set the review date", "active", id, err, errlen);
}

void store_disputes_free(struct store_dispute *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].notes);
		free(v[i].decided_by);
		free(v[i].outcome);
		free(v[i].decision_notes);
	}
	free(v);
}

int store_dispute_raise(struct store *st, long long restriction_id, time_t now,
			const char *notes, long long *id, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "INSERT INTO disputes (restriction_id, raised_at,"
					   " notes) VALUES (?, ?, ?)", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)restriction_id);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	b |= store_bind_text(stmt, 3, notes);
	if (store_bound(st, stmt, b, err, errlen) != 0
	    || store_step_done(st, stmt, "cannot record the dispute", err, errlen) != 0)
		return -1;
	*id = (long long)sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_dispute_decide(struct store *st, long long id, time_t now, const char *by,
			 const char *outcome, const char *notes, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE disputes SET decided_at = ?2,"
		" decided_by = ?3, outcome = ?4, decision_notes = ?5"
		" WHERE id = ?1 AND decided_at IS NULL", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	b |= store_bind_text(stmt, 3, by);
	b |= store_bind_text(stmt, 4, outcome);
	b |= store_bind_text(stmt, 5, notes);
	if (store_bound(st, stmt, b, err, errlen) != 0
	    || store_step_done(st, stmt, "cannot decide the dispute", err, errlen) != 0)
		return -1;
	if (sqlite3_changes(st->db) != 1) {
		snprintf(err, errlen, "dispute %lld is not open", id);
		return -1;
	}
	return 0;
}

int store_dispute_list(struct store *st, long long restriction_id, long long user_id,
		       struct store_dispute **v, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT d.id, d.restriction_id, d.raised_at,"
		" d.notes, d.decided_at, d.decided_by, d.outcome, d.decision_notes FROM disputes d"
		" JOIN restrictions r ON r.id = d.restriction_id"
		" WHERE (?1 = 0 OR d.restriction_id = ?1) AND (?2 = 0 OR r.user_id = ?2)"
		" ORDER BY d.id", err, errlen);
	size_t cap = 0;
	int rc, b = 0;

	*v = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)restriction_id);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)user_id);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_dispute *d;

		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		d = &(*v)[(*n)++];
		d->id = sqlite3_column_int64(stmt, 0);
		d->restriction_id = sqlite3_column_int64(stmt, 1);
		d->raised_at = store_col_time(stmt, 2);
		d->notes = store_col_dup(stmt, 3);
		d->decided_at = store_col_time(stmt, 4);
		d->decided_by = store_col_dup(stmt, 5);
		d->outcome = store_col_dup(stmt, 6);
		d->decision_notes = store_col_dup(stmt, 7);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_disputes_free(*v, *n);
		*v = NULL;
		*n = 0;
		return store_error(st, "cannot list the disputes", err, errlen);
	}
	return 0;
}

int store_selector_remove(struct store *st, long long user_id, const char *text, time_t now,
			  char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE selectors SET removed_at = ?3"
		" WHERE user_id = ?1 AND text = ?2 AND removed_at IS NULL", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)user_id);
	b |= store_bind_text(stmt, 2, text);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
	if (store_bound(st, stmt, b, err, errlen) != 0
	    || store_step_done(st, stmt, "cannot remove the selector", err, errlen) != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

int store_user_by_case(struct store *st, const char *case_ref, long long *id,
		       char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT id FROM service_users WHERE case_ref = ?"
					   " AND anonymised_at IS NULL ORDER BY id LIMIT 2",
					   err, errlen);
	int rc, found = 0;

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, store_bind_text(stmt, 1, case_ref), err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (found++ == 0)
			*id = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot look the case up", err, errlen);
	return found > 1 ? 2 : found;
}
