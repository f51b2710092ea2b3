#!/bin/sh
# sql-bound-parameters.sh - SQL is built only with bound parameters (SPEC
# "Failure and safety"). Quotes, ';', '--' and "' OR 1=1 --" go into every
# restrictctl argument that reaches the database (names, case references,
# reasons, authorisers, requesters, approvers, notes, reject texts,
# selectors, mailboxes, query filters, an imported file); each is stored
# verbatim, the filters match nothing they should not, and nothing else
# changed (tables, row counts, integrity, the audit chain). The db/
# sources are grepped for SQL assembled by printf. Mail values reaching
# events: t-mail-values-stored-verbatim.lua.
. "$top_srcdir/tests/cli/lib.sh"

EVIL="x'); DROP TABLE restrictions; -- ' OR 1=1 -- \"q\";"
EVIL2="'; DELETE FROM audit; --"
CRIT=handled,decision-right,communication-adequate,misunderstandings-addressed,access-considered,advice-signposted

# hex - a value as sqlite3's hex() shows it
hex() {
	printf %s "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F
}

# stored WANT QUERY DESC - the query's one value is WANT, byte for byte
stored() {
	expect_eq "$(sql "SELECT hex(($2))")" "$(hex "$1")" "$3"
}

# 1. no SQL assembled by printf in the code that speaks SQL, none outside db/
src=$top_srcdir
fmt=$(grep -nE 'sqlite3_(v?mprintf|snprintf)' "$src"/db/*.c "$src"/cli/*.c "$src"/milter/*.c \
	"$src"/rules/*.c "$src"/lib/*.c)
expect_eq "$fmt" "" "no sqlite3_mprintf/snprintf anywhere"
fmt=$(grep -nE '(printf|buf_printf)\(.*"[^"]*(SELECT|INSERT|UPDATE|DELETE|WHERE|VALUES|PRAGMA)[^"]*%[-0-9.]*[sqQwz]' \
	"$src"/db/*.c)
expect_eq "$fmt" "" "no printf-built SQL with %s in db/"
outside=$(grep -lE 'sqlite3_(prepare|exec|bind)' "$src"/cli/*.c "$src"/milter/*.c "$src"/rules/*.c \
	"$src"/lib/*.c 2>/dev/null)
expect_eq "$outside" "" "only db/ prepares or executes SQL"
binds=$(grep -c 'sqlite3_bind_\|store_bind_' "$src"/db/*.c | awk -F: '{ n += $2 } END { print n }')
[ "$binds" -gt 20 ] && ok "db/ binds its values ($binds bind calls)" || not_ok "db/ binds its values ($binds)"

# 2. every argument that reaches the database
write_config
run init
expect_exit 0 "init"
tables=$(sql "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)")
sql "INSERT INTO events (at, queue_id, verdict) VALUES (1795000000, 'QREAL', 'accept')"

run add "o'brien@example.org" --action block --message "$EVIL" --name "$EVIL" --case "$EVIL" \
	--reason "$EVIL" --authorised-by "$EVIL"
expect_exit 0 "add with hostile values in every text option"
stored "$EVIL" "SELECT name FROM service_users WHERE id = 1" "add --name stored verbatim"
stored "$EVIL" "SELECT case_ref FROM service_users WHERE id = 1" "add --case stored verbatim"
stored "$EVIL" "SELECT message FROM restrictions WHERE id = 1" "add --message stored verbatim"
stored "$EVIL" "SELECT reason FROM restrictions WHERE id = 1" "add --reason stored verbatim"
stored "$EVIL" "SELECT authorised_by FROM restrictions WHERE id = 1" "add --authorised-by stored verbatim"
stored "o'brien@example.org" "SELECT text FROM selectors WHERE user_id = 1" "a selector with a quote stored verbatim"

run add "'or1=1--@example.net" --action file --mode redirect --mailbox "o'file@staff.example" \
	--reason "$EVIL2" --authorised-by "$EVIL2"
expect_exit 0 "add file with a quoted selector and mailbox"
stored "o'file@staff.example" "SELECT mailbox FROM restrictions WHERE id = 2" "--mailbox stored verbatim"
stored "'or1=1--@example.net" "SELECT text FROM selectors WHERE user_id = 2" "selector \"'or1=1--@…\" stored verbatim"
run add "mon@example.org" --action monitor --copy-to "o'mon;--@staff.example" --reason r --authorised-by a
expect_exit 0 "add monitor with a hostile --copy-to"
stored "o'mon;--@staff.example" "SELECT copy_to FROM restrictions WHERE id = 3" "--copy-to stored verbatim"
run add "sc@example.org" --action single-contact --contact "o'c@staff.example" --reason r --authorised-by a
expect_exit 0 "add single-contact with a quoted --contact"
stored "o'c@staff.example" "SELECT contact FROM restrictions WHERE id = 4" "--contact stored verbatim"

run propose "p@example.org" --action watch --reason "$EVIL" --requested-by "$EVIL" --criteria "$CRIT"
expect_exit 0 "propose with a hostile requester"
stored "$EVIL" "SELECT requested_by FROM restrictions WHERE id = 5" "propose --requested-by stored verbatim"
SUDO_USER=someone-else run approve 5 --by "$EVIL2"
expect_exit 0 "approve with a hostile approver"
stored "$EVIL2" "SELECT authorised_by FROM restrictions WHERE id = 5" "approve --by stored verbatim"

run vary 1 --message "$EVIL2" --by "$EVIL" --reason "$EVIL2"
expect_exit 0 "vary with hostile values"
stored "$EVIL2" "SELECT message FROM restrictions WHERE id = 1" "vary --message stored verbatim"
stored "$EVIL" "SELECT by FROM restriction_history WHERE kind = 'varied'" "vary --by stored verbatim"
stored "$EVIL2" "SELECT notes FROM restriction_history WHERE kind = 'varied'" "vary --reason stored verbatim"
run review 1 --by "$EVIL2" --outcome continue --notes "$EVIL"
expect_exit 0 "review with hostile values"
stored "$EVIL2" "SELECT by FROM restriction_history WHERE kind = 'reviewed'" "review --by stored verbatim"
n=$(sql "SELECT count(*) FROM restriction_history WHERE kind = 'reviewed' AND instr(notes, '$(printf %s "$EVIL" | sed "s/'/''/g")') > 0")
expect_eq "$n" 1 "review --notes kept verbatim"
run dispute 1 --notes "$EVIL"
expect_exit 0 "dispute with hostile notes"
stored "$EVIL" "SELECT notes FROM disputes WHERE restriction_id = 1" "dispute --notes stored verbatim"
run dispute 1 --decide upheld --by "$EVIL2" --notes "$EVIL2"
expect_exit 0 "dispute decided with hostile values"
stored "$EVIL2" "SELECT decided_by FROM disputes WHERE restriction_id = 1" "dispute --by stored verbatim"
stored "$EVIL2" "SELECT decision_notes FROM disputes WHERE restriction_id = 1" "dispute decision --notes stored verbatim"
run selector add 1 "x'--=1@example.org"
expect_exit 0 "selector add with quote, '--' and '='"
stored "x'--=1@example.org" "SELECT text FROM selectors WHERE user_id = 1 AND id = (SELECT max(id) FROM selectors)" \
	"selector add stored verbatim"
run lift 2 --by "$EVIL" --reason "$EVIL2"
expect_exit 0 "lift with hostile values"
stored "$EVIL" "SELECT lifted_by FROM restrictions WHERE id = 2" "lift --by stored verbatim"
stored "$EVIL2" "SELECT lift_reason FROM restrictions WHERE id = 2" "lift --reason stored verbatim"

cat >"$T/import.csv" <<EOF
selector,action,name,case,options
imp@example.org,watch,"$(printf %s "$EVIL" | sed 's/"/""/g')",C-9,
EOF
run import "$T/import.csv" --authorised-by "$EVIL2" --reason "$EVIL"
expect_exit 0 "import with a hostile name, authoriser and reason"
stored "$EVIL" "SELECT name FROM service_users WHERE id = (SELECT max(id) FROM service_users)" "import name stored verbatim"

# 3. filters are bound too: injected conditions match nothing
for fv in "--queue-id=x' OR 1=1 --" "--message-id=x' OR 1=1 --" \
	"--address=x'or'1'='1--@example.org" "--outcome=accept' OR 1=1 --"; do
	f=${fv%%=*} v=${fv#*=}
	run events "$f" "$v" --json
	if [ "$f" = --outcome ] && [ "$status" = 2 ]; then
		ok "events --outcome refuses \"$v\" (exit 2)"
		continue
	fi
	expect_exit 0 "events $f \"$v\""
	expect_eq "$(tr -d ' \n' <"$T/out")" "[]" "events $f with an injected condition finds nothing"
done
run events --queue-id QREAL --json
expect_out_match QREAL "events --queue-id finds the real event (the filter works)"
run check --from "x' OR 1=1 --@example.org" --to "a@staff.example" --json
expect_exit 0 "check with a hostile --from"
expect_out_match '"verdict": *"accept"' "check: a hostile --from matches no restriction"

# 4. nothing else changed
expect_eq "$(sql "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)")" \
	"$tables" "every table still exists, none added"
expect_eq "$(sql "SELECT count(*) FROM restrictions")" 6 "six restrictions, as added"
expect_eq "$(sql "SELECT count(*) FROM events")" 1 "the event table untouched"
expect_eq "$(sql "PRAGMA integrity_check")" ok "integrity_check ok"
run audit --verify
expect_exit 0 "the audit chain verifies"
finish
