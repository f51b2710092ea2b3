/*
 * cmd_add.c - `restrictctl add` (record an authorised restriction in one
 * step) and `restrictctl propose` (record a request for a Head of
 * Department to approve, with the policy 5.6 criteria it confirms).
 *
 * Everything visible from the arguments is checked before the database is
 * opened (exit 2); then one write transaction makes the change with its
 * history row, audit row and generation bump, or nothing at all (exit 1).
 */
#include "cli.h"
#include "buf.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct add_req {
	const char *cmd;		/* "add" or "propose" */
	int propose;
	struct store_restriction sr;	/* action, options, reason, dates, trial, flag */
	const char *name;		/* --name, NULL = the first selector */
	const char *case_ref;
	long long user_id;		/* --user; 0 = a new service user */
	struct selector *sels;
	char **texts;			/* canonical text of each selector */
	size_t nsel;
	char *missing;			/* propose: criteria not confirmed, NULL = none */
};

static const struct arg_spec add_spec[] = {
	{ "action", ARG_VALUE }, { "message", ARG_VALUE }, { "mode", ARG_VALUE },
	{ "mailbox", ARG_VALUE }, { "contact", ARG_VALUE }, { "limit", ARG_VALUE },
	{ "over", ARG_VALUE }, { "copy-to", ARG_VALUE }, { "reason", ARG_VALUE },
	{ "authorised-by", ARG_VALUE }, { "name", ARG_VALUE }, { "case", ARG_VALUE },
	{ "notified", ARG_VALUE }, { "starts", ARG_VALUE }, { "ends", ARG_VALUE },
	{ "review", ARG_VALUE }, { "user", ARG_VALUE }, { "flag", ARG_VALUE },
	{ "trial", ARG_FLAG }, { "force", ARG_FLAG }, { NULL, ARG_FLAG },
};

static const struct arg_spec propose_spec[] = {
	{ "action", ARG_VALUE }, { "message", ARG_VALUE }, { "mode", ARG_VALUE },
	{ "mailbox", ARG_VALUE }, { "contact", ARG_VALUE }, { "limit", ARG_VALUE },
	{ "over", ARG_VALUE }, { "copy-to", ARG_VALUE }, { "reason", ARG_VALUE },
	{ "requested-by", ARG_VALUE }, { "criteria", ARG_VALUE }, { "name", ARG_VALUE },
	{ "case", ARG_VALUE }, { "notified", ARG_VALUE }, { "starts", ARG_VALUE },
	{ "ends", ARG_VALUE }, { "review", ARG_VALUE }, { "user", ARG_VALUE },
	{ "flag", ARG_VALUE }, { "trial", ARG_FLAG }, { "force", ARG_FLAG }, { NULL, ARG_FLAG },
};

/* add_req_free - everything the request owns */
static void add_req_free(struct add_req *q)
{
	size_t i;

	store_restriction_clear(&q->sr);
	for (i = 0; i < q->nsel; i++) {
		selector_clear(&q->sels[i]);
		free(q->texts[i]);
	}
	free(q->sels);
	free(q->texts);
	free(q->missing);
}

/* need_text - a required, non-empty option */
static int need_text(const char *cmd, const struct args *a, const char *name, const char **out)
{
	*out = args_get(a, name);
	if (*out == NULL)
		return cli_fail(EXIT_USAGE, "%s: missing --%s", cmd, name);
	if (**out == '\0')
		return cli_fail(EXIT_USAGE, "%s: --%s must not be empty", cmd, name);
	return 0;
}

/* parse_action - --action and its options, checked as a whole */
static int parse_action(struct cli *c, const char *cmd, const struct args *a,
			struct action_opts *o)
{
	const char *name;
	char err[512];
	enum action act;
	size_t i;
	int rc;

	if ((rc = need_text(cmd, a, "action", &name)) != 0)
		return rc;
	if (action_parse(name, &act) != 0)
		return cli_fail(EXIT_USAGE, "%s: unknown action \"%.80s\" (block, file,"
				" single-contact, limit, monitor, watch)", cmd, name);
	action_opts_clear(o);
	action_opts_init(o, act);
	for (i = 0; i < a->n; i++)
		if (action_opts_is_option(a->v[i].name)
		    && action_opts_set(o, a->v[i].name, a->v[i].value, err, sizeof(err)) != 0)
			return cli_fail(EXIT_USAGE, "%s: %s", cmd, err);
	if (action_opts_check(o, c->cfg->max_tempfail_period, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "%s: %s", cmd, err);
	return 0;
}

/* parse_date - a --DATE option; *t untouched when absent */
static int parse_date(const char *cmd, const struct args *a, const char *name, time_t *t,
		      int *bare)
{
	const char *v = args_get(a, name);
	int b = 0;

	if (v == NULL)
		return 0;
	if (date_parse(v, t, &b) != 0)
		return cli_fail(EXIT_USAGE, "%s: bad date for --%s: \"%.80s\" (expected"
				" 2026-11-27 or 2026-11-27T09:00)", cmd, name, v);
	if (bare)
		*bare = b;
	return 0;
}

/* parse_dates - starts, ends (a bare date runs to the next midnight), review, notified */
static int parse_dates(struct cli *c, const char *cmd, const struct args *a,
		       struct store_restriction *sr)
{
	int rc, bare = 0;

	sr->r.starts = c->now;
	sr->r.ends = 0;
	if ((rc = parse_date(cmd, a, "starts", &sr->r.starts, NULL)) != 0
	    || (rc = parse_date(cmd, a, "ends", &sr->r.ends, &bare)) != 0
	    || (rc = parse_date(cmd, a, "notified", &sr->notified_on, NULL)) != 0)
		return rc;
	if (sr->r.ends && bare)
		sr->r.ends = date_next_midnight(sr->r.ends);
	if (sr->r.ends && sr->r.ends <= sr->r.starts)
		return cli_fail(EXIT_USAGE, "%s: --ends must be after --starts", cmd);
	sr->review_due = date_add_months(sr->r.starts, 12);
	return parse_date(cmd, a, "review", &sr->review_due, NULL);
}

/* parse_selectors - every positional as a selector, canonical and without repeats */
static int parse_selectors(const struct args *a, const struct policy *pol, struct add_req *q)
{
	char err[512];
	size_t i, j;

	q->sels = xcalloc(a->npos + 1, sizeof(*q->sels));
	q->texts = xcalloc(a->npos + 1, sizeof(*q->texts));
	for (i = 0; i < a->npos; i++) {
		struct selector *s = &q->sels[q->nsel];

		if (selector_parse(a->pos[i], &pol->addr, s, err, sizeof(err)) != 0)
			return cli_fail(EXIT_USAGE, "%s: %s", q->cmd, err);
		q->texts[q->nsel] = selector_format(s);
		for (j = 0; j < q->nsel; j++)
			if (strcmp(q->texts[j], q->texts[q->nsel]) == 0)
				break;
		if (j < q->nsel) {
			selector_clear(s);
			free(q->texts[q->nsel]);
			continue;
		}
		q->nsel++;
	}
	if (q->nsel == 0 && q->user_id == 0)
		return cli_fail(EXIT_USAGE, "%s: at least one SELECTOR is needed (or --user ID)",
				q->cmd);
	return 0;
}

/* parse_ids - --user and --flag */
static int parse_ids(const struct args *a, struct add_req *q)
{
	const char *u = args_get(a, "user"), *f = args_get(a, "flag");

	if (u && args_id(u, &q->user_id) != 0)
		return cli_fail(EXIT_USAGE, "%s: bad --user \"%.80s\": expected a user id", q->cmd, u);
	if (f && args_id(f, &q->sr.flag_id) != 0)
		return cli_fail(EXIT_USAGE, "%s: bad --flag \"%.80s\": expected a flag id", q->cmd, f);
	if (u && (args_get(a, "name") || args_get(a, "case")))
		return cli_fail(EXIT_USAGE, "%s: --name and --case describe a new user;"
				" they cannot be given with --user", q->cmd);
	return 0;
}

/* parse_who - add: --authorised-by; propose: --requested-by and --criteria */
static int parse_who(const struct args *a, struct add_req *q)
{
	const char *by, *list;
	char err[512];
	int rc;

	if (!q->propose) {
		if ((rc = need_text(q->cmd, a, "authorised-by", &by)) != 0)
			return rc;
		q->sr.authorised_by = xstrdup(by);
		return 0;
	}
	if ((rc = need_text(q->cmd, a, "requested-by", &by)) != 0
	    || (rc = need_text(q->cmd, a, "criteria", &list)) != 0)
		return rc;
	if (criteria_merge(NULL, list, &q->sr.criteria, &q->missing, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "%s: --criteria: %s", q->cmd, err);
	if (q->sr.criteria == NULL)
		return cli_fail(EXIT_USAGE, "%s: --criteria must name at least one of %s",
				q->cmd, CRITERIA_ALL);
	q->sr.requested_by = xstrdup(by);
	q->sr.requested_os_user = cli_os_user();
	return 0;
}

/* parse_add - everything visible from the arguments and the config */
static int parse_add(struct cli *c, const struct args *a, const struct policy *pol,
		     struct add_req *q)
{
	const char *reason;
	char err[512];
	size_t i;
	int rc;

	if ((rc = parse_action(c, q->cmd, a, &q->sr.r.opts)) != 0
	    || (rc = need_text(q->cmd, a, "reason", &reason)) != 0
	    || (rc = parse_who(a, q)) != 0
	    || (rc = parse_dates(c, q->cmd, a, &q->sr)) != 0
	    || (rc = parse_ids(a, q)) != 0
	    || (rc = parse_selectors(a, pol, q)) != 0)
		return rc;
	q->sr.reason = xstrdup(reason);
	q->sr.r.trial = args_flag(a, "trial");
	q->name = args_get(a, "name");
	q->case_ref = args_get(a, "case");
	if (q->case_ref && *q->case_ref == '\0')
		q->case_ref = NULL;
	for (i = 0; !args_flag(a, "force") && i < q->nsel; i++)
		if (guard_check(&q->sels[i], q->texts[i], pol, &q->sr.r.opts, err, sizeof(err)) != 0)
			return cli_fail(EXIT_USAGE, "%s: %s", q->cmd, err);
	if (!q->propose && !cli_name_authorised(c, q->sr.authorised_by))
		return cli_fail(EXIT_STATE, "%s: \"%.80s\" is not one of Authorisers", q->cmd,
				q->sr.authorised_by);
	return 0;
}

/* claim_selectors - refuse selectors another user holds; mark the user's own */
static int claim_selectors(struct store *st, struct add_req *q, int *fresh,
			   char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < q->nsel; i++) {
		long long owner;
		int rc = store_selector_owner(st, q->texts[i], &owner, err, errlen);

		if (rc < 0)
			return cli_fail(EXIT_STATE, "%s", err);
		fresh[i] = rc == 0;
		if (rc == 1 && owner != q->user_id)
			return cli_fail(EXIT_STATE, "%s: selector %s already belongs to user %lld:"
					" use --user %lld", q->cmd, q->texts[i], owner, owner);
	}
	return 0;
}

/* audit_after - the audit row's after JSON for an add */
static char *audit_after(const struct store_restriction *sr, int user_created,
			 const struct add_req *q, const int *fresh)
{
	json_t *j = json_object(), *sels = json_array();
	char *s;
	size_t i;

	for (i = 0; i < q->nsel; i++)
		if (fresh[i])
			json_array_append_new(sels, json_str(q->texts[i]));
	json_object_set_new(j, "restriction", json_restriction_stored(sr));
	json_object_set_new(j, "user_created", json_boolean(user_created));
	json_object_set_new(j, "selectors_added", sels);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		abort();
	return s;
}

/* add_write - the change itself, inside the caller's write transaction */
static int add_write(struct cli *c, struct store *st, struct add_req *q, int *fresh)
{
	struct store_restriction got;
	struct store_user u;
	char err[1024], *hist, *after;
	int rc, created = 0;
	size_t i;

	if (q->user_id) {
		if ((rc = store_user_get(st, q->user_id, c->now, &u, err, sizeof(err))) < 0)
			return cli_fail(EXIT_STATE, "%s", err);
		store_user_clear(&u);
		if (rc == 0)
			return cli_fail(EXIT_STATE, "%s: unknown user %lld", q->cmd, q->user_id);
	}
	if ((rc = claim_selectors(st, q, fresh, err, sizeof(err))) != 0)
		return rc;
	if (!q->user_id) {
		if (store_user_create(st, q->name ? q->name : q->texts[0], q->case_ref, c->now,
				      &q->user_id, err, sizeof(err)) != 0)
			return cli_fail(EXIT_STATE, "%s", err);
		created = 1;
	}
	for (i = 0; i < q->nsel; i++)
		if (fresh[i] && store_selector_add(st, q->user_id, &q->sels[i], c->now, NULL,
						   err, sizeof(err)) != 0)
			return cli_fail(EXIT_STATE, "%s", err);
	q->sr.r.user_id = q->user_id;
	q->sr.status = q->propose ? STATUS_PROPOSED : STATUS_ACTIVE;
	q->sr.created_at = c->now;
	if (store_restriction_insert(st, &q->sr, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (q->sr.flag_id && (rc = flag_cite(st, q->sr.flag_id, q->propose ? 0 : q->sr.r.id,
					     c->now, q->sr.authorised_by, !q->propose)) != 0)
		return rc;	/* a proposal cites it when approved */
	if (store_restriction_get(st, q->sr.r.id, &got, err, sizeof(err)) != 1) {
		store_restriction_clear(&got);
		return cli_fail(EXIT_STATE, "%s", err);
	}
	hist = json_restriction_text(&got);
	after = audit_after(&got, created, q, fresh);
	rc = store_history_add(st, got.r.id, c->now, q->propose ? got.requested_by
			       : got.authorised_by, q->propose ? "proposed" : "created", got.reason,
			       NULL, hist, err, sizeof(err)) != 0
	     || store_audit_append(st, c->now, c->command_text, NULL, after, err, sizeof(err)) != 0
	     || store_audit_link_user(st, q->user_id, err, sizeof(err)) != 0;
	free(hist);
	free(after);
	store_restriction_clear(&got);
	return rc ? cli_fail(EXIT_STATE, "%s", err) : 0;
}

/* add_store - one transaction: expiry, the change, audit, generation */
static int add_store(struct cli *c, struct add_req *q)
{
	struct store *st;
	int *fresh, rc;

	if ((rc = cli_change_open(c, &st)) != 0)
		return rc;
	fresh = xcalloc(q->nsel + 1, sizeof(*fresh));
	rc = add_write(c, st, q, fresh);
	free(fresh);
	return cli_change_close(c, st, rc);
}

/* add_run - add or propose: parse, store, print the id then a summary */
static int add_run(struct cli *c, int propose, int argc, char **argv)
{
	struct add_req q;
	struct policy *pol = NULL;
	struct args a;
	char err[1024], when[32];
	int rc;

	memset(&q, 0, sizeof(q));
	store_restriction_init(&q.sr);
	q.propose = propose;
	q.cmd = propose ? "propose" : "add";
	if (args_parse(c, propose ? propose_spec : add_spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "%s: %s", q.cmd, err);
	if (cli_config(c, err, sizeof(err)) != 0) {
		rc = cli_fail(EXIT_STATE, "%s", err);
	} else if (policy_new(c->cfg, &pol, err, sizeof(err)) != 0) {
		rc = cli_fail(EXIT_STATE, "%s", err);
	} else if ((rc = parse_add(c, &a, pol, &q)) == 0 && (rc = add_store(c, &q)) == 0) {
		printf("%lld\n", q.sr.r.id);
		if (propose)
			printf("proposed restriction %lld: %s%s for user %lld, awaiting approval%s%s\n",
			       q.sr.r.id, action_name(q.sr.r.opts.action),
			       q.sr.r.trial ? " (trial)" : "", q.user_id,
			       q.missing ? "; criteria not yet confirmed: " : "",
			       q.missing ? q.missing : "");
		else
			printf("added restriction %lld: %s%s for user %lld, review due %s\n",
			       q.sr.r.id, action_name(q.sr.r.opts.action),
			       q.sr.r.trial ? " (trial)" : "", q.user_id,
			       fmt_local(q.sr.review_due, when, sizeof(when)));
	}
	policy_unref(pol);
	add_req_free(&q);
	args_free(&a);
	return rc;
}

int cmd_add(struct cli *c, int argc, char **argv)
{
	return add_run(c, 0, argc, argv);
}

int cmd_propose(struct cli *c, int argc, char **argv)
{
	return add_run(c, 1, argc, argv);
}
