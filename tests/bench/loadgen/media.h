/* media.h - the generator's packets, without I/O: building one RTP packet
 * (header, the header extensions browsers send, and the checked payload)
 * into a caller's buffer, and checking a received payload and its place in
 * its stream (loss, duplicates, corruption).
 *
 * Payload format (after the RTP header and extensions), big-endian:
 *   u32 magic 0x53424C47 ('SBLG')
 *   u32 stream id (peer index << 1 | is_video)
 *   u64 counter (per stream, from 0)
 *   u64 send time (CLOCK_MONOTONIC ns)
 *   u32 checksum of every other payload byte (the 24 bytes before it, then
 *       the filler): FNV-1a over 64-bit words, folded to 32 bits
 *   filler up to the payload size (a pattern derived from the counter)
 * Nothing here allocates. */
#ifndef SB_LG_MEDIA_H
#define SB_LG_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_LG_MAGIC       0x53424C47u
#define SB_LG_PAYLOAD_MIN 28 /* magic, stream id, counter, time, checksum */
#define SB_LG_MAX_PAYLOAD 1400

/* One stream we send (audio or video): its RTP state and the parameters
 * negotiated for the m-section it goes out on. */
typedef struct {
  uint32_t ssrc;
  uint16_t seq;
  uint32_t stream_id;
  uint64_t counter;
  uint8_t pt;
  uint8_t rtx_pt;                     /* negotiated RTX payload type, 0 = none */
  uint8_t ext_mid, ext_abs, ext_twcc; /* negotiated ids, 0 = not sent */
  char mid[16];
  bool active; /* negotiated with a sending direction */
  /* For sender reports. */
  uint32_t packets, octets;
  uint32_t last_ts;
  int64_t last_ts_ns; /* when last_ts was the current media time */
} sb_lg_tx;

/* Writes one RTP packet with a payload of payload_len bytes
 * (>= SB_LG_PAYLOAD_MIN) into buf[0..cap): the next sequence number and
 * counter of tx, RTP timestamp ts, marker, the mid / abs-send-time /
 * transport-wide-cc extensions that were negotiated (twcc_seq is the
 * connection's transport sequence number) and the payload stamped with
 * now_ns. Returns the packet length, or 0 when cap is too small or
 * payload_len is above SB_LG_MAX_PAYLOAD. */
size_t sb_lg_media_build(sb_lg_tx *tx, uint8_t *buf, size_t cap, uint32_t ts, bool marker,
                         size_t payload_len, uint16_t twcc_seq, int64_t now_ns);

/* The checksum the payload format uses. */
uint32_t sb_lg_checksum(const uint8_t *payload, size_t len);

/* Checks a received payload: SB_OK and the stream id, counter and send
 * time, or SB_EINVAL (too short, wrong magic or checksum: corrupt). */
int sb_lg_payload_check(const uint8_t *payload, size_t len, uint32_t *stream_id, uint64_t *counter,
                        int64_t *send_ns);

/* Where a received counter stands in its stream. */
#define SB_LG_SEQ_WINDOW 1024 /* counters remembered for duplicate detection */

typedef struct {
  bool started;
  uint64_t base, highest;
  uint64_t seen[SB_LG_SEQ_WINDOW / 64]; /* bit c % WINDOW: counter c arrived */
} sb_lg_seq;

typedef enum {
  SB_LG_SEQ_NEW, /* first time seen (in order, after a gap, or late within the window) */
  SB_LG_SEQ_DUP, /* seen before */
  SB_LG_SEQ_OLD, /* older than the window: cannot tell; not counted */
} sb_lg_seq_result;

/* Records counter c. *expected_inc is how much highest - base + 1 grew
 * (packets now expected; the lost ones are expected minus new ones). */
sb_lg_seq_result sb_lg_seq_update(sb_lg_seq *s, uint64_t c, uint64_t *expected_inc);

/* RTP abs-send-time (6.18 fixed point seconds, 24 bits) of a monotonic time. */
static inline uint32_t sb_lg_abs_send_time(int64_t now_ns) {
  return (uint32_t)(((uint64_t)now_ns << 18) / 1000000000u) & 0xffffff;
}

#endif
