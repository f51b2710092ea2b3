/*
 * cmd_digest.c - `restrictctl digest`: the weekly digest for Heads of
 * Department, printed as text, HTML or a MIME message, or sent (--send)
 * through SendmailCommand to DigestRecipients or --to.
 *
 * The period runs from the end of the last digest sent (or --since; 7 days
 * before the end when none was ever sent) to now (or --until; a bare date
 * means the end of that day). A send is recorded, with its audit row, only
 * after sendmail accepted the message, so the next digest starts where
 * this one ended: a catch-up run neither repeats nor skips. Exit status 1
 * when sendmail fails, there is no recipient or the period was already
 * sent; nothing is recorded then.
 */
#include "cli.h"
#include "digest_model.h"
#include "store_digest.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST_DEFAULT_SECS (7 * 86400LL)

enum digest_format { FORMAT_NONE, FORMAT_TEXT, FORMAT_HTML, FORMAT_MIME };

struct digest_opts {
	time_t since, until;		/* 0 = not given */
	enum digest_format format;
	int send;
	struct strlist to;		/* --to, else DigestRecipients */
};

/* parse_opts - the options; prints and returns EXIT_USAGE on a bad one */
static int parse_opts(const struct args *a, time_t now, struct digest_opts *o)
{
	const char *v;
	int bare;
	size_t i;

	memset(o, 0, sizeof(*o));
	if (a->npos)
		return cli_fail(EXIT_USAGE, "digest: unexpected argument \"%.100s\"", a->pos[0]);
	if ((v = args_get(a, "since")) && date_parse(v, &o->since, NULL) != 0)
		return cli_fail(EXIT_USAGE, "digest: bad --since \"%.80s\": expected a date"
				" (2026-11-27 or 2026-11-27T09:00)", v);
	if ((v = args_get(a, "until"))) {
		if (date_parse(v, &o->until, &bare) != 0)
			return cli_fail(EXIT_USAGE, "digest: bad --until \"%.80s\": expected a date"
					" (2026-11-27 or 2026-11-27T09:00)", v);
		if (bare)
			o->until = date_next_midnight(o->until);
	}
	if (o->since && o->since >= (o->until ? o->until : now))
		return cli_fail(EXIT_USAGE, "digest: --since must be before %s",
				o->until ? "--until" : "now");
	if ((v = args_get(a, "format"))) {
		if (strcmp(v, "text") == 0)
			o->format = FORMAT_TEXT;
		else if (strcmp(v, "html") == 0)
			o->format = FORMAT_HTML;
		else if (strcmp(v, "mime") == 0)
			o->format = FORMAT_MIME;
		else
			return cli_fail(EXIT_USAGE, "digest: bad --format \"%.80s\": expected text,"
					" html or mime", v);
	}
	o->send = args_flag(a, "send");
	strlist_init(&o->to);
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, "to") == 0) {
			if (a->v[i].value[0] == '-' || strchr(a->v[i].value, '@') == NULL)
				return cli_fail(EXIT_USAGE, "digest: bad --to \"%.80s\": expected a"
						" mail address", a->v[i].value);
			strlist_add(&o->to, a->v[i].value);
		}
	return 0;
}

/* period - fill in since and until from the last digest sent */
static int period(struct cli *c, struct store *st, struct digest_opts *o)
{
	char err[1024];
	time_t last;
	int found;

	if (o->until == 0)
		o->until = c->now;
	if (o->since)
		return 0;
	if ((found = store_digest_last(st, &last, err, sizeof(err))) < 0)
		return cli_fail(EXIT_STATE, "%s", err);
	if (found && last >= o->until && o->send) {
		char when[64];

		return cli_fail(EXIT_STATE, "digest --send: the last digest sent already covers up"
				" to %s; give --since to send a period again",
				digest_when(last, when, sizeof(when)));
	}
	/* a preview with nothing new since the last digest shows the week before */
	o->since = found && last < o->until ? last : o->until - DIGEST_DEFAULT_SECS;
	return 0;
}

/* recipients - --to, else DigestRecipients; none is an error only for --send */
static int recipients(struct cli *c, struct digest_opts *o)
{
	size_t i;

	if (o->to.n == 0)
		for (i = 0; i < c->cfg->digest_recipients.n; i++) {
			const char *r = c->cfg->digest_recipients.v[i];

			if (r[0] == '-')
				return cli_fail(EXIT_STATE, "digest: DigestRecipients: \"%.80s\" is not"
						" a mail address", r);
			strlist_add(&o->to, r);
		}
	if (o->send && o->to.n == 0)
		return cli_fail(EXIT_STATE, "digest --send: no recipients: set DigestRecipients"
				" in %s or give --to ADDR", c->cfg->path ? c->cfg->path
				: CONFIG_DEFAULT_PATH);
	return 0;
}

/* audit_after - the audit row of a send: what was sent to whom (new JSON text) */
static char *audit_after(const struct digest_opts *o, const char *message_id,
			 const char *head)
{
	json_t *j = json_object(), *d = json_object(), *to = json_array();
	char *s;
	size_t i;

	for (i = 0; i < o->to.n; i++)
		json_array_append_new(to, json_string(o->to.v[i]));
	json_object_set_new(d, "since", json_time(o->since));
	json_object_set_new(d, "until", json_time(o->until));
	json_object_set_new(d, "recipients", to);
	json_object_set_new(d, "message_id", json_str(message_id));
	json_object_set_new(d, "audit_head", json_str(*head ? head : NULL));
	json_object_set_new(j, "digest", d);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(j);
	return s;
}

/* record - the send, its audit row and due expiries, in one write transaction */
static int record(struct cli *c, struct store *st, const struct digest_opts *o,
		  const char *message_id, const char *head)
{
	char err[1024], *to = strlist_join(&o->to, ", "), *after = audit_after(o, message_id, head);
	int rc = 0;

	if (store_begin_write(st, err, sizeof(err)) != 0 || cli_expire(c, st, err, sizeof(err)) < 0
	    || store_digest_record(st, c->now, o->since, o->until, to, message_id, head, err,
				   sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "digest: sent, but not recorded: %s", err);
	else
		rc = cli_audit(c, st, NULL, after, 0);
	free(to);
	free(after);
	return cli_change_close(c, st, rc);
}

/* send - build the message, hand it to sendmail, record it; closes st */
static int send(struct cli *c, struct store *st, const struct digest_opts *o,
		const struct store_digest *d)
{
	struct digest_mail_head h = { c->cfg->digest_from, &o->to, c->now };
	char err[1024], *msg = NULL, *mid = NULL, *bracketed, a[64], z[64];
	int rc;

	err[0] = '\0';
	if (digest_mime(d, &h, &msg, &mid, err, sizeof(err)) != 0) {
		store_close(st);
		return cli_fail(EXIT_STATE, "%s", err);
	}
	if (digest_sendmail(c->cfg->sendmail_command, &o->to, msg, err, sizeof(err)) != 0) {
		free(msg);
		free(mid);
		store_close(st);
		return cli_fail(EXIT_STATE, "%s%s", strncmp(err, "digest:", 7) == 0 ? ""
				: "digest: SendmailCommand: ", err);
	}
	bracketed = xmalloc(strlen(mid) + 3);
	sprintf(bracketed, "<%s>", mid);
	rc = record(c, st, o, bracketed, d->audit_head);
	if (rc == 0 && o->format == FORMAT_MIME)
		fputs(msg, stdout);	/* the message as sent */
	if (rc == 0 && o->format == FORMAT_NONE) {
		char *to = strlist_join(&o->to, ", ");

		printf("digest sent to %s: %s to %s, Message-ID %s\n", to,
		       digest_when(o->since, a, sizeof(a)), digest_when(o->until, z, sizeof(z)),
		       bracketed);
		free(to);
	}
	free(bracketed);
	free(msg);
	free(mid);
	return rc;
}

/* print - the digest in the chosen format on stdout */
static int print(struct cli *c, const struct digest_opts *o, const struct store_digest *d)
{
	struct digest_mail_head h = { c->cfg->digest_from, &o->to, c->now };
	char err[1024], *s = NULL, *mid = NULL;

	if (o->format == FORMAT_HTML) {
		s = digest_html(d);
	} else if (o->format == FORMAT_MIME) {
		if (digest_mime(d, &h, &s, &mid, err, sizeof(err)) != 0)
			return cli_fail(EXIT_STATE, "%s", err);
	} else {
		s = digest_text(d);
	}
	fputs(s, stdout);
	free(s);
	free(mid);
	return 0;
}

int cmd_digest(struct cli *c, int argc, char **argv)
{
	static const struct arg_spec spec[] = {
		{ "since", ARG_VALUE }, { "until", ARG_VALUE }, { "format", ARG_VALUE },
		{ "send", ARG_FLAG }, { "to", ARG_MULTI }, { NULL, ARG_FLAG },
	};
	struct digest_opts o;
	struct store_digest d;
	struct store *st = NULL;
	struct args a;
	char err[1024];
	int rc;

	if (args_parse(c, spec, argc, argv, &a, err, sizeof(err)) != 0)
		return cli_fail(EXIT_USAGE, "digest: %s", err);
	rc = parse_opts(&a, c->now, &o);
	args_free(&a);
	if (rc == 0 && cli_config(c, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	if (rc == 0)
		rc = recipients(c, &o);
	if (rc == 0)
		rc = cli_open(c, o.send, &st);
	if (rc == 0)
		rc = period(c, st, &o);
	if (rc == 0 && store_digest_read(st, o.since, o.until, c->now, &d, err, sizeof(err)) != 0)
		rc = cli_fail(EXIT_STATE, "%s", err);
	else if (rc == 0) {
		if (!o.send || o.format == FORMAT_TEXT || o.format == FORMAT_HTML)
			rc = print(c, &o, &d);
		if (rc == 0 && o.send) {
			rc = send(c, st, &o, &d);
			st = NULL;
		}
		store_digest_clear(&d);
	}
	store_close(st);
	strlist_free(&o.to);
	return rc;
}
