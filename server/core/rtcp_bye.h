/* rtcp_bye.h - RTCP goodbye (RFC 3550 6.6).
 *
 *   BYE: V=2 P SC | PT=203 | length
 *        SC SSRC/CSRC identifiers
 *        optional: length (8) | reason for leaving (length octets), zero
 *        padded to a 32-bit boundary
 *
 * Fixed capacity: 31 SSRCs (the 5-bit SC field). The reason points into the
 * parsed packet (borrowed). No allocation. */
#ifndef SB_CORE_RTCP_BYE_H
#define SB_CORE_RTCP_BYE_H

#include <stddef.h>
#include <stdint.h>

#define SB_RTCP_BYE_MAX_SSRCS 31

typedef struct {
  uint8_t n_ssrcs;
  uint32_t ssrcs[SB_RTCP_BYE_MAX_SSRCS];
  const uint8_t *reason; /* NULL when there is no reason; else reason_len octets, borrowed */
  uint8_t reason_len;
} sb_rtcp_bye;

/* Parses one BYE packet (header included). SB_EINVAL when PT is not 203,
 * SB_ETRUNC when the SC SSRCs or the reason announced by its length octet
 * run past the body. Any octets after the SSRCs start a reason. */
int sb_rtcp_bye_parse(const uint8_t *pkt, size_t len, sb_rtcp_bye *out);

/* Writes in as one BYE packet; *written gets its length. SB_ETOOBIG for more
 * than 31 SSRCs, SB_EINVAL for reason_len > 0 with no reason, SB_ENOSPC when
 * cap is too small. */
int sb_rtcp_bye_write(const sb_rtcp_bye *in, uint8_t *buf, size_t cap, size_t *written);

#endif
