/*
 * selector.h - parsing and classifying selectors.
 *
 * exact "bob@example.org", domain "@example.org", subdomains
 * "@.example.org" (the domain and everything under it) and "/PCRE2/"
 * (case-insensitive, on the normalised address). Exact and domain keys are
 * normalised like any address, so the store holds them ready for lookup.
 */
#ifndef RM_SELECTOR_H
#define RM_SELECTOR_H

#include <stddef.h>
#include "addr.h"

enum selector_kind { SEL_EXACT, SEL_DOMAIN, SEL_SUBDOMAINS, SEL_REGEX };

struct selector {
	enum selector_kind kind;
	char *key;	/* normalised address, bare domain, or the pattern */
};

const char *selector_kind_name(enum selector_kind k);
/*
 * selector_parse - classify and normalise text; a pattern is compiled once
 * to check it ("bad PCRE2 pattern /a(/: missing closing parenthesis at
 * offset 2"). Returns 0, or -1 with err.
 */
int selector_parse(const char *text, const struct addr_opts *opts,
		   struct selector *out, char *err, size_t errlen);
void selector_clear(struct selector *s);
/* selector_format - the canonical text form ("@.example.org", "/re/") (new) */
char *selector_format(const struct selector *s);
/*
 * selector_matches - does s match this normalised address? For the
 * selector guard and tests; the snapshot uses hash tables instead.
 * Returns 1, 0, or -1 when a pattern hit its match or depth limit.
 */
int selector_matches(const struct selector *s, const char *normalised);

#endif
