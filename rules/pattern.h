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
/* pattern_match_len - the same with the subject's length known (no strlen) */
int pattern_match_len(const pcre2_code *code, pcre2_match_data *md, const char *subject,
		      size_t len);
pcre2_match_data *pattern_match_data_new(void);

#endif
