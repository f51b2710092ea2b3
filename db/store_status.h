/*
 * store_status.h - what `restrictctl status` reports from the database:
 * counts of restrictions by status, reviews, notices, disputes, users,
 * selectors, flags, events and audit rows, and the milter's heartbeat.
 *
 * Read in one read transaction. A table or column a newer migration adds
 * (flags, disputes) that this database lacks reads as -1 ("not recorded").
 */
#ifndef RM_STORE_STATUS_H
#define RM_STORE_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "store.h"

struct store_status {
	int schema_version;
	uint64_t generation;
	/* restrictions, as `list` shows them: active past its end counts as expired */
	long long proposed, active, trial, lifted, expired;
	long long overdue_reviews;	/* active, review_due before now */
	long long reviews_due_soon;	/* active, review due within the "soon" window */
	long long not_notified;		/* active without a written notice */
	long long disputes_open;
	long long users, anonymised, selectors;
	long long flags_open, flags_escalated;
	long long events, events_day, events_week;	/* all, last 24 h, last 7 days */
	long long refused_week, held_week;		/* verdicts of the last 7 days */
	time_t events_oldest, events_newest;		/* 0 = no events */
	long long audit_rows;
	/* the milter's heartbeat (store_heartbeat); 0 / NULL = never written */
	time_t milter_seen, milter_started, milter_stopped;
	long milter_pid;
	char *milter_version;
};

/* store_status_read - fill s as of now; soon is the window of reviews_due_soon in seconds */
int store_status_read(struct store *st, time_t now, long long soon, struct store_status *s,
		      char *err, size_t errlen);
void store_status_clear(struct store_status *s);	/* frees milter_version, zeroes s */

#endif
