/*
 * detect.h - scattergun and volume counting per person (SPEC "Detection"),
 * which mail counts at all, and the flag state machine.
 *
 * Pure: no clock reads (every time is passed in), no I/O. The counters live
 * in memory, are safe to call from many threads (striped locks) and are
 * rebuilt at start by replaying the event log through detect_record.
 */
#ifndef RM_DETECT_H
#define RM_DETECT_H

#include <stddef.h>
#include <time.h>
#include "policy.h"
#include "strlist.h"

/* --- counters (detect.c) --- */

struct detect_params {
	long long scatter_window;	/* seconds; ScatterWindow (0: 7d) */
	unsigned scatter_threshold;	/* ScatterThreshold (0: 5) */
	long long volume_window;	/* seconds; VolumeWindow (0: 1d) */
	unsigned volume_threshold;	/* VolumeThreshold (0: 20) */
	size_t max_persons;		/* memory bound (0: DETECT_MAX_PERSONS) */
	unsigned max_events;		/* messages kept per person (0: DETECT_MAX_EVENTS) */
	unsigned max_staff;		/* recipients kept per person (0: DETECT_MAX_STAFF) */
};

#define DETECT_MAX_PERSONS 200000
#define DETECT_MAX_EVENTS 1024
#define DETECT_MAX_STAFF 1024

/* the optional lower bounds of counting: only events after these times */
struct detect_since {
	time_t scatter;			/* 0: no bound */
	time_t volume;
};

struct detect_count {
	unsigned count;			/* in the window (now - window, now] */
	unsigned count_since;		/* in the window and after since (== count without since) */
	unsigned threshold;
	long long window;		/* seconds */
	time_t since;			/* the bound count_since used, 0 none */
	int reached;			/* this message took count from below threshold to >= it */
	int saturated;			/* the per-person cap was hit: count is a lower bound */
};

struct detect_result {
	struct detect_count scatter;	/* distinct staff recipients */
	struct detect_count volume;	/* messages */
};

struct detect_stats {
	size_t persons;
	size_t bytes;			/* heap held by person state (estimate incl. malloc overhead) */
	size_t evicted;			/* persons dropped because max_persons was reached */
	size_t expired;			/* persons dropped because they were idle past both windows */
};

struct detect;

/* detect_new - empty counters; zero fields of p take their defaults */
struct detect *detect_new(const struct detect_params *p);
/* detect_free - free all state (accepts NULL) */
void detect_free(struct detect *d);
/*
 * detect_record - count one message from person at time at, sent to the n
 * distinct staff recipients in staff (already without DetectIgnore; n may
 * be 0: the message still counts for volume). since may be NULL. Fills out
 * with the counts as of at, this message included. Thread-safe.
 */
void detect_record(struct detect *d, const char *person, time_t at,
		   const char *const *staff, size_t n,
		   const struct detect_since *since, struct detect_result *out);
/* detect_query - the counts as of now without recording anything; 0 if unknown person */
int detect_query(struct detect *d, const char *person, time_t now,
		 const struct detect_since *since, struct detect_result *out);
/* detect_expire - drop persons idle past the longer window; returns how many */
size_t detect_expire(struct detect *d, time_t now);
/* detect_get_stats - persons held, bytes, evictions */
void detect_get_stats(struct detect *d, struct detect_stats *out);

/* --- what counts (detect_filter.c) --- */

enum detect_skip {
	DETECT_COUNT = 0,		/* counts */
	DETECT_SKIP_INTERNAL,		/* InternalHosts or authenticated */
	DETECT_SKIP_NULL_SENDER,
	DETECT_SKIP_LIST_ID,
	DETECT_SKIP_AUTO_SUBMITTED,	/* present and not "no" */
	DETECT_SKIP_PRECEDENCE,		/* bulk, list or junk */
	DETECT_SKIP_IGNORED_SENDER,	/* DetectIgnoreSenders */
	DETECT_SKIP_NO_STAFF,		/* no staff recipient other than ExemptRecipients */
};

struct detect_msg {
	int internal;
	const char *env_sender;		/* normalised; NULL or "" for the null sender */
	const char *from;		/* normalised first From: mailbox, NULL if none */
	const char *list_id;		/* raw header values, NULL when absent */
	const char *auto_submitted;
	const char *precedence;
};

/*
 * detect_skip_message - whether the message counts (DETECT_COUNT) or why
 * not; recipients are judged by detect_staff_rcpts.
 */
enum detect_skip detect_skip_message(const struct detect_msg *m, const struct policy *pol);
/*
 * detect_staff_rcpts - from normalised recipients (NULL entries skipped),
 * add to out the distinct staff ones that are neither exempt nor in
 * DetectIgnore. Returns the number of staff, non-exempt recipients before
 * DetectIgnore (0: the message is not mail to staff and does not count).
 */
size_t detect_staff_rcpts(const struct policy *pol, const char *const *rcpts, size_t n,
			  struct strlist *out);
/*
 * detect_person_key - the person counts are kept under: "user:ID" when a
 * service user matched (all their addresses count as one), else a copy of
 * the normalised address (decision.person). NULL when neither is known.
 */
char *detect_person_key(long long user_id, const char *address);
/* detect_skip_name - "count", "internal", "null-sender", "list-id", ... */
const char *detect_skip_name(enum detect_skip s);

/* --- flags (flag.c) --- */

enum flag_kind { FLAG_SCATTERGUN, FLAG_VOLUME };
enum flag_state { FLAG_NONE, FLAG_OPEN, FLAG_ESCALATED, FLAG_DISMISSED };
enum flag_step { FLAG_STEP_NONE, FLAG_STEP_OPEN, FLAG_STEP_UPDATE, FLAG_STEP_REOPEN };
enum flag_human { FLAG_DISMISS, FLAG_ESCALATE };

/* a person's flag of one kind as stored (state FLAG_NONE: there is none) */
struct flag_view {
	enum flag_state state;
	unsigned count;			/* the evidence count last recorded */
	time_t since;			/* time of the last dismissal, 0 never: counting bound */
};

struct flag_change {
	enum flag_step step;
	enum flag_state state;		/* the state after the step */
	unsigned count;			/* the evidence count after the step */
};

/*
 * flag_next - what one counted message does to a flag: open it (count
 * reached threshold), update its evidence (count grew), reopen a dismissed
 * one (count since the dismissal reached threshold again) or nothing. c
 * must have been computed with since = cur->since.
 */
enum flag_step flag_next(const struct flag_view *cur, const struct detect_count *c,
			 struct flag_change *out);
/* flag_decide - a human's decision at now; -1 when not allowed from this state */
int flag_decide(struct flag_view *v, enum flag_human what, time_t now);
/* flag_header_value - "scattergun; staff=7; window=7d" / "volume; messages=25; window=1d" */
char *flag_header_value(enum flag_kind kind, unsigned count, long long window);
/* flag_since - the detect_since for a person's two flags (either may be NULL) */
void flag_since(const struct flag_view *scatter, const struct flag_view *volume,
		struct detect_since *out);
const char *flag_kind_name(enum flag_kind k);
const char *flag_state_name(enum flag_state s);
const char *flag_step_name(enum flag_step s);
/* flag_state_parse - "open", "escalated", "dismissed", "none"; -1 when unknown */
int flag_state_parse(const char *name, enum flag_state *out);

#endif
