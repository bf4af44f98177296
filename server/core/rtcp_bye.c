/* rtcp_bye.c - RTCP goodbye (see rtcp_bye.h). */
#include "core/rtcp_bye.h"

#include "core/error.h"
#include "core/rtcp.h"

int sb_rtcp_bye_parse(const uint8_t *pkt, size_t len, sb_rtcp_bye *out) {
  sb_rtcp_packet p;
  int rc = sb_rtcp_packet_parse(pkt, len, &p);
  if (rc) return rc;
  if (p.pt != SB_RTCP_PT_BYE) return SB_EINVAL;
  size_t ssrcs_len = 4 * (size_t)p.count;
  if (p.body_len < ssrcs_len) return SB_ETRUNC;
  const uint8_t *reason = NULL;
  uint8_t reason_len = 0;
  if (p.body_len > ssrcs_len) {
    reason_len = p.body[ssrcs_len];
    if (p.body_len - ssrcs_len - 1 < reason_len) return SB_ETRUNC;
    reason = p.body + ssrcs_len + 1;
  }
  out->n_ssrcs = p.count;
  for (unsigned i = 0; i < p.count; i++)
    out->ssrcs[i] = sb_load_u32(p.body + 4 * i);
  out->reason = reason;
  out->reason_len = reason_len;
  return SB_OK;
}

int sb_rtcp_bye_write(const sb_rtcp_bye *in, uint8_t *buf, size_t cap, size_t *written) {
  if (in->n_ssrcs > SB_RTCP_BYE_MAX_SSRCS) return SB_ETOOBIG;
  if (in->reason_len && !in->reason) return SB_EINVAL;
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_writer_begin(&w, &start);
  for (unsigned i = 0; !rc && i < in->n_ssrcs; i++)
    rc = sb_writer_u32(&w, in->ssrcs[i]);
  if (!rc && in->reason) {
    rc = sb_writer_u8(&w, in->reason_len);
    if (!rc) rc = sb_writer_bytes(&w, in->reason, in->reason_len);
  }
  if (!rc) rc = sb_rtcp_writer_end(&w, start, in->n_ssrcs, SB_RTCP_PT_BYE);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}
