#!/bin/bash
# run.sh - the restrict-milter benchmark: one command, figures on stdout.
#
#   bench/run.sh [-B BUILD] [-p PARTS] [-m MESSAGES] [-n ROUNDS] [-r RCPTS]
#                [-P PROTO-MESSAGES] [-t SECONDS] [-D DETECT-MESSAGES] [-s SELECTORS]
#                [-C E2E-CONFIGS] [-o OUTDIR] [-k] [-h]
#
# PARTS (comma list, default all): e2e, proto, decide, memory, cli.
#   e2e     smtp-source (20 sessions) -> a throwaway Postfix on 127.0.0.1 ->
#           smtp-sink, alternating per round: no milter; the naive no-op
#           milter over unix and TCP; restrict-milter with the benchmark
#           database over unix and TCP. Messages per second (median of the
#           rounds) and ratios to "no milter".
#   proto   proto-client driving milters directly over the milter protocol:
#           the no-op milter negotiating restrict-milter's steps (-s) vs
#           restrict-milter, unix and TCP; also the naive no-op.
#   decide  decide-bench: snapshot build time, decisions/s on one core,
#           decisions while snapshots are rebuilt.
#   memory  restrict-milter's peak RSS with 100,000 and 1,000,000
#           selectors; after D messages from 100,000 senders when the
#           binary has detection (detect_* symbols), else skipped.
#   cli     restrictctl add / check latency with 100,000 restrictions;
#           digest over 1,000,000 events when `digest` exists.
# Options: -B a configured, built tree of this project (default: $top_builddir,
# else ../_build beside this script); -m messages per e2e run (3000); -n
# rounds (3); -r recipients of the multi-recipient sessions (3); -P
# messages per proto run (20000); -t seconds per decide workload (3); -D
# messages for the detection memory figure (1000000); -s selectors of the
# main database (100000); -o keep raw output and logs in OUTDIR; -k keep the
# work directory; -C the e2e configurations, a space-separated list of none,
# noop-unix, noop-tcp (naive no-op), noop-same-unix, noop-same-tcp (no-op
# negotiating restrict-milter's steps: the ceiling for a milter with its
# round trips), noop-same-reply-tcp (the same steps but every one answered:
# no SMFIP_NR_*), noop-same-nrbody-unix (the same steps, the body chunk
# unanswered too), noop-eom-only-unix (no step but end of message: the
# floor for any milter that acts on messages), restrict-unix, restrict-tcp (default "none noop-unix
# noop-same-unix restrict-unix noop-tcp noop-same-tcp restrict-tcp"). The e2e
# table's "by round" is restrict-milter's median ratio to the same-steps
# no-op run just before it in each round. Needs root, postfix (smtp-source,
# smtp-sink), swaks and python3 (the e2e harness), sqlite3. Everything listens on 127.0.0.1 only;
# every process started is stopped by its PID; each load run is bounded by
# `timeout`.
set -u

PATH=$PATH:/usr/sbin:/sbin
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/.." && pwd)
: "${top_builddir:=}"
parts=e2e,proto,decide,memory,cli
messages=3000 rounds=3 rcpts=3 proto_messages=20000 seconds=3 detect_messages=1000000
selectors=100000 outdir='' keep=0 build=$top_builddir
e2e_configs="none noop-unix noop-same-unix restrict-unix noop-tcp noop-same-tcp restrict-tcp"
while getopts B:p:m:n:r:P:t:D:s:o:kC:h o; do
	case $o in
	B) build=$OPTARG ;;
	p) parts=$OPTARG ;;
	m) messages=$OPTARG ;;
	n) rounds=$OPTARG ;;
	r) rcpts=$OPTARG ;;
	P) proto_messages=$OPTARG ;;
	t) seconds=$OPTARG ;;
	D) detect_messages=$OPTARG ;;
	s) selectors=$OPTARG ;;
	o) outdir=$OPTARG ;;
	k) keep=1 ;;
	C) e2e_configs=$OPTARG ;;
	h) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
[ -n "$build" ] || build=$top_srcdir/_build
build=$(cd "$build" 2>/dev/null && pwd) || { echo "run.sh: no build tree $build (-B)" >&2; exit 2; }
top_builddir=$build
MILTER=$build/milter/restrict-milter
CTL=$build/cli/restrictctl
for f in "$MILTER" "$CTL"; do
	[ -x "$f" ] || { echo "run.sh: $f not built (configure and make in $build)" >&2; exit 2; }
done
has() { case ",$parts," in *",$1,"*) return 0 ;; esac; return 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rm-bench.XXXXXX") || exit 1
chmod 755 "$WORK"
mkdir -p "$WORK/pids" "$WORK/out"
BIN=$WORK/bin
RESULTS=$WORK/out/results.txt
RAW=$WORK/out/raw.log
: >"$RESULTS"
: >"$RAW"

say() { echo "run.sh: $*" >&2; }
result() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

# ---- processes we start (outside the harness): recorded and stopped by PID
alive() {
	kill -0 "$1" 2>/dev/null && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
b_start() {	# b_start NAME CMD... - background process, PID recorded
	local name=$1
	shift
	"$@" </dev/null >>"$WORK/$name.log" 2>&1 &
	echo $! >"$WORK/pids/$name.pid"
}
b_stop() {	# b_stop NAME - SIGTERM, wait up to 10 s, SIGKILL
	local f=$WORK/pids/$1.pid pid i=0
	[ -s "$f" ] || return 0
	pid=$(cat "$f")
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		while alive "$pid" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rm -f "$f"
}
b_pid() { cat "$WORK/pids/$1.pid"; }
wait_sock() {	# wait_sock SPEC PID - unix:PATH or inet:PORT@HOST accepting, PID alive
	local i=0
	while [ $i -lt 200 ]; do
		alive "$2" || return 1
		case $1 in
		unix:*) [ -S "${1#unix:}" ] && return 0 ;;
		inet:*) local p=${1#inet:}; p=${p%@*}
			(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0 ;;
		esac
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
cleanup() {
	local f
	for f in "$WORK"/pids/*.pid; do
		[ -f "$f" ] && b_stop "$(basename "$f" .pid)"
	done
	[ "$(type -t ph_teardown)" = function ] && ph_teardown
	if [ -n "$outdir" ]; then
		mkdir -p "$outdir" && cp -r "$WORK/out/." "$outdir/" && say "raw output in $outdir"
	fi
	if [ "$keep" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "n/a") printf "%.2f", a / b; else print "n/a" }'; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" | head -n 1; }	# field KEY < line
ms_now() { date +%s%N | cut -c1-13; }

# ---- build the bench programs against this build tree
say "building bench programs against $build"
make -s -C "$here" B="$build" O="$BIN" >"$WORK/out/make.log" 2>&1 \
	|| { cat "$WORK/out/make.log" >&2; exit 1; }

# ---- the benchmark database and the milter configuration
conf_lines() {	# the restrict-milter settings every part uses
	cat <<EOF
StaffDomains staff.example
ExemptRecipients complaints@staff.example
FilingMailbox records@staff.example
MonitorMailbox monitor@staff.example
# loopback clients (smtp-source) must not count as internal: mail is decided
InternalHosts 192.0.2.254/32
EOF
}
conf_lines >"$WORK/base.conf"
echo "User $(id -un)" >>"$WORK/base.conf"
gen_db() {	# gen_db SELECTORS FILE [EXTRA gen-db OPTIONS]
	local n=$1 f=$2
	shift 2
	RESTRICTCTL=$CTL "$here/gen-db.sh" -n "$n" -c "$WORK/base.conf" "$@" "$f" >>"$RAW" 2>&1 \
		|| { say "gen-db $n failed: $(tail -n 3 "$RAW")"; exit 1; }
}
t0=$(ms_now)
gen_db "$selectors" "$WORK/main.db" -r "$WORK/restricted.txt"
result "database: $selectors selectors, $((selectors / 10)) users, 100 PCRE2, generated in $(( $(ms_now) - t0 )) ms (bench/gen-db.sh)"
RESTRICTED=$(head -n 1 "$WORK/restricted.txt")

machine() {
	echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
		"$(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)," \
		"$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}"), load $(cut -d' ' -f1-3 /proc/loadavg)," \
		"Postfix $(postconf -d -h mail_version 2>/dev/null)"
}
result "$(machine)"
result "date: $(date -u '+%Y-%m-%d %H:%M UTC')"

# ---------------------------------------------------------------- e2e
e2e_run() {	# e2e_run LABEL PORT - one smtp-source load; prints msg/s
	local label=$1 port=$2 n_r n_a n_b t_start t_end t_idle rc=0 before after got
	n_r=$((messages / 20))
	n_a=$(((messages - n_r) / 2))
	n_b=$((messages - n_r - n_a))
	before=$(grep -c ': message-id=' "$PF_LOG" 2>/dev/null)
	t_start=$(ms_now)
	# 20 sessions: 1 from a restricted sender (1 message in 20), 10 with one
	# recipient, 9 with $rcpts recipients; one message per session
	timeout "$e2e_limit" smtp-source -4 -A -s 1 -m "$n_r" -l 1024 -S "Re: my complaint" \
		-f "$RESTRICTED" -t staff@staff.example -M client.example "127.0.0.1:$port" &
	local p1=$!
	timeout "$e2e_limit" smtp-source -4 -A -s 10 -m "$n_a" -l 1024 -S "Re: my complaint" \
		-f sender@example.net -t staff@staff.example -M client.example "127.0.0.1:$port" &
	local p2=$!
	timeout "$e2e_limit" smtp-source -4 -A -s 9 -m "$n_b" -r "$rcpts" -l 1024 -S "Enquiry" \
		-f other@example.org -t staff@staff.example -M client.example "127.0.0.1:$port" &
	local p3=$!
	wait $p1 || rc=$?
	wait $p2 || rc=$?
	wait $p3 || rc=$?
	t_end=$(ms_now)
	ph_wait_idle pf 120 || say "$label: queue not empty after 120 s"
	t_idle=$(ms_now)
	after=$(grep -c ': message-id=' "$PF_LOG" 2>/dev/null)
	got=$((after - before))
	echo "e2e $label round=$round messages=$messages accepted=$got ms=$((t_end - t_start)) delivered_ms=$((t_idle - t_start)) rc=$rc" >>"$RAW"
	[ "$got" -eq "$messages" ] || say "$label: Postfix accepted $got of $messages messages (see $PF_LOG)"
	# accepted by Postfix per second (smtp-source done), and delivered (queue empty)
	awk -v n="$messages" -v ms="$((t_end - t_start))" -v md="$((t_idle - t_start))" \
		'BEGIN { printf "%.1f %.1f\n", n * 1000 / ms, n * 1000 / md }'
}
e2e_milter() {	# e2e_milter SPEC - point smtpd_milters at SPEC ("" = none), reload
	postconf -c "$PH_DIR/pf/etc" -e "smtpd_milters = $1" >/dev/null
	touch -d "@$(($(date +%s) - 60))" "$PH_DIR/pf/etc/main.cf"
	postfix -c "$PH_DIR/pf/etc" reload >/dev/null 2>&1
	sleep 1
}
part_e2e() {
	local ports sink_p smtp_p noop_tcp rm_tcp noop_same_tcp noop_reply_tcp label v name
	command -v smtp-source >/dev/null || PATH=$PATH:/usr/sbin
	# shellcheck source=../tests/e2e/postfix-harness.sh
	. "$top_srcdir/tests/e2e/postfix-harness.sh"
	# shellcheck disable=SC2034  # read by the harness functions
	PH_MILTER=$MILTER PH_CTL=$CTL
	( ph_skip() { echo "skip: $*"; exit 77; }; ph_die() { echo "die: $*"; exit 99; }; ph_setup probe; ph_teardown ) >"$WORK/ph-probe.out" 2>&1
	if [ $? -ne 0 ]; then say "e2e skipped: $(cat "$WORK/ph-probe.out")"; result "e2e: skipped ($(head -n1 "$WORK/ph-probe.out"))"; return; fi
	ph_setup bench
	trap 'cleanup' EXIT
	ports=$(ph_ports 6)
	set -- $ports
	smtp_p=$1 sink_p=$2 noop_tcp=$3 rm_tcp=$4 noop_same_tcp=$5 noop_reply_tcp=$6
	# the next hop: smtp-sink (Postfix's own, fast), recorded for ph_teardown
	ph_refuse_busy "$sink_p"
	smtp-sink -4 -u postfix -h sink.example "127.0.0.1:$sink_p" 1024 </dev/null >"$PH_DIR/sink.log" 2>&1 &
	ph_record sink $!
	"$PH_PY" "$PH_TOOL" wait-port "$sink_p" 10 || ph_die "smtp-sink did not come up"
	# restrict-milter over unix (the harness's) and over TCP (a second instance)
	conf_lines | grep -v '^#' >"$WORK/e2e-extra"
	mapfile -t extra <"$WORK/e2e-extra"
	ph_milter_conf rm "${extra[@]}"
	ph_milter_conf rmtcp "${extra[@]}" "Socket inet:$rm_tcp@127.0.0.1"
	for name in rm rmtcp; do
		cp "$WORK/main.db" "$PH_DIR/$name/db/restrict.db"
		rm -f "$PH_DIR/$name/db/restrict.db-wal" "$PH_DIR/$name/db/restrict.db-shm"
		chown postfix:postfix "$PH_DIR/$name/db/restrict.db"
		chmod 660 "$PH_DIR/$name/db/restrict.db"
	done
	ph_milter_start rm
	"$MILTER" -f -c "$PH_DIR/rmtcp/restrict-milter.conf" </dev/null 2>>"$PH_DIR/rmtcp/milter.log" &
	ph_record rmtcp $!
	wait_sock "inet:$rm_tcp@127.0.0.1" "$!" || ph_die "restrict-milter (TCP) did not come up: $(tail -n 3 "$PH_DIR/rmtcp/milter.log")"
	# the naive no-op milter, unix and TCP (TCP_NODELAY like restrict-milter)
	"$BIN/noop-milter" -p "unix:$PH_DIR/noop.sock" </dev/null >>"$PH_DIR/noop.log" 2>&1 &
	ph_record noop $!
	wait_sock "unix:$PH_DIR/noop.sock" "$!" || ph_die "noop-milter did not come up"
	"$BIN/noop-milter" -D -p "inet:$noop_tcp@127.0.0.1" </dev/null >>"$PH_DIR/nooptcp.log" 2>&1 &
	ph_record nooptcp $!
	wait_sock "inet:$noop_tcp@127.0.0.1" "$!" || ph_die "noop-milter (TCP) did not come up"
	"$BIN/noop-milter" -s -p "unix:$PH_DIR/noopsame.sock" </dev/null >>"$PH_DIR/noopsame.log" 2>&1 &
	ph_record noopsame $!
	wait_sock "unix:$PH_DIR/noopsame.sock" "$!" || ph_die "noop-milter -s did not come up"
	"$BIN/noop-milter" -s -D -p "inet:$noop_same_tcp@127.0.0.1" </dev/null >>"$PH_DIR/noopsametcp.log" 2>&1 &
	ph_record noopsametcp $!
	wait_sock "inet:$noop_same_tcp@127.0.0.1" "$!" || ph_die "noop-milter -s (TCP) did not come up"
	"$BIN/noop-milter" -s -b -p "unix:$PH_DIR/noopb.sock" </dev/null >>"$PH_DIR/noopb.log" 2>&1 &
	ph_record noopb $!
	wait_sock "unix:$PH_DIR/noopb.sock" "$!" || ph_die "noop-milter -s -b did not come up"
	"$BIN/noop-milter" -s -e -p "unix:$PH_DIR/noope.sock" </dev/null >>"$PH_DIR/noope.log" 2>&1 &
	ph_record noope $!
	wait_sock "unix:$PH_DIR/noope.sock" "$!" || ph_die "noop-milter -s -e did not come up"
	"$BIN/noop-milter" -s -H -D -p "inet:$noop_reply_tcp@127.0.0.1" </dev/null >>"$PH_DIR/noopreplytcp.log" 2>&1 &
	ph_record noopreplytcp $!
	wait_sock "inet:$noop_reply_tcp@127.0.0.1" "$!" || ph_die "noop-milter -s -H (TCP) did not come up"
	ph_postfix_new pf "$smtp_p" "127.0.0.1:$sink_p" ""
	ph_postfix_start pf
	PF_LOG=$PH_DIR/pf/maillog
	e2e_limit=$((messages / 2 + 120))	# at >= 2 msg/s or it is cut off
	local configs=$e2e_configs
	say "e2e: $messages messages x $rounds rounds x configurations: $configs"
	# warm-up: a few messages through each milter so first connections are not measured
	for label in $configs; do
		e2e_set "$label"
		smtp-source -4 -A -s 2 -m 10 -f sender@example.net -t staff@staff.example "127.0.0.1:$smtp_p" >/dev/null 2>&1
	done
	ph_wait_idle pf 60
	local same_unix same_tcp
	for round in $(seq 1 "$rounds"); do
		same_unix='' same_tcp=''
		for label in $configs; do
			e2e_set "$label"
			v=$(e2e_run "$label" "$smtp_p")
			echo "${v% *}" >>"$WORK/e2e-$label"
			echo "${v#* }" >>"$WORK/e2e-d-$label"
			# restrict-milter against the same-steps no-op of this round (the ceiling)
			case $label in
			noop-same-unix) same_unix=${v% *} ;;
			noop-same-tcp) same_tcp=${v% *} ;;
			restrict-unix) [ -n "$same_unix" ] && { ratio "${v% *}" "$same_unix"; echo; } >>"$WORK/e2e-pair-$label" ;;
			restrict-tcp) [ -n "$same_tcp" ] && { ratio "${v% *}" "$same_tcp"; echo; } >>"$WORK/e2e-pair-$label" ;;
			esac
			say "e2e round $round $label: ${v% *} msg/s accepted, ${v#* } msg/s delivered"
		done
	done
	local base
	base=$(median <"$WORK/e2e-none" 2>/dev/null)
	result ""
	result "END TO END (smtp-source 20 sessions, one message per session, $messages messages, 1 in 20 restricted, 1 and $rcpts recipients; median of $rounds rounds)"
	local dbase d
	dbase=$(median <"$WORK/e2e-d-none" 2>/dev/null)
	# "by round": restrict-milter / the same-steps no-op run just before it, median of the rounds
	printf '%-22s %10s %7s %12s %7s %9s   %s\n' configuration accepted/s ratio delivered/s ratio \
		"by round" "rounds (accepted/s)" | tee -a "$RESULTS"
	for label in $configs; do
		local paired=-
		v=$(median <"$WORK/e2e-$label")
		d=$(median <"$WORK/e2e-d-$label")
		[ -s "$WORK/e2e-pair-$label" ] && paired=$(median <"$WORK/e2e-pair-$label")
		printf '%-22s %10s %7s %12s %7s %9s   %s\n' "$label" "$v" "$(ratio "$v" "$base")" \
			"$d" "$(ratio "$d" "$dbase")" "$paired" "$(tr '\n' ' ' <"$WORK/e2e-$label")" | tee -a "$RESULTS"
	done
	if [ -s "$WORK/e2e-restrict-unix" ] && [ -s "$WORK/e2e-noop-unix" ]; then
		result "restrict-milter / naive no-op (unix): $(ratio "$(median <"$WORK/e2e-restrict-unix")" "$(median <"$WORK/e2e-noop-unix")")"
	fi
	grep -h 'warning\|error' "$PF_LOG" | grep -v 'hostname .* does not resolve' | tail -n 5 >>"$RAW"
	cp "$PF_LOG" "$WORK/out/e2e-maillog" 2>/dev/null
	cp "$PH_DIR/rm/milter.log" "$WORK/out/e2e-milter.log" 2>/dev/null
	for name in sink noope noopb noop nooptcp noopsame noopsametcp noopreplytcp rm rmtcp; do ph_kill "$name" 100; done
	ph_postfix_stop pf
}
e2e_set() {
	case $1 in
	none) e2e_milter "" ;;
	noop-unix) e2e_milter "unix:$PH_DIR/noop.sock" ;;
	noop-tcp) e2e_milter "inet:127.0.0.1:$noop_tcp" ;;
	noop-same-unix) e2e_milter "unix:$PH_DIR/noopsame.sock" ;;
	noop-same-tcp) e2e_milter "inet:127.0.0.1:$noop_same_tcp" ;;
	noop-same-nrbody-unix) e2e_milter "unix:$PH_DIR/noopb.sock" ;;
	noop-eom-only-unix) e2e_milter "unix:$PH_DIR/noope.sock" ;;
	noop-same-reply-tcp) e2e_milter "inet:127.0.0.1:$noop_reply_tcp" ;;
	restrict-unix) e2e_milter "unix:$PH_DIR/rm/milter.sock" ;;
	restrict-tcp) e2e_milter "inet:127.0.0.1:$rm_tcp" ;;
	esac
}

# ---------------------------------------------------------------- proto
rm_conf() {	# rm_conf NAME SOCKET DB - a restrict-milter config in $WORK/NAME.conf
	{ cat "$WORK/base.conf"; echo "Socket $2"; echo "Database $3"; echo "PidFile $WORK/$1.pid.file"
	  echo "SocketGroup $(id -gn)"; } >"$WORK/$1.conf"
}
part_proto() {
	local p_noop p_rm label v line
	p_noop=$(free_port) p_rm=$(free_port)
	while [ "$p_rm" = "$p_noop" ]; do p_rm=$(free_port); done
	cp "$WORK/main.db" "$WORK/proto-unix.db"
	cp "$WORK/main.db" "$WORK/proto-tcp.db"
	rm_conf proto-unix "unix:$WORK/rm.sock" "$WORK/proto-unix.db"
	rm_conf proto-tcp "inet:$p_rm@127.0.0.1" "$WORK/proto-tcp.db"
	b_start noop-same "$BIN/noop-milter" -s -p "unix:$WORK/noop-same.sock"
	b_start noop-naive "$BIN/noop-milter" -p "unix:$WORK/noop-naive.sock"
	b_start noop-same-tcp "$BIN/noop-milter" -s -D -p "inet:$p_noop@127.0.0.1"
	b_start rm-unix "$MILTER" -f -c "$WORK/proto-unix.conf"
	b_start rm-tcp "$MILTER" -f -c "$WORK/proto-tcp.conf"
	wait_sock "unix:$WORK/noop-same.sock" "$(b_pid noop-same)" \
		&& wait_sock "unix:$WORK/noop-naive.sock" "$(b_pid noop-naive)" \
		&& wait_sock "inet:$p_noop@127.0.0.1" "$(b_pid noop-same-tcp)" \
		&& wait_sock "unix:$WORK/rm.sock" "$(b_pid rm-unix)" \
		&& wait_sock "inet:$p_rm@127.0.0.1" "$(b_pid rm-tcp)" \
		|| { say "proto: a milter did not come up: $(tail -n 3 "$WORK"/rm-*.log)"; return 1; }
	local common=(-m "$proto_messages" -c 20 -k 1 -r 2 -S 10000 -e 20 -R "$WORK/restricted.txt")
	declare -A sock=( [noop-naive-unix]="unix:$WORK/noop-naive.sock" [noop-same-unix]="unix:$WORK/noop-same.sock"
		[restrict-unix]="unix:$WORK/rm.sock" [noop-same-tcp]="inet:$p_noop@127.0.0.1"
		[restrict-tcp]="inet:$p_rm@127.0.0.1" )
	declare -A pidname=( [noop-naive-unix]=noop-naive [noop-same-unix]=noop-same [restrict-unix]=rm-unix
		[noop-same-tcp]=noop-same-tcp [restrict-tcp]=rm-tcp )
	local order="noop-naive-unix noop-same-unix restrict-unix noop-same-tcp restrict-tcp"
	local pair_unix=0 pair_tcp=0
	for label in $order; do	# warm-up
		timeout 60 "$BIN/proto-client" -p "${sock[$label]}" -m 200 -c 4 -e 20 -R "$WORK/restricted.txt" >/dev/null 2>&1
	done
	say "proto: $proto_messages messages x $rounds rounds x 5 configurations"
	for round in $(seq 1 "$rounds"); do
		for label in $order; do
			local c0 c1 u0 u1
			c0=$(cpu_ticks "${pidname[$label]}")
			u0=$(user_ticks "${pidname[$label]}")
			line=$(timeout $((proto_messages / 20 + 120)) "$BIN/proto-client" -p "${sock[$label]}" "${common[@]}" -D 2>>"$RAW")
			c1=$(cpu_ticks "${pidname[$label]}")
			u1=$(user_ticks "${pidname[$label]}")
			per_message_us $((c1 - c0)) >>"$WORK/proto-cpu-$label"
			per_message_us $((u1 - u0)) >>"$WORK/proto-usr-$label"
			echo "proto $label round=$round $line milter_cpu_ticks=$((c1 - c0)) milter_user_ticks=$((u1 - u0))" >>"$RAW"
			v=$(echo " $line" | field msgs_per_s)
			[ "$(echo " $line" | field errors)" = 0 ] || say "proto $label: errors: $line"
			echo "${v:-0}" >>"$WORK/proto-$label"
			# restrict-milter right after the same-steps no-op: the pair saw the same machine
			case $label in
			noop-same-unix) pair_unix=${v:-0} ;;
			noop-same-tcp) pair_tcp=${v:-0} ;;
			restrict-unix) ratio "${v:-0}" "$pair_unix" >>"$WORK/proto-pair-$label"; echo >>"$WORK/proto-pair-$label" ;;
			restrict-tcp) ratio "${v:-0}" "$pair_tcp" >>"$WORK/proto-pair-$label"; echo >>"$WORK/proto-pair-$label" ;;
			esac
			echo " $line" | field steps >"$WORK/proto-steps-$label"
			say "proto round $round $label: $v msg/s"
		done
	done
	result ""
	result "PROTOCOL LEVEL (proto-client, no MTA: 20 connections, a new one per message, 2 recipients, 10,000 senders, 1 in 20 restricted; median of $rounds rounds of $proto_messages)"
	# the milter's CPU (user + system, all its threads) and its user part alone, per message:
	# the system part is libmilter's and the kernel's, about the same for every milter here
	# "by round": the median of each round's ratio to the no-op run just before it, which a
	# machine whose speed drifts between rounds distorts less than the ratio of the medians
	printf '%-16s %10s %10s %12s %9s %16s %12s\n' milter msg/s "steps" "vs noop-same" "by round" \
		"milter CPU us/msg" "of it user" | tee -a "$RESULTS"
	for label in $order; do
		v=$(median <"$WORK/proto-$label")
		local base=noop-same-unix
		case $label in *tcp) base=noop-same-tcp ;; esac
		local paired=-
		[ -s "$WORK/proto-pair-$label" ] && paired=$(median <"$WORK/proto-pair-$label")
		printf '%-16s %10s %10s %12s %9s %16s %12s\n' "$label" "$v" "$(cat "$WORK/proto-steps-$label")" \
			"$(ratio "$v" "$(median <"$WORK/proto-$base")")" "$paired" \
			"$(median <"$WORK/proto-cpu-$label")" "$(median <"$WORK/proto-usr-$label")" | tee -a "$RESULTS"
	done
	for label in noop-same noop-naive noop-same-tcp rm-unix rm-tcp; do b_stop "$label"; done
	cp "$WORK/rm-unix.log" "$WORK/out/proto-milter.log" 2>/dev/null
}

# ---------------------------------------------------------------- decide
part_decide() {
	local out
	say "decide: snapshot builds and decisions ($seconds s per workload)"
	out=$("$BIN/decide-bench" -c "$WORK/base.conf" -d "$WORK/main.db" -R "$WORK/restricted.txt" \
		-t "$seconds" -n 7 -w 2>>"$RAW")
	echo "$out" >>"$RAW"
	result ""
	result "DECISION ENGINE (decide-bench, one core, $selectors selectors, 100 PCRE2)"
	echo "$out" | sed 's/^/  /' | tee -a "$RESULTS"
}

# ---------------------------------------------------------------- memory
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$(b_pid "$1")/stat"; }	# user + system, all threads
user_ticks() { awk '{ print $14 }' "/proc/$(b_pid "$1")/stat"; }	# user, all threads
# per_message_us TICKS - clock ticks spent on $proto_messages messages, in µs a message
per_message_us() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$proto_messages" 'BEGIN { printf "%.0f\n", t / hz * 1e6 / n }'; }
rss_of() { awk '/^VmHWM/ { hwm = $2 } /^VmRSS/ { rss = $2 } END { printf "peak_rss_mib=%.1f rss_mib=%.1f", hwm / 1024, rss / 1024 }' "/proc/$1/status"; }
mem_one() {	# mem_one LABEL DB MESSAGES SENDERS
	local label=$1 db=$2 n=$3 senders=$4 pid line
	rm_conf "mem-$label" "unix:$WORK/mem-$label.sock" "$db"
	b_start "mem-$label" "$MILTER" -f -c "$WORK/mem-$label.conf"
	pid=$(b_pid "mem-$label")
	wait_sock "unix:$WORK/mem-$label.sock" "$pid" || { say "memory $label: milter did not come up"; return 1; }
	line=$(timeout $((n / 20 + 600)) "$BIN/proto-client" -p "unix:$WORK/mem-$label.sock" -m "$n" -c 8 -k 0 \
		-S "$senders" -T 2000 -e 20 -R "$WORK/restricted.txt" 2>>"$RAW")
	echo "memory $label $line" >>"$RAW"
	printf '  %-34s %s msgs_per_s=%s\n' "$label" "$(rss_of "$pid")" \
		"$(echo " $line" | field msgs_per_s)" | tee -a "$RESULTS"
	b_stop "mem-$label"
}
part_memory() {
	result ""
	result "MEMORY (restrict-milter peak RSS, VmHWM; messages via proto-client)"
	say "memory: $selectors selectors"
	mem_one "${selectors}-selectors-20k-msgs" "$WORK/main.db" 20000 10000
	say "memory: generating 1,000,000 selectors"
	gen_db 1000000 "$WORK/1m.db"
	mem_one "1000000-selectors-20k-msgs" "$WORK/1m.db" 20000 10000
	if nm "$MILTER" 2>/dev/null | grep -q ' [Tt] detect_'; then
		cp "$WORK/main.db" "$WORK/detect.db"
		say "memory: $detect_messages messages from 100,000 senders (detection)"
		mem_one "${selectors}-selectors-${detect_messages}-msgs-100k-senders" "$WORK/detect.db" "$detect_messages" 100000
	else
		result "  detection state: skipped (this restrict-milter has no detection yet)"
	fi
}

# ---------------------------------------------------------------- cli
time_cmd() {	# time_cmd N CMD... - median wall ms of N runs (output discarded)
	local n=$1 i t
	shift
	for i in $(seq 1 "$n"); do
		t=$(ms_now)
		"$@" >/dev/null 2>>"$WORK/cli.err" || echo "failed: $*" >>"$WORK/cli.err"
		echo $(( $(ms_now) - t ))
	done | median
}
part_cli() {
	local db=$WORK/cli.db c=$WORK/base.conf i=0
	cp "$WORK/main.db" "$db"
	result ""
	result "CLI (restrictctl, median of 11 runs, $((selectors / 10)) restrictions / $selectors selectors present)"
	add_one() { i=$((i + 1)); "$CTL" -c "$c" -d "$db" add "new$i-$RANDOM@cli-bench.example" --action block \
		--reason "benchmark" --authorised-by "Bench Authoriser"; }
	result "  add:   $(time_cmd 11 add_one) ms"
	result "  check (restricted sender):   $(time_cmd 11 "$CTL" -c "$c" -d "$db" check --from "$RESTRICTED" \
		--to alice@staff.example --to bob@staff.example --json) ms"
	result "  check (unrestricted sender): $(time_cmd 11 "$CTL" -c "$c" -d "$db" check --from someone@example.net \
		--header-from 'A. Person <someone@example.net>' --to alice@staff.example --json) ms"
	if "$CTL" --help 2>&1 | grep -qw digest; then
		say "cli: generating 1,000,000 events"
		gen_db "$selectors" "$WORK/events.db" -e 1000000
		result "  digest over 1,000,000 events: $(time_cmd 3 "$CTL" -c "$c" -d "$WORK/events.db" digest \
			--since "$(date -d '8 days ago' +%Y-%m-%d)" --format text) ms"
	else
		result "  digest: skipped (restrictctl has no digest command yet)"
	fi
	[ -s "$WORK/cli.err" ] && { say "cli errors:"; tail -n 5 "$WORK/cli.err" >&2; }
}

has decide && part_decide
has cli && part_cli
has memory && part_memory
has proto && part_proto
has e2e && part_e2e

echo
echo "==== results ($(date -u '+%Y-%m-%d %H:%M UTC'))"
cat "$RESULTS"
