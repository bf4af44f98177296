/* rx_stats.h - statistics of one received RTP stream (one SSRC): extended
 * highest sequence number, cumulative and interval loss, interarrival jitter
 * (RFC 3550 appendix A.1, A.3, A.8) and bitrate over a sliding window.
 *
 * The sequence tracking is RFC 3550's update_seq() without probation: the
 * first packet starts the stream; a jump of more than MAX_DROPOUT (3000)
 * ahead or MAX_MISORDER (100) behind is "bad" and not counted, and a second
 * packet that continues right after the bad one restarts the stream there.
 * Duplicates and reordered packets count as received, so cumulative loss can
 * go negative, as in the RFC.
 *
 * Jitter follows RFC 3550 section 6.4.1 in the integer form of A.8: arrival
 * times are converted to the stream's clock (clock_rate ticks per second,
 * counted from the first packet so no overflow), D is the change of
 * transit = arrival - rtp_timestamp between consecutive packets in arrival
 * order, and J += (|D| - J) / 16 is kept scaled by 16.
 *
 * The bitrate window is split into SB_RX_RATE_BUCKETS buckets; the bytes of
 * the bucket holding now plus the previous BUCKETS-1 buckets are counted, so
 * the window is accurate to one bucket.
 *
 * The struct is plain data to embed in a stream; the caller owns it and every
 * function that needs time takes now_us (the caller's monotonic clock). No
 * allocation, no I/O. */
#ifndef SB_CORE_RX_STATS_H
#define SB_CORE_RX_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_RX_MAX_DROPOUT  3000
#define SB_RX_MAX_MISORDER 100
#define SB_RX_RATE_BUCKETS 50
#define SB_RX_CUM_LOST_MAX 0x7fffff /* cumulative lost is a signed 24-bit field */
#define SB_RX_CUM_LOST_MIN (-0x800000)

/* What sb_rx_stats_update() made of a packet. */
typedef enum {
  SB_RX_FIRST,     /* first packet: the stream starts at it */
  SB_RX_IN_ORDER,  /* ahead of the highest seq (possibly with a gap; wrap counted) */
  SB_RX_OLD,       /* duplicate or reordered, within MAX_MISORDER: counted */
  SB_RX_BAD_JUMP,  /* too far from the highest seq: not counted (remembered) */
  SB_RX_RESTARTED, /* the packet right after a bad jump: the stream restarted at it */
} sb_rx_result;

/* Read the fields, don't write them. */
typedef struct {
  uint32_t clock_rate; /* RTP clock, Hz */
  bool started;
  /* RFC 3550 A.1 */
  uint16_t max_seq;
  uint64_t cycles; /* wraps of max_seq, shifted: count << 16 */
  uint32_t base_seq;
  uint32_t bad_seq; /* 0x10001 when there is none */
  uint64_t received;
  uint64_t expected_prior;
  uint64_t received_prior;
  /* RFC 3550 A.8 */
  bool transit_valid;
  int64_t first_arrival_us;
  uint32_t transit;
  uint64_t jitter_q4; /* jitter * 16, timestamp units */
  /* totals (every packet given, bad ones included) */
  uint64_t packets;
  uint64_t bytes;
  /* bitrate window */
  int64_t bucket_us;
  int64_t bucket_epoch[SB_RX_RATE_BUCKETS];
  uint64_t bucket_bytes[SB_RX_RATE_BUCKETS];
} sb_rx_stats;

/* One RTCP report block's worth of values (RFC 3550 6.4.1); LSR/DLSR are
 * the sender-report side's business. */
typedef struct {
  uint8_t fraction_lost;   /* lost/expected since the previous report, * 256 */
  int32_t cumulative_lost; /* clamped to [-0x800000, 0x7fffff] */
  uint32_t ext_highest_seq;
  uint32_t jitter; /* timestamp units */
} sb_rx_report;

/* Resets *s for a stream with this RTP clock rate (Hz, > 0) and a bitrate
 * window of window_ms (> 0; 1000 is usual). SB_EINVAL for zeros. */
int sb_rx_stats_init(sb_rx_stats *s, uint32_t clock_rate, uint32_t window_ms);

/* Accounts one received packet: its sequence number, RTP timestamp, size in
 * bytes (as the caller counts them, e.g. the whole RTP packet) and arrival
 * time. */
sb_rx_result sb_rx_stats_update(sb_rx_stats *s, uint16_t seq, uint32_t rtp_ts, size_t bytes,
                                int64_t now_us);

/* Fills *out with the report block values and starts a new report interval
 * (fraction lost counts from here). SB_ESTATE before the first packet. */
int sb_rx_stats_report(sb_rx_stats *s, sb_rx_report *out);

/* Extended highest sequence number (cycles + max_seq), 0 before the first packet. */
uint64_t sb_rx_stats_ext_max(const sb_rx_stats *s);

/* Packets expected (ext_max - base + 1) and lost (expected - received, may
 * be negative), unclamped, since the stream (re)started. */
uint64_t sb_rx_stats_expected(const sb_rx_stats *s);
int64_t sb_rx_stats_lost(const sb_rx_stats *s);

/* Interarrival jitter in timestamp units (J of RFC 3550, rounded down). */
static inline uint32_t sb_rx_stats_jitter(const sb_rx_stats *s) {
  return s->jitter_q4 >> 4 > UINT32_MAX ? UINT32_MAX : (uint32_t)(s->jitter_q4 >> 4);
}

/* Bytes received in the window ending at now_us, and as bits per second. */
uint64_t sb_rx_stats_window_bytes(const sb_rx_stats *s, int64_t now_us);
uint64_t sb_rx_stats_bitrate(const sb_rx_stats *s, int64_t now_us);

#endif
