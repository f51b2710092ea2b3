#!/bin/sh
# audit-chain.sh - the audit hash chain: every change appends a row linked
# to the one before; `audit --verify` passes on a clean chain and fails
# (exit 1, the first bad row named) on an altered row, a removed middle or
# first row, and a truncated tail when given a head recorded earlier.
# The hashes are recomputed independently (Python) from the documented form.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
A="--reason r --authorised-by H"
add_ok "one" a@example.org --action block $A
add_ok "two" b@example.org --action watch $A
run lift 1 --by H --reason done
run selector add 2 b2@example.org
add_ok "five" c@example.org --action file $A

run audit --verify
expect_exit 0 "a clean chain verifies"
head=$(sql "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
expect_out "verify prints the row count and the head" <<OUT
audit chain verified: 6 rows, head $head
OUT
expect_eq "$(sql "SELECT prev_hash FROM audit WHERE id = 1")" \
	"0000000000000000000000000000000000000000000000000000000000000000" "the first row links to zeros"
expect_eq "$(sql "SELECT count(*) FROM audit a JOIN audit b ON b.id = a.id + 1 WHERE b.prev_hash = a.hash")" "5" \
	"each row links to the one before"

if "$PY" - "$DB" >"$T/py" 2>&1 <<'PYEOF'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
prev = "0" * 64
for row in db.execute("SELECT id, at, os_user, sudo_user, command, before_json, after_json,"
                      " prev_hash, hash FROM audit ORDER BY id"):
    def field(v):
        if v is None:
            return b"-"
        b = str(v).encode()
        return str(len(b)).encode() + b":" + b
    data = b"restrict-milter audit 1\n" + row[7].encode() + b"".join(field(v) for v in row[:7])
    assert row[7] == prev, "row %d: link" % row[0]
    assert hashlib.sha256(data).hexdigest() == row[8], "row %d: hash" % row[0]
    prev = row[8]
PYEOF
then
	ok "the hashes follow the documented serialisation"
else
	not_ok "the hashes follow the documented serialisation"
	diag "$T/py"
fi

run audit --verify --head "$head"
expect_exit 0 "verify with the current head"
expect_out_match "^recorded head is row 6; 0 rows after it$" "the head is the last row"
old=$(sql "SELECT hash FROM audit WHERE id = 3")
run audit --verify --head "$(echo "$old" | tr a-f A-F)"
expect_exit 0 "verify with an earlier head (upper case accepted)"
expect_out_match "^recorded head is row 3; 3 rows after it$" "rows after the recorded head are fine"

run audit
expect_exit 0 "audit lists the rows"
expect_out_match "^6 +2026-11-27 09:00 +[^ ]+ +- +restrictctl -c .* add c@example.org .* ${head%${head#????????????}}$" \
	"the table shows who, what and the short hash"
run audit --json
expect_schema audit "audit --json follows the schema"
expect_eq "$(json_get '(len(j["rows"]), j["head"] == j["rows"][-1]["hash"], j["rows"][3]["after"]["status"])')" \
	"(6, True, 'lifted')" "audit --json holds the rows, the head and parsed before/after"
RESTRICT_MILTER_NOW=2026-12-01T09:00
add_ok "a later change" d@example.org --action watch $A
run audit --since 2026-11-30 --json
expect_eq "$(json_get '[r["id"] for r in j["rows"]]')" "[7]" "audit --since"
SUDO_USER=alice
export SUDO_USER
add_ok "a change under sudo" e@example.org --action watch $A
unset SUDO_USER
expect_eq "$(sql "SELECT sudo_user FROM audit ORDER BY id DESC LIMIT 1")" "alice" "SUDO_USER is recorded"

refused 2 "audit: --head goes with --verify" "--head without --verify" audit --head "$head"
refused 2 "audit: bad --head \"xyz\"" "a bad --head" audit --verify --head xyz
refused 2 "audit: --verify checks the whole chain" "--verify with --json" audit --verify --json
refused 2 "audit: bad date for --since" "a bad --since" audit --since yesterday

# tampering, each on a fresh copy of the clean database
head=$(sql "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
cp "$DB" "$T/clean.db"
fresh() {
	cp "$T/clean.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
}
fresh
sqlite3 "$DB" "UPDATE audit SET after_json = replace(after_json, '\"block\"', '\"watch\"') WHERE id = 2"
refused 1 "^restrictctl: audit: verification failed: row 2: hash does not match its contents \\(altered\\)$" \
	"an altered row is detected" audit --verify
fresh
sqlite3 "$DB" "UPDATE audit SET os_user = 'nobody' WHERE id = 4"
refused 1 "verification failed: row 4: hash does not match" "an altered OS user is detected" audit --verify
fresh
sqlite3 "$DB" "UPDATE audit SET command = 'x', hash = (SELECT hash FROM audit WHERE id = 1) WHERE id = 3"
refused 1 "verification failed: row 3: hash does not match" "an altered row with a copied hash is detected" \
	audit --verify
fresh
sqlite3 "$DB" "DELETE FROM audit WHERE id = 4"
refused 1 "verification failed: row 5: does not link to row 3 \\(rows between removed\\)" \
	"a removed middle row is detected" audit --verify
fresh
sqlite3 "$DB" "DELETE FROM audit WHERE id = 1"
refused 1 "verification failed: row 2: the rows before it were removed" "a removed first row is detected" \
	audit --verify
fresh
sqlite3 "$DB" "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)"
run audit --verify
expect_exit 0 "a truncated tail alone still links"
refused 1 "verification failed: the chain ends before the recorded head $head" \
	"a truncated tail is detected with the recorded head" audit --verify --head "$head"
fresh
sqlite3 "$DB" "UPDATE audit SET prev_hash = CASE substr(prev_hash, 1, 1) WHEN '1' THEN '2' ELSE '1' END || substr(prev_hash, 2) WHERE id = 6"
refused 1 "verification failed: row 6: hash does not match" "a changed link is detected" audit --verify
fresh
run audit --verify --head "$head"
expect_exit 0 "the clean copy verifies"

# a schema-2 database (rows written before the chain): init migrates and seals it.
# Later migrations' objects are dropped too, so the database really is at 2.
sqlite3 "$DB" "DROP TABLE flags; DROP TABLE fingerprints; DROP TABLE digests;
	ALTER TABLE events DROP COLUMN detect; ALTER TABLE events DROP COLUMN staff;
	ALTER TABLE events DROP COLUMN effects; ALTER TABLE events DROP COLUMN novelty;
	ALTER TABLE events DROP COLUMN novelty_score; ALTER TABLE events DROP COLUMN flags;"
sqlite3 "$DB" "UPDATE audit SET prev_hash = NULL, hash = NULL; DROP TABLE disputes;
	DROP TABLE audit_users; DROP INDEX audit_at; ALTER TABLE restrictions DROP COLUMN requested_os_user;
	ALTER TABLE service_users DROP COLUMN anonymised_at; PRAGMA user_version = 2;"
run init
expect_out_match "^migrated schema version 2 to [0-9][0-9]*$" "init migrates a schema-2 database"
run audit --verify
expect_exit 0 "the rows written before the chain are sealed into it"
expect_eq "$(sql "SELECT count(*) FROM audit_users WHERE user_id = 2")" "2" \
	"audit rows are linked to the users they concern"

finish
