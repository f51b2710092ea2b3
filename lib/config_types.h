/*
 * config_types.h - private to config.c and config_types.c: a key table row
 * (struct cfg_key), a value type (struct cfg_type) and the types themselves.
 */
#ifndef RM_CONFIG_TYPES_H
#define RM_CONFIG_TYPES_H

#include "config.h"
#include "buf.h"

#include <stddef.h>


struct cfg_key;

/* a value type: how to parse into the field and how to release it */
struct cfg_type {
	int (*set)(struct config *cfg, const struct cfg_key *key,
	    const char *value, struct buf *problem);
	void (*release)(struct config *cfg, const struct cfg_key *key);	/* may be NULL */
	int empty_ok;			/* "Key" alone means an empty value */
	int (*byte_ok)(int c);		/* strings: which bytes may appear */
	int (*lookup)(const char *);	/* names: text to value, -1 unknown */
	const char *bad;		/* the problem when a byte or name is refused */
	size_t max;			/* strings: longest value in octets, 0 = any */
};

/* one configuration key */
struct cfg_key {
	const char *name;
	const struct cfg_type *type;
	size_t offset;			/* into struct config */
	const char *def;		/* default, parsed like the file; NULL = none */
	const char *const *words;	/* enumerations: word i stores value i */
};

#define FIELD(cfg, key, type) ((type *)(void *)((char *)(cfg) + (key)->offset))

extern const struct cfg_type T_STRING, T_SEPARATOR, T_HEADER, T_TEXT, T_LIST, T_HOSTS,
	T_POSINT, T_MODE, T_PERIOD, T_BOOL, T_ENUM, T_FACILITY, T_LEVEL;

/* cfg_echo - append text for a diagnostic, shortened, controls as '?' */
void cfg_echo(struct buf *b, const char *text, const char *quote);
/* cfg_has_control - 1 when s holds a control byte */
int cfg_has_control(const char *s);

#endif
