#!/bin/sh
# gen-db.sh - a benchmark database of N selectors, made fast.
#
#   gen-db.sh [-n SELECTORS] [-x REGEXES] [-e EVENTS] [-c CONF] [-r RESTRICTED-OUT] DB
#
# `restrictctl init` creates the schema (the one and only migration path),
# then one sqlite3 transaction inserts, with recursive CTEs, SELECTORS/10
# service users with 10 selectors each in canonical form (rules/selector.h):
# 8 exact addresses, 1 "@domain", 1 "@.subdomains" root, except that the
# first REGEXES users (default 100) have a "/PCRE2/" pattern instead of the
# subdomain root. Every user has one active restriction, the action by
# user id mod 10: 0-2 block, 3-5 file (tag), 6 watch, 7 monitor,
# 8 single-contact (redirect to enquiries@staff.example), 9 limit 20/1d.
# The generation is bumped once. With -e, EVENTS rows go into the event
# log (for `digest`): a week of mail from 100,000 people, 1 in 20 restricted.
# With -r, addresses that match restricted users (all four selector kinds)
# are written one a line, for proto-client -R and decide-bench -R; the
# first line is a `file` user's exact address (the e2e restricted sender).
# Needs: sqlite3, and restrictctl ($RESTRICTCTL, default restrictctl on PATH).
set -eu

n=100000 x=100 events=0 conf='' rout=''
while getopts n:x:e:c:r: o; do
	case $o in
	n) n=$OPTARG ;;
	x) x=$OPTARG ;;
	e) events=$OPTARG ;;
	c) conf=$OPTARG ;;
	r) rout=$OPTARG ;;
	*) echo "usage: gen-db.sh [-n SELECTORS] [-x REGEXES] [-e EVENTS] [-c CONF] [-r FILE] DB" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "gen-db.sh: which database?" >&2; exit 2; }
db=$1
ctl=${RESTRICTCTL:-restrictctl}
users=$((n / 10))
[ "$users" -ge 1 ] || { echo "gen-db.sh: -n must be at least 10" >&2; exit 2; }
[ "$x" -le "$users" ] || x=$users
command -v sqlite3 >/dev/null || { echo "gen-db.sh: sqlite3 not installed (apt-get install sqlite3)" >&2; exit 1; }

rm -f "$db" "$db-wal" "$db-shm"
if [ -n "$conf" ]; then
	"$ctl" -c "$conf" -d "$db" init >/dev/null
else
	"$ctl" -d "$db" init >/dev/null
fi

now=$(date +%s)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE u(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM u WHERE id < $users)
INSERT INTO service_users (id, name, case_ref, created_at)
	SELECT id, 'Bench Person ' || id, 'B-' || id, $now FROM u;

WITH RECURSIVE u(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM u WHERE id < $users),
	j(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM j WHERE k < 9),
	s(user_id, k, text, kind, key) AS (
		SELECT id, k,
			CASE WHEN k < 7 THEN 'svc' || id || '.' || k || '@sender' || (id % 997) || '.example'
			     WHEN k = 7 THEN 'svc' || id || '@relay' || (id % 50) || '.example.com'
			     WHEN k = 8 THEN '@d' || id || '.example'
			     WHEN id <= $x THEN '/^svc' || id || '[._-]?(alt|x)?[0-9]*@(.+\.)?rx' || id || '\.example$/'
			     ELSE '@.s' || id || '.example' END,
			CASE WHEN k < 8 THEN 'exact' WHEN k = 8 THEN 'domain'
			     WHEN id <= $x THEN 'regex' ELSE 'subdomains' END,
			CASE WHEN k < 7 THEN 'svc' || id || '.' || k || '@sender' || (id % 997) || '.example'
			     WHEN k = 7 THEN 'svc' || id || '@relay' || (id % 50) || '.example.com'
			     WHEN k = 8 THEN 'd' || id || '.example'
			     WHEN id <= $x THEN '^svc' || id || '[._-]?(alt|x)?[0-9]*@(.+\.)?rx' || id || '\.example$'
			     ELSE 's' || id || '.example' END
		FROM u, j)
INSERT INTO selectors (user_id, text, kind, key, created_at)
	SELECT user_id, text, kind, key, $now FROM s ORDER BY user_id, k;

WITH RECURSIVE u(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM u WHERE id < $users)
INSERT INTO restrictions (user_id, action, file_mode, contact, contact_mode, limit_count,
		limit_period, over, trial, status, reason, authorised_by, notified_on, starts,
		review_due, created_at, updated_at)
	SELECT id,
		CASE WHEN id % 10 < 3 THEN 'block' WHEN id % 10 < 6 THEN 'file'
		     WHEN id % 10 = 6 THEN 'watch' WHEN id % 10 = 7 THEN 'monitor'
		     WHEN id % 10 = 8 THEN 'single-contact' ELSE 'limit' END,
		CASE WHEN id % 10 IN (3, 4, 5) THEN 'tag' END,
		CASE WHEN id % 10 = 8 THEN 'enquiries@staff.example' END,
		CASE WHEN id % 10 = 8 THEN 'redirect' END,
		CASE WHEN id % 10 = 9 THEN 20 END,
		CASE WHEN id % 10 = 9 THEN 86400 END,
		CASE WHEN id % 10 = 9 THEN 'file' END,
		0, 'active', 'benchmark', 'Bench Authoriser', $now - 86400, $now - 86400,
		$now + 365 * 86400, $now, $now
	FROM u;

UPDATE meta SET value = value + 1 WHERE key = 'generation';
COMMIT;
SQL

if [ "$events" -gt 0 ]; then
	sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE e(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM e WHERE i < $events)
INSERT INTO events (at, queue_id, message_id, person, user_ids, restriction_ids, actions,
		matched, outcomes, verdict, recipients, counted_users)
	SELECT $now - 7 * 86400 + (i * 604800) / $events,
		printf('%X', 1048576 + i),
		'<' || i || '.bench@client.example>',
		CASE WHEN i % 20 = 0 THEN 'svc' || ((i / 20) % $users + 1) || '.0@sender'
			|| (((i / 20) % $users + 1) % 997) || '.example'
		     ELSE 'sender' || (i % 100000) || '@mail' || (i % 997) || '.example.net' END,
		CASE WHEN i % 20 = 0 THEN '[' || ((i / 20) % $users + 1) || ']' ELSE '[]' END,
		CASE WHEN i % 20 = 0 THEN '[' || ((i / 20) % $users + 1) || ']' ELSE '[]' END,
		CASE WHEN i % 20 = 0 THEN '["file"]' ELSE '[]' END,
		CASE WHEN i % 20 = 0 THEN 'envelope-from' ELSE 'none' END,
		'[{"address":"staff' || (i % 500) || '@staff.example","outcome":"accept","stage":"eom","filed":false,"to":[],"restriction":null}]',
		'accept', 1, NULL
	FROM e;
COMMIT;
SQL
fi

if [ -n "$rout" ]; then
	# the e2e sender first: user 3 (file --mode tag), its first exact address
	{
		echo "svc3.0@sender3.example"
		i=1
		while [ "$i" -le "$users" ] && [ "$i" -le 2000 ]; do
			case $((i % 4)) in
			0) echo "svc$i.$((i % 7))@sender$((i % 997)).example" ;;
			1) echo "someone$i@d$i.example" ;;
			2) if [ "$i" -le "$x" ]; then echo "svc${i}x42@mail.rx$i.example"
			   else echo "anyone$i@mail.s$i.example"; fi ;;
			3) echo "SVC$i.$((i % 7))+case@Sender$((i % 997)).example" ;;
			esac
			i=$((i + 1))
		done
	} >"$rout"
fi
echo "gen-db: $db: $users users, $((users * 10)) selectors ($x PCRE2), $users restrictions, $events events"
