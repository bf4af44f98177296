/* nack_gen.c - the NACK generator for one received RTP stream: missing-seq
 * table, NACK timing, give-ups and resets (see nack_gen.h). The table is a
 * ring of entries in seq order; a recovered entry is only marked gone (found
 * by binary search) and the slots are compacted by the next poll, or when a
 * gap needs the room. No allocation, no I/O. */
#include "core/nack_gen.h"

#include <string.h>

#include "core/seq.h"

#define MASK (SB_NACK_GEN_MAX_MISSING - 1)

_Static_assert((SB_NACK_GEN_MAX_MISSING & MASK) == 0, "SB_NACK_GEN_MAX_MISSING: a power of two");
_Static_assert(SB_NACK_GEN_MAX_MISSING <= 32768, "SB_NACK_GEN_MAX_MISSING fits uint16_t slots");

static sb_nack_gen_entry *at(sb_nack_gen *g, unsigned i) { return &g->e[(g->head + i) & MASK]; }

static const sb_nack_gen_entry *cat(const sb_nack_gen *g, unsigned i) {
  return &g->e[(g->head + i) & MASK];
}

/* How far seq is behind the highest (0 for the highest itself). */
static uint16_t behind(const sb_nack_gen *g, uint16_t seq) { return (uint16_t)(g->highest - seq); }

/* The re-NACK interval. Capped at max_age_us (the age limit comes first
 * anyway), so last_us + interval cannot overflow. */
static int64_t interval(const sb_nack_gen *g, int64_t rtt_us) {
  int64_t iv = rtt_us > 0 ? rtt_us : g->cfg.default_rtt_us;
  if (iv < g->cfg.min_interval_us) iv = g->cfg.min_interval_us;
  return iv < g->cfg.max_age_us ? iv : g->cfg.max_age_us;
}

void sb_nack_gen_init(sb_nack_gen *g, const sb_nack_gen_config *cfg) {
  memset(g, 0, sizeof *g);
  if (cfg) g->cfg = *cfg;
  sb_nack_gen_config *c = &g->cfg;
  if (c->max_retries <= 0) c->max_retries = 10;
  if (c->max_retries > UINT16_MAX) c->max_retries = UINT16_MAX;
  if (c->max_age_us <= 0) c->max_age_us = 1000000;
  if (c->default_rtt_us <= 0) c->default_rtt_us = 100000;
  if (c->min_interval_us <= 0) c->min_interval_us = 10000;
  if (c->max_gap == 0) c->max_gap = SB_NACK_GEN_MAX_MISSING;
  if (c->max_gap > 32767) c->max_gap = 32767;
  if (c->max_reorder == 0) c->max_reorder = 1000;
  if (c->max_reorder > 32767) c->max_reorder = 32767;
}

void sb_nack_gen_reset(sb_nack_gen *g) {
  g->started = false;
  g->keyframe = false;
  g->head = g->used = g->live = 0;
}

/* Tracking (re)starts at seq with nothing missing. */
static void restart(sb_nack_gen *g, uint16_t seq) {
  g->started = true;
  g->highest = seq;
  g->head = g->used = g->live = 0;
}

/* Removes the oldest slot; a live one is given up. */
static void drop_front(sb_nack_gen *g) {
  if (!at(g, 0)->gone) {
    g->given_up++;
    g->live--;
    g->keyframe = true;
  }
  g->head = (uint16_t)((g->head + 1) & MASK);
  g->used--;
}

/* Squeezes the gone slots out, keeping the order. */
static void compact(sb_nack_gen *g) {
  unsigned w = 0;
  for (unsigned i = 0; i < g->used; i++)
    if (!at(g, i)->gone) *at(g, w++) = *at(g, i);
  g->used = (uint16_t)w;
}

/* Marks highest+1 .. highest+n missing (found at now_us), making room. */
static void add_missing(sb_nack_gen *g, unsigned n, int64_t now_us) {
  uint16_t seq = (uint16_t)(g->highest + 1);
  if (g->used + n > SB_NACK_GEN_MAX_MISSING && g->used > g->live) compact(g);
  while (g->used > 0 && g->used + n > SB_NACK_GEN_MAX_MISSING)
    drop_front(g);
  if (n > SB_NACK_GEN_MAX_MISSING) { /* the gap alone is too big: its oldest go */
    g->given_up += n - SB_NACK_GEN_MAX_MISSING;
    g->keyframe = true;
    seq = (uint16_t)(seq + (n - SB_NACK_GEN_MAX_MISSING));
    n = SB_NACK_GEN_MAX_MISSING;
  }
  for (unsigned k = 0; k < n; k++) {
    sb_nack_gen_entry *e = at(g, g->used++);
    *e = (sb_nack_gen_entry){.seq = (uint16_t)(seq + k), .first_us = now_us};
    g->live++;
  }
}

/* The live slot holding seq, or -1. Slots are in seq order, so behind() falls
 * as the index grows. */
static int find(const sb_nack_gen *g, uint16_t seq) {
  uint16_t d = behind(g, seq);
  unsigned lo = 0, hi = g->used;
  while (lo < hi) {
    unsigned mid = (lo + hi) / 2;
    uint16_t dm = behind(g, cat(g, mid)->seq);
    if (dm == d) return cat(g, mid)->gone ? -1 : (int)mid;
    if (dm > d)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* A jump too far: forget the missing ones, start over at seq, want a keyframe. */
static sb_nack_gen_result reset_at(sb_nack_gen *g, uint16_t seq) {
  restart(g, seq);
  g->resets++;
  g->keyframe = true;
  return SB_NACK_GEN_RESET;
}

sb_nack_gen_result sb_nack_gen_on_packet(sb_nack_gen *g, uint16_t seq, int64_t now_us) {
  if (!g->started) {
    restart(g, seq);
    return SB_NACK_GEN_FIRST;
  }
  int d = sb_seq_diff(seq, g->highest);
  if (d > 0) {
    if (d > g->cfg.max_gap) return reset_at(g, seq);
    add_missing(g, (unsigned)(d - 1), now_us);
    g->highest = seq;
    /* Entries were < 32768 behind and d < 32768: no aliasing yet. */
    while (g->used > 0 && behind(g, at(g, 0)->seq) >= 0x8000)
      drop_front(g);
    return SB_NACK_GEN_IN_ORDER;
  }
  int i = find(g, seq);
  if (i >= 0) {
    at(g, (unsigned)i)->gone = true;
    g->live--;
    g->recovered++;
    return SB_NACK_GEN_RECOVERED;
  }
  return -d <= g->cfg.max_reorder ? SB_NACK_GEN_OLD : reset_at(g, seq);
}

/* When e is due for a NACK (or for giving up, once out of retries). */
static int64_t due_at(const sb_nack_gen_entry *e, int64_t iv) {
  return e->tries == 0 ? e->first_us : e->last_us + iv;
}

size_t sb_nack_gen_poll(sb_nack_gen *g, int64_t now_us, int64_t rtt_us, uint16_t *seqs,
                        size_t cap) {
  int64_t iv = interval(g, rtt_us);
  size_t out = 0;
  unsigned w = 0;
  for (unsigned i = 0; i < g->used; i++) {
    sb_nack_gen_entry e = *at(g, i);
    if (e.gone) continue;
    bool due = now_us >= due_at(&e, iv);
    if (now_us - e.first_us >= g->cfg.max_age_us || (due && e.tries >= g->cfg.max_retries)) {
      g->given_up++;
      g->live--;
      g->keyframe = true;
      continue;
    }
    if (due && out < cap) {
      seqs[out++] = e.seq;
      e.tries++;
      e.last_us = now_us;
      g->nacks_sent++;
    }
    *at(g, w++) = e;
  }
  g->used = (uint16_t)w;
  return out;
}

bool sb_nack_gen_take_keyframe_request(sb_nack_gen *g) {
  bool k = g->keyframe;
  g->keyframe = false;
  return k;
}

int64_t sb_nack_gen_next_deadline(const sb_nack_gen *g, int64_t rtt_us) {
  int64_t iv = interval(g, rtt_us), next = INT64_MAX;
  for (unsigned i = 0; i < g->used; i++) {
    const sb_nack_gen_entry *e = cat(g, i);
    if (e->gone) continue;
    int64_t t = due_at(e, iv), age = e->first_us + g->cfg.max_age_us;
    if (age < t) t = age;
    if (t < next) next = t;
  }
  return next;
}

size_t sb_nack_gen_missing(const sb_nack_gen *g) { return g->live; }
