/*
 * ctable.h - a read-only string -> user-id-list hash table with a hard bound
 * on lookup cost: bucketised cuckoo hashing, two buckets of two slots per
 * key, so any lookup examines at most four entries however large the table.
 *
 * Built once from (key, user) pairs, then only read, by any number of
 * threads. Keys and user lists live in storage the table owns.
 */
#ifndef RM_CTABLE_H
#define RM_CTABLE_H

#include <stddef.h>
#include <stdint.h>

struct ctable;

/* a pair to insert; keys may repeat (one key, several users) */
struct ctable_pair {
	const char *key;
	long long user_id;
};

/* ctable_build - from pairs (reordered in place); never NULL */
struct ctable *ctable_build(struct ctable_pair *pairs, size_t n);
void ctable_free(struct ctable *t);		/* accepts NULL */
/*
 * ctable_lookup - the users filed under key (borrowed), *n how many; NULL
 * when absent. *probes (may be NULL) receives the entries examined.
 */
const long long *ctable_lookup(const struct ctable *t, const char *key, size_t len,
			       size_t *n, unsigned *probes);
size_t ctable_count(const struct ctable *t);	/* distinct keys */

#endif
