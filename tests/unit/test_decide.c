/*
 * test_decide.c - the decision for every action, mode and --over; the
 * combining order; exempt mixes at RCPT and at end of message; header-only
 * and Sender/Reply-To-only matches. test_decide_scope.c has what limits a
 * decision's reach (trial, internal mail, phases, dates, who matched).
 *
 * Each test states restrictions with rs() and a message with msg(), then
 * reads the decision as a reader of SPEC would.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide_fixture.h"
#include "check_helpers.h"

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

int main(void)
{
	Suite *su = suite_create("decide");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_block_envelope_refused_at_rcpt);
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
	suite_add_tcase(su, tc);
	return check_run(su);
}
