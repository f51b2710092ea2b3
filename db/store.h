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

/* store_open flags */
#define STORE_READONLY	0
#define STORE_WRITE	1	/* read-write; the file must exist and be writable */
#define STORE_ANY_SCHEMA 2	/* skip the schema version check (init only) */

struct store;

/* store_schema_version - the newest migration this program knows */
int store_schema_version(void);
/*
 * store_open - open path; with STORE_WRITE check the file and its directory
 * are writable first. Refuses a schema other than store_schema_version()
 * unless STORE_ANY_SCHEMA.
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

/* ---- the snapshot (store_snapshot.c) ---- */

/*
 * store_load_snapshot - in one read transaction: the generation, every
 * active restriction not ended by now, and the selectors of their users.
 * A selector the builder refuses is logged and skipped.
 */
int store_load_snapshot(struct store *st, struct snapshot_builder *b, uint64_t *generation,
			char *err, size_t errlen);

#endif
