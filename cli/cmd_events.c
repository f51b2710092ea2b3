/*
 * cmd_events.c - `restrictctl events`: the milter's log of what it did
 * with each message, filtered, as a table for people or (--json) as
 * doc/json/events.schema.json says.
 *
 * Read-only. --address is normalised the way the milter normalises, so it
 * finds the person, a recipient or a redirect target however it is
 * written. The rows' lists are JSON text the milter wrote with Jansson;
 * they are parsed back with Jansson, never by hand.
 */
#include "cli.h"
#include "addr.h"
#include "buf.h"
#include "store_events.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* what --outcome accepts: verdicts and recipients' outcomes */
static const char *const outcomes[] = { "accept", "reject", "tempfail", "hold", "redirect", NULL };

struct events_out {
	int json;
	json_t *arr;			/* --json */
	struct table t;			/* text */
};

/* str_or - a JSON string's value, "?" when it is not one */
static const char *str_or(json_t *j)
{
	const char *s = json_string_value(j);

	return s ? s : "?";
}

/* parsed - a stored JSON list back as JSON; null when absent or unreadable */
static json_t *parsed(const char *text)
{
	json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;

	return j ? j : json_null();
}

/* event_json - one event as the schema says */
static json_t *event_json(const struct store_event *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "at", json_time(e->at));
	json_object_set_new(o, "queue_id", json_str(e->queue_id));
	json_object_set_new(o, "message_id", json_str(e->message_id));
	json_object_set_new(o, "person", json_str(e->person));
	json_object_set_new(o, "internal", json_boolean(e->internal));
	json_object_set_new(o, "matched", json_str(e->matched));
	json_object_set_new(o, "verdict", json_str(e->verdict));
	json_object_set_new(o, "user_ids", parsed(e->user_ids));
	json_object_set_new(o, "restriction_ids", parsed(e->restriction_ids));
	json_object_set_new(o, "actions", parsed(e->actions));
	json_object_set_new(o, "recipients", parsed(e->outcomes));
	json_object_set_new(o, "recipient_count", json_integer(e->recipients));
	json_object_set_new(o, "breach", json_boolean(e->breach));
	json_object_set_new(o, "over_limit", json_boolean(e->over_limit));
	json_object_set_new(o, "unverified", json_boolean(e->unverified));
	json_object_set_new(o, "would", parsed(e->would));
	json_object_set_new(o, "counted_users", parsed(e->counted_users));
	json_object_set_new(o, "detect", json_boolean(e->detect));
	json_object_set_new(o, "staff", parsed(e->staff));
	json_object_set_new(o, "effects", parsed(e->effects));
	json_object_set_new(o, "novelty", json_str(e->novelty));
	json_object_set_new(o, "novelty_score", e->has_novelty_score ? json_real(e->novelty_score)
							      : json_null());
	json_object_set_new(o, "flags", parsed(e->flags));
	return o;
}

/* restrictions_text - "2:block,5:file", from the parallel id and action lists */
static void restrictions_text(struct buf *b, const struct store_event *e)
{
	json_t *ids = parsed(e->restriction_ids), *acts = parsed(e->actions);
	size_t i;

	for (i = 0; i < json_array_size(ids); i++) {
		buf_printf(b, "%s%lld:%s", i ? "," : "",
			   (long long)json_integer_value(json_array_get(ids, i)),
			   str_or(json_array_get(acts, i)));
	}
	json_decref(ids);
	json_decref(acts);
}

/* recipients_text - "a@x reject@rcpt, b@x redirect>c@x, d@x accept(filed)" */
static void recipients_text(struct buf *b, const char *outcomes_json)
{
	json_t *list = parsed(outcomes_json), *r;
	size_t i, j;

	json_array_foreach(list, i, r) {
		const char *stage = json_string_value(json_object_get(r, "stage"));
		json_t *to = json_object_get(r, "to");

		buf_printf(b, "%s%s %s", i ? ", " : "", str_or(json_object_get(r, "address")),
			   str_or(json_object_get(r, "outcome")));
		if (stage && strcmp(stage, "rcpt") == 0)
			buf_puts(b, "@rcpt");
		for (j = 0; j < json_array_size(to); j++)
			buf_printf(b, "%s%s", j ? "+" : ">", str_or(json_array_get(to, j)));
		if (json_is_true(json_object_get(r, "filed")))
			buf_puts(b, "(filed)");
	}
	json_decref(list);
}

/* detection_text - "novelty=repeat(0.91) flag=scattergun effects=12:file " */
static void detection_text(struct buf *b, const struct store_event *e)
{
	json_t *flags = parsed(e->flags), *effects = parsed(e->effects), *x;
	size_t i;

	if (e->novelty)
		buf_printf(b, "novelty=%s(%.2f) ", e->novelty, e->has_novelty_score
			   ? e->novelty_score : 0.0);
	json_array_foreach(flags, i, x)
		buf_printf(b, "flag=%s ", str_or(x));
	json_array_foreach(effects, i, x)
		buf_printf(b, "%s%lld:%s", i ? "," : "effects=",
			   (long long)json_integer_value(json_object_get(x, "id")),
			   str_or(json_object_get(x, "effect")));
	if (json_array_size(effects) > 0)
		buf_putc(b, ' ');
	json_decref(flags);
	json_decref(effects);
}

/* notes_text - internal, breach, over-limit, unverified, what trials would have done */
static void notes_text(struct buf *b, const struct store_event *e)
{
	json_t *would = parsed(e->would), *w;
	size_t i;

	if (e->internal)
		buf_puts(b, "internal ");
	if (e->breach)
		buf_puts(b, "breach ");
	if (e->over_limit)
		buf_puts(b, "over-limit ");
	if (e->unverified)
		buf_puts(b, "unverified ");
	json_array_foreach(would, i, w)
		buf_printf(b, "trial %lld would %s ",
			   (long long)json_integer_value(json_object_get(w, "id")),
			   str_or(json_object_get(w, "effect")));
	json_decref(would);
	detection_text(b, e);
	if (b->len > 0)
		b->data[--b->len] = '\0';
}

/* one_event - the query's callback: a JSON object or a table row */
static int one_event(void *arg, const struct store_event *e)
{
	struct events_out *out = arg;
	struct buf b;
	char when[32];

	if (out->json) {
		json_array_append_new(out->arr, event_json(e));
		return 0;
	}
	buf_init(&b);
	table_add(&out->t, fmt_local(e->at, when, sizeof(when)));
	table_add(&out->t, e->queue_id);
	table_add(&out->t, e->verdict);
	table_add(&out->t, e->person);
	table_add(&out->t, e->matched);
	restrictions_text(&b, e);
	table_add(&out->t, b.len ? buf_cstr(&b) : NULL);
	buf_reset(&b);
	recipients_text(&b, e->outcomes);
	table_add(&out->t, b.len ? buf_cstr(&b) : NULL);
	buf_reset(&b);
	notes_text(&b, e);
	table_add(&out->t, b.len ? buf_cstr(&b) : NULL);
	buf_free(&b);
	return 0;
}

/* filter_from - the options as a filter; *norm owns the normalised address */
static int filter_from(struct cli *c, const struct args *a, struct store_event_filter *f,
		       char **norm)
{
	struct addr_opts ao = { c->cfg->subaddress_separator, c->cfg->local_part_case_sensitive };
	const char *v;
	size_t i;

	memset(f, 0, sizeof(*f));
	if ((v = args_get(a, "since")) && date_parse(v, &f->since, NULL) != 0)
		return cli_fail(EXIT_USAGE, "events: bad --since \"%.80s\": expected a date"
				" such as 2026-11-27 or 2026-11-27T09:00", v);
	if ((v = args_get(a, "user")) && args_id(v, &f->user_id) != 0)
		return cli_fail(EXIT_USAGE, "events: bad --user \"%.80s\": expected a user id", v);
	f->queue_id = args_get(a, "queue-id");
	f->message_id = args_get(a, "message-id");
	if ((v = args_get(a, "address"))) {
		enum addr_result r = addr_normalise(v, &ao, norm);

		if (r != ADDR_OK)
			return cli_fail(EXIT_USAGE, "events: bad --address \"%.80s\": %s", v,
					addr_result_str(r));
		f->address = *norm;
	}
	if ((v = args_get(a, "outcome"))) {
		for (i = 0; outcomes[i] && strcmp(outcomes[i], v) != 0; i++)
			;
		if (outcomes[i] == NULL)
			return cli_fail(EXIT_USAGE, "events: bad --outcome \"%.80s\": expected accept,"
					" reject, tempfail, hold or redirect", v);
		f->outcome = outcomes[i];
	}
	return 0;
}

int cmd_events(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "since", ARG_VALUE }, { "user", ARG_VALUE }, { "queue-id", ARG_VALUE },
		{ "message-id", ARG_VALUE }, { "address", ARG_VALUE }, { "outcome", ARG_VALUE },
		{ "json", ARG_FLAG }, { NULL, ARG_FLAG },
	};
	static const char *const head[] = {
		"AT", "QUEUE-ID", "VERDICT", "PERSON", "MATCHED", "RESTRICTIONS", "RECIPIENTS", "NOTES",
	};
	struct events_out out = { 0 };
	struct store_event_filter f;
	struct store *st = NULL;
	struct args a;
	char err[1024], *norm = NULL;
	int rc;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "events: %s", err);
	if (a.npos)
		rc = cli_fail(EXIT_USAGE, "events: unexpected argument \"%.100s\"", a.pos[0]);
	else if (cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if ((rc = filter_from(c, &a, &f, &norm)) == 0 && (rc = cli_open(c, 0, &st)) == 0) {
		out.json = args_flag(&a, "json");
		if (out.json)
			out.arr = json_array();
		else
			table_init(&out.t, 8, head);
		if (store_events_query(st, &f, one_event, &out, err, sizeof(err)) != 0)
			rc = cli_fail(EXIT_STATE, "%s", err);
		else if (out.json)
			rc = json_print(json_incref(out.arr)) ? EXIT_STATE : 0;
		else
			table_print(&out.t, stdout);
		if (rc != 0 && !out.json)
			strlist_free(&out.t.cells);	/* table_print frees it otherwise */
	}
	json_decref(out.arr);
	free(norm);
	store_close(st);
	args_free(&a);
	return rc;
}
