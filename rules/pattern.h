/*
 * pattern.h - PCRE2 patterns for /regex/ selectors: compiled once, with JIT when kept,
 * matched case-insensitively with match and depth limits.
 *
 * A pattern that hits a limit counts as no match (and the caller logs it),
 * so a catastrophic pattern can slow one lookup but never stall the milter.
 */
#ifndef RM_PATTERN_H
#define RM_PATTERN_H

#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define PATTERN_MATCH_LIMIT 100000
#define PATTERN_DEPTH_LIMIT 5000

/*
 * pattern_compile - NULL with "bad PCRE2 pattern /p/: why at offset N" in
 * err. Not JIT-compiled: worth it only for code kept for many matches.
 */
pcre2_code *pattern_compile(const char *pattern, char *err, size_t errlen);
/* pattern_jit - JIT-compile code for faster matching (silently skipped if unsupported) */
void pattern_jit(pcre2_code *code);
/*
 * pattern_match - 1 match, 0 no match, -1 a match or depth limit was hit
 * (or another matching error). md must come from pattern_match_data_new.
 */
int pattern_match(const pcre2_code *code, pcre2_match_data *md, const char *subject);
/*
 * pattern_match_len - the same with the subject's length known (no strlen),
 * in ctx (from pattern_context_new; NULL for the shared one, whose JIT
 * stack is 32 KiB of the calling thread's own stack)
 */
int pattern_match_len(const pcre2_code *code, pcre2_match_data *md, pcre2_match_context *ctx,
		      const char *subject, size_t len);
pcre2_match_data *pattern_match_data_new(void);

/*
 * struct pattern_context - the limits with a JIT stack on the heap, the
 * same 32 KiB as the default. A long-lived thread or a pooled scratch uses
 * one so JIT matching does not touch fresh stack pages: the milter's
 * threads are new for every connection, and faulting in the default
 * on-stack 32 KiB was a large share of its page faults.
 */
struct pattern_context {
	pcre2_match_context *ctx;
	pcre2_jit_stack *stack;		/* NULL when JIT is unavailable */
};

void pattern_context_init(struct pattern_context *pc);
void pattern_context_clear(struct pattern_context *pc);

#endif
