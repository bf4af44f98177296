/* test_loadgen.c - unit tests for sb-loadgen's sans-IO parts: packet
 * building and checking (media.c), receive loss and its NACK bookkeeping
 * (loss.c), the latency histogram and percentiles (stats.c), and
 * offer/answer (sdp_offer.c), the latter against the server's own
 * negotiation (core/session.c) and Janus-style offers. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtp.h"
#include "core/rtp_ext.h"
#include "core/session.h"
#include "loss.h"
#include "media.h"
#include "sdp_offer.h"
#include "stats.h"

#define FP                                                                                         \
  "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:"  \
  "99"

/* ---- media.c ---- */

static sb_lg_tx make_tx(void) {
  sb_lg_tx tx = {.ssrc = 0x11223344, .seq = 65535, .stream_id = 7 << 1 | 1, .pt = 96};
  tx.ext_mid = 4;
  tx.ext_abs = 2;
  tx.ext_twcc = 3;
  g_strlcpy(tx.mid, "1", sizeof tx.mid);
  return tx;
}

static void test_media_roundtrip(void) {
  sb_lg_tx tx = make_tx();
  uint8_t buf[1500];
  size_t len = sb_lg_media_build(&tx, buf, sizeof buf, 90000, true, 1100, 513, 123456789);
  g_assert_cmpuint(len, >, 1100);
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(buf, len, &h), ==, SB_OK);
  g_assert_true(h.marker);
  g_assert_cmpuint(h.payload_type, ==, 96);
  g_assert_cmpuint(h.seq, ==, 65535);
  g_assert_cmpuint(h.timestamp, ==, 90000);
  g_assert_cmpuint(h.ssrc, ==, 0x11223344);
  g_assert_cmpuint(h.payload_len, ==, 1100);
  char mid[8];
  uint16_t tseq = 0;
  uint32_t abs = 0;
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 4, mid, sizeof mid), ==, SB_OK);
  g_assert_cmpstr(mid, ==, "1");
  g_assert_cmpint(sb_rtp_ext_get_transport_seq(&h, 3, &tseq), ==, SB_OK);
  g_assert_cmpuint(tseq, ==, 513);
  g_assert_cmpint(sb_rtp_ext_get_abs_send_time(&h, 2, &abs), ==, SB_OK);
  g_assert_cmpuint(abs, ==, sb_lg_abs_send_time(123456789));
  uint32_t stream = 0;
  uint64_t counter = 99;
  int64_t sent = 0;
  g_assert_cmpint(sb_lg_payload_check(sb_rtp_payload(&h), h.payload_len, &stream, &counter, &sent),
                  ==, SB_OK);
  g_assert_cmpuint(stream, ==, 7 << 1 | 1);
  g_assert_cmpuint(counter, ==, 0);
  g_assert_cmpint(sent, ==, 123456789);
  /* The next packet: next counter and sequence number (wrapped). */
  len = sb_lg_media_build(&tx, buf, sizeof buf, 90000, false, 100, 514, 5);
  g_assert_cmpint(sb_rtp_parse(buf, len, &h), ==, SB_OK);
  g_assert_cmpuint(h.seq, ==, 0);
  g_assert_cmpint(sb_lg_payload_check(sb_rtp_payload(&h), h.payload_len, &stream, &counter, &sent),
                  ==, SB_OK);
  g_assert_cmpuint(counter, ==, 1);
  g_assert_cmpuint(tx.packets, ==, 2);
  g_assert_cmpuint(tx.octets, ==, 1200);
}

static void test_media_no_extensions(void) {
  sb_lg_tx tx = make_tx();
  tx.ext_mid = tx.ext_abs = tx.ext_twcc = 0;
  uint8_t buf[200];
  size_t len = sb_lg_media_build(&tx, buf, sizeof buf, 1, false, 100, 0, 0);
  g_assert_cmpuint(len, ==, 12 + 100);
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(buf, len, &h), ==, SB_OK);
  g_assert_false(h.extension);
}

static void test_media_limits(void) {
  sb_lg_tx tx = make_tx();
  uint8_t buf[1500];
  g_assert_cmpuint(sb_lg_media_build(&tx, buf, 100, 1, false, 1100, 0, 0), ==, 0);
  g_assert_cmpuint(sb_lg_media_build(&tx, buf, sizeof buf, 1, false, SB_LG_MAX_PAYLOAD + 1, 0, 0),
                   ==, 0);
  g_assert_cmpuint(tx.counter, ==, 0); /* nothing was counted */
  /* A payload below the minimum is raised to it. */
  size_t len = sb_lg_media_build(&tx, buf, sizeof buf, 1, false, 3, 0, 0);
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(buf, len, &h), ==, SB_OK);
  g_assert_cmpuint(h.payload_len, ==, SB_LG_PAYLOAD_MIN);
}

static void test_media_corruption(void) {
  sb_lg_tx tx = make_tx();
  uint8_t buf[1500];
  size_t len = sb_lg_media_build(&tx, buf, sizeof buf, 1, false, 1100, 0, 42);
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(buf, len, &h), ==, SB_OK);
  uint8_t *payload = buf + h.payload_offset;
  uint32_t stream;
  uint64_t counter;
  int64_t sent;
  /* Every single-bit flip anywhere in the payload is caught. */
  for (size_t i = 0; i < h.payload_len; i += 7) {
    for (int bit = 0; bit < 8; bit += 3) {
      payload[i] ^= (uint8_t)(1u << bit);
      g_assert_cmpint(sb_lg_payload_check(payload, h.payload_len, &stream, &counter, &sent), ==,
                      SB_EINVAL);
      payload[i] ^= (uint8_t)(1u << bit);
    }
  }
  g_assert_cmpint(sb_lg_payload_check(payload, h.payload_len, &stream, &counter, &sent), ==, SB_OK);
  /* Truncated. */
  g_assert_cmpint(sb_lg_payload_check(payload, h.payload_len - 1, &stream, &counter, &sent), ==,
                  SB_EINVAL);
  g_assert_cmpint(sb_lg_payload_check(payload, 10, &stream, &counter, &sent), ==, SB_EINVAL);
  /* A payload of another packet of the same size differs in its filler. */
  uint8_t other[1500];
  size_t olen = sb_lg_media_build(&tx, other, sizeof other, 1, false, 1100, 0, 42);
  g_assert_cmpuint(olen, ==, len);
  g_assert_true(memcmp(other + h.payload_offset + SB_LG_PAYLOAD_MIN, payload + SB_LG_PAYLOAD_MIN,
                       1100 - SB_LG_PAYLOAD_MIN) != 0);
}

/* A packet built again from its seq, counter, timestamp, marker, size and
 * send time is the same packet (how the generator answers NACKs). */
static void test_media_rebuild(void) {
  sb_lg_tx tx = make_tx();
  uint8_t a[1500], b[1500];
  size_t la = sb_lg_media_build(&tx, a, sizeof a, 4242, true, 1100, 77, 987654321);
  sb_lg_media_build(&tx, b, sizeof b, 4343, false, 1100, 78, 987654999); /* the next one */
  sb_lg_tx again = tx;
  again.seq = 65535;
  again.counter = 0;
  size_t lb = sb_lg_media_build(&again, b, sizeof b, 4242, true, 1100, 77, 987654321);
  g_assert_cmpuint(la, ==, lb);
  g_assert_true(memcmp(a, b, la) == 0);
  g_assert_cmpuint(tx.counter, ==, 2); /* the stream's own state is untouched */
}

static void test_seq_tracking(void) {
  sb_lg_seq s = {0};
  uint64_t inc = 0;
  g_assert_cmpint(sb_lg_seq_update(&s, 10, &inc), ==, SB_LG_SEQ_NEW);
  g_assert_cmpuint(inc, ==, 1);
  g_assert_cmpint(sb_lg_seq_update(&s, 11, &inc), ==, SB_LG_SEQ_NEW);
  g_assert_cmpuint(inc, ==, 1);
  g_assert_cmpint(sb_lg_seq_update(&s, 11, &inc), ==, SB_LG_SEQ_DUP);
  g_assert_cmpuint(inc, ==, 0);
  /* A gap: 12..14 expected, not (yet) received. */
  g_assert_cmpint(sb_lg_seq_update(&s, 15, &inc), ==, SB_LG_SEQ_NEW);
  g_assert_cmpuint(inc, ==, 4);
  /* A late one fills part of the gap, once. */
  g_assert_cmpint(sb_lg_seq_update(&s, 13, &inc), ==, SB_LG_SEQ_NEW);
  g_assert_cmpuint(inc, ==, 0);
  g_assert_cmpint(sb_lg_seq_update(&s, 13, &inc), ==, SB_LG_SEQ_DUP);
  /* Before the first packet, or beyond the window: not judged. */
  g_assert_cmpint(sb_lg_seq_update(&s, 9, &inc), ==, SB_LG_SEQ_OLD);
  g_assert_cmpint(sb_lg_seq_update(&s, 15 + 5000, &inc), ==, SB_LG_SEQ_NEW);
  g_assert_cmpuint(inc, ==, 5000);
  g_assert_cmpint(sb_lg_seq_update(&s, 16, &inc), ==, SB_LG_SEQ_OLD);
  /* After a jump larger than the window no stale bit says "duplicate". */
  g_assert_cmpint(sb_lg_seq_update(&s, 15 + 5000 + SB_LG_SEQ_WINDOW, &inc), ==, SB_LG_SEQ_NEW);
  g_assert_cmpint(sb_lg_seq_update(&s, 15 + 5000 + SB_LG_SEQ_WINDOW - 1, &inc), ==, SB_LG_SEQ_NEW);
}

/* ---- loss.c ---- */

static void test_prng(void) {
  /* splitmix64's reference outputs for seed 0. */
  sb_lg_prng r;
  sb_lg_prng_seed(&r, 0);
  g_assert_cmphex(sb_lg_prng_next(&r), ==, 0xe220a8397b1dcdafull);
  g_assert_cmphex(sb_lg_prng_next(&r), ==, 0x6e789e6aa1b965f4ull);
  g_assert_cmphex(sb_lg_prng_next(&r), ==, 0x06c45d188009454full);
}

static void test_loss_share(void) {
  static sb_lg_loss a, b;
  sb_lg_loss_init(&a, 0.02, 42);
  sb_lg_loss_init(&b, 0.02, 42);
  g_assert_cmpuint(a.threshold, ==, 368934881474191040ull); /* 0.02 * 2^64 */
  uint64_t drops = 0;
  int first_drop = -1;
  /* 100000 packets in order from seq 1000, across the wrap. */
  for (int i = 0; i < 100000; i++) {
    uint16_t seq = (uint16_t)(1000 + i);
    sb_lg_loss_verdict v = sb_lg_loss_arrive(&a, seq);
    g_assert_cmpint(v, ==, sb_lg_loss_arrive(&b, seq)); /* the same seed, the same choices */
    g_assert_cmpint(v, !=, SB_LG_LOSS_RETRANSMISSION);
    if (v == SB_LG_LOSS_DROP) {
      drops++;
      if (first_drop < 0) first_drop = seq;
    }
  }
  /* Counted by an independent splitmix64 (draws below 0.02 * 2^64 among
   * 99999; the first packet is never dropped). */
  g_assert_cmpuint(drops, ==, 1986);
  g_assert_cmpuint(a.c.dropped, ==, 1986);
  g_assert_cmpint(first_drop, ==, 1081);
  /* Share 0 never drops. */
  sb_lg_loss_init(&a, 0, 42);
  for (int i = 0; i < 1000; i++)
    g_assert_cmpint(sb_lg_loss_arrive(&a, (uint16_t)i), ==, SB_LG_LOSS_KEEP);
  g_assert_cmpuint(a.threshold, ==, 0);
}

static void test_loss_recovery(void) {
  static sb_lg_loss l;
  uint16_t seqs[16];
  sb_lg_loss_init(&l, 0, 1);
  g_assert_cmpint(sb_lg_loss_arrive(&l, 100), ==, SB_LG_LOSS_KEEP);
  g_assert_false(sb_lg_loss_received(&l, 100, 0));
  g_assert_cmpint(sb_lg_loss_arrive(&l, 101), ==, SB_LG_LOSS_KEEP);
  g_assert_false(sb_lg_loss_received(&l, 101, 0));
  l.threshold = UINT64_MAX; /* drop whatever is new */
  g_assert_cmpint(sb_lg_loss_arrive(&l, 102), ==, SB_LG_LOSS_DROP);
  g_assert_cmpint(sb_lg_loss_arrive(&l, 103), ==, SB_LG_LOSS_DROP);
  /* Not new: kept whatever the share. */
  g_assert_cmpint(sb_lg_loss_arrive(&l, 101), ==, SB_LG_LOSS_KEEP);
  g_assert_cmpint(sb_lg_loss_arrive(&l, 90), ==, SB_LG_LOSS_KEEP);
  l.threshold = 0;
  g_assert_cmpint(sb_lg_loss_arrive(&l, 104), ==, SB_LG_LOSS_KEEP);
  g_assert_false(sb_lg_loss_received(&l, 104, 1000));
  g_assert_cmpuint(l.c.dropped, ==, 2);
  /* The gap is NACKed at once, not again before the re-NACK interval
   * (RTT unknown: 100 ms). */
  g_assert_cmpuint(sb_lg_loss_poll(&l, 1000, 0, seqs, 16), ==, 2);
  g_assert_cmpuint(seqs[0], ==, 102);
  g_assert_cmpuint(seqs[1], ==, 103);
  g_assert_cmpuint(sb_lg_loss_poll(&l, 2000, 0, seqs, 16), ==, 0);
  g_assert_cmpuint(l.c.nacked_seqs, ==, 2);
  /* 102 comes again as the plain packet: a retransmission, recovered. */
  g_assert_cmpint(sb_lg_loss_arrive(&l, 102), ==, SB_LG_LOSS_RETRANSMISSION);
  g_assert_true(sb_lg_loss_received(&l, 102, 3000));
  /* A second copy is just a packet behind the highest. */
  g_assert_cmpint(sb_lg_loss_arrive(&l, 102), ==, SB_LG_LOSS_KEEP);
  /* 103 in RTX form: its original sequence number after unwrapping. */
  g_assert_true(sb_lg_loss_received(&l, 103, 4000));
  g_assert_false(sb_lg_loss_received(&l, 103, 4000));
  g_assert_cmpuint(l.c.recovered, ==, 2);
  g_assert_cmpuint(sb_lg_loss_poll(&l, 200000, 0, seqs, 16), ==, 0);
  g_assert_false(sb_lg_loss_take_keyframe_request(&l));
  /* A loss never retransmitted: re-NACKed after 100 ms, given up at 1 s,
   * then a keyframe is wanted. */
  l.threshold = UINT64_MAX;
  g_assert_cmpint(sb_lg_loss_arrive(&l, 105), ==, SB_LG_LOSS_DROP);
  l.threshold = 0;
  g_assert_cmpint(sb_lg_loss_arrive(&l, 106), ==, SB_LG_LOSS_KEEP);
  sb_lg_loss_received(&l, 106, 300000);
  g_assert_cmpuint(sb_lg_loss_poll(&l, 300000, 0, seqs, 16), ==, 1);
  g_assert_cmpuint(seqs[0], ==, 105);
  g_assert_cmpuint(sb_lg_loss_poll(&l, 350000, 0, seqs, 16), ==, 0);
  g_assert_cmpuint(sb_lg_loss_poll(&l, 400000, 0, seqs, 16), ==, 1);
  g_assert_cmpuint(sb_lg_loss_poll(&l, 1400000, 0, seqs, 16), ==, 0);
  g_assert_cmpuint(l.c.given_up, ==, 1);
  g_assert_true(sb_lg_loss_take_keyframe_request(&l));
  g_assert_false(sb_lg_loss_take_keyframe_request(&l));
  g_assert_cmpuint(l.c.nacked_seqs, ==, 4);
  g_assert_cmpuint(l.c.dropped, ==, 3);
  g_assert_cmpuint(l.c.recovered, ==, 2);
}

static void test_loss_wrap_and_forget(void) {
  static sb_lg_loss l;
  uint16_t seqs[4];
  sb_lg_loss_init(&l, 0, 1);
  sb_lg_loss_arrive(&l, 65534);
  sb_lg_loss_received(&l, 65534, 0);
  l.threshold = UINT64_MAX;
  g_assert_cmpint(sb_lg_loss_arrive(&l, 65535), ==, SB_LG_LOSS_DROP);
  l.threshold = 0;
  g_assert_cmpint(sb_lg_loss_arrive(&l, 0), ==, SB_LG_LOSS_KEEP);
  sb_lg_loss_received(&l, 0, 10);
  g_assert_cmpuint(sb_lg_loss_poll(&l, 10, 0, seqs, 4), ==, 1);
  g_assert_cmpuint(seqs[0], ==, 65535);
  /* Remembered while less than half the sequence space behind... */
  for (uint16_t s = 1; s != 32767; s++)
    g_assert_cmpint(sb_lg_loss_arrive(&l, s), ==, SB_LG_LOSS_KEEP);
  g_assert_cmpint(sb_lg_loss_arrive(&l, 65535), ==, SB_LG_LOSS_RETRANSMISSION);
  /* ...forgotten once 32768 behind (its number comes round again). */
  g_assert_cmpint(sb_lg_loss_arrive(&l, 32767), ==, SB_LG_LOSS_KEEP);
  g_assert_cmpint(sb_lg_loss_arrive(&l, 65535), ==, SB_LG_LOSS_KEEP);
  g_assert_cmpuint(l.c.recovered, ==, 0);
}

/* ---- stats.c ---- */

static void test_hist(void) {
  static sb_lg_hist h, h2;
  sb_lg_hist_reset(&h);
  g_assert_cmpuint(sb_lg_hist_quantile(&h, 0.5), ==, 0);
  for (uint64_t v = 1; v <= 100; v++)
    sb_lg_hist_add(&h, v);
  g_assert_cmpuint(sb_lg_hist_quantile(&h, 0.5), ==, 50);
  g_assert_cmpuint(sb_lg_hist_quantile(&h, 0.99), ==, 99);
  g_assert_cmpuint(sb_lg_hist_quantile(&h, 1.0), ==, 100);
  /* Large values: within the bucket's relative error, never above the max. */
  sb_lg_hist_reset(&h2);
  for (int i = 0; i < 1000; i++)
    sb_lg_hist_add(&h2, 1000000 + (uint64_t)i * 1000);
  uint64_t p50 = sb_lg_hist_quantile(&h2, 0.5);
  g_assert_cmpfloat(((double)p50 - 1499000.0) / 1499000.0, <, 0.016);
  g_assert_cmpfloat(((double)p50 - 1499000.0) / 1499000.0, >, -0.016);
  g_assert_cmpuint(sb_lg_hist_quantile(&h2, 1.0), ==, 1999000);
  sb_lg_hist_add(&h2, G_MAXUINT64); /* the last bucket */
  g_assert_cmpuint(sb_lg_hist_quantile(&h2, 1.0), ==, G_MAXUINT64);
  sb_lg_hist_merge(&h, &h2);
  g_assert_cmpuint(h.count, ==, 1101);
  g_assert_cmpuint(sb_lg_hist_quantile(&h, 0.05), ==, 56);
}

static void test_quantile(void) {
  double v[] = {5, 1, 4, 2, 3};
  g_assert_cmpfloat(sb_lg_quantile(v, 5, 0.5), ==, 3);
  g_assert_cmpfloat(sb_lg_quantile(v, 5, 0.99), ==, 5);
  g_assert_cmpfloat(sb_lg_quantile(v, 5, 0), ==, 1);
  g_assert_cmpfloat(sb_lg_quantile(NULL, 0, 0.5), ==, 0);
}

/* ---- sdp_offer.c ---- */

static sb_lg_sdp *new_sdp(bool sendrecv) {
  const uint32_t ssrc[2] = {1111, 2222};
  sb_lg_sdp *s = sb_lg_sdp_new("lgufrag", "lgpassword0123456789012", FP, "lg0", "lg-stream-0", ssrc,
                               sendrecv, 42);
  s->video_rtx_ssrc = 3333;
  sb_lg_sdp_add_candidate(s, "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host");
  return s;
}

static sb_session *new_server(void) {
  sb_session *srv = sb_session_new("srvufrag", "srvpassword0123456789012", FP, true, 7);
  sb_session_add_local_candidate(srv, "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host");
  return srv;
}

static sb_sdp *parse(const GString *text) {
  sb_sdp *d = NULL;
  g_assert_cmpint(sb_sdp_parse(text->str, text->len, &d), ==, SB_OK);
  return d;
}

/* The split offer, answered and later re-offered by Switchboard's own
 * negotiation code. */
static void test_sdp_switchboard(void) {
  sb_lg_sdp *s = new_sdp(false);
  GString *offer = g_string_new("");
  g_assert_cmpint(sb_lg_sdp_write_offer(s, offer), ==, SB_OK);
  g_assert_cmpint(sb_lg_sdp_write_offer(s, offer), ==, SB_ESTATE);
  sb_sdp *d = parse(offer);
  g_assert_cmpuint(d->media->len, ==, 4);
  const sb_sdp_direction dirs[4] = {SB_SDP_DIR_SENDONLY, SB_SDP_DIR_SENDONLY, SB_SDP_DIR_RECVONLY,
                                    SB_SDP_DIR_RECVONLY};
  for (guint i = 0; i < 4; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    g_assert_cmpint(m->direction, ==, dirs[i]);
    g_assert_cmpint(m->setup, ==, SB_SDP_SETUP_ACTPASS);
    g_assert_true(m->rtcp_mux);
    g_assert_cmpuint(m->candidates->len, ==, i == 0 ? 1 : 0);
  }
  g_assert_nonnull(sb_sdp_find_group(d, "BUNDLE"));
  /* What a browser offers: VP8 with nack, nack pli, ccm fir, goog-remb,
   * transport-cc and RTX (97, apt=96); Opus with transport-cc; an RTX SSRC
   * in an FID group with the video SSRC. */
  for (guint i = 0; i < 4; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    const sb_sdp_codec *c = m->codecs->pdata[0];
    bool video = m->kind == SB_SDP_KIND_VIDEO;
    g_assert_cmpuint(c->pt, ==, video ? 96 : 111);
    g_assert_cmpuint(m->codecs->len, ==, video ? 2 : 1);
    guint rtx = 0;
    g_assert_cmpint(sb_sdp_media_find_rtx(m, 96, &rtx), ==, video ? SB_OK : SB_ENOTFOUND);
    if (video) g_assert_cmpuint(rtx, ==, 97);
    char fbs[160] = "";
    for (guint k = 0; k < c->rtcp_fbs->len; k++) {
      const sb_sdp_rtcp_fb *fb = c->rtcp_fbs->pdata[k];
      g_strlcat(fbs, fb->type, sizeof fbs);
      g_strlcat(fbs, fb->param ? " " : ",", sizeof fbs);
      if (fb->param) g_strlcat(fbs, fb->param, sizeof fbs), g_strlcat(fbs, ",", sizeof fbs);
    }
    g_assert_cmpstr(fbs, ==,
                    video ? "goog-remb,transport-cc,ccm fir,nack,nack pli," : "transport-cc,");
    g_assert_cmpuint(m->ssrc_groups->len, ==, i == 1 ? 1 : 0);
  }
  const sb_sdp_ssrc_group *fid = ((sb_sdp_media *)d->media->pdata[1])->ssrc_groups->pdata[0];
  g_assert_cmpstr(fid->semantics, ==, "FID");
  g_assert_cmpuint(fid->n_ssrcs, ==, 2);
  g_assert_cmpuint(fid->ssrcs[0], ==, 2222);
  g_assert_cmpuint(fid->ssrcs[1], ==, 3333);

  sb_session *srv = new_server();
  char why[160] = "";
  g_assert_cmpint(sb_session_apply_offer(srv, d, why, sizeof why), ==, SB_OK);
  sb_sdp_free(d);
  GString *answer = g_string_new("");
  g_assert_cmpint(sb_session_write_answer(srv, answer), ==, SB_OK);
  g_assert_cmpint(sb_lg_sdp_apply_answer(s, answer->str, answer->len, why, sizeof why), ==, SB_OK);
  g_assert_cmpint(s->dtls_role, ==, SB_LG_DTLS_CLIENT);
  g_assert_true(s->remote_ice_lite);
  g_assert_cmpstr(s->remote_ufrag, ==, "srvufrag");
  g_assert_cmpuint(s->remote_candidates->len, ==, 1);
  g_assert_false(sb_lg_sdp_needs_offer(s));
  sb_lg_send_params sp;
  sb_lg_sdp_send_params(s, SB_LG_TRACK_AUDIO, &sp);
  g_assert_true(sp.active);
  g_assert_cmpuint(sp.pt, ==, 111);
  g_assert_cmpuint(sp.ext_mid, ==, 4);
  g_assert_cmpuint(sp.ext_abs, ==, 2);
  g_assert_cmpuint(sp.ext_twcc, ==, 3); /* Switchboard sends congestion feedback */
  sb_lg_sdp_send_params(s, SB_LG_TRACK_VIDEO, &sp);
  g_assert_true(sp.active);
  g_assert_cmpuint(sp.pt, ==, 96);
  g_assert_cmpstr(sp.mid, ==, "1");
  /* The server took RTX and NACK for what we publish, and knows our RTX SSRC. */
  const sb_msection *pubsec = srv->sections->pdata[1];
  g_assert_cmpuint(pubsec->codecs[0].rtx_pt, ==, 97);
  g_assert_true(pubsec->codecs[0].fb_nack);
  g_assert_true(pubsec->codecs[0].fb_tcc);
  g_assert_cmpuint(pubsec->remote_rtx_ssrc, ==, 3333);
  g_assert_cmpuint(((sb_lg_section *)s->sections->pdata[1])->rtx_pt, ==, 97);
  g_assert_true(((sb_lg_section *)s->sections->pdata[1])->nack);

  /* The other participant's media appears: the server offers it to us. */
  const sb_msection *pub = srv->sections->pdata[1];
  sb_msection *added = sb_session_add_send(srv, SB_SDP_KIND_VIDEO, pub->codecs, pub->n_codecs, 999,
                                           "peerB", "peerB-v", NULL);
  g_assert_nonnull(added);
  added->local_rtx_ssrc = 1000; /* as server/peer.c does */
  GString *reoffer = g_string_new("");
  g_assert_cmpint(sb_session_write_offer(srv, reoffer), ==, SB_OK);
  GString *reanswer = g_string_new("");
  g_assert_cmpint(sb_lg_sdp_answer_offer(s, reoffer->str, reoffer->len, reanswer, why, sizeof why),
                  ==, SB_OK);
  d = parse(reanswer);
  g_assert_cmpint(sb_session_apply_answer(srv, d, why, sizeof why), ==, SB_OK);
  /* We keep sending where we did, and receive on the section with the video. */
  g_assert_cmpint(((sb_sdp_media *)d->media->pdata[0])->direction, ==, SB_SDP_DIR_SENDONLY);
  g_assert_cmpint(((sb_sdp_media *)d->media->pdata[0])->setup, ==, SB_SDP_SETUP_ACTIVE);
  bool receiving = false;
  for (guint i = 2; i < d->media->len; i++)
    receiving |= ((sb_sdp_media *)d->media->pdata[i])->direction == SB_SDP_DIR_RECVONLY;
  g_assert_true(receiving);
  sb_sdp_free(d);
  sb_lg_sdp_send_params(s, SB_LG_TRACK_AUDIO, &sp);
  g_assert_true(sp.active);
  /* The server sends us the video with RTX and takes our NACKs for it: it
   * keeps a history and answers in RTX form. */
  const sb_msection *sendsec = NULL;
  for (guint i = 0; i < srv->sections->len; i++) {
    const sb_msection *sec = srv->sections->pdata[i];
    if (sec->kind == SB_SDP_KIND_VIDEO && sec->sending) sendsec = sec;
  }
  g_assert_nonnull(sendsec);
  g_assert_cmpuint(sendsec->codecs[0].pt, ==, 96);
  g_assert_cmpuint(sendsec->codecs[0].rtx_pt, ==, 97);
  g_assert_true(sendsec->codecs[0].fb_nack);
  g_assert_cmpuint(sendsec->local_rtx_ssrc, ==, 1000);
  sb_lg_recv_params rp;
  sb_lg_sdp_recv_params(s, &rp);
  g_assert_cmpuint(rp.rtx_apt[97], ==, 96);
  g_assert_cmpuint(rp.rtx_apt[96], ==, 0xff);
  g_assert_cmpuint(rp.rtx_apt[111], ==, 0xff);
  g_assert_true(rp.nack[96]);
  g_assert_false(rp.nack[97]);
  g_assert_false(rp.nack[111]); /* audio is not NACKed */

  g_string_free(offer, TRUE);
  g_string_free(answer, TRUE);
  g_string_free(reoffer, TRUE);
  g_string_free(reanswer, TRUE);
  sb_session_free(srv);
  sb_lg_sdp_free(s);
}

/* A Janus-style offer: its own payload types, twcc, a=mid written twice. */
static const char janus_offer[] =
    "v=0\r\no=- 1 1 IN IP4 198.18.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
    "a=fingerprint:sha-256 " FP "\r\na=msid-semantic: WMS *\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 109\r\nc=IN IP4 198.18.0.1\r\na=sendrecv\r\na=mid:0\r\n"
    "a=rtcp-mux\r\na=ice-ufrag:jnus\r\na=ice-pwd:januspassword0123456789\r\n"
    "a=setup:actpass\r\na=mid:0\r\n"
    "a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=rtpmap:109 opus/48000/2\r\na=ssrc:5 cname:janus\r\n"
    "a=candidate:1 1 udp 2015363327 198.18.0.1 34087 typ host\r\na=end-of-candidates\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 100\r\nc=IN IP4 198.18.0.1\r\na=sendrecv\r\na=mid:1\r\n"
    "a=rtcp-mux\r\na=ice-ufrag:jnus\r\na=ice-pwd:januspassword0123456789\r\n"
    "a=setup:actpass\r\na=mid:1\r\na=rtpmap:100 VP8/90000\r\n"
    "a=candidate:1 1 udp 2015363327 198.18.0.1 34087 typ host\r\na=end-of-candidates\r\n";

static void test_sdp_janus_offer(void) {
  sb_lg_sdp *s = new_sdp(true);
  GString *answer = g_string_new("");
  char why[160] = "";
  g_assert_cmpint(
      sb_lg_sdp_answer_offer(s, janus_offer, strlen(janus_offer), answer, why, sizeof why), ==,
      SB_OK);
  g_assert_cmpint(s->dtls_role, ==, SB_LG_DTLS_CLIENT);
  g_assert_false(s->remote_ice_lite);
  g_assert_cmpuint(s->remote_candidates->len, ==, 1); /* duplicates merged */
  sb_sdp *d = parse(answer);
  g_assert_cmpuint(d->media->len, ==, 2);
  for (guint i = 0; i < 2; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    g_assert_cmpint(m->direction, ==, SB_SDP_DIR_SENDRECV);
    g_assert_cmpint(m->setup, ==, SB_SDP_SETUP_ACTIVE);
    g_assert_cmpuint(((sb_sdp_codec *)m->codecs->pdata[0])->pt, ==, i ? 100 : 109);
  }
  sb_sdp_free(d);
  sb_lg_send_params sp;
  sb_lg_sdp_send_params(s, SB_LG_TRACK_AUDIO, &sp);
  g_assert_true(sp.active);
  g_assert_cmpuint(sp.pt, ==, 109);
  g_assert_cmpuint(sp.ext_twcc, ==, 5);
  g_assert_cmpuint(sp.ext_mid, ==, 0);
  g_assert_false(sb_lg_sdp_needs_offer(s));
  /* No RTX and no NACK offered: none in the answer, nothing to NACK. */
  sb_lg_recv_params rp;
  sb_lg_sdp_recv_params(s, &rp);
  for (int pt = 0; pt < 128; pt++) {
    g_assert_cmpuint(rp.rtx_apt[pt], ==, 0xff);
    g_assert_false(rp.nack[pt]);
  }
  d = parse(answer);
  g_assert_cmpuint(((sb_sdp_media *)d->media->pdata[1])->codecs->len, ==, 1);
  sb_sdp_free(d);
  g_string_free(answer, TRUE);
  sb_lg_sdp_free(s);

  /* The same with nack and RTX on the video (Janus's own PTs): answered
   * with them, and the RTX payload type is recognised. */
  GString *offer = g_string_new(janus_offer);
  char *at = strstr(offer->str, "a=rtpmap:100 VP8/90000\r\n");
  g_string_insert(offer, at - offer->str + (gssize)strlen("a=rtpmap:100 VP8/90000\r\n"),
                  "a=rtcp-fb:100 nack\r\na=rtcp-fb:100 nack pli\r\n"
                  "a=rtpmap:101 rtx/90000\r\na=fmtp:101 apt=100\r\n");
  at = strstr(offer->str, "SAVPF 100");
  g_string_insert(offer, at - offer->str + (gssize)strlen("SAVPF 100"), " 101");
  s = new_sdp(true);
  answer = g_string_new("");
  g_assert_cmpint(sb_lg_sdp_answer_offer(s, offer->str, offer->len, answer, why, sizeof why), ==,
                  SB_OK);
  d = parse(answer);
  const sb_sdp_media *vm = d->media->pdata[1];
  guint rtx = 0;
  g_assert_cmpint(sb_sdp_media_find_rtx(vm, 100, &rtx), ==, SB_OK);
  g_assert_cmpuint(rtx, ==, 101);
  g_assert_cmpuint(vm->ssrc_groups->len, ==, 1); /* FID: 2222 with 3333 */
  sb_sdp_free(d);
  sb_lg_sdp_recv_params(s, &rp);
  g_assert_cmpuint(rp.rtx_apt[101], ==, 100);
  g_assert_true(rp.nack[100]);
  g_assert_false(rp.nack[109]);
  g_string_free(offer, TRUE);
  g_string_free(answer, TRUE);
  sb_lg_sdp_free(s);
}

/* An offer that crosses ours rolls ours back; we offer our tracks after. */
static void test_sdp_rollback(void) {
  sb_lg_sdp *s = new_sdp(true);
  GString *offer = g_string_new(""), *answer = g_string_new("");
  g_assert_cmpint(sb_lg_sdp_write_offer(s, offer), ==, SB_OK);
  char why[160] = "";
  /* A remote offer with one recvonly audio section. */
  GString *remote = g_string_new(janus_offer);
  char *cut = strstr(remote->str, "m=video");
  g_string_truncate(remote, (gsize)(cut - remote->str));
  char *dir = strstr(remote->str, "a=sendrecv");
  memcpy(dir, "a=recvonly", 10);
  char *group = strstr(remote->str, "BUNDLE 0 1");
  memcpy(group, "BUNDLE 0  ", 10);
  g_assert_cmpint(sb_lg_sdp_answer_offer(s, remote->str, remote->len, answer, why, sizeof why), ==,
                  SB_OK);
  g_assert_false(s->have_local_offer);
  g_assert_cmpuint(s->sections->len, ==, 1);
  g_assert_true(sb_lg_sdp_needs_offer(s)); /* video has no section */
  sb_lg_send_params sp;
  sb_lg_sdp_send_params(s, SB_LG_TRACK_AUDIO, &sp);
  g_assert_true(sp.active); /* sent on the remote's recvonly section */
  g_string_truncate(offer, 0);
  g_assert_cmpint(sb_lg_sdp_write_offer(s, offer), ==, SB_OK);
  sb_sdp *d = parse(offer);
  g_assert_cmpuint(d->media->len, ==, 2);
  g_assert_cmpstr(((sb_sdp_media *)d->media->pdata[0])->mid, ==, "0");
  g_assert_cmpstr(((sb_sdp_media *)d->media->pdata[1])->mid, !=, "0"); /* a fresh mid */
  g_assert_cmpint(((sb_sdp_media *)d->media->pdata[1])->kind, ==, SB_SDP_KIND_VIDEO);
  sb_sdp_free(d);
  g_string_free(remote, TRUE);
  g_string_free(offer, TRUE);
  g_string_free(answer, TRUE);
  sb_lg_sdp_free(s);
}

static void test_sdp_bad_answers(void) {
  sb_lg_sdp *s = new_sdp(false);
  GString *offer = g_string_new("");
  char why[160] = "";
  g_assert_cmpint(sb_lg_sdp_apply_answer(s, "v=0\r\n", 5, why, sizeof why), ==, SB_ESTATE);
  g_assert_cmpint(sb_lg_sdp_write_offer(s, offer), ==, SB_OK);
  g_assert_cmpint(sb_lg_sdp_apply_answer(s, "garbage", 7, why, sizeof why), ==, SB_EINVAL);
  /* Two m-lines for an offer of four. */
  g_assert_cmpint(sb_lg_sdp_apply_answer(s, janus_offer, strlen(janus_offer), why, sizeof why), ==,
                  SB_EINVAL);
  g_assert_true(s->have_local_offer); /* unchanged */
  g_assert_false(s->have_remote);
  g_string_free(offer, TRUE);
  sb_lg_sdp_free(s);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/loadgen/media/roundtrip", test_media_roundtrip);
  g_test_add_func("/loadgen/media/no-extensions", test_media_no_extensions);
  g_test_add_func("/loadgen/media/limits", test_media_limits);
  g_test_add_func("/loadgen/media/corruption-is-caught", test_media_corruption);
  g_test_add_func("/loadgen/media/rebuild-is-identical", test_media_rebuild);
  g_test_add_func("/loadgen/media/loss-duplicates-late", test_seq_tracking);
  g_test_add_func("/loadgen/loss/prng", test_prng);
  g_test_add_func("/loadgen/loss/share-is-deterministic", test_loss_share);
  g_test_add_func("/loadgen/loss/nack-and-recovery", test_loss_recovery);
  g_test_add_func("/loadgen/loss/wrap-and-forget", test_loss_wrap_and_forget);
  g_test_add_func("/loadgen/stats/histogram", test_hist);
  g_test_add_func("/loadgen/stats/quantile", test_quantile);
  g_test_add_func("/loadgen/sdp/switchboard-answer-and-reoffer", test_sdp_switchboard);
  g_test_add_func("/loadgen/sdp/janus-offer", test_sdp_janus_offer);
  g_test_add_func("/loadgen/sdp/rollback-then-offer", test_sdp_rollback);
  g_test_add_func("/loadgen/sdp/bad-answers-change-nothing", test_sdp_bad_answers);
  return g_test_run();
}
