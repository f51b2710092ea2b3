#!/bin/sh
# demo.sh - the README's first command: install what is missing, build, and
# show the main job on a throwaway embedded SQLite database: restrictions of
# every action, sample messages checked against them, and each decision.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

sh scripts/install-deps.sh
if [ ! -x _build/cli/restrictctl ]; then
	autoreconf -fi >/dev/null 2>&1
	mkdir -p _build
	(cd _build && "$top/configure" >/dev/null)
fi
make -C _build -j"$jobs" >/dev/null

demo=$(mktemp -d /tmp/restrict-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT
cat >"$demo/restrict-milter.conf" <<CONF
# a sample office: staff at staff.example, complaints always reachable
StaffDomains staff.example
ExemptRecipients complaints@staff.example
FilingMailbox records@staff.example
MonitorMailbox monitor@staff.example
CONF
rc() { "$top/_build/cli/restrictctl" -c "$demo/restrict-milter.conf" -d "$demo/db/restrict.db" "$@"; }
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

say "1. Create the database"
rc init

say "2. Record one restriction of every kind (each authorised, with a reason)"
rc add abusive@example.org --action block --name "A. Busive" --case C-1001 \
	--reason "Threats to staff (policy 3.3)" --authorised-by "Head of Department" >/dev/null
rc add persistent@example.org --action file --name "P. Sistent" --case C-1002 \
	--reason "Repeated identical complaints" --authorised-by "Head of Department" >/dev/null
rc add scatter@example.net --action single-contact --contact liaison@staff.example \
	--name "S. Catter" --reason "Pursuing the issue with numerous staff" \
	--authorised-by "Head of Department" >/dev/null
rc add weekly@example.com --action limit --limit 1/7d --over hold --name "W. Eekly" \
	--reason "Volume impacting other service users" --authorised-by "Head of Department" >/dev/null
rc add @.monitored.example --action monitor --name "M. Onitored" \
	--reason "Record correspondence (5.7)" --authorised-by "Head of Department" >/dev/null
rc add warned@example.org --action watch --name "W. Arned" \
	--reason "Warning stage (5.4)" --authorised-by "Head of Department" >/dev/null
rc add '/^trial[0-9]*@example\.org$/' --action block --trial --name "T. Rial" \
	--reason "Trial before enforcing" --authorised-by "Head of Department" >/dev/null
rc list

say "3. What the milter would do with sample mail"
check() {
	printf '\n$ restrictctl check %s\n' "$*"
	rc check "$@"
}
check --from abusive@example.org --to officer@staff.example --to complaints@staff.example
check --from someone@else.example --header-from 'Abusive <abusive@example.org>' --to officer@staff.example
check --from persistent+case@Example.ORG --to officer@staff.example
check --from scatter@example.net --to ceo@staff.example --to liaison@staff.example
check --from someone@mp.example --header-from 'MP Office <office@mp.example>' --reply-to 'abusive@example.org' --to officer@staff.example
check --from x@mail.monitored.example --to officer@staff.example
check --from warned@example.org --to officer@staff.example
check --from trial7@example.org --to officer@staff.example --json
