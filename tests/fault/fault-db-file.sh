#!/bin/sh
# fault-db-file.sh - the database file replaced, deleted, truncated or
# made unreadable under a running milter, mail going through Postfix.
#
# The milter runs as User postfix (dropped after start-up), so a file
# owned by root with mode 0000 is really unreadable to it (these tests
# run as root, for which chmod alone changes nothing). SnapshotMaxAge is
# 4s. For each fault: the last good snapshot is enforced at first (a
# blocked sender refused, a filed one tagged, anyone else delivered),
# one clear log line says so; once the snapshot is older than
# SnapshotMaxAge every outside message is tempfailed (OnDatabaseError
# tempfail), logged once; when a good file returns the milter reads it
# within a second, logs it, enforces again and its events are written
# there. Then OnDatabaseError accept (switched by SIGHUP): past
# SnapshotMaxAge mail is accepted without restrictions.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"
. "$top_srcdir/tests/fault/fault-lib.sh"

MAXAGE=4
fault_start dbfile "SnapshotMaxAge ${MAXAGE}s" "OnDatabaseError tempfail"
rblock=$(fault_add blocked@example.org --action block)
rfile=$(fault_add filed@example.org --action file)
fault_mx
senders="blocked@example.org filed@example.org other@example.net"
sqlite3 "$FT_DB" ".backup '$PH_DIR/good.db'" || ph_die "cannot back up $FT_DB"
chown --reference="$FT_DB" "$PH_DIR/good.db" && chmod --reference="$FT_DB" "$PH_DIR/good.db" \
	|| ph_die "cannot copy the owner and mode of $FT_DB"
probes=

# phase NAME EXPECT... - one probe from each sender; EXPECT for blocked, filed, other
phase() {
	p_name=$1
	shift
	fault_probe "$PH_DIR/$p_name.probe" "$p_name" 3 0 $senders >>"$PH_DIR/probe.out" 2>&1
	"$PH_PY" "$FT_TOOL" check "$PH_DIR/sink" "$PH_DIR/$p_name.probe" -- \
		blocked@example.org="$1" filed@example.org="$2" other@example.net="$3" \
		>"$PH_DIR/phase.out" 2>"$PH_DIR/phase.err"
	probes="$probes $PH_DIR/$p_name.probe"
}

# expect_phase NAME EXPECT... DESC - a phase whose three answers are as expected
expect_phase() {
	ph_wait_idle mx 20 >/dev/null
	phase "$1" "$2" "$3" "$4"
	ph_wait_idle mx 20 || ph_log "mx queue not empty after 20 s"
	"$PH_PY" "$FT_TOOL" check "$PH_DIR/sink" "$PH_DIR/$1.probe" -- \
		blocked@example.org="$2" filed@example.org="$3" other@example.net="$4" \
		>"$PH_DIR/phase.out" 2>"$PH_DIR/phase.err"
	expect_match "$(cat "$PH_DIR/phase.out")" ' wrong=0' "$5"
	[ -s "$PH_DIR/phase.err" ] && tap_diag "$PH_DIR/phase.err"
	return 0
}

# restore - a good copy of the database back in place (a new file, as a
# restored backup would be; the old file's -wal and -shm go with it)
restore() {
	cp -p "$PH_DIR/good.db" "$FT_DB.tmp" && rm -f "$FT_DB-wal" "$FT_DB-shm" \
		&& mv "$FT_DB.tmp" "$FT_DB" || ph_die "cannot restore $FT_DB"
}

# cycle NAME - the fault is in place: snapshot, then OnDatabaseError, then a good file
cycle() {
	t_fault=$(date +%s)
	sleep 1.2
	expect_phase "$1-stale" reject tag plain \
		"$1: within SnapshotMaxAge the last good snapshot is enforced"
	sleep $((MAXAGE + 1 - ($(date +%s) - t_fault)))
	expect_phase "$1-old" tempfail tempfail tempfail \
		"$1: past SnapshotMaxAge every outside message is tempfailed (OnDatabaseError tempfail)"
	restore
	sleep 1.5
	expect_phase "$1-back" reject tag plain "$1: a good file again: read and enforced"
}

expect_phase healthy reject tag plain "healthy: refused, tagged, delivered"

printf 'not a database%.0s' $(seq 300) >"$FT_DB.bad"
rm -f "$FT_DB-wal" "$FT_DB-shm"
mv "$FT_DB.bad" "$FT_DB"
cycle replaced

rm -f "$FT_DB" "$FT_DB-wal" "$FT_DB-shm"
cycle deleted

: >"$FT_DB"
cycle truncated

cp "$PH_DIR/good.db" "$FT_DB.tmp" && chown root:root "$FT_DB.tmp" && chmod 000 "$FT_DB.tmp"
rm -f "$FT_DB-wal" "$FT_DB-shm"
mv "$FT_DB.tmp" "$FT_DB"
cycle unreadable

# the messages of the last "back" phase have their events in the restored file
i=0
while [ $i -lt 50 ]; do
	n=$(sqlite3 -cmd '.timeout 2000' "$FT_DB" \
		"SELECT count(*) FROM events WHERE message_id LIKE '<unreadable-back.%'")
	[ "$n" = 2 ] && break
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$n" 2 "events written into the good file once it returned"

# OnDatabaseError accept: switched by SIGHUP; past SnapshotMaxAge, no restrictions
sed -i 's/^OnDatabaseError .*/OnDatabaseError accept/' "$PH_DIR/rm/restrict-milter.conf"
kill -HUP "$(cat "$PH_DIR/pids/rm.pid")"
sleep 0.5
rm -f "$FT_DB" "$FT_DB-wal" "$FT_DB-shm"
sleep $((MAXAGE + 1))
expect_phase accept plain plain plain \
	"deleted, OnDatabaseError accept: past SnapshotMaxAge mail is accepted without restrictions"
restore
sleep 1.5
expect_phase accept-back reject tag plain "accept: a good file again: enforced again"

ph_wait_idle mx 30 >/dev/null
"$PH_PY" "$FT_TOOL" check "$PH_DIR/sink" $probes -- >"$PH_DIR/all.out" 2>&1
fault_figures "database file test" "$(cat "$PH_DIR/all.out")"
fault_expect_none_lost "database file test"

log=$(grep -v 'verdict=' "$PH_DIR/rm/milter.log")
echo "$log" | grep -E 'error|warning' | sed 's/^/#   log: /'
expect_eq "$(fault_log_count 'enforcing the last good snapshot')" 5 \
	"each fault logged once: enforcing the last good snapshot"
expect_eq "$(fault_log_count 'no good read for longer than SnapshotMaxAge: answering tempfail')" 4 \
	"each fault past SnapshotMaxAge logged once: answering tempfail"
expect_eq "$(fault_log_count 'no good read for longer than SnapshotMaxAge: answering accept')" 1 \
	"past SnapshotMaxAge with OnDatabaseError accept logged once"
expect_eq "$(fault_log_count 'the database is readable again')" 5 "each recovery logged"
expect_match "$log" 'restrict.db: not readable: Permission denied' \
	"the unreadable file is named with the reason"
expect_match "$log" 'restrict.db: truncated to 0 bytes: not a database' \
	"the truncated file is named as such (reads from the -wal alone do not count)"
ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
