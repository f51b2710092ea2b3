/*
 * snapshot.c - the immutable picture of restrictions in force (snapshot.h).
 *
 * Exact addresses, domains and subdomain roots each get a cuckoo table
 * (ctable.c) so lookups cost the same at 100 or 1,000,000 selectors; PCRE2
 * selectors are tried one by one. Restrictions are grouped per user and
 * found by binary search. Nothing here changes after snapshot_builder_finish.
 */
#include "snapshot.h"
#include "ctable.h"
#include "pattern.h"
#include "selector.h"
#include "buf.h"
#include "xalloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct regex_sel {
	pcre2_code *code;
	long long user_id;
	char *pattern;			/* owned, for the combined pattern */
	int in_combined;		/* covered by the snapshot's combined pattern */
};

struct user_index {
	long long user_id;
	size_t first;			/* into by_user */
	size_t n;
};

struct pair_vec {
	struct ctable_pair *v;
	size_t n, cap;
};

struct snapshot_builder {
	struct addr_opts opts;
	char *sep;			/* owns opts.subaddress_sep */
	struct pair_vec exact, domain, subdomains;
	struct regex_sel *regex;
	size_t nregex, capregex;
	struct restriction *restrictions;
	size_t nrestrictions, caprestrictions;
	size_t nselectors;
	int no_jit;			/* snapshot_builder_no_jit */
};

struct snapshot {
	atomic_int refs;
	uint64_t generation;
	struct addr_opts opts;
	char *sep;
	struct ctable *exact, *domain, *subdomains;
	struct regex_sel *regex;
	size_t nregex;
	pcre2_code *combined;		/* (?:p1)|(?:p2)|... of the combinable ones, or NULL */
	struct restriction *restrictions;
	size_t nrestrictions;
	const struct restriction **by_user;
	struct user_index *users;
	size_t nusers;
	size_t nselectors;
};

struct match_scratch {
	pcre2_match_data *md;
	struct pattern_context pc;
};

struct snapshot_builder *snapshot_builder_new(const struct addr_opts *opts)
{
	struct snapshot_builder *b = xcalloc(1, sizeof(*b));

	b->sep = xstrdup(opts->subaddress_sep ? opts->subaddress_sep : "");
	b->opts.subaddress_sep = b->sep;
	b->opts.local_part_case_sensitive = opts->local_part_case_sensitive;
	return b;
}

void snapshot_builder_no_jit(struct snapshot_builder *b)
{
	b->no_jit = 1;
}

void snapshot_builder_add_restriction(struct snapshot_builder *b, const struct restriction *r)
{
	if (b->nrestrictions == b->caprestrictions) {
		b->caprestrictions = b->caprestrictions ? b->caprestrictions * 2 : 64;
		b->restrictions = xreallocarray(b->restrictions, b->caprestrictions,
						sizeof(*b->restrictions));
	}
	restriction_copy(&b->restrictions[b->nrestrictions++], r);
}

/* pair_push - keep the key (ownership moves to the vector) */
static void pair_push(struct pair_vec *v, char *key, long long user_id)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->v = xreallocarray(v->v, v->cap, sizeof(*v->v));
	}
	v->v[v->n].key = key;
	v->v[v->n].user_id = user_id;
	v->n++;
}

int snapshot_builder_add_selector(struct snapshot_builder *b, long long user_id,
				  const char *text, char *err, size_t errlen)
{
	struct selector sel;

	if (selector_parse(text, &b->opts, &sel, err, errlen) != 0)
		return -1;
	b->nselectors++;
	switch (sel.kind) {
	case SEL_EXACT:
		pair_push(&b->exact, sel.key, user_id);
		return 0;
	case SEL_DOMAIN:
		pair_push(&b->domain, sel.key, user_id);
		return 0;
	case SEL_SUBDOMAINS:
		pair_push(&b->subdomains, sel.key, user_id);
		return 0;
	case SEL_REGEX:
		break;
	}
	if (b->nregex == b->capregex) {
		b->capregex = b->capregex ? b->capregex * 2 : 16;
		b->regex = xreallocarray(b->regex, b->capregex, sizeof(*b->regex));
	}
	b->regex[b->nregex].code = pattern_compile(sel.key, err, errlen);
	if (b->regex[b->nregex].code == NULL) {
		selector_clear(&sel);
		b->nselectors--;
		return -1;
	}
	if (!b->no_jit)
		pattern_jit(b->regex[b->nregex].code);
	b->regex[b->nregex].pattern = sel.key;	/* ownership moves */
	b->regex[b->nregex].in_combined = 0;
	b->regex[b->nregex++].user_id = user_id;
	return 0;
}

/* pairs_free - free the keys the builder owned */
static void pairs_free(struct pair_vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free((char *)v->v[i].key);
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

void snapshot_builder_free(struct snapshot_builder *b)
{
	size_t i;

	if (b == NULL)
		return;
	pairs_free(&b->exact);
	pairs_free(&b->domain);
	pairs_free(&b->subdomains);
	for (i = 0; i < b->nregex; i++) {
		pcre2_code_free(b->regex[i].code);
		free(b->regex[i].pattern);
	}
	free(b->regex);
	for (i = 0; i < b->nrestrictions; i++)
		restriction_clear(&b->restrictions[i]);
	free(b->restrictions);
	free(b->sep);
	free(b);
}

static int restriction_cmp(const void *a, const void *b)
{
	const struct restriction *x = *(const struct restriction *const *)a;
	const struct restriction *y = *(const struct restriction *const *)b;

	if (x->user_id != y->user_id)
		return x->user_id < y->user_id ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * combinable - may this pattern be joined with others as (?:p)? Not when
 * it refers to groups by number or name, or resets group numbering: in a
 * combined pattern those references would point elsewhere.
 */
static int combinable(const char *p)
{
	static const char *const refs[] = { "(?P", "(?&", "(?R", "(?+", "(?-", "(?|", "(?(",
					    "(?1", "(?2", "(?3", "(?4", "(?5", "(?6", "(?7",
					    "(?8", "(?9", "\\g", "\\k", NULL };
	size_t i;

	for (i = 0; refs[i]; i++)
		if (strstr(p, refs[i]))
			return 0;
	for (; *p; p++)
		if (p[0] == '\\' && p[1] >= '1' && p[1] <= '9')
			return 0;
	return 1;
}

/*
 * combine_patterns - one pattern for all combinable selectors, so the usual
 * address (matching none) costs one PCRE2 match instead of one per pattern.
 */
static void combine_patterns(struct snapshot *s, int jit)
{
	struct buf b;
	char err[512];
	size_t i, n = 0;

	buf_init(&b);
	for (i = 0; i < s->nregex; i++) {
		if (!combinable(s->regex[i].pattern))
			continue;
		buf_printf(&b, "%s(?:%s)", n ? "|" : "", s->regex[i].pattern);
		n++;
	}
	if (n >= 2 && (s->combined = pattern_compile(buf_cstr(&b), err, sizeof(err))) != NULL) {
		if (jit)
			pattern_jit(s->combined);
		for (i = 0; i < s->nregex; i++)
			s->regex[i].in_combined = combinable(s->regex[i].pattern);
	}
	buf_free(&b);
}

/* index_users - sort restrictions by user and build the per-user index */
static void index_users(struct snapshot *s)
{
	size_t i;

	s->by_user = xreallocarray(NULL, s->nrestrictions ? s->nrestrictions : 1,
				   sizeof(*s->by_user));
	for (i = 0; i < s->nrestrictions; i++)
		s->by_user[i] = &s->restrictions[i];
	qsort(s->by_user, s->nrestrictions, sizeof(*s->by_user), restriction_cmp);
	s->users = xreallocarray(NULL, s->nrestrictions ? s->nrestrictions : 1, sizeof(*s->users));
	for (i = 0; i < s->nrestrictions; i++) {
		if (s->nusers && s->users[s->nusers - 1].user_id == s->by_user[i]->user_id) {
			s->users[s->nusers - 1].n++;
			continue;
		}
		s->users[s->nusers].user_id = s->by_user[i]->user_id;
		s->users[s->nusers].first = i;
		s->users[s->nusers].n = 1;
		s->nusers++;
	}
}

struct snapshot *snapshot_builder_finish(struct snapshot_builder *b, uint64_t generation)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	atomic_init(&s->refs, 1);
	s->generation = generation;
	s->sep = b->sep;
	b->sep = NULL;
	s->opts.subaddress_sep = s->sep;
	s->opts.local_part_case_sensitive = b->opts.local_part_case_sensitive;
	s->exact = ctable_build(b->exact.v, b->exact.n);
	s->domain = ctable_build(b->domain.v, b->domain.n);
	s->subdomains = ctable_build(b->subdomains.v, b->subdomains.n);
	s->regex = b->regex;
	s->nregex = b->nregex;
	b->regex = NULL;
	b->nregex = 0;
	s->restrictions = b->restrictions;
	s->nrestrictions = b->nrestrictions;
	b->restrictions = NULL;
	b->nrestrictions = 0;
	s->nselectors = b->nselectors;
	combine_patterns(s, !b->no_jit);
	index_users(s);
	snapshot_builder_free(b);
	return s;
}

struct snapshot *snapshot_ref(struct snapshot *s)
{
	atomic_fetch_add(&s->refs, 1);
	return s;
}

void snapshot_unref(struct snapshot *s)
{
	size_t i;

	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	ctable_free(s->exact);
	ctable_free(s->domain);
	ctable_free(s->subdomains);
	for (i = 0; i < s->nregex; i++) {
		pcre2_code_free(s->regex[i].code);
		free(s->regex[i].pattern);
	}
	free(s->regex);
	pcre2_code_free(s->combined);
	for (i = 0; i < s->nrestrictions; i++)
		restriction_clear(&s->restrictions[i]);
	free(s->restrictions);
	free(s->by_user);
	free(s->users);
	free(s->sep);
	free(s);
}

uint64_t snapshot_generation(const struct snapshot *s)
{
	return s->generation;
}

size_t snapshot_selector_count(const struct snapshot *s)
{
	return s->nselectors;
}

size_t snapshot_restriction_count(const struct snapshot *s)
{
	return s->nrestrictions;
}

const struct addr_opts *snapshot_addr_opts(const struct snapshot *s)
{
	return &s->opts;
}

struct match_scratch *match_scratch_new(void)
{
	struct match_scratch *m = xcalloc(1, sizeof(*m));

	m->md = pattern_match_data_new();
	pattern_context_init(&m->pc);
	return m;
}

void match_scratch_free(struct match_scratch *m)
{
	if (m == NULL)
		return;
	pcre2_match_data_free(m->md);
	pattern_context_clear(&m->pc);
	free(m);
}

/* add_users - merge found users into out (kept unique), up to max */
static void add_users(long long *out, size_t *n, size_t max, const long long *u, size_t nu)
{
	size_t i, j;

	for (i = 0; i < nu; i++) {
		for (j = 0; j < *n && out[j] != u[i]; j++)
			;
		if (j == *n && *n < max)
			out[(*n)++] = u[i];
	}
}

static int ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

size_t snapshot_match(const struct snapshot *s, struct match_scratch *m,
		      const char *normalised, long long *users, size_t max,
		      unsigned *limit_hits)
{
	const char *dom = addr_domain(normalised), *p;
	const char *end = normalised + strlen(normalised);
	const long long *u;
	size_t n = 0, nu, i, len = (size_t)(end - normalised);
	int skip_combined;

	u = ctable_lookup(s->exact, normalised, len, &nu, NULL);
	add_users(users, &n, max, u, nu);
	if (*dom) {
		u = ctable_lookup(s->domain, dom, (size_t)(end - dom), &nu, NULL);
		add_users(users, &n, max, u, nu);
		for (p = dom; p; p = strchr(p, '.')) {	/* a.b.c, b.c, c */
			if (*p == '.')
				p++;
			u = ctable_lookup(s->subdomains, p, (size_t)(end - p), &nu, NULL);
			add_users(users, &n, max, u, nu);
		}
	}
	/* no match of the combined pattern rules out every pattern in it */
	skip_combined = s->combined && pattern_match_len(s->combined, m->md, m->pc.ctx, normalised, len) == 0;
	for (i = 0; i < s->nregex; i++) {
		int rc;
		if (skip_combined && s->regex[i].in_combined)
			continue;
		rc = pattern_match_len(s->regex[i].code, m->md, m->pc.ctx, normalised, len);
		if (rc > 0)
			add_users(users, &n, max, &s->regex[i].user_id, 1);
		else if (rc < 0 && limit_hits)
			(*limit_hits)++;
	}
	if (n > 1)
		qsort(users, n, sizeof(*users), ll_cmp);
	return n;
}

const struct restriction *const *snapshot_user_restrictions(const struct snapshot *s,
							    long long user_id, size_t *n)
{
	size_t lo = 0, hi = s->nusers;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->users[mid].user_id == user_id) {
			*n = s->users[mid].n;
			return s->by_user + s->users[mid].first;
		}
		if (s->users[mid].user_id < user_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*n = 0;
	return NULL;
}

unsigned snapshot_exact_probes(const struct snapshot *s, const char *normalised)
{
	unsigned probes = 0;
	size_t n;

	(void)ctable_lookup(s->exact, normalised, strlen(normalised), &n, &probes);
	return probes;
}
