#!/bin/sh
# dispute-selector.sh - disputes (policy 6.1): raised with notes, one open
# at a time, decided upheld, varied or lifted (which lifts); and `selector
# add|remove`: the guard, ownership, removal that keeps the row.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
A="--reason r --authorised-by H"
add_ok "a restriction to dispute" bob@example.org --action block $A
add_ok "another" eve@example.org --action file $A

# raise
gen=$(generation)
run dispute 1 --notes "I was only asking about my case"
expect_exit 0 "raise a dispute"
expect_out "dispute raise says so" <<'OUT'
dispute 1 raised on restriction 1
OUT
expect_eq "$(generation)" "$((gen + 1))" "raising is one change"
expect_eq "$(sql "SELECT restriction_id, notes, decided_at IS NULL FROM disputes")" \
	"1|I was only asking about my case|1" "the dispute is stored open"
expect_eq "$(sql "SELECT kind, notes FROM restriction_history WHERE restriction_id = 1 ORDER BY id DESC LIMIT 1")" \
	"disputed|I was only asking about my case" "history: disputed"
refused 1 "dispute: restriction 1 already has an open dispute \\(1\\)" "a second open dispute" \
	dispute 1 --notes again
refused 2 "dispute: missing --notes \\(or --decide\\)" "dispute without notes" dispute 1
refused 2 "dispute: --by goes with --decide" "--by without --decide" dispute 1 --notes x --by H
refused 2 "dispute: unknown --decide \"maybe\"" "a bad decision" dispute 1 --decide maybe --by H
refused 2 "dispute: missing --by" "a decision without --by" dispute 1 --decide upheld
refused 2 "dispute: expected one restriction ID" "dispute without an id" dispute --notes x
refused 1 "dispute: unknown restriction 9" "dispute an unknown id" dispute 9 --notes x
refused 1 "dispute: restriction 2 has no open dispute" "decide without an open dispute" \
	dispute 2 --decide upheld --by H

# decide: upheld, then varied, then lifted
run dispute 1 --decide upheld --by "Jo Head" --notes "restriction still needed"
expect_exit 0 "decide upheld"
expect_out_match "^dispute 1 on restriction 1 decided: upheld$" "decide says so"
expect_eq "$(sql "SELECT outcome, decided_by, decision_notes FROM disputes WHERE id = 1")" \
	"upheld|Jo Head|restriction still needed" "the decision is stored"
expect_eq "$(sql "SELECT status FROM restrictions WHERE id = 1")" "active" "upheld keeps it active"
run dispute 1 --notes "still unfair"
expect_exit 0 "a new dispute once the first is decided"
run dispute 1 --decide varied --by "Jo Head"
expect_exit 0 "decide varied"
expect_eq "$(sql "SELECT outcome FROM disputes WHERE id = 2")" "varied" "varied is recorded"
run dispute 2 --notes "please lift"
run dispute 2 --decide lifted --by "Jo Head" --notes "agreed at complaint review"
expect_exit 0 "decide lifted"
expect_eq "$(sql "SELECT status, lifted_by FROM restrictions WHERE id = 2")" "lifted|Jo Head" \
	"lifted lifts the restriction"
expect_eq "$(sql "SELECT group_concat(kind) FROM restriction_history WHERE restriction_id = 2")" \
	"created,disputed,dispute-decided,lifted" "history: disputed, decided, lifted"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE command LIKE '%dispute 2 --decide%'")" "1" \
	"deciding and lifting is one audit row"
refused 1 "dispute: restriction 2 is not active \\(lifted\\)" "dispute a lifted restriction" \
	dispute 2 --notes again
run show 1 --json
expect_schema show "show --json with disputes follows the schema"
expect_eq "$(json_get '[(d["id"], d["outcome"]) for d in j["disputes"]]')" "[(1, 'upheld'), (2, 'varied')]" \
	"show --json lists the disputes"
run show 1
expect_out_match "^2 +.* Jo Head +varied$" "show prints the disputes"

write_config "Authorisers Jo Head"
run dispute 1 --notes "third"
refused 1 "dispute: \"Sam\" is not one of Authorisers" "a decision by a name not in Authorisers" \
	dispute 1 --decide upheld --by Sam
write_config

# selector add and remove
gen=$(generation)
run selector add 1 Bob.Jones@Example.ORG
expect_exit 0 "selector add"
expect_out_match "^added selector bob.jones@example.org to user 1$" "selector add says so"
expect_eq "$(sql "SELECT count(*) FROM selectors WHERE user_id = 1 AND text = 'bob.jones@example.org' AND removed_at IS NULL")" \
	"1" "the selector is stored in canonical form"
expect_eq "$(generation)" "$((gen + 1))" "selector add is one change"
expect_eq "$(sql "SELECT json_extract(after_json, '\$.selector_added') FROM audit ORDER BY id DESC LIMIT 1")" \
	"bob.jones@example.org" "the audit row names the selector"
run check --from bob.jones@example.org --to jo@staff.example --json
expect_eq "$(json_get 'j["verdict"]')" "reject" "the new selector is enforced"
refused 1 "selector: bob.jones@example.org already belongs to user 1" "adding a selector twice" \
	selector add 1 bob.jones@example.org
refused 1 "selector: eve@example.org already belongs to user 2" "a selector of another user" \
	selector add 1 eve@example.org
refused 2 "selector: selector @staff.example would match staff domain staff.example" \
	"the guard: a staff domain" selector add 1 @staff.example
refused 2 "would match the exempt address complaints@staff.example" "the guard: the exempt address" \
	selector add 1 '/^complaints/'
run selector add 1 @staff.example --force
expect_exit 0 "--force overrides the guard"
refused 2 "selector: bad selector" "a bad selector" selector add 1 'x@'
refused 2 "selector: expected add\\|remove USER-ID SELECTOR" "a bad verb" selector frob 1 x@example.org
refused 2 "selector: bad USER-ID \"x\"" "a bad user id" selector add x x@example.org
refused 1 "selector: unknown user 9" "an unknown user" selector add 9 z@example.org

run selector remove 1 bob.jones@example.org
expect_exit 0 "selector remove"
expect_eq "$(sql "SELECT removed_at IS NOT NULL FROM selectors WHERE text = 'bob.jones@example.org'")" "1" \
	"removal marks the row, never deletes it"
run check --from bob.jones@example.org --to jo@staff.example --json
expect_eq "$(json_get 'j["verdict"]')" "accept" "a removed selector no longer matches"
refused 1 "selector: user 1 has no selector bob.jones@example.org" "removing it twice" \
	selector remove 1 bob.jones@example.org
run selector add 1 bob.jones@example.org
expect_exit 0 "a removed selector can be added again"

finish
