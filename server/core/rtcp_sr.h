/* rtcp_sr.h - RTCP sender report (RFC 3550 6.4.1) and NTP timestamp
 * arithmetic for LSR/DLSR and round-trip times.
 *
 *   SR:  V=2 P RC | PT=200 | length
 *        SSRC of sender
 *        NTP timestamp, most significant word (seconds since 1900)
 *        NTP timestamp, least significant word (fraction of a second)
 *        RTP timestamp
 *        sender's packet count
 *        sender's octet count
 *        RC report blocks (sb_rtcp_report_block, rtcp_rr.h)
 *        (profile-specific extensions: skipped by the parser, never written)
 *
 * Reading a clock and turning it into NTP time is the caller's job; the
 * helpers below only do arithmetic on NTP values. No allocation. */
#ifndef SB_CORE_RTCP_SR_H
#define SB_CORE_RTCP_SR_H

#include <stddef.h>
#include <stdint.h>

#include "core/rtcp_rr.h"

typedef struct {
  uint32_t ssrc;         /* sender */
  uint64_t ntp;          /* 32.32 fixed point seconds since 1900-01-01 */
  uint32_t rtp_ts;       /* the same instant in the RTP timestamp clock */
  uint32_t packet_count; /* packets sent since the start */
  uint32_t octet_count;  /* payload octets sent since the start */
  uint8_t n_reports;
  sb_rtcp_report_block reports[SB_RTCP_MAX_REPORT_BLOCKS];
} sb_rtcp_sr;

/* Parses one SR packet (header included). SB_EINVAL when PT is not 200,
 * SB_ETRUNC when the sender info or RC report blocks don't fit the body. */
int sb_rtcp_sr_parse(const uint8_t *pkt, size_t len, sb_rtcp_sr *out);

/* Writes in as one SR packet; *written gets its length. SB_ETOOBIG for more
 * than 31 report blocks, SB_ENOSPC when cap is too small. */
int sb_rtcp_sr_write(const sb_rtcp_sr *in, uint8_t *buf, size_t cap, size_t *written);

/* The middle 32 bits of a 64-bit NTP timestamp (16.16 seconds): what a
 * receiver puts in LSR for the last SR it got. */
uint32_t sb_rtcp_ntp_to_mid32(uint64_t ntp);

/* The inverse, as far as it goes: the 64-bit NTP timestamp whose middle 32
 * bits are mid32 (low 16 bits zero) that is closest to near_ntp, a full
 * timestamp from the same clock within about 9 hours (2^15 s). */
uint64_t sb_rtcp_ntp_from_mid32(uint32_t mid32, uint64_t near_ntp);

/* Compact NTP durations (16.16 seconds, as in DLSR) to and from
 * microseconds, rounded to nearest. from_us saturates at 0xffffffff. */
uint64_t sb_rtcp_ntp_compact_to_us(uint32_t compact);
uint32_t sb_rtcp_ntp_compact_from_us(uint64_t us);

/* Round-trip time from a report block (RFC 3550 6.4.1): arrival_mid32 is the
 * middle 32 bits of the NTP time the report block arrived at; rtt =
 * arrival - LSR - DLSR, in microseconds, 0 when that comes out negative
 * (clock jitter). SB_ENOTFOUND when lsr is 0 (no SR received yet). */
int sb_rtcp_rtt_us(uint32_t arrival_mid32, uint32_t lsr, uint32_t dlsr, uint64_t *rtt_us);

#endif
