/*
 * test_decide.c - the decision for every action, mode and --over; the
 * combining order; exempt mixes at RCPT and at end of message; header-only,
 * Sender/Reply-To-only, trial and internal mail; HeaderDetail.
 *
 * Each test states restrictions with rs() and a message with msg(), then
 * reads the decision as a reader of SPEC would.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrlist.h"
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

static struct config *cfg;
static struct policy *pol;
static struct snapshot *snap;
static struct match_scratch *scratch;
static unsigned limit_used;		/* what the caller's counter reports */
static struct decision d;

static unsigned fake_count(void *arg, long long user_id, long long period, time_t now)
{
	(void)arg; (void)user_id; (void)period; (void)now;
	return limit_used;
}

/* setup_policy - staff.example with a complaints address, filing and monitor */
static void setup_policy(int filing, int full)
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
static void rs(const struct rspec *specs, size_t n)
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

static void setup(void)
{
	rules_init();
	setup_policy(1, 0);
	scratch = match_scratch_new();
	limit_used = 0;
	decision_init(&d);
}

static void teardown(void)
{
	decision_clear(&d);
	snapshot_unref(snap);
	snap = NULL;
	policy_unref(pol);
	config_unref(cfg);
	match_scratch_free(scratch);
}

/* msg - decide on one message; rcpts is NULL-terminated */
static void msg(enum decide_phase phase, const char *env, const char *from, const char *sender,
		const char *reply_to, int internal, const char *const *rcpts)
{
	struct msg_facts f;
	size_t n = 0;

	while (rcpts[n])
		n++;
	memset(&f, 0, sizeof(f));
	f.phase = phase;
	f.now = NOW;
	f.internal = internal;
	f.env_from = env;
	f.hdr_from = from;
	f.hdr_sender = sender;
	f.hdr_reply_to = reply_to;
	f.rcpts = rcpts;
	f.nrcpts = n;
	f.limit_count = fake_count;
	decision_clear(&d);
	decide(&f, snap, pol, scratch, &d);
}

/* hdr - the value of the nth header called name, or NULL */
static const char *hdr(const char *name, int nth)
{
	size_t i;

	for (i = 0; i < d.nheaders; i++)
		if (strcmp(d.headers[i].name, name) == 0 && nth-- == 0)
			return d.headers[i].value;
	return NULL;
}

#define OUT(i) outcome_name(d.rcpts[i].outcome)
#define STAGE(i) stage_name(d.rcpts[i].stage)
#define ENV "<bob@example.org>"
#define STRANGER "<someone@else.example>"

static const char *const two_staff[] = { "<a@staff.example>", "<b@staff.example>", NULL };
static const char *const staff_and_exempt[] = { "<a@staff.example>", "<Complaints@Staff.Example>", NULL };

START_TEST(test_block_envelope_refused_at_rcpt)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(verdict_name(d.verdict), "reject");
	ck_assert_str_eq(OUT(0), "reject");
	ck_assert_str_eq(STAGE(0), "rcpt");
	ck_assert_str_eq(OUT(1), "reject");
	ck_assert_str_eq(d.rcpts[0].reply.code, "550");
	ck_assert_str_eq(d.rcpts[0].reply.xcode, "5.7.1");
	ck_assert_str_eq(d.rcpts[0].reply.text, pol->block_text);
	ck_assert_ptr_null(d.reply.text);	/* no end-of-message reply */
	ck_assert_uint_eq(d.napplied, 1);
	ck_assert_str_eq(matched_kind_name(d.applied[0].matched), "envelope-from");
	ck_assert_int_eq(d.applied[0].unverified, 0);
}
END_TEST

START_TEST(test_block_custom_message_and_rcpt_phase)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, "message", "Write to us by post.", 0, 0, 0, 0, 0, 0 } };
	static const char *const one[] = { "<a@staff.example>", NULL };
	rs(r, 1);
	/* at RCPT the headers are unknown and ignored, the envelope decides */
	msg(PHASE_RCPT, ENV, "Other <other@x.example>", NULL, NULL, 0, one);
	ck_assert_str_eq(OUT(0), "reject");
	ck_assert_str_eq(STAGE(0), "rcpt");
	ck_assert_str_eq(d.rcpts[0].reply.text, "Write to us by post.");
}
END_TEST

START_TEST(test_block_envelope_exempt_mix_at_rcpt)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, staff_and_exempt);
	ck_assert_str_eq(OUT(0), "reject");
	ck_assert_str_eq(STAGE(0), "rcpt");
	ck_assert_str_eq(OUT(1), "accept");	/* the complaints route stays open */
	ck_assert_int_eq(d.rcpts[1].exempt, 1);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(hdr("X-Restriction", 0), "block; id=1");
	ck_assert_uint_eq(d.remove_rcpts.n, 0);	/* refused at RCPT, nothing to remove */
}
END_TEST

START_TEST(test_block_header_from_refuses_whole_message)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, STRANGER, "\"Bob\" <Bob@Example.org>", NULL, NULL, 0, two_staff);
	ck_assert_str_eq(verdict_name(d.verdict), "reject");
	ck_assert_str_eq(STAGE(0), "eom");
	ck_assert_ptr_nonnull(d.reply.text);
	ck_assert_str_eq(d.reply.code, "550");
	ck_assert_str_eq(matched_kind_name(d.applied[0].matched), "header-from");
	ck_assert_int_eq(d.applied[0].unverified, 1);
	ck_assert_uint_eq(d.nheaders, 0);
}
END_TEST

START_TEST(test_block_header_from_exempt_mix_files_covered)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, STRANGER, "bob@example.org", NULL, NULL, 0, staff_and_exempt);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(OUT(0), "redirect");
	ck_assert_int_eq(d.rcpts[0].filed, 1);
	ck_assert_str_eq(d.rcpts[0].to.v[0], "records@staff.example");
	ck_assert_str_eq(OUT(1), "accept");
	ck_assert_uint_eq(d.remove_rcpts.n, 1);
	ck_assert_str_eq(d.remove_rcpts.v[0], "<a@staff.example>");	/* the exact RCPT argument */
	ck_assert_uint_eq(d.add_rcpts.n, 1);
	ck_assert_str_eq(d.add_rcpts.v[0], "records@staff.example");
	ck_assert_str_eq(hdr("X-Restriction-Original-Recipients", 0), "a@staff.example");
}
END_TEST

START_TEST(test_header_match_without_filing_mailbox_never_drops)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	policy_unref(pol);
	config_unref(cfg);
	setup_policy(0, 0);
	rs(r, 1);
	msg(PHASE_CHECK, STRANGER, "bob@example.org", NULL, NULL, 0, staff_and_exempt);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_uint_eq(d.remove_rcpts.n, 0);
	ck_assert_ptr_nonnull(strstr(d.log_summary, "filing=unset"));
}
END_TEST

START_TEST(test_file_tag_adds_header_and_prefix)
{
	static const struct rspec r[] = { { 12, 1, "bob@example.org", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_str_eq(hdr("X-Restriction", 0), "file; id=12");
	ck_assert_str_eq(d.subject_prefix, "[Read and file]");
	ck_assert_uint_eq(d.add_rcpts.n + d.remove_rcpts.n, 0);
	ck_assert_str_eq(d.applied[0].effect, "file");
}
END_TEST

START_TEST(test_file_redirect_to_mailbox_and_default)
{
	static const struct rspec r[] = {
		{ 1, 1, "bob@example.org", ACTION_FILE, "mode", "redirect", "mailbox", "casework@staff.example", 0, 0, 0, 0 },
		{ 2, 2, "eve@example.org", ACTION_FILE, "mode", "redirect", 0, 0, 0, 0, 0, 0 },
	};
	rs(r, 2);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(OUT(0), "redirect");
	ck_assert_str_eq(d.rcpts[0].to.v[0], "casework@staff.example");
	ck_assert_uint_eq(d.remove_rcpts.n, 2);
	ck_assert_uint_eq(d.add_rcpts.n, 1);	/* added once for both */
	ck_assert_ptr_null(d.subject_prefix);
	msg(PHASE_CHECK, "eve@example.org", NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(d.rcpts[1].to.v[0], "records@staff.example");
}
END_TEST

START_TEST(test_single_contact_redirect_records_breach)
{
	static const struct rspec r[] = { { 3, 1, "bob@example.org", ACTION_SINGLE_CONTACT, "contact", "Liaison@staff.example", 0, 0, 0, 0, 0, 0 } };
	static const char *const rc[] = { "<liaison@staff.example>", "<ceo@staff.example>", "<other@staff.example>", NULL };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, rc);
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_str_eq(OUT(1), "redirect");
	ck_assert_str_eq(OUT(2), "redirect");
	ck_assert_uint_eq(d.remove_rcpts.n, 2);
	ck_assert_uint_eq(d.add_rcpts.n, 0);	/* the contact already receives it */
	ck_assert_int_eq(d.applied[0].breach, 1);
	ck_assert_str_eq(hdr("X-Restriction-Original-Recipients", 0), "ceo@staff.example, other@staff.example");
}
END_TEST

START_TEST(test_single_contact_reject_names_contact)
{
	static const struct rspec r[] = { { 3, 1, "bob@example.org", ACTION_SINGLE_CONTACT, "contact", "liaison@staff.example", "mode", "reject", 0, 0, 0, 0 } };
	static const char *const rc[] = { "<liaison@staff.example>", "<ceo@staff.example>", NULL };
	static const char *const only[] = { "<liaison@staff.example>", NULL };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, rc);
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_str_eq(OUT(1), "reject");
	ck_assert_str_eq(STAGE(1), "rcpt");
	ck_assert_ptr_nonnull(strstr(d.rcpts[1].reply.text, "liaison@staff.example"));
	ck_assert_int_eq(d.applied[0].breach, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, only);
	ck_assert_int_eq(d.applied[0].breach, 0);	/* writing to the contact is no breach */
}
END_TEST

START_TEST(test_limit_under_counts_and_tags)
{
	static const struct rspec r[] = { { 4, 9, "bob@example.org", ACTION_LIMIT, "limit", "1/7d", 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	limit_used = 0;
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(hdr("X-Restriction", 0), "limit; id=4");
	ck_assert_ptr_null(d.subject_prefix);
	ck_assert_uint_eq(d.ncount_users, 1);
	ck_assert_int_eq(d.count_users[0], 9);
	ck_assert_int_eq(d.applied[0].breach, 0);
}
END_TEST

START_TEST(test_limit_over_each_over_action)
{
	static const struct { const char *over, *verdict, *out, *stage; int prefix, counts; } cases[] = {
		{ "file", "accept", "accept", "eom", 1, 1 },
		{ "hold", "hold", "hold", "eom", 0, 0 },
		{ "reject", "reject", "reject", "rcpt", 0, 0 },
		{ "tempfail", "tempfail", "tempfail", "rcpt", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rspec r[] = { { 4, 9, "bob@example.org", ACTION_LIMIT, "limit", "2/1d", "over", cases[i].over, 0, 0, 0, 0 } };
		snapshot_unref(snap);
		rs(r, 1);
		limit_used = 2;
		msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
		ck_assert_msg(strcmp(verdict_name(d.verdict), cases[i].verdict) == 0, "over %s: verdict %s", cases[i].over, verdict_name(d.verdict));
		ck_assert_msg(strcmp(OUT(0), cases[i].out) == 0, "over %s: outcome %s", cases[i].over, OUT(0));
		ck_assert_msg(strcmp(STAGE(0), cases[i].stage) == 0, "over %s: stage %s", cases[i].over, STAGE(0));
		ck_assert_int_eq(d.subject_prefix != NULL, cases[i].prefix);
		ck_assert_int_eq(d.ncount_users, cases[i].counts);
		ck_assert_int_eq(d.applied[0].breach, 1);
		ck_assert_int_eq(d.applied[0].over_limit, 1);
	}
	ck_assert_str_eq(d.rcpts[0].reply.code, "450");
	ck_assert_str_eq(d.rcpts[0].reply.xcode, "4.7.1");
}
END_TEST

START_TEST(test_limit_hold_header_match_with_exempt_files)
{
	static const struct rspec r[] = { { 4, 9, "bob@example.org", ACTION_LIMIT, "limit", "1/1d", "over", "hold", 0, 0, 0, 0 } };
	rs(r, 1);
	limit_used = 5;
	msg(PHASE_CHECK, STRANGER, "bob@example.org", NULL, NULL, 0, staff_and_exempt);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_int_eq(d.rcpts[0].filed, 1);
	ck_assert_uint_eq(d.ncount_users, 0);	/* filed, not delivered to the covered recipient */
}
END_TEST

START_TEST(test_monitor_adds_copy_with_default_and_option)
{
	static const struct rspec r[] = {
		{ 5, 1, "bob@example.org", ACTION_MONITOR, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 6, 2, "eve@example.org", ACTION_MONITOR, "copy-to", "audit@staff.example", 0, 0, 0, 0, 0, 0 },
	};
	rs(r, 2);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_uint_eq(d.add_rcpts.n, 1);
	ck_assert_str_eq(d.add_rcpts.v[0], "monitor@staff.example");
	ck_assert_str_eq(hdr("X-Restriction", 0), "monitor; id=5");
	msg(PHASE_CHECK, "eve@example.org", NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(d.add_rcpts.v[0], "audit@staff.example");
}
END_TEST

START_TEST(test_watch_only_tags)
{
	static const struct rspec r[] = { { 7, 1, "bob@example.org", ACTION_WATCH, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(hdr("X-Restriction", 0), "watch; id=7");
	ck_assert_ptr_null(d.subject_prefix);
	ck_assert_uint_eq(d.add_rcpts.n + d.remove_rcpts.n, 0);
}
END_TEST

START_TEST(test_combining_strongest_wins)
{
	static const struct rspec r[] = {
		{ 1, 1, "bob@example.org", ACTION_FILE, "mode", "redirect", 0, 0, 0, 0, 0, 0 },
		{ 2, 1, NULL, ACTION_SINGLE_CONTACT, "contact", "liaison@staff.example", 0, 0, 0, 0, 0, 0 },
		{ 3, 2, "eve@example.org", ACTION_LIMIT, "limit", "1/1d", "over", "hold", 0, 0, 0, 0 },
		{ 4, 2, NULL, ACTION_LIMIT, "limit", "1/1d", "over", "tempfail", 0, 0, 0, 0 },
		{ 5, 3, "mal@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 6, 3, NULL, ACTION_LIMIT, "limit", "1/1d", "over", "tempfail", 0, 0, 0, 0 },
	};
	rs(r, 6);
	limit_used = 3;
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);	/* contact redirect beats file redirect */
	ck_assert_str_eq(OUT(0), "redirect");
	ck_assert_str_eq(d.rcpts[0].to.v[0], "liaison@staff.example");
	ck_assert_int_eq(d.rcpts[0].restriction_id, 2);
	ck_assert_uint_eq(d.nheaders, 3);	/* two tags and Original-Recipients */
	msg(PHASE_CHECK, "eve@example.org", NULL, NULL, NULL, 0, two_staff);	/* tempfail beats hold */
	ck_assert_str_eq(OUT(0), "tempfail");
	ck_assert_int_eq(d.rcpts[0].restriction_id, 4);
	msg(PHASE_CHECK, "mal@example.org", NULL, NULL, NULL, 0, two_staff);	/* reject beats tempfail */
	ck_assert_str_eq(OUT(0), "reject");
	ck_assert_int_eq(d.rcpts[0].restriction_id, 5);
}
END_TEST

START_TEST(test_sender_or_reply_to_only_tags_and_files)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, STRANGER, "Office <office@mp.example>", "bob@example.org", NULL, 0, two_staff);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_str_eq(hdr("X-Restriction", 0), "file; id=1");
	ck_assert_str_eq(d.subject_prefix, "[Read and file]");
	ck_assert_str_eq(matched_kind_name(d.applied[0].matched), "header-sender");
	msg(PHASE_CHECK, STRANGER, "office@mp.example", NULL, "a@x.example, Bob <bob@example.org>", 0, two_staff);
	ck_assert_str_eq(OUT(1), "accept");
	ck_assert_str_eq(matched_kind_name(d.applied[0].matched), "header-reply-to");
}
END_TEST

START_TEST(test_trial_changes_nothing_and_records_would)
{
	static const struct rspec r[] = { { 8, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 1, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, staff_and_exempt);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_uint_eq(d.nheaders, 0);
	ck_assert_ptr_null(d.subject_prefix);
	ck_assert_int_eq(d.applied[0].trial, 1);
	ck_assert_str_eq(d.applied[0].would.effect, "reject");
	ck_assert_uint_eq(d.applied[0].would.recipients.n, 1);
	ck_assert_str_eq(d.applied[0].would.recipients.v[0], "a@staff.example");
}
END_TEST

START_TEST(test_internal_mail_is_never_restricted)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, "bob@example.org", NULL, NULL, 1, two_staff);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_uint_eq(d.napplied, 0);
	ck_assert_uint_eq(d.nheaders, 0);
}
END_TEST

START_TEST(test_header_detail_full)
{
	static const struct rspec r[] = { { 12, 1, "bob@example.org", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, "C-2031" } };
	policy_unref(pol);
	config_unref(cfg);
	setup_policy(1, 1);
	rs(r, 1);
	msg(PHASE_CHECK, STRANGER, "Bob <bob@example.org>", NULL, NULL, 0, two_staff);
	ck_assert_str_eq(hdr("X-Restriction", 0), "file; id=12; case=C-2031; matched=header-from:bob@example.org");
}
END_TEST

START_TEST(test_eom_phase_refuses_whole_message_for_envelope_match)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_LIMIT, "limit", "1/1d", "over", "reject", 0, 0, 0, 0 } };
	rs(r, 1);
	limit_used = 1;	/* a concurrent message used the allowance after RCPT */
	msg(PHASE_EOM, ENV, NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(STAGE(0), "eom");
	ck_assert_str_eq(verdict_name(d.verdict), "reject");
	ck_assert_ptr_nonnull(d.reply.text);
}
END_TEST

START_TEST(test_non_staff_recipients_are_not_covered)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	static const char *const rc[] = { "<friend@elsewhere.example>", NULL };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, rc);
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_uint_eq(d.napplied, 0);
}
END_TEST

START_TEST(test_restrictions_out_of_force_are_ignored)
{
	static const struct rspec r[] = {
		{ 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, NOW - 100, NOW - 1, 0 },	/* ended */
		{ 2, 1, NULL, ACTION_BLOCK, 0, 0, 0, 0, 0, NOW + 100, 0, 0 },			/* not started */
	};
	rs(r, 2);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_uint_eq(d.napplied, 0);
}
END_TEST

START_TEST(test_envelope_and_header_match_different_people)
{
	static const struct rspec r[] = {
		{ 1, 1, "@example.org", ACTION_WATCH, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 2, 2, "/^mal.*@x\\.example$/", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, 0 },
	};
	rs(r, 2);
	msg(PHASE_CHECK, "anyone@example.org", "Mal <Malory@X.example>", NULL, NULL, 0, two_staff);
	ck_assert_uint_eq(d.napplied, 2);
	ck_assert_str_eq(matched_kind_name(d.applied[0].matched), "envelope-from");
	ck_assert_str_eq(matched_kind_name(d.applied[1].matched), "header-from");
	ck_assert_str_eq(d.person, "anyone@example.org");
}
END_TEST

/* decide_with - like msg() at phase, with the message's envelope match env */
static void decide_with(enum decide_phase phase, struct env_match *env, const char *env_from,
			const char *from, const char *const *rcpts, size_t n)
{
	struct msg_facts f;

	memset(&f, 0, sizeof(f));
	f.phase = phase;
	f.now = NOW;
	f.env_from = env_from;
	f.hdr_from = from;
	f.rcpts = rcpts;
	f.nrcpts = n;
	f.limit_count = fake_count;
	f.env = env;
	decision_clear(&d);
	decide(&f, snap, pol, scratch, &d);
}

/* one message's decisions sharing an env_match decide as if each matched anew */
START_TEST(test_envelope_match_reused_across_a_message_decides_the_same)
{
	static const struct rspec r[] = {
		{ 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 2, 2, "/^mal.*@x\\.example$/", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, 0 },
	};
	static const char *const senders[] = { "<Bob+x@Example.org>", "<malory@x.example>", "<>",
					       "not an address", STRANGER };
	char *want_rcpt, *want_eom, *want_person;
	struct env_match env;
	size_t i;

	rs(r, 2);
	for (i = 0; i < sizeof(senders) / sizeof(senders[0]); i++) {
		decide_with(PHASE_RCPT, NULL, senders[i], NULL, two_staff, 1);
		want_rcpt = strdup(d.log_summary);
		decide_with(PHASE_EOM, NULL, senders[i], "Mal <malory@x.example>", two_staff, 2);
		want_eom = strdup(d.log_summary);
		want_person = d.person ? strdup(d.person) : NULL;

		memset(&env, 0, sizeof(env));
		decide_with(PHASE_RCPT, &env, senders[i], NULL, two_staff, 1);
		ck_assert_str_eq(d.log_summary, want_rcpt);
		ck_assert_int_eq(env.normalised, 1);
		ck_assert_int_eq(env.matched, env.result == ADDR_OK);
		if (i == 0) {	/* the cache holds what matching found */
			ck_assert_str_eq(env.norm, "bob@example.org");
			ck_assert_uint_eq(env.nusers, 1);
			ck_assert_int_eq(env.users[0], 1);
		}
		decide_with(PHASE_RCPT, &env, senders[i], NULL, two_staff + 1, 1);
		decide_with(PHASE_EOM, &env, senders[i], "Mal <malory@x.example>", two_staff, 2);
		ck_assert_str_eq(d.log_summary, want_eom);
		if (want_person)
			ck_assert_str_eq(d.person, want_person);
		else
			ck_assert_ptr_null(d.person);
		env_match_clear(&env);
		ck_assert_ptr_null(env.norm);
		free(want_rcpt);
		free(want_eom);
		free(want_person);
	}
}
END_TEST

START_TEST(test_null_sender_matches_nothing)
{
	static const struct rspec r[] = { { 1, 1, "@.example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, "<>", NULL, NULL, NULL, 0, two_staff);
	ck_assert_int_eq(d.sender_null, 1);
	ck_assert_str_eq(OUT(0), "accept");
	ck_assert_ptr_null(d.person);
}
END_TEST

START_TEST(test_subaddress_and_srs_sender_match)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	rs(r, 1);
	msg(PHASE_CHECK, "<Bob+complaint@EXAMPLE.org>", NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(OUT(0), "reject");
	msg(PHASE_CHECK, "SRS0=a1b2=T5=example.org=bob@relay.example.net", NULL, NULL, NULL, 0, two_staff);
	ck_assert_str_eq(OUT(0), "reject");
}
END_TEST

START_TEST(test_exempt_only_is_tagged_not_refused)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	static const char *const rc[] = { "<complaints@staff.example>", NULL };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, "bob@example.org", NULL, NULL, 0, rc);
	ck_assert_str_eq(verdict_name(d.verdict), "accept");
	ck_assert_str_eq(hdr("X-Restriction", 0), "block; id=1");
	ck_assert_str_eq(d.applied[0].effect, "tag");
}
END_TEST

START_TEST(test_log_summary_has_ids_not_names)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, "message", "Secret reason C-99", 0, 0, 0, 0, 0, "C-99" } };
	rs(r, 1);
	msg(PHASE_CHECK, ENV, "\"Bob Name\" <bob@example.org>", NULL, NULL, 0, two_staff);
	ck_assert_ptr_nonnull(strstr(d.log_summary, "1:block:envelope-from"));
	ck_assert_ptr_null(strstr(d.log_summary, "C-99"));
	ck_assert_ptr_null(strstr(d.log_summary, "Bob Name"));
}
END_TEST

START_TEST(test_trusted_authres_verifies_header_from)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, 0 } };
	static const char *const ar_trusted[] = { "mx.staff.example; dmarc=pass header.from=example.org" };
	static const char *const ar_forged[] = { "evil.example; dmarc=pass header.from=example.org" };
	struct msg_facts f;

	policy_unref(pol);
	strlist_add(&cfg->trusted_authserv_ids, "mx.staff.example");
	{
		char err[256];
		ck_assert_msg(policy_new(cfg, &pol, err, sizeof(err)) == 0, "%s", err);
	}
	rs(r, 1);
	memset(&f, 0, sizeof(f));
	f.phase = PHASE_CHECK;
	f.now = NOW;
	f.env_from = STRANGER;
	f.hdr_from = "Bob <bob@example.org>";
	f.rcpts = two_staff;
	f.nrcpts = 2;
	f.auth_results = ar_trusted;
	f.nauth_results = 1;
	decide(&f, snap, pol, scratch, &d);
	ck_assert_int_eq(d.applied[0].unverified, 0);
	decision_clear(&d);
	f.auth_results = ar_forged;
	decide(&f, snap, pol, scratch, &d);
	ck_assert_int_eq(d.applied[0].unverified, 1);
}
END_TEST

START_TEST(test_header_values_are_safe)
{
	static const struct rspec r[] = { { 12, 1, "bob@example.org", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, "C-1\r\nBcc: x@evil.example" } };
	size_t i;
	policy_unref(pol);
	config_unref(cfg);
	setup_policy(1, 1);
	rs(r, 1);
	msg(PHASE_CHECK, ENV, NULL, NULL, NULL, 0, two_staff);
	for (i = 0; i < d.nheaders; i++) {
		ck_assert_ptr_null(strchr(d.headers[i].value, '\r'));
		ck_assert_ptr_null(strstr(d.headers[i].value, "\nBcc"));
	}
}
END_TEST

int main(void)
{
	Suite *su = suite_create("decide");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_block_envelope_refused_at_rcpt);
	tcase_add_test(tc, test_envelope_match_reused_across_a_message_decides_the_same);
	tcase_add_test(tc, test_block_custom_message_and_rcpt_phase);
	tcase_add_test(tc, test_block_envelope_exempt_mix_at_rcpt);
	tcase_add_test(tc, test_block_header_from_refuses_whole_message);
	tcase_add_test(tc, test_block_header_from_exempt_mix_files_covered);
	tcase_add_test(tc, test_header_match_without_filing_mailbox_never_drops);
	tcase_add_test(tc, test_file_tag_adds_header_and_prefix);
	tcase_add_test(tc, test_file_redirect_to_mailbox_and_default);
	tcase_add_test(tc, test_single_contact_redirect_records_breach);
	tcase_add_test(tc, test_single_contact_reject_names_contact);
	tcase_add_test(tc, test_limit_under_counts_and_tags);
	tcase_add_test(tc, test_limit_over_each_over_action);
	tcase_add_test(tc, test_limit_hold_header_match_with_exempt_files);
	tcase_add_test(tc, test_monitor_adds_copy_with_default_and_option);
	tcase_add_test(tc, test_watch_only_tags);
	tcase_add_test(tc, test_combining_strongest_wins);
	tcase_add_test(tc, test_sender_or_reply_to_only_tags_and_files);
	tcase_add_test(tc, test_trial_changes_nothing_and_records_would);
	tcase_add_test(tc, test_internal_mail_is_never_restricted);
	tcase_add_test(tc, test_header_detail_full);
	tcase_add_test(tc, test_eom_phase_refuses_whole_message_for_envelope_match);
	tcase_add_test(tc, test_non_staff_recipients_are_not_covered);
	tcase_add_test(tc, test_restrictions_out_of_force_are_ignored);
	tcase_add_test(tc, test_envelope_and_header_match_different_people);
	tcase_add_test(tc, test_null_sender_matches_nothing);
	tcase_add_test(tc, test_subaddress_and_srs_sender_match);
	tcase_add_test(tc, test_exempt_only_is_tagged_not_refused);
	tcase_add_test(tc, test_log_summary_has_ids_not_names);
	tcase_add_test(tc, test_header_values_are_safe);
	tcase_add_test(tc, test_trusted_authres_verifies_header_from);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
