/*
 * milter-wire.c - the MTA side of the milter wire protocol (version 6) for
 * proto-client (milter-wire.h): framing and buffering commands, reading
 * replies, OPTNEG with symbol lists, macros filtered by those lists, and
 * opening unix and TCP sockets. What a session sends is proto-client's.
 */
#include "milter-wire.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void wire_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("proto-client: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* put - append raw bytes to the output buffer */
static void put(struct pconn *c, const void *p, size_t n)
{
	if (c->nout + n > c->capout) {
		c->capout = (c->nout + n) * 2 + 1024;
		c->out = realloc(c->out, c->capout);
		if (c->out == NULL)
			wire_die("out of memory");
	}
	memcpy(c->out + c->nout, p, n);
	c->nout += n;
}

/* packet - one command: 4-byte length of cmd + data, cmd, data */
void packet(struct pconn *c, char cmd, const void *data, size_t n)
{
	uint32_t len = htonl((uint32_t)(n + 1));

	put(c, &len, 4);
	put(c, &cmd, 1);
	if (n)
		put(c, data, n);
	if (c->unbuffered && cmd != SMFIC_MACRO)
		(void)flush(c);	/* -W: one write per command (macros go with theirs) */
}

/* flush - write everything buffered; -1 on error */
int flush(struct pconn *c)
{
	size_t off = 0;

	while (off < c->nout) {
		ssize_t w = write(c->fd, c->out + off, c->nout - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	c->nout = 0;
	return 0;
}

/* read_full - exactly n bytes; -1 on error or EOF */
static int read_full(int fd, void *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t r = read(fd, (char *)p + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	return 0;
}

/* read_packet - one reply: its command, data in *buf (len *n); -1 on error */
int read_packet(struct pconn *c, char *cmd, char **buf, size_t *n)
{
	uint32_t len;
	static __thread char *b;
	static __thread size_t cap;

	if (flush(c) != 0 || read_full(c->fd, &len, 4) != 0)
		return -1;
	len = ntohl(len);
	if (len < 1 || len > PC_MAXPKT)
		return -1;
	if (len > cap) {
		cap = len;
		b = realloc(b, cap);
		if (b == NULL)
			wire_die("out of memory");
	}
	if (read_full(c->fd, b, len) != 0)
		return -1;
	*cmd = b[0];
	*buf = b + 1;
	*n = len - 1;
	return 0;
}

/* await - read until a final reply for a step; counts modifications */
enum verdict await(struct pconn *c, long *mods)
{
	char cmd, *d;
	size_t n;

	for (;;) {
		if (read_packet(c, &cmd, &d, &n) != 0)
			return V_ERROR;
		switch (cmd) {
		case SMFIR_CONTINUE: case SMFIR_SKIP: return V_CONTINUE;
		case SMFIR_ACCEPT: return V_ACCEPT;
		case SMFIR_REJECT: return V_REJECT;
		case SMFIR_TEMPFAIL: return V_TEMPFAIL;
		case SMFIR_DISCARD: return V_DISCARD;
		case SMFIR_REPLYCODE: return n > 0 && d[0] == '4' ? V_TEMPFAIL : V_REJECT;
		case SMFIR_PROGRESS: continue;
		case SMFIR_ADDHEADER: case SMFIR_INSHEADER: case SMFIR_CHGHEADER:
		case SMFIR_ADDRCPT: case SMFIR_DELRCPT: case SMFIR_ADDRCPT_PAR:
		case SMFIR_QUARANTINE: case SMFIR_CHGFROM: case SMFIR_REPLBODY:
			if (mods)
				(*mods)++;
			continue;
		default:
			return V_ERROR;
		}
	}
}

/* step - send cmd; await its reply unless nr_flag was negotiated */
enum verdict step(struct pconn *c, char cmd, const void *data, size_t n,
			 unsigned long nr_flag, long *mods)
{
	packet(c, cmd, data, n);
	if (nr_flag && (c->steps & nr_flag))
		return V_CONTINUE;
	return await(c, mods);
}

/* wanted - may macro name be sent at this stage (symbol list)? */
static int wanted(const struct pconn *c, int stage, const char *name)
{
	const char *l = c->symlist[stage], *p;
	size_t nl = strlen(name);

	if (l == NULL)
		return 1;
	for (p = l; (p = strstr(p, name)) != NULL; p += nl)
		if ((p == l || p[-1] == ' ') && (p[nl] == '\0' || p[nl] == ' '))
			return 1;
	return 0;
}

/* macros - SMFIC_MACRO for command code cmd: name/value pairs, NULL-terminated */
void macros(struct pconn *c, int stage, char cmd, ...)
{
	char buf[2048];
	size_t n = 0;
	const char *name, *value;
	va_list ap;

	buf[n++] = cmd;
	va_start(ap, cmd);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (!wanted(c, stage, name))
			continue;
		size_t a = strlen(name) + 1, b = strlen(value) + 1;
		if (n + a + b > sizeof(buf))
			break;
		memcpy(buf + n, name, a);
		memcpy(buf + n + a, value, b);
		n += a + b;
	}
	va_end(ap);
	if (n > 1)
		packet(c, SMFIC_MACRO, buf, n);
}

/* sock_open - connect to unix:PATH, inet:PORT@HOST or inet:HOST:PORT */
int sock_open(const char *spec, int nodelay)
{
	int fd, on = 1;

	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0 || spec[0] == '/') {
		struct sockaddr_un sun;
		const char *path = spec[0] == '/' ? spec : strchr(spec, ':') + 1;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(sun.sun_path))
			wire_die("%s: path too long", spec);
		strcpy(sun.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		return fd;
	}
	if (strncmp(spec, "inet:", 5) == 0) {
		char host[256], port[32];
		const char *s = spec + 5, *at = strchr(s, '@'), *colon = strrchr(s, ':');
		struct addrinfo hints, *ai;
		if (at) {
			snprintf(port, sizeof(port), "%.*s", (int)(at - s), s);
			snprintf(host, sizeof(host), "%s", at + 1);
		} else if (colon) {
			snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
			snprintf(port, sizeof(port), "%s", colon + 1);
		} else {
			wire_die("%s: want inet:PORT@HOST", spec);
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_INET;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, port, &hints, &ai) != 0)
			wire_die("%s: cannot resolve", spec);
		fd = socket(ai->ai_family, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			if (fd >= 0)
				close(fd);
			freeaddrinfo(ai);
			return -1;
		}
		freeaddrinfo(ai);
		if (nodelay)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		return fd;
	}
	wire_die("%s: want unix:PATH or inet:PORT@HOST", spec);
}

/* negotiate - OPTNEG and the symbol lists; -1 on error */
int negotiate(struct pconn *c)
{
	uint32_t v[3] = { htonl(PC_VERSION), htonl(PC_ACTIONS), htonl(PC_STEPS) };
	char cmd, *d;
	size_t n, off;

	packet(c, SMFIC_OPTNEG, v, sizeof(v));
	if (read_packet(c, &cmd, &d, &n) != 0 || cmd != SMFIC_OPTNEG || n < 12)
		return -1;
	memcpy(v, d, 12);
	c->actions = ntohl(v[1]);
	c->steps = ntohl(v[2]);
	for (off = 12; off + 4 < n;) {	/* symbol lists: stage, then a string */
		uint32_t st;
		size_t l;
		memcpy(&st, d + off, 4);
		st = ntohl(st);
		off += 4;
		l = strnlen(d + off, n - off);
		if (st < PC_NSTAGES) {
			free(c->symlist[st]);
			c->symlist[st] = strndup(d + off, l);
		}
		off += l + 1;
	}
	return 0;
}

/* conn_close - QUIT and close */
void conn_close(struct pconn *c)
{
	int i;

	if (c->fd >= 0) {
		packet(c, SMFIC_QUIT, NULL, 0);
		(void)flush(c);
		close(c->fd);
	}
	for (i = 0; i < PC_NSTAGES; i++)
		free(c->symlist[i]);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

