#!/bin/sh
# import-large.sh - a 10,000-row import is one transaction and takes a few
# seconds at most (the time is printed); the same file with one bad row
# stores nothing and names the line.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"

# rows 4k and 4k+1 share a case (2,499 pairs: 7,501 people); actions and options vary
awk 'BEGIN {
	print "selector,action,name,case,options"
	for (i = 1; i <= 10000; i++) {
		c = (i % 4 == 0 || i % 4 == 1) ? "C-" int(i / 4) : ""
		n = c != "" ? "Person " c : "Person " i
		if (i % 5 == 0)
			printf "person%d@example.org,limit,\"%s\",%s,\"--limit 5/1d --over hold\"\n", i, n, c
		else if (i % 5 == 1)
			printf "@d%d.example.net,block,%s,%s,--message \x27Not accepted.\x27\n", i, n, c
		else
			printf "person%d@example.org,watch,%s,%s,\n", i, n, c
	}
}' >"$T/big.csv"
expect_eq "$(wc -l <"$T/big.csv")" "10001" "the file has 10,000 rows and a header"

now_ms() {
	date +%s%N | cut -c1-13
}

gen=$(generation)
t0=$(now_ms)
run import "$T/big.csv" --authorised-by Jo --reason "bulk load"
t1=$(now_ms)
ms=$((t1 - t0))
echo "# import of 10000 rows took $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
expect_exit 0 "import 10,000 rows"
expect_out_match "^imported .*: 10000 rows, 7501 new users \\(0 existing\\)" "every row imported"
expect_eq "$(sql 'SELECT count(*) FROM selectors')" "10000" "10,000 selectors"
expect_eq "$(generation)" "$((gen + 1))" "one transaction, one generation bump"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE command LIKE '%import%'")" "1" "one audit row"
if [ "$ms" -lt 60000 ]; then
	ok "the import took under a minute even on a slow or instrumented build"
else
	not_ok "the import took under a minute (took $ms ms)"
fi
run check --from person9999@example.org --to jo@staff.example --json
expect_eq "$(json_get '[r["action"] for r in j["restrictions"]]')" "['watch']" "an imported row is enforced"

# the same rows again under new names, with one bad row near the end
awk 'NR == 1 { print; next }
	{ sub(/example/, "example2"); sub(/\.example\.net/, ".example2.net") }
	NR == 7001 { print "not-a-selector,watch,,,"; next }
	{ print }' "$T/big.csv" >"$T/bad.csv"
refused 2 "import: $T/bad.csv, line 7001: bad selector \"not-a-selector\"" \
	"one bad row in 10,000 refuses the file" import "$T/bad.csv" --authorised-by Jo --reason r

finish
