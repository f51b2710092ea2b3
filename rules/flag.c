/*
 * flag.c - the flag state machine and the X-Restriction-Flag value
 * (detect.h). Flags are stored by db/; what happens to one is decided here.
 *
 *   none --count>=T--> open --count grows--> open (evidence updated)
 *   open --human--> escalated | dismissed;  escalated --human--> dismissed
 *   dismissed --count of events AFTER the dismissal >= T--> open (reopened)
 *
 * Counting after a dismissal uses only events after it (flag_view.since,
 * passed to detect_record as detect_since), so the very burst that was
 * dismissed can never reopen its own flag.
 */
#include "detect.h"
#include "buf.h"
#include "timeparse.h"

#include <string.h>

enum flag_step flag_next(const struct flag_view *cur, const struct detect_count *c,
			 struct flag_change *out)
{
	unsigned n = c->count_since;

	out->step = FLAG_STEP_NONE;
	out->state = cur->state;
	out->count = cur->count;
	if (c->since != cur->since)	/* counted from the wrong point: never act on it */
		return FLAG_STEP_NONE;
	switch (cur->state) {
	case FLAG_NONE:
		if (n >= c->threshold) {
			out->step = FLAG_STEP_OPEN;
			out->state = FLAG_OPEN;
			out->count = n;
		}
		break;
	case FLAG_OPEN:
	case FLAG_ESCALATED:
		if (n > cur->count) {
			out->step = FLAG_STEP_UPDATE;
			out->count = n;
		}
		break;
	case FLAG_DISMISSED:
		if (n >= c->threshold) {
			out->step = FLAG_STEP_REOPEN;
			out->state = FLAG_OPEN;
			out->count = n;
		}
		break;
	}
	return out->step;
}

int flag_decide(struct flag_view *v, enum flag_human what, time_t now)
{
	switch (what) {
	case FLAG_DISMISS:
		if (v->state != FLAG_OPEN && v->state != FLAG_ESCALATED)
			return -1;
		v->state = FLAG_DISMISSED;
		v->since = now;
		return 0;
	case FLAG_ESCALATE:
		if (v->state != FLAG_OPEN)
			return -1;
		v->state = FLAG_ESCALATED;
		return 0;
	}
	return -1;
}

char *flag_header_value(enum flag_kind kind, unsigned count, long long window)
{
	struct buf b;
	char per[32];

	buf_init(&b);
	if (period_format(window, per, sizeof(per)) == NULL)
		per[0] = '\0';
	if (kind == FLAG_SCATTERGUN)
		buf_printf(&b, "scattergun; staff=%u; window=%s", count, per);
	else
		buf_printf(&b, "volume; messages=%u; window=%s", count, per);
	return buf_take(&b);
}

void flag_since(const struct flag_view *scatter, const struct flag_view *volume,
		struct detect_since *out)
{
	out->scatter = scatter ? scatter->since : 0;
	out->volume = volume ? volume->since : 0;
}

const char *flag_kind_name(enum flag_kind k)
{
	return k == FLAG_SCATTERGUN ? "scattergun" : "volume";
}

static const char *const state_names[] = { "none", "open", "escalated", "dismissed" };

const char *flag_state_name(enum flag_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "?";
}

const char *flag_step_name(enum flag_step s)
{
	static const char *const names[] = { "none", "open", "update", "reopen" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

int flag_state_parse(const char *name, enum flag_state *out)
{
	unsigned i;

	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum flag_state)i;
			return 0;
		}
	}
	return -1;
}
