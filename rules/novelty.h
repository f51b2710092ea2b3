/*
 * novelty.h - is a message new information, or a repeat of what the same
 * person wrote before (policy 5.7 "read and file", FOI s14 repeats)?
 *
 * A fingerprint is the set of hashed 4-word shingles of the message's own
 * text (textextract.h). Against the person's bounded history it measures
 * containment |A n H| / |A| and, per word, whether the word is covered by a
 * known shingle; a run of new words (a new sentence) makes the message new
 * however long the rest. The measure is described in novelty.c and
 * doc/novelty.md. Pure; histories serialise to text for the database.
 */
#ifndef RM_NOVELTY_H
#define RM_NOVELTY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define NOVELTY_SHINGLE 4		/* words per shingle */
#define NOVELTY_MIN_NEW_WORDS 6		/* new words in one region that make a message new */
#define NOVELTY_REGION_GAP 8		/* known words tolerated inside one region */
#define NOVELTY_REWORD_SHARE 4		/* new when new words >= all words / 4 (and >= the minimum) */
#define NOVELTY_MAX_WORDS 65536		/* words fingerprinted per message */
#define NOVELTY_HISTORY_ENTRIES 50	/* default bound: messages kept per person */
#define NOVELTY_HISTORY_SHINGLES 32768	/* default bound: shingles kept per person */
#define NOVELTY_ID_MAX 250		/* a message id is cut to this many octets */

struct novelty_fp;
struct novelty_history;

enum novelty_verdict { NOVELTY_NEW, NOVELTY_REPEAT };

struct novelty_result {
	enum novelty_verdict verdict;
	double score;			/* containment in the whole history, [0,1] */
	unsigned words;			/* words in the message's own text */
	unsigned new_words;		/* words not covered by any known shingle */
	unsigned longest_region;	/* new words in the densest region */
	char *similar;			/* id of the most similar earlier message (owned), NULL none */
	double similar_score;		/* containment in that message alone */
};

/* --- novelty.c --- */

/*
 * novelty_fingerprint - the fingerprint of own (the sender's own text, UTF-8)
 * and, optionally, of the quoted text (used only to find "similar" when
 * the own text is too short to say). Never NULL.
 */
struct novelty_fp *novelty_fingerprint(const char *own, const char *quoted);
void novelty_fp_free(struct novelty_fp *fp);	/* accepts NULL */
size_t novelty_fp_shingles(const struct novelty_fp *fp);	/* distinct shingles */
size_t novelty_fp_words(const struct novelty_fp *fp);
/*
 * novelty_compare - measure msg against h (may be NULL or empty: new) and
 * give the verdict. out->similar is owned: novelty_result_clear.
 */
void novelty_compare(const struct novelty_fp *msg, const struct novelty_history *h,
		     struct novelty_result *out);
void novelty_result_clear(struct novelty_result *r);
/* novelty_header_value - "new" or "repeat; score=0.91; similar=<id>" */
char *novelty_header_value(const struct novelty_result *r);
/* novelty_id_sanitise - printable ASCII without ";\"\\", at most NOVELTY_ID_MAX octets */
char *novelty_id_sanitise(const char *id);

/* --- novelty_hist.c --- */

/* novelty_history_new - empty; 0 bounds take the defaults above */
struct novelty_history *novelty_history_new(size_t max_entries, size_t max_shingles);
void novelty_history_free(struct novelty_history *h);	/* accepts NULL */
/*
 * novelty_history_add - remember fp's own shingles as message id at time
 * at (kept in time order); the oldest go when a bound is exceeded, but the
 * newest message always stays.
 */
void novelty_history_add(struct novelty_history *h, const char *id, time_t at,
			 const struct novelty_fp *fp);
size_t novelty_history_count(const struct novelty_history *h);
size_t novelty_history_shingles(const struct novelty_history *h);
/* novelty_fp_serialise - "n1.COUNT.BASE64URL" of the own shingles (compact varint deltas) */
char *novelty_fp_serialise(const struct novelty_fp *fp);
/* novelty_fp_parse - the fingerprint from its serialised form; NULL when malformed */
struct novelty_fp *novelty_fp_parse(const char *text);
/* novelty_history_serialise - one line per message: "AT<TAB>ID<TAB>FINGERPRINT" */
char *novelty_history_serialise(const struct novelty_history *h);
/*
 * novelty_history_parse - add the messages in text to h; malformed lines
 * are skipped and counted in *bad (may be NULL). Returns lines added.
 */
size_t novelty_history_parse(struct novelty_history *h, const char *text, size_t *bad);

/* internal to novelty*.c: the sorted distinct shingles of an entry or fingerprint */
struct novelty_set {
	const uint64_t *v;
	size_t n;
};
struct novelty_set novelty_hist_entry(const struct novelty_history *h, size_t i, const char **id);
struct novelty_set novelty_fp_set(const struct novelty_fp *fp);
struct novelty_fp *novelty_fp_from_set(uint64_t *v, size_t n);

#endif
