/* rtcp_pli.c - RTCP picture loss indication (see rtcp_pli.h). */
#include "core/rtcp_pli.h"

#include "core/error.h"
#include "core/rtcp.h"

int sb_rtcp_pli_parse(const uint8_t *pkt, size_t len, sb_rtcp_pli *out) {
  sb_rtcp_fb fb;
  int rc = sb_rtcp_fb_parse(pkt, len, SB_RTCP_PT_PSFB, SB_RTCP_FMT_PLI, &fb);
  if (rc) return rc;
  out->sender_ssrc = fb.sender_ssrc;
  out->media_ssrc = fb.media_ssrc;
  return SB_OK;
}

int sb_rtcp_pli_write(const sb_rtcp_pli *in, uint8_t *buf, size_t cap, size_t *written) {
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_fb_begin(&w, &start, in->sender_ssrc, in->media_ssrc);
  if (!rc) rc = sb_rtcp_writer_end(&w, start, SB_RTCP_FMT_PLI, SB_RTCP_PT_PSFB);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}
