/* rtcp_sr.c - RTCP sender report and NTP arithmetic (see rtcp_sr.h). */
#include "core/rtcp_sr.h"

#include "core/error.h"
#include "core/rtcp.h"

#define SR_SENDER_INFO_LEN 24 /* SSRC + NTP + RTP ts + packets + octets */

int sb_rtcp_sr_parse(const uint8_t *pkt, size_t len, sb_rtcp_sr *out) {
  sb_rtcp_packet p;
  int rc = sb_rtcp_packet_parse(pkt, len, &p);
  if (rc) return rc;
  if (p.pt != SB_RTCP_PT_SR) return SB_EINVAL;
  if (p.body_len < SR_SENDER_INFO_LEN + (size_t)p.count * SB_RTCP_REPORT_BLOCK_LEN)
    return SB_ETRUNC;
  sb_reader r;
  sb_reader_init(&r, p.body, p.body_len);
  sb_reader_u32(&r, &out->ssrc);
  sb_reader_u64(&r, &out->ntp);
  sb_reader_u32(&r, &out->rtp_ts);
  sb_reader_u32(&r, &out->packet_count);
  sb_reader_u32(&r, &out->octet_count);
  out->n_reports = p.count;
  for (unsigned i = 0; i < p.count; i++)
    sb_rtcp_report_block_read(&r, &out->reports[i]);
  return SB_OK;
}

int sb_rtcp_sr_write(const sb_rtcp_sr *in, uint8_t *buf, size_t cap, size_t *written) {
  if (in->n_reports > SB_RTCP_MAX_REPORT_BLOCKS) return SB_ETOOBIG;
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_writer_begin(&w, &start);
  if (!rc) rc = sb_writer_u32(&w, in->ssrc);
  if (!rc) rc = sb_writer_u64(&w, in->ntp);
  if (!rc) rc = sb_writer_u32(&w, in->rtp_ts);
  if (!rc) rc = sb_writer_u32(&w, in->packet_count);
  if (!rc) rc = sb_writer_u32(&w, in->octet_count);
  for (unsigned i = 0; !rc && i < in->n_reports; i++)
    rc = sb_rtcp_report_block_write(&w, &in->reports[i]);
  if (!rc) rc = sb_rtcp_writer_end(&w, start, in->n_reports, SB_RTCP_PT_SR);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}

uint32_t sb_rtcp_ntp_to_mid32(uint64_t ntp) { return (uint32_t)(ntp >> 16); }

uint64_t sb_rtcp_ntp_from_mid32(uint32_t mid32, uint64_t near_ntp) {
  uint32_t d = mid32 - sb_rtcp_ntp_to_mid32(near_ntp); /* mod 2^32 */
  uint64_t base = near_ntp & ~(uint64_t)0xffff;
  if (d < 0x80000000u) return base + ((uint64_t)d << 16);
  return base - ((uint64_t)(0u - d) << 16);
}

uint64_t sb_rtcp_ntp_compact_to_us(uint32_t compact) {
  return ((uint64_t)compact * 1000000u + 32768u) >> 16;
}

uint32_t sb_rtcp_ntp_compact_from_us(uint64_t us) {
  /* 0xffffffff / 65536 s is just under 65536 s; beyond it, saturate (and
   * keep us * 65536 from overflowing). */
  if (us >= (uint64_t)65536 * 1000000u) return 0xffffffffu;
  uint64_t v = (us * 65536u + 500000u) / 1000000u;
  return v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
}

int sb_rtcp_rtt_us(uint32_t arrival_mid32, uint32_t lsr, uint32_t dlsr, uint64_t *rtt_us) {
  if (lsr == 0) return SB_ENOTFOUND;
  uint32_t rtt = arrival_mid32 - lsr - dlsr;
  *rtt_us = rtt >= 0x80000000u ? 0 : sb_rtcp_ntp_compact_to_us(rtt);
  return SB_OK;
}
