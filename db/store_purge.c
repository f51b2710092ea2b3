/*
 * store_purge.c - the retention schedule (SPEC Configuration): events of
 * restricted or flagged people kept for EventRetention, everyone else's for
 * UnflaggedRetention; a person idle for RecordRetention after their last
 * restriction ended is anonymised; audit rows older than that go as a
 * prefix of the chain, which the caller's checkpoint row vouches for.
 *
 * Anonymising keeps the rows, their dates and counts, and the staff names
 * (who authorised what); it removes what identifies the service user.
 */
#include "store_int.h"
#include "xalloc.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* an event is of a person we hold records on: it matched one, or its sender is one */
#define HELD "(user_ids <> '[]' OR COALESCE(person, '') IN" \
	" (SELECT key FROM selectors WHERE kind = 'exact'))"
#define HELD_OR_FLAGGED "(" HELD " OR COALESCE(person, '') IN (SELECT person FROM flags))"

/* users with nothing proposed or active and nothing recorded since ?1 */
#define DUE_USERS \
	"SELECT u.id FROM service_users u WHERE u.anonymised_at IS NULL AND u.created_at <= ?1" \
	" AND NOT EXISTS (SELECT 1 FROM restrictions r WHERE r.user_id = u.id" \
	"  AND (r.status IN ('proposed', 'active') OR COALESCE(r.lifted_at, r.ends) > ?1))" \
	" AND NOT EXISTS (SELECT 1 FROM restriction_history h JOIN restrictions r" \
	"  ON r.id = h.restriction_id WHERE r.user_id = u.id AND h.kind <> 'expired' AND h.at > ?1)" \
	" AND NOT EXISTS (SELECT 1 FROM selectors s WHERE s.user_id = u.id" \
	"  AND (s.created_at > ?1 OR s.removed_at > ?1))" \
	" ORDER BY u.id"

/* has_flags - does the database have a flags table with a person column? */
static int has_flags(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT count(*) FROM pragma_table_info('flags')"
					   " WHERE name = 'person'", err, errlen);
	int rc;

	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) > 0 : -1;
	sqlite3_finalize(stmt);
	return rc < 0 ? store_error(st, "cannot read the schema", err, errlen) : rc;
}

/* delete_before - run a DELETE with ?1 = cutoff; the rows deleted into *count */
static int delete_before(struct store *st, const char *sql, time_t cutoff, long long *count,
			 char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, sql, err, errlen);

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)cutoff),
			err, errlen) != 0
	    || store_step_done(st, stmt, "cannot delete old rows", err, errlen) != 0)
		return -1;
	*count += sqlite3_changes(st->db);
	return 0;
}

int store_purge_events(struct store *st, struct store_purge *p, char *err, size_t errlen)
{
	int flags = has_flags(st, err, errlen);

	if (flags < 0)
		return -1;
	if (flags)
		return delete_before(st, "DELETE FROM events WHERE at < ?1 AND " HELD_OR_FLAGGED,
				     p->event_cutoff, &p->events_restricted, err, errlen)
		       || delete_before(st, "DELETE FROM events WHERE at < ?1 AND NOT "
					HELD_OR_FLAGGED, p->unflagged_cutoff, &p->events_other,
					err, errlen) ? -1 : 0;
	return delete_before(st, "DELETE FROM events WHERE at < ?1 AND " HELD,
			     p->event_cutoff, &p->events_restricted, err, errlen)
	       || delete_before(st, "DELETE FROM events WHERE at < ?1 AND NOT " HELD,
				p->unflagged_cutoff, &p->events_other, err, errlen) ? -1 : 0;
}

int store_purge_due_users(struct store *st, const struct store_purge *p, long long **ids,
			  size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, DUE_USERS, err, errlen);
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)p->record_cutoff),
			err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*ids = xreallocarray(*ids, cap, sizeof(**ids));
		}
		(*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return store_error(st, "cannot find people due for anonymising", err, errlen);
	}
	return 0;
}

/* sha256_label - "sha256:" and the lower-case hex digest of s (new string) */
static char *sha256_label(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	char *out;

	if (!EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL))
		return NULL;
	out = xmalloc(7 + 2 * (size_t)len + 1);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < len; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[7 + 2 * i + 1] = hex[md[i] & 15];
	}
	out[7 + 2 * len] = '\0';
	return out;
}

/* hash_selectors - every selector of the user: text and key hashed, removed */
static int hash_selectors(struct store *st, long long id, time_t now, char *err, size_t errlen)
{
	struct store_selector *v;
	size_t n, i;
	int rc = 0;

	if (store_selector_list_all(st, id, &v, &n, err, errlen) != 0)
		return -1;
	for (i = 0; rc == 0 && i < n; i++) {
		char *label = strncmp(v[i].text, "sha256:", 7) == 0 ? xstrdup(v[i].text)
								     : sha256_label(v[i].text);
		sqlite3_stmt *stmt = label ? store_prepare(st, "UPDATE selectors SET text = ?2,"
			" key = ?2, removed_at = COALESCE(removed_at, ?3) WHERE id = ?1",
			err, errlen) : NULL;
		int b = 0;

		if (!label)
			snprintf(err, errlen, "DB: SHA-256 failed (libcrypto)");
		if (!stmt) {
			free(label);
			rc = -1;
			break;
		}
		b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)v[i].id);
		b |= store_bind_text(stmt, 2, label);
		b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
		free(label);
		rc = store_bound(st, stmt, b, err, errlen) != 0
		     || store_step_done(st, stmt, "cannot anonymise a selector", err, errlen) != 0
		     ? -1 : 0;
	}
	store_selectors_free(v, n);
	return rc;
}

/* run_for_user - constant SQL with ?1 = the user id and ?2 (when used) = now */
static int run_for_user(struct store *st, const char *sql, long long id, time_t now,
			char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, sql, err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
	if (sqlite3_bind_parameter_count(stmt) >= 2)
		b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return store_step_done(st, stmt, "cannot anonymise the user", err, errlen);
}

int store_user_anonymise(struct store *st, long long id, time_t now, char *err, size_t errlen)
{
	static const char *const steps[] = {
		"DELETE FROM events WHERE EXISTS (SELECT 1 FROM json_each(CASE WHEN"
		" json_valid(events.user_ids) THEN events.user_ids ELSE '[]' END) WHERE value = ?1)"
		" OR COALESCE(person, '') IN"
		" (SELECT key FROM selectors WHERE user_id = ?1 AND kind = 'exact')",
		"UPDATE service_users SET name = 'anonymised', case_ref = NULL,"
		" access_notes = NULL, anonymised_at = ?2 WHERE id = ?1",
		"UPDATE restrictions SET reason = 'anonymised', lift_reason = NULL,"
		" criteria = NULL WHERE user_id = ?1",
		"UPDATE restriction_history SET notes = NULL, before_json = NULL,"
		" after_json = NULL WHERE restriction_id IN"
		" (SELECT id FROM restrictions WHERE user_id = ?1)",
		"UPDATE disputes SET notes = NULL, decision_notes = NULL WHERE restriction_id IN"
		" (SELECT id FROM restrictions WHERE user_id = ?1)",
	};
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (run_for_user(st, steps[i], id, now, err, errlen) != 0)
			return -1;
	return hash_selectors(st, id, now, err, errlen);
}

int store_audit_prune(struct store *st, struct store_purge *p, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT COALESCE((SELECT min(id) FROM audit"
		" WHERE at >= ?1), (SELECT max(id) FROM audit), 0)", err, errlen);
	long long keep, links = 0;

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)p->record_cutoff),
			err, errlen) != 0)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_error(st, "cannot read the audit rows", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	keep = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	/* rows before the first one kept: time is not consulted again, ids are a prefix */
	if (delete_before(st, "DELETE FROM audit_users WHERE audit_id < ?1", (time_t)keep,
			  &links, err, errlen) != 0
	    || delete_before(st, "DELETE FROM audit WHERE id < ?1", (time_t)keep,
			     &p->audit_deleted, err, errlen) != 0)
		return -1;
	p->audit_through = p->audit_deleted ? keep - 1 : 0;
	return 0;
}
