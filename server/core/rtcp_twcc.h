/* rtcp_twcc.h - transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01, section 3.1): a
 * transport-layer feedback message, RTPFB (PT=205) with FMT=15.
 *
 *   V=2 P FMT=15 | PT=205 | length
 *   SSRC of packet sender
 *   SSRC of media source
 *   base sequence number (16) | packet status count (16)
 *   reference time: signed 24 bits, 64 ms units | fb pkt. count (8)
 *   packet chunks (16 bits each), then receive deltas, then zero padding
 *
 * Packet chunks give one status symbol per packet, base seq first:
 *   00 not received, 01 received with a small delta (1 octet, 0..255),
 *   10 received with a large or negative delta (2 octets, signed), 11 reserved.
 *   run length chunk:    0 | S (2) | run length (13)     - run length x S
 *   status vector chunk: 1 | 0 | 14 symbols of 1 bit (0 or 01)
 *                        1 | 1 |  7 symbols of 2 bits
 * Receive deltas are in 250 us units: the first received packet's relative to
 * the reference time, each next one's relative to the previous received one.
 *
 * The parser turns that into one sb_rtcp_twcc_packet per status (seq,
 * received, delta_us). The writer takes such a list (sequence numbers in
 * order from base_seq; missing ones are written as not received) and picks
 * the chunks: a run length chunk for runs of 14 or more (or runs reaching the
 * end), else a 1-bit vector when the next 14 statuses have no large delta,
 * else a run length chunk for runs of 7 or more, else a 2-bit vector.
 *
 * Fixed capacity: SB_RTCP_TWCC_MAX_PACKETS statuses (SB_ETOOBIG beyond). The
 * struct is about 16 KiB: heap or static storage is the caller's choice.
 * No allocation. */
#ifndef SB_CORE_RTCP_TWCC_H
#define SB_CORE_RTCP_TWCC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_RTCP_TWCC_MAX_PACKETS   2048
#define SB_RTCP_TWCC_DELTA_UNIT_US 250
#define SB_RTCP_TWCC_REF_UNIT_US   64000
#define SB_RTCP_TWCC_REF_MIN       (-0x800000)
#define SB_RTCP_TWCC_REF_MAX       0x7fffff

typedef struct {
  uint16_t seq;     /* transport-wide sequence number */
  bool received;    /* false: delta_us is 0 (parse) or ignored (write) */
  int32_t delta_us; /* multiple of 250, -8192000..8191750 */
} sb_rtcp_twcc_packet;

typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
  uint16_t base_seq;
  int32_t reference_time; /* signed 24-bit, 64 ms units */
  uint8_t fb_pkt_count;   /* feedback packet counter, wraps */
  uint16_t n_packets;     /* parse: the packet status count */
  sb_rtcp_twcc_packet packets[SB_RTCP_TWCC_MAX_PACKETS];
} sb_rtcp_twcc;

/* Parses one TWCC feedback packet (header included). SB_EINVAL when it is not
 * RTPFB with FMT 15, the status count is 0, or a status is the reserved
 * symbol 11; SB_ETRUNC when the chunks or deltas run past the body;
 * SB_ETOOBIG for a status count above SB_RTCP_TWCC_MAX_PACKETS. Octets after
 * the last delta (padding) are ignored. */
int sb_rtcp_twcc_parse(const uint8_t *pkt, size_t len, sb_rtcp_twcc *out);

/* Writes in as one TWCC feedback packet; *written gets its length. The
 * status count is packets[n_packets - 1].seq - base_seq + 1. SB_EINVAL for no
 * packets, sequence numbers not strictly increasing from base_seq, a
 * reference time outside 24 bits, or a received delta that is not a multiple
 * of 250 us or outside the 16-bit range; SB_ETOOBIG when the status count
 * exceeds SB_RTCP_TWCC_MAX_PACKETS; SB_ENOSPC when cap is too small. */
int sb_rtcp_twcc_write(const sb_rtcp_twcc *in, uint8_t *buf, size_t cap, size_t *written);

#endif
