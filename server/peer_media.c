/* peer_media.c - the packet path of a peer connection, on the room's worker:
 * SRTP/SRTCP in, RTP forwarded to every sink of the track it belongs to
 * (rewritten per receiver with core/rewrite.c, protected with the
 * receiver's keys, sent on the receiver's ICE agent), RTCP feedback
 * (PLI/FIR from receivers become rate-limited keyframe requests to the
 * publisher), and our own RTCP: receiver reports for what we receive, sender
 * reports and SDES for what we send. No allocation per packet. */
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_fir.h"
#include "core/rtcp_pli.h"
#include "core/rtcp_rr.h"
#include "core/rtcp_sdes.h"
#include "core/rtcp_sr.h"
#include "core/rtp.h"
#include "core/rtp_ext.h"
#include "peer_private.h"
#include "room.h"

#define LOG_DOMAIN               "media"
#define MAX_PACKET               1500
#define RTCP_INTERVAL_MS         1000
#define KEYFRAME_MIN_INTERVAL_US 300000

/* Per packet, the time of the batch it came in (udp_mux.h). */
int64_t sb_peer_now_us(void) { return sb_udp_mux_now(); }

int sb_peer_send_rtcp(sb_peer *peer, uint8_t *buf, size_t len, size_t cap) {
  if (!peer->media_ready || peer->failed) return SB_ESTATE;
  int rc = sb_srtp_protect_rtcp(peer->srtp, buf, &len, cap);
  if (rc < 0) return rc;
  peer->rtcp_out++;
  return sb_ice_send(peer->ice, buf, len);
}

/* ---- sinks ---- */

void sb_peer_sink_update_maps(sb_sink *sink) {
  sb_pub *pub = sink->track->pub;
  if (!pub || !sink->sec) return;
  uint8_t pt_map[128], ext_map[256];
  sb_session_pt_map(pub->sec, sink->sec, pt_map);
  sb_session_ext_map(pub->sec, sink->sec, ext_map);
  for (int i = 1; i < 256; i++)
    if (ext_map[i] && sb_session_ext_ambiguous(sink->peer->session, ext_map[i])) ext_map[i] = 0;
  sb_rewrite_set_maps(&sink->rw, pt_map, ext_map);
  sink->maps_ready = true;
}

/* ---- RTP in ---- */

static sb_pub *pub_for_packet(sb_peer *peer, const sb_rtp_header *h, bool *is_rtx) {
  *is_rtx = false;
  /* The common case touches only the sb_pubs, not their sections. */
  for (guint i = 0; i < peer->pubs->len; i++) {
    sb_pub *pub = peer->pubs->pdata[i];
    if (pub->ssrc == h->ssrc) return pub;
  }
  for (guint i = 0; i < peer->pubs->len; i++) {
    sb_pub *pub = peer->pubs->pdata[i];
    if (pub->sec->remote_rtx_ssrc && pub->sec->remote_rtx_ssrc == h->ssrc) {
      *is_rtx = true;
      return pub;
    }
  }
  /* Unannounced SSRC: the mid header extension says which section. */
  for (guint i = 0; i < peer->pubs->len; i++) {
    sb_pub *pub = peer->pubs->pdata[i];
    uint8_t id = sb_msection_ext_id(pub->sec, SB_EXT_MID);
    char mid[32];
    if (id && sb_rtp_ext_get_mid(h, id, mid, sizeof mid) >= 0 && !strcmp(mid, pub->sec->mid)) {
      if (!sb_msection_codec(pub->sec, h->payload_type)) {
        *is_rtx = true; /* same mid, a payload type we did not negotiate: RTX */
        return pub;
      }
      pub->ssrc = h->ssrc;
      pub->track->ssrc = h->ssrc;
      pub->stats_started = false;
      return pub;
    }
  }
  /* No SSRC in the SDP and no mid: one section of a kind with that payload
   * type still waiting for its SSRC. */
  sb_pub *only = NULL;
  for (guint i = 0; i < peer->pubs->len; i++) {
    sb_pub *pub = peer->pubs->pdata[i];
    if (!pub->ssrc && sb_msection_codec(pub->sec, h->payload_type)) {
      if (only) return NULL;
      only = pub;
    }
  }
  if (only) {
    only->ssrc = h->ssrc;
    only->track->ssrc = h->ssrc;
  }
  return only;
}

static inline bool sink_ready(const sb_sink *sink) {
  return sink->active && sink->peer->media_ready && !sink->peer->failed;
}

/* Each receiver's copy is rewritten and protected where it will be sent
 * from: the last one in the received buffer itself (`cap` bytes; a 1:1
 * call copies nothing), the others in the send slot the ICE agent lends
 * (sb_ice_tx_buffer), or on the stack when it lends none. */
static void forward(sb_pub *pub, uint8_t *data, size_t len, size_t cap, const sb_rtp_header *h,
                    int64_t now) {
  GPtrArray *sinks = pub->track->sinks;
  uint8_t stack[MAX_PACKET + SB_SRTP_MAX_TRAILER];
  if (len > MAX_PACKET) return;
  guint last = sinks->len;
  while (last > 0 && !sink_ready(sinks->pdata[last - 1]))
    last--;
  for (guint i = 0; i < last; i++) {
    sb_sink *sink = sinks->pdata[i];
    sb_peer *rx = sink->peer;
    if (!sink_ready(sink)) continue; /* not negotiated yet */
    uint8_t *out;
    size_t room;
    if (i == last - 1 && cap >= len + SB_SRTP_MAX_TRAILER) {
      out = data, room = cap;
    } else {
      out = sb_ice_tx_buffer(rx->ice, &room);
      if (!out || room < len + SB_SRTP_MAX_TRAILER) out = stack, room = sizeof stack;
      memcpy(out, data, len);
    }
    sb_rtp_header oh = *h;
    oh.data = out;
    if (sb_rewrite_apply(&sink->rw, out, &oh, now) < 0) {
      rx->dropped++;
      continue;
    }
    size_t olen = len;
    if (sb_srtp_protect_rtp(rx->srtp, out, &olen, room) < 0) {
      rx->dropped++;
      continue;
    }
    if (sb_ice_send(rx->ice, out, olen) >= 0) rx->rtp_out++;
  }
}

/* The peer's first authentic SRTP/SRTCP proves it finished the DTLS
 * handshake: OpenSSL's state can go (dtls.h). */
static inline void handshake_proven(sb_peer *peer) {
  if (G_UNLIKELY(!peer->dtls_released)) {
    peer->dtls_released = true;
    sb_dtls_release(peer->dtls);
  }
}

static void on_rtp(sb_peer *peer, uint8_t *data, size_t len, size_t cap) {
  size_t n = len;
  if (sb_srtp_unprotect_rtp(peer->srtp, data, &n) < 0) {
    peer->dropped++;
    return;
  }
  handshake_proven(peer);
  sb_rtp_header h;
  if (sb_rtp_parse(data, n, &h) < 0) {
    peer->dropped++;
    return;
  }
  bool is_rtx = false;
  sb_pub *pub = pub_for_packet(peer, &h, &is_rtx);
  if (!pub || is_rtx ||
      (pub->ok_pt != h.payload_type && !sb_msection_codec(pub->sec, h.payload_type))) {
    /* Unknown stream, retransmission (not requested by us), or a payload
     * type that was not negotiated. */
    peer->dropped++;
    return;
  }
  pub->ok_pt = h.payload_type;
  peer->rtp_in++;
  int64_t now = sb_peer_now_us();
  if (!pub->stats_started) {
    const sb_codec *c = sb_msection_codec(pub->sec, h.payload_type);
    sb_rx_stats_init(&pub->stats, c ? c->clock_rate : 90000, 1000);
    pub->stats_started = true;
  }
  sb_rx_stats_update(&pub->stats, h.seq, h.timestamp, n, now);
  forward(pub, data, n, cap, &h, now);
}

/* ---- RTCP in ---- */

static sb_sink *sink_by_ssrc(sb_peer *peer, uint32_t ssrc) {
  for (guint i = 0; i < peer->sinks->len; i++) {
    sb_sink *sink = peer->sinks->pdata[i];
    if (sink->rw.ssrc == ssrc) return sink;
  }
  return NULL;
}

static void keyframe_for_sink(sb_peer *peer, uint32_t ssrc) {
  sb_sink *sink = sink_by_ssrc(peer, ssrc);
  if (sink && sink->track->owner->peer)
    sb_peer_request_keyframe(sink->track->owner->peer, sink->track);
}

static void on_rtcp(sb_peer *peer, uint8_t *data, size_t len) {
  size_t n = len;
  if (sb_srtp_unprotect_rtcp(peer->srtp, data, &n) < 0) {
    peer->dropped++;
    return;
  }
  handshake_proven(peer);
  peer->rtcp_in++;
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, data, n);
  while (sb_rtcp_iter_next(&it, &p) > 0) {
    if (p.pt == SB_RTCP_PT_SR) {
      sb_rtcp_sr sr;
      if (sb_rtcp_sr_parse(p.data, p.len, &sr) < 0) continue;
      for (guint i = 0; i < peer->pubs->len; i++) {
        sb_pub *pub = peer->pubs->pdata[i];
        if (pub->ssrc == sr.ssrc) {
          pub->have_sr = true;
          pub->sr_ntp = sr.ntp;
          pub->sr_rtp = sr.rtp_ts;
          pub->sr_arrival_us = sb_peer_now_us();
        }
      }
    } else if (p.pt == SB_RTCP_PT_PSFB && p.count == SB_RTCP_FMT_PLI) {
      sb_rtcp_pli pli;
      if (sb_rtcp_pli_parse(p.data, p.len, &pli) == SB_OK) keyframe_for_sink(peer, pli.media_ssrc);
    } else if (p.pt == SB_RTCP_PT_PSFB && p.count == SB_RTCP_FMT_FIR) {
      sb_rtcp_fir fir;
      if (sb_rtcp_fir_parse(p.data, p.len, &fir) == SB_OK)
        for (unsigned i = 0; i < fir.n_entries; i++)
          keyframe_for_sink(peer, fir.entries[i].ssrc);
    }
  }
}

void sb_peer_media_on_packet(sb_peer *peer, uint8_t *data, size_t len, size_t cap) {
  if (!peer->media_ready) {
    peer->dropped++;
    return;
  }
  if (sb_rtcp_is_rtcp(data, len))
    on_rtcp(peer, data, len);
  else
    on_rtp(peer, data, len, cap);
}

/* ---- keyframes ---- */

int sb_peer_request_keyframe(sb_peer *peer, sb_track *track) {
  sb_pub *pub = track->pub;
  if (!pub || !pub->ssrc || !peer->media_ready) return SB_ESTATE;
  int64_t now = sb_peer_now_us();
  if (pub->last_keyframe_req_us && now - pub->last_keyframe_req_us < KEYFRAME_MIN_INTERVAL_US)
    return SB_OK; /* one is on its way */
  pub->last_keyframe_req_us = now;
  g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: keyframe request for %s", peer->p->id, track->track_id);
  uint8_t buf[64 + SB_SRTP_MAX_TRAILER];
  size_t len = 0;
  sb_rtcp_pli pli = {.sender_ssrc = peer->rtcp_ssrc, .media_ssrc = pub->ssrc};
  int rc = sb_rtcp_pli_write(&pli, buf, 64, &len);
  if (rc < 0) return rc;
  return sb_peer_send_rtcp(peer, buf, len, sizeof buf);
}

/* ---- our reports ---- */

static void send_reports(sb_peer *peer) {
  uint8_t buf[1200 + SB_SRTP_MAX_TRAILER];
  size_t pos = 0, w = 0;
  int64_t now = sb_peer_now_us();
  /* Sender reports for what we forward to this browser. */
  for (guint i = 0; i < peer->sinks->len; i++) {
    sb_sink *sink = peer->sinks->pdata[i];
    sb_pub *pub = sink->track->pub;
    if (!sink->active || !sink->rw.started || !pub || !pub->have_sr) continue;
    /* The publisher's (NTP, RTP) pair moved forward to now, in our
     * timestamp space: audio and video of one publisher stay in sync. */
    int64_t elapsed = now - pub->sr_arrival_us;
    uint64_t ntp = pub->sr_ntp + (((uint64_t)elapsed << 32) / 1000000u);
    uint32_t rtp = pub->sr_rtp + (uint32_t)((uint64_t)elapsed * sink->rw.clock_rate / 1000000u);
    sb_rtcp_sr sr = {.ssrc = sink->rw.ssrc,
                     .ntp = ntp,
                     .rtp_ts = sb_rewrite_ts(&sink->rw, rtp),
                     .packet_count = sink->rw.packets,
                     .octet_count = sink->rw.octets};
    if (pos + 28 + 64 > 1200 || sb_rtcp_sr_write(&sr, buf + pos, 1200 - pos, &w) < 0) break;
    pos += w;
  }
  /* One receiver report for what this browser sends us. */
  sb_rtcp_rr rr = {.ssrc = peer->rtcp_ssrc};
  for (guint i = 0; i < peer->pubs->len && rr.n_reports < SB_RTCP_MAX_REPORT_BLOCKS; i++) {
    sb_pub *pub = peer->pubs->pdata[i];
    if (!pub->stats_started) continue;
    sb_rx_report rep;
    if (sb_rx_stats_report(&pub->stats, &rep) < 0) continue;
    sb_rtcp_report_block *b = &rr.reports[rr.n_reports++];
    b->ssrc = pub->ssrc;
    b->fraction_lost = rep.fraction_lost;
    b->cumulative_lost = rep.cumulative_lost;
    b->ext_highest_seq = rep.ext_highest_seq;
    b->jitter = rep.jitter;
    if (pub->have_sr) {
      b->lsr = sb_rtcp_ntp_to_mid32(pub->sr_ntp);
      b->dlsr = (uint32_t)(((uint64_t)(now - pub->sr_arrival_us) << 16) / 1000000u);
    }
  }
  if (pos == 0 || rr.n_reports) {
    if (sb_rtcp_rr_write(&rr, buf + pos, 1200 - pos, &w) == SB_OK) pos += w;
  }
  if (sb_rtcp_sdes_write_cname(peer->rtcp_ssrc, peer->session->cname, buf + pos, 1200 - pos, &w) ==
      SB_OK)
    pos += w;
  if (pos) sb_peer_send_rtcp(peer, buf, pos, sizeof buf);
}

void sb_peer_media_rtcp_timer_cb(void *data) {
  sb_peer *peer = data;
  if (!peer->media_ready || peer->failed) return;
  sb_timer_start(peer->rtcp_timer, RTCP_INTERVAL_MS);
  send_reports(peer);
}

void sb_peer_media_start(sb_peer *peer) {
  if (!sb_timer_armed(peer->rtcp_timer)) sb_timer_start(peer->rtcp_timer, RTCP_INTERVAL_MS);
  /* Whoever forwards to us starts with a keyframe. */
  for (guint i = 0; i < peer->sinks->len; i++) {
    sb_sink *sink = peer->sinks->pdata[i];
    if (sink->active && sink->track->kind == SB_TRACK_VIDEO && sink->track->owner->peer)
      sb_peer_request_keyframe(sink->track->owner->peer, sink->track);
  }
}

void sb_peer_media_stop(sb_peer *peer) { g_clear_pointer(&peer->rtcp_timer, sb_timer_free); }
