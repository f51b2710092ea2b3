/*
 * test_addr.c - table-driven tests of address normalisation (rules/addr.c);
 * address-list parsing (rules/addrlist.c) is in test_addrlist.c.
 *
 * Each table row is one case: input, options, expected result and string.
 * A failure prints the table, the row, the input, what we got and what we
 * wanted. SPEC's normative examples are in addr_spec_cases, verbatim.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "addrlist.h"
#include "strlist.h"
#include "xalloc.h"
#include "check_helpers.h"

#define D "+"	/* SubaddressSeparator's default */
#define OK ADDR_OK
#define NUL_SENDER ADDR_NULL
#define LONG ADDR_TOO_LONG
#define BAD ADDR_INVALID
#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

struct addr_case {
	const char *in;
	const char *sep;	/* subaddress separators; NULL disables */
	int cs;			/* local part case-sensitive */
	enum addr_result want_r;
	const char *want;	/* expected string when want_r == ADDR_OK */
};

/* SPEC "Selectors and normalisation": the normative examples, verbatim */
static const struct addr_case addr_spec_cases[] = {
	{ "<Alice.Jones+Case-17@Example.COM>", D, 0, OK, "alice.jones@example.com" },
	{ "prvs=0123abcd=alice@example.com", D, 0, OK, "alice@example.com" },
	{ "SRS0=a1b2=T5=example.com=alice@relay.example.net", D, 0, OK, "alice@example.com" },
	{ "alice@Straße.example", D, 0, OK, "alice@xn--strae-oqa.example" },
	{ "\"alice jones\"@example.com", D, 0, OK, "\"alice jones\"@example.com" },
	{ "<>", D, 0, NUL_SENDER, NULL },
	{ "SRS0=HHH=TT=example.org=bob@fwd.net", D, 0, OK, "bob@example.org" },
	{ "bob@bücher.example", D, 0, OK, "bob@xn--bcher-kva.example" },
	{ "bob@xn--bcher-kva.example", D, 0, OK, "bob@xn--bcher-kva.example" },
};

/* trimming, one pair of <>, and the null sender */
static const struct addr_case addr_trim_cases[] = {
	{ "  alice@example.com  ", D, 0, OK, "alice@example.com" },
	{ "\talice@example.com\r\n", D, 0, OK, "alice@example.com" },
	{ "< alice@example.com >", D, 0, OK, "alice@example.com" },
	{ " \t<alice@example.com>\r\n", D, 0, OK, "alice@example.com" },
	{ "<<alice@example.com>>", D, 0, BAD, NULL },
	{ "", D, 0, NUL_SENDER, NULL },
	{ "  <>  ", D, 0, NUL_SENDER, NULL },
	{ "< >", D, 0, NUL_SENDER, NULL },
	{ "<\t>", D, 0, NUL_SENDER, NULL },
	{ "\r\n", D, 0, NUL_SENDER, NULL },
	{ "<alice@example.com", D, 0, BAD, NULL },
	{ "alice@example.com>", D, 0, BAD, NULL },
	{ "<<>>", D, 0, BAD, NULL },
	{ "<", D, 0, BAD, NULL },
};

/* control bytes, bad UTF-8 and injection attempts */
static const struct addr_case addr_hostile_cases[] = {
	{ "alice\r@example.com", D, 0, BAD, NULL },
	{ "ali\x01" "ce@example.com", D, 0, BAD, NULL },
	{ "alice@exam\x7f" "ple.com", D, 0, BAD, NULL },
	{ "alice@example.com\r\nBcc: eve@example.net", D, 0, BAD, NULL },
	{ "\"ali\tce\"@example.com", D, 0, BAD, NULL },
	{ "al\xff" "ice@example.com", D, 0, BAD, NULL },
	{ "\xc0\xae" "alice@example.com", D, 0, BAD, NULL },
	{ "alice\xed\xa0\x80@example.com", D, 0, BAD, NULL },
	{ "alice@example.com\x1b[2J", D, 0, BAD, NULL },
	{ "alice\n@example.com", D, 0, BAD, NULL },
};

/* the split at the last '@' outside quotes, and what each half may hold */
static const struct addr_case addr_structure_cases[] = {
	{ "alice", D, 0, BAD, NULL },
	{ "@example.com", D, 0, BAD, NULL },
	{ "alice@", D, 0, BAD, NULL },
	{ "alice@@example.com", D, 0, BAD, NULL },
	{ "a@b@example.com", D, 0, BAD, NULL },
	{ "alice@example.com,bob@example.com", D, 0, BAD, NULL },
	{ "alice jones@example.com", D, 0, BAD, NULL },
	{ "alice(comment)@example.com", D, 0, BAD, NULL },
	{ "alice@example.com.", D, 0, OK, "alice@example.com" },
	{ "alice@example.com..", D, 0, BAD, NULL },
	{ "alice@.example.com", D, 0, BAD, NULL },
	{ "alice@exa..mple.com", D, 0, BAD, NULL },
	{ "alice@exa_mple.com", D, 0, BAD, NULL },
	{ "alice@exa mple.com", D, 0, BAD, NULL },
	{ "<@relay.example:Alice@Example.com>", D, 0, OK, "alice@example.com" },
	{ "<@a.example,@b.example:alice@example.com>", D, 0, OK, "alice@example.com" },
	{ "Alice.@example.com", D, 0, OK, "alice.@example.com" },
	{ "alice@localhost", D, 0, OK, "alice@localhost" },
};

/* quoted local parts: kept when needed, content lower-cased, no subaddress */
static const struct addr_case addr_quoted_cases[] = {
	{ "\"Alice Jones\"@Example.COM", D, 0, OK, "\"alice jones\"@example.com" },
	{ "\"Alice Jones\"@Example.COM", D, 1, OK, "\"Alice Jones\"@example.com" },
	{ "\"alice+tag jones\"@example.com", D, 0, OK, "\"alice+tag jones\"@example.com" },
	{ "\"alice, jones\"@example.com", D, 0, OK, "\"alice, jones\"@example.com" },
	{ "\"a@b\"@example.com", D, 0, OK, "\"a@b\"@example.com" },
	{ "<\"alice jones\"@example.com>", D, 0, OK, "\"alice jones\"@example.com" },
	{ "\"bob\"@example.com", D, 0, OK, "bob@example.com" },
	{ "\"Bob+tag\"@example.com", D, 0, OK, "bob@example.com" },
	{ "\"a\\\"b\"@example.com", D, 0, OK, "\"a\\\"b\"@example.com" },
	{ "\"a\\b\"@example.com", D, 0, OK, "ab@example.com" },
	{ "\"a\\\\b\"@example.com", D, 0, OK, "\"a\\\\b\"@example.com" },
	{ "\"\"@example.com", D, 0, BAD, NULL },
	{ "\"alice@example.com", D, 0, BAD, NULL },
	{ "a\"b\"c@example.com", D, 0, BAD, NULL },
	{ "\"a\"\"b\"@example.com", D, 0, BAD, NULL },
};

/* SRS0 with each separator, SRS1, and SRS look-alikes left as they are */
static const struct addr_case addr_srs_cases[] = {
	{ "SRS0+HHH=TT=example.org=bob@fwd.net", D, 0, OK, "bob@example.org" },
	{ "SRS0-HHH=TT=example.org=bob@fwd.net", D, 0, OK, "bob@example.org" },
	{ "srs0=hhh=tt=Example.ORG=Bob@fwd.net", D, 0, OK, "bob@example.org" },
	{ "SRS0=HHH=TT=Example.org=Bob@fwd.net", D, 1, OK, "Bob@example.org" },
	{ "SRS0=HHH=TT=example.org=bob=x@fwd.net", D, 0, OK, "bob=x@example.org" },
	{ "SRS0=HHH=TT=example.org=Bob+tag@fwd.net", D, 0, OK, "bob@example.org" },
	{ "SRS0=HHH=TT=bücher.example=bob@fwd.net", D, 0, OK, "bob@xn--bcher-kva.example" },
	{ "SRS1=XXX=fwd1.example==HHH=TT=example.org=bob@fwd2.example", D, 0, OK, "bob@example.org" },
	{ "SRS1+XXX=fwd1.example=+HHH=TT=example.org=bob@fwd2.example", D, 0, OK, "bob@example.org" },
	{ "srs1=xxx=fwd1.example=-hhh=tt=example.org=bob@fwd2.example", D, 0, OK, "bob@example.org" },
	{ "SRS0=H1=T1=example.net=SRS0=H2=T2=example.org=bob@fwd.example", D, 0, OK, "bob@example.org" },
	{ "SRS0=HHH=TT=example.org@fwd.net", D, 0, OK, "srs0=hhh=tt=example.org@fwd.net" },
	{ "SRS0=HHH=TT=bob@fwd.net", D, 0, OK, "srs0=hhh=tt=bob@fwd.net" },
	{ "SRS0==TT=example.org=bob@fwd.net", D, 0, OK, "srs0==tt=example.org=bob@fwd.net" },
	{ "SRS0=HHH=TT==bob@fwd.net", D, 0, OK, "srs0=hhh=tt==bob@fwd.net" },
	{ "SRS0=HHH=TT=example.org=@fwd.net", D, 0, OK, "srs0=hhh=tt=example.org=@fwd.net" },
	{ "SRS0xHHH=TT=example.org=bob@fwd.net", D, 0, OK, "srs0xhhh=tt=example.org=bob@fwd.net" },
	{ "SRS0=HHH=TT=exa+mple.org=bob@fwd.net", NULL, 0, OK, "srs0=hhh=tt=exa+mple.org=bob@fwd.net" },
	{ "SRS1=XXX=fwd1.example=HHH=TT=example.org=bob@fwd2.example", D, 0, OK,
	  "srs1=xxx=fwd1.example=hhh=tt=example.org=bob@fwd2.example" },
	{ "SRS1=XXX==HHH=TT=example.org=bob@fwd2.example", D, 0, OK,
	  "srs1=xxx==hhh=tt=example.org=bob@fwd2.example" },
	{ "SRS0@fwd.net", D, 0, OK, "srs0@fwd.net" },
	{ "SRS0=HHH=TT=example.org=bob@fwd..net", D, 0, BAD, NULL },
};

/* BATV: prvs=TAG=local (case-insensitive), and btv1==TAG==local */
static const struct addr_case addr_batv_cases[] = {
	{ "PRVS=0123ABCD=Alice@Example.com", D, 0, OK, "alice@example.com" },
	{ "prvs=0123abcd=alice+tag@example.com", D, 0, OK, "alice@example.com" },
	{ "prvs=1234567890=Alice@example.com", D, 1, OK, "Alice@example.com" },
	{ "btv1==0123abcd==alice@example.com", D, 0, OK, "alice@example.com" },
	{ "SRS0=HHH=TT=example.org=prvs=1234abcdef=bob@fwd.net", D, 0, OK, "bob@example.org" },
	{ "prvs=1234abcdef=SRS0=HHH=TT=example.org=bob@fwd.net", D, 0, OK, "bob@example.org" },
	{ "prvs==alice@example.com", D, 0, OK, "prvs==alice@example.com" },
	{ "prvs=0123abcd=@example.com", D, 0, OK, "prvs=0123abcd=@example.com" },
	{ "prvs=01-23=alice@example.com", D, 0, OK, "prvs=01-23=alice@example.com" },
	{ "prvs=00000000001111111111222222222233333333334444444444555555555566666=a@example.com",
	  D, 0, OK, "prvs=00000000001111111111222222222233333333334444444444555555555566666=a@example.com" },
	{ "prvsalice@example.com", D, 0, OK, "prvsalice@example.com" },
	{ "alice=prvs=0123abcd@example.com", D, 0, OK, "alice=prvs=0123abcd@example.com" },
};

/* the domain to IDNA A-labels: UTS #46 non-transitional, NFC input */
static const struct addr_case addr_idna_cases[] = {
	{ "alice@STRASSE.example", D, 0, OK, "alice@strasse.example" },
	{ "alice@Straße.EXAMPLE", D, 0, OK, "alice@xn--strae-oqa.example" },
	{ "alice@faß.de", D, 0, OK, "alice@xn--fa-hia.de" },
	{ "alice@BÜCHER.example", D, 0, OK, "alice@xn--bcher-kva.example" },
	{ "alice@XN--BCHER-KVA.EXAMPLE", D, 0, OK, "alice@xn--bcher-kva.example" },
	{ "alice@bu\xcc\x88" "cher.example", D, 0, OK, "alice@xn--bcher-kva.example" },
	{ "alice@bücher.example.", D, 0, OK, "alice@xn--bcher-kva.example" },
	{ "alice@例え.テスト", D, 0, OK, "alice@xn--r8jz45g.xn--zckzah" },
	{ "alice@example\xe3\x80\x82" "com", D, 0, OK, "alice@example.com" },
	{ "alice@\xe2\x98\x95" ".example", D, 0, BAD, NULL },
	{ "alice@\xcc\x81" "abc.example", D, 0, BAD, NULL },
	{ "alice@-bücher.example", D, 0, BAD, NULL },
	{ "alice@\xff" ".example", D, 0, BAD, NULL },
	{ "alice@\xc3\x28" ".example", D, 0, BAD, NULL },
	{ "alice@\xc0\xae" "example", D, 0, BAD, NULL },
};

/* domain literals are kept, lower-cased */
static const struct addr_case addr_literal_cases[] = {
	{ "alice@[192.0.2.1]", D, 0, OK, "alice@[192.0.2.1]" },
	{ "Alice@[IPv6:2001:DB8::1]", D, 0, OK, "alice@[ipv6:2001:db8::1]" },
	{ "alice@[192.0.2.1", D, 0, BAD, NULL },
	{ "alice@[]", D, 0, BAD, NULL },
	{ "alice@[192.0.2.1]x", D, 0, BAD, NULL },
	{ "alice@[192.0.2.1 ]", D, 0, BAD, NULL },
};

/* the subaddress tag: default '+', a custom set, disabled */
static const struct addr_case addr_subaddress_cases[] = {
	{ "alice+tag@example.com", D, 0, OK, "alice@example.com" },
	{ "alice+tag+more@example.com", D, 0, OK, "alice@example.com" },
	{ "alice+@example.com", D, 0, OK, "alice@example.com" },
	{ "+foo@example.com", D, 0, OK, "+foo@example.com" },
	{ "+foo+bar@example.com", D, 0, OK, "+foo@example.com" },
	{ "alice-tag@example.com", D, 0, OK, "alice-tag@example.com" },
	{ "alice-tag@example.com", "+-", 0, OK, "alice@example.com" },
	{ "alice+tag-x@example.com", "+-", 0, OK, "alice@example.com" },
	{ "alice-x+tag@example.com", "+-", 0, OK, "alice@example.com" },
	{ "-alice@example.com", "+-", 0, OK, "-alice@example.com" },
	{ "alice+tag@example.com", "", 0, OK, "alice+tag@example.com" },
	{ "alice+tag@example.com", NULL, 0, OK, "alice+tag@example.com" },
};

/* lower-casing: the domain always, the local part unless case-sensitive */
static const struct addr_case addr_case_cases[] = {
	{ "ALICE@EXAMPLE.COM", D, 0, OK, "alice@example.com" },
	{ "Alice.Jones@Example.COM", D, 1, OK, "Alice.Jones@example.com" },
	{ "Alice+Tag@Example.com", D, 1, OK, "Alice@example.com" },
	{ "<Alice.Jones+Case-17@Example.COM>", D, 1, OK, "Alice.Jones@example.com" },
	{ "Jörg@Example.com", D, 0, OK, "jörg@example.com" },
	{ "JÖRG@example.com", D, 0, OK, "jÖrg@example.com" },
};

/* result_name - the enum's name, for failure messages */
static const char *result_name(enum addr_result r)
{
	switch (r) {
	case ADDR_OK:
		return "ADDR_OK";
	case ADDR_NULL:
		return "ADDR_NULL";
	case ADDR_TOO_LONG:
		return "ADDR_TOO_LONG";
	case ADDR_INVALID:
		return "ADDR_INVALID";
	}
	return "?";
}

/* check_addr_case - run one row and compare result and string */
static void check_addr_case(const char *table, size_t i, const struct addr_case *c)
{
	struct addr_opts opts = { c->sep, c->cs };
	char *got = (char *)"(unset)";
	enum addr_result r;

	r = addr_normalise(c->in, &opts, &got);
	ck_assert_msg(r == c->want_r, "%s[%zu] in=\"%s\": got %s (\"%s\"), want %s (\"%s\")",
		      table, i, c->in, result_name(r), got ? got : "(null)",
		      result_name(c->want_r), c->want ? c->want : "(null)");
	if (r == ADDR_OK) {
		ck_assert_msg(got != NULL && strcmp(got, c->want) == 0,
			      "%s[%zu] in=\"%s\": got \"%s\", want \"%s\"",
			      table, i, c->in, got ? got : "(null)", c->want);
	} else {
		ck_assert_msg(got == NULL, "%s[%zu] in=\"%s\": *out not NULL on %s",
			      table, i, c->in, result_name(r));
	}
	free(got);
}

#define ADDR_TABLE_TEST(name, table) \
	START_TEST(name) \
	{ \
		check_addr_case(#table, (size_t)_i, &table[_i]); \
	} \
	END_TEST

ADDR_TABLE_TEST(test_addr_spec_examples, addr_spec_cases)
ADDR_TABLE_TEST(test_addr_trim_and_null_sender, addr_trim_cases)
ADDR_TABLE_TEST(test_addr_refuse_hostile_bytes, addr_hostile_cases)
ADDR_TABLE_TEST(test_addr_split_and_syntax, addr_structure_cases)
ADDR_TABLE_TEST(test_addr_quoted_local_part, addr_quoted_cases)
ADDR_TABLE_TEST(test_addr_srs_unwrap, addr_srs_cases)
ADDR_TABLE_TEST(test_addr_batv_unwrap, addr_batv_cases)
ADDR_TABLE_TEST(test_addr_idna_a_labels, addr_idna_cases)
ADDR_TABLE_TEST(test_addr_domain_literal, addr_literal_cases)
ADDR_TABLE_TEST(test_addr_subaddress_strip, addr_subaddress_cases)
ADDR_TABLE_TEST(test_addr_lower_case, addr_case_cases)

/* repeat - a new string of n copies of c */
static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* make_addr - a new string pre + "aaa...@example.com" (len octets) + post */
static char *make_addr(size_t len, const char *pre, const char *post)
{
	const char *dom = "@example.com";
	size_t lp = strlen(pre), ld = strlen(dom), local = len - ld;
	char *s = xmalloc(lp + len + strlen(post) + 1);

	memcpy(s, pre, lp);
	memset(s + lp, 'a', local);
	memcpy(s + lp + local, dom, ld);
	strcpy(s + lp + len, post);
	return s;
}

START_TEST(test_addr_length_limit)
{
	char *in, *out = NULL;

	in = make_addr(ADDR_MAX, "", "");
	ck_assert_uint_eq(strlen(in), 320);
	ck_assert_int_eq(addr_normalise(in, NULL, &out), ADDR_OK);
	ck_assert_str_eq(out, in);
	free(out);
	free(in);

	in = make_addr(ADDR_MAX + 1, "", "");
	ck_assert_int_eq(addr_normalise(in, NULL, &out), ADDR_TOO_LONG);
	ck_assert_ptr_null(out);
	free(in);

	/* brackets and blanks around a 320-octet address are not counted */
	in = make_addr(ADDR_MAX, "  <", ">\r\n");
	ck_assert_int_eq(addr_normalise(in, NULL, &out), ADDR_OK);
	ck_assert_uint_eq(strlen(out), 320);
	free(out);
	free(in);

	in = make_addr(ADDR_MAX + 1, "<", ">");
	ck_assert_int_eq(addr_normalise(in, NULL, &out), ADDR_TOO_LONG);
	free(in);
}
END_TEST

START_TEST(test_addr_overlong_input_costs_nothing)
{
	size_t n = 1024 * 1024;
	char *in = repeat('a', n), *out = NULL;
	struct timespec t0, t1;
	double ms;

	memcpy(in + n / 2, "@example.com", 12);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(addr_normalise(in, NULL, &out), ADDR_TOO_LONG);
	memset(in, ' ', n);	/* 1 MB of blanks is refused too, not trimmed */
	ck_assert_int_eq(addr_normalise(in, NULL, &out), ADDR_TOO_LONG);
	ck_assert_int_eq(addr_normalise_domain(in, &out), ADDR_TOO_LONG);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(ms < 5.0, "1 MB input took %.3f ms", ms);
	ck_assert_ptr_null(out);
	free(in);
}
END_TEST

START_TEST(test_addr_result_too_long_after_idna)
{
	char in[512], *out = NULL;
	size_t i, n = 0;

	/* 253 octets in, but each "ü." label becomes "xn--tda." */
	memset(in, 'a', 200);
	n = 200;
	in[n++] = '@';
	for (i = 0; i < 15; i++) {
		memcpy(in + n, "\xc3\xbc.", 3);
		n += 3;
	}
	memcpy(in + n, "example", 8);
	ck_assert_uint_lt(strlen(in), ADDR_MAX);
	ck_assert_int_eq(addr_normalise(in, NULL, &out), ADDR_TOO_LONG);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_addr_null_and_default_opts)
{
	char *out = (char *)"x";

	ck_assert_int_eq(addr_normalise(NULL, NULL, &out), ADDR_NULL);
	ck_assert_ptr_null(out);
	/* NULL opts means SubaddressSeparator "+" and LocalPartCase insensitive */
	ck_assert_int_eq(addr_normalise("Bob+x@Example.org", NULL, &out), ADDR_OK);
	ck_assert_str_eq(out, "bob@example.org");
	free(out);
}
END_TEST

struct domain_case {
	const char *in;
	enum addr_result want_r;
	const char *want;
};

/* addr_normalise_domain: @domain selectors and StaffDomains */
static const struct domain_case domain_cases[] = {
	{ "Example.COM", OK, "example.com" },
	{ "bücher.example", OK, "xn--bcher-kva.example" },
	{ "xn--bcher-kva.example", OK, "xn--bcher-kva.example" },
	{ "Straße.example", OK, "xn--strae-oqa.example" },
	{ " example.org\t", OK, "example.org" },
	{ "example.org.", OK, "example.org" },
	{ "[192.0.2.1]", OK, "[192.0.2.1]" },
	{ "", BAD, NULL },
	{ "   ", BAD, NULL },
	{ "example..org", BAD, NULL },
	{ ".example.org", BAD, NULL },
	{ "exa mple.org", BAD, NULL },
	{ "exam\rple.org", BAD, NULL },
	{ "\xff" ".example", BAD, NULL },
	{ "alice@example.org", BAD, NULL },
	{ "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	  "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	  "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	  "a.a.a.a.a.example", LONG, NULL },
};

START_TEST(test_addr_normalise_domain)
{
	const struct domain_case *c = &domain_cases[_i];
	char *got = NULL;
	enum addr_result r = addr_normalise_domain(c->in, &got);

	ck_assert_msg(r == c->want_r, "domain_cases[%d] in=\"%s\": got %s (\"%s\"), want %s",
		      _i, c->in, result_name(r), got ? got : "(null)", result_name(c->want_r));
	if (r == ADDR_OK)
		ck_assert_msg(strcmp(got, c->want) == 0, "domain_cases[%d] in=\"%s\": got \"%s\", want \"%s\"",
			      _i, c->in, got, c->want);
	else
		ck_assert_ptr_null(got);
	free(got);
}
END_TEST

START_TEST(test_addr_domain_part)
{
	char *out = NULL;

	ck_assert_str_eq(addr_domain("alice@example.com"), "example.com");
	ck_assert_str_eq(addr_domain("\"a@b\"@x.example"), "x.example");
	ck_assert_str_eq(addr_domain("nodomain"), "");
	ck_assert_str_eq(addr_domain(NULL), "");
	ck_assert_int_eq(addr_normalise("\"a@b\"@Bücher.example", NULL, &out), ADDR_OK);
	ck_assert_str_eq(addr_domain(out), "xn--bcher-kva.example");
	free(out);
	ck_assert_int_eq(addr_normalise_domain(NULL, &out), ADDR_INVALID);
}
END_TEST

START_TEST(test_addr_result_str)
{
	ck_assert_str_eq(addr_result_str(ADDR_OK), "ok");
	ck_assert_str_eq(addr_result_str(ADDR_NULL), "null sender");
	ck_assert_str_eq(addr_result_str(ADDR_TOO_LONG), "address too long");
	ck_assert_str_eq(addr_result_str(ADDR_INVALID), "invalid address");
	ck_assert_ptr_nonnull(addr_result_str((enum addr_result)99));
}
END_TEST

/* found by fuzz_selector: five nested SRS0 layers were peeled only four deep */
START_TEST(test_addr_nested_srs_normalises_idempotently)
{
	static const struct addr_opts o = { "+", 0 };
	const char *in = "SRS0=h=T1=a.example=SRS0=h=T2=b.example=SRS0=h=T3=c.example="
			 "SRS0=h=T4=d.example=SRS0=h=T5=e.example=bob@f.example";
	char *once = NULL, *twice = NULL;

	ck_assert_int_eq(addr_normalise(in, &o, &once), ADDR_OK);
	ck_assert_int_eq(addr_normalise(once, &o, &twice), ADDR_OK);
	ck_assert_str_eq(once, twice);
	ck_assert_str_eq(once, "bob@e.example");
	free(once);
	free(twice);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc;
	size_t cases = 0;

	rules_init();
	cases += add_table(s, "spec_examples", test_addr_spec_examples, N_ELEM(addr_spec_cases));
	cases += add_table(s, "trim_and_null", test_addr_trim_and_null_sender, N_ELEM(addr_trim_cases));
	cases += add_table(s, "hostile_bytes", test_addr_refuse_hostile_bytes, N_ELEM(addr_hostile_cases));
	cases += add_table(s, "syntax", test_addr_split_and_syntax, N_ELEM(addr_structure_cases));
	cases += add_table(s, "quoted", test_addr_quoted_local_part, N_ELEM(addr_quoted_cases));
	cases += add_table(s, "srs", test_addr_srs_unwrap, N_ELEM(addr_srs_cases));
	cases += add_table(s, "batv", test_addr_batv_unwrap, N_ELEM(addr_batv_cases));
	cases += add_table(s, "idna", test_addr_idna_a_labels, N_ELEM(addr_idna_cases));
	cases += add_table(s, "literal", test_addr_domain_literal, N_ELEM(addr_literal_cases));
	cases += add_table(s, "subaddress", test_addr_subaddress_strip, N_ELEM(addr_subaddress_cases));
	cases += add_table(s, "case", test_addr_lower_case, N_ELEM(addr_case_cases));
	cases += add_table(s, "domain", test_addr_normalise_domain, N_ELEM(domain_cases));

	tc = tcase_create("limits");
	tcase_add_test(tc, test_addr_length_limit);
	tcase_add_test(tc, test_addr_overlong_input_costs_nothing);
	tcase_add_test(tc, test_addr_result_too_long_after_idna);
	tcase_add_test(tc, test_addr_null_and_default_opts);
	tcase_add_test(tc, test_addr_domain_part);
	tcase_add_test(tc, test_addr_result_str);
	tcase_add_test(tc, test_addr_nested_srs_normalises_idempotently);
	suite_add_tcase(s, tc);
	cases += 7;

	fprintf(stderr, "test_addr: %zu cases\n", cases);
	return check_run(s);
}
