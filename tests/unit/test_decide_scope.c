/*
 * test_decide_scope.c - what bounds a decision: trial restrictions, internal
 * mail, HeaderDetail, the RCPT and end-of-message phases, non-staff
 * recipients, restrictions out of force, who matched (envelope, headers,
 * null sender, subaddress, SRS, Authentication-Results), the senders and
 * recipients reused across a message's decisions, and what reaches the log
 * and headers.
 *
 * The same fixture as test_decide.c (decide_fixture.h).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide_fixture.h"
#include "check_helpers.h"

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

/* decide_with - like msg() at phase, with the message's sender_match sm and rcpt_addrs */
static void decide_with(enum decide_phase phase, struct sender_match *sm, const char *env_from,
			const char *from, const char *const *rcpts, size_t n,
			const char *const *rcpt_addrs)
{
	struct msg_facts f;

	facts(&f, phase, env_from, from, rcpts, n);
	f.senders = sm;
	f.rcpt_addrs = rcpt_addrs;
	decide_facts(&f);
}

/* fresh - the log summary and person of a decision that shares nothing (caller frees) */
static char *fresh(enum decide_phase phase, const char *env_from, const char *from,
		   const char *const *rcpts, size_t n, char **person)
{
	decide_with(phase, NULL, env_from, from, rcpts, n, NULL);
	*person = d.person ? strdup(d.person) : NULL;
	return strdup(d.log_summary);
}

static void assert_same(const char *summary, const char *person)
{
	ck_assert_str_eq(d.log_summary, summary);
	if (person)
		ck_assert_str_eq(d.person, person);
	else
		ck_assert_ptr_null(d.person);
}

/*
 * one message's decisions sharing a sender_match (and recipients normalised
 * at RCPT) decide as if each matched anew; changed header values are seen
 */
START_TEST(test_sender_match_reused_across_a_message_decides_the_same)
{
	static const struct rspec r[] = {
		{ 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 2, 2, "/^mal.*@x\\.example$/", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, 0 },
	};
	static const char *const senders[] = { "<Bob+x@Example.org>", "<malory@x.example>", "<>",
					       "not an address", STRANGER };
	static const char *const froms[] = { "Mal <malory@x.example>",
					     "not one, Bob <BOB@example.org>, x@y.example", NULL };
	static const char *const other_from = "Bob <bob@example.org>";
	char *want_rcpt, *want_eom, *want_other, *p_rcpt, *p_eom, *p_other;
	char *addrs[2];
	struct sender_match sm;
	size_t i, h;

	rs(r, 2);
	for (i = 0; i < sizeof(senders) / sizeof(senders[0]); i++)
	for (h = 0; h < sizeof(froms) / sizeof(froms[0]); h++) {
		want_rcpt = fresh(PHASE_RCPT, senders[i], NULL, two_staff, 1, &p_rcpt);
		want_eom = fresh(PHASE_EOM, senders[i], froms[h], two_staff, 2, &p_eom);
		want_other = fresh(PHASE_EOM, senders[i], other_from, two_staff, 2, &p_other);

		memset(&sm, 0, sizeof(sm));
		decide_with(PHASE_RCPT, &sm, senders[i], NULL, two_staff, 1, NULL);
		assert_same(want_rcpt, p_rcpt);
		addrs[0] = strdup(d.rcpts[0].address ? d.rcpts[0].address : "");
		ck_assert_int_eq(sm.normalised, 1);
		ck_assert_int_eq(sm.env.matched, sm.result == ADDR_OK);
		ck_assert_int_eq(sm.headers_collected, 0);	/* RCPT has no headers */
		if (i == 0) {	/* the cache holds what matching found */
			ck_assert_str_eq(sm.env.norm, "bob@example.org");
			ck_assert_uint_eq(sm.env.nusers, 1);
			ck_assert_int_eq(sm.env.users[0], 1);
		}
		decide_with(PHASE_RCPT, &sm, senders[i], NULL, two_staff + 1, 1, NULL);
		addrs[1] = strdup(d.rcpts[0].address ? d.rcpts[0].address : "");
		/* body check, then end of message: headers collected once, recipients from RCPT */
		decide_with(PHASE_EOM, &sm, senders[i], froms[h], two_staff, 2,
			    (const char *const *)addrs);
		assert_same(want_eom, p_eom);
		ck_assert_int_eq(sm.headers_collected, 1);
		if (h == 0) {
			ck_assert_uint_eq(sm.nhdr, 1);
			ck_assert_str_eq(sm.from_first, "malory@x.example");
			/* matched unless the envelope is the same address (matched there) */
			ck_assert_int_eq(sm.hdr[0].matched, i != 1);
			if (i != 1) {
				ck_assert_uint_eq(sm.hdr[0].nusers, 1);
				ck_assert_int_eq(sm.hdr[0].users[0], 2);
			}
		} else if (h == 1) {	/* "not one" is no mailbox: Bob's is the first */
			ck_assert_uint_eq(sm.nhdr, 2);
			ck_assert_str_eq(sm.from_first, "bob@example.org");
		} else {
			ck_assert_uint_eq(sm.nhdr, 0);
		}
		decide_with(PHASE_EOM, &sm, senders[i], froms[h], two_staff, 2,
			    (const char *const *)addrs);
		assert_same(want_eom, p_eom);
		/* a From: that changed is collected again, not taken from the cache */
		decide_with(PHASE_EOM, &sm, senders[i], other_from, two_staff, 2,
			    (const char *const *)addrs);
		assert_same(want_other, p_other);
		ck_assert_str_eq(sm.from_first, "bob@example.org");
		sender_match_clear(&sm);
		ck_assert_ptr_null(sm.env.norm);
		ck_assert_ptr_null(sm.hdr);
		free(addrs[0]);
		free(addrs[1]);
		free(want_rcpt);
		free(want_eom);
		free(want_other);
		free(p_rcpt);
		free(p_eom);
		free(p_other);
	}
}
END_TEST

/* recipients the caller normalised earlier: "" is one that did not parse */
START_TEST(test_rcpt_addrs_from_caller_are_used_as_given)
{
	static const struct rspec r[] = { { 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 } };
	static const char *const raw[] = { "<A@Staff.Example>", "<not an address>" };
	static const char *const norm[] = { "a@staff.example", "" };

	char *want;

	rs(r, 1);
	decide_with(PHASE_EOM, NULL, ENV, NULL, raw, 2, NULL);
	want = strdup(d.log_summary);
	decide_with(PHASE_EOM, NULL, ENV, NULL, raw, 2, norm);
	ck_assert_str_eq(d.log_summary, want);
	ck_assert_str_eq(d.rcpts[0].address, "a@staff.example");
	ck_assert_int_eq(d.rcpts[0].staff, 1);
	ck_assert_int_eq(d.rcpts[0].covered, 1);
	ck_assert_ptr_null(d.rcpts[1].address);
	ck_assert_int_eq(d.rcpts[1].staff, 0);
	ck_assert_str_eq(d.rcpts[0].rcpt, "<A@Staff.Example>");
	free(want);
}
END_TEST

/*
 * decide_anyone_restricted is decide()'s first step: with staff recipients it
 * says 1 exactly when decide() applies something, at RCPT only by the
 * envelope, never for internal mail; a decision sharing its sender_match
 * after it decides the same
 */
START_TEST(test_anyone_restricted_agrees_with_decide)
{
	static const struct rspec r[] = {
		{ 1, 1, "bob@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 2, 2, "/^mal.*@x\\.example$/", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 3, 3, "carol@example.org", ACTION_BLOCK, 0, 0, 0, 0, 0, NOW - 100, NOW - 1, 0 },
		{ 4, 4, "dave@example.org", ACTION_WATCH, 0, 0, 0, 0, 1, 0, 0, 0 },	/* trial */
	};
	static const char *const senders[] = { ENV, "<carol@example.org>", "<dave@example.org>",
					       "<>", STRANGER, NULL };
	static const char *const froms[] = { NULL, "Mal <malory@x.example>", "carol@example.org",
					     "x@y.example, Bob <bob@example.org>" };
	static const enum decide_phase phases[] = { PHASE_RCPT, PHASE_EOM };
	struct sender_match sm;
	struct msg_facts f;
	size_t i, h, p;
	int internal, any, n = 0;
	char *want;

	rs(r, 4);
	for (i = 0; i < sizeof(senders) / sizeof(senders[0]); i++)
	for (h = 0; h < sizeof(froms) / sizeof(froms[0]); h++)
	for (p = 0; p < 2; p++)
	for (internal = 0; internal < 2; internal++) {
		facts(&f, phases[p], senders[i], froms[h], two_staff, 2);
		f.internal = internal;
		any = decide_anyone_restricted(&f, snap, pol, scratch);
		decide_facts(&f);
		ck_assert_msg(any == (d.napplied > 0), "sender %zu from %zu phase %zu internal %d: "
			      "anyone %d, decide applied %zu", i, h, p, internal, any, d.napplied);
		n += any;
		want = strdup(d.log_summary);
		memset(&sm, 0, sizeof(sm));
		f.senders = &sm;
		ck_assert_int_eq(decide_anyone_restricted(&f, snap, pol, scratch), any);
		decide_facts(&f);
		ck_assert_str_eq(d.log_summary, want);
		sender_match_clear(&sm);
		free(want);
	}
	ck_assert_int_gt(n, 0);	/* some cases do match: the comparison is not all zeros */
}
END_TEST

/* big_list - "uN@x.example, ..." n mailboxes, with who at position at (caller frees) */
static char *big_list(int n, int at, const char *who)
{
	size_t cap = (size_t)n * 32 + 64, len = 0;
	char *v = malloc(cap);
	int i;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < n; i++) {
		if (i == at)
			len += (size_t)snprintf(v + len, cap - len, "%s%s", i ? ", " : "", who);
		else
			len += (size_t)snprintf(v + len, cap - len, "%su%d@x.example", i ? ", " : "", i);
	}
	return v;
}

/* at most DECIDE_MAX_HEADER_ADDRS mailboxes of each header are kept and matched */
START_TEST(test_header_mailboxes_capped_per_header)
{
	static const struct rspec r[] = {
		{ 1, 1, "bob@example.org", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 2, 2, "mal@example.org", ACTION_FILE, 0, 0, 0, 0, 0, 0, 0, 0 },
	};
	char *within = big_list(250, 50, "bob@example.org");
	char *beyond = big_list(250, 150, "mal@example.org");
	struct sender_match sm;
	struct msg_facts f;

	rs(r, 2);
	memset(&sm, 0, sizeof(sm));
	facts(&f, PHASE_EOM, STRANGER, within, two_staff, 2);
	f.hdr_sender = beyond;
	f.hdr_reply_to = within;
	f.senders = &sm;
	decide_facts(&f);
	ck_assert_uint_eq(sm.nhdr, 3 * DECIDE_MAX_HEADER_ADDRS);
	ck_assert_str_eq(sm.from_first, "u0@x.example");
	ck_assert_uint_eq(d.napplied, 1);	/* bob (50th) matched; mal (150th) not looked at */
	ck_assert_int_eq(d.applied[0].user_id, 1);
	sender_match_clear(&sm);
	free(within);
	free(beyond);
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
	facts(&f, PHASE_CHECK, STRANGER, "Bob <bob@example.org>", two_staff, 2);
	f.auth_results = ar_trusted;
	f.nauth_results = 1;
	decide_facts(&f);
	ck_assert_int_eq(d.applied[0].unverified, 0);
	f.auth_results = ar_forged;
	decide_facts(&f);
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
	Suite *su = suite_create("decide_scope");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_trial_changes_nothing_and_records_would);
	tcase_add_test(tc, test_internal_mail_is_never_restricted);
	tcase_add_test(tc, test_header_detail_full);
	tcase_add_test(tc, test_eom_phase_refuses_whole_message_for_envelope_match);
	tcase_add_test(tc, test_non_staff_recipients_are_not_covered);
	tcase_add_test(tc, test_restrictions_out_of_force_are_ignored);
	tcase_add_test(tc, test_envelope_and_header_match_different_people);
	tcase_add_test(tc, test_sender_match_reused_across_a_message_decides_the_same);
	tcase_add_test(tc, test_rcpt_addrs_from_caller_are_used_as_given);
	tcase_add_test(tc, test_anyone_restricted_agrees_with_decide);
	tcase_add_test(tc, test_header_mailboxes_capped_per_header);
	tcase_add_test(tc, test_null_sender_matches_nothing);
	tcase_add_test(tc, test_subaddress_and_srs_sender_match);
	tcase_add_test(tc, test_exempt_only_is_tagged_not_refused);
	tcase_add_test(tc, test_log_summary_has_ids_not_names);
	tcase_add_test(tc, test_trusted_authres_verifies_header_from);
	tcase_add_test(tc, test_header_values_are_safe);
	suite_add_tcase(su, tc);
	return check_run(su);
}
