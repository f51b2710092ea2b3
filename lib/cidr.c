/*
 * cidr.c - IPv4 and IPv6 networks: parsing "addr[/prefix]" and testing
 * whether a client address lies in a list of them (InternalHosts).
 *
 * Accepts Sendmail's "IPv6:" prefix on client addresses, and checks an
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) against the IPv4 networks.
 */
#include "cidr.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* cidr_parse - "addr" or "addr/prefix" (IPv4 or IPv6); 0 or -1 */
int cidr_parse(const char *text, struct cidr *out)
{
	char *host = xstrdup(text), *slash = strchr(host, '/'), *end;
	long prefix;
	int ok = 0;

	memset(out, 0, sizeof(*out));
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, host, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, host, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else
		goto done;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			goto done;
		errno = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (errno || *end != '\0' || prefix > out->prefix)
			goto done;
		out->prefix = (int)prefix;
	}
	ok = 1;
done:
	free(host);
	return ok ? 0 : -1;
}

/* cidr_contains - do the first net->prefix bits of addr equal net's? */
static int cidr_contains(const struct cidr *net, const unsigned char *addr)
{
	int full = net->prefix / 8, rest = net->prefix % 8;
	unsigned char mask;

	if (memcmp(net->addr, addr, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (addr[full] & mask);
}

/* cidr_list_contains - is the textual address in any of nets? */
int cidr_list_contains(const struct cidr *nets, size_t n, const char *addr)
{
	static const unsigned char v4mapped[12] =
	    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned char bytes[16];
	int family;
	size_t i;

	if (addr == NULL)
		return 0;
	if (strncasecmp(addr, "IPv6:", 5) == 0)
		addr += 5;
	if (inet_pton(AF_INET, addr, bytes) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, addr, bytes) == 1)
		family = AF_INET6;
	else
		return 0;
	for (i = 0; i < n; i++) {
		const struct cidr *net = &nets[i];
		if (net->family == family && cidr_contains(net, bytes))
			return 1;
		if (net->family == AF_INET && family == AF_INET6
		    && memcmp(bytes, v4mapped, sizeof(v4mapped)) == 0
		    && cidr_contains(net, bytes + 12))
			return 1;
	}
	return 0;
}
