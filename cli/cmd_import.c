/*
 * cmd_import.c - `restrictctl import FILE.csv --authorised-by NAME --reason
 * TEXT [--dry-run]`: many restrictions at once, in one transaction.
 *
 * The header row is selector,action,name,case,options. Rows sharing a
 * non-empty case are one person (joining an existing user with that case);
 * a person's rows with the same action and options share one restriction.
 * Every row is checked before anything is written: a bad row refuses the
 * whole file with "FILE, line N: …" (exit 2 when the file alone shows it,
 * 1 when it needs the database). --dry-run does it all and rolls back.
 */
#include "cli.h"
#include "buf.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_HEADER "selector,action,name,case,options"

struct row {
	long line;
	struct selector sel;
	char *text;			/* canonical selector */
	struct action_opts opts;
	char *name, *case_ref;		/* NULL when empty */
	char *key;			/* action and options: rows alike share a restriction */
	size_t person;			/* index of the row that starts its person */
	size_t group;			/* index of the row that starts its restriction */
	long long user_id, restriction_id;
};

struct import {
	const char *path;
	int force;			/* --force: no selector guard */
	struct row *rows;
	size_t n;
	long long users_created, users_existing, restrictions, selectors;
	long long first_id, last_id;
};

/* import_free - every row */
static void import_free(struct import *im)
{
	size_t i;

	for (i = 0; i < im->n; i++) {
		selector_clear(&im->rows[i].sel);
		action_opts_clear(&im->rows[i].opts);
		free(im->rows[i].text);
		free(im->rows[i].name);
		free(im->rows[i].case_ref);
		free(im->rows[i].key);
	}
	free(im->rows);
}

/* row_fail - "import: FILE, line N: why" */
static int row_fail(int status, const struct import *im, long line, const char *why)
{
	return cli_fail(status, "import: %s, line %ld: %s", im->path, line, why);
}

/* row_options - the options column: action options split like a shell would */
static int row_options(struct cli *c, const char *text, struct action_opts *o,
		       char *err, size_t errlen)
{
	struct strlist w = STRLIST_INIT;
	size_t i;
	int rc = shell_split(text, &w, err, errlen);

	for (i = 0; rc == 0 && i < w.n; i++) {
		char *name = w.v[i], *eq = strchr(name, '='), *value;

		if (eq)
			*eq = '\0';
		if (strncmp(name, "--", 2) != 0 || !action_opts_is_option(name + 2)) {
			snprintf(err, errlen, "options: unknown action option \"%.80s\"", name);
			rc = -1;
		} else if (!eq && i + 1 == w.n) {
			snprintf(err, errlen, "options: %s needs a value", name);
			rc = -1;
		} else {
			value = eq ? eq + 1 : w.v[++i];
			rc = action_opts_set(o, name + 2, value, err, errlen);
		}
	}
	strlist_free(&w);
	if (rc == 0)
		rc = action_opts_check(o, c->cfg->max_tempfail_period, err, errlen);
	return rc;
}

/* empty_null - a copy of s, or NULL when s is empty */
static char *empty_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

/* parse_row - one record into r; exit status 2 with the line named */
static int parse_row(struct cli *c, const struct policy *pol, const struct import *im,
		     const struct strlist *f, struct row *r)
{
	char err[512], *desc;
	enum action act;

	action_opts_init(&r->opts, ACTION_WATCH);
	if (f->n != 5) {
		snprintf(err, sizeof(err), "expected 5 fields (" IMPORT_HEADER "), found %zu", f->n);
		return row_fail(EXIT_USAGE, im, r->line, err);
	}
	if (selector_parse(f->v[0], &pol->addr, &r->sel, err, sizeof(err)) != 0)
		return row_fail(EXIT_USAGE, im, r->line, err);
	r->text = selector_format(&r->sel);
	if (action_parse(f->v[1], &act) != 0) {
		snprintf(err, sizeof(err), "unknown action \"%.80s\"", f->v[1]);
		return row_fail(EXIT_USAGE, im, r->line, err);
	}
	action_opts_init(&r->opts, act);
	if (row_options(c, f->v[4], &r->opts, err, sizeof(err)) != 0
	    || (!im->force && guard_check(&r->sel, r->text, pol, &r->opts, err, sizeof(err)) != 0))
		return row_fail(EXIT_USAGE, im, r->line, err);
	r->name = empty_null(f->v[2]);
	r->case_ref = empty_null(f->v[3]);
	desc = action_opts_describe(&r->opts);
	r->key = xmalloc(strlen(desc) + 32);
	snprintf(r->key, strlen(desc) + 32, "%s %s", action_name(act), desc);
	free(desc);
	return 0;
}

/* header_ok - the first record must be the header row */
static int header_ok(const struct strlist *f)
{
	char *joined = strlist_join(f, ",");
	size_t i;
	int ok;

	for (i = 0; joined[i]; i++)
		if (joined[i] >= 'A' && joined[i] <= 'Z')
			joined[i] = (char)(joined[i] - 'A' + 'a');
	ok = strcmp(joined, IMPORT_HEADER) == 0;
	free(joined);
	return ok;
}

/* read_rows - every record of the file, parsed; blank lines skipped */
static int read_rows(struct cli *c, const struct policy *pol, FILE *fp, struct import *im)
{
	struct strlist f = STRLIST_INIT;
	struct csv r;
	char err[512];
	size_t cap = 0;
	long line;
	int got, rc = 0;

	csv_init(&r, fp);
	if ((got = csv_read(&r, &f, &line, err, sizeof(err))) <= 0 || !header_ok(&f))
		rc = row_fail(EXIT_USAGE, im, 1, got < 0 ? err
			      : "the first row must be the header " IMPORT_HEADER);
	while (rc == 0 && (got = csv_read(&r, &f, &line, err, sizeof(err))) != 0) {
		if (got < 0) {
			rc = row_fail(EXIT_USAGE, im, line, err);
			break;
		}
		if (f.n == 1 && f.v[0][0] == '\0')
			continue;
		if (im->n == cap) {
			cap = cap ? cap * 2 : 64;
			im->rows = xreallocarray(im->rows, cap, sizeof(*im->rows));
		}
		memset(&im->rows[im->n], 0, sizeof(*im->rows));
		im->rows[im->n].line = line;
		rc = parse_row(c, pol, im, &f, &im->rows[im->n++]);
	}
	strlist_free(&f);
	if (rc == 0 && im->n == 0)
		rc = row_fail(EXIT_USAGE, im, 2, "no rows after the header");
	return rc;
}

static const struct row *sort_rows;	/* what the comparators below look at */

/* by_text - selector text, then line */
static int by_text(const void *a, const void *b)
{
	const struct row *x = &sort_rows[*(const size_t *)a], *y = &sort_rows[*(const size_t *)b];
	int d = strcmp(x->text, y->text);

	return d ? d : (x->line > y->line) - (x->line < y->line);
}

/* by_case - rows with a case first, by case, then line */
static int by_case(const void *a, const void *b)
{
	const struct row *x = &sort_rows[*(const size_t *)a], *y = &sort_rows[*(const size_t *)b];
	int d = strcmp(x->case_ref ? x->case_ref : "", y->case_ref ? y->case_ref : "");

	return d ? d : (x->line > y->line) - (x->line < y->line);
}

/* by_group - person, then action and options, then line */
static int by_group(const void *a, const void *b)
{
	const struct row *x = &sort_rows[*(const size_t *)a], *y = &sort_rows[*(const size_t *)b];
	int d = (x->person > y->person) - (x->person < y->person);

	if (!d)
		d = strcmp(x->key, y->key);
	return d ? d : (x->line > y->line) - (x->line < y->line);
}

/* group_people - one person per case; names must agree; returns a status */
static int group_people(struct import *im, size_t *idx)
{
	char err[512];
	size_t i;

	qsort(idx, im->n, sizeof(*idx), by_case);
	for (i = 0; i < im->n; i++) {
		struct row *r = &im->rows[idx[i]], *p;

		r->person = idx[i];
		if (i == 0 || !r->case_ref || !im->rows[idx[i - 1]].case_ref
		    || strcmp(r->case_ref, im->rows[idx[i - 1]].case_ref) != 0)
			continue;
		r->person = im->rows[idx[i - 1]].person;
		p = &im->rows[r->person];
		if (r->name && p->name && strcmp(r->name, p->name) != 0) {
			snprintf(err, sizeof(err), "name \"%.80s\" differs from \"%.80s\" on line %ld"
				 " for case %.80s", r->name, p->name, p->line, r->case_ref);
			return row_fail(EXIT_USAGE, im, r->line, err);
		}
		if (r->name && !p->name)
			p->name = xstrdup(r->name);
	}
	return 0;
}

/* group_rows - no selector twice; people; rows alike share a restriction */
static int group_rows(struct import *im)
{
	size_t *idx = xcalloc(im->n, sizeof(*idx)), i;
	char err[512];
	int rc = 0;

	sort_rows = im->rows;
	for (i = 0; i < im->n; i++)
		idx[i] = i;
	qsort(idx, im->n, sizeof(*idx), by_text);
	for (i = 1; rc == 0 && i < im->n; i++)
		if (strcmp(im->rows[idx[i]].text, im->rows[idx[i - 1]].text) == 0) {
			snprintf(err, sizeof(err), "selector %.200s is already on line %ld",
				 im->rows[idx[i]].text, im->rows[idx[i - 1]].line);
			rc = row_fail(EXIT_USAGE, im, im->rows[idx[i]].line, err);
		}
	if (rc == 0)
		rc = group_people(im, idx);
	if (rc == 0) {
		qsort(idx, im->n, sizeof(*idx), by_group);
		for (i = 0; i < im->n; i++) {
			struct row *r = &im->rows[idx[i]], *prev = i ? &im->rows[idx[i - 1]] : NULL;

			r->group = prev && prev->person == r->person && strcmp(prev->key, r->key) == 0
				   ? prev->group : idx[i];
		}
	}
	free(idx);
	return rc;
}

/* write_person - the user for a row that starts a person: existing (by case) or new */
static int write_person(struct cli *c, struct store *st, struct import *im, struct row *r)
{
	char err[1024];
	int found = 0;

	if (r->case_ref && (found = store_user_by_case(st, r->case_ref, &r->user_id, err,
						       sizeof(err))) < 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (found == 2) {
		snprintf(err, sizeof(err), "case %.80s belongs to several users", r->case_ref);
		return row_fail(EXIT_STATE, im, r->line, err);
	}
	if (found == 1) {
		im->users_existing++;
		return 0;
	}
	if (store_user_create(st, r->name ? r->name : r->text, r->case_ref, c->now, &r->user_id,
			      err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	im->users_created++;
	return 0;
}

/* write_selector - the row's selector for its user, unless the user has it already */
static int write_selector(struct cli *c, struct store *st, struct import *im, struct row *r)
{
	char err[1024];
	long long owner;
	int found = store_selector_owner(st, r->text, &owner, err, sizeof(err));

	if (found < 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (found && owner != r->user_id) {
		snprintf(err, sizeof(err), "selector %.200s already belongs to user %lld",
			 r->text, owner);
		return row_fail(EXIT_STATE, im, r->line, err);
	}
	if (!found && store_selector_add(st, r->user_id, &r->sel, c->now, NULL, err,
					 sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	im->selectors += !found;
	return 0;
}

/* write_restriction - the restriction a group of rows shares, with its history row */
static int write_restriction(struct cli *c, struct store *st, struct import *im,
			     struct row *r, const char *by, const char *reason)
{
	struct store_restriction sr, got;
	char err[1024], *after;
	int rc;

	store_restriction_init(&sr);
	action_opts_copy(&sr.r.opts, &r->opts);
	sr.r.user_id = r->user_id;
	sr.r.starts = c->now;
	sr.review_due = date_add_months(c->now, 12);
	sr.created_at = c->now;
	sr.status = STATUS_ACTIVE;
	sr.reason = xstrdup(reason);
	sr.authorised_by = xstrdup(by);
	rc = store_restriction_insert(st, &sr, err, sizeof(err)) != 0
	     || store_restriction_get(st, sr.r.id, &got, err, sizeof(err)) != 1;
	if (!rc) {
		after = json_restriction_text(&got);
		rc = store_history_add(st, sr.r.id, c->now, by, "created", reason, NULL, after,
				       err, sizeof(err)) != 0;
		free(after);
	}
	store_restriction_clear(&got);
	r->restriction_id = sr.r.id;
	store_restriction_clear(&sr);
	if (rc)
		return cli_fail(EXIT_STATE, "%s", err);
	if (!im->first_id)
		im->first_id = r->restriction_id;
	im->last_id = r->restriction_id;
	im->restrictions++;
	return 0;
}

/* import_audit - the one audit row of the import, linked to every person */
static int import_audit(struct cli *c, struct store *st, const struct import *im)
{
	json_t *j = json_object();
	char err[1024], *after;
	size_t i;
	int rc;

	json_object_set_new(j, "file", json_str(im->path));
	json_object_set_new(j, "rows", json_integer((json_int_t)im->n));
	json_object_set_new(j, "users_created", json_integer(im->users_created));
	json_object_set_new(j, "users_existing", json_integer(im->users_existing));
	json_object_set_new(j, "restrictions", json_integer(im->restrictions));
	json_object_set_new(j, "first_restriction_id", json_integer(im->first_id));
	json_object_set_new(j, "last_restriction_id", json_integer(im->last_id));
	json_object_set_new(j, "selectors_added", json_integer(im->selectors));
	after = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!after)
		abort();	/* only out of memory */
	rc = cli_audit(c, st, NULL, after, 0);
	free(after);
	for (i = 0; rc == 0 && i < im->n; i++)
		if (im->rows[i].person == i
		    && store_audit_link_user(st, im->rows[i].user_id, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "%s", err);
	return rc;
}

/* import_write - people, selectors and restrictions, in the file's order */
static int import_write(struct cli *c, struct store *st, struct import *im, const char *by,
			const char *reason)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < im->n; i++) {
		struct row *r = &im->rows[i];

		if (r->person == i)
			rc = write_person(c, st, im, r);
		else
			r->user_id = im->rows[r->person].user_id;
		if (rc == 0)
			rc = write_selector(c, st, im, r);
		if (rc == 0 && r->group == i)
			rc = write_restriction(c, st, im, r, by, reason);
		else if (rc == 0)
			r->restriction_id = im->rows[r->group].restriction_id;
	}
	return rc ? rc : import_audit(c, st, im);
}

/* import_load - open and read the file, group its rows */
static int import_load(struct cli *c, const struct policy *pol, struct import *im)
{
	FILE *fp = fopen(im->path, "r");
	int rc;

	if (!fp)
		return cli_fail(EXIT_STATE, "import: %s: cannot open: %s", im->path, strerror(errno));
	rc = read_rows(c, pol, fp, im);
	if (fclose(fp) != 0 && rc == 0)
		rc = cli_fail(EXIT_STATE, "import: %s: cannot read: %s", im->path, strerror(errno));
	return rc ? rc : group_rows(im);
}

int cmd_import(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "authorised-by", ARG_VALUE }, { "reason", ARG_VALUE }, { "dry-run", ARG_FLAG },
		{ "force", ARG_FLAG }, { NULL, ARG_FLAG },
	};
	struct import im;
	struct policy *pol = NULL;
	struct store *st;
	struct args a;
	const char *by, *reason;
	char err[1024];
	int rc, dry;

	memset(&im, 0, sizeof(im));
	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "import: %s", err);
	by = args_get(&a, "authorised-by");
	reason = args_get(&a, "reason");
	dry = args_flag(&a, "dry-run");
	if (a.npos != 1)
		rc = cli_fail(EXIT_USAGE, "import: expected one FILE.csv");
	else if (!by || !*by || !reason || !*reason)
		rc = cli_fail(EXIT_USAGE, "import: missing --%s", !by || !*by ? "authorised-by"
			      : "reason");
	else if (cli_config(c, err, sizeof(err)) != 0
		 || policy_new(c->cfg, &pol, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if (!cli_name_authorised(c, by))
		rc = cli_fail(EXIT_STATE, "import: \"%.80s\" is not one of Authorisers", by);
	else {
		im.path = a.pos[0];
		im.force = args_flag(&a, "force");
		rc = import_load(c, pol, &im);
	}
	if (rc == 0 && (rc = cli_change_open(c, &st)) == 0) {
		rc = import_write(c, st, &im, by, reason);
		if (dry && rc == 0) {
			store_rollback(st);	/* everything checked, nothing kept */
			store_close(st);
		} else {
			rc = cli_change_close(c, st, rc);
		}
	}
	if (rc == 0)
		printf("%s %s: %zu rows, %lld new users (%lld existing), %lld restrictions,"
		       " %lld selectors%s\n", dry ? "dry run: would import" : "imported", im.path,
		       im.n, im.users_created, im.users_existing, im.restrictions, im.selectors,
		       dry ? "; nothing stored" : "");
	import_free(&im);
	policy_unref(pol);
	args_free(&a);
	return rc;
}
