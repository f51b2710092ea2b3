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
#include "config_types.h"
#include "buf.h"
#include "cidr.h"
#include "xalloc.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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
