/*
 * check.c - the -t self check (check.h).
 *
 * Every problem is one line naming what and why; all are reported, not
 * only the first. Ownership is judged for the account the daemon will run
 * as (User when started as root, else the invoking user): it must be able
 * to read and write the database, its -wal and -shm files, and create
 * them in the directory.
 */
#include "check.h"
#include "config.h"
#include "listen.h"
#include "policy.h"
#include "store.h"
#include "timeparse.h"
#include "xalloc.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK_MAX_GROUPS 256

struct who {
	uid_t uid;
	gid_t groups[CHECK_MAX_GROUPS];
	int ngroups;
	const char *name;
};

static int problems;

/* problem - one line on stdout, counted */
static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("restrict-milter -t: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	problems++;
}

/* who_for - the account the daemon will run as; -1 when User does not exist */
static int who_for(const struct config *cfg, struct who *w)
{
	struct passwd *pw;

	if (getuid() != 0) {
		w->uid = geteuid();
		w->name = "the current user";
		w->ngroups = getgroups(CHECK_MAX_GROUPS - 1, w->groups);
		if (w->ngroups < 0)
			w->ngroups = 0;
		w->groups[w->ngroups++] = getegid();
		return 0;
	}
	pw = getpwnam(cfg->user);
	if (pw == NULL) {
		problem("User %s: no such user", cfg->user);
		return -1;
	}
	w->uid = pw->pw_uid;
	w->name = cfg->user;
	w->ngroups = CHECK_MAX_GROUPS;
	if (getgrouplist(pw->pw_name, pw->pw_gid, w->groups, &w->ngroups) < 0)
		w->ngroups = CHECK_MAX_GROUPS;
	return 0;
}

/* can - may w read and write (dir: write and search) this file? */
static int can(const struct who *w, const struct stat *sb, int dir)
{
	mode_t need_u = dir ? (S_IWUSR | S_IXUSR) : (S_IRUSR | S_IWUSR);
	int i;

	if (w->uid == 0)
		return 1;
	if (sb->st_uid == w->uid)
		return (sb->st_mode & need_u) == need_u;
	for (i = 0; i < w->ngroups; i++)
		if (sb->st_gid == w->groups[i])
			return (sb->st_mode & (need_u >> 3)) == (need_u >> 3);
	return (sb->st_mode & (need_u >> 6)) == (need_u >> 6);
}

/* check_file - report a file (or directory) w cannot use */
static void check_file(const struct who *w, const char *path, int dir, int must_exist)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		if (must_exist || errno != ENOENT)
			problem("%s: %s", path, strerror(errno));
		return;
	}
	if (!can(w, &sb, dir))
		problem("%s: owner %ld:%ld mode %04o: %s cannot %s it", path, (long)sb.st_uid,
			(long)sb.st_gid, (unsigned)(sb.st_mode & 07777), w->name,
			dir ? "create files in" : "read and write");
}

/* check_ownership - the database, -wal, -shm and their directory */
static void check_ownership(const struct config *cfg, const char *db)
{
	struct who w;
	char *p, *slash;
	size_t len = strlen(db) + 8;

	if (who_for(cfg, &w) != 0)
		return;
	p = xmalloc(len);
	check_file(&w, db, 0, 1);
	snprintf(p, len, "%s-wal", db);
	check_file(&w, p, 0, 0);
	snprintf(p, len, "%s-shm", db);
	check_file(&w, p, 0, 0);
	snprintf(p, len, "%s", db);
	slash = strrchr(p, '/');
	if (slash == p)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(p, len, ".");
	check_file(&w, p, 1, 1);
	free(p);
}

/* check_database - readable, our schema, and FilingMailbox when it is needed */
static void check_database(const struct config *cfg, const char *db)
{
	struct store *st;
	struct store_filter f = { clock_now(), 0, -1, 0 };
	struct store_restriction *v;
	size_t n, i;
	char err[1024];
	int version, needs_filing = 0;

	if (store_open(db, STORE_READONLY | STORE_ANY_SCHEMA, 1000, &st, err, sizeof(err)) != 0) {
		problem("%s", err);
		return;
	}
	if (store_user_version(st, &version, err, sizeof(err)) != 0)
		problem("%s", err);
	else if (version != store_schema_version())
		problem("%s: database schema %d, this program knows %d: %s", db, version,
			store_schema_version(), version < store_schema_version()
			? "run restrictctl init" : "upgrade restrict-milter");
	else if (store_restriction_list(st, &f, &v, &n, err, sizeof(err)) != 0)
		problem("%s", err);
	else {
		for (i = 0; i < n; i++)
			needs_filing |= v[i].r.opts.action == ACTION_BLOCK
					|| v[i].r.opts.action == ACTION_LIMIT;
		store_restrictions_free(v, n);
		if (needs_filing && cfg->filing_mailbox == NULL)
			problem("FilingMailbox is not set, but block or limit restrictions exist:"
				" covered recipients of mixed messages could not be filed");
	}
	store_close(st);
}

int check_run(const char *conf_path, const char *socket_override, const char *db_override)
{
	struct config *cfg;
	struct policy *pol;
	char err[1024];
	const char *db, *sock;

	problems = 0;
	if (config_load(conf_path, &cfg, err, sizeof(err)) != 0) {
		problem("%s", err);
		return 1;
	}
	if (cfg->staff_domains.n == 0)
		problem("%s: StaffDomains is required", conf_path);
	if (policy_new(cfg, &pol, err, sizeof(err)) != 0)
		problem("%s: %s", conf_path, err);
	else
		policy_unref(pol);
	sock = socket_override ? socket_override : cfg->socket;
	if (listen_unix_path(sock) && cfg->socket_group && *cfg->socket_group
	    && getgrnam(cfg->socket_group) == NULL)
		problem("SocketGroup %s: no such group", cfg->socket_group);
	if (!listen_unix_path(sock) && strncasecmp(sock, "inet:", 5) != 0
	    && strncasecmp(sock, "inet6:", 6) != 0)
		problem("Socket %s: not unix:PATH, inet:PORT@HOST or inet6:PORT@HOST", sock);
	db = db_override ? db_override : cfg->database;
	check_database(cfg, db);
	check_ownership(cfg, db);
	config_unref(cfg);
	if (problems == 0)
		printf("restrict-milter -t: %s: OK\n", conf_path);
	return problems ? 1 : 0;
}
