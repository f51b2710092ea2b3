#!/bin/sh
# suite-keeps.sh - the security suite's parts that live elsewhere stay in
# `make check` and keep testing what they are for: the audit chain's
# tamper detection (cli/audit-chain.sh: altered, removed and truncated
# rows), digest HTML escaping (cli/digest-escape.sh), the basic
# forged-header removal (milter/t-forged-headers-removed.lua), and the
# libFuzzer targets run by scripts/test-all.sh (fuzz/run.sh), the milter's
# per-message path among them.
set -u
: "${top_srcdir:?}"
t=$top_srcdir/tests
n=0
failed=0
check() {	# check DESC COMMAND... - one TAP line
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; failed=$((failed + 1)); fi
}
listed() {	# listed FRAGMENT TEST - TEST is a line of the fragment's test list
	grep -Eq "^[[:space:]]*$2[[:space:]]*\\\\?$" "$t/$1"
}
check "cli/audit-chain.sh is in make check" listed cli/cli.am cli/audit-chain.sh
check "audit-chain.sh verifies the chain and a recorded head" grep -q -- '--verify --head' "$t/cli/audit-chain.sh"
check "audit-chain.sh alters the history behind restrictctl's back" grep -Eq 'UPDATE|DELETE' "$t/cli/audit-chain.sh"
check "cli/digest-escape.sh is in make check" listed cli/cli.am cli/digest-escape.sh
check "digest-escape.sh feeds <script> to the digest" grep -q '<script>' "$t/cli/digest-escape.sh"
check "milter/t-forged-headers-removed.lua is in make check" listed milter/milter.am milter/t-forged-headers-removed.lua
check "fuzz_milter.c is a libFuzzer target" grep -q LLVMFuzzerTestOneInput "$t/fuzz/fuzz_milter.c"
check "fuzz_milter has a seed corpus" test -n "$(ls "$t/fuzz/corpus/fuzz_milter" 2>/dev/null)"
check "fuzz/run.sh runs every fuzz_*.c target" grep -q 'fuzz_\*\.c' "$t/fuzz/run.sh"
check "scripts/test-all.sh runs fuzz/run.sh" grep -q 'tests/fuzz/run.sh' "$top_srcdir/scripts/test-all.sh"
echo "1..$n"
[ "$failed" -eq 0 ]
