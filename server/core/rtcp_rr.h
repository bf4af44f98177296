/* rtcp_rr.h - RTCP receiver report (RFC 3550 6.4.2) and the report block it
 * shares with the sender report (rtcp_sr.h).
 *
 *   RR:  V=2 P RC | PT=201 | length
 *        SSRC of packet sender
 *        RC report blocks of 24 octets each
 *        (profile-specific extensions: skipped by the parser, never written)
 *
 *   report block:
 *        SSRC of source
 *        fraction lost (8) | cumulative number of packets lost (signed 24)
 *        extended highest sequence number received
 *        interarrival jitter
 *        last SR (LSR: middle 32 bits of the SR's NTP timestamp)
 *        delay since last SR (DLSR, 1/65536 s)
 *
 * Fixed capacity: 31 report blocks (the 5-bit RC field). No allocation. */
#ifndef SB_CORE_RTCP_RR_H
#define SB_CORE_RTCP_RR_H

#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"

#define SB_RTCP_REPORT_BLOCK_LEN    24
#define SB_RTCP_MAX_REPORT_BLOCKS   31
#define SB_RTCP_CUMULATIVE_LOST_MAX 0x7fffff /* signed 24-bit range */
#define SB_RTCP_CUMULATIVE_LOST_MIN (-0x800000)

typedef struct {
  uint32_t ssrc;            /* source this block reports on */
  uint8_t fraction_lost;    /* fixed point, lost / expected * 256 */
  int32_t cumulative_lost;  /* signed 24-bit; the writer clamps (RFC 3550 A.3) */
  uint32_t ext_highest_seq; /* cycles << 16 | highest sequence number */
  uint32_t jitter;          /* RTP timestamp units */
  uint32_t lsr;             /* middle 32 bits of the last SR's NTP time, 0 if none */
  uint32_t dlsr;            /* delay since that SR, 1/65536 s */
} sb_rtcp_report_block;

typedef struct {
  uint32_t ssrc; /* packet sender */
  uint8_t n_reports;
  sb_rtcp_report_block reports[SB_RTCP_MAX_REPORT_BLOCKS];
} sb_rtcp_rr;

/* Reads / writes one 24-octet report block (SB_ETRUNC / SB_ENOSPC). */
int sb_rtcp_report_block_read(sb_reader *r, sb_rtcp_report_block *out);
int sb_rtcp_report_block_write(sb_writer *w, const sb_rtcp_report_block *in);

/* Parses one RR packet (header included, as yielded by sb_rtcp_iter_next).
 * SB_EINVAL when PT is not 201, SB_ETRUNC when RC blocks don't fit the body. */
int sb_rtcp_rr_parse(const uint8_t *pkt, size_t len, sb_rtcp_rr *out);

/* Writes in as one RR packet into buf; *written gets its length. SB_ETOOBIG
 * for more than 31 report blocks, SB_ENOSPC when cap is too small (buf may
 * then hold a partial packet). */
int sb_rtcp_rr_write(const sb_rtcp_rr *in, uint8_t *buf, size_t cap, size_t *written);

#endif
