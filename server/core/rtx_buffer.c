/* rtx_buffer.c - retransmission buffer: an index ring of capacity entries by
 * extended sequence number over a growable byte ring of packet records (see
 * rtx_buffer.h).
 *
 * Byte ring: records are [slot (u16) | len (u16) | packet | pad to 4] and
 * never straddle the end. Unwrapped, the records are [tail, head); when a
 * record does not fit after head but fits before tail, the rest of the ring
 * is skipped (wrap_end remembers where the data stops) and records go on at
 * 0, so they are [tail, wrap_end) then [0, head). An index entry owns the
 * record at its offset; a record whose entry points elsewhere (or is unused,
 * out of the window, aged out) is dead and only waits to be dropped from the
 * tail or left behind when the ring grows. */
#include "core/rtx_buffer.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "core/seq.h"

#define REC_HDR       4
#define INITIAL_MIN   256
#define INITIAL_MAX   16384
#define RING_DIVISION 8 /* the ring starts at max_bytes / 8 (clamped) */

typedef struct {
  uint64_t ext; /* extended sequence number held */
  int64_t stored_us;
  int64_t resent_us; /* last sb_rtx_buffer_get_resend(), when resent */
  uint32_t off;      /* its record in the byte ring */
  uint16_t len;      /* packet length */
  bool used;
  bool resent;
} rtx_slot;

G_STATIC_ASSERT(sizeof(rtx_slot) == 32); /* as rtx_buffer.h says */
G_STATIC_ASSERT(SB_RTX_BUFFER_MAX_CAPACITY <= 0xffff + 1);
G_STATIC_ASSERT(SB_RTX_BUFFER_MAX_PACKET <= 0xffff);

struct sb_rtx_buffer {
  size_t cap; /* power of two */
  size_t max_bytes;
  size_t max_packet;
  size_t initial_bytes;
  int64_t max_age_us;
  bool any;         /* something was stored since creation / clear */
  uint64_t highest; /* highest extended seq stored */
  int64_t last_put_us;
  rtx_slot *slots;

  uint8_t *ring; /* ring_cap bytes; NULL before the first put */
  size_t ring_cap;
  size_t head, tail, wrap_end;
  bool wrapped;
  size_t nrec; /* records in the ring, dead ones included */
};

static size_t rec_size(size_t len) { return (REC_HDR + len + 3) & ~(size_t)3; }

int sb_rtx_buffer_new(size_t capacity, size_t max_bytes, int64_t max_age_us, sb_rtx_buffer **out) {
  if (capacity == 0 || capacity > SB_RTX_BUFFER_MAX_CAPACITY ||
      max_bytes < SB_RTX_BUFFER_MIN_BYTES || max_bytes > SB_RTX_BUFFER_MAX_BYTES || max_age_us < 0)
    return SB_EINVAL;
  size_t cap = 1;
  while (cap < capacity)
    cap <<= 1;
  sb_rtx_buffer *b = g_try_new0(sb_rtx_buffer, 1);
  if (!b) return SB_ENOMEM;
  b->slots = g_try_new0(rtx_slot, cap);
  if (!b->slots) {
    g_free(b);
    return SB_ENOMEM;
  }
  b->cap = cap;
  b->max_bytes = max_bytes & ~(size_t)3;
  b->max_packet = MIN((size_t)SB_RTX_BUFFER_MAX_PACKET, b->max_bytes - REC_HDR);
  size_t initial = CLAMP(b->max_bytes / RING_DIVISION, (size_t)INITIAL_MIN, (size_t)INITIAL_MAX);
  b->initial_bytes = MIN(initial, b->max_bytes) & ~(size_t)3;
  b->max_age_us = max_age_us;
  *out = b;
  return SB_OK;
}

void sb_rtx_buffer_free(sb_rtx_buffer *b) {
  if (!b) return;
  g_free(b->slots);
  g_free(b->ring);
  g_free(b);
}

size_t sb_rtx_buffer_capacity(const sb_rtx_buffer *b) { return b->cap; }

size_t sb_rtx_buffer_memory(const sb_rtx_buffer *b) { return b->ring_cap; }

static void ring_reset(sb_rtx_buffer *b) {
  b->head = b->tail = b->wrap_end = 0;
  b->wrapped = false;
  b->nrec = 0;
}

void sb_rtx_buffer_clear(sb_rtx_buffer *b) {
  for (size_t i = 0; i < b->cap; i++)
    b->slots[i].used = false;
  b->any = false;
  b->highest = 0;
  ring_reset(b);
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

/* The entry owning the record at off (header at rec), or NULL when the
 * record is dead. */
static rtx_slot *record_owner(sb_rtx_buffer *b, const uint8_t *rec, size_t off) {
  rtx_slot *s = &b->slots[sb_load_u16(rec)];
  return s->used && s->off == off ? s : NULL;
}

/* True when the entry's packet is still worth keeping at now. */
static bool keep(const sb_rtx_buffer *b, const rtx_slot *s, int64_t now) {
  return in_window(b, s->ext) && !expired(b, s->stored_us, now);
}

/* Drops the oldest record, and its entry when it owns it. */
static void drop_tail(sb_rtx_buffer *b) {
  const uint8_t *rec = b->ring + b->tail;
  rtx_slot *s = record_owner(b, rec, b->tail);
  if (s) s->used = false;
  b->tail += rec_size(sb_load_u16(rec + 2));
  b->nrec--;
  if (b->wrapped && b->tail == b->wrap_end) {
    b->tail = 0;
    b->wrapped = false;
  }
}

/* True when the oldest record is dead or no longer worth keeping. */
static bool tail_is_dead(sb_rtx_buffer *b, int64_t now) {
  const rtx_slot *s = record_owner(b, b->ring + b->tail, b->tail);
  return !s || !keep(b, s, now);
}

/* Doubles the byte ring (the first time: allocates it), up to max_bytes,
 * copying the records still worth keeping to its start, oldest first. */
static int grow(sb_rtx_buffer *b, int64_t now) {
  size_t new_cap = b->ring_cap ? MIN(b->ring_cap * 2, b->max_bytes) : b->initial_bytes;
  uint8_t *ring = g_try_malloc(new_cap);
  if (!ring) return SB_ENOMEM;
  size_t w = 0, kept = 0, pos = b->tail;
  for (size_t k = 0; k < b->nrec; k++) {
    if (b->wrapped && pos == b->wrap_end) pos = 0;
    const uint8_t *rec = b->ring + pos;
    size_t size = rec_size(sb_load_u16(rec + 2));
    rtx_slot *s = record_owner(b, rec, pos);
    if (s && keep(b, s, now)) {
      memcpy(ring + w, rec, size);
      s->off = (uint32_t)w;
      w += size;
      kept++;
    } else if (s) {
      s->used = false;
    }
    pos += size;
  }
  g_free(b->ring);
  b->ring = ring;
  b->ring_cap = new_cap;
  b->tail = 0;
  b->head = w;
  b->wrap_end = 0;
  b->wrapped = false;
  b->nrec = kept;
  return SB_OK;
}

/* Finds room for a record of n bytes (n <= max_bytes) and sets *off to it:
 * after head, else before tail; else drops dead records from the tail, grows
 * the ring, or (at the budget) drops the oldest live packet, and tries again. */
static int reserve(sb_rtx_buffer *b, size_t n, int64_t now, size_t *off) {
  for (;;) {
    if (b->nrec == 0) ring_reset(b);
    if (!b->wrapped) {
      if (b->ring_cap - b->head >= n) {
        *off = b->head;
        return SB_OK;
      }
      if (b->tail >= n) {
        b->wrap_end = b->head;
        b->wrapped = true;
        *off = 0;
        return SB_OK;
      }
    } else if (b->tail - b->head >= n) {
      *off = b->head;
      return SB_OK;
    }
    if (b->nrec > 0 && tail_is_dead(b, now)) {
      drop_tail(b);
    } else if (b->ring_cap < b->max_bytes && grow(b, now) == SB_OK) {
      continue;
    } else if (b->nrec > 0) {
      drop_tail(b);
    } else {
      return SB_ENOMEM;
    }
  }
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
  if (len > b->max_packet) return SB_ETOOBIG;
  uint64_t ext;
  if (!b->any) {
    restart_at(b, seq);
    ext = b->highest;
  } else {
    ext = sb_seq_extend(b->highest, seq);
    if (ext > b->highest) {
      b->highest = ext; /* entries left behind fail in_window() from now on */
    } else if (!in_window(b, ext)) {
      if (!expired(b, b->last_put_us, now_us)) return SB_ESTATE;
      restart_at(b, seq);
      ext = b->highest;
    }
  }
  size_t i = (size_t)(ext & (b->cap - 1));
  rtx_slot *s = &b->slots[i];
  s->used = false; /* its old record, if any, is dead from here on */
  b->last_put_us = now_us;

  size_t size = rec_size(len), off;
  int rc = reserve(b, size, now_us, &off);
  if (rc) return rc;
  uint8_t *rec = b->ring + off;
  sb_store_u16(rec, (uint16_t)i);
  sb_store_u16(rec + 2, (uint16_t)len);
  memcpy(rec + REC_HDR, pkt, len);
  b->head = off + size;
  b->nrec++;
  s->ext = ext;
  s->stored_us = now_us;
  s->off = (uint32_t)off;
  s->len = (uint16_t)len;
  s->used = true;
  s->resent = false;
  return SB_OK;
}

/* The live entry for seq at now_us, or NULL. */
static rtx_slot *lookup(sb_rtx_buffer *b, uint16_t seq, int64_t now_us) {
  if (!b->any) return NULL;
  uint64_t ext = sb_seq_extend(b->highest, seq);
  if (!in_window(b, ext)) return NULL;
  rtx_slot *s = &b->slots[ext & (b->cap - 1)];
  if (!s->used || s->ext != ext) return NULL;
  if (expired(b, s->stored_us, now_us)) {
    s->used = false;
    return NULL;
  }
  return s;
}

int sb_rtx_buffer_get(sb_rtx_buffer *b, uint16_t seq, int64_t now_us, const uint8_t **pkt,
                      size_t *len) {
  const rtx_slot *s = lookup(b, seq, now_us);
  if (!s) return SB_ENOTFOUND;
  *pkt = b->ring + s->off + REC_HDR;
  *len = s->len;
  return SB_OK;
}

int sb_rtx_buffer_get_resend(sb_rtx_buffer *b, uint16_t seq, int64_t now_us,
                             int64_t min_interval_us, const uint8_t **pkt, size_t *len) {
  if (min_interval_us < 0) return SB_EINVAL;
  rtx_slot *s = lookup(b, seq, now_us);
  if (!s) return SB_ENOTFOUND;
  if (s->resent) {
    uint64_t since = now_us > s->resent_us ? (uint64_t)now_us - (uint64_t)s->resent_us : 0;
    if (since < (uint64_t)min_interval_us) return SB_EEXIST;
  }
  s->resent = true;
  s->resent_us = now_us;
  *pkt = b->ring + s->off + REC_HDR;
  *len = s->len;
  return SB_OK;
}

size_t sb_rtx_buffer_count(const sb_rtx_buffer *b, int64_t now_us) {
  size_t n = 0;
  if (!b->any) return 0;
  for (size_t i = 0; i < b->cap; i++) {
    const rtx_slot *s = &b->slots[i];
    if (s->used && keep(b, s, now_us)) n++;
  }
  return n;
}
