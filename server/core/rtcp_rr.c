/* rtcp_rr.c - RTCP receiver report and report blocks (see rtcp_rr.h). */
#include "core/rtcp_rr.h"

#include "core/error.h"
#include "core/rtcp.h"

int sb_rtcp_report_block_read(sb_reader *r, sb_rtcp_report_block *out) {
  if (sb_reader_left(r) < SB_RTCP_REPORT_BLOCK_LEN) return SB_ETRUNC;
  const uint8_t *p = sb_reader_ptr(r);
  uint32_t lost = sb_load_u24(p + 5);
  out->ssrc = sb_load_u32(p);
  out->fraction_lost = p[4];
  out->cumulative_lost = (lost & 0x800000) ? (int32_t)lost - 0x1000000 : (int32_t)lost;
  out->ext_highest_seq = sb_load_u32(p + 8);
  out->jitter = sb_load_u32(p + 12);
  out->lsr = sb_load_u32(p + 16);
  out->dlsr = sb_load_u32(p + 20);
  return sb_reader_skip(r, SB_RTCP_REPORT_BLOCK_LEN);
}

int sb_rtcp_report_block_write(sb_writer *w, const sb_rtcp_report_block *in) {
  if (w->cap - w->pos < SB_RTCP_REPORT_BLOCK_LEN) return SB_ENOSPC;
  int32_t lost = in->cumulative_lost;
  if (lost > SB_RTCP_CUMULATIVE_LOST_MAX) lost = SB_RTCP_CUMULATIVE_LOST_MAX;
  if (lost < SB_RTCP_CUMULATIVE_LOST_MIN) lost = SB_RTCP_CUMULATIVE_LOST_MIN;
  sb_writer_u32(w, in->ssrc);
  sb_writer_u8(w, in->fraction_lost);
  sb_writer_u24(w, (uint32_t)lost & 0xffffff);
  sb_writer_u32(w, in->ext_highest_seq);
  sb_writer_u32(w, in->jitter);
  sb_writer_u32(w, in->lsr);
  sb_writer_u32(w, in->dlsr);
  return SB_OK;
}

int sb_rtcp_rr_parse(const uint8_t *pkt, size_t len, sb_rtcp_rr *out) {
  sb_rtcp_packet p;
  int rc = sb_rtcp_packet_parse(pkt, len, &p);
  if (rc) return rc;
  if (p.pt != SB_RTCP_PT_RR) return SB_EINVAL;
  if (p.body_len < 4 + (size_t)p.count * SB_RTCP_REPORT_BLOCK_LEN) return SB_ETRUNC;
  sb_reader r;
  sb_reader_init(&r, p.body, p.body_len);
  sb_reader_u32(&r, &out->ssrc);
  out->n_reports = p.count;
  for (unsigned i = 0; i < p.count; i++)
    sb_rtcp_report_block_read(&r, &out->reports[i]);
  return SB_OK;
}

int sb_rtcp_rr_write(const sb_rtcp_rr *in, uint8_t *buf, size_t cap, size_t *written) {
  if (in->n_reports > SB_RTCP_MAX_REPORT_BLOCKS) return SB_ETOOBIG;
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_writer_begin(&w, &start);
  if (!rc) rc = sb_writer_u32(&w, in->ssrc);
  for (unsigned i = 0; !rc && i < in->n_reports; i++)
    rc = sb_rtcp_report_block_write(&w, &in->reports[i]);
  if (!rc) rc = sb_rtcp_writer_end(&w, start, in->n_reports, SB_RTCP_PT_RR);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}
