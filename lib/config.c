/*
 * config.c - read /etc/restrict-milter.conf into an immutable struct config.
 *
 * One row of cfg_keys[] per key: name, value type, where it lives in struct
 * config, its default and (for enumerations) the allowed words. Defaults go
 * through the same parsers as the file, so a row is the whole definition.
 * Rules: "Key value" per line; blanks trimmed; '#' as the first non-blank
 * character makes a comment; keys case-insensitive; a repeated key replaces
 * the earlier value (the last one wins, lists included).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "config.h"
#include "cidr.h"
#include "buf.h"
#include "log.h"
#include "timeparse.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define BLOCK_TEXT_MAX	900	/* octets; SMTP reply text must fit a line */
#define QUOTE_MAX	64	/* value bytes echoed in a diagnostic */

/* enum fields are written through an int pointer */
_Static_assert(sizeof(enum header_detail) == sizeof(int), "enum size");
_Static_assert(sizeof(enum db_error_action) == sizeof(int), "enum size");

struct cfg_key;

/* a value type: how to parse into the field and how to release it */
struct cfg_type {
	int (*set)(struct config *cfg, const struct cfg_key *key,
	    const char *value, struct buf *problem);
	void (*release)(struct config *cfg, const struct cfg_key *key);	/* may be NULL */
	int empty_ok;			/* "Key" alone means an empty value */
	int (*byte_ok)(int c);		/* strings: which bytes may appear */
	int (*lookup)(const char *);	/* names: text to value, -1 unknown */
	const char *bad;		/* the problem when a byte or name is refused */
	size_t max;			/* strings: longest value in octets, 0 = any */
};

/* one configuration key */
struct cfg_key {
	const char *name;
	const struct cfg_type *type;
	size_t offset;			/* into struct config */
	const char *def;		/* default, parsed like the file; NULL = none */
	const char *const *words;	/* enumerations: word i stores value i */
};

#define FIELD(cfg, key, type) ((type *)(void *)((char *)(cfg) + (key)->offset))

/* cfg_echo - append text for a diagnostic, shortened, controls as '?' */
static void cfg_echo(struct buf *b, const char *text, const char *quote)
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
static int cfg_has_control(const char *s)
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

static const struct cfg_type T_STRING = { .set = str_set, .release = str_release,
	.byte_ok = text_byte, .bad = "contains control characters" };
static const struct cfg_type T_SEPARATOR = { .set = str_set, .release = str_release,
	.empty_ok = 1, .byte_ok = sep_byte, .bad = "not printable ASCII without '@' or blanks" };
static const struct cfg_type T_HEADER = { .set = str_set, .release = str_release,
	.byte_ok = header_byte, .bad = "not a valid header field name" };
static const struct cfg_type T_TEXT = { .set = str_set, .release = str_release,
	.byte_ok = ascii_byte, .bad = "not printable ASCII", .max = BLOCK_TEXT_MAX };
static const struct cfg_type T_LIST = { .set = list_set, .release = list_release, .empty_ok = 1 };
static const struct cfg_type T_HOSTS = { .set = hosts_set, .release = hosts_release, .empty_ok = 1 };
static const struct cfg_type T_POSINT = { .set = posint_set };
static const struct cfg_type T_MODE = { .set = mode_set };
static const struct cfg_type T_PERIOD = { .set = period_set };
static const struct cfg_type T_BOOL = { .set = bool_set };
static const struct cfg_type T_ENUM = { .set = enum_set };
static const struct cfg_type T_FACILITY = { .set = lookup_set,
	.lookup = log_facility_parse, .bad = "unknown syslog facility" };
static const struct cfg_type T_LEVEL = { .set = lookup_set,
	.lookup = log_level_parse, .bad = "unknown log level" };

static const char *const detail_words[] = { "minimal", "full", NULL };
static const char *const case_words[] = { "insensitive", "sensitive", NULL };
static const char *const dberr_words[] = { "tempfail", "accept", NULL };

#define KEY(name, type, field, def) \
	{ name, &type, offsetof(struct config, field), def, NULL }
#define KEY_ENUM(name, field, def, words) \
	{ name, &T_ENUM, offsetof(struct config, field), def, words }

/* SPEC's key table; DigestFrom and UnflaggedRetention defaults are computed */
static const struct cfg_key cfg_keys[] = {
	KEY("Socket", T_STRING, socket,
	    "unix:/var/spool/postfix/restrict-milter/restrict-milter.sock"),
	KEY("SocketMode", T_MODE, socket_mode, "0660"),
	KEY("SocketGroup", T_STRING, socket_group, "postfix"),
	KEY("Database", T_STRING, database, "/var/lib/restrict-milter/restrict.db"),
	KEY("StaffDomains", T_LIST, staff_domains, ""),
	KEY("ExemptRecipients", T_LIST, exempt_recipients, ""),
	KEY("InternalHosts", T_HOSTS, internal_hosts, "127.0.0.0/8, ::1"),
	KEY("FilingMailbox", T_STRING, filing_mailbox, NULL),
	KEY("MonitorMailbox", T_STRING, monitor_mailbox, NULL),
	KEY("HeaderPrefix", T_HEADER, header_prefix, "X-Restriction"),
	KEY_ENUM("HeaderDetail", header_detail, "minimal", detail_words),
	KEY("FlagHeader", T_BOOL, flag_header, "yes"),
	KEY("FileSubjectPrefix", T_STRING, file_subject_prefix, "[Read and file]"),
	KEY("BlockText", T_TEXT, block_text,
	    "Your message has not been delivered. You may raise a concern about"
	    " this decision through our complaints procedure."),
	KEY("SubaddressSeparator", T_SEPARATOR, subaddress_separator, "+"),
	KEY_ENUM("LocalPartCase", local_part_case_sensitive, "insensitive", case_words),
	KEY("ScatterWindow", T_PERIOD, scatter_window, "7d"),
	KEY("ScatterThreshold", T_POSINT, scatter_threshold, "5"),
	KEY("VolumeWindow", T_PERIOD, volume_window, "1d"),
	KEY("VolumeThreshold", T_POSINT, volume_threshold, "20"),
	KEY("DetectIgnore", T_LIST, detect_ignore, ""),
	KEY("DetectIgnoreSenders", T_LIST, detect_ignore_senders, ""),
	KEY("TrustedAuthservIds", T_LIST, trusted_authserv_ids, ""),
	KEY("MaxTempfailPeriod", T_PERIOD, max_tempfail_period, "3d"),
	KEY_ENUM("OnDatabaseError", on_database_error, "tempfail", dberr_words),
	KEY("SnapshotMaxAge", T_PERIOD, snapshot_max_age, "5m"),
	KEY("Authorisers", T_LIST, authorisers, ""),
	KEY("DigestRecipients", T_LIST, digest_recipients, ""),
	KEY("DigestFrom", T_STRING, digest_from, NULL),
	KEY("SendmailCommand", T_STRING, sendmail_command, "/usr/sbin/sendmail -t -i"),
	KEY("EventRetention", T_PERIOD, event_retention, "400d"),
	KEY("UnflaggedRetention", T_PERIOD, unflagged_retention, NULL),
	KEY("RecordRetention", T_PERIOD, record_retention, "6y"),
	KEY("User", T_STRING, user, "restrict-milter"),
	KEY("PidFile", T_STRING, pid_file, "/run/restrict-milter/restrict-milter.pid"),
	KEY("SyslogFacility", T_FACILITY, syslog_facility, "mail"),
	KEY("LogLevel", T_LEVEL, log_level, "info"),
};
#define N_KEYS (sizeof(cfg_keys) / sizeof(cfg_keys[0]))

/* config_find - the row for a key name (case-insensitive), or NULL */
static const struct cfg_key *config_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (strcasecmp(name, cfg_keys[i].name) == 0)
			return &cfg_keys[i];
	return NULL;
}

/* config_default_from - "restrict-milter@<hostname>" */
static char *config_default_from(void)
{
	struct buf b;
	char host[256];

	buf_init(&b);
	buf_puts(&b, "restrict-milter@");
	if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0'
	    || memchr(host, '\0', sizeof(host)) == NULL || cfg_has_control(host))
		buf_puts(&b, "localhost");
	else
		buf_puts(&b, host);
	return buf_take(&b);
}

/* config_longest_window - UnflaggedRetention's default */
static long long config_longest_window(const struct config *cfg)
{
	return cfg->scatter_window > cfg->volume_window
	    ? cfg->scatter_window : cfg->volume_window;
}

/* config_defaults - every row's default, parsed like a file value */
struct config *config_defaults(void)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct buf problem;
	size_t i;

	cfg->refs = 1;
	buf_init(&problem);
	for (i = 0; i < N_KEYS; i++) {
		if (cfg_keys[i].def == NULL)
			continue;
		if (cfg_keys[i].type->set(cfg, &cfg_keys[i], cfg_keys[i].def, &problem) < 0) {
			fprintf(stderr, "bug: default for %s: %s\n", cfg_keys[i].name,
			    buf_cstr(&problem));
			abort();
		}
	}
	buf_free(&problem);
	cfg->digest_from = config_default_from();
	cfg->unflagged_retention = config_longest_window(cfg);
	return cfg;
}

/* config_trim - strip leading and trailing blanks in place */
static char *config_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\f' || *s == '\v')
		s++;
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n\f\v", s[n - 1]) != NULL)
		s[--n] = '\0';
	return s;
}

/*
 * config_line - apply one line; 0, or -1 with "KEY: problem" in problem.
 * *seen records which rows were set, for computed defaults.
 */
static int config_line(struct config *cfg, char *line, unsigned char *seen,
    struct buf *problem)
{
	const struct cfg_key *key;
	char *name = config_trim(line), *value;
	size_t n;

	if (*name == '\0' || *name == '#')
		return 0;
	n = strcspn(name, " \t\f\v");
	value = config_trim(name + n);
	name[n] = '\0';
	if ((key = config_find(name)) == NULL) {
		cfg_echo(problem, name, "");
		buf_puts(problem, ": unknown key");
		return -1;
	}
	buf_printf(problem, "%s: ", key->name);
	if (*value == '\0' && !key->type->empty_ok) {
		buf_puts(problem, "missing value");
		return -1;
	}
	if (key->type->set(cfg, key, value, problem) < 0)
		return -1;
	seen[key - cfg_keys] = 1;
	return 0;
}

/* config_error - copy a diagnostic into the caller's buffer */
static void config_error(char *err, size_t errlen, struct buf *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", buf_cstr(msg));
}

/* config_read - read every line of fp into cfg; 0 or -1 with msg set */
static int config_read(struct config *cfg, FILE *fp, const char *path,
    struct buf *msg)
{
	unsigned char seen[N_KEYS] = { 0 };
	struct buf problem;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rc = 0;

	buf_init(&problem);
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		buf_reset(&problem);
		if (memchr(line, '\0', (size_t)len) != NULL)
			buf_puts(&problem, "contains a NUL byte");
		else if (config_line(cfg, line, seen, &problem) == 0)
			continue;
		buf_printf(msg, "%s, line %lu: %s", path, lineno, buf_cstr(&problem));
		rc = -1;
	}
	if (rc == 0 && ferror(fp)) {
		buf_printf(msg, "%s: cannot read: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && !seen[config_find("UnflaggedRetention") - cfg_keys])
		cfg->unflagged_retention = config_longest_window(cfg);
	free(line);
	buf_free(&problem);
	return rc;
}

/* config_load - defaults, then the file; a new config or -1 with err set */
int config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	struct config *cfg;
	struct buf msg;
	FILE *fp;
	int rc;

	*out = NULL;
	if (path == NULL)
		path = CONFIG_DEFAULT_PATH;
	buf_init(&msg);
	if ((fp = fopen(path, "r")) == NULL) {
		buf_printf(&msg, "%s: cannot open: %s", path, strerror(errno));
		config_error(err, errlen, &msg);
		buf_free(&msg);
		return -1;
	}
	cfg = config_defaults();
	cfg->path = xstrdup(path);
	rc = config_read(cfg, fp, path, &msg);
	if (fclose(fp) != 0 && rc == 0) {
		buf_printf(&msg, "%s: cannot read: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc < 0) {
		config_error(err, errlen, &msg);
		config_unref(cfg);
		cfg = NULL;
	}
	buf_free(&msg);
	*out = cfg;
	return rc;
}

/* config_ref - take another reference (atomic: readers run on many threads) */
struct config *config_ref(struct config *cfg)
{
	__atomic_add_fetch(&cfg->refs, 1, __ATOMIC_RELAXED);
	return cfg;
}

/* config_unref - drop a reference; the last one frees everything */
void config_unref(struct config *cfg)
{
	size_t i;

	if (cfg == NULL || __atomic_sub_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < N_KEYS; i++)
		if (cfg_keys[i].type->release != NULL)
			cfg_keys[i].type->release(cfg, &cfg_keys[i]);
	free(cfg->path);
	free(cfg);
}

/* config_host_is_internal - 1 when addr is in InternalHosts (see cidr.c) */
int config_host_is_internal(const struct config *cfg, const char *addr)
{
	return cidr_list_contains(cfg->internal_nets, cfg->n_internal_nets, addr);
}
