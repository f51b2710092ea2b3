#!/bin/sh
# e2e-actions.sh - every action through a real Postfix on 127.0.0.1:
# swaks -> Postfix smtpd (smtpd_milters = restrict-milter) -> SMTP sink.
#
# For each case: what the SMTP client is told (550 5.7.1 at RCPT for an
# envelope match, at end of DATA for a header match, 450 4.7.1 for
# tempfail, 250 otherwise) and what the sink receives, for whom, with
# which headers: tags, the subject prefix, redirects and copies (added
# with NOTIFY=NEVER), held mail in Postfix's hold queue, forged
# X-Restriction headers removed. Loopback is NOT internal here.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/e2e/tap.sh"
. "$top_srcdir/tests/e2e/postfix-harness.sh"

ph_setup actions
set -- $(ph_ports 2)
smtp=$1 sinkport=$2
ph_sink_start sink "$sinkport"
ph_milter_conf rm "StaffDomains staff.example" "ExemptRecipients complaints@staff.example" \
	"FilingMailbox records@staff.example" "MonitorMailbox monitor@staff.example" \
	"InternalHosts 192.0.2.0/24"

# add ARGS... - record an authorised restriction, print its id
add() {
	ph_ctl rm add "$@" --reason "e2e test" --authorised-by "Dana Head" >"$PH_DIR/add.out" 2>&1 \
		|| ph_die "restrictctl add $*: $(cat "$PH_DIR/add.out")"
	head -n 1 "$PH_DIR/add.out"
}
r_block=$(add blocked@example.org --action block)
r_file=$(add filed@example.org --action file)
r_fredir=$(add redirected@example.org --action file --mode redirect)
r_contact=$(add contact@example.org --action single-contact --contact liaison@staff.example)
r_strict=$(add strict@example.org --action single-contact --contact liaison@staff.example \
	--mode reject)
r_hold=$(add limited@example.org --action limit --limit 1/1d --over hold)
r_paced=$(add paced@example.org --action limit --limit 1/1d --over tempfail)
r_monitor=$(add monitored@example.org --action monitor)
r_watch=$(add watched@example.org --action watch)
add trial@example.org --action block --trial >/dev/null

ph_milter_start rm
ph_postfix_new mx "$smtp" "127.0.0.1:$sinkport" "unix:$PH_DIR/rm/milter.sock"
ph_postfix_start mx

# send NAME FROM TO [SWAKS-ARGS...] - one message with Message-ID
# <NAME@e2e.example> and Subject "Letter NAME"; swaks' status in $PH_DIR/NAME.rc
send() {
	s_name=$1 s_from=$2 s_to=$3
	shift 3
	ph_swaks "$smtp" "$PH_DIR/$s_name.out" --from "$s_from" --to "$s_to" \
		--header "Message-Id: <$s_name@e2e.example>" --header "Subject: Letter $s_name" "$@"
	echo $? >"$PH_DIR/$s_name.rc"
	sent=$((sent + 1))
}
sent=0

# the mail, all sent first so that Postfix delivers while we send
send block-rcpt blocked@example.org alice@staff.example
send block-exempt blocked@example.org alice@staff.example,complaints@staff.example
send block-header relay@lists.example alice@staff.example \
	--header "From: B. Locked <blocked@example.org>"
send block-header-exempt relay@lists.example alice@staff.example,complaints@staff.example \
	--header "From: B. Locked <blocked@example.org>"
send replyto-only office@mp.example alice@staff.example \
	--header "From: MP Office <office@mp.example>" --header "Reply-To: blocked@example.org"
send file-tag filed@example.org alice@staff.example --header "Subject: Complaint again"
send file-redirect redirected@example.org alice@staff.example
send contact-redirect contact@example.org ceo@staff.example
send contact-reject strict@example.org ceo@staff.example,liaison@staff.example
send hold-first limited@example.org alice@staff.example
send hold-second limited@example.org alice@staff.example
send tempfail-first paced@example.org alice@staff.example
send tempfail-second paced@example.org alice@staff.example
send monitor monitored@example.org alice@staff.example
send watch watched@example.org alice@staff.example
send trial trial@example.org alice@staff.example
send forged someone@example.net alice@staff.example \
	--add-header "X-Restriction: block; id=1" \
	--add-header "x-restriction-original-recipients: boss@staff.example" \
	--add-header "X-RESTRICTION-Flag: volume; messages=99; window=1d"
send forged-filed filed@example.org alice@staff.example \
	--add-header "X-Restriction: watch; id=999"
send plain someone@example.net alice@staff.example
ph_wait_idle mx 20 || ph_log "mx queue not idle after 20 s"

rc() { cat "$PH_DIR/$1.rc"; }
reply() { ph_reply "$PH_DIR/$1.out" "$2"; }
to() { ph_delivered_to sink "$1@e2e.example" | tr '\n' ';'; }
hdr() { ph_header sink "$1@e2e.example" "$2"; }
# our headers but the novelty one (checked on its own: tests/e2e/e2e-detect.sh)
ours() { ph_prefixed sink "$1@e2e.example" X-Restriction | grep -v '^X-Restriction-Novelty:'; }
novelty() { hdr "$1" X-Restriction-Novelty; }
subject() { hdr "$1" Subject; }

# block, envelope match: refused at RCPT, nothing delivered
expect_match "$(reply block-rcpt alice@staff.example)" '^550 5\.7\.1 ' \
	"block, envelope sender: 550 5.7.1 at RCPT"
expect_eq "$(rc block-rcpt)" 24 "block, envelope sender: swaks has no recipient accepted"
expect_eq "$(ph_count sink block-rcpt@e2e.example)" 0 "block, envelope sender: nothing delivered"

# block with the exempt complaints address: that one still gets it, tagged
expect_match "$(reply block-exempt alice@staff.example)" '^550 5\.7\.1 ' \
	"block + exempt: staff recipient refused at RCPT"
expect_match "$(reply block-exempt complaints@staff.example)" '^250 ' \
	"block + exempt: complaints address accepted at RCPT"
expect_match "$(reply block-exempt .)" '^250 ' "block + exempt: message accepted"
expect_eq "$(to block-exempt)" "complaints@staff.example;" \
	"block + exempt: delivered to the complaints address only"
expect_eq "$(ours block-exempt)" "X-Restriction: block; id=$r_block" "block + exempt: tagged"

# block, header From: match: known only at end of DATA
expect_match "$(reply block-header alice@staff.example)" '^250 ' \
	"block, header From: RCPT accepted (not known yet)"
expect_match "$(reply block-header .)" '^550 5\.7\.1 ' "block, header From: 550 5.7.1 at end of DATA"
expect_eq "$(rc block-header)" 26 "block, header From: swaks sees the message refused"
expect_eq "$(ph_count sink block-header@e2e.example)" 0 "block, header From: nothing delivered"

# header match with an exempt recipient: the refused one goes to FilingMailbox
expect_match "$(reply block-header-exempt .)" '^250 ' \
	"block, header From: + exempt: message accepted"
expect_eq "$(to block-header-exempt)" "complaints@staff.example;records@staff.example NOTIFY=NEVER;" \
	"block, header From: + exempt: staff recipient replaced by FilingMailbox (NOTIFY=NEVER)"

# Reply-To: alone never refuses: tagged and filed
expect_match "$(reply replyto-only .)" '^250 ' "Reply-To: match alone: accepted"
expect_eq "$(to replyto-only)" "alice@staff.example;" "Reply-To: match alone: delivered"
expect_eq "$(subject replyto-only)" "[Read and file] Letter replyto-only" \
	"Reply-To: match alone: filed as file --mode tag"
expect_eq "$(ours replyto-only)" "X-Restriction: file; id=$r_block" \
	"Reply-To: match alone: tagged as filed (the block restriction's id)"

# file --mode tag
expect_match "$(reply file-tag .)" '^250 ' "file tag: accepted"
expect_eq "$(to file-tag)" "alice@staff.example;" "file tag: delivered to the recipient"
expect_eq "$(ours file-tag)" "X-Restriction: file; id=$r_file" "file tag: tag header"
expect_eq "$(novelty file-tag)" "new" "file tag: novelty header"
expect_eq "$(subject file-tag)" "[Read and file] Complaint again" "file tag: subject prefixed"

# file --mode redirect
expect_eq "$(to file-redirect)" "records@staff.example NOTIFY=NEVER;" \
	"file redirect: delivered to FilingMailbox only, NOTIFY=NEVER"
expect_match "$(ours file-redirect)" "^X-Restriction: file; id=$r_fredir\$" "file redirect: tagged"

# single-contact, redirect
expect_match "$(reply contact-redirect ceo@staff.example)" '^250 ' "single-contact redirect: accepted"
expect_eq "$(to contact-redirect)" "liaison@staff.example NOTIFY=NEVER;" \
	"single-contact redirect: delivered to the contact only, NOTIFY=NEVER"
expect_eq "$(hdr contact-redirect X-Restriction-Original-Recipients)" "ceo@staff.example" \
	"single-contact redirect: original recipient recorded"
expect_match "$(ours contact-redirect)" "^X-Restriction: single-contact; id=$r_contact\$" \
	"single-contact redirect: tagged"

# single-contact, reject
expect_match "$(reply contact-reject ceo@staff.example)" '^550 5\.7\.1 .*liaison@staff\.example' \
	"single-contact reject: 550 5.7.1 at RCPT naming the contact"
expect_match "$(reply contact-reject liaison@staff.example)" '^250 ' \
	"single-contact reject: the contact accepted"
expect_eq "$(to contact-reject)" "liaison@staff.example;" "single-contact reject: contact gets it"
expect_match "$(ours contact-reject)" "^X-Restriction: single-contact; id=$r_strict\$" \
	"single-contact reject: tagged"

# limit --over hold: the second message sits in the hold queue
expect_eq "$(to hold-first)" "alice@staff.example;" "limit hold: first message delivered"
expect_eq "$(ours hold-first)" "X-Restriction: limit; id=$r_hold" "limit hold: first message tagged"
expect_match "$(reply hold-second .)" '^250 ' "limit hold: second accepted (into hold)"
expect_eq "$(ph_held_msgids mx)" "<hold-second@e2e.example>" "limit hold: second in the hold queue"
expect_eq "$(ph_count sink hold-second@e2e.example)" 0 "limit hold: second not delivered"

# limit --over tempfail
expect_eq "$(to tempfail-first)" "alice@staff.example;" "limit tempfail: first delivered"
expect_eq "$(ours tempfail-first)" "X-Restriction: limit; id=$r_paced" "limit tempfail: first tagged"
expect_match "$(reply tempfail-second alice@staff.example)" '^450 4\.7\.1 ' \
	"limit tempfail: second gets 450 4.7.1 at RCPT"
expect_eq "$(ph_count sink tempfail-second@e2e.example)" 0 "limit tempfail: second not delivered"

# monitor: a copy with NOTIFY=NEVER, the recipient keeps it
expect_eq "$(to monitor)" "alice@staff.example;monitor@staff.example NOTIFY=NEVER;" \
	"monitor: recipient and MonitorMailbox copy (NOTIFY=NEVER)"
expect_eq "$(ours monitor)" "X-Restriction: monitor; id=$r_monitor" "monitor: tagged"

# watch
expect_eq "$(to watch)" "alice@staff.example;" "watch: delivered"
expect_eq "$(ours watch)" "X-Restriction: watch; id=$r_watch" "watch: tagged"
expect_eq "$(subject watch)" "Letter watch" "watch: subject untouched"

# trial: nothing changes on the mail
expect_match "$(reply trial alice@staff.example)" '^250 ' "trial block: RCPT accepted"
expect_eq "$(to trial)" "alice@staff.example;" "trial block: delivered"
expect_eq "$(ours trial)$(novelty trial)" "" "trial block: no header added"

# forged inbound headers are removed, any case
expect_eq "$(to forged)" "alice@staff.example;" "forged headers: delivered"
expect_eq "$(ours forged)" "" "forged headers: every X-Restriction* header removed"
expect_eq "$(ours forged-filed)" "X-Restriction: file; id=$r_file" \
	"forged headers on restricted mail: only our own tag left"

# unrestricted mail passes unchanged
expect_match "$(reply plain .)" '^250 ' "unrestricted: accepted"
expect_eq "$(to plain)" "alice@staff.example;" "unrestricted: delivered"
expect_eq "$(ours plain)" "" "unrestricted: no header added"
expect_eq "$(subject plain)" "Letter plain" "unrestricted: subject untouched"

# one event per message, refused ones too (written in batches: wait a little)
want=$sent
i=0
while [ "$(sqlite3 "$PH_DIR/rm/db/restrict.db" 'SELECT count(*) FROM events' 2>/dev/null)" != "$want" ] \
	&& [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$(sqlite3 "$PH_DIR/rm/db/restrict.db" 'SELECT count(*) FROM events')" "$want" \
	"one event per message ($want)"
# what restrictctl events makes of them
ev() {
	ph_ctl rm events --json "$@" | "$PH_PY" -c \
		'import json, sys; print(" ".join(e["verdict"] + ":" + e["queue_id"] for e in json.load(sys.stdin)))'
}
expect_match "$(ev --message-id hold-second@e2e.example)" '^hold:[0-9A-F]+$' \
	"events: the held message, by Message-ID"
expect_eq "$(ev --outcome reject | wc -w)" 4 "events: four messages with a refused recipient"
expect_match "$(ev --address liaison@staff.example)" '^accept:[0-9A-F]+ accept:[0-9A-F]+$' \
	"events: the contact's two messages (redirect target, recipient)"

ph_milter_stop rm
expect_eq "$(ph_milter_report rm)" "" "the milter stopped cleanly: no sanitizer report or fatal error"
tap_finish
