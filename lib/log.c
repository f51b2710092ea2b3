/*
 * log.c - diagnostics to syslog or stderr (see log.h).
 *
 * The line is formatted once into a heap buffer, sanitised in place, then
 * written with a single call so concurrent threads never interleave halves.
 */
#include "log.h"
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* LOG_LINE_SPACE - a line's room on the stack; a longer line grows on the heap */
#define LOG_LINE_SPACE 1024

static int log_to_stderr = 1;
static int log_level = LOG_INFO;
static const char *log_ident = "restrict-milter";

void log_open(const char *ident, int to_stderr, int facility)
{
	log_ident = ident;
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void log_set_level(int level)
{
	log_level = level;
}

int log_get_level(void)
{
	return log_level;
}

static const struct { const char *name; int value; } facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int log_facility_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].value;
	return -1;
}

static const struct { const char *name; int value; } levels[] = {
	{ "err", LOG_ERR }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "warn", LOG_WARNING }, { "notice", LOG_NOTICE }, { "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};

int log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcasecmp(name, levels[i].name) == 0)
			return levels[i].value;
	return -1;
}

char *log_sanitise(char *dst, size_t dstlen, const char *src)
{
	size_t i;

	if (dstlen == 0)
		return dst;
	for (i = 0; src[i] != '\0' && i + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
	return dst;
}

static const char *level_name(int level)
{
	switch (level) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

/*
 * write_all_stderr - the line in one write(2). Not fprintf: on unbuffered
 * stderr it formats through an 8 KiB buffer on the stack, and every
 * connection's new thread faulted those pages in again (most of the
 * milter's page faults under load).
 */
static void write_all_stderr(const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDERR_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* nowhere left to report it */
		p += n;
		len -= (size_t)n;
	}
}

/*
 * log_line - one line out: text as it is, or else fmt formatted with *ap;
 * "ident: level: " first on stderr, control characters made '?', built on
 * the stack (longer lines grow on the heap) and written in one go
 */
static void log_line(int level, const char *text, const char *fmt, va_list *ap)
{
	char space[LOG_LINE_SPACE];
	struct buf b;
	size_t i, start;

	if (level > log_level)
		return;
	buf_init_on(&b, space, sizeof(space));
	if (log_to_stderr) {
		buf_puts(&b, log_ident);
		buf_puts(&b, ": ");
		buf_puts(&b, level_name(level));
		buf_puts(&b, ": ");
	}
	start = b.len;
	if (text != NULL)
		buf_puts(&b, text);
	else
		buf_vprintf(&b, fmt, *ap);
	for (i = start; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];
		if (c < 0x20 || c == 0x7f)
			b.data[i] = '?';
	}
	if (log_to_stderr) {
		buf_putc(&b, '\n');
		write_all_stderr(b.data, b.len);
	} else {
		syslog(level, "%s", b.data);
	}
	buf_free(&b);
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
	va_list copy;

	va_copy(copy, ap);	/* a va_list parameter's address is not a va_list * everywhere */
	log_line(level, NULL, fmt, &copy);
	va_end(copy);
}

void log_text(int level, const char *text)
{
	log_line(level, text, NULL, NULL);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
