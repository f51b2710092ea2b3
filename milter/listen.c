/*
 * listen.c - opening the milter socket (listen.h).
 *
 * libmilter creates the socket with the process umask and keeps the
 * descriptor to itself. So the umask is set from SocketMode around
 * smfi_opensocket, the file is then chmod'ed and chown'ed to SocketGroup,
 * and for TCP the listening descriptor is found by scanning our open
 * descriptors for the one listening socket (SO_ACCEPTCONN) of the right
 * family: TCP_NODELAY set there is inherited by every accepted connection
 * on Linux, which spares the MTA a delayed-ACK wait per modification at
 * end of message. libmilter has no getter and accepts in its own loop, so
 * this is the one place the option can be set.
 */
#include "listen.h"
#include "log.h"

#include <errno.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_FD_SCAN 1024

const char *listen_unix_path(const char *spec)
{
	if (strncasecmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncasecmp(spec, "local:", 6) == 0)
		return spec + 6;
	if (spec[0] == '/')
		return spec;
	return NULL;
}

/* find_listener - our one listening socket of this family; -1 when none */
static int find_listener(int family)
{
	int fd, found = -1;

	for (fd = 0; fd < LISTEN_FD_SCAN; fd++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int on = 0;
		socklen_t ol = sizeof(on);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &ol) != 0 || !on)
			continue;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == family)
			found = fd;
	}
	return found;
}

/* unix_perms - chmod to mode and chgrp to group */
static int unix_perms(const char *path, int mode, const char *group, char *err, size_t errlen)
{
	struct group *gr = NULL;

	if (group && *group && (gr = getgrnam(group)) == NULL) {
		snprintf(err, errlen, "SocketGroup %s: no such group", group);
		return -1;
	}
	if (chmod(path, (mode_t)mode) != 0) {
		snprintf(err, errlen, "%s: chmod %04o: %s", path, mode, strerror(errno));
		return -1;
	}
	if (gr && chown(path, (uid_t)-1, gr->gr_gid) != 0) {
		snprintf(err, errlen, "%s: chgrp %s: %s", path, group, strerror(errno));
		return -1;
	}
	return 0;
}

int listen_open(const char *spec, int mode, const char *group, char *err, size_t errlen)
{
	const char *path = listen_unix_path(spec);
	mode_t old;
	int rc, fd, on = 1;

	if (smfi_setconn((char *)spec) != MI_SUCCESS) {
		snprintf(err, errlen, "Socket %s: not a milter socket", spec);
		return -1;
	}
	old = umask((mode_t)(0777 & ~mode));
	rc = smfi_opensocket(1);
	umask(old);
	if (rc != MI_SUCCESS) {
		snprintf(err, errlen, "Socket %s: cannot listen (in use, or the directory is missing?)",
			 spec);
		return -1;
	}
	if (path) {
		if (unix_perms(path, mode, group, err, errlen) != 0)
			return -1;
		fd = find_listener(AF_UNIX);
		return fd >= 0 ? fd : -2;
	}
	fd = find_listener(strncasecmp(spec, "inet6:", 6) == 0 ? AF_INET6 : AF_INET);
	if (fd < 0) {
		log_warn("Socket %s: listening descriptor not found: TCP_NODELAY not set", spec);
		return -2;
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0)
		log_warn("Socket %s: TCP_NODELAY: %s", spec, strerror(errno));
	return fd;
}
