/*
 * callbacks.c - the libmilter callbacks. Each one only translates: fetch
 * the connection context, call message.c or mctx.c, map the result. A
 * missing context never lets mail through: it tempfails.
 */
#include "callbacks.h"
#include "apply.h"
#include "log.h"
#include "mctx.h"
#include "message.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define CONN(ctx) ((struct conn *)smfi_getpriv(ctx))

/* set once by callbacks_desc, before libmilter starts any thread */
static int over_tcp;

unsigned long callbacks_steps(int tcp)
{
	return tcp ? CALLBACKS_STEPS_TCP : CALLBACKS_STEPS;
}

/* cb_negotiate - ask for our actions and steps, only those the MTA offers */
static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			     unsigned long f2, unsigned long f3, unsigned long *pf0,
			     unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct conn *c;

	if ((f0 & CALLBACKS_ACTIONS) != CALLBACKS_ACTIONS) {
		log_err("the MTA offers actions 0x%lx, we need 0x%lx: connection refused",
			f0, (unsigned long)CALLBACKS_ACTIONS);
		return SMFIS_REJECT;
	}
	c = conn_new(NULL);
	c->leadspc = (f1 & SMFIP_HDR_LEADSPC) != 0;
	c->addrcpt_par = (f0 & SMFIF_ADDRCPT_PAR) != 0;
	c->nr_conn = (f1 & SMFIP_NR_CONN) != 0;
	c->nr_mail = (f1 & SMFIP_NR_MAIL) != 0;
	c->nr_hdr = (f1 & SMFIP_NR_HDR) != 0;
	c->skip = (f1 & SMFIP_SKIP) != 0;
	if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
		conn_free(c);
		return SMFIS_TEMPFAIL;
	}
	*pf0 = CALLBACKS_ACTIONS | (f0 & (SMFIF_ADDRCPT_PAR | SMFIF_SETSYMLIST));
	*pf1 = callbacks_steps(over_tcp) & f1;
	*pf2 = *pf3 = 0;
	if (f0 & SMFIF_SETSYMLIST) {
		(void)smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}");
		(void)smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i");
		(void)smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	return SMFIS_CONTINUE;
}

/* cb_connect - remember the client address (InternalHosts is checked per message) */
static sfsistat cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct conn *c = CONN(ctx);
	char ip[INET6_ADDRSTRLEN] = "";

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)sa)->sin_addr, ip, sizeof(ip));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)sa)->sin6_addr, ip, sizeof(ip));
	conn_set_client(c, ip[0] ? ip : NULL);
	return c->nr_conn ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/*
 * cb_envfrom - a new message. Not answered when SMFIP_NR_MAIL was agreed
 * (libmilter would drop a refusal there): a message message_envfrom
 * tempfails is left inactive, and cb_envrcpt tempfails its recipients.
 */
static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = CONN(ctx);
	sfsistat rc;

	if (c == NULL || argv == NULL || argv[0] == NULL)
		return SMFIS_TEMPFAIL;	/* no message started: every RCPT tempfails too */
	rc = message_envfrom(ctx, c, argv[0]);
	return c->nr_mail ? SMFIS_NOREPLY : rc;
}

/* cb_envrcpt - one recipient, decided at once; none without a message (see cb_envfrom) */
static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = CONN(ctx);

	if (c == NULL || !c->msg.active || argv == NULL || argv[0] == NULL)
		return apply_tempfail(ctx, NULL);
	return message_rcpt(ctx, c, argv[0]);
}

/* cb_header - collect what the decision needs; never refuses */
static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = CONN(ctx);

	if (c != NULL && c->msg.active && name && value)
		mctx_header(&c->msg, c->msg.view.pol->header_prefix, name, value);
	else if (c == NULL || !c->msg.active)
		log_err("header without a message context: the message will be tempfailed");
	return c && c->nr_hdr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* cb_body - a body chunk: kept for novelty, or skipped; never refuses */
static sfsistat cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn *c = CONN(ctx);

	if (c == NULL || !c->msg.active)
		return SMFIS_CONTINUE;	/* EOM tempfails a message without context */
	return message_body(c, chunk, len);
}

/* cb_eom - decide for the message and apply */
static sfsistat cb_eom(SMFICTX *ctx)
{
	struct conn *c = CONN(ctx);
	sfsistat rc;

	if (c == NULL || !c->msg.active)
		return SMFIS_TEMPFAIL;
	rc = message_eom(ctx, c);
	mctx_reset(c);
	return rc;
}

/* cb_data - answered only over TCP (CALLBACKS_STEPS_TCP): the reply is the point */
static sfsistat cb_data(SMFICTX *ctx)
{
	return CONN(ctx) == NULL ? SMFIS_TEMPFAIL : SMFIS_CONTINUE;
}

/* cb_abort - the message ends without EOM (RSET, refused everywhere, lost) */
static sfsistat cb_abort(SMFICTX *ctx)
{
	struct conn *c = CONN(ctx);

	if (c != NULL)
		mctx_reset(c);
	return SMFIS_CONTINUE;
}

/* cb_close - the connection ends */
static sfsistat cb_close(SMFICTX *ctx)
{
	struct conn *c = CONN(ctx);

	if (c != NULL) {
		(void)smfi_setpriv(ctx, NULL);
		conn_free(c);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "restrict-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = CALLBACKS_ACTIONS | SMFIF_ADDRCPT_PAR,
	.xxfi_connect = cb_connect,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_data = cb_data,
	.xxfi_header = cb_header,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_negotiate = cb_negotiate,
};

struct smfiDesc *callbacks_desc(int tcp)
{
	over_tcp = tcp != 0;
	return &desc;
}
