# lib.sh - shared helpers for the restrictctl shell tests (POSIX sh).
#
# Sourced by tests/cli/*.sh. Gives each test a temporary directory with a
# config and a database path, a fixed clock and time zone, a `run` helper
# that captures stdout, stderr and the exit status, and assertions that
# print TAP-style "ok N - what" / "not ok N - what" lines. `finish` prints
# the plan and exits 1 if any assertion failed (77 = skipped, for automake).

: "${top_builddir:?top_builddir must be set (make check sets it)}"
: "${top_srcdir:?top_srcdir must be set (make check sets it)}"

RESTRICTCTL="$top_builddir/cli/restrictctl"
SCHEMAS="$top_srcdir/doc/json"
PY=/usr/bin/python3
TZ=UTC
RESTRICT_MILTER_NOW=2026-11-27T09:00
export TZ RESTRICT_MILTER_NOW
unset SUDO_USER

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP sqlite3 shell not installed (Debian package sqlite3)"
	exit 77
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/restrictctl-test.XXXXXX") || exit 99
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT PIPE TERM
CONF="$T/restrict-milter.conf"
DB="$T/db/restrict.db"
tests_run=0
tests_failed=0

# write_config [LINE...] - the test config, plus any extra lines
write_config() {
	{
		echo "StaffDomains staff.example"
		echo "ExemptRecipients complaints@staff.example"
		echo "FilingMailbox records@staff.example"
		echo "MonitorMailbox monitor@staff.example"
		echo "Database $DB"
		echo "User restrict-milter-test-no-such-user"
		for line in "$@"; do
			echo "$line"
		done
	} >"$CONF"
}

# run ARGS... - restrictctl -c $CONF ARGS; sets $status, $T/out, $T/err
run() {
	"$RESTRICTCTL" -c "$CONF" "$@" >"$T/out" 2>"$T/err"
	status=$?
}

ok() {
	tests_run=$((tests_run + 1))
	echo "ok $tests_run - $1"
}

not_ok() {
	tests_run=$((tests_run + 1))
	tests_failed=$((tests_failed + 1))
	echo "not ok $tests_run - $1"
}

# diag FILE - show a file as TAP comments
diag() {
	sed 's/^/#   /' "$1"
}

# expect_exit CODE DESC - the last run's exit status
expect_exit() {
	if [ "$status" = "$1" ]; then
		ok "$2 (exit $1)"
	else
		not_ok "$2 (exit $1, got $status)"
		echo "# stdout:"; diag "$T/out"
		echo "# stderr:"; diag "$T/err"
	fi
}

# expect_eq GOT WANT DESC
expect_eq() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		echo "#   got:  $1"
		echo "#   want: $2"
	fi
}

# expect_out DESC - stdout of the last run equals stdin
expect_out() {
	cat >"$T/want"
	if cmp -s "$T/want" "$T/out"; then
		ok "$1"
	else
		not_ok "$1"
		diff -u "$T/want" "$T/out" | sed 's/^/# /'
	fi
}

# expect_err PATTERN DESC - stderr is one line matching the grep -E pattern
expect_err() {
	lines=$(wc -l <"$T/err")
	if [ "$lines" -eq 1 ] && grep -Eq -- "$1" "$T/err"; then
		ok "$2"
	else
		not_ok "$2"
		echo "#   want one line matching: $1"
		diag "$T/err"
	fi
}

# expect_out_match PATTERN DESC - some stdout line matches
expect_out_match() {
	if grep -Eq -- "$1" "$T/out"; then
		ok "$2"
	else
		not_ok "$2"
		echo "#   want a line matching: $1"
		diag "$T/out"
	fi
}

# sql QUERY - one value from the database
sql() {
	sqlite3 "$DB" "$1"
}

# db_state - counts of every table and the generation, to prove nothing changed
db_state() {
	sqlite3 "$DB" "SELECT (SELECT count(*) FROM service_users) || ' users, ' ||
		(SELECT count(*) FROM selectors) || ' selectors, ' ||
		(SELECT count(*) FROM restrictions) || ' restrictions, ' ||
		(SELECT count(*) FROM restrictions WHERE status = 'active') || ' active, ' ||
		(SELECT count(*) FROM restriction_history) || ' history, ' ||
		(SELECT count(*) FROM audit) || ' audit, generation ' ||
		(SELECT value FROM meta WHERE key = 'generation')"
}

generation() {
	sql "SELECT value FROM meta WHERE key = 'generation'"
}

# refused CODE PATTERN DESC ARGS... - run, expect the status, one stderr
# line matching PATTERN, nothing on stdout and nothing stored
refused() {
	r_code=$1 r_pat=$2 r_desc=$3
	shift 3
	r_before=$(db_state)
	run "$@"
	expect_exit "$r_code" "$r_desc"
	expect_err "$r_pat" "$r_desc: says why"
	expect_eq "$(db_state)" "$r_before" "$r_desc: nothing stored"
}

have_jsonschema() {
	[ -x "$PY" ] && "$PY" -c 'import jsonschema' 2>/dev/null
}

# expect_schema NAME DESC - stdout validates against doc/json/NAME.schema.json
expect_schema() {
	if ! have_jsonschema; then
		ok "$2 # SKIP python3-jsonschema not installed"
		return
	fi
	if "$PY" - "$SCHEMAS/$1.schema.json" "$T/out" >"$T/py" 2>&1 <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
EOF
	then
		ok "$2"
	else
		not_ok "$2"
		diag "$T/py"
	fi
}

# expect_json DESC - stdout is JSON equal (as data) to the JSON on stdin
expect_json() {
	cat >"$T/want"
	if "$PY" - "$T/want" "$T/out" >"$T/py" 2>&1 <<'EOF'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
if want != got:
    print("want:", json.dumps(want, sort_keys=True, indent=1))
    print("got: ", json.dumps(got, sort_keys=True, indent=1))
    sys.exit(1)
EOF
	then
		ok "$1"
	else
		not_ok "$1"
		diag "$T/py"
	fi
}

# json_get EXPR - evaluate a Python expression over the stdout JSON as `j`
json_get() {
	"$PY" -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$T/out" "$1" 2>"$T/pyerr" || echo "(not JSON: $(head -c 200 "$T/out"))"
}

# add_ok DESC ARGS... - restrictctl add that must succeed; sets $id
add_ok() {
	a_desc=$1
	shift
	run add "$@"
	expect_exit 0 "$a_desc"
	id=$(head -n 1 "$T/out")
}

finish() {
	echo "1..$tests_run"
	[ "$tests_failed" -eq 0 ] || exit 1
	exit 0
}
