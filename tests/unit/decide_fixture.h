/*
 * decide_fixture.h - what test_decide.c and test_decide_scope.c share: the
 * fixture's state, rs() to state restrictions, msg() to decide on one
 * message, hdr() to read an added header, and a few addresses. Each test
 * runs in its own process (Check forks), so the globals are per test.
 */
#ifndef RM_DECIDE_FIXTURE_H
#define RM_DECIDE_FIXTURE_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "decide.h"
#include "policy.h"
#include "snapshot.h"

#define NOW 1795770000	/* 2026-11-27, a fixed clock */

struct rspec {
	long long id, user;
	const char *selector;
	enum action action;
	const char *opt1, *val1, *opt2, *val2;
	int trial;
	time_t starts, ends;
	const char *case_ref;
};

extern struct config *cfg;
extern struct policy *pol;
extern struct snapshot *snap;
extern struct match_scratch *scratch;
extern unsigned limit_used;		/* what the caller's counter reports */
extern struct decision d;		/* the last msg()'s decision */

/* fake_count - the limit counter decide() is given: reports limit_used */
unsigned fake_count(void *arg, long long user_id, long long period, time_t now);
/* setup_policy - staff.example with a complaints address, monitor, filing if asked */
void setup_policy(int filing, int full);
/* rs - build the snapshot from restriction specs */
void rs(const struct rspec *specs, size_t n);
void setup(void);	/* Check fixture: the default policy, a scratch, an empty decision */
void teardown(void);
/* facts - f zeroed, then what every test message shares: phase, NOW, envelope, From:, n recipients, fake_count */
void facts(struct msg_facts *f, enum decide_phase phase, const char *env, const char *from,
	   const char *const *rcpts, size_t n);
/* decide_facts - d cleared and decided anew from f */
void decide_facts(const struct msg_facts *f);
/* msg - decide on one message; rcpts is NULL-terminated */
void msg(enum decide_phase phase, const char *env, const char *from, const char *sender,
	 const char *reply_to, int internal, const char *const *rcpts);
/* hdr - the value of the nth header called name in d, or NULL */
const char *hdr(const char *name, int nth);

#define OUT(i) outcome_name(d.rcpts[i].outcome)
#define STAGE(i) stage_name(d.rcpts[i].stage)
#define ENV "<bob@example.org>"
#define STRANGER "<someone@else.example>"

extern const char *const two_staff[];
extern const char *const staff_and_exempt[];

#endif
