#!/bin/sh
# purge.sh - the retention schedule on a fixed clock: events of restricted
# people kept for EventRetention, everyone else's for UnflaggedRetention;
# people idle for RecordRetention after their last restriction ended are
# anonymised; old audit rows go and a checkpoint keeps the chain
# verifiable. --dry-run reports the same and changes nothing.
. "$top_srcdir/tests/cli/lib.sh"

write_config "EventRetention 30d" "UnflaggedRetention 7d" "RecordRetention 1y"
RESTRICT_MILTER_NOW=2026-01-10T09:00
run init
expect_exit 0 "init"
A="--authorised-by Jo"
add_ok "A: lifted long ago" bob@example.org --action block --reason "abusive to Jo" $A --case C-1 \
	--name "Bob Example"
add_ok "B: still active" eve@example.org --action watch --reason r $A --name Eve
add_ok "C: expired long ago" carol@example.org --action watch --reason r $A --ends 2026-02-01 --name Carol
add_ok "D: lifted recently" dan@example.org --action watch --reason r $A --name Dan
sqlite3 "$DB" "UPDATE service_users SET access_notes = 'needs large print' WHERE id = 1"
RESTRICT_MILTER_NOW=2026-01-15T09:00
run lift 1 --by Jo --reason "behaviour improved"
expect_exit 0 "lift A"
RESTRICT_MILTER_NOW=2026-12-01T09:00
run lift 4 --by Jo --reason done
expect_exit 0 "lift D (and record C's expiry)"

ts() {
	date -u -d "$1" +%s
}
sqlite3 "$DB" "INSERT INTO events (at, queue_id, person, user_ids, verdict) VALUES
	($(ts 2027-02-20), 'E1', 'eve@example.org', '[2]', 'accept'),
	($(ts 2026-06-01), 'E2', 'eve@example.org', '[2]', 'accept'),
	($(ts 2027-02-27), 'E3', 'stranger@example.net', '[]', 'accept'),
	($(ts 2027-02-10), 'E4', 'stranger@example.net', '[]', 'accept'),
	($(ts 2027-02-25), 'E5', 'bob@example.org', '[]', 'accept'),
	($(ts 2027-02-20), 'E6', 'other@example.net', '[]', 'accept'),
	($(ts 2027-02-01), 'E7', 'dan@example.org', '[]', 'accept')"
events() {
	sql "SELECT group_concat(queue_id, ' ') FROM (SELECT queue_id FROM events ORDER BY queue_id)"
}

RESTRICT_MILTER_NOW=2027-03-01T09:00
run audit --json
head_before=$(json_get 'j["head"]')
rows_before=$(json_get 'len(j["rows"])')
last_deleted=$(sql "SELECT hash FROM audit WHERE at < $(ts 2026-03-01T09:00) ORDER BY id DESC LIMIT 1")
first_deleted=$(sql "SELECT hash FROM audit ORDER BY id LIMIT 1")
state=$(db_state)
run purge --dry-run
expect_exit 0 "purge --dry-run"
expect_out "the dry run says what would go" <<'OUT'
events: would delete 1 of restricted or flagged people (before 2027-01-30) and 2 others (before 2027-02-22)
people: would anonymise 2 (idle since before 2026-03-01): users 1, 3
audit: would delete 6 rows (through row 6); the checkpoint vouches for row 7
dry run: nothing changed
OUT
expect_eq "$(db_state)" "$state" "the dry run changes nothing"
expect_eq "$(events)" "E1 E2 E3 E4 E5 E6 E7" "the dry run deletes no events"

run purge
expect_exit 0 "purge"
expect_out_match "^checkpoint: audit row 9$" "purge names its checkpoint row"
expect_eq "$(events)" "E1 E3 E7" "exactly the events past their retention went (and the anonymised person's)"
expect_eq "$(sql "SELECT id, name, case_ref IS NULL, access_notes IS NULL, anonymised_at = $(ts 2027-03-01T09:00) FROM service_users WHERE id IN (1, 3)")" \
	"1|anonymised|1|1|1
3|anonymised|1|1|1" "A and C are anonymised"
expect_eq "$(sql "SELECT count(*) FROM selectors WHERE user_id IN (1, 3) AND text LIKE 'sha256:%' AND key = text AND removed_at IS NOT NULL")" \
	"2" "their selectors are hashed and removed"
expect_eq "$(sql "SELECT count(*) FROM selectors WHERE text LIKE '%bob%' OR text LIKE '%carol%'")" "0" \
	"no address of theirs is left"
expect_eq "$(sql "SELECT group_concat(reason) FROM restrictions WHERE user_id IN (1, 3)")" "anonymised,anonymised" \
	"their reasons are removed"
expect_eq "$(sql "SELECT count(*), sum(notes IS NULL AND before_json IS NULL AND after_json IS NULL) FROM restriction_history h JOIN restrictions r ON r.id = h.restriction_id WHERE r.user_id IN (1, 3)")" \
	"4|4" "their history keeps its steps without the details"
expect_eq "$(sql "SELECT name, case_ref FROM service_users WHERE id = 2") $(sql "SELECT name FROM service_users WHERE id = 4")" \
	"Eve| Dan" "the active and the recently lifted are untouched"
expect_eq "$(sql "SELECT count(*) FROM restrictions")" "4" "restriction rows stay (counts are kept)"
expect_eq "$(sql "SELECT min(id) || '-' || max(id) || '/' || count(*) FROM audit")" "7-9/3" \
	"audit rows older than RecordRetention went"
expect_eq "$(sql "SELECT json_extract(after_json, '\$.checkpoint.head') = '$head_before', json_extract(after_json, '\$.checkpoint.rows'), json_extract(after_json, '\$.checkpoint.first.id') FROM audit WHERE id = 9")" \
	"1|$rows_before|7" "the checkpoint records the head and row count before purge"

run audit --verify
expect_exit 0 "the chain verifies after purge"
expect_out_match "^audit chain verified: 3 rows, head [0-9a-f]{64}$" "verify counts the rows left"
expect_out_match "^earlier rows were purged; checkpoint row 9 vouches for the first remaining row$" \
	"verify says a checkpoint vouches for the first row"
run audit --verify --head "$head_before"
expect_exit 0 "the head recorded before purge is still found"
run audit --verify --head "$last_deleted"
expect_exit 0 "the last purged head is vouched for by the checkpoint"
refused 1 "audit: verification failed: the chain ends before the recorded head $first_deleted" \
	"an older purged head cannot be vouched for" audit --verify --head "$first_deleted"

run purge
expect_exit 0 "purge again"
expect_out_match "^people: anonymised 0 " "nothing more to anonymise"
expect_out_match "^audit: deleted 0 rows$" "no more audit rows due"
run audit --verify
expect_exit 0 "the chain still verifies after a second purge"

# tampering after purge is still found
sqlite3 "$DB" "UPDATE audit SET command = command || ' --force' WHERE id = 8"
refused 1 "audit: verification failed: row 8: hash does not match" "tampering after purge is detected" \
	audit --verify
refused 2 "purge: unexpected argument" "purge with an argument" purge now

finish
