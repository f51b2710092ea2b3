/*
 * policy.h - the part of the configuration the decision engine needs, with
 * every address list normalised once, so the mail path compares strings.
 *
 * Built from a loaded config; immutable and reference-counted like it.
 */
#ifndef RM_POLICY_H
#define RM_POLICY_H

#include <stddef.h>
#include "addr.h"
#include "config.h"
#include "strlist.h"

struct policy {
	int refs;
	struct addr_opts addr;
	char *subaddress_sep;		/* owns addr.subaddress_sep */
	struct strlist staff_domains;	/* normalised domains */
	struct strlist exempt;		/* normalised addresses */
	struct strlist detect_ignore;	/* normalised addresses */
	struct strlist detect_ignore_senders;
	struct strlist trusted_authserv_ids;	/* TrustedAuthservIds, as configured */
	char *filing_mailbox;		/* as configured (NULL when unset) */
	char *monitor_mailbox;
	char *header_prefix;
	int header_detail_full;
	int flag_header;
	char *subject_prefix;
	char *block_text;
	long long max_tempfail_period;
};

/* policy_new - from cfg; -1 with err when a configured address is invalid */
int policy_new(const struct config *cfg, struct policy **out, char *err, size_t errlen);
struct policy *policy_ref(struct policy *p);
void policy_unref(struct policy *p);	/* accepts NULL */
/* policy_is_staff - is the normalised address in StaffDomains (or below)? */
int policy_is_staff(const struct policy *p, const char *normalised);
/* policy_is_exempt - is the normalised address in ExemptRecipients? */
int policy_is_exempt(const struct policy *p, const char *normalised);

#endif
