/*
 * cmd_init.c - `restrictctl init`: create the database's directory and
 * file with the modes SPEC asks for, then migrate the schema.
 *
 * Only init migrates. Running it again is harmless: it says what it found
 * and changes nothing that is already right. Expired restrictions are
 * marked, as on every read-write open.
 */
#include "cli.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>

/* migrate - bring the schema up to date in one audited transaction */
static int migrate(struct cli *c, struct store *st)
{
	char err[1024], *before, *after;
	int v, mine = store_schema_version(), rc;
	json_t *j;

	if (store_user_version(st, &v, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (v > mine)
		return cli_fail(EXIT_STATE, "DB: %s: database schema %d is newer than this"
				" program's %d", store_path(st), v, mine);
	if (v == mine) {
		printf("schema version %d is current\n", v);
		return 0;
	}
	j = json_pack("{si}", "schema", v);
	before = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	j = json_pack("{si}", "schema", mine);
	after = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	rc = store_migrate(st, c->command_text, before, after, err, sizeof(err));
	free(before);
	free(after);
	if (rc != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	cli_log_head(c, st);
	if (v == 0)
		printf("created schema version %d\n", mine);
	else
		printf("migrated schema version %d to %d\n", v, mine);
	return 0;
}

/* expire_standalone - mark expired restrictions in their own change, if any */
static int expire_standalone(struct cli *c, struct store *st)
{
	char err[1024];
	int n;

	if (store_begin_write(st, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	n = cli_expire(c, st, err, sizeof(err));
	if (n < 0) {
		store_rollback(st);
		return cli_fail(EXIT_STATE, "%s", err);
	}
	if (n == 0) {
		store_rollback(st);
		return 0;
	}
	if (store_commit_change(st, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	cli_log_head(c, st);
	printf("marked %d restriction%s expired\n", n, n == 1 ? "" : "s");
	return 0;
}

int cmd_init(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = { { NULL, ARG_FLAG } };
	struct strlist done = STRLIST_INIT, warnings = STRLIST_INIT;
	struct store *st = NULL;
	struct args a;
	char err[1024];
	size_t i;
	int rc;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "init: %s", err);
	rc = a.npos ? cli_fail(EXIT_USAGE, "init: unexpected argument \"%.100s\"", a.pos[0]) : 0;
	args_free(&a);
	if (rc)
		return rc;
	if (cli_config(c, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	rc = store_prepare_files(cli_db_path(c), c->cfg->user, &done, &warnings, err, sizeof(err));
	for (i = 0; i < warnings.n; i++)
		cli_warn("%s", warnings.v[i]);
	for (i = 0; i < done.n; i++)
		printf("%s\n", done.v[i]);
	strlist_free(&done);
	strlist_free(&warnings);
	if (rc != 0)
		return cli_fail(EXIT_STATE, "init: %s", err);
	if (store_open(cli_db_path(c), STORE_WRITE | STORE_ANY_SCHEMA, STORE_BUSY_MS_CLI, &st,
		       err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	rc = migrate(c, st);
	if (rc == 0)
		rc = expire_standalone(c, st);
	store_fix_modes(cli_db_path(c), c->cfg->user, &done, &warnings);
	for (i = 0; i < warnings.n; i++)
		cli_warn("%s", warnings.v[i]);
	for (i = 0; i < done.n; i++)
		printf("%s\n", done.v[i]);
	strlist_free(&done);
	strlist_free(&warnings);
	store_close(st);
	return rc;
}
