/*
 * json.c - the JSON shapes restrictctl prints and audits, built with
 * Jansson so no escaping is ever written by hand.
 *
 * Keys are inserted in a fixed order and Jansson keeps insertion order, so
 * output is stable. Times are UTC "2026-11-27T09:00:00Z"; unset ones null.
 * The shapes follow the schemas in doc/json/.
 */
#include "cli.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *json_time(time_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	return json_string(time_format_utc(t, buf, sizeof(buf)));
}

json_t *json_str(const char *s)
{
	json_t *j;
	char *copy, *p;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	/* not UTF-8: keep the value visible with '?' for every non-ASCII byte */
	copy = xstrdup(s);
	for (p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j ? j : json_null();
}

const char *display_status(const struct store_restriction *sr, time_t now)
{
	if (now != 0 && sr->status == STATUS_ACTIVE && sr->r.ends != 0 && sr->r.ends <= now)
		return status_name(STATUS_EXPIRED);
	return status_name(sr->status);
}

int restriction_overdue(const struct store_restriction *sr, time_t now)
{
	return strcmp(display_status(sr, now), "active") == 0 && sr->review_due < now;
}

/* json_options - the options that belong to the action */
static json_t *json_options(const struct action_opts *o)
{
	json_t *j = json_object();
	char p[32], lim[64];

	switch (o->action) {
	case ACTION_BLOCK:
		json_object_set_new(j, "message", json_str(o->message));
		break;
	case ACTION_FILE:
		json_object_set_new(j, "mode", json_string(file_mode_name(o->file_mode)));
		json_object_set_new(j, "mailbox", json_str(o->mailbox));
		break;
	case ACTION_SINGLE_CONTACT:
		json_object_set_new(j, "contact", json_str(o->contact));
		json_object_set_new(j, "mode", json_string(contact_mode_name(o->contact_mode)));
		break;
	case ACTION_LIMIT:
		snprintf(lim, sizeof(lim), "%u/%s", o->limit_count,
			 period_format(o->limit_period, p, sizeof(p)));
		json_object_set_new(j, "limit", json_string(lim));
		json_object_set_new(j, "over", json_string(over_name(o->over)));
		break;
	case ACTION_MONITOR:
		json_object_set_new(j, "copy_to", json_str(o->copy_to));
		break;
	case ACTION_WATCH:
		break;
	}
	return j;
}

json_t *json_restriction(const struct store_restriction *sr, time_t now)
{
	json_t *j = json_object();

	json_object_set_new(j, "id", json_integer(sr->r.id));
	json_object_set_new(j, "user_id", json_integer(sr->r.user_id));
	json_object_set_new(j, "name", json_str(sr->user_name));
	json_object_set_new(j, "case", json_str(sr->r.case_ref));
	json_object_set_new(j, "action", json_string(action_name(sr->r.opts.action)));
	json_object_set_new(j, "options", json_options(&sr->r.opts));
	json_object_set_new(j, "trial", json_boolean(sr->r.trial));
	json_object_set_new(j, "status", json_string(display_status(sr, now)));
	json_object_set_new(j, "overdue", json_boolean(restriction_overdue(sr, now)));
	json_object_set_new(j, "reason", json_str(sr->reason));
	json_object_set_new(j, "authorised_by", json_str(sr->authorised_by));
	json_object_set_new(j, "requested_by", json_str(sr->requested_by));
	json_object_set_new(j, "criteria", json_str(sr->criteria));
	json_object_set_new(j, "flag_id", sr->flag_id ? json_integer(sr->flag_id) : json_null());
	json_object_set_new(j, "notified_on", json_time(sr->notified_on));
	json_object_set_new(j, "starts", json_time(sr->r.starts));
	json_object_set_new(j, "ends", json_time(sr->r.ends));
	json_object_set_new(j, "review_due", json_time(sr->review_due));
	json_object_set_new(j, "created_at", json_time(sr->created_at));
	json_object_set_new(j, "updated_at", json_time(sr->updated_at));
	json_object_set_new(j, "lifted_at", json_time(sr->lifted_at));
	json_object_set_new(j, "lifted_by", json_str(sr->lifted_by));
	json_object_set_new(j, "lift_reason", json_str(sr->lift_reason));
	return j;
}

json_t *json_restriction_stored(const struct store_restriction *sr)
{
	json_t *j = json_restriction(sr, 0);

	json_object_del(j, "overdue");		/* derived from the clock, not stored */
	return j;
}

char *json_restriction_text(const struct store_restriction *sr)
{
	json_t *j = json_restriction_stored(sr);
	char *s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (s == NULL)
		abort();	/* only out of memory makes json_dumps fail here */
	return s;
}

int json_print(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2));

	json_decref(j);
	if (rc != 0 || fputc('\n', stdout) == EOF)
		return -1;
	return 0;
}

/* json_disputes - a restriction's disputes */
json_t *json_disputes(const struct store_dispute *d, size_t n, long long rid)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *j;

		if (rid && d[i].restriction_id != rid)
			continue;
		j = json_object();
		json_object_set_new(j, "id", json_integer(d[i].id));
		json_object_set_new(j, "raised_at", json_time(d[i].raised_at));
		json_object_set_new(j, "notes", json_str(d[i].notes));
		json_object_set_new(j, "decided_at", json_time(d[i].decided_at));
		json_object_set_new(j, "decided_by", json_str(d[i].decided_by));
		json_object_set_new(j, "outcome", json_str(d[i].outcome));
		json_object_set_new(j, "decision_notes", json_str(d[i].decision_notes));
		json_array_append_new(arr, j);
	}
	return arr;
}
