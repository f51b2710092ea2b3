#!/bin/sh
# fault-load.sh - mail through Postfix while restrictions change every 100 ms.
#
# Two SMTP clients send FAULT_LOAD_MESSAGES messages (default 3,000;
# `make check-long` sends 50,000) as fast as Postfix takes them, from 20
# senders whose block restriction a loop adds or lifts with restrictctl,
# one change every 100 ms round robin (each sender changes every 2 s),
# plus a sender under a constant `file` restriction and one never
# restricted. A message that started (MAIL FROM) more than one second
# after its sender's last change was committed (restrictctl had returned:
# the audit row is written in that transaction) must be handled as that
# change says: refused at RCPT while blocked, delivered untagged once
# lifted. Messages inside a change's second may go either way but must
# be refused or delivered, never tempfailed or lost. The milter logs no
# error or warning. Figures: sent, delivered, rejected, held, lost,
# messages checked, changes made, time.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"
. "$top_srcdir/tests/fault/fault-lib.sh"

# FAULT_QUICK=1 (scripts/test-all.sh's sanitizer pass): a tenth of the messages
N=${FAULT_LOAD_MESSAGES:-3000}
[ "${FAULT_QUICK:-0}" = 1 ] && N=$((N / 10))
HALF=$((N / 2))
fault_start load
rfile=$(fault_add filed@example.org --action file)
fault_mx
toggled=
for k in $(seq 0 19); do
	toggled="$toggled t$k@example.org"
done
audit_before=$(sqlite3 "$FT_DB" 'SELECT max(id) FROM audit')

t0=$(date +%s)
"$PH_PY" "$FT_TOOL" toggle "$PH_CTL" "$PH_DIR/rm/restrict-milter.conf" "$PH_DIR/changes" \
	"$PH_DIR/stop" 0.1 $toggled >"$PH_DIR/toggle.out" 2>&1 &
ph_record toggle $!
sleep 1
fault_probe "$PH_DIR/a.probe" load-a "$HALF" 0 $toggled filed@example.org other@example.net \
	>"$PH_DIR/probe-a.out" 2>&1 &
ph_record probe-a $!
fault_probe "$PH_DIR/b.probe" load-b "$((N - HALF))" 0 other@example.net filed@example.org \
	$toggled >"$PH_DIR/probe-b.out" 2>&1 &
ph_record probe-b $!
wait "$(cat "$PH_DIR/pids/probe-a.pid")"
wait "$(cat "$PH_DIR/pids/probe-b.pid")"
send_secs=$(($(date +%s) - t0))
touch "$PH_DIR/stop"
wait "$(cat "$PH_DIR/pids/toggle.pid")"
expect_eq "$?" 0 "the change loop ran without a restrictctl failure"
[ -s "$PH_DIR/toggle.out" ] && tap_diag "$PH_DIR/toggle.out"

ph_wait_idle mx $((60 + N / 50)) || ph_log "mx queue not empty"
secs=$(($(date +%s) - t0))
"$PH_PY" "$FT_TOOL" load-check "$PH_DIR/sink" "$PH_DIR/a.probe,$PH_DIR/b.probe" \
	"$PH_DIR/changes" 1.0 filed@example.org=tag other@example.net=plain \
	>"$PH_DIR/check.out" 2>"$PH_DIR/check.err"
fault_figures "load test" "$(cat "$PH_DIR/check.out") time=${secs}s sending=${send_secs}s"
[ -s "$PH_DIR/check.err" ] && tap_diag "$PH_DIR/check.err"
expect_eq "${ft_sent:-?}" "$N" "all $N messages sent"
expect_eq "${ft_wrong:-?}" 0 "every message started over 1 s after its sender's last change handled as it says"
if [ "${ft_checked:-0}" -ge $((N / 3)) ] && [ "${ft_changes:-0}" -ge $((send_secs * 5)) ]; then
	ok "the check covered ${ft_checked} messages and ${ft_changes} changes"
else
	not_ok "the check covered ${ft_checked:-?} messages and ${ft_changes:-?} changes (too few)"
fi
expect_eq "${ft_tempfailed:-?}" 0 "no message tempfailed"
fault_expect_none_lost "load test"
audit_rows=$(sqlite3 "$FT_DB" "SELECT count(*) FROM audit WHERE id > $audit_before")
expect_eq "$audit_rows" "$(wc -l <"$PH_DIR/changes")" "one audit row per change"
expect_eq "$(grep -E ': (error|warning):' "$PH_DIR/rm/milter.log" | head -n 5)" "" \
	"no error or warning in the milter's log"
echo "# snapshot rebuilds: $(fault_log_count 'snapshot rebuilt')"
ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
