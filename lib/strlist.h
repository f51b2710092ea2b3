/*
 * strlist.h - a growable list of owned strings.
 *
 * Config lists, parsed address lists and recipient sets are all strlists;
 * the list owns every string it holds.
 */
#ifndef RM_STRLIST_H
#define RM_STRLIST_H

#include <stddef.h>

struct strlist {
	char **v;
	size_t n;
	size_t cap;
};

#define STRLIST_INIT { NULL, 0, 0 }

void strlist_init(struct strlist *l);
void strlist_free(struct strlist *l);		/* frees the strings, not l */
void strlist_clear(struct strlist *l);		/* frees the strings, keeps the array */
void strlist_add(struct strlist *l, const char *s);	/* copies s */
void strlist_take(struct strlist *l, char *s);	/* takes ownership of s */
void strlist_copy(struct strlist *dst, const struct strlist *src);
/* strlist_contains - exact byte comparison; returns index+1 or 0 */
size_t strlist_contains(const struct strlist *l, const char *s);
/* strlist_add_unique - add a copy of s unless already present */
void strlist_add_unique(struct strlist *l, const char *s);
/* strlist_join - a new string of all items separated by sep */
char *strlist_join(const struct strlist *l, const char *sep);

#endif
