/*
 * store_audit.c - the audit trail: one row per change, written inside the
 * change's own transaction so the two stand or fall together.
 *
 * A row records who (the OS user behind getuid() and SUDO_USER when set),
 * when, the command line and the before/after JSON the CLI produced.
 * prev_hash/hash stay NULL until hash chaining arrives.
 */
#include "store_int.h"
#include "xalloc.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* os_user - the login name behind the real uid, else the number (new string) */
static char *os_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	char num[32];

	if (pw && pw->pw_name)
		return xstrdup(pw->pw_name);
	snprintf(num, sizeof(num), "%ld", (long)getuid());
	return xstrdup(num);
}

int store_audit_append(struct store *st, time_t at, const char *command,
		       const char *before_json, const char *after_json,
		       char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	const char *sudo = getenv("SUDO_USER");
	char *who;
	int rc, b = 0;

	if (st->in_txn != 2) {
		snprintf(err, errlen, "DB: internal error: audit row outside a change");
		return -1;
	}
	stmt = store_prepare(st, "INSERT INTO audit (at, os_user, sudo_user, command,"
			     " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	if (!stmt)
		return -1;
	who = os_user();
	b |= sqlite3_bind_int64(stmt, 1, (sqlite3_int64)at);
	b |= store_bind_text(stmt, 2, who);
	b |= store_bind_text(stmt, 3, sudo && *sudo ? sudo : NULL);
	b |= store_bind_text(stmt, 4, command ? command : "");
	b |= store_bind_text(stmt, 5, before_json);
	b |= store_bind_text(stmt, 6, after_json);
	if (store_bound(st, stmt, b, err, errlen) != 0) {
		free(who);
		return -1;
	}
	rc = store_step_done(st, stmt, "cannot write the audit row", err, errlen);
	free(who);
	if (rc == 0)
		st->audited = 1;
	return rc;
}
