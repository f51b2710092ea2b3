/*
 * csv.c - the two small parsers `import` needs: RFC 4180 CSV records
 * (quoted fields with "" for a quote and line breaks inside, CRLF or LF
 * line ends, a UTF-8 BOM skipped) and POSIX shell word splitting without
 * any expansion (blanks separate words; '…', "…" and backslash quote).
 *
 * Both are strict: what they cannot read exactly is an error naming what,
 * so a file is never imported on a guess.
 */
#include "cli.h"
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_init(struct csv *r, FILE *f)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->next_line = 1;
}

/* csv_end_field - the field so far becomes the record's next one */
static void csv_end_field(struct strlist *fields, struct buf *b)
{
	strlist_add(fields, buf_cstr(b));
	buf_reset(b);
}

/* csv_quoted - the rest of a quoted field, up to and including its closing quote */
static int csv_quoted(struct csv *r, struct buf *b, char *err, size_t errlen)
{
	int ch;

	while ((ch = getc(r->f)) != EOF) {
		if (ch == '"') {
			if ((ch = getc(r->f)) != '"') {
				if (ch != EOF && ungetc(ch, r->f) == EOF)
					break;
				return 0;
			}
		} else if (ch == '\n') {
			r->next_line++;
		} else if (ch == '\0') {
			snprintf(err, errlen, "a NUL byte inside a field");
			return -1;
		}
		buf_putc(b, (char)ch);
	}
	snprintf(err, errlen, "a quoted field is not closed");
	return -1;
}

/* csv_bom - skip a UTF-8 byte order mark at the start; -1 for other bytes 0xef.. */
static int csv_bom(struct csv *r)
{
	int a = getc(r->f), b, c;

	if (a != 0xef) {
		if (a != EOF && ungetc(a, r->f) == EOF)
			return -1;
		return 0;
	}
	b = getc(r->f);
	c = getc(r->f);
	return b == 0xbb && c == 0xbf ? 0 : -1;
}

int csv_read(struct csv *r, struct strlist *fields, long *line, char *err, size_t errlen)
{
	struct buf b;
	int ch, quoted = 0, any = 0, rc = -1;

	strlist_free(fields);
	*line = r->next_line;
	if (!r->started) {
		r->started = 1;
		if (csv_bom(r) != 0) {
			snprintf(err, errlen, "not UTF-8 text");
			return -1;
		}
	}
	buf_init(&b);
	for (;;) {
		ch = getc(r->f);
		if (ch == EOF || ch == '\n') {
			if (ch == '\n')
				r->next_line++;
			if (ch == EOF && !any && fields->n == 0) {
				rc = ferror(r->f) ? -1 : 0;
				if (rc)
					snprintf(err, errlen, "read error");
				break;
			}
			if (b.len && b.data[b.len - 1] == '\r' && !quoted)
				b.data[--b.len] = '\0';
			csv_end_field(fields, &b);
			rc = 1;
			break;
		}
		any = 1;
		if (ch == ',') {
			csv_end_field(fields, &b);
			quoted = 0;
		} else if (ch == '"' && b.len == 0 && !quoted) {
			quoted = 1;
			if (csv_quoted(r, &b, err, errlen) != 0)
				break;
			ch = getc(r->f);
			if (ch == '\r' && (ch = getc(r->f)) != '\n')
				ch = 'x';	/* a lone CR is text after the quote */
			if (ch != EOF && ch != ',' && ch != '\n') {
				snprintf(err, errlen, "text after the closing quote of a field");
				break;
			}
			if (ch != EOF && ungetc(ch, r->f) == EOF)
				break;
		} else if (ch == '"' || quoted) {
			snprintf(err, errlen, quoted ? "text after the closing quote of a field"
				 : "a quote inside an unquoted field (quote the whole field)");
			break;
		} else if (ch == '\0') {
			snprintf(err, errlen, "a NUL byte inside a field");
			break;
		} else {
			buf_putc(&b, (char)ch);
		}
	}
	buf_free(&b);
	return rc;
}

/* shell_double - the rest of a "…" word: only \ before $ ` " \ newline escapes */
static int shell_double(const char **pp, struct buf *w)
{
	const char *p = *pp;

	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
			p++;
			if (*p == '\n')
				continue;
		}
		buf_putc(w, *p);
	}
	if (*p != '"')
		return -1;
	*pp = p + 1;
	return 0;
}

int shell_split(const char *s, struct strlist *words, char *err, size_t errlen)
{
	const char *p = s, *q;
	struct buf w;
	int inword = 0, rc = 0;

	buf_init(&w);
	while (rc == 0 && *p) {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (inword)
				csv_end_field(words, &w);
			inword = 0;
			p++;
			continue;
		}
		inword = 1;
		if (*p == '\\') {
			if (p[1] == '\0') {
				snprintf(err, errlen, "a backslash at the end of the options");
				rc = -1;
			} else if (p[1] == '\n') {
				p += 2;		/* line continuation */
			} else {
				buf_putc(&w, p[1]);
				p += 2;
			}
		} else if (*p == '\'') {
			if ((q = strchr(p + 1, '\'')) == NULL) {
				snprintf(err, errlen, "a single quote is not closed");
				rc = -1;
			} else {
				buf_append(&w, p + 1, (size_t)(q - p - 1));
				p = q + 1;
			}
		} else if (*p == '"') {
			p++;
			if (shell_double(&p, &w) != 0) {
				snprintf(err, errlen, "a double quote is not closed");
				rc = -1;
			}
		} else {
			buf_putc(&w, *p++);
		}
	}
	if (rc == 0 && inword)
		csv_end_field(words, &w);
	buf_free(&w);
	return rc;
}
