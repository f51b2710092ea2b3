/*
 * textclean.c - keep only the sender's own words (textextract.h).
 *
 * Line rules, in order: a forwarded-message separator ("-----Original
 * Message-----", "---------- Forwarded message ---------", "Begin forwarded
 * message:", an Outlook "From:/Sent:/To:" block) or an "On ... wrote:" not
 * followed by '>' lines ends the own text: all below is quoted, so for
 * nested forwards only the new text above the first separator remains. An
 * attribution followed by '>' lines and the '>' lines themselves are
 * removed, but text after such a quote block stays (bottom posting). "-- "
 * ends the text (signature). Then a sign-off ("Kind regards", "Yours
 * sincerely", "Thanks", ... on a short line among the last eight) and what
 * follows it go, and a greeting ("Dear Sir/Madam,", "Hello ...,") at the top.
 */
#include "textextract.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIGNOFF_LINES 8		/* a sign-off is looked for among the last 8 non-empty lines */
#define SIGNOFF_WORDS 6		/* ... on a line of at most 6 words */
#define SIGNOFF_WORDS_PUNCT 10	/* ... or 10 when punctuation ends the phrase */

static const char *const greetings[] = {
	"dear", "hello", "hi", "hey", "good morning", "good afternoon", "good evening",
	"good day", "greetings", "to whom it may concern", "sir", "madam", "morning",
	"afternoon", "fao", "attn", "attention",
};

static const char *const signoffs[] = {
	"kind regards", "best regards", "warm regards", "warmest regards", "many regards",
	"with regards", "with kind regards", "with best regards", "regards", "rgds",
	"yours sincerely", "yours faithfully", "yours truly", "yours respectfully",
	"sincerely", "faithfully", "respectfully", "yours", "thanks", "thank you",
	"many thanks", "with thanks", "thanks again", "best wishes", "all the best",
	"best", "cheers", "thx", "ta",
};

struct lines {
	char **v;
	size_t n;
};

/* normalise - CRLF/CR to LF, controls and no-break spaces to spaces, BOM and ZWSP dropped */
static void normalise(const char *s, size_t len, struct buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r') {
			buf_putc(out, '\n');
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
		} else if (c == '\n') {
			buf_putc(out, '\n');
		} else if (c < 0x20 || c == 0x7F) {
			buf_putc(out, ' ');
		} else if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] <= 0xA0
			   && (unsigned char)s[i + 1] >= 0x80) {
			buf_putc(out, ' ');	/* C1 controls and U+00A0 */
			i++;
		} else if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBB
			   && (unsigned char)s[i + 2] == 0xBF) {
			i += 2;			/* U+FEFF */
		} else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80
			   && (unsigned char)s[i + 2] == 0x8B) {
			i += 2;			/* U+200B */
		} else {
			buf_putc(out, (char)c);
		}
	}
}

/* split_lines - cut buf into NUL-terminated lines without trailing blanks */
static void split_lines(char *s, struct lines *l)
{
	size_t cap = 16;

	l->v = xmalloc(cap * sizeof(*l->v));
	l->n = 0;
	for (;;) {
		char *nl = strchr(s, '\n'), *e;
		if (nl)
			*nl = '\0';
		e = s + strlen(s);
		while (e > s && e[-1] == ' ')
			*--e = '\0';
		if (l->n == cap) {
			cap *= 2;
			l->v = xreallocarray(l->v, cap, sizeof(*l->v));
		}
		l->v[l->n++] = s;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

/* skip_blank - past leading spaces */
static const char *skip_blank(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* starts_word - does s begin with phrase (any case) followed by a non-letter? */
static int starts_word(const char *s, const char *phrase)
{
	size_t n = strlen(phrase);

	s = skip_blank(s);
	return strncasecmp(s, phrase, n) == 0 && !isalpha((unsigned char)s[n]);
}

/* ends_with - does s end with suffix (any case)? */
static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static size_t word_count(const char *s)
{
	size_t n = 0;

	while (*(s = skip_blank(s)) != '\0') {
		n++;
		while (*s != '\0' && *s != ' ')
			s++;
	}
	return n;
}

/* contains_ci - does s contain needle (ASCII, any case)? */
static int contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

static int is_quoted(const char *s)
{
	return *skip_blank(s) == '>';
}

static int is_blank(const char *s)
{
	return *skip_blank(s) == '\0';
}

/* next_nonblank - the index of the first non-blank line at or after i (n: none) */
static size_t next_nonblank(const struct lines *l, size_t i)
{
	while (i < l->n && is_blank(l->v[i]))
		i++;
	return i;
}

/* attribution - lines spanned by "On ... wrote:" (or "X wrote:") at i; 0 if not one */
static size_t attribution(const struct lines *l, size_t i, int *on)
{
	size_t k;

	*on = starts_word(l->v[i], "on");
	if (ends_with(l->v[i], "wrote:") || ends_with(l->v[i], "wrote :") || ends_with(l->v[i], "writes:"))
		return 1;
	for (k = i + 1; *on && k < l->n && k <= i + 2 && !is_blank(l->v[k]); k++)
		if (ends_with(l->v[k], "wrote:") || ends_with(l->v[k], "wrote :"))
			return k - i + 1;
	return 0;
}

/* outlook_block - "From:" followed closely by "Sent:"/"Date:" and "To:"/"Subject:" */
static int outlook_block(const struct lines *l, size_t i)
{
	size_t k;
	int date = 0, to = 0;

	if (!starts_word(l->v[i], "from") || strchr(l->v[i], ':') == NULL)
		return 0;
	for (k = i + 1; k < l->n && k <= i + 6; k++) {
		const char *s = skip_blank(l->v[k]);
		date |= strncasecmp(s, "sent:", 5) == 0 || strncasecmp(s, "date:", 5) == 0;
		to |= strncasecmp(s, "to:", 3) == 0 || strncasecmp(s, "subject:", 8) == 0;
	}
	return date && to;
}

/* forward_sep - does line i start forwarded or original-message text? */
static int forward_sep(const struct lines *l, size_t i)
{
	const char *s = skip_blank(l->v[i]);
	size_t k;

	if ((s[0] == '-' && s[1] == '-') || (s[0] == '*' && s[1] == '*')) {
		if (contains_ci(s, "original message") || contains_ci(s, "forwarded message"))
			return 1;
	}
	if (starts_word(s, "begin forwarded message"))
		return 1;
	if (strspn(s, "_") >= 10 && s[strspn(s, "_")] == '\0') {
		k = next_nonblank(l, i + 1);
		return k < l->n && outlook_block(l, k);
	}
	return outlook_block(l, i);
}

/* put_line - append a line, keeping at most one blank line in a row and none first */
static void put_line(struct buf *b, const char *s)
{
	if (is_blank(s)) {
		if (b->len > 0 && !(b->len >= 2 && b->data[b->len - 1] == '\n' && b->data[b->len - 2] == '\n'))
			buf_putc(b, '\n');
		return;
	}
	buf_puts(b, s);
	buf_putc(b, '\n');
}

/* put_unquoted - a quoted line without its '>' marks */
static void put_unquoted(struct buf *b, const char *s)
{
	if (b == NULL)
		return;
	for (s = skip_blank(s); *s == '>'; s = skip_blank(s + 1))
		;
	put_line(b, s);
}

/* scan - mark own lines (keep[i] = 1); the rest goes to quoted */
static void scan(const struct lines *l, char *keep, struct buf *quoted)
{
	size_t i = 0, span;
	int on;

	while (i < l->n) {
		const char *s = l->v[i];
		size_t nb;
		if (forward_sep(l, i))
			break;
		span = attribution(l, i, &on);
		nb = span ? next_nonblank(l, i + span) : 0;
		if (span && nb < l->n && is_quoted(l->v[nb])) {
			i += span;		/* the attribution of a '>' block */
			continue;
		}
		if (span && on)
			break;			/* unprefixed quote: everything after is quoted */
		if (is_quoted(s)) {
			put_unquoted(quoted, s);
			i++;
			continue;
		}
		if (strcmp(skip_blank(s), "--") == 0)
			return;			/* signature delimiter */
		keep[i++] = 1;
	}
	for (; i < l->n; i++)
		put_unquoted(quoted, l->v[i]);
}

/* is_signoff - a short closing line such as "Kind regards," or "Thanks, John";
 * up to SIGNOFF_WORDS_PUNCT words when punctuation follows the phrase
 * ("Regards, Peter Hall, Chair, Crook Parish Council" reflowed onto one line) */
static int is_signoff(const char *s)
{
	size_t i, words = word_count(s);

	if (words > SIGNOFF_WORDS_PUNCT || strchr(s, '?') != NULL)
		return 0;
	for (i = 0; i < sizeof(signoffs) / sizeof(signoffs[0]); i++) {
		const char *after = skip_blank(s) + strlen(signoffs[i]);
		if (!starts_word(s, signoffs[i]))
			continue;
		if (words <= SIGNOFF_WORDS || *after == ',' || *after == '.' || *after == '!')
			return 1;
	}
	return 0;
}

/* drop_signoff - unkeep a sign-off among the last lines and what follows (but a P.S.) */
static void drop_signoff(const struct lines *l, char *keep)
{
	size_t i = l->n, seen = 0, at = l->n;

	while (i > 0 && seen < SIGNOFF_LINES) {
		i--;
		if (!keep[i] || is_blank(l->v[i]))
			continue;
		seen++;
		if (is_signoff(l->v[i]) || starts_word(l->v[i], "sent from my"))
			at = i;
	}
	for (i = at; i < l->n; i++) {
		if (starts_word(l->v[i], "p.s") || starts_word(l->v[i], "ps"))
			break;
		keep[i] = 0;
	}
}

/* drop_greeting - remove a greeting from the first own line */
static void drop_greeting(struct lines *l, char *keep)
{
	size_t i, g, words = 0;
	char *s, *p;

	for (i = 0; i < l->n && (!keep[i] || is_blank(l->v[i])); i++)
		;
	if (i == l->n)
		return;
	s = l->v[i];
	for (g = 0; g < sizeof(greetings) / sizeof(greetings[0]); g++)
		if (starts_word(s, greetings[g]))
			break;
	if (g == sizeof(greetings) / sizeof(greetings[0]))
		return;
	for (p = s; *p != '\0' && words <= 6; p++) {
		if (*p == ' ' && p > s && p[-1] != ' ')
			words++;
		if (*p == ',' || *p == ':' || *p == '!' || *p == ';') {
			l->v[i] = (char *)skip_blank(p + 1);
			if (is_blank(l->v[i]))
				keep[i] = 0;
			return;
		}
	}
	if (word_count(s) <= 5)
		keep[i] = 0;
}

void textclean_split(const char *text, size_t len, struct buf *own, struct buf *quoted)
{
	struct buf norm;
	struct lines l;
	char *keep;
	size_t i;

	buf_init(&norm);
	normalise(text, len, &norm);
	split_lines(norm.data, &l);
	keep = xcalloc(l.n, 1);
	scan(&l, keep, quoted);
	drop_signoff(&l, keep);
	drop_greeting(&l, keep);
	for (i = 0; i < l.n; i++)
		if (keep[i])
			put_line(own, l.v[i]);
	while (own->len > 0 && own->data[own->len - 1] == '\n')
		own->data[--own->len] = '\0';
	while (quoted != NULL && quoted->len > 0 && quoted->data[quoted->len - 1] == '\n')
		quoted->data[--quoted->len] = '\0';
	free(keep);
	free(l.v);
	buf_free(&norm);
}
