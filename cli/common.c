/*
 * common.c - what every restrictctl command needs: one-line errors, the
 * configuration, opening the store, and automatic expiry.
 *
 * Expiry runs inside each write transaction, before the command's own
 * change, so a command that changes something is still one transaction
 * with one generation bump; read-only commands only display "expired".
 * A committed change logs the new audit head hash to syslog.
 */
#include "cli.h"
#include "buf.h"
#include "log.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int cli_fail(int status, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char *p;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* one line, whatever the message carries */
	for (p = b.data; p && *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	fprintf(stderr, "restrictctl: %s\n", buf_cstr(&b));
	buf_free(&b);
	return status;
}

void cli_warn(const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fprintf(stderr, "restrictctl: warning: %s\n", buf_cstr(&b));
	buf_free(&b);
}

/* shell_safe - can this word be shown without quotes? */
static int shell_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789@%+=:,./-_", *s))
			return 0;
	return 1;
}

char *cli_command_text(int argc, char **argv)
{
	struct buf b;
	int i;

	buf_init(&b);
	buf_puts(&b, "restrictctl");
	for (i = 1; i < argc; i++) {
		const char *p;

		buf_putc(&b, ' ');
		if (shell_safe(argv[i])) {
			buf_puts(&b, argv[i]);
			continue;
		}
		buf_putc(&b, '\'');
		for (p = argv[i]; *p; p++) {
			if (*p == '\'')
				buf_puts(&b, "'\\''");
			else
				buf_putc(&b, *p);
		}
		buf_putc(&b, '\'');
	}
	return buf_take(&b);
}

int cli_config(struct cli *c, char *err, size_t errlen)
{
	const char *path = c->config_path ? c->config_path : CONFIG_DEFAULT_PATH;

	if (c->cfg)
		return 0;
	if (!c->config_path && access(path, F_OK) != 0 && errno == ENOENT) {
		c->cfg = config_defaults();
		return 0;
	}
	return config_load(path, &c->cfg, err, errlen);
}

const char *cli_db_path(const struct cli *c)
{
	return c->db_path ? c->db_path : c->cfg->database;
}

int cli_open(struct cli *c, int write, struct store **st)
{
	char err[1024];

	if (store_open(cli_db_path(c), write ? STORE_WRITE : STORE_READONLY, STORE_BUSY_MS_CLI,
		       st, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	return 0;
}

int cli_name_authorised(const struct cli *c, const char *name)
{
	size_t i;

	if (c->cfg->authorisers.n == 0)
		return 1;
	for (i = 0; i < c->cfg->authorisers.n; i++)
		if (strcasecmp(c->cfg->authorisers.v[i], name) == 0)
			return 1;
	return 0;
}

/* expire_one - mark one restriction expired with its history and audit rows */
static int expire_one(struct cli *c, struct store *st, long long id, char *err, size_t errlen)
{
	struct store_restriction sr;
	char *before = NULL, *after = NULL, when[32];
	struct buf what;
	int rc = -1;

	buf_init(&what);
	if (store_restriction_get(st, id, &sr, err, errlen) != 1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "DB: restriction %lld vanished", id);
		goto out;
	}
	before = json_restriction_text(&sr);
	if (store_restriction_expire(st, id, c->now, err, errlen) != 0)
		goto out;
	store_restriction_clear(&sr);
	if (store_restriction_get(st, id, &sr, err, errlen) != 1)
		goto out;
	after = json_restriction_text(&sr);
	buf_printf(&what, "ended %s", time_format_utc(sr.r.ends, when, sizeof(when)));
	if (store_history_add(st, id, c->now, NULL, "expired", buf_cstr(&what), before, after,
			      err, errlen) != 0)
		goto out;
	buf_reset(&what);
	buf_printf(&what, "%s (automatic expiry of restriction %lld)", c->command_text, id);
	rc = store_audit_append(st, c->now, buf_cstr(&what), before, after, err, errlen) != 0
	     || store_audit_link_user(st, sr.r.user_id, err, errlen) != 0 ? -1 : 0;
out:
	store_restriction_clear(&sr);
	buf_free(&what);
	free(before);
	free(after);
	return rc;
}

int cli_expire(struct cli *c, struct store *st, char *err, size_t errlen)
{
	long long *ids;
	size_t n, i;

	err[0] = '\0';
	if (store_expiry_due(st, c->now, &ids, &n, err, errlen) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (expire_one(c, st, ids[i], err, errlen) != 0) {
			free(ids);
			return -1;
		}
	free(ids);
	return (int)n;
}

char *cli_os_user(void)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;
	char num[32];

	if (sudo && *sudo)
		return xstrdup(sudo);
	pw = getpwuid(getuid());
	if (pw && pw->pw_name)
		return xstrdup(pw->pw_name);
	snprintf(num, sizeof(num), "%ld", (long)getuid());
	return xstrdup(num);
}

/* trimmed - the start of s after blanks and the length without trailing ones */
static const char *trimmed(const char *s, size_t *len)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

int cli_name_eq(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return 0;
	a = trimmed(a, &la);
	b = trimmed(b, &lb);
	return la == lb && strncasecmp(a, b, la) == 0;
}

int cli_change_open(struct cli *c, struct store **st)
{
	char err[1024];
	int rc;

	if ((rc = cli_open(c, 1, st)) != 0)
		return rc;
	if (store_begin_write(*st, err, sizeof(err)) != 0
	    || cli_expire(c, *st, err, sizeof(err)) < 0) {
		store_close(*st);
		*st = NULL;
		return cli_fail(EXIT_STATE, "%s", err);
	}
	return 0;
}

int cli_change_close(struct cli *c, struct store *st, int rc)
{
	char err[1024];

	if (st == NULL)
		return rc;
	if (rc == 0 && store_commit_change(st, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	if (rc != 0)
		store_rollback(st);
	else
		cli_log_head(c, st);
	store_close(st);
	return rc;
}

void cli_log_head(struct cli *c, struct store *st)
{
	const char *head;
	long long row = store_audit_written(st, &head);

	if (row == 0)
		return;
	/* the new head goes to syslog, where someone who can write the database cannot */
	log_open("restrictctl", 0, c->cfg->syslog_facility);
	log_info("audit head %s (row %lld, database %s)", head, row, store_path(st));
	log_open("restrictctl", 1, LOG_USER);
}

int cli_load_restriction(struct store *st, const char *cmd, long long id,
			 struct store_restriction *sr)
{
	char err[1024];
	int found;

	err[0] = '\0';
	found = store_restriction_get(st, id, sr, err, sizeof(err));
	if (found < 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (found == 0)
		return cli_fail(EXIT_STATE, "%s: unknown restriction %lld", cmd, id);
	return 0;
}

int cli_audit(struct cli *c, struct store *st, const char *before, const char *after,
	      long long user_id)
{
	char err[1024];

	if (store_audit_append(st, c->now, c->command_text, before, after, err, sizeof(err)) != 0
	    || (user_id && store_audit_link_user(st, user_id, err, sizeof(err)) != 0))
		return cli_fail(EXIT_STATE, "%s", err);
	return 0;
}

int cli_step(struct cli *c, struct store *st, long long id, const char *before,
	     const char *kind, const char *by, const char *notes, int audit)
{
	struct store_restriction sr;
	char err[1024], *after;
	int rc;

	if ((rc = cli_load_restriction(st, kind, id, &sr)) != 0) {
		store_restriction_clear(&sr);
		return rc;
	}
	after = json_restriction_text(&sr);
	if (store_history_add(st, id, c->now, by, kind, notes, before, after, err,
			      sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if (audit)
		rc = cli_audit(c, st, before, after, sr.r.user_id);
	free(after);
	store_restriction_clear(&sr);
	return rc;
}

/* the six criteria of policy 5.6, in the policy's order */
static const char *const criteria_names[CRITERIA_COUNT] = {
	"handled", "decision-right", "communication-adequate",
	"misunderstandings-addressed", "access-considered", "advice-signposted",
};

/* criteria_mark - set seen[i] for each name in a comma list; -1 + err on an unknown one */
static int criteria_mark(const char *list, int *seen, char *err, size_t errlen)
{
	char *copy = xstrdup(list), *save = NULL, *tok;
	size_t i, len;
	int rc = 0;

	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		const char *t = trimmed(tok, &len);

		if (len == 0)
			continue;
		for (i = 0; i < CRITERIA_COUNT; i++)
			if (strlen(criteria_names[i]) == len && strncasecmp(t, criteria_names[i], len) == 0)
				break;
		if (i == CRITERIA_COUNT) {
			snprintf(err, errlen, "unknown criterion \"%.*s\" (%s, %s, %s, %s, %s, %s)",
				 (int)(len > 80 ? 80 : len), t, criteria_names[0], criteria_names[1],
				 criteria_names[2], criteria_names[3], criteria_names[4],
				 criteria_names[5]);
			rc = -1;
		} else {
			seen[i] = 1;
		}
	}
	free(copy);
	return rc;
}

int criteria_merge(const char *stored, const char *given, char **canon, char **missing,
		   char *err, size_t errlen)
{
	struct strlist have = STRLIST_INIT, lack = STRLIST_INIT;
	int seen[CRITERIA_COUNT] = { 0 };
	size_t i;

	if ((stored && criteria_mark(stored, seen, err, errlen) != 0)
	    || (given && criteria_mark(given, seen, err, errlen) != 0))
		return -1;
	for (i = 0; i < CRITERIA_COUNT; i++)
		strlist_add(seen[i] ? &have : &lack, criteria_names[i]);
	*canon = have.n ? strlist_join(&have, ",") : NULL;
	if (missing)
		*missing = lack.n ? strlist_join(&lack, ", ") : NULL;
	strlist_free(&have);
	strlist_free(&lack);
	return 0;
}

int cli_audit_restriction(struct cli *c, struct store *st, long long id, const char *before)
{
	struct store_restriction sr;
	char *after;
	int rc;

	if ((rc = cli_load_restriction(st, "audit", id, &sr)) == 0) {
		after = json_restriction_text(&sr);
		rc = cli_audit(c, st, before, after, sr.r.user_id);
		free(after);
	}
	store_restriction_clear(&sr);
	return rc;
}
