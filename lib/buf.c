/*
 * buf.c - growable, NUL-terminated byte buffers (see buf.h).
 */
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b)
{
	b->cap = 64;
	b->len = 0;
	b->data = xmalloc(b->cap);
	b->data[0] = '\0';
	b->space = NULL;
}

void buf_init_on(struct buf *b, char *space, size_t size)
{
	b->cap = size;
	b->len = 0;
	b->data = b->space = space;
	b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->data != b->space)
		free(b->data);
	b->data = b->space = NULL;
	b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_grow(struct buf *b, size_t n)
{
	if (b->data == NULL)
		buf_init(b);
	if (n >= b->cap - b->len) {
		size_t want = b->len + n + 1;
		size_t cap = b->cap;
		while (cap < want) {
			if (cap > ((size_t)-1) / 2)
				cap = want;
			else
				cap *= 2;
		}
		if (b->data == b->space) {	/* out of the caller's space */
			char *heap = xmalloc(cap);
			memcpy(heap, b->data, b->len + 1);
			b->data = heap;
		} else {
			b->data = xrealloc(b->data, cap);
		}
		b->cap = cap;
	}
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	buf_grow(b, 0);
	va_copy(copy, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, copy);
	va_end(copy);
	if (n < 0)
		abort();	/* a bad format string is a bug */
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *buf_cstr(struct buf *b)
{
	if (b->data == NULL)
		buf_init(b);
	return b->data;
}

char *buf_take(struct buf *b)
{
	char *s;

	if (b->data == NULL)
		buf_init(b);
	s = b->data == b->space ? xstrndup(b->data, b->len) : b->data;
	b->data = b->space = NULL;
	b->len = b->cap = 0;
	return s;
}
