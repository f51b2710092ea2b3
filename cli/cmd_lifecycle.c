/*
 * cmd_lifecycle.c - the steps of a restriction's life: `approve` (policy
 * 5.3, 5.6: never by the requester, by name or by OS user), `notified`
 * (5.4, 5.8), `vary`, `lift` and `review` (7.1, 7.2).
 *
 * Each is one write transaction: due expiries, the step with its history
 * row, one audit row and the generation bump, or nothing (cli_change_*).
 */
#include "cli.h"
#include "buf.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* life_args - parse, exactly one restriction ID, load the config */
static int life_args(struct cli *c, const char *cmd, const struct arg_spec *spec, int argc,
		     char **argv, struct args *a, long long *id)
{
	char err[1024];

	if (args_parse(c, spec, argc, argv, a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "%s: %s", cmd, err);
	if (a->npos != 1 || args_id(a->pos[0], id) != 0)
		return cli_fail(EXIT_USAGE, "%s: expected one restriction ID", cmd);
	if (cli_config(c, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	return 0;
}

/* need - a required, non-empty option */
static int need(const char *cmd, const struct args *a, const char *name, const char **out)
{
	*out = args_get(a, name);
	if (*out == NULL || **out == '\0')
		return cli_fail(EXIT_USAGE, "%s: missing --%s", cmd, name);
	return 0;
}

/* authoriser - --by must be one of Authorisers when that is set */
static int authoriser(struct cli *c, const char *cmd, const char *by)
{
	if (!cli_name_authorised(c, by))
		return cli_fail(EXIT_STATE, "%s: \"%.80s\" is not one of Authorisers", cmd, by);
	return 0;
}

/* not_in - refuse a restriction in the wrong state */
static int not_in(const char *cmd, const struct store_restriction *sr, const char *want)
{
	return cli_fail(EXIT_STATE, "%s: restriction %lld is not %s (%s)", cmd, sr->r.id, want,
			status_name(sr->status));
}

/* approve_check - the rules of policy 5.6 that need the stored request */
static int approve_check(const struct store_restriction *sr, const char *by, const char *given,
			 char **criteria, time_t now)
{
	char err[512], *missing = NULL, *os;
	int rc = 0;

	if (sr->status != STATUS_PROPOSED)
		return not_in("approve", sr, "proposed");
	if (cli_name_eq(by, sr->requested_by))
		return cli_fail(EXIT_STATE, "approve: \"%.80s\" requested restriction %lld: another"
				" person must approve it (policy 5.6)", by, sr->r.id);
	os = cli_os_user();
	if (sr->requested_os_user && strcmp(os, sr->requested_os_user) == 0)
		rc = cli_fail(EXIT_STATE, "approve: OS user %.80s proposed restriction %lld: another"
			      " person must approve it (policy 5.6)", os, sr->r.id);
	free(os);
	if (rc)
		return rc;
	if (criteria_merge(sr->criteria, given, criteria, &missing, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "approve: restriction %lld: %s", sr->r.id, err);
	if (missing)
		rc = cli_fail(EXIT_STATE, "approve: restriction %lld: criteria not confirmed: %s"
			      " (policy 5.6; confirm them with --criteria)", sr->r.id, missing);
	else if (sr->r.ends && sr->r.ends <= now)
		rc = cli_fail(EXIT_STATE, "approve: restriction %lld ended before it was approved",
			      sr->r.id);
	free(missing);
	return rc;
}

/* approve_write - activate a proposal; starts no earlier than now */
static int approve_write(struct cli *c, struct store *st, long long id, const char *by,
			 const char *given, time_t *review)
{
	struct store_restriction sr;
	char err[1024], *before = NULL, *criteria = NULL;
	struct buf notes;
	time_t starts;
	int rc;

	buf_init(&notes);
	if ((rc = cli_load_restriction(st, "approve", id, &sr)) == 0
	    && (rc = approve_check(&sr, by, given, &criteria, c->now)) == 0) {
		starts = sr.r.starts < c->now ? c->now : sr.r.starts;
		*review = sr.review_due;
		if (sr.review_due == date_add_months(sr.r.starts, 12))
			*review = date_add_months(starts, 12);	/* the default moves with the start */
		before = json_restriction_text(&sr);
		buf_printf(&notes, "criteria confirmed: %s", criteria);
		if (store_restriction_approve(st, id, c->now, by, starts, *review, criteria,
					      err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "approve: %s", err);
		else
			rc = cli_step(c, st, id, before, "approved", by, buf_cstr(&notes), 1);
		if (rc == 0 && sr.flag_id)
			rc = flag_cite(st, sr.flag_id, id, c->now, by, 0);
	}
	store_restriction_clear(&sr);
	buf_free(&notes);
	free(before);
	free(criteria);
	return rc;
}

int cmd_approve(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "by", ARG_VALUE }, { "criteria", ARG_VALUE }, { NULL, ARG_FLAG },
	};
	const char *by = NULL, *given;
	struct store *st;
	struct args a;
	char err[512], *canon = NULL, when[32];
	long long id = 0;
	time_t review = 0;
	int rc;

	if ((rc = life_args(c, "approve", spec, argc, argv, &a, &id)) == 0
	    && (rc = need("approve", &a, "by", &by)) == 0) {
		given = args_get(&a, "criteria");
		if (given && criteria_merge(NULL, given, &canon, NULL, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_USAGE, "approve: --criteria: %s", err);
		else if ((rc = authoriser(c, "approve", by)) == 0
			 && (rc = cli_change_open(c, &st)) == 0)
			rc = cli_change_close(c, st, approve_write(c, st, id, by, given, &review));
		if (rc == 0)
			printf("approved restriction %lld, review due %s\n", id,
			       fmt_local(review, when, sizeof(when)));
	}
	free(canon);
	args_free(&a);
	return rc;
}

/* notified_write - record the date of the written notice */
static int notified_write(struct cli *c, struct store *st, long long id, time_t on)
{
	struct store_restriction sr;
	char err[1024], day[32], *before = NULL;
	struct buf notes;
	int rc;

	buf_init(&notes);
	if ((rc = cli_load_restriction(st, "notified", id, &sr)) == 0) {
		before = json_restriction_text(&sr);
		buf_printf(&notes, "written notice dated %s", time_format_local_date(on, day,
										   sizeof(day)));
		if (store_restriction_set_notified(st, id, on, c->now, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "notified: %s", err);
		else
			rc = cli_step(c, st, id, before, "notified", NULL, buf_cstr(&notes), 1);
	}
	store_restriction_clear(&sr);
	buf_free(&notes);
	free(before);
	return rc;
}

int cmd_notified(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = { { "on", ARG_VALUE }, { NULL, ARG_FLAG } };
	const char *on = NULL;
	struct store *st;
	struct args a;
	long long id = 0;
	time_t t;
	char day[32];
	int rc;

	if ((rc = life_args(c, "notified", spec, argc, argv, &a, &id)) == 0
	    && (rc = need("notified", &a, "on", &on)) == 0) {
		if (date_parse(on, &t, NULL) != 0)
			rc = cli_fail(EXIT_USAGE, "notified: bad date for --on: \"%.80s\" (expected"
				      " 2026-11-27)", on);
		else if ((rc = cli_change_open(c, &st)) == 0)
			rc = cli_change_close(c, st, notified_write(c, st, id, t));
		if (rc == 0)
			printf("restriction %lld: written notice of %s recorded\n", id,
			       time_format_local_date(t, day, sizeof(day)));
	}
	args_free(&a);
	return rc;
}

/* lift_write - lift one active restriction; audit when this is the command's change */
int lift_write(struct cli *c, struct store *st, long long id, const char *by,
	       const char *reason, int audit)
{
	struct store_restriction sr;
	char err[1024], *before = NULL;
	int rc;

	if ((rc = cli_load_restriction(st, "lift", id, &sr)) != 0) {
		store_restriction_clear(&sr);
		return rc;
	}
	if (sr.status != STATUS_ACTIVE) {
		rc = cli_fail(EXIT_STATE, "lift: restriction %lld is not active (%s)", id,
			      status_name(sr.status));
	} else {
		before = json_restriction_text(&sr);
		if (store_restriction_lift(st, id, c->now, by, reason, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "lift: %s", err);
		else
			rc = cli_step(c, st, id, before, "lifted", by, reason, audit);
	}
	store_restriction_clear(&sr);
	free(before);
	return rc;
}

int cmd_lift(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "by", ARG_VALUE }, { "reason", ARG_VALUE }, { NULL, ARG_FLAG },
	};
	const char *by = NULL, *reason = NULL;
	struct store *st;
	struct args a;
	long long id = 0;
	int rc;

	if ((rc = life_args(c, "lift", spec, argc, argv, &a, &id)) == 0
	    && (rc = need("lift", &a, "by", &by)) == 0
	    && (rc = need("lift", &a, "reason", &reason)) == 0
	    && (rc = authoriser(c, "lift", by)) == 0
	    && (rc = cli_change_open(c, &st)) == 0) {
		rc = cli_change_close(c, st, lift_write(c, st, id, by, reason, 1));
		if (rc == 0)
			printf("lifted restriction %lld\n", id);
	}
	args_free(&a);
	return rc;
}

/* review_request - what `review` was asked */
struct review_req {
	const char *by, *outcome, *notes;
	time_t next;			/* 0 = now + 12 months */
};

/* review_write - record the review; continue/vary set the next one, lift lifts */
static int review_write(struct cli *c, struct store *st, long long id, struct review_req *q)
{
	struct store_restriction sr;
	char err[1024], day[32], *before = NULL;
	struct buf notes;
	int rc, lift = strcmp(q->outcome, "lift") == 0;

	buf_init(&notes);
	if ((rc = cli_load_restriction(st, "review", id, &sr)) == 0 && sr.status != STATUS_ACTIVE)
		rc = not_in("review", &sr, "active");
	if (rc == 0) {
		before = json_restriction_text(&sr);
		if (!q->next)
			q->next = date_add_months(c->now, 12);
		buf_printf(&notes, "outcome: %s", q->outcome);
		if (!lift)
			buf_printf(&notes, "; next review: %s",
				   time_format_local_date(q->next, day, sizeof(day)));
		if (q->notes)
			buf_printf(&notes, "; notes: %s", q->notes);
		if (!lift && store_restriction_set_review(st, id, q->next, c->now, err,
							  sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "review: %s", err);
		else if ((rc = cli_step(c, st, id, before, "reviewed", q->by, buf_cstr(&notes),
					!lift)) == 0 && lift
			 && (rc = lift_write(c, st, id, q->by, q->notes ? q->notes
					     : "lifted at review", 0)) == 0)
			rc = cli_audit_restriction(c, st, id, before);
	}
	store_restriction_clear(&sr);
	buf_free(&notes);
	free(before);
	return rc;
}

/* review_parse - --by, --outcome, --notes, --next as visible from the arguments */
static int review_parse(struct cli *c, const struct args *a, struct review_req *q)
{
	const char *next = args_get(a, "next");
	int rc;

	memset(q, 0, sizeof(*q));
	if ((rc = need("review", a, "by", &q->by)) != 0
	    || (rc = need("review", a, "outcome", &q->outcome)) != 0)
		return rc;
	if (strcmp(q->outcome, "continue") && strcmp(q->outcome, "vary") && strcmp(q->outcome, "lift"))
		return cli_fail(EXIT_USAGE, "review: unknown --outcome \"%.80s\" (continue, vary,"
				" lift)", q->outcome);
	q->notes = args_get(a, "notes");
	if (q->notes && *q->notes == '\0')
		q->notes = NULL;
	if (next && strcmp(q->outcome, "lift") == 0)
		return cli_fail(EXIT_USAGE, "review: --next does not go with --outcome lift");
	if (next && date_parse(next, &q->next, NULL) != 0)
		return cli_fail(EXIT_USAGE, "review: bad date for --next: \"%.80s\"", next);
	if (next && q->next <= c->now)
		return cli_fail(EXIT_USAGE, "review: --next must be in the future");
	return authoriser(c, "review", q->by);
}

int cmd_review(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "by", ARG_VALUE }, { "outcome", ARG_VALUE }, { "notes", ARG_VALUE },
		{ "next", ARG_VALUE }, { NULL, ARG_FLAG },
	};
	struct review_req q;
	struct store *st;
	struct args a;
	long long id = 0;
	char when[32];
	int rc;

	if ((rc = life_args(c, "review", spec, argc, argv, &a, &id)) == 0
	    && (rc = review_parse(c, &a, &q)) == 0
	    && (rc = cli_change_open(c, &st)) == 0) {
		rc = cli_change_close(c, st, review_write(c, st, id, &q));
		if (rc == 0 && strcmp(q.outcome, "lift") == 0)
			printf("reviewed restriction %lld: lifted\n", id);
		else if (rc == 0)
			printf("reviewed restriction %lld: %s, next review due %s%s\n", id, q.outcome,
			       fmt_local(q.next, when, sizeof(when)),
			       strcmp(q.outcome, "vary") == 0 ? " (record the variation with"
			       " restrictctl vary)" : "");
	}
	args_free(&a);
	return rc;
}

/* vary_opts - the stored options with the given ones applied and checked */
static int vary_opts(struct cli *c, const struct args *a, const struct store_restriction *sr,
		     struct action_opts *o, int *addresses)
{
	char err[512];
	size_t i;

	action_opts_copy(o, &sr->r.opts);
	*addresses = 0;
	for (i = 0; i < a->n; i++) {
		if (!action_opts_is_option(a->v[i].name))
			continue;
		if (action_opts_set(o, a->v[i].name, a->v[i].value, err, sizeof(err)) != 0)
			return cli_fail(EXIT_USAGE, "vary: %s", err);
		if (!strcmp(a->v[i].name, "contact") || !strcmp(a->v[i].name, "mailbox")
		    || !strcmp(a->v[i].name, "copy-to"))
			*addresses = 1;
	}
	if (action_opts_check(o, c->cfg->max_tempfail_period, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "vary: %s", err);
	return 0;
}

/* vary_guard - the user's selectors must not match a new protected address */
static int vary_guard(struct store *st, const struct policy *pol, long long user_id,
		      const struct action_opts *o)
{
	struct store_selector *v;
	struct selector s;
	char err[512];
	size_t n, i;
	int rc = 0;

	if (store_selector_list(st, user_id, &v, &n, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	for (i = 0; rc == 0 && i < n; i++) {
		if (selector_parse(v[i].text, &pol->addr, &s, err, sizeof(err)) != 0)
			continue;	/* not enforceable either; nothing to guard */
		if (guard_check(&s, v[i].text, pol, o, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_USAGE, "vary: %s", err);
		selector_clear(&s);
	}
	store_selectors_free(v, n);
	return rc;
}

/* vary_write - new options for a proposed or active restriction */
static int vary_write(struct cli *c, struct store *st, long long id, const struct args *a,
		      const struct policy *pol)
{
	struct store_restriction sr;
	struct action_opts o;
	char err[1024], *before = NULL;
	int rc, addresses = 0;

	action_opts_init(&o, ACTION_WATCH);
	if ((rc = cli_load_restriction(st, "vary", id, &sr)) == 0
	    && sr.status != STATUS_ACTIVE && sr.status != STATUS_PROPOSED)
		rc = not_in("vary", &sr, "active");
	if (rc == 0 && (rc = vary_opts(c, a, &sr, &o, &addresses)) == 0
	    && (!addresses || args_flag(a, "force")
		|| (rc = vary_guard(st, pol, sr.r.user_id, &o)) == 0)) {
		before = json_restriction_text(&sr);
		if (store_restriction_set_opts(st, id, &o, c->now, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "vary: %s", err);
		else
			rc = cli_step(c, st, id, before, "varied", args_get(a, "by"),
				      args_get(a, "reason"), 1);
	}
	action_opts_clear(&o);
	store_restriction_clear(&sr);
	free(before);
	return rc;
}

int cmd_vary(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "message", ARG_VALUE }, { "mode", ARG_VALUE }, { "mailbox", ARG_VALUE },
		{ "contact", ARG_VALUE }, { "limit", ARG_VALUE }, { "over", ARG_VALUE },
		{ "copy-to", ARG_VALUE }, { "by", ARG_VALUE }, { "reason", ARG_VALUE },
		{ "force", ARG_FLAG }, { NULL, ARG_FLAG },
	};
	const char *by, *reason;
	struct policy *pol = NULL;
	struct store *st;
	struct args a;
	char err[1024];
	long long id = 0;
	size_t i, nopts = 0;
	int rc;

	if ((rc = life_args(c, "vary", spec, argc, argv, &a, &id)) == 0
	    && (rc = need("vary", &a, "by", &by)) == 0
	    && (rc = need("vary", &a, "reason", &reason)) == 0) {
		for (i = 0; i < a.n; i++)
			nopts += action_opts_is_option(a.v[i].name) != 0;
		if (nopts == 0)
			rc = cli_fail(EXIT_USAGE, "vary: give the action options to change"
				      " (the action itself stays; lift and add to change it)");
		else if (policy_new(c->cfg, &pol, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "%s", err);
		else if ((rc = authoriser(c, "vary", by)) == 0
			 && (rc = cli_change_open(c, &st)) == 0)
			rc = cli_change_close(c, st, vary_write(c, st, id, &a, pol));
		if (rc == 0)
			printf("varied restriction %lld\n", id);
	}
	policy_unref(pol);
	args_free(&a);
	return rc;
}
