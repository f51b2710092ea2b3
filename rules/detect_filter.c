/*
 * detect_filter.c - which mail counts toward scattergun and volume
 * detection, and which of its recipients count as distinct staff (detect.h).
 *
 * SPEC "Detection": internal mail, the null sender, mail with List-Id:,
 * Auto-Submitted: other than "no", Precedence: bulk, list or junk, and
 * senders in DetectIgnoreSenders are not counted; recipients in
 * DetectIgnore (enquiries@...) count for volume but not as distinct staff.
 */
#include "detect.h"
#include "buf.h"
#include "xalloc.h"

#include <string.h>
#include <strings.h>

/* skip_cfws - past whitespace and (nested) RFC 5322 comments */
static const char *skip_cfws(const char *s)
{
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s != '(')
			return s;
		{
			unsigned depth = 0;
			for (; *s; s++) {
				if (*s == '\\' && s[1] != '\0')
					s++;
				else if (*s == '(')
					depth++;
				else if (*s == ')' && --depth == 0) {
					s++;
					break;
				}
			}
		}
	}
}

/* token_is - is the first token of a header value (after CFWS) word, any case? */
static int token_is(const char *value, const char *word)
{
	const char *s = skip_cfws(value);
	size_t n = 0, wl = strlen(word);

	while (s[n] != '\0' && s[n] != ';' && s[n] != '(' && s[n] != ' ' && s[n] != '\t'
	       && s[n] != '\r' && s[n] != '\n')
		n++;
	return n == wl && strncasecmp(s, word, wl) == 0;
}

/* sender_null - NULL, empty or "<>" (with blanks) */
static int sender_null(const char *s)
{
	if (s == NULL)
		return 1;
	s = skip_cfws(s);
	if (*s == '<') {
		s = skip_cfws(s + 1);
		if (*s == '>')
			s = skip_cfws(s + 1);
		else
			return 0;
	}
	return *s == '\0';
}

enum detect_skip detect_skip_message(const struct detect_msg *m, const struct policy *pol)
{
	if (m->internal)
		return DETECT_SKIP_INTERNAL;
	if (sender_null(m->env_sender))
		return DETECT_SKIP_NULL_SENDER;
	if (m->list_id != NULL)
		return DETECT_SKIP_LIST_ID;
	if (m->auto_submitted != NULL && !token_is(m->auto_submitted, "no"))
		return DETECT_SKIP_AUTO_SUBMITTED;
	if (m->precedence != NULL && (token_is(m->precedence, "bulk")
				      || token_is(m->precedence, "list")
				      || token_is(m->precedence, "junk")))
		return DETECT_SKIP_PRECEDENCE;
	if (strlist_contains(&pol->detect_ignore_senders, m->env_sender)
	    || (m->from != NULL && strlist_contains(&pol->detect_ignore_senders, m->from)))
		return DETECT_SKIP_IGNORED_SENDER;
	return DETECT_COUNT;
}

size_t detect_staff_rcpts(const struct policy *pol, const char *const *rcpts, size_t n,
			  struct strlist *out)
{
	size_t i, staff = 0;

	for (i = 0; i < n; i++) {
		const char *r = rcpts[i];
		if (r == NULL || !policy_is_staff(pol, r) || policy_is_exempt(pol, r))
			continue;
		staff++;
		if (!strlist_contains(&pol->detect_ignore, r))
			strlist_add_unique(out, r);
	}
	return staff;
}

char *detect_person_key(long long user_id, const char *address)
{
	struct buf b;

	if (user_id > 0) {
		buf_init(&b);
		buf_printf(&b, "user:%lld", user_id);
		return buf_take(&b);
	}
	return address != NULL && *address != '\0' ? xstrdup(address) : NULL;
}

const char *detect_skip_name(enum detect_skip s)
{
	switch (s) {
	case DETECT_COUNT:
		return "count";
	case DETECT_SKIP_INTERNAL:
		return "internal";
	case DETECT_SKIP_NULL_SENDER:
		return "null-sender";
	case DETECT_SKIP_LIST_ID:
		return "list-id";
	case DETECT_SKIP_AUTO_SUBMITTED:
		return "auto-submitted";
	case DETECT_SKIP_PRECEDENCE:
		return "precedence";
	case DETECT_SKIP_IGNORED_SENDER:
		return "ignored-sender";
	case DETECT_SKIP_NO_STAFF:
		return "no-staff";
	}
	return "?";
}
