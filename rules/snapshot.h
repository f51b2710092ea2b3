/*
 * snapshot.h - an immutable, reference-counted picture of the restrictions
 * in force, with hash tables for exact and domain selectors.
 *
 * The store fills a builder; finishing it yields a snapshot that many
 * threads read without locks. A change builds a new snapshot and swaps the
 * pointer; readers holding the old one keep it alive until they unref it.
 */
#ifndef RM_SNAPSHOT_H
#define RM_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "restriction.h"

struct snapshot;
struct snapshot_builder;
/* match_scratch - per-thread PCRE2 match data; one per connection or thread */
struct match_scratch;

struct snapshot_builder *snapshot_builder_new(const struct addr_opts *opts);
/* snapshot_builder_no_jit - for a snapshot used for one decision: skip PCRE2's JIT */
void snapshot_builder_no_jit(struct snapshot_builder *b);
/* snapshot_builder_add_restriction - copy r in (proposed ones are never added) */
void snapshot_builder_add_restriction(struct snapshot_builder *b, const struct restriction *r);
/*
 * snapshot_builder_add_selector - a stored selector of a user. Returns 0, or
 * -1 with err (the caller logs it and goes on: one bad pattern must not stop
 * the rest being enforced).
 */
int snapshot_builder_add_selector(struct snapshot_builder *b, long long user_id,
				  const char *text, char *err, size_t errlen);
/* snapshot_builder_finish - consume b, return the snapshot (refs = 1) */
struct snapshot *snapshot_builder_finish(struct snapshot_builder *b, uint64_t generation);
void snapshot_builder_free(struct snapshot_builder *b);	/* abandon; accepts NULL */

struct snapshot *snapshot_ref(struct snapshot *s);
void snapshot_unref(struct snapshot *s);		/* accepts NULL */
uint64_t snapshot_generation(const struct snapshot *s);
size_t snapshot_selector_count(const struct snapshot *s);
size_t snapshot_restriction_count(const struct snapshot *s);
const struct addr_opts *snapshot_addr_opts(const struct snapshot *s);

struct match_scratch *match_scratch_new(void);
void match_scratch_free(struct match_scratch *m);	/* accepts NULL */

/*
 * snapshot_match - ids of the users whose selectors match a normalised
 * address, ascending and without repeats, at most max. Returns how many.
 * A pattern that hits its match or depth limit counts as no match and
 * increments *limit_hits (may be NULL) so the caller can log it.
 */
size_t snapshot_match(const struct snapshot *s, struct match_scratch *m,
		      const char *normalised, long long *users, size_t max,
		      unsigned *limit_hits);
/*
 * snapshot_user_restrictions - the restrictions of one user (borrowed,
 * valid while the snapshot is held); *n set to how many.
 */
const struct restriction *const *snapshot_user_restrictions(const struct snapshot *s,
							    long long user_id, size_t *n);
/*
 * snapshot_exact_probes - how many table entries an exact lookup of this
 * address examines (for the probe-count test of the hash table).
 */
unsigned snapshot_exact_probes(const struct snapshot *s, const char *normalised);

#endif
