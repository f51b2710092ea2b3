#!/bin/sh
# init-modes.sh - `restrictctl init`: directory 2770, database 0660, the
# schema version, idempotence, and how other commands refuse a database
# that is missing, too old, too new or not writable.
. "$top_srcdir/tests/cli/lib.sh"

write_config

# a database that does not exist yet
run list
expect_exit 1 "list before init"
expect_err "restrict\\.db: cannot open: .*run restrictctl init" "list before init names the fix"

run init
expect_exit 0 "init creates the database"
expect_out_match "^created directory $T/db, mode 2770" "init reports the directory"
expect_out_match "^created database $DB, mode 0660" "init reports the database"
expect_out_match "^created schema version [0-9]+" "init reports the schema"
expect_err "warning: user restrict-milter-test-no-such-user does not exist" \
	"a missing User is a warning, not an error"
expect_eq "$(stat -c %a "$T/db")" "2770" "directory mode 2770"
expect_eq "$(stat -c %a "$DB")" "660" "database mode 0660"
expect_eq "$(sql 'PRAGMA journal_mode')" "wal" "journal mode WAL"
version=$(sql 'PRAGMA user_version')
[ "$version" -ge 1 ] && ok "schema version $version recorded" || not_ok "schema version recorded"
expect_eq "$(generation)" "1" "init bumps the generation once"
expect_eq "$(sql 'SELECT count(*) FROM audit')" "1" "init writes one audit row"
expect_eq "$(sql 'SELECT command FROM audit')" "restrictctl -c $CONF init" "the audit row holds the command"
expect_eq "$(sql 'SELECT after_json FROM audit')" "{\"schema\":$version}" "the audit row holds the new schema"
expect_eq "$(sql 'SELECT os_user IS NOT NULL FROM audit')" "1" "the audit row names the OS user"

run init
expect_exit 0 "init again"
expect_out_match "^schema version $version is current" "init again changes nothing"
expect_out_match "^kept existing directory" "init again keeps the directory"
expect_eq "$(generation)" "1" "init again leaves the generation"
expect_eq "$(sql 'SELECT count(*) FROM audit')" "1" "init again writes no audit row"

# the event log keeps only the indexes its queries use (migration 5)
event_indexes() {
	sql "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
		WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name)"
}
expect_eq "$(event_indexes)" "events_at events_counted" "events: only the time indexes"
# no temporary table built per INSERT (a CHECK with "IN (four values)" did)
expect_eq "$(sql "EXPLAIN INSERT INTO events (at, queue_id, verdict) VALUES (1, 'q', 'hold')" \
	| grep -c OpenEphemeral)" 0 "an event insert builds no temporary table"
# the events table as schema 4 had it (migrations 2 and 4), with a row
sql "DROP TABLE events; CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,
	queue_id TEXT NOT NULL, message_id TEXT, person TEXT, user_ids TEXT NOT NULL DEFAULT '[]',
	restriction_ids TEXT NOT NULL DEFAULT '[]', actions TEXT NOT NULL DEFAULT '[]',
	matched TEXT NOT NULL DEFAULT 'none', outcomes TEXT NOT NULL DEFAULT '[]',
	verdict TEXT NOT NULL CHECK (verdict IN ('accept', 'reject', 'tempfail', 'hold')),
	breach INTEGER NOT NULL DEFAULT 0, over_limit INTEGER NOT NULL DEFAULT 0,
	unverified INTEGER NOT NULL DEFAULT 0, would TEXT, counted_users TEXT,
	recipients INTEGER NOT NULL DEFAULT 0,
	internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)));
	CREATE INDEX events_at ON events (at); CREATE INDEX events_queue_id ON events (queue_id);
	CREATE INDEX events_message_id ON events (message_id);
	CREATE INDEX events_person ON events (person, at);
	CREATE INDEX events_counted ON events (at) WHERE counted_users IS NOT NULL;
	ALTER TABLE events ADD COLUMN detect INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE events ADD COLUMN staff TEXT; ALTER TABLE events ADD COLUMN effects TEXT;
	ALTER TABLE events ADD COLUMN novelty TEXT; ALTER TABLE events ADD COLUMN novelty_score REAL;
	ALTER TABLE events ADD COLUMN flags TEXT;
	INSERT INTO events (id, at, queue_id, message_id, person, verdict, counted_users, detect,
		staff, novelty_score, flags) VALUES (7, 1700000000, 'Q1', '<m@x>', 'p@x', 'hold',
		'[3]', 1, '[\"s@staff.example\"]', 0.5, '[\"volume\"]');
	PRAGMA user_version = 4"
row='7|1700000000|Q1|<m@x>|p@x|hold|[3]|1|["s@staff.example"]|0.5|["volume"]'
run init
expect_out_match "^migrated schema version 4 to $version" "init migrates a schema-4 database"
expect_eq "$(event_indexes)" "events_at events_counted" "migration 5 drops the three unused indexes"
expect_eq "$(sql "SELECT id, at, queue_id, message_id, person, verdict, counted_users, detect,
	staff, novelty_score, flags FROM events")" "$row" "migration 5 keeps every event as it was"
expect_eq "$(sql "INSERT INTO events (at, queue_id, verdict) VALUES (1, 'q', 'maybe')" 2>&1 \
	| grep -c 'CHECK constraint failed')" 1 "the verdict CHECK still refuses other values"

# an existing directory is left as it is
rm -rf "$T/db2"
mkdir -m 755 "$T/db2"
run -d "$T/db2/r.db" init
expect_exit 0 "init into an existing directory"
expect_eq "$(stat -c %a "$T/db2")" "755" "an existing directory keeps its mode"
expect_eq "$(stat -c %a "$T/db2/r.db")" "660" "a new database in it gets 0660"

# parents are created too
run -d "$T/deep/er/r.db" init
expect_exit 0 "init creates missing parents"
expect_eq "$(stat -c %a "$T/deep/er")" "2770" "the database directory under new parents is 2770"

# the configured User owns the files when we are root and it exists
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	write_config "User nobody"
	run -d "$T/owned/r.db" init
	expect_exit 0 "init as root with an existing User"
	expect_eq "$(stat -c %U "$T/owned")" "nobody" "the directory belongs to User"
	expect_eq "$(stat -c %G "$T/owned")" "$(id -gn nobody)" "the directory has User's group"
	expect_eq "$(stat -c %U "$T/owned/r.db")" "nobody" "the database belongs to User"
	expect_eq "$(stat -c %a "$T/owned")" "2770" "chown keeps the setgid bit"
	write_config
else
	ok "ownership # SKIP needs root and a nobody account"
fi

# a database from a newer program
sql 'PRAGMA user_version = 999'
refused 1 "database schema 999 is newer than this program's $version" "newer schema refused by list" list
refused 1 "database schema 999 is newer than this program's $version" "newer schema refused by add" \
	add bob@example.org --action block --reason r --authorised-by H
write_config "User $(id -un)"
refused 1 "newer than this program's" "newer schema refused by init" init
write_config
sql "PRAGMA user_version = $version"

# a database older than this program: only init migrates it
rm -f "$T/old.db"
sqlite3 "$T/old.db" 'PRAGMA user_version = 0; CREATE TABLE x (y);'
run -d "$T/old.db" list
expect_exit 1 "an older schema is refused by list"
expect_err "database schema 0 is older than this program's $version: run restrictctl init" \
	"the older-schema refusal names the fix"

# -c naming a file that does not exist
"$RESTRICTCTL" -c "$T/no-such.conf" list >"$T/out" 2>"$T/err"
status=$?
expect_exit 1 "a missing -c file"
expect_err "no-such\\.conf" "a missing -c file is named"

# a bad config line
printf 'NoSuchKey 1\n' >"$T/bad.conf"
"$RESTRICTCTL" -c "$T/bad.conf" list >"$T/out" 2>"$T/err"
status=$?
expect_exit 1 "an unknown config key"
expect_err "bad\\.conf.*line 1.*NoSuchKey" "the config error names file, line and key"

# a database that cannot be written
if [ "$(id -u)" != 0 ]; then
	chmod 444 "$DB"
	refused 1 "not writable" "add on a read-only database" \
		add bob@example.org --action block --reason r --authorised-by H
	run list
	expect_exit 0 "list still works on a read-only database"
	chmod 660 "$DB"
elif command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1 \
	&& setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$RESTRICTCTL" -V >/dev/null 2>&1; then
	chmod 755 "$T/db"
	chmod 644 "$DB"
	before=$(db_state)
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$RESTRICTCTL" -c "$CONF" add bob@example.org --action block --reason r \
		--authorised-by H >"$T/out" 2>"$T/err"
	status=$?
	expect_exit 1 "add by a user who cannot write the database"
	expect_err "restrict\\.db: not writable: Permission denied" "the unwritable database is named"
	expect_eq "$(db_state)" "$before" "nothing stored by the refused add"
	chmod 777 "$T/db"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$RESTRICTCTL" -c "$CONF" add bob@example.org --action block --reason r \
		--authorised-by H >"$T/out" 2>"$T/err"
	status=$?
	expect_exit 1 "add with a writable directory but a read-only file"
	chmod 2770 "$T/db"
	chmod 660 "$DB"
else
	ok "unwritable database # SKIP needs setpriv and a nobody account that can run restrictctl"
fi

finish
