/*
 * store_int.h - what the store's own files share and nobody else sees:
 * the connection struct, statement preparation, binding and column helpers.
 *
 * Every value reaches SQL through sqlite3_bind_*; SQL text is constant.
 */
#ifndef RM_STORE_INT_H
#define RM_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>
#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
	int writable;
	int in_txn;			/* 0 none, 1 read, 2 write */
	int audited;			/* an audit row was written in this write txn */
	long long audit_id;		/* the last audit row this connection wrote */
	char audit_head[STORE_HASH_LEN + 1];	/* its hash, "" when none */
	sqlite3_stmt *event_insert;	/* kept prepared by store_events.c, NULL until used */
	sqlite3_stmt *event_insert_many;	/* the same, EVENT_ROWS_AT_ONCE rows a step */
	sqlite3_stmt *fingerprints;	/* kept by store_flags.c: read once per novelty user */
	sqlite3_stmt *fp_insert;	/* kept by store_flags.c: a fingerprint per file/limit message */
	sqlite3_stmt *fp_prune;
};

/* the embedded schema.sql (generated schema_sql.c) */
extern const char store_schema_sql[];

/* store_error - "DB: what: sqlite's message" into err; returns -1 */
int store_error(struct store *st, const char *what, char *err, size_t errlen);
/* store_prepare - prepare constant SQL; NULL with err on failure */
sqlite3_stmt *store_prepare(struct store *st, const char *sql, char *err, size_t errlen);
/*
 * store_prepare_kept - *slot, prepared on first use (SQLITE_PREPARE_PERSISTENT)
 * and kept until store_close; NULL with "DB: what: ..." in err
 */
sqlite3_stmt *store_prepare_kept(struct store *st, sqlite3_stmt **slot, const char *sql,
				 const char *what, char *err, size_t errlen);
/*
 * store_step_kept - b is the OR of the bind results: step a kept statement that
 * returns no rows, then reset and unbind it; 0, or -1 with "DB: what: ..."
 */
int store_step_kept(struct store *st, sqlite3_stmt *stmt, int b, const char *what,
		    char *err, size_t errlen);
/* store_step_done - step a statement that returns no rows, finalize it */
int store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what,
		    char *err, size_t errlen);

/*
 * store_chain_hash - SHA-256 of prev_hash and the row's fields as
 * store_chain.c defines it, lower-case hex into out (>= STORE_HASH_LEN+1).
 * f holds id, at, os_user, sudo_user, command, before, after; a NULL p is
 * SQL NULL. Returns 0, or -1 with err.
 */
struct chain_field {
	const void *p;
	size_t len;
};
#define CHAIN_NFIELDS 7
int store_chain_hash(const char *prev_hash, const struct chain_field *f, char *out,
		     char *err, size_t errlen);

/* store_bound - b is the OR of bind results: 0, or finalize and -1 with err */
int store_bound(struct store *st, sqlite3_stmt *stmt, int b, char *err, size_t errlen);
/* binding: NULL strings and zero times become SQL NULL */
int store_bind_text(sqlite3_stmt *stmt, int i, const char *s);
/* store_bind_text_held - s not copied: it must stay unchanged until the step and reset */
int store_bind_text_held(sqlite3_stmt *stmt, int i, const char *s);
int store_bind_time(sqlite3_stmt *stmt, int i, time_t t);
int store_bind_id(sqlite3_stmt *stmt, int i, long long id);	/* 0 -> NULL */

/* columns: NULL becomes NULL / 0 */
char *store_col_dup(sqlite3_stmt *stmt, int i);
time_t store_col_time(sqlite3_stmt *stmt, int i);

/*
 * the columns store_row_restriction reads, in order (0..15), from
 * "restrictions r JOIN service_users u ON u.id = r.user_id"
 */
#define STORE_RESTRICTION_COLUMNS \
	"r.id, r.user_id, r.action, r.message, r.file_mode, r.mailbox, r.contact," \
	" r.contact_mode, r.limit_count, r.limit_period, r.over, r.copy_to, r.trial," \
	" r.starts, r.ends, u.case_ref"
#define STORE_RESTRICTION_NCOLUMNS 16
/* store_row_restriction - a row of those columns as a restriction (r is cleared first) */
int store_row_restriction(sqlite3_stmt *stmt, struct restriction *r, char *err, size_t errlen);

#endif
