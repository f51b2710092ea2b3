/*
 * test_events.c - unit tests for the event log's writing side: the kept
 * INSERTs of db/store_events.c across batches and after a failed batch,
 * sixteen rows to a statement writing what one row at a time writes, and
 * the milter's batching writer (milter/events.c): a lone event is written
 * within its linger time, a burst is written whole, and everything queued
 * is written at stop. Each test works on its own database in a temporary
 * directory (Check forks each test).
 */
#include "events.h"
#include "store.h"
#include "store_events.h"
#include "buf.h"
#include "xalloc.h"
#include "check_helpers.h"

#include <check.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char dir[64], dbpath[128];

/* fresh_db - an empty database at the newest schema in a new directory */
static void fresh_db(void)
{
	struct store *st;
	char err[512];
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/test_events.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/rm.db", dir);
	fd = open(dbpath, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_msg(store_open(dbpath, STORE_WRITE | STORE_ANY_SCHEMA, 1000, &st, err,
				 sizeof(err)) == 0, "open: %s", err);
	ck_assert_msg(store_migrate(st, "test", "{}", "{}", err, sizeof(err)) == 0,
		      "migrate: %s", err);
	store_close(st);
}

/* cleanup - remove the database files and the directory */
static void cleanup(void)
{
	const char *sfx[] = { "", "-wal", "-shm" };
	char p[160];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", dbpath, sfx[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* count_rows - SELECT COUNT(*) FROM events on a connection of its own */
static long count_rows(void)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long n;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM events", -1, &stmt, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

/* make_event - a minimal event; verdict NULL means the default "accept" */
static void make_event(struct store_event *e, int i, const char *verdict)
{
	char q[32];

	memset(e, 0, sizeof(*e));
	e->at = 1780000000 + i;
	snprintf(q, sizeof(q), "Q%05d", i);
	e->queue_id = xstrdup(q);
	e->person = xstrdup("someone@example.org");
	e->verdict = verdict ? xstrdup(verdict) : NULL;
	e->recipients = 1;
}

/* insert - store_events_insert of n events (verdict bad at index bad, -1 none) */
static int insert(struct store *st, int first, int n, int bad)
{
	struct store_event v[8];
	char err[512];
	int rc;

	ck_assert_int_le(n, 8);
	for (int i = 0; i < n; i++)
		make_event(&v[i], first + i, i == bad ? "bogus" : NULL);
	rc = store_events_insert(st, v, (size_t)n, err, sizeof(err));
	for (int i = 0; i < n; i++)
		store_event_clear(&v[i]);
	return rc;
}

START_TEST(test_store_events_insert_keeps_its_statement_across_batches)
{
	struct store *st;
	char err[512];

	fresh_db();
	ck_assert_msg(store_open(dbpath, STORE_WRITE, 1000, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(insert(st, 0, 3, -1), 0);
	ck_assert_int_eq(insert(st, 3, 2, -1), 0);
	ck_assert_int_eq(count_rows(), 5);
	/* a row the CHECK constraint refuses: the whole batch is rolled back */
	ck_assert_int_eq(insert(st, 5, 4, 2), -1);
	ck_assert_int_eq(count_rows(), 5);
	/* the kept statement is still usable after the failed batch */
	ck_assert_int_eq(insert(st, 9, 1, -1), 0);
	ck_assert_int_eq(count_rows(), 6);
	store_close(st);
	cleanup();
}
END_TEST

/* varied_event - event i with every column varied; a fingerprint on every 23rd */
static void varied_event(struct store_event *e, int i)
{
	char t[64];

	make_event(e, i, i % 5 == 3 ? "reject" : NULL);
	snprintf(t, sizeof(t), "<m%d@example.org>", i);
	e->message_id = i % 4 ? xstrdup(t) : NULL;
	snprintf(t, sizeof(t), "[%d]", i);
	e->user_ids = i % 3 ? xstrdup(t) : NULL;
	e->outcomes = i % 2 ? xstrdup("[{\"address\":\"a@staff.example\",\"outcome\":\"accept\"}]")
			    : NULL;
	e->breach = i % 6 == 1;
	e->over_limit = i % 8 == 2;
	e->recipients = (unsigned)(i % 9);
	e->has_novelty_score = i % 5 == 0;
	e->novelty_score = i / 100.0;
	e->flags = i % 10 == 4 ? xstrdup("[\"scattergun\"]") : NULL;
	if (i % 23 == 22) {
		e->fp = xcalloc(1, sizeof(*e->fp));
		e->fp->person = xstrdup("someone@example.org");
		e->fp->message_id = xstrdup(t);
		e->fp->at = e->at;
		e->fp->data = xstrdup("fp");
	}
}

/* dump_rows - every column of every event row, in id order, as one text */
static char *dump_rows(void)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	struct buf b;
	int c;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM events ORDER BY id", -1, &stmt, NULL),
			 SQLITE_OK);
	buf_init(&b);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		for (c = 0; c < sqlite3_column_count(stmt); c++) {
			const unsigned char *v = sqlite3_column_text(stmt, c);
			buf_printf(&b, "%s|", v ? (const char *)v : "NULL");
		}
		buf_putc(&b, '\n');
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return buf_take(&b);
}

/* write_varied - events 0 .. n-1 in batches of per (one call each) */
static void write_varied(int n, int per)
{
	struct store_event v[64];
	struct store *st;
	char err[512];

	ck_assert_int_le(n, 64);
	ck_assert_msg(store_open(dbpath, STORE_WRITE, 1000, &st, err, sizeof(err)) == 0, "%s", err);
	for (int i = 0; i < n; i++)
		varied_event(&v[i], i);
	for (int i = 0; i < n; i += per)
		ck_assert_msg(store_events_insert(st, &v[i], (size_t)(n - i < per ? n - i : per), err,
						  sizeof(err)) == 0, "%s", err);
	for (int i = 0; i < n; i++)
		store_event_clear(&v[i]);
	store_close(st);
}

START_TEST(test_store_events_insert_many_rows_a_statement_as_one_at_a_time)
{
	char *one, *many;
	long fps;
	sqlite3 *db;
	sqlite3_stmt *stmt;

	/* 61 rows: 0-15 and 23-38 sixteen to a statement, 22 and 45 alone, the rest one by one */
	fresh_db();
	write_varied(61, 1);
	one = dump_rows();
	cleanup();
	fresh_db();
	write_varied(61, 61);
	many = dump_rows();
	ck_assert_int_eq(count_rows(), 61);
	ck_assert_str_eq(many, one);
	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM fingerprints", -1, &stmt,
					    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	fps = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	ck_assert_int_eq(fps, 2);	/* 22 and 45 */
	free(one);
	free(many);
	cleanup();
}
END_TEST

START_TEST(test_events_writer_writes_a_lone_event_within_a_second)
{
	struct store_event e;
	int waited = 0;

	fresh_db();
	ck_assert_int_eq(events_start(dbpath), 0);
	make_event(&e, 0, NULL);
	events_push(&e);
	while (count_rows() < 1 && waited < 2000) {
		usleep(20000);
		waited += 20;
	}
	/* written after the linger time, not held until a batch fills */
	ck_assert_int_eq(count_rows(), 1);
	ck_assert_int_lt(waited, 1000);
	events_stop();
	cleanup();
}
END_TEST

START_TEST(test_events_writer_writes_every_event_of_a_burst_and_at_stop)
{
	struct store_event e;
	int n = 3 * EVENTS_BATCH_MAX + 17;

	fresh_db();
	ck_assert_int_eq(events_start(dbpath), 0);
	for (int i = 0; i < n; i++) {
		make_event(&e, i, NULL);
		events_push(&e);
	}
	/* stop right away: what is still queued or lingering is drained */
	events_stop();
	ck_assert_int_eq(count_rows(), n);
	ck_assert_uint_eq(events_dropped(), 0);
	cleanup();
}
END_TEST

static Suite *events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("write");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_store_events_insert_keeps_its_statement_across_batches);
	tcase_add_test(tc, test_store_events_insert_many_rows_a_statement_as_one_at_a_time);
	tcase_add_test(tc, test_events_writer_writes_a_lone_event_within_a_second);
	tcase_add_test(tc, test_events_writer_writes_every_event_of_a_burst_and_at_stop);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(events_suite());
}
