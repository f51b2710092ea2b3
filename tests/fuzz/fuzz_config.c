/*
 * fuzz_config.c - libFuzzer target: the config parser on any file content
 * either loads or fails with one line naming file and line; never crashes.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[1024];
	struct config *cfg = NULL;
	int fd = memfd_create("fuzz-config", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	if (config_load(path, &cfg, err, sizeof(err)) == 0) {
		struct policy *pol = NULL;
		if (policy_new(cfg, &pol, err, sizeof(err)) == 0)
			policy_unref(pol);
		config_unref(cfg);
	} else if (strchr(err, '\n') != NULL || err[0] == '\0') {
		abort();	/* an error is exactly one line */
	}
	close(fd);
	return 0;
}
