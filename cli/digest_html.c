/*
 * digest_html.c - the digest as a self-contained HTML page (the text/html
 * part of the mail), with the same sections as the text: summary tiles,
 * decisions, reviews and ends, notices and disputes, flags, breaches, held
 * mail with how to release it, a card with bar charts per restriction, the
 * audit head. Readable from a 390 px phone to a desktop.
 */
#include "digest_model.h"
#include "digest_htmlfmt.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* tile - one summary figure; warn highlights a figure that needs action */
static void tile(struct buf *b, const char *label, long long v, int warn)
{
	buf_printf(b, "<div class=\"tile%s\"><b>%lld</b>", warn && v > 0 ? " warn" : "", v);
	digest_html_put(b, label);
	buf_puts(b, "</div>\n");
}

/* html_head - title, period and the summary tiles */
static void html_head(struct buf *b, const struct store_digest *d)
{
	char a[64], z[64], line[200];
	long long escalated, pending = digest_flags_pending(d, &escalated);

	snprintf(line, sizeof(line), "Period: %s to %s", digest_when(d->since, a, sizeof(a)),
		 digest_when(d->until, z, sizeof(z)));
	ht_tag(b, "p", "meta", line);
	snprintf(line, sizeof(line), "Previous digest: %s", d->last_sent
		 ? digest_when(d->last_sent, a, sizeof(a)) : "none sent before");
	ht_tag(b, "p", "meta", line);
	buf_puts(b, "<div class=\"tiles\">\n");
	tile(b, "Restrictions in force", d->in_force, 0);
	tile(b, "Awaiting authorisation", (long long)d->proposed.n, 1);
	tile(b, escalated > 0 ? "Flags open, some escalated" : "Flags open", pending, 1);
	tile(b, "Reviews overdue", (long long)d->overdue.n, 1);
	tile(b, "Not notified in writing", (long long)d->not_notified.n, 1);
	tile(b, "Open disputes", (long long)d->disputes.n, 1);
	tile(b, "Messages from restricted people", d->mail_matched, 0);
	tile(b, "Breaches", d->breaches, 1);
	buf_puts(b, "</div>\n");
	snprintf(line, sizeof(line), "%lld messages seen in the period; %lld from restricted people"
		 " (%lld refused, %lld held). %lld restrictions in force, %lld of them in trial.",
		 d->mail_all, d->mail_matched, d->mail_refused, d->mail_held, d->in_force,
		 d->in_force_trial);
	ht_tag(b, "p", NULL, line);
}

/* html_lists - decisions, reviews and ends, notices and disputes */
static void html_lists(struct buf *b, const struct store_digest *d)
{
	ht_tag(b, "h2", NULL, "Decisions");
	ht_refs(b, "Proposed, awaiting authorisation", &d->proposed, "Requested", "By");
	ht_refs(b, "Added in the period", &d->added, "Date", "By");
	ht_refs(b, "Varied in the period", &d->varied, "Date", "By");
	ht_refs(b, "Reviewed in the period", &d->reviewed, "Date", "By");
	ht_refs(b, "Lifted in the period", &d->lifted, "Date", "By");
	ht_refs(b, "Expired in the period", &d->expired, "Last day", NULL);
	ht_tag(b, "h2", NULL, "Reviews and ends (policy 7.1)");
	ht_refs(b, "Reviews overdue", &d->overdue, "Due", NULL);
	ht_refs(b, "Reviews due within 30 days", &d->review_soon, "Due", NULL);
	ht_refs(b, "Ending within 30 days", &d->ending_soon, "Last day", NULL);
	ht_tag(b, "h2", NULL, "Notices and disputes (policy 5.8, 6.1)");
	ht_refs(b, "Not notified in writing", &d->not_notified, "Since", "Authorised");
	ht_refs(b, "Open disputes", &d->disputes, "Raised", NULL);
}

/* flag_row - one flag as a table row */
static void flag_row(struct buf *b, const struct digest_flag *f, int with_status)
{
	char day[32], win[32], count[64], *p;

	p = f->name ? digest_person(f->name, f->case_ref) : digest_clean(f->person);
	buf_puts(b, "<tr>");
	ht_celln(b, "ID", f->id);
	ht_cell(b, "Kind", f->kind, 0);
	ht_cell(b, "Person", p, 0);
	snprintf(count, sizeof(count), "%lld/%lld%s", f->count, f->threshold,
		 f->unverified ? " (unverified)" : "");
	ht_cell(b, "Count", count, 0);
	ht_cell(b, "Window", digest_window(f->window_secs, win, sizeof(win)), 0);
	ht_celln(b, "Messages", f->messages);
	ht_celln(b, "Staff", f->staff);
	ht_cell(b, "Opened", digest_day(f->opened_at, day, sizeof(day)), 0);
	if (with_status)
		ht_cell(b, "Status", f->status, 0);
	buf_puts(b, "</tr>\n");
	free(p);
}

/* html_flags - one group: 0 escalated, 1 new in the period, 2 open from before */
static void html_flags(struct buf *b, const struct store_digest *d, const char *title, int group)
{
	const char *h[] = { "ID", "Kind", "Person", "Count", "Window", "Messages", "Staff",
			    "Opened", "Status" };
	char head[160];
	size_t i, n = 0;

	for (i = 0; i < d->nflags; i++)
		n += digest_flag_in_group(&d->flags[i], group);
	if (n == 0) {
		snprintf(head, sizeof(head), "%s: none.", title);
		ht_none(b, head);
		return;
	}
	snprintf(head, sizeof(head), "%s (%zu)", title, n);
	ht_tag(b, "h3", NULL, head);
	ht_table(b, h, group == 1 ? 9 : 8, 1u | 1u << 5 | 1u << 6);
	for (i = 0; i < d->nflags; i++)
		if (digest_flag_in_group(&d->flags[i], group))
			flag_row(b, &d->flags[i], group == 1);
	ht_table_end(b);
}

/* html_breaches - restrictions broken in the period */
static void html_breaches(struct buf *b, const struct store_digest *d)
{
	const char *h[] = { "ID", "Person", "Case", "Action", "Breaches", "Unverified" };
	size_t i, n = 0;

	ht_tag(b, "h2", NULL, "Breaches (policy 5.11)");
	for (i = 0; i < d->nmail; i++) {
		const struct digest_mail *m = &d->mail[i];

		if (m->breaches == 0)
			continue;
		if (n++ == 0)
			ht_table(b, h, 6, 1u | 1u << 4 | 1u << 5);
		buf_puts(b, "<tr>");
		ht_celln(b, "ID", m->id);
		ht_cell(b, "Person", m->name, 0);
		ht_cell(b, "Case", m->case_ref, 0);
		ht_cell(b, "Action", m->action, 0);
		ht_celln(b, "Breaches", m->breaches);
		ht_celln(b, "Unverified", m->breaches_unverified);
		buf_puts(b, "</tr>\n");
	}
	if (n)
		ht_table_end(b);
	else
		ht_none(b, "No breaches in the period.");
}

/* html_held - held messages and how to release them */
static void html_held(struct buf *b, const struct store_digest *d)
{
	const char *h[] = { "Held at", "Queue ID", "Restriction", "Person", "Recipients" };
	char when[32], line[160], *p;
	size_t i;

	ht_tag(b, "h2", NULL, "Held messages");
	if (d->held_total == 0) {
		ht_none(b, "No messages held in the period.");
		return;
	}
	ht_table(b, h, 5, 1u << 4);
	for (i = 0; i < d->nheld; i++) {
		const struct digest_held *m = &d->held[i];

		buf_puts(b, "<tr>");
		ht_cell(b, "Held at", time_format_local(m->at, when, sizeof(when)), 0);
		ht_cell(b, "Queue ID", m->queue_id, 0);
		snprintf(line, sizeof(line), "%lld", m->restriction_id);
		ht_cell(b, "Restriction", m->restriction_id ? line : "-", 0);
		ht_cell(b, "Person", p = digest_person(m->name, m->case_ref), 0);
		free(p);
		ht_celln(b, "Recipients", m->recipients);
		buf_puts(b, "</tr>\n");
	}
	ht_table_end(b);
	if ((long long)d->nheld < d->held_total) {
		snprintf(line, sizeof(line), "The newest %zu of %lld are shown"
			 " (restrictctl events --outcome hold).", d->nheld, d->held_total);
		ht_tag(b, "p", NULL, line);
	}
	buf_puts(b, "<div class=\"how\"><p>Held messages stay in the mail queue until someone"
		 " acts. On the mail server, as root:</p><ul>"
		 "<li>Postfix: <code>postqueue -p</code> lists them (held ones are marked"
		 " <code>!</code>); <code>postsuper -H QUEUEID</code> releases one,"
		 " <code>postsuper -d QUEUEID</code> deletes it.</li>"
		 "<li>Sendmail: <code>mailq -qQ</code> lists them;"
		 " <code>sendmail -qQ -Q -qIQUEUEID</code> releases one.</li></ul></div>\n");
}

/* html_card - one restriction's mail: title, what was done, per day */
static void html_card(struct buf *b, const struct store_digest *d, const struct digest_mail *m)
{
	char *p = digest_person(m->name, m->case_ref);
	struct buf t;

	buf_init(&t);
	buf_printf(&t, "#%lld %s \xc2\xb7 %s%s", m->id, p, m->action ? m->action : "?",
		   m->trial ? " (trial)" : "");
	buf_puts(b, "<div class=\"card\">\n");
	ht_tag(b, "h3", NULL, buf_cstr(&t));
	buf_reset(&t);
	buf_printf(&t, "%lld message%s", m->total, m->total == 1 ? "" : "s");
	if (m->novel_new || m->novel_repeat)
		buf_printf(&t, "; %lld new, %lld repeat", m->novel_new, m->novel_repeat);
	if (m->breaches)
		buf_printf(&t, "; %lld breach%s", m->breaches, m->breaches == 1 ? "" : "es");
	if (m->trial)
		buf_puts(&t, "; a trial: all delivered unchanged");
	ht_tag(b, "p", "meta", buf_cstr(&t));
	ht_stack(b, m->cat, m->total, m->trial);
	ht_days(b, d, m->buckets);
	buf_puts(b, "</div>\n");
	buf_free(&t);
	free(p);
}

/* html_mail - all restricted mail per day, then a card per restriction */
static void html_mail(struct buf *b, const struct store_digest *d)
{
	char line[160];
	size_t i;

	ht_tag(b, "h2", NULL, "Mail per restriction");
	if (d->nmail == 0) {
		ht_none(b, "No mail from restricted people in the period.");
		return;
	}
	buf_puts(b, "<div class=\"card\">\n");
	ht_tag(b, "h3", NULL, "All mail from restricted people");
	ht_days(b, d, d->day_total);
	buf_puts(b, "</div>\n");
	for (i = 0; i < d->nmail; i++)
		html_card(b, d, &d->mail[i]);
	if (d->quiet) {
		snprintf(line, sizeof(line), "%lld restriction%s in force had no mail in the period.",
			 d->quiet, d->quiet == 1 ? "" : "s");
		ht_tag(b, "p", "meta", line);
	}
}

/* html_audit - the head of the audit chain */
static void html_audit(struct buf *b, const struct store_digest *d)
{
	char line[120];

	ht_tag(b, "h2", NULL, "Audit log");
	if (d->audit_head[0] == '\0') {
		ht_none(b, "The audit log is empty.");
		return;
	}
	snprintf(line, sizeof(line), "Head (%lld row%s):", d->audit_rows,
		 d->audit_rows == 1 ? "" : "s");
	ht_tag(b, "p", NULL, line);
	buf_puts(b, "<p><code>");
	digest_html_put(b, d->audit_head);
	buf_puts(b, "</code></p>\n<p>Keep this digest: <code>restrictctl audit --verify --head"
		 "</code> followed by this hash proves the log has not been altered since.</p>\n");
}

char *digest_html(const struct store_digest *d)
{
	char *title = digest_title(d);
	struct buf b;

	buf_init(&b);
	ht_begin(&b, title);
	ht_tag(&b, "h1", NULL, title);
	html_head(&b, d);
	html_lists(&b, d);
	ht_tag(&b, "h2", NULL, "Scattergun and volume flags");
	html_flags(&b, d, "Escalated, awaiting a decision", 0);
	html_flags(&b, d, "New in the period", 1);
	html_flags(&b, d, "Open from before the period", 2);
	if (d->nflags)
		ht_tag(&b, "p", "meta", "Decide with: restrictctl flag ID --dismiss|--escalate"
		       " --by NAME, or cite the flag in a restriction (add|propose --flag ID).");
	html_breaches(&b, d);
	html_held(&b, d);
	html_mail(&b, d);
	html_audit(&b, d);
	ht_end(&b);
	free(title);
	return buf_take(&b);
}
