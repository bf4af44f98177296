/* rtcp_remb.h - receiver estimated maximum bitrate
 * (draft-alvestrand-rmcat-remb-03): an application layer feedback message,
 * PSFB (PT=206) with FMT=15, whose FCI starts with the ASCII 'REMB'.
 *
 *   V=2 P FMT=15 | PT=206 | length
 *   SSRC of packet sender
 *   SSRC of media source (0)
 *   'R' 'E' 'M' 'B'
 *   Num SSRC (8) | BR Exp (6) | BR Mantissa (18)
 *   Num SSRC SSRC feedback entries (the streams the estimate applies to)
 *
 * The bitrate is mantissa * 2^exp bits per second. The writer picks the
 * smallest exponent whose mantissa fits 18 bits (the value is rounded down
 * when it needs more than 18 significant bits).
 *
 * Fixed capacity: 255 SSRCs (the 8-bit Num SSRC field). No allocation. */
#ifndef SB_CORE_RTCP_REMB_H
#define SB_CORE_RTCP_REMB_H

#include <stddef.h>
#include <stdint.h>

#define SB_RTCP_REMB_MAX_SSRCS     255
#define SB_RTCP_REMB_MANTISSA_BITS 18

typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;  /* 0 per the draft; kept as received */
  uint64_t bitrate_bps; /* as decoded: mantissa << exp */
  uint8_t n_ssrcs;
  uint32_t ssrcs[SB_RTCP_REMB_MAX_SSRCS];
} sb_rtcp_remb;

/* Parses one REMB packet (header included). SB_EINVAL when it is not PSFB
 * with FMT 15 or the bitrate overflows 64 bits, SB_EUNSUPPORTED for an
 * application layer feedback without the 'REMB' identifier, SB_ETRUNC when
 * the SSRCs or the Num SSRC entries run past the body. */
int sb_rtcp_remb_parse(const uint8_t *pkt, size_t len, sb_rtcp_remb *out);

/* Writes in as one REMB packet; *written gets its length. SB_ENOSPC when cap
 * is too small. */
int sb_rtcp_remb_write(const sb_rtcp_remb *in, uint8_t *buf, size_t cap, size_t *written);

/* Splits bps into the smallest exponent (0..63) with a mantissa below 2^18;
 * the encoded value is bps rounded down to 18 significant bits. */
void sb_rtcp_remb_encode_bitrate(uint64_t bps, uint8_t *exp, uint32_t *mantissa);

/* mantissa << exp; SB_EINVAL when exp > 63, mantissa >= 2^18 or the value
 * does not fit 64 bits. */
int sb_rtcp_remb_decode_bitrate(uint8_t exp, uint32_t mantissa, uint64_t *bps);

#endif
