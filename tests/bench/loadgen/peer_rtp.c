/* peer_rtp.c - the packets of one generator peer, on its media thread:
 * audio-like and video-like RTP sent from the media tick (a ~100-byte
 * audio packet at the audio rate; video frames at 30 fps of ~1100-byte
 * packets, marker on the last, a ten-frame keyframe every 3 s and when the
 * server sends PLI or FIR), sender and receiver reports every second, and
 * the check of every packet the server forwards (payload counter, send
 * time, checksum).
 *
 * Loss and recovery on the received video (loss.h), when asked for: a share
 * of the new packets is dropped before decryption, as a network would; the
 * missing ones are NACKed (RTCP generic NACK, SRTCP-protected, from the
 * media tick), retransmissions are taken in RTX form (unwrapped, RFC 4588)
 * or as the plain packet again, and a PLI goes out when a packet is given
 * up. Round-trip time comes from the server's report blocks on what we
 * send. With loss on, the server's NACKs on our video are answered too, as
 * a browser would: each sent video packet's parameters are kept (not its
 * bytes: the payload follows from its counter and send time), and a NACKed
 * one is built again and sent in RTX form when negotiated, else as it was.
 * Nothing is allocated per packet: packets are built in the thread's
 * scratch buffer and checked in place. */
#include <srtp2/srtp.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_fir.h"
#include "core/rtcp_nack.h"
#include "core/rtcp_pli.h"
#include "core/rtcp_rr.h"
#include "core/rtcp_sdes.h"
#include "core/rtcp_sr.h"
#include "core/rtp.h"
#include "core/rtx.h"
#include "loadgen.h"
#include "peer_private.h"

#define NS_PER_S            1000000000ll
#define RTCP_INTERVAL_NS    (1000 * 1000000ll)
#define MAX_LAG_NS          (200 * 1000000ll) /* behind more than this: skip, don't burst */
#define KEYFRAME_MIN_GAP_NS (300 * 1000000ll)
#define NTP_UNIX_OFFSET     2208988800ull
#define NACK_MAX_SEQS       128 /* sequence numbers per NACK message */

/* ---- sending ---- */

static void send_rtp(sb_lg_peer *p, int track, uint32_t ts, bool marker, size_t payload_len) {
  sb_lg_counters *c = sb_lg_thread_counters(p->th);
  uint8_t *buf = sb_lg_thread_scratch(p->th);
  sb_lg_tx *tx = &p->tx[track];
  /* Stamped now, not at the tick's start: a tick sends for many peers. */
  int64_t now = sb_lg_now_ns();
  if (p->sent && track == SB_LG_TRACK_VIDEO)
    p->sent[tx->seq % SB_LG_SEND_HISTORY] = (sb_lg_sent){.used = true,
                                                         .marker = marker,
                                                         .seq = tx->seq,
                                                         .payload_len = (uint16_t)payload_len,
                                                         .ts = ts,
                                                         .counter = tx->counter,
                                                         .sent_ns = now};
  size_t len = sb_lg_media_build(tx, buf, SB_LG_SCRATCH_LEN - SB_SRTP_MAX_TRAILER, ts, marker,
                                 payload_len, p->twcc_seq++, now);
  if (len == 0 || sb_srtp_protect_rtp(p->srtp, buf, &len, SB_LG_SCRATCH_LEN) < 0 ||
      sb_lg_ice_send(p->ice, buf, len) < 0) {
    c->send_errors++;
    return;
  }
  c->sent_packets++;
  c->sent_bytes += len;
}

static uint32_t media_ts(const sb_lg_peer *p, uint32_t ts0, uint32_t clock, int64_t t_ns) {
  return ts0 + (uint32_t)((uint64_t)(t_ns - p->t0_ns) * clock / NS_PER_S);
}

static void send_frame(sb_lg_peer *p, int64_t frame_ns, int64_t now) {
  bool key = now >= p->next_keyframe_ns ||
             (p->keyframe_wanted && now - p->last_keyframe_ns >= KEYFRAME_MIN_GAP_NS);
  size_t sizes_last = SB_LG_VIDEO_PAYLOAD;
  int n;
  if (key) {
    double bytes = p->frame_bytes * SB_LG_KEYFRAME_SCALE;
    n = (int)(bytes / SB_LG_VIDEO_PAYLOAD + 0.999);
    if (n < 1) n = 1;
    p->keyframe_wanted = false;
    p->last_keyframe_ns = now;
    p->next_keyframe_ns = now + SB_LG_KEYFRAME_EVERY * 1000000ll;
    sb_lg_thread_counters(p->th)->keyframes++;
  } else {
    p->frame_budget += p->frame_bytes;
    n = (int)(p->frame_budget / SB_LG_VIDEO_PAYLOAD);
    if (n >= 1) {
      p->frame_budget -= n * SB_LG_VIDEO_PAYLOAD;
    } else {
      n = 1; /* low bitrates: one smaller packet */
      sizes_last =
          p->frame_budget > SB_LG_PAYLOAD_MIN ? (size_t)p->frame_budget : SB_LG_PAYLOAD_MIN;
      p->frame_budget = 0;
    }
  }
  uint32_t ts = media_ts(p, p->video_ts0, 90000, frame_ns);
  p->tx[SB_LG_TRACK_VIDEO].last_ts = ts;
  p->tx[SB_LG_TRACK_VIDEO].last_ts_ns = frame_ns;
  for (int i = 0; i < n; i++)
    send_rtp(p, SB_LG_TRACK_VIDEO, ts, i == n - 1, i == n - 1 ? sizes_last : SB_LG_VIDEO_PAYLOAD);
}

static uint64_t ntp_now(void) {
  int64_t us = g_get_real_time();
  uint64_t sec = (uint64_t)(us / 1000000) + NTP_UNIX_OFFSET;
  uint64_t frac = ((uint64_t)(us % 1000000) << 32) / 1000000u;
  return sec << 32 | frac;
}

static int send_rtcp(sb_lg_peer *p, uint8_t *buf, size_t len) {
  if (sb_srtp_protect_rtcp(p->srtp, buf, &len, SB_LG_SCRATCH_LEN) < 0) return SB_ECRYPTO;
  int rc = sb_lg_ice_send(p->ice, buf, len);
  if (rc == SB_OK) sb_lg_thread_counters(p->th)->rtcp_out++;
  return rc;
}

/* Per track, as browsers do (their receive streams report from the SSRC of
 * the local send stream of the same kind, in receiver reports of their
 * own): a compound packet with a sender report for our track when we send
 * it, then a receiver report (PT 201) with the report block on the
 * partner's track of the same kind, then SDES CNAME. Janus tells which
 * medium an RTCP packet is about by its sender SSRC and takes round-trip
 * times only from receiver reports: without them it keeps no retransmission
 * buffer (its NACK queue length follows the RTT). */
static void send_reports(sb_lg_peer *p, int64_t now) {
  uint8_t *buf = sb_lg_thread_scratch(p->th);
  const size_t cap = 1200;
  int64_t now_us = now / 1000;
  uint64_t ntp = ntp_now();
  for (int t = 0; t < SB_LG_TRACKS; t++) {
    size_t pos = 0, w = 0;
    sb_lg_tx *tx = &p->tx[t];
    sb_rtcp_rr rr = {.ssrc = tx->ssrc};
    sb_lg_rx *rx = &p->rx[t];
    sb_rx_report rep;
    if (rx->have_ssrc && sb_rx_stats_report(&rx->stats, &rep) == SB_OK) {
      sb_rtcp_report_block *b = &rr.reports[rr.n_reports++];
      b->ssrc = rx->ssrc;
      b->fraction_lost = rep.fraction_lost;
      b->cumulative_lost = rep.cumulative_lost;
      b->ext_highest_seq = rep.ext_highest_seq;
      b->jitter = rep.jitter;
      if (rx->have_sr) {
        b->lsr = rx->sr_mid32;
        b->dlsr = (uint32_t)(((uint64_t)(now_us - rx->sr_arrival_us) << 16) / 1000000u);
      }
    }
    if (tx->active && tx->packets > 0) {
      sb_rtcp_sr sr = {.ssrc = tx->ssrc,
                       .ntp = ntp,
                       .rtp_ts =
                           media_ts(p, t ? p->video_ts0 : p->audio_ts0, t ? 90000 : 48000, now),
                       .packet_count = tx->packets,
                       .octet_count = tx->octets};
      if (sb_rtcp_sr_write(&sr, buf, cap, &w) < 0) continue;
      pos = w;
    }
    if (rr.n_reports) {
      if (sb_rtcp_rr_write(&rr, buf + pos, cap - pos, &w) < 0) continue;
      pos += w;
    }
    if (pos == 0) continue; /* nothing to say for this track */
    if (sb_rtcp_sdes_write_cname(tx->ssrc, p->sdp->cname, buf + pos, cap - pos, &w) == SB_OK)
      pos += w;
    send_rtcp(p, buf, pos);
  }
}

/* NACKs for the video we miss, and a PLI when some of it was given up. */
static void send_loss_feedback(sb_lg_peer *p, int64_t now) {
  sb_lg_loss *l = p->loss;
  if (!p->loss_have_ssrc || (!sb_nack_gen_missing(&l->nack) && !l->nack.keyframe)) return;
  sb_lg_counters *c = sb_lg_thread_counters(p->th);
  uint16_t seqs[NACK_MAX_SEQS];
  size_t n = sb_lg_loss_poll(l, now / 1000, p->rtt_us, seqs, NACK_MAX_SEQS);
  c->given_up += l->nack.given_up - p->loss_given_up;
  p->loss_given_up = l->nack.given_up;
  uint8_t *buf = sb_lg_thread_scratch(p->th);
  size_t w = 0;
  /* From our video SSRC, as Chrome sends video feedback (Janus tells the
   * medium a feedback message is about by its sender SSRC). */
  uint32_t our_ssrc = p->tx[SB_LG_TRACK_VIDEO].ssrc;
  if (n) {
    sb_rtcp_nack nack;
    if (sb_rtcp_nack_build(our_ssrc, p->loss_ssrc, seqs, n, &nack) == SB_OK &&
        sb_rtcp_nack_write(&nack, buf, 1200, &w) == SB_OK && send_rtcp(p, buf, w) == SB_OK) {
      c->nack_packets++;
      c->nacked_seqs += n;
    }
  }
  if (sb_lg_loss_take_keyframe_request(l)) {
    sb_rtcp_pli pli = {.sender_ssrc = our_ssrc, .media_ssrc = p->loss_ssrc};
    if (sb_rtcp_pli_write(&pli, buf, 1200, &w) == SB_OK && send_rtcp(p, buf, w) == SB_OK)
      c->plis_sent++;
  }
}

void sb_lg_peer_tick(sb_lg_peer *p, int64_t now) {
  if (!p->media_ready || p->failed || p->closing) return;
  if (p->tx[SB_LG_TRACK_AUDIO].active) {
    if (now - p->next_audio_ns > MAX_LAG_NS) {
      sb_lg_thread_counters(p->th)->skipped +=
          (uint64_t)((now - p->next_audio_ns) / p->audio_interval_ns);
      p->next_audio_ns = now;
    }
    while (p->next_audio_ns <= now) {
      uint32_t ts = media_ts(p, p->audio_ts0, 48000, p->next_audio_ns);
      p->tx[SB_LG_TRACK_AUDIO].last_ts = ts;
      send_rtp(p, SB_LG_TRACK_AUDIO, ts, false, SB_LG_AUDIO_PAYLOAD);
      p->next_audio_ns += p->audio_interval_ns;
    }
  }
  if (p->tx[SB_LG_TRACK_VIDEO].active && p->frame_bytes > 0) {
    if (now - p->next_frame_ns > MAX_LAG_NS) {
      sb_lg_thread_counters(p->th)->skipped +=
          (uint64_t)((now - p->next_frame_ns) / p->frame_interval_ns); /* frames, not packets */
      p->next_frame_ns = now;
    }
    while (p->next_frame_ns <= now) {
      send_frame(p, p->next_frame_ns, now);
      p->next_frame_ns += p->frame_interval_ns;
    }
  }
  if (now >= p->next_rtcp_ns) {
    p->next_rtcp_ns = now + RTCP_INTERVAL_NS;
    send_reports(p, now);
  }
  if (p->loss) send_loss_feedback(p, now);
}

void sb_lg_peer_media_update(sb_lg_peer *p) {
  if (!p->sdp) return;
  for (int t = 0; t < SB_LG_TRACKS; t++) {
    sb_lg_send_params sp;
    sb_lg_sdp_send_params(p->sdp, t, &sp);
    sb_lg_tx *tx = &p->tx[t];
    tx->active = sp.active;
    tx->pt = sp.pt;
    tx->rtx_pt = sp.rtx_pt;
    tx->ext_mid = sp.ext_mid;
    tx->ext_abs = sp.ext_abs;
    tx->ext_twcc = sp.ext_twcc;
    g_strlcpy(tx->mid, sp.mid, sizeof tx->mid);
  }
  sb_lg_sdp_recv_params(p->sdp, &p->recv);
}

void sb_lg_peer_media_start(sb_lg_peer *p) {
  int64_t now = sb_lg_now_ns();
  p->t0_ns = now;
  p->audio_ts0 = g_random_int();
  p->video_ts0 = g_random_int();
  int pps = p->cfg.audio_pps > 0 ? p->cfg.audio_pps : 50;
  p->audio_interval_ns = NS_PER_S / pps;
  p->frame_interval_ns = NS_PER_S / SB_LG_VIDEO_FPS;
  p->frame_bytes = p->cfg.video_kbps * 1000.0 / 8 / SB_LG_VIDEO_FPS;
  /* Spread the peers over the packet intervals. */
  p->next_audio_ns =
      now + (int64_t)g_random_int_range(0, (gint32)(p->audio_interval_ns / 1000)) * 1000;
  p->next_frame_ns =
      now + (int64_t)g_random_int_range(0, (gint32)(p->frame_interval_ns / 1000)) * 1000;
  p->next_keyframe_ns = p->next_frame_ns; /* the first frame is a keyframe */
  p->next_rtcp_ns = now + 100 * 1000000ll;
  sb_lg_peer_media_update(p);
}

/* ---- receiving ---- */

/* Loss on the way in (before decryption, as a network's): SB_LG_LOSS_DROP
 * when the packet is to be discarded. Only video we may NACK is dropped. */
static sb_lg_loss_verdict loss_arrive(sb_lg_peer *p, const uint8_t *data, size_t len) {
  if (!p->loss || len < 12 || !p->recv.nack[data[1] & 0x7f]) return SB_LG_LOSS_KEEP;
  uint32_t ssrc =
      (uint32_t)data[8] << 24 | (uint32_t)data[9] << 16 | (uint32_t)data[10] << 8 | data[11];
  if (!p->loss_have_ssrc || p->loss_ssrc != ssrc) {
    /* A new stream: start over (drops of the old one are not recoverable). */
    sb_lg_loss_counters keep = p->loss->c;
    sb_lg_prng prng = p->loss->prng;
    uint64_t threshold = p->loss->threshold;
    sb_lg_loss_init(p->loss, 0, 0);
    p->loss->threshold = threshold;
    p->loss->prng = prng;
    p->loss->c = keep;
    p->loss_given_up = 0;
    p->loss_ssrc = ssrc;
    p->loss_have_ssrc = true;
  }
  return sb_lg_loss_arrive(p->loss, (uint16_t)(data[2] << 8 | data[3]));
}

static void on_rtp(sb_lg_peer *p, uint8_t *data, size_t len) {
  sb_lg_counters *c = sb_lg_thread_counters(p->th);
  sb_lg_loss_verdict verdict = loss_arrive(p, data, len);
  if (verdict == SB_LG_LOSS_DROP) {
    c->dropped++;
    return;
  }
  bool retransmission = verdict == SB_LG_LOSS_RETRANSMISSION;
  size_t n = len;
  if (sb_srtp_unprotect_rtp(p->srtp, data, &n) < 0) {
    int st = sb_srtp_last_status(p->srtp);
    if (st == srtp_err_status_replay_fail && p->loss_have_ssrc && len >= 12 &&
        p->recv.nack[data[1] & 0x7f] &&
        (int16_t)(uint16_t)((data[2] << 8 | data[3]) - p->loss->highest) < 0)
      c->rtx_unneeded++; /* most likely a second retransmission of what we NACKed */
    else if (st == srtp_err_status_replay_fail)
      c->duplicates++;
    else if (st == srtp_err_status_replay_old)
      c->too_old++;
    else
      c->corrupt++;
    return;
  }
  /* When the kernel received it: the time it waited for us to read is not
   * the server's latency. */
  int64_t now = sb_lg_poller_arrival_ns(sb_lg_thread_poller(p->th));
  sb_rtp_header h;
  if (sb_rtp_parse(data, n, &h) < 0) {
    c->corrupt++;
    return;
  }
  uint8_t apt = p->recv.rtx_apt[h.payload_type & 0x7f];
  if (apt != 0xff) {
    /* RTX: back to the original packet of the video stream. */
    const sb_lg_rx *vrx = &p->rx[SB_LG_TRACK_VIDEO];
    if (!vrx->have_ssrc) {
      c->too_old++; /* before the stream itself: cannot tell what it repairs */
      return;
    }
    int rc = sb_rtx_unwrap(data, &n, &h, apt, vrx->ssrc);
    if (rc == SB_ENOTFOUND) return; /* a padding-only probe */
    if (rc < 0 || sb_rtp_parse(data, n, &h) < 0) {
      c->corrupt++;
      return;
    }
    c->rtx_packets++;
    retransmission = true;
  }
  if (retransmission) c->retransmissions++;
  uint32_t stream = 0;
  uint64_t counter = 0;
  int64_t sent = 0;
  if (sb_lg_payload_check(sb_rtp_payload(&h), h.payload_len, &stream, &counter, &sent) < 0 ||
      (int)(stream >> 1) != p->cfg.partner) {
    c->corrupt++;
    return;
  }
  sb_lg_rx *rx = &p->rx[stream & 1];
  uint64_t inc = 0;
  switch (sb_lg_seq_update(&rx->seq, counter, &inc)) {
  case SB_LG_SEQ_NEW:
    c->received_packets++;
    c->received_bytes += len;
    c->expected += inc;
    if (sb_lg_thread_measuring(p->th))
      sb_lg_hist_add(&c->latency_us, now > sent ? (uint64_t)(now - sent) / 1000 : 0);
    break;
  case SB_LG_SEQ_DUP:
    if (retransmission)
      c->rtx_unneeded++;
    else
      c->duplicates++;
    return;
  case SB_LG_SEQ_OLD: c->too_old++; return;
  }
  int64_t now_us = now / 1000;
  if (!rx->have_ssrc || rx->ssrc != h.ssrc) {
    rx->have_ssrc = true;
    rx->ssrc = h.ssrc;
    rx->have_sr = false;
    sb_rx_stats_init(&rx->stats, (stream & 1) ? 90000 : 48000, 1000);
  }
  if (p->loss && p->loss_have_ssrc && h.ssrc == p->loss_ssrc &&
      sb_lg_loss_received(p->loss, h.seq, now_us))
    c->recovered++;
  sb_rx_stats_update(&rx->stats, h.seq, h.timestamp, n, now_us);
  if (rx->packets++ == 0 && !p->first_rx_us) p->first_rx_us = now_us;
  /* Up once both kinds arrived (only audio when no video is sent). */
  if (!p->up_posted && p->rx[0].packets && (p->rx[1].packets || p->cfg.video_kbps <= 0)) {
    p->up_posted = true;
    sb_lg_peer_post_event(p, SB_LG_PEER_MEDIA_UP, p->first_rx_us, NULL);
  }
}

/* The server NACKed video seq: send it again (once per RTT at most), the
 * same bytes in RTX form when negotiated, else as it was. */
static void resend(sb_lg_peer *p, uint16_t seq, int64_t now) {
  sb_lg_sent *e = &p->sent[seq % SB_LG_SEND_HISTORY];
  int64_t rtt_ns = p->rtt_us > 0 ? p->rtt_us * 1000 : 10 * 1000000ll;
  if (!e->used || e->seq != seq || (e->resent_ns && now - e->resent_ns < rtt_ns)) return;
  e->resent_ns = now;
  sb_lg_counters *c = sb_lg_thread_counters(p->th);
  sb_lg_tx again = p->tx[SB_LG_TRACK_VIDEO];
  again.seq = e->seq;
  again.counter = e->counter;
  uint8_t orig[SB_LG_MAX_PAYLOAD + 128];
  uint8_t *buf = sb_lg_thread_scratch(p->th);
  size_t len = sb_lg_media_build(&again, orig, sizeof orig, e->ts, e->marker, e->payload_len,
                                 p->twcc_seq++, e->sent_ns);
  sb_rtp_header h;
  if (len == 0 || sb_rtp_parse(orig, len, &h) < 0) return;
  uint32_t rtx_ssrc = p->sdp ? p->sdp->video_rtx_ssrc : 0;
  if (again.rtx_pt && rtx_ssrc) {
    if (sb_rtx_wrap(orig, len, &h, again.rtx_pt, rtx_ssrc, p->rtx_seq, buf,
                    SB_LG_SCRATCH_LEN - SB_SRTP_MAX_TRAILER, &len) < 0)
      return;
    p->rtx_seq++;
  } else {
    memcpy(buf, orig, len);
  }
  if (sb_srtp_protect_rtp(p->srtp, buf, &len, SB_LG_SCRATCH_LEN) < 0 ||
      sb_lg_ice_send(p->ice, buf, len) < 0) {
    c->send_errors++;
    return;
  }
  c->resent++;
}

static void on_nack(sb_lg_peer *p, const sb_rtcp_nack *nack) {
  sb_lg_counters *c = sb_lg_thread_counters(p->th);
  for (unsigned k = 0; k < nack->n_pairs; k++)
    c->nack_in_seqs += 1 + (uint64_t)__builtin_popcount(nack->pairs[k].blp);
  if (!p->sent || nack->media_ssrc != p->tx[SB_LG_TRACK_VIDEO].ssrc) return;
  int64_t now = sb_lg_now_ns();
  for (unsigned k = 0; k < nack->n_pairs; k++) {
    uint16_t pid = nack->pairs[k].pid, blp = nack->pairs[k].blp;
    resend(p, pid, now);
    for (unsigned b = 0; b < 16; b++)
      if (blp >> b & 1) resend(p, (uint16_t)(pid + b + 1), now);
  }
}

static void want_keyframe(sb_lg_peer *p, uint32_t ssrc) {
  if (ssrc == p->tx[SB_LG_TRACK_VIDEO].ssrc) p->keyframe_wanted = true;
}

/* Round-trip time from the server's report blocks on what we send. */
static void report_blocks(sb_lg_peer *p, const sb_rtcp_report_block *b, unsigned n) {
  uint32_t arrival = 0;
  for (unsigned i = 0; i < n; i++) {
    if (b[i].ssrc != p->tx[SB_LG_TRACK_AUDIO].ssrc && b[i].ssrc != p->tx[SB_LG_TRACK_VIDEO].ssrc)
      continue;
    if (!arrival) arrival = sb_rtcp_ntp_to_mid32(ntp_now());
    uint64_t rtt = 0;
    if (sb_rtcp_rtt_us(arrival, b[i].lsr, b[i].dlsr, &rtt) == SB_OK)
      p->rtt_us = rtt > 0 ? (int64_t)rtt : 1;
  }
}

static void on_rtcp(sb_lg_peer *p, uint8_t *data, size_t len) {
  size_t n = len;
  if (sb_srtp_unprotect_rtcp(p->srtp, data, &n) < 0) return;
  sb_lg_thread_counters(p->th)->rtcp_in++;
  sb_rtcp_iter it;
  sb_rtcp_packet pkt;
  sb_rtcp_iter_init(&it, data, n);
  while (sb_rtcp_iter_next(&it, &pkt) > 0) {
    if (pkt.pt == SB_RTCP_PT_PSFB && pkt.count == SB_RTCP_FMT_PLI) {
      sb_rtcp_pli pli;
      if (sb_rtcp_pli_parse(pkt.data, pkt.len, &pli) == SB_OK) want_keyframe(p, pli.media_ssrc);
    } else if (pkt.pt == SB_RTCP_PT_PSFB && pkt.count == SB_RTCP_FMT_FIR) {
      sb_rtcp_fir fir;
      if (sb_rtcp_fir_parse(pkt.data, pkt.len, &fir) == SB_OK)
        for (unsigned i = 0; i < fir.n_entries; i++)
          want_keyframe(p, fir.entries[i].ssrc);
    } else if (pkt.pt == SB_RTCP_PT_RTPFB && pkt.count == SB_RTCP_FMT_NACK) {
      sb_rtcp_nack nack;
      if (sb_rtcp_nack_parse(pkt.data, pkt.len, &nack) == SB_OK) on_nack(p, &nack);
    } else if (pkt.pt == SB_RTCP_PT_RTPFB && pkt.count == SB_RTCP_FMT_TWCC) {
      sb_lg_thread_counters(p->th)->twcc_in++;
    } else if (pkt.pt == SB_RTCP_PT_RR) {
      sb_rtcp_rr rr;
      if (sb_rtcp_rr_parse(pkt.data, pkt.len, &rr) == SB_OK)
        report_blocks(p, rr.reports, rr.n_reports);
    } else if (pkt.pt == SB_RTCP_PT_SR) {
      sb_rtcp_sr sr;
      if (sb_rtcp_sr_parse(pkt.data, pkt.len, &sr) < 0) continue;
      report_blocks(p, sr.reports, sr.n_reports);
      for (int k = 0; k < SB_LG_TRACKS; k++) {
        sb_lg_rx *rx = &p->rx[k];
        if (rx->have_ssrc && rx->ssrc == sr.ssrc) {
          rx->have_sr = true;
          rx->sr_mid32 = sb_rtcp_ntp_to_mid32(sr.ntp);
          rx->sr_arrival_us = sb_lg_now_ns() / 1000;
        }
      }
    }
  }
}

void sb_lg_peer_media_packet(sb_lg_peer *p, uint8_t *data, size_t len) {
  if (sb_rtcp_is_rtcp(data, len))
    on_rtcp(p, data, len);
  else
    on_rtp(p, data, len);
}
