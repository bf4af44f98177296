/* rtcp_remb.c - receiver estimated maximum bitrate (see rtcp_remb.h). */
#include "core/rtcp_remb.h"

#include "core/error.h"
#include "core/rtcp.h"

static const uint8_t remb_id[4] = {'R', 'E', 'M', 'B'};
#define MANTISSA_LIMIT ((uint64_t)1 << SB_RTCP_REMB_MANTISSA_BITS)

void sb_rtcp_remb_encode_bitrate(uint64_t bps, uint8_t *exp, uint32_t *mantissa) {
  uint8_t e = 0;
  while ((bps >> e) >= MANTISSA_LIMIT)
    e++;
  *exp = e;
  *mantissa = (uint32_t)(bps >> e);
}

int sb_rtcp_remb_decode_bitrate(uint8_t exp, uint32_t mantissa, uint64_t *bps) {
  if (exp > 63 || mantissa >= MANTISSA_LIMIT) return SB_EINVAL;
  uint64_t v = (uint64_t)mantissa << exp;
  if ((v >> exp) != mantissa) return SB_EINVAL;
  *bps = v;
  return SB_OK;
}

int sb_rtcp_remb_parse(const uint8_t *pkt, size_t len, sb_rtcp_remb *out) {
  sb_rtcp_fb fb;
  int rc = sb_rtcp_fb_parse(pkt, len, SB_RTCP_PT_PSFB, SB_RTCP_FMT_AFB, &fb);
  if (rc) return rc;
  if (fb.fci_len < 4) return SB_ETRUNC;
  if (fb.fci[0] != remb_id[0] || fb.fci[1] != remb_id[1] || fb.fci[2] != remb_id[2] ||
      fb.fci[3] != remb_id[3])
    return SB_EUNSUPPORTED;
  if (fb.fci_len < 8) return SB_ETRUNC;
  uint8_t n = fb.fci[4];
  uint8_t exp = fb.fci[5] >> 2;
  uint32_t mantissa = sb_load_u24(fb.fci + 5) & 0x3ffff;
  if (fb.fci_len - 8 < 4 * (size_t)n) return SB_ETRUNC;
  uint64_t bps;
  rc = sb_rtcp_remb_decode_bitrate(exp, mantissa, &bps);
  if (rc) return rc;
  out->sender_ssrc = fb.sender_ssrc;
  out->media_ssrc = fb.media_ssrc;
  out->bitrate_bps = bps;
  out->n_ssrcs = n;
  for (unsigned i = 0; i < n; i++)
    out->ssrcs[i] = sb_load_u32(fb.fci + 8 + 4 * i);
  return SB_OK;
}

int sb_rtcp_remb_write(const sb_rtcp_remb *in, uint8_t *buf, size_t cap, size_t *written) {
  uint8_t exp;
  uint32_t mantissa;
  sb_rtcp_remb_encode_bitrate(in->bitrate_bps, &exp, &mantissa);
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_fb_begin(&w, &start, in->sender_ssrc, in->media_ssrc);
  if (!rc) rc = sb_writer_bytes(&w, remb_id, sizeof remb_id);
  if (!rc) rc = sb_writer_u8(&w, in->n_ssrcs);
  if (!rc) rc = sb_writer_u24(&w, ((uint32_t)exp << 18) | mantissa);
  for (unsigned i = 0; !rc && i < in->n_ssrcs; i++)
    rc = sb_writer_u32(&w, in->ssrcs[i]);
  if (!rc) rc = sb_rtcp_writer_end(&w, start, SB_RTCP_FMT_AFB, SB_RTCP_PT_PSFB);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}
