# digest-fixture.sh - the fixed database the digest tests share (sourced
# after lib.sh). The clock is 2026-11-27T09:00 Europe/London, so the
# default period is 2026-11-20T09:00 to 2026-11-27T09:00. Restrictions and
# their history are made with restrictctl at chosen times (at WHEN ARGS),
# flags and events with sqlite3 as the milter would write them.

TZ=Europe/London
export TZ
NOW0=$RESTRICT_MILTER_NOW
CRIT=handled,decision-right,communication-adequate,misunderstandings-addressed,access-considered,advice-signposted

# at WHEN ARGS... - restrictctl ARGS with the clock at WHEN; stops on failure
at() {
	RESTRICT_MILTER_NOW=$1
	shift
	run "$@"
	RESTRICT_MILTER_NOW=$NOW0
	if [ "$status" != 0 ]; then
		echo "# fixture: restrictctl $* failed (exit $status):"
		diag "$T/err"
		echo "Bail out! the digest fixture could not be built"
		exit 1
	fi
}

# epoch LOCAL - Unix time of a local date and time
epoch() {
	date -d "$1" +%s
}

# event WHEN QUEUE RIDS EFFECTS VERDICT [NOVELTY BREACH WOULD INTERNAL] - one events row
event() {
	ev_n=$((ev_n + 1))
	echo "INSERT INTO events (at, queue_id, message_id, person, user_ids, restriction_ids,
	actions, outcomes, verdict, breach, unverified, would, recipients, internal, effects,
	novelty) VALUES ($(epoch "$1"), '$2', '<m$ev_n@example.org>', 'p$ev_n@example.org', '[]',
	'$3', '[]', '[]', '$5', ${7:-0}, 0, ${8:-NULL}, 1, ${9:-0}, ${4:-NULL}, ${6:-NULL});" >>"$T/events.sql"
}

digest_fixture() {
	write_config "DigestRecipients heads@staff.example" \
		"DigestFrom Correspondence restrictions <restrict-milter@staff.example>"
	run init
	# before the period
	at 2026-10-01T10:00 add bob@example.org --action file --name "Bob Example" --case C-2031 \
		--reason "secret reason bob" --authorised-by "Dana Head" --notified 2026-10-02 \
		--starts 2026-10-01 --review 2026-11-01
	at 2026-10-01T10:05 add carol@example.org --action single-contact \
		--contact casework@staff.example --name "Carol Sender" --case C-2044 \
		--reason "secret reason carol" --authorised-by "Dana Head" --ends 2026-12-15 \
		--review 2026-12-10
	at 2026-10-01T10:10 add dave@example.net --action limit --limit 3/1d --over hold \
		--name "Dave Writer" --reason "secret reason dave" --authorised-by "Dana Head" \
		--notified 2026-10-05
	at 2026-10-01T10:15 add erin@example.com --action block --trial --name "Erin Trial" \
		--case C-2050 --reason "secret reason erin" --authorised-by "Lee Head" \
		--notified 2026-10-06
	at 2026-10-01T10:20 add frank@example.org --action watch --name "Frank Old" \
		--reason "secret reason frank" --authorised-by "Lee Head" --notified 2026-10-06 \
		--ends 2026-11-22
	# in the period
	at 2026-11-23T10:00 add gina@example.org --action monitor --name "Gina New" --case C-2101 \
		--reason "secret reason gina" --authorised-by "Dana Head" --notified 2026-11-23
	at 2026-11-24T11:00 vary 1 --mode redirect --by "Dana Head" --reason "secret reason vary"
	SUDO_USER=sam
	export SUDO_USER
	at 2026-11-24T12:00 propose henry@example.org --action file --name "Henry Proposed" \
		--reason "secret reason henry" --requested-by "Sam Staff" --criteria "$CRIT"
	unset SUDO_USER
	at 2026-11-25T09:30 dispute 2 --notes "secret dispute notes"
	at 2026-11-25T14:00 add ian@example.org --action watch --name "Ian Lifted" \
		--reason "secret reason ian" --authorised-by "Lee Head" --notified 2026-11-25
	at 2026-11-26T10:00 lift 8 --by "Dana Head" --reason "secret reason lift"
	at 2026-11-26T11:00 review 3 --by "Dana Head" --outcome continue --notes "secret review notes"

	# flags: escalated from before, open from before, new open, new dismissed
	sql "INSERT INTO flags (id, person, user_id, kind, status, opened_at, updated_at, count,
		threshold, window_secs, first_at, last_at, messages, recipients, evidence, unverified)
		VALUES
		(1, 'user:2', 2, 'scattergun', 'escalated', $(epoch 2026-11-10T09:00), $(epoch 2026-11-12T09:00),
		 7, 5, 604800, $(epoch 2026-11-05T09:00), $(epoch 2026-11-10T09:00), 9,
		 '[\"a@staff.example\",\"b@staff.example\",\"c@staff.example\"]', '[{\"at\":1},{\"at\":2}]', 0),
		(2, 'zed@example.net', NULL, 'volume', 'open', $(epoch 2026-11-15T09:00), $(epoch 2026-11-15T09:00),
		 22, 20, 86400, $(epoch 2026-11-14T10:00), $(epoch 2026-11-15T09:00), 22, '[\"a@staff.example\"]',
		 '[]', 1),
		(3, 'yan@example.net', NULL, 'scattergun', 'open', $(epoch 2026-11-25T16:00), $(epoch 2026-11-26T16:00),
		 5, 5, 604800, $(epoch 2026-11-20T10:00), $(epoch 2026-11-25T16:00), 5,
		 '[\"a@staff.example\",\"b@staff.example\",\"c@staff.example\",\"d@staff.example\",\"e@staff.example\"]',
		 '[{\"at\":1}]', 0),
		(4, 'xi@example.net', NULL, 'volume', 'dismissed', $(epoch 2026-11-21T09:00), $(epoch 2026-11-22T09:00),
		 20, 20, 86400, $(epoch 2026-11-20T12:00), $(epoch 2026-11-21T09:00), 20, '[]', '[]', 0)"

	# events: restriction 1 filed then redirected, 2 with breaches, 3 over its
	# limit and held, 4 a trial, 6 copied; others unmatched, internal or
	# outside the period
	: >"$T/events.sql"
	ev_n=0
	event 2026-11-19T12:00 Q0 '[1]' "'[{\"id\":1,\"effect\":\"file\"}]'" accept "'new'"
	event 2026-11-20T10:00 Q1 '[1]' "'[{\"id\":1,\"effect\":\"file\"}]'" accept "'new'"
	event 2026-11-20T11:00 Q2 '[1]' "'[{\"id\":1,\"effect\":\"file\"}]'" accept "'repeat'"
	event 2026-11-23T09:00 Q3 '[1]' "'[{\"id\":1,\"effect\":\"file\"}]'" accept "'repeat'"
	event 2026-11-24T15:00 Q4 '[1]' "'[{\"id\":1,\"effect\":\"redirect\"}]'" accept "'repeat'"
	event 2026-11-25T15:00 Q5 '[1]' "'[{\"id\":1,\"effect\":\"redirect\"}]'" accept "'new'"
	event 2026-11-26T08:00 Q6 '[1]' "'[{\"id\":1,\"effect\":\"redirect\"}]'" accept "'repeat'"
	event 2026-11-21T09:00 Q7 '[2]' "'[{\"id\":2,\"effect\":\"tag\"}]'" accept
	event 2026-11-22T09:00 Q8 '[2]' "'[{\"id\":2,\"effect\":\"redirect\"}]'" accept NULL 1
	event 2026-11-24T09:00 Q9 '[2]' "'[{\"id\":2,\"effect\":\"redirect\"}]'" accept NULL 1
	event 2026-11-24T10:00 QA '[3]' "'[{\"id\":3,\"effect\":\"tag\"}]'" accept
	event 2026-11-24T10:10 QB '[3]' "'[{\"id\":3,\"effect\":\"tag\"}]'" accept
	event 2026-11-24T10:20 QC '[3]' "'[{\"id\":3,\"effect\":\"tag\"}]'" accept
	event 2026-11-24T10:30 4F2A1C0D3 '[3]' "'[{\"id\":3,\"effect\":\"hold\"}]'" hold NULL 1
	event 2026-11-24T10:40 4F2A1C0D4 '[3]' "'[{\"id\":3,\"effect\":\"hold\"}]'" hold NULL 1
	event 2026-11-25T10:00 QD '[4]' "'[]'" accept NULL 0 "'[{\"id\":4,\"effect\":\"reject\",\"recipients\":[],\"to\":[]}]'"
	event 2026-11-26T10:00 QE '[4]' "'[]'" accept NULL 0 "'[{\"id\":4,\"effect\":\"reject\",\"recipients\":[],\"to\":[]}]'"
	event 2026-11-26T12:00 QF '[6]' "'[{\"id\":6,\"effect\":\"copy\"}]'" accept
	event 2026-11-26T13:00 NOQUEUE '[1,2]' "'[{\"id\":1,\"effect\":\"reject\"},{\"id\":2,\"effect\":\"reject\"}]'" reject
	event 2026-11-22T13:00 QG '[]' NULL accept
	event 2026-11-23T13:00 QH '[]' NULL accept
	event 2026-11-23T14:00 QI '[1]' NULL accept NULL 0 NULL 1
	event 2026-11-27T09:00 QJ '[1]' "'[{\"id\":1,\"effect\":\"file\"}]'" accept
	sqlite3 "$DB" ".read $T/events.sql"
}
