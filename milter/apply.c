/*
 * apply.c - the end-of-message changes, in the order the MTA applies them
 * (apply.h): inbound HeaderPrefix headers removed first (each name from its
 * highest index down, which works in Postfix and Sendmail alike), then our
 * headers and the subject prefix, then recipients removed by their exact
 * RCPT argument and targets added with NOTIFY=NEVER, then a hold.
 *
 * Any smfi_* call that fails tempfails the message: a redirect half done
 * must never turn into a delivery.
 */
#include "apply.h"
#include "buf.h"
#include "header.h"
#include "log.h"
#include "restriction.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOLD_REASON "restrict-milter: held by a restriction"

int apply_reply(SMFICTX *ctx, const struct reply *r)
{
	char *text;
	int rc;

	if (r->text == NULL)
		return -1;
	text = reply_text_escape(r->text);
	rc = smfi_setreply(ctx, (char *)r->code, (char *)r->xcode, text);
	free(text);
	if (rc != MI_SUCCESS)
		log_err("smfi_setreply %s %s failed: the MTA's default reply is used", r->code, r->xcode);
	return rc == MI_SUCCESS ? 0 : -1;
}

sfsistat apply_tempfail(SMFICTX *ctx, const char *why)
{
	if (why)
		log_err("%s: message tempfailed", why);
	if (smfi_setreply(ctx, "451", "4.3.0", "Temporary failure, please try again later") != MI_SUCCESS)
		log_warn("smfi_setreply 451 failed: the MTA's default reply is used");
	return SMFIS_TEMPFAIL;
}

int apply_strip(SMFICTX *ctx, const struct msg *m)
{
	size_t i;
	unsigned idx;

	for (i = 0; i < m->prefix_names.n; i++)
		for (idx = m->prefix_counts[i]; idx >= 1; idx--)
			if (smfi_chgheader(ctx, m->prefix_names.v[i], (int)idx, NULL) != MI_SUCCESS) {
				log_err("smfi_chgheader %s[%u] (remove) failed", m->prefix_names.v[i], idx);
				return -1;
			}
	return 0;
}

/* value_for - a header value as the MTA wants it (leading space with HDR_LEADSPC) */
static char *value_for(const struct conn *c, const char *value)
{
	struct buf b;

	buf_init(&b);
	if (c->leadspc)
		buf_putc(&b, ' ');
	buf_puts(&b, value);
	return buf_take(&b);
}

/* add_headers - the decision's headers, appended */
static int add_headers(SMFICTX *ctx, const struct conn *c, const struct decision *d)
{
	size_t i;

	for (i = 0; i < d->nheaders; i++) {
		char *v = value_for(c, d->headers[i].value);
		int rc = smfi_addheader(ctx, d->headers[i].name, v);
		free(v);
		if (rc != MI_SUCCESS) {
			log_err("smfi_addheader %s failed", d->headers[i].name);
			return -1;
		}
	}
	return 0;
}

/*
 * subject_prefix - "prefix old" unless old already starts with prefix; an
 * RFC 2047 encoded-word subject stays intact behind the ASCII prefix and a
 * space. A missing Subject is created.
 */
static int subject_prefix(SMFICTX *ctx, const struct conn *c, const char *prefix)
{
	const char *old = c->msg.subject;
	const char *trimmed = old ? old + strspn(old, " \t\r\n") : NULL;
	struct buf b;
	char *folded, *v;
	int rc;

	if (trimmed && strncasecmp(trimmed, prefix, strlen(prefix)) == 0)
		return 0;
	buf_init(&b);
	buf_puts(&b, prefix);
	if (trimmed && *trimmed) {
		buf_putc(&b, ' ');
		buf_puts(&b, trimmed);
	}
	folded = header_value(buf_cstr(&b), (unsigned)strlen("Subject"));
	v = value_for(c, folded);
	rc = old ? smfi_chgheader(ctx, "Subject", 1, v) : smfi_addheader(ctx, "Subject", v);
	free(v);
	free(folded);
	buf_free(&b);
	if (rc != MI_SUCCESS)
		log_err("smfi_%s Subject failed", old ? "chgheader" : "addheader");
	return rc == MI_SUCCESS ? 0 : -1;
}

/* angle - "<addr>" for an address given without brackets (new string) */
static char *angle(const char *addr)
{
	struct buf b;

	buf_init(&b);
	if (addr[0] == '<')
		buf_puts(&b, addr);
	else
		buf_printf(&b, "<%s>", addr);
	return buf_take(&b);
}

/* change_rcpts - remove redirected recipients, add targets and copies */
static int change_rcpts(SMFICTX *ctx, const struct conn *c, const struct decision *d)
{
	size_t i;
	int rc;

	for (i = 0; i < d->remove_rcpts.n; i++)
		if (smfi_delrcpt(ctx, d->remove_rcpts.v[i]) != MI_SUCCESS) {
			log_err("smfi_delrcpt failed");
			return -1;
		}
	for (i = 0; i < d->add_rcpts.n; i++) {
		char *r = angle(d->add_rcpts.v[i]);
		rc = c->addrcpt_par ? smfi_addrcpt_par(ctx, r, "NOTIFY=NEVER") : smfi_addrcpt(ctx, r);
		free(r);
		if (rc != MI_SUCCESS) {
			log_err("smfi_addrcpt failed");
			return -1;
		}
	}
	return 0;
}

sfsistat apply_decision(SMFICTX *ctx, const struct conn *c, const struct decision *d,
			const char **what)
{
	*what = verdict_name(d->verdict);
	if (d->verdict == VERDICT_REJECT || d->verdict == VERDICT_TEMPFAIL) {
		if (d->reply.text)
			(void)apply_reply(ctx, &d->reply);
		return d->verdict == VERDICT_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
	}
	if (apply_strip(ctx, &c->msg) != 0 || add_headers(ctx, c, d) != 0
	    || (d->subject_prefix && subject_prefix(ctx, c, d->subject_prefix) != 0)
	    || change_rcpts(ctx, c, d) != 0
	    || (d->verdict == VERDICT_HOLD && smfi_quarantine(ctx, HOLD_REASON) != MI_SUCCESS)) {
		*what = "tempfail";
		return apply_tempfail(ctx, c->msg.queue_id ? c->msg.queue_id : "NOQUEUE");
	}
	return SMFIS_ACCEPT;
}
