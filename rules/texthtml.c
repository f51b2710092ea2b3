/*
 * texthtml.c - HTML reduced to plain text for novelty (textextract.h).
 *
 * Not a browser: one forward pass that drops tags, comments and the
 * contents of script, style, head, title and template; turns block
 * elements into line breaks and <blockquote> into "> " lines (so quoted
 * replies are removed like plain-text ones); decodes character references.
 * Whitespace runs collapse to one space. Linear in the input; output capped.
 */
#include "textextract.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct hout {
	struct buf *b;
	size_t max;
	unsigned quote;		/* <blockquote> depth */
	int bol;		/* at the beginning of a line */
	int space;		/* a space is pending */
	unsigned nl;		/* consecutive line breaks written */
	int pre;		/* inside <pre>: keep line breaks */
};

/* the named references worth knowing in mail; others stay as written */
static const struct { const char *name; uint32_t cp; } entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", ' ' }, { "ensp", ' ' }, { "emsp", ' ' }, { "thinsp", ' ' },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "hellip", 0x2026 }, { "bull", 0x2022 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "sbquo", 0x201A }, { "bdquo", 0x201E }, { "laquo", 0xAB }, { "raquo", 0xBB },
	{ "pound", 0xA3 }, { "euro", 0x20AC }, { "cent", 0xA2 }, { "yen", 0xA5 },
	{ "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 }, { "deg", 0xB0 },
	{ "sect", 0xA7 }, { "para", 0xB6 }, { "middot", 0xB7 }, { "times", 0xD7 },
	{ "divide", 0xF7 }, { "frac12", 0xBD }, { "frac14", 0xBC }, { "frac34", 0xBE },
	{ "agrave", 0xE0 }, { "aacute", 0xE1 }, { "acirc", 0xE2 }, { "auml", 0xE4 },
	{ "ccedil", 0xE7 }, { "egrave", 0xE8 }, { "eacute", 0xE9 }, { "ecirc", 0xEA },
	{ "euml", 0xEB }, { "iuml", 0xEF }, { "ntilde", 0xF1 }, { "ocirc", 0xF4 },
	{ "ouml", 0xF6 }, { "uuml", 0xFC }, { "szlig", 0xDF }, { "Eacute", 0xC9 },
	{ "zwnj", 0 }, { "zwj", 0 }, { "shy", 0 },
};

/* tags whose contents are not text */
static const char *const skip_tags[] = { "script", "style", "head", "title", "template", "noscript" };

/* tags that end a line */
static const char *const block_tags[] = {
	"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
	"hr", "pre", "section", "article", "header", "footer", "address", "dt", "dd", "center",
	"blockquote", "form", "fieldset", "dl", "body", "html",
};

/* out_raw - append bytes unless the cap is reached */
static void out_raw(struct hout *o, const char *s, size_t n)
{
	if (o->max && o->b->len + n > o->max)
		return;
	buf_append(o->b, s, n);
}

/* out_break - end the line (at most one blank line in a row) */
static void out_break(struct hout *o)
{
	o->space = 0;
	if (o->nl >= 2)
		return;
	out_raw(o, "\n", 1);
	o->nl++;
	o->bol = 1;
}

/* out_text - one non-space character (UTF-8 sequence), with pending space and quote marks */
static void out_text(struct hout *o, const char *s, size_t n)
{
	if (o->bol) {
		unsigned i;
		for (i = 0; i < o->quote && i < 32; i++)
			out_raw(o, "> ", 2);
		o->bol = 0;
	} else if (o->space) {
		out_raw(o, " ", 1);
	}
	o->space = 0;
	o->nl = 0;
	out_raw(o, s, n);
}

/* out_cp - one code point as UTF-8; spaces and controls become a pending space */
static void out_cp(struct hout *o, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp == 0)
		return;
	if (cp < 0x20 || cp == ' ' || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xA0) {
		o->space = !o->bol;
		return;
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	out_text(o, u, n);
}

/* entity - decode the reference at s[0] == '&'; returns bytes consumed (0: not one) */
static size_t entity(struct hout *o, const char *s, size_t len)
{
	size_t i = 1, j;
	uint32_t cp = 0;

	if (len > 2 && s[1] == '#') {
		int hex = len > 3 && (s[2] == 'x' || s[2] == 'X');
		for (i = hex ? 3 : 2; i < len && i < 12 && isxdigit((unsigned char)s[i]); i++) {
			if (!hex && !isdigit((unsigned char)s[i]))
				break;
			cp = cp * (hex ? 16 : 10)
				+ (uint32_t)(isdigit((unsigned char)s[i]) ? s[i] - '0'
					     : (tolower((unsigned char)s[i]) - 'a' + 10));
		}
		if (i == (hex ? 3u : 2u))
			return 0;
		out_cp(o, cp == 0 ? 0xFFFD : cp);
		return i < len && s[i] == ';' ? i + 1 : i;
	}
	while (i < len && i < 12 && isalnum((unsigned char)s[i]))
		i++;
	for (j = 0; j < sizeof(entities) / sizeof(entities[0]); j++) {
		if (strlen(entities[j].name) == i - 1 && strncmp(s + 1, entities[j].name, i - 1) == 0) {
			out_cp(o, entities[j].cp);
			return i < len && s[i] == ';' ? i + 1 : i;
		}
	}
	return 0;
}

/* in_list - is the tag name one of list? */
static int in_list(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

/* skip_until_close - index after "</name ...>" from i, or len */
static size_t skip_until_close(const char *s, size_t len, size_t i, const char *name)
{
	size_t nl = strlen(name);

	for (; i + 2 + nl <= len; i++) {
		if (s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, name, nl) == 0
		    && !isalnum((unsigned char)s[i + 2 + nl])) {
			const char *gt = memchr(s + i, '>', len - i);
			return gt ? (size_t)(gt - s) + 1 : len;
		}
	}
	return len;
}

/* tag_end - index after the '>' closing the tag opened at i, quotes respected */
static size_t tag_end(const char *s, size_t len, size_t i)
{
	char q = 0;

	for (; i < len; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '>') {
			return i + 1;
		}
	}
	return len;
}

/* tag - handle the markup at s[i] == '<'; returns the index after it */
static size_t tag(struct hout *o, const char *s, size_t len, size_t i)
{
	char name[16];
	size_t j = i + 1, n = 0, end;
	int closing = 0;

	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		const char *e = NULL;
		size_t k;
		for (k = i + 4; k + 3 <= len && e == NULL; k++)
			if (memcmp(s + k, "-->", 3) == 0)
				e = s + k;
		return e ? (size_t)(e - s) + 3 : len;
	}
	if (j < len && s[j] == '/') {
		closing = 1;
		j++;
	}
	if (j >= len || !isalpha((unsigned char)s[j])) {
		if (j < len && (s[j] == '!' || s[j] == '?'))
			return tag_end(s, len, j);
		out_text(o, "<", 1);	/* a stray '<' is text */
		return i + 1;
	}
	while (j < len && isalnum((unsigned char)s[j]) && n < sizeof(name) - 1)
		name[n++] = (char)tolower((unsigned char)s[j++]);
	name[n] = '\0';
	end = tag_end(s, len, j);
	if (!closing && in_list(name, skip_tags, sizeof(skip_tags) / sizeof(skip_tags[0])))
		return end > 1 && s[end - 2] == '/' ? end : skip_until_close(s, len, end, name);
	if (strcmp(name, "blockquote") == 0) {
		out_break(o);
		if (closing && o->quote > 0)
			o->quote--;
		else if (!closing)
			o->quote++;
		return end;
	}
	if (strcmp(name, "pre") == 0)
		o->pre = !closing;
	if (strcmp(name, "br") == 0) {
		o->nl = o->bol ? o->nl : 0;
		out_break(o);
	} else if (in_list(name, block_tags, sizeof(block_tags) / sizeof(block_tags[0]))) {
		if (!o->bol)
			out_break(o);
	} else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
		o->space = !o->bol;
	}
	return end;
}

char *texthtml_to_text(const char *s, size_t len, size_t max)
{
	struct buf b;
	struct hout o;
	size_t i = 0;

	buf_init(&b);
	memset(&o, 0, sizeof(o));
	o.b = &b;
	o.max = max;
	o.bol = 1;
	o.nl = 2;
	while (i < len && (max == 0 || b.len < max)) {
		unsigned char c = (unsigned char)s[i];
		if (c == '<') {
			i = tag(&o, s, len, i);
		} else if (c == '&') {
			size_t k = entity(&o, s + i, len - i);
			if (k == 0)
				out_text(&o, "&", 1);
			i += k ? k : 1;
		} else if (c == '\n' && o.pre) {
			out_break(&o);
			i++;
		} else if (c <= ' ' || c == 0x7F) {
			o.space = !o.bol;
			i++;
		} else {
			size_t n = 1;
			if (c >= 0xC0)
				while (i + n < len && n < 4 && ((unsigned char)s[i + n] & 0xC0) == 0x80)
					n++;
			if (c == 0xC2 && n == 2 && (unsigned char)s[i + 1] == 0xA0)
				o.space = !o.bol;	/* U+00A0 no-break space */
			else
				out_text(&o, s + i, n);
			i += n;
		}
	}
	while (b.len > 0 && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
		b.data[--b.len] = '\0';
	return buf_take(&b);
}
