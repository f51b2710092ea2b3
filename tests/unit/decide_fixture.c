/*
 * decide_fixture.c - the shared set-up of the decision-engine tests
 * (decide_fixture.h): a policy for staff.example, a snapshot built from
 * restriction specs, and one decide() call per message with a fixed clock
 * and a limit counter the test sets.
 */
#include "decide_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "addrlist.h"

struct config *cfg;
struct policy *pol;
struct snapshot *snap;
struct match_scratch *scratch;
unsigned limit_used;
struct decision d;

unsigned fake_count(void *arg, long long user_id, long long period, time_t now)
{
	(void)arg; (void)user_id; (void)period; (void)now;
	return limit_used;
}

/* setup_policy - staff.example with a complaints address, filing and monitor */
void setup_policy(int filing, int full)
{
	char err[256];

	cfg = config_defaults();
	strlist_add(&cfg->staff_domains, "staff.example");
	strlist_add(&cfg->exempt_recipients, "complaints@staff.example");
	if (filing)
		cfg->filing_mailbox = strdup("records@staff.example");
	cfg->monitor_mailbox = strdup("monitor@staff.example");
	cfg->header_detail = full ? HEADER_DETAIL_FULL : HEADER_DETAIL_MINIMAL;
	ck_assert_msg(policy_new(cfg, &pol, err, sizeof(err)) == 0, "%s", err);
}

/* rs - build the snapshot from restriction specs */
void rs(const struct rspec *specs, size_t n)
{
	struct snapshot_builder *b = snapshot_builder_new(&pol->addr);
	char err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		struct restriction r;
		memset(&r, 0, sizeof(r));
		r.id = specs[i].id;
		r.user_id = specs[i].user;
		r.trial = specs[i].trial;
		r.starts = specs[i].starts ? specs[i].starts : NOW - 86400;
		r.ends = specs[i].ends;
		r.case_ref = (char *)specs[i].case_ref;
		action_opts_init(&r.opts, specs[i].action);
		if (specs[i].opt1)
			ck_assert_msg(action_opts_set(&r.opts, specs[i].opt1, specs[i].val1, err, sizeof(err)) == 0, "%s", err);
		if (specs[i].opt2)
			ck_assert_msg(action_opts_set(&r.opts, specs[i].opt2, specs[i].val2, err, sizeof(err)) == 0, "%s", err);
		snapshot_builder_add_restriction(b, &r);
		action_opts_clear(&r.opts);
		if (specs[i].selector)
			ck_assert_msg(snapshot_builder_add_selector(b, specs[i].user, specs[i].selector, err, sizeof(err)) == 0, "%s", err);
	}
	snap = snapshot_builder_finish(b, 1);
}

void setup(void)
{
	rules_init();
	setup_policy(1, 0);
	scratch = match_scratch_new();
	limit_used = 0;
	decision_init(&d);
}

void teardown(void)
{
	decision_clear(&d);
	snapshot_unref(snap);
	snap = NULL;
	policy_unref(pol);
	config_unref(cfg);
	match_scratch_free(scratch);
}

void facts(struct msg_facts *f, enum decide_phase phase, const char *env, const char *from,
	   const char *const *rcpts, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->phase = phase;
	f->now = NOW;
	f->env_from = env;
	f->hdr_from = from;
	f->rcpts = rcpts;
	f->nrcpts = n;
	f->limit_count = fake_count;
}

void decide_facts(const struct msg_facts *f)
{
	decision_clear(&d);
	decide(f, snap, pol, scratch, &d);
}

/* msg - decide on one message; rcpts is NULL-terminated */
void msg(enum decide_phase phase, const char *env, const char *from, const char *sender,
		const char *reply_to, int internal, const char *const *rcpts)
{
	struct msg_facts f;
	size_t n = 0;

	while (rcpts[n])
		n++;
	facts(&f, phase, env, from, rcpts, n);
	f.internal = internal;
	f.hdr_sender = sender;
	f.hdr_reply_to = reply_to;
	decide_facts(&f);
}

/* hdr - the value of the nth header called name, or NULL */
const char *hdr(const char *name, int nth)
{
	size_t i;

	for (i = 0; i < d.nheaders; i++)
		if (strcmp(d.headers[i].name, name) == 0 && nth-- == 0)
			return d.headers[i].value;
	return NULL;
}

const char *const two_staff[] = { "<a@staff.example>", "<b@staff.example>", NULL };
const char *const staff_and_exempt[] = { "<a@staff.example>", "<Complaints@Staff.Example>", NULL };

