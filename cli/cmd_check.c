/*
 * cmd_check.c - `restrictctl check`: what the milter would do with one
 * message, without changing anything.
 *
 * It builds the same policy the milter builds and calls the same decide()
 * (phase PHASE_CHECK); nothing here decides anything, it only prints the
 * decision as a table or as SPEC's JSON (check.schema.json). The snapshot
 * holds only what the message's senders can match (store_load_candidates:
 * their domains' selectors, every pattern, those users' restrictions), so
 * a check costs the same at 100 or 1,000,000 selectors; decide() sees no
 * difference, since it only ever looks up those addresses.
 */
#include "cli.h"
#include "buf.h"
#include "addrlist.h"
#include "decide.h"
#include "xalloc.h"

#include <ctype.h>
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

/* struct domains - store_load_candidates' [lo, hi, domain] items, and every domain with parents */
struct domains {
	json_t *exact;
	struct strlist parents;
};

/* leading local-part characters whose case variants select index ranges: at most
 * CHECK_PREFIX of them with at most CHECK_LETTERS letters (2^letters ranges) */
#define CHECK_PREFIX 8
#define CHECK_LETTERS 5

/* add_range - the item [p, p with its last byte incremented, dom] */
static void add_range(json_t *a, const char *p, size_t n, const char *dom)
{
	char lo[CHECK_PREFIX + 1], hi[CHECK_PREFIX + 1];

	memcpy(lo, p, n);
	lo[n] = '\0';
	memcpy(hi, p, n);
	hi[n] = '\0';
	hi[n - 1]++;
	json_array_append_new(a, json_pack("[sss]", lo, hi, dom));
}

/*
 * add_exact - the index ranges of texts an exact selector matching norm
 * may have: its local part stored under other settings keeps its leading
 * characters but for (ASCII) case, so every case variant of the first
 * few of them; a quoted local part ('"'); the whole index when the first
 * character is not ASCII
 */
static void add_exact(json_t *a, const char *norm)
{
	const char *dom = addr_domain(norm);
	char v[CHECK_PREFIX];
	size_t k = 0, m, letters = 0;

	add_range(a, "\"", 1, dom);
	while (k < CHECK_PREFIX && norm[k] && norm[k] != '@' && !(norm[k] & 0x80)
	       && (letters += isalpha((unsigned char)norm[k]) != 0) <= CHECK_LETTERS)
		k++;
	if (k == 0) {
		json_array_append_new(a, json_pack("[sss]", "", "\xf5", dom));
		return;
	}
	for (m = 0; m < (1u << k); m++) {	/* bit i: upper-case character i */
		size_t i;
		int repeat = 0;
		for (i = 0; i < k; i++) {
			int up = (m >> i) & 1;
			/* upper-casing a non-letter repeats another variant */
			repeat |= up && !isalpha((unsigned char)norm[i]);
			v[i] = (char)(up ? toupper((unsigned char)norm[i])
				      : tolower((unsigned char)norm[i]));
		}
		if (!repeat)
			add_range(a, v, k, dom);
	}
}

/* add_sender - normalise raw as decide() does and note its domains */
static void add_sender(struct domains *d, const char *raw, const struct policy *pol)
{
	const char *p;
	char *norm;

	if (addr_normalise(raw, &pol->addr, &norm) != ADDR_OK)
		return;
	if (*addr_domain(norm))
		add_exact(d->exact, norm);
	for (p = addr_domain(norm); p && *p; p = strchr(p, '.')) {	/* a.b.c, b.c, c */
		if (*p == '.')
			p++;
		if (*p)
			strlist_add_unique(&d->parents, p);
	}
	free(norm);
}

/* add_header - every mailbox decide() takes from one header value */
static void add_header(struct domains *d, const char *value, const struct policy *pol)
{
	struct strlist raw = STRLIST_INIT;
	size_t i;

	if (value == NULL)
		return;
	addrlist_parse(value, DECIDE_MAX_HEADER_ADDRS, &raw);
	for (i = 0; i < raw.n; i++)
		add_sender(d, raw.v[i], pol);
	strlist_free(&raw);
}

/* json_list - l as a compact JSON array (new string) */
static char *json_list(const struct strlist *l)
{
	json_t *a = json_strlist(l);
	char *out = json_dumps(a, JSON_COMPACT);

	json_decref(a);
	if (out == NULL)
		abort();
	return out;
}

/* load_snapshot - what the milter would load, as far as f's senders can match it */
static int load_snapshot(struct cli *c, const struct policy *pol, const struct msg_facts *f,
			 struct snapshot **snap)
{
	struct domains d = { json_array(), STRLIST_INIT };
	struct snapshot_builder *b;
	struct store *st;
	uint64_t gen;
	char err[1024], *exact, *parents;
	int rc;

	if ((rc = cli_open(c, 0, &st)) != 0)
		return rc;
	if (f->env_from)
		add_sender(&d, f->env_from, pol);
	add_header(&d, f->hdr_from, pol);
	add_header(&d, f->hdr_sender, pol);
	add_header(&d, f->hdr_reply_to, pol);
	exact = json_dumps(d.exact, JSON_COMPACT);
	json_decref(d.exact);
	parents = json_list(&d.parents);
	if (exact == NULL)
		abort();
	strlist_free(&d.parents);
	b = snapshot_builder_new(&pol->addr);
	snapshot_builder_no_jit(b);	/* one decision: compiling for speed costs more */
	rc = store_load_candidates(st, b, exact, parents, &gen, err, sizeof(err));
	free(exact);
	free(parents);
	store_close(st);
	if (rc != 0) {
		snapshot_builder_free(b);
		return cli_fail(EXIT_STATE, "%s", err);
	}
	*snap = snapshot_builder_finish(b, gen);
	return 0;
}

/* run_check - load, decide and print */
static int run_check(struct cli *c, const struct args *a, const struct policy *pol)
{
	struct msg_facts f;
	struct decision d;
	struct snapshot *snap = NULL;
	struct match_scratch *m;
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
	if ((rc = load_snapshot(c, pol, &f, &snap)) != 0) {
		free(rcpts);
		return rc;
	}
	m = match_scratch_new();
	decision_init(&d);
	decide(&f, snap, pol, m, &d);
	if (args_flag(a, "json"))
		rc = json_print(json_decision(&d)) ? EXIT_STATE : 0;
	else
		print_decision(&d);
	decision_clear(&d);
	match_scratch_free(m);
	snapshot_unref(snap);
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
	else
		rc = run_check(c, &a, pol);
	policy_unref(pol);
	args_free(&a);
	return rc;
}
