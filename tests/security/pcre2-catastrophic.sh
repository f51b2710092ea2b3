#!/bin/sh
# pcre2-catastrophic.sh - PCRE2's match and depth limits hold against
# catastrophic patterns (SPEC "Selectors"): `restrictctl check`, which
# calls the milter's decision function, answers at once for addresses that
# make /(a+)+$/ and /^(\w+\s?)*$/-style patterns backtrack exponentially;
# a limit hit counts as no match, and the same patterns still match the
# addresses they should. The daemon's side: t-catastrophic-pattern-quick.lua.
. "$top_srcdir/tests/cli/lib.sh"

# ms - milliseconds since the epoch
ms() {
	echo $(($(date +%s%N) / 1000000))
}

write_config
run init
expect_exit 0 "init"
run add '/(a+)+$/' --action block --reason "catastrophic on purpose" --authorised-by Dana
expect_exit 0 "add /(a+)+\$/"
run add '/^(([a-z])+.)+[A-Z]([a-z])+$/' --action block --reason "catastrophic too" --authorised-by Dana \
	--force
expect_exit 0 "add /^(([a-z])+.)+[A-Z]([a-z])+\$/"

run check --from "x@test.ca" --to "alice@staff.example" --json
expect_out_match '"id": 1,' "a short address ending in a is matched by /(a+)+\$/ (the pattern works)"

for n in 30 100 300; do
	from="$(printf "%${n}s" "" | tr ' ' a)@test.ca"
	t0=$(ms)
	run check --from "$from" --to "alice@staff.example" --json
	dt=$(($(ms) - t0))
	expect_exit 0 "check, /(a+)+\$/ on $n a's"
	[ "$dt" -lt 2000 ] && ok "… answered in $dt ms (< 2000)" || not_ok "… answered in $dt ms (>= 2000)"
	# restriction 1 is /(a+)+$/: its limit hit counts as no match (the
	# second pattern may match these addresses in linear time, and does)
	grep -q '"id": 1,' "$T/out" && not_ok "… /(a+)+\$/ hit its limit: no match" \
		|| ok "… /(a+)+\$/ hit its limit: no match"
	from="$(printf "%${n}s" "" | tr ' ' a)!@test.example"
	t0=$(ms)
	run check --from "$from" --to "alice@staff.example" --json
	dt=$(($(ms) - t0))
	[ "$dt" -lt 2000 ] && ok "$n a's then '!': answered in $dt ms" || not_ok "$n a's then '!': $dt ms"
done
finish
