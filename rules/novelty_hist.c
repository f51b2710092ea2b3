/*
 * novelty_hist.c - a person's bounded fingerprint history and the text
 * form fingerprints and histories are stored in (novelty.h).
 *
 * A fingerprint serialises as "n1.COUNT.DATA": DATA is base64url (no
 * padding) of the ascending shingle hashes as LEB128 varints, the first
 * whole and each next as the difference to its predecessor. Parsing is
 * strict (count, order, no trailing bytes), so a damaged row is refused,
 * never half-read. Histories are lines "AT<TAB>ID<TAB>FINGERPRINT".
 */
#include "novelty.h"
#include "buf.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct nentry {
	char *id;
	time_t at;
	uint64_t *set;
	size_t n;
};

struct novelty_history {
	struct nentry *e;		/* oldest first */
	size_t n, cap;
	size_t max_entries, max_shingles, total;
};

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct novelty_history *novelty_history_new(size_t max_entries, size_t max_shingles)
{
	struct novelty_history *h = xcalloc(1, sizeof(*h));

	h->max_entries = max_entries ? max_entries : NOVELTY_HISTORY_ENTRIES;
	h->max_shingles = max_shingles ? max_shingles : NOVELTY_HISTORY_SHINGLES;
	return h;
}

void novelty_history_free(struct novelty_history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		free(h->e[i].id);
		free(h->e[i].set);
	}
	free(h->e);
	free(h);
}

/* drop_oldest - forget the oldest message */
static void drop_oldest(struct novelty_history *h)
{
	h->total -= h->e[0].n;
	free(h->e[0].id);
	free(h->e[0].set);
	memmove(h->e, h->e + 1, (h->n - 1) * sizeof(*h->e));
	h->n--;
}

/* add_set - insert a copy of set in time order, then enforce the bounds */
static void add_set(struct novelty_history *h, const char *id, time_t at,
		    const uint64_t *set, size_t n)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->e = xreallocarray(h->e, h->cap, sizeof(*h->e));
	}
	for (i = h->n; i > 0 && h->e[i - 1].at > at; i--)
		h->e[i] = h->e[i - 1];
	h->e[i].id = novelty_id_sanitise(id);
	h->e[i].at = at;
	h->e[i].n = n;
	h->e[i].set = xmalloc((n ? n : 1) * sizeof(uint64_t));
	if (n)
		memcpy(h->e[i].set, set, n * sizeof(uint64_t));
	h->n++;
	h->total += n;
	while (h->n > 1 && (h->n > h->max_entries || h->total > h->max_shingles))
		drop_oldest(h);
}

void novelty_history_add(struct novelty_history *h, const char *id, time_t at,
			 const struct novelty_fp *fp)
{
	struct novelty_set s = novelty_fp_set(fp);

	add_set(h, id, at, s.v, s.n);
}

size_t novelty_history_count(const struct novelty_history *h)
{
	return h->n;
}

size_t novelty_history_shingles(const struct novelty_history *h)
{
	return h->total;
}

struct novelty_set novelty_hist_entry(const struct novelty_history *h, size_t i, const char **id)
{
	struct novelty_set s = { h->e[i].set, h->e[i].n };

	if (id)
		*id = h->e[i].id;
	return s;
}

/* b64_put - base64url of bytes, no padding */
static void b64_put(struct buf *b, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		buf_putc(b, b64[v >> 18]);
		buf_putc(b, b64[(v >> 12) & 63]);
		buf_putc(b, b64[(v >> 6) & 63]);
		buf_putc(b, b64[v & 63]);
	}
	if (n - i == 1) {
		buf_putc(b, b64[p[i] >> 2]);
		buf_putc(b, b64[(p[i] & 3) << 4]);
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 8 | p[i + 1];
		buf_putc(b, b64[v >> 10]);
		buf_putc(b, b64[(v >> 4) & 63]);
		buf_putc(b, b64[(v & 15) << 2]);
	}
}

/* b64_get - decode base64url; -1 on a foreign character or impossible length */
static int b64_get(const char *s, size_t len, struct buf *out)
{
	unsigned v = 0, bits = 0;
	size_t i;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		const char *c = s[i] ? memchr(b64, s[i], 64) : NULL;
		if (c == NULL)
			return -1;
		v = (v << 6) | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)((v >> bits) & 0xFF));
		}
	}
	return (v & ((1u << bits) - 1)) == 0 ? 0 : -1;	/* leftover bits must be zero */
}

/* set_serialise - "n1.COUNT.DATA" of an ascending set */
static char *set_serialise(const uint64_t *v, size_t n)
{
	struct buf raw, out;
	uint64_t prev = 0;
	size_t i;

	buf_init(&raw);
	buf_init(&out);
	for (i = 0; i < n; i++) {
		uint64_t d = v[i] - prev;
		prev = v[i];
		do {
			buf_putc(&raw, (char)((d & 0x7F) | (d > 0x7F ? 0x80 : 0)));
			d >>= 7;
		} while (d);
	}
	buf_printf(&out, "n1.%zu.", n);
	b64_put(&out, (const unsigned char *)raw.data, raw.len);
	buf_free(&raw);
	return buf_take(&out);
}

char *novelty_fp_serialise(const struct novelty_fp *fp)
{
	struct novelty_set s = novelty_fp_set(fp);

	return set_serialise(s.v, s.n);
}

/* varints - decode exactly n strictly ascending values from raw; -1 if malformed */
static int varints(const unsigned char *p, size_t len, uint64_t *v, size_t n)
{
	size_t i, pos = 0;
	uint64_t prev = 0;

	for (i = 0; i < n; i++) {
		uint64_t d = 0;
		unsigned shift = 0;
		for (;;) {
			if (pos >= len || shift > 63)
				return -1;
			if (shift == 63 && (p[pos] & 0x7E))
				return -1;		/* would overflow 64 bits */
			d |= (uint64_t)(p[pos] & 0x7F) << shift;
			shift += 7;
			if (!(p[pos++] & 0x80))
				break;
		}
		if ((i > 0 && d == 0) || d > UINT64_MAX - prev)
			return -1;
		prev += d;
		v[i] = prev;
	}
	return pos == len ? 0 : -1;
}

struct novelty_fp *novelty_fp_parse(const char *text)
{
	char *end;
	unsigned long long n;
	struct buf raw;
	uint64_t *v;

	if (text == NULL || strncmp(text, "n1.", 3) != 0 || text[3] < '0' || text[3] > '9')
		return NULL;
	errno = 0;
	n = strtoull(text + 3, &end, 10);
	if (errno != 0 || *end != '.' || n > NOVELTY_MAX_WORDS)
		return NULL;
	buf_init(&raw);
	if (b64_get(end + 1, strlen(end + 1), &raw) != 0 || raw.len < n || raw.len > n * 10) {
		buf_free(&raw);
		return NULL;
	}
	v = xmalloc((n ? n : 1) * sizeof(*v));
	if (varints((const unsigned char *)raw.data, raw.len, v, (size_t)n) != 0) {
		free(v);
		buf_free(&raw);
		return NULL;
	}
	buf_free(&raw);
	return novelty_fp_from_set(v, (size_t)n);
}

char *novelty_history_serialise(const struct novelty_history *h)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < h->n; i++) {
		char *fp = set_serialise(h->e[i].set, h->e[i].n);
		buf_printf(&b, "%lld\t%s\t%s\n", (long long)h->e[i].at,
			   *h->e[i].id ? h->e[i].id : "-", fp);
		free(fp);
	}
	return buf_take(&b);
}

/* parse_line - one "AT<TAB>ID<TAB>FP" line into h; -1 if malformed */
static int parse_line(struct novelty_history *h, char *line)
{
	char *t1 = strchr(line, '\t'), *t2, *end;
	long long at;
	struct novelty_fp *fp;

	if (t1 == NULL || (t2 = strchr(t1 + 1, '\t')) == NULL)
		return -1;
	*t1 = *t2 = '\0';
	errno = 0;
	at = strtoll(line, &end, 10);
	if (errno != 0 || end == line || *end != '\0' || t2 == t1 + 1)
		return -1;
	fp = novelty_fp_parse(t2 + 1);
	if (fp == NULL)
		return -1;
	novelty_history_add(h, strcmp(t1 + 1, "-") == 0 ? "" : t1 + 1, (time_t)at, fp);
	novelty_fp_free(fp);
	return 0;
}

size_t novelty_history_parse(struct novelty_history *h, const char *text, size_t *bad)
{
	char *copy = xstrdup(text), *line = copy, *nl;
	size_t added = 0, nbad = 0;

	for (; line != NULL && *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (*line == '\0')
			continue;
		if (parse_line(h, line) == 0)
			added++;
		else
			nbad++;
	}
	free(copy);
	if (bad)
		*bad = nbad;
	return added;
}
