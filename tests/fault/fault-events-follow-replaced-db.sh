#!/bin/sh
# fault-events-follow-replaced-db.sh - after the database file is replaced
# by a good one (a restored backup), the events of later mail are written
# into the new file, not into the old, unlinked one.
#
# Regression test: the event writer kept its connection until a write
# failed, and writing into a replaced (unlinked) file does not fail, so
# every event after a restore was silently lost.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"
. "$top_srcdir/tests/fault/fault-lib.sh"

fault_start replaced
fault_add blocked@example.org --action block >/dev/null
fault_mx
senders="blocked@example.org other@example.net"

# wait_events N - until the database holds N event rows (5 s at most)
wait_events() {
	w_i=0
	while [ "$(fault_events)" != "$1" ] && [ $w_i -lt 50 ]; do
		sleep 0.1
		w_i=$((w_i + 1))
	done
	fault_events
}

fault_probe "$PH_DIR/first.probe" first 10 0 $senders >"$PH_DIR/probe.out" 2>&1
expect_eq "$(wait_events 10)" 10 "before: one event per message"
sqlite3 "$FT_DB" ".backup '$FT_DB.new'" && chown --reference="$FT_DB" "$FT_DB.new" \
	&& chmod --reference="$FT_DB" "$FT_DB.new" || ph_die "cannot copy $FT_DB"
rm -f "$FT_DB-wal" "$FT_DB-shm"
mv "$FT_DB.new" "$FT_DB"
sleep 1.5
fault_probe "$PH_DIR/second.probe" second 10 0 $senders >>"$PH_DIR/probe.out" 2>&1
expect_eq "$(wait_events 20)" 20 "after the file was replaced: the new messages' events are in the new file"
fault_check "replaced-database test" "$PH_DIR/first.probe" "$PH_DIR/second.probe" -- \
	blocked@example.org=reject other@example.net=plain
expect_eq "${ft_wrong:-?}" 0 "every message handled as its sender's restriction says"
fault_expect_none_lost "replaced-database test"
ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
