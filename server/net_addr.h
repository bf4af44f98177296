/* net_addr.h - what the ICE code on our own sockets shares: transport
 * addresses between the socket API and sb_stun_addr (the sans-IO core's
 * form), and random ICE credentials from the kernel's generator. Used by the
 * server's UDP mux and ICE-lite agent and by the load generator's ICE
 * client. */
#ifndef SB_NET_ADDR_H
#define SB_NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/stun.h"

/* The address of a received datagram. false for a family other than IPv4
 * or IPv6 (then `a` is zeroed). */
bool sb_net_addr_from_sockaddr(const struct sockaddr_storage *ss, sb_stun_addr *a);
/* The socket form of `a`; returns its length, 0 when `a` is neither IPv4
 * nor IPv6. */
socklen_t sb_net_addr_to_sockaddr(const sb_stun_addr *a, struct sockaddr_storage *ss);
/* Parses an IPv4 or IPv6 literal (port 0). false when it is neither. */
bool sb_net_addr_parse(const char *text, sb_stun_addr *a);

/* n bytes from getrandom() (GLib's generator if that fails): transaction
 * ids, tie-breakers. */
void sb_net_random_bytes(void *out, size_t n);

/* n random ice-chars (RFC 8839: ALPHA / DIGIT / "+" / "/"), NUL-terminated
 * in out (n + 1 bytes), from getrandom(); n at most 64. For ICE ufrags and
 * passwords: a password of 24 carries 144 bits. */
void sb_net_random_ice_chars(char *out, size_t n);

#endif
