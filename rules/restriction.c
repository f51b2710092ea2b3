/*
 * restriction.c - names, option parsing and checks for restrictions.
 *
 * The CLI (add, propose, vary, import) funnels every action option through
 * action_opts_set/action_opts_check so that all of them accept and refuse
 * exactly the same things; reply texts are checked here when saved.
 */
#include "restriction.h"
#include "buf.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const action_names[ACTION_COUNT] = {
	"block", "file", "single-contact", "limit", "monitor", "watch",
};

const char *action_name(enum action a)
{
	return (unsigned)a < ACTION_COUNT ? action_names[a] : "?";
}

int action_parse(const char *name, enum action *out)
{
	unsigned i;

	for (i = 0; i < ACTION_COUNT; i++)
		if (strcmp(name, action_names[i]) == 0) {
			*out = (enum action)i;
			return 0;
		}
	return -1;
}

const char *file_mode_name(enum file_mode m)
{
	return m == FILE_MODE_REDIRECT ? "redirect" : "tag";
}

const char *contact_mode_name(enum contact_mode m)
{
	return m == CONTACT_MODE_REJECT ? "reject" : "redirect";
}

static const char *const over_names[] = { "file", "hold", "reject", "tempfail" };

const char *over_name(enum over_action o)
{
	return (unsigned)o < 4 ? over_names[o] : "?";
}

static const char *const status_names[] = { "proposed", "active", "lifted", "expired" };

const char *status_name(enum restriction_status s)
{
	return (unsigned)s < 4 ? status_names[s] : "?";
}

int status_parse(const char *name, enum restriction_status *out)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum restriction_status)i;
			return 0;
		}
	return -1;
}

void action_opts_init(struct action_opts *o, enum action a)
{
	memset(o, 0, sizeof(*o));
	o->action = a;
	o->file_mode = FILE_MODE_TAG;
	o->contact_mode = CONTACT_MODE_REDIRECT;
	o->over = OVER_FILE;
}

void action_opts_clear(struct action_opts *o)
{
	free(o->message);
	free(o->mailbox);
	free(o->contact);
	free(o->copy_to);
	o->message = o->mailbox = o->contact = o->copy_to = NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void action_opts_copy(struct action_opts *dst, const struct action_opts *src)
{
	*dst = *src;
	dst->message = dup_or_null(src->message);
	dst->mailbox = dup_or_null(src->mailbox);
	dst->contact = dup_or_null(src->contact);
	dst->copy_to = dup_or_null(src->copy_to);
}

/* which action each option belongs to */
static const struct {
	const char *name;
	enum action action;
	int any_of_two;			/* --mode belongs to file and single-contact */
} option_owner[] = {
	{ "message", ACTION_BLOCK, 0 },
	{ "mode", ACTION_FILE, 1 },
	{ "mailbox", ACTION_FILE, 0 },
	{ "contact", ACTION_SINGLE_CONTACT, 0 },
	{ "limit", ACTION_LIMIT, 0 },
	{ "over", ACTION_LIMIT, 0 },
	{ "copy-to", ACTION_MONITOR, 0 },
};
#define OPTION_COUNT (sizeof(option_owner) / sizeof(option_owner[0]))

int action_opts_is_option(const char *name)
{
	size_t i;

	for (i = 0; i < OPTION_COUNT; i++)
		if (strcmp(option_owner[i].name, name) == 0)
			return 1;
	return 0;
}

/* option_belongs - may this option be given with this action? */
static int option_belongs(const char *name, enum action a)
{
	size_t i;

	for (i = 0; i < OPTION_COUNT; i++) {
		if (strcmp(option_owner[i].name, name) != 0)
			continue;
		if (option_owner[i].action == a)
			return 1;
		return option_owner[i].any_of_two && a == ACTION_SINGLE_CONTACT;
	}
	return 0;
}

/* check_target_address - a mailbox given on the command line: plain addr-spec */
static int check_target_address(const char *opt, const char *v, char *err, size_t errlen)
{
	const char *at = strrchr(v, '@');
	const char *p;

	for (p = v; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '<' || *p == '>' || *p == ',')
			break;
	if (*p || at == NULL || at == v || at[1] == '\0' || strlen(v) > 320) {
		snprintf(err, errlen, "--%s: not a plain mail address: \"%.80s\"", opt, v);
		return -1;
	}
	return 0;
}

/* parse_limit - "N/PERIOD" with N >= 1 */
static int parse_limit(struct action_opts *o, const char *v, char *err, size_t errlen)
{
	char *end;
	unsigned long n;
	long long period;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (end == v || *end != '/' || errno || n == 0 || n > 1000000 || v[0] == '-'
	    || period_parse(end + 1, &period) != 0) {
		snprintf(err, errlen, "--limit: expected N/PERIOD such as 1/7d, got \"%.80s\"", v);
		return -1;
	}
	o->limit_count = (unsigned)n;
	o->limit_period = period;
	return 0;
}

/* set_enum - match value against words; store the index */
static int set_enum(int *dst, const char *opt, const char *v, const char *const *words,
		    size_t n, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v, words[i]) == 0) {
			*dst = (int)i;
			return 0;
		}
	snprintf(err, errlen, "--%s: unknown value \"%.80s\"", opt, v);
	return -1;
}

int action_opts_set(struct action_opts *o, const char *name, const char *value,
		    char *err, size_t errlen)
{
	static const char *const file_modes[] = { "tag", "redirect" };
	static const char *const contact_modes[] = { "redirect", "reject" };
	int v;

	if (!action_opts_is_option(name)) {
		snprintf(err, errlen, "unknown action option --%s", name);
		return -1;
	}
	if (!option_belongs(name, o->action)) {
		snprintf(err, errlen, "--%s does not belong to action %s", name, action_name(o->action));
		return -1;
	}
	if (strcmp(name, "message") == 0) {
		if (reply_text_check(value, err, errlen) != 0)
			return -1;
		free(o->message);
		o->message = xstrdup(value);
	} else if (strcmp(name, "mode") == 0 && o->action == ACTION_FILE) {
		if (set_enum(&v, name, value, file_modes, 2, err, errlen) != 0)
			return -1;
		o->file_mode = (enum file_mode)v;
	} else if (strcmp(name, "mode") == 0) {
		if (set_enum(&v, name, value, contact_modes, 2, err, errlen) != 0)
			return -1;
		o->contact_mode = (enum contact_mode)v;
	} else if (strcmp(name, "limit") == 0) {
		return parse_limit(o, value, err, errlen);
	} else if (strcmp(name, "over") == 0) {
		if (set_enum(&v, name, value, over_names, 4, err, errlen) != 0)
			return -1;
		o->over = (enum over_action)v;
	} else {
		char **slot = strcmp(name, "mailbox") == 0 ? &o->mailbox
			    : strcmp(name, "contact") == 0 ? &o->contact : &o->copy_to;
		if (check_target_address(name, value, err, errlen) != 0)
			return -1;
		free(*slot);
		*slot = xstrdup(value);
	}
	return 0;
}

int action_opts_check(const struct action_opts *o, long long max_tempfail_period,
		      char *err, size_t errlen)
{
	char p1[32], p2[32];

	if (o->action == ACTION_SINGLE_CONTACT && o->contact == NULL) {
		snprintf(err, errlen, "action single-contact needs --contact ADDR");
		return -1;
	}
	if (o->action == ACTION_LIMIT && o->limit_count == 0) {
		snprintf(err, errlen, "action limit needs --limit N/PERIOD");
		return -1;
	}
	if (o->action == ACTION_LIMIT && o->over == OVER_TEMPFAIL
	    && o->limit_period > max_tempfail_period) {
		snprintf(err, errlen, "--over tempfail with a period of %s exceeds MaxTempfailPeriod %s:"
			 " the sending server would give up and bounce",
			 period_format(o->limit_period, p1, sizeof(p1)),
			 period_format(max_tempfail_period, p2, sizeof(p2)));
		return -1;
	}
	return 0;
}

char *action_opts_describe(const struct action_opts *o)
{
	struct buf b;
	char p[32];

	buf_init(&b);
	switch (o->action) {
	case ACTION_BLOCK:
		if (o->message)
			buf_printf(&b, "--message \"%s\"", o->message);
		break;
	case ACTION_FILE:
		buf_printf(&b, "--mode %s", file_mode_name(o->file_mode));
		if (o->mailbox)
			buf_printf(&b, " --mailbox %s", o->mailbox);
		break;
	case ACTION_SINGLE_CONTACT:
		buf_printf(&b, "--contact %s --mode %s", o->contact ? o->contact : "?",
			   contact_mode_name(o->contact_mode));
		break;
	case ACTION_LIMIT:
		buf_printf(&b, "--limit %u/%s --over %s", o->limit_count,
			   period_format(o->limit_period, p, sizeof(p)), over_name(o->over));
		break;
	case ACTION_MONITOR:
		if (o->copy_to)
			buf_printf(&b, "--copy-to %s", o->copy_to);
		break;
	case ACTION_WATCH:
		break;
	}
	return buf_take(&b);
}

int reply_text_check(const char *text, char *err, size_t errlen)
{
	size_t i, len = strlen(text), sent = len;

	if (len == 0) {
		snprintf(err, errlen, "reject text is empty");
		return -1;
	}
	for (i = 0; i < len; i++)	/* each '%' goes to libmilter doubled */
		sent += text[i] == '%';
	if (sent > REPLY_TEXT_MAX) {
		snprintf(err, errlen, "reject text is %zu octets%s; at most %d allowed", sent,
			 sent > len ? " once '%' is doubled" : "", REPLY_TEXT_MAX);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\r' || c == '\n') {
			snprintf(err, errlen, "reject text contains a line break at octet %zu", i);
			return -1;
		}
		if (c < 0x20 || c > 0x7e) {
			snprintf(err, errlen, "reject text must be printable ASCII: octet %zu is 0x%02x", i, c);
			return -1;
		}
	}
	return 0;
}

char *reply_text_escape(const char *text)
{
	struct buf b;

	buf_init(&b);
	for (; *text; text++) {
		if (*text == '%')
			buf_putc(&b, '%');
		buf_putc(&b, *text);
	}
	return buf_take(&b);
}

void restriction_clear(struct restriction *r)
{
	action_opts_clear(&r->opts);
	free(r->case_ref);
	r->case_ref = NULL;
}

void restriction_copy(struct restriction *dst, const struct restriction *src)
{
	*dst = *src;
	action_opts_copy(&dst->opts, &src->opts);
	dst->case_ref = dup_or_null(src->case_ref);
}

int restriction_in_force(const struct restriction *r, time_t now)
{
	return r->starts <= now && (r->ends == 0 || now < r->ends);
}
