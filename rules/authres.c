/*
 * authres.c - read Authentication-Results headers for a From: pass (see
 * authres.h).
 *
 * Only what the question needs is parsed: the authserv-id (up to the first
 * ';', an optional version number dropped), then each ';'-separated
 * resinfo "method=result prop=value ...". Comments in parentheses and
 * quoted strings are skipped; anything unparseable simply does not pass.
 */
#include "authres.h"
#include "buf.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* strip_comments - copy without (comments) and with runs of blanks as one space */
static char *strip_comments(const char *s)
{
	struct buf b;
	int depth = 0, quoted = 0;

	buf_init(&b);
	for (; *s; s++) {
		char c = *s;
		if (!quoted && c == '(') {
			depth++;
			continue;
		}
		if (depth > 0) {
			if (c == ')')
				depth--;
			else if (c == '\\' && s[1])
				s++;
			continue;
		}
		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (isspace((unsigned char)c))
			c = ' ';
		buf_putc(&b, c);
	}
	return buf_take(&b);
}

/* aligned - from_domain equals d or lies under it (relaxed alignment) */
static int aligned(const char *from_domain, const char *d)
{
	size_t fl = strlen(from_domain), dl = strlen(d);

	if (dl == 0)
		return 0;
	if (fl == dl)
		return strcasecmp(from_domain, d) == 0;
	return fl > dl && from_domain[fl - dl - 1] == '.' && strcasecmp(from_domain + fl - dl, d) == 0;
}

/* prop_value - the value of "name=" in a resinfo, copied into out */
static int prop_value(const char *resinfo, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name), i = 0;
	const char *p = resinfo;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == resinfo || p[-1] == ' ') && p[nl] == '=') {
			const char *v = p + nl + 1;
			const char *at = NULL;
			for (i = 0; v[i] && v[i] != ' ' && v[i] != ';' && i + 1 < outlen; i++)
				out[i] = v[i];
			out[i] = '\0';
			at = strrchr(out, '@');	/* header.i=@example.org or user@... */
			if (at)
				memmove(out, at + 1, strlen(at + 1) + 1);
			return i > 0;
		}
		p += nl;
	}
	return 0;
}

/* resinfo_passes - "dmarc=pass header.from=D" or "dkim=pass header.d=D" */
static int resinfo_passes(const char *r, const char *from_domain)
{
	char d[256];

	while (*r == ' ')
		r++;
	if (strncasecmp(r, "dmarc=pass", 10) == 0 && (r[10] == ' ' || r[10] == '\0')) {
		if (!prop_value(r, "header.from", d, sizeof(d)))
			return 0;
		return strcasecmp(d, from_domain) == 0;
	}
	if (strncasecmp(r, "dkim=pass", 9) == 0 && (r[9] == ' ' || r[9] == '\0')) {
		if (!prop_value(r, "header.d", d, sizeof(d)) && !prop_value(r, "header.i", d, sizeof(d)))
			return 0;
		return aligned(from_domain, d);
	}
	return 0;
}

/* one_header - does this header value pass, from a trusted authserv-id? */
static int one_header(const char *value, const struct strlist *trusted, const char *from_domain)
{
	char *s = strip_comments(value), *semi, *id, *sp, *r, *next;
	int pass = 0;

	semi = strchr(s, ';');
	if (semi == NULL)
		goto done;
	*semi = '\0';
	id = s;
	while (*id == ' ')
		id++;
	if ((sp = strchr(id, ' ')) != NULL)
		*sp = '\0';	/* drop an optional version number */
	if (!strlist_contains(trusted, id)) {
		size_t i;
		for (i = 0; i < trusted->n && strcasecmp(trusted->v[i], id) != 0; i++)
			;
		if (i == trusted->n)
			goto done;
	}
	for (r = semi + 1; r && !pass; r = next) {
		next = strchr(r, ';');
		if (next)
			*next++ = '\0';
		pass = resinfo_passes(r, from_domain);
	}
done:
	free(s);
	return pass;
}

int authres_from_verified(const char *const *values, size_t n,
			  const struct strlist *trusted, const char *from_domain)
{
	size_t i;

	if (trusted == NULL || trusted->n == 0 || from_domain == NULL || *from_domain == '\0')
		return 0;
	for (i = 0; i < n; i++)
		if (values[i] && one_header(values[i], trusted, from_domain))
			return 1;
	return 0;
}
