#!/bin/sh
# run.sh - build every libFuzzer target with clang (AddressSanitizer,
# UndefinedBehaviorSanitizer, LeakSanitizer) and run each for a bounded
# time from its seed corpus in tests/fuzz/corpus/NAME. Prints one TAP line
# per target; a crash, leak or sanitizer report fails it and leaves the
# reproducer in $FUZZ_OUT.
# Usage: run.sh [SECONDS-PER-TARGET]   (default $FUZZ_SECONDS or 30)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-30}}
out=${FUZZ_OUT:-$top/_build-fuzz}
mkdir -p "$out"
n=0
failed=0

pkgs="libpcre2-8 gmime-3.0 libidn2"
cflags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
srcs="$(ls "$top"/lib/*.c "$top"/rules/*.c)"
# fuzz_milter also runs the milter's per-message code, with milter_fake.c
# standing in for libmilter, the store's reads, the reload view and the
# event writer (so it needs libmilter's header and Jansson, not SQLite)
milter_srcs="$(for f in callbacks message mctx apply record jsonw limits detection flagcache \
	novelty_mail; do echo "$top/milter/$f.c"; done) $here/milter_fake.c"

for target in "$here"/fuzz_*.c; do
	name=$(basename "$target" .c)
	n=$((n + 1))
	extra_srcs= extra_inc= extra_pkgs=
	if [ "$name" = fuzz_milter ]; then
		extra_srcs=$milter_srcs
		extra_inc="-iquote $top/milter -I$top/db -I$here"	# -iquote: milter/limits.h is not <limits.h>
		extra_pkgs=jansson
	fi
	# shellcheck disable=SC2086
	if ! clang $cflags -I"$top/lib" -I"$top/rules" $extra_inc $(pkg-config --cflags $pkgs $extra_pkgs) \
	    "$target" $srcs $extra_srcs $(pkg-config --libs $pkgs $extra_pkgs) -lpthread -o "$out/$name" \
	    >"$out/$name.build.log" 2>&1; then
		failed=$((failed + 1))
		echo "not ok $n - $name: does not build"
		tail -n 20 "$out/$name.build.log"
		continue
	fi
	work="$out/$name.corpus"
	rm -rf "$work" && mkdir -p "$work"
	[ -d "$here/corpus/$name" ] && cp "$here/corpus/$name"/* "$work/" 2>/dev/null
	max_len=4096
	[ "$name" = fuzz_config ] && max_len=16384
	[ "$name" = fuzz_milter ] && max_len=16384
	if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	    "$out/$name" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
	    -rss_limit_mb=2048 -artifact_prefix="$out/$name-" -print_final_stats=1 \
	    "$work" >"$out/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
		echo "ok $n - $name: ${runs:-?} runs in ${seconds}s, no crash, leak or sanitizer report"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name: see $out/$name.log"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$out/$name.log" | head -n 10
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
