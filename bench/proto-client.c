/*
 * proto-client.c - drive a milter over the milter protocol, no MTA.
 *
 * proto-client -p SOCKET [-m N] [-c CONNS] [-k PER-CONN] [-r RCPTS] ...
 * Speaks the MTA side of the wire protocol (version 6) as Postfix does:
 * OPTNEG offering every action and step, then per message the macros and
 * CONNECT, HELO, MAIL, RCPT, DATA, each header, EOH, BODY, BODYEOB, and
 * QUIT when the connection ends. Steps the filter negotiated away
 * (SMFIP_NO*) are not sent, replies it negotiated away (SMFIP_NR_*) are
 * not awaited, a symbol list it sets limits the macros sent. Commands that
 * expect no reply are buffered and written with the next that does.
 * Prints one line of key=value figures (see print_result). The wire
 * protocol itself is in milter-wire.c.
 */
#include "milter-wire.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PC_MAXRESTRICTED 100000

struct options {
	const char *sock;
	long messages, per_conn;
	int conns, rcpts, every, body, nodelay, staff, unbuffered;
	long senders;
	const char *client_ip;
	char **restricted;
	long nrestricted;
};

/* totals, summed over threads */
struct totals {
	long accepted, rejected, tempfailed, discarded, rcpt_refused, mail_refused;
	long mods, errors, conns;
};

static struct options O;
static atomic_long next_msg;
static struct totals T;
static pthread_mutex_t totals_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long neg_actions, neg_steps;
static double *latency;		/* per message, seconds */

/* now_s - monotonic seconds */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* conn_open - a new connection, negotiated, with CONNECT and HELO sent */
static int conn_open(struct pconn *c)
{
	char buf[512];
	size_t n;
	uint16_t port = htons(41000);
	enum verdict v;

	memset(c, 0, sizeof(*c));
	c->unbuffered = O.unbuffered;
	c->fd = sock_open(O.sock, O.nodelay);
	if (c->fd < 0 || negotiate(c) != 0)
		return -1;
	neg_actions = c->actions;
	neg_steps = c->steps;
	if (!(c->steps & SMFIP_NOCONNECT)) {
		macros(c, SMFIM_CONNECT, SMFIC_CONNECT, "j", "mx.staff.example", "{daemon_name}",
		       "smtpd", "v", "Postfix 3.7", "_", "client.example [192.0.2.10]", NULL);
		/* hostname NUL, family '4', port (network order), address NUL */
		memcpy(buf, "client.example", 15);
		n = 15;
		buf[n++] = '4';
		memcpy(buf + n, &port, 2);
		n += 2;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", O.client_ip) + 1;
		v = step(c, SMFIC_CONNECT, buf, n, SMFIP_NR_CONN, NULL);
		if (v != V_CONTINUE)
			return -1;
	}
	if (!(c->steps & SMFIP_NOHELO)) {
		macros(c, SMFIM_HELO, SMFIC_HELO, NULL);
		v = step(c, SMFIC_HELO, "client.example", 15, SMFIP_NR_HELO, NULL);
		if (v != V_CONTINUE)
			return -1;
	}
	return 0;
}

/* sender_of - message i's envelope sender (without <>) */
static void sender_of(long i, char *out, size_t len)
{
	if (O.every > 0 && O.nrestricted > 0 && i % O.every == O.every - 1) {
		snprintf(out, len, "%s", O.restricted[(i / O.every) % O.nrestricted]);
		return;
	}
	snprintf(out, len, "sender%ld@mail%ld.example.net", i % O.senders, (i % O.senders) % 997);
}

/* header - SMFIC_HEADER name value; NR_HDR respected */
static enum verdict header(struct pconn *c, const char *name, const char *value)
{
	char buf[4096];
	size_t a = strlen(name) + 1, b = strlen(value) + 1;

	if (c->steps & SMFIP_NOHDRS)
		return V_CONTINUE;
	if (a + b > sizeof(buf))
		b = sizeof(buf) - a;
	memcpy(buf, name, a);
	memcpy(buf + a, value, b);
	buf[a + b - 1] = '\0';
	return step(c, SMFIC_HEADER, buf, a + b, SMFIP_NR_HDR, NULL);
}

/* body_text - a plain-text body of about n bytes (new string) */
static char *body_text(long i, int n)
{
	static const char *words[] = { "the", "council", "complaint", "reference", "letter",
		"meeting", "decision", "again", "please", "respond", "officer", "housing",
		"planning", "application", "request", "information", "freedom", "office" };
	char *b = malloc((size_t)n + 64);
	int len = 0, col = 0;
	unsigned long x = (unsigned long)i * 2654435761UL + 1;

	if (b == NULL)
		wire_die("out of memory");
	len = sprintf(b, "Dear Sir or Madam,\r\n\r\n");
	while (len < n) {
		const char *w;
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		w = words[(x >> 33) % (sizeof(words) / sizeof(words[0]))];
		len += sprintf(b + len, "%s ", w);
		col += (int)strlen(w) + 1;
		if (col > 66) {
			len += sprintf(b + len, "\r\n");
			col = 0;
		}
	}
	len += sprintf(b + len, "\r\n");
	return b;
}

/* one_message - message i over c; returns 0, or -1 when the connection broke */
static int one_message(struct pconn *c, long i, struct totals *t)
{
	char from[400], rcpt[400], arg[420], qid[32], buf[1024], *body;
	enum verdict v;
	int j, accepted = 0;
	long mods = 0;

	sender_of(i, from, sizeof(from));
	snprintf(qid, sizeof(qid), "%lX", 0x100000L + i);
	if (!(c->steps & SMFIP_NOMAIL)) {
		macros(c, SMFIM_ENVFROM, SMFIC_MAIL, "i", qid, "{mail_addr}", from,
		       "{mail_mailer}", "smtp", NULL);
		snprintf(arg, sizeof(arg), "<%s>", from);
		v = step(c, SMFIC_MAIL, arg, strlen(arg) + 1, SMFIP_NR_MAIL, NULL);
		if (v == V_ERROR)
			return -1;
		if (v == V_ACCEPT) {
			t->accepted++;
			return 0;
		}
		if (v != V_CONTINUE) {
			t->mail_refused++;
			packet(c, SMFIC_ABORT, NULL, 0);
			return 0;
		}
	}
	for (j = 0; j < O.rcpts; j++) {
		snprintf(rcpt, sizeof(rcpt), "staff%ld@staff.example",
			 (i * O.rcpts + j) % O.staff);
		if (c->steps & SMFIP_NORCPT) {
			accepted++;
			continue;
		}
		macros(c, SMFIM_ENVRCPT, SMFIC_RCPT, "i", qid, "{rcpt_addr}", rcpt,
		       "{rcpt_mailer}", "smtp", NULL);
		snprintf(arg, sizeof(arg), "<%s>", rcpt);
		v = step(c, SMFIC_RCPT, arg, strlen(arg) + 1, SMFIP_NR_RCPT, NULL);
		if (v == V_ERROR)
			return -1;
		if (v == V_CONTINUE || v == V_ACCEPT)
			accepted++;
		else
			t->rcpt_refused++;
	}
	if (accepted == 0) {
		t->rejected++;
		packet(c, SMFIC_ABORT, NULL, 0);
		return 0;
	}
	if (!(c->steps & SMFIP_NODATA)) {
		macros(c, SMFIM_DATA, SMFIC_DATA, "i", qid, NULL);
		v = step(c, SMFIC_DATA, NULL, 0, SMFIP_NR_DATA, NULL);
		if (v == V_ERROR)
			return -1;
	}
	/* headers as the MTA passes them (its own Received: first) */
	snprintf(buf, sizeof(buf), "from client.example (client.example [%s])\n\tby mx.staff.example"
		 " (Postfix) with ESMTP id %s\n\tfor <staff%ld@staff.example>", O.client_ip, qid,
		 (i * O.rcpts) % O.staff);
	if (header(c, "Received", buf) == V_ERROR)
		return -1;
	snprintf(buf, sizeof(buf), "A. Correspondent %ld <%s>", i % O.senders, from);
	if (header(c, "From", buf) == V_ERROR)
		return -1;
	snprintf(buf, sizeof(buf), "<staff%ld@staff.example>", (i * O.rcpts) % O.staff);
	if (header(c, "To", buf) == V_ERROR || header(c, "Subject", "Re: my complaint about the"
						   " housing office, reference 2031") == V_ERROR
	    || header(c, "Date", "Thu, 27 Nov 2025 09:00:00 +0000") == V_ERROR)
		return -1;
	snprintf(buf, sizeof(buf), "<%ld.%ld.bench@client.example>", i, (long)getpid());
	if (header(c, "Message-ID", buf) == V_ERROR || header(c, "MIME-Version", "1.0") == V_ERROR
	    || header(c, "Content-Type", "text/plain; charset=utf-8") == V_ERROR
	    || header(c, "Content-Transfer-Encoding", "8bit") == V_ERROR)
		return -1;
	if (!(c->steps & SMFIP_NOEOH) && step(c, SMFIC_EOH, NULL, 0, SMFIP_NR_EOH, NULL) == V_ERROR)
		return -1;
	if (!(c->steps & SMFIP_NOBODY)) {
		body = body_text(i, O.body);
		v = step(c, SMFIC_BODY, body, strlen(body), SMFIP_NR_BODY, NULL);
		free(body);
		if (v == V_ERROR)
			return -1;
	}
	macros(c, SMFIM_EOM, SMFIC_BODYEOB, "i", qid, NULL);
	packet(c, SMFIC_BODYEOB, NULL, 0);
	v = await(c, &mods);
	t->mods += mods;
	switch (v) {
	case V_CONTINUE: case V_ACCEPT: t->accepted++; break;
	case V_REJECT: t->rejected++; break;
	case V_TEMPFAIL: t->tempfailed++; break;
	case V_DISCARD: t->discarded++; break;
	case V_ERROR: return -1;
	}
	return 0;
}

/* worker - take message numbers until none are left */
static void *worker(void *arg)
{
	struct pconn c;
	struct totals t;
	long i, on_conn = 0;

	(void)arg;
	memset(&t, 0, sizeof(t));
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	while ((i = atomic_fetch_add(&next_msg, 1)) < O.messages) {
		double t0 = now_s();
		if (c.fd < 0 || (O.per_conn > 0 && on_conn >= O.per_conn)) {
			conn_close(&c);
			on_conn = 0;
			t.conns++;
			if (conn_open(&c) != 0) {
				t.errors++;
				conn_close(&c);
				continue;
			}
		}
		if (one_message(&c, i, &t) != 0) {
			t.errors++;
			conn_close(&c);
			continue;
		}
		on_conn++;
		if (O.per_conn > 0 && on_conn >= O.per_conn) {
			conn_close(&c);	/* the message ends with its session, as for Postfix */
			on_conn = 0;
		}
		latency[i] = now_s() - t0;
	}
	conn_close(&c);
	pthread_mutex_lock(&totals_lock);
	T.accepted += t.accepted;
	T.rejected += t.rejected;
	T.tempfailed += t.tempfailed;
	T.discarded += t.discarded;
	T.rcpt_refused += t.rcpt_refused;
	T.mail_refused += t.mail_refused;
	T.mods += t.mods;
	T.errors += t.errors;
	T.conns += t.conns;
	pthread_mutex_unlock(&totals_lock);
	return NULL;
}

/* read_restricted - one address a line */
static void read_restricted(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (f == NULL)
		wire_die("%s: %s", path, strerror(errno));
	O.restricted = calloc(PC_MAXRESTRICTED, sizeof(char *));
	if (O.restricted == NULL)
		wire_die("out of memory");
	while (O.nrestricted < PC_MAXRESTRICTED && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && line[0] != '#')
			O.restricted[O.nrestricted++] = strdup(line);
	}
	fclose(f);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* print_result - the figures on one line */
static void print_result(double secs)
{
	long n = O.messages, k = 0, i;
	double *l = malloc(sizeof(double) * (size_t)(n ? n : 1));

	for (i = 0; i < n; i++)
		if (latency[i] > 0)
			l[k++] = latency[i];
	qsort(l, (size_t)k, sizeof(double), dbl_cmp);
	printf("messages=%ld seconds=%.3f msgs_per_s=%.1f conns=%d per_conn=%ld rcpts=%d"
	       " accepted=%ld rejected=%ld tempfailed=%ld discarded=%ld rcpt_refused=%ld"
	       " mail_refused=%ld mods=%ld errors=%ld connections=%ld actions=0x%lx steps=0x%lx"
	       " p50_ms=%.3f p99_ms=%.3f\n",
	       n, secs, secs > 0 ? (double)n / secs : 0.0, O.conns, O.per_conn, O.rcpts,
	       T.accepted, T.rejected, T.tempfailed, T.discarded, T.rcpt_refused, T.mail_refused,
	       T.mods, T.errors, T.conns, neg_actions, neg_steps,
	       k ? l[k / 2] * 1e3 : 0.0, k ? l[(k * 99) / 100] * 1e3 : 0.0);
	free(l);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: proto-client -p SOCKET [-m MESSAGES] [-c CONNS] [-k PER-CONN] [-r RCPTS]\n"
		"                    [-S SENDERS] [-T STAFF] [-R FILE] [-e EVERY] [-b BYTES]\n"
		"                    [-a CLIENT-IP] [-D] [-W]\n"
		"  -p  unix:PATH or inet:PORT@HOST        -m  messages (1000)\n"
		"  -c  parallel connections (20)           -k  messages per connection (1; 0 = all)\n"
		"  -r  recipients per message (1)          -S  distinct ordinary senders (1000)\n"
		"  -T  distinct staff recipients (500)     -R  restricted addresses, one a line\n"
		"  -e  every EVERY-th message is from a restricted address (20; 0 = none)\n"
		"  -b  body bytes (1024)                   -a  client IP in CONNECT (192.0.2.10)\n"
		"  -D  TCP_NODELAY on TCP connections\n"
		"  -W  one write per command, its macros with it, as Postfix does (default:\n"
		"      commands that get no reply go with the next that does)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	pthread_t *th;
	double t0, secs;
	int ch, i;

	O.messages = 1000;
	O.conns = 20;
	O.per_conn = 1;
	O.rcpts = 1;
	O.senders = 1000;
	O.staff = 500;
	O.every = 20;
	O.body = 1024;
	O.client_ip = "192.0.2.10";
	while ((ch = getopt(argc, argv, "p:m:c:k:r:S:T:R:e:b:a:DW")) != -1) {
		switch (ch) {
		case 'p': O.sock = optarg; break;
		case 'm': O.messages = atol(optarg); break;
		case 'c': O.conns = atoi(optarg); break;
		case 'k': O.per_conn = atol(optarg); break;
		case 'r': O.rcpts = atoi(optarg); break;
		case 'S': O.senders = atol(optarg); break;
		case 'T': O.staff = atoi(optarg); break;
		case 'R': read_restricted(optarg); break;
		case 'e': O.every = atoi(optarg); break;
		case 'b': O.body = atoi(optarg); break;
		case 'a': O.client_ip = optarg; break;
		case 'D': O.nodelay = 1; break;
		case 'W': O.unbuffered = 1; break;
		default: usage();
		}
	}
	if (O.sock == NULL || optind != argc || O.messages < 1 || O.conns < 1 || O.rcpts < 1
	    || O.senders < 1 || O.staff < 1 || O.body < 0)
		usage();
	signal(SIGPIPE, SIG_IGN);
	latency = calloc((size_t)O.messages, sizeof(double));
	th = calloc((size_t)O.conns, sizeof(*th));
	if (latency == NULL || th == NULL)
		wire_die("out of memory");
	t0 = now_s();
	for (i = 0; i < O.conns; i++)
		if (pthread_create(&th[i], NULL, worker, NULL) != 0)
			wire_die("pthread_create failed");
	for (i = 0; i < O.conns; i++)
		pthread_join(th[i], NULL);
	secs = now_s() - t0;
	print_result(secs);
	return T.errors > 0 ? 1 : 0;
}
