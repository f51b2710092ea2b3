/*
 * addr.h - address normalisation, SPEC's order, for senders, recipients and
 * selectors alike.
 *
 * trim; strip <>; unwrap SRS1 -> SRS0 -> original; unwrap BATV (prvs=TAG=);
 * domain to IDNA A-labels (libidn2, non-transitional, NFC input); drop the
 * subaddress tag; lower-case (the local part too unless case-sensitive).
 * Addresses over ADDR_MAX octets are refused; the null sender matches nothing.
 */
#ifndef RM_ADDR_H
#define RM_ADDR_H

#include <stddef.h>

#define ADDR_MAX 320

struct addr_opts {
	const char *subaddress_sep;	/* set of separator characters; "" or NULL disables */
	int local_part_case_sensitive;
};

enum addr_result {
	ADDR_OK = 0,
	ADDR_NULL,		/* "<>" or empty: the null sender */
	ADDR_TOO_LONG,		/* over ADDR_MAX octets (input or result) */
	ADDR_INVALID,		/* no '@', empty part, bad IDNA, NUL or control bytes */
};

/*
 * addr_normalise - normalise one address. On ADDR_OK *out is a new string
 * owned by the caller; otherwise *out is NULL.
 */
enum addr_result addr_normalise(const char *in, const struct addr_opts *opts, char **out);
/*
 * addr_normalise_domain - a bare domain ("Example.COM", "bücher.example")
 * to lower-case A-labels. Returns ADDR_OK and a new string, or an error.
 */
enum addr_result addr_normalise_domain(const char *in, char **out);
/* addr_result_str - a short English description of a result */
const char *addr_result_str(enum addr_result r);
/* addr_domain - the domain part of a normalised address (borrowed), "" if none */
const char *addr_domain(const char *normalised);
/* addr_atext_ascii - an RFC 5322 atext character or '.' (ASCII only) */
int addr_atext_ascii(unsigned char c);

#endif
