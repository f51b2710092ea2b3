/*
 * test_authres.c - which Authentication-Results headers verify a From:.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "authres.h"
#include "check_helpers.h"

START_TEST(test_authres_table)
{
	static const struct {
		const char *value, *from_domain;
		int want;
	} cases[] = {
		{ "mx.staff.example; dmarc=pass header.from=example.org", "example.org", 1 },
		{ "mx.staff.example 1; dmarc=pass (p=reject) header.from=example.org", "example.org", 1 },
		{ "MX.Staff.Example; DMARC=pass header.from=Example.ORG", "example.org", 1 },
		{ "mx.staff.example; dmarc=fail header.from=example.org", "example.org", 0 },
		{ "mx.staff.example; dmarc=pass header.from=other.example", "example.org", 0 },
		{ "evil.example; dmarc=pass header.from=example.org", "example.org", 0 },	/* untrusted id */
		{ "mx.staff.example; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org", "example.org", 1 },
		{ "mx.staff.example; dkim=pass header.d=example.org", "mail.example.org", 1 },	/* relaxed alignment */
		{ "mx.staff.example; dkim=pass header.d=mail.example.org", "example.org", 0 },
		{ "mx.staff.example; dkim=pass header.i=@example.org", "example.org", 1 },
		{ "mx.staff.example; dkim=neutral header.d=example.org", "example.org", 0 },
		{ "mx.staff.example; dkim=pass (good \"x;y\") header.d=example.org", "example.org", 1 },
		{ "mx.staff.example; none", "example.org", 0 },
		{ "mx.staff.example", "example.org", 0 },
		{ "", "example.org", 0 },
		{ "mx.staff.example; dmarc=pass header.from=example.org", "", 0 },
		{ "(comment; dmarc=pass header.from=example.org) evil; x=y", "example.org", 0 },
	};
	struct strlist trusted = STRLIST_INIT;
	size_t i;

	strlist_add(&trusted, "mx.staff.example");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *v[1] = { cases[i].value };
		int got = authres_from_verified(v, 1, &trusted, cases[i].from_domain);
		ck_assert_msg(got == cases[i].want, "case %zu \"%s\" for %s: got %d, want %d",
			      i, cases[i].value, cases[i].from_domain, got, cases[i].want);
	}
	strlist_free(&trusted);
}
END_TEST

START_TEST(test_authres_nothing_trusted_verifies_nothing)
{
	struct strlist none = STRLIST_INIT;
	const char *v[1] = { "mx.staff.example; dmarc=pass header.from=example.org" };

	ck_assert_int_eq(authres_from_verified(v, 1, &none, "example.org"), 0);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("authres");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_authres_table);
	tcase_add_test(tc, test_authres_nothing_trusted_verifies_nothing);
	suite_add_tcase(su, tc);
	return check_run(su);
}
