/*
 * mctx.c - connection and message contexts (mctx.h).
 *
 * Header values are copied into growable buffers (never fixed arrays) up
 * to MCTX_HEADER_KEEP_MAX bytes per message; past that, or past
 * MCTX_PREFIX_NAMES_MAX distinct HeaderPrefix names, the message is marked
 * and tempfailed at end of message rather than handled on half its
 * headers. mctx_reset is the only place a message's state is released.
 */
#include "mctx.h"
#include "header.h"
#include "log.h"
#include "record.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Connection contexts are kept between connections, each with its match
 * scratch (a PCRE2 JIT stack already in memory, where a new one is faulted
 * in page by page) and its message's buffers and recipient arrays: libmilter
 * hands a session's commands to whichever worker of its pool is free, so
 * what a connection allocates is freed in another thread, glibc's slow path
 * on both sides; a kept context allocates nothing for most mail.
 */
#define CONN_POOL_MAX 64
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *pool[CONN_POOL_MAX];
static size_t npool;

/* conn_release - free c and everything it keeps */
static void conn_release(struct conn *c)
{
	buf_free(&c->msg.from);
	buf_free(&c->msg.sender);
	buf_free(&c->msg.reply_to);
	buf_free(&c->msg.body);
	strlist_free(&c->msg.rcpts);
	strlist_free(&c->msg.rcpt_addrs);
	match_scratch_free(c->scratch);
	free(c);
}

void mctx_pool_free(void)
{
	pthread_mutex_lock(&pool_lock);
	while (npool > 0)
		conn_release(pool[--npool]);
	pthread_mutex_unlock(&pool_lock);
}

struct conn *conn_new(const char *client_addr)
{
	struct conn *c = NULL;

	pthread_mutex_lock(&pool_lock);
	if (npool > 0)
		c = pool[--npool];
	pthread_mutex_unlock(&pool_lock);
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->scratch = match_scratch_new();
		strlist_init(&c->msg.rcpts);
		strlist_init(&c->msg.rcpt_addrs);
		strlist_init(&c->msg.prefix_names);
	}
	conn_set_client(c, client_addr);
	return c;	/* a new context's bufs start empty (NULL) and allocate on first use */
}

void conn_set_client(struct conn *c, const char *client_addr)
{
	c->client_addr = NULL;
	if (client_addr) {
		snprintf(c->client_space, sizeof(c->client_space), "%s", client_addr);
		c->client_addr = c->client_space;	/* longer is no IP literal: never internal */
	}
}

void conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	mctx_reset(c);	/* the message's state released, its small buffers kept */
	c->client_addr = NULL;
	c->leadspc = c->addrcpt_par = c->nr_conn = c->nr_mail = c->nr_hdr = c->skip = 0;
	pthread_mutex_lock(&pool_lock);
	if (npool < CONN_POOL_MAX) {
		pool[npool++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	if (c)
		conn_release(c);
}

void mctx_start(struct conn *c)
{
	mctx_reset(c);
	c->msg.active = 1;
	reload_view_get(&c->msg.view);
}

/* recycle - empty a buf for the next message; one grown past MCTX_BUF_KEEP is let go */
static void recycle(struct buf *b)
{
	if (b->cap > MCTX_BUF_KEEP)
		buf_free(b);
	else
		buf_reset(b);
}

void mctx_reset(struct conn *c)
{
	struct msg *m = &c->msg;
	struct buf kept[4];
	struct strlist rcpts, rcpt_addrs;
	size_t i;

	if (m->active && !m->eom_done && m->nrefused > 0)
		record_refused(m);
	if (m->view.cfg)
		reload_view_put(&m->view);
	free(m->env_from);
	sender_match_clear(&m->senders);
	free(m->queue_id);
	/* the recipient arrays are kept for the next message, unless a long list grew them */
	if (m->rcpts.cap > MCTX_RCPTS_KEEP) {
		strlist_free(&m->rcpts);
		strlist_free(&m->rcpt_addrs);
	}
	strlist_clear(&m->rcpts);
	strlist_clear(&m->rcpt_addrs);
	for (i = 0; i < m->nrefused; i++)
		free(m->refused[i].address);
	free(m->refused);
	free(m->applied);
	free(m->person);
	free(m->subject);
	free(m->message_id);
	strlist_free(&m->auth_results);
	strlist_free(&m->prefix_names);
	free(m->prefix_counts);
	free(m->list_id);
	free(m->auto_submitted);
	free(m->precedence);
	free(m->content_type);
	free(m->cte);
	/* reset runs at least twice a message: its four buffers are kept, not freed and made anew */
	recycle(&m->from);
	recycle(&m->sender);
	recycle(&m->reply_to);
	recycle(&m->body);
	kept[0] = m->from;
	kept[1] = m->sender;
	kept[2] = m->reply_to;
	kept[3] = m->body;
	rcpts = m->rcpts;
	rcpt_addrs = m->rcpt_addrs;
	memset(m, 0, sizeof(*m));
	m->rcpts = rcpts;
	m->rcpt_addrs = rcpt_addrs;
	strlist_init(&m->prefix_names);
	m->from = kept[0];
	m->sender = kept[1];
	m->reply_to = kept[2];
	m->body = kept[3];
}

void mctx_set_queue_id(struct msg *m, const char *qid)
{
	if (qid == NULL || *qid == '\0' || (m->queue_id && strcmp(m->queue_id, qid) == 0))
		return;
	free(m->queue_id);
	m->queue_id = xstrndup(qid, 64);
}

/* keep - account for n more kept bytes; 0 when over the cap (message marked) */
static int keep(struct msg *m, size_t n)
{
	if (m->kept + n > MCTX_HEADER_KEEP_MAX) {
		if (!m->overflow)
			log_warn("%s: header values exceed %d bytes: the message will be tempfailed",
				 m->queue_id ? m->queue_id : "NOQUEUE", MCTX_HEADER_KEEP_MAX);
		m->overflow = 1;
		return 0;
	}
	m->kept += n;
	return 1;
}

/* join - append a value to an address header, several headers joined by "," */
static void join(struct msg *m, struct buf *b, int *seen, const char *value)
{
	if (!keep(m, strlen(value) + 1))
		return;
	if (*seen)
		buf_putc(b, ',');
	buf_puts(b, value);
	*seen = 1;
}

/* count_prefixed - one more occurrence of a HeaderPrefix name, any case */
static void count_prefixed(struct msg *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->prefix_names.n; i++)
		if (strcasecmp(m->prefix_names.v[i], name) == 0) {
			m->prefix_counts[i]++;
			return;
		}
	if (m->prefix_names.n == MCTX_PREFIX_NAMES_MAX) {
		if (!m->overflow)
			log_warn("%s: more than %d distinct %s headers: the message will be tempfailed",
				 m->queue_id ? m->queue_id : "NOQUEUE", MCTX_PREFIX_NAMES_MAX, name);
		m->overflow = 1;
		return;
	}
	m->prefix_counts = xreallocarray(m->prefix_counts, m->prefix_names.n + 1,
					 sizeof(*m->prefix_counts));
	m->prefix_counts[m->prefix_names.n] = 1;
	strlist_add(&m->prefix_names, name);
}

/* first_value - keep the first value of a single-instance header */
static void first_value(struct msg *m, char **slot, const char *value)
{
	if (*slot == NULL && keep(m, strlen(value)))
		*slot = xstrdup(value);
}

/* is - name equals want, any case (want's first letter already matched) */
static int is(const char *name, const char *want)
{
	return strcasecmp(name, want) == 0;
}

void mctx_header(struct msg *m, const char *prefix, const char *name, const char *value)
{
	if (header_name_has_prefix(name, prefix)) {
		count_prefixed(m, name);
		return;
	}
	/* by first letter: every header of every message comes through here */
	switch (name[0] | 0x20) {
	case 'f':
		if (is(name, "From"))
			join(m, &m->from, &m->has_from, value);
		break;
	case 's':
		if (is(name, "Sender"))
			join(m, &m->sender, &m->has_sender, value);
		else if (is(name, "Subject"))
			first_value(m, &m->subject, value);
		break;
	case 'r':
		if (is(name, "Reply-To"))
			join(m, &m->reply_to, &m->has_reply_to, value);
		break;
	case 'm':
		if (is(name, "Message-ID"))
			first_value(m, &m->message_id, value);
		break;
	case 'l':
		if (is(name, "List-Id"))
			first_value(m, &m->list_id, value);
		break;
	case 'a':
		if (is(name, "Auto-Submitted"))
			first_value(m, &m->auto_submitted, value);
		else if (is(name, "Authentication-Results") && m->auth_results.n < MCTX_AUTHRES_MAX
			 && keep(m, strlen(value)))
			strlist_add(&m->auth_results, value);
		break;
	case 'p':
		if (is(name, "Precedence"))
			first_value(m, &m->precedence, value);
		break;
	case 'c':
		if (is(name, "Content-Type"))
			first_value(m, &m->content_type, value);
		else if (is(name, "Content-Transfer-Encoding"))
			first_value(m, &m->cte, value);
		break;
	default:
		break;
	}
}

int mctx_body(struct msg *m, const unsigned char *chunk, size_t len, size_t max)
{
	size_t room = max > m->body.len ? max - m->body.len : 0;

	if (len > room) {
		buf_append(&m->body, chunk, room);
		m->body_truncated = 1;
		return 1;
	}
	buf_append(&m->body, chunk, len);
	if (m->body.len >= max)
		m->body_truncated = 1;	/* at the cap: whatever follows is ignored */
	return m->body.len >= max;
}

/* note_applied - remember a restriction an RCPT decision applied, once */
static void note_applied(struct msg *m, const struct applied *a)
{
	size_t i;

	for (i = 0; i < m->napplied; i++)
		if (m->applied[i].id == a->id) {
			m->applied[i].breach |= a->breach;
			return;
		}
	m->applied = xreallocarray(m->applied, m->napplied + 1, sizeof(*m->applied));
	m->applied[m->napplied].id = a->id;
	m->applied[m->napplied].user_id = a->user_id;
	m->applied[m->napplied].action = a->action;
	m->applied[m->napplied].matched = a->matched;
	m->applied[m->napplied].trial = a->trial;
	m->applied[m->napplied].breach = a->breach;
	m->applied[m->napplied].unverified = a->unverified;
	m->napplied++;
}

void mctx_note_rcpt(struct msg *m, const struct decision *d)
{
	size_t i;

	for (i = 0; i < d->napplied; i++)
		note_applied(m, &d->applied[i]);
	if (m->person == NULL && d->person)
		m->person = xstrdup(d->person);
	for (i = 0; i < d->nrcpts; i++) {
		const struct rcpt_result *r = &d->rcpts[i];
		if (r->stage != STAGE_RCPT
		    || (r->outcome != OUTCOME_REJECT && r->outcome != OUTCOME_TEMPFAIL))
			continue;
		m->refused = xreallocarray(m->refused, m->nrefused + 1, sizeof(*m->refused));
		m->refused[m->nrefused].address = xstrdup(r->address ? r->address : r->rcpt);
		m->refused[m->nrefused].outcome = r->outcome;
		m->refused[m->nrefused].restriction_id = r->restriction_id;
		m->nrefused++;
	}
}
