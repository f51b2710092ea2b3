/*
 * test_config.c - unit tests for lib/config: every key's default and a good
 * value for each, lists, InternalHosts membership, the computed
 * UnflaggedRetention default and reference counts. The errors, comments
 * and long lines are in test_config_errors.c. Config files are written
 * under a mkdtemp directory that the fixture removes (config_fixture.h).
 */
#define _GNU_SOURCE		/* asprintf */

#include "config.h"

#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config_fixture.h"
#include "check_helpers.h"

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

	tcase_add_unchecked_fixture(tc, config_tmpdir_create, config_tmpdir_remove);
	tcase_add_loop_test(tc, test_config_defaults_hold_every_spec_default, 0, N(defaults));
	tcase_add_loop_test(tc, test_config_empty_file_gives_defaults, 0, N(defaults));
	tcase_add_loop_test(tc, test_config_key_accepts_good_value, 0, N(good));
	tcase_add_loop_test(tc, test_config_internal_hosts_membership, 0, N(internal));
	tcase_add_loop_test(tc, test_config_unflagged_retention_defaults_to_longest_window, 0,
	    N(unflagged));
	tcase_add_test(tc, test_config_ref_counts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(config_suite());
}
