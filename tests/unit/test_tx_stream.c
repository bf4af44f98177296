/* test_tx_stream.c - unit tests for one forwarded stream on one receiving
 * leg (core/tx_stream.c), with hand-built packets and hand-computed values:
 * the rewrite (SSRC, seq, timestamp, payload type) and the history keyed on
 * the rewritten sequence numbers, NACK answers as RFC 4588 RTX (the
 * receiver's payload types, our RTX SSRC, an RTX sequence counter that
 * counts up) or as the plain packet, no second resend within an RTT (late
 * forwarded packets count as sent), the token bucket refusing and
 * refilling, the RTT from a report block that echoes one of our sender
 * reports, and the sender report mapping of the publisher's (NTP, RTP)
 * pair. Through the media session: one NACK of 4352 sequence numbers
 * bounded by the rate limit, REMB and FIR for unknown SSRCs ignored, RR ->
 * RTT.
 *
 * Tests under /tx-stream/regression/ hold bugs a review found (each failed
 * before its fix). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/media_session.h"
#include "core/rtcp.h"
#include "core/rtcp_fir.h"
#include "core/rtcp_nack.h"
#include "core/rtcp_remb.h"
#include "core/rtcp_rr.h"
#include "core/rtcp_sr.h"
#include "core/rtp.h"
#include "core/rx_stream.h"
#include "core/tx_stream.h"
#include "../lib/vp8_section.h"

#define PUB_SSRC 0x11111111u
#define TX_SSRC  0x33333333u
#define TX_RTX   0x44444444u
#define OUR_SSRC 0xbbbb0001u
#define PUB_PT   96
#define PUB_RTX  97
#define RCV_PT   100
#define RCV_RTX  101

static void vp8_section(sb_msection *sec, const char *mid, uint8_t pt, uint8_t rtx_pt) {
  sb_test_vp8_section(sec, mid, pt, rtx_pt);
}

/* A stream to a receiver of rcv (publisher PT 96 -> RCV_PT), starting at
 * seq 1000, timestamp 5000, RTX seq 7000. */
static void tx_setup(sb_tx_stream *s, const sb_msection *rcv) {
  sb_tx_stream_init(s, TX_SSRC, TX_RTX, 1000, 5000, 7000, 90000, true);
  uint8_t pt_map[128], ext_map[256];
  memset(pt_map, 0xff, sizeof pt_map);
  pt_map[PUB_PT] = RCV_PT;
  for (int i = 0; i < 256; i++)
    ext_map[i] = (uint8_t)i;
  sb_rewrite_set_maps(&s->rw, pt_map, ext_map);
  g_assert_cmpint(sb_tx_stream_configure(s, rcv), ==, SB_OK);
}

/* Forwards the publisher's packet seq/ts with plen payload bytes (each
 * byte = seq's low byte) and returns its rewritten length; out gets it. */
static size_t fwd(sb_tx_stream *s, uint16_t seq, uint32_t ts, size_t plen, int64_t now,
                  uint8_t *out) {
  sb_rtp_fields f = {.payload_type = PUB_PT, .seq = seq, .timestamp = ts, .ssrc = PUB_SSRC};
  size_t n = 0;
  g_assert_cmpint(sb_rtp_write(&f, out, 1500, &n), ==, SB_OK);
  memset(out + n, seq & 0xff, plen);
  n += plen;
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(out, n, &h), ==, SB_OK);
  g_assert_cmpint(sb_tx_stream_rewrite(s, out, n, &h, now), ==, SB_OK);
  return n;
}

static int resend(sb_tx_stream *s, uint16_t seq, int64_t now, uint8_t *out, size_t *len) {
  *len = 0;
  return sb_tx_stream_resend(s, seq, now, out, 1500, len);
}

/* ---- rewrite, history, answers ---- */

static void test_rewrite_and_rtx(void) {
  sb_msection rcv;
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  g_assert_nonnull(s.history);
  g_assert_cmpuint(s.rtx_pt[RCV_PT], ==, RCV_RTX);
  uint8_t pkt[1500], out[1500];
  size_t n = fwd(&s, 50, 1000, 20, 1000000, pkt);
  g_assert_cmpuint(n, ==, 32);
  /* seq 50 -> 1000, ts 1000 -> 5000, PT 96 -> 100, SSRC -> ours. */
  static const uint8_t h0[12] = {0x80, 100,  0x03, 0xe8, 0x00, 0x00,
                                 0x13, 0x88, 0x33, 0x33, 0x33, 0x33};
  g_assert_cmpmem(pkt, 12, h0, 12);
  n = fwd(&s, 51, 1900, 20, 1010000, pkt);
  static const uint8_t h1[12] = {0x80, 100,  0x03, 0xe9, 0x00, 0x00,
                                 0x17, 0x0c, 0x33, 0x33, 0x33, 0x33};
  g_assert_cmpmem(pkt, 12, h1, 12); /* 1001, 5900 */
  g_assert_cmpuint(s.c.packets, ==, 2);
  g_assert_cmpuint(s.c.bytes, ==, 64);
  g_assert_cmpuint(s.rw.octets, ==, 40);

  /* A NACK names the receiver's numbers: 1000 is there, 50 is not. */
  size_t len;
  g_assert_cmpint(resend(&s, 1000, 1020000, out, &len), ==, SB_OK);
  g_assert_cmpuint(len, ==, 12 + 2 + 20);
  /* RTX: PT 101, RTX seq 7000 (0x1b58), same timestamp, RTX SSRC, OSN 1000. */
  static const uint8_t r0[14] = {0x80, 101,  0x1b, 0x58, 0x00, 0x00, 0x13,
                                 0x88, 0x44, 0x44, 0x44, 0x44, 0x03, 0xe8};
  g_assert_cmpmem(out, 14, r0, 14);
  for (size_t i = 14; i < len; i++)
    g_assert_cmpuint(out[i], ==, 50);
  g_assert_cmpint(resend(&s, 1001, 1020000, out, &len), ==, SB_OK);
  static const uint8_t r1[14] = {0x80, 101,  0x1b, 0x59, 0x00, 0x00, 0x17,
                                 0x0c, 0x44, 0x44, 0x44, 0x44, 0x03, 0xe9};
  g_assert_cmpmem(out, 14, r1, 14);
  g_assert_cmpuint(s.rtx_seq, ==, 7002);
  /* The publisher's number means nothing to the history. */
  g_assert_cmpint(resend(&s, 50, 1020000, out, &len), ==, SB_ENOTFOUND);
  g_assert_cmpint(resend(&s, 1002, 1020000, out, &len), ==, SB_ENOTFOUND); /* not sent yet */
  g_assert_cmpuint(s.c.nack_seqs, ==, 4);
  g_assert_cmpuint(s.c.retransmitted, ==, 2);
  g_assert_cmpuint(s.c.rtx_bytes, ==, 68);
  g_assert_cmpuint(s.c.rtx_missing, ==, 2);
  g_assert_cmpuint(s.rtx_seq, ==, 7002); /* refusals take no RTX seq */
  sb_tx_stream_clear(&s);
}

static void test_plain_resend(void) {
  sb_msection rcv;
  vp8_section(&rcv, "s0", RCV_PT, 0); /* no RTX negotiated */
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  uint8_t pkt[1500], out[1500];
  size_t n = fwd(&s, 60, 3000, 10, 0, pkt);
  size_t len;
  g_assert_cmpint(resend(&s, 1000, 100, out, &len), ==, SB_OK);
  g_assert_cmpmem(out, len, pkt, n); /* the packet as the receiver got it */
  g_assert_cmpuint(s.rtx_seq, ==, 7000);
  /* Too little room: refused, nothing counted as retransmitted. */
  g_assert_cmpint(sb_tx_stream_resend(&s, 1000, 30000, out, n - 1, &len), ==, SB_ENOSPC);
  g_assert_cmpuint(s.c.retransmitted, ==, 1);

  /* Without rtcp-fb nack there is no history at all. */
  rcv.codecs[0].fb_nack = false;
  g_assert_cmpint(sb_tx_stream_configure(&s, &rcv), ==, SB_OK);
  g_assert_null(s.history);
  g_assert_cmpint(resend(&s, 1000, 200, out, &len), ==, SB_EUNSUPPORTED);
  sb_tx_stream_clear(&s);
}

static void test_no_resend_within_rtt(void) {
  sb_msection rcv;
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  uint8_t pkt[1500], out[1500];
  const int64_t t = 1000000;
  fwd(&s, 1, 0, 100, t, pkt);
  size_t len;
  /* RTT unknown: 20 ms. */
  g_assert_cmpint(resend(&s, 1000, t, out, &len), ==, SB_OK);
  int64_t tokens = s.tokens;
  g_assert_cmpint(tokens, ==, SB_TX_RTX_BURST_BYTES - (12 + 2 + 100));
  g_assert_cmpint(resend(&s, 1000, t, out, &len), ==, SB_EEXIST);
  g_assert_cmpint(s.tokens, ==, tokens); /* nothing sent, nothing spent */
  g_assert_cmpint(resend(&s, 1000, t + 19999, out, &len), ==, SB_EEXIST);
  g_assert_cmpuint(s.c.rtx_suppressed, ==, 2);
  g_assert_cmpint(resend(&s, 1000, t + 20000, out, &len), ==, SB_OK);
  /* RTT 100 ms: 90 ms. */
  s.rtt_us = 100000;
  g_assert_cmpint(resend(&s, 1000, t + 20000 + 89999, out, &len), ==, SB_EEXIST);
  g_assert_cmpint(resend(&s, 1000, t + 20000 + 90000, out, &len), ==, SB_OK);
  g_assert_cmpuint(s.c.retransmitted, ==, 3);
  g_assert_cmpuint(s.c.rtx_suppressed, ==, 3);
  g_assert_cmpuint(s.rtx_seq, ==, 7003);
  sb_tx_stream_clear(&s);
}

/* A packet forwarded late (recovered upstream) counts as resent: the
 * receiver's NACK that crossed it gets nothing. */
static void test_late_packet_counts_as_sent(void) {
  sb_msection rcv;
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  uint8_t pkt[1500], out[1500];
  const int64_t t = 1000000;
  fwd(&s, 50, 0, 10, t, pkt);
  fwd(&s, 52, 0, 10, t, pkt);
  fwd(&s, 51, 0, 10, t + 1000, pkt);
  g_assert_cmpuint((unsigned)(pkt[2] << 8 | pkt[3]), ==, 1001);
  size_t len;
  g_assert_cmpint(resend(&s, 1001, t + 2000, out, &len), ==, SB_EEXIST);
  g_assert_cmpint(resend(&s, 1002, t + 2000, out, &len), ==, SB_OK); /* in order: not marked */
  g_assert_cmpint(resend(&s, 1001, t + 21000, out, &len), ==, SB_OK);
  sb_tx_stream_clear(&s);
}

/* A new source behind the same track: the receiver's numbering goes on. */
static void test_source_change_rebases(void) {
  sb_msection pub, rcv;
  vp8_section(&pub, "0", PUB_PT, PUB_RTX);
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_rx_stream src;
  sb_rx_stream_init(&src, &pub, PUB_SSRC, 0);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  s.src = &src;
  uint8_t pkt[1500];
  fwd(&s, 50, 1000, 10, 0, pkt);
  fwd(&s, 51, 1900, 10, 10000, pkt);
  sb_rx_stream_set_ssrc(&src, 0x99999999u);
  /* 40 ms later, seq 9000 ts 777: continues at 1002, 5900 + 40 ms * 90 + 1. */
  fwd(&s, 9000, 777, 10, 50000, pkt);
  g_assert_cmpuint((unsigned)(pkt[2] << 8 | pkt[3]), ==, 1002);
  uint32_t ts = (uint32_t)pkt[4] << 24 | (uint32_t)pkt[5] << 16 | (uint32_t)pkt[6] << 8 | pkt[7];
  g_assert_cmpuint(ts, ==, 5900 + 3600 + 1);
  g_assert_cmpuint(s.src_epoch, ==, 1);
  uint8_t out[1500];
  size_t len;
  g_assert_cmpint(resend(&s, 1001, 60000, out, &len), ==, SB_OK); /* history kept */
  g_assert_cmpint(resend(&s, 1002, 60000, out, &len), ==, SB_OK);
  sb_tx_stream_clear(&s);
}

/* ---- rate limit ---- */

static void test_rate_limit(void) {
  sb_msection rcv;
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  uint8_t pkt[1500], out[1500];
  const int64_t t = 1000000;
  /* 200 packets of 1000 bytes: an RTX costs 1002 bytes of the bucket. */
  for (int i = 0; i < 200; i++)
    g_assert_cmpuint(fwd(&s, (uint16_t)(100 + i), 0, 988, t, pkt), ==, 1000);
  g_assert_cmpint(s.tokens, ==, SB_TX_RTX_BURST_BYTES);
  size_t len;
  /* 65536 / 1002 = 65 go, the 66th is refused (406 bytes left). */
  for (int i = 0; i < 65; i++)
    g_assert_cmpint(resend(&s, (uint16_t)(1000 + i), t, out, &len), ==, SB_OK);
  g_assert_cmpint(s.tokens, ==, 406);
  g_assert_cmpint(resend(&s, 1065, t, out, &len), ==, SB_EFULL);
  g_assert_cmpuint(s.c.rtx_rate_limited, ==, 1);
  g_assert_cmpuint(s.rtx_seq, ==, 7065);
  /* 4 Mbit/s = 0.5 byte/us: 596 more bytes take 1192 us. */
  g_assert_cmpint(resend(&s, 1065, t + 1192, out, &len), ==, SB_OK);
  g_assert_cmpint(s.tokens, ==, 0);
  g_assert_cmpint(resend(&s, 1066, t + 1192, out, &len), ==, SB_EFULL);
  /* A suppressed resend with an empty bucket shows as rate-limited. */
  g_assert_cmpint(resend(&s, 1000, t + 1192, out, &len), ==, SB_EFULL);
  g_assert_cmpuint(s.c.rtx_rate_limited, ==, 3);
  /* 200 ms idle: the bucket is full again, never more than its depth. */
  for (int i = 0; i < 65; i++)
    g_assert_cmpint(resend(&s, (uint16_t)(1066 + i), t + 200000, out, &len), ==, SB_OK);
  g_assert_cmpint(resend(&s, 1131, t + 200000, out, &len), ==, SB_EFULL);
  g_assert_cmpuint(s.c.retransmitted, ==, 131);
  g_assert_cmpuint(s.c.rtx_rate_limited, ==, 4);
  g_assert_cmpuint(s.rtx_seq, ==, 7131);
  sb_tx_stream_clear(&s);
}

/* ---- reports ---- */

static void test_sender_report_and_rtt(void) {
  sb_msection pub, rcv;
  vp8_section(&pub, "0", PUB_PT, PUB_RTX);
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_rx_stream src;
  sb_rx_stream_init(&src, &pub, PUB_SSRC, 0);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  s.src = &src;
  sb_rtcp_sr sr;
  g_assert_cmpint(sb_tx_stream_sender_report(&s, 0, &sr), ==, SB_ESTATE); /* nothing sent */
  uint8_t pkt[1500];
  fwd(&s, 50, 1000, 100, 1200000, pkt); /* ts_delta = 4000 */
  g_assert_cmpint(sb_tx_stream_sender_report(&s, 1200000, &sr), ==, SB_ESTATE); /* no SR */
  /* The publisher's SR: 16.0 s, RTP 90000, arriving at 1.0 s. */
  sb_rx_stream_on_sr(&src, 16ull << 32, 90000, 1000000);
  g_assert_cmpint(sb_tx_stream_sender_report(&s, 1500000, &sr), ==, SB_OK);
  g_assert_cmphex(sr.ssrc, ==, TX_SSRC);
  g_assert_cmphex(sr.ntp, ==, (16ull << 32) + 0x80000000ull); /* + 0.5 s */
  g_assert_cmpuint(sr.rtp_ts, ==, 90000 + 45000 + 4000);      /* + 0.5 s of 90 kHz, mapped */
  g_assert_cmpuint(sr.packet_count, ==, 1);
  g_assert_cmpuint(sr.octet_count, ==, 100);
  g_assert_cmpuint(sr.n_reports, ==, 0);

  /* The receiver answers: LSR = 0x00108000, DLSR 0.1 s (6554), arriving
   * 150 ms after our SR: RTT = 150000 - 100006 = 49994 us. */
  g_assert_cmpint(s.rtt_us, ==, 0);
  sb_rtcp_report_block b = {.ssrc = TX_SSRC,
                            .fraction_lost = 12,
                            .cumulative_lost = 3,
                            .ext_highest_seq = 1000,
                            .jitter = 77,
                            .lsr = 0x00108000,
                            .dlsr = 6554};
  sb_tx_stream_on_report_block(&s, &b, 1650000);
  g_assert_true(s.have_report);
  g_assert_cmpuint(s.fraction_lost, ==, 12);
  g_assert_cmpint(s.cumulative_lost, ==, 3);
  g_assert_cmpuint(s.jitter, ==, 77);
  g_assert_cmpint(s.rtt_us, ==, 49994);
  /* An LSR we never sent, or none: loss counts, RTT stays. */
  b.lsr = 0x12345678;
  b.fraction_lost = 1;
  sb_tx_stream_on_report_block(&s, &b, 1700000);
  g_assert_cmpuint(s.fraction_lost, ==, 1);
  b.lsr = 0;
  sb_tx_stream_on_report_block(&s, &b, 1700000);
  g_assert_cmpint(s.rtt_us, ==, 49994);

  /* Second SR at 2.5 s: 17.5 s; answered at once 80 ms later. */
  g_assert_cmpint(sb_tx_stream_sender_report(&s, 2500000, &sr), ==, SB_OK);
  g_assert_cmphex(sr.ntp, ==, (17ull << 32) + 0x80000000ull);
  b.lsr = 0x00118000;
  b.dlsr = 0;
  sb_tx_stream_on_report_block(&s, &b, 2580000);
  g_assert_cmpint(s.rtt_us, ==, (7 * 49994 + 80000) / 8); /* 53744 */
  /* The first SR is still remembered (4 kept). */
  b.lsr = 0x00108000;
  sb_tx_stream_on_report_block(&s, &b, 2600000);
  g_assert_cmpint(s.rtt_us, ==, (7 * 53744 + 1100000) / 8);
  sb_tx_stream_clear(&s);
}

/* ---- through the media session ---- */

typedef struct {
  unsigned rtp, rtcp, keyframes, estimates;
  uint64_t last_bps;
  sb_tx_stream *last_tx;
  uint8_t first[64], last[64];
  size_t last_len, max_cap;
} capture;

static void c_rtcp(void *u, uint8_t *b, size_t l, size_t cap) {
  capture *c = u;
  (void)b, (void)l;
  c->rtcp++;
  if (cap > c->max_cap) c->max_cap = cap;
}
static void c_rtp(void *u, uint8_t *b, size_t l, size_t cap) {
  capture *c = u;
  g_assert_cmpuint(l, <=, cap);
  if (!c->rtp) memcpy(c->first, b, MIN(l, sizeof c->first));
  memcpy(c->last, b, MIN(l, sizeof c->last));
  c->last_len = l;
  c->rtp++;
}
static void c_kf(void *u, sb_tx_stream *tx) {
  capture *c = u;
  c->keyframes++;
  c->last_tx = tx;
}
static void c_est(void *u, sb_tx_stream *tx, uint64_t bps) {
  capture *c = u;
  c->estimates++;
  c->last_tx = tx;
  c->last_bps = bps;
}
static const sb_msess_io cap_io = {c_rtcp, c_rtp, c_kf, c_est};

/* 256 pairs, each PID 17 after the last with all 16 BLP bits: 4352 seqs
 * from 1000 on. */
static size_t storm_nack(uint8_t *buf, size_t cap) {
  sb_rtcp_nack nack = {.sender_ssrc = 0x77777777u, .media_ssrc = TX_SSRC, .n_pairs = 256};
  for (int k = 0; k < 256; k++)
    nack.pairs[k] = (sb_rtcp_nack_pair){.pid = (uint16_t)(1000 + 17 * k), .blp = 0xffff};
  size_t w = 0;
  g_assert_cmpint(sb_rtcp_nack_write(&nack, buf, cap, &w), ==, SB_OK);
  g_assert_cmpuint(w, ==, 12 + 4 * 256);
  return w;
}

static void test_msess_nack_storm_bounded(void) {
  sb_msection rcv;
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  capture c = {0};
  sb_msess *ms = sb_msess_new(OUR_SSRC, "t", &cap_io, &c);
  sb_msess_add_tx(ms, &s);
  uint8_t pkt[1500];
  const int64_t t = 1000000;
  /* 1024 packets of 500 bytes (the whole video history): 1000..2023. */
  for (int i = 0; i < 1024; i++)
    fwd(&s, (uint16_t)i, 0, 488, t, pkt);
  uint8_t nack[1100];
  size_t n = storm_nack(nack, sizeof nack);
  sb_msess_on_rtcp(ms, nack, n, t);
  /* 65536 / 502 = 130 go; the other 894 in the history wait for tokens;
   * 3328 were never sent. */
  g_assert_cmpuint(c.rtp, ==, 130);
  g_assert_cmpuint(ms->c.rtx_out, ==, 130);
  g_assert_cmpuint(s.c.nack_packets, ==, 1);
  g_assert_cmpuint(s.c.nack_seqs, ==, 4352);
  g_assert_cmpuint(s.c.retransmitted, ==, 130);
  g_assert_cmpuint(s.c.rtx_rate_limited, ==, 894);
  g_assert_cmpuint(s.c.rtx_missing, ==, 3328);
  g_assert_cmpuint(c.last_len, ==, 502);
  /* RTX seq 7000, timestamp 0 + 5000, OSN 1000. */
  static const uint8_t first[14] = {0x80, 101,  0x1b, 0x58, 0x00, 0x00, 0x13,
                                    0x88, 0x44, 0x44, 0x44, 0x44, 0x03, 0xe8};
  g_assert_cmpmem(c.first, 14, first, 14);
  g_assert_cmpuint((unsigned)(c.last[2] << 8 | c.last[3]), ==, 7129);
  g_assert_cmpuint((unsigned)(c.last[12] << 8 | c.last[13]), ==, 1129);
  /* The same NACK 1 ms later: 500 bytes refilled (776 in the bucket); the
   * 130 already sent are suppressed (their tokens handed back), one more
   * goes. */
  sb_msess_on_rtcp(ms, nack, n, t + 1000);
  g_assert_cmpuint(c.rtp, ==, 131);
  g_assert_cmpuint((unsigned)(c.last[12] << 8 | c.last[13]), ==, 1130);
  g_assert_cmpuint(s.c.rtx_suppressed, ==, 130);
  g_assert_cmpuint(s.c.rtx_rate_limited, ==, 894 + 893);
  g_assert_cmpuint(s.c.nack_seqs, ==, 8704);
  /* A NACK for an SSRC we do not send: nothing. */
  nack[8] = 0x12;
  sb_msess_on_rtcp(ms, nack, n, t + 300000);
  g_assert_cmpuint(c.rtp, ==, 131);
  g_assert_cmpuint(s.c.nack_packets, ==, 2);
  sb_msess_free(ms);
  sb_tx_stream_clear(&s);
}

static void test_msess_remb_fir_unknown_ssrc(void) {
  sb_msection rcv;
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  capture c = {0};
  sb_msess *ms = sb_msess_new(OUR_SSRC, "t", &cap_io, &c);
  sb_msess_add_tx(ms, &s);
  uint8_t buf[1200];
  size_t w, pos = 0;
  /* REMB for two unknown SSRCs and ours: one estimate, for ours. */
  sb_rtcp_remb remb = {.sender_ssrc = 0x77777777u, .bitrate_bps = 250000, .n_ssrcs = 3};
  remb.ssrcs[0] = 0xdead0001u;
  remb.ssrcs[1] = TX_SSRC;
  remb.ssrcs[2] = TX_RTX;
  g_assert_cmpint(sb_rtcp_remb_write(&remb, buf, sizeof buf, &w), ==, SB_OK);
  pos += w;
  /* Ten FIRs of two entries each, one ours: ten requests. */
  for (int i = 0; i < 10; i++) {
    sb_rtcp_fir fir = {.sender_ssrc = 0x77777777u, .n_entries = 2};
    fir.entries[0] = (sb_rtcp_fir_entry){.ssrc = 0xdead0002u, .seq = (uint8_t)i};
    fir.entries[1] = (sb_rtcp_fir_entry){.ssrc = TX_SSRC, .seq = (uint8_t)i};
    g_assert_cmpint(sb_rtcp_fir_write(&fir, buf + pos, sizeof buf - pos, &w), ==, SB_OK);
    pos += w;
  }
  sb_msess_on_rtcp(ms, buf, pos, 1000000);
  g_assert_cmpuint(c.estimates, ==, 1);
  g_assert_cmpuint(c.last_bps, ==, 250000);
  g_assert_true(c.last_tx == &s);
  g_assert_cmpuint(s.remb_bps, ==, 250000);
  g_assert_cmpint(s.remb_at_us, ==, 1000000);
  g_assert_cmpuint(c.keyframes, ==, 10);
  g_assert_cmpuint(s.c.firs, ==, 10);
  g_assert_cmpuint(s.c.rembs, ==, 1);
  /* Only unknown SSRCs: nothing at all. */
  remb.ssrcs[1] = 0xdead0003u;
  g_assert_cmpint(sb_rtcp_remb_write(&remb, buf, sizeof buf, &w), ==, SB_OK);
  sb_msess_on_rtcp(ms, buf, w, 2000000);
  g_assert_cmpuint(c.estimates, ==, 1);
  sb_msess_free(ms);
  sb_tx_stream_clear(&s);
}

static void test_msess_rr_sets_rtt(void) {
  sb_msection pub, rcv;
  vp8_section(&pub, "0", PUB_PT, PUB_RTX);
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_rx_stream src;
  sb_rx_stream_init(&src, &pub, PUB_SSRC, 0);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  s.src = &src;
  capture c = {0};
  sb_msess *ms = sb_msess_new(OUR_SSRC, "t", &cap_io, &c);
  sb_msess_add_tx(ms, &s);
  uint8_t pkt[1500];
  fwd(&s, 50, 1000, 100, 1000000, pkt);
  sb_rx_stream_on_sr(&src, 16ull << 32, 90000, 1000000);
  sb_msess_poll(ms, 1000000); /* schedules the first report at 2.0 s */
  sb_msess_poll(ms, 2000000); /* SR: 17.0 s -> LSR 0x00110000 */
  g_assert_cmpuint(c.rtcp, ==, 1);
  g_assert_cmpuint(c.max_cap, ==, SB_MSESS_RTCP_MAX + SB_MSESS_TRAILER);
  sb_rtcp_rr rr = {.ssrc = 0x77777777u, .n_reports = 1};
  rr.reports[0] = (sb_rtcp_report_block){.ssrc = TX_SSRC, .lsr = 0x00110000, .dlsr = 3277};
  uint8_t buf[64];
  size_t w;
  g_assert_cmpint(sb_rtcp_rr_write(&rr, buf, sizeof buf, &w), ==, SB_OK);
  /* 3277 / 65536 s = 50003 us; arriving 80 ms after the SR: 29997 us. */
  sb_msess_on_rtcp(ms, buf, w, 2080000);
  g_assert_cmpint(s.rtt_us, ==, 29997);
  g_assert_cmpint(ms->rtt_us, ==, 29997);
  sb_msess_free(ms);
  sb_tx_stream_clear(&s);
}

/* ---- regressions (see the header comment) ---- */

/* The SR's NTP time is the publisher's plus the time since, as
 * ((uint64_t)elapsed << 32) / 1000000: the shift overflows once elapsed
 * reaches 2^32 us (71.6 minutes without a new SR from the publisher), and
 * the NTP time jumps back. */
static void test_bug_sr_ntp_overflow(void) {
  sb_msection pub, rcv;
  vp8_section(&pub, "0", PUB_PT, PUB_RTX);
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_rx_stream src;
  sb_rx_stream_init(&src, &pub, PUB_SSRC, 0);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  s.src = &src;
  uint8_t pkt[1500];
  fwd(&s, 50, 1000, 100, 1000000, pkt);
  sb_rx_stream_on_sr(&src, 0x1000ull << 32, 90000, 1000000);
  sb_rtcp_sr sr;
  g_assert_cmpint(sb_tx_stream_sender_report(&s, 1000000 + 4400000000ll, &sr), ==, SB_OK);
  g_assert_cmphex(sr.ntp, ==, (0x1000ull + 4400) << 32);
  sb_tx_stream_clear(&s);
}

/* The token bucket's first refill multiplies now_us - 0 by 500000: signed
 * overflow once the monotonic clock passes 2^63 / 500000 us (213.5 days of
 * uptime), after which the bucket is (in practice) hugely negative and no
 * retransmission ever goes. */
static void test_bug_token_refill_overflow(void) {
  sb_msection rcv;
  vp8_section(&rcv, "s0", RCV_PT, RCV_RTX);
  sb_tx_stream s;
  tx_setup(&s, &rcv);
  const int64_t now = 20000000000000ll; /* 231 days */
  uint8_t pkt[1500], out[1500];
  fwd(&s, 1, 0, 100, now, pkt);
  size_t len;
  g_assert_cmpint(resend(&s, 1000, now, out, &len), ==, SB_OK);
  sb_tx_stream_clear(&s);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/tx-stream/rewrite-and-rtx", test_rewrite_and_rtx);
  g_test_add_func("/tx-stream/plain-resend", test_plain_resend);
  g_test_add_func("/tx-stream/no-resend-within-rtt", test_no_resend_within_rtt);
  g_test_add_func("/tx-stream/late-packet-counts-as-sent", test_late_packet_counts_as_sent);
  g_test_add_func("/tx-stream/source-change-rebases", test_source_change_rebases);
  g_test_add_func("/tx-stream/rate-limit", test_rate_limit);
  g_test_add_func("/tx-stream/sender-report-and-rtt", test_sender_report_and_rtt);
  g_test_add_func("/tx-stream/msess-nack-storm-bounded", test_msess_nack_storm_bounded);
  g_test_add_func("/tx-stream/msess-remb-fir-unknown-ssrc", test_msess_remb_fir_unknown_ssrc);
  g_test_add_func("/tx-stream/msess-rr-sets-rtt", test_msess_rr_sets_rtt);
  g_test_add_func("/tx-stream/regression/sr-ntp-overflow", test_bug_sr_ntp_overflow);
  g_test_add_func("/tx-stream/regression/token-refill-overflow", test_bug_token_refill_overflow);
  return g_test_run();
}
