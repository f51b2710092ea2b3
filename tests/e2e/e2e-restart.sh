#!/bin/sh
# e2e-restart.sh - nothing lost, nothing doubled, nothing unfiltered when
# the milter is restarted under load.
#
# An edge Postfix (no milter; retries after 1-2 s) relays a stream of
# messages, each with a unique Message-ID and every 4th from a sender under
# a `file` restriction, into the filtering Postfix (smtpd_milters =
# restrict-milter, milter_default_action = tempfail), which delivers to the
# sink. Once part of the stream has arrived the milter is stopped with
# SIGTERM and started again. Every Message-ID must arrive exactly once, the
# restricted ones tagged and none of the others; while the milter is down
# a client gets 4xx (tempfail, retried), and the edge must have seen those
# deferrals, or the test proved nothing.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"

N=${E2E_RESTART_MESSAGES:-200}
EVERY=4
STOP_AT=$((N / 5))

ph_setup restart
set -- $(ph_ports 3)
mxport=$1 edgeport=$2 sinkport=$3
ph_sink_start sink "$sinkport"
ph_milter_conf rm "StaffDomains staff.example" "FilingMailbox records@staff.example" \
	"InternalHosts 192.0.2.0/24"
rid=$(ph_ctl rm add restricted@example.org --action file --reason "e2e test" \
	--authorised-by "Dana Head" 2>&1 | head -n 1)
ph_milter_start rm
# both Postfixes retry within seconds (PH_QUICK_RETRY)
ph_postfix_new mx "$mxport" "127.0.0.1:$sinkport" "unix:$PH_DIR/rm/milter.sock" "$PH_QUICK_RETRY"
# Postfix's smtpd keeps answering 451 for the rest of a session whose milter
# failed; a cached edge connection would carry that on for ~15 s after the
# restart (until smtpd's error limit ends the session), so no caching here
ph_postfix_new edge "$edgeport" "127.0.0.1:$mxport" "" \
	"$PH_QUICK_RETRY" "smtp_connection_cache_on_demand = no"
ph_postfix_start mx
ph_postfix_start edge

# delivered - stream messages in the sink so far
delivered() {
	grep -l '^Message-I[Dd]: <stream\.' "$PH_DIR/sink"/*.eml 2>/dev/null | wc -l
}

t0=$(date +%s)
"$PH_PY" "$PH_TOOL" stream "$edgeport" "$N" stream "$EVERY" restricted@example.org \
	other@example.net alice@staff.example >"$PH_DIR/stream.out" 2>&1 &
ph_record stream $!

# wait for part of the stream to arrive, then stop the milter mid-stream
i=0
while [ "$(delivered)" -lt "$STOP_AT" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
at_stop=$(delivered)
ts=$(date +%s)
ph_milter_stop rm
stop_secs=$(($(date +%s) - ts))
ph_log "milter stopped after $at_stop of $N deliveries (exit took ${stop_secs}s)"

# while it is down, the filtering Postfix answers 4xx: mail waits, is not lost
ph_swaks "$mxport" "$PH_DIR/down.out" --from someone@example.net --to alice@staff.example \
	--header "Message-Id: <down@e2e.example>"
down_rc=$?
expect_match "$(grep -E '^<\*\* ' "$PH_DIR/down.out" | head -n 1)" '^<\*\* 4[0-9][0-9] ' \
	"milter down: the client is told 4xx (try again later)"
expect_eq "$(ph_count sink down@e2e.example)" 0 "milter down: nothing delivered unfiltered"
[ "$down_rc" -ne 0 ] || ph_log "swaks exited 0 while the milter was down"
sleep 1

ph_milter_start rm
ph_log "milter restarted"

# the stream must finish: all injected, both queues empty, all delivered
i=0
while [ $i -lt 600 ]; do
	if ! ph_alive "$(cat "$PH_DIR/pids/stream.pid")" && [ "$(ph_queue_count edge)" = 0 ] \
		&& [ "$(ph_queue_count mx)" = 0 ] && [ "$(delivered)" -ge "$N" ]; then
		break
	fi
	sleep 0.1
	i=$((i + 1))
done
secs=$(($(date +%s) - t0))
[ $i -lt 600 ] || ph_log "still waiting after 60 s: edge queue $(ph_queue_count edge), mx queue $(ph_queue_count mx), delivered $(delivered)"
wait "$(cat "$PH_DIR/pids/stream.pid")" 2>/dev/null
expect_eq "$(cat "$PH_DIR/stream.out")" "" "all $N messages handed to the edge Postfix"

set -- $("$PH_PY" "$PH_TOOL" stream-check "$PH_DIR/sink" stream "$N" "$EVERY" "file; id=$rid")
echo "# restart test: $*, time=${secs}s, milter stopped at $at_stop delivered"
for kv in "$@"; do
	eval "sc_${kv%%=*}=\${kv#*=}"
done
deferred=$(grep -c 'status=deferred' "$PH_DIR/edge/maillog")
echo "# edge deferrals while the milter was down: $deferred"
expect_eq "${sc_delivered:-?}" "$N" "every Message-ID delivered ($N sent)"
expect_eq "${sc_duplicates:-?}" 0 "no Message-ID delivered twice"
expect_eq "${sc_lost:-?}" 0 "none lost"
# where a missing message went: every log line of its queue ids, both Postfixes
if [ "${sc_lost:-0}" != 0 ]; then
	for mid in $(echo "$sc_missing" | tr ',' ' '); do
		for pf in edge mx; do
			for qid in $(grep -F "message-id=<$mid>" "$PH_DIR/$pf/maillog" \
				| sed -n 's/.*: \([0-9A-F][0-9A-F]*\): message-id=.*/\1/p' | sort -u); do
				grep -F " $qid: " "$PH_DIR/$pf/maillog" | sed "s/^/# $pf: /"
				[ "$pf" = edge ] || grep -F ": $qid: " "$PH_DIR/rm/milter.log" \
					| sed 's/^/# milter: /'
			done
		done
	done
fi
expect_eq "${sc_untagged_restricted:-?}" 0 "every restricted message carries the file tag"
expect_eq "${sc_tagged_other:-?}" 0 "no other message tagged"
if [ "$at_stop" -lt "$N" ] && [ "$deferred" -gt 0 ]; then
	ok "the milter was stopped mid-stream and the edge had to retry ($deferred deferrals)"
else
	not_ok "the milter was stopped mid-stream and the edge had to retry ($deferred deferrals, stopped at $at_stop)"
fi
held=$(find "$PH_DIR/mx/queue/hold" "$PH_DIR/edge/queue/hold" -type f | wc -l)
expect_eq "$held" 0 "nothing left in either hold queue"
ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
