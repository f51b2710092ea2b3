/*
 * pattern.c - compile and match /regex/ selectors with PCRE2 (see pattern.h).
 *
 * One match context, set up once, carries the limits; it is only read while
 * matching, so every thread can share it. Match data is per thread, and so
 * is a pattern_context, a copy of the limits with its own JIT stack.
 */
#include "pattern.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pcre2_match_context *limits_ctx;
static pthread_once_t limits_once = PTHREAD_ONCE_INIT;

/* limits_init - the shared match context with our match and depth limits */
static void limits_init(void)
{
	limits_ctx = pcre2_match_context_create(NULL);
	if (limits_ctx == NULL)
		abort();
	pcre2_set_match_limit(limits_ctx, PATTERN_MATCH_LIMIT);
	pcre2_set_depth_limit(limits_ctx, PATTERN_DEPTH_LIMIT);
}

pcre2_code *pattern_compile(const char *pattern, char *err, size_t errlen)
{
	int errcode;
	PCRE2_SIZE erroffset;
	pcre2_code *code;
	PCRE2_UCHAR msg[256];

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			     PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
			     &errcode, &erroffset, NULL);
	if (code == NULL) {
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", errcode);
		snprintf(err, errlen, "bad PCRE2 pattern /%.200s/: %s at offset %zu",
			 pattern, (char *)msg, (size_t)erroffset);
		return NULL;
	}
	return code;
}

void pattern_jit(pcre2_code *code)
{
	/* JIT is an optimisation: without it (unsupported CPU) matching still works */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
}

pcre2_match_data *pattern_match_data_new(void)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);

	if (md == NULL)
		abort();
	return md;
}

int pattern_match(const pcre2_code *code, pcre2_match_data *md, const char *subject)
{
	return pattern_match_len(code, md, NULL, subject, strlen(subject));
}

/* PATTERN_JIT_STACK - the size of PCRE2's default on-stack JIT stack, kept */
#define PATTERN_JIT_STACK (32 * 1024)

void pattern_context_init(struct pattern_context *pc)
{
	pthread_once(&limits_once, limits_init);
	pc->ctx = pcre2_match_context_copy(limits_ctx);
	if (pc->ctx == NULL)
		abort();
	pc->stack = pcre2_jit_stack_create(PATTERN_JIT_STACK, PATTERN_JIT_STACK, NULL);
	if (pc->stack != NULL)
		pcre2_jit_stack_assign(pc->ctx, NULL, pc->stack);
}

void pattern_context_clear(struct pattern_context *pc)
{
	pcre2_match_context_free(pc->ctx);
	pcre2_jit_stack_free(pc->stack);
	pc->ctx = NULL;
	pc->stack = NULL;
}

int pattern_match_len(const pcre2_code *code, pcre2_match_data *md, pcre2_match_context *ctx,
		      const char *subject, size_t len)
{
	int rc;

	pthread_once(&limits_once, limits_init);
	if (ctx == NULL)
		ctx = limits_ctx;
	/* the JIT fast path skips pcre2_match's checks; code without JIT falls back */
	rc = pcre2_jit_match(code, (PCRE2_SPTR)subject, len, 0, 0, md, ctx);
	if (rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(code, (PCRE2_SPTR)subject, len, 0, 0, md, ctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return -1;
}
