/* rtcp_nack.c - RTCP generic NACK, its expansion and construction (see
 * rtcp_nack.h). */
#include "core/rtcp_nack.h"

#include "core/error.h"
#include "core/rtcp.h"

int sb_rtcp_nack_parse(const uint8_t *pkt, size_t len, sb_rtcp_nack *out) {
  sb_rtcp_fb fb;
  int rc = sb_rtcp_fb_parse(pkt, len, SB_RTCP_PT_RTPFB, SB_RTCP_FMT_NACK, &fb);
  if (rc) return rc;
  if (fb.fci_len == 0 || fb.fci_len % 4) return SB_EINVAL;
  size_t n = fb.fci_len / 4;
  if (n > SB_RTCP_NACK_MAX_PAIRS) return SB_ETOOBIG;
  out->sender_ssrc = fb.sender_ssrc;
  out->media_ssrc = fb.media_ssrc;
  out->n_pairs = (uint16_t)n;
  for (size_t i = 0; i < n; i++) {
    out->pairs[i].pid = sb_load_u16(fb.fci + 4 * i);
    out->pairs[i].blp = sb_load_u16(fb.fci + 4 * i + 2);
  }
  return SB_OK;
}

int sb_rtcp_nack_write(const sb_rtcp_nack *in, uint8_t *buf, size_t cap, size_t *written) {
  if (in->n_pairs == 0) return SB_EINVAL;
  if (in->n_pairs > SB_RTCP_NACK_MAX_PAIRS) return SB_ETOOBIG;
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_fb_begin(&w, &start, in->sender_ssrc, in->media_ssrc);
  for (unsigned i = 0; !rc && i < in->n_pairs; i++) {
    rc = sb_writer_u16(&w, in->pairs[i].pid);
    if (!rc) rc = sb_writer_u16(&w, in->pairs[i].blp);
  }
  if (!rc) rc = sb_rtcp_writer_end(&w, start, SB_RTCP_FMT_NACK, SB_RTCP_PT_RTPFB);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}

static unsigned popcount16(uint16_t v) {
  unsigned n = 0;
  for (; v; v &= (uint16_t)(v - 1))
    n++;
  return n;
}

int sb_rtcp_nack_expand(const sb_rtcp_nack *nack, uint16_t *seqs, size_t cap, size_t *n_out) {
  if (nack->n_pairs > SB_RTCP_NACK_MAX_PAIRS) return SB_ETOOBIG;
  size_t total = 0;
  for (unsigned i = 0; i < nack->n_pairs; i++)
    total += 1 + popcount16(nack->pairs[i].blp);
  if (total > cap) return SB_ENOSPC;
  size_t n = 0;
  for (unsigned i = 0; i < nack->n_pairs; i++) {
    uint16_t pid = nack->pairs[i].pid, blp = nack->pairs[i].blp;
    seqs[n++] = pid;
    for (unsigned b = 0; b < 16; b++)
      if (blp & (1u << b)) seqs[n++] = (uint16_t)(pid + b + 1);
  }
  *n_out = n;
  return SB_OK;
}

int sb_rtcp_nack_build(uint32_t sender_ssrc, uint32_t media_ssrc, const uint16_t *seqs, size_t n,
                       sb_rtcp_nack *out) {
  if (n == 0 || !seqs) return SB_EINVAL;
  /* First pass: check the order and count the pairs, so that out is only
   * written on success. */
  size_t pairs = 0;
  uint16_t pid = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      uint16_t step = (uint16_t)(seqs[i] - seqs[i - 1]);
      if (step == 0) continue;
      if (step >= 0x8000) return SB_EINVAL;
      uint16_t d = (uint16_t)(seqs[i] - pid);
      if (d >= 1 && d <= 16) continue;
    }
    pid = seqs[i];
    pairs++;
  }
  if (pairs > SB_RTCP_NACK_MAX_PAIRS) return SB_ETOOBIG;
  /* Second pass: fill. */
  out->sender_ssrc = sender_ssrc;
  out->media_ssrc = media_ssrc;
  out->n_pairs = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      if (seqs[i] == seqs[i - 1]) continue;
      sb_rtcp_nack_pair *cur = &out->pairs[out->n_pairs - 1];
      uint16_t d = (uint16_t)(seqs[i] - cur->pid);
      if (d >= 1 && d <= 16) {
        cur->blp = (uint16_t)(cur->blp | (1u << (d - 1)));
        continue;
      }
    }
    out->pairs[out->n_pairs].pid = seqs[i];
    out->pairs[out->n_pairs].blp = 0;
    out->n_pairs++;
  }
  return SB_OK;
}
