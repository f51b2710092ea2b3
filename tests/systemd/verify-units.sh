#!/bin/sh
# verify-units.sh - systemd-analyze verify passes on every unit and timer,
# with ExecStart pointing at the programs just built, and the sysusers.d
# and tmpfiles.d entries parse (systemd-sysusers/tmpfiles --dry-run style).
set -u
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

src="$top_srcdir/systemd"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$src"/*.service.in; do
	b=$(basename "$f" .in)
	sed -e "s|@sbindir@/restrict-milter|$top_builddir/milter/restrict-milter|" \
	    -e "s|@sbindir@/restrictctl|$top_builddir/cli/restrictctl|" "$f" >"$tmp/$b"
done
cp "$src"/*.timer "$tmp/"

for unit in "$tmp"/*.service "$tmp"/*.timer; do
	name=$(basename "$unit")
	if out=$(cd "$tmp" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "./$name" 2>&1) \
	    && [ -z "$out" ]; then
		ok "systemd-analyze verify $name"
	else
		not_ok "systemd-analyze verify $name: $out"
	fi
done

# the hardening the operations issue asks for is really there
for key in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
	   RestrictAddressFamilies= SystemCallFilter=@system-service StateDirectory= \
	   RuntimeDirectory= ExecReload= Restart=on-failure; do
	if grep -q "^$key" "$tmp/restrict-milter.service"; then
		ok "restrict-milter.service has $key"
	else
		not_ok "restrict-milter.service lacks $key"
	fi
done
grep -q '^OnCalendar=Mon \*-\*-\* 08:00:00' "$tmp/restrict-milter-digest.timer" \
	&& ok "digest timer: Monday 08:00" || not_ok "digest timer: Monday 08:00"
grep -q '^Persistent=true' "$tmp/restrict-milter-digest.timer" \
	&& ok "digest timer: Persistent" || not_ok "digest timer: Persistent"
if next=$(systemd-analyze calendar 'Mon *-*-* 08:00:00' 2>/dev/null | grep -i 'next elapse'); then
	ok "calendar expression parses ($next)"
else
	not_ok "calendar expression does not parse"
fi
# the digest hands mail to the MTA's setgid sendmail/postdrop, which
# NoNewPrivileges would silently break; its queue must stay writable
if grep -q '^NoNewPrivileges=yes' "$tmp/restrict-milter-digest.service"; then
	not_ok "digest service has NoNewPrivileges=yes (breaks setgid postdrop)"
else
	ok "digest service lets setgid postdrop queue the digest"
fi
grep -q '^ReadWritePaths=.*/var/spool/postfix/maildrop' "$tmp/restrict-milter-digest.service" \
	&& ok "digest service can write Postfix's maildrop" \
	|| not_ok "digest service cannot write Postfix's maildrop"

# sysusers.d and tmpfiles.d lines: fields systemd accepts
mkdir -p "$tmp/root/etc"
if systemd-sysusers --dry-run --root="$tmp/root" "$src/restrict-milter.sysusers" >/dev/null 2>&1; then
	ok "sysusers.d entry accepted"
else
	not_ok "sysusers.d entry rejected"
fi
if awk '!/^#/ && NF { if (NF != 6 || $1 != "d") exit 1 }' "$src/restrict-milter.tmpfiles"; then
	ok "tmpfiles.d entry has six fields"
else
	not_ok "tmpfiles.d entry malformed"
fi

[ "$failed" -eq 0 ]
