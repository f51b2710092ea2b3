#!/bin/sh
# digest.sh - `restrictctl digest` on a fixed database and clock
# (digest-fixture.sh): the text and HTML digests equal the golden files in
# tests/cli/golden/ byte for byte (the audit head, which hashes the OS user
# who built the database, is replaced by <audit-head>); the period follows
# --since/--until; usage errors exit 2.
#
# To regenerate the golden files after an intended change, run
#   DIGEST_REGENERATE=1 make check TESTS=cli/digest.sh
# in tests/ of the build tree, and review the diff before committing.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/digest-fixture.sh"

GOLDEN="$top_srcdir/tests/cli/golden"
digest_fixture

# golden NAME DESC - stdout, head hash masked, equals golden/NAME
golden() {
	sed 's/[0-9a-f]\{64\}/<audit-head>/g' "$T/out" >"$T/masked"
	if [ -n "${DIGEST_REGENERATE:-}" ]; then
		cp "$T/masked" "$GOLDEN/$1"
		ok "$2 # regenerated $1"
	elif cmp -s "$GOLDEN/$1" "$T/masked"; then
		ok "$2"
	else
		not_ok "$2"
		diff -u "$GOLDEN/$1" "$T/masked" | sed 's/^/# /'
	fi
}

run digest --format text
expect_exit 0 "digest --format text"
golden digest.txt "the text digest equals golden/digest.txt"
run digest
golden digest.txt "text is the default format"
run digest --format html
expect_exit 0 "digest --format html"
golden digest.html "the HTML digest equals golden/digest.html"

run digest --format text
widest=$("$PY" -c 'import sys; print(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$T/out")
expect_eq "$([ "$widest" -le 78 ] && echo fits || echo "$widest columns")" fits "text lines fit in 78 columns"
expect_eq "$(grep -c 'secret' "$T/out")" 0 "no reason or note is in the text digest"
run digest --format html
expect_eq "$(grep -c 'secret' "$T/out")" 0 "no reason or note is in the HTML digest"
expect_eq "$(grep -ciE '<script|<img|<link|@import|url\(|https?:' "$T/out")" 0 \
	"the HTML has no scripts, images, links or remote resources"

# the period
run digest --since 2026-11-24 --until 2026-11-24
expect_exit 0 "digest --since D --until D: one whole day"
expect_out_match '^Period: +Tue 24 Nov 2026 00:00 GMT' "--since: from midnight"
expect_out_match '^ +to +Wed 25 Nov 2026 00:00 GMT' "--until with a bare date: to the end of that day"
expect_out_match '^Correspondence restrictions — week ending 2026-11-24$' "week ending: the --until date"
expect_out_match '^#1 Bob Example \(C-2031\) - file: 1 message$' "only the day's mail"
run digest --since 2026-01-01 --until 2026-12-31T00:00
expect_exit 0 "a long period"
expect_out_match '^Per period of days:' "a long period groups its days"

refused 2 'bad --format "pdf"' "digest --format pdf" digest --format pdf
refused 2 'bad --since "yesterday"' "digest --since yesterday" digest --since yesterday
refused 2 'bad --until "2026-13-01"' "digest --until 2026-13-01" digest --until 2026-13-01
refused 2 '--since must be before --until' "digest --since after --until" digest \
	--since 2026-11-27 --until 2026-11-20
refused 2 'unexpected argument' "digest with an argument" digest weekly
refused 2 'bad --to "-oQ/tmp"' "digest --to an option" digest --to -oQ/tmp
refused 2 'unknown option' "digest --json" digest --json
run --help
expect_out_match 'restrictctl digest \[--since DATE\]' "--help lists digest"
finish
