/*
 * cli.h - what restrictctl's command files share: the run context, exit
 * statuses, the option parser, output helpers and the command entry points.
 *
 * Exit status: 0 success; 2 usage errors visible from the arguments alone;
 * 1 errors that need state (database, unknown id, config). Every failure is
 * one line on stderr, "restrictctl: what: why".
 */
#ifndef RM_CLI_H
#define RM_CLI_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>
#include "config.h"
#include "policy.h"
#include "store.h"
#include "strlist.h"

#define EXIT_USAGE 2
#define EXIT_STATE 1

struct cli {
	const char *config_path;	/* -c, NULL = the default file if present */
	const char *db_path;		/* -d, NULL = Database from the config */
	char *command_text;		/* the command line, shell-quoted, for the audit */
	struct config *cfg;		/* loaded by cli_config */
	time_t now;			/* clock_now() at start */
};

/* ---- args.c: getopt_long over a per-command table ---- */

enum arg_kind { ARG_FLAG, ARG_VALUE, ARG_MULTI };

struct arg_spec {
	const char *name;		/* long option name without dashes; one letter = -X */
	enum arg_kind kind;
};

struct arg_value {
	const char *name;		/* the spec's name */
	const char *value;		/* borrowed from argv; NULL for flags */
};

struct args {
	struct arg_value *v;		/* options in the order given */
	size_t n;
	const char **pos;		/* positional arguments */
	size_t npos;
};

/*
 * args_parse - parse argv[1..] (argv[0] is the command) against spec plus
 * -c FILE and -d DB, which update c. Options may follow positionals.
 * Returns 0, or -1 with err ("unknown option --x").
 */
int args_parse(struct cli *c, const struct arg_spec *spec, int argc, char **argv,
	       struct args *a, char *err, size_t errlen);
void args_free(struct args *a);
const char *args_get(const struct args *a, const char *name);	/* NULL when absent */
int args_flag(const struct args *a, const char *name);
/* args_id - parse a positive integer id; 0 or -1 */
int args_id(const char *text, long long *id);

/* ---- common.c: errors, config, store, changes ---- */

/* cli_fail - print "restrictctl: ..." on stderr and return status */
int cli_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_command_text - argv shell-quoted into one line (new string) */
char *cli_command_text(int argc, char **argv);
/* cli_config - load -c FILE or the default (built-in defaults if absent) */
int cli_config(struct cli *c, char *err, size_t errlen);
const char *cli_db_path(const struct cli *c);
/* cli_open - open the store read-only or for writing; prints and returns status */
int cli_open(struct cli *c, int write, struct store **st);
/* cli_name_authorised - is name one of Authorisers (or is the list empty)? */
int cli_name_authorised(const struct cli *c, const char *name);
/*
 * cli_expire - inside a write transaction: every active restriction whose
 * end has passed becomes expired, with a history and an audit row each.
 * Returns how many, or -1 with err.
 */
int cli_expire(struct cli *c, struct store *st, char *err, size_t errlen);
/* cli_os_user - SUDO_USER when set, else the login name behind getuid() (new) */
char *cli_os_user(void);
/* cli_name_eq - the same name, ignoring case and surrounding blanks */
int cli_name_eq(const char *a, const char *b);
/*
 * a change: cli_change_open opens the store for writing, begins the write
 * transaction and records due expiries; cli_change_close commits when rc
 * is 0 (and logs the new audit head to syslog), else rolls back; it closes
 * the store and returns the final status. Both print their errors.
 */
int cli_change_open(struct cli *c, struct store **st);
int cli_change_close(struct cli *c, struct store *st, int rc);
/* cli_log_head - after a commit: the new audit head hash to syslog */
void cli_log_head(struct cli *c, struct store *st);
/* cli_load_restriction - 0 found; else prints "CMD: unknown restriction ID", returns 1 */
int cli_load_restriction(struct store *st, const char *cmd, long long id,
			 struct store_restriction *sr);
/* cli_audit - this command's audit row, linked to user_id (0 = none); prints errors */
int cli_audit(struct cli *c, struct store *st, const char *before, const char *after,
	      long long user_id);
/*
 * cli_step - after changing restriction id: its history row (kind, by,
 * notes, before and the restriction as it is now) and, when audit, the
 * command's audit row. Prints errors; returns the status.
 */
int cli_step(struct cli *c, struct store *st, long long id, const char *before,
	     const char *kind, const char *by, const char *notes, int audit);

/* cli_audit_restriction - the audit row: before, and restriction id as it is now */
int cli_audit_restriction(struct cli *c, struct store *st, long long id, const char *before);
/*
 * lift_write - lift an active restriction with its history row (and the
 * command's audit row when audit); prints errors, returns the status
 */
int lift_write(struct cli *c, struct store *st, long long id, const char *by,
	       const char *reason, int audit);

/* the criteria of policy 5.6 a request confirms (`propose --criteria`) */
#define CRITERIA_COUNT 6
#define CRITERIA_ALL "handled,decision-right,communication-adequate," \
	"misunderstandings-addressed,access-considered,advice-signposted"
/*
 * criteria_merge - the union of two comma lists (either may be NULL) in
 * the policy's order (*canon, NULL when none) and, when missing is not
 * NULL, those still unconfirmed (", "-separated, NULL when none). -1 + err
 * on an unknown name.
 */
int criteria_merge(const char *stored, const char *given, char **canon, char **missing,
		   char *err, size_t errlen);

/* ---- json.c: JSON shapes shared by outputs and audit rows ---- */

/* json_time - UTC "…Z" string, or null for 0 */
json_t *json_time(time_t t);
json_t *json_str(const char *s);	/* string or null */
/*
 * json_restriction - one restriction as list/show print it; with now = 0
 * the status is the stored one (no "expired" computed from the clock)
 */
json_t *json_restriction(const struct store_restriction *sr, time_t now);
/* json_restriction_stored - as stored: stored status, nothing clock-derived */
json_t *json_restriction_stored(const struct store_restriction *sr);
/* json_restriction_text - as stored, compact, for history and audit rows (new) */
char *json_restriction_text(const struct store_restriction *sr);
/* json_disputes - the disputes of restriction rid (0 = all of them) */
json_t *json_disputes(const struct store_dispute *d, size_t n, long long rid);
/* json_audit_row - one audit row, before/after parsed back (cmd_audit.c) */
json_t *json_audit_row(const struct store_audit_row *r);
/* json_print - pretty-print to stdout with a final newline; steals j */
int json_print(json_t *j);
/* display_status - "expired" for an active restriction past its end (now != 0) */
const char *display_status(const struct store_restriction *sr, time_t now);
int restriction_overdue(const struct store_restriction *sr, time_t now);

/* ---- output.c: plain-text tables ---- */

struct table {
	size_t ncols;
	struct strlist cells;		/* row-major, header row first */
};

void table_init(struct table *t, size_t ncols, const char *const *headers);
/* table_add - the next cell; NULL prints as "-", control bytes as '?' */
void table_add(struct table *t, const char *cell);
void table_addf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void table_print(struct table *t, FILE *out);	/* and frees it */
/* print_field - "label: value" with control bytes replaced */
void print_field(FILE *out, const char *label, const char *value);
/* fmt_local - local "2026-11-27 09:00" into buf (>= 32), or "-" for 0 */
const char *fmt_local(time_t t, char *buf, size_t len);

/* ---- guard.c: the selector guard ---- */

/*
 * guard_check - refuse a selector that would match a staff domain or an
 * exempt, filing, monitor, contact, mailbox or copy address. 0 or -1 + err.
 */
int guard_check(const struct selector *s, const char *text, const struct policy *pol,
		const struct action_opts *o, char *err, size_t errlen);

/* ---- csv.c: what import reads ---- */

struct csv {
	FILE *f;
	long next_line;			/* the line the next record starts on */
	int started;
};

void csv_init(struct csv *r, FILE *f);
/*
 * csv_read - the next RFC 4180 record into fields (cleared first) and the
 * line it starts on: 1 read, 0 end of file, -1 with err
 */
int csv_read(struct csv *r, struct strlist *fields, long *line, char *err, size_t errlen);
/*
 * shell_split - words as a POSIX shell splits them, with quote removal
 * and no expansion of any kind ($, `, *, ~ stay as written); -1 with err
 */
int shell_split(const char *s, struct strlist *words, char *err, size_t errlen);

/* ---- commands ---- */

int cmd_init(struct cli *c, int argc, char **argv);
int cmd_add(struct cli *c, int argc, char **argv);
int cmd_propose(struct cli *c, int argc, char **argv);
int cmd_approve(struct cli *c, int argc, char **argv);
int cmd_notified(struct cli *c, int argc, char **argv);
int cmd_vary(struct cli *c, int argc, char **argv);
int cmd_lift(struct cli *c, int argc, char **argv);
int cmd_review(struct cli *c, int argc, char **argv);
int cmd_dispute(struct cli *c, int argc, char **argv);
int cmd_selector(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_purge(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_users(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_events(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);
int cmd_flags(struct cli *c, int argc, char **argv);
int cmd_flag(struct cli *c, int argc, char **argv);
int cmd_digest(struct cli *c, int argc, char **argv);
/*
 * flag_cite - inside a write transaction: restriction rid (0: only check)
 * cites flag_id, which becomes cited. strict: refuse an unknown flag or
 * one that is not open or escalated; else only an unknown one. Prints
 * errors, returns the status.
 */
int flag_cite(struct store *st, long long flag_id, long long rid, time_t now, const char *by,
	      int strict);

#endif
