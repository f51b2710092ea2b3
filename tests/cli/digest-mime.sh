#!/bin/sh
# digest-mime.sh - `restrictctl digest --format mime` read back with a real
# MIME parser (Python's email package, policy=default): one
# multipart/alternative with text/plain then text/html, both UTF-8 and
# quoted-printable or base64 with short lines; Date, Message-ID, From
# (DigestFrom), To (DigestRecipients or --to), MIME-Version, and the
# RFC 2047 Subject decoding to the em-dash text; the parts equal --format
# text and --format html.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/digest-fixture.sh"

digest_fixture
run digest --format text
cp "$T/out" "$T/text"
run digest --format html
cp "$T/out" "$T/html"

# mime_check [TO] - parse $T/out, print one fact per line
mime_check() {
	"$PY" - "$T/out" "$T/text" "$T/html" <<'PYEOF'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
print("type", msg.get_content_type())
print("subject", msg["Subject"])
print("from", msg["From"])
print("to", msg["To"])
print("mime-version", msg["MIME-Version"])
print("date", "yes" if msg["Date"] and msg["Date"].datetime else "no")
mid = msg["Message-ID"] or ""
print("message-id", "yes" if mid.startswith("<") and mid.endswith(">") and "@" in mid else "no: " + mid)
print("auto-submitted", msg["Auto-Submitted"])
parts = list(msg.iter_parts())
print("parts", " ".join(p.get_content_type() for p in parts))
print("charsets", " ".join(str(p.get_content_charset()) for p in parts))
print("encodings", " ".join(str(p["Content-Transfer-Encoding"]) for p in parts))
print("text equal", parts[0].get_content() == open(sys.argv[2], encoding="utf-8").read())
print("html equal", parts[1].get_content() == open(sys.argv[3], encoding="utf-8").read())
print("longest line", "ok" if max(len(l) for l in raw.split(b"\n")) <= 78 else "too long")
print("defects", sum(len(p.defects) for p in msg.walk()))
PYEOF
}

run digest --format mime
expect_exit 0 "digest --format mime"
mime_check >"$T/facts" 2>&1
fact() { sed -n "s/^$1 //p" "$T/facts"; }
expect_eq "$(fact type)" "multipart/alternative" "the message is multipart/alternative"
expect_eq "$(fact parts)" "text/plain text/html" "text/plain, then text/html"
expect_eq "$(fact charsets)" "utf-8 utf-8" "both parts are UTF-8"
expect_eq "$(fact encodings)" "quoted-printable quoted-printable" "both parts are quoted-printable"
expect_eq "$(fact subject)" "Correspondence restrictions — week ending 2026-11-27" \
	"the Subject decodes to the em-dash text"
expect_eq "$(grep -c '^Subject: .*=?UTF-8?' "$T/out")" 1 "the Subject is RFC 2047-encoded"
expect_eq "$(fact from)" "Correspondence restrictions <restrict-milter@staff.example>" "From is DigestFrom"
expect_eq "$(fact to)" "heads@staff.example" "To is DigestRecipients"
expect_eq "$(fact mime-version)" "1.0" "MIME-Version: 1.0"
expect_eq "$(fact date)" "yes" "a Date header"
expect_eq "$(fact message-id)" "yes" "a Message-ID header"
expect_eq "$(fact auto-submitted)" "auto-generated" "Auto-Submitted: auto-generated"
expect_eq "$(fact 'text equal')" "True" "the text part is the text digest"
expect_eq "$(fact 'html equal')" "True" "the HTML part is the HTML digest"
expect_eq "$(fact 'longest line')" "ok" "no line is longer than 78 octets"
expect_eq "$(fact defects)" "0" "the parser finds no defects"
expect_eq "$(grep -c '^Date: Fri, 27 Nov 2026 09:00:00 +0000$' "$T/out")" 1 "the Date is the clock's"

run digest --format mime --to a@staff.example --to "Bea Head <b@staff.example>"
mime_check >"$T/facts" 2>&1
expect_eq "$(fact to)" "a@staff.example, Bea Head <b@staff.example>" "--to replaces DigestRecipients"
run digest --format mime --until 2026-12-04
mime_check >"$T/facts" 2>&1
expect_eq "$(fact subject)" "Correspondence restrictions — week ending 2026-12-04" \
	"the week ends on the --until date"

write_config "DigestFrom not an address"
run digest --format mime --to a@staff.example
expect_exit 1 "a DigestFrom that is no address"
expect_err 'DigestFrom "not an address" is not a mail address' "says which key is wrong"
finish
