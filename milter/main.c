/*
 * main.c - restrict-milter: options, start-up and shutdown.
 *
 * restrict-milter [-f] [-c FILE] [-p SOCKET] [-d DB] [-t] [-V]
 * Order of start-up: read the config, bind the socket, open the database
 * and build the first snapshot (as root, so both may live where User
 * cannot create them), detach unless -f, write the pid file, drop to User,
 * then start the threads and hand over to libmilter. Any start-up problem
 * is one line naming what and why, and exit status 1.
 */
#include "callbacks.h"
#include "check.h"
#include "config.h"
#include "detection.h"
#include "events.h"
#include "limits.h"
#include "listen.h"
#include "log.h"
#include "mctx.h"
#include "novelty_mail.h"
#include "policy.h"
#include "reload.h"
#include "addrlist.h"
#include "signals.h"
#include "store.h"
#include "timeparse.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct options {
	int foreground, test;
	const char *conf, *socket, *db;
};

/* usage - the synopsis on stderr, exit 2 */
static void usage(void)
{
	fprintf(stderr, "usage: restrict-milter [-f] [-c FILE] [-p SOCKET] [-d DB] [-t] [-V]\n");
	exit(2);
}

/* parse_options - getopt into o; -V exits here */
static void parse_options(int argc, char **argv, struct options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->conf = CONFIG_DEFAULT_PATH;
	while ((ch = getopt(argc, argv, "fc:p:d:tV")) != -1) {
		switch (ch) {
		case 'f': o->foreground = 1; break;
		case 'c': o->conf = optarg; break;
		case 'p': o->socket = optarg; break;
		case 'd': o->db = optarg; break;
		case 't': o->test = 1; break;
		case 'V': printf("restrict-milter %s\n", RM_VERSION); exit(0);
		default: usage();
		}
	}
	if (optind != argc)
		usage();
}

/* drop_privileges - become User when running as root */
static void drop_privileges(const char *user)
{
	struct passwd *pw;

	if (getuid() != 0 && geteuid() != 0)
		return;
	if (strcmp(user, "root") == 0) {
		log_warn("User root: running with full privileges");
		return;
	}
	pw = getpwnam(user);
	if (pw == NULL)
		log_fatal("User %s: no such user", user);
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0
	    || setuid(pw->pw_uid) != 0)
		log_fatal("User %s: cannot drop privileges: %s", user, strerror(errno));
	if (setuid(0) == 0)
		log_fatal("User %s: privileges could be regained after dropping them", user);
}

/* daemonize - detach from the terminal (before any thread exists) */
static void daemonize(void)
{
	pid_t pid = fork();

	if (pid < 0)
		log_fatal("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		log_fatal("setsid: %s", strerror(errno));
	if (freopen("/dev/null", "r", stdin) == NULL || freopen("/dev/null", "w", stdout) == NULL
	    || freopen("/dev/null", "w", stderr) == NULL)
		log_fatal("cannot redirect standard streams to /dev/null");
}

/* write_pid - the pid file; a failure is logged, not fatal */
static void write_pid(const char *path)
{
	FILE *f;

	if (path == NULL || *path == '\0')
		return;
	f = fopen(path, "w");
	if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0)
		log_warn("PidFile %s: %s", path, strerror(errno));
}

/* start - config, socket, database; returns the listening fd */
static int start(const struct options *o, struct config **cfgp, const char **dbp)
{
	struct config *cfg;
	struct policy *pol;
	const char *socket;
	char err[1024];
	int fd;

	if (config_load(o->conf, &cfg, err, sizeof(err)) != 0)
		log_fatal("%s", err);
	log_open("restrict-milter", o->foreground, cfg->syslog_facility);
	log_set_level(cfg->log_level);
	if (cfg->staff_domains.n == 0)
		log_fatal("%s: StaffDomains is required", o->conf);
	if (policy_new(cfg, &pol, err, sizeof(err)) != 0)
		log_fatal("%s: %s", o->conf, err);
	socket = o->socket ? o->socket : cfg->socket;
	if (smfi_register(*callbacks_desc(listen_unix_path(socket) == NULL)) != MI_SUCCESS)
		log_fatal("smfi_register failed");
	fd = listen_open(socket, cfg->socket_mode,
			 cfg->socket_group, err, sizeof(err));
	if (fd == -1)
		log_fatal("%s", err);
	*dbp = o->db ? o->db : cfg->database;
	*cfgp = config_ref(cfg);
	if (reload_init(cfg, pol, *dbp, err, sizeof(err)) != 0)
		log_fatal("%s", err);
	return fd;
}

int main(int argc, char **argv)
{
	struct options o;
	struct config *cfg;
	const char *db;
	char err[256];
	int fd, rc;

	parse_options(argc, argv, &o);
	if (o.test)
		return check_run(o.conf, o.socket, o.db);
	rules_init();
	clock_pin();
	if (store_library_init(err, sizeof(err)) != 0)
		log_fatal("%s", err);
	if (signals_block() != 0)
		return 1;
	fd = start(&o, &cfg, &db);
	if (!o.foreground)
		daemonize();
	write_pid(cfg->pid_file);
	drop_privileges(cfg->user);
	if (events_start(db) != 0 || reload_start() != 0 || signals_start(fd) != 0)
		log_fatal("cannot start");
	log_notice("restrict-milter %s started", RM_VERSION);
	rc = smfi_main();
	reload_stop();
	events_stop();
	limits_free();
	detection_free();
	novelty_mail_free();
	mctx_pool_free();
	if (cfg->pid_file && *cfg->pid_file)
		(void)unlink(cfg->pid_file);
	config_unref(cfg);
	log_notice("restrict-milter stopped");
	return rc == MI_SUCCESS ? 0 : 1;
}
