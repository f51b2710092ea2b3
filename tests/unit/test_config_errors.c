/*
 * test_config_errors.c - unit tests for lib/config's refusals and edges:
 * the exact text of every kind of error (file, line, key), a NUL byte,
 * missing and unreadable files, a truncated error buffer, comments only as
 * the first non-blank, repeated keys, no final newline, 100 KB lines and
 * the block-text limit. Files go under config_fixture.h's directory.
 */
#define _GNU_SOURCE		/* asprintf */

#include "config_fixture.h"
#include "check_helpers.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 64 characters: an error quotes at most this much of a key or value, then "..." */
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

	snprintf(path, sizeof(path), "%s/absent.conf", config_tmpdir);
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

	snprintf(want, sizeof(want), "%s: cannot read: %s", config_tmpdir, strerror(EISDIR));
	ck_assert_int_eq(config_load(config_tmpdir, &cfg, err, sizeof(err)), -1);
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
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
	Suite *s = suite_create("config_errors");
	TCase *tc = tcase_create("config_errors");

	tcase_add_unchecked_fixture(tc, config_tmpdir_create, config_tmpdir_remove);
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
	suite_add_tcase(s, tc);
	return check_run(s);
}
