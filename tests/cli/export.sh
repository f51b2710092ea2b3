#!/bin/sh
# export.sh - `export USER-ID [-o FILE]`: everything held on one person
# (policy 8.2) as JSON following doc/json/export.schema.json: selectors
# including removed ones, restrictions with history and disputes, the audit
# rows about them, their events; -o makes a new file of mode 0600.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
add_ok "a restriction" bob@example.org --action block --reason "abusive" --authorised-by "Jo Head" \
	--case C-7 --name "Bob Example"
add_ok "another person" eve@example.org --action watch --reason r --authorised-by "Jo Head"
run selector add 1 bob2@example.org
run selector remove 1 bob2@example.org
run dispute 1 --notes "unfair"
sqlite3 "$DB" "UPDATE service_users SET access_notes = 'large print' WHERE id = 1;
	INSERT INTO events (at, queue_id, person, user_ids, restriction_ids, actions, matched, outcomes, verdict)
	VALUES (1796000000, 'Q1', 'bob@example.org', '[1]', '[1]', '[\"block\"]', 'envelope-from',
		'[{\"address\": \"jo@staff.example\", \"outcome\": \"reject\", \"stage\": \"rcpt\"}]', 'reject'),
	(1796000100, 'Q2', 'eve@example.org', '[2]', '[2]', '[\"watch\"]', 'envelope-from', '[]', 'accept'),
	(1796000200, 'Q3', 'bob@example.org', '[]', '[]', '[]', 'none', '[]', 'accept');"

run export 1
expect_exit 0 "export to stdout"
expect_schema export "export follows the schema"
expect_eq "$(json_get '(j["user"]["name"], j["user"]["case"], j["user"]["access_notes"])')" \
	"('Bob Example', 'C-7', 'large print')" "the user with case and access notes"
expect_eq "$(json_get '[(s["text"], s["removed_at"] is not None) for s in j["selectors"]]')" \
	"[('bob@example.org', False), ('bob2@example.org', True)]" "selectors, the removed one too"
expect_eq "$(json_get '[(r["id"], [h["kind"] for h in r["history"]], [d["notes"] for d in r["disputes"]]) for r in j["restrictions"]]')" \
	"[(1, ['created', 'disputed'], ['unfair'])]" "restrictions with history and disputes"
expect_eq "$(json_get '[a["command"].split(" ", 3)[3][:12] for a in j["audit"]]')" \
	"['add bob@exam', 'selector add', 'selector rem', 'dispute 1 --']" "the audit rows about this person only"
expect_eq "$(json_get '[e["queue_id"] for e in j["events"]]')" "['Q1', 'Q3']" \
	"events that matched them or came from their address"
run export 2
expect_eq "$(json_get '([e["queue_id"] for e in j["events"]], len(j["audit"]))')" "(['Q2'], 1)" \
	"another person's export holds only theirs"

umask 022
run export 1 -o "$T/bob.json"
expect_exit 0 "export -o FILE"
expect_out_match "^exported user 1 to $T/bob.json$" "export -o says where"
expect_eq "$(stat -c %a "$T/bob.json")" "600" "the file has mode 0600 whatever the umask"
cp "$T/bob.json" "$T/out"
expect_schema export "the file follows the schema"
refused 1 "export: $T/bob.json: cannot create: File exists" "export never overwrites a file" \
	export 1 -o "$T/bob.json"
ln -s "$T/elsewhere" "$T/link.json"
refused 1 "export: $T/link.json: cannot create" "export does not follow a symbolic link" \
	export 1 -o "$T/link.json"
expect_eq "$(test -e "$T/elsewhere" && echo created || echo absent)" "absent" "nothing was written through the link"
refused 1 "export: unknown user 9" "export an unknown user" export 9
refused 2 "export: expected one USER-ID" "export without a user" export
refused 2 "export: option -o needs a value" "-o without a file" export 1 -o
expect_eq "$(test -e "$T/none.json" && echo yes || echo no)" "no" "a refused export leaves no file"

finish
