/*
 * fuzz_selector.c - libFuzzer target: any selector text is refused with a
 * message or parsed into one whose canonical form parses to the same
 * selector; a snapshot built from it matches without crashing, and PCRE2's
 * limits keep any pattern's cost bounded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addrlist.h"
#include "selector.h"
#include "snapshot.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct addr_opts opts = { "+", 0 };
	static const char *const probes[] = {
		"bob@example.org", "a@b.c", "x@sub.example.org", "\"q x\"@example.org",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.org",
	};
	char *s = xstrndup((const char *)data, size), err[512], *canon;
	struct selector sel, again;
	struct snapshot_builder *b;
	struct snapshot *snap;
	struct match_scratch *m;
	long long users[8];
	size_t i;

	rules_init();
	if (selector_parse(s, &opts, &sel, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		free(s);
		return 0;
	}
	canon = selector_format(&sel);
	if (selector_parse(canon, &opts, &again, err, sizeof(err)) != 0
	    || again.kind != sel.kind || strcmp(again.key, sel.key) != 0)
		abort();
	selector_clear(&again);
	b = snapshot_builder_new(&opts);
	(void)snapshot_builder_add_selector(b, 1, canon, err, sizeof(err));
	snap = snapshot_builder_finish(b, 1);
	m = match_scratch_new();
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		(void)snapshot_match(snap, m, probes[i], users, 8, NULL);
	(void)snapshot_match(snap, m, s, users, 8, NULL);
	match_scratch_free(m);
	snapshot_unref(snap);
	free(canon);
	selector_clear(&sel);
	free(s);
	return 0;
}
