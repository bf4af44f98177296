/* test_rx_stream.c - unit tests for one published stream as the server
 * receives it (core/rx_stream.c), with hand-built packets and hand-computed
 * values: RTX unwrapped back into the original and forwarded, a second copy
 * of a recovered packet refused, padding probes, payload types the section
 * did not negotiate, the NACK sent upstream (bytes and timing), PLI/FIR
 * keyframe requests and their throttle, the receiver report block
 * (loss, highest seq, LSR/DLSR from the publisher's SR) and what an SSRC
 * change resets.
 *
 * Tests under /rx-stream/regression/ hold bugs a review found (each failed
 * before its fix). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/media_session.h"
#include "core/nack_gen.h"
#include "core/rtcp.h"
#include "core/rtcp_fir.h"
#include "core/rtcp_nack.h"
#include "core/rtcp_pli.h"
#include "core/rtcp_remb.h"
#include "core/rtcp_sr.h"
#include "core/rtp.h"
#include "core/rx_stream.h"
#include "../lib/vp8_section.h"

#define MEDIA_SSRC 0x11111111u
#define RTX_SSRC   0x22222222u
#define OUR_SSRC   0xaaaa0001u
#define VP8_PT     96
#define RTX_PT     97

static void video_section(sb_msection *sec) { sb_test_vp8_section(sec, "0", VP8_PT, RTX_PT); }

/* A plain packet: 12-byte header, then payload, then pad bytes of padding. */
static size_t make_rtp(uint8_t *buf, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                       const void *payload, size_t plen, uint8_t pad) {
  sb_rtp_fields f = {.payload_type = pt, .seq = seq, .timestamp = ts, .ssrc = ssrc};
  f.padding = pad > 0;
  size_t n = 0;
  g_assert_cmpint(sb_rtp_write(&f, buf, 1500, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 12);
  if (plen) memcpy(buf + n, payload, plen);
  n += plen;
  if (pad) {
    memset(buf + n, 0, pad);
    buf[n + pad - 1] = pad;
    n += pad;
  }
  return n;
}

/* Feeds one packet; returns what the stream said. */
static int feed(sb_rx_stream *s, uint8_t *buf, size_t *len, sb_rtp_header *h, bool is_rtx,
                int64_t now) {
  g_assert_cmpint(sb_rtp_parse(buf, *len, h), ==, SB_OK);
  return sb_rx_stream_on_rtp(s, buf, len, h, is_rtx, now);
}

static int media(sb_rx_stream *s, uint16_t seq, int64_t now) {
  uint8_t buf[64];
  static const uint8_t payload[4] = {0xde, 0xad, 0xbe, 0xef};
  size_t len = make_rtp(buf, VP8_PT, seq, (uint32_t)seq * 900u, MEDIA_SSRC, payload, 4, 0);
  sb_rtp_header h;
  return feed(s, buf, &len, &h, false, now);
}

/* An RTX packet on RTX_SSRC (its own seq rtx_seq) carrying osn + tail. */
static size_t make_rtx(uint8_t *buf, uint16_t rtx_seq, uint16_t osn, const char *tail) {
  uint8_t payload[64];
  size_t tl = strlen(tail);
  payload[0] = (uint8_t)(osn >> 8);
  payload[1] = (uint8_t)osn;
  memcpy(payload + 2, tail, tl);
  return make_rtp(buf, RTX_PT, rtx_seq, (uint32_t)osn * 900u, RTX_SSRC, payload, 2 + tl, 0);
}

/* ---- RTX ---- */

static void test_rtx_unwrap_forward(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  g_assert_cmpint(media(&s, 100, 1000000), ==, SB_OK);
  g_assert_cmpint(media(&s, 101, 1010000), ==, SB_OK);
  g_assert_cmpint(media(&s, 103, 1030000), ==, SB_OK); /* 102 is missing */
  g_assert_cmpuint(sb_nack_gen_missing(&s.nack_gen), ==, 1);

  uint8_t buf[64];
  size_t len = make_rtx(buf, 5000, 102, "abc");
  g_assert_cmpuint(len, ==, 12 + 2 + 3);
  sb_rtp_header h;
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 1050000), ==, SB_OK);
  /* Back to the original: OSN gone, media PT, SSRC and seq. */
  g_assert_cmpuint(len, ==, 15);
  g_assert_cmpuint(h.len, ==, 15);
  g_assert_cmpuint(h.seq, ==, 102);
  g_assert_cmpuint(h.payload_type, ==, VP8_PT);
  g_assert_cmpuint(h.ssrc, ==, MEDIA_SSRC);
  g_assert_cmpuint(h.timestamp, ==, 102u * 900u);
  g_assert_cmpuint(h.payload_len, ==, 3);
  g_assert_cmpmem(buf + 12, 3, "abc", 3);
  static const uint8_t hdr[12] = {0x80, 96, 0, 102, 0, 0x01, 0x66, 0x98, 0x11, 0x11, 0x11, 0x11};
  g_assert_cmpmem(buf, 12, hdr, 12); /* ts 102 * 900 = 91800 = 0x16698 */
  g_assert_cmpuint(s.c.rtx_packets, ==, 1);
  g_assert_cmpuint(s.c.recovered, ==, 1);
  g_assert_cmpuint(s.c.duplicates, ==, 0);
  g_assert_cmpuint(s.c.packets, ==, 4);
  g_assert_cmpuint(s.c.bytes, ==, 3 * 16 + 15);
  g_assert_cmpuint(sb_nack_gen_missing(&s.nack_gen), ==, 0);

  /* The same retransmission again: we have it, not forwarded twice. */
  len = make_rtx(buf, 5001, 102, "abc");
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 1060000), ==, SB_EEXIST);
  g_assert_cmpuint(s.c.rtx_packets, ==, 2);
  g_assert_cmpuint(s.c.duplicates, ==, 1);
  g_assert_cmpuint(s.c.packets, ==, 4);
  /* An RTX of a packet that came in the first place: also refused. */
  len = make_rtx(buf, 5002, 101, "x");
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 1070000), ==, SB_EEXIST);
  g_assert_cmpuint(s.c.duplicates, ==, 2);
}

static void test_rtx_probe_and_malformed(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  g_assert_cmpint(media(&s, 7, 0), ==, SB_OK);
  uint8_t buf[300];
  sb_rtp_header h;
  /* Padding only (a bandwidth probe): nothing to recover. */
  size_t len = make_rtp(buf, RTX_PT, 9, 0, RTX_SSRC, NULL, 0, 224);
  g_assert_cmpuint(len, ==, 236);
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 1000), ==, SB_ENOTFOUND);
  g_assert_cmpuint(len, ==, 236); /* untouched */
  g_assert_cmpuint(s.c.rtx_packets, ==, 1);
  g_assert_cmpuint(s.c.packets, ==, 1);
  /* One byte of payload: shorter than the OSN. */
  static const uint8_t one = 0x42;
  len = make_rtp(buf, RTX_PT, 10, 0, RTX_SSRC, &one, 1, 0);
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 2000), ==, SB_ETRUNC);
  /* An RTX payload type the section does not have. */
  len = make_rtx(buf, 11, 8, "z");
  buf[1] = 98;
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 3000), ==, SB_EUNSUPPORTED);
  g_assert_cmpuint(s.c.rtx_packets, ==, 3);
  g_assert_cmpuint(s.c.packets, ==, 1);
  g_assert_cmpuint(s.c.recovered, ==, 0);
}

static void test_rtx_before_media_ssrc(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, 0, RTX_SSRC); /* media SSRC not known yet */
  uint8_t buf[64];
  sb_rtp_header h;
  size_t len = make_rtx(buf, 1, 8, "q");
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 0), ==, SB_EUNSUPPORTED);
  g_assert_cmpuint(len, ==, 15);
}

static void test_pt_not_negotiated(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  uint8_t buf[64];
  sb_rtp_header h;
  size_t len = make_rtp(buf, 100, 1, 0, MEDIA_SSRC, "p", 1, 0);
  g_assert_cmpint(feed(&s, buf, &len, &h, false, 0), ==, SB_EUNSUPPORTED);
  /* The RTX payload type on the media SSRC is not media either. */
  len = make_rtp(buf, RTX_PT, 1, 0, MEDIA_SSRC, "pq", 2, 0);
  g_assert_cmpint(feed(&s, buf, &len, &h, false, 0), ==, SB_EUNSUPPORTED);
  g_assert_cmpuint(s.c.packets, ==, 0);
  g_assert_false(s.stats_started);
  g_assert_cmpint(s.ok_pt, ==, -1);
  g_assert_cmpint(media(&s, 2, 0), ==, SB_OK);
  g_assert_cmpint(s.ok_pt, ==, VP8_PT);
  /* Renegotiated to another payload type: 96 is refused from then on. */
  sec.codecs[0].pt = 98;
  sb_rx_stream_set_section(&s, &sec);
  g_assert_cmpint(s.ok_pt, ==, -1);
  g_assert_cmpint(media(&s, 3, 0), ==, SB_EUNSUPPORTED);
}

/* ---- NACKs upstream ---- */

static void test_nack_upstream(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  const int64_t t = 5000000;
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), ==, INT64_MAX);
  g_assert_cmpint(media(&s, 1000, t), ==, SB_OK);
  g_assert_cmpint(media(&s, 1002, t + 1000), ==, SB_OK);
  g_assert_cmpint(media(&s, 1005, t + 2000), ==, SB_OK);
  /* 1001, 1003, 1004 missing: due at once (when found). */
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), ==, t + 1000);

  uint8_t buf[600];
  size_t w = 0;
  g_assert_cmpint(sb_rx_stream_poll(&s, t + 3000, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  /* One pair: PID 1001 (0x03e9), BLP bits 1 (1003) and 2 (1004) = 0x0006. */
  static const uint8_t want[] = {0x81, 0xcd, 0x00, 0x03, 0xaa, 0xaa, 0x00, 0x01,
                                 0x11, 0x11, 0x11, 0x11, 0x03, 0xe9, 0x00, 0x06};
  g_assert_cmpmem(buf, w, want, sizeof want);
  g_assert_cmpuint(s.c.nack_packets, ==, 1);
  g_assert_cmpuint(s.c.nack_seqs, ==, 3);
  /* Nothing more until the retry: RTT unknown -> 100 ms; known -> RTT. */
  g_assert_cmpint(sb_rx_stream_poll(&s, t + 3000, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  g_assert_cmpuint(w, ==, 0);
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), ==, t + 3000 + 100000);
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 30000), ==, t + 3000 + 30000);
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 2000), ==, t + 3000 + 10000); /* floor */

  /* 1003 comes back plain (a late original): recovered, not NACKed again. */
  g_assert_cmpint(media(&s, 1003, t + 20000), ==, SB_OK);
  g_assert_cmpuint(s.c.recovered, ==, 1);
  g_assert_cmpint(sb_rx_stream_poll(&s, t + 33000, 30000, OUR_SSRC, buf, sizeof buf, &w), ==,
                  SB_OK);
  /* PID 1001, BLP bit 2 (1004) = 0x0004. */
  static const uint8_t want2[] = {0x81, 0xcd, 0x00, 0x03, 0xaa, 0xaa, 0x00, 0x01,
                                  0x11, 0x11, 0x11, 0x11, 0x03, 0xe9, 0x00, 0x04};
  g_assert_cmpmem(buf, w, want2, sizeof want2);
  g_assert_cmpuint(s.c.nack_packets, ==, 2);
  g_assert_cmpuint(s.c.nack_seqs, ==, 5);

  /* Without rtcp-fb nack nothing is tracked or sent. */
  sb_msection plain;
  video_section(&plain);
  plain.codecs[0].fb_nack = false;
  sb_rx_stream p;
  sb_rx_stream_init(&p, &plain, MEDIA_SSRC, RTX_SSRC);
  g_assert_cmpint(media(&p, 1, t), ==, SB_OK);
  g_assert_cmpint(media(&p, 9, t), ==, SB_OK);
  g_assert_cmpint(sb_rx_stream_next_deadline(&p, 0), ==, INT64_MAX);
  g_assert_cmpint(sb_rx_stream_poll(&p, t, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  g_assert_cmpuint(w, ==, 0);
}

/* Giving up (10 NACKs) wants a keyframe: a PLI follows the last NACK. */
static void test_give_up_asks_keyframe(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  g_assert_cmpint(media(&s, 1, 0), ==, SB_OK);
  g_assert_cmpint(media(&s, 3, 0), ==, SB_OK);
  uint8_t buf[600];
  size_t w;
  int64_t now = 0;
  for (int i = 0; i < 10; i++, now += 50000) {
    g_assert_cmpint(sb_rx_stream_poll(&s, now, 50000, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
    g_assert_cmpuint(w, ==, 16);
  }
  g_assert_cmpuint(s.c.nack_seqs, ==, 10);
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 50000), ==, 500000);
  g_assert_cmpint(sb_rx_stream_poll(&s, now, 50000, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  /* No NACK, a PLI. */
  static const uint8_t pli[] = {0x81, 0xce, 0x00, 0x02, 0xaa, 0xaa,
                                0x00, 0x01, 0x11, 0x11, 0x11, 0x11};
  g_assert_cmpmem(buf, w, pli, sizeof pli);
  g_assert_cmpuint(s.c.given_up, ==, 1);
  g_assert_cmpuint(s.c.plis, ==, 1);
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 50000), ==, INT64_MAX);
}

/* ---- keyframe requests ---- */

static void test_keyframe_throttle(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  g_assert_cmpint(media(&s, 1, 0), ==, SB_OK);
  uint8_t buf[600];
  size_t w;
  const int64_t t = 2000000;
  g_assert_true(sb_rx_stream_request_keyframe(&s, t));
  g_assert_true(sb_rx_stream_request_keyframe(&s, t + 1)); /* already pending */
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), ==, 0);
  g_assert_cmpint(sb_rx_stream_poll(&s, t + 10, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  static const uint8_t pli[] = {0x81, 0xce, 0x00, 0x02, 0xaa, 0xaa,
                                0x00, 0x01, 0x11, 0x11, 0x11, 0x11};
  g_assert_cmpmem(buf, w, pli, sizeof pli);
  g_assert_cmpuint(s.c.plis, ==, 1);
  g_assert_cmpint(s.last_keyframe_req_us, ==, t + 10);
  /* Within 300 ms of the one sent: refused, nothing pending. */
  g_assert_false(sb_rx_stream_request_keyframe(&s, t + 10 + 299999));
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), ==, INT64_MAX);
  g_assert_cmpint(sb_rx_stream_poll(&s, t + 10 + 299999, 0, OUR_SSRC, buf, sizeof buf, &w), ==,
                  SB_OK);
  g_assert_cmpuint(w, ==, 0);
  /* 300 ms after: goes. */
  g_assert_true(sb_rx_stream_request_keyframe(&s, t + 10 + 300000));
  g_assert_cmpint(sb_rx_stream_poll(&s, t + 10 + 300000, 0, OUR_SSRC, buf, sizeof buf, &w), ==,
                  SB_OK);
  g_assert_cmpmem(buf, w, pli, sizeof pli);
  g_assert_cmpuint(s.c.plis, ==, 2);
}

static void test_keyframe_fir(void) {
  sb_msection sec;
  video_section(&sec);
  sec.codecs[0].fb_pli = false;
  sec.codecs[0].fb_fir = true;
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  g_assert_cmpint(media(&s, 1, 0), ==, SB_OK);
  uint8_t buf[600];
  size_t w;
  /* FIR, command sequence number 1 then 2 (RFC 5104 4.3.1). */
  g_assert_true(sb_rx_stream_request_keyframe(&s, 1000000));
  g_assert_cmpint(sb_rx_stream_poll(&s, 1000000, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  static const uint8_t fir1[] = {0x84, 0xce, 0x00, 0x04, 0xaa, 0xaa, 0x00, 0x01, 0x00, 0x00,
                                 0x00, 0x00, 0x11, 0x11, 0x11, 0x11, 0x01, 0x00, 0x00, 0x00};
  g_assert_cmpmem(buf, w, fir1, sizeof fir1);
  g_assert_true(sb_rx_stream_request_keyframe(&s, 1300000));
  g_assert_cmpint(sb_rx_stream_poll(&s, 1300000, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  g_assert_cmpuint(w, ==, 20);
  g_assert_cmpuint(buf[16], ==, 2);
  g_assert_cmpuint(s.c.firs, ==, 2);
  g_assert_cmpuint(s.c.plis, ==, 0);
}

/* No SSRC yet: a wanted keyframe waits (nothing to address it to). */
static void test_keyframe_needs_ssrc(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, 0, 0);
  g_assert_true(sb_rx_stream_request_keyframe(&s, 1000));
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), ==, INT64_MAX);
  uint8_t buf[64];
  size_t w = 99;
  g_assert_cmpint(sb_rx_stream_poll(&s, 1000, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  g_assert_cmpuint(w, ==, 0);
  sb_rx_stream_set_ssrc(&s, MEDIA_SSRC);
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), ==, 0);
  g_assert_cmpint(sb_rx_stream_poll(&s, 2000, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  g_assert_cmpuint(w, ==, 12);
}

/* ---- reports ---- */

static void test_report_block(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  sb_rtcp_report_block b;
  g_assert_cmpint(sb_rx_stream_report_block(&s, 0, &b), ==, SB_ESTATE);
  /* 100..109 without 105, one every 10 ms with timestamps 900 apart (90
   * kHz): transit is constant, so no jitter. */
  for (uint16_t q = 100; q <= 109; q++)
    if (q != 105) g_assert_cmpint(media(&s, q, 1000000 + (q - 100) * 10000), ==, SB_OK);
  g_assert_cmpint(sb_rx_stream_report_block(&s, 1100000, &b), ==, SB_OK);
  g_assert_cmphex(b.ssrc, ==, MEDIA_SSRC);
  g_assert_cmpuint(b.ext_highest_seq, ==, 109);
  g_assert_cmpint(b.cumulative_lost, ==, 1);
  g_assert_cmpuint(b.fraction_lost, ==, 25); /* 1 * 256 / 10 */
  g_assert_cmpuint(b.jitter, ==, 0);
  g_assert_cmpuint(b.lsr, ==, 0); /* no SR yet */
  g_assert_cmpuint(b.dlsr, ==, 0);

  /* The publisher's SR: NTP 0xe1234567.89abcdef, arriving at 2.0 s. */
  sb_rx_stream_on_sr(&s, 0xe123456789abcdefull, 12345, 2000000);
  g_assert_true(s.have_sr);
  g_assert_cmpint(media(&s, 110, 2010000), ==, SB_OK);
  g_assert_cmpint(sb_rx_stream_report_block(&s, 2500000, &b), ==, SB_OK);
  g_assert_cmphex(b.lsr, ==, 0x456789ab); /* the middle 32 bits */
  g_assert_cmpuint(b.dlsr, ==, 32768);    /* 0.5 s in 1/65536 s */
  g_assert_cmpuint(b.ext_highest_seq, ==, 110);
  g_assert_cmpuint(b.fraction_lost, ==, 0); /* nothing lost since the last report */
  g_assert_cmpint(b.cumulative_lost, ==, 1);
  /* 1.25 s after the SR: 81920. */
  g_assert_cmpint(sb_rx_stream_report_block(&s, 3250000, &b), ==, SB_OK);
  g_assert_cmpuint(b.dlsr, ==, 81920);
}

static void test_ssrc_change_resets(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  g_assert_cmpint(media(&s, 10, 0), ==, SB_OK);
  g_assert_cmpint(media(&s, 12, 0), ==, SB_OK);
  sb_rx_stream_on_sr(&s, 1ull << 32, 0, 0);
  g_assert_cmpuint(sb_nack_gen_missing(&s.nack_gen), ==, 1);
  sb_rx_stream_set_ssrc(&s, MEDIA_SSRC); /* the same: nothing happens */
  g_assert_cmpuint(s.epoch, ==, 0);
  g_assert_cmpuint(sb_nack_gen_missing(&s.nack_gen), ==, 1);
  sb_rx_stream_set_ssrc(&s, 0x5555u);
  g_assert_cmpuint(s.epoch, ==, 1);
  g_assert_false(s.have_sr);
  g_assert_false(s.stats_started);
  g_assert_cmpuint(sb_nack_gen_missing(&s.nack_gen), ==, 0);
  g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), ==, INT64_MAX);
  sb_rtcp_report_block b;
  g_assert_cmpint(sb_rx_stream_report_block(&s, 0, &b), ==, SB_ESTATE);
  g_assert_cmpuint(s.c.packets, ==, 2); /* counters stay */
}

/* ---- regressions (see the header comment) ---- */

/* A retransmission far behind (a late answer to an old NACK, or an RTX SSRC
 * left from the previous source) must not restart loss tracking: today it
 * is a RESET of the NACK generator, which forgets what is still missing and
 * asks for a keyframe, and the packet is still refused. */
static void test_bug_late_rtx_resets_tracking(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  for (uint16_t q = 2000; q <= 2010; q++)
    if (q != 2005) g_assert_cmpint(media(&s, q, 0), ==, SB_OK);
  g_assert_cmpuint(sb_nack_gen_missing(&s.nack_gen), ==, 1);
  uint8_t buf[64];
  sb_rtp_header h;
  size_t len = make_rtx(buf, 1, 900, "old"); /* 1110 behind */
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 1000), ==, SB_EEXIST);
  g_assert_cmpuint(s.nack_gen.resets, ==, 0);
  g_assert_cmpuint(sb_nack_gen_missing(&s.nack_gen), ==, 1); /* 2005 still wanted */
  g_assert_false(sb_nack_gen_take_keyframe_request(&s.nack_gen));
}

/* An RTX packet ahead of the highest seq is the only copy we will get of
 * that packet: today it is counted as a duplicate and dropped while the
 * NACK generator takes it as received, so nobody asks for it again. */
static void test_bug_rtx_ahead_dropped(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  g_assert_cmpint(media(&s, 10, 0), ==, SB_OK);
  uint8_t buf[64];
  sb_rtp_header h;
  size_t len = make_rtx(buf, 1, 11, "new");
  g_assert_cmpint(feed(&s, buf, &len, &h, true, 1000), ==, SB_OK);
  g_assert_cmpuint(h.seq, ==, 11);
  g_assert_cmpuint(s.c.duplicates, ==, 0);
}

/* rx_stream_poll with the room sb_msess_poll guarantees (600 bytes) and 256
 * isolated missing seqs: the NACK (12 + 256 * 4 bytes) does not fit, is not
 * written, and the generator counts all 256 as NACKed anyway, so they wait a
 * full retry interval. They should either go (as many as fit) or stay due. */
static void test_bug_nack_too_big_for_room(void) {
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  /* Every 17th seq missing: no two share a PID/BLP pair. */
  uint16_t q = 0;
  g_assert_cmpint(media(&s, q, 0), ==, SB_OK);
  for (int k = 0; k < 256; k++) {
    q = (uint16_t)(q + 2); /* skips one */
    g_assert_cmpint(media(&s, q, 0), ==, SB_OK);
    for (int j = 0; j < 15; j++)
      g_assert_cmpint(media(&s, ++q, 0), ==, SB_OK);
  }
  g_assert_cmpuint(sb_nack_gen_missing(&s.nack_gen), ==, 256);
  uint8_t buf[600];
  size_t w = 0;
  g_assert_cmpint(sb_rx_stream_poll(&s, 1000, 0, OUR_SSRC, buf, sizeof buf, &w), ==, SB_OK);
  size_t asked = s.c.nack_seqs;
  g_assert_cmpuint(s.nack_gen.nacks_sent, ==, asked); /* counted only what went out */
  g_assert_cmpuint(w, >, 0);
  /* What did not fit is still due now. */
  if (asked < 256) g_assert_cmpint(sb_rx_stream_next_deadline(&s, 0), <=, 1000);
}

/* REMB towards the publisher: when the cap is lifted (set_remb(0)), nothing
 * is sent any more, and libwebrtc keeps the last REMB as its limit for
 * good (it has no timeout; a REMB of 0 means "no limit" to it). */
static unsigned remb_count;
static uint64_t remb_last;
static void cap_rtcp(void *u, uint8_t *buf, size_t len, size_t cap) {
  (void)u, (void)cap;
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, buf, len);
  while (sb_rtcp_iter_next(&it, &p) > 0) {
    sb_rtcp_remb r;
    if (p.pt == SB_RTCP_PT_PSFB && p.count == SB_RTCP_FMT_AFB &&
        sb_rtcp_remb_parse(p.data, p.len, &r) == SB_OK) {
      remb_count++;
      remb_last = r.bitrate_bps;
    }
  }
}
static void cap_rtp(void *u, uint8_t *b, size_t l, size_t c) { (void)u, (void)b, (void)l, (void)c; }
static void cap_kf(void *u, sb_tx_stream *t) { (void)u, (void)t; }
static void cap_est(void *u, sb_tx_stream *t, uint64_t b) { (void)u, (void)t, (void)b; }

static void test_bug_remb_cap_never_lifted(void) {
  static const sb_msess_io io = {cap_rtcp, cap_rtp, cap_kf, cap_est};
  sb_msection sec;
  video_section(&sec);
  sb_rx_stream s;
  sb_rx_stream_init(&s, &sec, MEDIA_SSRC, RTX_SSRC);
  sb_msess *ms = sb_msess_new(OUR_SSRC, "t", &io, NULL);
  sb_msess_add_rx(ms, &s);
  remb_count = 0;
  sb_msess_set_remb(ms, 300000, 1000000);
  sb_msess_poll(ms, 1000000);
  g_assert_cmpuint(remb_count, ==, 1);
  g_assert_cmpuint(remb_last, ==, 300000);
  sb_msess_set_remb(ms, 0, 1500000); /* lifted */
  for (int64_t t = 1500000; t <= 4000000; t += 100000)
    sb_msess_poll(ms, t);
  g_assert_cmpuint(remb_count, >=, 2);
  g_assert_true(remb_last == 0 || remb_last > 300000);
  sb_msess_free(ms);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rx-stream/rtx-unwrap-forward", test_rtx_unwrap_forward);
  g_test_add_func("/rx-stream/rtx-probe-and-malformed", test_rtx_probe_and_malformed);
  g_test_add_func("/rx-stream/rtx-before-media-ssrc", test_rtx_before_media_ssrc);
  g_test_add_func("/rx-stream/pt-not-negotiated", test_pt_not_negotiated);
  g_test_add_func("/rx-stream/nack-upstream", test_nack_upstream);
  g_test_add_func("/rx-stream/give-up-asks-keyframe", test_give_up_asks_keyframe);
  g_test_add_func("/rx-stream/keyframe-throttle", test_keyframe_throttle);
  g_test_add_func("/rx-stream/keyframe-fir", test_keyframe_fir);
  g_test_add_func("/rx-stream/keyframe-needs-ssrc", test_keyframe_needs_ssrc);
  g_test_add_func("/rx-stream/report-block", test_report_block);
  g_test_add_func("/rx-stream/ssrc-change-resets", test_ssrc_change_resets);
  g_test_add_func("/rx-stream/regression/late-rtx-resets-tracking",
                  test_bug_late_rtx_resets_tracking);
  g_test_add_func("/rx-stream/regression/rtx-ahead-dropped", test_bug_rtx_ahead_dropped);
  g_test_add_func("/rx-stream/regression/nack-too-big-for-room", test_bug_nack_too_big_for_room);
  g_test_add_func("/rx-stream/regression/msess-remb-cap-never-lifted",
                  test_bug_remb_cap_never_lifted);
  return g_test_run();
}
