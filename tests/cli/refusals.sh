#!/bin/sh
# refusals.sh - every refusal of restrictctl with its exit status (2 for
# what the arguments alone show, 1 for what needs state), one line on
# stderr saying why, and nothing stored: no row and no generation bump.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
add_ok "a restriction to refuse things about" bob@example.org --action block --reason r \
	--authorised-by H

A="--reason r --authorised-by H"

# usage: commands and options
"$RESTRICTCTL" -c "$CONF" >"$T/out" 2>"$T/err"
status=$?
expect_exit 2 "no command"
expect_eq "$(head -n 1 "$T/err")" "usage: restrictctl [-c FILE] [-d DB] COMMAND [ARGS]" "no command prints the usage"
refused 2 "unknown command \"frob\"" "unknown command" frob
refused 2 "unknown option -x" "unknown global option" -x list
refused 2 "list: unknown option --frob" "unknown command option" list --frob
refused 2 "option --reason needs a value" "option without its value" add x@example.org --action block --reason
refused 2 "option --reason given more than once" "a repeated option" add x@example.org --action block $A --reason again
refused 2 "init: unexpected argument" "init with an argument" init now

# add: action and required options
refused 2 "unknown action \"zap\"" "unknown action" add x@example.org --action zap $A
refused 2 "add: missing --action" "missing --action" add x@example.org $A
refused 2 "add: missing --reason" "missing --reason" add x@example.org --action block --authorised-by H
refused 2 "add: missing --authorised-by" "missing --authorised-by" add x@example.org --action block --reason r
refused 2 "--reason must not be empty" "empty --reason" add x@example.org --action block --reason "" --authorised-by H
refused 2 "--mode does not belong to action block" "foreign --mode for block" add x@example.org --action block --mode tag $A
refused 2 "--message does not belong to action file" "foreign --message for file" add x@example.org --action file --message hi $A
refused 2 "--contact does not belong to action watch" "foreign --contact for watch" add x@example.org --action watch --contact c@staff.example $A
refused 2 "--copy-to does not belong to action limit" "foreign --copy-to for limit" add x@example.org --action limit --limit 1/1d --copy-to c@staff.example $A
refused 2 "--over does not belong to action monitor" "foreign --over for monitor" add x@example.org --action monitor --over hold $A
refused 2 "single-contact needs --contact" "--contact missing for single-contact" add x@example.org --action single-contact $A
refused 2 "limit needs --limit" "--limit missing for limit" add x@example.org --action limit $A
refused 2 "--limit: expected N/PERIOD" "--limit without a period" add x@example.org --action limit --limit 5 $A
refused 2 "--limit: expected N/PERIOD" "--limit with a bad period" add x@example.org --action limit --limit 5/7x $A
refused 2 "--limit: expected N/PERIOD" "--limit with a zero period" add x@example.org --action limit --limit 5/0d $A
refused 2 "--limit: expected N/PERIOD" "--limit of zero messages" add x@example.org --action limit --limit 0/1d $A
refused 2 "--mode: unknown value \"bounce\"" "bad --mode" add x@example.org --action file --mode bounce $A
refused 2 "--over: unknown value \"drop\"" "bad --over" add x@example.org --action limit --limit 1/1d --over drop $A
refused 2 "--contact: not a plain mail address" "bad --contact" add x@example.org --action single-contact --contact nobody $A
refused 2 "exceeds MaxTempfailPeriod 3d" "--over tempfail beyond MaxTempfailPeriod" \
	add x@example.org --action limit --limit 5/7d --over tempfail $A

# add: dates
refused 2 "bad date for --ends: \"2026-13-01\"" "impossible --ends date" add x@example.org --action block --ends 2026-13-01 $A
refused 2 "bad date for --starts: \"tomorrow\"" "unparseable --starts" add x@example.org --action block --starts tomorrow $A
refused 2 "bad date for --review" "bad --review" add x@example.org --action block --review 2026-02-30 $A
refused 2 "bad date for --notified" "bad --notified" add x@example.org --action block --notified 27/11/2026 $A
refused 2 "--ends must be after --starts" "--ends before --starts" add x@example.org --action block --starts 2026-12-01 --ends 2026-11-01 $A

# add: selectors
refused 2 "bad selector \"x@\"" "bad selector" add x@ --action block $A
refused 2 "bad selector \"bob\"" "selector without a domain" add bob --action block $A
refused 2 "bad PCRE2 pattern /a\\(b/: .* at offset 3" "bad PCRE2 pattern with its offset" add '/a(b/' --action block $A
refused 2 "at least one SELECTOR" "no selector and no --user" add --action block $A
refused 2 "bad --user \"abc\"" "bad --user" add --user abc --action block $A
refused 2 "bad --flag \"-1\"" "bad --flag" add x@example.org --flag -1 --action block $A
refused 2 "cannot be given with --user" "--name with --user" add --user 1 --name N --action block $A

# add: reject texts
refused 2 "line break" "reject text with CR" add x@example.org --action block --message "$(printf 'a\rb')" $A
refused 2 "line break" "reject text with LF" add x@example.org --action block --message "$(printf 'a\nb')" $A
refused 2 "printable ASCII" "reject text not ASCII" add x@example.org --action block --message "Gru$(printf '\303\237')e" $A
refused 2 "printable ASCII" "reject text with a tab" add x@example.org --action block --message "$(printf 'a\tb')" $A
long901=$(printf '%0901d' 0)
refused 2 "901 octets; at most 900" "reject text over 900 octets" add x@example.org --action block --message "$long901" $A
long900=$(printf '%0900d' 0)
add_ok "a reject text of exactly 900 octets is accepted" max@example.org --action block --message "$long900" $A

# the selector guard (exit 2: visible from the arguments and the config)
refused 2 "selector @staff.example would match staff domain staff.example: use --force" \
	"guard: a staff domain" add @staff.example --action block $A
refused 2 "would match staff domain staff.example" "guard: a parent of a staff domain" add @.example --action block $A
refused 2 "would match staff domain" "guard: a subdomain of a staff domain" add @sub.staff.example --action block $A
refused 2 "would match staff domain" "guard: a staff address" add jo@Staff.Example --action block $A
refused 2 "would match staff domain" "guard: a pattern matching staff mail" add '/staff/' --action block $A
refused 2 "would match the exempt address complaints@staff.example" "guard: the exempt address" \
	add '/^complaints@/' --action block $A
refused 2 "would match the filing mailbox records@staff.example" "guard: the filing mailbox" \
	add '/^records@/' --action block $A
refused 2 "would match the monitor mailbox monitor@staff.example" "guard: the monitor mailbox" \
	add '/^monitor@/' --action block $A
refused 2 "would match the contact address liaison@example.org" "guard: the contact address" \
	add @example.org --action single-contact --contact liaison@example.org $A
refused 2 "would match the copy address" "guard: the copy address" \
	add @.example.org --action monitor --copy-to copies@sub.example.org $A
refused 2 "would match the filing mailbox" "guard: the restriction's own mailbox" \
	add '/^box@/' --action file --mode redirect --mailbox box@example.net $A
add_ok "--force overrides the guard" @staff.example --action watch --force $A
expect_eq "$(sql "SELECT count(*) FROM selectors WHERE text = '@staff.example'")" "1" \
	"--force stores the guarded selector"

# other commands' usage errors
refused 2 "lift: expected one restriction ID" "lift without an id" lift --by H --reason r
refused 2 "lift: expected one restriction ID" "lift with a bad id" lift 1x --by H --reason r
refused 2 "lift: missing --by" "lift without --by" lift 1 --reason r
refused 2 "lift: missing --reason" "lift without --reason" lift 1 --by H
refused 2 "show: expected one ID" "show without an id" show
refused 2 "show: expected one ID" "show with a bad id" show abc
refused 2 "user: expected one ID" "user with two ids" user 1 2
refused 2 "list: bad --due \"soon\"" "list with a bad --due" list --due soon
refused 2 "list: unexpected argument" "list with an argument" list all
refused 2 "check: missing --from" "check without --from" check --to a@staff.example
refused 2 "check: missing --to" "check without --to" check --from bob@example.org

# errors that need state (exit 1)
refused 1 "show: unknown restriction 99" "show an unknown id" show 99
refused 1 "user: unknown user 99" "user an unknown id" user 99
refused 1 "lift: unknown restriction 99" "lift an unknown id" lift 99 --by H --reason r
refused 1 "add: unknown user 99" "add to an unknown user" add --user 99 --action block $A
refused 1 "selector bob@example.org already belongs to user 1: use --user 1" \
	"a selector another user holds" add Bob@Example.org --action watch $A
add_ok "--user adds to the user holding the selector" --user 1 bob@example.org --action watch $A
run lift 1 --by H --reason done
expect_exit 0 "lift"
refused 1 "lift: restriction 1 is not active \\(lifted\\)" "lifting a lifted restriction" lift 1 --by H --reason again

# Authorisers
write_config "Authorisers Jo Head, Sam Senior"
refused 1 "add: \"Pat\" is not one of Authorisers" "add by a name not in Authorisers" \
	add x@example.org --action block --reason r --authorised-by Pat
refused 1 "lift: \"Pat\" is not one of Authorisers" "lift by a name not in Authorisers" \
	lift 2 --by Pat --reason r
add_ok "add by a name in Authorisers" x@example.org --action block --reason r --authorised-by "Sam Senior"

# MaxTempfailPeriod from the config
write_config "MaxTempfailPeriod 8d"
add_ok "--over tempfail within a longer MaxTempfailPeriod" y@example.org --action limit \
	--limit 5/7d --over tempfail $A

finish
