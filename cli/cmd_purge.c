/*
 * cmd_purge.c - `restrictctl purge [--dry-run]`: the retention schedule.
 * Events of restricted or flagged people go after EventRetention, everyone
 * else's after UnflaggedRetention; a person with nothing proposed or active
 * and nothing recorded for RecordRetention is anonymised; audit rows older
 * than RecordRetention go, oldest first.
 *
 * The audit chain is never rewritten: purge's own audit row is a checkpoint
 * recording the head and row count before it and the first row left, so
 * `audit --verify` can vouch for that row's link (store_chain.c). A dry run
 * does everything in the transaction, reports, and rolls it back.
 */
#include "cli.h"
#include "strlist.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct purge_run {
	struct store_purge p;
	long long *users;		/* anonymised */
	size_t nusers;
	long long rows_before;		/* audit rows before purge */
	char head_before[STORE_HASH_LEN + 1];
	long long first_id;		/* the first audit row left */
	char first_prev[STORE_HASH_LEN + 1];
	long long checkpoint;		/* purge's own audit row */
};

/* checkpoint_json - purge's audit row: the checkpoint and what went (new string) */
static char *checkpoint_json(const struct purge_run *r)
{
	json_t *j = json_object(), *cp = json_object(), *first = json_object();
	json_t *users = json_array(), *ev = json_object();
	char *s;
	size_t i;

	json_object_set_new(first, "id", json_integer(r->first_id));
	json_object_set_new(first, "prev_hash", json_string(r->first_prev));
	json_object_set_new(cp, "head", r->rows_before ? json_string(r->head_before) : json_null());
	json_object_set_new(cp, "rows", json_integer(r->rows_before));
	json_object_set_new(cp, "first", first);
	json_object_set_new(j, "checkpoint", cp);
	json_object_set_new(ev, "restricted_or_flagged", json_integer(r->p.events_restricted));
	json_object_set_new(ev, "other", json_integer(r->p.events_other));
	json_object_set_new(j, "events_deleted", ev);
	for (i = 0; i < r->nusers; i++)
		json_array_append_new(users, json_integer(r->users[i]));
	json_object_set_new(j, "users_anonymised", users);
	json_object_set_new(j, "audit_deleted", json_integer(r->p.audit_deleted));
	json_object_set_new(j, "audit_deleted_through", json_integer(r->p.audit_through));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		abort();	/* only out of memory */
	return s;
}

/* purge_write - events, people, old audit rows, then the checkpoint row */
static int purge_write(struct cli *c, struct store *st, struct purge_run *r)
{
	char err[1024], *after, last_hash[STORE_HASH_LEN + 1];
	long long last, count;
	size_t i;
	int rc;

	if (store_audit_ends(st, &r->first_id, r->first_prev, &last, r->head_before,
			     &r->rows_before, err, sizeof(err)) < 0
	    || store_purge_events(st, &r->p, err, sizeof(err)) != 0
	    || store_purge_due_users(st, &r->p, &r->users, &r->nusers, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	for (i = 0; i < r->nusers; i++)
		if (store_user_anonymise(st, r->users[i], c->now, err, sizeof(err)) != 0)
			return cli_fail(EXIT_STATE, "%s", err);
	if (store_audit_prune(st, &r->p, err, sizeof(err)) != 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (r->rows_before
	    && store_audit_ends(st, &r->first_id, r->first_prev, &last, last_hash, &count,
				err, sizeof(err)) < 0)
		return cli_fail(EXIT_STATE, "%s", err);
	after = checkpoint_json(r);
	rc = cli_audit(c, st, NULL, after, 0);
	free(after);
	r->checkpoint = store_audit_written(st, NULL);
	return rc;
}

/* ids_text - "3, 5, 8" (new string) */
static char *ids_text(const long long *v, size_t n)
{
	struct strlist l = STRLIST_INIT;
	char num[32], *s;
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%lld", v[i]);
		strlist_add(&l, num);
	}
	s = strlist_join(&l, ", ");
	strlist_free(&l);
	return s;
}

/* report - what went (or would go) */
static void report(const struct purge_run *r, int dry)
{
	const char *w = dry ? "would delete" : "deleted";
	char a[32], b[32], *ids = ids_text(r->users, r->nusers);

	printf("events: %s %lld of restricted or flagged people (before %s) and %lld others"
	       " (before %s)\n", w, r->p.events_restricted,
	       time_format_local_date(r->p.event_cutoff, a, sizeof(a)), r->p.events_other,
	       time_format_local_date(r->p.unflagged_cutoff, b, sizeof(b)));
	printf("people: %s %zu (idle since before %s)%s%s\n", dry ? "would anonymise"
	       : "anonymised", r->nusers, time_format_local_date(r->p.record_cutoff, a, sizeof(a)),
	       r->nusers ? ": users " : "", ids);
	if (r->p.audit_deleted)
		printf("audit: %s %lld rows (through row %lld); the checkpoint vouches for row"
		       " %lld\n", w, r->p.audit_deleted, r->p.audit_through, r->first_id);
	else
		printf("audit: %s 0 rows\n", w);
	if (dry)
		printf("dry run: nothing changed\n");
	else
		printf("checkpoint: audit row %lld\n", r->checkpoint);
	free(ids);
}

int cmd_purge(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = { { "dry-run", ARG_FLAG }, { NULL, ARG_FLAG } };
	struct purge_run r;
	struct store *st;
	struct args a;
	char err[1024];
	int rc, dry;

	memset(&r, 0, sizeof(r));
	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "purge: %s", err);
	dry = args_flag(&a, "dry-run");
	if (a.npos)
		rc = cli_fail(EXIT_USAGE, "purge: unexpected argument \"%.100s\"", a.pos[0]);
	else if (cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else
		rc = cli_change_open(c, &st);
	if (rc == 0) {
		r.p.now = c->now;
		r.p.event_cutoff = c->now - (time_t)c->cfg->event_retention;
		r.p.unflagged_cutoff = c->now - (time_t)c->cfg->unflagged_retention;
		r.p.record_cutoff = c->now - (time_t)c->cfg->record_retention;
		rc = purge_write(c, st, &r);
		if (dry && rc == 0) {
			store_rollback(st);
			store_close(st);
		} else {
			rc = cli_change_close(c, st, rc);
		}
		if (rc == 0)
			report(&r, dry);
	}
	free(r.users);
	args_free(&a);
	return rc;
}
