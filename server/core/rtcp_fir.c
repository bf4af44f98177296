/* rtcp_fir.c - RTCP full intra request (see rtcp_fir.h). */
#include "core/rtcp_fir.h"

#include "core/error.h"
#include "core/rtcp.h"

int sb_rtcp_fir_parse(const uint8_t *pkt, size_t len, sb_rtcp_fir *out) {
  sb_rtcp_fb fb;
  int rc = sb_rtcp_fb_parse(pkt, len, SB_RTCP_PT_PSFB, SB_RTCP_FMT_FIR, &fb);
  if (rc) return rc;
  if (fb.fci_len == 0 || fb.fci_len % SB_RTCP_FIR_ENTRY_LEN) return SB_EINVAL;
  size_t n = fb.fci_len / SB_RTCP_FIR_ENTRY_LEN;
  if (n > SB_RTCP_FIR_MAX_ENTRIES) return SB_ETOOBIG;
  out->sender_ssrc = fb.sender_ssrc;
  out->media_ssrc = fb.media_ssrc;
  out->n_entries = (uint8_t)n;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *e = fb.fci + i * SB_RTCP_FIR_ENTRY_LEN;
    out->entries[i].ssrc = sb_load_u32(e);
    out->entries[i].seq = e[4];
  }
  return SB_OK;
}

int sb_rtcp_fir_write(const sb_rtcp_fir *in, uint8_t *buf, size_t cap, size_t *written) {
  if (in->n_entries == 0) return SB_EINVAL;
  if (in->n_entries > SB_RTCP_FIR_MAX_ENTRIES) return SB_ETOOBIG;
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_fb_begin(&w, &start, in->sender_ssrc, in->media_ssrc);
  for (unsigned i = 0; !rc && i < in->n_entries; i++) {
    rc = sb_writer_u32(&w, in->entries[i].ssrc);
    if (!rc) rc = sb_writer_u8(&w, in->entries[i].seq);
    if (!rc) rc = sb_writer_zeros(&w, 3);
  }
  if (!rc) rc = sb_rtcp_writer_end(&w, start, SB_RTCP_FMT_FIR, SB_RTCP_PT_PSFB);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}
