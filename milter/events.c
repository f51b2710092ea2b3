/*
 * events.c - the bounded event queue and its writer thread (events.h).
 *
 * A ring buffer under one mutex. The writer is signalled only when the
 * queue goes from empty to non-empty, reaches EVENTS_BATCH_MAX or stops;
 * once woken it lingers up to EVENTS_LINGER_MS for a fuller batch, then
 * takes up to EVENTS_BATCH_MAX events, writes them in one transaction
 * (store_events_insert: one commit, a statement kept prepared) and, when
 * that fails, logs once, reopens the database and tries again after
 * EVENTS_RETRY_MS with the batch still first in line. Nothing on the mail
 * path ever waits for the database; a replaced or deleted file is noticed
 * before each write and reopened. The same thread writes the milter's
 * heartbeat (store_heartbeat) at start, every STORE_HEARTBEAT_SECS and at
 * a clean stop, for `restrictctl status`; like events it never bumps the
 * generation.
 */
#include "events.h"
#include "log.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_BUSY_MS 5000
#define EVENTS_STOP_MS 3000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t more;		/* events queued, or stop */
	struct store_event *ring;	/* EVENTS_QUEUE_MAX slots */
	size_t head, n;
	unsigned long dropped;
	int stop, running;
	pthread_t thread;
	char *dbpath;
	struct store *st;		/* the writer's own connection */
	dev_t dev;			/* the file st has open */
	ino_t ino;
	int failing;
	int beat_failing;		/* the last heartbeat could not be written */
} Q = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* deadline - CLOCK_MONOTONIC now + ms */
static struct timespec deadline(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

void events_push(struct store_event *e)
{
	pthread_mutex_lock(&Q.lock);
	if (Q.ring == NULL) {	/* not started (-t, or start-up failed): nothing to write to */
		pthread_mutex_unlock(&Q.lock);
		store_event_clear(e);
		return;
	}
	if (Q.n == EVENTS_QUEUE_MAX) {
		store_event_clear(&Q.ring[Q.head]);
		Q.head = (Q.head + 1) % EVENTS_QUEUE_MAX;
		Q.n--;
		Q.dropped++;
		if (Q.dropped == 1 || Q.dropped % 1000 == 0)
			log_warn("event queue full (%d): dropped the oldest event, %lu dropped so far",
				 EVENTS_QUEUE_MAX, Q.dropped);
	}
	Q.ring[(Q.head + Q.n) % EVENTS_QUEUE_MAX] = *e;
	Q.n++;
	memset(e, 0, sizeof(*e));
	if (Q.n == 1 || Q.n == EVENTS_BATCH_MAX)	/* the writer waits for nothing else */
		pthread_cond_signal(&Q.more);
	pthread_mutex_unlock(&Q.lock);
}

unsigned long events_dropped(void)
{
	unsigned long n;

	pthread_mutex_lock(&Q.lock);
	n = Q.dropped;
	pthread_mutex_unlock(&Q.lock);
	return n;
}

/*
 * writer_open - the writer's connection, (re)opened when there is none or
 * the file at the path was replaced or deleted (else events would go on
 * into the old, unlinked file and be lost); 0 or -1 with err
 */
static int writer_open(char *err, size_t errlen)
{
	struct stat sb;

	if (stat(Q.dbpath, &sb) != 0) {
		snprintf(err, errlen, "DB: %s: %s", Q.dbpath, strerror(errno));
		store_close(Q.st);
		Q.st = NULL;
		return -1;
	}
	if (Q.st != NULL && sb.st_dev == Q.dev && sb.st_ino == Q.ino)
		return 0;
	store_close(Q.st);
	Q.st = NULL;
	if (store_open(Q.dbpath, STORE_WRITE, EVENTS_BUSY_MS, &Q.st, err, errlen) != 0)
		return -1;
	Q.dev = sb.st_dev;
	Q.ino = sb.st_ino;
	return 0;
}

/* heartbeat - tell the database we are alive; a failure is logged once per streak */
static void heartbeat(enum store_heartbeat_kind kind)
{
	char err[1024];

	if (writer_open(err, sizeof(err)) == 0
	    && store_heartbeat(Q.st, kind, clock_now(), (long)getpid(), RM_VERSION, err,
			       sizeof(err)) == 0) {
		Q.beat_failing = 0;
		return;
	}
	if (!Q.beat_failing)
		log_warn("events: heartbeat: %s", err);
	Q.beat_failing = 1;
}

/* beat_if_due - an ALIVE heartbeat when *next has passed, then the next due time */
static void beat_if_due(struct timespec *next)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < next->tv_sec || (now.tv_sec == next->tv_sec && now.tv_nsec < next->tv_nsec))
		return;
	heartbeat(STORE_HB_ALIVE);
	*next = deadline(STORE_HEARTBEAT_SECS * 1000L);
}

/* write_batch - write v[0..n); 0 or -1 (logged once per failing streak) */
static int write_batch(struct store_event *v, size_t n)
{
	char err[1024];

	if (writer_open(err, sizeof(err)) != 0)
		goto fail;
	if (store_events_insert(Q.st, v, n, err, sizeof(err)) != 0) {
		store_close(Q.st);	/* reopen next time: the file may have been replaced */
		Q.st = NULL;
		goto fail;
	}
	if (Q.failing)
		log_notice("events: writing again");
	Q.failing = 0;
	return 0;
fail:
	if (!Q.failing)
		log_err("events: %s: events wait in the queue (at most %d)", err, EVENTS_QUEUE_MAX);
	Q.failing = 1;
	return -1;
}

/* take_batch - move up to EVENTS_BATCH_MAX queued events into v; lock held */
static size_t take_batch(struct store_event *v)
{
	size_t n = 0;

	while (Q.n > 0 && n < EVENTS_BATCH_MAX) {
		v[n++] = Q.ring[Q.head];
		memset(&Q.ring[Q.head], 0, sizeof(Q.ring[Q.head]));
		Q.head = (Q.head + 1) % EVENTS_QUEUE_MAX;
		Q.n--;
	}
	return n;
}

/* put_back - return an unwritten batch to the front of the queue; lock held */
static void put_back(struct store_event *v, size_t n)
{
	while (n > 0) {
		if (Q.n == EVENTS_QUEUE_MAX) {	/* full: the batch is the oldest, drop from it */
			store_event_clear(&v[0]);
			memmove(v, v + 1, (n - 1) * sizeof(*v));
			n--;
			Q.dropped++;
			continue;
		}
		Q.head = (Q.head + EVENTS_QUEUE_MAX - 1) % EVENTS_QUEUE_MAX;
		Q.ring[Q.head] = v[--n];
		Q.n++;
	}
}

/* linger - after a wake-up, wait for a full batch, stop or EVENTS_LINGER_MS; lock held */
static void linger(void)
{
	struct timespec until = deadline(EVENTS_LINGER_MS);

	while (Q.n > 0 && Q.n < EVENTS_BATCH_MAX && !Q.stop)
		if (pthread_cond_timedwait(&Q.more, &Q.lock, &until) == ETIMEDOUT)
			break;
}

/* writer - the thread: wait for events, write them in batches; beat */
static void *writer(void *arg)
{
	struct store_event *batch = xcalloc(EVENTS_BATCH_MAX, sizeof(*batch));
	struct timespec stop_by = { 0, 0 }, ts, beat;
	size_t n, i;

	(void)arg;
	heartbeat(STORE_HB_START);
	beat = deadline(STORE_HEARTBEAT_SECS * 1000L);
	pthread_mutex_lock(&Q.lock);
	for (;;) {
		while (Q.n == 0 && !Q.stop) {
			if (pthread_cond_timedwait(&Q.more, &Q.lock, &beat) == ETIMEDOUT) {
				pthread_mutex_unlock(&Q.lock);
				beat_if_due(&beat);
				pthread_mutex_lock(&Q.lock);
			}
		}
		if (Q.n == 0 && Q.stop)
			break;
		linger();
		if (Q.stop && stop_by.tv_sec == 0)
			stop_by = deadline(EVENTS_STOP_MS);
		n = take_batch(batch);
		pthread_mutex_unlock(&Q.lock);
		if (write_batch(batch, n) == 0) {
			for (i = 0; i < n; i++)
				store_event_clear(&batch[i]);
			beat_if_due(&beat);
			pthread_mutex_lock(&Q.lock);
			continue;
		}
		pthread_mutex_lock(&Q.lock);
		put_back(batch, n);
		ts = deadline(EVENTS_RETRY_MS);
		if (Q.stop && ts.tv_sec > stop_by.tv_sec)
			break;
		pthread_cond_timedwait(&Q.more, &Q.lock, &ts);
	}
	if (Q.n > 0)
		log_err("events: %zu events could not be written before stopping", Q.n);
	pthread_mutex_unlock(&Q.lock);
	heartbeat(STORE_HB_STOP);
	free(batch);
	return NULL;
}

int events_start(const char *dbpath)
{
	pthread_condattr_t ca;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&Q.more, &ca);
	pthread_condattr_destroy(&ca);
	Q.dbpath = xstrdup(dbpath);
	Q.ring = xcalloc(EVENTS_QUEUE_MAX, sizeof(*Q.ring));
	rc = pthread_create(&Q.thread, NULL, writer, NULL);
	if (rc != 0) {
		log_err("cannot start the event writer: %s", strerror(rc));
		return -1;
	}
	Q.running = 1;
	return 0;
}

void events_stop(void)
{
	size_t i;

	if (Q.running) {
		pthread_mutex_lock(&Q.lock);
		Q.stop = 1;
		pthread_cond_signal(&Q.more);
		pthread_mutex_unlock(&Q.lock);
		pthread_join(Q.thread, NULL);
		Q.running = 0;
	}
	pthread_mutex_lock(&Q.lock);
	for (i = 0; Q.ring && i < Q.n; i++)
		store_event_clear(&Q.ring[(Q.head + i) % EVENTS_QUEUE_MAX]);
	free(Q.ring);
	Q.ring = NULL;
	Q.n = 0;
	pthread_mutex_unlock(&Q.lock);
	store_close(Q.st);
	Q.st = NULL;
	free(Q.dbpath);
	Q.dbpath = NULL;
}
