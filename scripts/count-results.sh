#!/bin/sh
# count-results.sh - count individual test cases across automake test logs.
# For each test's .trs/.log pair: a Check summary ("Checks: N, Failures: F,
# Errors: E") or TAP-style "ok"/"not ok" lines are counted case by case;
# anything else counts as one case by its automake result. A test whose
# program failed without reporting a failed case counts one failure more.
# Usage: count-results.sh DIR... ; prints "P F" (passed, failed).
set -eu
passed=0
failed=0
for dir in "$@"; do
	for trs in $(find "$dir" -name '*.trs' 2>/dev/null | sort); do
		log="${trs%.trs}.log"
		result=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
		p=0; f=0
		summary=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" 2>/dev/null | tail -n 1 || true)
		if [ -n "$summary" ]; then
			n=$(echo "$summary" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
			fl=$(echo "$summary" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
			er=$(echo "$summary" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
			f=$((fl + er)); p=$((n - f))
		elif grep -qE '^(not )?ok [0-9]+' "$log" 2>/dev/null; then
			p=$(grep -cE '^ok [0-9]+' "$log" || true)
			f=$(grep -cE '^not ok [0-9]+' "$log" || true)
		elif [ "$result" = PASS ] || [ "$result" = XFAIL ]; then
			p=1
		elif [ "$result" = SKIP ]; then
			p=0
		else
			f=1
		fi
		case "$result" in
		FAIL|ERROR|XPASS) [ "$f" -eq 0 ] && f=1 ;;
		esac
		passed=$((passed + p)); failed=$((failed + f))
	done
done
echo "$passed $failed"
