/* rtp.c - RTP fixed header parse, serialize and in-place rewrite (see rtp.h).
 *
 * Layout (RFC 3550 section 5.1):
 *    0                   1                   2                   3
 *   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *   |                           timestamp                           |
 *   |                             SSRC                              |
 *   |                        CSRC list (CC x 32 bits)               |
 *   | extension: profile (16) | length in 32-bit words (16) | data  |
 *   | payload ...                        | padding ... | pad count  | */
#include "core/rtp.h"

#include <string.h>

#include "core/bytes.h"
#include "core/error.h"

int sb_rtp_parse(const uint8_t *pkt, size_t len, sb_rtp_header *out) {
  if (!pkt || len < SB_RTP_HEADER_MIN) return SB_ETRUNC;
  uint8_t b0 = pkt[0], b1 = pkt[1];
  if ((b0 >> 6) != SB_RTP_VERSION) return SB_EINVAL;

  bool padding = (b0 & 0x20) != 0;
  bool extension = (b0 & 0x10) != 0;
  uint8_t cc = b0 & 0x0f;
  size_t off = SB_RTP_HEADER_MIN + 4u * cc;
  if (off > len) return SB_ETRUNC;

  uint16_t ext_profile = 0;
  size_t ext_offset = 0, ext_len = 0;
  if (extension) {
    if (len - off < 4) return SB_ETRUNC;
    ext_profile = sb_load_u16(pkt + off);
    ext_len = 4u * sb_load_u16(pkt + off + 2);
    ext_offset = off + 4;
    if (ext_len > len - ext_offset) return SB_ETRUNC;
    off = ext_offset + ext_len;
  }

  uint8_t padding_len = 0;
  if (padding) {
    if (len == off) return SB_EINVAL; /* P set but no byte to hold the count */
    padding_len = pkt[len - 1];
    if (padding_len == 0 || padding_len > len - off) return SB_EINVAL;
  }

  out->data = pkt;
  out->len = len;
  out->padding = padding;
  out->extension = extension;
  out->marker = (b1 & 0x80) != 0;
  out->csrc_count = cc;
  out->payload_type = b1 & 0x7f;
  out->seq = sb_load_u16(pkt + 2);
  out->timestamp = sb_load_u32(pkt + 4);
  out->ssrc = sb_load_u32(pkt + 8);
  out->header_len = off;
  out->payload_offset = off;
  out->payload_len = len - off - padding_len;
  out->padding_len = padding_len;
  out->ext_profile = ext_profile;
  out->ext_offset = ext_offset;
  out->ext_len = ext_len;
  return SB_OK;
}

uint32_t sb_rtp_csrc(const sb_rtp_header *h, unsigned i) {
  if (i >= h->csrc_count) return 0;
  return sb_load_u32(h->data + SB_RTP_HEADER_MIN + 4u * i);
}

void sb_rtp_fields_from_header(const sb_rtp_header *h, sb_rtp_fields *out) {
  memset(out, 0, sizeof *out);
  out->padding = h->padding;
  out->marker = h->marker;
  out->payload_type = h->payload_type;
  out->seq = h->seq;
  out->timestamp = h->timestamp;
  out->ssrc = h->ssrc;
  out->csrc_count = h->csrc_count;
  for (unsigned i = 0; i < h->csrc_count && i < SB_RTP_MAX_CSRC; i++)
    out->csrc[i] = sb_rtp_csrc(h, i);
  out->extension = h->extension;
  out->ext_profile = h->ext_profile;
  out->ext_data = sb_rtp_ext_data(h);
  out->ext_len = h->ext_len;
}

int sb_rtp_write(const sb_rtp_fields *f, uint8_t *out, size_t cap, size_t *out_len) {
  if (f->payload_type > 127 || f->csrc_count > SB_RTP_MAX_CSRC) return SB_EINVAL;
  size_t need = SB_RTP_HEADER_MIN + 4u * f->csrc_count;
  if (f->extension) {
    if (f->ext_len % 4 != 0 || f->ext_len / 4 > 0xffff) return SB_EINVAL;
    if (f->ext_len > 0 && !f->ext_data) return SB_EINVAL;
    need += 4 + f->ext_len;
  }
  if (!out || cap < need) return SB_ENOSPC;

  sb_writer w;
  sb_writer_init(&w, out, cap);
  /* Lengths were checked above, so the writes below cannot fail. */
  uint8_t b0 = (uint8_t)(SB_RTP_VERSION << 6) | (uint8_t)(f->padding ? 0x20 : 0) |
               (uint8_t)(f->extension ? 0x10 : 0) | f->csrc_count;
  (void)sb_writer_u8(&w, b0);
  (void)sb_writer_u8(&w, (uint8_t)((f->marker ? 0x80 : 0) | f->payload_type));
  (void)sb_writer_u16(&w, f->seq);
  (void)sb_writer_u32(&w, f->timestamp);
  (void)sb_writer_u32(&w, f->ssrc);
  for (unsigned i = 0; i < f->csrc_count; i++)
    (void)sb_writer_u32(&w, f->csrc[i]);
  if (f->extension) {
    (void)sb_writer_u16(&w, f->ext_profile);
    (void)sb_writer_u16(&w, (uint16_t)(f->ext_len / 4));
    (void)sb_writer_bytes(&w, f->ext_data, f->ext_len);
  }
  *out_len = sb_writer_len(&w);
  return SB_OK;
}

int sb_rtp_set_ssrc(uint8_t *pkt, size_t len, uint32_t ssrc) {
  if (!pkt || len < SB_RTP_HEADER_MIN) return SB_ETRUNC;
  sb_store_u32(pkt + 8, ssrc);
  return SB_OK;
}

int sb_rtp_set_seq(uint8_t *pkt, size_t len, uint16_t seq) {
  if (!pkt || len < SB_RTP_HEADER_MIN) return SB_ETRUNC;
  sb_store_u16(pkt + 2, seq);
  return SB_OK;
}

int sb_rtp_set_timestamp(uint8_t *pkt, size_t len, uint32_t ts) {
  if (!pkt || len < SB_RTP_HEADER_MIN) return SB_ETRUNC;
  sb_store_u32(pkt + 4, ts);
  return SB_OK;
}

int sb_rtp_set_payload_type(uint8_t *pkt, size_t len, uint8_t pt) {
  if (!pkt || len < SB_RTP_HEADER_MIN) return SB_ETRUNC;
  if (pt > 127) return SB_EINVAL;
  pkt[1] = (uint8_t)((pkt[1] & 0x80) | pt);
  return SB_OK;
}

int sb_rtp_set_marker(uint8_t *pkt, size_t len, bool marker) {
  if (!pkt || len < SB_RTP_HEADER_MIN) return SB_ETRUNC;
  pkt[1] = (uint8_t)((pkt[1] & 0x7f) | (marker ? 0x80 : 0));
  return SB_OK;
}
