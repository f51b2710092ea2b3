/*
 * listen.h - the socket the MTA connects to, opened through libmilter
 * with the mode, group and TCP options libmilter cannot set itself.
 */
#ifndef RM_LISTEN_H
#define RM_LISTEN_H

#include <stddef.h>

/*
 * listen_open - smfi_setconn + smfi_opensocket(remove a stale socket). A
 * unix socket gets mode and group; a TCP one TCP_NODELAY. Returns the
 * listening descriptor (or -2 when it cannot be identified, which only
 * costs a slower stop), or -1 with err.
 */
int listen_open(const char *spec, int mode, const char *group, char *err, size_t errlen);
/* listen_unix_path - the path of a unix: / local: / bare-path spec, else NULL */
const char *listen_unix_path(const char *spec);

#endif
