/*
 * addrlist.c - the addr-specs of the mailboxes in From:, Sender:, Reply-To:.
 *
 * GMime 3 does the RFC 5322 parsing, but two of its habits are unsafe on
 * hostile headers: groups recurse once per ':' ("a:a:a:..." overflows the
 * stack), and a display name may swallow unquoted commas, then rewind, which
 * is quadratic ("a b, a b, ..." at 80 KB takes seconds). So the value is cut
 * at top-level commas first and each piece is parsed on its own: pieces over
 * ADDRLIST_PIECE_MAX octets are cut at every comma, and each keeps at most
 * ADDRLIST_COLONS_MAX colons. The common plain piece ("a@x.example" or
 * "John Q. Public <a@x.example>", ASCII only) is taken
 * without GMime, which costs more than the rest of a decision. Quoted
 * phrases ("Jones, A." <a@x.example>) count as plain.
 */
#include "addrlist.h"
#include "addr.h"
#include "buf.h"
#include "log.h"
#include "xalloc.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ADDRLIST_MERGE_MAX - a piece grows past a comma only while shorter */
#define ADDRLIST_MERGE_MAX	128
/* ADDRLIST_PIECE_MAX - longest piece handed to GMime whole */
#define ADDRLIST_PIECE_MAX	1024
/* ADDRLIST_COLONS_MAX - colons kept per piece; later ones become blanks */
#define ADDRLIST_COLONS_MAX	8
/* ADDRLIST_DEPTH_MAX - group nesting followed when flattening */
#define ADDRLIST_DEPTH_MAX	16

/* struct addrlist_scan - position in a header value being cut into pieces */
struct addrlist_scan {
	const char *s;
	size_t len;
	size_t pos;
	int quote_dead;		/* an unclosed '"' was seen: later ones are plain */
	int comment_dead;	/* an unclosed '(' was seen: later ones are plain */
};

/* struct addrlist_out - where the addr-specs go, and how many may */
struct addrlist_out {
	struct strlist *list;
	size_t max;
	size_t count;
	struct buf piece;	/* NUL-terminated copy of the current piece */
};

static pthread_once_t rules_once = PTHREAD_ONCE_INIT;

/* rules_init_once - the one-time process set-up behind rules_init */
static void rules_init_once(void)
{
	g_mime_init();
}

/* rules_init - initialise GMime once per process (see addrlist.h) */
void rules_init(void)
{
	int rc = pthread_once(&rules_once, rules_init_once);

	if (rc != 0) {
		log_err("rules_init: pthread_once failed (%d): cannot initialise GMime", rc);
		abort();
	}
}

/* addrlist_skip_quoted - index after the '"' closing the one at i, 0 if none */
static size_t addrlist_skip_quoted(const struct addrlist_scan *sc, size_t i)
{
	for (i++; i < sc->len; i++) {
		if (sc->s[i] == '\\' && i + 1 < sc->len)
			i++;
		else if (sc->s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* addrlist_skip_comment - index after the ')' closing the '(' at i, 0 if none */
static size_t addrlist_skip_comment(const struct addrlist_scan *sc, size_t i)
{
	size_t depth = 0;

	for (; i < sc->len; i++) {
		if (sc->s[i] == '\\' && i + 1 < sc->len)
			i++;
		else if (sc->s[i] == '(')
			depth++;
		else if (sc->s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

/* addrlist_next_is_at - 1 if the first non-blank at or after i is '@' (a route) */
static int addrlist_next_is_at(const struct addrlist_scan *sc, size_t i)
{
	while (i < sc->len && strchr(" \t\r\n", sc->s[i]) != NULL)
		i++;
	return i < sc->len && sc->s[i] == '@';
}

/*
 * addrlist_next_piece - the next piece of the value: up to a comma outside
 * quotes and comments, once the piece holds something address-like ('@',
 * '<', ':' ...) so "Jones, Alice <a@x>" stays whole, and not before
 * "@hop" (a route). Unclosed quotes and comments count as plain text, as
 * GMime's loose mode treats them. Merging stops at ADDRLIST_MERGE_MAX
 * octets. Returns 0 at the end of the value.
 */
static int addrlist_next_piece(struct addrlist_scan *sc, const char **piece, size_t *n)
{
	size_t i = sc->pos, start = sc->pos, j;
	int seen = 0;
	char c;

	if (sc->pos >= sc->len)
		return 0;
	while (i < sc->len) {
		c = sc->s[i];
		if (c == '"' && !sc->quote_dead) {
			if ((j = addrlist_skip_quoted(sc, i)) != 0) {
				i = j;
				continue;
			}
			sc->quote_dead = 1;
		} else if (c == '(' && !sc->comment_dead) {
			if ((j = addrlist_skip_comment(sc, i)) != 0) {
				i = j;
				continue;
			}
			sc->comment_dead = 1;
		} else if (c == ',') {
			if (i - start >= ADDRLIST_MERGE_MAX ||
			    (seen && !addrlist_next_is_at(sc, i + 1)))
				break;
		} else if (c == '@' || c == '<' || c == '>' || c == ':' || c == ';') {
			seen = 1;	/* not strchr: this runs for every octet of every From: */
		}
		i++;
	}
	*piece = sc->s + start;
	*n = i - start;
	sc->pos = i < sc->len ? i + 1 : sc->len;
	return 1;
}

/* addrlist_walk - append each mailbox of list, flattening groups */
static void addrlist_walk(InternetAddressList *list, int depth, struct addrlist_out *o)
{
	InternetAddress *ia;
	const char *addr;
	int i, n;

	if (list == NULL || (n = internet_address_list_length(list)) <= 0)
		return;
	for (i = 0; i < n && o->count < o->max; i++) {
		ia = internet_address_list_get_address(list, i);
		if (ia == NULL)
			continue;
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth < ADDRLIST_DEPTH_MAX)
				addrlist_walk(internet_address_group_get_members(
					INTERNET_ADDRESS_GROUP(ia)), depth + 1, o);
		} else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			if (addr != NULL && *addr != '\0') {
				strlist_add(o->list, addr);
				o->count++;
			}
		}
	}
}

/* plain_local - [A-Za-z0-9_+-] */
static int plain_local(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	       || c == '_' || c == '+' || c == '-';
}

/* plain_phrase - atext (RFC 5322 3.2.3) or '.', which obs-phrase allows after a word */
static int plain_phrase(char c)
{
	return addr_atext_ascii((unsigned char)c);
}

/* plain_label - [A-Za-z0-9-] */
static int plain_label(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	       || c == '-';
}

/*
 * plain_addr_spec - length of a plain addr-spec at p (at most n): a
 * dot-atom of plain_local runs, '@', two or more dot-separated plain_label
 * labels, none an IDNA "xn--" label (GMime may decode those); 0 when not plain
 */
static size_t plain_addr_spec(const char *p, size_t n)
{
	size_t i = 0, run = 0, labels = 0;

	for (; i < n && p[i] != '@'; i++) {
		if (p[i] == '.' && run > 0)
			run = 0;
		else if (plain_local(p[i]))
			run++;
		else
			return 0;
	}
	if (i == n || run == 0)
		return 0;
	for (i++, run = 0; i < n && (plain_label(p[i]) || p[i] == '.'); i++) {
		if (p[i] != '.') {
			if (run == 0 && n - i >= 4 && strncasecmp(p + i, "xn--", 4) == 0)
				return 0;
			run++;
		} else if (run == 0) {
			return 0;
		} else {
			run = 0;
			labels++;
		}
	}
	return run > 0 && labels > 0 ? i : 0;
}

/*
 * addrlist_plain - the addr-spec of a plain piece without GMime: blanks, an
 * optional phrase of atext, blanks, a '.' right after a word (obs-phrase:
 * "John Q. Public") and quoted strings of printable ASCII without escapes,
 * with the address in angle brackets;
 * or a bare address. 1 taken, 0 not plain (ask GMime).
 */
static int addrlist_plain(const char *p, size_t n, struct addrlist_out *o)
{
	size_t i = 0, a, k;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == n)
		return 0;
	if (p[n - 1] == '>') {
		while (i < n && p[i] != '<') {
			if (p[i] == '"') {	/* a quoted phrase: printable ASCII, no escapes */
				for (i++; i < n && p[i] != '"'; i++)
					if (p[i] == '\\' || p[i] < 0x20 || p[i] > 0x7e)
						return 0;
				if (i == n)
					return 0;
			} else if (p[i] == '.' ? i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t'
				   : !plain_phrase(p[i]) && p[i] != ' ' && p[i] != '\t') {
				return 0;	/* a '.' only right after a word ("A. Name") */
			}
			i++;
		}
		if (i == n)
			return 0;
		a = ++i;
		n--;
	} else {
		a = i;
	}
	k = plain_addr_spec(p + a, n - a);
	if (k == 0 || a + k != n)
		return 0;
	strlist_take(o->list, xstrndup(p + a, k));
	o->count++;
	return 1;
}

/*
 * addrlist_parse_piece - hand one piece to GMime, colons capped and
 * comments dropped: only addr-specs are wanted, and GMime 3.2 leaks on
 * malformed comments ("=@[](", "d@[\"](" found by fuzzing). Balanced
 * comments outside quotes and domain literals are skipped whole; any
 * parenthesis left after that becomes a blank, so GMime never parses a
 * comment at all.
 */
static void addrlist_parse_piece(const char *p, size_t n, struct addrlist_out *o)
{
	InternetAddressList *list;
	size_t i, colons = 0, depth = 0;
	int blank = 1, quoted = 0, literal = 0;

	if (addrlist_plain(p, n, o))
		return;
	buf_reset(&o->piece);
	for (i = 0; i < n; i++) {
		char c = p[i];
		if (depth > 0) {	/* inside a comment: skip, minding escapes and nesting */
			if (c == '\\')
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (c == '(' && !quoted && !literal) {
			depth = 1;
			c = ' ';
		} else if (c == '"' && !literal) {
			quoted = !quoted;
		} else if (c == '[' && !quoted) {
			literal = 1;
		} else if (c == ']' && !quoted) {
			literal = 0;
		} else if (c == '\\' && quoted && i + 1 < n) {
			buf_putc(&o->piece, c);
			c = p[++i];
		}
		if (c == '(' || c == ')' || (c == ':' && ++colons > ADDRLIST_COLONS_MAX))
			c = ' ';
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			blank = 0;
		buf_putc(&o->piece, c);
	}
	if (blank)
		return;
	list = internet_address_list_parse(NULL, buf_cstr(&o->piece));
	if (list == NULL)
		return;
	addrlist_walk(list, 0, o);
	g_object_unref(list);
}

/* addrlist_parse_long - a piece over ADDRLIST_PIECE_MAX: cut at every comma */
static void addrlist_parse_long(const char *p, size_t n, struct addrlist_out *o)
{
	const char *comma;
	size_t k;

	while (n > 0 && o->count < o->max) {
		comma = memchr(p, ',', n);
		k = comma ? (size_t)(comma - p) : n;
		addrlist_parse_piece(p, k, o);
		if (comma == NULL)
			break;
		p += k + 1;
		n -= k + 1;
	}
}

/* addrlist_parse - append up to max raw addr-specs from value to out */
size_t addrlist_parse(const char *value, size_t max, struct strlist *out)
{
	struct addrlist_scan sc;
	struct addrlist_out o;
	const char *piece;
	size_t n;

	if (value == NULL || *value == '\0' || max == 0 || out == NULL)
		return 0;
	rules_init();
	memset(&sc, 0, sizeof(sc));
	sc.s = value;
	sc.len = strlen(value);
	o.list = out;
	o.max = max;
	o.count = 0;
	buf_init(&o.piece);
	while (o.count < max && addrlist_next_piece(&sc, &piece, &n)) {
		if (n > ADDRLIST_PIECE_MAX)
			addrlist_parse_long(piece, n, &o);
		else
			addrlist_parse_piece(piece, n, &o);
	}
	buf_free(&o.piece);
	return o.count;
}
