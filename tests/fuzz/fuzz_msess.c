/* fuzz_msess.c - libFuzzer target for the whole receive path of a media
 * session (core/media_session.c with core/rx_stream.c, core/tx_stream.c and
 * what they use): one session with one published stream (VP8 + RTX, NACK,
 * the mid and transport-cc extensions) and one forwarded stream (to a
 * receiver with its own VP8 + RTX payload types, NACK and abs-send-time),
 * wired as server/peer_media.c wires them: what the session lets through is
 * rewritten into the forwarded stream's history, so NACKs find packets.
 *
 * Input: one config byte (SSRCs announced or learned, starting clock), then
 * operations, each an op byte, a time byte (the virtual clock advances by
 * t * t * 16 us, up to about a second) and its operands:
 *   0, 6  raw RTP: length byte, then that many bytes (sb_rtp_parse, then
 *         sb_msess_on_rtp; forwarded when accepted)
 *   1, 7  raw RTCP: length byte, then bytes (sb_msess_on_rtcp)
 *   2     structured RTP: 4 bytes pick SSRC (media, RTX, unknown, 0), payload
 *         type, extensions, padding, marker, sequence step and payload size;
 *         RTX packets carry a recent OSN
 *   3     structured RTCP: 5 bytes pick a NACK (up to a 4352-seq storm) for
 *         the forwarded stream, an RR echoing one of our SRs, PLI, FIR,
 *         REMB, the publisher's SR or a NACK for the wrong direction
 *   4     time only
 *   5     control: 2 bytes pick a keyframe request, a REMB cap, a
 *         renegotiated publisher section or receiver section, a new SSRC,
 *         the transport-cc id or our own REMB estimate on/off, or streams
 *         removed and added back
 * After each operation the session is polled while its deadline has come.
 *
 * Invariants (a broken one aborts): every RTCP output is a valid compound
 * whose packets parse with their own parser and name our SSRC and the
 * stream's; within SB_MSESS_RTCP_MAX with SB_MSESS_TRAILER of room after it
 * (the room is written to, so ASan checks the cap); retransmissions parse,
 * carry the receiver's payload types and our SSRCs, fit the room they are
 * lent; an accepted packet is the stream's (its SSRC, a negotiated media
 * payload type) and no longer than it came; a rewritten one carries our
 * SSRC and the receiver's payload type; callbacks name our stream; and
 * after a poll, polling again at the same time reaches a deadline in the
 * future within a few rounds (no busy loop). */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "core/media_session.h"
#include "core/rtcp.h"
#include "core/rtcp_fir.h"
#include "core/rtcp_nack.h"
#include "core/rtcp_pli.h"
#include "core/rtcp_remb.h"
#include "core/rtcp_rr.h"
#include "core/rtcp_sdes.h"
#include "core/rtcp_sr.h"
#include "core/rtcp_twcc.h"
#include "core/rtp.h"
#include "../lib/vp8_section.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) abort();                                                                             \
  } while (0)

#define OUR_SSRC   0xaaaa0001u
#define MEDIA_SSRC 0x11111111u
#define RTX_SSRC   0x22222222u
#define OTHER_SSRC 0x5a5a5a5au
#define TX_SSRC    0x33333333u
#define TX_RTX     0x44444444u
#define MID_ID     1
#define AST_ID     2
#define TCC_ID     3
#define MAX_POLLS  64

typedef struct {
  int64_t now;
  sb_msection pub[4]; /* the publisher's section and three renegotiated forms */
  sb_msection rcv[3]; /* the receiver's, likewise */
  sb_rx_stream rx;
  sb_tx_stream tx;
  sb_msess *ms;
  bool rx_in, tx_in; /* registered with the session */
  uint16_t seq, rtx_seq, tseq;
  uint32_t ts;
  /* scratch for parsing outputs */
  sb_rtcp_nack nack;
  sb_rtcp_twcc twcc;
  sb_rtcp_remb remb;
  sb_rtcp_sr sr;
  sb_rtcp_rr rr;
  sb_rtcp_sdes sdes;
  sb_rtcp_fir fir;
  uint64_t outputs; /* anything sent */
} world;

static void section(sb_msection *sec, const char *mid, uint8_t pt, uint8_t rtx_pt, bool nack) {
  sb_test_vp8_section(sec, mid, pt, rtx_pt);
  sb_codec *c = &sec->codecs[0];
  c->fb_nack = nack;
  c->fb_tcc = true;
  sec->n_exts = 3;
  sec->exts[0] = (sb_ext){.kind = SB_EXT_MID, .id = MID_ID};
  sec->exts[1] = (sb_ext){.kind = SB_EXT_ABS_SEND_TIME, .id = AST_ID};
  sec->exts[2] = (sb_ext){.kind = SB_EXT_TRANSPORT_CC, .id = TCC_ID};
}

/* ---- outputs ---- */

static void check_rtcp_packet(world *w, const sb_rtcp_packet *p) {
  uint32_t rx_ssrc = w->rx.ssrc;
  switch (p->pt) {
  case SB_RTCP_PT_SR:
    CHECK(sb_rtcp_sr_parse(p->data, p->len, &w->sr) == SB_OK);
    CHECK(w->sr.ssrc == TX_SSRC);
    break;
  case SB_RTCP_PT_RR:
    CHECK(sb_rtcp_rr_parse(p->data, p->len, &w->rr) == SB_OK);
    CHECK(w->rr.ssrc == OUR_SSRC);
    for (unsigned i = 0; i < w->rr.n_reports; i++)
      CHECK(w->rr.reports[i].ssrc == rx_ssrc);
    break;
  case SB_RTCP_PT_SDES:
    CHECK(sb_rtcp_sdes_parse(p->data, p->len, &w->sdes) == SB_OK);
    CHECK(w->sdes.n_chunks == 1 && w->sdes.chunks[0].ssrc == OUR_SSRC);
    break;
  case SB_RTCP_PT_RTPFB:
    if (p->count == SB_RTCP_FMT_NACK) {
      CHECK(sb_rtcp_nack_parse(p->data, p->len, &w->nack) == SB_OK);
      CHECK(w->nack.sender_ssrc == OUR_SSRC && w->nack.media_ssrc == rx_ssrc);
      CHECK(rx_ssrc != 0);
    } else {
      CHECK(p->count == SB_RTCP_FMT_TWCC);
      CHECK(sb_rtcp_twcc_parse(p->data, p->len, &w->twcc) == SB_OK);
      CHECK(w->twcc.sender_ssrc == OUR_SSRC);
    }
    break;
  case SB_RTCP_PT_PSFB:
    if (p->count == SB_RTCP_FMT_PLI) {
      sb_rtcp_pli pli;
      CHECK(sb_rtcp_pli_parse(p->data, p->len, &pli) == SB_OK);
      CHECK(pli.sender_ssrc == OUR_SSRC && pli.media_ssrc == rx_ssrc && rx_ssrc != 0);
    } else if (p->count == SB_RTCP_FMT_FIR) {
      CHECK(sb_rtcp_fir_parse(p->data, p->len, &w->fir) == SB_OK);
      CHECK(w->fir.sender_ssrc == OUR_SSRC && w->fir.n_entries == 1);
      CHECK(w->fir.entries[0].ssrc == rx_ssrc);
    } else {
      CHECK(p->count == SB_RTCP_FMT_AFB);
      CHECK(sb_rtcp_remb_parse(p->data, p->len, &w->remb) == SB_OK);
      CHECK(w->remb.sender_ssrc == OUR_SSRC && w->remb.bitrate_bps > 0);
      CHECK(w->remb.n_ssrcs == 1 && w->remb.ssrcs[0] == rx_ssrc);
    }
    break;
  default: abort();
  }
}

static void out_rtcp(void *u, uint8_t *buf, size_t len, size_t cap) {
  world *w = u;
  w->outputs++;
  CHECK(len > 0 && len <= SB_MSESS_RTCP_MAX);
  CHECK(cap >= len + SB_MSESS_TRAILER);
  CHECK(sb_rtcp_compound_check(buf, len, SB_RTCP_ALLOW_REDUCED_SIZE) == SB_OK);
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, buf, len);
  int rc;
  while ((rc = sb_rtcp_iter_next(&it, &p)) > 0)
    check_rtcp_packet(w, &p);
  CHECK(rc == 0);
  memset(buf + len, 0xa5, cap - len); /* the owner protects in place */
}

static void out_rtp(void *u, uint8_t *buf, size_t len, size_t cap) {
  world *w = u;
  w->outputs++;
  CHECK(cap >= len + SB_MSESS_TRAILER);
  sb_rtp_header h;
  CHECK(sb_rtp_parse(buf, len, &h) == SB_OK);
  if (h.ssrc == TX_RTX) {
    CHECK(h.payload_type == 101 && h.payload_len >= 2 && !h.padding);
  } else {
    CHECK(h.ssrc == TX_SSRC);
    CHECK(h.payload_type == 100);
  }
  memset(buf + len, 0xa5, cap - len);
}

static void out_keyframe(void *u, sb_tx_stream *tx) {
  world *w = u;
  CHECK(tx == &w->tx && w->tx_in);
}

static void out_estimate(void *u, sb_tx_stream *tx, uint64_t bps) {
  world *w = u;
  CHECK(tx == &w->tx && w->tx_in);
  CHECK(bps == w->tx.remb_bps);
}

static const sb_msess_io io = {out_rtcp, out_rtp, out_keyframe, out_estimate};

/* Polls while the deadline has come; a deadline that stays in the past
 * after MAX_POLLS rounds at the same time is a busy loop. */
static void poll_due(world *w) {
  for (int i = 0; i < MAX_POLLS; i++) {
    if (sb_msess_next_deadline(w->ms) > w->now) return;
    sb_msess_poll(w->ms, w->now);
  }
  CHECK(sb_msess_next_deadline(w->ms) > w->now);
}

/* ---- inputs ---- */

/* What the adapter does with an accepted packet: rewritten for the
 * receiver (into the history). */
static void forward(world *w, const uint8_t *pkt, size_t len, const sb_rtp_header *h) {
  uint8_t out[2048 + SB_MSESS_TRAILER];
  if (len > 2048) return;
  memcpy(out, pkt, len);
  sb_rtp_header oh = *h;
  oh.data = out;
  if (sb_tx_stream_rewrite(&w->tx, out, len, &oh, w->now) != SB_OK) return;
  sb_rtp_header r;
  CHECK(sb_rtp_parse(out, len, &r) == SB_OK);
  CHECK(r.ssrc == TX_SSRC && r.payload_type == 100);
  CHECK(r.payload_len == h->payload_len && r.header_len == h->header_len);
}

static void rtp_in(world *w, const uint8_t *pkt, size_t n) {
  uint8_t buf[2048 + SB_MSESS_TRAILER];
  if (n > 2048) return;
  memcpy(buf, pkt, n);
  sb_rtp_header h;
  if (sb_rtp_parse(buf, n, &h) != SB_OK) return;
  size_t len = n;
  sb_rx_stream *out = NULL;
  if (sb_msess_on_rtp(w->ms, buf, &len, &h, w->now, &out) != SB_OK) return;
  CHECK(out == &w->rx && w->rx_in);
  CHECK(len <= n && h.len == len && h.data == buf);
  sb_rtp_header again;
  CHECK(sb_rtp_parse(buf, len, &again) == SB_OK);
  CHECK(again.seq == h.seq && again.ssrc == h.ssrc && again.payload_len == h.payload_len);
  CHECK(h.ssrc == out->ssrc);
  CHECK(sb_msection_codec(out->sec, h.payload_type) != NULL);
  forward(w, buf, len, &h);
}

/* Structured RTP from 4 operand bytes. */
static void rtp_structured(world *w, const uint8_t *b) {
  uint8_t pkt[512];
  uint8_t sel = b[0];
  static const uint32_t ssrcs[4] = {MEDIA_SSRC, RTX_SSRC, OTHER_SSRC, 0};
  static const uint8_t pts[4] = {96, 97, 111, 98};
  uint32_t ssrc = ssrcs[sel & 3];
  uint8_t pt = pts[(sel >> 2) & 3];
  bool rtx = (sel & 3) == 1 || pt == 97;
  uint16_t seq;
  if (rtx) {
    seq = w->rtx_seq++;
  } else {
    w->seq = (uint16_t)(w->seq + (int8_t)b[1] + 1);
    seq = w->seq;
  }
  w->ts += 3000;
  sb_rtp_fields f = {.payload_type = pt, .seq = seq, .timestamp = w->ts, .ssrc = ssrc};
  f.marker = (sel & 0x80) != 0;
  f.padding = (sel & 0x40) != 0;
  uint8_t ext[12];
  size_t el = 0;
  if (sel & 0x10) { /* mid "0" */
    ext[el++] = (MID_ID << 4) | 0;
    ext[el++] = '0';
  }
  if (sel & 0x20) { /* transport-wide seq */
    w->tseq = (uint16_t)(w->tseq + 1 + (b[2] >> 6));
    ext[el++] = (TCC_ID << 4) | 1;
    ext[el++] = (uint8_t)(w->tseq >> 8);
    ext[el++] = (uint8_t)w->tseq;
  }
  if (el) {
    while (el % 4)
      ext[el++] = 0;
    f.extension = true;
    f.ext_profile = SB_RTP_EXT_ONE_BYTE;
    f.ext_data = ext;
    f.ext_len = el;
  }
  size_t n = 0;
  CHECK(sb_rtp_write(&f, pkt, sizeof pkt, &n) == SB_OK);
  size_t plen = b[3] & 0x7f;
  if (rtx && plen >= 2) {
    uint16_t osn = (uint16_t)(w->seq - (b[2] & 0x3f));
    sb_store_u16(pkt + n, osn);
    memset(pkt + n + 2, 0x5c, plen - 2);
  } else {
    memset(pkt + n, 0x5c, plen);
  }
  n += plen;
  if (f.padding) {
    uint8_t pad = (uint8_t)(1 + (b[3] >> 7) * 200);
    memset(pkt + n, 0, pad);
    pkt[n + pad - 1] = pad;
    n += pad;
  }
  rtp_in(w, pkt, n);
}

/* Structured RTCP from 5 operand bytes. */
static void rtcp_structured(world *w, const uint8_t *b) {
  uint8_t buf[SB_MSESS_RTCP_MAX * 2];
  size_t pos = 0, n = 0;
  sb_rtcp_rr empty = {.ssrc = 0x77777777u};
  CHECK(sb_rtcp_rr_write(&empty, buf, sizeof buf, &n) == SB_OK);
  pos += n;
  switch (b[0] & 7) {
  case 0:
  case 6: { /* NACK of recent packets (6: for the stream we receive) */
    sb_rtcp_nack *k = &w->nack;
    memset(k, 0, sizeof *k);
    k->sender_ssrc = 0x77777777u;
    k->media_ssrc = (b[0] & 7) == 6 ? w->rx.ssrc : TX_SSRC;
    if (b[1] == 0xff) { /* the 4352-seq storm */
      k->n_pairs = 256;
      for (int i = 0; i < 256; i++)
        k->pairs[i] = (sb_rtcp_nack_pair){(uint16_t)(w->tx.rw.last_seq - 4351 + 17 * i), 0xffff};
    } else {
      k->n_pairs = (uint16_t)(1 + (b[1] & 7));
      for (int i = 0; i < k->n_pairs; i++)
        k->pairs[i] = (sb_rtcp_nack_pair){(uint16_t)(w->tx.rw.last_seq - b[2] - 17 * i),
                                          (uint16_t)(b[3] | b[4] << 8)};
    }
    CHECK(sb_rtcp_nack_write(k, buf + pos, sizeof buf - pos, &n) == SB_OK);
    break;
  }
  case 1: { /* an RR echoing one of our SRs */
    sb_rtcp_rr *rr = &w->rr;
    memset(rr, 0, sizeof *rr);
    rr->ssrc = 0x77777777u;
    rr->n_reports = 1;
    rr->reports[0] = (sb_rtcp_report_block){.ssrc = TX_SSRC,
                                            .fraction_lost = b[1],
                                            .cumulative_lost = (int8_t)b[2],
                                            .lsr = w->tx.sr_mid[b[3] & 3],
                                            .dlsr = (uint32_t)b[4] << (b[1] & 15)};
    CHECK(sb_rtcp_rr_write(rr, buf + pos, sizeof buf - pos, &n) == SB_OK);
    break;
  }
  case 2: {
    sb_rtcp_pli pli = {.sender_ssrc = 0x77777777u, .media_ssrc = b[1] & 1 ? TX_SSRC : TX_RTX};
    CHECK(sb_rtcp_pli_write(&pli, buf + pos, sizeof buf - pos, &n) == SB_OK);
    break;
  }
  case 3: {
    sb_rtcp_fir *fir = &w->fir;
    memset(fir, 0, sizeof *fir);
    fir->sender_ssrc = 0x77777777u;
    fir->n_entries = (uint8_t)(1 + (b[1] % SB_RTCP_FIR_MAX_ENTRIES));
    for (unsigned i = 0; i < fir->n_entries; i++)
      fir->entries[i] = (sb_rtcp_fir_entry){i % 2 ? TX_SSRC : OTHER_SSRC, b[2]};
    CHECK(sb_rtcp_fir_write(fir, buf + pos, sizeof buf - pos, &n) == SB_OK);
    break;
  }
  case 4: {
    sb_rtcp_remb *r = &w->remb;
    memset(r, 0, sizeof *r);
    r->sender_ssrc = 0x77777777u;
    r->bitrate_bps = ((uint64_t)b[1] << 16 | (uint64_t)b[2] << 8 | b[3]) << (b[4] & 31);
    r->n_ssrcs = (uint8_t)(1 + (b[4] >> 5));
    for (unsigned i = 0; i < r->n_ssrcs; i++)
      r->ssrcs[i] = i % 2 ? OTHER_SSRC : TX_SSRC;
    CHECK(sb_rtcp_remb_write(r, buf + pos, sizeof buf - pos, &n) == SB_OK);
    break;
  }
  case 5: { /* the publisher's SR, with a block about our stream */
    sb_rtcp_sr *sr = &w->sr;
    memset(sr, 0, sizeof *sr);
    sr->ssrc = b[1] & 1 ? w->rx.ssrc : RTX_SSRC;
    sr->ntp = ((uint64_t)(w->now / 1000000) + 0xe0000000ull) << 32 | (uint64_t)b[2] << 24;
    sr->rtp_ts = w->ts - b[3];
    sr->n_reports = 1;
    sr->reports[0] =
        (sb_rtcp_report_block){.ssrc = TX_SSRC, .lsr = w->tx.sr_mid[b[4] & 3], .dlsr = b[4]};
    CHECK(sb_rtcp_sr_write(sr, buf + pos, sizeof buf - pos, &n) == SB_OK);
    break;
  }
  default: { /* SDES */
    CHECK(sb_rtcp_sdes_write_cname(w->rx.ssrc, "fuzz", buf + pos, sizeof buf - pos, &n) == SB_OK);
    break;
  }
  }
  pos += n;
  sb_msess_on_rtcp(w->ms, buf, pos, w->now);
}

static void control(world *w, const uint8_t *b) {
  switch (b[0] & 7) {
  case 0: sb_msess_request_keyframe(w->ms, &w->rx, w->now); break;
  case 1: sb_msess_set_remb(w->ms, (uint64_t)b[1] << (b[0] >> 3), w->now); break;
  case 2: sb_rx_stream_set_section(&w->rx, &w->pub[b[1] % 4]); break;
  case 3: CHECK(sb_tx_stream_configure(&w->tx, &w->rcv[b[1] % 3]) == SB_OK); break;
  case 4: /* a new source */
    sb_rx_stream_set_ssrc(&w->rx, b[1] & 1 ? MEDIA_SSRC : OTHER_SSRC + b[1]);
    break;
  case 5:
    if (b[1] & 0x80)
      sb_msess_set_own_estimate(w->ms, b[1] & 1);
    else
      sb_msess_set_twcc(w->ms, b[1] % 3 == 0 ? 0 : TCC_ID);
    break;
  case 6:
    if (w->rx_in)
      sb_msess_remove_rx(w->ms, &w->rx);
    else
      sb_msess_add_rx(w->ms, &w->rx);
    w->rx_in = !w->rx_in;
    break;
  default:
    if (w->tx_in)
      sb_msess_remove_tx(w->ms, &w->tx);
    else
      sb_msess_add_tx(w->ms, &w->tx);
    w->tx_in = !w->tx_in;
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  world *w = g_new0(world, 1);
  uint8_t cfg = data[0];
  section(&w->pub[0], "0", 96, 97, true);
  section(&w->pub[1], "0", 96, 0, false);
  section(&w->pub[2], "0", 98, 97, true);
  section(&w->pub[3], "0", 96, 97, true);
  w->pub[3].codecs[0].fb_pli = false; /* keyframes by FIR */
  w->pub[3].codecs[0].fb_fir = true;
  section(&w->rcv[0], "s0", 100, 101, true);
  section(&w->rcv[1], "s0", 100, 0, true);
  section(&w->rcv[2], "s0", 100, 101, false);
  bool announced = (cfg & 1) != 0;
  sb_rx_stream_init(&w->rx, &w->pub[0], announced ? MEDIA_SSRC : 0, announced ? RTX_SSRC : 0);
  sb_tx_stream_init(&w->tx, TX_SSRC, TX_RTX, 1000, 5000, 7000, 90000, true);
  uint8_t pt_map[128], ext_map[256];
  sb_session_pt_map(&w->pub[0], &w->rcv[0], pt_map);
  sb_session_ext_map(&w->pub[0], &w->rcv[0], ext_map);
  sb_rewrite_set_maps(&w->tx.rw, pt_map, ext_map);
  CHECK(sb_tx_stream_configure(&w->tx, &w->rcv[0]) == SB_OK);
  w->tx.src = &w->rx;
  w->ms = sb_msess_new(OUR_SSRC, "fuzz", &io, w);
  sb_msess_add_rx(w->ms, &w->rx);
  sb_msess_add_tx(w->ms, &w->tx);
  w->rx_in = w->tx_in = true;
  sb_msess_set_twcc(w->ms, TCC_ID);
  /* Clocks of a few seconds up to days of uptime. */
  w->now = 1000000 + (int64_t)(cfg >> 1) * 2000000000ll;
  w->seq = 100;
  w->rtx_seq = 30000;

  size_t pos = 1;
  while (pos + 2 <= size) {
    uint8_t op = data[pos] & 7, dt = data[pos + 1];
    pos += 2;
    w->now += (int64_t)dt * dt * 16;
    switch (op) {
    case 0:
    case 6:
    case 1:
    case 7: {
      if (pos >= size) break;
      size_t n = data[pos++];
      if (n > size - pos) n = size - pos;
      /* An exact-size copy, so ASan sees reads past the datagram. */
      uint8_t *d = g_malloc(n ? n : 1);
      memcpy(d, data + pos, n);
      pos += n;
      if (op == 0 || op == 6)
        rtp_in(w, d, n);
      else
        sb_msess_on_rtcp(w->ms, d, n, w->now);
      g_free(d);
      break;
    }
    case 2:
      if (size - pos < 4) goto done;
      rtp_structured(w, data + pos);
      pos += 4;
      break;
    case 3:
      if (size - pos < 5) goto done;
      rtcp_structured(w, data + pos);
      pos += 5;
      break;
    case 4: break;
    default:
      if (size - pos < 2) goto done;
      control(w, data + pos);
      pos += 2;
      break;
    }
    poll_due(w);
  }
done:
  /* Whatever is left to do within the next few seconds. */
  for (int i = 0; i < 40; i++) {
    w->now += 100000;
    poll_due(w);
  }
  sb_msess_free(w->ms);
  sb_tx_stream_clear(&w->tx);
  g_free(w);
  return 0;
}
