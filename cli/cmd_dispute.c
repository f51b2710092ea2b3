/*
 * cmd_dispute.c - `restrictctl dispute` (policy 6.1: a service user
 * disputes a restriction through the complaints procedure; a Head of
 * Department decides: upheld, varied or lifted) and `restrictctl selector
 * add|remove` (a person's addresses change; removal keeps the row).
 *
 * One open dispute per restriction; deciding "lifted" lifts it in the same
 * transaction. The selector guard applies to added selectors.
 */
#include "cli.h"
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* open_dispute - the restriction's open dispute: 1 found (*id), 0 none, -1 printed */
static int open_dispute(struct store *st, long long rid, long long *id)
{
	struct store_dispute *v;
	char err[1024];
	size_t n, i;
	int found = 0;

	if (store_dispute_list(st, rid, 0, &v, &n, err, sizeof(err)) != 0) {
		cli_fail(EXIT_STATE, "%s", err);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (v[i].decided_at == 0) {
			*id = v[i].id;
			found = 1;
		}
	store_disputes_free(v, n);
	return found;
}

/* raise_write - record a new dispute against an active restriction */
static int raise_write(struct cli *c, struct store *st, long long rid, const char *notes,
		       long long *did)
{
	struct store_restriction sr;
	char err[1024], *before = NULL;
	int rc, open;

	if ((rc = cli_load_restriction(st, "dispute", rid, &sr)) == 0 && sr.status != STATUS_ACTIVE)
		rc = cli_fail(EXIT_STATE, "dispute: restriction %lld is not active (%s)", rid,
			      status_name(sr.status));
	if (rc == 0 && (open = open_dispute(st, rid, did)) != 0)
		rc = open < 0 ? EXIT_STATE : cli_fail(EXIT_STATE, "dispute: restriction %lld already"
						      " has an open dispute (%lld)", rid, *did);
	if (rc == 0) {
		before = json_restriction_text(&sr);
		if (store_dispute_raise(st, rid, c->now, notes, did, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "dispute: %s", err);
		else
			rc = cli_step(c, st, rid, before, "disputed", NULL, notes, 1);
	}
	store_restriction_clear(&sr);
	free(before);
	return rc;
}

/* decide_write - decide the open dispute; "lifted" lifts the restriction */
static int decide_write(struct cli *c, struct store *st, long long rid, const char *outcome,
			const char *by, const char *notes, long long *did)
{
	struct store_restriction sr;
	char err[1024], *before = NULL;
	struct buf text;
	int rc, open;

	buf_init(&text);
	if ((rc = cli_load_restriction(st, "dispute", rid, &sr)) == 0
	    && (open = open_dispute(st, rid, did)) <= 0)
		rc = open < 0 ? EXIT_STATE : cli_fail(EXIT_STATE, "dispute: restriction %lld has no"
						      " open dispute", rid);
	if (rc == 0 && strcmp(outcome, "lifted") == 0 && sr.status != STATUS_ACTIVE)
		rc = cli_fail(EXIT_STATE, "dispute: restriction %lld is not active (%s): it cannot"
			      " be lifted", rid, status_name(sr.status));
	if (rc == 0) {
		before = json_restriction_text(&sr);
		buf_printf(&text, "dispute %lld: %s%s%s", *did, outcome, notes ? ": " : "",
			   notes ? notes : "");
		if (store_dispute_decide(st, *did, c->now, by, outcome, notes, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "dispute: %s", err);
		else if ((rc = cli_step(c, st, rid, before, "dispute-decided", by, buf_cstr(&text),
					0)) == 0 && strcmp(outcome, "lifted") == 0)
			rc = lift_write(c, st, rid, by, buf_cstr(&text), 0);
		if (rc == 0)
			rc = cli_audit_restriction(c, st, rid, before);
	}
	store_restriction_clear(&sr);
	buf_free(&text);
	free(before);
	return rc;
}

/* dispute_parse - raise (--notes) or decide (--decide, --by) */
static int dispute_parse(struct cli *c, const struct args *a, const char **notes,
			 const char **decide, const char **by)
{
	*notes = args_get(a, "notes");
	*decide = args_get(a, "decide");
	*by = args_get(a, "by");
	if (*notes && **notes == '\0')
		*notes = NULL;
	if (!*decide) {
		if (*by)
			return cli_fail(EXIT_USAGE, "dispute: --by goes with --decide");
		if (!*notes)
			return cli_fail(EXIT_USAGE, "dispute: missing --notes (or --decide)");
		return 0;
	}
	if (strcmp(*decide, "upheld") && strcmp(*decide, "varied") && strcmp(*decide, "lifted"))
		return cli_fail(EXIT_USAGE, "dispute: unknown --decide \"%.80s\" (upheld, varied,"
				" lifted)", *decide);
	if (!*by || !**by)
		return cli_fail(EXIT_USAGE, "dispute: missing --by");
	if (!cli_name_authorised(c, *by))
		return cli_fail(EXIT_STATE, "dispute: \"%.80s\" is not one of Authorisers", *by);
	return 0;
}

int cmd_dispute(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "notes", ARG_VALUE }, { "decide", ARG_VALUE }, { "by", ARG_VALUE },
		{ NULL, ARG_FLAG },
	};
	const char *notes = NULL, *decide = NULL, *by = NULL;
	struct store *st;
	struct args a;
	char err[1024];
	long long rid = 0, did = 0;
	int rc;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "dispute: %s", err);
	if (a.npos != 1 || args_id(a.pos[0], &rid) != 0)
		rc = cli_fail(EXIT_USAGE, "dispute: expected one restriction ID");
	else if (cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else
		rc = dispute_parse(c, &a, &notes, &decide, &by);
	if (rc == 0 && (rc = cli_change_open(c, &st)) == 0) {
		rc = decide ? decide_write(c, st, rid, decide, by, notes, &did)
			    : raise_write(c, st, rid, notes, &did);
		rc = cli_change_close(c, st, rc);
	}
	if (rc == 0 && decide)
		printf("dispute %lld on restriction %lld decided: %s\n", did, rid, decide);
	else if (rc == 0)
		printf("dispute %lld raised on restriction %lld\n", did, rid);
	args_free(&a);
	return rc;
}

/* selector_guard - the guard against staff, protected addresses and the user's restrictions */
static int selector_guard(struct cli *c, struct store *st, const struct policy *pol,
			  long long user_id, const struct selector *s, const char *text)
{
	struct store_filter f = { c->now, 0, -1, user_id };
	struct store_restriction *v;
	struct action_opts none;
	char err[1024];
	size_t n, i;
	int rc = 0;

	action_opts_init(&none, ACTION_WATCH);
	if (guard_check(s, text, pol, &none, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "selector: %s", err);
	if (store_restriction_list(st, &f, &v, &n, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	for (i = 0; rc == 0 && i < n; i++)
		if (guard_check(s, text, pol, &v[i].r.opts, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_USAGE, "selector: %s", err);
	store_restrictions_free(v, n);
	return rc;
}

/* selector_write - add or remove one selector of a known user, with its audit row */
static int selector_write(struct cli *c, struct store *st, int add, long long uid,
			  const struct selector *s, const char *text, const struct policy *pol,
			  int force)
{
	struct store_user u;
	char err[1024], *after;
	json_t *j;
	long long owner = 0;
	int rc, found = store_user_get(st, uid, c->now, &u, err, sizeof(err));

	store_user_clear(&u);
	if (found <= 0)
		return found < 0 ? cli_fail(EXIT_STATE, "%s", err)
				 : cli_fail(EXIT_STATE, "selector: unknown user %lld", uid);
	if (add && !force && (rc = selector_guard(c, st, pol, uid, s, text)) != 0)
		return rc;
	if (add && (found = store_selector_owner(st, text, &owner, err, sizeof(err))) != 0)
		return found < 0 ? cli_fail(EXIT_STATE, "%s", err)
				 : cli_fail(EXIT_STATE, "selector: %s already belongs to user %lld",
					    text, owner);
	if (add && store_selector_add(st, uid, s, c->now, NULL, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (!add && (found = store_selector_remove(st, uid, text, c->now, err, sizeof(err))) <= 0)
		return found < 0 ? cli_fail(EXIT_STATE, "%s", err)
				 : cli_fail(EXIT_STATE, "selector: user %lld has no selector %s",
					    uid, text);
	j = json_object();
	json_object_set_new(j, "user_id", json_integer(uid));
	json_object_set_new(j, add ? "selector_added" : "selector_removed", json_str(text));
	after = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!after)
		abort();	/* only out of memory */
	rc = cli_audit(c, st, NULL, after, uid);
	free(after);
	return rc;
}

int cmd_selector(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = { { "force", ARG_FLAG }, { NULL, ARG_FLAG } };
	struct policy *pol = NULL;
	struct selector s = { SEL_EXACT, NULL };
	struct store *st;
	struct args a;
	char err[1024], *text = NULL;
	long long uid = 0;
	int rc, add = 0;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "selector: %s", err);
	if (a.npos != 3 || (strcmp(a.pos[0], "add") && strcmp(a.pos[0], "remove")))
		rc = cli_fail(EXIT_USAGE, "selector: expected add|remove USER-ID SELECTOR");
	else if (args_id(a.pos[1], &uid) != 0)
		rc = cli_fail(EXIT_USAGE, "selector: bad USER-ID \"%.80s\"", a.pos[1]);
	else if (cli_config(c, err, sizeof(err)) != 0 || policy_new(c->cfg, &pol, err,
								   sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if (selector_parse(a.pos[2], &pol->addr, &s, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_USAGE, "selector: %s", err);
	else
		rc = 0;
	if (rc == 0) {
		add = strcmp(a.pos[0], "add") == 0;
		text = selector_format(&s);
		if ((rc = cli_change_open(c, &st)) == 0)
			rc = cli_change_close(c, st, selector_write(c, st, add, uid, &s, text, pol,
								    args_flag(&a, "force")));
		if (rc == 0)
			printf("%s selector %s %s user %lld\n", add ? "added" : "removed", text,
			       add ? "to" : "from", uid);
	}
	free(text);
	selector_clear(&s);
	policy_unref(pol);
	args_free(&a);
	return rc;
}
