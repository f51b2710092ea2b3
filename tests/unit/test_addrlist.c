/*
 * test_addrlist.c - tests of address-list parsing (rules/addrlist.c): what
 * real and broken From:/Sender:/Reply-To: values give, the plain fast path
 * checked against GMime itself, caps, 10,000 mailboxes in one header, 1 MB
 * hostile values, and what fuzzing found. A failure prints the input, what
 * we got and what we wanted.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "addrlist.h"
#include <gmime/gmime.h>
#include "strlist.h"
#include "xalloc.h"
#include "check_helpers.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

struct list_case {
	const char *in;
	const char *want;	/* addr-specs joined by '|'; "" for none */
};

/* addrlist_parse: what real and broken From:/Sender:/Reply-To: values give */
static const struct list_case list_cases[] = {
	{ "Alice <alice@example.com>", "alice@example.com" },
	{ "alice@example.com (Alice Jones)", "alice@example.com" },
	{ "(Alice) alice@example.com", "alice@example.com" },
	{ "\"Jones, Alice\" <alice@example.com>, bob@example.org", "alice@example.com|bob@example.org" },
	{ "Jones, Alice <alice@example.com>", "alice@example.com" },
	{ "\"alice, jones\"@example.com, bob@example.org", "\"alice, jones\"@example.com|bob@example.org" },
	{ "\"alice jones\"@example.com", "\"alice jones\"@example.com" },
	{ "undisclosed: a@x.example, b@y.example;", "a@x.example|b@y.example" },
	{ "undisclosed-recipients:;", "" },
	{ "a@x.example, team: b@y.example, c@z.example;, d@w.example",
	  "a@x.example|b@y.example|c@z.example|d@w.example" },
	{ "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <jorg@example.com>", "jorg@example.com" },
	{ "=?ISO-8859-1?Q?J=F6rg?= <jorg@example.com>, =?utf-8?B?w4VzYQ==?= <asa@example.org>",
	  "jorg@example.com|asa@example.org" },
	{ "a@example.com, b@example.com, c@example.com", "a@example.com|b@example.com|c@example.com" },
	{ "Alice <alice@example.com>, Bob <bob@example.org>, \"Carol, C.\" <carol@example.net>",
	  "alice@example.com|bob@example.org|carol@example.net" },
	{ "<@hop1.example,@hop2.example:alice@example.com>", "alice@example.com" },
	{ "\"unbalanced <alice@example.com>", "alice@example.com" },
	{ "<alice@example.com", "alice@example.com" },
	{ "alice@example.com>", "alice@example.com" },
	{ "<alice@example.com, bob@example.org>", "alice@example.com|bob@example.org" },
	{ "(((alice@example.com", "" },
	{ "J\xf6rg <jorg@example.com>", "jorg@example.com" },
	{ "\"J\xf6rg, M\xfcller\" <jorg@example.com>", "jorg@example.com" },
	{ "", "" },
	{ "   ", "" },
	{ ",,,", "" },
	{ "<>", "" },
};

/* join - the list as one string, items separated by '|' */
static char *join(const struct strlist *l)
{
	return strlist_join(l, "|");
}

START_TEST(test_addrlist_parse_table)
{
	const struct list_case *c = &list_cases[_i];
	struct strlist l = STRLIST_INIT;
	size_t n = addrlist_parse(c->in, ADDRLIST_MAX, &l);
	char *got = join(&l);

	ck_assert_msg(strcmp(got, c->want) == 0, "list_cases[%d] in=\"%s\": got \"%s\", want \"%s\"",
		      _i, c->in, got, c->want);
	ck_assert_msg(n == l.n, "list_cases[%d]: returned %zu, list holds %zu", _i, n, l.n);
	free(got);
	strlist_free(&l);
}
END_TEST

/* values the plain fast path takes, and near misses it must leave to GMime */
static const char *const plain_cases[] = {
	"alice@example.com", "  alice@example.com  ", "Alice <alice@example.com>",
	"Alice Smith <Alice.Smith@Mail.Example.COM>", "<bob@example.org>", "\tBob-Jo <b_j+x@a-b.example>",
	"Carol 2 <c.a.r.o.l@sub.example.net>", "a@b", "a@b.", "a@.b.example", "a..b@example.com",
	".a@example.com", "a.@example.com", "@example.com", "a@", "Alice <alice@example.com",
	"Alice alice@example.com>", "Alice <alice@example.com> x", "Al.ice <alice@example.com>",
	"Alice < alice@example.com>", "alice@xn--bcher-kva.example", "Alice <a@XN--bcher-kva.example>",
	"alice@ex_ample.com", "al ice@example.com", "alice@@example.com", "<alice@example.com>>",
	"Alice <<alice@example.com>", "alice@[192.0.2.1]", "a'b@example.com", "1@2.3",
	"-@-.-", "Alice\r\n <alice@example.com>",
	"\"Correspondent, A. 12\" <Sender.12+tag@Mail12.Example.NET>", "\"a\"\"b\" <x@y.example>",
	"\"<evil@x.example>\" <good@y.example>", "\"(c) x: y; z@w\" <a@b.example>",
	"\"unclosed <a@b.example>", "\"esc\\\" q\" <a@b.example>", "Al \"B\" Cy <a@b.example>",
	"\"\" <a@b.example>", "\"J\xc3\xb6rg\" <a@b.example>", "\"a\" b@c.example",
	"\"tab\there\" <a@b.example>", "\"a:b:c:d:e:f:g:h:i:j\" <a@b.example>",
	"A. Correspondent 12 <a@b.example>", "John Q. Public <jqp@x.example>", "Dr. J. Smith-Jones <a@b.example>",
	"O'Brien <o@b.example>", "x!#$%&'*+/=?^_`{|}~ <a@b.example>", ".leading <a@b.example>",
	"a . b <a@b.example>", "a.. b <a@b.example>", "a.b.c. <a@b.example>", "J. \"Q\" P. <a@b.example>",
	"=?utf-8?q?J=C3=B6rg?= <a@b.example>", "a.@b <c@d.example>", "a;b <c@d.example>", "a[b] <c@d.example>",
	"a\\b <c@d.example>", "a\x7f <c@d.example>", "A.\tB <c@d.example>",
};

/* gmime_join - the mailboxes GMime itself finds in value, joined by '|' */
static char *gmime_join(const char *value)
{
	InternetAddressList *list = internet_address_list_parse(NULL, value);
	struct strlist l = STRLIST_INIT;
	char *out;
	int i, n = list ? internet_address_list_length(list) : 0;

	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		const char *a;
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		if (a && *a)
			strlist_add(&l, a);
	}
	if (list)
		g_object_unref(list);
	out = strlist_join(&l, "|");
	strlist_free(&l);
	return out;
}

/* the fast path for plain values must give exactly what GMime gives */
START_TEST(test_addrlist_plain_fast_path_agrees_with_gmime)
{
	const char *in = plain_cases[_i];
	struct strlist l = STRLIST_INIT;
	char *got, *want;

	rules_init();
	addrlist_parse(in, ADDRLIST_MAX, &l);
	got = join(&l);
	want = gmime_join(in);
	ck_assert_msg(strcmp(got, want) == 0, "addrlist_parse(\"%s\") = \"%s\", GMime: \"%s\"",
		      in, got, want);
	free(got);
	free(want);
	strlist_free(&l);
}
END_TEST

START_TEST(test_addrlist_null_and_max)
{
	struct strlist l = STRLIST_INIT;

	ck_assert_uint_eq(addrlist_parse(NULL, ADDRLIST_MAX, &l), 0);
	ck_assert_uint_eq(addrlist_parse("a@x.example", 0, &l), 0);
	ck_assert_uint_eq(addrlist_parse("a@x.example, b@x.example, c@x.example", 2, &l), 2);
	ck_assert_str_eq(l.v[1], "b@x.example");
	/* appends: what is already there stays */
	ck_assert_uint_eq(addrlist_parse("d@x.example", 5, &l), 1);
	ck_assert_uint_eq(l.n, 3);
	strlist_free(&l);
}
END_TEST

/* big_header - "User N <userN@example.com>, ..." with n mailboxes */
static char *big_header(size_t n)
{
	size_t cap = n * 48 + 1, len = 0, i;
	char *s = xmalloc(cap);

	s[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%sUser %zu <user%zu@example.com>",
					i ? ", " : "", i, i);
	return s;
}

START_TEST(test_addrlist_10000_addresses)
{
	char *h = big_header(10000), want[64];
	struct strlist l = STRLIST_INIT;
	struct timespec t0, t1;
	size_t n, i;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = addrlist_parse(h, ADDRLIST_MAX, &l);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	fprintf(stderr, "addrlist_parse: 10000 addresses (%zu octets) in %.1f ms\n", strlen(h), ms);
	ck_assert_uint_eq(n, 10000);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "user%zu@example.com", i);
		ck_assert_str_eq(l.v[i], want);
	}
	/* the figure is for the normal build; SLOW_BUILD marks the sanitizer pass */
	if (!getenv("SLOW_BUILD"))
		ck_assert_msg(ms < 250.0, "10000 addresses took %.1f ms (target well under 100)", ms);
	strlist_free(&l);
	free(h);

	/* one more than ADDRLIST_MAX: the rest is ignored */
	h = big_header(ADDRLIST_MAX + 1);
	ck_assert_uint_eq(addrlist_parse(h, ADDRLIST_MAX, &l), ADDRLIST_MAX);
	strlist_free(&l);
	free(h);
}
END_TEST

/* hostile_patterns - 1 MB values that crash or stall a naive GMime caller */
static const char *const hostile_patterns[] = {
	"a:",			/* nested groups: one recursion per colon */
	"a b, ",		/* display names swallowing commas: quadratic */
	"a.b,",
	"\"",			/* unclosed quote */
	"(",			/* unclosed comment */
	"<",
	"<@a,",
	"x@[\"[, a b, a b, a b \"]",	/* quote inside a domain literal */
	"=?utf-8?q?a?= ",
	"\xe9\xff,",
	"\\",
	"a@b(",
};

START_TEST(test_addrlist_hostile_1mb)
{
	size_t n = 1024 * 1024, pl, i;
	const char *pat = hostile_patterns[_i];
	char *h = xmalloc(n + 1);
	struct strlist l = STRLIST_INIT;
	struct timespec t0, t1;
	double ms;

	pl = strlen(pat);
	for (i = 0; i < n; i++)
		h[i] = pat[i % pl];
	h[n] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	(void)addrlist_parse(h, ADDRLIST_MAX, &l);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(ms < 3000.0, "1 MB of \"%s\" took %.1f ms", pat, ms);
	ck_assert_uint_le(l.n, ADDRLIST_MAX);
	strlist_free(&l);
	free(h);
}
END_TEST

START_TEST(test_addrlist_then_normalise)
{
	const char *hdr = "\"Jones, Alice\" <Alice.Jones+x@Example.COM>, "
		"=?utf-8?q?B=C3=B6b?= <bob@xn--bcher-kva.example>, \"carol smith\"@Example.org, "
		"SRS0=h=tt=example.net=Dave@fwd.example, nobody";
	const char *want[] = { "alice.jones@example.com", "bob@xn--bcher-kva.example",
			       "\"carol smith\"@example.org", "dave@example.net" };
	struct strlist l = STRLIST_INIT;
	char *out;
	size_t i, n = addrlist_parse(hdr, ADDRLIST_MAX, &l);

	ck_assert_uint_eq(n, 5);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(addr_normalise(l.v[i], NULL, &out), ADDR_OK);
		ck_assert_msg(strcmp(out, want[i]) == 0, "item %zu raw=\"%s\": got \"%s\", want \"%s\"",
			      i, l.v[i], out, want[i]);
		free(out);
	}
	/* a mailbox without a domain is returned raw and refused here */
	ck_assert_int_eq(addr_normalise(l.v[4], NULL, &out), ADDR_INVALID);
	strlist_free(&l);
}
END_TEST

/* found by fuzz_addr: GMime 3.2 leaked on an unclosed comment after a domain literal */
START_TEST(test_addrlist_unclosed_comment_after_domain_literal_no_leak)
{
	static const char *const inputs[] = {
		"=@[](", "d@[\"](", "a@[1.2.3.4] (unclosed", "Bob (a (nested) comment) <bob@example.org>",
		"bob@example.org (Bob Smith)", "\"quoted (not a comment)\" <q@example.org>",
	};
	static const size_t want[] = { 0, 0, 1, 1, 1, 1 };
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct strlist l = STRLIST_INIT;
		size_t n = addrlist_parse(inputs[i], 10, &l);
		ck_assert_msg(n >= want[i], "\"%s\": %zu addresses, want at least %zu", inputs[i], n, want[i]);
		strlist_free(&l);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addrlist");
	TCase *tc;
	size_t cases = 0;

	rules_init();
	cases += add_table(s, "addrlist", test_addrlist_parse_table, N_ELEM(list_cases));
	cases += add_table(s, "addrlist_plain", test_addrlist_plain_fast_path_agrees_with_gmime,
			   N_ELEM(plain_cases));

	tc = tcase_create("limits");
	tcase_add_test(tc, test_addrlist_null_and_max);
	tcase_add_test(tc, test_addrlist_then_normalise);
	suite_add_tcase(s, tc);
	cases += 2;

	tc = tcase_create("addrlist_load");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_addrlist_10000_addresses);
	tcase_add_test(tc, test_addrlist_unclosed_comment_after_domain_literal_no_leak);
	tcase_add_loop_test(tc, test_addrlist_hostile_1mb, 0, (int)N_ELEM(hostile_patterns));
	suite_add_tcase(s, tc);
	cases += 2 + N_ELEM(hostile_patterns);

	fprintf(stderr, "test_addrlist: %zu cases\n", cases);
	return check_run(s);
}
