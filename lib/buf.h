/*
 * buf.h - growable byte buffers that are always NUL-terminated.
 *
 * Used wherever text of unknown length is built (header values, replies,
 * JSON-free reports, log summaries) so that nothing from the network is ever
 * written into a fixed-size array.
 */
#ifndef RM_BUF_H
#define RM_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;	/* always NUL-terminated once initialised */
	size_t len;
	size_t cap;
	char *space;	/* the caller's storage from buf_init_on; never freed here */
};

void buf_init(struct buf *b);
/*
 * buf_init_on - start in the caller's space (size >= 1 bytes), for text
 * built and dropped in one call on a hot path; growing past it moves the
 * text to the heap. Never copy such a buf by assignment: the copy would
 * point into the caller's space.
 */
void buf_init_on(struct buf *b, char *space, size_t size);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* buf_grow - room for n more bytes and the terminator (initialising b if need be) */
void buf_grow(struct buf *b, size_t n);

/*
 * Appending is inline, as Postfix's VSTRING_ADDCH: it runs a few hundred
 * times a message (addresses, JSON, headers) and almost never has to grow.
 */
static inline void buf_append(struct buf *b, const void *p, size_t n)
{
	if (b->data == NULL || n >= b->cap - b->len)
		buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

static inline void buf_putc(struct buf *b, char c)
{
	if (b->data == NULL || b->cap - b->len < 2)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* buf_cstr - the contents as a string (borrowed; valid until next change) */
const char *buf_cstr(struct buf *b);
/* buf_take - hand the string over to the caller (heap, copied out of a buf_init_on space) and leave b empty */
char *buf_take(struct buf *b);

#endif
