/*
 * test_snapshot.c - selectors and the snapshot: each selector kind, overlaps,
 * PCRE2 limits, and the bound on exact lookups at 100,000 selectors.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrlist.h"
#include "selector.h"
#include "snapshot.h"
#include "check_helpers.h"

static const struct addr_opts opts = { "+", 0 };

/* build - a snapshot where user i owns selectors[i] and one watch restriction */
static struct snapshot *build(const char *const *selectors, const long long *users, size_t n)
{
	struct snapshot_builder *b = snapshot_builder_new(&opts);
	char err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		struct restriction r;
		memset(&r, 0, sizeof(r));
		r.id = 100 + users[i];
		r.user_id = users[i];
		action_opts_init(&r.opts, ACTION_WATCH);
		snapshot_builder_add_restriction(b, &r);
		ck_assert_msg(snapshot_builder_add_selector(b, users[i], selectors[i], err, sizeof(err)) == 0,
			      "selector %s: %s", selectors[i], err);
	}
	return snapshot_builder_finish(b, 7);
}

/* match_str - the matched users as "1,2" */
static char *match_str(const struct snapshot *s, const char *addr)
{
	static char out[256];
	struct match_scratch *m = match_scratch_new();
	long long users[16];
	size_t n, i;
	char *norm;

	ck_assert_int_eq(addr_normalise(addr, &opts, &norm), ADDR_OK);
	n = snapshot_match(s, m, norm, users, 16, NULL);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%lld", i ? "," : "", users[i]);
	free(norm);
	match_scratch_free(m);
	return out;
}

START_TEST(test_selector_kinds_and_overlaps)
{
	static const char *const sels[] = {
		"Bob+work@Example.ORG", "@example.net", "@.example.com", "/^spam[0-9]+@/",
		"bob@example.org", "@Bücher.example",
	};
	static const long long users[] = { 1, 2, 3, 4, 5, 6 };
	static const struct { const char *addr, *want; } cases[] = {
		{ "bob@example.org", "1,5" },		/* two users, one address */
		{ "BOB+other@example.org", "1,5" },
		{ "alice@example.org", "" },
		{ "x@example.net", "2" },
		{ "x@sub.example.net", "" },		/* @domain is not subdomains */
		{ "x@example.com", "3" },
		{ "x@a.b.example.com", "3" },
		{ "x@notexample.com", "" },
		{ "spam12@anywhere.test", "4" },
		{ "SPAM12@anywhere.test", "4" },	/* case-insensitive patterns */
		{ "spam@anywhere.test", "" },
		{ "a@xn--bcher-kva.example", "6" },
		{ "a@BÜCHER.example", "6" },
	};
	struct snapshot *s = build(sels, users, 6);
	size_t i;

	ck_assert_uint_eq(snapshot_selector_count(s), 6);
	ck_assert_uint_eq(snapshot_generation(s), 7);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(strcmp(match_str(s, cases[i].addr), cases[i].want) == 0,
			      "%s: got \"%s\", want \"%s\"", cases[i].addr, match_str(s, cases[i].addr),
			      cases[i].want);
	snapshot_unref(s);
}
END_TEST

START_TEST(test_selector_parse_refusals)
{
	static const char *const bad[] = {
		"/a(/", "<>", "", "@", "@.", "nobody", "/[z-a]/", "a@b@", "//",
	};
	struct selector sel;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(selector_parse(bad[i], &opts, &sel, err, sizeof(err)) == -1,
			      "selector \"%s\" accepted", bad[i]);
	ck_assert_int_eq(selector_parse("/a(/", &opts, &sel, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "offset 2") != NULL, "no offset in: %s", err);
	ck_assert_msg(strstr(err, "missing closing parenthesis") != NULL, "no reason in: %s", err);
}
END_TEST

START_TEST(test_selector_format_roundtrip)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "<Bob+x@Example.ORG>", "bob@example.org" },
		{ "@Example.NET", "@example.net" },
		{ "@.Example.COM", "@.example.com" },
		{ "/^a.*@x$/", "/^a.*@x$/" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct selector sel;
		char err[256], *txt;
		ck_assert_int_eq(selector_parse(cases[i].in, &opts, &sel, err, sizeof(err)), 0);
		txt = selector_format(&sel);
		ck_assert_str_eq(txt, cases[i].out);
		free(txt);
		selector_clear(&sel);
	}
}
END_TEST

START_TEST(test_pcre2_limit_counts_as_no_match)
{
	static const char *const sels[] = { "/^(a|aa)+$/", "/^(\\w+\\s?)*$/" };
	static const long long users[] = { 1, 2 };
	struct snapshot *s = build(sels, users, 2);
	struct match_scratch *m = match_scratch_new();
	long long found[4];
	unsigned hits = 0;
	char subject[200];
	size_t n;

	memset(subject, 'a', 120);
	strcpy(subject + 120, "b@x.example");	/* forces catastrophic backtracking */
	n = snapshot_match(s, m, subject, found, 4, &hits);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_ge(hits, 1);
	match_scratch_free(m);
	snapshot_unref(s);
}
END_TEST

START_TEST(test_exact_lookup_probes_at_most_4_at_100000)
{
	struct snapshot_builder *b = snapshot_builder_new(&opts);
	struct snapshot *s;
	char addr[64], err[256];
	unsigned probes, worst = 0;
	double total = 0;
	int i;

	for (i = 0; i < 100000; i++) {
		snprintf(addr, sizeof(addr), "user%d@sender%d.example", i, i % 977);
		ck_assert_int_eq(snapshot_builder_add_selector(b, i + 1, addr, err, sizeof(err)), 0);
	}
	s = snapshot_builder_finish(b, 1);
	ck_assert_uint_eq(snapshot_selector_count(s), 100000);
	for (i = 0; i < 100000; i++) {	/* every stored key */
		snprintf(addr, sizeof(addr), "user%d@sender%d.example", i, i % 977);
		probes = snapshot_exact_probes(s, addr);
		total += probes;
		if (probes > worst)
			worst = probes;
	}
	for (i = 0; i < 100000; i++) {	/* and as many absent ones */
		snprintf(addr, sizeof(addr), "nobody%d@elsewhere.example", i);
		probes = snapshot_exact_probes(s, addr);
		if (probes > worst)
			worst = probes;
	}
	printf("exact lookups at 100000 selectors: worst %u probes, mean %.2f for present keys\n",
	       worst, total / 100000);
	ck_assert_uint_le(worst, 4);
	snapshot_unref(s);
}
END_TEST

START_TEST(test_snapshot_refcount_outlives_swap)
{
	static const char *const sels[] = { "bob@example.org" };
	static const long long users[] = { 1 };
	struct snapshot *s = build(sels, users, 1);
	struct snapshot *held = snapshot_ref(s);
	size_t n;

	snapshot_unref(s);	/* the owner swaps it out */
	ck_assert_ptr_nonnull(snapshot_user_restrictions(held, 1, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_null(snapshot_user_restrictions(held, 2, &n));
	snapshot_unref(held);
}
END_TEST

START_TEST(test_combined_patterns_match_like_each_alone)
{
	static const char *const sels[] = {
		"/^spam[0-9]+@/", "/@bad\\.example$/", "/^(a)\\1@x\\.example$/",	/* backreference: kept apart */
		"/^(?:x|y)z@/", "/^(?<n>q)\\k<n>@/",
	};
	static const long long users[] = { 1, 2, 3, 4, 5 };
	static const struct { const char *addr, *want; } cases[] = {
		{ "spam1@a.example", "1" }, { "x@bad.example", "2" }, { "aa@x.example", "3" },
		{ "ab@x.example", "" }, { "yz@a.example", "4" }, { "qq@a.example", "5" },
		{ "spam2@bad.example", "1,2" }, { "nobody@nowhere.example", "" },
	};
	struct snapshot *s = build(sels, users, 5);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(strcmp(match_str(s, cases[i].addr), cases[i].want) == 0,
			      "%s: got \"%s\", want \"%s\"", cases[i].addr, match_str(s, cases[i].addr),
			      cases[i].want);
	snapshot_unref(s);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("snapshot");
	TCase *tc = tcase_create("core");

	rules_init();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_selector_kinds_and_overlaps);
	tcase_add_test(tc, test_selector_parse_refusals);
	tcase_add_test(tc, test_selector_format_roundtrip);
	tcase_add_test(tc, test_pcre2_limit_counts_as_no_match);
	tcase_add_test(tc, test_exact_lookup_probes_at_most_4_at_100000);
	tcase_add_test(tc, test_snapshot_refcount_outlives_swap);
	tcase_add_test(tc, test_combined_patterns_match_like_each_alone);
	suite_add_tcase(su, tc);
	return check_run(su);
}
