/*
 * config_types.c - the value types of restrict-milter.conf: how a key's text
 * becomes a field of struct config (strings with their allowed bytes, lists,
 * host lists, numbers, modes, periods, booleans, enumerations, syslog names),
 * how each is released, and the diagnostics when a value is refused.
 * config.c holds the key table and reads the file.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "config_types.h"
#include "cidr.h"
#include "log.h"
#include "timeparse.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define BLOCK_TEXT_MAX	900	/* octets; SMTP reply text must fit a line */
#define QUOTE_MAX	64	/* value bytes echoed in a diagnostic */

/* enum fields are written through an int pointer */
_Static_assert(sizeof(enum header_detail) == sizeof(int), "enum size");
_Static_assert(sizeof(enum db_error_action) == sizeof(int), "enum size");

/* cfg_echo - append text for a diagnostic, shortened, controls as '?' */
void cfg_echo(struct buf *b, const char *text, const char *quote)
{
	size_t i;

	buf_puts(b, quote);
	for (i = 0; text[i] != '\0' && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)text[i];
		buf_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	buf_puts(b, quote);
	if (text[i] != '\0')
		buf_puts(b, "...");
}

/* cfg_quote - append value as "value" for a diagnostic */
static void cfg_quote(struct buf *b, const char *value)
{
	cfg_echo(b, value, "\"");
}

/* cfg_problem - "what: "value"" into problem; returns -1 for the caller */
static int cfg_problem(struct buf *problem, const char *what, const char *value)
{
	buf_puts(problem, what);
	buf_puts(problem, ": ");
	cfg_quote(problem, value);
	return -1;
}

/* cfg_has_control - does s contain a byte below 0x20 or DEL? */
int cfg_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* str_release - free a string field */
static void str_release(struct config *cfg, const struct cfg_key *key)
{
	char **field = FIELD(cfg, key, char *);

	free(*field);
	*field = NULL;
}

/* str_store - replace a string field with a copy of value */
static void str_store(struct config *cfg, const struct cfg_key *key, const char *value)
{
	str_release(cfg, key);
	*FIELD(cfg, key, char *) = xstrdup(value);
}

/* text_byte - anything but control characters */
static int text_byte(int c)
{
	return c >= 0x20 && c != 0x7f;
}

/* ascii_byte - printable ASCII, space included */
static int ascii_byte(int c)
{
	return c >= 0x20 && c < 0x7f;
}

/* header_byte - a header field name byte: printable ASCII but ':' */
static int header_byte(int c)
{
	return c > 0x20 && c < 0x7f && c != ':';
}

/* sep_byte - a subaddress separator: printable ASCII but '@' */
static int sep_byte(int c)
{
	return c > 0x20 && c < 0x7f && c != '@';
}

/* str_set - a string whose every byte passes the type's byte_ok, up to max */
static int str_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	size_t n;

	for (n = 0; value[n] != '\0'; n++)
		if (!key->type->byte_ok((unsigned char)value[n]))
			return cfg_problem(problem, key->type->bad, value);
	if (key->type->max > 0 && n > key->type->max) {
		buf_printf(problem, "longer than %zu octets (%zu)", key->type->max, n);
		return -1;
	}
	str_store(cfg, key, value);
	return 0;
}

/* list_release - empty a list field */
static void list_release(struct config *cfg, const struct cfg_key *key)
{
	strlist_free(FIELD(cfg, key, struct strlist));
}

/* list_split - comma-separated items, trimmed, empty items dropped */
static void list_split(struct strlist *l, const char *value)
{
	const char *p = value, *end, *next;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, ",");
		next = *end ? end + 1 : end;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > p)
			strlist_take(l, xstrndup(p, (size_t)(end - p)));
		p = next;
	}
}

/* list_set - replace a list field with the items of value */
static int list_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	struct strlist *l = FIELD(cfg, key, struct strlist);

	if (cfg_has_control(value))
		return cfg_problem(problem, "contains control characters", value);
	strlist_free(l);
	list_split(l, value);
	return 0;
}

/* hosts_release - free InternalHosts, written and parsed */
static void hosts_release(struct config *cfg, const struct cfg_key *key)
{
	list_release(cfg, key);
	free(cfg->internal_nets);
	cfg->internal_nets = NULL;
	cfg->n_internal_nets = 0;
}

/* hosts_set - InternalHosts: a list of addresses and CIDR networks */
static int hosts_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	struct strlist items = STRLIST_INIT;
	struct cidr *nets;
	size_t i;

	list_split(&items, value);
	nets = xcalloc(items.n ? items.n : 1, sizeof(*nets));
	for (i = 0; i < items.n; i++) {
		if (cidr_parse(items.v[i], &nets[i]) < 0) {
			cfg_problem(problem, "not an address or CIDR network", items.v[i]);
			free(nets);
			strlist_free(&items);
			return -1;
		}
	}
	hosts_release(cfg, key);
	*FIELD(cfg, key, struct strlist) = items;
	cfg->internal_nets = nets;
	cfg->n_internal_nets = items.n;
	return 0;
}

/* posint_set - a decimal integer from 1 to INT_MAX */
static int posint_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	const char *p;
	long long n = 0;

	for (p = value; *p >= '0' && *p <= '9' && n <= INT_MAX; p++)
		n = n * 10 + (*p - '0');
	if (p == value || *p != '\0' || n < 1 || n > INT_MAX)
		return cfg_problem(problem, "not a positive integer", value);
	*FIELD(cfg, key, int) = (int)n;
	return 0;
}

/* mode_set - an octal file mode up to 07777 */
static int mode_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	const char *p;
	int mode = 0;

	for (p = value; *p >= '0' && *p <= '7' && mode <= 07777; p++)
		mode = mode * 8 + (*p - '0');
	if (p == value || *p != '\0' || mode > 07777)
		return cfg_problem(problem, "not an octal mode (e.g. 0660)", value);
	*FIELD(cfg, key, int) = mode;
	return 0;
}

/* period_set - a period such as 30m, 12h, 7d, 2w, 6y */
static int period_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	long long secs;

	if (period_parse(value, &secs) < 0)
		return cfg_problem(problem,
		    "not a period (a number and s, m, h, d, w or y)", value);
	*FIELD(cfg, key, long long) = secs;
	return 0;
}

/* bool_set - yes/no, true/false, on/off, 1/0 */
static int bool_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*FIELD(cfg, key, int) = 1;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*FIELD(cfg, key, int) = 0;
			return 0;
		}
	}
	return cfg_problem(problem, "not yes or no", value);
}

/* enum_set - one of key->words (case-insensitive); stores its index */
static int enum_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	size_t i;

	for (i = 0; key->words[i] != NULL; i++) {
		if (strcasecmp(value, key->words[i]) == 0) {
			*FIELD(cfg, key, int) = (int)i;
			return 0;
		}
	}
	buf_puts(problem, "not ");
	for (i = 0; key->words[i] != NULL; i++)
		buf_printf(problem, "%s%s", i == 0 ? "" : key->words[i + 1] ? ", " : " or ",
		    key->words[i]);
	return cfg_problem(problem, "", value);
}

/* lookup_set - a name the type's lookup knows (syslog facility, level) */
static int lookup_set(struct config *cfg, const struct cfg_key *key,
    const char *value, struct buf *problem)
{
	int v = key->type->lookup(value);

	if (v < 0)
		return cfg_problem(problem, key->type->bad, value);
	*FIELD(cfg, key, int) = v;
	return 0;
}

const struct cfg_type T_STRING = { .set = str_set, .release = str_release,
	.byte_ok = text_byte, .bad = "contains control characters" };
const struct cfg_type T_SEPARATOR = { .set = str_set, .release = str_release,
	.empty_ok = 1, .byte_ok = sep_byte, .bad = "not printable ASCII without '@' or blanks" };
const struct cfg_type T_HEADER = { .set = str_set, .release = str_release,
	.byte_ok = header_byte, .bad = "not a valid header field name" };
const struct cfg_type T_TEXT = { .set = str_set, .release = str_release,
	.byte_ok = ascii_byte, .bad = "not printable ASCII", .max = BLOCK_TEXT_MAX };
const struct cfg_type T_LIST = { .set = list_set, .release = list_release, .empty_ok = 1 };
const struct cfg_type T_HOSTS = { .set = hosts_set, .release = hosts_release, .empty_ok = 1 };
const struct cfg_type T_POSINT = { .set = posint_set };
const struct cfg_type T_MODE = { .set = mode_set };
const struct cfg_type T_PERIOD = { .set = period_set };
const struct cfg_type T_BOOL = { .set = bool_set };
const struct cfg_type T_ENUM = { .set = enum_set };
const struct cfg_type T_FACILITY = { .set = lookup_set,
	.lookup = log_facility_parse, .bad = "unknown syslog facility" };
const struct cfg_type T_LEVEL = { .set = lookup_set,
	.lookup = log_level_parse, .bad = "unknown log level" };
