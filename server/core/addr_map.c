/* addr_map.c - open-addressing map from transport address to a pair of
 * pointers (see addr_map.h): linear probing, power-of-two capacity, at most
 * half full, backward-shift deletion. */
#include "core/addr_map.h"

#include <glib.h>
#include <string.h>

#include "core/error.h"

#define MIN_CAPACITY 64

typedef struct {
  sb_stun_addr addr;
  bool used;
  uint32_t hash;
  sb_addr_map_value value;
} entry;

struct sb_addr_map {
  entry *slots;
  size_t capacity; /* power of two */
  size_t size;
};

sb_addr_map *sb_addr_map_new(void) {
  sb_addr_map *m = g_new0(sb_addr_map, 1);
  m->capacity = MIN_CAPACITY;
  m->slots = g_new0(entry, m->capacity);
  return m;
}

void sb_addr_map_free(sb_addr_map *m) {
  if (!m) return;
  g_free(m->slots);
  g_free(m);
}

uint32_t sb_addr_map_hash(const sb_stun_addr *a) {
  /* FNV-1a over what identifies the address, then a final mix so that
   * nearby ports land in different lines. */
  uint32_t h = 2166136261u ^ a->family;
  h = (h ^ (a->port & 0xff)) * 16777619u;
  h = (h ^ (a->port >> 8)) * 16777619u;
  size_t n = a->family == 6 ? 16 : 4;
  for (size_t i = 0; i < n; i++)
    h = (h ^ a->ip[i]) * 16777619u;
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  return h;
}

static inline bool same(const entry *e, const sb_stun_addr *a, uint32_t hash) {
  return e->hash == hash && sb_stun_addr_equal(&e->addr, a);
}

const sb_addr_map_value *sb_addr_map_get_hashed(const sb_addr_map *m, const sb_stun_addr *a,
                                                uint32_t hash) {
  size_t mask = m->capacity - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const entry *e = &m->slots[i];
    if (!e->used) return NULL;
    if (same(e, a, hash)) return &e->value;
  }
}

const sb_addr_map_value *sb_addr_map_get(const sb_addr_map *m, const sb_stun_addr *a) {
  return sb_addr_map_get_hashed(m, a, sb_addr_map_hash(a));
}

void sb_addr_map_prefetch(const sb_addr_map *m, uint32_t hash) {
  __builtin_prefetch(&m->slots[hash & (m->capacity - 1)]);
}

/* Places an entry known to be absent. */
static void place(entry *slots, size_t capacity, const entry *src) {
  size_t mask = capacity - 1;
  size_t i = src->hash & mask;
  while (slots[i].used)
    i = (i + 1) & mask;
  slots[i] = *src;
}

static int grow(sb_addr_map *m) {
  size_t cap = m->capacity * 2;
  entry *slots = g_try_new0(entry, cap);
  if (!slots) return SB_ENOMEM;
  for (size_t i = 0; i < m->capacity; i++)
    if (m->slots[i].used) place(slots, cap, &m->slots[i]);
  g_free(m->slots);
  m->slots = slots;
  m->capacity = cap;
  return SB_OK;
}

int sb_addr_map_put(sb_addr_map *m, const sb_stun_addr *a, sb_addr_map_value value) {
  uint32_t hash = sb_addr_map_hash(a);
  size_t mask = m->capacity - 1;
  for (size_t i = hash & mask; m->slots[i].used; i = (i + 1) & mask) {
    if (same(&m->slots[i], a, hash)) {
      m->slots[i].value = value;
      return SB_OK;
    }
  }
  if ((m->size + 1) * 2 > m->capacity && grow(m) < 0) return SB_ENOMEM;
  entry e = {.used = true, .hash = hash, .value = value};
  /* Only the bytes that identify the address, so equal addresses compare
   * equal whatever the caller left in the rest. */
  e.addr.family = a->family;
  e.addr.port = a->port;
  memcpy(e.addr.ip, a->ip, a->family == 6 ? 16 : 4);
  place(m->slots, m->capacity, &e);
  m->size++;
  return SB_OK;
}

bool sb_addr_map_remove(sb_addr_map *m, const sb_stun_addr *a) {
  uint32_t hash = sb_addr_map_hash(a);
  size_t mask = m->capacity - 1;
  size_t i = hash & mask;
  while (true) {
    if (!m->slots[i].used) return false;
    if (same(&m->slots[i], a, hash)) break;
    i = (i + 1) & mask;
  }
  /* Backward shift: move each following entry of the run into the hole if
   * its home slot is not between the hole and where it sits. */
  size_t hole = i;
  for (size_t j = (i + 1) & mask; m->slots[j].used; j = (j + 1) & mask) {
    size_t home = m->slots[j].hash & mask;
    bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
    if (movable) {
      m->slots[hole] = m->slots[j];
      hole = j;
    }
  }
  memset(&m->slots[hole], 0, sizeof m->slots[hole]);
  m->size--;
  return true;
}

size_t sb_addr_map_size(const sb_addr_map *m) { return m->size; }
