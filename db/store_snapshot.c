/*
 * store_snapshot.c - reading what the decision engine needs: the generation
 * number, the restrictions in force and their users' selectors (store.h).
 *
 * All three are read in one read transaction so the snapshot is a picture
 * of one committed state. A selector the builder refuses (a pattern that no
 * longer compiles, say) is logged and skipped: the rest is still enforced.
 */
#include "store_int.h"
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

/* load_restrictions - every active restriction into the builder */
static int load_restrictions(struct store *st, struct snapshot_builder *b, time_t now,
			     char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, SNAPSHOT_RESTRICTIONS, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now), err, errlen) != 0)
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

/* load_selectors - the selectors of users with a restriction in force */
static int load_selectors(struct store *st, struct snapshot_builder *b, time_t now,
			  char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, SNAPSHOT_SELECTORS, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	if (store_bound(st, stmt, sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now), err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		long long user = sqlite3_column_int64(stmt, 0);
		const unsigned char *text = sqlite3_column_text(stmt, 1);
		char serr[512];

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
	    || load_restrictions(st, b, now, err, errlen) != 0
	    || load_selectors(st, b, now, err, errlen) != 0) {
		store_rollback(st);
		return -1;
	}
	return store_end_read(st, err, errlen);
}
