#!/bin/sh
# digest-render.sh - the HTML digest in a real browser (Debian's chromium,
# headless): a copy with a measuring script added reports the page's
# scroll width at 390 px (a phone) and 1200 px (a desktop): no horizontal
# overflow; screenshots at both widths are not blank (PNG read with
# digest-png.py, zlib only). Skipped when chromium is not installed.
#
# DIGEST_SAMPLE=FILE also saves the 1200 px screenshot there (this is how
# doc/digest-sample.png is made).
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/digest-fixture.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	echo "1..0 # SKIP chromium not installed (Debian package chromium)"
	exit 77
fi

# browse WIDTH HEIGHT ARGS... - headless chromium, isolated and offline
browse() {
	b_w=$1 b_h=$2
	shift 2
	b_profile=$(mktemp -d "$T/profile.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --hide-scrollbars --user-data-dir="$b_profile" \
		--window-size="$b_w,$b_h" "$@" 2>>"$T/chromium.log"
}

digest_fixture
# a long name and an unbroken address, to prove they wrap
sql "UPDATE service_users SET name = 'Bartholomew Featherstonehaugh-Cholmondeley-Marjoribanks' WHERE id = 1"
sql "UPDATE flags SET person = 'a.very.long.unbroken.address.of.someone.writing@subdomain.of.an.example.net' WHERE id = 3"
run digest --format html
expect_exit 0 "the HTML digest"
cp "$T/out" "$T/digest.html"

# the measuring page: the digest in iframes 390 and 1200 px wide (srcdoc,
# so same-origin), and a script that writes each one's scroll width into
# the DOM for --dump-dom (headless windows have a minimum width; iframes do not)
"$PY" - "$T/digest.html" >"$T/measure.html" <<'PYEOF'
import html, sys
doc = html.escape(open(sys.argv[1], encoding="utf-8").read(), quote=True)
frames = "".join('<iframe id="f%d" width="%d" height="900" style="border:0;display:block"'
                 ' srcdoc="%s"></iframe>' % (w, w, doc) for w in (390, 1200))
print('<!DOCTYPE html><html><body style="margin:0">' + frames + """<script>
window.addEventListener("load", function () {
  var r = [];
  [390, 1200].forEach(function (w) {
    var d = document.getElementById("f" + w).contentDocument.documentElement;
    r.push(w + ":" + d.scrollWidth + "/" + d.clientWidth);
  });
  document.body.setAttribute("data-measure", r.join(" "));
});
</script></body></html>""")
PYEOF
browse 1300 2000 --virtual-time-budget=5000 --dump-dom "file://$T/measure.html" >"$T/dom"
m=$(sed -n 's/.*data-measure="\([^"]*\)".*/\1/p' "$T/dom")
echo "# scroll width/client width: $m"
for w in 390 1200; do
	got=$(echo "$m" | tr ' ' '\n' | sed -n "s|^$w:||p")
	expect_eq "$got" "$w/$w" "no horizontal overflow at $w px"
done

for w in 390 1200; do
	browse "$w" 1800 --screenshot="$T/shot.$w.png" "file://$T/digest.html" >/dev/null
	if [ -s "$T/shot.$w.png" ]; then
		set -- $("$PY" "$top_srcdir/tests/cli/digest-png.py" stats "$T/shot.$w.png")
		echo "# $w px screenshot: ${1}x$2, $3 colours, $4 rows with ink"
		expect_eq "$1 $([ "$3" -ge 20 ] && [ "$4" -ge 300 ] && echo drawn || echo blank)" \
			"$w drawn" "the $w px screenshot is drawn, not blank"
	else
		not_ok "chromium made a $w px screenshot"
		diag "$T/chromium.log"
	fi
done
if [ -n "${DIGEST_SAMPLE:-}" ] && [ -s "$T/shot.1200.png" ]; then
	cp "$T/shot.1200.png" "$DIGEST_SAMPLE"
fi
finish
