/*
 * addr.c - normalise one address (or one domain) in SPEC's order.
 *
 * trim; strip one pair of <>; the null sender; refuse control bytes, bad
 * UTF-8 and over-long input; split at the last '@' outside quotes; unwrap
 * SRS1 -> SRS0 -> original and BATV; domain to lower-case IDNA A-labels
 * (libidn2, non-transitional, NFC input); drop the subaddress tag;
 * lower-case the local part unless told it is case-sensitive.
 */
#include "addr.h"
#include "buf.h"
#include "xalloc.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ADDR_INPUT_MAX - raw input scanned at most (room for <> and blanks) */
#define ADDR_INPUT_MAX	(2 * ADDR_MAX)
/* DOMAIN_MAX - longest domain accepted, in octets (RFC 1035 plus slack) */
#define DOMAIN_MAX	255
/*
 * UNWRAP_ROUNDS - SRS/BATV layers peeled off at most. Every layer peeled
 * makes the address shorter, so peeling stops on its own long before this;
 * peeling every layer keeps normalisation idempotent (a normalised address
 * normalises to itself, which stored selectors rely on).
 */
#define UNWRAP_ROUNDS	ADDR_MAX
/* ADDR_PART_SPACE - stack room for a local part or domain; more moves to the heap */
#define ADDR_PART_SPACE	(ADDR_MAX + 2)

/* BATV_TAG_MAX - longest BATV tag accepted */
#define BATV_TAG_MAX	64

/* struct addr_parts - an address being normalised */
struct addr_parts {
	struct buf local;	/* unquoted content of the local part */
	struct buf domain;	/* normalised domain (A-labels, lower case) */
	int quoted;		/* local part needs quotes when written */
};

static enum addr_result domain_norm(const char *s, size_t n, struct buf *out);

static const struct addr_opts addr_defaults = { "+", 0 };

/* addr_result_str - a short English description of a result (see addr.h) */
const char *addr_result_str(enum addr_result r)
{
	switch (r) {
	case ADDR_OK:
		return "ok";
	case ADDR_NULL:
		return "null sender";
	case ADDR_TOO_LONG:
		return "address too long";
	case ADDR_INVALID:
		return "invalid address";
	}
	return "unknown address result";
}

/* addr_domain - what follows the last '@'; "" if none (see addr.h) */
const char *addr_domain(const char *normalised)
{
	const char *at;

	if (normalised == NULL)
		return "";
	at = strrchr(normalised, '@');
	return at ? at + 1 : "";
}

/* addr_blank - a character trimmed from either end */
static int addr_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* addr_trim - narrow s/n to exclude blanks at both ends */
static void addr_trim(const char **s, size_t *n)
{
	while (*n > 0 && addr_blank((unsigned char)(*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && addr_blank((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* addr_has_ctl - 1 if s holds a byte below 0x20 or DEL */
static int addr_has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return 1;
	return 0;
}

/* addr_utf8_valid - 1 if s is well-formed UTF-8 (no overlongs/surrogates) */
static int addr_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, len;
	unsigned long cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			cp = s[i] & 0x07;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int addr_atext_ascii(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	switch (c) {	/* not strchr: this runs for every octet of every address */
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
	case '-': case '/': case '=': case '?': case '^': case '_': case '`': case '{':
	case '|': case '}': case '~': case '.':
		return 1;
	default:
		return 0;
	}
}

/* addr_atext - 1 for a character allowed in an unquoted local part */
static int addr_atext(unsigned char c)
{
	return c >= 0x80 || addr_atext_ascii(c);	/* UTF-8 (SMTPUTF8): validity is checked apart */
}

/* addr_lower - lower-case ASCII letters in place */
static void addr_lower(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

/* addr_buf_keep - keep n bytes of b starting at off */
static void addr_buf_keep(struct buf *b, size_t off, size_t n)
{
	memmove(b->data, b->data + off, n);
	b->len = n;
	b->data[n] = '\0';
}

/*
 * addr_split_at - index of the last '@' outside quotes, n if none; -1 when
 * a quoted string is not closed.
 */
static long addr_split_at(const char *s, size_t n)
{
	size_t i, at = n;
	int inq = 0;

	for (i = 0; i < n; i++) {
		if (inq && s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '"')
			inq = !inq;
		else if (!inq && s[i] == '@')
			at = i;
	}
	return inq ? -1 : (long)at;
}

/*
 * addr_local_parse - the local part s/n into p->local (quotes removed,
 * escapes decoded). Quotes are kept (p->quoted) only when the content
 * needs them: "bob"@x and bob@x are the same mailbox (RFC 5321 4.1.2).
 */
static enum addr_result addr_local_parse(const char *s, size_t n, struct addr_parts *p)
{
	size_t i;

	p->quoted = 0;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		for (i = 1; i < n - 1; i++) {
			if (s[i] == '\\' && i + 1 < n - 1)
				i++;
			else if (s[i] == '"')
				return ADDR_INVALID;	/* "a"b"c" */
			buf_putc(&p->local, s[i]);
		}
		for (i = 0; i < p->local.len; i++)
			if (!addr_atext((unsigned char)p->local.data[i]))
				p->quoted = 1;
	} else {
		for (i = 0; i < n; i++)
			if (!addr_atext((unsigned char)s[i]))
				return ADDR_INVALID;	/* specials, blanks, stray quote */
		buf_append(&p->local, s, n);
	}
	return p->local.len > 0 ? ADDR_OK : ADDR_INVALID;
}

/*
 * addr_srs0_body - parse "<sep>HASH=TT=domain=local" (what follows "SRS0");
 * on success store local and the normalised domain and return 1; else
 * (wrong field count, a domain field that is no domain) return 0 and
 * change nothing.
 */
static int addr_srs0_body(const char *s, struct addr_parts *p)
{
	const char *hash, *tt, *dom, *local;
	char space[ADDR_PART_SPACE];
	struct buf d;

	if (*s == '\0' || strchr("=+-", *s) == NULL)
		return 0;
	hash = s + 1;
	if ((tt = strchr(hash, '=')) == NULL || tt == hash)
		return 0;
	tt++;
	if ((dom = strchr(tt, '=')) == NULL || dom == tt)
		return 0;
	dom++;
	if ((local = strchr(dom, '=')) == NULL || local == dom)
		return 0;
	local++;
	if (*local == '\0')
		return 0;
	buf_init_on(&d, space, sizeof(space));
	if (domain_norm(dom, (size_t)(local - 1 - dom), &d) != ADDR_OK) {
		buf_free(&d);
		return 0;
	}
	buf_reset(&p->domain);
	buf_append(&p->domain, d.data, d.len);
	buf_free(&d);
	addr_buf_keep(&p->local, (size_t)(local - p->local.data), strlen(local));
	return 1;
}

/*
 * addr_srs_unwrap - SRS1<sep>HASH=fwd=<SRS0 remainder> and SRS0<sep>HASH=
 * TT=domain=local back to local@domain. Returns 1 if unwrapped; an address
 * that only looks like SRS (wrong number of fields) is left alone.
 */
static int addr_srs_unwrap(struct addr_parts *p)
{
	const char *s = p->local.data, *fwd, *rest;

	if (p->quoted || p->local.len < 5 || (s[0] | 0x20) != 's' || (s[1] | 0x20) != 'r'
	    || (s[2] | 0x20) != 's')
		return 0;	/* most addresses: decided on three letters */
	if (s[3] == '0')
		return addr_srs0_body(s + 4, p);
	if (s[3] != '1' || strchr("=+-", s[4]) == NULL)
		return 0;
	/* SRS1<sep>HASH=first-forwarder=<sep>HASH=TT=domain=local */
	if ((fwd = strchr(s + 5, '=')) == NULL || fwd == s + 5)
		return 0;
	fwd++;
	if ((rest = strchr(fwd, '=')) == NULL || rest == fwd)
		return 0;
	return addr_srs0_body(rest + 1, p);
}

/* addr_batv_unwrap - prvs=TAG=local (or btv1==TAG==local) to local; 1 if done */
static int addr_batv_unwrap(struct addr_parts *p)
{
	const char *s = p->local.data, *tag, *end;
	size_t i, skip;

	if (p->quoted || ((s[0] | 0x20) != 'p' && (s[0] | 0x20) != 'b'))
		return 0;	/* neither prvs= nor btv1== */
	if (strncasecmp(s, "prvs=", 5) == 0) {
		tag = s + 5;
		end = strchr(tag, '=');
		skip = 1;
	} else if (strncasecmp(s, "btv1==", 6) == 0) {
		tag = s + 6;
		end = strstr(tag, "==");
		skip = 2;
	} else {
		return 0;
	}
	if (end == NULL || end == tag || end - tag > BATV_TAG_MAX || end[skip] == '\0')
		return 0;
	for (i = 0; tag + i < end; i++)
		if (!((tag[i] >= '0' && tag[i] <= '9') || (tag[i] >= 'a' && tag[i] <= 'z') ||
		      (tag[i] >= 'A' && tag[i] <= 'Z')))
			return 0;
	end += skip;
	addr_buf_keep(&p->local, (size_t)(end - s), strlen(end));
	return 1;
}

/* addr_subaddr_strip - cut the local part at the first separator after position 0 */
static void addr_subaddr_strip(struct addr_parts *p, const char *seps)
{
	size_t i;

	if (p->quoted || seps == NULL || *seps == '\0' || p->local.len < 2)
		return;
	i = 1 + strcspn(p->local.data + 1, seps);	/* unquoted: no NUL inside */
	if (i < p->local.len)
		addr_buf_keep(&p->local, 0, i);
}

/* domain_check - out holds lower-case LDH labels, none empty, within DOMAIN_MAX */
static enum addr_result domain_check(const struct buf *out)
{
	size_t i;
	char c, prev = '.';

	if (out->len == 0)
		return ADDR_INVALID;
	for (i = 0; i < out->len; i++) {
		c = out->data[i];
		if (c == '.' && prev == '.')
			return ADDR_INVALID;	/* leading dot or empty label */
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return ADDR_INVALID;
		prev = c;
	}
	if (prev == '.')
		return ADDR_INVALID;
	return out->len > DOMAIN_MAX ? ADDR_TOO_LONG : ADDR_OK;
}

/* domain_literal - "[192.0.2.1]" or "[IPv6:...]", kept, lower-cased */
static enum addr_result domain_literal(const char *s, size_t n, struct buf *out)
{
	size_t i;

	if (n < 3 || s[n - 1] != ']')
		return ADDR_INVALID;
	for (i = 1; i < n - 1; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-'))
			return ADDR_INVALID;
	}
	buf_append(out, s, n);
	addr_lower(out->data, out->len);
	return ADDR_OK;
}

/*
 * domain_norm - domain s/n to lower-case A-labels appended to out. One
 * trailing dot (the root) is dropped; U-labels go through libidn2,
 * non-transitional with NFC input, so "ß" stays distinct from "ss".
 */
static enum addr_result domain_norm(const char *s, size_t n, struct buf *out)
{
	size_t i;
	int ascii = 1;
	char *tmp, *ace = NULL;
	int rc;

	buf_reset(out);
	if (n == 0)
		return ADDR_INVALID;
	if (s[0] == '[')
		return domain_literal(s, n, out);
	if (n > 1 && s[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = 0;
	if (ascii) {
		buf_append(out, s, n);
	} else {
		if (!addr_utf8_valid(s, n))
			return ADDR_INVALID;
		tmp = xstrndup(s, n);
		rc = idn2_to_ascii_8z(tmp, &ace, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		free(tmp);
		if (rc != IDN2_OK || ace == NULL)
			return ADDR_INVALID;
		buf_puts(out, ace);
		idn2_free(ace);
	}
	addr_lower(out->data, out->len);
	return domain_check(out);
}

/* addr_unwrap - peel SRS and BATV layers, SRS first, until none is left */
static void addr_unwrap(struct addr_parts *p)
{
	int round, changed;

	for (round = 0; round < UNWRAP_ROUNDS; round++) {
		changed = addr_srs_unwrap(p);
		changed |= addr_batv_unwrap(p);
		if (!changed)
			break;
	}
}

/* addr_write - the final "local@domain", quoting the local part if needed */
static enum addr_result addr_write(struct addr_parts *p, char **out)
{
	char space[ADDR_MAX + 2];
	struct buf b;
	size_t i;

	buf_init_on(&b, space, sizeof(space));
	if (p->quoted) {
		buf_putc(&b, '"');
		for (i = 0; i < p->local.len; i++) {
			if (p->local.data[i] == '"' || p->local.data[i] == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, p->local.data[i]);
		}
		buf_putc(&b, '"');
	} else {
		buf_append(&b, p->local.data, p->local.len);
	}
	buf_putc(&b, '@');
	buf_append(&b, p->domain.data, p->domain.len);
	if (b.len > ADDR_MAX) {
		buf_free(&b);
		return ADDR_TOO_LONG;
	}
	*out = buf_take(&b);	/* the one allocation of a normalisation */
	buf_free(&b);
	return ADDR_OK;
}

/*
 * addr_parse - trimmed, unbracketed s/n into p: drop a source route,
 * split at the last '@' outside quotes, check and normalise both halves.
 */
static enum addr_result addr_parse(const char *s, size_t n, struct addr_parts *p)
{
	const char *colon;
	long at;
	enum addr_result r;

	if (n > 0 && s[0] == '@' && (colon = memchr(s, ':', n)) != NULL) {
		n -= (size_t)(colon + 1 - s);	/* <@relay,@hop:bob@example.org> */
		s = colon + 1;
	}
	if ((at = addr_split_at(s, n)) < 0 || (size_t)at == n)
		return ADDR_INVALID;
	if (at == 0 || (size_t)at + 1 == n)
		return ADDR_INVALID;
	if ((r = addr_local_parse(s, (size_t)at, p)) != ADDR_OK)
		return r;
	return domain_norm(s + at + 1, n - (size_t)at - 1, &p->domain);
}

/* addr_prepare - trim, strip <>, spot the null sender and refuse bad bytes */
static enum addr_result addr_prepare(const char *in, const char **s, size_t *n)
{
	if (in == NULL)
		return ADDR_NULL;
	*n = strnlen(in, ADDR_INPUT_MAX + 1);
	if (*n > ADDR_INPUT_MAX)
		return ADDR_TOO_LONG;	/* decided before any other work */
	*s = in;
	addr_trim(s, n);
	if (*n >= 2 && (*s)[0] == '<' && (*s)[*n - 1] == '>') {
		(*s)++;
		*n -= 2;
		addr_trim(s, n);
	}
	if (*n == 0)
		return ADDR_NULL;
	if (*n > ADDR_MAX)
		return ADDR_TOO_LONG;
	if (addr_has_ctl(*s, *n) || !addr_utf8_valid(*s, *n))
		return ADDR_INVALID;
	return ADDR_OK;
}

/* addr_normalise - one address in SPEC's order; NULL opts means the defaults */
enum addr_result addr_normalise(const char *in, const struct addr_opts *opts, char **out)
{
	char local_space[ADDR_PART_SPACE], domain_space[ADDR_PART_SPACE];
	struct addr_parts p;
	const char *s = NULL;
	size_t n = 0;
	enum addr_result r;

	*out = NULL;
	if (opts == NULL)
		opts = &addr_defaults;
	if ((r = addr_prepare(in, &s, &n)) != ADDR_OK)
		return r;
	/* on the stack: normalising runs several times a message; a part past this grows on the heap */
	buf_init_on(&p.local, local_space, sizeof(local_space));
	buf_init_on(&p.domain, domain_space, sizeof(domain_space));
	if ((r = addr_parse(s, n, &p)) == ADDR_OK) {
		addr_unwrap(&p);
		addr_subaddr_strip(&p, opts->subaddress_sep);
		if (!opts->local_part_case_sensitive)
			addr_lower(p.local.data, p.local.len);
		r = addr_write(&p, out);
	}
	buf_free(&p.local);
	buf_free(&p.domain);
	return r;
}

/* addr_normalise_domain - a bare domain, trimmed, to lower-case A-labels */
enum addr_result addr_normalise_domain(const char *in, char **out)
{
	struct buf dom;
	const char *s;
	size_t n;
	enum addr_result r;

	*out = NULL;
	if (in == NULL)
		return ADDR_INVALID;
	n = strnlen(in, ADDR_INPUT_MAX + 1);
	if (n > ADDR_INPUT_MAX)
		return ADDR_TOO_LONG;
	s = in;
	addr_trim(&s, &n);
	if (n == 0 || addr_has_ctl(s, n))
		return ADDR_INVALID;
	buf_init(&dom);
	r = domain_norm(s, n, &dom);
	if (r == ADDR_OK)
		*out = buf_take(&dom);
	buf_free(&dom);
	return r;
}
