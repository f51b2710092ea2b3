#!/bin/sh
# digest-escape.sh - hostile values in the digest: display names, case
# references, selectors, reasons, queue ids, flag addresses and Message-IDs
# carrying <script>, quotes, &, CR/LF and U+202E (right-to-left override).
# The HTML has no raw <script, no unescaped quote inside an attribute and
# no bidi override; the text has no CR and no control bytes; reasons,
# notes and Message-IDs never appear at all.
. "$top_srcdir/tests/cli/lib.sh"

TZ=Europe/London
export TZ
write_config
run init
RLO=$(printf '\342\200\256')
CRLF=$(printf 'x\r\ny')
NAME="<script>alert(1)</script> \"Mal\" & 'O'$RLO"
CASE="\"><script>alert(2)</script>&amp;"
RESTRICT_MILTER_NOW=2026-11-24T10:00
run add evil@example.org --action file --name "$NAME" --case "$CASE" \
	--reason "<script>alert(3)</script> SECRETREASON" --authorised-by "<b>Boss</b> \"&\""
expect_exit 0 "add with a hostile name, case and reason"
run add "/<script>.*@example\\.org/" --action limit --limit 1/1d --over hold \
	--name "plain$CRLF" --reason "SECRETREASON2$CRLF" --authorised-by "x\"y"
expect_exit 0 "add with a hostile regex selector, CR/LF name and reason"
RESTRICT_MILTER_NOW=2026-11-27T09:00
# what an administrator could store with SQL or import: CR/LF in a name
sql "UPDATE service_users SET name = 'Line1' || char(13) || char(10) || 'Line2 <script>' WHERE id = 2"
NOW=$(date -d 2026-11-25T10:00 +%s)
sql "INSERT INTO events (at, queue_id, message_id, person, restriction_ids, verdict, breach, effects)
	VALUES ($NOW, '<script>Q\"1', '<SECRETMSGID\"><script>@x>', 'p@example.org', '[2]', 'hold', 1,
	'[{\"id\":2,\"effect\":\"hold\"}]')"
sql "INSERT INTO flags (person, kind, status, opened_at, updated_at, count, threshold, window_secs,
	first_at, last_at) VALUES ('\"<script>alert(4)</script>\"@evil.example' || char(13) || 'x$RLO',
	'volume', 'escalated', $NOW, $NOW, 20, 20, 86400, $NOW, $NOW)"

run digest --format html
expect_exit 0 "HTML digest with hostile values"
cp "$T/out" "$T/html"
expect_eq "$(grep -ci '<script' "$T/html")" 0 "no raw <script in the HTML"
expect_eq "$(grep -c "$RLO" "$T/html")" 0 "no right-to-left override in the HTML"
expect_eq "$(grep -c 'SECRET' "$T/html")" 0 "no reason or Message-ID in the HTML"
expect_eq "$(grep -c '&lt;script&gt;alert(1)&lt;/script&gt; &quot;Mal&quot; &amp; &#39;O&#39;?' "$T/html")" 2 \
	"the name is shown escaped (in the lists and the mail card)"
if "$PY" - "$T/html" >"$T/py" 2>&1 <<'PYEOF'
import html.parser, sys
class Check(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe", "object", "link", "a"):
            self.bad.append("element " + tag)
        for name, value in attrs:
            if name.startswith("on") or name not in ("class", "style", "data-label", "role",
                                                    "aria-label", "lang", "charset", "name",
                                                    "content"):
                self.bad.append("attribute " + name)
            if name == "style" and not all(c in "0123456789.%:;widthegt " for c in value):
                self.bad.append("style " + value)
p = Check()
p.feed(open(sys.argv[1], encoding="utf-8").read())
if p.bad:
    print("\n".join(p.bad))
    sys.exit(1)
PYEOF
then
	ok "every element and attribute in the HTML is one of ours (quotes never escape an attribute)"
else
	not_ok "every element and attribute in the HTML is one of ours"
	diag "$T/py"
fi
expect_eq "$(grep -c '&quot;&gt;&lt;script&gt;alert(2)' "$T/html")" 2 "the case reference is escaped"
expect_eq "$(grep -c '&lt;script&gt;Q&quot;1' "$T/html")" 1 "the queue id is escaped"

run digest --format text
expect_exit 0 "text digest with hostile values"
expect_eq "$(tr -d '\n' <"$T/out" | LC_ALL=C grep -c "$(printf '\r')")" 0 "no CR in the text"
expect_eq "$(LC_ALL=C tr -d '\n\t' <"$T/out" | LC_ALL=C grep -c '[[:cntrl:]]')" 0 "no control bytes in the text"
expect_eq "$(grep -c "$RLO" "$T/out")" 0 "no right-to-left override in the text"
expect_eq "$(grep -c 'SECRET' "$T/out")" 0 "no reason or Message-ID in the text"
expect_out_match '^#2 Line1\?\?Line2 <script> - limit: 1 message$' "CR/LF in a name shows as ?"

run digest --format mime
expect_exit 0 "MIME digest with hostile values"
expect_eq "$(grep -c 'SECRET' "$T/out")" 0 "no reason or Message-ID in the MIME message"
finish
