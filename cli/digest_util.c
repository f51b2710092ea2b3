/*
 * digest_util.c - the words, dates and cleaning every digest format shares
 * (digest_model.h).
 *
 * digest_clean is the one place that decides what of a stored value may
 * be shown: valid UTF-8 without controls, bidirectional overrides or line
 * separators, so a name cannot reorder or forge the lines around it.
 * digest_html_put is the one HTML escaper, built on it.
 */
#include "digest_model.h"
#include "buf.h"
#include "timeparse.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const cat_names[DIGEST_NCATS] = {
	"delivered", "filed", "redirected", "copied", "refused", "held",
};

const char *digest_cat_name(int cat)
{
	return cat >= 0 && cat < DIGEST_NCATS ? cat_names[cat] : "?";
}

const char *digest_week_ending(const struct store_digest *d, char *out, size_t len)
{
	return time_format_local_date(d->until > d->since ? d->until - 1 : d->until, out, len);
}

char *digest_title(const struct store_digest *d)
{
	char day[32];
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "Correspondence restrictions \xe2\x80\x94 week ending %s",
		   digest_week_ending(d, day, sizeof(day)));
	return buf_take(&b);
}

const char *digest_when(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, len, "%a %d %b %Y %H:%M %Z", &tm) == 0)
		snprintf(out, len, "invalid");
	return out;
}

const char *digest_day(time_t t, char *out, size_t len)
{
	if (t == 0) {
		snprintf(out, len, "-");
		return out;
	}
	return time_format_local_date(t, out, len);
}

const char *digest_bar_label(const struct store_digest *d, int i, char *out, size_t len)
{
	struct tm tm;
	time_t t = d->bucket_start[i];

	if (localtime_r(&t, &tm) == NULL
	    || strftime(out, len, d->bucket_days == 1 ? "%a %d" : "%d %b", &tm) == 0)
		snprintf(out, len, "?");
	return out;
}

const char *digest_window(long long secs, char *out, size_t len)
{
	if (secs <= 0 || len < 32) {
		snprintf(out, len, "-");
		return out;
	}
	return period_format(secs, out, len);
}

/* utf8_len - bytes of the valid UTF-8 sequence at p and its code point; 0 if invalid */
static size_t utf8_len(const unsigned char *p, unsigned *cp)
{
	size_t n, i;
	unsigned c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff))
	    || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* unsafe - a code point never shown: controls, bidi controls, line separators */
static int unsafe(unsigned c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x200e || c == 0x200f
	       || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
	       || c == 0x061c || c == 0xfeff;
}

char *digest_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");
	struct buf b;
	unsigned cp;
	size_t n;

	buf_init(&b);
	while (*p) {
		n = utf8_len(p, &cp);
		if (n == 0 || unsafe(cp)) {
			buf_putc(&b, '?');
			p += n ? n : 1;
			continue;
		}
		buf_append(&b, p, n);
		p += n;
	}
	return buf_take(&b);
}

size_t digest_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

void digest_html_put(struct buf *b, const char *s)
{
	char *c = digest_clean(s), *p;

	for (p = c; *p; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *p); break;
		}
	}
	free(c);
}

char *digest_person(const char *name, const char *case_ref)
{
	struct buf b;
	char *n = digest_clean(name ? name : "(restriction removed)"), *c;

	buf_init(&b);
	buf_puts(&b, n);
	free(n);
	if (case_ref && *case_ref) {
		c = digest_clean(case_ref);
		buf_printf(&b, " (%s)", c);
		free(c);
	}
	return buf_take(&b);
}

int digest_flag_in_group(const struct digest_flag *f, int group)
{
	int esc = strcmp(f->status, "escalated") == 0;

	return group == 0 ? esc : !esc && (group == 1) == (f->is_new != 0);
}

long long digest_flags_pending(const struct store_digest *d, long long *escalated)
{
	long long n = 0;
	size_t i;

	*escalated = 0;
	for (i = 0; i < d->nflags; i++) {
		if (strcmp(d->flags[i].status, "escalated") == 0)
			++*escalated;
		else if (strcmp(d->flags[i].status, "open") != 0)
			continue;
		n++;
	}
	return n;
}
