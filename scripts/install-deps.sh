#!/bin/sh
# install-deps.sh - install (as root, on Debian 12) every package needed to
# build restrict-milter and run all of its tests. Installs only what is
# missing, so a second run costs a second.
set -eu

PACKAGES="gcc make autoconf automake libtool pkgconf
 libmilter-dev libsqlite3-dev sqlite3 libpcre2-dev libgmime-3.0-dev
 libidn2-dev libssl-dev libjansson-dev
 check python3 python3-jsonschema
 systemd man-db groff-base
 clang libclang-rt-14-dev
 postfix miltertest swaks
 chromium"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
# Postfix asks how to configure itself; the tests run their own throwaway
# instances, so the system one stays unconfigured.
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
