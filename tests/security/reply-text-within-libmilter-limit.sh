#!/bin/sh
# reply-text-within-libmilter-limit.sh - a reject text reaches libmilter
# with every '%' doubled, and libmilter refuses a text over 980 octets
# (the MTA's generic reply would then replace ours). So --message and
# BlockText are measured as sent: at most 900 octets once '%' is doubled.
# Found by fuzz_milter (a stored 900-octet text with 100 '%' went out as
# 1000 octets); its corpus keeps the longest allowed text in play.
. "$top_srcdir/tests/cli/lib.sh"

# text N PCT - N octets, the first PCT of them '%'
text() {
	printf "%${2}s" "" | tr ' ' '%'
	printf "%$(($1 - $2))s" "" | tr ' ' x
}

write_config
run init
expect_exit 0 "init"
refused 2 "1000 octets once '%' is doubled; at most 900" "--message of 900 octets with 100 '%' (1000 sent)" \
	add pct@example.org --action block --message "$(text 900 100)" --reason r --authorised-by Dana
run add pct@example.org --action block --message "$(text 800 100)" --reason r --authorised-by Dana
expect_exit 0 "--message of 800 octets with 100 '%' (900 sent)"
run add pct2@example.org --action block --message "$(text 900 0)" --reason r --authorised-by Dana
expect_exit 0 "--message of 900 octets without '%'"
refused 2 "once '%' is doubled" "vary --message to 850 octets with 51 '%' (901 sent)" \
	vary 1 --message "$(text 850 51)" --by Dana --reason r

write_config "BlockText $(text 900 100)"
before=$(db_state)
run add pct3@example.org --action block --reason r --authorised-by Dana
expect_exit 1 "a BlockText too long once doubled stops restrictctl"
expect_err "BlockText: .*once '%' is doubled" "… one line naming BlockText"
expect_eq "$(db_state)" "$before" "… nothing stored"
"$top_builddir/milter/restrict-milter" -t -c "$CONF" >"$T/out" 2>&1
status=$?
[ "$status" -ne 0 ] && ok "restrict-milter -t refuses it (exit $status)" || not_ok "restrict-milter -t refuses it"
grep -q "BlockText" "$T/out" && ok "… naming BlockText" || { not_ok "… naming BlockText"; diag "$T/out"; }
write_config "BlockText $(text 800 100)"
run check --from pct4@example.org --to alice@staff.example --json
expect_exit 0 "a BlockText of 900 octets once doubled is accepted"
finish
