/*
 * digest_model.h - what the digest's renderers share: the data read by
 * store_digest_read (db/store_digest.h), the words and dates every format
 * uses, the one cleaning function for stored values, and the renderers
 * (text, HTML, MIME) and the hand-over to sendmail.
 *
 * Stored values (names, case references, addresses, queue ids) came from
 * administrators or from mail: every renderer shows them only through
 * digest_clean (text) or digest_html_put (HTML), never raw.
 */
#ifndef RM_DIGEST_MODEL_H
#define RM_DIGEST_MODEL_H

#include <stddef.h>
#include <time.h>
#include "buf.h"
#include "store_digest.h"
#include "strlist.h"

/* the longest line of the text digest */
#define DIGEST_TEXT_COLUMNS 78

/* digest_cat_name - "delivered", "filed", … for a category */
const char *digest_cat_name(int cat);
/* digest_title - "Correspondence restrictions — week ending 2026-11-27" (new) */
char *digest_title(const struct store_digest *d);
/* digest_week_ending - the local date of the period's last moment (out >= 32) */
const char *digest_week_ending(const struct store_digest *d, char *out, size_t len);
/* digest_when - local "Fri 27 Nov 2026 09:00 GMT" (out >= 64) */
const char *digest_when(time_t t, char *out, size_t len);
/* digest_day - local "2026-11-27" (out >= 32), "-" for 0 */
const char *digest_day(time_t t, char *out, size_t len);
/* digest_bar_label - a chart bar's label: "Fri 20", or "20 Nov" for groups of days */
const char *digest_bar_label(const struct store_digest *d, int i, char *out, size_t len);
/* digest_window - a flag's window as "7d" (out >= 32) */
const char *digest_window(long long secs, char *out, size_t len);

/*
 * digest_clean - a stored value made safe to show (new string): invalid
 * UTF-8, control characters, bidirectional overrides and isolates and
 * line separators each become '?'; NULL becomes "-"
 */
char *digest_clean(const char *s);
/* digest_width - display columns of a cleaned UTF-8 string (code points) */
size_t digest_width(const char *s);
/* digest_html_put - append s cleaned and HTML-escaped (&<>"' all escaped) */
void digest_html_put(struct buf *b, const char *s);

/* the flag groups: escalated (awaiting a decision), new in the period, open from before */
#define DIGEST_FLAGS_ESCALATED 0
#define DIGEST_FLAGS_NEW 1
#define DIGEST_FLAGS_OPEN 2
/* digest_flag_in_group - does f belong to that group? */
int digest_flag_in_group(const struct digest_flag *f, int group);
/* digest_flags_pending - flags open or escalated; *escalated gets the escalated ones */
long long digest_flags_pending(const struct store_digest *d, long long *escalated);

/* the person a restriction concerns: "Name (case)" cleaned (new) */
char *digest_person(const char *name, const char *case_ref);

/* the renderers: a complete document as a new string */
char *digest_text(const struct store_digest *d);
char *digest_html(const struct store_digest *d);

/* what the MIME message needs besides the two bodies */
struct digest_mail_head {
	const char *from;			/* DigestFrom */
	const struct strlist *to;		/* the recipients */
	time_t date;
};

/*
 * digest_mime - the multipart/alternative message (text/plain, then
 * text/html; UTF-8, quoted-printable) into *out and its Message-ID without
 * angle brackets into *message_id (both new). 0, or -1 with err.
 */
int digest_mime(const struct store_digest *d, const struct digest_mail_head *h,
		char **out, char **message_id, char *err, size_t errlen);

/*
 * digest_sendmail - run command (split by POSIX shell rules, no
 * expansion) with the message on its stdin; recipients are appended as
 * arguments unless the command has -t. 0 when it exits 0, else -1 with
 * one line in err saying why.
 */
int digest_sendmail(const char *command, const struct strlist *to, const char *message,
		    char *err, size_t errlen);

#endif
