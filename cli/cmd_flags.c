/*
 * cmd_flags.c - `restrictctl flags` (the scattergun and volume flags the
 * milter opened: open and escalated, --all for every one) and `restrictctl
 * flag ID --dismiss|--escalate --by NAME` (a human's decision, SPEC
 * "Detection"); and citing a flag from `add`/`approve` (--flag ID).
 *
 * A flag never restricts anyone. Each decision is one write transaction
 * with its audit row and a generation bump, so the milter drops or keeps
 * the X-Restriction-Flag header within a second.
 */
#include "cli.h"
#include "buf.h"
#include "detect.h"
#include "store_flags.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* parsed_list - a stored JSON list, [] when absent or unreadable */
static json_t *parsed_list(const char *text)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;

	if (!json_is_array(j)) {
		json_decref(j);
		return json_array();
	}
	return j;
}

/* evidence_json - the stored evidence with its times as UTC strings */
static json_t *evidence_json(const char *text)
{
	json_t *in = parsed_list(text), *out = json_array(), *item;
	size_t i;

	json_array_foreach(in, i, item) {
		json_t *o = json_object();
		json_t *at = json_object_get(item, "at");

		json_object_set_new(o, "at", json_time(json_is_integer(at)
						      ? (time_t)json_integer_value(at) : 0));
		json_object_set_new(o, "queue_id", json_str(json_string_value(
							 json_object_get(item, "queue_id"))));
		json_object_set_new(o, "message_id", json_str(json_string_value(
							   json_object_get(item, "message_id"))));
		json_array_append_new(out, o);
	}
	json_decref(in);
	return out;
}

/* flag_json - one flag as doc/json/flags.schema.json says */
static json_t *flag_json(const struct store_flag *f)
{
	json_t *o = json_object();
	char per[32];

	json_object_set_new(o, "id", json_integer(f->id));
	json_object_set_new(o, "kind", json_str(f->kind));
	json_object_set_new(o, "status", json_str(f->status));
	json_object_set_new(o, "person", json_str(f->person));
	json_object_set_new(o, "user_id", f->user_id ? json_integer(f->user_id) : json_null());
	json_object_set_new(o, "user_name", json_str(f->user_name));
	json_object_set_new(o, "count", json_integer(f->count));
	json_object_set_new(o, "threshold", json_integer(f->threshold));
	json_object_set_new(o, "window", json_str(period_format(f->window_secs, per, sizeof(per))));
	json_object_set_new(o, "window_secs", json_integer(f->window_secs));
	json_object_set_new(o, "messages", json_integer(f->messages));
	json_object_set_new(o, "opened_at", json_time(f->opened_at));
	json_object_set_new(o, "updated_at", json_time(f->updated_at));
	json_object_set_new(o, "first_at", json_time(f->first_at));
	json_object_set_new(o, "last_at", json_time(f->last_at));
	json_object_set_new(o, "recipients", parsed_list(f->recipients));
	json_object_set_new(o, "evidence", evidence_json(f->evidence));
	json_object_set_new(o, "unverified", json_boolean(f->unverified));
	json_object_set_new(o, "decided_at", json_time(f->decided_at));
	json_object_set_new(o, "decided_by", json_str(f->decided_by));
	json_object_set_new(o, "cited_by", f->cited_by ? json_integer(f->cited_by) : json_null());
	return o;
}

/* flags_table - the flags for people */
static void flags_table(const struct store_flag *v, size_t n)
{
	static const char *const head[] = {
		"ID", "KIND", "STATUS", "PERSON", "USER", "COUNT", "WINDOW", "MESSAGES", "FIRST",
		"LAST", "NOTES",
	};
	struct table t;
	char a[32], b[32], per[32];
	size_t i;

	table_init(&t, 11, head);
	for (i = 0; i < n; i++) {
		const struct store_flag *f = &v[i];

		table_addf(&t, "%lld", f->id);
		table_add(&t, f->kind);
		table_add(&t, f->status);
		table_add(&t, f->person);
		if (f->user_id)
			table_addf(&t, "%lld %s", f->user_id, f->user_name ? f->user_name : "");
		else
			table_add(&t, NULL);
		table_addf(&t, "%u/%u", f->count, f->threshold);
		table_add(&t, period_format(f->window_secs, per, sizeof(per)));
		table_addf(&t, "%lld", f->messages);
		table_add(&t, fmt_local(f->first_at, a, sizeof(a)));
		table_add(&t, fmt_local(f->last_at, b, sizeof(b)));
		if (f->cited_by)
			table_addf(&t, "cited by restriction %lld%s", f->cited_by,
				   f->unverified ? ", unverified" : "");
		else if (f->decided_by)
			table_addf(&t, "by %s%s", f->decided_by, f->unverified ? ", unverified" : "");
		else
			table_add(&t, f->unverified ? "unverified" : NULL);
	}
	table_print(&t, stdout);
}

int cmd_flags(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "all", ARG_FLAG }, { "json", ARG_FLAG }, { NULL, ARG_FLAG },
	};
	struct store_flag *v = NULL;
	struct store *st = NULL;
	struct args a;
	char err[1024];
	size_t n = 0, i;
	int rc;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "flags: %s", err);
	if (a.npos)
		rc = cli_fail(EXIT_USAGE, "flags: unexpected argument \"%.100s\"", a.pos[0]);
	else if (cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if ((rc = cli_open(c, 0, &st)) == 0) {
		if (store_flag_list(st, args_flag(&a, "all"), &v, &n, err, sizeof(err)) != 0) {
			rc = cli_fail(EXIT_STATE, "%s", err);
		} else if (args_flag(&a, "json")) {
			json_t *arr = json_array();
			for (i = 0; i < n; i++)
				json_array_append_new(arr, flag_json(&v[i]));
			rc = json_print(arr) ? EXIT_STATE : 0;
		} else {
			flags_table(v, n);
		}
	}
	store_flags_free(v, n);
	store_close(st);
	args_free(&a);
	return rc;
}

/* flag_text - the audit row's view of a flag (new string) */
static char *flag_text(const struct store_flag *f)
{
	json_t *j = flag_json(f);
	char *s;

	json_object_del(j, "evidence");
	json_object_del(j, "recipients");
	json_object_del(j, "user_name");
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		abort();
	return s;
}

/* flag_view_of - a stored flag as the state machine's view; -1 for a cited one */
static int flag_view_of(const struct store_flag *f, struct flag_view *v)
{
	memset(v, 0, sizeof(*v));
	v->count = f->count;
	return flag_state_parse(f->status, &v->state);
}

/* flag_write - the decision inside the write transaction */
static int flag_write(struct cli *c, struct store *st, long long id, enum flag_human what,
		      const char *by)
{
	struct store_flag f, g;
	struct flag_view v;
	char err[1024], *before, *after;
	int rc, found = store_flag_get(st, id, &f, err, sizeof(err));

	if (found < 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (found == 0)
		return cli_fail(EXIT_STATE, "flag: unknown flag %lld", id);
	if (flag_view_of(&f, &v) != 0 || flag_decide(&v, what, c->now) != 0) {
		rc = cli_fail(EXIT_STATE, "flag: flag %lld is %s: it cannot be %s", id, f.status,
			      what == FLAG_DISMISS ? "dismissed" : "escalated");
		store_flag_clear(&f);
		return rc;
	}
	before = flag_text(&f);
	rc = 0;
	if (store_flag_decide(st, id, flag_state_name(v.state), c->now, by, err, sizeof(err)) != 0
	    || store_flag_get(st, id, &g, err, sizeof(err)) != 1)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else {
		after = flag_text(&g);
		rc = cli_audit(c, st, before, after, f.user_id);
		free(after);
		store_flag_clear(&g);
	}
	free(before);
	store_flag_clear(&f);
	return rc;
}

int cmd_flag(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "dismiss", ARG_FLAG }, { "escalate", ARG_FLAG }, { "by", ARG_VALUE },
		{ NULL, ARG_FLAG },
	};
	struct store *st;
	struct args a;
	const char *by;
	char err[1024];
	long long id = 0;
	int rc, dismiss, escalate;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "flag: %s", err);
	dismiss = args_flag(&a, "dismiss");
	escalate = args_flag(&a, "escalate");
	by = args_get(&a, "by");
	if (a.npos != 1 || args_id(a.pos[0], &id) != 0)
		rc = cli_fail(EXIT_USAGE, "flag: expected one flag ID");
	else if (dismiss == escalate)
		rc = cli_fail(EXIT_USAGE, "flag: give one of --dismiss or --escalate");
	else if (by == NULL || *by == '\0')
		rc = cli_fail(EXIT_USAGE, "flag: missing --by");
	else if (cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if (!cli_name_authorised(c, by))
		rc = cli_fail(EXIT_STATE, "flag: \"%.80s\" is not one of Authorisers", by);
	else if ((rc = cli_change_open(c, &st)) == 0) {
		rc = cli_change_close(c, st, flag_write(c, st, id, dismiss ? FLAG_DISMISS
							: FLAG_ESCALATE, by));
		if (rc == 0)
			printf("flag %lld %s\n", id, dismiss ? "dismissed" : "escalated");
	}
	args_free(&a);
	return rc;
}

int flag_cite(struct store *st, long long flag_id, long long rid, time_t now, const char *by,
	      int strict)
{
	struct store_flag f;
	char err[1024];
	int found = store_flag_get(st, flag_id, &f, err, sizeof(err)), open, rc = 0;

	if (found < 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (found == 0)
		return cli_fail(EXIT_STATE, "unknown flag %lld", flag_id);
	open = strcmp(f.status, "open") == 0 || strcmp(f.status, "escalated") == 0;
	if (!open && strict)
		rc = cli_fail(EXIT_STATE, "flag %lld is %s: only an open or escalated flag can be"
			      " cited", flag_id, f.status);
	else if (open && rid && store_flag_cite(st, flag_id, rid, now, by, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	store_flag_clear(&f);
	return rc;
}
