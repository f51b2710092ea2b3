/*
 * limits.c - in-memory limit counts (limits.h).
 *
 * A small table of people, each with a time-ordered array of (time, key)
 * entries; lookups are linear in the entries of one person, which the
 * per-person bound keeps small. The lock is taken lazily by the first
 * count a decision asks for and, at end of message, held until the
 * message's commit, so "check and count" is one step across connections.
 */
#include "limits.h"
#include "log.h"
#include "store_events.h"
#include "timeparse.h"
#include "xalloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	time_t at;
	char *key;
};

struct person {
	long long user_id;
	struct entry *e;
	size_t n, cap;
};

static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;
static struct person *people;
static size_t npeople, cappeople;

/* person_get - the entry list of a user, created when create is set */
static struct person *person_get(long long user_id, int create)
{
	size_t i;

	for (i = 0; i < npeople; i++)
		if (people[i].user_id == user_id)
			return &people[i];
	if (!create)
		return NULL;
	if (npeople == cappeople) {
		cappeople = cappeople ? cappeople * 2 : 16;
		people = xreallocarray(people, cappeople, sizeof(*people));
	}
	memset(&people[npeople], 0, sizeof(people[npeople]));
	people[npeople].user_id = user_id;
	return &people[npeople++];
}

/* prune - drop entries older than the longest window, and over the bound */
static void prune(struct person *p, time_t now)
{
	size_t drop = 0, i;

	while (drop < p->n && (p->e[drop].at < now - LIMITS_WINDOW_MAX
			       || p->n - drop > LIMITS_PER_USER_MAX))
		drop++;
	if (drop == 0)
		return;
	for (i = 0; i < drop; i++)
		free(p->e[i].key);
	memmove(p->e, p->e + drop, (p->n - drop) * sizeof(*p->e));
	p->n -= drop;
}

/* add_entry - append (at, key) unless the key is already counted; 1 if added */
static int add_entry(struct person *p, time_t at, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, key) == 0)
			return 0;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->e = xreallocarray(p->e, p->cap, sizeof(*p->e));
	}
	i = p->n;	/* keep time order: rebuilt rows come oldest first, live ones now */
	while (i > 0 && p->e[i - 1].at > at)
		i--;
	memmove(p->e + i + 1, p->e + i, (p->n - i) * sizeof(*p->e));
	p->e[i].at = at;
	p->e[i].key = xstrdup(key);
	p->n++;
	prune(p, at);
	return 1;
}

unsigned limits_count(void *arg, long long user_id, long long period, time_t now)
{
	struct limit_txn *t = arg;
	struct person *p;
	unsigned n = 0;
	size_t i;

	if (!t->locked) {
		pthread_mutex_lock(&limits_lock);
		t->locked = 1;
	}
	p = person_get(user_id, 0);
	for (i = 0; p && i < p->n; i++)
		if (p->e[i].at > now - period && p->e[i].at <= now
		    && !(t->key && strcmp(p->e[i].key, t->key) == 0))
			n++;
	if (!t->hold) {
		pthread_mutex_unlock(&limits_lock);
		t->locked = 0;
	}
	return n;
}

void limits_commit(struct limit_txn *t, const long long *users, size_t n, time_t now)
{
	size_t i;

	if (n == 0)
		return;
	if (t->key == NULL) {
		log_warn("limit: a message without Message-ID or queue id cannot be counted");
		return;
	}
	if (!t->locked) {
		pthread_mutex_lock(&limits_lock);
		t->locked = 1;
	}
	for (i = 0; i < n; i++)
		if (add_entry(person_get(users[i], 1), now, t->key)) {
			t->added = xreallocarray(t->added, t->nadded + 1, sizeof(*t->added));
			t->added[t->nadded++] = users[i];
		}
}

void limits_done(struct limit_txn *t, int keep)
{
	struct person *p;
	size_t i, j;

	if (!keep && t->nadded > 0) {
		pthread_mutex_lock(&limits_lock);
		for (i = 0; i < t->nadded; i++) {
			p = person_get(t->added[i], 0);
			for (j = 0; p && j < p->n; j++)
				if (strcmp(p->e[j].key, t->key) == 0) {
					free(p->e[j].key);
					memmove(p->e + j, p->e + j + 1, (p->n - j - 1) * sizeof(*p->e));
					p->n--;
					break;
				}
		}
		pthread_mutex_unlock(&limits_lock);
	}
	free(t->added);
	t->added = NULL;
	t->nadded = 0;
}

void limits_end(struct limit_txn *t)
{
	if (t->locked) {
		pthread_mutex_unlock(&limits_lock);
		t->locked = 0;
	}
}

/* rebuild_row - one counted event: its key for each user in the JSON list */
static void rebuild_row(void *arg, time_t at, const char *key, const char *users)
{
	json_error_t jerr;
	json_t *a = json_loads(users, 0, &jerr);
	size_t i;

	(void)arg;
	if (!json_is_array(a)) {
		log_warn("events: counted_users \"%.64s\" is not a list: skipped", users);
		json_decref(a);
		return;
	}
	for (i = 0; i < json_array_size(a); i++) {
		json_t *u = json_array_get(a, i);
		if (json_is_integer(u))
			(void)add_entry(person_get((long long)json_integer_value(u), 1), at, key);
	}
	json_decref(a);
}

int limits_rebuild(struct store *st, char *err, size_t errlen)
{
	time_t now = clock_now();
	int rc;

	pthread_mutex_lock(&limits_lock);
	rc = store_events_counted(st, now - LIMITS_WINDOW_MAX, rebuild_row, NULL, err, errlen);
	pthread_mutex_unlock(&limits_lock);
	return rc;
}

void limits_free(void)
{
	size_t i, j;

	pthread_mutex_lock(&limits_lock);
	for (i = 0; i < npeople; i++) {
		for (j = 0; j < people[i].n; j++)
			free(people[i].e[j].key);
		free(people[i].e);
	}
	free(people);
	people = NULL;
	npeople = cappeople = 0;
	pthread_mutex_unlock(&limits_lock);
}
