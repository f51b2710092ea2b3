/*
 * config_fixture.h - what test_config.c and test_config_errors.c share:
 * the temporary directory (an unchecked Check fixture) and writing and
 * loading config files in it.
 */
#ifndef RM_CONFIG_FIXTURE_H
#define RM_CONFIG_FIXTURE_H

#include <stddef.h>

#include "config.h"

extern char config_tmpdir[];

void config_tmpdir_create(void);	/* mkdtemp, once per test program */
void config_tmpdir_remove(void);	/* and whatever the tests left in it */
/* conf_write_len - len bytes of text to config_tmpdir/name.conf; the path (static) */
const char *conf_write_len(const char *name, const char *text, size_t len);
const char *conf_write(const char *name, const char *text);
/* conf_load_ok - write and load text, failing the test on any error */
struct config *conf_load_ok(const char *name, const char *text);

#endif
