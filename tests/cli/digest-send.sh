#!/bin/sh
# digest-send.sh - `restrictctl digest --send` through a stand-in sendmail
# (SendmailCommand pointing at a script that saves its argv and stdin):
# what it is given, the record in `digests` with its audit row, a failing
# stand-in (exit 1, one line, nothing recorded), a command that cannot run,
# and a second send covering exactly from the first (no repeats, no gaps),
# also after days of downtime.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/digest-fixture.sh"

digest_fixture
FAKE="$T/fake sendmail"
cat >"$FAKE" <<'SH'
#!/bin/sh
# a stand-in for sendmail: save argv and the message; fail when told to
dir=$(dirname "$0")
n=$(cat "$dir/sends" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$dir/sends"
for a in "$@"; do printf '%s\n' "$a"; done >"$dir/argv.$n"
cat >"$dir/msg.$n"
if [ -f "$dir/fail" ]; then
	echo "sendmail: fatal: no such recipient (stand-in)" >&2
	exit 75
fi
exit 0
SH
chmod 755 "$FAKE"
conf_send() {
	write_config "DigestRecipients heads@staff.example, deputy@staff.example" \
		"DigestFrom restrict-milter@staff.example" "SendmailCommand '$FAKE' -t -i -f 'bounce@staff.example'" "$@"
}
conf_send

digests() {
	sql "SELECT count(*) FROM digests"
}

# a failing sendmail: exit 1, one line naming it, nothing recorded
touch "$T/fail"
before=$(db_state)
run digest --send
expect_exit 1 "--send when sendmail fails"
expect_err "fake sendmail failed with exit status 75: sendmail: fatal: no such recipient" \
	"one line with sendmail's exit status and what it said"
expect_eq "$(digests) $(db_state)" "0 $before" "a failed send records nothing"
rm -f "$T/fail"

# a command that cannot run
write_config "DigestRecipients heads@staff.example" "SendmailCommand $T/no-such-sendmail -t"
run digest --send
expect_exit 1 "--send when SendmailCommand cannot run"
expect_err "cannot run .*no-such-sendmail: No such file or directory" "says it cannot run it"
write_config "DigestRecipients heads@staff.example" "SendmailCommand '/usr/sbin/sendmail -t"
run digest --send
expect_exit 1 "--send with a broken SendmailCommand"
expect_err "SendmailCommand: a single quote is not closed" "says the quote is not closed"
expect_eq "$(digests)" 0 "nothing recorded"
conf_send

# the first send
a0=$(sql "SELECT count(*) FROM audit")
head0=$(sql "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
run digest --send
expect_exit 0 "digest --send"
expect_out_match '^digest sent to heads@staff.example, deputy@staff.example: Fri 20 Nov 2026 09:00 GMT to Fri 27 Nov 2026 09:00 GMT, Message-ID <.+@staff.example>$' \
	"says what was sent to whom"
expect_eq "$(cat "$T/sends")" 2 "sendmail ran once more"
expect_eq "$(tr '\n' ' ' <"$T/argv.2")" "-t -i -f bounce@staff.example " \
	"sendmail's argv: split like a shell, no recipients added with -t"
expect_eq "$(grep -c '^To: heads@staff.example, deputy@staff.example$' "$T/msg.2")" 1 \
	"the message on stdin is addressed to DigestRecipients"
expect_eq "$(grep -c '^Content-Type: multipart/alternative' "$T/msg.2")" 1 "it is the MIME digest"
mid=$(sed -n 's/^Message-I[dD]: //p' "$T/msg.2")
expect_eq "$(sql "SELECT datetime(since, 'unixepoch') || ' ' || datetime(until, 'unixepoch') || ' ' ||
	recipients || ' ' || message_id || ' ' || audit_head FROM digests")" \
	"2026-11-20 09:00:00 2026-11-27 09:00:00 heads@staff.example, deputy@staff.example $mid $head0" \
	"recorded: since, until, recipients, Message-ID, the audit head it showed"
expect_eq "$(grep -c "$head0" "$T/msg.2")" 2 "the digest shows that audit head (text and HTML)"
expect_eq "$(sql "SELECT count(*) FROM audit")" "$((a0 + 1))" "the send wrote one audit row"
expect_eq "$(sql "SELECT json_extract(after_json, '\$.digest.message_id') FROM audit ORDER BY id DESC LIMIT 1")" \
	"$mid" "the audit row names the Message-ID"
run audit --verify
expect_exit 0 "the audit chain still verifies"

# the next digest starts where the first ended, even after downtime
RESTRICT_MILTER_NOW=2026-12-09T08:00
export RESTRICT_MILTER_NOW
NOW=$(epoch 2026-12-01T12:00)
sql "INSERT INTO events (at, queue_id, restriction_ids, verdict, effects) VALUES
	($(epoch 2026-11-27T09:00), 'AT-UNTIL', '[1]', 'accept', '[{\"id\":1,\"effect\":\"file\"}]'),
	($NOW, 'LATER', '[1]', 'accept', '[{\"id\":1,\"effect\":\"file\"}]')"
run digest
expect_out_match '^Period: +Fri 27 Nov 2026 09:00 GMT$' "the next digest starts at the last one's end"
expect_out_match '^#1 Bob Example \(C-2031\) - file: 3 messages$' \
	"it has the events at the boundary and the later one, and nothing from before"
run digest --send --to other@staff.example
expect_exit 0 "a catch-up --send after twelve days"
expect_eq "$(tr '\n' ' ' <"$T/argv.3")" "-t -i -f bounce@staff.example " "argv again"
expect_eq "$(grep -c '^To: other@staff.example$' "$T/msg.3")" 1 "--to replaces DigestRecipients"
expect_eq "$(sql "SELECT group_concat(datetime(since, 'unixepoch') || '>' || datetime(until, 'unixepoch'), ' ') FROM digests ORDER BY id")" \
	"2026-11-20 09:00:00>2026-11-27 09:00:00 2026-11-27 09:00:00>2026-12-09 08:00:00" \
	"the two periods meet: no gap, no overlap"
before=$(db_state)
run digest --send
expect_exit 1 "--send again at once"
expect_err 'already covers up to Wed 09 Dec 2026 08:00 GMT' "says the period is covered"
expect_eq "$(cat "$T/sends") $(digests) $(db_state)" "3 2 $before" "nothing sent or recorded"
RESTRICT_MILTER_NOW=2026-12-09T09:00
run digest
expect_out_match '^Period: +Wed 09 Dec 2026 08:00 GMT$' "a third would start at the second's end"
expect_out_match '^No mail from restricted people in the period\.$' "and repeats nothing"

# without -t the recipients are arguments
write_config "DigestRecipients heads@staff.example" "SendmailCommand '$FAKE' -i"
RESTRICT_MILTER_NOW=2026-12-16T08:00
run digest --send
expect_exit 0 "--send with a command without -t"
expect_eq "$(tr '\n' ' ' <"$T/argv.4")" "-i heads@staff.example " "the recipients are arguments"

# --send --format mime prints the very message sent
RESTRICT_MILTER_NOW=2026-12-23T08:00
run digest --send --format mime
expect_exit 0 "--send --format mime"
expect_eq "$(sed -n 's/^Message-I[dD]: //p' "$T/out")" "$(sed -n 's/^Message-I[dD]: //p' "$T/msg.5")" \
	"it prints the message it sent"
expect_eq "$(sql "SELECT message_id FROM digests ORDER BY id DESC LIMIT 1")" \
	"$(sed -n 's/^Message-I[dD]: //p' "$T/msg.5")" "and records that Message-ID"

# a database that cannot be written: refused before anything is sent
if [ "$(id -u)" != 0 ]; then
	chmod 444 "$DB"
	run digest --send
	expect_exit 1 "--send on a read-only database"
	expect_eq "$(cat "$T/sends")" 5 "nothing was sent"
	chmod 644 "$DB"
else
	ok "--send on a read-only database # SKIP root can write any file"
fi
finish
