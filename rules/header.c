/*
 * header.c - sanitise and fold header values we write (see header.h).
 *
 * libmilter passes values to the MTA as given; a bare CR or an unfolded
 * 2,000-octet line would be our bug, not the MTA's, so we never emit one.
 */
#include "header.h"
#include "buf.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* clean - control characters to spaces, whitespace runs to one space, trimmed */
static char *clean(const char *raw)
{
	struct buf b;
	int space = 1;

	buf_init(&b);
	for (; *raw; raw++) {
		unsigned char c = (unsigned char)*raw;
		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (!space)
				buf_putc(&b, ' ');
			space = 1;
			continue;
		}
		buf_putc(&b, (char)c);
		space = 0;
	}
	if (b.len && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return buf_take(&b);
}

char *header_value(const char *raw, unsigned name_len)
{
	char *s = clean(raw);
	struct buf out;
	size_t col = name_len + 2, i = 0, len = strlen(s);

	buf_init(&out);
	while (i < len) {
		/* the next word runs to the next space (inclusive of trailing ; or ,) */
		size_t j = i;
		while (j < len && s[j] != ' ')
			j++;
		if (col + (j - i) > HEADER_FOLD_AT && out.len > 0) {
			buf_puts(&out, "\n\t");
			col = 8;
		} else if (out.len > 0) {
			buf_putc(&out, ' ');
			col++;
		}
		buf_append(&out, s + i, j - i);
		col += j - i;
		i = j < len ? j + 1 : j;
	}
	free(s);
	return buf_take(&out);
}

int header_name_has_prefix(const char *name, const char *prefix)
{
	/* the first letter first: every header of every message is asked */
	if (*prefix != '\0' && (*name | 0x20) != (*prefix | 0x20))
		return 0;
	return strncasecmp(name, prefix, strlen(prefix)) == 0;
}
