/*
 * ctable.c - bucketised cuckoo hash table of strings to user-id lists.
 *
 * Each key may live in one of two buckets (two hash functions), each bucket
 * holds two slots, and the table is kept at most half full, so a lookup
 * looks at four slots at most. Insertion displaces occupants to their other
 * bucket; if that loops, the table is rebuilt with new seeds (or bigger).
 */
#include "ctable.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define SLOTS_PER_BUCKET 2
#define MAX_KICKS 500

struct slot {
	const char *key;		/* NULL: empty */
	uint32_t len;
	uint32_t nusers;
	size_t users;			/* offset into t->users */
	uint64_t hash;			/* key hash, before seeding */
};

struct ctable {
	struct slot *slots;		/* nbuckets * SLOTS_PER_BUCKET */
	size_t nbuckets;		/* power of two */
	uint64_t seed1, seed2;
	long long *users;
	char *keys;			/* every distinct key, NUL-separated */
	size_t count;
};

/* hash_bytes - FNV-1a over the key; seeds are mixed in per bucket choice */
static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* mix - splitmix64's finaliser: spreads every input bit over the output */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static size_t bucket_of(const struct ctable *t, uint64_t h, int which)
{
	return (size_t)mix(h ^ (which ? t->seed2 : t->seed1)) & (t->nbuckets - 1);
}

/* place - put s into one of its buckets, displacing as needed; 0 or -1 */
static int place(struct ctable *t, struct slot s, uint64_t *rng)
{
	int kick, i;

	for (kick = 0; kick < MAX_KICKS; kick++) {
		size_t b[2] = { bucket_of(t, s.hash, 0), bucket_of(t, s.hash, 1) };
		int w;
		for (w = 0; w < 2; w++)
			for (i = 0; i < SLOTS_PER_BUCKET; i++) {
				struct slot *d = &t->slots[b[w] * SLOTS_PER_BUCKET + i];
				if (d->key == NULL) {
					*d = s;
					return 0;
				}
			}
		/* evict a pseudo-random occupant of a pseudo-random bucket */
		*rng = mix(*rng + 0x9e3779b97f4a7c15ULL);
		{
			struct slot *victim = &t->slots[b[*rng & 1] * SLOTS_PER_BUCKET
							+ ((*rng >> 1) & 1)];
			struct slot tmp = *victim;
			*victim = s;
			s = tmp;
		}
	}
	return -1;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct ctable_pair *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return (x->user_id > y->user_id) - (x->user_id < y->user_id);
}

/* fill - (re)insert all distinct keys; 0, or -1 when the seeds loop */
static int fill(struct ctable *t, const struct slot *all, size_t n, uint64_t *rng)
{
	size_t i;

	memset(t->slots, 0, t->nbuckets * SLOTS_PER_BUCKET * sizeof(*t->slots));
	for (i = 0; i < n; i++)
		if (place(t, all[i], rng) != 0)
			return -1;
	return 0;
}

struct ctable *ctable_build(struct ctable_pair *pairs, size_t n)
{
	struct ctable *t = xcalloc(1, sizeof(*t));
	struct slot *all;
	size_t i, nkeys = 0, nusers = 0, keybytes = 0, koff = 0;
	uint64_t rng = 0x2545f4914f6cdd1dULL;

	if (n > 0)
		qsort(pairs, n, sizeof(*pairs), pair_cmp);
	for (i = 0; i < n; i++)
		keybytes += strlen(pairs[i].key) + 1;
	t->keys = xmalloc(keybytes ? keybytes : 1);
	t->users = xreallocarray(NULL, n ? n : 1, sizeof(*t->users));
	all = xreallocarray(NULL, n ? n : 1, sizeof(*all));
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(pairs[i].key, pairs[i - 1].key) != 0) {
			size_t len = strlen(pairs[i].key);
			memcpy(t->keys + koff, pairs[i].key, len + 1);
			all[nkeys].key = t->keys + koff;
			all[nkeys].len = (uint32_t)len;
			all[nkeys].hash = hash_bytes(pairs[i].key, len);
			all[nkeys].users = nusers;
			all[nkeys].nusers = 0;
			koff += len + 1;
			nkeys++;
		} else if (pairs[i].user_id == pairs[i - 1].user_id) {
			continue;	/* the same user named the same key twice */
		}
		t->users[nusers++] = pairs[i].user_id;
		all[nkeys - 1].nusers++;
	}
	t->count = nkeys;
	t->nbuckets = 4;
	while (t->nbuckets * SLOTS_PER_BUCKET < nkeys * 2)
		t->nbuckets *= 2;
	t->slots = xreallocarray(NULL, t->nbuckets * SLOTS_PER_BUCKET, sizeof(*t->slots));
	t->seed1 = 0x243f6a8885a308d3ULL;
	t->seed2 = 0x13198a2e03707344ULL;
	while (fill(t, all, nkeys, &rng) != 0) {
		t->seed1 = mix(t->seed1 + 1);
		t->seed2 = mix(t->seed2 + 3);
		if ((rng & 3) == 0) {	/* now and then, more room as well */
			t->nbuckets *= 2;
			t->slots = xreallocarray(t->slots, t->nbuckets * SLOTS_PER_BUCKET,
						 sizeof(*t->slots));
		}
	}
	free(all);
	return t;
}

void ctable_free(struct ctable *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t->users);
	free(t->keys);
	free(t);
}

const long long *ctable_lookup(const struct ctable *t, const char *key, size_t len,
			       size_t *n, unsigned *probes)
{
	uint64_t h = hash_bytes(key, len);
	unsigned examined = 0;
	int w, i;

	*n = 0;
	for (w = 0; w < 2; w++) {
		size_t b = bucket_of(t, h, w);
		for (i = 0; i < SLOTS_PER_BUCKET; i++) {
			const struct slot *s = &t->slots[b * SLOTS_PER_BUCKET + i];
			if (s->key == NULL)
				continue;
			examined++;
			if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) {
				if (probes)
					*probes = examined;
				*n = s->nusers;
				return t->users + s->users;
			}
		}
	}
	if (probes)
		*probes = examined;
	return NULL;
}

size_t ctable_count(const struct ctable *t)
{
	return t->count;
}
