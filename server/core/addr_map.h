/* addr_map.h - transport address -> (handler, user) map for the packet
 * path's demultiplexer (udp_mux.c): open addressing with linear probing in
 * one array of entries that hold the address, its hash and the two value
 * pointers inline, so a lookup usually touches one cache line (a GHashTable
 * touched five: hashes, keys, the key, values, the value).
 *
 * The table doubles when more than half full and deletes by shifting the
 * following entries back (no tombstones), so lookups stay short however
 * many addresses come and go. sb_addr_map_prefetch() lets a caller that
 * has a batch of datagrams ask for the entries' lines before it needs them.
 * No I/O, no locks. */
#ifndef SB_CORE_ADDR_MAP_H
#define SB_CORE_ADDR_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stun.h"

typedef struct {
  const void *handler;
  void *user;
} sb_addr_map_value;

typedef struct sb_addr_map sb_addr_map;

sb_addr_map *sb_addr_map_new(void);
void sb_addr_map_free(sb_addr_map *m); /* NULL is fine */

/* The hash lookups use; compute it once per datagram and pass it to the
 * _hashed calls. */
uint32_t sb_addr_map_hash(const sb_stun_addr *a);

/* The value for `a`, or NULL. */
const sb_addr_map_value *sb_addr_map_get(const sb_addr_map *m, const sb_stun_addr *a);
const sb_addr_map_value *sb_addr_map_get_hashed(const sb_addr_map *m, const sb_stun_addr *a,
                                                uint32_t hash);
/* Asks the CPU for the line where the lookup of `hash` starts. */
void sb_addr_map_prefetch(const sb_addr_map *m, uint32_t hash);

/* Sets `a`'s value, replacing any. SB_ENOMEM when the table cannot grow
 * (then nothing changed). */
int sb_addr_map_put(sb_addr_map *m, const sb_stun_addr *a, sb_addr_map_value value);
/* Removes `a`; true if it was there. */
bool sb_addr_map_remove(sb_addr_map *m, const sb_stun_addr *a);

size_t sb_addr_map_size(const sb_addr_map *m);

#endif
