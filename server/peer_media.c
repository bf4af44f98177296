/* peer_media.c - the packet path of a peer connection, on the room's worker:
 * SRTP/SRTCP in and out around the core's media session (core/
 * media_session.h), which classifies packets, recovers losses, answers NACKs
 * and writes feedback and reports; RTP forwarded to every sink of the track
 * it belongs to (rewritten per receiver by its core send stream, protected
 * with the receiver's keys, sent on the receiver's ICE agent); keyframe
 * requests and bandwidth estimates passed from receivers to publishers; one
 * timer per peer at the media session's next deadline. No allocation per
 * packet. */
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtp.h"
#include "peer_private.h"
#include "room.h"

#define LOG_DOMAIN    "media"
#define MAX_PACKET    1500
#define REMB_FRESH_US 5000000 /* a receiver's estimate counts this long */

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
  sb_session_pt_map(pub->rx.sec, sink->sec, pt_map);
  sb_session_ext_map(pub->rx.sec, sink->sec, ext_map);
  for (int i = 1; i < 256; i++)
    if (ext_map[i] && sb_session_ext_ambiguous(sink->peer->session, ext_map[i])) ext_map[i] = 0;
  sb_rewrite_set_maps(&sink->tx.rw, pt_map, ext_map);
  if (sb_tx_stream_configure(&sink->tx, sink->sec) < 0)
    g_log(LOG_DOMAIN, G_LOG_LEVEL_WARNING, "%s: no memory for a retransmission history",
          sink->peer->p->id);
  sink->maps_ready = true;
}

/* ---- RTP in ---- */

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
    if (sb_tx_stream_rewrite(&sink->tx, out, len, &oh, now) < 0) {
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
  int64_t now = sb_peer_now_us();
  sb_rx_stream *rx = NULL;
  /* Unknown stream, a payload type that was not negotiated, a
   * retransmission we already had or a padding probe: not forwarded. */
  if (sb_msess_on_rtp(peer->ms, data, &n, &h, now, &rx) < 0) {
    peer->dropped++;
  } else {
    sb_pub *pub = (sb_pub *)rx;
    pub->track->ssrc = rx->ssrc;
    peer->rtp_in++;
    forward(pub, data, n, cap, &h, now);
  }
  if (sb_msess_take_reschedule(peer->ms)) sb_peer_media_schedule(peer);
}

/* ---- RTCP in ---- */

static void on_rtcp(sb_peer *peer, uint8_t *data, size_t len) {
  size_t n = len;
  if (sb_srtp_unprotect_rtcp(peer->srtp, data, &n) < 0) {
    peer->dropped++;
    return;
  }
  handshake_proven(peer);
  peer->rtcp_in++;
  sb_msess_on_rtcp(peer->ms, data, n, sb_peer_now_us());
  sb_peer_media_schedule(peer);
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

/* ---- keyframes and estimates ---- */

int sb_peer_request_keyframe(sb_peer *peer, sb_track *track) {
  sb_pub *pub = track->pub;
  if (!pub || !pub->rx.ssrc || !peer->media_ready) return SB_ESTATE;
  if (sb_rx_stream_request_keyframe(&pub->rx, sb_peer_now_us())) {
    g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: keyframe request for %s", peer->p->id,
          track->track_id);
    sb_peer_media_schedule(peer);
  }
  return SB_OK;
}

/* The most a publisher should send: the lowest fresh estimate of the
 * receivers of any of its tracks (in a 1:1 call, the other side's). */
static void update_publisher_cap(sb_peer *pubpeer, int64_t now) {
  uint64_t cap = 0;
  if (!pubpeer->env->estimate_cap) return;
  for (guint i = 0; i < pubpeer->pubs->len; i++) {
    sb_pub *pub = pubpeer->pubs->pdata[i];
    GPtrArray *sinks = pub->track->sinks;
    for (guint k = 0; k < sinks->len; k++) {
      const sb_sink *sink = sinks->pdata[k];
      if (!sink->tx.remb_bps || now - sink->tx.remb_at_us > REMB_FRESH_US) continue;
      if (!cap || sink->tx.remb_bps < cap) cap = sink->tx.remb_bps;
    }
  }
  sb_msess_set_remb(pubpeer->ms, cap, now);
  sb_peer_media_schedule(pubpeer);
}

/* ---- the media session's outputs ---- */

static void ms_send_rtcp(void *user, uint8_t *buf, size_t len, size_t cap) {
  sb_peer_send_rtcp(user, buf, len, cap);
}

static void ms_send_rtp(void *user, uint8_t *buf, size_t len, size_t cap) {
  sb_peer *peer = user;
  if (!peer->media_ready || peer->failed) return;
  if (sb_srtp_protect_rtp(peer->srtp, buf, &len, cap) < 0) {
    peer->dropped++;
    return;
  }
  if (sb_ice_send(peer->ice, buf, len) >= 0) peer->rtp_out++;
}

static void ms_keyframe_request(void *user, sb_tx_stream *tx) {
  (void)user;
  sb_sink *sink = (sb_sink *)tx;
  if (sink->track->owner->peer) sb_peer_request_keyframe(sink->track->owner->peer, sink->track);
}

static void ms_estimate(void *user, sb_tx_stream *tx, uint64_t bps) {
  sb_peer *peer = user;
  sb_sink *sink = (sb_sink *)tx;
  g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: estimates %" G_GUINT64_FORMAT " bit/s for %s",
        peer->p->id, bps, sink->track->track_id);
  if (sink->track->owner->peer) update_publisher_cap(sink->track->owner->peer, sb_peer_now_us());
}

static const sb_msess_io ms_io = {.send_rtcp = ms_send_rtcp,
                                  .send_rtp = ms_send_rtp,
                                  .keyframe_request = ms_keyframe_request,
                                  .estimate = ms_estimate};

/* ---- streams ---- */

sb_pub *sb_peer_pub_new(sb_peer *peer, sb_msection *sec) {
  sb_pub *pub = g_new0(sb_pub, 1);
  sb_rx_stream_init(&pub->rx, sec, sec->remote_ssrc, sec->remote_rtx_ssrc);
  g_ptr_array_add(peer->pubs, pub);
  sb_msess_add_rx(peer->ms, &pub->rx);
  return pub;
}

void sb_peer_pub_free(sb_peer *peer, sb_pub *pub) {
  sb_msess_remove_rx(peer->ms, &pub->rx);
  g_ptr_array_remove(peer->pubs, pub);
}

void sb_peer_media_update_twcc(sb_peer *peer) {
  uint8_t id = 0;
  GPtrArray *secs = peer->session->sections;
  for (guint i = 0; i < secs->len && !id; i++) {
    const sb_msection *sec = secs->pdata[i];
    if (!sec->ours && !sec->rejected && sb_msection_has_tcc(sec))
      id = sb_msection_ext_id(sec, SB_EXT_TRANSPORT_CC);
  }
  sb_msess_set_twcc(peer->ms, id);
  /* A peer that takes REMB and no transport-wide feedback gets our own
   * estimate of its uplink. */
  bool remb = false;
  for (guint i = 0; i < secs->len && !id && !remb; i++) {
    const sb_msection *sec = secs->pdata[i];
    for (int k = 0; !sec->ours && !sec->rejected && k < sec->n_codecs; k++)
      remb |= sec->codecs[k].fb_remb;
  }
  sb_msess_set_own_estimate(peer->ms, remb && !peer->ms->twcc_id);
}

/* ---- the timer ---- */

void sb_peer_media_schedule(sb_peer *peer) {
  if (!peer->media_ready || peer->failed || !peer->media_timer) return;
  int64_t due = sb_msess_next_deadline(peer->ms);
  if (due >= peer->media_due_us) return;
  peer->media_due_us = due;
  sb_timer_start_at(peer->media_timer, due);
}

static void media_timer_cb(void *data) {
  sb_peer *peer = data;
  peer->media_due_us = INT64_MAX;
  if (!peer->media_ready || peer->failed) return;
  /* Timers run outside a receive batch: read the clock. */
  sb_msess_poll(peer->ms, sb_peer_now_us());
  sb_peer_media_schedule(peer);
}

void sb_peer_media_init(sb_peer *peer) {
  uint32_t ssrc = g_random_int() | 1;
  peer->ms = sb_msess_new(ssrc, peer->session->cname, &ms_io, peer);
  peer->media_timer = sb_timer_new(g_main_context_get_thread_default(), media_timer_cb, peer);
  peer->media_due_us = INT64_MAX;
}

void sb_peer_media_start(sb_peer *peer) {
  sb_peer_media_schedule(peer);
  /* Whoever forwards to us starts with a keyframe. */
  for (guint i = 0; i < peer->sinks->len; i++) {
    sb_sink *sink = peer->sinks->pdata[i];
    if (sink->active && sink->track->kind == SB_TRACK_VIDEO && sink->track->owner->peer)
      sb_peer_request_keyframe(sink->track->owner->peer, sink->track);
  }
}

void sb_peer_media_stop(sb_peer *peer) {
  g_clear_pointer(&peer->media_timer, sb_timer_free);
  g_clear_pointer(&peer->ms, sb_msess_free);
}
