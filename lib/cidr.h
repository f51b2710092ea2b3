/*
 * cidr.h - IPv4/IPv6 networks for InternalHosts: parse and test membership.
 */
#ifndef RM_CIDR_H
#define RM_CIDR_H

#include <stddef.h>

/* one network: address family, network bytes and prefix length */
struct cidr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix;
};

/* cidr_parse - "addr" or "addr/prefix" (IPv4 or IPv6); 0 or -1 */
int cidr_parse(const char *text, struct cidr *out);
/* cidr_list_contains - 1 when the textual address is in one of nets, else 0 */
int cidr_list_contains(const struct cidr *nets, size_t n, const char *addr);

#endif
