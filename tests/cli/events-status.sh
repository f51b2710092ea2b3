#!/bin/sh
# events-status.sh - `restrictctl events` and `restrictctl status` on an
# event log the real milter wrote: mail driven through restrict-milter by
# miltertest (tests/cli/events-mail.lua, in two batches a week apart on a
# fixed clock), then every filter, the JSON schemas, usage errors, and the
# status counts and milter state (never seen, running, stopped, stale).
. "$top_srcdir/tests/cli/lib.sh"

command -v miltertest >/dev/null 2>&1 || { echo "1..0 # SKIP miltertest not installed"; exit 77; }
MILTER="$top_builddir/milter/restrict-milter"
[ -x "$MILTER" ] || { echo "$MILTER not built"; exit 99; }

cat >"$CONF" <<EOF
StaffDomains staff.example
ExemptRecipients complaints@staff.example
FilingMailbox records@staff.example
Database $DB
Socket unix:$T/milter.sock
User $(id -un)
SocketGroup $(id -gn)
PidFile $T/milter.pid
InternalHosts 127.0.0.0/8
EOF
run init
expect_exit 0 "init"
for a in "bob@example.org --action block" "carol@example.org --action file" \
	"dave@example.org --action single-contact --contact liaison@staff.example" \
	"trial@example.org --action block --trial"; do
	# shellcheck disable=SC2086
	add_ok "add $a" $a --starts 2026-11-01 --reason "test reason" --authorised-by "Dana Head"
done

# before the milter ever ran
run status
expect_exit 0 "status on a fresh database"
expect_out_match '^milter: never seen' "status: milter never seen"
run status --json
expect_schema status "status --json follows status.schema.json (never seen)"
expect_eq "$(json_get '"%s %s %s" % (j["milter"]["state"], j["events"]["total"], j["restrictions"]["active"])')" \
	"unknown 0 4" "status --json: state unknown, no events, 4 active"
run events
expect_exit 0 "events on an empty log"
expect_eq "$(wc -l <"$T/out")" 1 "events on an empty log: the header line only"

# mail through the real milter, a week apart
cat >"$T/milter.sh" <<EOF
#!/bin/sh
exec "$MILTER" "\$@" 2>>"$T/milter.log"
EOF
chmod 755 "$T/milter.sh"
gen_before=$(generation)
mail() {
	RESTRICT_MILTER_NOW=$1 miltertest -D "bin=$T/milter.sh" -D "ctl=$RESTRICTCTL" \
		-D "lib=$top_srcdir/tests/milter/lib.lua" -D "tmp=$T" -D "conf=$CONF" -D "db=$DB" \
		-D "sock=unix:$T/milter.sock" -D "batch=$2" -s "$top_srcdir/tests/cli/events-mail.lua" \
		>"$T/mt.out" 2>&1
	status=$?
	expect_exit 0 "miltertest batch $2"
	[ "$status" = 0 ] || { diag "$T/mt.out"; diag "$T/milter.log"; }
}
mail 2026-11-20T10:00 1
mail 2026-11-27T08:30 2
expect_eq "$(generation)" "$gen_before" "the milter's events and heartbeat leave the generation alone"

# status while the milter ran (saved by the Lua script)
cp "$T/status-running.json" "$T/out"
expect_schema status "status --json follows status.schema.json (running)"
expect_eq "$(json_get '"%s %s %s" % (j["milter"]["state"], j["milter"]["started"], j["milter"]["pid"] > 0)')" \
	"running 2026-11-27T08:30:00Z True" "status while the milter runs: running, since when, pid"

# every event
run events
expect_exit 0 "events"
expect_eq "$(wc -l <"$T/out")" 7 "events: header and six rows"
expect_out_match '^2026-11-20 10:00 +NOQUEUE +reject +bob@example\.org +envelope-from +1:block +alice@staff\.example reject@rcpt' \
	"events: refused at RCPT shows as NOQUEUE, reject@rcpt"
expect_out_match 'QREDIR +accept +dave@example\.org .* 3:single-contact +ceo@staff\.example redirect>liaison@staff\.example +breach' \
	"events: the redirect, its target and the breach"
expect_out_match 'QTRIAL .* trial 4 would reject$' "events: what the trial restriction would have done"
expect_out_match 'QINT +accept .* internal$' "events: internal mail marked"
run events --json
expect_exit 0 "events --json"
expect_schema events "events --json follows events.schema.json"
expect_eq "$(json_get '[e["queue_id"] for e in j]')" \
	"['NOQUEUE', 'QFILE1', 'QREDIR', 'QTRIAL', 'QPLAIN', 'QINT']" "events --json: oldest first"
expect_eq "$(json_get '" ".join((j[0]["at"], j[0]["verdict"], j[0]["recipients"][0]["stage"]))')" \
	"2026-11-20T10:00:00Z reject rcpt" "events --json: time in UTC, verdict, stage"
expect_eq "$(json_get '"%s %s %s" % (j[3]["would"][0]["id"], j[3]["would"][0]["effect"], j[3]["restriction_ids"])')" \
	"4 reject [4]" "events --json: the trial's would"

# filters
ids() { json_get '" ".join(e["queue_id"] for e in j)'; }
run events --since 2026-11-25 --json
expect_eq "$(ids)" "QREDIR QTRIAL QPLAIN QINT" "--since: only the later batch"
run events --user 1 --json
expect_eq "$(ids)" "NOQUEUE" "--user: the events that matched that user"
run events --queue-id QFILE1 --json
expect_eq "$(json_get '"%s %s %s" % (len(j), j[0]["actions"], j[0]["message_id"])')" \
	"1 ['file'] <file1@example.org>" "--queue-id"
run events --message-id file1@example.org --json
expect_eq "$(ids)" "QFILE1" "--message-id without angle brackets"
run events --message-id '<file1@example.org>' --json
expect_eq "$(ids)" "QFILE1" "--message-id with angle brackets"
run events --address 'Liaison+x@Staff.Example' --json
expect_eq "$(ids)" "QREDIR" "--address normalised, finds a redirect target"
run events --address '<BOB@example.org>' --json
expect_eq "$(ids)" "NOQUEUE" "--address finds the person (internal mail records none)"
run events --address alice@staff.example --since 2026-11-27 --json
expect_eq "$(ids)" "QTRIAL QPLAIN QINT" "--address finds a recipient, with --since"
run events --outcome redirect --json
expect_eq "$(ids)" "QREDIR" "--outcome redirect (a recipient's outcome)"
run events --outcome reject --json
expect_eq "$(ids)" "NOQUEUE" "--outcome reject"
run events --outcome hold --json
expect_eq "$(json_get 'j')" "[]" "--outcome hold: an empty array"
run events --outcome accept --user 2
expect_eq "$(wc -l <"$T/out")" 2 "filters combine (--outcome with --user)"

# usage errors: exit 2, one line, nothing printed
refused 2 'events: bad --since' "events --since not a date" events --since yesterday
refused 2 'events: bad --outcome' "events --outcome unknown" events --outcome bounced
refused 2 'events: bad --user' "events --user not an id" events --user bob
refused 2 'events: bad --address' "events --address not an address" events --address 'no at sign'
refused 2 'unknown option --verbose' "events unknown option" events --verbose
refused 2 'events: unexpected argument' "events positional argument" events bob
refused 2 'status: unexpected argument' "status positional argument" status now

# status after the milter stopped
before=$(db_state)
run status
expect_exit 0 "status"
expect_out_match '^milter: stopped 2026-11-27 08:30 \(pid [0-9]+\); newest event 2026-11-27 08:30$' \
	"status: milter stopped cleanly, newest event"
expect_out_match '^restrictions: 4 active \(1 trial\), 0 proposed, 0 lifted, 0 expired$' \
	"status: restrictions by status"
expect_out_match '^written notice missing: 4 active restrictions$' "status: missing notices"
expect_out_match '^events: 6 \(4 in the last 24 h; last 7 days: 6, 1 refused, 0 held\), 2026-11-20 10:00 to 2026-11-27 08:30$' \
	"status: event counts and span"
expect_out_match '^users: 4, selectors: 4$' "status: users and selectors"
run status --json
expect_schema status "status --json follows status.schema.json (stopped)"
expect_eq "$(json_get '"%s %s %s" % (j["milter"]["state"], j["database"]["schema_version"] > 0, j["database"]["size_bytes"] > 0)')" \
	"stopped True True" "status --json: stopped, schema version, file size"
expect_eq "$(json_get 'j["audit_rows"]')" "$(sql 'SELECT count(*) FROM audit')" "status --json: audit rows"
expect_eq "$(db_state)" "$before" "status and events change nothing"

# a heartbeat that stopped coming: not responding
sql "UPDATE meta SET value = NULL WHERE key = 'milter_stopped'"
run status --json
expect_eq "$(json_get 'j["milter"]["state"]')" stale "status: no heartbeat for 30 minutes is stale"
run status
expect_out_match '^milter: NOT RESPONDING: last seen 2026-11-27 08:30, 30 min ago' \
	"status: says the milter is not responding"
RESTRICT_MILTER_NOW=2026-11-27T08:31
run status --json
expect_eq "$(json_get 'j["milter"]["state"]')" running "status: a heartbeat a minute old is running"

# flags: counted by status (rows written here as detection would write them)
for st in open escalated dismissed; do
	sql "INSERT INTO flags (person, kind, status, opened_at, updated_at, count, threshold,
		window_secs, first_at, last_at) VALUES ('x-$st@example.org', 'volume', '$st',
		1795770000, 1795770000, 20, 20, 86400, 1795770000, 1795770000)"
done
run status --json
expect_eq "$(json_get 'j["flags"]')" "{'open': 1, 'escalated': 1}" "status: open and escalated flags"
run status
expect_out_match '^flags: 1 open, 1 escalated$' "status: flags line"

finish
