/*
 * cmd_list.c - the read-only views: `list`, `show ID`, `users`, `user ID`,
 * each as a table for people or, with --json, as doc/json's schemas say.
 *
 * They open the database read-only and change nothing: a restriction past
 * its end shows as "expired" here even before a read-write command has
 * recorded the expiry. Access-requirement notes appear only in `user ID`.
 */
#include "cli.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct arg_spec json_only[] = { { "json", ARG_FLAG }, { NULL, ARG_FLAG } };

/* open_view - parse, load config, open read-only; *id set when want_id */
static int open_view(struct cli *c, const char *cmd, const struct arg_spec *spec, int argc,
		     char **argv, struct args *a, long long *id, struct store **st)
{
	char err[1024];

	*st = NULL;
	if (args_parse(c, spec, argc, argv, a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "%s: %s", cmd, err);
	if (id && (a->npos != 1 || args_id(a->pos[0], id) != 0))
		return cli_fail(EXIT_USAGE, "%s: expected one ID", cmd);
	if (!id && a->npos)
		return cli_fail(EXIT_USAGE, "%s: unexpected argument \"%.100s\"", cmd, a->pos[0]);
	if (cli_config(c, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	return cli_open(c, 0, st);
}

/* status_text - the status column, with the overdue marker */
static const char *status_text(const struct store_restriction *sr, time_t now)
{
	return restriction_overdue(sr, now) ? "active (overdue)" : display_status(sr, now);
}

/* print_restrictions - the list table */
static void print_restrictions(const struct store_restriction *v, size_t n, time_t now)
{
	static const char *const head[] = {
		"ID", "USER", "NAME", "ACTION", "STATUS", "STARTS", "ENDS", "REVIEW",
	};
	struct table t;
	char b[32];
	size_t i;

	table_init(&t, 8, head);
	for (i = 0; i < n; i++) {
		table_addf(&t, "%lld", v[i].r.id);
		table_addf(&t, "%lld", v[i].r.user_id);
		table_add(&t, v[i].user_name);
		table_addf(&t, "%s%s", action_name(v[i].r.opts.action), v[i].r.trial ? " (trial)" : "");
		table_add(&t, status_text(&v[i], now));
		table_add(&t, fmt_local(v[i].r.starts, b, sizeof(b)));
		table_add(&t, fmt_local(v[i].r.ends, b, sizeof(b)));
		table_add(&t, fmt_local(v[i].review_due, b, sizeof(b)));
	}
	table_print(&t, stdout);
}

/* json_restrictions - an array of restriction objects */
static json_t *json_restrictions(const struct store_restriction *v, size_t n, time_t now)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_restriction(&v[i], now));
	return arr;
}

/* parse_due - --due DAYS as seconds, -1 when absent */
static int parse_due(const struct args *a, long long *due)
{
	const char *v = args_get(a, "due");
	char *end;
	long days;

	*due = -1;
	if (v == NULL)
		return 0;
	errno = 0;
	days = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || errno || days > 36500)
		return cli_fail(EXIT_USAGE, "list: bad --due \"%.80s\": expected a number of days", v);
	*due = days * 86400LL;
	return 0;
}

int cmd_list(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "all", ARG_FLAG }, { "due", ARG_VALUE }, { "json", ARG_FLAG }, { NULL, ARG_FLAG },
	};
	struct store_filter f = { 0 };
	struct store_restriction *v = NULL;
	struct store *st;
	struct args a;
	char err[1024];
	size_t n = 0;
	int rc;

	if ((rc = open_view(c, "list", spec, argc, argv, &a, NULL, &st)) == 0
	    && (rc = parse_due(&a, &f.due_within)) == 0) {
		f.now = c->now;
		f.all = args_flag(&a, "all");
		if (store_restriction_list(st, &f, &v, &n, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "%s", err);
		else if (args_flag(&a, "json"))
			rc = json_print(json_restrictions(v, n, c->now)) ? EXIT_STATE : 0;
		else
			print_restrictions(v, n, c->now);
	}
	store_restrictions_free(v, n);
	store_close(st);
	args_free(&a);
	return rc;
}

/* print_disputes - the disputes table of show */
static void print_disputes(const struct store_dispute *d, size_t n)
{
	static const char *const head[] = { "ID", "RAISED", "NOTES", "DECIDED", "BY", "OUTCOME" };
	struct table t;
	char b[32];
	size_t i;

	printf("disputes:\n");
	table_init(&t, 6, head);
	for (i = 0; i < n; i++) {
		table_addf(&t, "%lld", d[i].id);
		table_add(&t, fmt_local(d[i].raised_at, b, sizeof(b)));
		table_add(&t, d[i].notes);
		table_add(&t, fmt_local(d[i].decided_at, b, sizeof(b)));
		table_add(&t, d[i].decided_by);
		table_add(&t, d[i].outcome ? d[i].outcome : "open");
	}
	table_print(&t, stdout);
}

/* print_restriction - every field of one restriction, then its history */
static void print_restriction(const struct store_restriction *sr, const struct store_history *h,
			      size_t nh, time_t now)
{
	static const char *const head[] = { "AT", "KIND", "BY", "NOTES" };
	char b[32], *opts = action_opts_describe(&sr->r.opts);
	struct table t;
	size_t i;

	printf("restriction %lld\n", sr->r.id);
	printf("user: %lld\n", sr->r.user_id);
	print_field(stdout, "name", sr->user_name);
	print_field(stdout, "case", sr->r.case_ref);
	printf("action: %s%s\n", action_name(sr->r.opts.action), sr->r.trial ? " (trial)" : "");
	print_field(stdout, "options", *opts ? opts : NULL);
	printf("status: %s\n", status_text(sr, now));
	print_field(stdout, "reason", sr->reason);
	print_field(stdout, "authorised by", sr->authorised_by);
	if (sr->requested_by)
		print_field(stdout, "requested by", sr->requested_by);
	if (sr->criteria)
		print_field(stdout, "criteria confirmed", sr->criteria);
	if (sr->flag_id)
		printf("flag: %lld\n", sr->flag_id);
	printf("notified: %s\n", fmt_local(sr->notified_on, b, sizeof(b)));
	printf("starts: %s\n", fmt_local(sr->r.starts, b, sizeof(b)));
	printf("ends: %s\n", fmt_local(sr->r.ends, b, sizeof(b)));
	printf("review due: %s%s\n", fmt_local(sr->review_due, b, sizeof(b)),
	       restriction_overdue(sr, now) ? " (overdue)" : "");
	printf("created: %s\n", fmt_local(sr->created_at, b, sizeof(b)));
	if (sr->lifted_at) {
		printf("lifted: %s\n", fmt_local(sr->lifted_at, b, sizeof(b)));
		print_field(stdout, "lifted by", sr->lifted_by);
		print_field(stdout, "lift reason", sr->lift_reason);
	}
	free(opts);
	printf("history:\n");
	table_init(&t, 4, head);
	for (i = 0; i < nh; i++) {
		table_add(&t, fmt_local(h[i].at, b, sizeof(b)));
		table_add(&t, h[i].kind);
		table_add(&t, h[i].by);
		table_add(&t, h[i].notes);
	}
	table_print(&t, stdout);
}

/* json_history - history rows, with before/after parsed back into JSON */
static json_t *json_history(const struct store_history *h, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object(), *b, *af;

		b = h[i].before_json ? json_loads(h[i].before_json, 0, NULL) : NULL;
		af = h[i].after_json ? json_loads(h[i].after_json, 0, NULL) : NULL;
		json_object_set_new(o, "at", json_time(h[i].at));
		json_object_set_new(o, "kind", json_str(h[i].kind));
		json_object_set_new(o, "by", json_str(h[i].by));
		json_object_set_new(o, "notes", json_str(h[i].notes));
		json_object_set_new(o, "before", b ? b : json_null());
		json_object_set_new(o, "after", af ? af : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

int cmd_show(struct cli *c, int argc, char **argv)
{
	struct store_restriction sr;
	struct store_history *h = NULL;
	struct store_dispute *d = NULL;
	struct store *st;
	struct args a;
	char err[1024];
	long long id = 0;
	size_t nh = 0, nd = 0;
	int rc;

	store_restriction_init(&sr);
	if ((rc = open_view(c, "show", json_only, argc, argv, &a, &id, &st)) == 0) {
		int found = store_restriction_get(st, id, &sr, err, sizeof(err));

		if (found < 0 || (found == 1 && (store_history_list(st, id, &h, &nh, err,
								    sizeof(err)) != 0
						 || store_dispute_list(st, id, 0, &d, &nd, err,
								       sizeof(err)) != 0))) {
			rc = cli_fail(EXIT_STATE, "%s", err);
		} else if (found == 0) {
			rc = cli_fail(EXIT_STATE, "show: unknown restriction %lld", id);
		} else if (args_flag(&a, "json")) {
			json_t *j = json_restriction(&sr, c->now);
			json_object_set_new(j, "history", json_history(h, nh));
			json_object_set_new(j, "disputes", json_disputes(d, nd, 0));
			rc = json_print(j) ? EXIT_STATE : 0;
		} else {
			print_restriction(&sr, h, nh, c->now);
			if (nd)
				print_disputes(d, nd);
		}
	}
	store_history_free(h, nh);
	store_disputes_free(d, nd);
	store_restriction_clear(&sr);
	store_close(st);
	args_free(&a);
	return rc;
}

/* json_user_summary - one row of `users --json` */
static json_t *json_user_summary(const struct store_user *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "name", json_str(u->name));
	json_object_set_new(o, "case", json_str(u->case_ref));
	json_object_set_new(o, "selector_count", json_integer(u->nselectors));
	json_object_set_new(o, "active_count", json_integer(u->nactive));
	json_object_set_new(o, "created_at", json_time(u->created_at));
	return o;
}

int cmd_users(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = { "ID", "NAME", "CASE", "SELECTORS", "ACTIVE" };
	struct store_user *v = NULL;
	struct store *st;
	struct args a;
	char err[1024];
	size_t n = 0, i;
	int rc;

	if ((rc = open_view(c, "users", json_only, argc, argv, &a, NULL, &st)) == 0) {
		if (store_user_list(st, c->now, &v, &n, err, sizeof(err)) != 0) {
			rc = cli_fail(EXIT_STATE, "%s", err);
		} else if (args_flag(&a, "json")) {
			json_t *arr = json_array();
			for (i = 0; i < n; i++)
				json_array_append_new(arr, json_user_summary(&v[i]));
			rc = json_print(arr) ? EXIT_STATE : 0;
		} else {
			struct table t;
			table_init(&t, 5, head);
			for (i = 0; i < n; i++) {
				table_addf(&t, "%lld", v[i].id);
				table_add(&t, v[i].name);
				table_add(&t, v[i].case_ref);
				table_addf(&t, "%u", v[i].nselectors);
				table_addf(&t, "%u", v[i].nactive);
			}
			table_print(&t, stdout);
		}
	}
	store_users_free(v, n);
	store_close(st);
	args_free(&a);
	return rc;
}

/* json_user - `user ID --json`: the user, selectors and every restriction */
static json_t *json_user(const struct store_user *u, const struct store_selector *s, size_t ns,
			 const struct store_restriction *r, size_t nr, time_t now)
{
	json_t *o = json_object(), *sels = json_array();
	size_t i;

	for (i = 0; i < ns; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "id", json_integer(s[i].id));
		json_object_set_new(j, "text", json_str(s[i].text));
		json_object_set_new(j, "kind", json_str(s[i].kind));
		json_object_set_new(j, "key", json_str(s[i].key));
		json_object_set_new(j, "created_at", json_time(s[i].created_at));
		json_array_append_new(sels, j);
	}
	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "name", json_str(u->name));
	json_object_set_new(o, "case", json_str(u->case_ref));
	json_object_set_new(o, "access_notes", json_str(u->access_notes));
	json_object_set_new(o, "created_at", json_time(u->created_at));
	json_object_set_new(o, "selectors", sels);
	json_object_set_new(o, "restrictions", json_restrictions(r, nr, now));
	return o;
}

/* print_user - the user's fields, selectors and restrictions as text */
static void print_user(const struct store_user *u, const struct store_selector *s, size_t ns,
		       const struct store_restriction *r, size_t nr, time_t now)
{
	static const char *const head[] = { "ID", "SELECTOR", "KIND", "ADDED" };
	struct table t;
	char b[32];
	size_t i;

	printf("user %lld\n", u->id);
	print_field(stdout, "name", u->name);
	print_field(stdout, "case", u->case_ref);
	print_field(stdout, "access notes", u->access_notes);
	printf("created: %s\n", fmt_local(u->created_at, b, sizeof(b)));
	printf("selectors:\n");
	table_init(&t, 4, head);
	for (i = 0; i < ns; i++) {
		table_addf(&t, "%lld", s[i].id);
		table_add(&t, s[i].text);
		table_add(&t, s[i].kind);
		table_add(&t, fmt_local(s[i].created_at, b, sizeof(b)));
	}
	table_print(&t, stdout);
	printf("restrictions:\n");
	print_restrictions(r, nr, now);
}

int cmd_user(struct cli *c, int argc, char **argv)
{
	struct store_user u = { 0 };
	struct store_selector *s = NULL;
	struct store_restriction *r = NULL;
	struct store_filter f = { 0 };
	struct store *st;
	struct args a;
	char err[1024];
	long long id = 0;
	size_t ns = 0, nr = 0;
	int rc, found;

	if ((rc = open_view(c, "user", json_only, argc, argv, &a, &id, &st)) == 0) {
		f.now = c->now;
		f.all = 1;
		f.due_within = -1;
		f.user_id = id;
		found = store_user_get(st, id, c->now, &u, err, sizeof(err));
		if (found == 1 && (store_selector_list(st, id, &s, &ns, err, sizeof(err)) != 0
				   || store_restriction_list(st, &f, &r, &nr, err, sizeof(err)) != 0))
			found = -1;
		if (found < 0)
			rc = cli_fail(EXIT_STATE, "%s", err);
		else if (found == 0)
			rc = cli_fail(EXIT_STATE, "user: unknown user %lld", id);
		else if (args_flag(&a, "json"))
			rc = json_print(json_user(&u, s, ns, r, nr, c->now)) ? EXIT_STATE : 0;
		else
			print_user(&u, s, ns, r, nr, c->now);
	}
	store_user_clear(&u);
	store_selectors_free(s, ns);
	store_restrictions_free(r, nr);
	store_close(st);
	args_free(&a);
	return rc;
}
