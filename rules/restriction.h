/*
 * restriction.h - what a restriction is: an action with its options, as the
 * decision engine, the store and the CLI all understand it.
 *
 * Option parsing and checking live here so that `add`, `propose`, `vary` and
 * `import` refuse exactly the same things (options foreign to the action,
 * bad reply texts, a tempfail period the sending server would not wait for).
 */
#ifndef RM_RESTRICTION_H
#define RM_RESTRICTION_H

#include <stddef.h>
#include <time.h>

enum action {
	ACTION_BLOCK,
	ACTION_FILE,
	ACTION_SINGLE_CONTACT,
	ACTION_LIMIT,
	ACTION_MONITOR,
	ACTION_WATCH,
};
#define ACTION_COUNT 6

enum file_mode { FILE_MODE_TAG, FILE_MODE_REDIRECT };
enum contact_mode { CONTACT_MODE_REDIRECT, CONTACT_MODE_REJECT };
enum over_action { OVER_FILE, OVER_HOLD, OVER_REJECT, OVER_TEMPFAIL };

enum restriction_status {
	STATUS_PROPOSED,
	STATUS_ACTIVE,
	STATUS_LIFTED,
	STATUS_EXPIRED,
};

/* the action and the options that belong to it; strings owned, NULL = unset */
struct action_opts {
	enum action action;
	char *message;			/* block --message */
	enum file_mode file_mode;	/* file --mode */
	char *mailbox;			/* file --mailbox */
	char *contact;			/* single-contact --contact */
	enum contact_mode contact_mode;	/* single-contact --mode */
	unsigned limit_count;		/* limit --limit N/PERIOD */
	long long limit_period;		/* seconds */
	enum over_action over;		/* limit --over */
	char *copy_to;			/* monitor --copy-to */
};

/* a restriction as the decision engine sees it */
struct restriction {
	long long id;
	long long user_id;
	struct action_opts opts;
	int trial;
	char *case_ref;			/* shown only with HeaderDetail full */
	time_t starts;
	time_t ends;			/* 0 = open-ended */
};

#define REPLY_TEXT_MAX 900

const char *action_name(enum action a);
int action_parse(const char *name, enum action *out);	/* 0 or -1 */
const char *file_mode_name(enum file_mode m);
const char *contact_mode_name(enum contact_mode m);
const char *over_name(enum over_action o);
const char *status_name(enum restriction_status s);
int status_parse(const char *name, enum restriction_status *out);

/* action_opts_init - defaults for an action (file tag, redirect, over file) */
void action_opts_init(struct action_opts *o, enum action a);
void action_opts_clear(struct action_opts *o);
void action_opts_copy(struct action_opts *dst, const struct action_opts *src);

/*
 * action_opts_set - apply one option by its CLI name without dashes
 * ("message", "mode", "mailbox", "contact", "limit", "over", "copy-to").
 * Refuses options that do not belong to o->action and bad values.
 * Returns 0, or -1 with one line in err.
 */
int action_opts_set(struct action_opts *o, const char *name, const char *value,
		    char *err, size_t errlen);
/* action_opts_is_option - is name one of the action option names above? */
int action_opts_is_option(const char *name);
/*
 * action_opts_check - the options as a whole: required ones present
 * (--contact, --limit), tempfail period within max_tempfail_period.
 */
int action_opts_check(const struct action_opts *o, long long max_tempfail_period,
		      char *err, size_t errlen);
/*
 * action_opts_describe - a short human text of the options, e.g.
 * "--mode redirect --mailbox records@x" (new string)
 */
char *action_opts_describe(const struct action_opts *o);

/*
 * reply_text_check - a reject text as SPEC requires it: printable ASCII,
 * at most REPLY_TEXT_MAX octets as libmilter gets it ('%' doubled, so it
 * stays within libmilter's 980), no CR/LF. Returns 0 or -1 with err.
 */
int reply_text_check(const char *text, char *err, size_t errlen);
/* reply_text_escape - double every '%' for smfi_setreply (new string) */
char *reply_text_escape(const char *text);

void restriction_clear(struct restriction *r);
void restriction_copy(struct restriction *dst, const struct restriction *src);
/* restriction_in_force - starts <= now < ends (or no end) */
int restriction_in_force(const struct restriction *r, time_t now);

#endif
