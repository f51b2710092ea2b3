/*
 * test_candidates.c - the partial snapshot `restrictctl check` loads
 * (store_load_candidates) decides exactly as the full one the milter loads
 * (store_load_snapshot), for senders that match exact, domain, subdomain
 * and pattern selectors, keys stored under other local-part settings, a
 * lifted restriction, and nobody; and it holds far fewer selectors.
 */
#include "addrlist.h"
#include "config.h"
#include "decide.h"
#include "policy.h"
#include "snapshot.h"
#include "store.h"
#include "strlist.h"
#include "check_helpers.h"

#include <check.h>
#include <ctype.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char dir[64], dbpath[128];

#define NOW_SQL "strftime('%s','now')"

/* the rows: users 1-6 restricted as named, 7-506 filler in other domains */
static const char *const fixture_sql =
	"INSERT INTO service_users (id, name, created_at) WITH RECURSIVE u(i) AS"
	" (SELECT 1 UNION ALL SELECT i + 1 FROM u WHERE i < 506) SELECT i, 'P' || i, 0 FROM u;"
	"INSERT INTO selectors (user_id, text, kind, key, created_at) VALUES"
	" (1, 'bob@example.org', 'exact', 'bob@example.org', 0),"
	/* stored before SubaddressSeparator was '+': the key keeps the tag */
	" (2, 'carol+news@example.org', 'exact', 'carol+news@example.org', 0),"
	/* stored under LocalPartCase sensitive */
	" (2, 'DAVE@example.org', 'exact', 'DAVE@example.org', 0),"
	" (3, '@sub.example.net', 'domain', 'sub.example.net', 0),"
	" (4, '@.example.com', 'subdomains', 'example.com', 0),"
	" (5, '/^mal.*@x\\.example$/', 'regex', '^mal.*@x\\.example$', 0),"
	" (6, 'lifted@example.org', 'exact', 'lifted@example.org', 0);"
	"INSERT INTO selectors (user_id, text, kind, key, created_at) WITH RECURSIVE u(i) AS"
	" (SELECT 7 UNION ALL SELECT i + 1 FROM u WHERE i < 506)"
	" SELECT i, 'f' || i || '@filler' || (i % 7) || '.example', 'exact',"
	"  'f' || i || '@filler' || (i % 7) || '.example', 0 FROM u;"
	"INSERT INTO restrictions (user_id, action, status, reason, starts, review_due,"
	" created_at, updated_at) WITH RECURSIVE u(i) AS"
	" (SELECT 1 UNION ALL SELECT i + 1 FROM u WHERE i < 506)"
	" SELECT i, CASE i % 3 WHEN 0 THEN 'block' WHEN 1 THEN 'watch' ELSE 'monitor' END,"
	"  CASE WHEN i = 6 THEN 'lifted' ELSE 'active' END, 't', 0, 0, 0, 0 FROM u;"
	"UPDATE meta SET value = value + 1 WHERE key = 'generation';";

/* fresh_db - the newest schema and the fixture rows */
static void fresh_db(void)
{
	struct store *st;
	sqlite3 *db;
	char err[512], *e = NULL;
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/test_candidates.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/rm.db", dir);
	fd = open(dbpath, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_msg(store_open(dbpath, STORE_WRITE | STORE_ANY_SCHEMA, 1000, &st, err,
				 sizeof(err)) == 0, "open: %s", err);
	ck_assert_msg(store_migrate(st, "test", "{}", "{}", err, sizeof(err)) == 0, "%s", err);
	store_close(st);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, fixture_sql, NULL, NULL, &e) == SQLITE_OK, "fixture: %s", e);
	sqlite3_close(db);
}

/* cleanup - remove the database files and the directory */
static void cleanup(void)
{
	const char *sfx[] = { "", "-wal", "-shm" };
	char p[160];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", dbpath, sfx[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* json_of - l as a JSON array of strings (new); '"' and '\\' escaped */
static char *json_of(const struct strlist *l)
{
	size_t i, len = 3;
	char *out, *o;

	for (i = 0; i < l->n; i++)
		len += 2 * strlen(l->v[i]) + 3;
	o = out = calloc(1, len);
	*o++ = '[';
	for (i = 0; i < l->n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *p = l->v[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				*o++ = '\\';
			*o++ = *p;
		}
		*o++ = '"';
	}
	*o = ']';
	return out;
}

/* exact_items - [lo, hi, domain] JSON items as cmd_check.c makes them (8 leading ASCII chars, 5 letters) */
static void exact_items(struct strlist *o, const char *norm)
{
	const char *dom = addr_domain(norm);
	char item[512];
	size_t k = 0, letters = 0;

	snprintf(item, sizeof(item), "[\"\\\"\",\"#\",\"%s\"]", dom);
	strlist_add_unique(o, item);
	while (k < 8 && norm[k] && norm[k] != '@' && !(norm[k] & 0x80)
	       && (letters += isalpha((unsigned char)norm[k]) != 0) <= 5)
		k++;
	ck_assert_uint_gt(k, 0);
	for (unsigned m = 0; m < (1u << k); m++) {
		char lo[9], hi[9];
		for (size_t i = 0; i < k; i++)
			lo[i] = (char)((m >> i) & 1 ? toupper((unsigned char)norm[i])
				       : tolower((unsigned char)norm[i]));
		lo[k] = '\0';
		memcpy(hi, lo, sizeof(hi));
		hi[k - 1]++;
		snprintf(item, sizeof(item), "[\"%s\",\"%s\",\"%s\"]", lo, hi, dom);
		strlist_add_unique(o, item);
	}
}

/* domains_json - "c@domain" items (*own, as cmd_check.c makes them) and every domain with its parents (*all), as JSON */
static void domains_json(const char *const *senders, size_t n, const struct policy *pol,
			 char **own, char **all)
{
	struct strlist o = STRLIST_INIT, a = STRLIST_INIT;
	char *norm;
	size_t i;

	for (i = 0; i < n; i++) {
		struct strlist raw = STRLIST_INIT;
		addrlist_parse(senders[i], DECIDE_MAX_HEADER_ADDRS, &raw);
		for (size_t k = 0; k < raw.n; k++) {
			if (addr_normalise(raw.v[k], &pol->addr, &norm) != ADDR_OK)
				continue;
			exact_items(&o, norm);
			for (const char *p = addr_domain(norm); p && *p; p = strchr(p, '.')) {
				if (*p == '.')
					p++;
				if (*p)
					strlist_add_unique(&a, p);
			}
			free(norm);
		}
		strlist_free(&raw);
	}
	*own = strlist_join(&o, ",");
	{
		char *w = malloc(strlen(*own) + 3);
		sprintf(w, "[%s]", *own);
		free(*own);
		*own = w;
	}
	*all = json_of(&a);
	strlist_free(&o);
	strlist_free(&a);
}

/* summary - decide with snap; the log summary, verdict and person as one string */
static char *summary(const struct snapshot *snap, const struct policy *pol, const char *env,
		     const char *from)
{
	static const char *const rcpts[] = { "<a@staff.example>", "<b@elsewhere.example>" };
	struct match_scratch *m = match_scratch_new();
	struct msg_facts f;
	struct decision d;
	char *out;

	memset(&f, 0, sizeof(f));
	f.phase = PHASE_CHECK;
	f.now = time(NULL);
	f.env_from = env;
	f.hdr_from = from;
	f.rcpts = rcpts;
	f.nrcpts = 2;
	decision_init(&d);
	decide(&f, snap, pol, m, &d);
	out = calloc(1, strlen(d.log_summary) + 256);
	sprintf(out, "%s verdict=%s person=%s napplied=%zu nheaders=%zu", d.log_summary,
		verdict_name(d.verdict), d.person ? d.person : "-", d.napplied, d.nheaders);
	decision_clear(&d);
	match_scratch_free(m);
	return out;
}

START_TEST(test_candidate_snapshot_decides_as_the_full_snapshot)
{
	static const char *const cases[][2] = {
		{ "<Bob@Example.ORG>", "Bob <bob@example.org>" },
		{ "<carol+news@example.org>", NULL },
		{ "<carol@example.org>", "\"Carol\" <CAROL+x@example.org>" },
		{ "<Dave@example.org>", NULL },
		{ "<x@y.example>", "dave+z@example.org" },
		{ "<x@sub.example.net>", NULL },
		{ "<x@deeper.sub.example.net>", NULL },
		{ "<y@a.b.example.com>", "y@example.com" },
		{ "<malory@x.example>", NULL },
		{ "<someone@else.example>", "Mal <malware@x.example>" },
		{ "<lifted@example.org>", NULL },
		{ "<f9@filler2.example>", NULL },
		{ "<>", "nobody@nowhere.example" },
		{ "<stranger@example.org>", "bob@example.org, x@sub.example.net" },
	};
	struct config *cfg = config_defaults();
	struct policy *pol;
	struct store *st;
	struct snapshot_builder *b;
	struct snapshot *full, *part;
	uint64_t gen;
	char err[512];
	size_t i;

	rules_init();
	fresh_db();
	strlist_add(&cfg->staff_domains, "staff.example");
	ck_assert_msg(policy_new(cfg, &pol, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(store_open(dbpath, STORE_READONLY, 1000, &st, err, sizeof(err)) == 0, "%s", err);
	b = snapshot_builder_new(&pol->addr);
	ck_assert_msg(store_load_snapshot(st, b, &gen, err, sizeof(err)) == 0, "%s", err);
	full = snapshot_builder_finish(b, gen);
	ck_assert_uint_eq(snapshot_selector_count(full), 506);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *senders[2] = { cases[i][0], cases[i][1] ? cases[i][1] : "" };
		char *doms, *parents, *want, *got;

		domains_json(senders, 2, pol, &doms, &parents);
		b = snapshot_builder_new(&pol->addr);
		ck_assert_msg(store_load_candidates(st, b, doms, parents, &gen, err, sizeof(err)) == 0,
			      "%s", err);
		part = snapshot_builder_finish(b, gen);
		ck_assert_uint_lt(snapshot_selector_count(part), 80);	/* of 505 */
		want = summary(full, pol, cases[i][0], cases[i][1]);
		got = summary(part, pol, cases[i][0], cases[i][1]);
		ck_assert_msg(strcmp(got, want) == 0, "case %zu (%s): partial \"%s\", full \"%s\"",
			      i, doms, got, want);
		free(want);
		free(got);
		free(doms);
		free(parents);
		snapshot_unref(part);
	}
	snapshot_unref(full);
	store_close(st);
	policy_unref(pol);
	config_unref(cfg);
	cleanup();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("candidates");
	TCase *tc = tcase_create("check");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_candidate_snapshot_decides_as_the_full_snapshot);
	suite_add_tcase(s, tc);
	return check_run(s);
}
