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
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* buf_cstr - the contents as a string (borrowed; valid until next change) */
const char *buf_cstr(struct buf *b);
/* buf_take - hand the string over to the caller (heap, copied out of a buf_init_on space) and leave b empty */
char *buf_take(struct buf *b);

#endif
