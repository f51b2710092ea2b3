/*
 * decide_int.h - what decide.c and decide_finish.c share: one matched
 * person and the effect one restriction has on one recipient.
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

/* decide_finish - end-of-message logic, headers, counts and log summary */
void decide_finish(const struct msg_facts *f, const struct policy *pol,
		   const struct snapshot *snap, struct decision *d);
/* decide_add_header - append one header, value made safe (header.c) */
void decide_add_header(struct decision *d, const char *name, const char *value);

#endif
