/*
 * store_digest.h - what the weekly digest shows, read from the store in one
 * read transaction into plain structs, and the record of digests sent.
 *
 * The period [since, until) selects what happened (changes, flags opened,
 * mail, breaches, held messages); the lists of what needs attention
 * (reviews, ends, notices, disputes, open flags) are as of now. Names, case
 * references, dates and counts only: never reasons, notes or
 * access-requirement notes. Every aggregate is one SQL query.
 */
#ifndef RM_STORE_DIGEST_H
#define RM_STORE_DIGEST_H

#include <stddef.h>
#include <time.h>
#include "store.h"

/* the "soon" window of reviews and ends */
#define DIGEST_SOON_SECS (30LL * 86400)
/* at most this many bars per chart; longer periods group days */
#define DIGEST_MAX_BUCKETS 14
/* at most this many held messages are listed (all are counted) */
#define DIGEST_HELD_MAX 50

/* one restriction as a digest list names it */
struct digest_ref {
	long long id;			/* restriction id */
	long long user_id;
	char *name;
	char *case_ref;			/* NULL when none */
	char *action;
	int trial;
	time_t at;			/* the list's date: when, review due, last day, raised */
	char *by;			/* who did it, NULL when none */
	long long extra;		/* open disputes: the dispute id */
};

struct digest_list {
	struct digest_ref *v;
	size_t n;
};

/* what was done with a restriction's mail, in display order */
enum digest_cat {
	DIGEST_DELIVERED,		/* delivered (tagged or untouched) */
	DIGEST_FILED,
	DIGEST_REDIRECTED,
	DIGEST_COPIED,
	DIGEST_REFUSED,			/* rejected or temporarily refused */
	DIGEST_HELD,
	DIGEST_NCATS
};

/* one restriction's mail in the period */
struct digest_mail {
	long long id;
	char *name;			/* NULL when the restriction is gone */
	char *case_ref;
	char *action;
	char *status;
	int trial;			/* the counts are what it would have done */
	long long total;
	long long cat[DIGEST_NCATS];
	long long novel_new, novel_repeat;
	long long breaches, breaches_unverified;
	long long buckets[DIGEST_MAX_BUCKETS];
};

/* one scattergun or volume flag */
struct digest_flag {
	long long id;
	char *kind;
	char *status;
	char *person;			/* the detection key: an address from mail */
	char *name;			/* the service user's name, NULL when none */
	char *case_ref;
	time_t opened_at, last_at;
	long long count, threshold, window_secs, messages, staff, evidence;
	int unverified;
	int is_new;			/* opened in the period */
};

/* one held message */
struct digest_held {
	time_t at;
	char *queue_id;
	long long restriction_id;	/* the first restriction it matched, 0 none */
	char *name;
	char *case_ref;
	long long recipients;
};

struct store_digest {
	time_t since, until, now;
	time_t last_sent;		/* the previous digest sent, 0 = none */
	/* the charts' bars: local days from bucket_start[0], bucket_days each */
	int nbuckets, bucket_days;
	time_t bucket_start[DIGEST_MAX_BUCKETS + 1];
	/* what happened in the period */
	struct digest_list added, varied, reviewed, lifted, expired;
	/* what needs attention now */
	struct digest_list proposed, overdue, review_soon, ending_soon, not_notified, disputes;
	struct digest_flag *flags;	/* escalated, then new, then open */
	size_t nflags;
	struct digest_mail *mail;	/* most mail first */
	size_t nmail;
	long long in_force, in_force_trial, quiet;	/* quiet: in force, no mail */
	long long mail_all, mail_matched, mail_refused, mail_held, breaches;
	long long day_total[DIGEST_MAX_BUCKETS];
	struct digest_held *held;	/* newest first, at most DIGEST_HELD_MAX */
	size_t nheld;
	long long held_total;
	char audit_head[STORE_HASH_LEN + 1];	/* "" when the audit log is empty */
	long long audit_rows;
};

void store_digest_clear(struct store_digest *d);	/* frees everything, zeroes d */

/*
 * store_digest_read - d as of now for [since, until), in one read
 * transaction. Returns 0, or -1 with err.
 */
int store_digest_read(struct store *st, time_t since, time_t until, time_t now,
		      struct store_digest *d, char *err, size_t errlen);
/* store_digest_last - the latest until of the digests sent: 1 found, 0 none, -1 error */
int store_digest_last(struct store *st, time_t *until, char *err, size_t errlen);
/*
 * store_digest_record - inside the caller's write transaction: a digest
 * was sent (the caller adds the audit row)
 */
int store_digest_record(struct store *st, time_t sent_at, time_t since, time_t until,
			const char *recipients, const char *message_id, const char *audit_head,
			char *err, size_t errlen);

/* the mail (store_digest_mail.c) */
int store_digest_mail(struct store *st, struct store_digest *d, char *err, size_t errlen);
/* store_digest_buckets - lay out the charts' bars over [since, until) */
void store_digest_buckets(struct store_digest *d);

#endif
