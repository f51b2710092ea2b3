#!/bin/sh
# e2e-detect.sh - detection through a real Postfix on 127.0.0.1: swaks ->
# Postfix smtpd (smtpd_milters = restrict-milter) -> SMTP sink.
#
# Novelty: a complaint from a person under a `file` restriction arrives
# with X-Restriction-Novelty: new; the same complaint resent, reflowed,
# with "repeat; score=1.00; similar=<the first's Message-ID>"; a complaint
# with one added sentence stating a new fact with "new". Scattergun: a
# person writing to 5 different staff (ScatterThreshold 5) gets
# X-Restriction-Flag on the 5th message, and a flag row is stored.
# Loopback is NOT internal here.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"

ph_setup detect
set -- $(ph_ports 2)
smtp=$1 sinkport=$2
ph_sink_start sink "$sinkport"
ph_milter_conf rm "StaffDomains staff.example" "FilingMailbox records@staff.example" \
	"InternalHosts 192.0.2.0/24" "ScatterThreshold 5"
rid=$(ph_ctl rm add complainer@example.org --action file --reason "e2e test" \
	--authorised-by "Dana Head" 2>&1 | head -n 1)
ph_milter_start rm
ph_postfix_new mx "$smtp" "127.0.0.1:$sinkport" "unix:$PH_DIR/rm/milter.sock"
ph_postfix_start mx

cat >"$PH_DIR/letter.txt" <<'TXT'
Dear Sir or Madam,

I am writing again about the broken street light outside number 14 Elm Road.
It has not worked since the beginning of October and the pavement is completely
dark in the evenings. My neighbour slipped on the wet leaves last week and I am
worried that somebody will be seriously hurt. I reported the fault on your website
twice and telephoned the contact centre, but nobody has come to repair it and I
have not received any reference number or reply. I expect the council to fix the
light without further delay and to explain why my reports were ignored.

Yours faithfully,
A. Complainer
TXT
# the same words reflowed into one paragraph, with a quoted reply below
{
	echo "Dear Sir or Madam,"
	echo
	sed -n '3,9p' "$PH_DIR/letter.txt" | tr '\n' ' '
	echo
	echo
	echo "Regards,"
	echo "A."
	echo
	echo "On Monday, Records wrote:"
	echo "> We have received your message."
} >"$PH_DIR/resent.txt"
sed 's/^have not received any reference number or reply\. I expect/have not received any reference number or reply. Yesterday evening my daughter tripped over the kerb there and broke her wrist. I expect/' \
	"$PH_DIR/letter.txt" >"$PH_DIR/newfact.txt"

# send NAME FROM TO BODYFILE - one message with Message-ID <NAME@e2e.example>
send() {
	ph_swaks "$smtp" "$PH_DIR/$1.out" --from "$2" --to "$3" \
		--header "Message-Id: <$1@e2e.example>" --header "Subject: Letter $1" --body "@$4"
	echo $? >"$PH_DIR/$1.rc"
}

send first complainer@example.org alice@staff.example "$PH_DIR/letter.txt"
send resent complainer@example.org alice@staff.example "$PH_DIR/resent.txt"
send newfact complainer@example.org alice@staff.example "$PH_DIR/newfact.txt"
for i in 1 2 3 4 5; do
	send "scatter$i" scatter@example.net "staff$i@staff.example" "$PH_DIR/letter.txt"
done

for m in first resent newfact scatter4 scatter5; do
	ph_wait_msg sink "$m@e2e.example" 30 || ph_log "$m not delivered within 30 s"
done
expect_eq "$(cat "$PH_DIR/first.rc") $(cat "$PH_DIR/resent.rc") $(cat "$PH_DIR/newfact.rc")" "0 0 0" \
	"the three complaints accepted"
expect_eq "$(ph_header sink first@e2e.example X-Restriction)" "file; id=$rid" "first: tagged"
expect_eq "$(ph_header sink first@e2e.example X-Restriction-Novelty)" "new" "first complaint: novelty new"
expect_eq "$(ph_header sink resent@e2e.example X-Restriction-Novelty)" \
	"repeat; score=1.00; similar=<first@e2e.example>" \
	"resent, reflowed: repeat; score=1.00; similar=<first@e2e.example>"
expect_eq "$(ph_header sink newfact@e2e.example X-Restriction-Novelty)" "new" \
	"one added sentence stating a new fact: new"
expect_eq "$(ph_header sink scatter4@e2e.example X-Restriction-Flag)" "" "4th distinct staff: no flag"
expect_eq "$(ph_header sink scatter5@e2e.example X-Restriction-Flag)" "scattergun; staff=5; window=7d" \
	"5th distinct staff: X-Restriction-Flag: scattergun; staff=5; window=7d"
expect_eq "$(ph_header sink scatter5@e2e.example X-Restriction-Novelty)" "" \
	"no novelty header without a file or limit restriction"
ph_ctl rm flags >"$PH_DIR/flags.out" 2>&1
expect_match "$(grep scatter@example.net "$PH_DIR/flags.out")" 'scattergun +open +scatter@example\.net' \
	"restrictctl flags lists the open flag"
ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
