/*
 * store_snapshot.c - reading what the decision engine needs: the generation
 * number, the restrictions in force and their users' selectors (store.h).
 *
 * All three are read in one read transaction so the snapshot is a picture
 * of one committed state. A selector the builder refuses (a pattern that no
 * longer compiles, say) is logged and skipped: the rest is still enforced.
 * `restrictctl check` loads a partial snapshot instead: only the selectors
 * that can match addresses in the given domains, every pattern, and the
 * restrictions of those selectors' users.
 */
#include "store_int.h"
#include "buf.h"
#include "log.h"
#include "timeparse.h"

#include <stdio.h>
#include <string.h>

/* the restrictions in force or still to start; proposed ones never */
#define SNAPSHOT_RESTRICTIONS \
	"SELECT " STORE_RESTRICTION_COLUMNS \
	" FROM restrictions r JOIN service_users u ON u.id = r.user_id" \
	" WHERE r.status = 'active' AND (r.ends IS NULL OR r.ends > ?) ORDER BY r.id"

#define SNAPSHOT_SELECTORS \
	"SELECT s.user_id, s.text FROM selectors s WHERE s.removed_at IS NULL" \
	" AND s.user_id IN (SELECT r.user_id FROM restrictions r WHERE r.status = 'active'" \
	" AND (r.ends IS NULL OR r.ends > ?)) ORDER BY s.id"

/*
 * The selectors that can match the senders of `restrictctl check`, found
 * through the selectors_text index: every pattern ('/' sorts before '0');
 * domain and subdomain selectors whose text is "@" or "@." and one of the
 * domains or parents in the JSON array ?3; and exact selectors of the
 * senders' own domains. The text of an exact selector is its address as
 * normalised when it was added; under other local-part settings (case,
 * subaddress separator) it may differ from the sender's now, but never in
 * its domain, and it always starts with the sender's local part but for
 * case. So each item [lo, hi, d] of the JSON array ?2 selects the index
 * range lo <= text < hi (the texts starting with one case variant of the
 * local part's first characters) and keeps those ending in "@d". All of
 * users with a restriction in force at ?1. The full snapshot parses the
 * same texts, so it can match nothing else for these senders.
 */
#define CANDIDATE_SELECTORS \
	"WITH a(lo, hi, dom) AS MATERIALIZED (SELECT json_extract(value, '$[0]')," \
	"  json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?2))," \
	" p(dom) AS MATERIALIZED (SELECT value FROM json_each(?3))," \
	" cand(id, user_id, text) AS (" \
	"  SELECT s.id, s.user_id, s.text FROM selectors s WHERE s.text >= '/' AND s.text < '0'" \
	"   AND s.kind = 'regex' AND s.removed_at IS NULL" \
	"  UNION SELECT s.id, s.user_id, s.text FROM selectors s WHERE s.text IN" \
	"   (SELECT '@' || dom FROM p UNION ALL SELECT '@.' || dom FROM p)" \
	"   AND s.kind IN ('domain', 'subdomains') AND s.removed_at IS NULL" \
	"  UNION SELECT s.id, s.user_id, s.text FROM a, selectors s" \
	"   WHERE s.text >= a.lo AND s.text < a.hi" \
	"   AND substr(s.text, -length(a.dom) - 1) = '@' || a.dom" \
	"   AND s.kind = 'exact' AND s.removed_at IS NULL)" \
	" SELECT user_id, text FROM cand WHERE user_id IN (SELECT r.user_id FROM restrictions r" \
	"  WHERE r.status = 'active' AND (r.ends IS NULL OR r.ends > ?1)) ORDER BY id"

/* the restrictions in force of the users in the JSON array ?2 */
#define CANDIDATE_RESTRICTIONS \
	"SELECT " STORE_RESTRICTION_COLUMNS \
	" FROM restrictions r JOIN service_users u ON u.id = r.user_id" \
	" WHERE r.status = 'active' AND (r.ends IS NULL OR r.ends > ?1)" \
	" AND r.user_id IN (SELECT value FROM json_each(?2)) ORDER BY r.id"

/* load_restrictions - the restrictions sql selects into the builder */
static int load_restrictions(struct store *st, struct snapshot_builder *b, time_t now,
			     const char *sql, const char *users, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, sql, err, errlen);
	int rc, bad;

	if (!stmt)
		return -1;
	bad = sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	if (users)
		bad |= store_bind_text(stmt, 2, users);
	if (store_bound(st, stmt, bad, err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct restriction r;
		char rerr[256];

		if (store_row_restriction(stmt, &r, rerr, sizeof(rerr)) != 0) {
			/* a row this program cannot read: say so, enforce the rest */
			log_err("%s: %s: skipping it", st->path, rerr);
			restriction_clear(&r);
			continue;
		}
		snapshot_builder_add_restriction(b, &r);
		restriction_clear(&r);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot read the restrictions", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

/*
 * load_selectors - the selectors sql selects (user_id, text) into the
 * builder; sql's ?2 and ?3 are bound to d2 and d3 when not NULL, and the
 * users seen are appended to users (a JSON array opened with "[") when not NULL
 */
static int load_selectors(struct store *st, struct snapshot_builder *b, time_t now,
			  const char *sql, const char *d2, const char *d3, struct buf *users,
			  char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, sql, err, errlen);
	long long last = -1;
	int rc, bad;

	if (!stmt)
		return -1;
	bad = sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	if (d2)
		bad |= store_bind_text(stmt, 2, d2) | store_bind_text(stmt, 3, d3);
	if (store_bound(st, stmt, bad, err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		long long user = sqlite3_column_int64(stmt, 0);
		const unsigned char *text = sqlite3_column_text(stmt, 1);
		char serr[512];

		if (users && user != last)	/* repeats are harmless in an IN list */
			buf_printf(users, "%s%lld", users->len > 1 ? "," : "", user);
		last = user;
		if (text == NULL)
			continue;
		if (snapshot_builder_add_selector(b, user, (const char *)text, serr, sizeof(serr)) != 0)
			log_err("%s: user %lld: selector skipped: %s", st->path, user, serr);
	}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot read the selectors", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_load_snapshot(struct store *st, struct snapshot_builder *b, uint64_t *generation,
			char *err, size_t errlen)
{
	time_t now = clock_now();

	if (store_begin_read(st, err, errlen) != 0)
		return -1;
	if (store_get_generation(st, generation, err, errlen) != 0
	    || load_restrictions(st, b, now, SNAPSHOT_RESTRICTIONS, NULL, err, errlen) != 0
	    || load_selectors(st, b, now, SNAPSHOT_SELECTORS, NULL, NULL, NULL, err, errlen) != 0) {
		store_rollback(st);
		return -1;
	}
	return store_end_read(st, err, errlen);
}

int store_load_candidates(struct store *st, struct snapshot_builder *b, const char *exact,
			  const char *parents, uint64_t *generation, char *err, size_t errlen)
{
	time_t now = clock_now();
	struct buf users;
	int rc = -1;

	buf_init(&users);
	buf_putc(&users, '[');
	if (store_begin_read(st, err, errlen) != 0)
		goto out;
	if (store_get_generation(st, generation, err, errlen) != 0
	    || load_selectors(st, b, now, CANDIDATE_SELECTORS, exact, parents, &users, err,
			      errlen) != 0) {
		store_rollback(st);
		goto out;
	}
	buf_putc(&users, ']');
	if (load_restrictions(st, b, now, CANDIDATE_RESTRICTIONS, buf_cstr(&users), err,
			      errlen) != 0) {
		store_rollback(st);
		goto out;
	}
	rc = store_end_read(st, err, errlen);
out:
	buf_free(&users);
	return rc;
}
