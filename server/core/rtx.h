/* rtx.h - RFC 4588 retransmission payload format: turning an RTP packet into
 * its RTX form and back.
 *
 * An RTX packet (RFC 4588 section 4) carries a lost packet again on its own
 * SSRC and payload type, with its own sequence numbers: the original's
 * header (timestamp, marker, CSRCs and header extension kept), then the
 * 2-byte original sequence number (OSN), then the original payload. The
 * original's padding is not carried. Padding-only packets on the RTX SSRC
 * (bandwidth probes) carry no OSN and recover nothing.
 *
 * Both functions work on a packet already parsed by sb_rtp_parse(): the
 * sb_rtp_header says where header, payload and padding are. Nothing is
 * allocated and nothing is written on failure.
 *
 * Not here: which packets to resend (rtx_buffer.h), the RTX sequence
 * counter and the SSRC/payload type mapping (the caller's, from the SDP
 * "apt" parameter), NACK parsing (rtcp_nack.h). */
#ifndef SB_CORE_RTX_H
#define SB_CORE_RTX_H

#include <stddef.h>
#include <stdint.h>

#include "core/rtp.h"

#define SB_RTX_OSN_LEN 2 /* the original sequence number in front of the payload */

/* Writes the RTX form of orig (plain RTP, len bytes, parsed into h; borrowed
 * for the call) into out[0..cap): the same header (CSRCs and extension kept)
 * with payload type rtx_pt, SSRC rtx_ssrc and sequence number rtx_seq, then
 * the OSN (h->seq), then the original payload; the original's padding is
 * removed (P bit cleared). *out_len = h->header_len + 2 + h->payload_len.
 * out must not overlap orig. SB_EINVAL when rtx_pt > 127 or h does not
 * describe a packet of len bytes; SB_ENOSPC when cap is too small (or out is
 * NULL). Nothing is written on error. */
int sb_rtx_wrap(const uint8_t *orig, size_t len, const sb_rtp_header *h, uint8_t rtx_pt,
                uint32_t rtx_ssrc, uint16_t rtx_seq, uint8_t *out, size_t cap, size_t *out_len);

/* Turns an RTX packet (pkt, *len bytes, parsed into h) back into the
 * original, in place: sequence number = OSN, payload type media_pt, SSRC
 * media_ssrc, OSN removed, padding removed (P bit cleared); the rest of the
 * header (marker, timestamp, CSRCs, extension) is kept. *len becomes
 * h->header_len + h->payload_len - 2. h describes the packet as it was and
 * is stale afterwards. SB_ENOTFOUND for a padding-only RTX packet (a
 * bandwidth probe: nothing to recover; the caller drops it); SB_ETRUNC when
 * the payload is shorter than the OSN; SB_EINVAL when media_pt > 127 or h
 * does not describe a packet of *len bytes. Nothing is written on error. */
int sb_rtx_unwrap(uint8_t *pkt, size_t *len, const sb_rtp_header *h, uint8_t media_pt,
                  uint32_t media_ssrc);

#endif
