/* fuzz_rtcp.c - libFuzzer target for the RTCP parsers (server/core/rtcp*.c).
 *
 * Iterates the input as a compound packet, runs the validity check and the
 * RTP/RTCP demux on it, and hands each packet to the parser its PT/FMT picks.
 * Every message that parses is written back, parsed again and compared: a
 * difference, or a failure to write what was parsed, aborts. (Compared are
 * the parsed structs, not the octets: profile extensions, padding and TWCC
 * chunk choices may legitimately differ.) NACKs are also expanded and, when
 * the numbers come out in order, rebuilt and expanded again.
 *
 * The same input also drives the two builders that never see parsed input:
 * a TWCC packet list (gaps, runs and deltas from the input octets) is
 * written and parsed back, and a list of lost sequence numbers is turned
 * into NACK pairs and expanded back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_bye.h"
#include "core/rtcp_fir.h"
#include "core/rtcp_nack.h"
#include "core/rtcp_pli.h"
#include "core/rtcp_remb.h"
#include "core/rtcp_rr.h"
#include "core/rtcp_sdes.h"
#include "core/rtcp_sr.h"
#include "core/rtcp_twcc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) abort();                                                                          \
  } while (0)

static uint8_t out_buf[SB_RTCP_MAX_PACKET_LEN];

static bool same_block(const sb_rtcp_report_block *a, const sb_rtcp_report_block *b) {
  return a->ssrc == b->ssrc && a->fraction_lost == b->fraction_lost &&
         a->cumulative_lost == b->cumulative_lost && a->ext_highest_seq == b->ext_highest_seq &&
         a->jitter == b->jitter && a->lsr == b->lsr && a->dlsr == b->dlsr;
}

static bool same_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static void fuzz_sr(const sb_rtcp_packet *p) {
  static sb_rtcp_sr a, b;
  size_t n;
  if (sb_rtcp_sr_parse(p->data, p->len, &a)) return;
  CHECK(sb_rtcp_sr_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_sr_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.ssrc == b.ssrc && a.ntp == b.ntp && a.rtp_ts == b.rtp_ts &&
        a.packet_count == b.packet_count && a.octet_count == b.octet_count &&
        a.n_reports == b.n_reports);
  for (unsigned i = 0; i < a.n_reports; i++)
    CHECK(same_block(&a.reports[i], &b.reports[i]));
  uint64_t rtt;
  sb_rtcp_ntp_from_mid32(sb_rtcp_ntp_to_mid32(a.ntp), a.ntp);
  for (unsigned i = 0; i < a.n_reports; i++)
    sb_rtcp_rtt_us(sb_rtcp_ntp_to_mid32(a.ntp), a.reports[i].lsr, a.reports[i].dlsr, &rtt);
}

static void fuzz_rr(const sb_rtcp_packet *p) {
  static sb_rtcp_rr a, b;
  size_t n;
  if (sb_rtcp_rr_parse(p->data, p->len, &a)) return;
  CHECK(sb_rtcp_rr_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_rr_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.ssrc == b.ssrc && a.n_reports == b.n_reports);
  for (unsigned i = 0; i < a.n_reports; i++)
    CHECK(same_block(&a.reports[i], &b.reports[i]));
}

static void fuzz_sdes(const sb_rtcp_packet *p) {
  static sb_rtcp_sdes a, b;
  size_t n;
  if (sb_rtcp_sdes_parse(p->data, p->len, &a)) return;
  CHECK(sb_rtcp_sdes_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_sdes_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.n_chunks == b.n_chunks);
  for (unsigned c = 0; c < a.n_chunks; c++) {
    const sb_rtcp_sdes_chunk *x = &a.chunks[c], *y = &b.chunks[c];
    CHECK(x->ssrc == y->ssrc && x->n_items == y->n_items);
    for (unsigned i = 0; i < x->n_items; i++) {
      CHECK(x->items[i].type == y->items[i].type);
      CHECK(same_bytes(x->items[i].data, x->items[i].len, y->items[i].data, y->items[i].len));
    }
    const sb_rtcp_sdes_item *cname = sb_rtcp_sdes_find(x, SB_RTCP_SDES_CNAME);
    CHECK(!cname || cname->type == SB_RTCP_SDES_CNAME);
  }
}

static void fuzz_bye(const sb_rtcp_packet *p) {
  static sb_rtcp_bye a, b;
  size_t n;
  if (sb_rtcp_bye_parse(p->data, p->len, &a)) return;
  CHECK(sb_rtcp_bye_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_bye_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.n_ssrcs == b.n_ssrcs);
  for (unsigned i = 0; i < a.n_ssrcs; i++)
    CHECK(a.ssrcs[i] == b.ssrcs[i]);
  CHECK((a.reason == NULL) == (b.reason == NULL));
  if (a.reason) CHECK(same_bytes(a.reason, a.reason_len, b.reason, b.reason_len));
}

static void fuzz_pli(const sb_rtcp_packet *p) {
  sb_rtcp_pli a, b;
  size_t n;
  if (sb_rtcp_pli_parse(p->data, p->len, &a)) return;
  CHECK(sb_rtcp_pli_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_pli_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.sender_ssrc == b.sender_ssrc && a.media_ssrc == b.media_ssrc);
}

static void fuzz_fir(const sb_rtcp_packet *p) {
  static sb_rtcp_fir a, b;
  size_t n;
  if (sb_rtcp_fir_parse(p->data, p->len, &a)) return;
  CHECK(sb_rtcp_fir_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_fir_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.sender_ssrc == b.sender_ssrc && a.media_ssrc == b.media_ssrc &&
        a.n_entries == b.n_entries);
  for (unsigned i = 0; i < a.n_entries; i++)
    CHECK(a.entries[i].ssrc == b.entries[i].ssrc && a.entries[i].seq == b.entries[i].seq);
}

static void fuzz_nack(const sb_rtcp_packet *p) {
  static sb_rtcp_nack a, b;
  static uint16_t seqs[SB_RTCP_NACK_MAX_SEQS], seqs2[SB_RTCP_NACK_MAX_SEQS];
  size_t n, n2;
  if (sb_rtcp_nack_parse(p->data, p->len, &a)) return;
  CHECK(sb_rtcp_nack_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_nack_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.sender_ssrc == b.sender_ssrc && a.media_ssrc == b.media_ssrc && a.n_pairs == b.n_pairs);
  for (unsigned i = 0; i < a.n_pairs; i++)
    CHECK(a.pairs[i].pid == b.pairs[i].pid && a.pairs[i].blp == b.pairs[i].blp);

  /* expand -> build -> expand gives the same numbers, repeats dropped. */
  CHECK(sb_rtcp_nack_expand(&a, seqs, SB_RTCP_NACK_MAX_SEQS, &n) == SB_OK);
  CHECK(n >= a.n_pairs && n <= 17u * a.n_pairs);
  if (sb_rtcp_nack_build(a.sender_ssrc, a.media_ssrc, seqs, n, &b) != SB_OK) return;
  CHECK(b.n_pairs <= a.n_pairs);
  CHECK(sb_rtcp_nack_expand(&b, seqs2, SB_RTCP_NACK_MAX_SEQS, &n2) == SB_OK);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && seqs[i] == seqs[i - 1]) continue;
    CHECK(k < n2 && seqs2[k] == seqs[i]);
    k++;
  }
  CHECK(k == n2);
}

static void fuzz_remb(const sb_rtcp_packet *p) {
  static sb_rtcp_remb a, b;
  size_t n;
  if (sb_rtcp_remb_parse(p->data, p->len, &a)) return;
  CHECK(sb_rtcp_remb_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_remb_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.sender_ssrc == b.sender_ssrc && a.media_ssrc == b.media_ssrc &&
        a.bitrate_bps == b.bitrate_bps && a.n_ssrcs == b.n_ssrcs);
  for (unsigned i = 0; i < a.n_ssrcs; i++)
    CHECK(a.ssrcs[i] == b.ssrcs[i]);
}

static void fuzz_twcc(const sb_rtcp_packet *p) {
  static sb_rtcp_twcc a, b;
  size_t n;
  if (sb_rtcp_twcc_parse(p->data, p->len, &a)) return;
  CHECK(a.n_packets >= 1 && a.n_packets <= SB_RTCP_TWCC_MAX_PACKETS);
  CHECK(sb_rtcp_twcc_write(&a, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_twcc_parse(out_buf, n, &b) == SB_OK);
  CHECK(a.sender_ssrc == b.sender_ssrc && a.media_ssrc == b.media_ssrc &&
        a.base_seq == b.base_seq && a.reference_time == b.reference_time &&
        a.fb_pkt_count == b.fb_pkt_count && a.n_packets == b.n_packets);
  for (unsigned i = 0; i < a.n_packets; i++)
    CHECK(a.packets[i].seq == b.packets[i].seq && a.packets[i].received == b.packets[i].received &&
          a.packets[i].delta_us == b.packets[i].delta_us);
}

/* Every 4 octets give one packet: a step of 1..4 from the previous sequence
 * number, received or not, and a delta of any 16-bit number of 250 us units. */
static void fuzz_twcc_writer(const uint8_t *data, size_t size) {
  static sb_rtcp_twcc in, back;
  size_t n;
  if (size < 8) return;
  memset(&in, 0, sizeof in);
  in.base_seq = sb_load_u16(data);
  in.reference_time = (int32_t)(sb_load_u24(data + 2) & 0xffffff) - 0x800000;
  in.fb_pkt_count = data[5];
  in.sender_ssrc = data[6];
  unsigned off = data[7] % 4;
  for (size_t i = 8; i + 4 <= size && in.n_packets < SB_RTCP_TWCC_MAX_PACKETS; i += 4) {
    unsigned next = in.n_packets > 0 ? off + 1 + data[i] % 4 : off;
    if (next >= SB_RTCP_TWCC_MAX_PACKETS) break;
    off = next;
    sb_rtcp_twcc_packet *p = &in.packets[in.n_packets++];
    p->seq = (uint16_t)(in.base_seq + off);
    p->received = data[i + 1] & 1;
    p->delta_us = SB_RTCP_TWCC_DELTA_UNIT_US * (int32_t)(int16_t)sb_load_u16(data + i + 2);
  }
  if (in.n_packets == 0) return;
  CHECK(sb_rtcp_twcc_write(&in, out_buf, sizeof out_buf, &n) == SB_OK);
  CHECK(sb_rtcp_compound_check(out_buf, n, SB_RTCP_ALLOW_REDUCED_SIZE) == SB_OK);
  CHECK(sb_rtcp_twcc_parse(out_buf, n, &back) == SB_OK);
  CHECK(back.base_seq == in.base_seq && back.reference_time == in.reference_time &&
        back.fb_pkt_count == in.fb_pkt_count && back.sender_ssrc == in.sender_ssrc);
  CHECK(back.n_packets == off + 1);
  unsigned k = 0;
  for (unsigned i = 0; i < back.n_packets; i++) {
    const sb_rtcp_twcc_packet *b = &back.packets[i];
    CHECK(b->seq == (uint16_t)(in.base_seq + i));
    if (k < in.n_packets && in.packets[k].seq == b->seq) {
      const sb_rtcp_twcc_packet *a = &in.packets[k++];
      CHECK(a->received == b->received);
      CHECK(b->delta_us == (a->received ? a->delta_us : 0));
    } else {
      CHECK(!b->received && b->delta_us == 0);
    }
  }
  CHECK(k == in.n_packets);
}

/* Every octet gives a step of 0..31 to the next lost sequence number. */
static void fuzz_nack_builder(const uint8_t *data, size_t size) {
  static uint16_t seqs[SB_RTCP_NACK_MAX_SEQS], back[SB_RTCP_NACK_MAX_SEQS];
  static sb_rtcp_nack nack;
  size_t n = 0, nb;
  if (size < 2) return;
  uint16_t seq = sb_load_u16(data);
  for (size_t i = 2; i < size && n < SB_RTCP_NACK_MAX_SEQS; i++) {
    seqs[n++] = seq;
    seq = (uint16_t)(seq + data[i] % 32);
  }
  if (n == 0) return;
  int rc = sb_rtcp_nack_build(1, 2, seqs, n, &nack);
  if (rc == SB_ETOOBIG) return;
  CHECK(rc == SB_OK);
  CHECK(sb_rtcp_nack_expand(&nack, back, SB_RTCP_NACK_MAX_SEQS, &nb) == SB_OK);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && seqs[i] == seqs[i - 1]) continue;
    CHECK(k < nb && back[k] == seqs[i]);
    k++;
  }
  CHECK(k == nb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_twcc_writer(data, size);
  fuzz_nack_builder(data, size);
  sb_rtcp_compound_check(data, size, 0);
  sb_rtcp_compound_check(data, size, SB_RTCP_ALLOW_REDUCED_SIZE);
  sb_rtcp_is_rtcp(data, size);

  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, data, size);
  while (sb_rtcp_iter_next(&it, &p) > 0) {
    CHECK(p.len >= SB_RTCP_HEADER_LEN && p.len % 4 == 0 && p.body_len <= p.len - 4);
    switch (p.pt) {
    case SB_RTCP_PT_SR: fuzz_sr(&p); break;
    case SB_RTCP_PT_RR: fuzz_rr(&p); break;
    case SB_RTCP_PT_SDES: fuzz_sdes(&p); break;
    case SB_RTCP_PT_BYE: fuzz_bye(&p); break;
    case SB_RTCP_PT_RTPFB:
      if (p.count == SB_RTCP_FMT_NACK)
        fuzz_nack(&p);
      else if (p.count == SB_RTCP_FMT_TWCC)
        fuzz_twcc(&p);
      break;
    case SB_RTCP_PT_PSFB:
      if (p.count == SB_RTCP_FMT_PLI)
        fuzz_pli(&p);
      else if (p.count == SB_RTCP_FMT_FIR)
        fuzz_fir(&p);
      else if (p.count == SB_RTCP_FMT_AFB)
        fuzz_remb(&p);
      break;
    default: break;
    }
  }
  return 0;
}
