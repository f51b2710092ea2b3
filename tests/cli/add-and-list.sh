#!/bin/sh
# add-and-list.sh - add and lift, then every view (list, show, users,
# user) as a table and as JSON checked against doc/json's schemas; one
# generation bump, one audit row and one history row per change.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"

run -V
expect_exit 0 "-V"
expect_out_match "^restrictctl \\(restrict-milter\\) [0-9]" "-V prints the version"
run --help
expect_exit 0 "--help"
expect_out_match "restrictctl add SELECTOR" "--help lists the commands"

# add_counted DESC ARGS... - add, and check the change was one transaction
add_counted() {
	c_desc=$1
	shift
	c_gen=$(generation)
	c_audit=$(sql 'SELECT count(*) FROM audit')
	c_hist=$(sql 'SELECT count(*) FROM restriction_history')
	add_ok "$c_desc" "$@"
	expect_eq "$(generation)" "$((c_gen + 1))" "$c_desc: generation bumped by one"
	expect_eq "$(sql 'SELECT count(*) FROM audit')" "$((c_audit + 1))" "$c_desc: one audit row"
	expect_eq "$(sql 'SELECT count(*) FROM restriction_history')" "$((c_hist + 1))" \
		"$c_desc: one history row"
}

add_counted "add block" bob@example.org --action block --reason "abusive calls" \
	--authorised-by "Jo Head" --case C-2031 --name "Bob Example"
expect_eq "$id" "1" "add prints the new id alone on the first line"
expect_eq "$(sed -n 2p "$T/out")" "added restriction 1: block for user 1, review due 2027-11-27 09:00" \
	"add prints a summary after the id"
expect_eq "$(sql "SELECT command FROM audit ORDER BY id DESC LIMIT 1")" \
	"restrictctl -c $CONF add bob@example.org --action block --reason 'abusive calls' --authorised-by 'Jo Head' --case C-2031 --name 'Bob Example'" \
	"the audit row holds the command line, quoted"
expect_eq "$(sql "SELECT before_json IS NULL, json_extract(after_json, '\$.restriction.id'), json_extract(after_json, '\$.user_created') FROM audit ORDER BY id DESC LIMIT 1")" \
	"1|1|1" "the audit row holds before (none) and after"
expect_eq "$(sql "SELECT kind, by FROM restriction_history WHERE restriction_id = 1")" \
	"created|Jo Head" "the history row records who authorised it"

add_counted "add file with a subdomain selector" @.Example.NET --action file --mode tag \
	--reason "repeated complaints" --authorised-by "Jo Head"
expect_eq "$(sql "SELECT text, kind, key FROM selectors WHERE user_id = 2")" \
	"@.example.net|subdomains|example.net" "selectors are stored in canonical form"
add_counted "add a trial limit with a pattern" '/^spam[0-9]+@example\.com$/' --action limit \
	--limit 5/1d --over hold --trial --ends 2026-12-31 --review 2026-12-01 --reason volume \
	--authorised-by "Jo Head"
add_counted "add monitor to an existing user" --user 1 bob2@example.org --action monitor \
	--copy-to casework@staff.example --reason monitor --authorised-by "Jo Head"
add_counted "add watch that started last year" dave@example.org --action watch \
	--starts 2025-01-01 --review 2025-06-01 --reason warning --authorised-by "Jo Head" \
	--notified 2025-01-02
# the flag it cites, as the milter would have opened it
sql "INSERT INTO flags (id, person, kind, status, opened_at, updated_at, count, threshold,
	window_secs, first_at, last_at) VALUES (7, 'eve@example.org', 'scattergun', 'open', 0, 0,
	5, 5, 604800, 0, 0)"
add_counted "add single-contact" eve@example.org --action single-contact \
	--contact liaison@staff.example --mode reject --reason "one contact" \
	--authorised-by "Jo Head" --flag 7
add_counted "add with --user and no selector" --user 4 --action block --message "100% refused" \
	--reason "escalated" --authorised-by "Jo Head" --starts 2026-11-27T10:00
expect_eq "$(sql 'SELECT count(*) FROM selectors WHERE user_id = 4')" "1" \
	"--user without selectors adds none"
expect_eq "$(sql 'SELECT message, file_mode, contact, limit_count, over FROM restrictions WHERE id = 7')" \
	"100% refused||||" "only the action's own options are stored"
expect_eq "$(sql 'SELECT limit_count, limit_period, over, trial FROM restrictions WHERE id = 3')" \
	"5|86400|hold|1" "limit options and trial are stored"

run list
expect_exit 0 "list"
expect_out "list shows active restrictions, overdue marked" <<'EOF'
ID  USER  NAME                         ACTION          STATUS            STARTS            ENDS              REVIEW
1   1     Bob Example                  block           active            2026-11-27 09:00  -                 2027-11-27 09:00
2   2     @.example.net                file            active            2026-11-27 09:00  -                 2027-11-27 09:00
3   3     /^spam[0-9]+@example\.com$/  limit (trial)   active            2026-11-27 09:00  2027-01-01 00:00  2026-12-01 00:00
4   1     Bob Example                  monitor         active            2026-11-27 09:00  -                 2027-11-27 09:00
5   4     dave@example.org             watch           active (overdue)  2025-01-01 00:00  -                 2025-06-01 00:00
6   5     eve@example.org              single-contact  active            2026-11-27 09:00  -                 2027-11-27 09:00
7   4     dave@example.org             block           active            2026-11-27 10:00  -                 2027-11-27 10:00
EOF

gen=$(generation)
run lift 4 --by "Jo Head" --reason "no longer needed"
expect_exit 0 "lift"
expect_eq "$(cat "$T/out")" "lifted restriction 4" "lift says what it did"
expect_eq "$(generation)" "$((gen + 1))" "lift bumps the generation by one"
expect_eq "$(sql "SELECT status, lifted_by, lift_reason FROM restrictions WHERE id = 4")" \
	"lifted|Jo Head|no longer needed" "lift records who and why"
expect_eq "$(sql "SELECT json_extract(before_json, '\$.status') || '>' || json_extract(after_json, '\$.status') FROM audit ORDER BY id DESC LIMIT 1")" \
	"active>lifted" "the lift's audit row holds before and after"

run list
expect_out "list leaves out lifted restrictions" <<'EOF'
ID  USER  NAME                         ACTION          STATUS            STARTS            ENDS              REVIEW
1   1     Bob Example                  block           active            2026-11-27 09:00  -                 2027-11-27 09:00
2   2     @.example.net                file            active            2026-11-27 09:00  -                 2027-11-27 09:00
3   3     /^spam[0-9]+@example\.com$/  limit (trial)   active            2026-11-27 09:00  2027-01-01 00:00  2026-12-01 00:00
5   4     dave@example.org             watch           active (overdue)  2025-01-01 00:00  -                 2025-06-01 00:00
6   5     eve@example.org              single-contact  active            2026-11-27 09:00  -                 2027-11-27 09:00
7   4     dave@example.org             block           active            2026-11-27 10:00  -                 2027-11-27 10:00
EOF
run list --all
expect_out_match "^4   1     Bob Example  +monitor  +lifted  " "list --all includes lifted restrictions"
run list --due 30
expect_out "list --due 30 shows reviews due within 30 days and overdue" <<'EOF'
ID  USER  NAME                         ACTION         STATUS            STARTS            ENDS              REVIEW
3   3     /^spam[0-9]+@example\.com$/  limit (trial)  active            2026-11-27 09:00  2027-01-01 00:00  2026-12-01 00:00
5   4     dave@example.org             watch          active (overdue)  2025-01-01 00:00  -                 2025-06-01 00:00
EOF
run list --due 30 --json
expect_schema list "list --due --json follows list.schema.json"
expect_eq "$(json_get '[r["id"] for r in j]')" "[3, 5]" "list --due --json selects the same rows"

run list --json --all
expect_exit 0 "list --all --json"
expect_schema list "list --all --json follows list.schema.json"
expect_eq "$(json_get 'len(j)')" "7" "list --all --json has every restriction"
expect_eq "$(json_get 'j[2]["options"]')" "{'limit': '5/1d', 'over': 'hold'}" "limit options in JSON"
expect_eq "$(json_get 'j[2]["ends"]')" "2027-01-01T00:00:00Z" \
	"a bare --ends date runs until 00:00 on the next day"
expect_eq "$(json_get 'j[0]["review_due"]')" "2027-11-27T09:00:00Z" "review defaults to starts + 12 months"
expect_eq "$(json_get '(j[4]["overdue"], j[0]["overdue"])')" "(True, False)" "overdue in JSON"
expect_eq "$(json_get 'j[4]["notified_on"]')" "2025-01-02T00:00:00Z" "--notified is stored"
expect_eq "$(json_get 'j[5]["flag_id"], j[5]["options"]')" \
	"(7, {'contact': 'liaison@staff.example', 'mode': 'reject'})" "--flag and contact options in JSON"
expect_eq "$(json_get 'j[6]["options"]["message"]')" "100% refused" "the message keeps its %"

run show 1
expect_exit 0 "show"
expect_out "show prints every field and the history" <<'EOF'
restriction 1
user: 1
name: Bob Example
case: C-2031
action: block
options: -
status: active
reason: abusive calls
authorised by: Jo Head
notified: -
starts: 2026-11-27 09:00
ends: -
review due: 2027-11-27 09:00
created: 2026-11-27 09:00
history:
AT                KIND     BY       NOTES
2026-11-27 09:00  created  Jo Head  abusive calls
EOF
run show 4 --json
expect_exit 0 "show --json"
expect_schema show "show --json follows show.schema.json"
expect_eq "$(json_get '[(h["kind"], h["by"], h["notes"]) for h in j["history"]]')" \
	"[('created', 'Jo Head', 'monitor'), ('lifted', 'Jo Head', 'no longer needed')]" \
	"show --json has the history"
expect_eq "$(json_get '(j["history"][1]["before"]["status"], j["history"][1]["after"]["status"])')" \
	"('active', 'lifted')" "history steps carry before and after"
expect_eq "$(json_get '(j["status"], j["lifted_by"], j["lift_reason"], j["lifted_at"])')" \
	"('lifted', 'Jo Head', 'no longer needed', '2026-11-27T09:00:00Z')" "show --json of a lifted restriction"

run users
expect_exit 0 "users"
expect_out "users lists every service user with counts" <<'EOF'
ID  NAME                         CASE    SELECTORS  ACTIVE
1   Bob Example                  C-2031  2          1
2   @.example.net                -       1          1
3   /^spam[0-9]+@example\.com$/  -       1          1
4   dave@example.org             -       1          2
5   eve@example.org              -       1          1
EOF
run users --json
expect_schema users "users --json follows users.schema.json"
"$RESTRICTCTL" -c "$CONF" users --json | head -n 9 >"$T/out"
expect_out "users --json keeps a stable key order" <<'EOF'
[
  {
    "id": 1,
    "name": "Bob Example",
    "case": "C-2031",
    "selector_count": 2,
    "active_count": 1,
    "created_at": "2026-11-27T09:00:00Z"
  },
EOF

sql "UPDATE service_users SET access_notes = 'large print' WHERE id = 1"
run user 1
expect_exit 0 "user"
expect_out "user shows the person, selectors and restrictions" <<'EOF'
user 1
name: Bob Example
case: C-2031
access notes: large print
created: 2026-11-27 09:00
selectors:
ID  SELECTOR          KIND   ADDED
1   bob@example.org   exact  2026-11-27 09:00
4   bob2@example.org  exact  2026-11-27 09:00
restrictions:
ID  USER  NAME         ACTION   STATUS  STARTS            ENDS  REVIEW
1   1     Bob Example  block    active  2026-11-27 09:00  -     2027-11-27 09:00
4   1     Bob Example  monitor  lifted  2026-11-27 09:00  -     2027-11-27 09:00
EOF
run user 1 --json
expect_schema user "user --json follows user.schema.json"
expect_eq "$(json_get '(j["access_notes"], [s["text"] for s in j["selectors"]], [r["id"] for r in j["restrictions"]])')" \
	"('large print', ['bob@example.org', 'bob2@example.org'], [1, 4])" "user --json content"
run users --json
expect_eq "$(grep -c 'large print' "$T/out")" "0" "users never shows access notes"
run list --all --json
expect_eq "$(grep -c 'large print' "$T/out")" "0" "list never shows access notes"

# options may come before the selectors, -d and -c after the command
run add --action watch --reason r --authorised-by H frank@example.org -d "$DB"
expect_exit 0 "options before positionals and -d after the command"
run list -c "$CONF" --json
expect_eq "$(json_get 'j[-1]["name"]')" "frank@example.org" "the name defaults to the first selector"

# SUDO_USER is recorded
SUDO_USER=alice "$RESTRICTCTL" -c "$CONF" lift 8 --by H --reason done >/dev/null 2>&1
expect_eq "$(sql 'SELECT sudo_user FROM audit ORDER BY id DESC LIMIT 1')" "alice" "the audit row records SUDO_USER"
expect_eq "$(sql 'SELECT count(*) FROM audit WHERE sudo_user IS NULL')" \
	"$(($(sql 'SELECT count(*) FROM audit') - 1))" "no SUDO_USER, no sudo_user"

finish
