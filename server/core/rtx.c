/* rtx.c - RFC 4588 retransmission payload format (see rtx.h).
 *
 *   original:  | RTP header (seq S, PT p, SSRC s) | payload          | padding |
 *   RTX form:  | RTP header (seq R, PT r, SSRC x) | OSN = S | payload |
 *
 * The header is copied byte for byte (CSRCs and extension included) and then
 * rewritten with the rtp.h setters; only the P bit, PT, sequence number and
 * SSRC change. */
#include "core/rtx.h"

#include <string.h>

#include "core/bytes.h"
#include "core/error.h"

#define RTP_P_BIT 0x20

/* True when h describes a packet of len bytes: header, payload and padding
 * add up and the header holds at least the fixed part. */
static bool header_fits(const sb_rtp_header *h, size_t len) {
  return h->len == len && h->header_len >= SB_RTP_HEADER_MIN && h->header_len <= len &&
         h->payload_offset == h->header_len && h->payload_len <= len - h->header_len &&
         h->padding_len == len - h->header_len - h->payload_len;
}

int sb_rtx_wrap(const uint8_t *orig, size_t len, const sb_rtp_header *h, uint8_t rtx_pt,
                uint32_t rtx_ssrc, uint16_t rtx_seq, uint8_t *out, size_t cap, size_t *out_len) {
  if (!orig || !h || !out_len || rtx_pt > 127 || !header_fits(h, len)) return SB_EINVAL;
  size_t hl = h->header_len;
  size_t need = hl + SB_RTX_OSN_LEN + h->payload_len;
  if (!out || cap < need) return SB_ENOSPC;

  memcpy(out, orig, hl);
  out[0] &= (uint8_t)~RTP_P_BIT;
  /* need >= 12, so the setters cannot fail. */
  (void)sb_rtp_set_payload_type(out, need, rtx_pt);
  (void)sb_rtp_set_seq(out, need, rtx_seq);
  (void)sb_rtp_set_ssrc(out, need, rtx_ssrc);
  sb_store_u16(out + hl, h->seq);
  if (h->payload_len) memcpy(out + hl + SB_RTX_OSN_LEN, orig + h->payload_offset, h->payload_len);
  *out_len = need;
  return SB_OK;
}

int sb_rtx_unwrap(uint8_t *pkt, size_t *len, const sb_rtp_header *h, uint8_t media_pt,
                  uint32_t media_ssrc) {
  if (!pkt || !len || !h || media_pt > 127 || !header_fits(h, *len)) return SB_EINVAL;
  if (h->payload_len == 0 && h->padding_len > 0) return SB_ENOTFOUND; /* probe */
  if (h->payload_len < SB_RTX_OSN_LEN) return SB_ETRUNC;

  uint8_t *payload = pkt + h->payload_offset;
  uint16_t osn = sb_load_u16(payload);
  size_t n = h->payload_len - SB_RTX_OSN_LEN;
  memmove(payload, payload + SB_RTX_OSN_LEN, n);
  size_t new_len = h->payload_offset + n;
  pkt[0] &= (uint8_t)~RTP_P_BIT;
  (void)sb_rtp_set_payload_type(pkt, new_len, media_pt);
  (void)sb_rtp_set_seq(pkt, new_len, osn);
  (void)sb_rtp_set_ssrc(pkt, new_len, media_ssrc);
  *len = new_len;
  return SB_OK;
}
