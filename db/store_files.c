/*
 * store_files.c - the database's directory and files as `restrictctl init`
 * leaves them: directory mode 2770, database and -wal/-shm mode 0660, owned
 * by the configured User and its group when we are root and the user exists.
 *
 * A missing user is not an error: the files stay root's and a warning says
 * so. What was done is reported line by line for init to print.
 */
#include "store_int.h"
#include "buf.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_MODE 02770
#define FILE_MODE 0660

struct owner {
	int known;			/* uid/gid hold the User account */
	uid_t uid;
	gid_t gid;
};

/* owner_lookup - the account to own the files, when we can give them away */
static void owner_lookup(const char *user, struct owner *o, struct strlist *warnings)
{
	struct passwd *pw;
	struct buf b;

	memset(o, 0, sizeof(*o));
	if (user == NULL || *user == '\0')
		return;
	pw = getpwnam(user);
	buf_init(&b);
	if (pw == NULL) {
		buf_printf(&b, "user %s does not exist: the database files stay owned by %s", user,
			   geteuid() == 0 ? "root" : "the current user");
		strlist_take(warnings, buf_take(&b));
		return;
	}
	if (geteuid() != 0) {
		if (pw->pw_uid != geteuid()) {
			buf_printf(&b, "not running as root: cannot give the database files to user %s",
				   user);
			strlist_take(warnings, buf_take(&b));
		}
		buf_free(&b);
		return;
	}
	buf_free(&b);
	o->known = 1;
	o->uid = pw->pw_uid;
	o->gid = pw->pw_gid;
}

/* owner_apply - chown then chmod path (chown first: it may clear mode bits) */
static int owner_apply(const char *path, const struct owner *o, mode_t mode, char *err, size_t errlen)
{
	if (o->known && chown(path, o->uid, o->gid) != 0) {
		snprintf(err, errlen, "%s: cannot change owner: %s", path, strerror(errno));
		return -1;
	}
	if (chmod(path, mode) != 0) {
		snprintf(err, errlen, "%s: cannot change mode: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* note - "<what> <path>, mode NNNN[, owner U:G]" into a report list */
static void note(struct strlist *l, const char *what, const char *path, mode_t mode,
		 const struct owner *o)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s %s, mode %04o", what, path, (unsigned)mode);
	if (o && o->known)
		buf_printf(&b, ", owner %ld:%ld", (long)o->uid, (long)o->gid);
	strlist_take(l, buf_take(&b));
}

/* make_parents - mkdir -p for the directories above dir (mode 0755) */
static int make_parents(const char *dir, char *err, size_t errlen)
{
	char *p = xstrdup(dir), *s;
	int rc = 0;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create directory: %s", p, strerror(errno));
			rc = -1;
			break;
		}
		*s = '/';
	}
	free(p);
	return rc;
}

/* dir_of - the directory part of path (new string) */
static char *dir_of(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash == NULL) {
		free(dir);
		return xstrdup(".");
	}
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return dir;
}

/* prepare_dir - create the database's directory when missing */
static int prepare_dir(const char *dir, const struct owner *o, struct strlist *done,
		       char *err, size_t errlen)
{
	struct stat sb;

	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s: not a directory", dir);
			return -1;
		}
		note(done, "kept existing directory", dir, sb.st_mode & 07777, NULL);
		return 0;
	}
	if (make_parents(dir, err, errlen) != 0)
		return -1;
	if (mkdir(dir, 0700) != 0) {
		snprintf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
		return -1;
	}
	if (owner_apply(dir, o, DIR_MODE, err, errlen) != 0)
		return -1;
	note(done, "created directory", dir, DIR_MODE, o);
	return 0;
}

int store_prepare_files(const char *path, const char *user, struct strlist *done,
			struct strlist *warnings, char *err, size_t errlen)
{
	struct owner o;
	char *dir = dir_of(path);
	int fd, rc = -1;

	owner_lookup(user, &o, warnings);
	if (prepare_dir(dir, &o, done, err, errlen) != 0)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, FILE_MODE);
	if (fd < 0 && errno == EEXIST) {
		struct stat sb;
		if (stat(path, &sb) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		note(done, "kept existing database", path, sb.st_mode & 07777, NULL);
		rc = 0;
		goto out;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	if (owner_apply(path, &o, FILE_MODE, err, errlen) != 0)
		goto out;
	note(done, "created database", path, FILE_MODE, &o);
	rc = 0;
out:
	free(dir);
	return rc;
}

void store_fix_modes(const char *path, const char *user, struct strlist *done,
		     struct strlist *warnings)
{
	static const char *const suffix[] = { "-wal", "-shm" };
	struct strlist ignore = STRLIST_INIT;
	struct owner o;
	char err[256];
	size_t i;

	owner_lookup(user, &o, &ignore);	/* store_prepare_files warned already */
	strlist_free(&ignore);
	for (i = 0; i < 2; i++) {
		struct stat sb;
		struct buf b;

		buf_init(&b);
		buf_printf(&b, "%s%s", path, suffix[i]);
		if (stat(buf_cstr(&b), &sb) == 0
		    && ((sb.st_mode & 07777) != FILE_MODE
			|| (o.known && (sb.st_uid != o.uid || sb.st_gid != o.gid)))) {
			if (owner_apply(buf_cstr(&b), &o, FILE_MODE, err, sizeof(err)) != 0)
				strlist_add(warnings, err);
			else
				note(done, "set", buf_cstr(&b), FILE_MODE, &o);
		}
		buf_free(&b);
	}
}
