#!/bin/sh
# fault-db-lock.sh - another process holds the database with
# PRAGMA locking_mode=EXCLUSIVE and a write for 10 s while mail flows.
#
# Under WAL an ordinary write lock blocks no reader; an EXCLUSIVE-mode
# writer blocks every other connection, the milter's snapshot reader and
# event writer included. But the running milter's connections hold WAL's
# shared lock on the file they have open, so such a writer cannot get in
# (checked first); the lock is therefore taken on a copy renamed into
# place, which the milter must reopen. Probes go through Postfix before,
# during and after the lock: a blocked sender is refused, a filed sender tagged,
# anyone else delivered untouched, none tempfailed, none lost (decisions
# come from the in-memory snapshot), and every message's event is in the
# database once the lock is gone.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"
. "$top_srcdir/tests/fault/fault-lib.sh"

HOLD=${FAULT_LOCK_SECS:-10}
N=240		# 0.05 s apart: 12 s of mail through the 10 s lock
fault_start lock
rblock=$(fault_add blocked@example.org --action block)
rfile=$(fault_add filed@example.org --action file)
fault_mx
ph_log "restrictions: block id=$rblock, file id=$rfile"

# 1. against the running milter: its open connections hold WAL's shared
# lock on the file, so the EXCLUSIVE-mode writer cannot get in at all
fault_probe "$PH_DIR/before.probe" before 60 0 blocked@example.org filed@example.org \
	other@example.net >"$PH_DIR/probe.out" 2>&1
"$PH_PY" "$FT_TOOL" lock "$FT_DB" 1 "$PH_DIR/locked0" 3 >"$PH_DIR/lock0.out" 2>&1
expect_eq "$? $(cat "$PH_DIR/lock0.out")" "1 lock: database is locked" \
	"an EXCLUSIVE writer cannot lock the file the running milter has open (3 s wait)"
i=0
while [ "$(fault_events)" != 60 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$(fault_events)" 60 "the first 60 messages have their events"

# 2. so take it on a copy and rename that into place: the milter must
# reopen the path and finds it EXCLUSIVE-locked for HOLD seconds
t0=$(date +%s)
sqlite3 "$FT_DB" ".backup '$FT_DB.new'" && chown --reference="$FT_DB" "$FT_DB.new" \
	&& chmod --reference="$FT_DB" "$FT_DB.new" || ph_die "cannot copy $FT_DB"
"$PH_PY" "$FT_TOOL" lock "$FT_DB.new" "$HOLD" "$PH_DIR/locked" 10 "$FT_DB" \
	>"$PH_DIR/lock.out" 2>&1 &
ph_record lock $!
i=0
while [ ! -e "$PH_DIR/locked" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
lock_from=$(fault_now)
fault_probe "$PH_DIR/lock.probe" lock "$N" 0.05 blocked@example.org filed@example.org \
	other@example.net >"$PH_DIR/probe.out" 2>&1 &
ph_record probe $!
sleep 1
if "$PH_PY" "$FT_TOOL" locked "$FT_DB"; then
	ok "the database is locked: another connection cannot even read it"
else
	not_ok "the database is locked: another connection cannot even read it"
fi
wait "$(cat "$PH_DIR/pids/lock.pid")"
lock_rc=$?
lock_to=$(fault_now)
expect_eq "$lock_rc $(cat "$PH_DIR/lock.out")" "0 " "the lock was held ${HOLD} s and released"
wait "$(cat "$PH_DIR/pids/probe.pid")"
secs=$(($(date +%s) - t0))

fault_check "lock test" "$PH_DIR/before.probe" "$PH_DIR/lock.probe" -- blocked@example.org=reject \
	filed@example.org=tag other@example.net=plain
during=$(awk -v a="$lock_from" -v b="$lock_to" '$2 >= a && $2 <= b' "$PH_DIR/lock.probe" | wc -l)
echo "# lock test: $during messages started while the lock was held ($lock_from-$lock_to), time=${secs}s"
expect_eq "${ft_sent:-?}" "$((N + 60))" "all $((N + 60)) probes sent"
expect_eq "${ft_wrong:-?}" 0 "every message handled as its sender's restriction says, during the lock too"
expect_eq "${ft_tempfailed:-?}" 0 "no message refused wrongly (no 4xx)"
fault_expect_none_lost "lock test"
expect_match "$(grep -v 'events:' "$PH_DIR/rm/milter.log")" 'locked.*enforcing the last good snapshot' \
	"the snapshot reader met the lock, logged it, and kept the last good snapshot"
if [ "$during" -ge $((HOLD * 10)) ]; then
	ok "mail flowed while the lock was held ($during messages)"
else
	not_ok "mail flowed while the lock was held ($during messages)"
fi

# the writer could not write during the lock, and catches up after it
expect_match "$(grep 'events:' "$PH_DIR/rm/milter.log")" 'locked' \
	"the event writer met the lock and logged it"
i=0
while [ "$(fault_events)" != "$((N + 60))" ] && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
events_after=$(fault_events)
echo "# events: $events_after rows after the lock (want $((N + 60)))"
expect_eq "$events_after" "$((N + 60))" "one event row per message, written once the lock was gone"
expect_match "$(grep 'events:' "$PH_DIR/rm/milter.log")" 'writing again' \
	"the event writer logged its recovery"
ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
