/*
 * store_digest_mail.c - the digest's mail figures: per restriction, what
 * was done with the mail of the period (from each event's effects, trial
 * "would" outcomes and verdict), new against repeat, breaches, and the
 * mail per local day (or group of days) for the charts.
 *
 * Aggregation happens in SQL, one query per figure, so a year of events
 * costs a few scans of the events_at index, never a query per row.
 */
#include "store_int.h"
#include "store_digest.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the period's events that matched a restriction; ?1 since, ?2 until */
#define PERIOD "e.at >= ?1 AND e.at < ?2 AND e.internal = 0"
#define MATCHED PERIOD " AND e.restriction_ids <> '[]' AND json_valid(e.restriction_ids)"
/* the chart bar of an event: local days since ?3 (a date), ?4 days per bar */
#define BUCKET \
	"CAST(julianday(date(e.at, 'unixepoch', 'localtime')) - julianday(?3) AS INTEGER) / ?4"
/*
 * the effect restriction j.value had on event e, from a list of {"id",
 * "effect"}: the first entry directly (nearly always the one), else a search
 */
#define EFFECT_IN(col) \
	"CASE WHEN json_valid(" col ") THEN CASE WHEN json_extract(" col ", '$[0].id') = j.value" \
	" THEN json_extract(" col ", '$[0].effect') ELSE (SELECT json_extract(x.value, '$.effect')" \
	" FROM json_each(" col ") x WHERE json_extract(x.value, '$.id') = j.value) END END"

/*
 * per restriction and chart bar: what it did (its own effect, else what a
 * trial would have done, else the verdict), novelty and breaches; ?5 is
 * now. One scan of the period's events; the rows come in restriction order.
 */
#define MAIL_QUERY \
	"WITH per AS (SELECT CAST(j.value AS INTEGER) AS rid, " BUCKET " AS bucket, e.novelty," \
	"  e.breach, e.unverified, coalesce(" EFFECT_IN("e.effects") ", " EFFECT_IN("e.would") "," \
	"   CASE e.verdict WHEN 'accept' THEN 'tag' ELSE e.verdict END) AS eff" \
	"  FROM events e, json_each(e.restriction_ids) j WHERE " MATCHED ")," \
	" agg AS (SELECT rid, bucket, count(*) AS total," \
	"  sum(eff NOT IN ('file', 'redirect', 'copy', 'reject', 'tempfail', 'hold')) AS c0," \
	"  sum(eff = 'file') AS c1, sum(eff = 'redirect') AS c2, sum(eff = 'copy') AS c3," \
	"  sum(eff IN ('reject', 'tempfail')) AS c4, sum(eff = 'hold') AS c5," \
	"  sum(novelty = 'new') AS nn, sum(novelty = 'repeat') AS nr," \
	"  sum(breach <> 0) AS br, sum(breach <> 0 AND unverified <> 0) AS bu" \
	"  FROM per GROUP BY rid, bucket)" \
	" SELECT a.rid, u.name, u.case_ref, r.action, r.status, coalesce(r.trial, 0), a.total," \
	"  a.c0, a.c1, a.c2, a.c3, a.c4, a.c5, a.nn, a.nr," \
	"  CASE WHEN r.action IN ('single-contact', 'limit') THEN a.br ELSE 0 END," \
	"  CASE WHEN r.action IN ('single-contact', 'limit') THEN a.bu ELSE 0 END," \
	"  r.status = 'active' AND (r.ends IS NULL OR r.ends > ?5), a.bucket" \
	" FROM agg a LEFT JOIN restrictions r ON r.id = a.rid" \
	" LEFT JOIN service_users u ON u.id = r.user_id ORDER BY a.rid, a.bucket"

#define DAY_TOTALS \
	"SELECT " BUCKET ", count(*) FROM events e WHERE " MATCHED " GROUP BY 1"

#define TOTALS \
	"SELECT count(*), coalesce(sum(e.restriction_ids <> '[]'), 0)," \
	" coalesce(sum(e.verdict IN ('reject', 'tempfail')), 0)," \
	" coalesce(sum(e.verdict = 'hold'), 0) FROM events e WHERE " PERIOD

/* local_midnight - 00:00 local of the day days after the day holding t */
static time_t local_midnight(time_t t, int days)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return t + (time_t)days * 86400;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

void store_digest_buckets(struct store_digest *d)
{
	int ndays = 1, i;

	while (ndays < 3660 && local_midnight(d->since, ndays) < d->until)
		ndays++;
	d->bucket_days = (ndays + DIGEST_MAX_BUCKETS - 1) / DIGEST_MAX_BUCKETS;
	d->nbuckets = (ndays + d->bucket_days - 1) / d->bucket_days;
	for (i = 0; i <= d->nbuckets; i++)
		d->bucket_start[i] = local_midnight(d->since, i * d->bucket_days);
}

/* mail_query - prepare sql with the period, the charts' layout and now bound */
static sqlite3_stmt *mail_query(struct store *st, const char *sql, const struct store_digest *d,
				char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, sql, err, errlen);
	char day[32];
	int n, b = 0;

	if (!stmt)
		return NULL;
	n = sqlite3_bind_parameter_count(stmt);
	time_format_local_date(d->since, day, sizeof(day));
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)d->since);
	b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)d->until);
	if (n >= 4) {
		b |= sqlite3_bind_text(stmt, 3, day, -1, SQLITE_TRANSIENT);
		b |= sqlite3_bind_int(stmt, 4, d->bucket_days);
	}
	if (n >= 5)
		b |= sqlite3_bind_int64(stmt, 5, (sqlite3_int64)d->now);
	return store_bound(st, stmt, b, err, errlen) == 0 ? stmt : NULL;
}

/* done - finalize; -1 with err unless the statement ran to SQLITE_DONE */
static int done(struct store *st, sqlite3_stmt *stmt, int rc, char *err, size_t errlen)
{
	if (rc != SQLITE_DONE)
		store_error(st, "cannot read the digest's mail figures", err, errlen);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* bucket_index - a chart bar from SQL, clamped into range */
static int bucket_index(const struct store_digest *d, sqlite3_stmt *stmt, int col)
{
	long long b = sqlite3_column_int64(stmt, col);

	if (b < 0)
		return 0;
	return b >= d->nbuckets ? d->nbuckets - 1 : (int)b;
}

/* mail_row - one restriction's figures for one bar; counts those in force in *live */
static void mail_row(sqlite3_stmt *stmt, struct store_digest *d, long long *live)
{
	long long id = sqlite3_column_int64(stmt, 0), n;
	struct digest_mail *m = d->nmail ? &d->mail[d->nmail - 1] : NULL;
	int k;

	if (m == NULL || m->id != id) {
		d->mail = xreallocarray(d->mail, d->nmail + 1, sizeof(*d->mail));
		m = &d->mail[d->nmail++];
		memset(m, 0, sizeof(*m));
		m->id = id;
		m->name = store_col_dup(stmt, 1);
		m->case_ref = store_col_dup(stmt, 2);
		m->action = store_col_dup(stmt, 3);
		m->status = store_col_dup(stmt, 4);
		m->trial = sqlite3_column_int(stmt, 5) != 0;
		*live += sqlite3_column_int(stmt, 17) != 0;
	}
	m->total += n = sqlite3_column_int64(stmt, 6);
	m->buckets[bucket_index(d, stmt, 18)] += n;
	for (k = 0; k < DIGEST_NCATS; k++)
		m->cat[k] += sqlite3_column_int64(stmt, 7 + k);
	m->novel_new += sqlite3_column_int64(stmt, 13);
	m->novel_repeat += sqlite3_column_int64(stmt, 14);
	m->breaches += sqlite3_column_int64(stmt, 15);
	m->breaches_unverified += sqlite3_column_int64(stmt, 16);
	d->breaches += sqlite3_column_int64(stmt, 15);
}

/* read_totals - the period's mail as a whole and per bar */
static int read_totals(struct store *st, struct store_digest *d, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = mail_query(st, DAY_TOTALS, d, err, errlen);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		d->day_total[bucket_index(d, stmt, 0)] += sqlite3_column_int64(stmt, 1);
	if (done(st, stmt, rc, err, errlen) != 0)
		return -1;
	if ((stmt = mail_query(st, TOTALS, d, err, errlen)) == NULL)
		return -1;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		d->mail_all = sqlite3_column_int64(stmt, 0);
		d->mail_matched = sqlite3_column_int64(stmt, 1);
		d->mail_refused = sqlite3_column_int64(stmt, 2);
		d->mail_held = sqlite3_column_int64(stmt, 3);
		rc = sqlite3_step(stmt);
	}
	return done(st, stmt, rc, err, errlen);
}

/* by_total - most mail first, then by id */
static int by_total(const void *a, const void *b)
{
	const struct digest_mail *x = a, *y = b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

int store_digest_mail(struct store *st, struct store_digest *d, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = mail_query(st, MAIL_QUERY, d, err, errlen);
	long long live = 0;
	int rc;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		mail_row(stmt, d, &live);
	if (done(st, stmt, rc, err, errlen) != 0 || read_totals(st, d, err, errlen) != 0)
		return -1;
	d->quiet = d->in_force > live ? d->in_force - live : 0;
	if (d->nmail > 1)
		qsort(d->mail, d->nmail, sizeof(*d->mail), by_total);
	return 0;
}
