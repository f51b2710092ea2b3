/*
 * detection.c - counting each message toward scattergun and volume flags
 * (detection.h).
 *
 * One struct detect behind a read-write lock: messages take it shared for
 * their detect_record, a SIGHUP that changes a window or threshold builds
 * new counters from the event log and swaps them in exclusively. For each
 * counted message the person's flags are stepped under the flag cache's
 * lock (flag_next), so two connections cannot both open the same flag;
 * what changed is handed to the event writer with the event itself.
 */
#include "detection.h"
#include "buf.h"
#include "detect.h"
#include "flagcache.h"
#include "header.h"
#include "jsonw.h"
#include "log.h"
#include "store_flags.h"
#include "timeparse.h"
#include "xalloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_rwlock_t det_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct detect *D;
static struct detect_params P;

/* params_of - the counters' parameters from the config */
static void params_of(const struct config *cfg, struct detect_params *p)
{
	memset(p, 0, sizeof(*p));
	p->scatter_window = cfg->scatter_window;
	p->scatter_threshold = cfg->scatter_threshold > 0 ? (unsigned)cfg->scatter_threshold : 0;
	p->volume_window = cfg->volume_window;
	p->volume_threshold = cfg->volume_threshold > 0 ? (unsigned)cfg->volume_threshold : 0;
}

long long detection_window(const struct config *cfg)
{
	long long s = cfg->scatter_window > 0 ? cfg->scatter_window : 7 * 86400LL;
	long long v = cfg->volume_window > 0 ? cfg->volume_window : 86400LL;

	return s > v ? s : v;
}

/* replay_key - the detection key of a stored event: its first user, else its person */
static char *replay_key(const char *person, const char *user_ids)
{
	json_t *a = json_loads(user_ids, 0, NULL);
	long long uid = 0;

	if (json_is_array(a) && json_is_integer(json_array_get(a, 0)))
		uid = (long long)json_integer_value(json_array_get(a, 0));
	json_decref(a);
	return detect_person_key(uid, person);
}

/* replay_row - one counted event back into the counters */
static void replay_row(void *arg, time_t at, const char *person, const char *user_ids,
		       const char *staff)
{
	struct detect *d = arg;
	struct detect_result res;
	const char **v = NULL;
	char *key = replay_key(person, user_ids);
	json_t *a = staff ? json_loads(staff, 0, NULL) : NULL;
	size_t i, n = 0;

	if (key == NULL) {
		json_decref(a);
		return;
	}
	if (json_is_array(a)) {
		v = xcalloc(json_array_size(a) + 1, sizeof(*v));
		for (i = 0; i < json_array_size(a); i++)
			if (json_is_string(json_array_get(a, i)))
				v[n++] = json_string_value(json_array_get(a, i));
	}
	detect_record(d, key, at, v, n, NULL, &res);
	free(v);
	json_decref(a);
	free(key);
}

/* build - counters for cfg replayed from the event log; NULL with err */
static struct detect *build(struct store *st, const struct config *cfg, char *err,
			    size_t errlen)
{
	struct detect_params p;
	struct detect *d;
	time_t now = clock_now();
	struct timespec t0, t1;

	params_of(cfg, &p);
	d = detect_new(&p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (store_detect_events(st, now - (time_t)detection_window(cfg), replay_row, d, err,
				errlen) != 0) {
		detect_free(d);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	{
		struct detect_stats s;
		detect_get_stats(d, &s);
		log_info("detection: %zu people replayed from the event log in %ld ms",
			 s.persons, (long)((t1.tv_sec - t0.tv_sec) * 1000
					   + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	}
	return d;
}

int detection_init(struct store *st, const struct config *cfg, char *err, size_t errlen)
{
	struct detect *d;

	if (flagcache_refresh(st, clock_now() - (time_t)detection_window(cfg), err, errlen) != 0)
		return -1;
	d = build(st, cfg, err, errlen);
	if (d == NULL)
		return -1;
	pthread_rwlock_wrlock(&det_lock);
	detect_free(D);
	D = d;
	params_of(cfg, &P);
	pthread_rwlock_unlock(&det_lock);
	return 0;
}

int detection_reconfigure(struct store *st, const struct config *cfg, char *err, size_t errlen)
{
	struct detect_params p;
	struct detect *d;
	int same;

	params_of(cfg, &p);
	pthread_rwlock_rdlock(&det_lock);
	same = memcmp(&p, &P, sizeof(p)) == 0;
	pthread_rwlock_unlock(&det_lock);
	if (same)
		return 0;
	d = build(st, cfg, err, errlen);
	if (d == NULL)
		return -1;
	pthread_rwlock_wrlock(&det_lock);
	detect_free(D);
	D = d;
	P = p;
	pthread_rwlock_unlock(&det_lock);
	log_notice("detection: windows or thresholds changed: counters rebuilt");
	return 1;
}

void detection_expire(time_t now)
{
	size_t n = 0;

	pthread_rwlock_rdlock(&det_lock);
	if (D)
		n = detect_expire(D, now);
	pthread_rwlock_unlock(&det_lock);
	if (n > 0)
		log_debug("detection: %zu idle people dropped", n);
}

void detection_free(void)
{
	pthread_rwlock_wrlock(&det_lock);
	detect_free(D);
	D = NULL;
	pthread_rwlock_unlock(&det_lock);
	flagcache_free();
}

/* first_user - the matched service user the message counts under, and unverified */
static long long first_user(const struct msg *m, const struct decision *d, int *unverified)
{
	size_t i;

	*unverified = 0;
	if (d->napplied > 0) {
		for (i = 0; i < d->napplied; i++)
			if (d->applied[i].user_id == d->applied[0].user_id && !d->applied[i].trial)
				*unverified |= d->applied[i].unverified;
		return d->applied[0].user_id;
	}
	if (m->napplied > 0) {
		*unverified = m->applied[0].unverified;
		return m->applied[0].user_id;
	}
	return 0;
}

/*
 * skip_reason - whether this message counts. The envelope sender and the
 * first From: mailbox are the ones the end-of-message decision normalised
 * into m->senders (decide.h); detection_eom runs after it, so they are
 * there, NULL when absent or unparseable.
 */
static enum detect_skip skip_reason(const struct msg *m)
{
	struct detect_msg dm;

	memset(&dm, 0, sizeof(dm));
	dm.internal = m->internal;
	dm.env_sender = m->senders.env.norm;
	dm.from = m->senders.from_first;
	dm.list_id = m->list_id;
	dm.auto_submitted = m->auto_submitted;
	dm.precedence = m->precedence;
	return detect_skip_message(&dm, m->view.pol);
}

/* staff_of - the distinct counted staff recipients; 0 when none is staff */
static size_t staff_of(const struct msg *m, const struct decision *d, struct strlist *out)
{
	const char **v = xcalloc(d->nrcpts + m->nrefused + 1, sizeof(*v));
	size_t i, n = 0, staff;

	for (i = 0; i < d->nrcpts; i++)
		v[n++] = d->rcpts[i].address;
	for (i = 0; i < m->nrefused; i++)
		v[n++] = m->refused[i].address;
	staff = detect_staff_rcpts(m->view.pol, v, n, out);
	free(v);
	return staff;
}

/* flag_write - one flag change for the event writer */
static void flag_write(struct store_event *e, const char *key, long long uid, enum flag_kind k,
		       const struct detect_count *c, const struct flag_change *ch,
		       const struct flag_view *cur, int unverified)
{
	struct store_flag_write *w;

	e->flag_writes = xreallocarray(e->flag_writes, e->nflag_writes + 1, sizeof(*w));
	w = &e->flag_writes[e->nflag_writes++];
	memset(w, 0, sizeof(*w));
	w->person = xstrdup(key);
	w->user_id = uid;
	w->kind = flag_kind_name(k);
	w->open = ch->step == FLAG_STEP_OPEN || ch->step == FLAG_STEP_REOPEN;
	w->count = ch->count;
	w->threshold = c->threshold;
	w->window = c->window;
	w->since = cur->since;
	w->unverified = unverified;
}

/* step_flags - count the message and step both flags; lock held; views updated */
static void step_flags(const char *key, long long uid, int unverified, time_t now,
		       const struct strlist *staff, struct flag_view views[2], struct store_event *e)
{
	struct detect_since since;
	struct detect_result res;
	const struct detect_count *c[2];
	struct flag_change ch;
	int k;

	flagcache_get(key, views);
	flag_since(&views[FLAG_SCATTERGUN], &views[FLAG_VOLUME], &since);
	pthread_rwlock_rdlock(&det_lock);
	if (D == NULL) {
		pthread_rwlock_unlock(&det_lock);
		return;
	}
	detect_record(D, key, now, (const char *const *)staff->v, staff->n, &since, &res);
	pthread_rwlock_unlock(&det_lock);
	c[FLAG_SCATTERGUN] = &res.scatter;
	c[FLAG_VOLUME] = &res.volume;
	for (k = FLAG_SCATTERGUN; k <= FLAG_VOLUME; k++) {
		struct flag_view *v = &views[k];
		enum flag_step step = flag_next(v, c[k], &ch);

		if (step == FLAG_STEP_NONE && v->state != FLAG_OPEN && v->state != FLAG_ESCALATED)
			continue;
		if (step != FLAG_STEP_NONE) {
			struct flag_view nv = { ch.state, ch.count, v->since };
			int opened = step == FLAG_STEP_OPEN || step == FLAG_STEP_REOPEN;
			struct flag_view old = *v;

			*v = nv;
			flagcache_set(key, (enum flag_kind)k, v, opened ? now : 0);
			flag_write(e, key, uid, (enum flag_kind)k, c[k], &ch, &old, unverified);
		} else {	/* open, same count: still evidence */
			ch.count = v->count;
			flag_write(e, key, uid, (enum flag_kind)k, c[k], &ch, v, unverified);
		}
	}
}

/* add_flag_headers - "X-Restriction-Flag: ..." per open or escalated flag */
static void add_flag_headers(const struct policy *pol, struct decision *d,
			     const struct flag_view views[2], struct jsonw *kinds, int *nkinds)
{
	long long win[2];
	int k;

	pthread_rwlock_rdlock(&det_lock);
	win[FLAG_SCATTERGUN] = P.scatter_window > 0 ? P.scatter_window : 7 * 86400LL;
	win[FLAG_VOLUME] = P.volume_window > 0 ? P.volume_window : 86400LL;
	pthread_rwlock_unlock(&det_lock);
	for (k = FLAG_SCATTERGUN; k <= FLAG_VOLUME; k++) {
		struct buf name;
		char *raw;

		if (views[k].state != FLAG_OPEN && views[k].state != FLAG_ESCALATED)
			continue;
		jsonw_str(kinds, flag_kind_name((enum flag_kind)k));
		(*nkinds)++;
		if (!pol->flag_header)
			continue;
		buf_init(&name);
		buf_printf(&name, "%s-Flag", pol->header_prefix);
		raw = flag_header_value((enum flag_kind)k, views[k].count, win[k]);
		d->headers = xreallocarray(d->headers, d->nheaders + 1, sizeof(*d->headers));
		d->headers[d->nheaders].value = header_value(raw, (unsigned)name.len);
		d->headers[d->nheaders].name = buf_take(&name);
		d->nheaders++;
		free(raw);
	}
}

void detection_eom(const struct msg *m, struct decision *d, time_t now, struct store_event *e)
{
	struct strlist staff = STRLIST_INIT;
	struct flag_view views[2];
	enum detect_skip skip;
	char *key;
	long long uid;
	int unverified, nkinds = 0;
	struct jsonw list, kinds;

	memset(views, 0, sizeof(views));
	if (m->internal)
		return;
	uid = first_user(m, d, &unverified);
	key = detect_person_key(uid, d->person);
	skip = skip_reason(m);
	if (skip == DETECT_COUNT && staff_of(m, d, &staff) == 0)
		skip = DETECT_SKIP_NO_STAFF;
	flagcache_lock();
	if (key && skip == DETECT_COUNT) {
		step_flags(key, uid, unverified, now, &staff, views, e);
		e->detect = 1;
		jsonw_init(&list);
		jsonw_strlist(&list, &staff);
		e->staff = jsonw_finish(&list);
	} else if (key) {
		flagcache_get(key, views);
	}
	flagcache_unlock();
	jsonw_init(&kinds);
	jsonw_open(&kinds, '[');
	add_flag_headers(m->view.pol, d, views, &kinds, &nkinds);
	jsonw_close(&kinds, ']');
	if (nkinds > 0)
		e->flags = jsonw_finish(&kinds);	/* NULL when no flag is open */
	else
		jsonw_free(&kinds);
	strlist_free(&staff);
	free(key);
}
