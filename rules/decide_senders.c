/*
 * decide_senders.c - who is writing (decide.h, decide_int.h): the message's
 * senders in SPEC's order (envelope, From:, Sender:, Reply-To:), normalised
 * and matched against the snapshot once per message through the caller's
 * struct sender_match, and the people they match; the person a message is
 * counted for; whether its From: is vouched for. decide() and
 * decide_anyone_restricted() both start here.
 */
#include "decide_int.h"
#include "addrlist.h"
#include "authres.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* hdr_sender_add - one normalised header mailbox into the cache (room made by the caller) */
static struct sender *hdr_sender_add(struct sender_match *sm, char *norm, enum matched_kind kind)
{
	struct sender *h = &sm->hdr[sm->nhdr++];

	memset(h, 0, sizeof(*h));
	h->norm = norm;
	h->kind = kind;
	return h;
}

/* hdr_senders_add - every mailbox of one header value, capped; unparseable ones skipped */
static void hdr_senders_add(struct sender_match *sm, const char *value, enum matched_kind kind,
			    const struct addr_opts *o)
{
	struct strlist raw = STRLIST_INIT;
	struct sender *h;
	char *norm;
	size_t i;

	if (value == NULL)
		return;
	addrlist_parse(value, DECIDE_MAX_HEADER_ADDRS, &raw);
	if (raw.n > 0)	/* room for every mailbox at once: up to DECIDE_MAX_HEADER_ADDRS */
		sm->hdr = xreallocarray(sm->hdr, sm->nhdr + raw.n, sizeof(*sm->hdr));
	for (i = 0; i < raw.n; i++) {
		if (addr_normalise(raw.v[i], o, &norm) != ADDR_OK)
			continue;
		h = hdr_sender_add(sm, norm, kind);
		if (i == 0 && kind == MATCHED_HEADER_FROM)
			sm->from_first = h->norm;
	}
	strlist_free(&raw);
}

/* hdr_senders_free - the header part of the cache, emptied */
static void hdr_senders_free(struct sender_match *sm)
{
	size_t i;

	for (i = 0; i < sm->nhdr; i++) {
		free(sm->hdr[i].norm);
		free(sm->hdr[i].users);
	}
	free(sm->hdr);
	sm->hdr = NULL;
	sm->nhdr = 0;
	sm->from_first = NULL;
	sm->headers_collected = 0;
}

void sender_match_clear(struct sender_match *sm)
{
	if (sm == NULL)
		return;
	free(sm->env.norm);
	free(sm->env.users);
	hdr_senders_free(sm);
	memset(sm, 0, sizeof(*sm));
}

/* headers_hash - FNV-1a over the three header values, absent ones marked apart from empty */
static unsigned long long headers_hash(const struct msg_facts *f)
{
	const char *v[3] = { f->hdr_from, f->hdr_sender, f->hdr_reply_to };
	unsigned long long h = 14695981039346656037ULL;
	const unsigned char *p;
	int i;

	for (i = 0; i < 3; i++) {
		h = (h ^ (v[i] ? 1u : 2u)) * 1099511628211ULL;
		for (p = (const unsigned char *)v[i]; p && *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
	}
	return h;
}

/* env_normalise - the envelope sender normalised once into sm */
static void env_normalise(const char *env_from, const struct addr_opts *o, struct sender_match *sm)
{
	if (sm->normalised)
		return;
	sm->result = addr_normalise(env_from, o, &sm->env.norm);
	if (sm->result != ADDR_OK) {
		free(sm->env.norm);
		sm->env.norm = NULL;
	}
	sm->env.kind = MATCHED_ENVELOPE_FROM;
	sm->normalised = 1;
}

/* hdr_collect - the header senders parsed and normalised once while the values stay the same */
static void hdr_collect(const struct msg_facts *f, const struct addr_opts *o, struct sender_match *sm)
{
	unsigned long long h = headers_hash(f);

	if (sm->headers_collected && sm->headers_hash == h)
		return;
	hdr_senders_free(sm);
	hdr_senders_add(sm, f->hdr_from, MATCHED_HEADER_FROM, o);
	hdr_senders_add(sm, f->hdr_sender, MATCHED_HEADER_SENDER, o);
	hdr_senders_add(sm, f->hdr_reply_to, MATCHED_HEADER_REPLY_TO, o);
	sm->headers_hash = h;
	sm->headers_collected = 1;
}

/* collect_senders - the addresses checked, in SPEC's order; the envelope's first */
static void collect_senders(const struct msg_facts *f, const struct addr_opts *o,
			    struct sender_match *sm, struct senders *s, int *sender_null)
{
	size_t i, n;

	if (f->env_from != NULL)
		env_normalise(f->env_from, o, sm);
	*sender_null = f->env_from == NULL || sm->result == ADDR_NULL;
	if (f->phase != PHASE_RCPT)
		hdr_collect(f, o, sm);
	n = 1 + (f->phase != PHASE_RCPT ? sm->nhdr : 0);
	s->v = n <= SENDERS_INLINE ? s->space : xcalloc(n, sizeof(*s->v));
	s->n = 0;
	if (f->env_from && sm->result == ADDR_OK) {
		s->v[s->n].addr = sm->env.norm;
		s->v[s->n].kind = MATCHED_ENVELOPE_FROM;
		s->v[s->n].who = &sm->env;
		s->n++;
	}
	if (f->phase == PHASE_RCPT)
		return;
	for (i = 0; i < sm->nhdr; i++, s->n++) {
		s->v[s->n].addr = sm->hdr[i].norm;
		s->v[s->n].kind = sm->hdr[i].kind;
		s->v[s->n].who = &sm->hdr[i];
	}
}

/* sender_users - whom one sender matched, matched once per sender_match */
static const long long *sender_users(const struct snapshot *snap, struct match_scratch *m,
				     struct sender *who, size_t *nu, unsigned *limit_hits)
{
	long long found[DECIDE_MAX_USERS];

	if (!who->matched) {
		who->nusers = snapshot_match(snap, m, who->norm, found, DECIDE_MAX_USERS,
					     &who->limit_hits);
		if (who->nusers > 0) {
			who->users = xcalloc(who->nusers, sizeof(*who->users));
			memcpy(who->users, found, who->nusers * sizeof(*who->users));
		}
		who->matched = 1;
	}
	*limit_hits += who->limit_hits;	/* reported by every decision, as when matched anew */
	*nu = who->nusers;
	return who->users;
}

/* match_people - each matched user once, with the first address that matched */
static size_t match_people(const struct snapshot *snap, struct match_scratch *m,
			   const struct senders *s, struct person_match *out, size_t max,
			   unsigned *limit_hits)
{
	const long long *users;
	size_t i, j, k, n = 0;

	for (i = 0; i < s->n; i++) {
		size_t nu;
		/* an address seen earlier (envelope = From:) can add no new person */
		for (k = 0; k < i && strcmp(s->v[k].addr, s->v[i].addr) != 0; k++)
			;
		if (k < i)
			continue;
		users = sender_users(snap, m, s->v[i].who, &nu, limit_hits);
		for (j = 0; j < nu; j++) {
			for (k = 0; k < n && out[k].user_id != users[j]; k++)
				;
			if (k < n || n == max)
				continue;
			out[n].user_id = users[j];
			out[n].kind = s->v[i].kind;
			out[n].addr = s->v[i].addr;
			n++;
		}
	}
	return n;
}

void writers_find(struct writers *w, const struct msg_facts *f, const struct snapshot *snap,
		  const struct policy *pol, struct match_scratch *scratch, unsigned *limit_hits)
{
	memset(&w->own, 0, sizeof(w->own));
	w->sm = f->senders ? f->senders : &w->own;
	collect_senders(f, &pol->addr, w->sm, &w->s, &w->sender_null);
	w->npm = match_people(snap, scratch, &w->s, w->pm, DECIDE_MAX_USERS, limit_hits);
}

void writers_free(struct writers *w)
{
	if (w->s.v != w->s.space)
		free(w->s.v);
	w->s.v = NULL;
	sender_match_clear(&w->own);
}

/* writers_person - matched address, else first From: mailbox, else envelope; NULL none */
const char *writers_person(const struct writers *w)
{
	size_t i;

	if (w->npm > 0)
		return w->pm[0].addr;
	for (i = 0; i < w->s.n; i++)
		if (w->s.v[i].kind == MATCHED_HEADER_FROM)
			return w->s.v[i].addr;
	if (w->s.n > 0 && w->s.v[0].kind == MATCHED_ENVELOPE_FROM)
		return w->s.v[0].addr;
	return NULL;
}

/*
 * writers_from_verified - is the From: vouched for: by the caller, or by a
 * trusted Authentication-Results pass for the first From: mailbox's domain?
 */
int writers_from_verified(const struct writers *w, const struct msg_facts *f,
			  const struct policy *pol)
{
	size_t i;

	if (f->header_from_verified)
		return 1;
	for (i = 0; i < w->s.n; i++)
		if (w->s.v[i].kind == MATCHED_HEADER_FROM)
			return authres_from_verified(f->auth_results, f->nauth_results,
						     &pol->trusted_authserv_ids,
						     addr_domain(w->s.v[i].addr));
	return 0;
}

int decide_anyone_restricted(const struct msg_facts *f, const struct snapshot *snap,
			     const struct policy *pol, struct match_scratch *scratch)
{
	struct writers w;
	const struct restriction *const *rs;
	unsigned limit_hits = 0;	/* decide() reports them */
	size_t i, j, nr;
	int any = 0;

	if (f->internal)
		return 0;
	writers_find(&w, f, snap, pol, scratch, &limit_hits);
	for (i = 0; i < w.npm && !any; i++) {
		rs = snapshot_user_restrictions(snap, w.pm[i].user_id, &nr);
		for (j = 0; j < nr && !any; j++)
			any = restriction_in_force(rs[j], f->now);
	}
	writers_free(&w);
	return any;
}
