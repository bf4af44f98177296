/* rtx_buffer.c - retransmission buffer: a ring of preallocated packet slots
 * indexed by extended sequence number (see rtx_buffer.h). */
#include "core/rtx_buffer.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "core/error.h"
#include "core/seq.h"

typedef struct {
  uint64_t ext; /* extended sequence number held */
  int64_t stored_us;
  size_t len;
  bool used;
} rtx_slot;

struct sb_rtx_buffer {
  size_t cap; /* power of two */
  size_t slot_size;
  int64_t max_age_us;
  bool any;         /* something was stored since creation / clear */
  uint64_t highest; /* highest extended seq stored */
  int64_t last_put_us;
  rtx_slot *slots;
  uint8_t *mem; /* cap * slot_size bytes */
};

int sb_rtx_buffer_new(size_t capacity, size_t slot_size, int64_t max_age_us, sb_rtx_buffer **out) {
  if (capacity == 0 || capacity > SB_RTX_BUFFER_MAX_CAPACITY || slot_size == 0 || max_age_us < 0)
    return SB_EINVAL;
  size_t cap = 1;
  while (cap < capacity)
    cap <<= 1;
  if (slot_size > SIZE_MAX / cap) return SB_EINVAL;
  sb_rtx_buffer *b = g_try_new0(sb_rtx_buffer, 1);
  if (!b) return SB_ENOMEM;
  b->slots = g_try_new0(rtx_slot, cap);
  b->mem = g_try_malloc(cap * slot_size);
  if (!b->slots || !b->mem) {
    g_free(b->slots);
    g_free(b->mem);
    g_free(b);
    return SB_ENOMEM;
  }
  b->cap = cap;
  b->slot_size = slot_size;
  b->max_age_us = max_age_us;
  *out = b;
  return SB_OK;
}

void sb_rtx_buffer_free(sb_rtx_buffer *b) {
  if (!b) return;
  g_free(b->slots);
  g_free(b->mem);
  g_free(b);
}

size_t sb_rtx_buffer_capacity(const sb_rtx_buffer *b) { return b->cap; }

void sb_rtx_buffer_clear(sb_rtx_buffer *b) {
  for (size_t i = 0; i < b->cap; i++)
    b->slots[i].used = false;
  b->any = false;
  b->highest = 0;
}

/* True when something stored at `then` is too old at `now`. A clock that
 * went backwards ages nothing. */
static bool expired(const sb_rtx_buffer *b, int64_t then, int64_t now) {
  return now > then && (uint64_t)now - (uint64_t)then > (uint64_t)b->max_age_us;
}

/* True when ext is one of the newest cap sequence numbers. */
static bool in_window(const sb_rtx_buffer *b, uint64_t ext) {
  return ext <= b->highest && b->highest - ext < b->cap;
}

/* Starts the window over at seq. Extended numbers start in cycle 1 so that
 * packets just before the first one extend without going below zero. */
static void restart_at(sb_rtx_buffer *b, uint16_t seq) {
  sb_rtx_buffer_clear(b);
  b->any = true;
  b->highest = 0x10000u + seq;
}

int sb_rtx_buffer_put(sb_rtx_buffer *b, uint16_t seq, const uint8_t *pkt, size_t len,
                      int64_t now_us) {
  if (!pkt || len == 0) return SB_EINVAL;
  if (len > b->slot_size) return SB_ETOOBIG;
  uint64_t ext;
  if (!b->any) {
    restart_at(b, seq);
    ext = b->highest;
  } else {
    ext = sb_seq_extend(b->highest, seq);
    if (ext > b->highest) {
      b->highest = ext; /* slots left behind fail in_window() from now on */
    } else if (!in_window(b, ext)) {
      if (!expired(b, b->last_put_us, now_us)) return SB_ESTATE;
      restart_at(b, seq);
      ext = b->highest;
    }
  }
  size_t i = (size_t)(ext & (b->cap - 1));
  rtx_slot *s = &b->slots[i];
  memcpy(b->mem + i * b->slot_size, pkt, len);
  s->ext = ext;
  s->stored_us = now_us;
  s->len = len;
  s->used = true;
  b->last_put_us = now_us;
  return SB_OK;
}

int sb_rtx_buffer_get(sb_rtx_buffer *b, uint16_t seq, int64_t now_us, const uint8_t **pkt,
                      size_t *len) {
  if (!b->any) return SB_ENOTFOUND;
  uint64_t ext = sb_seq_extend(b->highest, seq);
  if (!in_window(b, ext)) return SB_ENOTFOUND;
  size_t i = (size_t)(ext & (b->cap - 1));
  rtx_slot *s = &b->slots[i];
  if (!s->used || s->ext != ext) return SB_ENOTFOUND;
  if (expired(b, s->stored_us, now_us)) {
    s->used = false;
    return SB_ENOTFOUND;
  }
  *pkt = b->mem + i * b->slot_size;
  *len = s->len;
  return SB_OK;
}

size_t sb_rtx_buffer_count(const sb_rtx_buffer *b, int64_t now_us) {
  size_t n = 0;
  if (!b->any) return 0;
  for (size_t i = 0; i < b->cap; i++) {
    const rtx_slot *s = &b->slots[i];
    if (s->used && in_window(b, s->ext) && !expired(b, s->stored_us, now_us)) n++;
  }
  return n;
}
