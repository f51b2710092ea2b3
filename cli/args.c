/*
 * args.c - one option parser for every restrictctl command: getopt_long
 * over a small per-command table, options allowed after positionals.
 *
 * Unknown options, missing values and repeats of a single-valued option
 * are refused with one line; the caller maps that to exit status 2.
 * -c FILE and -d DB are accepted by every command.
 */
#include "cli.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARG_BASE 256		/* getopt values for long options: ARG_BASE + index */
#define OPTSTRING_MAX 64

/*
 * build_longopts - struct option[] for spec (new array); one-letter names
 * become short options, appended to optstring (OPTSTRING_MAX bytes)
 */
static struct option *build_longopts(const struct arg_spec *spec, size_t *nspec,
				     char *optstring)
{
	struct option *lo;
	size_t i, n = 0, k = 0;

	while (spec[n].name)
		n++;
	lo = xcalloc(n + 1, sizeof(*lo));
	strcpy(optstring, ":c:d:");
	for (i = 0; i < n; i++) {
		if (spec[i].name[1] == '\0') {
			size_t len = strlen(optstring);

			if (len + 3 > OPTSTRING_MAX)
				abort();	/* a bug: too many one-letter options */
			optstring[len] = spec[i].name[0];
			strcpy(optstring + len + 1, spec[i].kind == ARG_FLAG ? "" : ":");
			continue;
		}
		lo[k].name = spec[i].name;
		lo[k].has_arg = spec[i].kind == ARG_FLAG ? no_argument : required_argument;
		lo[k].flag = NULL;
		lo[k].val = ARG_BASE + (int)i;
		k++;
	}
	*nspec = n;
	return lo;
}

/* short_index - the spec entry for a one-letter option; -1 when none */
static int short_index(const struct arg_spec *spec, size_t nspec, int ch)
{
	size_t i;

	for (i = 0; i < nspec; i++)
		if (spec[i].name[0] == ch && spec[i].name[1] == '\0')
			return (int)i;
	return -1;
}

/* record - store one option; refuses a repeated single-valued one */
static int record(struct args *a, const struct arg_spec *s, const char *value,
		  char *err, size_t errlen)
{
	if (s->kind != ARG_MULTI && args_get(a, s->name) != NULL) {
		snprintf(err, errlen, "option --%s given more than once", s->name);
		return -1;
	}
	if (s->kind == ARG_FLAG && args_flag(a, s->name)) {
		snprintf(err, errlen, "option --%s given more than once", s->name);
		return -1;
	}
	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	a->v[a->n].name = s->name;
	a->v[a->n].value = value;
	a->n++;
	return 0;
}

/* bad_option - describe what getopt refused */
static void bad_option(int ch, char **argv, int optind_now, char *err, size_t errlen)
{
	const char *arg = optind_now > 0 ? argv[optind_now - 1] : "?";

	if (ch == ':') {
		if (optopt && optopt < ARG_BASE)
			snprintf(err, errlen, "option -%c needs a value", optopt);
		else
			snprintf(err, errlen, "option %.100s needs a value", arg);
	} else if (optopt && optopt < ARG_BASE) {
		snprintf(err, errlen, "unknown option -%c", optopt);
	} else {
		snprintf(err, errlen, "unknown option %.100s", arg);
	}
}

int args_parse(struct cli *c, const struct arg_spec *spec, int argc, char **argv,
	       struct args *a, char *err, size_t errlen)
{
	size_t nspec;
	char optstring[OPTSTRING_MAX];
	struct option *lo = build_longopts(spec, &nspec, optstring);
	int ch, k, rc = 0;

	memset(a, 0, sizeof(*a));
	optind = 0;		/* GNU: re-initialise for this argv */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, optstring, lo, NULL)) != -1) {
		if (ch == 'c') {
			c->config_path = optarg;
		} else if (ch == 'd') {
			c->db_path = optarg;
		} else if (ch < ARG_BASE && ch != ':' && ch != '?'
			   && (k = short_index(spec, nspec, ch)) >= 0) {
			if (record(a, &spec[k], optarg, err, errlen) != 0) {
				rc = -1;
				break;
			}
		} else if (ch >= ARG_BASE && (size_t)(ch - ARG_BASE) < nspec) {
			if (record(a, &spec[ch - ARG_BASE], optarg, err, errlen) != 0) {
				rc = -1;
				break;
			}
		} else {
			bad_option(ch, argv, optind, err, errlen);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && optind < argc) {
		a->npos = (size_t)(argc - optind);
		a->pos = xcalloc(a->npos, sizeof(*a->pos));
		memcpy(a->pos, argv + optind, a->npos * sizeof(*a->pos));
	}
	free(lo);
	if (rc != 0)
		args_free(a);
	return rc;
}

void args_free(struct args *a)
{
	free(a->v);
	free(a->pos);
	memset(a, 0, sizeof(*a));
}

const char *args_get(const struct args *a, const char *name)
{
	size_t i;

	for (i = a->n; i > 0; i--)
		if (strcmp(a->v[i - 1].name, name) == 0 && a->v[i - 1].value)
			return a->v[i - 1].value;
	return NULL;
}

int args_flag(const struct args *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return 1;
	return 0;
}

int args_id(const char *text, long long *id)
{
	char *end;
	long long v;

	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end != '\0' || v <= 0)
		return -1;
	*id = v;
	return 0;
}
