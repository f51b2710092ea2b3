/*
 * authres.h - is a message's From: vouched for by a trusted
 * Authentication-Results header (RFC 8601)?
 *
 * Anyone can write a From: header, so a restriction matched only on it is
 * "unverified" unless an authserv-id listed in TrustedAuthservIds reports
 * dmarc=pass for the From: domain, or dkim=pass for a signing domain the
 * From: domain is aligned with.
 */
#ifndef RM_AUTHRES_H
#define RM_AUTHRES_H

#include <stddef.h>
#include "strlist.h"

/*
 * authres_from_verified - 1 when one of the header values (n of them) comes
 * from a trusted authserv-id and passes the From: domain, else 0.
 * from_domain is normalised (lower-case A-labels).
 */
int authres_from_verified(const char *const *values, size_t n,
			  const struct strlist *trusted, const char *from_domain);

#endif
