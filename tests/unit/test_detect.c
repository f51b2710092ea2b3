/*
 * test_detect.c - scattergun and volume counting (rules/detect.c), what
 * counts (rules/detect_filter.c) and the flag state machine (rules/flag.c):
 * window edges, a moving clock, the threshold on the 5th distinct
 * recipient, many persons and the memory bound, threads, skipped mail
 * kinds, DetectIgnore, flags open/update/escalate/dismiss/reopen, and the
 * replay of 1M events at start, timed.
 */
#include <check.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "detect.h"
#include "policy.h"
#include "strlist.h"
#include "check_helpers.h"

#define T0 1795770000	/* 2026-11-27, a fixed clock */
#define DAY 86400
#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* small windows so edges are easy to state */
static const struct detect_params small = { 100, 3, 50, 3, 0, 0, 0 };

/* rec - record one message to the listed staff (NULL-terminated) */
static void rec(struct detect *d, const char *who, time_t at, struct detect_result *r, ...)
{
	const char *v[16];
	size_t n = 0;
	va_list ap;
	const char *s;

	va_start(ap, r);
	while ((s = va_arg(ap, const char *)) != NULL && n < N_ELEM(v))
		v[n++] = s;
	va_end(ap);
	detect_record(d, who, at, v, n, NULL, r);
}

struct edge_case {
	const char *name;
	time_t query;		/* seconds after T0 */
	unsigned want_scatter, want_volume;
};

/* one message at T0 to a, one at T0+10 to b; windows 100 (scatter) and 50 (volume) */
static const struct edge_case edges[] = {
	{ "both in", 10, 2, 2 },
	{ "volume: first one second before its edge", 49, 2, 2 },
	{ "volume: first exactly one window old is out", 50, 2, 1 },
	{ "volume: second exactly one window old is out", 60, 2, 0 },
	{ "scatter: first one second before its edge", 99, 2, 0 },
	{ "scatter: first exactly one window old is out", 100, 1, 0 },
	{ "scatter: both out", 110, 0, 0 },
};

START_TEST(test_detect_window_edges)
{
	struct detect *d = detect_new(&small);
	struct detect_result r;
	size_t i;

	rec(d, "bob@example.org", T0, &r, "a@staff.example", NULL);
	rec(d, "bob@example.org", T0 + 10, &r, "b@staff.example", NULL);
	for (i = 0; i < N_ELEM(edges); i++) {
		const struct edge_case *c = &edges[i];
		int known = detect_query(d, "bob@example.org", T0 + c->query, NULL, &r);
		ck_assert_int_eq(known, c->want_scatter > 0);	/* idle past both: dropped */
		ck_assert_msg(r.scatter.count == c->want_scatter && r.volume.count == c->want_volume,
			      "%s (t=+%lld): got scatter=%u volume=%u, want %u %u", c->name,
			      (long long)c->query, r.scatter.count, r.volume.count,
			      c->want_scatter, c->want_volume);
	}
	detect_free(d);
}
END_TEST

START_TEST(test_detect_moving_clock)
{
	/* defaults: 7d/5 scatter, 1d/20 volume; one message a day to a new recipient */
	static const struct detect_params p = { 0, 0, 0, 0, 0, 0, 0 };
	struct detect *d = detect_new(&p);
	struct detect_result r;
	char rcpt[64];
	const char *v[1] = { rcpt };
	unsigned day, want;

	for (day = 0; day < 20; day++) {
		snprintf(rcpt, sizeof(rcpt), "staff%u@staff.example", day);
		detect_record(d, "bob@example.org", T0 + (time_t)day * DAY, v, 1, NULL, &r);
		want = day < 7 ? day + 1 : 7;	/* the window holds 7 days */
		ck_assert_msg(r.scatter.count == want, "day %u: got scatter=%u, want %u",
			      day, r.scatter.count, want);
		ck_assert_msg(r.volume.count == 1, "day %u: got volume=%u, want 1", day, r.volume.count);
		ck_assert_msg(r.scatter.reached == (day == 4), "day %u: reached=%d", day, r.scatter.reached);
	}
	detect_free(d);
}
END_TEST

START_TEST(test_detect_threshold_on_fifth_distinct_recipient)
{
	static const struct detect_params p = { 0, 0, 0, 0, 0, 0, 0 };
	static const char *const staff[] = {
		"a@staff.example", "b@staff.example", "a@staff.example", "c@staff.example",
		"d@staff.example", "e@staff.example", "f@staff.example",
	};
	static const unsigned want_count[] = { 1, 2, 2, 3, 4, 5, 6 };
	struct detect *d = detect_new(&p);
	struct detect_result r;
	size_t i;

	for (i = 0; i < N_ELEM(staff); i++) {
		detect_record(d, "bob@example.org", T0 + (time_t)i * 60, &staff[i], 1, NULL, &r);
		ck_assert_msg(r.scatter.count == want_count[i], "message %zu: got %u distinct, want %u",
			      i + 1, r.scatter.count, want_count[i]);
		ck_assert_msg(r.scatter.reached == (want_count[i] == 5 && i == 5),
			      "message %zu: reached=%d", i + 1, r.scatter.reached);
		ck_assert_int_eq(r.scatter.threshold, 5);
	}
	detect_free(d);
}
END_TEST

START_TEST(test_detect_volume_threshold_and_cap)
{
	static const struct detect_params p = { 0, 0, 0, 0, 0, 10, 0 };	/* max_events 10 */
	struct detect *d = detect_new(&p);
	struct detect_result r;
	unsigned i, reached = 0;

	for (i = 1; i <= 15; i++) {
		detect_record(d, "bob@example.org", T0 + i, NULL, 0, NULL, &r);
		reached += (unsigned)r.volume.reached;
	}
	ck_assert_msg(r.volume.count == 10 && r.volume.saturated,
		      "got volume=%u saturated=%d, want 10 (the cap) saturated", r.volume.count,
		      r.volume.saturated);
	ck_assert_int_eq(reached, 0);		/* threshold 20 never reached below the cap */
	ck_assert_int_eq(r.scatter.count, 0);	/* no staff given: volume only */
	detect_free(d);
}
END_TEST

START_TEST(test_detect_person_key_joins_addresses)
{
	/* a service user (id 12) writes from three addresses: one person */
	static const char *const from[] = { "bob@example.org", "bob@mail.example.net", "rjones@example.com" };
	static const char *const staff[] = { "a@staff.example", "b@staff.example", "c@staff.example" };
	struct detect *d = detect_new(&small);
	struct detect_result r;
	char *key;
	size_t i;

	for (i = 0; i < 3; i++) {
		key = detect_person_key(12, from[i]);
		ck_assert_str_eq(key, "user:12");
		detect_record(d, key, T0 + (time_t)i, &staff[i], 1, NULL, &r);
		free(key);
	}
	ck_assert_msg(r.scatter.count == 3 && r.scatter.reached, "got %u reached=%d, want 3 reached",
		      r.scatter.count, r.scatter.reached);
	/* no service user: the address itself, and nothing for nothing */
	key = detect_person_key(0, "eve@example.org");
	ck_assert_str_eq(key, "eve@example.org");
	free(key);
	ck_assert_ptr_null(detect_person_key(0, NULL));
	detect_free(d);
}
END_TEST

START_TEST(test_detect_many_persons_and_memory_bound)
{
	struct detect_params p = { 0, 0, 0, 0, 0, 0, 0 };
	struct detect *d;
	struct detect_result r;
	struct detect_stats st;
	const char *staff[1] = { "a@staff.example" };
	char who[64];
	unsigned i;

	/* 100,000 persons fit under the default bound of 200,000 */
	d = detect_new(&p);
	for (i = 0; i < 100000; i++) {
		snprintf(who, sizeof(who), "person%u@example.org", i);
		detect_record(d, who, T0 + i / 10, staff, 1, NULL, &r);
	}
	detect_get_stats(d, &st);
	ck_assert_uint_eq(st.persons, 100000);
	ck_assert_uint_eq(st.evicted, 0);
	printf("detect: %zu persons with one message each hold %zu bytes, %zu bytes per person\n",
	       st.persons, st.bytes, st.bytes / st.persons);
	ck_assert_msg(st.bytes / st.persons < 400, "got %zu bytes per person, want < 400",
		      st.bytes / st.persons);
	detect_free(d);

	/* a bound of 10,000: the least recently seen go first */
	p.max_persons = 10000;
	d = detect_new(&p);
	for (i = 0; i < 100000; i++) {
		snprintf(who, sizeof(who), "person%u@example.org", i);
		detect_record(d, who, T0 + i / 10, staff, 1, NULL, &r);
	}
	detect_get_stats(d, &st);
	ck_assert_msg(st.persons <= 10000 && st.persons + st.evicted == 100000,
		      "got persons=%zu evicted=%zu", st.persons, st.evicted);
	ck_assert_int_eq(detect_query(d, "person99999@example.org", T0 + 10000, NULL, &r), 1);
	ck_assert_int_eq(r.volume.count, 1);
	ck_assert_int_eq(detect_query(d, "person0@example.org", T0 + 10000, NULL, &r), 0);
	detect_free(d);
}
END_TEST

START_TEST(test_detect_idle_persons_expire)
{
	struct detect *d = detect_new(&small);	/* longest window 100 */
	struct detect_result r;
	struct detect_stats st;

	rec(d, "old@example.org", T0, &r, "a@staff.example", NULL);
	rec(d, "new@example.org", T0 + 60, &r, "a@staff.example", NULL);
	ck_assert_uint_eq(detect_expire(d, T0 + 99), 0);
	ck_assert_uint_eq(detect_expire(d, T0 + 100), 1);	/* exactly one window idle */
	detect_get_stats(d, &st);
	ck_assert_uint_eq(st.persons, 1);
	/* lazily on access too */
	ck_assert_int_eq(detect_query(d, "new@example.org", T0 + 160, NULL, &r), 0);
	detect_get_stats(d, &st);
	ck_assert_uint_eq(st.persons, 0);
	detect_free(d);
}
END_TEST

START_TEST(test_detect_out_of_order_events)
{
	struct detect *d = detect_new(&small);
	struct detect_result r;

	rec(d, "bob@example.org", T0 + 20, &r, "a@staff.example", NULL);
	rec(d, "bob@example.org", T0 + 5, &r, "b@staff.example", NULL);	/* a slower thread */
	ck_assert_int_eq(r.volume.count, 2);
	ck_assert_int_eq(detect_query(d, "bob@example.org", T0 + 55, NULL, &r), 1);
	ck_assert_int_eq(r.volume.count, 1);	/* T0+5 left the 50s window, T0+20 did not */
	detect_free(d);
}
END_TEST

struct thread_arg {
	struct detect *d;
	unsigned id;
};

/* hammer - 20,000 messages from 100 persons shared by all threads */
static void *hammer(void *arg)
{
	const struct thread_arg *a = arg;
	char who[32], to[32];
	const char *v[1] = { to };
	struct detect_result r;
	unsigned i;

	for (i = 0; i < 20000; i++) {
		snprintf(who, sizeof(who), "p%u@example.org", i % 100);
		snprintf(to, sizeof(to), "s%u@staff.example", a->id);
		detect_record(a->d, who, T0 + 1, v, 1, NULL, &r);
	}
	return NULL;
}

START_TEST(test_detect_threads_count_every_message)
{
	static const struct detect_params p = { 0, 0, 0, 0, 0, 100000, 0 };
	struct detect *d = detect_new(&p);
	struct thread_arg args[8];
	pthread_t t[8];
	struct detect_result r;
	unsigned i;

	for (i = 0; i < 8; i++) {
		args[i].d = d;
		args[i].id = i;
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, &args[i]), 0);
	}
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	for (i = 0; i < 100; i++) {
		char who[32];
		snprintf(who, sizeof(who), "p%u@example.org", i);
		ck_assert_int_eq(detect_query(d, who, T0 + 2, NULL, &r), 1);
		ck_assert_msg(r.volume.count == 1600 && r.scatter.count == 8,
			      "%s: got volume=%u scatter=%u, want 1600 and 8", who,
			      r.volume.count, r.scatter.count);
	}
	detect_free(d);
}
END_TEST

START_TEST(test_detect_replay_one_million_events)
{
	static const struct detect_params p = { 0, 0, 0, 0, 0, 0, 0 };
	struct detect *d = detect_new(&p);
	struct detect_result r;
	struct detect_stats st;
	struct timespec a, b;
	char who[32], to[32];
	const char *v[1] = { to };
	unsigned i;
	double secs;

	/* 1M events over 30 days from 50,000 persons to 400 staff, in time order */
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < 1000000; i++) {
		unsigned x = i * 2654435761u;
		snprintf(who, sizeof(who), "p%u@example.org", x % 50000);
		snprintf(to, sizeof(to), "s%u@staff.example", (x >> 16) % 400);
		detect_record(d, who, T0 + (time_t)(i * 2.592), v, 1, NULL, &r);
		if (i % 100000 == 0)
			(void)detect_expire(d, T0 + (time_t)(i * 2.592));
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	detect_get_stats(d, &st);
	printf("detect: replayed 1,000,000 events in %.3f s (%.0f ns/event); %zu persons, %zu bytes\n",
	       secs, secs * 1e9 / 1e6, st.persons, st.bytes);
	ck_assert_msg(secs < 10.0, "replay took %.3f s, want well under a few seconds", secs);
	ck_assert_uint_le(st.persons, 50000);
	detect_free(d);
}
END_TEST

/* --- what counts --- */

static struct config *cfg;
static struct policy *pol;

static void setup(void)
{
	char err[256];

	cfg = config_defaults();
	strlist_add(&cfg->staff_domains, "staff.example");
	strlist_add(&cfg->exempt_recipients, "complaints@staff.example");
	strlist_add(&cfg->detect_ignore, "Enquiries@Staff.Example");
	strlist_add(&cfg->detect_ignore_senders, "newsletter@partner.example");
	ck_assert_msg(policy_new(cfg, &pol, err, sizeof(err)) == 0, "%s", err);
}

static void teardown(void)
{
	policy_unref(pol);
	config_unref(cfg);
}

struct skip_case {
	const char *name;
	struct detect_msg m;
	enum detect_skip want;
};

#define BOB "bob@example.org"
static const struct skip_case skips[] = {
	{ "ordinary mail", { 0, BOB, BOB, NULL, NULL, NULL }, DETECT_COUNT },
	{ "internal", { 1, BOB, BOB, NULL, NULL, NULL }, DETECT_SKIP_INTERNAL },
	{ "null sender NULL", { 0, NULL, BOB, NULL, NULL, NULL }, DETECT_SKIP_NULL_SENDER },
	{ "null sender <>", { 0, "<>", NULL, NULL, NULL, NULL }, DETECT_SKIP_NULL_SENDER },
	{ "null sender empty", { 0, "", NULL, NULL, NULL, NULL }, DETECT_SKIP_NULL_SENDER },
	{ "List-Id", { 0, BOB, BOB, "<news.example.org>", NULL, NULL }, DETECT_SKIP_LIST_ID },
	{ "List-Id empty", { 0, BOB, BOB, "", NULL, NULL }, DETECT_SKIP_LIST_ID },
	{ "Auto-Submitted: auto-replied", { 0, BOB, BOB, NULL, "auto-replied", NULL }, DETECT_SKIP_AUTO_SUBMITTED },
	{ "Auto-Submitted: auto-generated", { 0, BOB, BOB, NULL, " Auto-Generated; owner-email=x@y", NULL }, DETECT_SKIP_AUTO_SUBMITTED },
	{ "Auto-Submitted: no", { 0, BOB, BOB, NULL, "no", NULL }, DETECT_COUNT },
	{ "Auto-Submitted: NO (comment)", { 0, BOB, BOB, NULL, " (sent by hand) NO ", NULL }, DETECT_COUNT },
	{ "Auto-Submitted: nonsense", { 0, BOB, BOB, NULL, "nothing", NULL }, DETECT_SKIP_AUTO_SUBMITTED },
	{ "Precedence: bulk", { 0, BOB, BOB, NULL, NULL, "bulk" }, DETECT_SKIP_PRECEDENCE },
	{ "Precedence: List", { 0, BOB, BOB, NULL, NULL, " List" }, DETECT_SKIP_PRECEDENCE },
	{ "Precedence: junk", { 0, BOB, BOB, NULL, NULL, "junk" }, DETECT_SKIP_PRECEDENCE },
	{ "Precedence: first-class", { 0, BOB, BOB, NULL, NULL, "first-class" }, DETECT_COUNT },
	{ "Precedence: bulky", { 0, BOB, BOB, NULL, NULL, "bulky" }, DETECT_COUNT },
	{ "DetectIgnoreSenders envelope", { 0, "newsletter@partner.example", NULL, NULL, NULL, NULL }, DETECT_SKIP_IGNORED_SENDER },
	{ "DetectIgnoreSenders From:", { 0, "bounce-1@mailer.example", "newsletter@partner.example", NULL, NULL, NULL }, DETECT_SKIP_IGNORED_SENDER },
};

START_TEST(test_detect_skipped_mail_kinds)
{
	size_t i;

	for (i = 0; i < N_ELEM(skips); i++) {
		enum detect_skip got = detect_skip_message(&skips[i].m, pol);
		ck_assert_msg(got == skips[i].want, "%s: got %s, want %s", skips[i].name,
			      detect_skip_name(got), detect_skip_name(skips[i].want));
	}
}
END_TEST

START_TEST(test_detect_ignore_recipients_not_distinct_staff)
{
	static const char *const rcpts[] = {
		"a@staff.example", "enquiries@staff.example", "complaints@staff.example",
		"friend@elsewhere.example", NULL, "a@staff.example", "b@staff.example",
	};
	static const char *const only_ignored[] = { "enquiries@staff.example" };
	static const char *const only_exempt[] = { "complaints@staff.example", "x@elsewhere.example" };
	struct strlist out = STRLIST_INIT;
	size_t staff;

	staff = detect_staff_rcpts(pol, rcpts, N_ELEM(rcpts), &out);
	ck_assert_uint_eq(staff, 4);		/* a, enquiries, a, b: staff and not exempt */
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.v[0], "a@staff.example");
	ck_assert_str_eq(out.v[1], "b@staff.example");
	strlist_free(&out);
	/* to enquiries@ alone: counts for volume (staff 1) but no distinct staff */
	ck_assert_uint_eq(detect_staff_rcpts(pol, only_ignored, 1, &out), 1);
	ck_assert_uint_eq(out.n, 0);
	/* to the complaints address alone: not counted at all */
	ck_assert_uint_eq(detect_staff_rcpts(pol, only_exempt, 2, &out), 0);
	strlist_free(&out);
}
END_TEST

/* --- flags --- */

/* flag_step_after - record one message to a new recipient and step the flag */
static enum flag_step flag_step_after(struct detect *d, struct flag_view *v, time_t at, unsigned n)
{
	char to[32];
	const char *rc[1] = { to };
	struct detect_since since;
	struct detect_result r;
	struct flag_change ch;

	snprintf(to, sizeof(to), "s%u@staff.example", n);
	flag_since(v, NULL, &since);
	detect_record(d, "user:7", at, rc, 1, &since, &r);
	flag_next(v, &r.scatter, &ch);
	v->state = ch.state;
	v->count = ch.count;
	return ch.step;
}

START_TEST(test_detect_flag_open_update_dismiss_reopen)
{
	struct detect *d = detect_new(&small);	/* scatter: 100s window, threshold 3 */
	struct flag_view v = { FLAG_NONE, 0, 0 };
	struct detect_count c;
	struct flag_change ch;

	ck_assert_int_eq(flag_step_after(d, &v, T0, 1), FLAG_STEP_NONE);
	ck_assert_int_eq(flag_step_after(d, &v, T0 + 1, 2), FLAG_STEP_NONE);
	ck_assert_int_eq(flag_step_after(d, &v, T0 + 2, 3), FLAG_STEP_OPEN);
	ck_assert_int_eq(v.state, FLAG_OPEN);
	ck_assert_int_eq(v.count, 3);
	ck_assert_int_eq(flag_step_after(d, &v, T0 + 3, 4), FLAG_STEP_UPDATE);
	ck_assert_int_eq(v.count, 4);
	ck_assert_int_eq(flag_step_after(d, &v, T0 + 4, 1), FLAG_STEP_NONE);	/* not a new recipient */
	/* dismissed: the burst that was dismissed cannot reopen it */
	ck_assert_int_eq(flag_decide(&v, FLAG_DISMISS, T0 + 10), 0);
	ck_assert_int_eq(v.state, FLAG_DISMISSED);
	ck_assert_int_eq(flag_step_after(d, &v, T0 + 11, 5), FLAG_STEP_NONE);	/* window 5, since 1 */
	ck_assert_int_eq(flag_step_after(d, &v, T0 + 12, 6), FLAG_STEP_NONE);	/* since 2 */
	ck_assert_int_eq(flag_step_after(d, &v, T0 + 13, 7), FLAG_STEP_REOPEN);	/* since 3 */
	ck_assert_int_eq(v.state, FLAG_OPEN);
	ck_assert_int_eq(v.count, 3);
	/* escalated flags keep collecting evidence; escalating twice is refused */
	ck_assert_int_eq(flag_decide(&v, FLAG_ESCALATE, T0 + 20), 0);
	ck_assert_int_eq(flag_decide(&v, FLAG_ESCALATE, T0 + 21), -1);
	ck_assert_int_eq(flag_step_after(d, &v, T0 + 22, 8), FLAG_STEP_UPDATE);
	ck_assert_int_eq(v.state, FLAG_ESCALATED);
	ck_assert_int_eq(v.count, 4);
	ck_assert_int_eq(flag_decide(&v, FLAG_DISMISS, T0 + 30), 0);
	ck_assert_int_eq(flag_decide(&v, FLAG_DISMISS, T0 + 31), -1);
	ck_assert_int_eq(flag_decide(&v, FLAG_ESCALATE, T0 + 31), -1);
	/* counts computed from the wrong point are never acted on */
	memset(&c, 0, sizeof(c));
	c.count = c.count_since = 50;
	c.threshold = 3;
	c.since = 0;
	ck_assert_int_eq(flag_next(&v, &c, &ch), FLAG_STEP_NONE);
	detect_free(d);
}
END_TEST

START_TEST(test_detect_flag_header_and_names)
{
	char *s = flag_header_value(FLAG_SCATTERGUN, 7, 7 * DAY);
	enum flag_state st;

	ck_assert_str_eq(s, "scattergun; staff=7; window=7d");
	free(s);
	s = flag_header_value(FLAG_VOLUME, 25, DAY);
	ck_assert_str_eq(s, "volume; messages=25; window=1d");
	free(s);
	ck_assert_int_eq(flag_state_parse("dismissed", &st), 0);
	ck_assert_int_eq(st, FLAG_DISMISSED);
	ck_assert_int_eq(flag_state_parse("closed", &st), -1);
	ck_assert_str_eq(flag_state_name(FLAG_ESCALATED), "escalated");
	ck_assert_str_eq(flag_step_name(FLAG_STEP_REOPEN), "reopen");
}
END_TEST

int main(void)
{
	Suite *su = suite_create("detect");
	TCase *tc = tcase_create("counters"), *tf = tcase_create("filter");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_detect_window_edges);
	tcase_add_test(tc, test_detect_moving_clock);
	tcase_add_test(tc, test_detect_threshold_on_fifth_distinct_recipient);
	tcase_add_test(tc, test_detect_volume_threshold_and_cap);
	tcase_add_test(tc, test_detect_person_key_joins_addresses);
	tcase_add_test(tc, test_detect_many_persons_and_memory_bound);
	tcase_add_test(tc, test_detect_idle_persons_expire);
	tcase_add_test(tc, test_detect_out_of_order_events);
	tcase_add_test(tc, test_detect_threads_count_every_message);
	tcase_add_test(tc, test_detect_replay_one_million_events);
	tcase_add_test(tc, test_detect_flag_open_update_dismiss_reopen);
	tcase_add_test(tc, test_detect_flag_header_and_names);
	suite_add_tcase(su, tc);
	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_add_test(tf, test_detect_skipped_mail_kinds);
	tcase_add_test(tf, test_detect_ignore_recipients_not_distinct_staff);
	suite_add_tcase(su, tf);
	return check_run(su);
}
