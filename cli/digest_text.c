/*
 * digest_text.c - the digest as a plain-text document, section by section
 * in the order Heads of Department act on it: summary, changes, reviews,
 * ends, notices, disputes, flags, breaches, held mail, mail per
 * restriction, the audit head. An empty section is one line.
 */
#include "digest_model.h"
#include "digest_textfmt.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* summary_line - "  Label          value" */
static void summary_line(struct buf *b, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void summary_line(struct buf *b, const char *label, const char *fmt, ...)
{
	va_list ap;

	buf_printf(b, "  %-30s ", label);
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
	buf_putc(b, '\n');
}

/* text_head - the title, the period and the summary */
static void text_head(struct buf *b, const struct store_digest *d)
{
	char *title = digest_title(d), a[64], z[64];
	size_t n = digest_width(title);
	long long escalated, pending = digest_flags_pending(d, &escalated);

	buf_printf(b, "%s\n", title);
	while (n--)
		buf_putc(b, '=');
	buf_printf(b, "\nPeriod:    %s\n", digest_when(d->since, a, sizeof(a)));
	buf_printf(b, "       to  %s\n", digest_when(d->until, z, sizeof(z)));
	buf_printf(b, "Previous:  %s\n", d->last_sent ? digest_when(d->last_sent, a, sizeof(a))
		   : "no digest sent before");
	free(title);
	tt_heading(b, "Summary");
	summary_line(b, "Restrictions in force", "%lld (%lld in trial)", d->in_force,
		     d->in_force_trial);
	summary_line(b, "Awaiting authorisation", "%lld", (long long)d->proposed.n);
	summary_line(b, "Flags open", "%lld (%lld escalated, awaiting a decision)", pending,
		     escalated);
	summary_line(b, "Reviews overdue", "%lld", (long long)d->overdue.n);
	summary_line(b, "Reviews due within 30 days", "%lld", (long long)d->review_soon.n);
	summary_line(b, "Ending within 30 days", "%lld", (long long)d->ending_soon.n);
	summary_line(b, "Not notified in writing", "%lld", (long long)d->not_notified.n);
	summary_line(b, "Open disputes", "%lld", (long long)d->disputes.n);
	summary_line(b, "Messages seen", "%lld", d->mail_all);
	summary_line(b, "From restricted people", "%lld (%lld refused, %lld held)",
		     d->mail_matched, d->mail_refused, d->mail_held);
	summary_line(b, "Breaches of a restriction", "%lld", d->breaches);
}

/* text_changes - what was decided in the period */
static void text_changes(struct buf *b, const struct store_digest *d)
{
	tt_heading(b, "Decisions");
	tt_refs(b, "Proposed, awaiting authorisation", &d->proposed, "Requested", "By");
	tt_refs(b, "Added in the period", &d->added, "Date", "By");
	tt_refs(b, "Varied in the period", &d->varied, "Date", "By");
	tt_refs(b, "Reviewed in the period", &d->reviewed, "Date", "By");
	tt_refs(b, "Lifted in the period", &d->lifted, "Date", "By");
	tt_refs(b, "Expired in the period", &d->expired, "Last day", NULL);
	tt_heading(b, "Reviews and ends (policy 7.1)");
	tt_refs(b, "Reviews overdue", &d->overdue, "Due", NULL);
	tt_refs(b, "Reviews due within 30 days", &d->review_soon, "Due", NULL);
	tt_refs(b, "Ending within 30 days", &d->ending_soon, "Last day", NULL);
	tt_heading(b, "Notices and disputes (policy 5.8, 6.1)");
	tt_refs(b, "Not notified in writing", &d->not_notified, "Since", "Authorised");
	tt_refs(b, "Open disputes", &d->disputes, "Raised", NULL);
}

/* flag_person - the person a flag concerns: a service user, else the address */
static char *flag_person(const struct digest_flag *f)
{
	return f->name ? digest_person(f->name, f->case_ref) : digest_clean(f->person);
}

/* text_flags - the flags of one group, two lines each */
static void text_flags(struct buf *b, const struct store_digest *d, const char *title, int group)
{
	char day[32], win[32], *p;
	struct buf line;
	size_t i, n = 0;

	for (i = 0; i < d->nflags; i++)
		n += digest_flag_in_group(&d->flags[i], group);
	if (n == 0) {
		buf_printf(b, "%s: none.\n", title);
		return;
	}
	buf_printf(b, "%s (%zu)\n", title, n);
	buf_init(&line);
	for (i = 0; i < d->nflags; i++) {
		const struct digest_flag *f = &d->flags[i];

		if (!digest_flag_in_group(f, group))
			continue;
		p = flag_person(f);
		buf_reset(&line);
		buf_printf(&line, "#%lld %s%s%s: %s", f->id, f->kind, group == 1 ? ", " : "",
			   group == 1 ? f->status : "", p);
		tt_wrap(b, 2, buf_cstr(&line));
		buf_reset(&line);
		buf_printf(&line, "count %lld (threshold %lld) in %s; %lld messages to %lld staff;"
			   " evidence: %lld; opened %s%s.", f->count, f->threshold,
			   digest_window(f->window_secs, win, sizeof(win)), f->messages, f->staff,
			   f->evidence, digest_day(f->opened_at, day, sizeof(day)),
			   f->unverified ? "; includes unverified header-only matches" : "");
		tt_wrap(b, 6, buf_cstr(&line));
		free(p);
	}
	buf_free(&line);
}

/* text_all_flags - the three groups and what "*" means */
static void text_all_flags(struct buf *b, const struct store_digest *d)
{
	tt_heading(b, "Scattergun and volume flags");
	text_flags(b, d, "Escalated, awaiting a decision", 0);
	text_flags(b, d, "New in the period", 1);
	text_flags(b, d, "Open from before the period", 2);
	if (d->nflags)
		tt_wrap(b, 0, "Decide with: restrictctl flag ID --dismiss|--escalate --by NAME,"
			" or cite the flag in a restriction (add|propose --flag ID).");
}

/* text_breaches - restrictions broken in the period (policy 5.11) */
static void text_breaches(struct buf *b, const struct store_digest *d)
{
	const char *h[] = { "ID", "Person", "Case", "Action", "Breaches", "Unverified" };
	struct tt t;
	size_t i, n = 0;

	tt_heading(b, "Breaches (policy 5.11)");
	tt_init(&t, 6, h);
	t.flex = 2;
	for (i = 0; i < d->nmail; i++) {
		const struct digest_mail *m = &d->mail[i];

		if (m->breaches == 0)
			continue;
		n++;
		tt_addf(&t, "%lld", m->id);
		tt_add(&t, m->name);
		tt_add(&t, m->case_ref);
		tt_add(&t, m->action);
		tt_addf(&t, "%lld", m->breaches);
		tt_addf(&t, "%lld", m->breaches_unverified);
	}
	if (n == 0) {
		strlist_free(&t.cells);
		buf_puts(b, "No breaches in the period.\n");
		return;
	}
	tt_print(&t, b);
}

/* text_held - held messages and how to release them */
static void text_held(struct buf *b, const struct store_digest *d)
{
	const char *h[] = { "Held at", "Queue ID", "ID", "Person", "Rcpts" };
	char when[32];
	struct tt t;
	size_t i;

	tt_heading(b, "Held messages");
	if (d->held_total == 0) {
		buf_puts(b, "No messages held in the period.\n");
		return;
	}
	tt_init(&t, 5, h);
	t.flex = 4;
	for (i = 0; i < d->nheld; i++) {
		const struct digest_held *m = &d->held[i];
		char *p = digest_person(m->name, m->case_ref);

		tt_add(&t, time_format_local(m->at, when, sizeof(when)));
		tt_add(&t, m->queue_id);
		if (m->restriction_id)
			tt_addf(&t, "%lld", m->restriction_id);
		else
			tt_add(&t, "-");
		tt_add(&t, p);
		tt_addf(&t, "%lld", m->recipients);
		free(p);
	}
	tt_print(&t, b);
	if ((long long)d->nheld < d->held_total)
		buf_printf(b, "The newest %zu of %lld are shown (restrictctl events --outcome hold).\n",
			   d->nheld, d->held_total);
	tt_wrap(b, 0, "Held messages stay in the mail queue until someone acts. On the mail"
		" server, as root:");
	tt_wrap(b, 2, "Postfix: postqueue -p lists them (held ones are marked !);"
		" postsuper -H QUEUEID releases one, postsuper -d QUEUEID deletes it.");
	tt_wrap(b, 2, "Sendmail: mailq -qQ lists them; sendmail -qQ -Q -qIQUEUEID releases one.");
}

/* mail_line - "18 filed, 3 delivered" of one restriction (what a trial would have done) */
static void mail_line(struct buf *b, const struct digest_mail *m)
{
	struct buf line;
	int k, first = 1;

	buf_init(&line);
	buf_puts(&line, m->trial ? "Would have been: " : "");
	for (k = 0; k < DIGEST_NCATS; k++) {
		if (m->cat[k] == 0)
			continue;
		buf_printf(&line, "%s%lld %s", first ? "" : ", ", m->cat[k], digest_cat_name(k));
		first = 0;
	}
	if (m->trial)
		buf_puts(&line, " (trial: all delivered unchanged)");
	if (m->novel_new || m->novel_repeat)
		buf_printf(&line, "; %lld new, %lld repeat", m->novel_new, m->novel_repeat);
	if (m->breaches)
		buf_printf(&line, "; %lld breaches", m->breaches);
	buf_putc(&line, '.');
	tt_wrap(b, 2, buf_cstr(&line));
	buf_free(&line);
}

/* nbsp - label with its space made a no-break space (label has room for it) */
static const char *nbsp(char *label)
{
	char *sp = strchr(label, ' ');

	if (sp && strlen(label) + 2 < 32) {
		memmove(sp + 2, sp + 1, strlen(sp + 1) + 1);
		sp[0] = '\xc2';
		sp[1] = '\xa0';
	}
	return label;
}

/* day_line - "Per day: Fri 20: 3, Sat 21: 0, …" */
static void day_line(struct buf *b, const struct store_digest *d, const long long *v,
		     size_t indent)
{
	struct buf line;
	char label[32];
	int i;

	buf_init(&line);
	buf_puts(&line, d->bucket_days == 1 ? "Per day:" : "Per period of days:");
	for (i = 0; i < d->nbuckets; i++) {
		digest_bar_label(d, i, label, sizeof(label));
		buf_printf(&line, " %s:\xc2\xa0%lld%s", nbsp(label), v[i],
			   i + 1 < d->nbuckets ? "," : ".");
	}
	tt_wrap(b, indent, buf_cstr(&line));
	buf_free(&line);
}

/* text_mail - each restriction's mail in the period */
static void text_mail(struct buf *b, const struct store_digest *d)
{
	struct buf line;
	size_t i;

	tt_heading(b, "Mail per restriction");
	if (d->nmail == 0) {
		buf_puts(b, "No mail from restricted people in the period.\n");
		return;
	}
	buf_init(&line);
	day_line(b, d, d->day_total, 0);
	for (i = 0; i < d->nmail; i++) {
		const struct digest_mail *m = &d->mail[i];
		char *p = digest_person(m->name, m->case_ref);

		buf_reset(&line);
		buf_printf(&line, "#%lld %s - %s%s: %lld message%s", m->id, p,
			   m->action ? m->action : "?", m->trial ? " (trial)" : "", m->total,
			   m->total == 1 ? "" : "s");
		buf_putc(b, '\n');
		tt_wrap(b, 0, buf_cstr(&line));
		mail_line(b, m);
		day_line(b, d, m->buckets, 2);
		free(p);
	}
	buf_free(&line);
	if (d->quiet)
		buf_printf(b, "\n%lld restriction%s in force had no mail in the period.\n", d->quiet,
			   d->quiet == 1 ? "" : "s");
}

/* text_audit - the head of the audit chain */
static void text_audit(struct buf *b, const struct store_digest *d)
{
	tt_heading(b, "Audit log");
	if (d->audit_head[0] == '\0') {
		buf_puts(b, "The audit log is empty.\n");
		return;
	}
	buf_printf(b, "Head (%lld row%s):\n  %s\n", d->audit_rows, d->audit_rows == 1 ? "" : "s",
		   d->audit_head);
	tt_wrap(b, 0, "Keep this digest: restrictctl audit --verify --head followed by this"
		" hash proves the log has not been altered since.");
}

char *digest_text(const struct store_digest *d)
{
	struct buf b;

	buf_init(&b);
	text_head(&b, d);
	text_changes(&b, d);
	text_all_flags(&b, d);
	text_breaches(&b, d);
	text_held(&b, d);
	text_mail(&b, d);
	text_audit(&b, d);
	return buf_take(&b);
}
