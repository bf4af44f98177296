/* rtcp_pli.h - RTCP picture loss indication (RFC 4585 6.3.1): a
 * payload-specific feedback message (PT=206) with FMT=1 and no FCI.
 *
 *   V=2 P FMT=1 | PT=206 | length=2
 *   SSRC of packet sender
 *   SSRC of media source (the stream that needs a keyframe)
 *
 * No allocation. */
#ifndef SB_CORE_RTCP_PLI_H
#define SB_CORE_RTCP_PLI_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
} sb_rtcp_pli;

/* Parses one PLI packet (header included). SB_EINVAL when it is not PSFB with
 * FMT 1, SB_ETRUNC when the two SSRCs are missing. An FCI (which PLI does not
 * have) is ignored. */
int sb_rtcp_pli_parse(const uint8_t *pkt, size_t len, sb_rtcp_pli *out);

/* Writes in as one 12-octet PLI packet (SB_ENOSPC when cap is too small). */
int sb_rtcp_pli_write(const sb_rtcp_pli *in, uint8_t *buf, size_t cap, size_t *written);

#endif
