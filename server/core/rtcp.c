/* rtcp.c - RTCP common header, compound iteration, RFC 3550 A.2 validity,
 * RFC 5761 demultiplexing and the header writer (see rtcp.h). The messages
 * themselves live in rtcp_<msg>.c. */
#include "core/rtcp.h"

#include "core/error.h"

int sb_rtcp_packet_parse(const uint8_t *buf, size_t len, sb_rtcp_packet *out) {
  if (!buf || len < SB_RTCP_HEADER_LEN) return SB_ETRUNC;
  if ((buf[0] >> 6) != 2) return SB_EINVAL;
  size_t plen = 4 * ((size_t)sb_load_u16(buf + 2) + 1);
  if (plen > len) return SB_ETRUNC;
  bool padding = (buf[0] & 0x20) != 0;
  size_t body_len = plen - SB_RTCP_HEADER_LEN;
  if (padding) {
    size_t pad = buf[plen - 1];
    if (pad == 0 || pad > body_len) return SB_EINVAL;
    body_len -= pad;
  }
  out->data = buf;
  out->len = plen;
  out->padding = padding;
  out->count = buf[0] & 0x1f;
  out->pt = buf[1];
  out->body = buf + SB_RTCP_HEADER_LEN;
  out->body_len = body_len;
  return SB_OK;
}

void sb_rtcp_iter_init(sb_rtcp_iter *it, const uint8_t *buf, size_t len) {
  it->data = buf;
  it->len = buf ? len : 0;
  it->pos = 0;
  it->err = SB_OK;
}

int sb_rtcp_iter_next(sb_rtcp_iter *it, sb_rtcp_packet *out) {
  if (it->err) return it->err;
  if (it->pos == it->len) return 0;
  sb_rtcp_packet p;
  int rc = sb_rtcp_packet_parse(it->data + it->pos, it->len - it->pos, &p);
  if (rc == SB_OK && p.padding && it->pos + p.len != it->len) rc = SB_EINVAL;
  if (rc) {
    it->err = rc;
    return rc;
  }
  it->pos += p.len;
  *out = p;
  return 1;
}

int sb_rtcp_compound_check(const uint8_t *buf, size_t len, unsigned flags) {
  if (!buf || len < SB_RTCP_HEADER_LEN) return SB_ETRUNC;
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, buf, len);
  int rc = sb_rtcp_iter_next(&it, &p);
  if (rc < 0) return rc;
  if (flags & SB_RTCP_ALLOW_REDUCED_SIZE) {
    if (p.pt < 192 || p.pt > 223) return SB_EINVAL;
  } else {
    if ((p.pt != SB_RTCP_PT_SR && p.pt != SB_RTCP_PT_RR) || p.padding) return SB_EINVAL;
  }
  while ((rc = sb_rtcp_iter_next(&it, &p)) > 0) {
  }
  return rc < 0 ? rc : SB_OK;
}

bool sb_rtcp_is_rtcp(const uint8_t *buf, size_t len) {
  if (!buf || len < 2) return false;
  return (buf[0] >> 6) == 2 && buf[1] >= 192 && buf[1] <= 223;
}

int sb_rtcp_writer_begin(sb_writer *w, size_t *start) {
  size_t at = w->pos;
  int rc = sb_writer_zeros(w, SB_RTCP_HEADER_LEN);
  if (rc) return rc;
  *start = at;
  return SB_OK;
}

int sb_rtcp_writer_end(sb_writer *w, size_t start, unsigned count, unsigned pt) {
  if (count > SB_RTCP_MAX_COUNT || pt > 255 || start > w->pos ||
      w->pos - start < SB_RTCP_HEADER_LEN)
    return SB_EINVAL;
  size_t pad = (4 - (w->pos - start) % 4) % 4;
  if (w->pos - start + pad > SB_RTCP_MAX_PACKET_LEN) return SB_ETOOBIG;
  int rc = sb_writer_zeros(w, pad);
  if (rc) return rc;
  size_t words = (w->pos - start) / 4 - 1;
  w->data[start] = (uint8_t)(0x80 | count);
  w->data[start + 1] = (uint8_t)pt;
  sb_store_u16(w->data + start + 2, (uint16_t)words);
  return SB_OK;
}

int sb_rtcp_fb_parse(const uint8_t *pkt, size_t len, unsigned pt, unsigned fmt, sb_rtcp_fb *out) {
  sb_rtcp_packet p;
  int rc = sb_rtcp_packet_parse(pkt, len, &p);
  if (rc) return rc;
  if (p.pt != pt || p.count != fmt) return SB_EINVAL;
  if (p.body_len < 8) return SB_ETRUNC;
  out->fmt = p.count;
  out->sender_ssrc = sb_load_u32(p.body);
  out->media_ssrc = sb_load_u32(p.body + 4);
  out->fci = p.body + 8;
  out->fci_len = p.body_len - 8;
  return SB_OK;
}

int sb_rtcp_fb_begin(sb_writer *w, size_t *start, uint32_t sender_ssrc, uint32_t media_ssrc) {
  size_t at = w->pos, s;
  int rc = sb_rtcp_writer_begin(w, &s);
  if (!rc) rc = sb_writer_u32(w, sender_ssrc);
  if (!rc) rc = sb_writer_u32(w, media_ssrc);
  if (rc) {
    w->pos = at;
    return rc;
  }
  *start = s;
  return SB_OK;
}
