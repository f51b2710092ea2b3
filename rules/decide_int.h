/*
 * decide_int.h - what decide.c, decide_senders.c and decide_finish.c
 * share: who is writing (the matched people) and the effect one
 * restriction has on one recipient.
 *
 * Internal to the decision engine; nothing outside rules/ includes it.
 */
#ifndef RM_DECIDE_INT_H
#define RM_DECIDE_INT_H

#include "decide.h"

/* per recipient, the ranking SPEC's combining order uses */
enum effect_rank {
	RANK_DELIVER = 0,
	RANK_FILE_REDIRECT = 1,
	RANK_CONTACT_REDIRECT = 2,
	RANK_HOLD = 3,
	RANK_TEMPFAIL = 4,
	RANK_REJECT = 5,
};

/* the effect of one restriction on one covered recipient */
struct effect {
	enum effect_rank rank;
	const char *target;		/* redirect target (borrowed), NULL none */
	const char *code, *xcode;	/* reply for reject/tempfail */
	char *text;			/* owned reply text */
};

/* message-level marks a restriction leaves, whatever happens per recipient */
struct marks {
	int tag;			/* X-Restriction header */
	int subject_prefix;		/* FileSubjectPrefix */
	const char *copy_to;		/* monitor copy target (borrowed) */
	const char *effect;		/* for trial "would" */
	int breach;
	int over_limit;
};

/* one matched person and the first of the message's addresses that matched them */
struct person_match {
	long long user_id;
	enum matched_kind kind;
	const char *addr;		/* borrowed from the sender_match */
};

/* one address checked: the envelope's or a header mailbox, in the sender_match */
struct sender_ref {
	const char *addr;		/* normalised, borrowed */
	enum matched_kind kind;
	struct sender *who;
};

/* SENDERS_INLINE - senders held without an allocation (envelope, From:, Sender:, Reply-To:...) */
#define SENDERS_INLINE 8
/* the addresses checked, in SPEC's order, the envelope's first */
struct senders {
	struct sender_ref *v;		/* space, or an owned array; the strings are not owned */
	size_t n;
	struct sender_ref space[SENDERS_INLINE];
};

/* who is writing: the senders, the people they match (decide_senders.c) */
struct writers {
	struct sender_match own;	/* used when the facts bring none */
	struct sender_match *sm;	/* the facts' senders, else &own */
	struct senders s;
	struct person_match pm[DECIDE_MAX_USERS];
	size_t npm;
	int sender_null;		/* no envelope sender, or the null one */
};

/* writers_find - collect and match f's senders (not internal mail); limit hits added */
void writers_find(struct writers *w, const struct msg_facts *f, const struct snapshot *snap,
		  const struct policy *pol, struct match_scratch *scratch, unsigned *limit_hits);
void writers_free(struct writers *w);
/* writers_person - the person a message counts for, borrowed from w; NULL none */
const char *writers_person(const struct writers *w);
/* writers_from_verified - the From: is vouched for (the caller, or Authentication-Results) */
int writers_from_verified(const struct writers *w, const struct msg_facts *f,
			  const struct policy *pol);

/* decide_finish - end-of-message logic, headers, counts and log summary */
void decide_finish(const struct msg_facts *f, const struct policy *pol,
		   const struct snapshot *snap, struct decision *d);
/* decide_add_header - append one header, value made safe (header.c) */
void decide_add_header(struct decision *d, const char *name, const char *value);

#endif
