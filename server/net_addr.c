/* net_addr.c - transport addresses between the socket API and sb_stun_addr,
 * and random ICE credentials. See net_addr.h. */
#include "net_addr.h"

#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/random.h>

bool sb_net_addr_from_sockaddr(const struct sockaddr_storage *ss, sb_stun_addr *a) {
  memset(a, 0, sizeof *a);
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
    a->family = 4;
    a->port = ntohs(in->sin_port);
    memcpy(a->ip, &in->sin_addr, 4);
    return true;
  }
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
    a->family = 6;
    a->port = ntohs(in6->sin6_port);
    memcpy(a->ip, &in6->sin6_addr, 16);
    return true;
  }
  return false;
}

socklen_t sb_net_addr_to_sockaddr(const sb_stun_addr *a, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof(struct sockaddr_in6));
  if (a->family == 4) {
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    in->sin_family = AF_INET;
    in->sin_port = htons(a->port);
    memcpy(&in->sin_addr, a->ip, 4);
    return sizeof *in;
  }
  if (a->family == 6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(a->port);
    memcpy(&in6->sin6_addr, a->ip, 16);
    return sizeof *in6;
  }
  return 0;
}

bool sb_net_addr_parse(const char *text, sb_stun_addr *a) {
  memset(a, 0, sizeof *a);
  if (text && inet_pton(AF_INET, text, a->ip) == 1) {
    a->family = 4;
    return true;
  }
  if (text && inet_pton(AF_INET6, text, a->ip) == 1) {
    a->family = 6;
    return true;
  }
  memset(a, 0, sizeof *a);
  return false;
}

void sb_net_random_bytes(void *out, size_t n) {
  if (getrandom(out, n, 0) == (ssize_t)n) return;
  uint8_t *b = out;
  for (size_t i = 0; i < n; i++)
    b[i] = (uint8_t)g_random_int();
}

void sb_net_random_ice_chars(char *out, size_t n) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint8_t bytes[64];
  g_assert(n <= sizeof bytes);
  sb_net_random_bytes(bytes, n);
  for (size_t i = 0; i < n; i++)
    out[i] = alphabet[bytes[i] & 63];
  out[n] = 0;
}
