/*
 * guard.c - the selector guard (SPEC): a selector that would match a staff
 * domain, or an exempt, filing, monitor or contact address, is refused
 * unless --force, so a typo cannot restrict the office's own mail.
 *
 * It probes with the very matcher the snapshot uses (selector_matches)
 * on postmaster@ each staff domain and on every protected address.
 */
#include "cli.h"
#include "addr.h"
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* probe - does s match this (raw) address? 1 yes (or cannot tell), 0 no */
static int probe(const struct selector *s, const char *raw, const struct policy *pol)
{
	char *norm;
	int rc;

	if (raw == NULL || addr_normalise(raw, &pol->addr, &norm) != ADDR_OK)
		return 0;
	rc = selector_matches(s, norm);
	free(norm);
	return rc != 0;		/* a pattern that hits its limits counts as a match here */
}

/* guard_staff - would s match mail from a staff domain? */
static int guard_staff(const struct selector *s, const char *text, const struct policy *pol,
		       char *err, size_t errlen)
{
	struct buf b;
	size_t i;
	int hit = 0;

	buf_init(&b);
	/* a key inside a staff domain: bob@staff.example, @sub.staff.example */
	if (s->kind != SEL_REGEX) {
		buf_printf(&b, "%s%s", s->kind == SEL_EXACT ? "" : "postmaster@", s->key);
		if (policy_is_staff(pol, buf_cstr(&b))) {
			snprintf(err, errlen, "selector %.200s would match staff domain %.200s:"
				 " use --force to add it anyway", text, addr_domain(buf_cstr(&b)));
			hit = 1;
		}
	}
	/* a selector that covers a staff domain: @.example for staff.example, /staff/ */
	for (i = 0; !hit && i < pol->staff_domains.n; i++) {
		buf_reset(&b);
		buf_printf(&b, "postmaster@%s", pol->staff_domains.v[i]);
		if (probe(s, buf_cstr(&b), pol)) {
			snprintf(err, errlen, "selector %.200s would match staff domain %.200s:"
				 " use --force to add it anyway", text, pol->staff_domains.v[i]);
			hit = 1;
		}
	}
	buf_free(&b);
	return hit ? -1 : 0;
}

/* guard_address - would s match this protected address? */
static int guard_address(const struct selector *s, const char *text, const struct policy *pol,
			 const char *what, const char *addr, char *err, size_t errlen)
{
	if (!probe(s, addr, pol))
		return 0;
	snprintf(err, errlen, "selector %.200s would match the %s %.200s:"
		 " use --force to add it anyway", text, what, addr);
	return -1;
}

int guard_check(const struct selector *s, const char *text, const struct policy *pol,
		const struct action_opts *o, char *err, size_t errlen)
{
	size_t i;

	if (guard_staff(s, text, pol, err, errlen) != 0)
		return -1;
	for (i = 0; i < pol->exempt.n; i++)
		if (guard_address(s, text, pol, "exempt address", pol->exempt.v[i], err, errlen) != 0)
			return -1;
	if (guard_address(s, text, pol, "filing mailbox", pol->filing_mailbox, err, errlen) != 0
	    || guard_address(s, text, pol, "monitor mailbox", pol->monitor_mailbox, err, errlen) != 0
	    || guard_address(s, text, pol, "contact address", o->contact, err, errlen) != 0
	    || guard_address(s, text, pol, "filing mailbox", o->mailbox, err, errlen) != 0
	    || guard_address(s, text, pol, "copy address", o->copy_to, err, errlen) != 0)
		return -1;
	return 0;
}
