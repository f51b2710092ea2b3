/*
 * fuzz_addr.c - libFuzzer target: address normalisation and header
 * address-list parsing must survive any bytes, with every result either an
 * error or a normalised address that normalises to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "addrlist.h"
#include "strlist.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_idempotent - a normalised address normalises to itself */
static void check_idempotent(const char *norm, const struct addr_opts *o)
{
	char *again = NULL;

	if (addr_normalise(norm, o, &again) != ADDR_OK || strcmp(again, norm) != 0)
		abort();
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct addr_opts opts[] = { { "+", 0 }, { "+-", 1 }, { "", 0 } };
	char *s = xstrndup((const char *)data, size);
	struct strlist list = STRLIST_INIT;
	size_t i, k;

	rules_init();
	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		char *norm = NULL;
		if (addr_normalise(s, &opts[k], &norm) == ADDR_OK) {
			if (strlen(norm) > ADDR_MAX)
				abort();
			check_idempotent(norm, &opts[k]);
		}
		free(norm);
	}
	addrlist_parse(s, 1000, &list);
	for (i = 0; i < list.n; i++) {
		char *norm = NULL;
		if (addr_normalise(list.v[i], &opts[0], &norm) == ADDR_OK)
			check_idempotent(norm, &opts[0]);
		free(norm);
	}
	strlist_free(&list);
	{
		char *dom = NULL;
		if (addr_normalise_domain(s, &dom) == ADDR_OK && strchr(dom, '@'))
			abort();
		free(dom);
	}
	free(s);
	return 0;
}
