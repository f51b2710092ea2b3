/*
 * test_config.c - unit tests for lib/config: every key's default and a good
 * value for each, the exact text of every kind of error (file, line, key),
 * comments, long lines, lists, InternalHosts membership and the computed
 * UnflaggedRetention default. Config files are written under a mkdtemp
 * directory that the fixture removes.
 */
#define _GNU_SOURCE		/* asprintf */

#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/test_config.XXXXXX";

/* tmpdir_create - the directory for this run's config files */
static void tmpdir_create(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* tmpdir_remove - remove the directory and whatever the tests left in it */
static void tmpdir_remove(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[4096];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

/* conf_write - write len bytes of text to tmpdir/name.conf; returns the path (static) */
static const char *conf_write_len(const char *name, const char *text, size_t len)
{
	static char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.conf", tmpdir, name);
	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert_int_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

static const char *conf_write(const char *name, const char *text)
{
	return conf_write_len(name, text, strlen(text));
}

/* conf_load_ok - write and load text, failing the test on any error */
static struct config *conf_load_ok(const char *name, const char *text)
{
	struct config *cfg = NULL;
	char err[512] = "";
	const char *path = conf_write(name, text);

	ck_assert_msg(config_load(path, &cfg, err, sizeof(err)) == 0,
	    "loading \"%s\" failed: %s", text, err);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

/* --- rendering a field for comparison --------------------------------- */

enum kind { K_STR, K_LIST, K_INT, K_LL };

struct field {
	const char *key;
	enum kind kind;
	size_t off;
};

#define F(key, kind, member) { key, kind, offsetof(struct config, member) }

/* field_render - the field's value as text: lists joined with '|', NULL as (null) */
static char *field_render(const struct config *cfg, const struct field *f)
{
	const char *base = (const char *)cfg + f->off;
	char *out = NULL;

	switch (f->kind) {
	case K_STR: {
		const char *s = *(char *const *)(const void *)base;
		out = strdup(s ? s : "(null)");
		break;
	}
	case K_LIST:
		out = strlist_join((const struct strlist *)(const void *)base, "|");
		break;
	case K_INT:
		if (asprintf(&out, "%d", *(const int *)(const void *)base) < 0)
			out = NULL;
		break;
	case K_LL:
		if (asprintf(&out, "%lld", *(const long long *)(const void *)base) < 0)
			out = NULL;
		break;
	}
	ck_assert_ptr_nonnull(out);
	return out;
}

/*
 * field_check - compare one rendered field, printing got and want; a NULL
 * want means the number num (for enum and syslog constants)
 */
static void field_check(const struct config *cfg, const struct field *f,
    const char *want, long long num, const char *context)
{
	char *got = field_render(cfg, f), numtext[32];

	if (want == NULL) {
		snprintf(numtext, sizeof(numtext), "%lld", num);
		want = numtext;
	}
	ck_assert_msg(strcmp(got, want) == 0, "%s: %s: got \"%s\", want \"%s\"",
	    context, f->key, got, want);
	free(got);
}

#define DEFAULT_BLOCK_TEXT "Your message has not been delivered. You may raise a concern" \
	" about this decision through our complaints procedure."

/* every key of SPEC's table with its default ("" = empty list) */
static const struct { struct field f; const char *want; long long num; } defaults[] = {
	{ F("Socket", K_STR, socket), "unix:/var/spool/postfix/restrict-milter/restrict-milter.sock", 0 },
	{ F("SocketMode", K_INT, socket_mode), "432", 0 },			/* 0660 */
	{ F("SocketGroup", K_STR, socket_group), "postfix", 0 },
	{ F("Database", K_STR, database), "/var/lib/restrict-milter/restrict.db", 0 },
	{ F("StaffDomains", K_LIST, staff_domains), "", 0 },
	{ F("ExemptRecipients", K_LIST, exempt_recipients), "", 0 },
	{ F("InternalHosts", K_LIST, internal_hosts), "127.0.0.0/8|::1", 0 },
	{ F("FilingMailbox", K_STR, filing_mailbox), "(null)", 0 },
	{ F("MonitorMailbox", K_STR, monitor_mailbox), "(null)", 0 },
	{ F("HeaderPrefix", K_STR, header_prefix), "X-Restriction", 0 },
	{ F("HeaderDetail", K_INT, header_detail), NULL, HEADER_DETAIL_MINIMAL },
	{ F("FlagHeader", K_INT, flag_header), "1", 0 },
	{ F("FileSubjectPrefix", K_STR, file_subject_prefix), "[Read and file]", 0 },
	{ F("BlockText", K_STR, block_text), DEFAULT_BLOCK_TEXT, 0 },
	{ F("SubaddressSeparator", K_STR, subaddress_separator), "+", 0 },
	{ F("LocalPartCase", K_INT, local_part_case_sensitive), "0", 0 },
	{ F("ScatterWindow", K_LL, scatter_window), "604800", 0 },
	{ F("ScatterThreshold", K_INT, scatter_threshold), "5", 0 },
	{ F("VolumeWindow", K_LL, volume_window), "86400", 0 },
	{ F("VolumeThreshold", K_INT, volume_threshold), "20", 0 },
	{ F("DetectIgnore", K_LIST, detect_ignore), "", 0 },
	{ F("DetectIgnoreSenders", K_LIST, detect_ignore_senders), "", 0 },
	{ F("TrustedAuthservIds", K_LIST, trusted_authserv_ids), "", 0 },
	{ F("MaxTempfailPeriod", K_LL, max_tempfail_period), "259200", 0 },
	{ F("OnDatabaseError", K_INT, on_database_error), "0", 0 },	/* tempfail */
	{ F("SnapshotMaxAge", K_LL, snapshot_max_age), "300", 0 },
	{ F("Authorisers", K_LIST, authorisers), "", 0 },
	{ F("DigestRecipients", K_LIST, digest_recipients), "", 0 },
	{ F("DigestFrom", K_STR, digest_from), NULL, 0 },			/* from gethostname */
	{ F("SendmailCommand", K_STR, sendmail_command), "/usr/sbin/sendmail -t -i", 0 },
	{ F("EventRetention", K_LL, event_retention), "34560000", 0 },	/* 400d */
	{ F("UnflaggedRetention", K_LL, unflagged_retention), "604800", 0 },	/* 7d */
	{ F("RecordRetention", K_LL, record_retention), "189216000", 0 },	/* 6y */
	{ F("User", K_STR, user), "restrict-milter", 0 },
	{ F("PidFile", K_STR, pid_file), "/run/restrict-milter/restrict-milter.pid", 0 },
	{ F("SyslogFacility", K_INT, syslog_facility), NULL, LOG_MAIL },
	{ F("LogLevel", K_INT, log_level), NULL, LOG_INFO },
};

/* default_want - the wanted default; DigestFrom depends on this host */
static char *default_want(int i)
{
	char host[256] = "";
	char *want;

	if (defaults[i].want != NULL)
		return strdup(defaults[i].want);
	if (defaults[i].f.kind != K_STR) {
		ck_assert_int_ne(asprintf(&want, "%lld", defaults[i].num), -1);
		return want;
	}
	ck_assert_int_eq(gethostname(host, sizeof(host) - 1), 0);
	ck_assert_int_ne(asprintf(&want, "restrict-milter@%s", host), -1);
	return want;
}

START_TEST(test_config_defaults_hold_every_spec_default)
{
	struct config *cfg = config_defaults();
	char *want = default_want(_i);

	ck_assert_int_eq(cfg->refs, 1);
	ck_assert_ptr_null(cfg->path);
	field_check(cfg, &defaults[_i].f, want, 0, "config_defaults");
	free(want);
	config_unref(cfg);
}
END_TEST

START_TEST(test_config_empty_file_gives_defaults)
{
	struct config *cfg = conf_load_ok("empty", "# nothing set\n\n");
	char *want = default_want(_i);

	ck_assert_str_eq(cfg->path, conf_write("empty", "# nothing set\n\n"));
	field_check(cfg, &defaults[_i].f, want, 0, "empty file");
	free(want);
	config_unref(cfg);
}
END_TEST

/* one line setting a key, and the value it must produce */
static const struct { const char *line; struct field f; const char *want; long long num; } good[] = {
	{ "Socket inet:8890@127.0.0.1", F("Socket", K_STR, socket), "inet:8890@127.0.0.1", 0 },
	{ "SocketMode 0600", F("SocketMode", K_INT, socket_mode), "384", 0 },
	{ "SocketMode 660", F("SocketMode", K_INT, socket_mode), "432", 0 },
	{ "SocketGroup mail", F("SocketGroup", K_STR, socket_group), "mail", 0 },
	{ "Database /srv/rm/restrict.db", F("Database", K_STR, database), "/srv/rm/restrict.db", 0 },
	{ "StaffDomains staff.example, , other.example ,", F("StaffDomains", K_LIST, staff_domains),
	  "staff.example|other.example", 0 },
	{ "StaffDomains", F("StaffDomains", K_LIST, staff_domains), "", 0 },
	{ "ExemptRecipients  complaints@staff.example ,foi@staff.example\t",
	  F("ExemptRecipients", K_LIST, exempt_recipients), "complaints@staff.example|foi@staff.example", 0 },
	{ "InternalHosts 10.0.0.0/8, 192.0.2.1, 2001:db8::/32",
	  F("InternalHosts", K_LIST, internal_hosts), "10.0.0.0/8|192.0.2.1|2001:db8::/32", 0 },
	{ "InternalHosts", F("InternalHosts", K_LIST, internal_hosts), "", 0 },
	{ "FilingMailbox records@staff.example", F("FilingMailbox", K_STR, filing_mailbox),
	  "records@staff.example", 0 },
	{ "MonitorMailbox monitor@staff.example", F("MonitorMailbox", K_STR, monitor_mailbox),
	  "monitor@staff.example", 0 },
	{ "HeaderPrefix X-Contact-Policy", F("HeaderPrefix", K_STR, header_prefix), "X-Contact-Policy", 0 },
	{ "HeaderDetail full", F("HeaderDetail", K_INT, header_detail), NULL, HEADER_DETAIL_FULL },
	{ "HeaderDetail MINIMAL", F("HeaderDetail", K_INT, header_detail), NULL, HEADER_DETAIL_MINIMAL },
	{ "FlagHeader no", F("FlagHeader", K_INT, flag_header), "0", 0 },
	{ "FlagHeader false", F("FlagHeader", K_INT, flag_header), "0", 0 },
	{ "FlagHeader Off", F("FlagHeader", K_INT, flag_header), "0", 0 },
	{ "FlagHeader 0", F("FlagHeader", K_INT, flag_header), "0", 0 },
	{ "FlagHeader yes", F("FlagHeader", K_INT, flag_header), "1", 0 },
	{ "FlagHeader TRUE", F("FlagHeader", K_INT, flag_header), "1", 0 },
	{ "FlagHeader on", F("FlagHeader", K_INT, flag_header), "1", 0 },
	{ "FlagHeader 1", F("FlagHeader", K_INT, flag_header), "1", 0 },
	{ "FileSubjectPrefix [File, then read] #1", F("FileSubjectPrefix", K_STR, file_subject_prefix),
	  "[File, then read] #1", 0 },
	{ "BlockText Write to complaints@example.org, quoting #2.", F("BlockText", K_STR, block_text),
	  "Write to complaints@example.org, quoting #2.", 0 },
	{ "SubaddressSeparator -", F("SubaddressSeparator", K_STR, subaddress_separator), "-", 0 },
	{ "SubaddressSeparator", F("SubaddressSeparator", K_STR, subaddress_separator), "", 0 },
	{ "SubaddressSeparator   ", F("SubaddressSeparator", K_STR, subaddress_separator), "", 0 },
	{ "LocalPartCase sensitive", F("LocalPartCase", K_INT, local_part_case_sensitive), "1", 0 },
	{ "LocalPartCase Insensitive", F("LocalPartCase", K_INT, local_part_case_sensitive), "0", 0 },
	{ "ScatterWindow 2w", F("ScatterWindow", K_LL, scatter_window), "1209600", 0 },
	{ "ScatterThreshold 7", F("ScatterThreshold", K_INT, scatter_threshold), "7", 0 },
	{ "VolumeWindow 12h", F("VolumeWindow", K_LL, volume_window), "43200", 0 },
	{ "VolumeThreshold 2147483647", F("VolumeThreshold", K_INT, volume_threshold), "2147483647", 0 },
	{ "DetectIgnore enquiries@staff.example,info@staff.example", F("DetectIgnore", K_LIST, detect_ignore),
	  "enquiries@staff.example|info@staff.example", 0 },
	{ "DetectIgnoreSenders noreply@portal.example", F("DetectIgnoreSenders", K_LIST, detect_ignore_senders),
	  "noreply@portal.example", 0 },
	{ "TrustedAuthservIds mx1.staff.example, mx2.staff.example",
	  F("TrustedAuthservIds", K_LIST, trusted_authserv_ids), "mx1.staff.example|mx2.staff.example", 0 },
	{ "MaxTempfailPeriod 5d", F("MaxTempfailPeriod", K_LL, max_tempfail_period), "432000", 0 },
	{ "OnDatabaseError accept", F("OnDatabaseError", K_INT, on_database_error), "1", 0 },
	{ "OnDatabaseError TempFail", F("OnDatabaseError", K_INT, on_database_error), "0", 0 },
	{ "SnapshotMaxAge 30s", F("SnapshotMaxAge", K_LL, snapshot_max_age), "30", 0 },
	{ "Authorisers Jane Smith, Raj Patel", F("Authorisers", K_LIST, authorisers), "Jane Smith|Raj Patel", 0 },
	{ "DigestRecipients hod@staff.example", F("DigestRecipients", K_LIST, digest_recipients),
	  "hod@staff.example", 0 },
	{ "DigestFrom digest@staff.example", F("DigestFrom", K_STR, digest_from), "digest@staff.example", 0 },
	{ "SendmailCommand /usr/lib/sendmail -t -i -f digest@staff.example",
	  F("SendmailCommand", K_STR, sendmail_command), "/usr/lib/sendmail -t -i -f digest@staff.example", 0 },
	{ "EventRetention 2y", F("EventRetention", K_LL, event_retention), "63072000", 0 },
	{ "UnflaggedRetention 30d", F("UnflaggedRetention", K_LL, unflagged_retention), "2592000", 0 },
	{ "RecordRetention 7y", F("RecordRetention", K_LL, record_retention), "220752000", 0 },
	{ "User nobody", F("User", K_STR, user), "nobody", 0 },
	{ "PidFile /run/rm.pid", F("PidFile", K_STR, pid_file), "/run/rm.pid", 0 },
	{ "SyslogFacility local3", F("SyslogFacility", K_INT, syslog_facility), NULL, LOG_LOCAL3 },
	{ "LogLevel debug", F("LogLevel", K_INT, log_level), NULL, LOG_DEBUG },
	/* key spelling and blanks */
	{ "scatterthreshold 9", F("ScatterThreshold", K_INT, scatter_threshold), "9", 0 },
	{ "  SCATTERWINDOW\t3d  \r", F("ScatterWindow", K_LL, scatter_window), "259200", 0 },
	{ "\tdatabase\t\t/x y.db", F("Database", K_STR, database), "/x y.db", 0 },
};

START_TEST(test_config_key_accepts_good_value)
{
	struct config *cfg;
	char *text;

	ck_assert_int_ne(asprintf(&text, "%s\n", good[_i].line), -1);
	cfg = conf_load_ok("good", text);
	field_check(cfg, &good[_i].f, good[_i].want, good[_i].num, good[_i].line);
	free(text);
	config_unref(cfg);
}
END_TEST

#define X64 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* file text, and the error after "FILE" */
static const struct { const char *text; const char *want; } bad[] = {
	{ "ScatterThreshold abc\n", ", line 1: ScatterThreshold: not a positive integer: \"abc\"" },
	{ "ScatterThreshold 0\n", ", line 1: ScatterThreshold: not a positive integer: \"0\"" },
	{ "ScatterThreshold -1\n", ", line 1: ScatterThreshold: not a positive integer: \"-1\"" },
	{ "ScatterThreshold +5\n", ", line 1: ScatterThreshold: not a positive integer: \"+5\"" },
	{ "VolumeThreshold 2147483648\n", ", line 1: VolumeThreshold: not a positive integer: \"2147483648\"" },
	{ "VolumeThreshold 99999999999999999999999\n",
	  ", line 1: VolumeThreshold: not a positive integer: \"99999999999999999999999\"" },
	{ "VolumeThreshold 1.5\n", ", line 1: VolumeThreshold: not a positive integer: \"1.5\"" },
	{ "# comment\n\nScatterWindow 7d\nScatterThreshold abc\n",
	  ", line 4: ScatterThreshold: not a positive integer: \"abc\"" },
	{ "ScatterWindow 7\n", ", line 1: ScatterWindow: not a period (a number and s, m, h, d, w or y): \"7\"" },
	{ "VolumeWindow 0d\n", ", line 1: VolumeWindow: not a period (a number and s, m, h, d, w or y): \"0d\"" },
	{ "EventRetention 7 d\n", ", line 1: EventRetention: not a period (a number and s, m, h, d, w or y): \"7 d\"" },
	{ "SnapshotMaxAge 5 minutes\n",
	  ", line 1: SnapshotMaxAge: not a period (a number and s, m, h, d, w or y): \"5 minutes\"" },
	{ "UnflaggedRetention 99999999999999999y\n",
	  ", line 1: UnflaggedRetention: not a period (a number and s, m, h, d, w or y): \"99999999999999999y\"" },
	{ "SocketMode 0968\n", ", line 1: SocketMode: not an octal mode (e.g. 0660): \"0968\"" },
	{ "SocketMode 17777\n", ", line 1: SocketMode: not an octal mode (e.g. 0660): \"17777\"" },
	{ "SocketMode rw-rw----\n", ", line 1: SocketMode: not an octal mode (e.g. 0660): \"rw-rw----\"" },
	{ "FlagHeader maybe\n", ", line 1: FlagHeader: not yes or no: \"maybe\"" },
	{ "HeaderDetail verbose\n", ", line 1: HeaderDetail: not minimal or full: \"verbose\"" },
	{ "LocalPartCase upper\n", ", line 1: LocalPartCase: not insensitive or sensitive: \"upper\"" },
	{ "OnDatabaseError reject\n", ", line 1: OnDatabaseError: not tempfail or accept: \"reject\"" },
	{ "SyslogFacility kern2\n", ", line 1: SyslogFacility: unknown syslog facility: \"kern2\"" },
	{ "LogLevel loud\n", ", line 1: LogLevel: unknown log level: \"loud\"" },
	{ "HeaderPrefix X Restriction\n", ", line 1: HeaderPrefix: not a valid header field name: \"X Restriction\"" },
	{ "HeaderPrefix X-R:\n", ", line 1: HeaderPrefix: not a valid header field name: \"X-R:\"" },
	{ "HeaderPrefix X-Caf\xc3\xa9\n", ", line 1: HeaderPrefix: not a valid header field name: \"X-Caf\xc3\xa9\"" },
	{ "BlockText Caf\xc3\xa9 closed\n", ", line 1: BlockText: not printable ASCII: \"Caf\xc3\xa9 closed\"" },
	{ "InternalHosts 10.0.0.0/33\n", ", line 1: InternalHosts: not an address or CIDR network: \"10.0.0.0/33\"" },
	{ "InternalHosts 127.0.0.1, localhost\n",
	  ", line 1: InternalHosts: not an address or CIDR network: \"localhost\"" },
	{ "InternalHosts ::1/129\n", ", line 1: InternalHosts: not an address or CIDR network: \"::1/129\"" },
	{ "InternalHosts 10.0.0.0/\n", ", line 1: InternalHosts: not an address or CIDR network: \"10.0.0.0/\"" },
	{ "InternalHosts 10.0.0.0/-1\n", ", line 1: InternalHosts: not an address or CIDR network: \"10.0.0.0/-1\"" },
	{ "InternalHosts 10.0.0/8\n", ", line 1: InternalHosts: not an address or CIDR network: \"10.0.0/8\"" },
	{ "InternalHosts 10.0.0.0/8x\n", ", line 1: InternalHosts: not an address or CIDR network: \"10.0.0.0/8x\"" },
	{ "SubaddressSeparator @\n",
	  ", line 1: SubaddressSeparator: not printable ASCII without '@' or blanks: \"@\"" },
	{ "Socket\n", ", line 1: Socket: missing value" },
	{ "FilingMailbox   \t\n", ", line 1: FilingMailbox: missing value" },
	{ "ScatterThreshold\n", ", line 1: ScatterThreshold: missing value" },
	{ "Socket unix:/x\001y\n", ", line 1: Socket: contains control characters: \"unix:/x?y\"" },
	{ "Bogus yes\n", ", line 1: Bogus: unknown key" },
	{ "Socket=unix:/x\n", ", line 1: Socket=unix:/x: unknown key" },
	{ "#ok\n  \nInternalHost 127.0.0.1\n", ", line 3: InternalHost: unknown key" },
	{ X64 "yyy value\n", ", line 1: " X64 "...: unknown key" },
	{ "FileSubjectPrefix " X64 "\001\n",
	  ", line 1: FileSubjectPrefix: contains control characters: \"" X64 "\"..." },
};

START_TEST(test_config_bad_value_names_file_line_and_key)
{
	struct config *cfg = config_defaults(), *keep = cfg;	/* must be reset to NULL */
	char err[2048] = "", want[2048];
	const char *path = conf_write("bad", bad[_i].text);

	snprintf(want, sizeof(want), "%s%s", path, bad[_i].want);
	ck_assert_int_eq(config_load(path, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_null(cfg);
	ck_assert_msg(strcmp(err, want) == 0, "error: got '%s', want '%s'", err, want);
	config_unref(keep);
}
END_TEST

START_TEST(test_config_nul_byte_is_an_error)
{
	static const char text[] = "Socket unix:/x\0y\n";
	struct config *cfg;
	char err[512], want[512];
	const char *path = conf_write_len("nul", text, sizeof(text) - 1);

	snprintf(want, sizeof(want), "%s, line 1: contains a NUL byte", path);
	ck_assert_int_eq(config_load(path, &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_config_missing_file_says_cannot_open)
{
	struct config *cfg;
	char err[1024], want[1024], path[512];

	snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
	snprintf(want, sizeof(want), "%s: cannot open: %s", path, strerror(ENOENT));
	ck_assert_int_eq(config_load(path, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_null(cfg);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_config_directory_says_cannot_read)
{
	struct config *cfg;
	char err[512], want[512];

	snprintf(want, sizeof(want), "%s: cannot read: %s", tmpdir, strerror(EISDIR));
	ck_assert_int_eq(config_load(tmpdir, &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_config_error_buffer_is_truncated_safely)
{
	struct config *cfg;
	char err[8];
	const char *path = conf_write("small", "Bogus 1\n");

	memset(err, 'Z', sizeof(err));
	ck_assert_int_eq(config_load(path, &cfg, err, sizeof(err)), -1);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	ck_assert_int_eq(config_load(path, &cfg, NULL, 0), -1);
}
END_TEST

START_TEST(test_config_hash_is_comment_only_as_first_nonblank)
{
	struct config *cfg = conf_load_ok("comments",
	    "# Socket unix:/commented\n"
	    "   # indented comment\n"
	    "\t#Bogus key in a comment\n"
	    "FileSubjectPrefix [A#B] # kept\n"
	    "BlockText See #5, and #6.\n"
	    "DigestFrom a@b.example #not a comment\n");

	ck_assert_str_eq(cfg->socket, "unix:/var/spool/postfix/restrict-milter/restrict-milter.sock");
	ck_assert_str_eq(cfg->file_subject_prefix, "[A#B] # kept");
	ck_assert_str_eq(cfg->block_text, "See #5, and #6.");
	ck_assert_str_eq(cfg->digest_from, "a@b.example #not a comment");
	config_unref(cfg);
}
END_TEST

START_TEST(test_config_repeated_key_last_wins)
{
	struct config *cfg = conf_load_ok("repeat",
	    "ScatterThreshold 3\nStaffDomains a.example, b.example\n"
	    "scatterthreshold 4\nStaffDomains c.example\nInternalHosts 10.0.0.0/8\n"
	    "InternalHosts 192.0.2.0/24\n");

	ck_assert_int_eq(cfg->scatter_threshold, 4);
	ck_assert_uint_eq(cfg->staff_domains.n, 1);
	ck_assert_str_eq(cfg->staff_domains.v[0], "c.example");
	ck_assert_uint_eq(cfg->n_internal_nets, 1);
	ck_assert_int_eq(config_host_is_internal(cfg, "10.1.1.1"), 0);
	ck_assert_int_eq(config_host_is_internal(cfg, "192.0.2.9"), 1);
	config_unref(cfg);
}
END_TEST

START_TEST(test_config_file_without_final_newline)
{
	struct config *cfg = conf_load_ok("nonl", "Socket inet:9999@localhost");

	ck_assert_str_eq(cfg->socket, "inet:9999@localhost");
	config_unref(cfg);
}
END_TEST

/* long_text - prefix followed by n copies of unit and a newline */
static char *long_text(const char *prefix, const char *unit, size_t n)
{
	size_t plen = strlen(prefix), ulen = strlen(unit), i;
	char *s = malloc(plen + n * ulen + 2), *p;

	ck_assert_ptr_nonnull(s);
	memcpy(s, prefix, plen);
	for (p = s + plen, i = 0; i < n; i++, p += ulen)
		memcpy(p, unit, ulen);
	strcpy(p, "\n");
	return s;
}

START_TEST(test_config_100kb_lines_are_read_whole)
{
	/* 5,000 addresses of 20 octets: a 100 KB list line, then a 100 KB comment */
	char *list = long_text("ExemptRecipients ", "a0000@staff.example,", 5000);
	char *comment = long_text("# ", "comment ", 12800);
	char *text, *block;
	struct config *cfg;
	char err[512], want[512];
	const char *path;

	ck_assert_int_ne(asprintf(&text, "%s%sScatterThreshold 6\n", list, comment), -1);
	cfg = conf_load_ok("long", text);
	ck_assert_uint_eq(cfg->exempt_recipients.n, 5000);
	ck_assert_str_eq(cfg->exempt_recipients.v[4999], "a0000@staff.example");
	ck_assert_int_eq(cfg->scatter_threshold, 6);
	config_unref(cfg);

	block = long_text("\n\nBlockText ", "x", 102400);
	path = conf_write("longbad", block);
	snprintf(want, sizeof(want), "%s, line 3: BlockText: longer than 900 octets (102400)", path);
	ck_assert_int_eq(config_load(path, &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	free(list);
	free(comment);
	free(text);
	free(block);
}
END_TEST

START_TEST(test_config_block_text_limit_is_900_octets)
{
	char *ok = long_text("BlockText ", "x", 900), *over = long_text("BlockText ", "y", 901);
	struct config *cfg = conf_load_ok("block900", ok);
	char err[512], want[512];
	const char *path;

	ck_assert_uint_eq(strlen(cfg->block_text), 900);
	config_unref(cfg);
	path = conf_write("block901", over);
	snprintf(want, sizeof(want), "%s, line 1: BlockText: longer than 900 octets (901)", path);
	ck_assert_int_eq(config_load(path, &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	free(ok);
	free(over);
}
END_TEST

/* InternalHosts setting, address, and whether it is internal */
static const struct { const char *hosts; const char *addr; int want; } internal[] = {
	{ NULL, "127.0.0.1", 1 },
	{ NULL, "127.255.255.255", 1 },
	{ NULL, "128.0.0.1", 0 },
	{ NULL, "126.255.255.255", 0 },
	{ NULL, "::1", 1 },
	{ NULL, "IPv6:::1", 1 },
	{ NULL, "::2", 0 },
	{ NULL, "::ffff:127.0.0.1", 1 },	/* IPv4-mapped */
	{ NULL, "::ffff:192.0.2.1", 0 },
	{ NULL, "192.0.2.1", 0 },
	{ NULL, "not-an-address", 0 },
	{ NULL, "", 0 },
	{ NULL, "127.0.0.1/8", 0 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "10.1.255.1", 1 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "10.2.0.1", 0 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "192.0.2.7", 1 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "192.0.2.8", 0 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "2001:db8:abcd:1::5", 1 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "2001:DB8:ABCD::", 1 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "2001:db8:abce::1", 0 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "172.31.255.255", 1 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "172.32.0.0", 0 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "172.15.255.255", 0 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "127.0.0.1", 0 },
	{ "10.1.0.0/16, 192.0.2.7, 2001:db8:abcd::/48, 172.16.0.0/12", "::1", 0 },
	{ "0.0.0.0/0", "203.0.113.9", 1 },
	{ "0.0.0.0/0", "2001:db8::1", 0 },
	{ "::/0", "2001:db8::1", 1 },
	{ "2001:db8::1", "2001:db8::1", 1 },		/* bare address = /128 */
	{ "2001:db8::1", "2001:db8::2", 0 },
	{ "192.0.2.128/25", "192.0.2.200", 1 },
	{ "192.0.2.128/25", "192.0.2.127", 0 },
	{ "", "127.0.0.1", 0 },				/* empty list: nothing internal */
};

START_TEST(test_config_internal_hosts_membership)
{
	struct config *cfg;
	char *text;
	int got;

	if (internal[_i].hosts == NULL)
		cfg = config_defaults();
	else {
		ck_assert_int_ne(asprintf(&text, "InternalHosts %s\n", internal[_i].hosts), -1);
		cfg = conf_load_ok("hosts", text);
		free(text);
	}
	got = config_host_is_internal(cfg, internal[_i].addr);
	ck_assert_msg(got == internal[_i].want, "InternalHosts %s: %s: got %d, want %d",
	    internal[_i].hosts ? internal[_i].hosts : "(default)", internal[_i].addr,
	    got, internal[_i].want);
	config_unref(cfg);
}
END_TEST

/* file text and the UnflaggedRetention it must give */
static const struct { const char *text; long long want; } unflagged[] = {
	{ "", 7 * 86400 },
	{ "VolumeWindow 30d\n", 30 * 86400 },
	{ "ScatterWindow 1h\nVolumeWindow 2h\n", 2 * 3600 },
	{ "ScatterWindow 3d\n", 86400 * 3 },
	{ "UnflaggedRetention 1d\nScatterWindow 30d\n", 86400 },	/* explicit wins */
	{ "ScatterWindow 30d\nUnflaggedRetention 2h\n", 2 * 3600 },
};

START_TEST(test_config_unflagged_retention_defaults_to_longest_window)
{
	struct config *cfg = conf_load_ok("unflagged", unflagged[_i].text);

	ck_assert_msg(cfg->unflagged_retention == unflagged[_i].want,
	    "\"%s\": got %lld, want %lld", unflagged[_i].text, cfg->unflagged_retention,
	    unflagged[_i].want);
	config_unref(cfg);
}
END_TEST

START_TEST(test_config_ref_counts)
{
	struct config *cfg = config_defaults();

	ck_assert_ptr_eq(config_ref(cfg), cfg);
	ck_assert_int_eq(cfg->refs, 2);
	config_unref(cfg);
	ck_assert_int_eq(cfg->refs, 1);
	config_unref(cfg);
	config_unref(NULL);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* config_suite - every test above */
static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_unchecked_fixture(tc, tmpdir_create, tmpdir_remove);
	tcase_add_loop_test(tc, test_config_defaults_hold_every_spec_default, 0, N(defaults));
	tcase_add_loop_test(tc, test_config_empty_file_gives_defaults, 0, N(defaults));
	tcase_add_loop_test(tc, test_config_key_accepts_good_value, 0, N(good));
	tcase_add_loop_test(tc, test_config_bad_value_names_file_line_and_key, 0, N(bad));
	tcase_add_test(tc, test_config_nul_byte_is_an_error);
	tcase_add_test(tc, test_config_missing_file_says_cannot_open);
	tcase_add_test(tc, test_config_directory_says_cannot_read);
	tcase_add_test(tc, test_config_error_buffer_is_truncated_safely);
	tcase_add_test(tc, test_config_hash_is_comment_only_as_first_nonblank);
	tcase_add_test(tc, test_config_repeated_key_last_wins);
	tcase_add_test(tc, test_config_file_without_final_newline);
	tcase_add_test(tc, test_config_100kb_lines_are_read_whole);
	tcase_add_test(tc, test_config_block_text_limit_is_900_octets);
	tcase_add_loop_test(tc, test_config_internal_hosts_membership, 0, N(internal));
	tcase_add_loop_test(tc, test_config_unflagged_retention_defaults_to_longest_window, 0,
	    N(unflagged));
	tcase_add_test(tc, test_config_ref_counts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
