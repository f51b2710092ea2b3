/*
 * digest_htmlfmt.c - HTML building blocks of the digest: the page head
 * with its inline style sheet, tables that stack into labelled rows on a
 * phone, the "none" line, restriction lists and the CSS bar charts.
 *
 * Self-contained: no scripts, remote images or fonts. Every value goes
 * through digest_html_put; widths and heights are numbers we computed.
 */
#include "digest_htmlfmt.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char style[] =
	"body{margin:0;background:#f4f5f7;color:#1d2430;"
	"font:15px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}\n"
	".wrap{max-width:960px;margin:0 auto;padding:16px;box-sizing:border-box}\n"
	"h1{font-size:22px;margin:0 0 4px}\n"
	"h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:2px solid #c9d0d9}\n"
	"h3{font-size:15px;margin:14px 0 6px}\n"
	"h1,h2,h3,p,li,th,td,code,div{overflow-wrap:anywhere;word-break:break-word}\n"
	".meta{color:#4a5565;margin:2px 0}\n"
	".tiles{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}\n"
	".tile{flex:1 1 130px;background:#fff;border:1px solid #c9d0d9;border-radius:6px;"
	"padding:8px 10px;box-sizing:border-box}\n"
	".tile b{display:block;font-size:22px}\n"
	".tile.warn{border-color:#b3261e;background:#fcefed}\n"
	"table{width:100%;border-collapse:collapse;background:#fff;margin:4px 0 12px}\n"
	"th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e1e5ea;vertical-align:top}\n"
	"th{background:#e9edf2;font-weight:600}\n"
	"td.n,th.n{text-align:right}\n"
	".none{color:#4a5565;margin:4px 0 10px}\n"
	".card{background:#fff;border:1px solid #c9d0d9;border-radius:6px;padding:10px 12px;"
	"margin:10px 0}\n"
	".card h3{margin:0 0 4px}\n"
	".stack{display:flex;height:14px;border-radius:3px;overflow:hidden;background:#e1e5ea}\n"
	".c0{background:#7d8799}.c1{background:#2b67a8}.c2{background:#7446a8}"
	".c3{background:#17807a}.c4{background:#b3261e}.c5{background:#c77800}\n"
	".trial span,.trial i{opacity:.45}\n"
	".legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;"
	"gap:2px 14px;font-size:13px}\n"
	".legend i{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}\n"
	".days{display:flex;gap:3px;align-items:flex-end;margin-top:8px}\n"
	".day{flex:1 1 0;min-width:0;text-align:center;font-size:11px;color:#4a5565}\n"
	".bar{height:56px;display:flex;align-items:flex-end;background:#eef1f5}\n"
	".bar span{display:block;width:100%;background:#2b67a8}\n"
	".day small{display:block;font-size:11px}\n"
	"code{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}\n"
	".how{background:#fff;border-left:4px solid #c77800;padding:6px 10px;margin:8px 0}\n"
	"@media (max-width:600px){\n"
	" .wrap{padding:10px}\n"
	" table,thead,tbody,tr,th,td{display:block;width:auto}\n"
	" thead tr{position:absolute;left:-9999px;top:-9999px}\n"
	" tr{border-bottom:1px solid #c9d0d9;padding:4px 0}\n"
	" td{border:0;padding:2px 8px}\n"
	" td.n{text-align:left}\n"
	" td::before{content:attr(data-label) \": \";font-weight:600;color:#4a5565}\n"
	"}\n";

void ht_begin(struct buf *b, const char *title)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		 "<title>");
	digest_html_put(b, title);
	buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<div class=\"wrap\">\n",
		   style);
}

void ht_end(struct buf *b)
{
	buf_puts(b, "</div>\n</body>\n</html>\n");
}

void ht_tag(struct buf *b, const char *tag, const char *cls, const char *text)
{
	buf_printf(b, "<%s", tag);
	if (cls)
		buf_printf(b, " class=\"%s\"", cls);
	buf_putc(b, '>');
	digest_html_put(b, text);
	buf_printf(b, "</%s>\n", tag);
}

void ht_none(struct buf *b, const char *text)
{
	ht_tag(b, "p", "none", text);
}

void ht_table(struct buf *b, const char *const *headers, size_t n, unsigned numeric)
{
	size_t i;

	buf_puts(b, "<table>\n<thead><tr>");
	for (i = 0; i < n; i++) {
		buf_puts(b, numeric & (1u << i) ? "<th class=\"n\">" : "<th>");
		digest_html_put(b, headers[i]);
		buf_puts(b, "</th>");
	}
	buf_puts(b, "</tr></thead>\n<tbody>\n");
}

void ht_cell(struct buf *b, const char *label, const char *value, int numeric)
{
	buf_puts(b, numeric ? "<td class=\"n\" data-label=\"" : "<td data-label=\"");
	digest_html_put(b, label);
	buf_puts(b, "\">");
	digest_html_put(b, value);
	buf_puts(b, "</td>");
}

void ht_celln(struct buf *b, const char *label, long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", v);
	ht_cell(b, label, num, 1);
}

void ht_table_end(struct buf *b)
{
	buf_puts(b, "</tbody>\n</table>\n");
}

void ht_refs(struct buf *b, const char *title, const struct digest_list *l,
	     const char *date_label, const char *by_label)
{
	const char *h[] = { "ID", "Person", "Case", "Action", date_label, by_label };
	char day[32], act[64], head[160];
	size_t i;

	if (l->n == 0) {
		snprintf(head, sizeof(head), "%s: none.", title);
		ht_none(b, head);
		return;
	}
	snprintf(head, sizeof(head), "%s (%zu)", title, l->n);
	ht_tag(b, "h3", NULL, head);
	ht_table(b, h, by_label ? 6 : 5, 1u);
	for (i = 0; i < l->n; i++) {
		const struct digest_ref *r = &l->v[i];

		buf_puts(b, "<tr>");
		ht_celln(b, "ID", r->id);
		ht_cell(b, "Person", r->name, 0);
		ht_cell(b, "Case", r->case_ref, 0);
		snprintf(act, sizeof(act), "%s%s", r->action ? r->action : "?",
			 r->trial ? " (trial)" : "");
		ht_cell(b, "Action", act, 0);
		ht_cell(b, date_label, digest_day(r->at, day, sizeof(day)), 0);
		if (by_label)
			ht_cell(b, by_label, r->by, 0);
		buf_puts(b, "</tr>\n");
	}
	ht_table_end(b);
}

/* pct - v as a percentage of total with two decimals ("12.50") */
static void pct(char *out, size_t len, long long v, long long total)
{
	snprintf(out, len, "%.2f", total > 0 ? 100.0 * (double)v / (double)total : 0.0);
}

void ht_stack(struct buf *b, const long long *cat, long long total, int trial)
{
	struct buf label;
	char w[32];
	int k;

	buf_init(&label);
	buf_puts(&label, trial ? "Would have been:" : "What was done:");
	for (k = 0; k < DIGEST_NCATS; k++)
		if (cat[k])
			buf_printf(&label, " %s %lld", digest_cat_name(k), cat[k]);
	buf_puts(b, trial ? "<div class=\"stack trial\" role=\"img\" aria-label=\""
		 : "<div class=\"stack\" role=\"img\" aria-label=\"");
	digest_html_put(b, buf_cstr(&label));
	buf_puts(b, "\">");
	for (k = 0; k < DIGEST_NCATS; k++) {
		if (!cat[k])
			continue;
		pct(w, sizeof(w), cat[k], total);
		buf_printf(b, "<span class=\"c%d\" style=\"width:%s%%\"></span>", k, w);
	}
	buf_puts(b, trial ? "</div>\n<ul class=\"legend trial\">" : "</div>\n<ul class=\"legend\">");
	for (k = 0; k < DIGEST_NCATS; k++)
		if (cat[k])
			buf_printf(b, "<li><i class=\"c%d\"></i>%s%s %lld</li>", k,
				   trial ? "would be " : "", digest_cat_name(k), cat[k]);
	buf_puts(b, "</ul>\n");
	buf_free(&label);
}

void ht_days(struct buf *b, const struct store_digest *d, const long long *v)
{
	struct buf label;
	long long max = 0;
	char day[32], h[32];
	int i;

	for (i = 0; i < d->nbuckets; i++)
		if (v[i] > max)
			max = v[i];
	buf_init(&label);
	buf_puts(&label, d->bucket_days == 1 ? "Messages per day:" : "Messages per period of days:");
	for (i = 0; i < d->nbuckets; i++)
		buf_printf(&label, " %s %lld%s", digest_bar_label(d, i, day, sizeof(day)), v[i],
			   i + 1 < d->nbuckets ? "," : "");
	buf_puts(b, "<div class=\"days\" role=\"img\" aria-label=\"");
	digest_html_put(b, buf_cstr(&label));
	buf_puts(b, "\">");
	for (i = 0; i < d->nbuckets; i++) {
		pct(h, sizeof(h), v[i], max);
		buf_printf(b, "<div class=\"day\"><div class=\"bar\"><span style=\"height:%s%%\">"
			   "</span></div><small>", h);
		digest_html_put(b, digest_bar_label(d, i, day, sizeof(day)));
		buf_printf(b, "</small><small>%lld</small></div>", v[i]);
	}
	buf_puts(b, "</div>\n");
	buf_free(&label);
}
