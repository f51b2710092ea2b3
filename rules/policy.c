/*
 * policy.c - the decision engine's view of the configuration (policy.h).
 *
 * Address lists are normalised here, once per (re)load, with the same rules
 * as senders and recipients, so "Complaints+x@Staff.Example" in the config
 * exempts what it looks like it exempts.
 */
#include "policy.h"
#include "restriction.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* normalise_list - every address of src into dst; -1 with err on a bad one */
static int normalise_list(const char *key, const struct strlist *src, const struct addr_opts *o,
			  struct strlist *dst, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		char *norm;
		enum addr_result r = addr_normalise(src->v[i], o, &norm);
		if (r != ADDR_OK) {
			snprintf(err, errlen, "%s: \"%.200s\": %s", key, src->v[i], addr_result_str(r));
			return -1;
		}
		strlist_take(dst, norm);
	}
	return 0;
}

/* normalise_domains - StaffDomains to A-label, lower-case domains */
static int normalise_domains(const struct strlist *src, struct strlist *dst, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		char *norm;
		const char *d = src->v[i][0] == '@' ? src->v[i] + 1 : src->v[i];
		enum addr_result r = addr_normalise_domain(d, &norm);
		if (r != ADDR_OK) {
			snprintf(err, errlen, "StaffDomains: \"%.200s\": %s", src->v[i], addr_result_str(r));
			return -1;
		}
		strlist_take(dst, norm);
	}
	return 0;
}

/* check_mailbox - a configured mailbox must at least be a valid address */
static int check_mailbox(const char *key, const char *v, const struct addr_opts *o,
			 char *err, size_t errlen)
{
	char *norm;
	enum addr_result r;

	if (v == NULL)
		return 0;
	r = addr_normalise(v, o, &norm);
	if (r != ADDR_OK) {
		snprintf(err, errlen, "%s: \"%.200s\": %s", key, v, addr_result_str(r));
		return -1;
	}
	free(norm);
	return 0;
}

/* check_block_text - BlockText is a reject text like --message */
static int check_block_text(const char *text, char *err, size_t errlen)
{
	char why[200];

	if (text == NULL || reply_text_check(text, why, sizeof(why)) == 0)
		return 0;
	snprintf(err, errlen, "BlockText: %s", why);
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int policy_new(const struct config *cfg, struct policy **out, char *err, size_t errlen)
{
	struct policy *p = xcalloc(1, sizeof(*p));

	p->refs = 1;
	p->subaddress_sep = xstrdup(cfg->subaddress_separator ? cfg->subaddress_separator : "");
	p->addr.subaddress_sep = p->subaddress_sep;
	p->addr.local_part_case_sensitive = cfg->local_part_case_sensitive;
	p->filing_mailbox = dup_or_null(cfg->filing_mailbox);
	p->monitor_mailbox = dup_or_null(cfg->monitor_mailbox);
	p->header_prefix = xstrdup(cfg->header_prefix);
	p->header_detail_full = cfg->header_detail == HEADER_DETAIL_FULL;
	p->flag_header = cfg->flag_header;
	p->subject_prefix = xstrdup(cfg->file_subject_prefix);
	p->block_text = xstrdup(cfg->block_text);
	p->max_tempfail_period = cfg->max_tempfail_period;
	strlist_copy(&p->trusted_authserv_ids, &cfg->trusted_authserv_ids);
	if (normalise_domains(&cfg->staff_domains, &p->staff_domains, err, errlen) != 0
	    || normalise_list("ExemptRecipients", &cfg->exempt_recipients, &p->addr,
			      &p->exempt, err, errlen) != 0
	    || normalise_list("DetectIgnore", &cfg->detect_ignore, &p->addr,
			      &p->detect_ignore, err, errlen) != 0
	    || normalise_list("DetectIgnoreSenders", &cfg->detect_ignore_senders, &p->addr,
			      &p->detect_ignore_senders, err, errlen) != 0
	    || check_mailbox("FilingMailbox", p->filing_mailbox, &p->addr, err, errlen) != 0
	    || check_mailbox("MonitorMailbox", p->monitor_mailbox, &p->addr, err, errlen) != 0
	    || check_block_text(p->block_text, err, errlen) != 0) {
		policy_unref(p);
		return -1;
	}
	*out = p;
	return 0;
}

struct policy *policy_ref(struct policy *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_SEQ_CST);
	return p;
}

void policy_unref(struct policy *p)
{
	if (p == NULL || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	free(p->subaddress_sep);
	strlist_free(&p->staff_domains);
	strlist_free(&p->exempt);
	strlist_free(&p->detect_ignore);
	strlist_free(&p->detect_ignore_senders);
	strlist_free(&p->trusted_authserv_ids);
	free(p->filing_mailbox);
	free(p->monitor_mailbox);
	free(p->header_prefix);
	free(p->subject_prefix);
	free(p->block_text);
	free(p);
}

int policy_is_staff(const struct policy *p, const char *normalised)
{
	const char *dom = addr_domain(normalised);
	size_t i, dl = strlen(dom);

	for (i = 0; i < p->staff_domains.n; i++) {
		const char *s = p->staff_domains.v[i];
		size_t sl = strlen(s);
		if (dl == sl && strcmp(dom, s) == 0)
			return 1;
		if (dl > sl && dom[dl - sl - 1] == '.' && strcmp(dom + dl - sl, s) == 0)
			return 1;
	}
	return 0;
}

int policy_is_exempt(const struct policy *p, const char *normalised)
{
	return strlist_contains(&p->exempt, normalised) != 0;
}
