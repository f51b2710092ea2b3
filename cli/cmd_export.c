/*
 * cmd_export.c - `restrictctl export USER-ID [-o FILE]`: everything held on
 * one person (policy 8.2, a subject access request) as one JSON document
 * (doc/json/export.schema.json): the user with access notes, every
 * selector (removed ones too), restrictions with history and disputes, the
 * audit rows that concern them and the mail events that matched them.
 *
 * Read in one read transaction. -o creates FILE with mode 0600 and never
 * overwrites one; without it the document goes to stdout.
 */
#include "cli.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* json_text - stored JSON text parsed back, or the text, or null */
static json_t *json_text(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	j = json_loads(s, JSON_DECODE_ANY, NULL);
	return j ? j : json_str(s);
}

/* json_selectors - every selector, removed ones with removed_at */
static json_t *json_selectors(const struct store_selector *s, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *j = json_object();

		json_object_set_new(j, "id", json_integer(s[i].id));
		json_object_set_new(j, "text", json_str(s[i].text));
		json_object_set_new(j, "kind", json_str(s[i].kind));
		json_object_set_new(j, "created_at", json_time(s[i].created_at));
		json_object_set_new(j, "removed_at", json_time(s[i].removed_at));
		json_array_append_new(arr, j);
	}
	return arr;
}

/* json_history_rows - history with before/after parsed back */
static json_t *json_history_rows(const struct store_history *h, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "at", json_time(h[i].at));
		json_object_set_new(o, "kind", json_str(h[i].kind));
		json_object_set_new(o, "by", json_str(h[i].by));
		json_object_set_new(o, "notes", json_str(h[i].notes));
		json_object_set_new(o, "before", json_text(h[i].before_json));
		json_object_set_new(o, "after", json_text(h[i].after_json));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* export_restrictions - each restriction with its history and disputes */
static int export_restrictions(struct cli *c, struct store *st, long long uid, json_t *doc)
{
	struct store_filter f = { c->now, 1, -1, uid };
	struct store_restriction *v = NULL;
	struct store_dispute *d = NULL;
	struct store_history *h;
	json_t *arr = json_array();
	char err[1024];
	size_t n = 0, nd = 0, nh, i;
	int rc = 0;

	if (store_restriction_list(st, &f, &v, &n, err, sizeof(err)) != 0
	    || store_dispute_list(st, 0, uid, &d, &nd, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	for (i = 0; rc == 0 && i < n; i++) {
		json_t *j = json_restriction(&v[i], c->now);

		if (store_history_list(st, v[i].r.id, &h, &nh, err, sizeof(err)) != 0) {
			json_decref(j);
			rc = cli_fail(EXIT_STATE, "%s", err);
			break;
		}
		json_object_set_new(j, "history", json_history_rows(h, nh));
		json_object_set_new(j, "disputes", json_disputes(d, nd, v[i].r.id));
		json_array_append_new(arr, j);
		store_history_free(h, nh);
	}
	json_object_set_new(doc, "restrictions", arr);
	store_restrictions_free(v, n);
	store_disputes_free(d, nd);
	return rc;
}

/* event_json - one event into the array arg */
static int event_json(void *arg, const struct store_event_row *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "at", json_time(e->at));
	json_object_set_new(o, "queue_id", json_str(e->queue_id));
	json_object_set_new(o, "message_id", json_str(e->message_id));
	json_object_set_new(o, "person", json_str(e->person));
	json_object_set_new(o, "user_ids", json_text(e->user_ids));
	json_object_set_new(o, "restriction_ids", json_text(e->restriction_ids));
	json_object_set_new(o, "actions", json_text(e->actions));
	json_object_set_new(o, "matched", json_str(e->matched));
	json_object_set_new(o, "outcomes", json_text(e->outcomes));
	json_object_set_new(o, "verdict", json_str(e->verdict));
	json_object_set_new(o, "would", json_text(e->would));
	json_object_set_new(o, "breach", json_boolean(e->breach));
	json_object_set_new(o, "over_limit", json_boolean(e->over_limit));
	json_object_set_new(o, "unverified", json_boolean(e->unverified));
	json_object_set_new(o, "recipients", json_integer(e->recipients));
	return json_array_append_new((json_t *)arg, o);
}

/* export_audit_events - the audit rows and events that concern the user */
static int export_audit_events(struct store *st, long long uid, json_t *doc)
{
	struct store_audit_row *v;
	json_t *arr = json_array(), *ev = json_array();
	char err[1024];
	size_t n, i;

	json_object_set_new(doc, "audit", arr);
	json_object_set_new(doc, "events", ev);
	if (store_audit_list(st, 0, uid, &v, &n, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_audit_row(&v[i]));
	store_audit_rows_free(v, n);
	if (store_user_events(st, uid, event_json, ev, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	return 0;
}

/* export_doc - the whole document for one user, read in one transaction */
static int export_doc(struct cli *c, struct store *st, long long uid, json_t **out)
{
	struct store_user u = { 0 };
	struct store_selector *s = NULL;
	json_t *doc = json_object(), *user = json_object();
	char err[1024];
	size_t ns = 0;
	int rc = 0, found;

	*out = NULL;
	if (store_begin_read(st, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	found = store_user_get(st, uid, c->now, &u, err, sizeof(err));
	if (found < 0 || (found && store_selector_list_all(st, uid, &s, &ns, err, sizeof(err)) != 0))
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if (found == 0)
		rc = cli_fail(EXIT_STATE, "export: unknown user %lld", uid);
	json_object_set_new(doc, "exported_at", json_time(c->now));
	json_object_set_new(user, "id", json_integer(uid));
	json_object_set_new(user, "name", json_str(u.name));
	json_object_set_new(user, "case", json_str(u.case_ref));
	json_object_set_new(user, "access_notes", json_str(u.access_notes));
	json_object_set_new(user, "created_at", json_time(u.created_at));
	json_object_set_new(doc, "user", user);
	json_object_set_new(doc, "selectors", json_selectors(s, ns));
	if (rc == 0 && (rc = export_restrictions(c, st, uid, doc)) == 0)
		rc = export_audit_events(st, uid, doc);
	if (store_end_read(st, err, sizeof(err)) != 0 && rc == 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	store_user_clear(&u);
	store_selectors_free(s, ns);
	if (rc == 0)
		*out = doc;
	else
		json_decref(doc);
	return rc;
}

/* write_file - the document into a new file of mode 0600 (never an existing one) */
static int write_file(const char *path, json_t *doc)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *fp;
	int rc;

	if (fd < 0)
		return cli_fail(EXIT_STATE, "export: %s: cannot create: %s", path, strerror(errno));
	if (fchmod(fd, 0600) != 0 || (fp = fdopen(fd, "w")) == NULL) {
		rc = cli_fail(EXIT_STATE, "export: %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return rc;
	}
	rc = json_dumpf(doc, fp, JSON_INDENT(2)) != 0 || fputc('\n', fp) == EOF;
	if (fclose(fp) != 0 || rc) {
		rc = cli_fail(EXIT_STATE, "export: %s: cannot write: %s", path, strerror(errno));
		unlink(path);
		return rc;
	}
	return 0;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = { { "o", ARG_VALUE }, { NULL, ARG_FLAG } };
	struct store *st = NULL;
	struct args a;
	json_t *doc = NULL;
	char err[1024];
	const char *out;
	long long uid = 0;
	int rc;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "export: %s", err);
	out = args_get(&a, "o");
	if (a.npos != 1 || args_id(a.pos[0], &uid) != 0)
		rc = cli_fail(EXIT_USAGE, "export: expected one USER-ID");
	else if (out && *out == '\0')
		rc = cli_fail(EXIT_USAGE, "export: -o needs a file name");
	else if (cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if ((rc = cli_open(c, 0, &st)) == 0 && (rc = export_doc(c, st, uid, &doc)) == 0) {
		if (out)
			rc = write_file(out, doc);
		else
			rc = json_print(json_incref(doc)) ? EXIT_STATE : 0;
		if (rc == 0 && out)
			printf("exported user %lld to %s\n", uid, out);
	}
	json_decref(doc);
	store_close(st);
	args_free(&a);
	return rc;
}
