#!/bin/sh
# import.sh - `import FILE.csv`: RFC 4180 quoting (commas, quotes and line
# breaks inside fields, CRLF), rows sharing a case are one person, options
# split like a shell without expansion, --dry-run, and a bad row refusing
# the whole file with its line named and nothing stored.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
I="--authorised-by Jo --reason 'bulk load'"

cat >"$T/ok.csv" <<'CSV'
selector,action,name,case,options
bob@example.org,block,"Bob Example, Jr.",C-1,"--message 'Your emails are not accepted; write to complaints@staff.example'"
bob@work.example,block,,C-1,"--message 'Your emails are not accepted; write to complaints@staff.example'"
bob@home.example,monitor,"Bob Example, Jr.",C-1,--copy-to casework@staff.example
"eve@example.org",file,"Eve ""the"" Writer",,"--mode redirect --mailbox=box@staff.example"
@spam.example,limit,Spam,,"--limit 5/1d --over ""hold"""
carol@example.org,watch,"Carol
Multi-line",C-2,
dan@example.org,block,Dan,,"--message ""Cost: $5 \$HOME `id` *"""
CSV
printf 'selector,action,name,case,options\r\nfay@example.org,watch,Fay,C-3,\r\n' >"$T/crlf.csv"

before=$(db_state)
run import "$T/ok.csv" --authorised-by Jo --reason "bulk load" --dry-run
expect_exit 0 "import --dry-run"
expect_out "the dry run says what it would do" <<OUT
dry run: would import $T/ok.csv: 7 rows, 5 new users (0 existing), 6 restrictions, 7 selectors; nothing stored
OUT
expect_eq "$(db_state)" "$before" "the dry run stores nothing"

gen=$(generation)
run import "$T/ok.csv" --authorised-by Jo --reason "bulk load"
expect_exit 0 "import"
expect_out "import says what it did" <<OUT
imported $T/ok.csv: 7 rows, 5 new users (0 existing), 6 restrictions, 7 selectors
OUT
expect_eq "$(generation)" "$((gen + 1))" "the whole import is one change"
expect_eq "$(sql 'SELECT count(*) FROM audit WHERE command LIKE "%import%"')" "1" "one audit row for the file"
expect_eq "$(sql "SELECT json_extract(after_json, '\$.rows') || '/' || json_extract(after_json, '\$.restrictions') FROM audit ORDER BY id DESC LIMIT 1")" \
	"7/6" "the audit row counts what was imported"
expect_eq "$(sql "SELECT id, name, case_ref FROM service_users WHERE case_ref = 'C-1'")" \
	"1|Bob Example, Jr.|C-1" "rows sharing a case are one person, with the quoted name"
expect_eq "$(sql "SELECT group_concat(text, ' ') FROM selectors WHERE user_id = 1")" \
	"bob@example.org bob@work.example bob@home.example" "the person holds every selector of the case"
expect_eq "$(sql "SELECT group_concat(action || ':' || authorised_by || ':' || reason, ' ') FROM restrictions WHERE user_id = 1")" \
	"block:Jo:bulk load monitor:Jo:bulk load" "rows alike share a restriction; others get their own"
expect_eq "$(sql "SELECT message FROM restrictions WHERE user_id = 1 AND action = 'block'")" \
	"Your emails are not accepted; write to complaints@staff.example" "a single-quoted option value"
expect_eq "$(sql "SELECT name, file_mode, mailbox FROM restrictions r JOIN service_users u ON u.id = r.user_id WHERE action = 'file'")" \
	"Eve \"the\" Writer|redirect|box@staff.example" "doubled quotes in a field, --opt=value"
expect_eq "$(sql "SELECT limit_count, limit_period, over FROM restrictions WHERE action = 'limit'")" \
	"5|86400|hold" "a double-quoted word inside the options"
expect_eq "$(sql "SELECT name FROM service_users WHERE case_ref = 'C-2'")" "Carol
Multi-line" "a line break inside a quoted field"
expect_eq "$(sql "SELECT message FROM restrictions r JOIN service_users u ON u.id = r.user_id WHERE u.name = 'Dan'")" \
	'Cost: $5 $HOME `id` *' "options are never expanded (only quotes and backslashes)"
expect_eq "$(sql "SELECT count(*) FROM restriction_history WHERE kind = 'created' AND by = 'Jo'")" "6" \
	"a history row per restriction"
run check --from bob@work.example --to jo@staff.example --json
expect_eq "$(json_get 'j["verdict"]')" "reject" "imported restrictions are enforced"

run import "$T/crlf.csv" --authorised-by Jo --reason r
expect_exit 0 "a CRLF file"
expect_eq "$(sql "SELECT name || '|' || case_ref FROM service_users WHERE case_ref = 'C-3'")" "Fay|C-3" \
	"CRLF line ends are not part of the fields"
printf 'selector,action,name,case,options\nbob2@example.org,watch,,C-1,\n' >"$T/join.csv"
run import "$T/join.csv" --authorised-by Jo --reason r
expect_exit 0 "a case that exists already"
expect_out_match "1 rows, 0 new users \\(1 existing\\)" "joins the existing user"
expect_eq "$(sql "SELECT user_id FROM selectors WHERE text = 'bob2@example.org'")" "1" \
	"the selector goes to the user holding that case"

# bad rows: the whole file is refused, the line is named, nothing is stored
bad() {
	b_code=$1 b_line=$2 b_pat=$3 b_desc=$4
	{
		echo "selector,action,name,case,options"
		echo "ok1@example.net,watch,,,"
		echo "ok2@example.net,watch,,,"
		cat
	} >"$T/bad.csv"
	refused "$b_code" "import: $T/bad.csv, line $b_line: $b_pat" "$b_desc" \
		import "$T/bad.csv" --authorised-by Jo --reason r
}
bad 2 4 'bad selector "x@"' "a bad selector" <<'CSV'
x@,watch,,,
CSV
bad 2 5 'unknown action "zap"' "an unknown action" <<'CSV'
ok3@example.net,watch,,,
ok4@example.net,zap,,,
CSV
bad 2 4 "--mode does not belong to action block" "a foreign option" <<'CSV'
ok3@example.net,block,,,--mode tag
CSV
bad 2 4 'options: unknown action option "--reason"' "a non-action option" <<'CSV'
ok3@example.net,block,,,--reason x
CSV
bad 2 4 "options: --copy-to needs a value" "an option without its value" <<'CSV'
ok3@example.net,monitor,,,--copy-to
CSV
bad 2 4 "a single quote is not closed" "an unclosed quote in the options" <<'CSV'
ok3@example.net,block,,,--message 'oops
CSV
bad 2 4 "expected 5 fields" "a short row" <<'CSV'
ok3@example.net,watch
CSV
bad 2 4 "a quoted field is not closed" "an unclosed CSV quote" <<'CSV'
ok3@example.net,watch,"Name,,
CSV
bad 2 4 "a quote inside an unquoted field" "a stray quote" <<'CSV'
ok3@example.net,watch,Na"me,,
CSV
bad 2 4 "selector @staff.example would match staff domain staff.example" "the selector guard" <<'CSV'
@staff.example,watch,,,
CSV
printf 'selector,action,name,case,options\n@staff.example,watch,,,\n' >"$T/force.csv"
run import "$T/force.csv" --authorised-by Jo --reason r --force
expect_exit 0 "import --force overrides the guard"
bad 2 4 "selector ok1@example.net is already on line 2" "a selector twice in the file" <<'CSV'
OK1@example.net,watch,,,
CSV
bad 2 5 "name \"B\" differs from \"A\" on line 4 for case K" "one case, two names" <<'CSV'
ok3@example.net,watch,A,K,
ok4@example.net,watch,B,K,
CSV
bad 1 4 "selector eve@example.org already belongs to user 2" "a selector another user holds" <<'CSV'
eve@example.org,watch,,,
CSV
printf 'selector,action,name\nx@example.org,watch,X\n' >"$T/hdr.csv"
refused 2 "import: $T/hdr.csv, line 1: the first row must be the header selector,action,name,case,options" \
	"a wrong header" import "$T/hdr.csv" --authorised-by Jo --reason r
refused 1 "import: $T/none.csv: cannot open" "a missing file" import "$T/none.csv" --authorised-by Jo --reason r
refused 2 "import: missing --reason" "import without --reason" import "$T/ok.csv" --authorised-by Jo
refused 2 "import: expected one FILE.csv" "import without a file" import --authorised-by Jo --reason r
write_config "Authorisers Jo Head"
refused 1 "import: \"Jo\" is not one of Authorisers" "import by a name not in Authorisers" \
	import "$T/crlf.csv" --authorised-by Jo --reason r

finish
