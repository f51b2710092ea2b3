# fault-lib.sh - what the fault and load tests share (POSIX sh, sourced
# after tests/e2e/tap.sh and tests/e2e/postfix-harness.sh).
#
# One filtering Postfix ("mx", smtpd_milters = restrict-milter "rm",
# loopback not internal) delivering to a sink, the milter's restrictions
# recorded with restrictctl, probes sent with fault-tool.py, and the
# figures every test reports: sent, delivered, rejected, tempfailed,
# held, lost (must be 0) and duplicates (must be 0).
#
#   fault_start NAME [CONF-LINE...]    fault_setup, then fault_conf
#   fault_setup NAME                   ph_setup, ports, the sink
#   fault_conf [CONF-LINE...]          the milter's config and database
#   fault_mx                           start the milter and the mx Postfix
#   fault_add ARGS...                  restrictctl add ...; prints the id
#   fault_probe OUT PREFIX N INTERVAL FROM...
#   fault_check LABEL PROBES... -- FROM=EXPECT...   figures and assertions
#   fault_events                       event rows in the database (sqlite3)
#   fault_now                          epoch seconds with milliseconds

FT_TOOL="$top_srcdir/tests/fault/fault-tool.py"

fault_now() {
	date +%s.%3N
}

# fault_setup NAME - a temp dir, two ports, the sink
fault_setup() {
	ph_setup "$1"
	command -v sqlite3 >/dev/null 2>&1 || ph_skip "sqlite3 not installed (Debian package sqlite3)"
	set -- $(ph_ports 2)
	FT_SMTP=$1 FT_SINKPORT=$2
	ph_sink_start sink "$FT_SINKPORT"
}

# fault_start NAME [CONF-LINE...] - a temp dir, a sink, a milter config
fault_start() {
	fault_setup "$1"
	shift
	fault_conf "$@"
}

# fault_conf [CONF-LINE...] - the milter's config (loopback not internal) and database
fault_conf() {
	ph_milter_conf rm "StaffDomains staff.example" "FilingMailbox records@staff.example" \
		"InternalHosts 192.0.2.0/24" "$@"
	FT_DB="$PH_DIR/rm/db/restrict.db"
}

# fault_mx [MAIN.CF-LINE...] - start the milter and the filtering Postfix;
# refusals do not count towards smtpd's error limits (the probes reuse
# one session for many messages, many of them refused)
fault_mx() {
	ph_milter_start rm
	ph_postfix_new mx "$FT_SMTP" "127.0.0.1:$FT_SINKPORT" "unix:$PH_DIR/rm/milter.sock" \
		"smtpd_soft_error_limit = 100000" "smtpd_hard_error_limit = 100000" \
		"smtpd_junk_command_limit = 100000" "$@"
	ph_postfix_start mx
}

# fault_add ARGS... - an authorised restriction; its id on stdout
fault_add() {
	ph_ctl rm add "$@" --reason "fault test" --authorised-by "Dana Head" >"$PH_DIR/add.out" 2>&1 \
		|| ph_die "restrictctl add $*: $(cat "$PH_DIR/add.out")"
	head -n 1 "$PH_DIR/add.out"
}

# fault_probe OUT PREFIX N INTERVAL FROM... - send probes through mx
fault_probe() {
	"$PH_PY" "$FT_TOOL" probe "$FT_SMTP" "$@"
}

# fault_events - how many event rows the database holds now
fault_events() {
	sqlite3 -cmd '.timeout 5000' "$FT_DB" 'SELECT count(*) FROM events' 2>&1
}

# fault_held - messages in mx's hold queue
fault_held() {
	find "$PH_DIR/mx/queue/hold" -type f 2>/dev/null | wc -l
}

# fault_check LABEL PROBES... -- FROM=EXPECT... - wait for mx to deliver,
# then print the figures as a TAP comment and set ft_<figure> variables
fault_check() {
	c_label=$1
	shift
	ph_wait_idle mx 60 || ph_log "$c_label: mx queue not empty after 60 s"
	"$PH_PY" "$FT_TOOL" check "$PH_DIR/sink" "$@" >"$PH_DIR/check.out" 2>"$PH_DIR/check.err"
	fault_figures "$c_label" "$(cat "$PH_DIR/check.out")"
	[ -s "$PH_DIR/check.err" ] && tap_diag "$PH_DIR/check.err"
	return 0
}

# fault_figures LABEL "k=v ..." - report the figures and set ft_k=v
fault_figures() {
	echo "# $1: $2 held=$(fault_held)"
	for kv in $2; do
		eval "ft_${kv%%=*}=\${kv#*=}"
	done
}

# fault_expect_none_lost LABEL - lost and duplicates are 0, nothing unexpected
fault_expect_none_lost() {
	expect_eq "${ft_lost:-?}" 0 "$1: no message lost (every accepted one delivered)"
	expect_eq "${ft_duplicates:-?}" 0 "$1: no message delivered twice"
	expect_eq "${ft_errors:-?}" 0 "$1: no SMTP session broke off"
}

# fault_log_count PATTERN - lines of the milter's log matching (grep -E)
fault_log_count() {
	grep -cE -- "$1" "$PH_DIR/rm/milter.log" 2>/dev/null || true
}
