/*
 * config_fixture.c - config files for the lib/config tests
 * (config_fixture.h): a mkdtemp directory per test program, files written
 * into it, and a load that fails the test on any error.
 */
#define _GNU_SOURCE		/* mkdtemp */

#include "config_fixture.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the directory of this run's config files: a mkdtemp template until config_tmpdir_create */
char config_tmpdir[] = "/tmp/test_config.XXXXXX";

/* tmpdir_create - the directory for this run's config files */
void config_tmpdir_create(void)
{
	ck_assert_ptr_nonnull(mkdtemp(config_tmpdir));
}

/* tmpdir_remove - remove the directory and whatever the tests left in it */
void config_tmpdir_remove(void)
{
	DIR *d = opendir(config_tmpdir);
	struct dirent *e;
	char path[4096];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", config_tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(config_tmpdir);
}

/* conf_write - write len bytes of text to config_tmpdir/name.conf; returns the path (static) */
const char *conf_write_len(const char *name, const char *text, size_t len)
{
	static char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.conf", config_tmpdir, name);
	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert_int_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

const char *conf_write(const char *name, const char *text)
{
	return conf_write_len(name, text, strlen(text));
}

/* conf_load_ok - write and load text, failing the test on any error */
struct config *conf_load_ok(const char *name, const char *text)
{
	struct config *cfg = NULL;
	char err[512] = "";
	const char *path = conf_write(name, text);

	ck_assert_msg(config_load(path, &cfg, err, sizeof(err)) == 0,
	    "loading \"%s\" failed: %s", text, err);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

