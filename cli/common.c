/*
 * common.c - what every restrictctl command needs: one-line errors, the
 * configuration, opening the store, and automatic expiry.
 *
 * Expiry runs inside each write transaction, before the command's own
 * change, so a command that changes something is still one transaction
 * with one generation bump; read-only commands only display "expired".
 */
#include "cli.h"
#include "buf.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
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
	rc = store_audit_append(st, c->now, buf_cstr(&what), before, after, err, errlen);
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
