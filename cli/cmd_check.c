/*
 * cmd_check.c - `restrictctl check`: what the milter would do with one
 * message, without changing anything.
 *
 * It builds the same policy and snapshot the milter builds and calls the
 * same decide() (phase PHASE_CHECK); nothing here decides anything, it only
 * prints the decision as a table or as SPEC's JSON (check.schema.json).
 */
#include "cli.h"
#include "buf.h"
#include "decide.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* reply_text - "550 5.7.1 text" (new string), NULL when there is no reply */
static char *reply_text(const struct reply *r)
{
	struct buf b;

	if (r->text == NULL)
		return NULL;
	buf_init(&b);
	buf_printf(&b, "%s %s %s", r->code, r->xcode, r->text);
	return buf_take(&b);
}

/* json_strlist - an array of strings */
static json_t *json_strlist(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_str(l->v[i]));
	return a;
}

/* matched_text - "header-from:bob@example.org" (new), NULL when unmatched */
static char *matched_text(const struct applied *ap)
{
	struct buf b;

	if (ap->matched == MATCHED_NONE)
		return NULL;
	buf_init(&b);
	buf_printf(&b, "%s:%s", matched_kind_name(ap->matched),
		   ap->matched_addr ? ap->matched_addr : "");
	return buf_take(&b);
}

/* json_applied - one restriction that applied (or would have, on trial) */
static json_t *json_applied(const struct applied *ap)
{
	json_t *o = json_object(), *w = json_null();
	char *m = matched_text(ap);

	if (ap->trial) {
		w = json_object();
		json_object_set_new(w, "effect", json_str(ap->would.effect));
		json_object_set_new(w, "recipients", json_strlist(&ap->would.recipients));
		json_object_set_new(w, "to", json_strlist(&ap->would.to));
	}
	json_object_set_new(o, "id", json_integer(ap->id));
	json_object_set_new(o, "action", json_string(action_name(ap->action)));
	json_object_set_new(o, "trial", json_boolean(ap->trial));
	json_object_set_new(o, "would", w);
	json_object_set_new(o, "matched", json_str(m));
	free(m);
	return o;
}

/* json_decision - SPEC's check --json shape */
static json_t *json_decision(const struct decision *d)
{
	json_t *o = json_object(), *rc = json_array(), *ap = json_array(), *hd = json_array();
	char *reply = reply_text(&d->reply);
	size_t i;

	json_object_set_new(o, "verdict", json_string(verdict_name(d->verdict)));
	if (reply)
		json_object_set_new(o, "reply", json_str(reply));
	free(reply);
	for (i = 0; i < d->nrcpts; i++) {
		const struct rcpt_result *r = &d->rcpts[i];
		json_t *j = json_object();
		char *rr = reply_text(&r->reply);

		json_object_set_new(j, "address", json_str(r->rcpt));
		json_object_set_new(j, "outcome", json_string(outcome_name(r->outcome)));
		json_object_set_new(j, "stage", json_string(stage_name(r->stage)));
		json_object_set_new(j, "to", json_strlist(&r->to));
		if (rr)
			json_object_set_new(j, "reply", json_str(rr));
		free(rr);
		json_array_append_new(rc, j);
	}
	for (i = 0; i < d->napplied; i++)
		json_array_append_new(ap, json_applied(&d->applied[i]));
	for (i = 0; i < d->nheaders; i++)
		json_array_append_new(hd, json_pack("{s:o,s:o}", "name", json_str(d->headers[i].name),
						    "value", json_str(d->headers[i].value)));
	json_object_set_new(o, "recipients", rc);
	json_object_set_new(o, "restrictions", ap);
	json_object_set_new(o, "add_recipients", json_strlist(&d->add_rcpts));
	json_object_set_new(o, "remove_recipients", json_strlist(&d->remove_rcpts));
	json_object_set_new(o, "headers", hd);
	json_object_set_new(o, "subject_prefix", json_str(d->subject_prefix));
	return o;
}

/* print_recipients - the per-recipient table */
static void print_recipients(const struct decision *d)
{
	static const char *const head[] = { "RECIPIENT", "OUTCOME", "STAGE", "TO", "REPLY" };
	struct table t;
	size_t i;

	table_init(&t, 5, head);
	for (i = 0; i < d->nrcpts; i++) {
		const struct rcpt_result *r = &d->rcpts[i];
		char *to = strlist_join(&r->to, ",");
		char *reply = reply_text(&r->reply);

		table_add(&t, r->rcpt);
		table_add(&t, outcome_name(r->outcome));
		table_add(&t, stage_name(r->stage));
		table_add(&t, *to ? to : NULL);
		table_add(&t, reply);
		free(to);
		free(reply);
	}
	table_print(&t, stdout);
}

/* print_applied - the restrictions table */
static void print_applied(const struct decision *d)
{
	static const char *const head[] = { "ID", "ACTION", "TRIAL", "WOULD", "MATCHED" };
	struct table t;
	size_t i;

	table_init(&t, 5, head);
	for (i = 0; i < d->napplied; i++) {
		const struct applied *ap = &d->applied[i];
		char *m = matched_text(ap);
		char *rc = strlist_join(&ap->would.recipients, ",");
		char *to = strlist_join(&ap->would.to, ",");

		table_addf(&t, "%lld", ap->id);
		table_add(&t, action_name(ap->action));
		table_add(&t, ap->trial ? "yes" : "no");
		if (ap->trial)
			table_addf(&t, "%s%s%s%s%s", ap->would.effect ? ap->would.effect : "none",
				   *rc ? " " : "", rc, *to ? " -> " : "", to);
		else
			table_add(&t, NULL);
		table_add(&t, m);
		free(m);
		free(rc);
		free(to);
	}
	table_print(&t, stdout);
}

/* print_decision - the decision for people */
static void print_decision(const struct decision *d)
{
	char *reply = reply_text(&d->reply), *add, *rm;
	size_t i;

	printf("verdict: %s\n", verdict_name(d->verdict));
	if (reply)
		print_field(stdout, "reply", reply);
	free(reply);
	printf("recipients:\n");
	print_recipients(d);
	printf("restrictions:\n");
	if (d->napplied)
		print_applied(d);
	else
		printf("(none)\n");
	printf("headers:\n");
	if (d->nheaders == 0)
		printf("(none)\n");
	for (i = 0; i < d->nheaders; i++)
		printf("  %s: %s\n", d->headers[i].name, d->headers[i].value);
	add = strlist_join(&d->add_rcpts, ", ");
	rm = strlist_join(&d->remove_rcpts, ", ");
	print_field(stdout, "add recipients", *add ? add : NULL);
	print_field(stdout, "remove recipients", *rm ? rm : NULL);
	print_field(stdout, "subject prefix", d->subject_prefix);
	free(add);
	free(rm);
}

/* load_snapshot - the restrictions in force, as the milter would load them */
static int load_snapshot(struct cli *c, const struct policy *pol, struct snapshot **snap)
{
	struct snapshot_builder *b;
	struct store *st;
	uint64_t gen;
	char err[1024];
	int rc;

	if ((rc = cli_open(c, 0, &st)) != 0)
		return rc;
	b = snapshot_builder_new(&pol->addr);
	if (store_load_snapshot(st, b, &gen, err, sizeof(err)) != 0) {
		snapshot_builder_free(b);
		store_close(st);
		return cli_fail(EXIT_STATE, "%s", err);
	}
	*snap = snapshot_builder_finish(b, gen);
	store_close(st);
	return 0;
}

/* run_check - decide and print */
static int run_check(struct cli *c, const struct args *a, const struct policy *pol,
		     const struct snapshot *snap)
{
	struct msg_facts f;
	struct decision d;
	struct match_scratch *m = match_scratch_new();
	const char **rcpts = xcalloc(a->n + 1, sizeof(*rcpts));
	size_t i;
	int rc = 0;

	memset(&f, 0, sizeof(f));
	f.phase = PHASE_CHECK;
	f.now = c->now;
	f.internal = args_flag(a, "internal");
	f.env_from = args_get(a, "from");
	f.hdr_from = args_get(a, "header-from");
	f.hdr_sender = args_get(a, "sender");
	f.hdr_reply_to = args_get(a, "reply-to");
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, "to") == 0)
			rcpts[f.nrcpts++] = a->v[i].value;
	f.rcpts = rcpts;
	/* limit counts come from the event log, which arrives with the milter: 0 for now */
	f.limit_count = NULL;
	decision_init(&d);
	decide(&f, snap, pol, m, &d);
	if (args_flag(a, "json"))
		rc = json_print(json_decision(&d)) ? EXIT_STATE : 0;
	else
		print_decision(&d);
	decision_clear(&d);
	match_scratch_free(m);
	free(rcpts);
	return rc;
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "from", ARG_VALUE }, { "header-from", ARG_VALUE }, { "sender", ARG_VALUE },
		{ "reply-to", ARG_VALUE }, { "to", ARG_MULTI }, { "json", ARG_FLAG },
		{ "internal", ARG_FLAG }, { NULL, ARG_FLAG },
	};
	struct policy *pol = NULL;
	struct snapshot *snap = NULL;
	struct args a;
	char err[1024];
	int rc;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "check: %s", err);
	if (a.npos)
		rc = cli_fail(EXIT_USAGE, "check: unexpected argument \"%.100s\"", a.pos[0]);
	else if (!args_get(&a, "from"))
		rc = cli_fail(EXIT_USAGE, "check: missing --from (use --from '<>' for the null sender)");
	else if (!args_get(&a, "to"))
		rc = cli_fail(EXIT_USAGE, "check: missing --to");
	else if (cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if (policy_new(c->cfg, &pol, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if ((rc = load_snapshot(c, pol, &snap)) == 0)
		rc = run_check(c, &a, pol, snap);
	snapshot_unref(snap);
	policy_unref(pol);
	args_free(&a);
	return rc;
}
