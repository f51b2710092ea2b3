/*
 * selector.c - classify, normalise and format selectors (see selector.h).
 *
 * The same normalisation as for mail applies, so a stored selector's key can
 * be compared byte for byte with a normalised sender.
 */
#include "selector.h"
#include "buf.h"
#include "pattern.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = { "exact", "domain", "subdomains", "regex" };

const char *selector_kind_name(enum selector_kind k)
{
	return (unsigned)k < 4 ? kind_names[k] : "?";
}

/* parse_regex - "/pattern/" : compile to check, keep the pattern text */
static int parse_regex(const char *text, size_t len, struct selector *out, char *err, size_t errlen)
{
	char *pat = xstrndup(text + 1, len - 2);
	pcre2_code *code;

	if (pat[0] == '\0') {
		snprintf(err, errlen, "empty PCRE2 pattern in selector \"%s\"", text);
		free(pat);
		return -1;
	}
	code = pattern_compile(pat, err, errlen);
	if (code == NULL) {
		free(pat);
		return -1;
	}
	pcre2_code_free(code);
	out->kind = SEL_REGEX;
	out->key = pat;
	return 0;
}

/* parse_domain - "@example.org" or "@.example.org" */
static int parse_domain(const char *text, struct selector *out, char *err, size_t errlen)
{
	int sub = text[1] == '.';
	const char *dom = text + 1 + sub;
	enum addr_result r;

	r = addr_normalise_domain(dom, &out->key);
	if (r != ADDR_OK) {
		snprintf(err, errlen, "bad selector \"%.200s\": domain %s", text, addr_result_str(r));
		return -1;
	}
	out->kind = sub ? SEL_SUBDOMAINS : SEL_DOMAIN;
	return 0;
}

int selector_parse(const char *text, const struct addr_opts *opts,
		   struct selector *out, char *err, size_t errlen)
{
	size_t len = strlen(text);
	enum addr_result r;

	memset(out, 0, sizeof(*out));
	if (len >= 2 && text[0] == '/' && text[len - 1] == '/')
		return parse_regex(text, len, out, err, errlen);
	if (text[0] == '@')
		return parse_domain(text, out, err, errlen);
	r = addr_normalise(text, opts, &out->key);
	if (r == ADDR_NULL) {
		snprintf(err, errlen, "bad selector \"%.200s\": the null sender matches nothing", text);
		return -1;
	}
	if (r != ADDR_OK) {
		snprintf(err, errlen, "bad selector \"%.200s\": %s", text, addr_result_str(r));
		return -1;
	}
	out->kind = SEL_EXACT;
	return 0;
}

void selector_clear(struct selector *s)
{
	free(s->key);
	s->key = NULL;
}

char *selector_format(const struct selector *s)
{
	struct buf b;

	buf_init(&b);
	switch (s->kind) {
	case SEL_EXACT:
		buf_puts(&b, s->key);
		break;
	case SEL_DOMAIN:
		buf_printf(&b, "@%s", s->key);
		break;
	case SEL_SUBDOMAINS:
		buf_printf(&b, "@.%s", s->key);
		break;
	case SEL_REGEX:
		buf_printf(&b, "/%s/", s->key);
		break;
	}
	return buf_take(&b);
}

/* domain_under - is dom equal to base or a subdomain of it? */
static int domain_under(const char *dom, const char *base)
{
	size_t dl = strlen(dom), bl = strlen(base);

	if (dl == bl)
		return strcmp(dom, base) == 0;
	return dl > bl && dom[dl - bl - 1] == '.' && strcmp(dom + dl - bl, base) == 0;
}

int selector_matches(const struct selector *s, const char *normalised)
{
	const char *dom = addr_domain(normalised);
	pcre2_code *code;
	pcre2_match_data *md;
	char err[256];
	int rc;

	switch (s->kind) {
	case SEL_EXACT:
		return strcmp(s->key, normalised) == 0;
	case SEL_DOMAIN:
		return strcmp(s->key, dom) == 0;
	case SEL_SUBDOMAINS:
		return domain_under(dom, s->key);
	case SEL_REGEX:
		code = pattern_compile(s->key, err, sizeof(err));
		if (code == NULL)
			return -1;
		md = pattern_match_data_new();
		rc = pattern_match(code, md, normalised);
		pcre2_match_data_free(md);
		pcre2_code_free(code);
		return rc;
	}
	return 0;
}
