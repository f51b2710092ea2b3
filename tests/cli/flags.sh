#!/bin/sh
# flags.sh - `restrictctl flags` and `restrictctl flag`: the listing (open
# and escalated by default, --all for every one) as a table and as JSON
# (doc/json/flags.schema.json); --dismiss and --escalate with their audit
# row and generation bump; the refusals and their exit codes; citing a
# flag from `add --flag` and from `propose --flag` + `approve`. Flags are
# made with sqlite3 here, as the milter's event thread would write them.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
add_ok "add a restriction for user 1" bob@example.org --action watch --reason "test reason" \
	--authorised-by "Dana Head"

# the milter's rows: an open scattergun flag of user 1, an open volume flag
# of an unknown sender, an old dismissed one
NOW=$(date -u -d 2026-11-27T09:00:00 +%s)
sql "INSERT INTO flags (id, person, user_id, kind, status, opened_at, updated_at, count, threshold,
	window_secs, first_at, last_at, messages, recipients, evidence, unverified) VALUES
	(1, 'user:1', 1, 'scattergun', 'open', $NOW - 3600, $NOW - 600, 6, 5, 604800, $NOW - 86400,
	 $NOW - 600, 6, '[\"a@staff.example\",\"b@staff.example\"]',
	 '[{\"at\":$((NOW - 600)),\"queue_id\":\"Q1\",\"message_id\":\"<m1@example.org>\"}]', 1),
	(2, 'eve@example.net', NULL, 'volume', 'open', $NOW - 7200, $NOW - 7200, 20, 20, 86400,
	 $NOW - 80000, $NOW - 7200, 20, '[]', '[]', 0),
	(3, 'old@example.net', NULL, 'volume', 'dismissed', $NOW - 900000, $NOW - 800000, 21, 20,
	 86400, $NOW - 900000, $NOW - 800000, 21, '[]', '[]', 0)"
sql "UPDATE flags SET decided_at = $NOW - 800000, decided_by = 'Old Head' WHERE id = 3"

run flags
expect_exit 0 "flags"
expect_out_match '^ID +KIND +STATUS +PERSON' "flags: a table with a header"
expect_out_match '^1 +scattergun +open +user:1 +1 bob@example.org +6/5 +7d +6 ' "flags: the open scattergun flag"
expect_out_match '^2 +volume +open +eve@example.net +- +20/20 +1d' "flags: the open volume flag"
expect_eq "$(grep -c '^3 ' "$T/out")" 0 "flags: dismissed ones only with --all"
expect_eq "$(grep -c 'unverified' "$T/out")" 1 "flags: unverified shown"
run flags --all
expect_out_match '^3 +volume +dismissed +old@example.net' "flags --all: the dismissed flag too"
run flags --json
expect_exit 0 "flags --json"
expect_schema flags "flags --json follows flags.schema.json"
expect_eq "$(json_get '" ".join(str(f["id"]) for f in j)')" "1 2" "flags --json: open ones, newest first"
expect_eq "$(json_get '"%s %s %s %s" % (j[0]["evidence"][0]["at"], j[0]["evidence"][0]["message_id"], j[0]["recipients"][1], j[0]["window"])')" \
	"2026-11-27T08:50:00Z <m1@example.org> b@staff.example 7d" "flags --json: evidence, recipients and window"
run flags --all --json
expect_schema flags "flags --all --json follows the schema"
expect_eq "$(json_get 'len(j)')" 3 "flags --all --json: every flag"

# refusals
refused 2 'missing --by' "flag without --by" flag 1 --dismiss
refused 2 'one of --dismiss or --escalate' "flag without a decision" flag 1 --by "Dana Head"
refused 2 'one of --dismiss or --escalate' "flag with both decisions" flag 1 --dismiss --escalate --by "Dana Head"
refused 2 'expected one flag ID' "flag with a bad id" flag x1 --dismiss --by "Dana Head"
refused 1 'unknown flag 99' "flag with an unknown id" flag 99 --dismiss --by "Dana Head"
refused 1 'flag 3 is dismissed' "dismissing a dismissed flag" flag 3 --dismiss --by "Dana Head"
refused 1 'flag 3 is dismissed' "escalating a dismissed flag" flag 3 --escalate --by "Dana Head"
refused 2 'unknown option' "flags with an unknown option" flags --open

# escalate, then dismiss: one audit row and one generation bump each
g0=$(generation)
a0=$(sql "SELECT count(*) FROM audit")
run flag 2 --escalate --by "Dana Head"
expect_exit 0 "flag 2 --escalate"
expect_eq "$(sql "SELECT status || ' ' || decided_by FROM flags WHERE id = 2")" "escalated Dana Head" "escalated, with who"
expect_eq "$(generation)" "$((g0 + 1))" "escalate bumps the generation"
expect_eq "$(sql "SELECT count(*) FROM audit")" "$((a0 + 1))" "escalate writes one audit row"
expect_eq "$(sql "SELECT json_extract(before_json, '\$.status') || '>' || json_extract(after_json, '\$.status') FROM audit ORDER BY id DESC LIMIT 1")" \
	"open>escalated" "the audit row holds before and after"
refused 1 'flag 2 is escalated' "escalating an escalated flag" flag 2 --escalate --by "Dana Head"
run flag 2 --dismiss --by "Dana Head"
expect_exit 0 "an escalated flag can be dismissed"
expect_eq "$(generation)" "$((g0 + 2))" "dismiss bumps the generation"
expect_eq "$(sql "SELECT count(*) FROM audit")" "$((a0 + 2))" "dismiss writes one audit row"
run flags
expect_eq "$(grep -c '^2 ' "$T/out")" 0 "a dismissed flag leaves the default listing"

# citing: add --flag
refused 1 'unknown flag 42' "add citing an unknown flag" add carol@example.org --action file \
	--reason "test reason" --authorised-by "Dana Head" --flag 42
refused 1 'flag 3 is dismissed' "add citing a dismissed flag" add carol@example.org --action file \
	--reason "test reason" --authorised-by "Dana Head" --flag 3
refused 2 'bad --flag' "add with a bad --flag" add carol@example.org --action file \
	--reason "test reason" --authorised-by "Dana Head" --flag one
g0=$(generation)
a0=$(sql "SELECT count(*) FROM audit")
add_ok "add --flag 1" --user 1 --action file --reason "scattergun" --authorised-by "Dana Head" --flag 1
expect_eq "$(sql "SELECT status || ' ' || cited_by FROM flags WHERE id = 1")" "cited $id" "the flag is cited by the new restriction"
expect_eq "$(sql "SELECT flag_id FROM restrictions WHERE id = $id")" 1 "the restriction records the flag"
expect_eq "$(generation) $(sql "SELECT count(*) FROM audit")" "$((g0 + 1)) $((a0 + 1))" \
	"one change: one audit row, one generation bump"
refused 1 'flag 1 is cited' "dismissing a cited flag" flag 1 --dismiss --by "Dana Head"

# citing: propose --flag leaves it open until approved
sql "INSERT INTO flags (id, person, user_id, kind, status, opened_at, updated_at, count, threshold,
	window_secs, first_at, last_at) VALUES (4, 'frank@example.net', NULL, 'volume', 'escalated',
	$NOW, $NOW, 25, 20, 86400, $NOW, $NOW)"
SUDO_USER=sam
export SUDO_USER
run propose frank@example.net --action file --reason "volume" --requested-by "Sam Staff" \
	--criteria handled,decision-right,communication-adequate,misunderstandings-addressed,access-considered,advice-signposted \
	--flag 4
expect_exit 0 "propose --flag 4"
pid=$(head -n 1 "$T/out")
expect_eq "$(sql "SELECT status FROM flags WHERE id = 4")" "escalated" "a proposal does not cite yet"
SUDO_USER=dana
run approve "$pid" --by "Dana Head"
unset SUDO_USER
expect_exit 0 "approve the proposal"
expect_eq "$(sql "SELECT status || ' ' || cited_by FROM flags WHERE id = 4")" "cited $pid" "approving cites the flag"
run flags --all --json
expect_schema flags "cited flags follow the schema"
expect_eq "$(json_get '[f["cited_by"] for f in j if f["id"] == 4][0]')" "$pid" "flags --json: cited_by"

run --help
expect_out_match 'restrictctl flags \[--all\] \[--json\]' "--help lists flags"
expect_out_match 'restrictctl flag ID --dismiss\|--escalate --by NAME' "--help lists flag"
finish
