/* test_sim.c - scenario harness for the media session (core/media_session.h)
 * on a virtual clock: a simulated publisher and a simulated receiver talk
 * to two server-side media sessions (the publisher's and the receiver's)
 * over simulated links (sim_net.h) with loss, delay, jitter and a rate
 * limit, and the server forwards between them as the real packet path does
 * (rx stream -> tx stream rewrite). Plain RTP/RTCP: SRTP is not the subject.
 *
 * The publisher sends video at 30 frames/s, 3 packets a frame, with a
 * transport-wide sequence number; it answers NACKs with RFC 4588 RTX (or
 * not, per scenario), counts keyframe requests and keeps the TWCC feedback
 * and REMB it gets. The receiver detects gaps in the rewritten sequence
 * numbers with its own NACK generator, unwraps RTX, answers sender reports
 * with receiver reports, and can send a REMB.
 *
 * Each named scenario checks hand-computed values: loss recovery both ways,
 * RTX, giving up into a keyframe request, TWCC feedback for a known arrival
 * pattern, continuity across a source switch, a NACK for a packet the server
 * never had, RTT from SR/RR, and a receiver's estimate capping the sender. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/media_session.h"
#include "core/nack_gen.h"
#include "core/rtcp.h"
#include "core/rtcp_nack.h"
#include "core/rtcp_pli.h"
#include "core/rtcp_remb.h"
#include "core/rtcp_rr.h"
#include "core/rtcp_sr.h"
#include "core/rtcp_twcc.h"
#include "core/rtp.h"
#include "core/rtp_ext.h"
#include "core/rtx.h"
#include "core/rtx_buffer.h"
#include "sim_net.h"
#include "../lib/vp8_section.h"

#define PUB_SSRC  0x11111111u
#define PUB_RTX   0x22222222u
#define PUB_PT    96
#define PUB_RTXPT 97
#define RCV_PT    100
#define RCV_RTXPT 101
#define TCC_ID    3
#define MAX_PKT   1500

typedef struct {
  int64_t now;
  sim_link *pub_up, *pub_down, *rcv_down, *rcv_up;
  /* The server: the publisher's session (A) and the receiver's (B). */
  sb_msection pub_sec, rcv_sec;
  sb_msess *ms_a, *ms_b;
  sb_rx_stream rx;
  sb_tx_stream tx;
  /* The publisher. */
  bool sending;
  int64_t next_frame_us;
  int64_t frame_interval_us;
  int packets_per_frame;
  uint32_t ssrc;
  uint16_t seq, rtx_seq, tseq;
  uint32_t ts;
  bool answers_nacks;
  sb_rtx_buffer *history;
  unsigned nack_requests[65536]; /* per publisher seq */
  unsigned plis, rtx_sent, twcc_msgs;
  sb_rtcp_twcc *last_twcc;
  unsigned twcc_received, twcc_lost;
  uint64_t remb_bps;
  uint64_t rembs[64]; /* every REMB value the publisher got */
  unsigned n_rembs;
  int64_t next_sr_us;
  /* The receiver. */
  sb_nack_gen rcv_nack;
  bool rcv_started;
  uint16_t rcv_first, rcv_highest;
  uint8_t *got; /* by rewritten seq: 0 no, 1 yes */
  unsigned rcv_packets, rcv_rtx, rcv_dups, rcv_nack_msgs, rcv_nack_seqs;
  uint32_t rcv_last_ts;
  bool rcv_ts_backwards;
  int64_t rcv_next_poll_us;
  uint32_t rcv_lsr;
  int64_t rcv_lsr_at;
  uint64_t rcv_remb_bps; /* to send, 0: none */
} world;

/* ---- server side ---- */

static void a_send_rtcp(void *u, uint8_t *buf, size_t len, size_t cap) {
  world *w = u;
  (void)cap;
  sim_link_send(w->pub_down, buf, len, w->now);
}
static void a_send_rtp(void *u, uint8_t *buf, size_t len, size_t cap) {
  (void)u, (void)buf, (void)len, (void)cap;
  g_assert_not_reached(); /* nothing is forwarded to the publisher */
}
static void b_send_rtcp(void *u, uint8_t *buf, size_t len, size_t cap) {
  world *w = u;
  (void)cap;
  sim_link_send(w->rcv_down, buf, len, w->now);
}
static void b_send_rtp(void *u, uint8_t *buf, size_t len, size_t cap) {
  world *w = u;
  (void)cap;
  sim_link_send(w->rcv_down, buf, len, w->now);
}
static void b_keyframe(void *u, sb_tx_stream *tx) {
  world *w = u;
  g_assert_true(tx == &w->tx);
  sb_msess_request_keyframe(w->ms_a, &w->rx, w->now);
}
static void b_estimate(void *u, sb_tx_stream *tx, uint64_t bps) {
  world *w = u;
  (void)tx;
  sb_msess_set_remb(w->ms_a, bps, w->now);
}
static void no_keyframe(void *u, sb_tx_stream *tx) { (void)u, (void)tx; }
static void no_estimate(void *u, sb_tx_stream *tx, uint64_t bps) { (void)u, (void)tx, (void)bps; }

static const sb_msess_io io_a = {a_send_rtcp, a_send_rtp, no_keyframe, no_estimate};
static const sb_msess_io io_b = {b_send_rtcp, b_send_rtp, b_keyframe, b_estimate};

static void video_section(sb_msection *sec, const char *mid, uint8_t pt, uint8_t rtx_pt) {
  sb_test_vp8_section(sec, mid, pt, rtx_pt);
  sec->codecs[0].fb_tcc = true;
  sec->n_exts = 1;
  sec->exts[0] = (sb_ext){.kind = SB_EXT_TRANSPORT_CC, .id = TCC_ID};
}

static world *world_new(const sim_link_cfg *up, const sim_link_cfg *down) {
  world *w = g_new0(world, 1);
  w->pub_up = sim_link_new(up);
  w->pub_down = sim_link_new(up);
  w->rcv_down = sim_link_new(down);
  w->rcv_up = sim_link_new(down);
  video_section(&w->pub_sec, "0", PUB_PT, PUB_RTXPT);
  video_section(&w->rcv_sec, "s0", RCV_PT, RCV_RTXPT);
  w->ms_a = sb_msess_new(0xaaaa0001u, "simA", &io_a, w);
  w->ms_b = sb_msess_new(0xbbbb0001u, "simB", &io_b, w);
  sb_rx_stream_init(&w->rx, &w->pub_sec, PUB_SSRC, PUB_RTX);
  sb_msess_add_rx(w->ms_a, &w->rx);
  sb_msess_set_twcc(w->ms_a, TCC_ID);
  sb_tx_stream_init(&w->tx, 0x33333333u, 0x44444444u, 1000, 5000, 7000, 90000, true);
  w->tx.src = &w->rx;
  uint8_t pt_map[128], ext_map[256];
  sb_session_pt_map(&w->pub_sec, &w->rcv_sec, pt_map);
  sb_session_ext_map(&w->pub_sec, &w->rcv_sec, ext_map);
  sb_rewrite_set_maps(&w->tx.rw, pt_map, ext_map);
  g_assert_cmpint(sb_tx_stream_configure(&w->tx, &w->rcv_sec), ==, SB_OK);
  sb_msess_add_tx(w->ms_b, &w->tx);
  w->sending = true;
  w->frame_interval_us = 33333;
  w->packets_per_frame = 3;
  w->ssrc = PUB_SSRC;
  w->seq = 100;
  w->answers_nacks = true;
  g_assert_cmpint(sb_rtx_buffer_new(1024, 1 << 20, 2000000, &w->history), ==, SB_OK);
  w->last_twcc = g_new0(sb_rtcp_twcc, 1);
  sb_nack_gen_init(&w->rcv_nack, NULL);
  w->got = g_malloc0(65536);
  return w;
}

static void world_free(world *w) {
  sb_tx_stream_clear(&w->tx);
  sb_msess_free(w->ms_a);
  sb_msess_free(w->ms_b);
  sim_link_free(w->pub_up);
  sim_link_free(w->pub_down);
  sim_link_free(w->rcv_down);
  sim_link_free(w->rcv_up);
  sb_rtx_buffer_free(w->history);
  g_free(w->last_twcc);
  g_free(w->got);
  g_free(w);
}

/* A packet the publisher's session let through: forwarded to the receiver
 * as peer_media.c does. */
static void server_forward(world *w, uint8_t *pkt, size_t len) {
  uint8_t out[MAX_PKT];
  memcpy(out, pkt, len);
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(out, len, &h), ==, SB_OK);
  if (sb_tx_stream_rewrite(&w->tx, out, len, &h, w->now) == SB_OK)
    sim_link_send(w->rcv_down, out, len, w->now);
}

static void server_from_publisher(world *w, uint8_t *pkt, size_t len) {
  if (sb_rtcp_is_rtcp(pkt, len)) {
    sb_msess_on_rtcp(w->ms_a, pkt, len, w->now);
    return;
  }
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(pkt, len, &h), ==, SB_OK);
  sb_rx_stream *rx = NULL;
  if (sb_msess_on_rtp(w->ms_a, pkt, &len, &h, w->now, &rx) == SB_OK) {
    g_assert_true(rx == &w->rx);
    server_forward(w, pkt, len);
  }
}

/* ---- the publisher ---- */

static void pub_send(world *w, uint8_t *pkt, size_t len) {
  sim_link_send(w->pub_up, pkt, len, w->now);
}

static void pub_frame(world *w) {
  for (int i = 0; i < w->packets_per_frame; i++) {
    uint8_t ext[4] = {(uint8_t)(TCC_ID << 4 | 1), (uint8_t)(w->tseq >> 8), (uint8_t)w->tseq, 0};
    w->tseq++;
    sb_rtp_fields f = {.marker = i == w->packets_per_frame - 1,
                       .payload_type = PUB_PT,
                       .seq = w->seq,
                       .timestamp = w->ts,
                       .ssrc = w->ssrc,
                       .extension = true,
                       .ext_profile = SB_RTP_EXT_ONE_BYTE,
                       .ext_data = ext,
                       .ext_len = 4};
    uint8_t pkt[MAX_PKT];
    size_t hl = 0;
    g_assert_cmpint(sb_rtp_write(&f, pkt, sizeof pkt, &hl), ==, SB_OK);
    size_t len = hl + 1000;
    for (size_t k = hl; k < len; k++)
      pkt[k] = (uint8_t)(w->seq + k); /* payload says which packet it is */
    sb_rtx_buffer_put(w->history, w->seq, pkt, len, w->now);
    pub_send(w, pkt, len);
    w->seq++;
  }
  w->ts += 3000;
}

static void pub_rtcp(world *w, const uint8_t *buf, size_t len) {
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, buf, len);
  while (sb_rtcp_iter_next(&it, &p) > 0) {
    if (p.pt == SB_RTCP_PT_RTPFB && p.count == SB_RTCP_FMT_NACK) {
      sb_rtcp_nack nack;
      uint16_t seqs[SB_RTCP_NACK_MAX_SEQS];
      size_t n = 0;
      g_assert_cmpint(sb_rtcp_nack_parse(p.data, p.len, &nack), ==, SB_OK);
      g_assert_cmpuint(nack.media_ssrc, ==, w->ssrc);
      g_assert_cmpint(sb_rtcp_nack_expand(&nack, seqs, G_N_ELEMENTS(seqs), &n), ==, SB_OK);
      for (size_t i = 0; i < n; i++) {
        w->nack_requests[seqs[i]]++;
        const uint8_t *orig;
        size_t olen;
        if (!w->answers_nacks || sb_rtx_buffer_get(w->history, seqs[i], w->now, &orig, &olen) < 0)
          continue;
        sb_rtp_header h;
        g_assert_cmpint(sb_rtp_parse(orig, olen, &h), ==, SB_OK);
        uint8_t out[MAX_PKT];
        size_t rlen = 0;
        g_assert_cmpint(
            sb_rtx_wrap(orig, olen, &h, PUB_RTXPT, PUB_RTX, w->rtx_seq++, out, sizeof out, &rlen),
            ==, SB_OK);
        /* A retransmission is a new packet on the transport. */
        sb_rtp_header rh;
        g_assert_cmpint(sb_rtp_parse(out, rlen, &rh), ==, SB_OK);
        g_assert_cmpint(sb_rtp_ext_set_transport_seq(out, &rh, TCC_ID, w->tseq++), ==, SB_OK);
        w->rtx_sent++;
        pub_send(w, out, rlen);
      }
    } else if (p.pt == SB_RTCP_PT_PSFB && p.count == SB_RTCP_FMT_PLI) {
      w->plis++;
    } else if (p.pt == SB_RTCP_PT_RTPFB && p.count == SB_RTCP_FMT_TWCC) {
      g_assert_cmpint(sb_rtcp_twcc_parse(p.data, p.len, w->last_twcc), ==, SB_OK);
      w->twcc_msgs++;
      for (unsigned i = 0; i < w->last_twcc->n_packets; i++) {
        if (w->last_twcc->packets[i].received)
          w->twcc_received++;
        else
          w->twcc_lost++;
      }
    } else if (p.pt == SB_RTCP_PT_PSFB && p.count == SB_RTCP_FMT_AFB) {
      sb_rtcp_remb remb;
      if (sb_rtcp_remb_parse(p.data, p.len, &remb) == SB_OK) {
        w->remb_bps = remb.bitrate_bps;
        if (w->n_rembs < G_N_ELEMENTS(w->rembs)) w->rembs[w->n_rembs++] = remb.bitrate_bps;
      }
    }
  }
}

static void pub_sr(world *w) {
  /* NTP = virtual time; RTP timestamp of "now" on the 90 kHz clock. */
  sb_rtcp_sr sr = {
      .ssrc = w->ssrc, .ntp = ((uint64_t)(w->now + 1000000000) << 32) / 1000000, .rtp_ts = w->ts};
  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_sr_write(&sr, buf, sizeof buf, &n), ==, SB_OK);
  pub_send(w, buf, n);
}

/* ---- the receiver ---- */

static void rcv_rtp(world *w, uint8_t *pkt, size_t len) {
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(pkt, len, &h), ==, SB_OK);
  if (h.ssrc == w->tx.rtx_ssrc) {
    g_assert_cmpuint(h.payload_type, ==, RCV_RTXPT);
    g_assert_cmpint(sb_rtx_unwrap(pkt, &len, &h, RCV_PT, w->tx.rw.ssrc), ==, SB_OK);
    g_assert_cmpint(sb_rtp_parse(pkt, len, &h), ==, SB_OK);
    w->rcv_rtx++;
  }
  g_assert_cmpuint(h.ssrc, ==, w->tx.rw.ssrc);
  g_assert_cmpuint(h.payload_type, ==, RCV_PT);
  /* The transport-wide sequence number is per leg: never forwarded. */
  uint16_t tseq;
  g_assert_cmpint(sb_rtp_ext_get_transport_seq(&h, TCC_ID, &tseq), <, 0);
  if (w->got[h.seq]) w->rcv_dups++;
  w->got[h.seq] = 1;
  if (!w->rcv_started) {
    w->rcv_started = true;
    w->rcv_first = w->rcv_highest = h.seq;
    w->rcv_last_ts = h.timestamp;
  } else if ((int16_t)(h.seq - w->rcv_highest) > 0) {
    if ((int32_t)(h.timestamp - w->rcv_last_ts) < 0) w->rcv_ts_backwards = true;
    w->rcv_highest = h.seq;
    w->rcv_last_ts = h.timestamp;
  }
  w->rcv_packets++;
  sb_nack_gen_on_packet(&w->rcv_nack, h.seq, w->now);
}

static void rcv_rtcp(world *w, const uint8_t *buf, size_t len) {
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, buf, len);
  while (sb_rtcp_iter_next(&it, &p) > 0) {
    sb_rtcp_sr sr;
    if (p.pt == SB_RTCP_PT_SR && sb_rtcp_sr_parse(p.data, p.len, &sr) == SB_OK &&
        sr.ssrc == w->tx.rw.ssrc) {
      w->rcv_lsr = sb_rtcp_ntp_to_mid32(sr.ntp);
      w->rcv_lsr_at = w->now;
    }
  }
}

static void rcv_poll(world *w) {
  uint8_t buf[1500];
  size_t pos = 0, n = 0;
  sb_rtcp_rr rr = {.ssrc = 0xcccc0001u, .n_reports = 1};
  rr.reports[0] = (sb_rtcp_report_block){.ssrc = w->tx.rw.ssrc};
  if (w->rcv_lsr) {
    rr.reports[0].lsr = w->rcv_lsr;
    rr.reports[0].dlsr = sb_rtcp_ntp_compact_from_us((uint64_t)(w->now - w->rcv_lsr_at));
  }
  g_assert_cmpint(sb_rtcp_rr_write(&rr, buf, sizeof buf, &n), ==, SB_OK);
  pos += n;
  uint16_t seqs[256];
  size_t k = sb_nack_gen_poll(&w->rcv_nack, w->now, 0, seqs, G_N_ELEMENTS(seqs));
  if (k) {
    sb_rtcp_nack nack;
    g_assert_cmpint(sb_rtcp_nack_build(0xcccc0001u, w->tx.rw.ssrc, seqs, k, &nack), ==, SB_OK);
    g_assert_cmpint(sb_rtcp_nack_write(&nack, buf + pos, sizeof buf - pos, &n), ==, SB_OK);
    pos += n;
    w->rcv_nack_msgs++;
    w->rcv_nack_seqs += (unsigned)k;
  }
  if (w->rcv_remb_bps) {
    sb_rtcp_remb remb = {.sender_ssrc = 0xcccc0001u, .bitrate_bps = w->rcv_remb_bps, .n_ssrcs = 1};
    remb.ssrcs[0] = w->tx.rw.ssrc;
    g_assert_cmpint(sb_rtcp_remb_write(&remb, buf + pos, sizeof buf - pos, &n), ==, SB_OK);
    pos += n;
  }
  sim_link_send(w->rcv_up, buf, pos, w->now);
}

/* ---- stepping ---- */

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static void run_until(world *w, int64_t end_us) {
  uint8_t buf[MAX_PKT];
  size_t len;
  while (w->now < end_us) {
    int64_t t = end_us;
    if (w->sending) t = min64(t, w->next_frame_us);
    t = min64(t, w->next_sr_us);
    t = min64(t, w->rcv_next_poll_us);
    t = min64(t, sim_link_next(w->pub_up));
    t = min64(t, sim_link_next(w->pub_down));
    t = min64(t, sim_link_next(w->rcv_down));
    t = min64(t, sim_link_next(w->rcv_up));
    t = min64(t, sb_msess_next_deadline(w->ms_a));
    t = min64(t, sb_msess_next_deadline(w->ms_b));
    if (t > w->now) w->now = t;
    while (sim_link_recv(w->pub_up, w->now, buf, sizeof buf, &len))
      server_from_publisher(w, buf, len);
    while (sim_link_recv(w->rcv_up, w->now, buf, sizeof buf, &len))
      sb_msess_on_rtcp(w->ms_b, buf, len, w->now);
    while (sim_link_recv(w->pub_down, w->now, buf, sizeof buf, &len))
      pub_rtcp(w, buf, len);
    while (sim_link_recv(w->rcv_down, w->now, buf, sizeof buf, &len)) {
      if (sb_rtcp_is_rtcp(buf, len))
        rcv_rtcp(w, buf, len);
      else
        rcv_rtp(w, buf, len);
    }
    if (w->sending && w->now >= w->next_frame_us) {
      pub_frame(w);
      w->next_frame_us += w->frame_interval_us;
    }
    if (w->now >= w->next_sr_us) {
      pub_sr(w);
      w->next_sr_us = w->now + 500000;
    }
    if (w->now >= w->rcv_next_poll_us) {
      rcv_poll(w);
      w->rcv_next_poll_us = w->now + 20000;
    }
    if (sb_msess_next_deadline(w->ms_a) <= w->now) sb_msess_poll(w->ms_a, w->now);
    if (sb_msess_next_deadline(w->ms_b) <= w->now) sb_msess_poll(w->ms_b, w->now);
  }
}

/* Sequence numbers the receiver is missing between its first and highest. */
static unsigned rcv_holes(const world *w) {
  unsigned holes = 0;
  for (uint16_t s = w->rcv_first; s != (uint16_t)(w->rcv_highest + 1); s++)
    holes += !w->got[s];
  return holes;
}

static const sim_link_cfg clean = {.delay_us = 20000, .seed = 1};

/* ---- scenarios ---- */

/* Three datagrams lost on the way to the receiver (the 10th, 11th and
 * 31st media packets): each comes back once, as RTX with the rewritten
 * sequence number as OSN, and nothing is missing at the end. */
static void test_downstream_exact(void) {
  world *w = world_new(&clean, &clean);
  /* The receiver's link also carries our RTCP; count media only: drop by
   * index among all datagrams, found from a dry run's order. */
  sim_link_drop_nth(w->rcv_down, 10);
  sim_link_drop_nth(w->rcv_down, 11);
  sim_link_drop_nth(w->rcv_down, 31);
  run_until(w, 2000000);
  w->sending = false;
  run_until(w, 3000000);
  sim_link_stats st = sim_link_get_stats(w->rcv_down);
  g_assert_cmpuint(st.lost, ==, 3);
  g_assert_cmpuint(rcv_holes(w), ==, 0);
  /* Datagrams 10, 11 and 31 are media (RTCP starts at 1 s): 3 resent. */
  g_assert_cmpuint(w->tx.c.retransmitted, ==, 3);
  g_assert_cmpuint(w->rcv_rtx, ==, 3);
  g_assert_cmpuint(w->rcv_dups, ==, 0);
  g_assert_cmpuint(w->tx.c.rtx_missing, ==, 0);
  g_assert_cmpuint(w->rcv_nack_seqs, ==, 3);
  /* Nothing was asked of the publisher. */
  g_assert_cmpuint(w->rx.c.nack_seqs, ==, 0);
  world_free(w);
}

/* 5% random loss each way on the receiver's leg, 20 s: every packet gets
 * through in the end, none is resent twice within an RTT. */
static void test_downstream_random(void) {
  sim_link_cfg lossy = {.loss = 0.05, .delay_us = 25000, .jitter_us = 2000, .seed = 7};
  world *w = world_new(&clean, &lossy);
  run_until(w, 20000000);
  w->sending = false;
  run_until(w, 22000000);
  g_assert_cmpuint(rcv_holes(w), ==, 0);
  g_assert_cmpuint(w->rcv_packets - w->rcv_dups, ==, 600 * 3 + 3);
  g_assert_cmpuint(w->tx.c.retransmitted, >=, 80);
  g_assert_cmpuint(w->tx.c.retransmitted, <=, w->rcv_nack_seqs);
  g_assert_cmpuint(w->tx.c.rtx_missing, ==, 0);
  g_assert_cmpuint(w->tx.c.nack_packets, >, 0);
  world_free(w);
}

/* Two packets lost on the publisher's leg (seq 104 and 105): the server NACKs them at once
 * (one NACK, two sequence numbers), the publisher answers with RTX, the
 * server restores and forwards them, and the receiver never has to ask. */
static void test_upstream_rtx(void) {
  world *w = world_new(&clean, &clean);
  sim_link_drop_nth(w->pub_up, 5);
  sim_link_drop_nth(w->pub_up, 6);
  run_until(w, 1500000);
  /* Datagrams: 0-2 frame 0 (seq 100-102), 3 the first SR, 4-6 frame 1. */
  g_assert_cmpuint(w->nack_requests[104], ==, 1);
  g_assert_cmpuint(w->nack_requests[105], ==, 1);
  g_assert_cmpuint(w->rx.c.nack_packets, ==, 1);
  g_assert_cmpuint(w->rx.c.nack_seqs, ==, 2);
  g_assert_cmpuint(w->rtx_sent, ==, 2);
  g_assert_cmpuint(w->rx.c.rtx_packets, ==, 2);
  g_assert_cmpuint(w->rx.c.recovered, ==, 2);
  g_assert_cmpuint(rcv_holes(w), ==, 0);
  /* The receiver saw the gap (106 came first) and NACKed 104 and 105 once;
   * its NACK crossed the recovered packets, which count as just sent: not
   * sent a second time. */
  g_assert_cmpuint(w->rcv_nack_seqs, ==, 2);
  g_assert_cmpuint(w->tx.c.retransmitted, ==, 0);
  g_assert_cmpuint(w->tx.c.rtx_suppressed, ==, 2);
  g_assert_cmpuint(w->rcv_dups, ==, 0);
  world_free(w);
}

/* A publisher that ignores NACKs: the lost packet is NACKed ten times, once
 * per RTT (100 ms while unknown), then given up with a keyframe request. */
static void test_give_up_keyframe(void) {
  world *w = world_new(&clean, &clean);
  w->answers_nacks = false;
  sim_link_drop_nth(w->pub_up, 5); /* seq 104 */
  run_until(w, 3000000);
  g_assert_cmpuint(w->nack_requests[104], ==, 10);
  g_assert_cmpuint(w->rx.c.given_up, ==, 1);
  g_assert_cmpuint(w->plis, ==, 1);
  g_assert_cmpuint(w->rx.c.plis, ==, 1);
  world_free(w);
}

/* A receiver's PLIs reach the publisher throttled: ten in 100 ms make one. */
static void test_pli_throttle(void) {
  world *w = world_new(&clean, &clean);
  run_until(w, 500000);
  for (int i = 0; i < 10; i++) {
    uint8_t buf[64];
    size_t n = 0;
    sb_rtcp_pli pli = {.sender_ssrc = 0xcccc0001u, .media_ssrc = w->tx.rw.ssrc};
    g_assert_cmpint(sb_rtcp_pli_write(&pli, buf, sizeof buf, &n), ==, SB_OK);
    sim_link_send(w->rcv_up, buf, n, w->now);
    run_until(w, w->now + 10000);
  }
  run_until(w, w->now + 100000);
  g_assert_cmpuint(w->tx.c.plis, ==, 10);
  g_assert_cmpuint(w->plis, ==, 1);
  /* After the throttle interval, the next one goes through. */
  run_until(w, w->now + SB_RX_KEYFRAME_MIN_INTERVAL_US);
  uint8_t buf[64];
  size_t n = 0;
  sb_rtcp_pli pli = {.sender_ssrc = 0xcccc0001u, .media_ssrc = w->tx.rw.ssrc};
  g_assert_cmpint(sb_rtcp_pli_write(&pli, buf, sizeof buf, &n), ==, SB_OK);
  sim_link_send(w->rcv_up, buf, n, w->now);
  run_until(w, w->now + 100000);
  g_assert_cmpuint(w->plis, ==, 2);
  world_free(w);
}

/* TWCC for a known arrival pattern: frames of 3 packets every 33.333 ms
 * over a 20 ms link, the 5th datagram (the first SR is the 4th: transport
 * seq 3) lost. The first feedback (100 ms after the first packet, at 120
 * ms) reports transport seqs 0..11 (4 frames), seq 3 lost, deltas 0 inside
 * a frame and 33.25 / 33.5 / 33.25 ms (133 / 134 / 133 units of 250 us:
 * the rounding does not accumulate) between frames. */
static void test_twcc_pattern(void) {
  world *w = world_new(&clean, &clean);
  w->answers_nacks = false; /* no RTX in the pattern */
  sim_link_drop_nth(w->pub_up, 4);
  run_until(w, 150000); /* due at 20 + 100 ms, back at the publisher 20 ms later */
  g_assert_cmpuint(w->twcc_msgs, ==, 1);
  sb_rtcp_twcc *t = w->last_twcc;
  g_assert_cmpuint(t->base_seq, ==, 0);
  g_assert_cmpuint(t->n_packets, ==, 12);
  for (unsigned i = 0; i < 12; i++)
    g_assert_true(t->packets[i].received == (i != 3));
  g_assert_cmpint(t->packets[1].delta_us, ==, 0);
  g_assert_cmpint(t->packets[2].delta_us, ==, 0);
  g_assert_cmpint(t->packets[4].delta_us, ==, 133 * 250);
  g_assert_cmpint(t->packets[5].delta_us, ==, 0);
  g_assert_cmpint(t->packets[6].delta_us, ==, 134 * 250);
  g_assert_cmpint(t->packets[9].delta_us, ==, 133 * 250);
  /* Then once per 100 ms, each packet reported once. */
  run_until(w, 1050000);
  g_assert_cmpuint(w->twcc_msgs, ==, 10);
  g_assert_cmpuint(w->twcc_lost, ==, 1);
  /* The 10th (at 1020 ms) covers what was sent up to 1000 ms: 31 frames. */
  g_assert_cmpuint(w->twcc_received, ==, 31 * 3 - 1);
  world_free(w);
}

/* The source behind a receiver's stream changes (new SSRC, new sequence
 * and timestamp spaces): the receiver sees one unbroken stream, and a loss
 * after the switch is recovered by the rewritten sequence number. */
static void test_source_switch(void) {
  world *w = world_new(&clean, &clean);
  run_until(w, 1000000);
  uint16_t before = w->rcv_highest;
  w->ssrc = 0x55555555u;
  w->seq = 40000;
  w->ts = 123456789;
  sb_rx_stream_set_ssrc(&w->rx, w->ssrc); /* what renegotiation or a mid does */
  unsigned sent_before = sim_link_get_stats(w->rcv_down).sent;
  sim_link_drop_nth(w->rcv_down, sent_before + 4);
  run_until(w, 2000000);
  w->sending = false;
  run_until(w, 3000000);
  g_assert_cmpuint(rcv_holes(w), ==, 0);
  g_assert_false(w->rcv_ts_backwards);
  g_assert_cmpuint((uint16_t)(w->rcv_highest - before), >=, 80);
  g_assert_cmpuint(w->tx.c.retransmitted, ==, 1);
  g_assert_cmpuint(w->rcv_dups, ==, 0);
  world_free(w);
}

/* A receiver NACKs packets the server never sent: nothing is resent and
 * nothing is asked of the publisher. */
static void test_nack_unknown(void) {
  world *w = world_new(&clean, &clean);
  run_until(w, 500000);
  uint16_t seqs[2] = {(uint16_t)(w->tx.rw.last_seq + 5000), (uint16_t)(w->tx.rw.last_seq + 5001)};
  sb_rtcp_nack nack;
  g_assert_cmpint(sb_rtcp_nack_build(0xcccc0001u, w->tx.rw.ssrc, seqs, 2, &nack), ==, SB_OK);
  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_nack_write(&nack, buf, sizeof buf, &n), ==, SB_OK);
  sim_link_send(w->rcv_up, buf, n, w->now);
  run_until(w, 1000000);
  g_assert_cmpuint(w->tx.c.rtx_missing, ==, 2);
  g_assert_cmpuint(w->tx.c.retransmitted, ==, 0);
  g_assert_cmpuint(w->rx.c.nack_seqs, ==, 0);
  world_free(w);
}

/* RTT from our SR and the receiver's RR over 40 + 40 ms. */
static void test_rtt(void) {
  sim_link_cfg slow = {.delay_us = 40000, .seed = 3};
  world *w = world_new(&clean, &slow);
  run_until(w, 5000000);
  g_assert_cmpint(w->tx.rtt_us, >=, 79000);
  g_assert_cmpint(w->tx.rtt_us, <=, 81000);
  g_assert_cmpint(w->ms_b->rtt_us, ==, w->tx.rtt_us);
  world_free(w);
}

/* The receiver says it can take 300 kbit/s: the publisher is told so
 * within a report interval, rounded down to REMB's 18-bit mantissa. */
static void test_remb_cap(void) {
  world *w = world_new(&clean, &clean);
  w->rcv_remb_bps = 300000;
  run_until(w, 200000);
  g_assert_cmpuint(w->remb_bps, ==, 300000);
  w->rcv_remb_bps = 150000;
  run_until(w, 300000);
  g_assert_cmpuint(w->remb_bps, ==, 150000);
  world_free(w);
}

/* A bottleneck of 1 Mbit/s upstream (the publisher sends ~720 kbit/s
 * plus overhead): nothing lost, the TWCC deltas show the queue. */
static void test_rate_limit(void) {
  sim_link_cfg narrow = {.delay_us = 10000, .rate_bps = 1000000, .seed = 5};
  world *w = world_new(&narrow, &clean);
  run_until(w, 3000000);
  g_assert_cmpuint(w->twcc_lost, ==, 0);
  g_assert_cmpuint(w->twcc_received, >, 250);
  /* 3 packets of ~1030 bytes back to back at 1 Mbit/s: 8.2 ms apart. */
  sb_rtcp_twcc *t = w->last_twcc;
  bool queued = false;
  for (unsigned i = 1; i < t->n_packets; i++)
    queued |= t->packets[i].delta_us >= 8000 && t->packets[i].delta_us <= 8500;
  g_assert_true(queued);
  world_free(w);
}

/* A publisher that takes REMB and no transport-wide feedback: the server's
 * own loss-based estimate. Without loss it starts at 1.5x what arrives
 * (731.5 kbit/s of RTP here) and grows 8% a second until it is twice what
 * the publisher uses (then it holds: the publisher is not using it); with
 * 20% loss (no retransmissions) it falls by about 10% a second. */
static void test_own_estimate(void) {
  world *w = world_new(&clean, &clean);
  sb_msess_set_twcc(w->ms_a, 0);
  w->ms_a->twcc_id = 0;
  sb_msess_set_own_estimate(w->ms_a, true);
  run_until(w, 6100000);
  g_assert_cmpuint(w->twcc_msgs, ==, 0);
  g_assert_cmpuint(w->n_rembs, >=, 5);
  /* Incoming: 90 packets/s of 1016 bytes (12 header + 4 extension + 1000) = 731.5 kbit/s. */
  g_assert_cmpuint(w->rembs[0], >=, 731500 * 3 / 2 * 95 / 100);
  g_assert_cmpuint(w->rembs[0], <=, 731500 * 3 / 2 * 105 / 100);
  for (unsigned i = 1; i < w->n_rembs; i++) {
    if (w->rembs[i - 1] > 2 * 731500) { /* held */
      g_assert_cmpuint(w->rembs[i], ==, w->rembs[i - 1]);
      continue;
    }
    /* +8%, give or take REMB's 18-bit mantissa */
    g_assert_cmpuint(w->rembs[i], >=, w->rembs[i - 1] * 107 / 100);
    g_assert_cmpuint(w->rembs[i], <=, w->rembs[i - 1] * 109 / 100);
  }
  g_assert_cmpuint(w->rembs[w->n_rembs - 1], >, 2 * 731500);
  world_free(w);

  sim_link_cfg lossy = {.loss = 0.2, .delay_us = 20000, .seed = 11};
  w = world_new(&lossy, &clean);
  sb_msess_set_twcc(w->ms_a, 0);
  w->ms_a->twcc_id = 0;
  w->answers_nacks = false;
  sb_msess_set_own_estimate(w->ms_a, true);
  run_until(w, 8100000);
  g_assert_cmpuint(w->n_rembs, >=, 5);
  g_assert_cmpuint(w->rembs[w->n_rembs - 1], <, w->rembs[0] * 70 / 100);
  for (unsigned i = 2; i < w->n_rembs; i++)
    g_assert_cmpuint(w->rembs[i], <, w->rembs[i - 1]);
  world_free(w);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sim/downstream-loss-exact", test_downstream_exact);
  g_test_add_func("/sim/downstream-loss-random", test_downstream_random);
  g_test_add_func("/sim/upstream-rtx", test_upstream_rtx);
  g_test_add_func("/sim/give-up-keyframe", test_give_up_keyframe);
  g_test_add_func("/sim/pli-throttle", test_pli_throttle);
  g_test_add_func("/sim/twcc-pattern", test_twcc_pattern);
  g_test_add_func("/sim/source-switch", test_source_switch);
  g_test_add_func("/sim/nack-unknown", test_nack_unknown);
  g_test_add_func("/sim/rtt", test_rtt);
  g_test_add_func("/sim/remb-cap", test_remb_cap);
  g_test_add_func("/sim/rate-limit", test_rate_limit);
  g_test_add_func("/sim/own-estimate", test_own_estimate);
  return g_test_run();
}
