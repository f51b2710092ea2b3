/*
 * flagcache.h - the milter's picture of every flagged person's two flags
 * (scattergun, volume): open, escalated, dismissed (with the dismissal's
 * time, the bound later counting starts from) or none.
 *
 * The mail path reads and steps it under one lock (flagcache_lock); the
 * reload thread merges the flags table into it at start and whenever the
 * generation moves (restrictctl flag bumps it), so a dismissal reaches the
 * mail path within a second. Only flagged people have an entry.
 */
#ifndef RM_FLAGCACHE_H
#define RM_FLAGCACHE_H

#include <stddef.h>
#include <time.h>
#include "detect.h"

struct store;

/* flagcache_lock / flagcache_unlock - around a get, a detection step and a set */
void flagcache_lock(void);
void flagcache_unlock(void);
/* flagcache_get - the person's two views (FLAG_NONE when absent); lock held */
void flagcache_get(const char *person, struct flag_view out[2]);
/* flagcache_set - the view of one kind after a step; a state change at stamp (0: none); lock held */
void flagcache_set(const char *person, enum flag_kind k, const struct flag_view *v,
		   time_t stamp);
/*
 * flagcache_refresh - merge the stored flags (open, escalated, and those
 * decided at or after since) into the cache: a stored row wins over what
 * the mail path set unless the mail path's change is newer (not written
 * yet). Takes the lock itself. -1 with err.
 */
int flagcache_refresh(struct store *st, time_t since, char *err, size_t errlen);
/* flagcache_count - people held (for the log) */
size_t flagcache_count(void);
/* flagcache_free - drop everything (at exit) */
void flagcache_free(void);

#endif
