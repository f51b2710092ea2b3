#!/bin/sh
# e2e-internal.sh - internal mail through a real Postfix: with loopback in
# InternalHosts, mail from 127.0.0.1 is never restricted, and every header
# starting with HeaderPrefix is removed from it, so our tags never leave
# the office. Then the same config without loopback, re-read on SIGHUP,
# refuses the same sender: the restrictions were there all along.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"

ph_setup internal
set -- $(ph_ports 2)
smtp=$1 sinkport=$2
ph_sink_start sink "$sinkport"
settings="StaffDomains staff.example|FilingMailbox records@staff.example|MonitorMailbox monitor@staff.example"
IFS='|'
# shellcheck disable=SC2086
ph_milter_conf rm $settings "InternalHosts 127.0.0.0/8, ::1"
unset IFS
for a in "blocked@example.org --action block" "filed@example.org --action file" \
	"monitored@example.org --action monitor"; do
	# shellcheck disable=SC2086
	ph_ctl rm add $a --reason "e2e test" --authorised-by "Dana Head" >/dev/null 2>&1 \
		|| ph_die "restrictctl add $a failed"
done
ph_milter_start rm
ph_postfix_new mx "$smtp" "127.0.0.1:$sinkport" "unix:$PH_DIR/rm/milter.sock"
ph_postfix_start mx

# send NAME FROM TO [SWAKS-ARGS...] - one message with Message-ID <NAME@e2e.example>
send() {
	s_name=$1 s_from=$2 s_to=$3
	shift 3
	ph_swaks "$smtp" "$PH_DIR/$s_name.out" --from "$s_from" --to "$s_to" \
		--header "Message-Id: <$s_name@e2e.example>" --header "Subject: Letter $s_name" "$@"
}
to() { ph_delivered_to sink "$1@e2e.example" | tr '\n' ';'; }
ours() { ph_prefixed sink "$1@e2e.example" X-Restriction; }

send int-blocked blocked@example.org alice@staff.example
send int-filed filed@example.org alice@staff.example
send int-monitored monitored@example.org alice@staff.example
send int-outbound alice@staff.example someone@example.net \
	--add-header "X-Restriction: file; id=2" \
	--add-header "X-Restriction-Original-Recipients: ceo@staff.example" \
	--add-header "x-RESTRICTION-novelty: repeat; score=0.91"
ph_wait_idle mx 20 || ph_log "mx queue not idle after 20 s"

expect_match "$(ph_reply "$PH_DIR/int-blocked.out" alice@staff.example)" '^250 ' \
	"internal: a blocked sender is accepted at RCPT"
expect_match "$(ph_reply "$PH_DIR/int-blocked.out" .)" '^250 ' "internal: and at end of DATA"
expect_eq "$(to int-blocked)" "alice@staff.example;" "internal: blocked sender delivered"
expect_eq "$(ours int-blocked)" "" "internal: no tag"
expect_eq "$(ph_header sink int-filed@e2e.example Subject)" "Letter int-filed" \
	"internal: filed sender's subject untouched"
expect_eq "$(to int-monitored)" "alice@staff.example;" "internal: no monitor copy"
expect_eq "$(to int-outbound)" "someone@example.net;" "internal outbound: delivered"
expect_eq "$(ours int-outbound)" "" "internal outbound: every X-Restriction* header removed"
db="$PH_DIR/rm/db/restrict.db"
i=0
while [ "$(sqlite3 "$db" 'SELECT count(*) FROM events WHERE internal = 1')" != 4 ] && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$(sqlite3 "$db" 'SELECT count(*) FROM events WHERE internal = 1')" 4 \
	"internal: four events marked internal"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE restriction_ids != '[]'")" 0 \
	"internal: no restriction applied in any event"

# the same sender, loopback no longer internal (config re-read on SIGHUP)
sed -i 's|^InternalHosts .*|InternalHosts 192.0.2.0/24|' "$PH_DIR/rm/restrict-milter.conf"
kill -HUP "$(cat "$PH_DIR/pids/rm.pid")"
i=0
while ! grep -q 'SIGHUP: configuration .* re-read' "$PH_DIR/rm/milter.log" \
	&& [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.2
send ext-blocked blocked@example.org alice@staff.example
expect_match "$(ph_reply "$PH_DIR/ext-blocked.out" alice@staff.example)" '^550 5\.7\.1 ' \
	"after SIGHUP without loopback in InternalHosts: the same sender is refused"
send ext-filed filed@example.org alice@staff.example
ph_wait_msg sink ext-filed@e2e.example 10
expect_match "$(ours ext-filed)" '^X-Restriction: file; id=' "and filed mail is tagged"
ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
