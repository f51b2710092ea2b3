#!/bin/sh
# lifecycle.sh - propose and approve (policy 5.6: never the requester, by
# name or by OS user; all six criteria confirmed), notified, vary (history
# keeps the old options), review outcomes, overdue reviews, Authorisers,
# and expiry by the clock: each step one audit row and one generation bump.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
ALL=handled,decision-right,communication-adequate,misunderstandings-addressed,access-considered,advice-signposted

# step_counted DESC ARGS... - a change that must succeed with one audit row and one bump
step_counted() {
	s_desc=$1
	shift
	s_gen=$(generation)
	s_audit=$(sql 'SELECT count(*) FROM audit')
	run "$@"
	expect_exit 0 "$s_desc"
	expect_eq "$(generation)/$(sql 'SELECT count(*) FROM audit')" "$((s_gen + 1))/$((s_audit + 1))" \
		"$s_desc: one generation bump, one audit row"
}

# propose: recorded, not enforced
SUDO_USER=alice
export SUDO_USER
step_counted "propose with all six criteria" propose bob@example.org --action block \
	--reason "abusive emails" --requested-by "Pat Staff" --criteria "$ALL" --case C-1
expect_eq "$(head -n 1 "$T/out")" "1" "propose prints the id alone on the first line"
expect_eq "$(sql "SELECT status, requested_by, requested_os_user, authorised_by IS NULL FROM restrictions WHERE id = 1")" \
	"proposed|Pat Staff|alice|1" "the proposal records the requester and the OS user"
expect_eq "$(sql "SELECT criteria FROM restrictions WHERE id = 1")" "$ALL" "the confirmed criteria are recorded"
expect_eq "$(sql "SELECT kind, by FROM restriction_history WHERE restriction_id = 1")" "proposed|Pat Staff" \
	"history: proposed by the requester"
run check --from bob@example.org --to jo@staff.example --json
expect_eq "$(json_get 'j["verdict"]')" "accept" "a proposal is not enforced"

run propose eve@example.org --action watch --reason r --requested-by Pat \
	--criteria "Handled, decision-right"
expect_exit 0 "propose with a subset of the criteria"
expect_out_match "criteria not yet confirmed: communication-adequate, misunderstandings-addressed, access-considered, advice-signposted" \
	"propose says which criteria are still unconfirmed"
expect_eq "$(sql "SELECT criteria FROM restrictions WHERE id = 2")" "handled,decision-right" \
	"a subset is recorded in the policy's order"

refused 2 "propose: --criteria: unknown criterion \"frob\"" "an unknown criterion" \
	propose x@example.org --action watch --reason r --requested-by Pat --criteria handled,frob
refused 2 "propose: missing --criteria" "propose without --criteria" \
	propose x@example.org --action watch --reason r --requested-by Pat
refused 2 "propose: missing --requested-by" "propose without --requested-by" \
	propose x@example.org --action watch --reason r --criteria "$ALL"
refused 2 "propose: unknown option --authorised-by" "propose takes no --authorised-by" \
	propose x@example.org --action watch --reason r --requested-by P --criteria "$ALL" --authorised-by H
refused 2 "propose: --mode does not belong to action block" "propose checks action options" \
	propose x@example.org --action block --mode tag --reason r --requested-by P --criteria "$ALL"

# approve: the approver rules
SUDO_USER=bob
refused 1 "approve: \"  pat staff \" requested restriction 1: another person must approve it" \
	"approve by the requester's name (case and blanks ignored)" approve 1 --by "  pat staff "
SUDO_USER=alice
refused 1 "approve: OS user alice proposed restriction 1: another person must approve it" \
	"approve by the OS user who proposed" approve 1 --by "Jo Head"
SUDO_USER=bob
refused 1 "approve: restriction 2: criteria not confirmed: communication-adequate, misunderstandings-addressed, access-considered, advice-signposted" \
	"approve with criteria unconfirmed" approve 2 --by "Jo Head"
refused 2 "approve: --criteria: unknown criterion" "approve with an unknown criterion" \
	approve 2 --by "Jo Head" --criteria nonsense
refused 1 "approve: unknown restriction 9" "approve an unknown id" approve 9 --by "Jo Head"
refused 2 "approve: missing --by" "approve without --by" approve 1
refused 2 "approve: expected one restriction ID" "approve without an id" approve --by "Jo Head"

RESTRICT_MILTER_NOW=2026-11-28T10:00
step_counted "approve by another person and another OS user" approve 1 --by "Jo Head"
expect_eq "$(sql "SELECT status, authorised_by, starts, review_due FROM restrictions WHERE id = 1")" \
	"active|Jo Head|$(date -u -d 2026-11-28T10:00:00Z +%s)|$(date -u -d 2027-11-28T10:00:00Z +%s)" \
	"approval activates it from now, review due 12 months on"
expect_eq "$(sql "SELECT kind, by FROM restriction_history WHERE restriction_id = 1 ORDER BY id DESC LIMIT 1")" \
	"approved|Jo Head" "history: approved by the approver"
expect_eq "$(sql "SELECT os_user IS NOT NULL, sudo_user FROM audit ORDER BY id DESC LIMIT 1")" "1|bob" \
	"the audit row records the OS user and SUDO_USER"
run check --from bob@example.org --to jo@staff.example --json
expect_eq "$(json_get 'j["verdict"]')" "reject" "an approved restriction is enforced"
refused 1 "approve: restriction 1 is not proposed \\(active\\)" "approve twice" approve 1 --by "Jo Head"
step_counted "the approver confirms the remaining criteria" approve 2 --by "Jo Head" \
	--criteria communication-adequate,misunderstandings-addressed,access-considered,advice-signposted
expect_eq "$(sql "SELECT criteria FROM restrictions WHERE id = 2")" "$ALL" "all six are now recorded"

# Authorisers
write_config "Authorisers Jo Head"
SUDO_USER=carol
run propose x@example.org --action watch --reason r --requested-by Pat --criteria "$ALL"
expect_exit 0 "any member of staff may propose when Authorisers is set"
SUDO_USER=dave
refused 1 "approve: \"Sam\" is not one of Authorisers" "approve by a name not in Authorisers" \
	approve 3 --by Sam
write_config
unset SUDO_USER

# notified
step_counted "notified" notified 1 --on 2026-11-29
expect_eq "$(sql "SELECT notified_on FROM restrictions WHERE id = 1")" "$(date -u -d 2026-11-29 +%s)" \
	"the notice date is recorded"
expect_eq "$(sql "SELECT kind, notes FROM restriction_history WHERE restriction_id = 1 ORDER BY id DESC LIMIT 1")" \
	"notified|written notice dated 2026-11-29" "history: notified"
refused 2 "notified: bad date for --on" "notified with a bad date" notified 1 --on soon
refused 2 "notified: missing --on" "notified without --on" notified 1
refused 1 "notified: unknown restriction 42" "notified for an unknown id" notified 42 --on 2026-11-29

# vary
add_ok "a file restriction to vary" fred@example.org --action file --reason r --authorised-by "Jo Head"
fid=$id
step_counted "vary the options" vary "$fid" --mode redirect --mailbox box@staff.example --by "Jo Head" \
	--reason "filing by the casework team"
expect_eq "$(sql "SELECT action, file_mode, mailbox FROM restrictions WHERE id = $fid")" \
	"file|redirect|box@staff.example" "vary changes the options, not the action"
expect_eq "$(sql "SELECT json_extract(before_json, '\$.options.mode') || '>' || json_extract(after_json, '\$.options.mode'), by, notes FROM restriction_history WHERE restriction_id = $fid AND kind = 'varied'")" \
	"tag>redirect|Jo Head|filing by the casework team" "history keeps the old options"
run show "$fid" --json
expect_schema show "show --json after vary follows the schema"
expect_eq "$(json_get '[h["kind"] for h in j["history"]]')" "['created', 'varied']" "show lists the variation"
refused 2 "vary: --message does not belong to action file" "vary with a foreign option" \
	vary "$fid" --message hi --by "Jo Head" --reason r
refused 2 "vary: give the action options to change" "vary without options" vary "$fid" --by "Jo Head" --reason r
refused 2 "vary: missing --reason" "vary without --reason" vary "$fid" --mode tag --by "Jo Head"
refused 2 "vary: --mode: unknown value" "vary with a bad value" vary "$fid" --mode bounce --by H --reason r
refused 2 "vary: selector fred@example.org would match the filing mailbox" "vary into the selector guard" \
	vary "$fid" --mailbox fred@example.org --by H --reason r
refused 1 "vary: unknown restriction 99" "vary an unknown id" vary 99 --mode tag --by H --reason r

# review: continue, vary, lift
step_counted "review: continue with a date" review 1 --by "Jo Head" --outcome continue --next 2027-06-01 --notes "no change"
expect_eq "$(sql "SELECT review_due FROM restrictions WHERE id = 1")" "$(date -u -d 2027-06-01 +%s)" \
	"continue with --next sets the next review"
step_counted "review: vary" review 1 --by "Jo Head" --outcome vary
expect_eq "$(sql "SELECT review_due FROM restrictions WHERE id = 1")" "$(date -u -d 2027-11-28T10:00:00Z +%s)" \
	"without --next the next review is 12 months on"
expect_eq "$(sql "SELECT group_concat(notes, ' / ') FROM restriction_history WHERE restriction_id = 1 AND kind = 'reviewed'")" \
	"outcome: continue; next review: 2027-06-01; notes: no change / outcome: vary; next review: 2027-11-28" \
	"history records each review's outcome"
refused 2 "review: unknown --outcome \"maybe\"" "review with a bad outcome" review 1 --by H --outcome maybe
refused 2 "review: --next must be in the future" "review with a past --next" review 1 --by H --outcome continue --next 2026-01-01
refused 2 "review: --next does not go with --outcome lift" "review lift with --next" review 1 --by H --outcome lift --next 2027-01-01
refused 1 "review: restriction 3 is not active \\(proposed\\)" "review a proposal" review 3 --by H --outcome continue
step_counted "review: lift" review "$fid" --by "Jo Head" --outcome lift --notes "behaviour improved"
expect_eq "$(sql "SELECT status, lifted_by, lift_reason FROM restrictions WHERE id = $fid")" \
	"lifted|Jo Head|behaviour improved" "review lift lifts the restriction"
expect_eq "$(sql "SELECT group_concat(kind) FROM restriction_history WHERE restriction_id = $fid")" \
	"created,varied,reviewed,lifted" "history: reviewed then lifted"
refused 1 "vary: restriction $fid is not active \\(lifted\\)" "vary a lifted restriction" \
	vary "$fid" --mode tag --by H --reason r

# overdue reviews show in list and show
RESTRICT_MILTER_NOW=2027-12-01T09:00
run list
expect_out_match "^1 .* active \\(overdue\\) " "list marks an overdue review"
run show 1
expect_out_match "^status: active \\(overdue\\)$" "show marks the status overdue"
expect_out_match "^review due: 2027-11-28 10:00 \\(overdue\\)$" "show marks the review date overdue"
run show 1 --json
expect_eq "$(json_get 'j["overdue"]')" "True" "show --json says overdue"

# expiry by the clock, recorded by the next write command of any kind
RESTRICT_MILTER_NOW=2026-12-01T09:00
add_ok "a restriction ending soon" gina@example.org --action watch --ends 2026-12-05 --reason r --authorised-by H
gid=$id
RESTRICT_MILTER_NOW=2026-12-06T09:00
run notified 1 --on 2026-12-06
expect_exit 0 "another command after the end"
expect_eq "$(sql "SELECT status FROM restrictions WHERE id = $gid")" "expired" "notified records the due expiry"
refused 1 "review: restriction $gid is not active \\(expired\\)" "review an expired restriction" \
	review "$gid" --by H --outcome continue

finish
