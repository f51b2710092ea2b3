/*
 * decide-bench.c - the decision engine's speed: decisions per second on
 * one core and the time to build a snapshot from the database.
 *
 * decide-bench -c CONF -d DB [-t SECONDS] [-n BUILDS] [-R FILE] [-e EVERY] [-C CPU] [-w]
 * Builds the snapshot exactly as the milter does (store_load_snapshot
 * into a builder, then finish) -n times and reports the median and worst.
 * Then calls decide() in a loop for -t seconds per workload on one
 * thread (pinned to -C CPU): realistic end-of-message decisions (envelope
 * sender, a From: with a display name, two staff recipients, an
 * Authentication-Results) with every message's sender different and every
 * EVERY-th one restricted (-R lists restricted addresses), and RCPT-stage
 * decisions. With -w it also measures decisions while another thread
 * rebuilds snapshots and swaps them in, as the milter's reload thread
 * does: the rate and the slowest single decision show whether mail pauses.
 * Prints "key=value" lines; per_cpu_s is decisions per CPU second of the
 * deciding thread, which a loaded machine does not distort.
 */
#define _GNU_SOURCE
#include "addrlist.h"
#include "config.h"
#include "decide.h"
#include "log.h"
#include "policy.h"
#include "snapshot.h"
#include "store.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define DB_NMSG 4096		/* distinct prepared messages, cycled */
#define DB_MAXBUILDS 100

struct bmsg {
	char env_from[420];
	char hdr_from[480];
	const char *rcpts[2];
	const char *auth[1];
};

static struct {
	const char *conf, *db, *restricted_file;
	double seconds;
	int builds, every, cpu, rebuild_thread;
} O = { NULL, NULL, NULL, 2.0, 5, 20, 0, 0 };

static struct policy *pol;
static char **restricted;
static size_t nrestricted;
static struct bmsg *msgs;

/* swapped snapshot for -w */
static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *cur;
static atomic_int stop_rebuild;
static atomic_long rebuilds;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cpu_s - this thread's CPU time: the rate per CPU second does not depend on load */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* last_cpu_rate - decisions per CPU second of the last run() */
static double last_cpu_rate;

static void die(const char *what)
{
	fprintf(stderr, "decide-bench: %s\n", what);
	exit(1);
}

/* build - one snapshot from the store; load and finish times in ms */
static struct snapshot *build(struct store *st, double *load_ms, double *finish_ms)
{
	struct snapshot_builder *b;
	struct snapshot *s;
	uint64_t gen;
	char err[1024];
	double t0 = now_s(), t1;

	b = snapshot_builder_new(&pol->addr);
	if (store_load_snapshot(st, b, &gen, err, sizeof(err)) != 0)
		die(err);
	t1 = now_s();
	s = snapshot_builder_finish(b, gen);
	if (load_ms)
		*load_ms = (t1 - t0) * 1e3;
	if (finish_ms)
		*finish_ms = (now_s() - t1) * 1e3;
	return s;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* bench_build - -n builds; prints their median and worst */
static struct snapshot *bench_build(struct store *st)
{
	double total[DB_MAXBUILDS], load[DB_MAXBUILDS], fin[DB_MAXBUILDS];
	struct snapshot *s = NULL;
	int i, n = O.builds;

	for (i = 0; i < n; i++) {
		snapshot_unref(s);
		s = build(st, &load[i], &fin[i]);
		total[i] = load[i] + fin[i];
	}
	qsort(total, (size_t)n, sizeof(double), dbl_cmp);
	qsort(load, (size_t)n, sizeof(double), dbl_cmp);
	qsort(fin, (size_t)n, sizeof(double), dbl_cmp);
	printf("snapshot selectors=%zu restrictions=%zu builds=%d build_ms_median=%.1f"
	       " build_ms_max=%.1f load_ms_median=%.1f finish_ms_median=%.1f\n",
	       snapshot_selector_count(s), snapshot_restriction_count(s), n, total[n / 2],
	       total[n - 1], load[n / 2], fin[n / 2]);
	return s;
}

/* read_restricted - one address a line */
static void read_restricted(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (f == NULL)
		die("cannot open the restricted-address file");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		restricted = realloc(restricted, (nrestricted + 1) * sizeof(*restricted));
		if (restricted == NULL)
			die("out of memory");
		restricted[nrestricted++] = strdup(line);
	}
	fclose(f);
}

/* prepare - DB_NMSG messages; every EVERY-th from a restricted address */
static void prepare(int every)
{
	static const char *staff[] = { "alice@staff.example", "bob@staff.example",
				       "carol@staff.example", "dave@staff.example" };
	static const char *ar = "mx.staff.example; spf=pass smtp.mailfrom=example.net;"
				" dkim=none";
	long i;

	free(msgs);
	msgs = calloc(DB_NMSG, sizeof(*msgs));
	if (msgs == NULL)
		die("out of memory");
	for (i = 0; i < DB_NMSG; i++) {
		struct bmsg *m = &msgs[i];
		char addr[400];
		if (every > 0 && nrestricted > 0 && i % every == every - 1)
			snprintf(addr, sizeof(addr), "%s", restricted[(i / every) % nrestricted]);
		else
			snprintf(addr, sizeof(addr), "Sender.%ld+tag@Mail%ld.Example.NET", i, i % 997);
		snprintf(m->env_from, sizeof(m->env_from), "<%s>", addr);
		snprintf(m->hdr_from, sizeof(m->hdr_from), "\"Correspondent, A. %ld\" <%s>", i, addr);
		m->rcpts[0] = staff[i % 4];
		m->rcpts[1] = staff[(i + 1) % 4];
		m->auth[0] = ar;
	}
}

static unsigned zero_count(void *arg, long long user_id, long long period, time_t now)
{
	(void)arg;
	(void)user_id;
	(void)period;
	(void)now;
	return 0;
}

/* decide_one - one decision for message m at phase */
static void decide_one(const struct bmsg *m, enum decide_phase phase, const struct snapshot *s,
		       struct match_scratch *scr, time_t now)
{
	struct msg_facts f;
	struct decision d;

	memset(&f, 0, sizeof(f));
	f.phase = phase;
	f.now = now;
	f.env_from = m->env_from;
	f.rcpts = m->rcpts;
	f.limit_count = zero_count;
	if (phase == PHASE_RCPT) {
		f.nrcpts = 1;
	} else {
		f.hdr_from = m->hdr_from;
		f.nrcpts = 2;
		f.auth_results = m->auth;
		f.nauth_results = 1;
	}
	decision_init(&d);
	decide(&f, s, pol, scr, &d);
	decision_clear(&d);
}

/* run - decisions for O.seconds; decisions per second, slowest in *max_us */
static double run(const char *name, enum decide_phase phase, struct snapshot *fixed,
		  double *max_us)
{
	struct match_scratch *scr = match_scratch_new();
	time_t now = time(NULL);
	double t0 = now_s(), c0 = cpu_s(), t, worst = 0;
	long n = 0;

	do {
		int k;
		for (k = 0; k < 256; k++, n++) {
			struct snapshot *s;
			double a = 0;
			if (fixed) {
				s = fixed;
			} else {	/* as the milter: take a reference per message */
				a = now_s();
				pthread_mutex_lock(&snap_lock);
				s = snapshot_ref(cur);
				pthread_mutex_unlock(&snap_lock);
			}
			decide_one(&msgs[n % DB_NMSG], phase, s, scr, now);
			if (!fixed) {
				snapshot_unref(s);
				a = now_s() - a;
				if (a > worst)
					worst = a;
			}
		}
		t = now_s() - t0;
	} while (t < O.seconds);
	last_cpu_rate = (double)n / (cpu_s() - c0);
	match_scratch_free(scr);
	if (max_us)
		*max_us = worst * 1e6;
	(void)name;
	return (double)n / t;
}

/* rebuilder - -w: rebuild and swap until told to stop */
static void *rebuilder(void *arg)
{
	struct store *st = arg;

	while (!atomic_load(&stop_rebuild)) {
		struct snapshot *s = build(st, NULL, NULL), *old;
		pthread_mutex_lock(&snap_lock);
		old = cur;
		cur = s;
		pthread_mutex_unlock(&snap_lock);
		snapshot_unref(old);
		atomic_fetch_add(&rebuilds, 1);
	}
	return NULL;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		fprintf(stderr, "decide-bench: cannot pin to CPU %d (going on unpinned)\n", cpu);
}

static void usage(void)
{
	fprintf(stderr, "usage: decide-bench -c CONF -d DB [-t SECONDS] [-n BUILDS] [-R FILE]"
		" [-e EVERY] [-C CPU] [-w]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct config *cfg;
	struct store *st;
	struct snapshot *s;
	char err[1024];
	double rate, max_us;
	int ch;

	while ((ch = getopt(argc, argv, "c:d:t:n:R:e:C:w")) != -1) {
		switch (ch) {
		case 'c': O.conf = optarg; break;
		case 'd': O.db = optarg; break;
		case 't': O.seconds = atof(optarg); break;
		case 'n': O.builds = atoi(optarg); break;
		case 'R': O.restricted_file = optarg; break;
		case 'e': O.every = atoi(optarg); break;
		case 'C': O.cpu = atoi(optarg); break;
		case 'w': O.rebuild_thread = 1; break;
		default: usage();
		}
	}
	if (!O.conf || !O.db || optind != argc || O.builds < 1 || O.builds > DB_MAXBUILDS)
		usage();
	log_open("decide-bench", 1, LOG_MAIL);
	log_set_level(LOG_WARNING);
	rules_init();
	if (config_load(O.conf, &cfg, err, sizeof(err)) != 0 || policy_new(cfg, &pol, err, sizeof(err)) != 0)
		die(err);
	if (O.restricted_file)
		read_restricted(O.restricted_file);
	if (store_open(O.db, STORE_READONLY, 1000, &st, err, sizeof(err)) != 0)
		die(err);
	pin(O.cpu);
	s = bench_build(st);

	prepare(0);
	rate = run("eom-unrestricted", PHASE_EOM, s, NULL);
	printf("decide phase=eom workload=unrestricted decisions_per_s=%.0f us_per_decision=%.2f"
	       " per_cpu_s=%.0f\n", rate, 1e6 / rate, last_cpu_rate);
	prepare(O.every);
	rate = run("eom-mixed", PHASE_EOM, s, NULL);
	printf("decide phase=eom workload=1-in-%d-restricted decisions_per_s=%.0f"
	       " us_per_decision=%.2f per_cpu_s=%.0f\n", O.every, rate, 1e6 / rate, last_cpu_rate);
	rate = run("rcpt-mixed", PHASE_RCPT, s, NULL);
	printf("decide phase=rcpt workload=1-in-%d-restricted decisions_per_s=%.0f"
	       " us_per_decision=%.2f per_cpu_s=%.0f\n", O.every, rate, 1e6 / rate, last_cpu_rate);

	if (O.rebuild_thread) {
		pthread_t t;
		double max_idle;
		cur = snapshot_ref(s);
		rate = run("eom-swap-idle", PHASE_EOM, NULL, &max_idle);
		printf("decide phase=eom workload=swappable-no-rebuild decisions_per_s=%.0f"
		       " max_decision_us=%.0f\n", rate, max_idle);
		if (pthread_create(&t, NULL, rebuilder, st) != 0)
			die("pthread_create failed");
		{	/* the rebuild runs on another core, as the milter's reload thread may */
			cpu_set_t set;
			long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
			CPU_ZERO(&set);
			CPU_SET((O.cpu + 1) % (ncpu > 0 ? ncpu : 1), &set);
			(void)pthread_setaffinity_np(t, sizeof(set), &set);
		}
		rate = run("eom-during-rebuild", PHASE_EOM, NULL, &max_us);
		atomic_store(&stop_rebuild, 1);
		pthread_join(t, NULL);
		printf("decide phase=eom workload=during-rebuilds decisions_per_s=%.0f"
		       " max_decision_us=%.0f rebuilds=%ld\n", rate, max_us, atomic_load(&rebuilds));
		snapshot_unref(cur);
	}
	snapshot_unref(s);
	store_close(st);
	policy_unref(pol);
	config_unref(cfg);
	return 0;
}
