#!/bin/sh
# digest-year.sh - performance: a digest over a year of events for 1,000
# restrictions (200,000 events over 365 days, inserted in one sqlite3
# transaction) builds in under five seconds, in text and in HTML. The
# figures are printed as TAP comments.
. "$top_srcdir/tests/cli/lib.sh"

TZ=Europe/London
export TZ
write_config
run init
NOW=$(date -d 2026-11-27T09:00 +%s)
DAY=86400
sqlite3 "$DB" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO service_users (id, name, case_ref, created_at)
	SELECT i, 'Person ' || i, 'C-' || (1000 + i), $NOW - 400 * $DAY FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO restrictions (id, user_id, action, file_mode, contact, contact_mode, limit_count,
	limit_period, over, status, reason, authorised_by, notified_on, starts, review_due,
	created_at, updated_at, trial)
	SELECT i, i, CASE i % 4 WHEN 0 THEN 'file' WHEN 1 THEN 'single-contact' WHEN 2 THEN 'limit'
		ELSE 'watch' END,
	CASE WHEN i % 4 = 0 THEN 'tag' END,
	CASE WHEN i % 4 = 1 THEN 'casework@staff.example' END,
	CASE WHEN i % 4 = 1 THEN 'redirect' END,
	CASE WHEN i % 4 = 2 THEN 5 END, CASE WHEN i % 4 = 2 THEN 86400 END,
	CASE WHEN i % 4 = 2 THEN 'hold' END,
	'active', 'reason', 'Dana Head', CASE WHEN i % 10 THEN $NOW - 300 * $DAY END,
	$NOW - 400 * $DAY, $NOW + (i % 400 - 30) * $DAY, $NOW - 400 * $DAY, $NOW - 400 * $DAY,
	i % 50 = 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO events (at, queue_id, message_id, person, user_ids, restriction_ids, actions,
	matched, outcomes, verdict, breach, unverified, would, recipients, effects, novelty)
	SELECT $NOW - 365 * $DAY + (i * 157) % (365 * $DAY), 'Q' || i, '<m' || i || '@example.org>',
	'p' || (i % 1000 + 1) || '@example.org', '[' || (i % 1000 + 1) || ']',
	'[' || (i % 1000 + 1) || ']', '["file"]', 'envelope-from', '[]',
	CASE WHEN i % 97 = 0 THEN 'hold' WHEN i % 31 = 0 THEN 'reject' ELSE 'accept' END,
	i % 23 = 0, i % 46 = 0,
	CASE WHEN (i % 1000 + 1) % 50 = 0 THEN '[{"id":' || (i % 1000 + 1) || ',"effect":"reject"}]' END,
	2,
	CASE WHEN (i % 1000 + 1) % 50 = 0 THEN '[]'
		ELSE '[{"id":' || (i % 1000 + 1) || ',"effect":"' ||
		CASE i % 6 WHEN 0 THEN 'file' WHEN 1 THEN 'redirect' WHEN 2 THEN 'tag'
			WHEN 3 THEN 'copy' WHEN 4 THEN 'hold' ELSE 'reject' END || '"}]' END,
	CASE i % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'repeat' END
	FROM n;
COMMIT;
SQL
expect_eq "$(sql "SELECT count(*) FROM events")" 200000 "200,000 events over a year"

# elapsed FORMAT - run the year's digest, print the seconds
elapsed() {
	t0=$(date +%s.%N)
	run digest --since 2025-11-27T09:00 --format "$1"
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }'
}
for f in text html; do
	secs=$(elapsed $f)
	echo "# a year of events, 1,000 restrictions, --format $f: ${secs} s"
	expect_exit 0 "the year's $f digest"
	# SLOW_BUILD (the sanitizer pass): the figure is for the normal build
	[ -n "${SLOW_BUILD:-}" ] && continue
	expect_eq "$(echo "$secs" | awk '{ print ($1 < 5) ? "fast" : "slow" }')" fast \
		"the year's $f digest builds in under 5 s (${secs} s)"
done
run digest --since 2025-11-27T09:00 --format text
expect_eq "$(grep -c '^#[0-9]* Person [0-9]* (C-[0-9]*) - ' "$T/out")" 1000 "every restriction has its mail"
expect_out_match '^  Messages seen +200000$' "every event is counted"
expect_out_match '^Per period of days:' "a year of mail is grouped into periods of days"
finish
