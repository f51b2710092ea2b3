/*
 * novelty_mail.c - novelty headers for file and limit mail (novelty_mail.h).
 *
 * Histories live in a small hash table keyed by service user id under one
 * mutex, held only to compare and append (pure CPU). The reload thread
 * reads stored fingerprints without the lock and merges them in; an entry
 * the mail path created before its history was loaded gets the stored
 * rows older than itself added, so nothing is counted twice.
 */
#include "novelty_mail.h"
#include "buf.h"
#include "header.h"
#include "log.h"
#include "novelty.h"
#include "store_flags.h"
#include "textextract.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct hist {
	struct hist *next;
	long long uid;
	struct novelty_history *h;
	int loaded;			/* the stored rows are in */
	time_t created;			/* by the mail path, before loading */
	unsigned seen;			/* the refresh round that last found the user relevant */
};

#define NBUCKETS 1024

static pthread_mutex_t nv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hist *tab[NBUCKETS];
static atomic_int possible;
static unsigned round_no;

/* find - the history of uid, created (not loaded) when create is set; lock held */
static struct hist *find(long long uid, int create, time_t now)
{
	struct hist *e;
	size_t b = (size_t)((unsigned long long)uid % NBUCKETS);

	for (e = tab[b]; e; e = e->next)
		if (e->uid == uid)
			return e;
	if (!create)
		return NULL;
	e = xcalloc(1, sizeof(*e));
	e->uid = uid;
	e->h = novelty_history_new(0, 0);
	e->created = now;
	e->seen = round_no;
	e->next = tab[b];
	tab[b] = e;
	return e;
}

/* one stored fingerprint, parsed outside the lock */
struct row {
	time_t at;
	char *id;
	struct novelty_fp *fp;
};

struct rows {
	struct row *v;
	size_t n;
	size_t bad;
};

/* collect_row - a stored fingerprint; malformed ones are counted and skipped */
static void collect_row(void *arg, time_t at, const char *message_id, const char *data)
{
	struct rows *r = arg;
	struct novelty_fp *fp = novelty_fp_parse(data);

	if (fp == NULL) {
		r->bad++;
		return;
	}
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n].at = at;
	r->v[r->n].id = xstrdup(message_id);
	r->v[r->n].fp = fp;
	r->n++;
}

/* load_user - read uid's stored history (older than before, 0 all) and merge it in */
static int load_user(struct store *st, long long uid, time_t before, char *err, size_t errlen)
{
	struct rows r = { NULL, 0, 0 };
	struct hist *e;
	struct buf key;
	size_t i;
	int rc;

	buf_init(&key);
	buf_printf(&key, "user:%lld", uid);
	rc = store_fingerprints(st, buf_cstr(&key), before, collect_row, &r, err, errlen);
	buf_free(&key);
	pthread_mutex_lock(&nv_lock);
	e = find(uid, 1, 0);
	for (i = 0; rc == 0 && !e->loaded && i < r.n; i++)
		novelty_history_add(e->h, r.v[i].id, r.v[i].at, r.v[i].fp);
	if (rc == 0)
		e->loaded = 1;
	e->seen = round_no;
	pthread_mutex_unlock(&nv_lock);
	for (i = 0; i < r.n; i++) {
		free(r.v[i].id);
		novelty_fp_free(r.v[i].fp);
	}
	free(r.v);
	if (r.bad)
		log_warn("novelty: user %lld: %zu malformed stored fingerprints skipped", uid, r.bad);
	return rc;
}

/* drop_unseen - free the histories of users not relevant in this round; lock held */
static void drop_unseen(void)
{
	struct hist **pp, *e;
	size_t b;

	for (b = 0; b < NBUCKETS; b++)
		for (pp = &tab[b]; (e = *pp) != NULL;) {
			if (e->seen == round_no) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			novelty_history_free(e->h);
			free(e);
		}
}

int novelty_mail_refresh(struct store *st, time_t now, char *err, size_t errlen)
{
	long long *ids;
	size_t n, i;
	int rc = 0;

	if (store_novelty_users(st, now, &ids, &n, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&nv_lock);
	round_no++;
	pthread_mutex_unlock(&nv_lock);
	for (i = 0; i < n && rc == 0; i++) {
		struct hist *e;
		time_t before = 0;
		int need;

		pthread_mutex_lock(&nv_lock);
		e = find(ids[i], 0, 0);
		need = e == NULL || !e->loaded;
		if (e) {
			e->seen = round_no;
			before = e->created;
		}
		pthread_mutex_unlock(&nv_lock);
		if (need)
			rc = load_user(st, ids[i], before, err, errlen);
	}
	pthread_mutex_lock(&nv_lock);
	if (rc == 0)
		drop_unseen();
	pthread_mutex_unlock(&nv_lock);
	atomic_store(&possible, n > 0);
	free(ids);
	return rc;
}

int novelty_mail_possible(void)
{
	return atomic_load(&possible);
}

long long novelty_mail_applies(const struct decision *d)
{
	size_t i;

	for (i = 0; i < d->napplied; i++) {
		const struct applied *a = &d->applied[i];
		if (!a->trial && (a->action == ACTION_FILE || a->action == ACTION_LIMIT
				  || a->applied_as == ACTION_FILE))
			return a->user_id;
	}
	return 0;
}

/* history_id - the Message-ID as received (trimmed), else the queue id (new) */
static char *history_id(const struct msg *m)
{
	const char *id = m->message_id ? m->message_id + strspn(m->message_id, " \t\r\n") : "";
	char *s;

	if (*id == '\0')
		id = m->queue_id ? m->queue_id : "";
	s = xstrndup(id, NOVELTY_ID_MAX);
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

/* add_header - "X-Restriction-Novelty: value" onto d */
static void add_header(const struct policy *pol, struct decision *d, const char *value)
{
	struct buf name;

	buf_init(&name);
	buf_printf(&name, "%s-Novelty", pol->header_prefix);
	d->headers = xreallocarray(d->headers, d->nheaders + 1, sizeof(*d->headers));
	d->headers[d->nheaders].value = header_value(value, (unsigned)name.len);
	d->headers[d->nheaders].name = buf_take(&name);
	d->nheaders++;
}

/* keep_fp - the fingerprint for the event writer to store */
static void keep_fp(struct store_event *e, long long uid, const char *id, time_t now,
		    const struct novelty_fp *fp)
{
	struct buf key;

	buf_init(&key);
	buf_printf(&key, "user:%lld", uid);
	e->fp = xcalloc(1, sizeof(*e->fp));
	e->fp->person = buf_take(&key);
	e->fp->message_id = xstrdup(id);
	e->fp->at = now;
	e->fp->data = novelty_fp_serialise(fp);
	e->fp->keep = NOVELTY_HISTORY_ENTRIES;
}

void novelty_mail_eom(const struct msg *m, struct decision *d, time_t now, struct store_event *e)
{
	struct textextract tx;
	struct novelty_result res;
	struct novelty_fp *fp;
	struct hist *h;
	long long uid = novelty_mail_applies(d);
	char *id, *value;

	if (uid == 0 || m->internal || d->verdict == VERDICT_REJECT
	    || d->verdict == VERDICT_TEMPFAIL || !m->body_wanted)
		return;
	memset(&tx, 0, sizeof(tx));
	if (textextract_body(m->content_type, m->cte, m->body.data ? m->body.data : "",
			     m->body.len, 0, &tx) != 0)
		log_info("%s: novelty: no MIME structure found: judged on nothing",
			 m->queue_id ? m->queue_id : "NOQUEUE");
	if (m->body_truncated || tx.truncated)
		log_info("%s: novelty: body over %d bytes: judged on its beginning",
			 m->queue_id ? m->queue_id : "NOQUEUE", NOVELTY_BODY_MAX);
	fp = novelty_fingerprint(tx.text ? tx.text : "", tx.quoted);
	id = history_id(m);
	memset(&res, 0, sizeof(res));
	pthread_mutex_lock(&nv_lock);
	h = find(uid, 1, now);
	novelty_compare(fp, h->h, &res);
	novelty_history_add(h->h, id, now, fp);
	pthread_mutex_unlock(&nv_lock);
	value = novelty_header_value(&res);
	add_header(m->view.pol, d, value);
	e->novelty = xstrdup(res.verdict == NOVELTY_NEW ? "new" : "repeat");
	e->novelty_score = res.score;
	e->has_novelty_score = 1;
	keep_fp(e, uid, id, now, fp);
	free(value);
	free(id);
	novelty_fp_free(fp);
	novelty_result_clear(&res);
	textextract_clear(&tx);
}

void novelty_mail_free(void)
{
	size_t b;
	struct hist *e, *next;

	pthread_mutex_lock(&nv_lock);
	for (b = 0; b < NBUCKETS; b++) {
		for (e = tab[b]; e; e = next) {
			next = e->next;
			novelty_history_free(e->h);
			free(e);
		}
		tab[b] = NULL;
	}
	pthread_mutex_unlock(&nv_lock);
}
