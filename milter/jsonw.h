/*
 * jsonw.h - compact JSON text written straight into a buffer.
 *
 * The milter records one event per message, and building those small
 * arrays and objects as a Jansson tree (a node, and for objects a hash
 * table, per value) and dumping it cost more than the decision itself.
 * This writer produces exactly what Jansson's json_dumps(JSON_COMPACT |
 * JSON_ENSURE_ASCII) would for the same values, keys in the order written,
 * but writes only the structure itself: brackets, commas, numbers, keys
 * (the program's own [a-z_] names) and strings of printable ASCII with no
 * '"' or '\\', which are their own text. Every other string is handed to
 * Jansson, which checks its UTF-8 and writes its escapes (SPEC: JSON
 * escaping is never hand-written). A string Jansson refuses becomes
 * "(invalid)", as the milter has always stored it; everything outside
 * printable ASCII is escaped, so a value from mail can never break out of
 * its string.
 */
#ifndef RM_JSONW_H
#define RM_JSONW_H

#include "buf.h"
#include "strlist.h"

/* JSONW_DEPTH_MAX - nesting the writer tracks; deeper opens are a bug (abort) */
#define JSONW_DEPTH_MAX 16

/* JSONW_SPACE - text built in the writer itself before it moves to the heap */
#define JSONW_SPACE 256

/* never copied by assignment: b may point into space */
struct jsonw {
	struct buf b;
	char space[JSONW_SPACE];
	int depth;
	int after_key;			/* a key was written: no comma before its value */
	unsigned char has_item[JSONW_DEPTH_MAX];
};

void jsonw_init(struct jsonw *w);
void jsonw_free(struct jsonw *w);	/* only for a writer not finished */
/* jsonw_open / jsonw_close - '[' and ']', or '{' and '}' */
void jsonw_open(struct jsonw *w, char bracket);
void jsonw_close(struct jsonw *w, char bracket);
/* jsonw_key - an object member's name, [a-z_]+ (else abort); the next value is its value */
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s);	/* NULL writes "" */
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);
/* jsonw_strlist - an array of l's strings; NULL writes [] */
void jsonw_strlist(struct jsonw *w, const struct strlist *l);
/* jsonw_finish - the text (caller frees); the writer is left empty */
char *jsonw_finish(struct jsonw *w);
/* jsonw_string_text - append s as one JSON string to b, as Jansson dumps it */
void jsonw_string_text(struct buf *b, const char *s);

#endif
