/*
 * strlist.c - growable list of owned strings (see strlist.h).
 */
#include "strlist.h"
#include "buf.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

void strlist_init(struct strlist *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
}

void strlist_free(struct strlist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	strlist_init(l);
}

void strlist_clear(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

void strlist_take(struct strlist *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

void strlist_add(struct strlist *l, const char *s)
{
	strlist_take(l, xstrdup(s));
}

void strlist_copy(struct strlist *dst, const struct strlist *src)
{
	size_t i;

	strlist_init(dst);
	for (i = 0; i < src->n; i++)
		strlist_add(dst, src->v[i]);
}

size_t strlist_contains(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return i + 1;
	return 0;
}

void strlist_add_unique(struct strlist *l, const char *s)
{
	if (!strlist_contains(l, s))
		strlist_add(l, s);
}

char *strlist_join(const struct strlist *l, const char *sep)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < l->n; i++) {
		if (i)
			buf_puts(&b, sep);
		buf_puts(&b, l->v[i]);
	}
	return buf_take(&b);
}
