/*
 * noop-milter.c - the naive no-op milter the benchmark compares against.
 *
 * noop-milter -p SOCKET [-s [-H | -b | -e]] [-D]
 * Registers every libmilter callback, answers "continue" everywhere and
 * adds one header at end of message. By default it negotiates nothing
 * (libmilter asks the MTA for every step, each answered): that is the
 * "naive" milter. With -s it negotiates exactly the actions and steps
 * restrict-milter negotiates (milter/callbacks.h, and the same logic as
 * its cb_negotiate), so a protocol-level comparison measures the work
 * done, not the round trips (-H then leaves the SMFIP_NR_* flags out, to
 * measure what no-reply steps cost over TCP; -b adds SMFIP_NR_BODY, to
 * measure what restrict-milter's one answered body chunk costs; -e asks
 * for no step but end of message, the floor for any milter that acts on
 * messages). -D sets
 * TCP_NODELAY on a TCP listener as restrict-milter does (milter/listen.c).
 * A unix socket is made 0666.
 */
#include "callbacks.h"

#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* what one connection negotiated */
struct noop_conn {
	int nr_conn, nr_hdr, nr_helo, nr_mail, nr_rcpt, nr_data, nr_eoh, nr_body, nr_unkn;
};

static int same_steps, reply_headers, over_tcp, no_body_reply, eom_only;

#define NOOP_CONN(ctx) ((struct noop_conn *)smfi_getpriv(ctx))

/* reply - SMFIS_NOREPLY when the step was negotiated without a reply */
static sfsistat reply(int noreply)
{
	return noreply ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* noop_negotiate - -s: restrict-milter's negotiation; else ask for everything */
static sfsistat noop_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			       unsigned long f2, unsigned long f3, unsigned long *pf0,
			       unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct noop_conn *c = calloc(1, sizeof(*c));

	(void)f2;
	(void)f3;
	if (c == NULL || smfi_setpriv(ctx, c) != MI_SUCCESS) {
		free(c);
		return SMFIS_TEMPFAIL;
	}
	if (!same_steps)
		return SMFIS_ALL_OPTS;
	if ((f0 & CALLBACKS_ACTIONS) != CALLBACKS_ACTIONS)
		return SMFIS_REJECT;
	*pf0 = CALLBACKS_ACTIONS | (f0 & (SMFIF_ADDRCPT_PAR | SMFIF_SETSYMLIST));
	*pf1 = (over_tcp ? CALLBACKS_STEPS_TCP : CALLBACKS_STEPS) & f1;
	if (reply_headers)	/* -H: answer every step */
		*pf1 &= ~(unsigned long)(SMFIP_NR_HDR | SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL
					 | SMFIP_NR_RCPT | SMFIP_NR_DATA | SMFIP_NR_EOH
					 | SMFIP_NR_BODY | SMFIP_NR_UNKN);
	if (no_body_reply)	/* -b: the body step unanswered as well */
		*pf1 |= SMFIP_NR_BODY & f1;
	if (eom_only)	/* -e: no step but end of message, the least a milter that acts can ask */
		*pf1 = (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT | SMFIP_NOBODY
			| SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_HDR_LEADSPC) & f1;
	*pf2 = *pf3 = 0;
	c->nr_conn = (*pf1 & SMFIP_NR_CONN) != 0;
	c->nr_hdr = (*pf1 & SMFIP_NR_HDR) != 0;
	c->nr_helo = (*pf1 & SMFIP_NR_HELO) != 0;
	c->nr_mail = (*pf1 & SMFIP_NR_MAIL) != 0;
	c->nr_rcpt = (*pf1 & SMFIP_NR_RCPT) != 0;
	c->nr_data = (*pf1 & SMFIP_NR_DATA) != 0;
	c->nr_eoh = (*pf1 & SMFIP_NR_EOH) != 0;
	c->nr_body = (*pf1 & SMFIP_NR_BODY) != 0;
	c->nr_unkn = (*pf1 & SMFIP_NR_UNKN) != 0;
	if (f0 & SMFIF_SETSYMLIST) {
		(void)smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}");
		(void)smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i");
		(void)smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	return SMFIS_CONTINUE;
}

/* conn_of - this connection's flags (a naive milter without negotiate has none) */
static struct noop_conn *conn_of(SMFICTX *ctx)
{
	struct noop_conn *c = NOOP_CONN(ctx);

	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c && smfi_setpriv(ctx, c) != MI_SUCCESS) {
			free(c);
			c = NULL;
		}
	}
	return c;
}

static sfsistat noop_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct noop_conn *c = conn_of(ctx);

	(void)host;
	(void)sa;
	return c ? reply(c->nr_conn) : SMFIS_TEMPFAIL;
}

static sfsistat noop_helo(SMFICTX *ctx, char *helo)
{
	struct noop_conn *c = conn_of(ctx);

	(void)helo;
	return c ? reply(c->nr_helo) : SMFIS_TEMPFAIL;
}

static sfsistat noop_envfrom(SMFICTX *ctx, char **argv)
{
	struct noop_conn *c = conn_of(ctx);

	(void)argv;
	return c ? reply(c->nr_mail) : SMFIS_TEMPFAIL;
}

static sfsistat noop_envrcpt(SMFICTX *ctx, char **argv)
{
	struct noop_conn *c = conn_of(ctx);

	(void)argv;
	return c ? reply(c->nr_rcpt) : SMFIS_TEMPFAIL;
}

static sfsistat noop_data(SMFICTX *ctx)
{
	struct noop_conn *c = conn_of(ctx);

	return c ? reply(c->nr_data) : SMFIS_TEMPFAIL;
}

static sfsistat noop_unknown(SMFICTX *ctx, const char *cmd)
{
	struct noop_conn *c = conn_of(ctx);

	(void)cmd;
	return c ? reply(c->nr_unkn) : SMFIS_TEMPFAIL;
}

static sfsistat noop_header(SMFICTX *ctx, char *name, char *value)
{
	struct noop_conn *c = conn_of(ctx);

	(void)name;
	(void)value;
	return c ? reply(c->nr_hdr) : SMFIS_TEMPFAIL;
}

static sfsistat noop_eoh(SMFICTX *ctx)
{
	struct noop_conn *c = conn_of(ctx);

	return c ? reply(c->nr_eoh) : SMFIS_TEMPFAIL;
}

static sfsistat noop_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct noop_conn *c = conn_of(ctx);

	(void)chunk;
	(void)len;
	return c ? reply(c->nr_body) : SMFIS_TEMPFAIL;
}

/* noop_eom - the one modification: a header */
static sfsistat noop_eom(SMFICTX *ctx)
{
	if (smfi_addheader(ctx, "X-Bench-Noop", same_steps ? " yes" : "yes") != MI_SUCCESS)
		return SMFIS_TEMPFAIL;
	return SMFIS_ACCEPT;
}

static sfsistat noop_abort(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat noop_close(SMFICTX *ctx)
{
	free(NOOP_CONN(ctx));
	(void)smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

/* set_nodelay - TCP_NODELAY on our listening TCP socket (see milter/listen.c) */
static void set_nodelay(void)
{
	int fd, on = 1;

	for (fd = 0; fd < 1024; fd++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int acc = 0;
		socklen_t al = sizeof(acc);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al) != 0 || !acc)
			continue;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0
		    && (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		    && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0)
			perror("noop-milter: TCP_NODELAY");
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: noop-milter -p SOCKET [-s [-H | -b | -e]] [-D]\n"
		"  -s  negotiate restrict-milter's actions and steps (default: everything)\n"
		"  -H  with -s, answer every step (no SMFIP_NR_*): an experiment\n"
		"  -b  with -s, leave the body unanswered too (SMFIP_NR_BODY): an experiment\n"
		"  -e  with -s, no step but end of message: an experiment\n"
		"  -D  TCP_NODELAY on a TCP listener, as restrict-milter sets it\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "noop-milter",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = SMFIF_ADDHDRS,
		.xxfi_connect = noop_connect,
		.xxfi_helo = noop_helo,
		.xxfi_envfrom = noop_envfrom,
		.xxfi_envrcpt = noop_envrcpt,
		.xxfi_header = noop_header,
		.xxfi_eoh = noop_eoh,
		.xxfi_body = noop_body,
		.xxfi_eom = noop_eom,
		.xxfi_abort = noop_abort,
		.xxfi_close = noop_close,
		.xxfi_unknown = noop_unknown,
		.xxfi_data = noop_data,
		.xxfi_negotiate = noop_negotiate,
	};
	const char *sock = NULL;
	int ch, nodelay = 0;

	while ((ch = getopt(argc, argv, "p:sDHbe")) != -1) {
		switch (ch) {
		case 'p': sock = optarg; break;
		case 's': same_steps = 1; break;
		case 'D': nodelay = 1; break;
		case 'H': reply_headers = 1; break;
		case 'b': no_body_reply = 1; break;
		case 'e': eom_only = 1; break;
		default: usage();
		}
	}
	if (sock == NULL || optind != argc)
		usage();
	over_tcp = strncmp(sock, "inet", 4) == 0;	/* -s: DATA answered over TCP, as restrict-milter */
	if (same_steps)
		desc.xxfi_flags = CALLBACKS_ACTIONS | SMFIF_ADDRCPT_PAR;
	if (smfi_register(desc) != MI_SUCCESS || smfi_setconn((char *)sock) != MI_SUCCESS) {
		fprintf(stderr, "noop-milter: cannot register or set socket %s\n", sock);
		return 1;
	}
	umask(0111);
	if (smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "noop-milter: cannot listen on %s\n", sock);
		return 1;
	}
	if (nodelay)
		set_nodelay();
	signal(SIGPIPE, SIG_IGN);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
