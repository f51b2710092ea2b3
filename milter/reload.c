/*
 * reload.c - the running config, policy and snapshot, and the thread that
 * keeps the snapshot current (reload.h).
 *
 * Every RELOAD_INTERVAL_MS the thread stats the database path (a replaced
 * file is reopened), reads the generation (one cheap query) and rebuilds
 * the snapshot only when the generation moved, so one change is one
 * rebuild. A file truncated in place counts as unreadable. When the
 * store cannot be read the last good snapshot is kept; once it is older
 * than SnapshotMaxAge, views carry OnDatabaseError's answer. A database with a newer schema keeps the current snapshot and
 * is logged once.
 */
#include "reload.h"
#include "detection.h"
#include "flagcache.h"
#include "limits.h"
#include "log.h"
#include "novelty_mail.h"
#include "store.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define RELOAD_BUSY_MS 1000
#define RELOAD_MIN_DB_SIZE 512	/* SQLite's smallest page: any database is at least this */

static struct {
	pthread_mutex_t lock;		/* guards cfg, pol, snap, last_good_ms, force */
	struct config *cfg;
	struct policy *pol;
	struct snapshot *snap;
	long long last_good_ms;		/* monotonic time of the last good read */
	int force;			/* rebuild even if the generation did not move */
	int reconf;			/* SIGHUP: check detection's windows and thresholds */
	/* the watch thread's own */
	struct store *st;
	char *dbpath;
	dev_t dev;
	ino_t ino;
	int failing, stale_logged, newer_logged;
	pthread_t thread;
	int running;
	pthread_cond_t wake;
	int stop;
} R = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* now_ms - monotonic milliseconds */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* open_store - (re)open the database; 1 when its schema is newer than ours */
static int open_store(char *err, size_t errlen)
{
	struct stat sb;
	int version;

	store_close(R.st);
	R.st = NULL;
	if (stat(R.dbpath, &sb) != 0) {
		snprintf(err, errlen, "DB: %s: %s", R.dbpath, strerror(errno));
		return -1;
	}
	if (store_open(R.dbpath, STORE_READONLY | STORE_ANY_SCHEMA, RELOAD_BUSY_MS, &R.st,
		       err, errlen) != 0)
		return -1;
	R.dev = sb.st_dev;
	R.ino = sb.st_ino;
	if (store_user_version(R.st, &version, err, errlen) != 0)
		return -1;
	if (version > store_schema_version())
		return 1;
	if (version < store_schema_version()) {
		snprintf(err, errlen, "DB: %s: database schema %d is older than this program's %d:"
			 " run restrictctl init", R.dbpath, version, store_schema_version());
		return -1;
	}
	return 0;
}

/* file_replaced - is the path now another file than the one open? */
static int file_replaced(void)
{
	struct stat sb;

	return stat(R.dbpath, &sb) != 0 || sb.st_dev != R.dev || sb.st_ino != R.ino;
}

/*
 * file_truncated - is the open file now too short to be a database (cut
 * to less than SQLite's smallest page, header gone)? Reads may still
 * succeed from pages left in the -wal file, so SQLite alone would not say.
 */
static int file_truncated(char *err, size_t errlen)
{
	struct stat sb;

	if (stat(R.dbpath, &sb) != 0 || sb.st_size >= RELOAD_MIN_DB_SIZE)
		return 0;
	snprintf(err, errlen, "DB: %s: truncated to %lld bytes: not a database", R.dbpath,
		 (long long)sb.st_size);
	return 1;
}

/*
 * detection_refresh - after a rebuild: flag states (restrictctl flag moved
 * the generation) and the novelty histories of people now under a file or
 * limit restriction; a failure is logged, the mail path keeps what it has
 */
static void detection_refresh(void)
{
	char err[1024];
	long long win;

	pthread_mutex_lock(&R.lock);
	win = detection_window(R.cfg);
	pthread_mutex_unlock(&R.lock);
	if (flagcache_refresh(R.st, clock_now() - (time_t)win, err, sizeof(err)) != 0)
		log_warn("detection: flags not refreshed: %s", err);
	if (novelty_mail_refresh(R.st, clock_now(), err, sizeof(err)) != 0)
		log_warn("novelty: histories not refreshed: %s", err);
}

/* rebuild - load a new snapshot and swap it in; 1 when the schema is newer */
static int rebuild(char *err, size_t errlen)
{
	struct snapshot_builder *b;
	struct snapshot *snap, *old;
	struct policy *pol;
	uint64_t gen;
	long long t0 = now_ms();
	int version;

	if (store_user_version(R.st, &version, err, errlen) != 0)
		return -1;
	if (version > store_schema_version())
		return 1;
	pthread_mutex_lock(&R.lock);
	pol = policy_ref(R.pol);
	pthread_mutex_unlock(&R.lock);
	b = snapshot_builder_new(&pol->addr);
	policy_unref(pol);
	if (store_load_snapshot(R.st, b, &gen, err, errlen) != 0) {
		snapshot_builder_free(b);
		return -1;
	}
	snap = snapshot_builder_finish(b, gen);
	log_info("snapshot rebuilt: generation %llu, %zu restrictions, %zu selectors, %lld ms",
		 (unsigned long long)gen, snapshot_restriction_count(snap),
		 snapshot_selector_count(snap), now_ms() - t0);
	pthread_mutex_lock(&R.lock);
	old = R.snap;
	R.snap = snap;
	pthread_mutex_unlock(&R.lock);
	snapshot_unref(old);
	R.newer_logged = 0;
	detection_refresh();
	return 0;
}

/* note_result - bookkeeping after one check: ok, failed (err) or newer schema */
static void note_result(int rc, const char *err)
{
	long long now = now_ms();

	if (rc == 1 && !R.newer_logged) {
		log_warn("%s: the database schema is newer than this program's %d: keeping the"
			 " current snapshot until restrict-milter is upgraded", R.dbpath,
			 store_schema_version());
		R.newer_logged = 1;
	}
	if (rc >= 0) {
		if (R.failing)
			log_notice("%s: the database is readable again", R.dbpath);
		R.failing = R.stale_logged = 0;
		pthread_mutex_lock(&R.lock);
		R.last_good_ms = now;
		pthread_mutex_unlock(&R.lock);
		return;
	}
	if (!R.failing)
		log_err("%s; enforcing the last good snapshot for up to SnapshotMaxAge", err);
	R.failing = 1;
	pthread_mutex_lock(&R.lock);
	if (!R.stale_logged && now - R.last_good_ms > R.cfg->snapshot_max_age * 1000) {
		log_err("%s: no good read for longer than SnapshotMaxAge: answering %s",
			R.dbpath, R.cfg->on_database_error == DB_ERROR_TEMPFAIL
			? "tempfail (OnDatabaseError)" : "accept without restrictions (OnDatabaseError)");
		R.stale_logged = 1;
	}
	pthread_mutex_unlock(&R.lock);
}

/* check_once - one generation check; rebuild when it moved or the file changed */
static void check_once(void)
{
	char err[1024];
	uint64_t gen;
	int rc = 0, need, reopened = 0;

	if (R.st == NULL || file_replaced()) {
		rc = open_store(err, sizeof(err));
		if (rc != 0) {
			if (rc < 0) {
				store_close(R.st);
				R.st = NULL;
			}
			note_result(rc, err);
			return;
		}
		reopened = 1;	/* another file may hold the same generation number */
	}
	if (file_truncated(err, sizeof(err))
	    || store_get_generation(R.st, &gen, err, sizeof(err)) != 0) {
		note_result(-1, err);
		return;
	}
	pthread_mutex_lock(&R.lock);
	need = R.force || reopened || gen != snapshot_generation(R.snap);
	R.force = 0;
	pthread_mutex_unlock(&R.lock);
	if (need)
		rc = rebuild(err, sizeof(err));
	if (rc < 0) {	/* try again next tick */
		pthread_mutex_lock(&R.lock);
		R.force = 1;
		pthread_mutex_unlock(&R.lock);
	}
	note_result(rc, err);
}

/* detection_tick - SIGHUP's new windows or thresholds; expiry about once a minute */
static void detection_tick(long long *last_expire)
{
	struct config *cfg;
	char err[1024];
	int reconf;

	pthread_mutex_lock(&R.lock);
	reconf = R.reconf;
	R.reconf = 0;
	cfg = config_ref(R.cfg);
	pthread_mutex_unlock(&R.lock);
	if (reconf && R.st && detection_reconfigure(R.st, cfg, err, sizeof(err)) < 0) {
		log_err("detection: %s: keeping the running counters", err);
		pthread_mutex_lock(&R.lock);
		R.reconf = 1;	/* try again next tick */
		pthread_mutex_unlock(&R.lock);
	}
	config_unref(cfg);
	if (now_ms() - *last_expire >= 60000) {
		detection_expire(clock_now());
		*last_expire = now_ms();
	}
}

/* watch - the thread: check, then sleep until the next tick or stop */
static void *watch(void *arg)
{
	struct timespec ts;
	long long last_expire = now_ms();

	(void)arg;
	pthread_mutex_lock(&R.lock);
	while (!R.stop) {
		pthread_mutex_unlock(&R.lock);
		check_once();
		detection_tick(&last_expire);
		pthread_mutex_lock(&R.lock);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += RELOAD_INTERVAL_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		if (!R.stop)
			pthread_cond_timedwait(&R.wake, &R.lock, &ts);
	}
	pthread_mutex_unlock(&R.lock);
	return NULL;
}

int reload_init(struct config *cfg, struct policy *pol, const char *dbpath,
		char *err, size_t errlen)
{
	int rc;

	R.cfg = cfg;
	R.pol = pol;
	R.dbpath = xstrdup(dbpath);
	rc = open_store(err, errlen);
	if (rc == 1)
		snprintf(err, errlen, "DB: %s: database schema is newer than this program's %d",
			 dbpath, store_schema_version());
	if (rc != 0 || rebuild(err, errlen) != 0)
		return -1;
	R.last_good_ms = now_ms();
	if (detection_init(R.st, cfg, err, errlen) != 0
	    || novelty_mail_refresh(R.st, clock_now(), err, errlen) != 0)
		return -1;
	return limits_rebuild(R.st, err, errlen);
}

int reload_start(void)
{
	pthread_condattr_t ca;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&R.wake, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&R.thread, NULL, watch, NULL);
	if (rc != 0) {
		log_err("cannot start the reload thread: %s", strerror(rc));
		return -1;
	}
	R.running = 1;
	return 0;
}

void reload_stop(void)
{
	if (R.running) {
		pthread_mutex_lock(&R.lock);
		R.stop = 1;
		pthread_cond_signal(&R.wake);
		pthread_mutex_unlock(&R.lock);
		pthread_join(R.thread, NULL);
		R.running = 0;
	}
	store_close(R.st);
	R.st = NULL;
	snapshot_unref(R.snap);
	policy_unref(R.pol);
	config_unref(R.cfg);
	R.snap = NULL;
	R.pol = NULL;
	R.cfg = NULL;
	free(R.dbpath);
	R.dbpath = NULL;
}

void reload_view_get(struct view *v)
{
	long long age;

	pthread_mutex_lock(&R.lock);
	v->cfg = config_ref(R.cfg);
	v->pol = policy_ref(R.pol);
	v->snap = snapshot_ref(R.snap);
	age = now_ms() - R.last_good_ms;
	pthread_mutex_unlock(&R.lock);
	v->health = VIEW_OK;
	if (age > v->cfg->snapshot_max_age * 1000)
		v->health = v->cfg->on_database_error == DB_ERROR_TEMPFAIL
			    ? VIEW_DB_TEMPFAIL : VIEW_DB_ACCEPT;
}

void reload_view_put(struct view *v)
{
	snapshot_unref(v->snap);
	policy_unref(v->pol);
	config_unref(v->cfg);
	memset(v, 0, sizeof(*v));
}

const char *reload_config_path(void)
{
	return R.cfg && R.cfg->path ? R.cfg->path : CONFIG_DEFAULT_PATH;
}

/* same_str - equal strings, NULL equal to NULL */
static int same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int reload_config(void)
{
	struct config *cfg, *oldc;
	struct policy *pol, *oldp;
	char err[1024];
	char *path = xstrdup(reload_config_path());

	if (config_load(path, &cfg, err, sizeof(err)) != 0
	    || (policy_new(cfg, &pol, err, sizeof(err)) != 0 && (config_unref(cfg), 1))) {
		log_err("SIGHUP: %s: keeping the running configuration", err);
		free(path);
		return -1;
	}
	free(path);
	pthread_mutex_lock(&R.lock);
	oldc = R.cfg;
	oldp = R.pol;
	if (!same_str(cfg->socket, oldc->socket) || !same_str(cfg->database, oldc->database)
	    || !same_str(cfg->user, oldc->user))
		log_warn("SIGHUP: Socket, Database and User take effect only at restart");
	R.force = !same_str(pol->subaddress_sep, oldp->subaddress_sep)
		  || pol->addr.local_part_case_sensitive != oldp->addr.local_part_case_sensitive;
	R.reconf = 1;
	R.cfg = cfg;
	R.pol = pol;
	pthread_mutex_unlock(&R.lock);
	log_set_level(cfg->log_level);
	config_unref(oldc);
	policy_unref(oldp);
	log_notice("SIGHUP: configuration %s re-read", cfg->path ? cfg->path : "(defaults)");
	return 0;
}
