/*
 * textextract.h - a message's own text, for novelty fingerprints (SPEC
 * "Detection: ... novelty").
 *
 * From raw RFC 5322 bytes (or a body with its Content-Type and
 * Content-Transfer-Encoding) take text/plain, else HTML reduced to text,
 * decode transfer encodings and charsets to UTF-8 (GMime), then remove
 * quoted replies, "On ... wrote:" blocks, forwarded messages, greetings,
 * sign-offs and signatures. Pure: no I/O; never crashes or hangs on hostile
 * MIME (nesting and output are capped).
 */
#ifndef RM_TEXTEXTRACT_H
#define RM_TEXTEXTRACT_H

#include <stddef.h>
#include "buf.h"

#define TEXTEXTRACT_MAX_OUT (256 * 1024)	/* default cap on extracted text, bytes */
#define TEXTEXTRACT_MAX_DEPTH 16		/* MIME nesting walked */
#define TEXTEXTRACT_MAX_MULTIPARTS 64	/* multipart/message parts handed to GMime */

struct textextract {
	char *text;		/* the sender's own text: UTF-8, LF line ends, never NULL after success */
	char *quoted;		/* the quoted and forwarded text that was removed (for "similar") */
	int from_html;		/* the text came from text/html */
	int truncated;		/* a cap was hit: text is the beginning only */
};

/* --- textextract.c: MIME --- */

/*
 * textextract_message - extract from a whole message (headers and body);
 * max_out caps the text (0: TEXTEXTRACT_MAX_OUT). Returns 0, or -1 when
 * GMime found no message at all (out then holds empty strings).
 * Calls rules_init itself.
 */
int textextract_message(const char *raw, size_t len, size_t max_out, struct textextract *out);
/*
 * textextract_body - the same for a body the milter collected separately,
 * with its Content-Type and Content-Transfer-Encoding values (NULL: absent).
 */
int textextract_body(const char *content_type, const char *cte, const char *body, size_t len,
		     size_t max_out, struct textextract *out);
/*
 * textextract_body_is_plain - would GMime hand this body over unchanged (one
 * text/plain part, no transfer encoding, charset us-ascii or utf-8 and text
 * valid in it)? textextract_body then takes it as it is, without GMime's
 * parser and charset converters (two thirds of the cost of extracting a
 * small plain message); tests/unit/test_textextract.c checks that both ways
 * give the same text.
 */
int textextract_body_is_plain(const char *content_type, const char *cte, const char *body,
			      size_t len);
/* textextract_clear - free what out holds (accepts a zeroed struct) */
void textextract_clear(struct textextract *t);

/* --- texthtml.c: HTML to text --- */

/*
 * texthtml_to_text - HTML (UTF-8) as plain text: tags stripped, script,
 * style and head dropped, entities decoded, blocks as line breaks,
 * <blockquote> lines prefixed "> ". At most max bytes (0: no cap).
 */
char *texthtml_to_text(const char *html, size_t len, size_t max);

/* --- textclean.c: the sender's own words --- */

/*
 * textclean_split - normalise text (UTF-8; CRLF to LF, controls and
 * no-break spaces to spaces) and split it: own gets the sender's own text
 * without quotes, attributions, forwards, greeting, sign-off or signature;
 * quoted (may be NULL) gets quoted and forwarded lines without their '>'.
 */
void textclean_split(const char *text, size_t len, struct buf *own, struct buf *quoted);

#endif
