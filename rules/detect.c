/*
 * detect.c - the in-memory scattergun and volume counters (detect.h).
 *
 * Per person: the times of their messages (sorted) and, per distinct staff
 * recipient (a 64-bit hash of the address), the last time it was written
 * to. Windows slide exactly: these are per-event timestamps, not buckets,
 * because with thresholds of 5 and 20 a person holds a handful of events
 * and exact counts cost less than explaining bucket edges. A window is the
 * half-open interval (now - window, now]: an event exactly one window old
 * is out (events stamped later than now by a slower thread still count).
 * Memory is bounded three ways: at most max_events messages and
 * max_staff recipients per person (beyond that the oldest go and the count
 * is marked saturated), persons idle past the longer window are dropped
 * (lazily and by detect_expire), and at max_persons the least recently
 * seen person is evicted. Persons are spread over up to 64 stripes, each
 * with its own mutex, hash table and LRU list, so threads rarely contend;
 * the LRU is exact within a stripe, which is exact overall for small
 * bounds (one stripe below 2048 persons).
 */
#include "detect.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES_MAX 64
#define PERSONS_PER_STRIPE_MIN 1024

struct drcpt {
	uint64_t h;
	int64_t last;
};

struct dperson {
	struct dperson *hnext;		/* hash chain */
	struct dperson *prev, *next;	/* LRU list, head = most recently seen */
	uint64_t hash;
	int64_t last;			/* newest event */
	int64_t dropped_ev;		/* newest message time dropped by the cap */
	int64_t dropped_rc;		/* newest recipient time dropped by the cap */
	int64_t *ev;			/* message times, ascending */
	struct drcpt *rc;
	uint32_t nev, capev, nrc, caprc;
	char key[];
};

struct stripe {
	pthread_mutex_t mu;
	struct dperson **tab;
	size_t nb, n, max;
	struct dperson *head, *tail;
	size_t bytes, evicted, expired;
} __attribute__((aligned(64)));

struct detect {
	struct detect_params p;
	unsigned nstripes;		/* a power of two */
	struct stripe *s;
};

/* hash64 - FNV-1a with a MurmurHash3 finaliser, so low bits are usable */
static uint64_t hash64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* heap_cost - what malloc(n) really holds on glibc, roughly */
static size_t heap_cost(size_t n)
{
	return n == 0 ? 0 : ((n + 8 + 15) & ~(size_t)15);
}

/* lock - take a stripe's mutex; failure is a bug */
static void lock(struct stripe *s)
{
	if (pthread_mutex_lock(&s->mu) != 0)
		abort();
}

static void unlock(struct stripe *s)
{
	if (pthread_mutex_unlock(&s->mu) != 0)
		abort();
}

struct detect *detect_new(const struct detect_params *p)
{
	struct detect *d = xcalloc(1, sizeof(*d));
	size_t per;
	unsigned i;

	d->p = *p;
	if (d->p.scatter_window <= 0)
		d->p.scatter_window = 7 * 86400LL;
	if (d->p.scatter_threshold == 0)
		d->p.scatter_threshold = 5;
	if (d->p.volume_window <= 0)
		d->p.volume_window = 86400LL;
	if (d->p.volume_threshold == 0)
		d->p.volume_threshold = 20;
	if (d->p.max_persons == 0)
		d->p.max_persons = DETECT_MAX_PERSONS;
	if (d->p.max_events == 0)
		d->p.max_events = DETECT_MAX_EVENTS;
	if (d->p.max_staff == 0)
		d->p.max_staff = DETECT_MAX_STAFF;
	d->nstripes = 1;
	while (d->nstripes < STRIPES_MAX
	       && d->p.max_persons / (d->nstripes * 2) >= PERSONS_PER_STRIPE_MIN)
		d->nstripes *= 2;
	per = (d->p.max_persons + d->nstripes - 1) / d->nstripes;
	if (posix_memalign((void **)&d->s, 64, d->nstripes * sizeof(*d->s)) != 0)
		abort();
	memset(d->s, 0, d->nstripes * sizeof(*d->s));
	for (i = 0; i < d->nstripes; i++) {
		if (pthread_mutex_init(&d->s[i].mu, NULL) != 0)
			abort();
		d->s[i].nb = 64;
		d->s[i].tab = xcalloc(d->s[i].nb, sizeof(*d->s[i].tab));
		d->s[i].max = per;
	}
	return d;
}

/* person_free - free one person's memory */
static void person_free(struct dperson *p)
{
	free(p->ev);
	free(p->rc);
	free(p);
}

void detect_free(struct detect *d)
{
	unsigned i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nstripes; i++) {
		struct dperson *p = d->s[i].head, *nx;
		for (; p; p = nx) {
			nx = p->next;
			person_free(p);
		}
		free(d->s[i].tab);
		(void)pthread_mutex_destroy(&d->s[i].mu);
	}
	free(d->s);
	free(d);
}

/* person_bytes - the heap one person holds */
static size_t person_bytes(const struct dperson *p)
{
	return heap_cost(sizeof(*p) + strlen(p->key) + 1)
		+ heap_cost(p->capev * sizeof(*p->ev)) + heap_cost(p->caprc * sizeof(*p->rc));
}

/* lru_unlink - take p out of the stripe's LRU list */
static void lru_unlink(struct stripe *s, struct dperson *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		s->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		s->tail = p->prev;
	p->prev = p->next = NULL;
}

/* lru_front - make p the most recently seen */
static void lru_front(struct stripe *s, struct dperson *p)
{
	if (s->head == p)
		return;
	if (p->prev || p->next || s->tail == p)
		lru_unlink(s, p);
	p->next = s->head;
	if (s->head)
		s->head->prev = p;
	s->head = p;
	if (s->tail == NULL)
		s->tail = p;
}

/* person_drop - remove p from the stripe and free it */
static void person_drop(struct stripe *s, struct dperson *p)
{
	struct dperson **pp = &s->tab[(p->hash >> 6) & (s->nb - 1)];

	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	lru_unlink(s, p);
	s->bytes -= person_bytes(p);
	s->n--;
	person_free(p);
}

/* table_grow - double the stripe's bucket array */
static void table_grow(struct stripe *s)
{
	size_t nb = s->nb * 2, i;
	struct dperson **tab = xcalloc(nb, sizeof(*tab));

	for (i = 0; i < s->nb; i++) {
		struct dperson *p = s->tab[i], *nx;
		for (; p; p = nx) {
			size_t b = (p->hash >> 6) & (nb - 1);
			nx = p->hnext;
			p->hnext = tab[b];
			tab[b] = p;
		}
	}
	free(s->tab);
	s->tab = tab;
	s->nb = nb;
}

/* person_find - the person with this key, created (evicting the LRU) if create */
static struct dperson *person_find(struct stripe *s, const char *key, uint64_t h, int create)
{
	struct dperson *p = s->tab[(h >> 6) & (s->nb - 1)];
	size_t klen;

	for (; p; p = p->hnext)
		if (p->hash == h && strcmp(p->key, key) == 0)
			return p;
	if (!create)
		return NULL;
	while (s->n >= s->max && s->tail) {
		person_drop(s, s->tail);
		s->evicted++;
	}
	if (s->n >= s->nb)
		table_grow(s);
	klen = strlen(key);
	p = xcalloc(1, sizeof(*p) + klen + 1);
	memcpy(p->key, key, klen + 1);
	p->hash = h;
	p->hnext = s->tab[(h >> 6) & (s->nb - 1)];
	s->tab[(h >> 6) & (s->nb - 1)] = p;
	s->n++;
	s->bytes += person_bytes(p);
	lru_front(s, p);
	return p;
}

/* arrays_fit - shrink or free a person's arrays after pruning */
static void arrays_fit(struct stripe *s, struct dperson *p)
{
	size_t before = person_bytes(p);

	if (p->nev == 0) {
		free(p->ev);
		p->ev = NULL;
		p->capev = 0;
	} else if (p->capev >= 16 && p->nev < p->capev / 4) {
		p->capev /= 2;
		p->ev = xreallocarray(p->ev, p->capev, sizeof(*p->ev));
	}
	if (p->nrc == 0) {
		free(p->rc);
		p->rc = NULL;
		p->caprc = 0;
	} else if (p->caprc >= 16 && p->nrc < p->caprc / 4) {
		p->caprc /= 2;
		p->rc = xreallocarray(p->rc, p->caprc, sizeof(*p->rc));
	}
	s->bytes = s->bytes - before + person_bytes(p);
}

/* prune - drop what fell out of both windows as of at */
static void prune(const struct detect *d, struct stripe *s, struct dperson *p, int64_t at)
{
	int64_t lo_v = at - d->p.volume_window, lo_s = at - d->p.scatter_window;
	uint32_t i = 0, j;

	while (i < p->nev && p->ev[i] <= lo_v)
		i++;
	if (i > 0) {
		memmove(p->ev, p->ev + i, (p->nev - i) * sizeof(*p->ev));
		p->nev -= i;
	}
	for (i = j = 0; i < p->nrc; i++)
		if (p->rc[i].last > lo_s)
			p->rc[j++] = p->rc[i];
	p->nrc = j;
	arrays_fit(s, p);
}

/* lower_bound - the later of the window's start and since */
static int64_t lower_bound(int64_t at, long long window, time_t since)
{
	int64_t lo = at - window;

	return since > 0 && (int64_t)since > lo ? (int64_t)since : lo;
}

/* count_events - messages after lo */
static unsigned count_events(const struct dperson *p, int64_t lo)
{
	uint32_t i = p->nev;

	while (i > 0 && p->ev[i - 1] > lo)
		i--;
	return p->nev - i;
}

/* count_rcpts - distinct recipients last written to after lo */
static unsigned count_rcpts(const struct dperson *p, int64_t lo)
{
	unsigned c = 0;
	uint32_t i;

	for (i = 0; i < p->nrc; i++)
		if (p->rc[i].last > lo)
			c++;
	return c;
}

/* add_event - insert at in time order, dropping the oldest beyond the cap */
static void add_event(const struct detect *d, struct stripe *s, struct dperson *p, int64_t at)
{
	uint32_t i;

	if (p->nev >= d->p.max_events) {
		if (p->ev[0] > p->dropped_ev)
			p->dropped_ev = p->ev[0];
		memmove(p->ev, p->ev + 1, (p->nev - 1) * sizeof(*p->ev));
		p->nev--;
	}
	if (p->nev == p->capev) {
		size_t before = heap_cost(p->capev * sizeof(*p->ev));
		p->capev = p->capev ? p->capev * 2 : 2;
		if (p->capev > d->p.max_events)
			p->capev = d->p.max_events;
		p->ev = xreallocarray(p->ev, p->capev, sizeof(*p->ev));
		s->bytes += heap_cost(p->capev * sizeof(*p->ev)) - before;
	}
	for (i = p->nev; i > 0 && p->ev[i - 1] > at; i--)
		p->ev[i] = p->ev[i - 1];
	p->ev[i] = at;
	p->nev++;
}

/* add_rcpt - note that h was written to at, replacing the stalest beyond the cap */
static void add_rcpt(const struct detect *d, struct stripe *s, struct dperson *p,
		     uint64_t h, int64_t at)
{
	uint32_t i, old = 0;

	for (i = 0; i < p->nrc; i++) {
		if (p->rc[i].h == h) {
			if (at > p->rc[i].last)
				p->rc[i].last = at;
			return;
		}
		if (p->rc[i].last < p->rc[old].last)
			old = i;
	}
	if (p->nrc >= d->p.max_staff) {
		if (p->rc[old].last > p->dropped_rc)
			p->dropped_rc = p->rc[old].last;
		p->rc[old].h = h;
		p->rc[old].last = at;
		return;
	}
	if (p->nrc == p->caprc) {
		size_t before = heap_cost(p->caprc * sizeof(*p->rc));
		p->caprc = p->caprc ? p->caprc * 2 : 2;
		if (p->caprc > d->p.max_staff)
			p->caprc = d->p.max_staff;
		p->rc = xreallocarray(p->rc, p->caprc, sizeof(*p->rc));
		s->bytes += heap_cost(p->caprc * sizeof(*p->rc)) - before;
	}
	p->rc[p->nrc].h = h;
	p->rc[p->nrc].last = at;
	p->nrc++;
}

/* fill_counts - both counts of p as of at; before_* are the counts without this message */
static void fill_counts(const struct detect *d, const struct dperson *p, int64_t at,
			const struct detect_since *since, struct detect_result *out)
{
	struct detect_count *sc = &out->scatter, *vc = &out->volume;

	sc->threshold = d->p.scatter_threshold;
	sc->window = d->p.scatter_window;
	sc->since = since ? since->scatter : 0;
	vc->threshold = d->p.volume_threshold;
	vc->window = d->p.volume_window;
	vc->since = since ? since->volume : 0;
	if (p == NULL)
		return;
	sc->count = count_rcpts(p, at - sc->window);
	sc->count_since = count_rcpts(p, lower_bound(at, sc->window, sc->since));
	sc->saturated = p->dropped_rc > at - sc->window;
	vc->count = count_events(p, at - vc->window);
	vc->count_since = count_events(p, lower_bound(at, vc->window, vc->since));
	vc->saturated = p->dropped_ev > at - vc->window;
}

void detect_record(struct detect *d, const char *person, time_t at,
		   const char *const *staff, size_t n,
		   const struct detect_since *since, struct detect_result *out)
{
	uint64_t h = hash64(person);
	struct stripe *s = &d->s[h & (d->nstripes - 1)];
	struct dperson *p;
	unsigned before_s, before_v;
	size_t i;

	memset(out, 0, sizeof(*out));
	lock(s);
	p = person_find(s, person, h, 1);
	prune(d, s, p, at);
	before_s = count_rcpts(p, at - d->p.scatter_window);
	before_v = count_events(p, at - d->p.volume_window);
	add_event(d, s, p, at);
	for (i = 0; i < n; i++)
		if (staff[i] != NULL)
			add_rcpt(d, s, p, hash64(staff[i]), at);
	if (at > p->last)
		p->last = at;
	lru_front(s, p);
	fill_counts(d, p, at, since, out);
	unlock(s);
	out->scatter.reached = before_s < out->scatter.threshold
		&& out->scatter.count >= out->scatter.threshold;
	out->volume.reached = before_v < out->volume.threshold
		&& out->volume.count >= out->volume.threshold;
}

/* longest_window - the longer of the two windows */
static long long longest_window(const struct detect *d)
{
	return d->p.scatter_window > d->p.volume_window ? d->p.scatter_window : d->p.volume_window;
}

int detect_query(struct detect *d, const char *person, time_t now,
		 const struct detect_since *since, struct detect_result *out)
{
	uint64_t h = hash64(person);
	struct stripe *s = &d->s[h & (d->nstripes - 1)];
	struct dperson *p;

	memset(out, 0, sizeof(*out));
	lock(s);
	p = person_find(s, person, h, 0);
	if (p != NULL && p->last <= (int64_t)now - longest_window(d)) {
		person_drop(s, p);	/* idle past both windows: lazily dropped */
		s->expired++;
		p = NULL;
	}
	fill_counts(d, p, now, since, out);
	unlock(s);
	return p != NULL;
}

size_t detect_expire(struct detect *d, time_t now)
{
	long long longest = longest_window(d);
	size_t dropped = 0;
	unsigned i;

	for (i = 0; i < d->nstripes; i++) {
		struct stripe *s = &d->s[i];
		struct dperson *p, *pv;
		lock(s);
		for (p = s->tail; p; p = pv) {
			pv = p->prev;
			if (p->last <= (int64_t)now - longest) {
				person_drop(s, p);
				s->expired++;
				dropped++;
			}
		}
		unlock(s);
	}
	return dropped;
}

void detect_get_stats(struct detect *d, struct detect_stats *out)
{
	unsigned i;

	memset(out, 0, sizeof(*out));
	out->bytes = heap_cost(sizeof(*d)) + heap_cost(d->nstripes * sizeof(*d->s));
	for (i = 0; i < d->nstripes; i++) {
		struct stripe *s = &d->s[i];
		lock(s);
		out->persons += s->n;
		out->bytes += s->bytes + heap_cost(s->nb * sizeof(*s->tab));
		out->evicted += s->evicted;
		out->expired += s->expired;
		unlock(s);
	}
}
