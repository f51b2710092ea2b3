#!/bin/sh
# man-pages.sh - every man page renders without a single warning
# (man --warnings, i.e. groff -ww) and documents every option, command and
# configuration key the programs have.
set -u
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

doc="$top_builddir/doc"
for page in restrict-milter.8 restrictctl.8 restrict-milter.conf.5; do
	if [ ! -f "$doc/$page" ]; then
		not_ok "$page was not built"
		continue
	fi
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 "$doc/$page" 2>&1 >/dev/null)
	if [ -z "$warn" ]; then ok "$page renders without warnings"; else not_ok "$page: $warn"; fi
	if grep -q '@[A-Z]*@' "$doc/$page"; then not_ok "$page has unsubstituted @VARS@"; else ok "$page substituted"; fi
done

# every configuration key in lib/config.c's table is in restrict-milter.conf(5)
conf_text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l -Tutf8 "$doc/restrict-milter.conf.5" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
for key in $(sed -n 's/^[[:space:]]*KEY[_ENUM]*("\([A-Za-z]*\)".*/\1/p' "$top_srcdir/lib/config.c"); do
	case "$conf_text" in
	*"$key"*) ok "restrict-milter.conf(5) documents $key" ;;
	*) not_ok "restrict-milter.conf(5) lacks $key" ;;
	esac
done

# every restrictctl command in its --help is in restrictctl(8)
ctl_text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l -Tutf8 "$doc/restrictctl.8" 2>/dev/null | sed 's/.\x08//g')
for cmd in $("$top_builddir/cli/restrictctl" --help 2>&1 | sed -n 's/^  restrictctl \([a-z][a-z-]*\).*/\1/p' | sort -u); do
	case "$ctl_text" in
	*"$cmd"*) ok "restrictctl(8) documents $cmd" ;;
	*) not_ok "restrictctl(8) lacks command $cmd" ;;
	esac
done

# every restrict-milter option is in restrict-milter(8)
for opt in -f -c -p -d -t -V; do
	if LC_ALL=C.UTF-8 man -l -Tutf8 "$doc/restrict-milter.8" 2>/dev/null | sed 's/.\x08//g' | grep -q -- "$opt"; then
		ok "restrict-milter(8) documents $opt"
	else
		not_ok "restrict-milter(8) lacks $opt"
	fi
done
[ "$failed" -eq 0 ]
