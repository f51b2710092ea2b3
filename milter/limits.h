/*
 * limits.h - the in-memory counts behind `limit` restrictions.
 *
 * Per person (service user id): the accepted messages, each with its time
 * and key (Message-ID, else queue id), so a message counts once however
 * many transactions carry it. Counting is atomic across connections: the
 * first count a decision asks for takes the limits lock, and the same
 * message's commit releases it, so two connections cannot both slip under
 * a limit. Rebuilt from the events table at start.
 */
#ifndef RM_LIMITS_H
#define RM_LIMITS_H

#include <stddef.h>
#include <time.h>

struct store;

/* entries kept per person; the oldest go first */
#define LIMITS_PER_USER_MAX 10000
/* the longest window remembered (a PERIOD beyond this counts only this much) */
#define LIMITS_WINDOW_MAX (400LL * 86400)

/* one message's use of the counts: pass as limit_arg with limits_count */
struct limit_txn {
	const char *key;		/* Message-ID, else queue id; NULL = none */
	int locked;			/* this message holds the limits lock */
	int hold;			/* keep the lock until limits_end (end of message) */
	long long *added;		/* people this message was newly counted for */
	size_t nadded;
};

/*
 * limits_count - a limit_count_fn: the person's messages in the rolling
 * period before now, not counting this message's own key.
 */
unsigned limits_count(void *arg, long long user_id, long long period, time_t now);
/* limits_commit - count this message for these people (once per key); needs the lock */
void limits_commit(struct limit_txn *t, const long long *users, size_t n, time_t now);
/* limits_done - keep or take back this message's counts; frees t's list */
void limits_done(struct limit_txn *t, int keep);
/* limits_end - release the lock if this message holds it */
void limits_end(struct limit_txn *t);
/* limits_rebuild - the counts from the events table; -1 with err */
int limits_rebuild(struct store *st, char *err, size_t errlen);
/* limits_free - drop every count (at exit) */
void limits_free(void);

#endif
