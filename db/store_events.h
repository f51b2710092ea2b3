/*
 * store_events.h - the milter's event log: one row per message, written in
 * batches by the milter's event thread on its own connection, and read back
 * at start to rebuild the in-memory limit counts.
 *
 * Writing events is not a change to the restrictions: it never bumps the
 * generation, so it never makes a milter rebuild its snapshot.
 */
#ifndef RM_STORE_EVENTS_H
#define RM_STORE_EVENTS_H

#include <stddef.h>
#include <time.h>
#include "store.h"
#include "store_flags.h"

/*
 * one events row; every string is owned, lists are JSON text. NULL is SQL
 * NULL, except where a default is named: when writing, a NULL list is "[]",
 * matched "none", verdict "accept" (most mail: nothing to allocate)
 */
struct store_event {
	long long id;			/* the row's id when read back; not written */
	time_t at;
	char *queue_id;			/* "NOQUEUE" when refused before one existed */
	char *message_id;
	char *person;			/* normalised address */
	char *user_ids;			/* [1, 2]; written "[]" when NULL */
	char *restriction_ids;		/* [12]; written "[]" when NULL */
	char *actions;			/* ["file"]; written "[]" when NULL */
	char *matched;			/* "envelope-from", …, "none" (when NULL) */
	char *outcomes;			/* [{"address", "outcome", "stage", "filed", "to"}] */
	char *verdict;			/* "accept" (when NULL), "reject", "tempfail", "hold" */
	char *would;			/* trial summaries, NULL when none */
	char *counted_users;		/* users whose limit it counted toward, NULL none */
	int breach;
	int over_limit;
	int unverified;
	int internal;
	unsigned recipients;
	/* detection (migration 4) */
	int detect;			/* counted for scattergun and volume */
	char *staff;			/* distinct staff recipients it counted, JSON list */
	char *effects;			/* [{"id", "effect"}] of the applied restrictions; "[]" when NULL */
	char *novelty;			/* "new" or "repeat", NULL when not judged */
	double novelty_score;
	int has_novelty_score;
	char *flags;			/* open flag kinds of the person, JSON list, NULL none */
	/* written with the event, in its transaction (never read back here) */
	struct store_flag_write *flag_writes;
	size_t nflag_writes;
	struct store_fp_write *fp;	/* a fingerprint to keep, NULL none */
};

void store_event_clear(struct store_event *e);	/* frees the strings, zeroes e */

/*
 * store_events_insert - n rows in one write transaction of their own (no
 * audit row, no generation bump). All or nothing: -1 with err leaves none.
 */
int store_events_insert(struct store *st, const struct store_event *v, size_t n,
			char *err, size_t errlen);

/* called once per counted event: its time, key (Message-ID else queue id), user-id JSON */
typedef void (*store_counted_fn)(void *arg, time_t at, const char *key,
				 const char *counted_users);
/*
 * store_events_counted - every event at or after since that counted toward a
 * limit, oldest first, to rebuild the milter's in-memory counts at start.
 */
int store_events_counted(struct store *st, time_t since, store_counted_fn fn, void *arg,
			 char *err, size_t errlen);

/* which events store_events_query returns; NULL / 0 members do not filter */
struct store_event_filter {
	time_t since;			/* at or after; 0 = from the first */
	long long user_id;		/* matched this service user */
	const char *queue_id;
	const char *message_id;		/* with or without the angle brackets */
	const char *address;		/* normalised: the person, a recipient or a redirect target */
	const char *outcome;		/* the verdict or any recipient's outcome */
};

/* called once per event, oldest first; e is borrowed; non-zero stops the query */
typedef int (*store_events_row_fn)(void *arg, const struct store_event *e);
/*
 * store_events_query - the events f selects, oldest first. Returns 0, the
 * callback's non-zero value, or -1 with err.
 */
int store_events_query(struct store *st, const struct store_event_filter *f,
		       store_events_row_fn fn, void *arg, char *err, size_t errlen);

/*
 * The milter's heartbeat: meta rows written by its event thread at start,
 * every STORE_HEARTBEAT_SECS and at a clean stop, so `restrictctl status`
 * can tell whether it runs. Like events, these writes never bump the
 * generation.
 */
#define STORE_HEARTBEAT_SECS 30

enum store_heartbeat_kind { STORE_HB_START, STORE_HB_ALIVE, STORE_HB_STOP };

/* store_heartbeat - record that the milter (pid, version) is alive, started or stopped at now */
int store_heartbeat(struct store *st, enum store_heartbeat_kind kind, time_t now, long pid,
		    const char *version, char *err, size_t errlen);

#endif
