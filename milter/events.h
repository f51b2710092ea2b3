/*
 * events.h - the event log's queue and its one writer thread.
 *
 * The mail path pushes one event per message and never waits: events are
 * written in batches on the thread's own SQLite connection. When the queue
 * is full the oldest event is dropped and counted in the log, so a slow or
 * locked database delays the event log, never the mail.
 */
#ifndef RM_EVENTS_H
#define RM_EVENTS_H

#include "store_events.h"

#define EVENTS_QUEUE_MAX 10000
#define EVENTS_BATCH_MAX 256
/* how long the writer waits, once woken, to gather a fuller batch */
#define EVENTS_LINGER_MS 100
/* how long a failed write waits before the next try */
#define EVENTS_RETRY_MS 1000

/* events_start - start the writer thread for dbpath; -1 on failure */
int events_start(const char *dbpath);
/* events_push - queue e, taking over its strings (e is zeroed) */
void events_push(struct store_event *e);
/* events_stop - write what is queued (for at most a few seconds) and stop */
void events_stop(void);
/* events_dropped - how many events were dropped so far */
unsigned long events_dropped(void);

#endif
