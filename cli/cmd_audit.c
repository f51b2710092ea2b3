/*
 * cmd_audit.c - `restrictctl audit`: the audit rows as a table or JSON
 * (doc/json/audit.schema.json), and `audit --verify [--head HASH]`, which
 * recomputes the hash chain (store_chain.c).
 *
 * --verify exits 0 with "audit chain verified: N rows, head HASH", or 1
 * with one line naming the first bad row: an altered row, a removed one,
 * or (with a head recorded earlier, from syslog or a digest) a truncated
 * tail. It opens the database read-only and changes nothing.
 */
#include "cli.h"
#include "timeparse.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* head_parse - 64 hex digits, lower-cased into out (>= 65); 0 or -1 */
static int head_parse(const char *text, char *out)
{
	size_t i;

	if (strlen(text) != STORE_HASH_LEN)
		return -1;
	for (i = 0; i < STORE_HASH_LEN; i++) {
		if (!isxdigit((unsigned char)text[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)text[i]);
	}
	out[STORE_HASH_LEN] = '\0';
	return 0;
}

/* verify - walk the chain in one read transaction and say what was found */
static int verify(struct store *st, const char *head)
{
	struct store_verify v;
	char err[1024];
	int rc;

	if (store_begin_read(st, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	rc = store_audit_verify(st, head, &v, err, sizeof(err));
	if (store_end_read(st, err, sizeof(err)) != 0 && rc >= 0)
		rc = -1;
	if (rc < 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (rc > 0)
		return cli_fail(EXIT_STATE, "audit: verification failed: %s", v.problem);
	printf("audit chain verified: %lld rows, head %s\n", v.rows, v.rows ? v.head : "none");
	if (head && v.head_row > 0)
		printf("recorded head is row %lld; %lld row%s after it\n", v.head_row, v.after_head,
		       v.after_head == 1 ? "" : "s");
	else if (head)
		printf("recorded head was purged; checkpoint row %lld vouches for it\n", -v.head_row);
	if (v.vouched_by)
		printf("earlier rows were purged; checkpoint row %lld vouches for the first"
		       " remaining row\n", v.vouched_by);
	return 0;
}

/* json_text - stored JSON text parsed back, or the text itself, or null */
static json_t *json_text(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	j = json_loads(s, JSON_DECODE_ANY, NULL);
	return j ? j : json_str(s);
}

/* json_audit_row - one row as audit --json and export show it */
json_t *json_audit_row(const struct store_audit_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "at", json_time(r->at));
	json_object_set_new(o, "os_user", json_str(r->os_user));
	json_object_set_new(o, "sudo_user", json_str(r->sudo_user));
	json_object_set_new(o, "command", json_str(r->command));
	json_object_set_new(o, "before", json_text(r->before_json));
	json_object_set_new(o, "after", json_text(r->after_json));
	json_object_set_new(o, "prev_hash", json_str(r->prev_hash));
	json_object_set_new(o, "hash", json_str(r->hash));
	return o;
}

/* list - the rows since a date, as a table or JSON */
static int list(struct store *st, time_t since, int as_json)
{
	static const char *const head[] = { "ID", "AT", "OS USER", "SUDO USER", "COMMAND", "HASH" };
	struct store_audit_row *v;
	struct table t;
	char err[1024], b[32];
	size_t n, i;
	int rc = 0;

	if (store_audit_list(st, since, 0, &v, &n, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (as_json) {
		json_t *o = json_object(), *arr = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_audit_row(&v[i]));
		json_object_set_new(o, "head", n ? json_str(v[n - 1].hash) : json_null());
		json_object_set_new(o, "rows", arr);
		rc = json_print(o) ? EXIT_STATE : 0;
	} else {
		table_init(&t, 6, head);
		for (i = 0; i < n; i++) {
			table_addf(&t, "%lld", v[i].id);
			table_add(&t, fmt_local(v[i].at, b, sizeof(b)));
			table_add(&t, v[i].os_user);
			table_add(&t, v[i].sudo_user);
			table_add(&t, v[i].command);
			table_addf(&t, "%.12s", v[i].hash ? v[i].hash : "-");
		}
		table_print(&t, stdout);
	}
	store_audit_rows_free(v, n);
	return rc;
}

/* audit_parse - the options as a whole; *since and head filled */
static int audit_parse(const struct args *a, time_t *since, char *head, int *verify_it)
{
	const char *s = args_get(a, "since"), *h = args_get(a, "head");

	*verify_it = args_flag(a, "verify");
	if (a->npos)
		return cli_fail(EXIT_USAGE, "audit: unexpected argument \"%.100s\"", a->pos[0]);
	if (h && !*verify_it)
		return cli_fail(EXIT_USAGE, "audit: --head goes with --verify");
	if (*verify_it && (s || args_flag(a, "json")))
		return cli_fail(EXIT_USAGE, "audit: --verify checks the whole chain; it takes no"
				" --since or --json");
	if (h && head_parse(h, head) != 0)
		return cli_fail(EXIT_USAGE, "audit: bad --head \"%.80s\": expected 64 hex digits", h);
	if (s && date_parse(s, since, NULL) != 0)
		return cli_fail(EXIT_USAGE, "audit: bad date for --since: \"%.80s\"", s);
	return 0;
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "since", ARG_VALUE }, { "json", ARG_FLAG }, { "verify", ARG_FLAG },
		{ "head", ARG_VALUE }, { NULL, ARG_FLAG },
	};
	char err[1024], head[STORE_HASH_LEN + 1] = "";
	struct store *st = NULL;
	struct args a;
	time_t since = 0;
	int rc, verify_it = 0;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "audit: %s", err);
	if ((rc = audit_parse(&a, &since, head, &verify_it)) == 0) {
		if (cli_config(c, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "%s", err);
		else if ((rc = cli_open(c, 0, &st)) == 0)
			rc = verify_it ? verify(st, *head ? head : NULL)
				       : list(st, since, args_flag(&a, "json"));
	}
	store_close(st);
	args_free(&a);
	return rc;
}
