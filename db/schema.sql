-- schema.sql - the restrict-milter database, as numbered migrations.
--
-- The build embeds this file in the program (schema_sql.c). Each section
-- starting with a line "-- migration N" takes a database from version N-1
-- to N; PRAGMA user_version holds the version reached. Only
-- `restrictctl init` migrates, in one transaction. Never edit a released
-- migration: append a new one. Times are Unix seconds (UTC).

-- migration 1

-- key/value facts about the store; "generation" is bumped by every change
CREATE TABLE meta (
	key	TEXT PRIMARY KEY,
	value
);
INSERT INTO meta (key, value) VALUES ('generation', 0);

-- service users (policy 1.1); access_notes (1.3) are never shown in
-- headers, logs, replies or digests
CREATE TABLE service_users (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL,
	case_ref	TEXT,
	access_notes	TEXT,
	created_at	INTEGER NOT NULL
);

-- what identifies a service user's mail; text is selector_format's form
CREATE TABLE selectors (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES service_users(id),
	text		TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('exact', 'domain', 'subdomains', 'regex')),
	key		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	removed_at	INTEGER
);
CREATE UNIQUE INDEX selectors_live ON selectors (user_id, text) WHERE removed_at IS NULL;
CREATE INDEX selectors_text ON selectors (text);

-- restrictions; action options are NULL when they do not belong to the action
CREATE TABLE restrictions (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES service_users(id),
	action		TEXT NOT NULL CHECK (action IN
				('block', 'file', 'single-contact', 'limit', 'monitor', 'watch')),
	message		TEXT,
	file_mode	TEXT CHECK (file_mode IN ('tag', 'redirect')),
	mailbox		TEXT,
	contact		TEXT,
	contact_mode	TEXT CHECK (contact_mode IN ('redirect', 'reject')),
	limit_count	INTEGER,
	limit_period	INTEGER,
	over		TEXT CHECK (over IN ('file', 'hold', 'reject', 'tempfail')),
	copy_to		TEXT,
	trial		INTEGER NOT NULL DEFAULT 0 CHECK (trial IN (0, 1)),
	status		TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'lifted', 'expired')),
	reason		TEXT NOT NULL,
	authorised_by	TEXT,
	requested_by	TEXT,
	criteria	TEXT,
	flag_id		INTEGER,
	notified_on	INTEGER,
	starts		INTEGER NOT NULL,
	ends		INTEGER,
	review_due	INTEGER NOT NULL,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	lifted_at	INTEGER,
	lifted_by	TEXT,
	lift_reason	TEXT
);
CREATE INDEX restrictions_user ON restrictions (user_id);
CREATE INDEX restrictions_status ON restrictions (status, ends);

-- every step in a restriction's life; kind is one of created, proposed,
-- approved, lifted, varied, reviewed, disputed, notified, expired (later
-- migrations may add kinds, so there is no CHECK here)
CREATE TABLE restriction_history (
	id		INTEGER PRIMARY KEY,
	restriction_id	INTEGER NOT NULL REFERENCES restrictions(id),
	at		INTEGER NOT NULL,
	by		TEXT,
	kind		TEXT NOT NULL,
	notes		TEXT,
	before_json	TEXT,
	after_json	TEXT
);
CREATE INDEX restriction_history_restriction ON restriction_history (restriction_id);

-- one row per change; prev_hash/hash will chain the rows (a later issue)
CREATE TABLE audit (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	os_user		TEXT,
	sudo_user	TEXT,
	command		TEXT NOT NULL,
	before_json	TEXT,
	after_json	TEXT,
	prev_hash	TEXT,
	hash		TEXT
);

-- migration 2

-- one row per message the milter saw, written by its event thread in
-- batches (those commits do not bump the generation). Lists are JSON text:
-- user_ids, restriction_ids, actions and counted_users are arrays;
-- outcomes is [{"address", "outcome", "stage", "filed", "to"}] per
-- recipient; would holds trial restrictions' {"id", "effect",
-- "recipients", "to"}. queue_id is "NOQUEUE" when every recipient was
-- refused before a queue id existed. Never names, reasons or subjects.
CREATE TABLE events (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	queue_id	TEXT NOT NULL,
	message_id	TEXT,
	person		TEXT,
	user_ids	TEXT NOT NULL DEFAULT '[]',
	restriction_ids	TEXT NOT NULL DEFAULT '[]',
	actions		TEXT NOT NULL DEFAULT '[]',
	matched		TEXT NOT NULL DEFAULT 'none',
	outcomes	TEXT NOT NULL DEFAULT '[]',
	verdict		TEXT NOT NULL CHECK (verdict IN ('accept', 'reject', 'tempfail', 'hold')),
	breach		INTEGER NOT NULL DEFAULT 0,
	over_limit	INTEGER NOT NULL DEFAULT 0,
	unverified	INTEGER NOT NULL DEFAULT 0,
	would		TEXT,
	counted_users	TEXT,
	recipients	INTEGER NOT NULL DEFAULT 0,
	internal	INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1))
);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_queue_id ON events (queue_id);
CREATE INDEX events_message_id ON events (message_id);
CREATE INDEX events_person ON events (person, at);
CREATE INDEX events_counted ON events (at) WHERE counted_users IS NOT NULL;

-- migration 3

-- the restriction lifecycle (SPEC "Lifecycle", policy 5.6, 6.1, 7.2) and
-- the audit chain. requested_os_user is the OS user (SUDO_USER, else the
-- login name) who ran `propose`, so `approve` can refuse the same person.
ALTER TABLE restrictions ADD COLUMN requested_os_user TEXT;

-- set when purge anonymised the user (RecordRetention)
ALTER TABLE service_users ADD COLUMN anonymised_at INTEGER;

-- disputes (6.1): raised with notes, decided once; one open per restriction
CREATE TABLE disputes (
	id		INTEGER PRIMARY KEY,
	restriction_id	INTEGER NOT NULL REFERENCES restrictions(id),
	raised_at	INTEGER NOT NULL,
	notes		TEXT,
	decided_at	INTEGER,
	decided_by	TEXT,
	outcome		TEXT CHECK (outcome IN ('upheld', 'varied', 'lifted')),
	decision_notes	TEXT
);
CREATE INDEX disputes_restriction ON disputes (restriction_id);
CREATE UNIQUE INDEX disputes_open ON disputes (restriction_id) WHERE decided_at IS NULL;

-- which service users an audit row concerns (for export, 8.2); no foreign
-- key, so purge can drop old audit rows and their links together
CREATE TABLE audit_users (
	audit_id	INTEGER NOT NULL,
	user_id		INTEGER NOT NULL,
	PRIMARY KEY (audit_id, user_id)
) WITHOUT ROWID;
CREATE INDEX audit_users_user ON audit_users (user_id);
INSERT OR IGNORE INTO audit_users (audit_id, user_id)
	SELECT id, json_extract(after_json, '$.restriction.user_id') FROM audit
	WHERE json_valid(after_json)
	AND json_extract(after_json, '$.restriction.user_id') IS NOT NULL;
INSERT OR IGNORE INTO audit_users (audit_id, user_id)
	SELECT id, json_extract(before_json, '$.user_id') FROM audit
	WHERE json_valid(before_json) AND json_extract(before_json, '$.user_id') IS NOT NULL;
INSERT OR IGNORE INTO audit_users (audit_id, user_id)
	SELECT id, json_extract(after_json, '$.user_id') FROM audit
	WHERE json_valid(after_json) AND json_extract(after_json, '$.user_id') IS NOT NULL;
CREATE INDEX audit_at ON audit (at);

-- migration 4

-- detection (SPEC "Detection"): a flag opens when a person's count reaches
-- its threshold; at most one open (or escalated) flag per person and kind.
-- A dismissed flag stays as it was; if the count reaches the threshold
-- again afterwards a new flag row opens. evidence is bounded JSON
-- [{"at", "queue_id", "message_id"}]; recipients a JSON list.
CREATE TABLE flags (
	id		INTEGER PRIMARY KEY,
	person		TEXT NOT NULL,
	user_id		INTEGER,
	kind		TEXT NOT NULL CHECK (kind IN ('scattergun', 'volume')),
	status		TEXT NOT NULL CHECK (status IN ('open', 'escalated', 'dismissed', 'cited')),
	opened_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	count		INTEGER NOT NULL,
	threshold	INTEGER NOT NULL,
	window_secs	INTEGER NOT NULL,
	first_at	INTEGER NOT NULL,
	last_at		INTEGER NOT NULL,
	messages	INTEGER NOT NULL DEFAULT 0,
	recipients	TEXT NOT NULL DEFAULT '[]',
	evidence	TEXT NOT NULL DEFAULT '[]',
	unverified	INTEGER NOT NULL DEFAULT 0,
	decided_at	INTEGER,
	decided_by	TEXT,
	cited_by	INTEGER REFERENCES restrictions(id)
);
CREATE UNIQUE INDEX flags_one_open ON flags (person, kind) WHERE status IN ('open', 'escalated');
CREATE INDEX flags_person ON flags (person);
CREATE INDEX flags_updated ON flags (updated_at);

-- novelty fingerprints of each person's earlier correspondence (bounded
-- per person by the milter), so "new or repeat" survives restarts
CREATE TABLE fingerprints (
	id		INTEGER PRIMARY KEY,
	person		TEXT NOT NULL,
	message_id	TEXT,
	at		INTEGER NOT NULL,
	data		BLOB NOT NULL
);
CREATE INDEX fingerprints_person ON fingerprints (person, at);

-- what detection and the digest need from each event: whether it was
-- counted for detection, the distinct staff recipients it counted, each
-- applied restriction's effect [{"id", "effect"}], novelty, open flags
ALTER TABLE events ADD COLUMN detect INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN staff TEXT;
ALTER TABLE events ADD COLUMN effects TEXT;
ALTER TABLE events ADD COLUMN novelty TEXT;
ALTER TABLE events ADD COLUMN novelty_score REAL;
ALTER TABLE events ADD COLUMN flags TEXT;

-- digests sent (SPEC "The digest"): the next covers from the last sent,
-- so a catch-up run after downtime neither repeats nor skips events
CREATE TABLE digests (
	id		INTEGER PRIMARY KEY,
	sent_at		INTEGER NOT NULL,
	since		INTEGER NOT NULL,
	until		INTEGER NOT NULL,
	recipients	TEXT NOT NULL,
	message_id	TEXT,
	audit_head	TEXT
);

-- migration 5

-- the event log, rebuilt for the writer's one row a message (SPEC: the
-- event log is written by one thread in batches, off the mail path):
-- - verdict's CHECK is four comparisons: "IN (list of four)" made SQLite
--   build a temporary table at every execution of the one-row INSERT,
--   about a quarter of the insert's cost;
-- - only the time indexes stay. No query reads events by queue id,
--   Message-ID or person through an index: every one goes by time
--   (events_at, events_counted), and `restrictctl events --queue-id,
--   --message-id, --address` filters within that range (the query plans
--   are in doc/PERFORMANCE.md). Kept at random places in three B-trees,
--   those indexes cost four times the row itself.
-- Same columns in the same order; every row is kept.
CREATE TABLE events_v5 (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	queue_id	TEXT NOT NULL,
	message_id	TEXT,
	person		TEXT,
	user_ids	TEXT NOT NULL DEFAULT '[]',
	restriction_ids	TEXT NOT NULL DEFAULT '[]',
	actions		TEXT NOT NULL DEFAULT '[]',
	matched		TEXT NOT NULL DEFAULT 'none',
	outcomes	TEXT NOT NULL DEFAULT '[]',
	verdict		TEXT NOT NULL CHECK (verdict = 'accept' OR verdict = 'reject'
					     OR verdict = 'tempfail' OR verdict = 'hold'),
	breach		INTEGER NOT NULL DEFAULT 0,
	over_limit	INTEGER NOT NULL DEFAULT 0,
	unverified	INTEGER NOT NULL DEFAULT 0,
	would		TEXT,
	counted_users	TEXT,
	recipients	INTEGER NOT NULL DEFAULT 0,
	internal	INTEGER NOT NULL DEFAULT 0 CHECK (internal = 0 OR internal = 1),
	detect		INTEGER NOT NULL DEFAULT 0,
	staff		TEXT,
	effects		TEXT,
	novelty		TEXT,
	novelty_score	REAL,
	flags		TEXT
);
INSERT INTO events_v5 (id, at, queue_id, message_id, person, user_ids, restriction_ids,
	actions, matched, outcomes, verdict, breach, over_limit, unverified, would,
	counted_users, recipients, internal, detect, staff, effects, novelty, novelty_score, flags)
SELECT id, at, queue_id, message_id, person, user_ids, restriction_ids,
	actions, matched, outcomes, verdict, breach, over_limit, unverified, would,
	counted_users, recipients, internal, detect, staff, effects, novelty, novelty_score, flags
FROM events;
DROP TABLE events;
ALTER TABLE events_v5 RENAME TO events;
CREATE INDEX events_at ON events (at);
CREATE INDEX events_counted ON events (at) WHERE counted_users IS NOT NULL;
