# postfix-harness.sh - throwaway Postfix instances on 127.0.0.1 with
# restrict-milter in front and an SMTP sink behind (POSIX sh, sourced).
#
# Used by tests/e2e/*.sh and scripts/demo.sh. Needs root (the Postfix
# master), postfix, swaks and /usr/bin/python3; the caller sets top_srcdir
# and top_builddir. Everything lives under $PH_DIR (made by ph_setup, which
# also installs an EXIT trap calling ph_teardown); every process started
# here is recorded by PID and stopped by PID; nothing listens beyond
# 127.0.0.1. Ports are picked free and refused when busy, since a leftover
# instance on the same port would silently take the mail.
#
#   ph_setup NAME                        temp dir, checks, traps
#   ph_ports N                           N free loopback ports
#   ph_sink_start NAME PORT              SMTP sink; deliveries in $PH_DIR/NAME
#   ph_milter_conf NAME [LINE...]        milter config + database (restrictctl init)
#   ph_milter_start NAME / ph_milter_stop NAME
#   ph_milter_report NAME                sanitizer reports in its log (after stopping)
#   ph_postfix_new NAME PORT NEXTHOP MILTER [MAIN.CF-LINE...]
#   ph_postfix_start NAME / ph_postfix_stop NAME
#   ph_ctl NAME ARGS...                  restrictctl on milter NAME's config
#   ph_swaks PORT OUT ARGS...            swaks from 127.0.0.1; transcript in OUT
#   ph_reply OUT WHAT                    the reply to "RCPT TO:<addr>" or "." in OUT
#   ph_wait_idle NAME SECS               until the queue holds nothing but hold/
#   ph_wait_msg SINK MSGID SECS          until a delivery of MSGID arrives
#   ph_delivered_to / ph_header / ph_prefixed / ph_count SINK MSGID ...
#                                        what the sink received for MSGID
#   ph_held_msgids NAME                  Message-IDs in the hold queue
#   ph_teardown                          stop everything, remove $PH_DIR

PH_TOOL="$top_srcdir/tests/e2e/e2e-tool.py"
PH_PY=/usr/bin/python3
PH_MILTER="${PH_MILTER:-$top_builddir/milter/restrict-milter}"
PH_CTL="${PH_CTL:-$top_builddir/cli/restrictctl}"
PH_DIR=

# ph_log MSG - a diagnostic on stderr (TAP comment style)
ph_log() {
	echo "# $*" >&2
}

# ph_die MSG - give up: a diagnostic, then exit 99 (hard error for automake)
ph_die() {
	echo "# postfix-harness: $*" >&2
	exit 99
}

# ph_skip WHY - nothing to test here (exit 77 for automake)
ph_skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

# ph_setup NAME - check what we need, make $PH_DIR, install the traps
ph_setup() {
	[ "$(id -u)" = 0 ] || ph_skip "needs root (the Postfix master runs as root)"
	for t in postfix postsuper postqueue postcat swaks; do
		command -v "$t" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
		command -v "$t" >/dev/null 2>&1 || ph_skip "$t not installed (Debian package postfix or swaks)"
	done
	[ -x "$PH_PY" ] || ph_skip "$PH_PY not installed"
	getent passwd postfix >/dev/null || ph_skip "no postfix user (install the postfix package)"
	[ -x "$PH_MILTER" ] || ph_die "$PH_MILTER not built"
	[ -x "$PH_CTL" ] || ph_die "$PH_CTL not built"
	PH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rm-e2e-$1.XXXXXX") || ph_die "mktemp failed"
	# every component must be traversable by the postfix user
	chmod 755 "$PH_DIR"
	mkdir "$PH_DIR/pids"
	trap 'ph_teardown' EXIT
	trap 'exit 1' HUP INT TERM
}

# ph_alive PID - running and not a zombie
ph_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# ph_wait_gone PID TENTHS - wait for PID to end; SIGKILL after TENTHS/10 s
ph_wait_gone() {
	w_i=0
	while ph_alive "$1"; do
		if [ "$w_i" -ge "$2" ]; then
			ph_log "pid $1 still running after $(($2 / 10)) s: SIGKILL"
			kill -KILL "$1" 2>/dev/null
			break
		fi
		sleep 0.1
		w_i=$((w_i + 1))
	done
	wait "$1" 2>/dev/null
	return 0
}

# ph_ports N - N distinct free ports on 127.0.0.1, one a line
ph_ports() {
	"$PH_PY" "$PH_TOOL" ports "$1" || ph_die "cannot pick free ports"
}

# ph_refuse_busy PORT - die when something already listens there
ph_refuse_busy() {
	if "$PH_PY" "$PH_TOOL" busy "$1"; then
		ph_die "127.0.0.1:$1 is already in use (a leftover instance?): refusing it"
	fi
}

# ph_record NAME PID - remember a process we started
ph_record() {
	echo "$2" >"$PH_DIR/pids/$1.pid"
}

# ph_kill NAME TENTHS - SIGTERM the recorded process, wait, forget it
ph_kill() {
	k_f="$PH_DIR/pids/$1.pid"
	[ -s "$k_f" ] || return 0
	k_pid=$(cat "$k_f")
	if ph_alive "$k_pid"; then
		kill -TERM "$k_pid" 2>/dev/null
		ph_wait_gone "$k_pid" "$2"
	fi
	rm -f "$k_f"
}

# ph_sink_start NAME PORT - the SMTP sink; deliveries land in $PH_DIR/NAME
ph_sink_start() {
	ph_refuse_busy "$2"
	mkdir -p "$PH_DIR/$1"
	"$PH_PY" "$PH_TOOL" sink "$2" "$PH_DIR/$1" </dev/null >"$PH_DIR/$1.log" 2>&1 &
	ph_record "$1" $!
	"$PH_PY" "$PH_TOOL" wait-port "$2" 10 || ph_die "sink $1 did not come up: $(cat "$PH_DIR/$1.log")"
}

# ph_milter_conf NAME [LINE...] - $PH_DIR/NAME/restrict-milter.conf and its database
ph_milter_conf() {
	m_dir="$PH_DIR/$1"
	shift
	mkdir -p "$m_dir"
	chmod 755 "$m_dir"
	{
		echo "# generated by postfix-harness.sh"
		echo "Socket unix:$m_dir/milter.sock"
		echo "SocketMode 0660"
		echo "SocketGroup postfix"
		echo "User postfix"
		echo "Database $m_dir/db/restrict.db"
		echo "PidFile $m_dir/restrict-milter.pid"
		for line in "$@"; do
			echo "$line"
		done
	} >"$m_dir/restrict-milter.conf"
	"$PH_CTL" -c "$m_dir/restrict-milter.conf" init >"$m_dir/init.out" 2>&1 \
		|| ph_die "restrictctl init: $(cat "$m_dir/init.out")"
}

# ph_ctl NAME ARGS... - restrictctl with milter NAME's config
ph_ctl() {
	c_name=$1
	shift
	"$PH_CTL" -c "$PH_DIR/$c_name/restrict-milter.conf" "$@"
}

# ph_milter_start NAME - start the daemon in the foreground (our child), wait for its socket
ph_milter_start() {
	m_dir="$PH_DIR/$1"
	rm -f "$m_dir/milter.sock"
	"$PH_MILTER" -f -c "$m_dir/restrict-milter.conf" </dev/null 2>>"$m_dir/milter.log" &
	ph_record "$1" $!
	m_i=0
	while [ ! -S "$m_dir/milter.sock" ]; do
		m_i=$((m_i + 1))
		if [ "$m_i" -gt 100 ] || ! ph_alive "$(cat "$PH_DIR/pids/$1.pid")"; then
			ph_die "milter $1 did not come up: $(tail -n 5 "$m_dir/milter.log")"
		fi
		sleep 0.05
	done
}

# ph_milter_stop NAME - SIGTERM and wait (SIGKILL after 10 s)
ph_milter_stop() {
	ph_kill "$1" 100
}

# ph_milter_report NAME - sanitizer reports and fatal errors in the milter's
# log (stop it first: leak reports come at exit); empty when clean
ph_milter_report() {
	grep -hE -A12 'Sanitizer|runtime error:|fatal:' \
		"$PH_DIR/$1/milter.log" 2>/dev/null | head -n 60
}

# main.cf lines for a Postfix that retries a deferred delivery within
# seconds: a delivery deferred under load would otherwise wait the default
# 300 s, past a test's wait, and look lost (one LINE of ph_postfix_new).
# Not 1 s: qmgr may rescan a deferred file while the smtp process that
# reported it still holds its lock; it then logs "skipped, still being
# delivered" and leaves the file in the active queue until qmgr restarts
# (seen twice in ~25 runs of e2e-restart.sh with 1 s). 3 s leaves that
# process time to close the file.
PH_QUICK_RETRY='minimal_backoff_time = 3s
maximal_backoff_time = 6s
queue_run_delay = 1s'

# ph_postfix_new NAME PORT NEXTHOP MILTER [LINE...] - a config under $PH_DIR/NAME:
# smtpd on 127.0.0.1:PORT, everything relayed to NEXTHOP (host:port),
# smtpd_milters = MILTER (may be empty), extra main.cf lines appended
ph_postfix_new() {
	p_name=$1 p_dir="$PH_DIR/$1" p_port=$2 p_next=$3 p_milter=$4
	shift 4
	mkdir -p "$p_dir/etc" "$p_dir/queue" "$p_dir/data"
	chmod 755 "$p_dir" "$p_dir/queue"
	chown postfix:postfix "$p_dir/data"	# data_directory: mail_owner's
	cat >"$p_dir/etc/main.cf" <<EOF
# generated by postfix-harness.sh
compatibility_level = 3.6
queue_directory = $p_dir/queue
data_directory = $p_dir/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-e2e
# no syslogd here: log to a file through postlogd
maillog_file = $p_dir/maillog
maillog_file_prefixes = $PH_DIR
myhostname = $p_name.e2e.example
mydomain = e2e.example
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_banner = \$myhostname ESMTP
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
biff = no
append_dot_mydomain = no
relayhost =
default_transport = smtp:[127.0.0.1]:${p_next##*:}
relay_transport = smtp:[127.0.0.1]:${p_next##*:}
smtpd_milters = $p_milter
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
EOF
	for line in "$@"; do
		echo "$line" >>"$p_dir/etc/main.cf"
	done
	# chroot "n" everywhere: unix: milter paths are real paths, no /etc copies
	cat >"$p_dir/etc/master.cf" <<EOF
127.0.0.1:$p_port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	# Postfix re-reads a config file changed within the last seconds until
	# it settles (0.3 s naps, ~2.4 s here): date them a minute back
	touch -d "@$(($(date +%s) - 60))" "$p_dir/etc/main.cf" "$p_dir/etc/master.cf"
	echo "$p_port" >"$p_dir/port"
}

# ph_postfix_start NAME - check (once: it makes the queue directories,
# ~5 s), then start (~0.4 s with quick-start) and wait for smtpd
ph_postfix_start() {
	p_dir="$PH_DIR/$1"
	p_port=$(cat "$p_dir/port")
	ph_refuse_busy "$p_port"
	if [ ! -e "$p_dir/queue/quick-start" ]; then
		postfix -c "$p_dir/etc" check >"$p_dir/check.out" 2>&1 \
			|| ph_die "postfix check $1: $(cat "$p_dir/check.out") $(tail -n 5 "$p_dir/maillog" 2>/dev/null)"
		touch "$p_dir/queue/quick-start"
	fi
	echo "$p_dir/etc" >>"$PH_DIR/postfix.list"
	postfix -c "$p_dir/etc" start >"$p_dir/start.out" 2>&1 \
		|| ph_die "postfix start $1 failed: $(tail -n 10 "$p_dir/maillog" 2>/dev/null)"
	"$PH_PY" "$PH_TOOL" wait-port "$p_port" 10 \
		|| ph_die "postfix $1 not listening on 127.0.0.1:$p_port: $(tail -n 10 "$p_dir/maillog")"
	if grep -E ' (fatal|panic):' "$p_dir/maillog" >&2; then
		ph_die "postfix $1 logged fatal errors"
	fi
}

# ph_master_pid CONFDIR - the running master's PID of that config, or nothing
ph_master_pid() {
	m_q=$(postconf -c "$1" -h queue_directory 2>/dev/null) || return 0
	[ -s "$m_q/pid/master.pid" ] || return 0
	m_pid=$(tr -d ' ' <"$m_q/pid/master.pid")
	if ph_alive "$m_pid"; then echo "$m_pid"; fi
}

# ph_postfix_stop_dir CONFDIR - stop that master and wait for it
ph_postfix_stop_dir() {
	s_pid=$(ph_master_pid "$1")
	[ -n "$s_pid" ] || return 0
	postfix -c "$1" stop >/dev/null 2>&1
	ph_wait_gone "$s_pid" 100
}

# ph_postfix_stop NAME
ph_postfix_stop() {
	ph_postfix_stop_dir "$PH_DIR/$1/etc"
}

# ph_queue_count NAME - messages in incoming, active, deferred and maildrop
ph_queue_count() {
	q_d="$PH_DIR/$1/queue"
	find "$q_d/incoming" "$q_d/active" "$q_d/deferred" "$q_d/maildrop" -type f 2>/dev/null | wc -l
}

# ph_wait_idle NAME SECS - until only held mail (if any) is left in the queue
ph_wait_idle() {
	w_end=$(($(date +%s) + $2))
	while [ "$(ph_queue_count "$1")" -gt 0 ]; do
		[ "$(date +%s)" -lt "$w_end" ] || return 1
		sleep 0.1
	done
	return 0
}

# ph_wait_msg SINK MSGID SECS - until a delivery of MSGID is in the sink
ph_wait_msg() {
	w_end=$(($(date +%s) + $3))
	while [ "$("$PH_PY" "$PH_TOOL" count "$PH_DIR/$1" "$2")" = 0 ]; do
		[ "$(date +%s)" -lt "$w_end" ] || return 1
		sleep 0.1
	done
	return 0
}

# ph_delivered_to SINK MSGID - "addr PARAMS" per delivered recipient, sorted
ph_delivered_to() {
	"$PH_PY" "$PH_TOOL" rcpts "$PH_DIR/$1" "$2"
}

# ph_header SINK MSGID NAME - the values of header NAME as delivered
ph_header() {
	"$PH_PY" "$PH_TOOL" header "$PH_DIR/$1" "$2" "$3"
}

# ph_prefixed SINK MSGID PREFIX - "Name: value" of delivered headers starting with PREFIX
ph_prefixed() {
	"$PH_PY" "$PH_TOOL" prefixed "$PH_DIR/$1" "$2" "$3"
}

# ph_count SINK MSGID - how many deliveries carry MSGID
ph_count() {
	"$PH_PY" "$PH_TOOL" count "$PH_DIR/$1" "$2"
}

# ph_held_msgids NAME - the Message-ID of every message in the hold queue
ph_held_msgids() {
	find "$PH_DIR/$1/queue/hold" -type f 2>/dev/null | while read -r h_f; do
		postcat -c "$PH_DIR/$1/etc" -h -q "$(basename "$h_f")" 2>/dev/null \
			| sed -n 's/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]: *//p'
	done
}

# ph_swaks PORT OUT ARGS... - one SMTP session from 127.0.0.1; transcript
# in OUT, swaks' exit status returned (24: no recipient accepted, 26: refused after DATA)
ph_swaks() {
	s_port=$1 s_out=$2
	shift 2
	swaks --server 127.0.0.1 --port "$s_port" --helo client.e2e.example \
		--timeout 30 "$@" >"$s_out" 2>&1
}

# ph_reply OUT WHAT - the (last line of the) reply to "RCPT TO:<WHAT>", or with
# WHAT "." to the end of DATA, from a swaks transcript: "550 5.7.1 ..."
ph_reply() {
	awk -v want="$2" '
		/^ *-> / {
			line = $0
			sub(/^ *-> /, "", line)
			armed = (want == "." && line == ".") || (line == "RCPT TO:<" want ">")
			next
		}
		armed && /^ *<(-|\*\*) / {
			line = $0
			sub(/^ *<(-|\*\*) +/, "", line)
			reply = line
			if (line !~ /^[0-9][0-9][0-9]-/) armed = 0
		}
		END { print reply }' "$1"
}

# ph_teardown - stop every Postfix, milter and sink we started; remove $PH_DIR
ph_teardown() {
	[ -n "$PH_DIR" ] && [ -d "$PH_DIR" ] || return 0
	if [ -f "$PH_DIR/postfix.list" ]; then
		sort -u "$PH_DIR/postfix.list" | while read -r t_conf; do
			ph_postfix_stop_dir "$t_conf"
		done
	fi
	for t_f in "$PH_DIR"/pids/*.pid; do
		[ -f "$t_f" ] || continue
		ph_kill "$(basename "$t_f" .pid)" 100
	done
	if [ "${PH_KEEP:-0}" = 1 ]; then
		ph_log "kept $PH_DIR"
	else
		rm -rf "$PH_DIR"
	fi
	PH_DIR=
}
