/*
 * detection.h - scattergun and volume counting on the mail path (SPEC
 * "Detection"): the counters of rules/detect.h built from the config,
 * rebuilt from the event log at start and when SIGHUP changes a window or
 * threshold, fed once per message at end of message; flags opened and
 * updated through the event writer; the X-Restriction-Flag header.
 *
 * Nothing here touches SQL on the mail path. A failure here never refuses
 * or loses mail: it is logged and the message goes on.
 */
#ifndef RM_DETECTION_H
#define RM_DETECTION_H

#include <stddef.h>
#include <time.h>
#include "config.h"
#include "decide.h"
#include "mctx.h"
#include "store_events.h"

struct store;

/* the longest window the counters need from the event log */
long long detection_window(const struct config *cfg);
/*
 * detection_init - counters for cfg, the flag cache and a replay of the
 * counted events of the last detection_window from st. -1 with err.
 */
int detection_init(struct store *st, const struct config *cfg, char *err, size_t errlen);
/*
 * detection_reconfigure - when cfg's windows or thresholds differ from the
 * running ones: new counters replayed from st, swapped in. 1 rebuilt, 0
 * nothing to do, -1 with err (the running counters stay).
 */
int detection_reconfigure(struct store *st, const struct config *cfg, char *err, size_t errlen);
/* detection_expire - drop people idle past both windows (about once a minute) */
void detection_expire(time_t now);
/*
 * detection_eom - count one message that reached end of message: fills
 * e's detect, staff and flags columns and its flag writes, and adds the
 * flag header to d while the person's flag is open or escalated. d is the
 * end-of-message decision, made with m->senders (which it reads too).
 */
void detection_eom(const struct msg *m, struct decision *d, time_t now, struct store_event *e);
/* detection_free - at exit */
void detection_free(void);

#endif
