/*
 * flagcache.c - flagged people's flag states in memory (flagcache.h).
 *
 * A chained hash table keyed by the detection key, under one mutex; the
 * lock is held only for a lookup, a counter step and a store, never for
 * I/O. Refreshing reads the flags table into a side list first (no lock),
 * then merges under the lock, comparing each stored row's time with the
 * time the mail path last changed that flag.
 */
#include "flagcache.h"
#include "log.h"
#include "store_flags.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fentry {
	struct fentry *next;
	struct flag_view v[2];
	time_t stamp[2];		/* when that flag last changed (0: never here) */
	char key[];
};

static pthread_mutex_t fc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fentry **tab;
static size_t nb, count;

/* hash - FNV-1a */
static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* grow - double the buckets when the table is full */
static void grow(void)
{
	size_t nnb = nb ? nb * 2 : 256, i;
	struct fentry **nt = xcalloc(nnb, sizeof(*nt)), *e, *next;

	for (i = 0; i < nb; i++)
		for (e = tab[i]; e; e = next) {
			next = e->next;
			e->next = nt[hash(e->key) & (nnb - 1)];
			nt[hash(e->key) & (nnb - 1)] = e;
		}
	free(tab);
	tab = nt;
	nb = nnb;
}

/* find - the entry of key, created when create is set */
static struct fentry *find(const char *key, int create)
{
	struct fentry *e;
	size_t len;

	if (nb > 0)
		for (e = tab[hash(key) & (nb - 1)]; e; e = e->next)
			if (strcmp(e->key, key) == 0)
				return e;
	if (!create)
		return NULL;
	if (count >= nb)
		grow();
	len = strlen(key);
	e = xcalloc(1, sizeof(*e) + len + 1);
	memcpy(e->key, key, len + 1);
	e->next = tab[hash(key) & (nb - 1)];
	tab[hash(key) & (nb - 1)] = e;
	count++;
	return e;
}

void flagcache_lock(void)
{
	pthread_mutex_lock(&fc_lock);
}

void flagcache_unlock(void)
{
	pthread_mutex_unlock(&fc_lock);
}

void flagcache_get(const char *person, struct flag_view out[2])
{
	struct fentry *e = find(person, 0);

	if (e) {
		out[0] = e->v[0];
		out[1] = e->v[1];
		return;
	}
	memset(out, 0, 2 * sizeof(*out));
}

void flagcache_set(const char *person, enum flag_kind k, const struct flag_view *v,
		   time_t stamp)
{
	struct fentry *e = find(person, 1);

	e->v[k] = *v;
	if (stamp)
		e->stamp[k] = stamp;
}

/* one stored row, read before merging */
struct srow {
	char *person;
	enum flag_kind kind;
	struct flag_view v;
	time_t stamp;
};

struct srows {
	struct srow *v;
	size_t n;
};

/* collect - a flags row as the view it stands for */
static void collect(void *arg, const char *person, const char *kind, const char *status,
		    unsigned cnt, time_t opened_at, time_t decided_at)
{
	struct srows *r = arg;
	struct srow s;

	memset(&s, 0, sizeof(s));
	s.kind = strcmp(kind, "volume") == 0 ? FLAG_VOLUME : FLAG_SCATTERGUN;
	s.v.count = cnt;
	if (strcmp(status, "open") == 0)
		s.v.state = FLAG_OPEN;
	else if (strcmp(status, "escalated") == 0)
		s.v.state = FLAG_ESCALATED;
	else {			/* dismissed, or cited by a restriction: counting starts afresh */
		s.v.state = FLAG_DISMISSED;
		s.v.since = decided_at;
		s.v.count = 0;
	}
	s.stamp = decided_at > opened_at ? decided_at : opened_at;
	s.person = xstrdup(person);
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = s;
}

int flagcache_refresh(struct store *st, time_t since, char *err, size_t errlen)
{
	struct srows r = { NULL, 0 };
	size_t i;
	int rc = store_flag_states(st, since, collect, &r, err, errlen);

	pthread_mutex_lock(&fc_lock);
	for (i = 0; rc == 0 && i < r.n; i++) {
		struct fentry *e = find(r.v[i].person, 1);
		enum flag_kind k = r.v[i].kind;

		if (e->stamp[k] > r.v[i].stamp)
			continue;	/* the mail path's change is newer: not written yet */
		if (e->v[k].state == r.v[i].v.state && e->v[k].count > r.v[i].v.count)
			r.v[i].v.count = e->v[k].count;
		e->v[k] = r.v[i].v;
		e->stamp[k] = r.v[i].stamp;
	}
	pthread_mutex_unlock(&fc_lock);
	for (i = 0; i < r.n; i++)
		free(r.v[i].person);
	free(r.v);
	return rc;
}

size_t flagcache_count(void)
{
	size_t n;

	pthread_mutex_lock(&fc_lock);
	n = count;
	pthread_mutex_unlock(&fc_lock);
	return n;
}

void flagcache_free(void)
{
	struct fentry *e, *next;
	size_t i;

	pthread_mutex_lock(&fc_lock);
	for (i = 0; i < nb; i++)
		for (e = tab[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	free(tab);
	tab = NULL;
	nb = count = 0;
	pthread_mutex_unlock(&fc_lock);
}
