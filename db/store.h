/*
 * store.h - the SQLite store: the only interface that speaks SQL.
 *
 * Opening checks the schema version (only init migrates), changes run in
 * one write transaction each (the change, its audit row and a generation
 * bump commit together or not at all), and the milter and `check` read the
 * restrictions in force into a snapshot builder. Errors are one line in err
 * ("DB: …"); functions return 0 (or 1 = found) on success and -1 on error.
 */
#ifndef RM_STORE_H
#define RM_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "restriction.h"
#include "selector.h"
#include "snapshot.h"
#include "strlist.h"

#define STORE_BUSY_MS_CLI 5000

/* audit hashes: SHA-256 in lower-case hex; the first row links to zeros */
#define STORE_HASH_LEN 64
#define STORE_HASH_ZERO \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* store_open flags */
#define STORE_READONLY	0
#define STORE_WRITE	1	/* read-write; the file must exist and be writable */
#define STORE_ANY_SCHEMA 2	/* skip the schema version check (init only) */

struct store;

/*
 * store_library_init - SQLite's process-wide settings, before any store is
 * opened: no allocation statistics (a global mutex on every allocation of
 * every connection; nothing here reads them). Returns 0, or -1 with err.
 */
int store_library_init(char *err, size_t errlen);
/* store_schema_version - the newest migration this program knows */
int store_schema_version(void);
/*
 * store_open - open path; with STORE_WRITE check the file and its directory
 * are writable first. Refuses a schema other than store_schema_version()
 * unless STORE_ANY_SCHEMA. A store is used by one thread at a time (the
 * milter's event writer and reload each open their own): SQLite's
 * connection mutex is off.
 */
int store_open(const char *path, int flags, int busy_ms, struct store **out,
	       char *err, size_t errlen);
void store_close(struct store *st);		/* accepts NULL */
const char *store_path(const struct store *st);
/* store_user_version - PRAGMA user_version of the open database */
int store_user_version(struct store *st, int *version, char *err, size_t errlen);

/*
 * store_prepare_files - what init does before opening: create the
 * database's directory (2770) and file (0660), owned by user and its group
 * when we are root and the user exists. What was done goes to done, what
 * could not be done (not fatal) to warnings.
 */
int store_prepare_files(const char *path, const char *user, struct strlist *done,
			struct strlist *warnings, char *err, size_t errlen);
/* store_fix_modes - chmod/chown the -wal and -shm files like the database */
void store_fix_modes(const char *path, const char *user, struct strlist *done,
		     struct strlist *warnings);
/*
 * store_migrate - apply the migrations above the current version in one
 * transaction that also writes the audit row and bumps the generation.
 */
int store_migrate(struct store *st, const char *command, const char *before_json,
		  const char *after_json, char *err, size_t errlen);

/* transactions: a change is store_begin_write .. store_commit_change */
int store_begin_read(struct store *st, char *err, size_t errlen);
int store_end_read(struct store *st, char *err, size_t errlen);
int store_begin_write(struct store *st, char *err, size_t errlen);
/* store_commit_change - bump the generation and commit; needs an audit row */
int store_commit_change(struct store *st, char *err, size_t errlen);
void store_rollback(struct store *st);		/* no-op outside a transaction */

/* store_get_generation - one cheap query */
int store_get_generation(struct store *st, uint64_t *generation, char *err, size_t errlen);

/* ---- audit (store_audit.c) ---- */

/*
 * store_audit_append - one audit row: the OS user (getuid), SUDO_USER, the
 * command line and the before/after JSON (either may be NULL).
 */
int store_audit_append(struct store *st, time_t at, const char *command,
		       const char *before_json, const char *after_json,
		       char *err, size_t errlen);
/* store_audit_link_user - the row just appended concerns this service user */
int store_audit_link_user(struct store *st, long long user_id, char *err, size_t errlen);
/*
 * store_audit_written - id of the last row this connection appended (0 =
 * none) and its hash (borrowed): after a commit, the new head of the chain
 */
long long store_audit_written(const struct store *st, const char **hash);

struct store_audit_row {
	long long id;
	time_t at;
	char *os_user;
	char *sudo_user;		/* NULL when not run through sudo */
	char *command;
	char *before_json;		/* NULL when none */
	char *after_json;
	char *prev_hash;
	char *hash;
};

void store_audit_rows_free(struct store_audit_row *v, size_t n);
/*
 * store_audit_list - rows with at >= since (0 = all) that concern user_id
 * (0 = every row), oldest first
 */
int store_audit_list(struct store *st, time_t since, long long user_id,
		     struct store_audit_row **v, size_t *n, char *err, size_t errlen);
/* store_audit_ends - first and last rows (id, prev_hash / hash) and the count; 0 = empty */
int store_audit_ends(struct store *st, long long *first_id, char *first_prev,
		     long long *last_id, char *last_hash, long long *count,
		     char *err, size_t errlen);

/* ---- the audit chain (store_chain.c) ---- */

struct store_verify {
	long long rows;
	char head[STORE_HASH_LEN + 1];	/* the last row's hash ("" when empty) */
	long long bad_id;		/* the first bad row; 0 = the chain is good */
	char problem[300];		/* one line when bad */
	long long head_row;		/* the row holding the recorded head; 0 = none */
	long long after_head;		/* rows after it */
	long long vouched_by;		/* checkpoint vouching for the first row / a purged head */
};

/*
 * store_audit_verify - recompute every row's hash and link. A first row
 * not linked to zeros must be vouched for by a purge checkpoint row. With
 * want_head, that hash must be a row of the chain (or the hash a checkpoint
 * recorded for the rows it purged). Returns 0 good, 1 bad (v->bad_id and
 * v->problem), -1 error.
 */
int store_audit_verify(struct store *st, const char *want_head, struct store_verify *v,
		       char *err, size_t errlen);
/* store_chain_seal - hash rows written before the chain existed (migration 3) */
int store_chain_seal(struct store *st, char *err, size_t errlen);

/* ---- service users and selectors (store_users.c) ---- */

struct store_user {
	long long id;
	char *name;
	char *case_ref;			/* NULL when none */
	char *access_notes;		/* NULL when none; never in headers, logs, digests */
	time_t created_at;
	unsigned nselectors;		/* selectors not removed */
	unsigned nactive;		/* restrictions with status active */
};

struct store_selector {
	long long id;
	long long user_id;
	char *text;			/* canonical (selector_format) */
	char *kind;			/* selector_kind_name */
	char *key;
	time_t created_at;
	time_t removed_at;		/* 0 = live */
};

void store_user_clear(struct store_user *u);
void store_users_free(struct store_user *v, size_t n);
void store_selectors_free(struct store_selector *v, size_t n);

int store_user_create(struct store *st, const char *name, const char *case_ref,
		      time_t now, long long *id, char *err, size_t errlen);
/*
 * store_user_get - 1 found, 0 no such user, -1 error; nactive counts the
 * active restrictions not ended by now
 */
int store_user_get(struct store *st, long long id, time_t now, struct store_user *u,
		   char *err, size_t errlen);
int store_user_list(struct store *st, time_t now, struct store_user **v, size_t *n,
		    char *err, size_t errlen);
/* store_selector_add - a selector for a user, stored in canonical form */
int store_selector_add(struct store *st, long long user_id, const struct selector *s,
		       time_t now, long long *id, char *err, size_t errlen);
/*
 * store_selector_owner - the lowest id of a user holding this canonical
 * selector text (not removed): 1 found, 0 none, -1 error.
 */
int store_selector_owner(struct store *st, const char *text, long long *user_id,
			 char *err, size_t errlen);
int store_selector_list(struct store *st, long long user_id, struct store_selector **v,
			size_t *n, char *err, size_t errlen);

/* ---- restrictions and their history (store_restrictions.c) ---- */

struct store_restriction {
	struct restriction r;		/* id, user_id, opts, trial, case_ref, starts, ends */
	enum restriction_status status;	/* as stored */
	char *user_name;
	char *reason;
	char *authorised_by;		/* NULL while proposed */
	char *requested_by;		/* NULL when added in one step */
	char *criteria;
	long long flag_id;		/* 0 = none */
	time_t notified_on;		/* 0 = no written notice recorded */
	time_t review_due;
	time_t created_at;
	time_t updated_at;
	time_t lifted_at;		/* 0 = not lifted */
	char *lifted_by;
	char *lift_reason;
	char *requested_os_user;	/* who ran propose (SUDO_USER or login), NULL */
};

struct store_history {
	long long id;
	long long restriction_id;
	time_t at;
	char *by;
	char *kind;
	char *notes;
	char *before_json;
	char *after_json;
};

/* which restrictions store_restriction_list returns */
struct store_filter {
	time_t now;
	int all;			/* include lifted and expired */
	long long due_within;		/* seconds; review_due <= now + due_within; -1 = any */
	long long user_id;		/* 0 = every user */
};

void store_restriction_init(struct store_restriction *sr);
void store_restriction_clear(struct store_restriction *sr);
void store_restrictions_free(struct store_restriction *v, size_t n);
void store_history_free(struct store_history *v, size_t n);

/* store_restriction_insert - insert sr (its r.id is set) */
int store_restriction_insert(struct store *st, struct store_restriction *sr,
			     char *err, size_t errlen);
/* store_restriction_get - 1 found, 0 no such restriction, -1 error */
int store_restriction_get(struct store *st, long long id, struct store_restriction *sr,
			  char *err, size_t errlen);
int store_restriction_list(struct store *st, const struct store_filter *f,
			   struct store_restriction **v, size_t *n, char *err, size_t errlen);
/* store_restriction_lift - an active restriction becomes lifted; -1 if not active */
int store_restriction_lift(struct store *st, long long id, time_t now, const char *by,
			   const char *reason, char *err, size_t errlen);
/* store_restriction_expire - an active restriction becomes expired */
int store_restriction_expire(struct store *st, long long id, time_t now,
			     char *err, size_t errlen);
/* store_expiry_due - ids of active restrictions whose end is at or before now */
int store_expiry_due(struct store *st, time_t now, long long **ids, size_t *n,
		     char *err, size_t errlen);
int store_history_add(struct store *st, long long restriction_id, time_t at,
		      const char *by, const char *kind, const char *notes,
		      const char *before_json, const char *after_json,
		      char *err, size_t errlen);
int store_history_list(struct store *st, long long restriction_id,
		       struct store_history **v, size_t *n, char *err, size_t errlen);

/* store_restriction_set_opts - vary: new options for the same action */
int store_restriction_set_opts(struct store *st, long long id, const struct action_opts *o,
			       time_t now, char *err, size_t errlen);

/* ---- the lifecycle (store_lifecycle.c) ---- */

/* store_restriction_approve - proposed -> active; -1 unless it was proposed */
int store_restriction_approve(struct store *st, long long id, time_t now, const char *by,
			      time_t starts, time_t review_due, const char *criteria,
			      char *err, size_t errlen);
/* store_restriction_set_notified - the date of the written notice */
int store_restriction_set_notified(struct store *st, long long id, time_t on, time_t now,
				   char *err, size_t errlen);
/* store_restriction_set_review - the next review date */
int store_restriction_set_review(struct store *st, long long id, time_t due, time_t now,
				 char *err, size_t errlen);

struct store_dispute {
	long long id;
	long long restriction_id;
	time_t raised_at;
	char *notes;
	time_t decided_at;		/* 0 = open */
	char *decided_by;
	char *outcome;			/* upheld, varied, lifted; NULL while open */
	char *decision_notes;
};

void store_disputes_free(struct store_dispute *v, size_t n);
int store_dispute_raise(struct store *st, long long restriction_id, time_t now,
			const char *notes, long long *id, char *err, size_t errlen);
/* store_dispute_decide - decide the open dispute id; -1 if it is not open */
int store_dispute_decide(struct store *st, long long id, time_t now, const char *by,
			 const char *outcome, const char *notes, char *err, size_t errlen);
/* store_dispute_list - of one restriction, or (restriction_id 0) of a user's */
int store_dispute_list(struct store *st, long long restriction_id, long long user_id,
		       struct store_dispute **v, size_t *n, char *err, size_t errlen);
/* store_selector_list_all - a user's selectors, removed ones too (removed_at set) */
int store_selector_list_all(struct store *st, long long user_id, struct store_selector **v,
			    size_t *n, char *err, size_t errlen);
/* store_selector_remove - mark a live selector removed: 1 done, 0 the user has none such */
int store_selector_remove(struct store *st, long long user_id, const char *text, time_t now,
			  char *err, size_t errlen);
/*
 * store_user_by_case - the user holding this case reference (not
 * anonymised): 1 found, 0 none, 2 several, -1 error
 */
int store_user_by_case(struct store *st, const char *case_ref, long long *id,
		       char *err, size_t errlen);

/* ---- retention (store_purge.c) ---- */

struct store_purge {
	time_t now;
	time_t event_cutoff;		/* events of restricted or flagged people before this go */
	time_t unflagged_cutoff;	/* everyone else's events before this go */
	time_t record_cutoff;		/* people idle since before this are anonymised */
	long long events_restricted;	/* results: events deleted of each kind */
	long long events_other;
	long long audit_deleted;	/* audit rows deleted (a prefix of the chain) */
	long long audit_through;	/* the last one's id */
};

/* store_purge_events - delete events past their retention; counts into p */
int store_purge_events(struct store *st, struct store_purge *p, char *err, size_t errlen);
/*
 * store_purge_due_users - users not anonymised yet with no proposed or
 * active restriction and nothing recorded about them since record_cutoff
 */
int store_purge_due_users(struct store *st, const struct store_purge *p, long long **ids,
			  size_t *n, char *err, size_t errlen);
/*
 * store_user_anonymise - name "anonymised", no case or notes, selectors'
 * text and key replaced by "sha256:HEX" and removed, reasons and notes
 * cleared; the counts and dates stay
 */
int store_user_anonymise(struct store *st, long long id, time_t now, char *err, size_t errlen);
/*
 * store_audit_prune - delete the audit rows older than record_cutoff that
 * form a prefix of the chain, never the last row; counts into p
 */
int store_audit_prune(struct store *st, struct store_purge *p, char *err, size_t errlen);

/* ---- export (store_export.c) ---- */

/* one events row, strings borrowed for the callback's duration (NULL = SQL NULL) */
struct store_event_row {
	long long id;
	time_t at;
	const char *queue_id, *message_id, *person, *user_ids, *restriction_ids;
	const char *actions, *matched, *outcomes, *verdict, *would;
	int breach, over_limit, unverified;
	long long recipients;
};

typedef int (*store_event_fn)(void *arg, const struct store_event_row *e);
/*
 * store_user_events - every event that matched the user or came from one
 * of their exact addresses, oldest first; none when there is no events
 * table. fn returning non-zero stops with -1.
 */
int store_user_events(struct store *st, long long user_id, store_event_fn fn, void *arg,
		      char *err, size_t errlen);

/* ---- the snapshot (store_snapshot.c) ---- */

/*
 * store_load_snapshot - in one read transaction: the generation, every
 * active restriction not ended by now, and the selectors of their users.
 * A selector the builder refuses is logged and skipped.
 */
int store_load_snapshot(struct store *st, struct snapshot_builder *b, uint64_t *generation,
			char *err, size_t errlen);
/*
 * store_load_candidates - the part of that snapshot some known senders can
 * match: exact selectors of their domains (exact: a JSON array of [lo, hi,
 * domain] items, lo <= text < hi the index ranges a sender's address may
 * have been stored in, see store_snapshot.c), domain and subdomain selectors of
 * those domains or a parent (parents: a JSON array), every pattern, and the
 * restrictions of those selectors' users. For deciding about a few
 * addresses (restrictctl check) without loading everything.
 */
int store_load_candidates(struct store *st, struct snapshot_builder *b, const char *exact,
			  const char *parents, uint64_t *generation, char *err, size_t errlen);

#endif
