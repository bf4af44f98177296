/* rx_stats.c - receive-stream statistics, RFC 3550 A.1/A.3/A.8 (see rx_stats.h). */
#include "core/rx_stats.h"

#include <string.h>

#include "core/error.h"
#include "core/seq.h"

#define SEQ_MOD 0x10000u

int sb_rx_stats_init(sb_rx_stats *s, uint32_t clock_rate, uint32_t window_ms) {
  if (clock_rate == 0 || window_ms == 0) return SB_EINVAL;
  memset(s, 0, sizeof *s);
  s->clock_rate = clock_rate;
  s->bad_seq = SEQ_MOD + 1;
  s->bucket_us = (int64_t)window_ms * 1000 / SB_RX_RATE_BUCKETS;
  if (s->bucket_us < 1) s->bucket_us = 1;
  for (unsigned i = 0; i < SB_RX_RATE_BUCKETS; i++)
    s->bucket_epoch[i] = INT64_MIN;
  return SB_OK;
}

/* RFC 3550 A.1 init_seq(). */
static void init_seq(sb_rx_stats *s, uint16_t seq) {
  s->base_seq = seq;
  s->max_seq = seq;
  s->bad_seq = SEQ_MOD + 1;
  s->cycles = 0;
  s->received = 0;
  s->received_prior = 0;
  s->expected_prior = 0;
  s->transit_valid = false; /* a restarted stream may use a new timestamp base */
}

/* Microseconds to RTP clock ticks, modulo 2^32 (exact: the products wrap
 * mod 2^64, and only the low 32 bits are kept). */
static uint32_t us_to_ticks(int64_t us, uint32_t rate) {
  bool neg = us < 0;
  uint64_t m = neg ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
  uint64_t t = (m / 1000000u) * rate + (m % 1000000u) * rate / 1000000u;
  return (uint32_t)(neg ? (uint64_t)0 - t : t);
}

/* RFC 3550 A.8, integer form: J*16 += |D| - round(J*16 / 16). */
static void update_jitter(sb_rx_stats *s, uint32_t rtp_ts, int64_t now_us) {
  /* Wrapping subtraction: a clock far from the first arrival must not overflow. */
  int64_t elapsed = (int64_t)((uint64_t)now_us - (uint64_t)s->first_arrival_us);
  uint32_t arrival = us_to_ticks(elapsed, s->clock_rate);
  uint32_t transit = arrival - rtp_ts;
  if (s->transit_valid) {
    int32_t d = sb_ts_diff(transit, s->transit);
    uint64_t ad = d < 0 ? (uint64_t)0 - (uint64_t)(int64_t)d : (uint64_t)d;
    s->jitter_q4 = s->jitter_q4 + ad - ((s->jitter_q4 + 8) >> 4);
  }
  s->transit = transit;
  s->transit_valid = true;
}

/* Floor division, for bucket numbers of negative times. */
static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) q--;
  return q;
}

static unsigned bucket_index(int64_t epoch) {
  int64_t r = epoch % SB_RX_RATE_BUCKETS;
  return (unsigned)(r < 0 ? r + SB_RX_RATE_BUCKETS : r);
}

static void add_bytes(sb_rx_stats *s, size_t bytes, int64_t now_us) {
  int64_t epoch = floor_div(now_us, s->bucket_us);
  unsigned i = bucket_index(epoch);
  if (s->bucket_epoch[i] > epoch) return; /* older than what the slot holds */
  if (s->bucket_epoch[i] != epoch) {
    s->bucket_epoch[i] = epoch;
    s->bucket_bytes[i] = 0;
  }
  s->bucket_bytes[i] += bytes;
}

sb_rx_result sb_rx_stats_update(sb_rx_stats *s, uint16_t seq, uint32_t rtp_ts, size_t bytes,
                                int64_t now_us) {
  s->packets++;
  s->bytes += bytes;
  add_bytes(s, bytes, now_us);

  sb_rx_result res;
  if (!s->started) {
    s->started = true;
    s->first_arrival_us = now_us;
    init_seq(s, seq);
    res = SB_RX_FIRST;
  } else {
    uint16_t udelta = (uint16_t)(seq - s->max_seq);
    if (udelta == 0) {
      res = SB_RX_OLD; /* duplicate of the highest */
    } else if (udelta < SB_RX_MAX_DROPOUT) {
      if (seq < s->max_seq) s->cycles += SEQ_MOD; /* wrapped */
      s->max_seq = seq;
      res = SB_RX_IN_ORDER;
    } else if (udelta <= SEQ_MOD - SB_RX_MAX_MISORDER) {
      if (seq != s->bad_seq) {
        s->bad_seq = (seq + 1u) & (SEQ_MOD - 1);
        return SB_RX_BAD_JUMP;
      }
      /* Two sequential packets after a jump: assume the source restarted. */
      init_seq(s, seq);
      res = SB_RX_RESTARTED;
    } else {
      res = SB_RX_OLD; /* duplicate or reordered */
    }
  }
  s->received++;
  update_jitter(s, rtp_ts, now_us);
  return res;
}

uint64_t sb_rx_stats_ext_max(const sb_rx_stats *s) {
  return s->started ? s->cycles + s->max_seq : 0;
}

uint64_t sb_rx_stats_expected(const sb_rx_stats *s) {
  return s->started ? s->cycles + s->max_seq - s->base_seq + 1 : 0;
}

int64_t sb_rx_stats_lost(const sb_rx_stats *s) {
  return (int64_t)sb_rx_stats_expected(s) - (int64_t)s->received;
}

int sb_rx_stats_report(sb_rx_stats *s, sb_rx_report *out) {
  if (!s->started) return SB_ESTATE;
  uint64_t expected = sb_rx_stats_expected(s);
  int64_t lost = sb_rx_stats_lost(s);
  if (lost > SB_RX_CUM_LOST_MAX) lost = SB_RX_CUM_LOST_MAX;
  if (lost < SB_RX_CUM_LOST_MIN) lost = SB_RX_CUM_LOST_MIN;

  /* RFC 3550 A.3 */
  int64_t expected_interval = (int64_t)(expected - s->expected_prior);
  int64_t received_interval = (int64_t)(s->received - s->received_prior);
  int64_t lost_interval = expected_interval - received_interval;
  s->expected_prior = expected;
  s->received_prior = s->received;
  uint64_t fraction = 0;
  if (expected_interval > 0 && lost_interval > 0)
    fraction = ((uint64_t)lost_interval << 8) / (uint64_t)expected_interval;
  if (fraction > 255) fraction = 255;

  out->fraction_lost = (uint8_t)fraction;
  out->cumulative_lost = (int32_t)lost;
  out->ext_highest_seq = (uint32_t)sb_rx_stats_ext_max(s);
  out->jitter = sb_rx_stats_jitter(s);
  return SB_OK;
}

uint64_t sb_rx_stats_window_bytes(const sb_rx_stats *s, int64_t now_us) {
  int64_t cur = floor_div(now_us, s->bucket_us);
  uint64_t sum = 0;
  for (unsigned i = 0; i < SB_RX_RATE_BUCKETS; i++) {
    int64_t e = s->bucket_epoch[i];
    if (e <= cur && (uint64_t)cur - (uint64_t)e < SB_RX_RATE_BUCKETS) sum += s->bucket_bytes[i];
  }
  return sum;
}

uint64_t sb_rx_stats_bitrate(const sb_rx_stats *s, int64_t now_us) {
  uint64_t window_us = (uint64_t)s->bucket_us * SB_RX_RATE_BUCKETS;
  return sb_rx_stats_window_bytes(s, now_us) * 8u * 1000000u / window_us;
}
