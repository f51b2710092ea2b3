/*
 * store_flags.h - detection's rows: scattergun and volume flags, novelty
 * fingerprints, and what the milter reads back at start (the counted
 * events to replay, the flag states, the fingerprints of people under a
 * file or limit restriction).
 *
 * The milter writes flags and fingerprints on its event thread, inside the
 * events' own transaction (no audit row, no generation bump); restrictctl
 * changes flags as every other change (audit row, generation bump).
 */
#ifndef RM_STORE_FLAGS_H
#define RM_STORE_FLAGS_H

#include <stddef.h>
#include <time.h>
#include "store.h"

/* at most this many evidence items and recipients are kept per flag */
#define STORE_FLAG_EVIDENCE_MAX 50
#define STORE_FLAG_RECIPIENTS_MAX 1000

/* what one counted message does to one flag of its person */
struct store_flag_write {
	char *person;			/* the detection key ("user:7" or an address) */
	long long user_id;		/* 0 = no service user */
	const char *kind;		/* "scattergun" or "volume" (static) */
	int open;			/* open a new flag when none is open or escalated */
	unsigned count;			/* the count as of this message */
	unsigned threshold;
	long long window;		/* seconds */
	time_t since;			/* counting bound (the last dismissal), 0 none */
	int unverified;			/* header-only match without a trusted pass */
};

/* a fingerprint to keep for a person, at most keep per person */
struct store_fp_write {
	char *person;
	char *message_id;
	time_t at;
	char *data;			/* novelty_fp_serialise */
	unsigned keep;
};

void store_flag_write_clear(struct store_flag_write *w);
void store_fp_write_free(struct store_fp_write *f);	/* accepts NULL */

/*
 * store_flag_apply - inside the caller's write transaction, after the
 * event (event_id, at, queue_id, message_id) is inserted: update the person's open
 * or escalated flag of that kind with the event as evidence, or, when
 * there is none and w->open, open one whose evidence is the person's
 * counted events in the window (since the last dismissal).
 */
int store_flag_apply(struct store *st, const struct store_flag_write *w, long long event_id,
		     time_t at, const char *queue_id, const char *message_id, char *err,
		     size_t errlen);
/* store_fp_apply - inside the caller's write transaction: keep f, drop beyond f->keep */
int store_fp_apply(struct store *st, const struct store_fp_write *f, char *err, size_t errlen);

/* --- reading back at start (the milter) --- */

/* one counted event: time, person, user_ids JSON, staff JSON (may be NULL) */
typedef void (*store_detect_fn)(void *arg, time_t at, const char *person,
				const char *user_ids, const char *staff);
/* store_detect_events - events with detect = 1 at or after since, oldest first */
int store_detect_events(struct store *st, time_t since, store_detect_fn fn, void *arg,
			char *err, size_t errlen);

/* one flag row as the milter's cache needs it */
typedef void (*store_flag_state_fn)(void *arg, const char *person, const char *kind,
				    const char *status, unsigned count, time_t opened_at,
				    time_t decided_at);
/*
 * store_flag_states - open and escalated flags, and dismissed or cited
 * ones decided at or after since, oldest first (a later row wins)
 */
int store_flag_states(struct store *st, time_t since, store_flag_state_fn fn, void *arg,
		      char *err, size_t errlen);

/* store_novelty_users - users with an active, non-trial file or limit restriction */
int store_novelty_users(struct store *st, time_t now, long long **ids, size_t *n,
			char *err, size_t errlen);
typedef void (*store_fp_fn)(void *arg, time_t at, const char *message_id, const char *data);
/* store_fingerprints - a person's fingerprints before before (0 = all), oldest first */
int store_fingerprints(struct store *st, const char *person, time_t before, store_fp_fn fn,
		       void *arg, char *err, size_t errlen);

/* --- restrictctl --- */

struct store_flag {
	long long id;
	char *person;
	long long user_id;		/* 0 = none */
	char *user_name;		/* NULL when no user */
	char *kind;
	char *status;
	time_t opened_at, updated_at, first_at, last_at, decided_at;
	unsigned count, threshold;
	long long window_secs;
	long long messages;
	char *recipients;		/* JSON list */
	char *evidence;			/* JSON list */
	int unverified;
	char *decided_by;
	long long cited_by;		/* 0 = none */
};

void store_flag_clear(struct store_flag *f);	/* frees what f holds, zeroes it */
void store_flags_free(struct store_flag *v, size_t n);
/* store_flag_list - open and escalated flags (all: every flag), newest first */
int store_flag_list(struct store *st, int all, struct store_flag **v, size_t *n,
		    char *err, size_t errlen);
/* store_flag_get - 1 found, 0 none, -1 error */
int store_flag_get(struct store *st, long long id, struct store_flag *f, char *err,
		   size_t errlen);
/* store_flag_decide - set status, decided_at and decided_by; -1 on error */
int store_flag_decide(struct store *st, long long id, const char *status, time_t now,
		      const char *by, char *err, size_t errlen);
/* store_flag_cite - an open or escalated flag becomes cited by restriction rid */
int store_flag_cite(struct store *st, long long id, long long rid, time_t now,
		    const char *by, char *err, size_t errlen);

#endif
