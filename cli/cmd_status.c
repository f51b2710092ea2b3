/*
 * cmd_status.c - `restrictctl status`: is the milter running, and what the
 * database holds: restrictions by status, reviews overdue and due soon,
 * missing notices, open disputes, users, selectors, flags, events, audit
 * rows, and the sizes of the database and its WAL.
 *
 * Read-only. "Running" means the milter's heartbeat (written by its event
 * thread every STORE_HEARTBEAT_SECS, never bumping the generation) is
 * recent; a clean stop is recorded too. Exit status 0 whatever the state,
 * so scripts read the state from --json (doc/json/status.schema.json).
 */
#include "cli.h"
#include "buf.h"
#include "store_events.h"
#include "store_status.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* a heartbeat older than this means the milter is not responding */
#define STATUS_STALE_SECS (3 * STORE_HEARTBEAT_SECS)
/* "due soon" for reviews */
#define STATUS_SOON_SECS (30 * 86400LL)

struct file_sizes {
	long long db, wal, shm;		/* -1 = absent */
};

/* file_size - st_size, or -1 when the file is absent */
static long long file_size(const char *path, const char *suffix)
{
	struct buf p;
	struct stat sb;
	long long n;

	buf_init(&p);
	buf_printf(&p, "%s%s", path, suffix);
	n = stat(buf_cstr(&p), &sb) == 0 ? (long long)sb.st_size : -1;
	buf_free(&p);
	return n;
}

/* milter_state - running, stopped, stale or unknown */
static const char *milter_state(const struct store_status *s, time_t now)
{
	if (s->milter_seen == 0)
		return "unknown";
	if (s->milter_stopped != 0 && s->milter_stopped >= s->milter_started)
		return "stopped";
	if (now - s->milter_seen <= STATUS_STALE_SECS)
		return "running";
	return "stale";
}

/* optional - a count, or null for -1 ("not recorded by this database") */
static json_t *optional(long long n)
{
	return n < 0 ? json_null() : json_integer(n);
}

/* status_json - the whole report as status.schema.json says */
static json_t *status_json(const struct store_status *s, const struct file_sizes *z,
			   const char *path, time_t now)
{
	json_t *m = json_object(), *d = json_object(), *r = json_object(), *v = json_object();
	json_t *e = json_object(), *o = json_object(), *f = json_null();

	json_object_set_new(m, "state", json_string(milter_state(s, now)));
	json_object_set_new(m, "last_seen", json_time(s->milter_seen));
	json_object_set_new(m, "started", json_time(s->milter_started));
	json_object_set_new(m, "stopped", json_time(s->milter_stopped));
	json_object_set_new(m, "pid", s->milter_pid ? json_integer(s->milter_pid) : json_null());
	json_object_set_new(m, "version", json_str(s->milter_version));
	json_object_set_new(m, "newest_event", json_time(s->events_newest));
	json_object_set_new(d, "path", json_str(path));
	json_object_set_new(d, "schema_version", json_integer(s->schema_version));
	json_object_set_new(d, "generation", json_integer((json_int_t)s->generation));
	json_object_set_new(d, "size_bytes", optional(z->db));
	json_object_set_new(d, "wal_bytes", optional(z->wal));
	json_object_set_new(d, "shm_bytes", optional(z->shm));
	json_object_set_new(r, "active", json_integer(s->active));
	json_object_set_new(r, "trial", json_integer(s->trial));
	json_object_set_new(r, "proposed", json_integer(s->proposed));
	json_object_set_new(r, "lifted", json_integer(s->lifted));
	json_object_set_new(r, "expired", json_integer(s->expired));
	json_object_set_new(v, "overdue", json_integer(s->overdue_reviews));
	json_object_set_new(v, "due_30d", json_integer(s->reviews_due_soon));
	if (s->flags_open >= 0 && s->flags_escalated >= 0) {
		f = json_object();
		json_object_set_new(f, "open", json_integer(s->flags_open));
		json_object_set_new(f, "escalated", json_integer(s->flags_escalated));
	}
	json_object_set_new(e, "total", json_integer(s->events));
	json_object_set_new(e, "last_24h", json_integer(s->events_day));
	json_object_set_new(e, "last_7d", json_integer(s->events_week));
	json_object_set_new(e, "refused_7d", json_integer(s->refused_week));
	json_object_set_new(e, "held_7d", json_integer(s->held_week));
	json_object_set_new(e, "oldest", json_time(s->events_oldest));
	json_object_set_new(e, "newest", json_time(s->events_newest));
	json_object_set_new(o, "milter", m);
	json_object_set_new(o, "database", d);
	json_object_set_new(o, "restrictions", r);
	json_object_set_new(o, "reviews", v);
	json_object_set_new(o, "not_notified", json_integer(s->not_notified));
	json_object_set_new(o, "disputes_open", optional(s->disputes_open));
	json_object_set_new(o, "users", json_integer(s->users));
	json_object_set_new(o, "anonymised", optional(s->anonymised));
	json_object_set_new(o, "selectors", json_integer(s->selectors));
	json_object_set_new(o, "flags", f);
	json_object_set_new(o, "events", e);
	json_object_set_new(o, "audit_rows", json_integer(s->audit_rows));
	return o;
}

/* human_size - "1.2 MiB" into out (>= 32) */
static const char *human_size(long long n, char *out, size_t len)
{
	if (n < 0)
		snprintf(out, len, "absent");
	else if (n < 1024)
		snprintf(out, len, "%lld B", n);
	else if (n < 1024 * 1024)
		snprintf(out, len, "%.1f KiB", n / 1024.0);
	else
		snprintf(out, len, "%.1f MiB", n / (1024.0 * 1024.0));
	return out;
}

/* print_milter - the milter line */
static void print_milter(const struct store_status *s, time_t now)
{
	const char *state = milter_state(s, now);
	char a[32], b[32];

	if (strcmp(state, "unknown") == 0) {
		printf("milter: never seen (no heartbeat in this database)\n");
		return;
	}
	if (strcmp(state, "stopped") == 0)
		printf("milter: stopped %s (pid %ld)", fmt_local(s->milter_stopped, a, sizeof(a)),
		       s->milter_pid);
	else if (strcmp(state, "running") == 0)
		printf("milter: running, pid %ld, since %s, last seen %lld s ago", s->milter_pid,
		       fmt_local(s->milter_started, a, sizeof(a)), (long long)(now - s->milter_seen));
	else
		printf("milter: NOT RESPONDING: last seen %s, %lld min ago (pid %ld)",
		       fmt_local(s->milter_seen, a, sizeof(a)),
		       (long long)(now - s->milter_seen) / 60, s->milter_pid);
	printf("; newest event %s\n", fmt_local(s->events_newest, b, sizeof(b)));
	print_field(stdout, "milter version", s->milter_version);
}

/* print_status - the report for people */
static void print_status(const struct store_status *s, const struct file_sizes *z,
			 const char *path, time_t now)
{
	char a[32], b[32], c[32];

	print_milter(s, now);
	print_field(stdout, "database", path);
	printf("  schema %d, generation %llu; %s, WAL %s, shared memory %s\n", s->schema_version,
	       (unsigned long long)s->generation, human_size(z->db, a, sizeof(a)),
	       human_size(z->wal, b, sizeof(b)), human_size(z->shm, c, sizeof(c)));
	printf("restrictions: %lld active (%lld trial), %lld proposed, %lld lifted, %lld expired\n",
	       s->active, s->trial, s->proposed, s->lifted, s->expired);
	printf("reviews: %lld overdue, %lld due within 30 days\n", s->overdue_reviews,
	       s->reviews_due_soon);
	printf("written notice missing: %lld active restriction%s\n", s->not_notified,
	       s->not_notified == 1 ? "" : "s");
	if (s->disputes_open >= 0)
		printf("disputes open: %lld\n", s->disputes_open);
	printf("users: %lld", s->users);
	if (s->anonymised > 0)
		printf(" (%lld anonymised)", s->anonymised);
	printf(", selectors: %lld\n", s->selectors);
	if (s->flags_open >= 0 && s->flags_escalated >= 0)
		printf("flags: %lld open, %lld escalated\n", s->flags_open, s->flags_escalated);
	else
		printf("flags: not recorded by this database\n");
	printf("events: %lld (%lld in the last 24 h; last 7 days: %lld, %lld refused, %lld held)",
	       s->events, s->events_day, s->events_week, s->refused_week, s->held_week);
	if (s->events > 0)
		printf(", %s to %s", fmt_local(s->events_oldest, a, sizeof(a)),
		       fmt_local(s->events_newest, b, sizeof(b)));
	printf("\naudit rows: %lld\n", s->audit_rows);
}

int cmd_status(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = { { "json", ARG_FLAG }, { NULL, ARG_FLAG } };
	struct store_status s;
	struct file_sizes z;
	struct store *st = NULL;
	struct args a;
	char err[1024];
	int rc;

	memset(&s, 0, sizeof(s));
	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "status: %s", err);
	if (a.npos)
		rc = cli_fail(EXIT_USAGE, "status: unexpected argument \"%.100s\"", a.pos[0]);
	else if (cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if ((rc = cli_open(c, 0, &st)) == 0) {
		if (store_status_read(st, c->now, STATUS_SOON_SECS, &s, err, sizeof(err)) != 0) {
			rc = cli_fail(EXIT_STATE, "%s", err);
		} else {
			z.db = file_size(cli_db_path(c), "");
			z.wal = file_size(cli_db_path(c), "-wal");
			z.shm = file_size(cli_db_path(c), "-shm");
			if (args_flag(&a, "json"))
				rc = json_print(status_json(&s, &z, cli_db_path(c), c->now)) ? EXIT_STATE : 0;
			else
				print_status(&s, &z, cli_db_path(c), c->now);
		}
	}
	store_status_clear(&s);
	store_close(st);
	args_free(&a);
	return rc;
}
