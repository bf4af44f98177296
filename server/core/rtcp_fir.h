/* rtcp_fir.h - RTCP full intra request (RFC 5104 4.3.1): a payload-specific
 * feedback message (PT=206) with FMT=4.
 *
 *   V=2 P FMT=4 | PT=206 | length
 *   SSRC of packet sender
 *   SSRC of media source (unused, 0)
 *   FCI, one or more entries of 8 octets:
 *     SSRC (of the stream asked for a keyframe)
 *     Seq nr. (8) | reserved (24)
 *
 * Fixed capacity: SB_RTCP_FIR_MAX_ENTRIES entries (SB_ETOOBIG beyond).
 * No allocation. */
#ifndef SB_CORE_RTCP_FIR_H
#define SB_CORE_RTCP_FIR_H

#include <stddef.h>
#include <stdint.h>

#define SB_RTCP_FIR_MAX_ENTRIES 32
#define SB_RTCP_FIR_ENTRY_LEN   8

typedef struct {
  uint32_t ssrc;
  uint8_t seq; /* command sequence number, +1 per new request */
} sb_rtcp_fir_entry;

typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc; /* 0 per RFC 5104; kept as received */
  uint8_t n_entries;
  sb_rtcp_fir_entry entries[SB_RTCP_FIR_MAX_ENTRIES];
} sb_rtcp_fir;

/* Parses one FIR packet (header included). SB_EINVAL when it is not PSFB with
 * FMT 4, when there is no entry or the FCI is not a whole number of entries;
 * SB_ETRUNC when the SSRCs are missing; SB_ETOOBIG past the capacity. */
int sb_rtcp_fir_parse(const uint8_t *pkt, size_t len, sb_rtcp_fir *out);

/* Writes in as one FIR packet (reserved bits zero); *written gets its length.
 * SB_EINVAL for no entries, SB_ETOOBIG past the capacity, SB_ENOSPC when cap
 * is too small. */
int sb_rtcp_fir_write(const sb_rtcp_fir *in, uint8_t *buf, size_t cap, size_t *written);

#endif
