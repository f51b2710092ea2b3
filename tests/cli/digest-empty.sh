#!/bin/sh
# digest-empty.sh - a new, empty database gives a valid, short digest:
# every section says in one line that it has nothing, in text and HTML,
# and the MIME message is still well-formed.
. "$top_srcdir/tests/cli/lib.sh"

TZ=Europe/London
export TZ
write_config
run init
run digest
expect_exit 0 "digest of an empty database"
for line in "Proposed, awaiting authorisation: none." "Added in the period: none." \
	"Varied in the period: none." "Reviewed in the period: none." \
	"Lifted in the period: none." "Expired in the period: none." "Reviews overdue: none." \
	"Reviews due within 30 days: none." "Ending within 30 days: none." \
	"Not notified in writing: none." "Open disputes: none." \
	"Escalated, awaiting a decision: none." "New in the period: none." \
	"Open from before the period: none." "No breaches in the period." \
	"No messages held in the period." "No mail from restricted people in the period."; do
	expect_eq "$(grep -cxF "$line" "$T/out")" 1 "text: $line"
done
expect_out_match '^Period: +Fri 20 Nov 2026 09:00 GMT$' "never sent: the last 7 days"
expect_out_match '^Previous: +no digest sent before$' "says no digest was sent before"
expect_out_match '^Head \(1 row\):$' "the audit head of init's row"
lines=$(wc -l <"$T/out")
expect_eq "$([ "$lines" -le 70 ] && echo short || echo "$lines lines")" short "the empty digest is short"
run digest --format html
expect_exit 0 "HTML digest of an empty database"
expect_eq "$(grep -c 'class="none"' "$T/out")" 17 "HTML: every empty section is one 'none' line"
expect_eq "$(grep -c '<table' "$T/out")" 0 "HTML: no empty tables"
if "$PY" -c 'import sys, html.parser
class P(html.parser.HTMLParser):
    pass
P().feed(open(sys.argv[1], encoding="utf-8").read())' "$T/out" 2>"$T/py"; then
	ok "HTML: parses"
else
	not_ok "HTML: parses"
	diag "$T/py"
fi
run digest --format mime
expect_exit 0 "MIME digest of an empty database (no DigestRecipients)"
expect_out_match '^To: undisclosed-recipients: ?;$' "no recipients: an empty group in To"
refused 1 'no recipients: set DigestRecipients' "--send without recipients" digest --send
finish
