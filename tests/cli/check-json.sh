#!/bin/sh
# check-json.sh - `restrictctl check`: the dry run of one message, as a
# table and as SPEC's JSON (check.schema.json); exit 0 whatever the
# verdict; nothing changed in the database.
. "$top_srcdir/tests/cli/lib.sh"

write_config
run init
expect_exit 0 "init"
A="--reason r --authorised-by H"
add_ok "add block" bob@example.org --action block $A
add_ok "add file" @.example.net --action file --mode tag $A
add_ok "add a trial monitor" carol@example.com --action monitor --trial $A
add_ok "add single-contact" dan@example.com --action single-contact --contact liaison@staff.example $A
add_ok "add a lifted block" erin@example.com --action block $A
run lift 5 --by H --reason done
expect_exit 0 "lift it"
before=$(db_state)

# an envelope match: refused per recipient at RCPT, the exempt address accepted
run check --from bob@example.org --to alice@staff.example --to complaints@staff.example --json
expect_exit 0 "check of a refused recipient exits 0"
expect_schema check "check --json follows check.schema.json"
expect_json "an envelope-sender block refuses at RCPT and spares the exempt address" <<'EOF'
{
  "verdict": "accept",
  "recipients": [
    {"address": "alice@staff.example", "outcome": "reject", "stage": "rcpt", "to": [],
     "reply": "550 5.7.1 Your message has not been delivered. You may raise a concern about this decision through our complaints procedure."},
    {"address": "complaints@staff.example", "outcome": "accept", "stage": "eom", "to": []}
  ],
  "restrictions": [
    {"id": 1, "action": "block", "trial": false, "would": null,
     "matched": "envelope-from:bob@example.org"}
  ],
  "add_recipients": [],
  "remove_recipients": [],
  "headers": [{"name": "X-Restriction", "value": "block; id=1"}],
  "subject_prefix": null
}
EOF
run check --from bob@example.org --to alice@staff.example --to complaints@staff.example
expect_exit 0 "check as a table"
expect_out "the table shows verdict, recipients, restrictions and changes" <<'EOF'
verdict: accept
recipients:
RECIPIENT                 OUTCOME  STAGE  TO  REPLY
alice@staff.example       reject   rcpt   -   550 5.7.1 Your message has not been delivered. You may raise a concern about this decision through our complaints procedure.
complaints@staff.example  accept   eom    -   -
restrictions:
ID  ACTION  TRIAL  WOULD  MATCHED
1   block   no     -      envelope-from:bob@example.org
headers:
  X-Restriction: block; id=1
add recipients: -
remove recipients: -
subject prefix: -
EOF

# a From: match: only the whole message can be refused, at end of message
run check --from '<>' --header-from '"Bob Example" <Bob@Example.org>' --to a@staff.example --json
expect_exit 0 "check of a refused message exits 0"
expect_schema check "a message-level refusal follows the schema"
expect_eq "$(json_get '(j["verdict"], j["reply"][:9], j["recipients"][0]["stage"])')" \
	"('reject', '550 5.7.1', 'eom')" "a From: match refuses the message at end of message"
expect_eq "$(json_get 'j["restrictions"][0]["matched"]')" "header-from:bob@example.org" \
	"matched names the header and the normalised address"

# file --mode tag: header and subject prefix
run check --from x@mail.example.net --to alice@staff.example --json
expect_schema check "a filed message follows the schema"
expect_eq "$(json_get '(j["verdict"], j["headers"], j["subject_prefix"])')" \
	"('accept', [{'name': 'X-Restriction', 'value': 'file; id=2'}], '[Read and file]')" \
	"file tags the message and prefixes the subject"

# a trial restriction shows what it would do and changes nothing
run check --from carol@example.com --to a@staff.example --json
expect_schema check "a trial follows the schema"
expect_eq "$(json_get '(j["restrictions"][0]["trial"], j["restrictions"][0]["would"]["effect"], j["restrictions"][0]["would"]["to"])')" \
	"(True, 'copy', ['monitor@staff.example'])" "a trial monitor would copy to MonitorMailbox"
expect_eq "$(json_get '(j["add_recipients"], j["headers"])')" "([], [])" "a trial adds nothing"
run check --from carol@example.com --to a@staff.example
expect_out_match "^3   monitor  yes    copy -> monitor@staff.example  envelope-from:carol@example.com$" \
	"the table shows what the trial would do"

# single-contact redirects to the contact
run check --from dan@example.com --to alice@staff.example --json
expect_schema check "a redirect follows the schema"
expect_eq "$(json_get '(j["recipients"][0]["outcome"], j["recipients"][0]["to"], j["remove_recipients"])')" \
	"('redirect', ['liaison@staff.example'], ['alice@staff.example'])" \
	"single-contact redirects other recipients to the contact"

# Sender: alone never refuses: the message is tagged and filed
run check --from other@example.com --sender bob@example.org --to alice@staff.example --json
expect_eq "$(json_get '(j["verdict"], j["recipients"][0]["outcome"], j["restrictions"][0]["matched"])')" \
	"('accept', 'accept', 'header-sender:bob@example.org')" "a Sender: match does not refuse"

# internal mail, strangers and lifted restrictions: nothing applies
run check --from bob@example.org --to alice@staff.example --internal --json
expect_eq "$(json_get '(j["verdict"], j["restrictions"], j["recipients"][0]["outcome"])')" \
	"('accept', [], 'accept')" "internal mail is never restricted"
run check --from stranger@example.org --to alice@staff.example --json
expect_schema check "an unrestricted message follows the schema"
expect_eq "$(json_get '(j["verdict"], j["restrictions"], j["subject_prefix"])')" "('accept', [], None)" \
	"a stranger's mail is accepted untouched"
run check --from erin@example.com --to alice@staff.example --json
expect_eq "$(json_get 'j["restrictions"]')" "[]" "a lifted restriction no longer applies"
run check --from stranger@example.org --to alice@staff.example
expect_out_match "^restrictions:$" "the table of an untouched message"
expect_out_match "^\\(none\\)$" "says there is nothing to show"

expect_eq "$(db_state)" "$before" "the checks above changed nothing in the database"

# selectors, senders and recipients are normalised alike
add_ok "add with a selector to normalise" '<Alice.Jones+Case-17@Example.COM>' --action watch $A
expect_eq "$(sql "SELECT text FROM selectors ORDER BY id DESC LIMIT 1")" "alice.jones@example.com" \
	"the selector is stored normalised"
run check --from 'prvs=0123abcd=Alice.Jones@example.com' --to Alice+x@Staff.Example --json
expect_eq "$(json_get '(j["restrictions"][0]["matched"], j["recipients"][0]["address"])')" \
	"('envelope-from:alice.jones@example.com', 'Alice+x@Staff.Example')" \
	"a BATV sender matches; recipients are shown as given"
before=$(db_state)
run check --from bob@example.org --to alice@staff.example --json
expect_eq "$(db_state)" "$before" "check of a refused message changes nothing either"

finish
