/* twcc_gen.c - transport-wide congestion control feedback generation (see
 * twcc_gen.h): a ring of arrival ticks indexed by extended sequence number,
 * cut into RTPFB FMT=15 messages at poll time. */
#include "core/twcc_gen.h"

#include <glib.h>
#include <stdbool.h>

#include "core/error.h"
#include "core/rtcp_twcc.h"
#include "core/seq.h"

#define RING_MASK     (SB_TWCC_GEN_RING - 1)
#define TICK_US       SB_RTCP_TWCC_DELTA_UNIT_US
#define TICKS_PER_REF (SB_RTCP_TWCC_REF_UNIT_US / TICK_US) /* 256 */
#define MSG_FIXED_LEN 20 /* RTCP header, two SSRCs, base, count, reference, fb count */

enum {
  F_RX = 1,       /* received */
  F_REP_RX = 2,   /* reported received */
  F_REP_LOST = 4, /* reported not received */
};

struct sb_twcc_gen {
  uint32_t sender_ssrc, media_ssrc;
  int64_t interval_us;
  size_t max_size;
  bool any;       /* a packet was recorded since creation / restart */
  bool scheduled; /* last_fb_us is set */
  bool flush;     /* the last poll ran out of buffer */
  uint8_t fb_count;
  /* Extended sequence numbers: [first, highest] is in the ring, highest was
   * received, everything in [first, next) was reported (or skipped). */
  int64_t first, highest, next;
  int64_t last_tick; /* the latest arrival, in ticks */
  int64_t last_arrival_us, last_fb_us;
  sb_twcc_gen_stats stats;
  /* Per slot: the arrival tick (received) or the tick at which the gap was
   * seen (not received), low 32 bits; flags F_*. */
  uint32_t tick[SB_TWCC_GEN_RING];
  uint8_t flags[SB_TWCC_GEN_RING];
  sb_rtcp_twcc msg;
};

int sb_twcc_gen_new(uint32_t sender_ssrc, int64_t interval_us, sb_twcc_gen **out) {
  if (interval_us <= 0 || !out) return SB_EINVAL;
  sb_twcc_gen *g = g_try_new0(sb_twcc_gen, 1);
  if (!g) return SB_ENOMEM;
  g->sender_ssrc = sender_ssrc;
  g->interval_us = interval_us;
  g->max_size = SB_TWCC_GEN_DEFAULT_MAX_SIZE;
  *out = g;
  return SB_OK;
}

void sb_twcc_gen_free(sb_twcc_gen *g) { g_free(g); }

void sb_twcc_gen_set_media_ssrc(sb_twcc_gen *g, uint32_t media_ssrc) { g->media_ssrc = media_ssrc; }

void sb_twcc_gen_set_max_size(sb_twcc_gen *g, size_t max_size) { g->max_size = max_size; }

void sb_twcc_gen_get_stats(const sb_twcc_gen *g, sb_twcc_gen_stats *out) { *out = g->stats; }

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* The full tick of slot i (slots hold the low 32 bits, all near last_tick). */
static int64_t slot_tick(const sb_twcc_gen *g, int64_t i) {
  return g->last_tick + (int32_t)(g->tick[i] - (uint32_t)g->last_tick);
}

static void set_slot(sb_twcc_gen *g, int64_t s, int64_t tick, uint8_t flags) {
  g->tick[s & RING_MASK] = (uint32_t)tick;
  g->flags[s & RING_MASK] = flags;
}

static void restart(sb_twcc_gen *g, int64_t s, int64_t tick) {
  g->any = true;
  g->first = g->highest = g->next = s;
  set_slot(g, s, tick, F_RX);
}

void sb_twcc_gen_on_packet(sb_twcc_gen *g, uint16_t transport_seq, int64_t arrival_us) {
  int64_t t = floor_div(arrival_us + TICK_US / 2, TICK_US);
  g->last_tick = t;
  g->last_arrival_us = arrival_us;
  if (!g->scheduled) {
    g->scheduled = true;
    g->last_fb_us = arrival_us;
  }
  if (!g->any) {
    restart(g, transport_seq, t);
    return;
  }
  int64_t d = sb_seq_diff(transport_seq, (uint16_t)g->highest);
  int64_t s = g->highest + d;
  if (d > SB_TWCC_GEN_MAX_JUMP || d < -SB_TWCC_GEN_MAX_JUMP) {
    g->stats.restarts++;
    restart(g, s, t);
    return;
  }
  if (d > 0) { /* newest: what lies between is missing, as of now */
    for (int64_t x = g->highest + 1; x < s; x++)
      set_slot(g, x, t, 0);
    set_slot(g, s, t, F_RX);
    g->highest = s;
    if (g->first <= s - SB_TWCC_GEN_RING) g->first = s - SB_TWCC_GEN_RING + 1;
    if (g->next < g->first) g->next = g->first; /* never polled: skip the oldest */
    return;
  }
  if (s < g->first) { /* reordered before the first one we saw */
    for (int64_t x = s + 1; x < g->first; x++)
      set_slot(g, x, t, 0);
    set_slot(g, s, t, F_RX);
    g->first = g->next = s;
    return;
  }
  int64_t i = s & RING_MASK;
  if (g->flags[i] & F_RX) return; /* duplicate */
  if (s < g->next) {              /* reported lost already */
    if (t - slot_tick(g, i) > SB_TWCC_GEN_HISTORY_US / TICK_US) return;
    g->stats.late++;
    g->next = s;
  }
  g->tick[i] = (uint32_t)t;
  g->flags[i] |= F_RX;
}

int64_t sb_twcc_gen_next_deadline(const sb_twcc_gen *g) {
  if (!g->any || g->next > g->highest) return INT64_MAX;
  int64_t due = g->last_fb_us + g->interval_us;
  if (g->flush) return g->last_fb_us;
  if (g->highest - g->next + 1 >= SB_RTCP_TWCC_MAX_PACKETS && g->last_arrival_us < due)
    return g->last_arrival_us;
  return due;
}

/* Upper bound of a message's length: every chunk but the last holds 7 or
 * more statuses; up to 3 octets of padding. */
static size_t msg_size(unsigned n_status, size_t delta_bytes) {
  return MSG_FIXED_LEN + 2 * ((n_status + 6) / 7) + delta_bytes + 3;
}

static int32_t wrap24(int64_t ref) {
  int64_t r = ref & 0xffffff;
  return (int32_t)(r > SB_RTCP_TWCC_REF_MAX ? r - 0x1000000 : r);
}

/* Fills g->msg from g->next on, one entry per sequence number. */
static void build(sb_twcc_gen *g) {
  sb_rtcp_twcc *m = &g->msg;
  m->sender_ssrc = g->sender_ssrc;
  m->media_ssrc = g->media_ssrc;
  m->base_seq = (uint16_t)g->next;
  m->fb_pkt_count = g->fb_count;
  m->reference_time = wrap24(floor_div(g->last_tick, TICKS_PER_REF)); /* if none received */
  bool have_ref = false;
  int64_t prev = 0; /* running reference, ticks */
  size_t delta_bytes = 0;
  unsigned n = 0;
  for (int64_t s = g->next; s <= g->highest && n < SB_RTCP_TWCC_MAX_PACKETS; s++, n++) {
    int64_t i = s & RING_MASK;
    sb_rtcp_twcc_packet *p = &m->packets[n];
    p->seq = (uint16_t)s;
    p->received = g->flags[i] & F_RX;
    p->delta_us = 0;
    size_t db = 0;
    if (p->received) {
      int64_t t = slot_tick(g, i);
      if (!have_ref) {
        int64_t ref = floor_div(t, TICKS_PER_REF);
        m->reference_time = wrap24(ref);
        prev = ref * TICKS_PER_REF;
        have_ref = true;
      }
      int64_t d = t - prev;
      if (d < INT16_MIN || d > INT16_MAX) break;
      db = (d >= 0 && d <= 255) ? 1 : 2;
      if (n > 0 && msg_size(n + 1, delta_bytes + db) > g->max_size) break;
      p->delta_us = (int32_t)d * TICK_US;
      prev = t;
    } else if (n > 0 && msg_size(n + 1, delta_bytes) > g->max_size) {
      break;
    }
    delta_bytes += db;
  }
  m->n_packets = (uint16_t)n;
}

/* g->msg was sent: count it and move on. */
static void commit(sb_twcc_gen *g) {
  for (unsigned k = 0; k < g->msg.n_packets; k++) {
    uint8_t *f = &g->flags[(g->next + k) & RING_MASK];
    if ((*f & F_RX) && !(*f & F_REP_RX)) {
      g->stats.reported_received++;
      if (*f & F_REP_LOST) g->stats.reported_lost--;
      *f = (uint8_t)((*f & ~F_REP_LOST) | F_REP_RX);
    } else if (!(*f & F_RX) && !(*f & F_REP_LOST)) {
      g->stats.reported_lost++;
      *f |= F_REP_LOST;
    }
  }
  g->next += g->msg.n_packets;
  g->fb_count++;
  g->stats.feedback_sent++;
}

int sb_twcc_gen_poll(sb_twcc_gen *g, int64_t now_us, uint8_t *buf, size_t cap, size_t *written) {
  if (!buf || !written) return SB_EINVAL;
  *written = 0;
  if (now_us < sb_twcc_gen_next_deadline(g)) return 0;
  size_t off = 0;
  int n = 0;
  g->flush = false;
  while (g->next <= g->highest) {
    size_t len = 0;
    build(g);
    int rc = sb_rtcp_twcc_write(&g->msg, buf + off, cap - off, &len);
    if (rc == SB_ENOSPC && n > 0) {
      g->flush = true;
      break;
    }
    if (rc) return rc;
    commit(g);
    off += len;
    n++;
  }
  g->last_fb_us = now_us;
  *written = off;
  return n;
}
