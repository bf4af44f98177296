/* media_session.c - the RTP/RTCP side of one peer connection (see
 * media_session.h): packet classification, RTCP dispatch, feedback and
 * reports on a deadline. */
#include "core/media_session.h"

#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_fir.h"
#include "core/rtcp_nack.h"
#include "core/rtcp_pli.h"
#include "core/rtcp_remb.h"
#include "core/rtcp_rr.h"
#include "core/rtcp_sdes.h"
#include "core/rtcp_sr.h"
#include "core/rtp_ext.h"

sb_msess *sb_msess_new(uint32_t rtcp_ssrc, const char *cname, const sb_msess_io *io, void *user) {
  sb_msess *ms = g_new0(sb_msess, 1);
  ms->rtcp_ssrc = rtcp_ssrc;
  g_strlcpy(ms->cname, cname ? cname : "", sizeof ms->cname);
  ms->rx = g_ptr_array_new();
  ms->tx = g_ptr_array_new();
  ms->io = io;
  ms->user = user;
  return ms;
}

void sb_msess_free(sb_msess *ms) {
  if (!ms) return;
  sb_twcc_gen_free(ms->twcc);
  g_ptr_array_free(ms->rx, TRUE);
  g_ptr_array_free(ms->tx, TRUE);
  g_free(ms);
}

void sb_msess_add_rx(sb_msess *ms, sb_rx_stream *rx) { g_ptr_array_add(ms->rx, rx); }
void sb_msess_remove_rx(sb_msess *ms, sb_rx_stream *rx) { g_ptr_array_remove(ms->rx, rx); }
void sb_msess_add_tx(sb_msess *ms, sb_tx_stream *tx) { g_ptr_array_add(ms->tx, tx); }
void sb_msess_remove_tx(sb_msess *ms, sb_tx_stream *tx) { g_ptr_array_remove(ms->tx, tx); }

void sb_msess_set_twcc(sb_msess *ms, uint8_t twcc_id) {
  ms->twcc_id = twcc_id;
  if (twcc_id && !ms->twcc &&
      sb_twcc_gen_new(ms->rtcp_ssrc, SB_MSESS_TWCC_INTERVAL_US, &ms->twcc) < 0)
    ms->twcc_id = 0;
}

/* ---- RTP in ---- */

sb_rx_stream *sb_msess_find_rx(sb_msess *ms, const sb_rtp_header *h, bool *is_rtx) {
  GPtrArray *rx = ms->rx;
  *is_rtx = false;
  /* The common case touches only the streams, not their sections. */
  for (guint i = 0; i < rx->len; i++) {
    sb_rx_stream *s = rx->pdata[i];
    if (h->ssrc && s->ssrc == h->ssrc) return s;
  }
  for (guint i = 0; i < rx->len; i++) {
    sb_rx_stream *s = rx->pdata[i];
    if (s->rtx_ssrc && s->rtx_ssrc == h->ssrc) {
      *is_rtx = true;
      return s;
    }
  }
  /* Unannounced SSRC: the mid header extension says which section; an RTX
   * payload type says it is the section's RTX stream. */
  for (guint i = 0; i < rx->len; i++) {
    sb_rx_stream *s = rx->pdata[i];
    uint8_t id = sb_msection_ext_id(s->sec, SB_EXT_MID);
    char mid[32];
    if (!id || sb_rtp_ext_get_mid(h, id, mid, sizeof mid) < 0 || strcmp(mid, s->sec->mid)) continue;
    if (sb_msection_codec_for_rtx(s->sec, h->payload_type)) {
      s->rtx_ssrc = h->ssrc;
      *is_rtx = true;
      return s;
    }
    if (!sb_msection_codec(s->sec, h->payload_type)) return NULL;
    sb_rx_stream_set_ssrc(s, h->ssrc);
    return s;
  }
  /* No SSRC in the SDP and no mid: the one section of that payload type
   * still waiting for its SSRC. */
  sb_rx_stream *only = NULL;
  for (guint i = 0; i < rx->len; i++) {
    sb_rx_stream *s = rx->pdata[i];
    if (!s->ssrc && sb_msection_codec(s->sec, h->payload_type)) {
      if (only) return NULL;
      only = s;
    }
  }
  if (only) sb_rx_stream_set_ssrc(only, h->ssrc);
  return only;
}

int sb_msess_on_rtp(sb_msess *ms, uint8_t *pkt, size_t *len, sb_rtp_header *h, int64_t now_us,
                    sb_rx_stream **out) {
  ms->c.rtp_in++;
  /* Every packet with a transport-wide sequence number counts for the
   * sender's estimator, whatever becomes of it. */
  uint16_t tseq;
  if (ms->twcc_id && h->extension && sb_rtp_ext_get_transport_seq(h, ms->twcc_id, &tseq) >= 0) {
    if (!ms->twcc_media_ssrc) sb_twcc_gen_set_media_ssrc(ms->twcc, ms->twcc_media_ssrc = h->ssrc);
    int64_t due = sb_twcc_gen_next_deadline(ms->twcc);
    sb_twcc_gen_on_packet(ms->twcc, tseq, now_us);
    if (sb_twcc_gen_next_deadline(ms->twcc) < due) ms->reschedule = true;
  }
  bool is_rtx;
  sb_rx_stream *rx = sb_msess_find_rx(ms, h, &is_rtx);
  size_t missing = rx ? sb_nack_gen_missing(&rx->nack_gen) : 0;
  int rc = rx ? sb_rx_stream_on_rtp(rx, pkt, len, h, is_rtx, now_us) : SB_ENOTFOUND;
  /* A new gap is NACKed at once: the deadline moved. Nothing else a packet
   * does brings it forward. */
  if (rx && sb_nack_gen_missing(&rx->nack_gen) > missing) ms->reschedule = true;
  if (rc < 0) {
    ms->c.dropped++;
    return rc;
  }
  *out = rx;
  return SB_OK;
}

bool sb_msess_take_reschedule(sb_msess *ms) {
  bool r = ms->reschedule;
  ms->reschedule = false;
  return r;
}

/* ---- RTCP in ---- */

static sb_tx_stream *tx_by_ssrc(sb_msess *ms, uint32_t ssrc) {
  for (guint i = 0; i < ms->tx->len; i++) {
    sb_tx_stream *tx = ms->tx->pdata[i];
    if (tx->rw.ssrc == ssrc) return tx;
  }
  return NULL;
}

static void report_blocks(sb_msess *ms, const sb_rtcp_report_block *b, unsigned n, int64_t now) {
  for (unsigned i = 0; i < n; i++) {
    sb_tx_stream *tx = tx_by_ssrc(ms, b[i].ssrc);
    if (!tx) continue;
    sb_tx_stream_on_report_block(tx, &b[i], now);
    if (tx->rtt_us) ms->rtt_us = tx->rtt_us; /* one transport: the latest will do */
  }
}

static void on_nack(sb_msess *ms, const uint8_t *pkt, size_t len, int64_t now) {
  sb_rtcp_nack nack;
  if (sb_rtcp_nack_parse(pkt, len, &nack) < 0) return;
  sb_tx_stream *tx = tx_by_ssrc(ms, nack.media_ssrc);
  if (!tx) return;
  tx->c.nack_packets++;
  uint16_t seqs[SB_RTCP_NACK_MAX_SEQS];
  size_t n = 0;
  if (sb_rtcp_nack_expand(&nack, seqs, G_N_ELEMENTS(seqs), &n) < 0) return;
  uint8_t buf[1500 + SB_MSESS_TRAILER];
  for (size_t i = 0; i < n; i++) {
    size_t out_len = 0;
    if (sb_tx_stream_resend(tx, seqs[i], now, buf, sizeof buf - SB_MSESS_TRAILER + 2, &out_len) < 0)
      continue;
    ms->c.rtx_out++;
    ms->io->send_rtp(ms->user, buf, out_len, sizeof buf);
  }
}

static void on_keyframe_request(sb_msess *ms, uint32_t ssrc, bool fir) {
  sb_tx_stream *tx = tx_by_ssrc(ms, ssrc);
  if (!tx) return;
  if (fir)
    tx->c.firs++;
  else
    tx->c.plis++;
  ms->io->keyframe_request(ms->user, tx);
}

static void on_remb(sb_msess *ms, const uint8_t *pkt, size_t len, int64_t now) {
  sb_rtcp_remb remb;
  if (sb_rtcp_remb_parse(pkt, len, &remb) < 0) return;
  for (unsigned i = 0; i < remb.n_ssrcs; i++) {
    sb_tx_stream *tx = tx_by_ssrc(ms, remb.ssrcs[i]);
    if (!tx) continue;
    tx->c.rembs++;
    tx->remb_bps = remb.bitrate_bps;
    tx->remb_at_us = now;
    ms->io->estimate(ms->user, tx, remb.bitrate_bps);
  }
}

void sb_msess_on_rtcp(sb_msess *ms, const uint8_t *pkt, size_t len, int64_t now_us) {
  ms->c.rtcp_in++;
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, pkt, len);
  while (sb_rtcp_iter_next(&it, &p) > 0) {
    if (p.pt == SB_RTCP_PT_SR) {
      sb_rtcp_sr sr;
      if (sb_rtcp_sr_parse(p.data, p.len, &sr) < 0) continue;
      for (guint i = 0; i < ms->rx->len; i++) {
        sb_rx_stream *rx = ms->rx->pdata[i];
        if (sr.ssrc && rx->ssrc == sr.ssrc) sb_rx_stream_on_sr(rx, sr.ntp, sr.rtp_ts, now_us);
      }
      report_blocks(ms, sr.reports, sr.n_reports, now_us);
    } else if (p.pt == SB_RTCP_PT_RR) {
      sb_rtcp_rr rr;
      if (sb_rtcp_rr_parse(p.data, p.len, &rr) == SB_OK)
        report_blocks(ms, rr.reports, rr.n_reports, now_us);
    } else if (p.pt == SB_RTCP_PT_RTPFB && p.count == SB_RTCP_FMT_NACK) {
      on_nack(ms, p.data, p.len, now_us);
    } else if (p.pt == SB_RTCP_PT_PSFB && p.count == SB_RTCP_FMT_PLI) {
      sb_rtcp_pli pli;
      if (sb_rtcp_pli_parse(p.data, p.len, &pli) == SB_OK)
        on_keyframe_request(ms, pli.media_ssrc, false);
    } else if (p.pt == SB_RTCP_PT_PSFB && p.count == SB_RTCP_FMT_FIR) {
      sb_rtcp_fir fir;
      if (sb_rtcp_fir_parse(p.data, p.len, &fir) == SB_OK)
        for (unsigned i = 0; i < fir.n_entries; i++)
          on_keyframe_request(ms, fir.entries[i].ssrc, true);
    } else if (p.pt == SB_RTCP_PT_PSFB && p.count == SB_RTCP_FMT_AFB) {
      on_remb(ms, p.data, p.len, now_us);
    }
  }
}

/* ---- out ---- */

void sb_msess_request_keyframe(sb_msess *ms, sb_rx_stream *rx, int64_t now_us) {
  (void)ms;
  sb_rx_stream_request_keyframe(rx, now_us);
}

void sb_msess_set_remb(sb_msess *ms, uint64_t bps, int64_t now_us) {
  if (!bps && ms->remb_bps) {
    /* The cap is gone: say so (once at once, then periodically). */
    if (ms->remb_bps != SB_MSESS_REMB_UNCAPPED) ms->remb_due_us = now_us;
    bps = SB_MSESS_REMB_UNCAPPED;
  }
  /* A fall of more than 3% goes out at once; anything else at the next
   * periodic send. */
  if (bps && (!ms->remb_bps || bps < ms->remb_bps - ms->remb_bps / 32)) ms->remb_due_us = now_us;
  if (bps && !ms->remb_due_us) ms->remb_due_us = now_us;
  ms->remb_bps = bps;
}

/* A compound packet being filled. */
typedef struct {
  uint8_t buf[SB_MSESS_RTCP_MAX + SB_MSESS_TRAILER];
  size_t len;
} outbox;

static void flush(sb_msess *ms, outbox *o) {
  if (!o->len) return;
  ms->c.rtcp_out++;
  ms->io->send_rtcp(ms->user, o->buf, o->len, sizeof o->buf);
  o->len = 0;
}

/* Room for `need` more bytes (flushing first if that makes room). */
static uint8_t *reserve(sb_msess *ms, outbox *o, size_t need, size_t *cap) {
  if (o->len + need > SB_MSESS_RTCP_MAX) flush(ms, o);
  *cap = SB_MSESS_RTCP_MAX - o->len;
  return o->buf + o->len;
}

static void write_reports(sb_msess *ms, outbox *o, int64_t now) {
  size_t cap, w;
  for (guint i = 0; i < ms->tx->len; i++) {
    sb_tx_stream *tx = ms->tx->pdata[i];
    sb_rtcp_sr sr;
    if (sb_tx_stream_sender_report(tx, now, &sr) < 0) continue;
    uint8_t *p = reserve(ms, o, 28, &cap);
    if (sb_rtcp_sr_write(&sr, p, cap, &w) == SB_OK) o->len += w;
  }
  sb_rtcp_rr rr = {.ssrc = ms->rtcp_ssrc};
  for (guint i = 0; i < ms->rx->len && rr.n_reports < SB_RTCP_MAX_REPORT_BLOCKS; i++) {
    sb_rx_stream *rx = ms->rx->pdata[i];
    if (rx->ssrc && sb_rx_stream_report_block(rx, now, &rr.reports[rr.n_reports]) == SB_OK)
      rr.n_reports++;
  }
  uint8_t *p = reserve(ms, o, 8 + 24 * (size_t)rr.n_reports, &cap);
  if (sb_rtcp_rr_write(&rr, p, cap, &w) == SB_OK) o->len += w;
  ms->worst_loss = 0;
  for (unsigned i = 0; i < rr.n_reports; i++)
    if (rr.reports[i].fraction_lost > ms->worst_loss) ms->worst_loss = rr.reports[i].fraction_lost;
  p = reserve(ms, o, 16 + strlen(ms->cname), &cap);
  if (sb_rtcp_sdes_write_cname(ms->rtcp_ssrc, ms->cname, p, cap, &w) == SB_OK) o->len += w;
}

void sb_msess_set_own_estimate(sb_msess *ms, bool on) {
  ms->own_estimate = on;
  if (!on) ms->own_bps = 0;
}

#define OWN_MIN_BPS 50000u
#define OWN_MAX_BPS 30000000u

/* Once per report interval: the loss-based estimate (see the header). */
static void update_own_estimate(sb_msess *ms, int64_t now) {
  uint64_t incoming = 0;
  for (guint i = 0; i < ms->rx->len; i++) {
    sb_rx_stream *rx = ms->rx->pdata[i];
    if (rx->stats_started) incoming += sb_rx_stats_bitrate(&rx->stats, now);
  }
  if (!incoming) return;
  uint64_t est = ms->own_bps;
  if (!est) {
    est = incoming * 3 / 2;
    if (est < 300000) est = 300000;
  } else if (ms->worst_loss > 26) { /* > 10% */
    est -= est * ms->worst_loss / 512;
  } else if (ms->worst_loss < 5 && incoming * 2 >= est) { /* < 2%, and used */
    est += est * 8 / 100;
  }
  ms->own_bps = est < OWN_MIN_BPS ? OWN_MIN_BPS : est > OWN_MAX_BPS ? OWN_MAX_BPS : est;
}

/* What we ask the peer to send at most: our own estimate, capped by its
 * receivers' (either may be absent). */
static uint64_t remb_value(const sb_msess *ms) {
  if (!ms->own_bps) return ms->remb_bps;
  return ms->remb_bps && ms->remb_bps < ms->own_bps ? ms->remb_bps : ms->own_bps;
}

static void write_remb(sb_msess *ms, outbox *o, int64_t now) {
  sb_rtcp_remb remb = {.sender_ssrc = ms->rtcp_ssrc, .bitrate_bps = remb_value(ms)};
  for (guint i = 0; i < ms->rx->len && remb.n_ssrcs < SB_RTCP_REMB_MAX_SSRCS; i++) {
    sb_rx_stream *rx = ms->rx->pdata[i];
    if (rx->ssrc) remb.ssrcs[remb.n_ssrcs++] = rx->ssrc;
  }
  ms->remb_due_us = now + SB_MSESS_REMB_INTERVAL_US;
  if (!remb.n_ssrcs) return;
  size_t cap, w;
  uint8_t *p = reserve(ms, o, 20 + 4 * (size_t)remb.n_ssrcs, &cap);
  if (sb_rtcp_remb_write(&remb, p, cap, &w) == SB_OK) {
    o->len += w;
    ms->c.rembs_sent++;
  }
}

void sb_msess_poll(sb_msess *ms, int64_t now_us) {
  outbox o;
  o.len = 0;
  size_t cap, w;
  /* Reports first when due: a compound packet then starts with SR/RR. */
  if (!ms->next_report_us) ms->next_report_us = now_us + SB_MSESS_REPORT_INTERVAL_US;
  if (now_us >= ms->next_report_us) {
    ms->next_report_us = now_us + SB_MSESS_REPORT_INTERVAL_US;
    write_reports(ms, &o, now_us);
    if (ms->own_estimate) {
      update_own_estimate(ms, now_us);
      if (ms->own_bps) write_remb(ms, &o, now_us);
    }
  }
  for (guint i = 0; i < ms->rx->len; i++) {
    sb_rx_stream *rx = ms->rx->pdata[i];
    if (sb_rx_stream_next_deadline(rx, ms->rtt_us) > now_us) continue;
    /* Room for a NACK of every pair the table can hold, and a PLI. */
    uint8_t *p = reserve(ms, &o, SB_RTCP_FB_HEADER_LEN + 4 * 64 + 20, &cap);
    if (sb_rx_stream_poll(rx, now_us, ms->rtt_us, ms->rtcp_ssrc, p, cap, &w) == SB_OK) o.len += w;
  }
  if (ms->twcc && sb_twcc_gen_next_deadline(ms->twcc) <= now_us) {
    /* Feedback can be long: it goes in packets of its own. */
    flush(ms, &o);
    int n = sb_twcc_gen_poll(ms->twcc, now_us, o.buf, SB_MSESS_RTCP_MAX, &o.len);
    if (n > 0)
      ms->c.twcc_feedback += (uint64_t)n;
    else
      o.len = 0;
    flush(ms, &o);
  }
  if (ms->remb_bps && ms->remb_due_us && now_us >= ms->remb_due_us) write_remb(ms, &o, now_us);
  flush(ms, &o);
}

int64_t sb_msess_next_deadline(const sb_msess *ms) {
  int64_t t = ms->next_report_us ? ms->next_report_us : 0;
  for (guint i = 0; i < ms->rx->len; i++) {
    int64_t d = sb_rx_stream_next_deadline(ms->rx->pdata[i], ms->rtt_us);
    if (d < t) t = d;
  }
  if (ms->twcc) {
    int64_t d = sb_twcc_gen_next_deadline(ms->twcc);
    if (d < t) t = d;
  }
  if (ms->remb_bps && ms->remb_due_us && ms->remb_due_us < t) t = ms->remb_due_us;
  return t;
}
