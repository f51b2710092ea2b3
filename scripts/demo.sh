#!/bin/sh
# demo.sh - the README's first command: install what is missing, build,
# then run the real thing on this machine's loopback for a minute: a
# throwaway Postfix with restrict-milter in front and a mailbox sink
# behind, sample restrictions of every kind recorded with restrictctl,
# sample correspondence sent with swaks, and for each message what the
# sender's server was told and what reached which mailbox with which of
# our headers. Everything started is stopped and removed at the end.
# Needs root (Postfix's master runs as root); uses only 127.0.0.1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
build=${DEMO_BUILD_DIR:-$top/_build}	# an existing build tree may be named

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (it installs packages and starts a throwaway Postfix)" >&2
	exit 1
fi
if [ -t 1 ]; then bold='\033[1m' plain='\033[0m'; else bold='' plain=''; fi
say() { printf "\n$bold%s$plain\n" "$*"; }

say "Installing what is missing and building (a minute the first time)"
sh scripts/install-deps.sh
if [ ! -f "$build/Makefile" ]; then
	autoreconf -fi >/dev/null 2>&1
	mkdir -p "$build"
	(cd "$build" && "$top/configure" >/dev/null)
fi
make -C "$build" -j"$jobs" >/dev/null

top_srcdir=$top
top_builddir=$build
. "$top/tests/e2e/postfix-harness.sh"
set +e			# the harness reports its own failures
ph_setup demo

say "1. An office: staff at staff.example; the complaints address is always reachable"
set -- $(ph_ports 2)
smtp=$1 sinkport=$2
# InternalHosts without loopback, so that mail from 127.0.0.1 counts as from outside
ph_milter_conf rm "StaffDomains staff.example" "ExemptRecipients complaints@staff.example" \
	"FilingMailbox records@staff.example" "MonitorMailbox monitor@staff.example" \
	"InternalHosts 192.0.2.0/24"
sed -n 's/^\(StaffDomains\|ExemptRecipients\|FilingMailbox\|MonitorMailbox\|InternalHosts\) /  \1 /p' \
	"$PH_DIR/rm/restrict-milter.conf"

say "2. Restrictions of every kind, each authorised with a reason (restrictctl add)"
add() {
	ph_ctl rm add "$@" --authorised-by "Head of Department" >/dev/null || ph_die "restrictctl add $*"
}
add abusive@example.org --action block --name "A. Busive" --case C-1001 \
	--reason "Threats to staff (policy 3.3)"
add persistent@example.org --action file --name "P. Sistent" --case C-1002 \
	--reason "Repeated identical complaints"
add scatter@example.net --action single-contact --contact liaison@staff.example \
	--name "S. Catter" --reason "Pursuing the issue with numerous staff"
add weekly@example.com --action limit --limit 1/7d --over hold --name "W. Eekly" \
	--reason "Volume impacting other service users"
add @.monitored.example --action monitor --name "M. Onitored" --reason "Record correspondence (5.7)"
add warned@example.org --action watch --name "W. Arned" --reason "Warning stage (5.4)"
add '/^trial[0-9]*@example\.org$/' --action block --trial --name "T. Rial" \
	--reason "Trial before enforcing"
ph_ctl rm list

say "3. Postfix on 127.0.0.1:$smtp with restrict-milter (smtpd_milters), delivering to a sink"
ph_sink_start sink "$sinkport"
ph_milter_start rm
ph_postfix_new mx "$smtp" "127.0.0.1:$sinkport" "unix:$PH_DIR/rm/milter.sock"
ph_postfix_start mx
echo "  up: $(postconf -c "$PH_DIR/mx/etc" -h smtpd_milters)"

n=0
# letter TITLE FROM TO [SWAKS-ARGS...] - send one message and say what happened to it
letter() {
	n=$((n + 1))
	l_title=$1 l_from=$2 l_to=$3
	shift 3
	ph_swaks "$smtp" "$PH_DIR/letter$n.out" --from "$l_from" --to "$l_to" \
		--header "Message-Id: <letter$n@demo.example>" --header "Subject: Letter $n" "$@"
	printf "\n$bold%s$plain\n" "$n. $l_title"
	echo "    from $l_from to $l_to"
	for r in $(echo "$l_to" | tr ',' ' '); do
		echo "    RCPT TO:<$r>  ->  $(ph_reply "$PH_DIR/letter$n.out" "$r")"
	done
	l_end=$(ph_reply "$PH_DIR/letter$n.out" .)
	[ -z "$l_end" ] || echo "    end of DATA  ->  $l_end"
	ph_wait_idle mx 10
	if ph_held_msgids mx | grep -q "letter$n@"; then
		echo "    held in Postfix's hold queue (postqueue -p lists it; postsuper -H releases it)"
	else
		"$PH_PY" "$PH_TOOL" show "$PH_DIR/sink" X-Restriction,Subject "letter$n@demo.example"
	fi
}

say "4. Sample correspondence (swaks from 127.0.0.1)"
letter "A. Busive (block) writes to an officer and to complaints" abusive@example.org \
	officer@staff.example,complaints@staff.example
letter "Someone forwards A. Busive's letter (From: header only)" someone@else.example \
	officer@staff.example --header "From: A. Busive <abusive@example.org>"
complaint="The bins in Elm Street were not collected on Monday, Tuesday or Wednesday.
I reported this on your website and nobody has replied to me."
letter "P. Sistent (file) writes again" persistent+case@Example.ORG officer@staff.example \
	--header "Subject: Complaint, again" --body "$complaint"
letter "P. Sistent resends it, re-greeted and reflowed: a repeat, nothing new" \
	persistent@example.org officer@staff.example --header "Subject: Re: Complaint, again" \
	--body "Dear Officer,

$(echo "$complaint" | tr '\n' ' ')

Regards,
P. Sistent"
letter "S. Catter (single-contact) writes to the chief executive" scatter@example.net \
	ceo@staff.example
letter "W. Eekly (limit 1/7d, then hold): first letter this week" weekly@example.com \
	officer@staff.example
letter "W. Eekly: second letter this week" weekly@example.com officer@staff.example
letter "M. Onitored (monitor) writes from a subdomain" x@mail.monitored.example \
	officer@staff.example
letter "W. Arned (watch)" warned@example.org officer@staff.example
letter "T. Rial (block, but only on trial)" trial7@example.org officer@staff.example
letter "A member of the public, with a forged X-Restriction header" someone@public.example \
	officer@staff.example --add-header "X-Restriction: watch; id=99"
letter "N. Ewcomer, not restricted, writes to six staff at once (scattergun)" \
	newcomer@example.net a@staff.example,b@staff.example,c@staff.example,d@staff.example,e@staff.example,f@staff.example

say "6. The flag it raised, for a Head of Department to decide on (restrictctl flags)"
ph_ctl rm flags

say "7. What the milter recorded (restrictctl events, restrictctl status)"
ph_ctl rm events
echo
ph_ctl rm status

say "8. The weekly digest a Head of Department receives (restrictctl digest --format text)"
ph_ctl rm digest --format text

say "Stopping Postfix, the milter and the sink; removing $PH_DIR"
ph_teardown
echo "done."
