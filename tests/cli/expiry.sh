#!/bin/sh
# expiry.sh - restrictions expire by the clock: read-only views show
# "expired" at once, the next read-write command records it (history,
# audit, inside that command's one transaction and generation bump), and
# an expired restriction is neither enforced nor liftable.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
A="--reason r --authorised-by H"
add_ok "add one that ends next week" y@example.org --action block --ends 2026-12-01 $A
add_ok "add a restriction that ended in the summer" x@example.org --action block \
	--starts 2026-01-01 --ends 2026-06-30 $A
expect_eq "$(sql 'SELECT ends FROM restrictions WHERE id = 2')" "$(date -u -d 2026-07-01T00:00:00Z +%s)" \
	"a bare --ends date runs until 00:00 on the next day"
gen=$(generation)

run list
expect_out "list leaves out what has expired" <<'EOF'
ID  USER  NAME           ACTION  STATUS  STARTS            ENDS              REVIEW
1   1     y@example.org  block   active  2026-11-27 09:00  2026-12-02 00:00  2027-11-27 09:00
EOF
run list --all
expect_out "list --all shows it expired" <<'EOF'
ID  USER  NAME           ACTION  STATUS   STARTS            ENDS              REVIEW
1   1     y@example.org  block   active   2026-11-27 09:00  2026-12-02 00:00  2027-11-27 09:00
2   2     x@example.org  block   expired  2026-01-01 00:00  2026-07-01 00:00  2027-01-01 00:00
EOF
run show 2 --json
expect_schema show "show --json of an expired restriction follows the schema"
expect_eq "$(json_get '(j["status"], j["overdue"])')" "('expired', False)" "show --json says expired"
run users
expect_out_match "^2   x@example.org  -     1          0$" "users does not count it as active"
expect_eq "$(sql 'SELECT status FROM restrictions WHERE id = 2')" "active" \
	"read-only commands record nothing"
expect_eq "$(generation)" "$gen" "read-only commands leave the generation"

run check --from x@example.org --to alice@staff.example --json
expect_eq "$(json_get '(j["verdict"], j["restrictions"])')" "('accept', [])" \
	"an expired restriction is not enforced"

audit=$(sql 'SELECT count(*) FROM audit')
add_ok "the next change" z@example.org --action watch $A
expect_eq "$(generation)" "$((gen + 1))" "expiry and the change share one generation bump"
expect_eq "$(sql 'SELECT status FROM restrictions WHERE id = 2')" "expired" "the expiry is recorded"
expect_eq "$(sql "SELECT kind, notes FROM restriction_history WHERE restriction_id = 2 ORDER BY id DESC LIMIT 1")" \
	"expired|ended 2026-07-01T00:00:00Z" "with a history row"
expect_eq "$(sql 'SELECT count(*) FROM audit')" "$((audit + 2))" "one audit row for the expiry, one for the change"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE command LIKE '%(automatic expiry of restriction 2)'")" "1" \
	"the expiry's audit row says what happened"
expect_eq "$(sql "SELECT json_extract(before_json, '\$.status') || '>' || json_extract(after_json, '\$.status') FROM audit WHERE command LIKE '%automatic expiry%'")" \
	"active>expired" "the expiry's audit row holds before and after"
expect_eq "$(sql 'SELECT status FROM restrictions WHERE id = 1')" "active" "the other restriction is untouched"

refused 1 "lift: restriction 2 is not active \\(expired\\)" "lifting an expired restriction" \
	lift 2 --by H --reason late

# the boundary: a restriction ending at 00:00 is in force until then
RESTRICT_MILTER_NOW=2026-12-01T23:59
run check --from y@example.org --to alice@staff.example --json
expect_eq "$(json_get '[r["id"] for r in j["restrictions"]]')" "[1]" "in force one minute before its end"
RESTRICT_MILTER_NOW=2026-12-02T00:00
run check --from y@example.org --to alice@staff.example --json
expect_eq "$(json_get 'j["restrictions"]')" "[]" "not in force at its end"
run list --all --json
expect_eq "$(json_get '[r["status"] for r in j]')" "['expired', 'expired', 'active']" \
	"list --all --json shows the new expiry"

# init records expiries too, as its own audited change
gen=$(generation)
run init
expect_exit 0 "init after the end"
expect_out_match "^marked 1 restriction expired$" "init says it recorded an expiry"
expect_eq "$(sql 'SELECT status FROM restrictions WHERE id = 1')" "expired" "init records the expiry"
expect_eq "$(generation)" "$((gen + 1))" "init's expiry bumps the generation once"
run init
expect_eq "$(generation)" "$((gen + 1))" "nothing more to expire, nothing bumped"

finish
