# tap.sh - TAP assertions for the end-to-end tests (POSIX sh, sourced).
#
# One "ok N - what" / "not ok N - what" line per assertion, the plan at the
# end (tap_finish), exit 1 when any failed. Failures show both values as
# TAP comments.

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
}

# expect_eq GOT WANT DESC
expect_eq() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		printf '%s\n' "$1" | sed 's/^/#   got:  /'
		printf '%s\n' "$2" | sed 's/^/#   want: /'
	fi
}

# expect_match GOT PATTERN DESC - GOT matches the grep -E PATTERN (some line of it)
expect_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok "$3"
	else
		not_ok "$3"
		printf '%s\n' "$1" | sed 's/^/#   got:  /'
		echo "#   want: /$2/"
	fi
}

# expect_no_match GOT PATTERN DESC - no line of GOT matches
expect_no_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		not_ok "$3"
		printf '%s\n' "$1" | sed 's/^/#   got:  /'
		echo "#   want no line matching: /$2/"
	else
		ok "$3"
	fi
}

# tap_diag FILE - a file as TAP comments
tap_diag() {
	sed 's/^/#   /' "$1"
}

# tap_finish - the plan; exit status 1 when anything failed
tap_finish() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
