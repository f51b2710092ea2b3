/*
 * xalloc.h - allocation that cannot fail at the call site.
 *
 * Out of memory is not a condition any caller here can handle sensibly, so
 * these wrappers abort with a message instead of returning NULL (Postfix's
 * mymalloc). Every pointer they return is owned by the caller.
 */
#ifndef RM_XALLOC_H
#define RM_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xreallocarray - grow an array, aborting on multiplication overflow */
void *xreallocarray(void *ptr, size_t count, size_t size);

#endif
