/* peer.c - one browser's peer connection: creates the ICE agent (ice.c) and
 * DTLS endpoint (dtls.c) on the room's worker, runs the SDP offer/answer
 * with the browser through core/session.c (the server is the impolite
 * peer), turns the browser's sections into published tracks, and manages the
 * sinks (tracks forwarded to this browser). Packets are peer_media.c's. */
#include <jansson.h>
#include <string.h>

#include "core/error.h"
#include "core/sdp.h"
#include "peer_private.h"
#include "room.h"

#define LOG_DOMAIN "peer"

static void send_json(sb_peer *peer, json_t *msg) {
  char *text = json_dumps(msg, JSON_COMPACT);
  if (text) sb_room_send(peer->p, text);
  free(text);
  json_decref(msg);
}

static void send_error(sb_peer *peer, const char *code, const char *message, const char *ref) {
  send_json(peer, json_pack("{s:s,s:s,s:s,s:s}", "type", "error", "code", code, "message", message,
                            "ref", ref));
}

static void fail(sb_peer *peer, const char *reason) {
  if (peer->failed) return;
  peer->failed = true;
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s: media connection failed: %s", peer->p->id, reason);
  sb_room_request_remove(peer->p, "failed");
}

/* ---- DTLS ---- */

static void clear_source(GSource **src);

static void dtls_schedule(sb_peer *peer) {
  int64_t us = peer->dtls ? sb_dtls_timeout_us(peer->dtls) : -1;
  if (us < 0)
    sb_timer_stop(peer->dtls_timer);
  else
    sb_timer_start(peer->dtls_timer, (unsigned)(us / 1000 + 1));
}

static void dtls_timer_cb(void *data) {
  sb_peer *peer = data;
  sb_dtls_handle_timeout(peer->dtls);
  dtls_schedule(peer);
}

/* The browser's first DTLS flight can arrive a moment before libnice says
 * the pair is connected; our reply is kept and sent the moment it is, rather
 * than lost to a one-second retransmission. */
#define DTLS_BACKLOG_MAX 16

static void dtls_send(void *user, const uint8_t *data, size_t len) {
  sb_peer *peer = user;
  if (!peer->ice) return;
  if (sb_ice_send(peer->ice, data, len) == SB_ESTATE && peer->dtls_backlog->len < DTLS_BACKLOG_MAX)
    g_ptr_array_add(peer->dtls_backlog, g_bytes_new(data, len));
}

static void dtls_flush_backlog(sb_peer *peer) {
  for (guint i = 0; i < peer->dtls_backlog->len; i++) {
    gsize n = 0;
    const uint8_t *d = g_bytes_get_data(peer->dtls_backlog->pdata[i], &n);
    sb_ice_send(peer->ice, d, n);
  }
  g_ptr_array_set_size(peer->dtls_backlog, 0);
}

static void dtls_connected(void *user, const sb_srtp_keys *keys) {
  sb_peer *peer = user;
  if (sb_srtp_new(keys, &peer->srtp) < 0) {
    fail(peer, "SRTP session could not be created");
    return;
  }
  peer->media_ready = true;
  sb_timer_stop(peer->setup_timer);
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s: media connected (%s)", peer->p->id,
        sb_srtp_profile_name(keys->profile));
  sb_peer_media_start(peer);
}

static void dtls_failed(void *user, const char *reason) { fail(user, reason); }
static void dtls_closed(void *user, const char *reason) {
  fail(user, "DTLS closed by the browser");
}

static const sb_dtls_callbacks dtls_cb = {.send = dtls_send,
                                          .on_connected = dtls_connected,
                                          .on_failed = dtls_failed,
                                          .on_closed = dtls_closed};

/* The DTLS endpoint is made once the first offer fixed our role. A server
 * waits for the ClientHello; a client speaks first, once ICE is up. */
static int dtls_setup(sb_peer *peer) {
  bool client = peer->session->dtls_client;
  if (sb_dtls_new(peer->env->dtls, client ? SB_DTLS_ROLE_CLIENT : SB_DTLS_ROLE_SERVER, &dtls_cb,
                  peer, &peer->dtls) < 0)
    return SB_EIO;
  if (!client || peer->ice_connected) sb_dtls_start(peer->dtls);
  return SB_OK;
}

/* ---- ICE ---- */

static void ice_candidate(void *user, const char *candidate) {
  sb_peer *peer = user;
  if (candidate) sb_session_add_local_candidate(peer->session, candidate);
}

static void ice_state(void *user, sb_ice_state state) {
  sb_peer *peer = user;
  g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: ICE %s", peer->p->id, sb_ice_state_name(state));
  peer->ice_connected = state == SB_ICE_CONNECTED;
  if (peer->ice_connected) dtls_flush_backlog(peer);
  if (peer->ice_connected && peer->dtls && sb_dtls_state(peer->dtls) == SB_DTLS_STATE_NEW) {
    sb_dtls_start(peer->dtls);
    dtls_schedule(peer);
  }
}

static void ice_data(void *user, uint8_t *data, size_t len, size_t cap) {
  sb_peer *peer = user;
  if (peer->failed || len == 0) return;
  if (sb_dtls_is_dtls(data, len)) {
    if (!peer->dtls) return;
    sb_dtls_handle(peer->dtls, data, len);
    dtls_schedule(peer);
  } else if (data[0] >= 128 && data[0] <= 191) {
    sb_peer_media_on_packet(peer, data, len, cap);
  }
}

static void ice_failed(void *user, const char *reason) { fail(user, reason); }

/* ---- lifecycle ---- */

/* A browser that joins but never completes ICE and DTLS is removed after
 * this long (or the disconnect timeout, if longer). */
#define SETUP_TIMEOUT_MS 30000

static void clear_source(GSource **src) {
  if (*src) {
    g_source_destroy(*src);
    g_source_unref(*src);
    *src = NULL;
  }
}

static void setup_timeout_cb(void *data) {
  sb_peer *peer = data;
  if (!peer->media_ready) fail(peer, "no media connection within the set-up time");
}

sb_peer *sb_peer_new(sb_participant *p, sb_media_env *env) {
  sb_peer *peer = g_new0(sb_peer, 1);
  peer->p = p;
  peer->env = env;
  peer->pubs = g_ptr_array_new_with_free_func(g_free);
  peer->sinks = g_ptr_array_new();
  peer->early_candidates = g_ptr_array_new_with_free_func(g_free);
  peer->dtls_backlog = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  GMainContext *ctx = g_main_context_get_thread_default();
  peer->dtls_timer = sb_timer_new(ctx, dtls_timer_cb, peer);
  peer->setup_timer = sb_timer_new(ctx, setup_timeout_cb, peer);

  sb_ice_config cfg;
  sb_media_env_ice_config(env, sb_worker_index(p->room->worker), &cfg);
  static const sb_ice_callbacks icb = {.on_candidate = ice_candidate,
                                       .on_state = ice_state,
                                       .on_data = ice_data,
                                       .on_failed = ice_failed};
  peer->ice = sb_ice_new(g_main_context_get_thread_default(), &cfg, &icb, peer);
  const char *ufrag = "", *pwd = "";
  if (peer->ice) sb_ice_local_credentials(peer->ice, &ufrag, &pwd);
  uint64_t sess_id = ((uint64_t)g_random_int() << 31) ^ g_random_int();
  peer->session = sb_session_new(ufrag, pwd, sb_media_env_fingerprint(env), env->ice_lite, sess_id);
  sb_peer_media_init(peer);
  if (!peer->ice || sb_ice_gather(peer->ice) < 0) {
    g_log(LOG_DOMAIN, G_LOG_LEVEL_WARNING, "%s: cannot set up ICE/DTLS on %s", p->id, env->address);
    peer->failed = true;
    sb_room_request_remove(p, "failed");
  } else {
    sb_timer_start(peer->setup_timer, MAX(SETUP_TIMEOUT_MS, env->disconnect_timeout_ms));
  }
  return peer;
}

void sb_peer_free(sb_peer *peer) {
  if (!peer) return;
  uint64_t recovered = 0, nacked = 0, resent = 0, asked = 0, missing = 0, suppressed = 0;
  uint64_t given_up = 0, plis = 0;
  for (guint i = 0; i < peer->pubs->len; i++) {
    const sb_pub *pub = peer->pubs->pdata[i];
    recovered += pub->rx.c.recovered;
    nacked += pub->rx.c.nack_seqs;
    given_up += pub->rx.c.given_up;
    plis += pub->rx.c.plis + pub->rx.c.firs;
  }
  for (guint i = 0; i < peer->sinks->len; i++) {
    const sb_sink *sink = peer->sinks->pdata[i];
    resent += sink->tx.c.retransmitted;
    asked += sink->tx.c.nack_seqs;
    missing += sink->tx.c.rtx_missing;
    suppressed += sink->tx.c.rtx_suppressed + sink->tx.c.rtx_rate_limited;
  }
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO,
        "%s: closed; RTP in %" G_GUINT64_FORMAT " out %" G_GUINT64_FORMAT
        ", RTCP in %" G_GUINT64_FORMAT " out %" G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT
        "; NACKed upstream %" G_GUINT64_FORMAT ", recovered %" G_GUINT64_FORMAT
        ", given up %" G_GUINT64_FORMAT ", keyframe requests %" G_GUINT64_FORMAT
        "; NACKs from it %" G_GUINT64_FORMAT ", resent %" G_GUINT64_FORMAT
        " (not had %" G_GUINT64_FORMAT ", held back %" G_GUINT64_FORMAT ")",
        peer->p->id, peer->rtp_in, peer->rtp_out, peer->rtcp_in, peer->rtcp_out, peer->dropped,
        nacked, recovered, given_up, plis, asked, resent, missing, suppressed);
  if (peer->ms && peer->ms->twcc) {
    sb_twcc_gen_stats ts;
    sb_twcc_gen_get_stats(peer->ms->twcc, &ts);
    g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO,
          "%s: congestion feedback: %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
          " packets reported received, %" G_GUINT64_FORMAT " lost (%" G_GUINT64_FORMAT " late)",
          peer->p->id, ts.feedback_sent, ts.reported_received, ts.reported_lost, ts.late);
  }
  peer->failed = true; /* no more offers or reports */
  while (peer->sinks->len) {
    sb_sink *sink = peer->sinks->pdata[peer->sinks->len - 1];
    sb_peer_remove_sink(peer, sink->track);
  }
  sb_peer_media_stop(peer);
  g_clear_pointer(&peer->dtls_timer, sb_timer_free);
  clear_source(&peer->offer_idle);
  g_clear_pointer(&peer->setup_timer, sb_timer_free);
  if (peer->dtls && peer->media_ready) sb_dtls_close(peer->dtls);
  sb_dtls_free(peer->dtls);
  sb_srtp_free(peer->srtp);
  sb_ice_free(peer->ice);
  sb_session_free(peer->session);
  g_ptr_array_free(peer->pubs, TRUE);
  g_ptr_array_free(peer->sinks, TRUE);
  g_ptr_array_free(peer->early_candidates, TRUE);
  g_ptr_array_free(peer->dtls_backlog, TRUE);
  g_free(peer);
}

/* ---- negotiation ---- */

static gboolean offer_now(gpointer data);

/* Renegotiates once the current burst of changes is done: subscriptions
 * made in one go (a participant arriving with audio and video) share an
 * offer. */
static void maybe_offer(sb_peer *peer) {
  if (peer->offer_idle || peer->failed) return;
  peer->offer_idle = g_idle_source_new();
  g_source_set_callback(peer->offer_idle, offer_now, peer, NULL);
  g_source_attach(peer->offer_idle, g_main_context_get_thread_default());
}

static gboolean offer_now(gpointer data) {
  sb_peer *peer = data;
  g_source_unref(peer->offer_idle);
  peer->offer_idle = NULL;
  sb_session *s = peer->session;
  if (peer->failed || !s->needs_offer || s->state != SB_SIG_STABLE || !s->negotiated_once)
    return G_SOURCE_REMOVE;
  GString *sdp = g_string_new("");
  if (sb_session_write_offer(s, sdp) == SB_OK) {
    g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: sending an offer (%u m-lines)", peer->p->id,
          s->sections->len);
    send_json(peer, json_pack("{s:s,s:s}", "type", "offer", "sdp", sdp->str));
  }
  g_string_free(sdp, TRUE);
  return G_SOURCE_REMOVE;
}

static int attach_sink(sb_peer *peer, sb_sink *sink);

static sb_pub *find_pub_by_section(sb_peer *peer, const sb_msection *sec) {
  for (guint i = 0; i < peer->pubs->len; i++) {
    sb_pub *pub = peer->pubs->pdata[i];
    if (pub->rx.sec == sec) return pub;
  }
  return NULL;
}

/* Publishes a track for every section the browser sends on, and withdraws
 * tracks whose section stopped sending. */
static void sync_tracks(sb_peer *peer) {
  GPtrArray *secs = peer->session->sections;
  for (guint i = 0; i < secs->len; i++) {
    sb_msection *sec = secs->pdata[i];
    if (sec->ours) continue;
    bool sending = !sec->rejected && (sec->remote_dir == SB_SDP_DIR_SENDRECV ||
                                      sec->remote_dir == SB_SDP_DIR_SENDONLY);
    sb_pub *pub = find_pub_by_section(peer, sec);
    if (sending && !pub) {
      pub = sb_peer_pub_new(peer, sec);
      pub->track = sb_room_track_add(
          peer->p, sec->kind == SB_SDP_KIND_AUDIO ? SB_TRACK_AUDIO : SB_TRACK_VIDEO, sec->mid,
          pub->rx.ssrc, pub);
      continue;
    }
    if (!sending && pub) {
      sb_room_track_remove(peer->p, pub->track);
      sb_peer_pub_free(peer, pub);
      continue;
    }
    if (!pub) continue;
    if (sec->remote_ssrc && sec->remote_ssrc != pub->rx.ssrc) {
      sb_rx_stream_set_ssrc(&pub->rx, sec->remote_ssrc);
      pub->track->ssrc = sec->remote_ssrc;
    }
    if (sec->remote_rtx_ssrc) pub->rx.rtx_ssrc = sec->remote_rtx_ssrc;
    sb_rx_stream_set_section(&pub->rx, sec); /* the codecs may have changed */
  }
  sb_peer_media_update_twcc(peer);
  /* Sinks waiting for the first offer get their sections; sinks whose
   * section the browser rejected are dead. */
  for (guint i = peer->sinks->len; i > 0; i--) {
    sb_sink *sink = peer->sinks->pdata[i - 1];
    if (!sink->sec && attach_sink(peer, sink) < 0)
      sb_peer_remove_sink(peer, sink->track);
    else if (sink->sec->rejected)
      sb_peer_remove_sink(peer, sink->track);
    else
      sb_peer_sink_update_maps(sink);
  }
}

static const char *candidate_ufrag(const char *text, char *buf, size_t len);

/* The browser's description carries new ICE credentials: an ICE restart
 * (RFC 8445 section 9). In an offer we take new credentials too and the
 * answer carries them (RFC 8839 4.4.1.1.1); in an answer to our offer
 * (the browser had a restart pending: restartIce() before our offer came)
 * ours stay those our offer carried. The agent keeps using the old pair
 * until the new one is checked; DTLS and SRTP go on untouched. */
static void restart_ice(sb_peer *peer, bool in_offer) {
  sb_session *s = peer->session;
  int rc = sb_ice_restart(peer->ice, s->remote_ufrag, s->remote_pwd, in_offer);
  if (rc < 0) {
    g_log(LOG_DOMAIN, G_LOG_LEVEL_WARNING, "%s: ICE restart refused (%s)", peer->p->id,
          sb_strerror(rc));
    return;
  }
  if (in_offer) {
    const char *ufrag = "", *pwd = "";
    sb_ice_local_credentials(peer->ice, &ufrag, &pwd);
    sb_session_set_local_ice(s, ufrag, pwd);
  }
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s: ICE restart (in the browser's %s)", peer->p->id,
        in_offer ? "offer" : "answer");
}

/* prev_ufrag/prev_pwd: the browser's ICE credentials before this
 * description (ignored for the first). */
static void apply_transport(sb_peer *peer, bool first, bool in_offer, const char *prev_ufrag,
                            const char *prev_pwd) {
  sb_session *s = peer->session;
  if (!first && (strcmp(prev_ufrag, s->remote_ufrag) || strcmp(prev_pwd, s->remote_pwd)))
    restart_ice(peer, in_offer);
  if (first) {
    if (dtls_setup(peer) < 0) {
      fail(peer, "cannot create the DTLS endpoint");
      return;
    }
    sb_ice_set_remote_credentials(peer->ice, s->remote_ufrag, s->remote_pwd);
    for (guint i = 0; i < peer->early_candidates->len; i++) {
      const char *text = peer->early_candidates->pdata[i];
      char ufrag[256];
      const char *uf = candidate_ufrag(text, ufrag, sizeof ufrag);
      if (!uf || !strcmp(uf, s->remote_ufrag)) sb_ice_add_remote_candidate(peer->ice, text);
    }
    g_ptr_array_set_size(peer->early_candidates, 0);
    sb_dtls_set_remote_fingerprint(peer->dtls, s->remote_fp_hash, s->remote_fp);
    dtls_schedule(peer);
  }
  for (guint i = 0; i < s->remote_candidates->len; i++)
    sb_ice_add_remote_candidate(peer->ice, s->remote_candidates->pdata[i]);
}

static sb_sdp *parse_sdp(sb_peer *peer, json_t *msg, const char *type) {
  const char *text = json_string_value(json_object_get(msg, "sdp"));
  sb_sdp *sdp = NULL;
  int rc = text ? sb_sdp_parse(text, strlen(text), &sdp) : SB_EINVAL;
  if (rc < 0) {
    send_error(peer, "bad-sdp",
               rc == SB_ETOOBIG ? "the SDP is larger than the server accepts"
                                : "the SDP could not be parsed",
               type);
    return NULL;
  }
  return sdp;
}

/* Sinks whose section the browser now knows carry media; new ones start
 * with a keyframe. */
static void update_sinks(sb_peer *peer) {
  for (guint i = 0; i < peer->sinks->len; i++) {
    sb_sink *sink = peer->sinks->pdata[i];
    bool was = sink->active;
    sink->active = sink->sec && !sink->sec->rejected && sink->sec->signaled &&
                   (sink->sec->local_dir == SB_SDP_DIR_SENDONLY ||
                    sink->sec->local_dir == SB_SDP_DIR_SENDRECV);
    /* Before our DTLS is up the keyframe would be lost; media start asks. */
    if (sink->active && !was && peer->media_ready && sink->track->kind == SB_TRACK_VIDEO &&
        sink->track->owner->peer)
      sb_peer_request_keyframe(sink->track->owner->peer, sink->track);
  }
}

static void on_offer(sb_peer *peer, json_t *msg) {
  sb_session *s = peer->session;
  if (s->state == SB_SIG_HAVE_LOCAL_OFFER) {
    /* Offer collision: the server is impolite and ignores it; the browser
     * rolls back, answers ours, and offers again. */
    g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: ignoring a colliding offer", peer->p->id);
    return;
  }
  sb_sdp *sdp = parse_sdp(peer, msg, "offer");
  if (!sdp) return;
  char why[160] = "";
  bool first = !s->negotiated_once;
  char prev_ufrag[sizeof s->remote_ufrag], prev_pwd[sizeof s->remote_pwd];
  g_strlcpy(prev_ufrag, s->remote_ufrag, sizeof prev_ufrag);
  g_strlcpy(prev_pwd, s->remote_pwd, sizeof prev_pwd);
  int rc = sb_session_apply_offer(s, sdp, why, sizeof why);
  sb_sdp_free(sdp);
  if (rc < 0) {
    send_error(peer, rc == SB_EUNSUPPORTED ? "unsupported-sdp" : "bad-sdp", why, "offer");
    return;
  }
  apply_transport(peer, first, true, prev_ufrag, prev_pwd);
  /* Tracks first: sinks waiting for this offer may ride in the answer. */
  sync_tracks(peer);
  GString *answer = g_string_new("");
  if (sb_session_write_answer(s, answer) == SB_OK)
    send_json(peer, json_pack("{s:s,s:s}", "type", "answer", "sdp", answer->str));
  else
    send_error(peer, "internal", "could not write an answer", "offer");
  g_string_free(answer, TRUE);
  update_sinks(peer);
  maybe_offer(peer);
}

static void on_answer(sb_peer *peer, json_t *msg) {
  if (peer->session->state != SB_SIG_HAVE_LOCAL_OFFER) {
    send_error(peer, "wrong-state", "no offer of the server is waiting for an answer", "answer");
    return;
  }
  sb_sdp *sdp = parse_sdp(peer, msg, "answer");
  if (!sdp) return;
  char why[160] = "";
  sb_session *s = peer->session;
  char prev_ufrag[sizeof s->remote_ufrag], prev_pwd[sizeof s->remote_pwd];
  g_strlcpy(prev_ufrag, s->remote_ufrag, sizeof prev_ufrag);
  g_strlcpy(prev_pwd, s->remote_pwd, sizeof prev_pwd);
  int rc = sb_session_apply_answer(s, sdp, why, sizeof why);
  sb_sdp_free(sdp);
  if (rc < 0) {
    send_error(peer, rc == SB_EUNSUPPORTED ? "unsupported-sdp" : "bad-sdp", why, "answer");
    return;
  }
  g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: answer applied", peer->p->id);
  apply_transport(peer, false, false, prev_ufrag, prev_pwd);
  sync_tracks(peer);
  update_sinks(peer);
  maybe_offer(peer);
}

/* The "ufrag X" extension of a candidate, if any (borrowed, NUL-terminated
 * copy in buf). */
static const char *candidate_ufrag(const char *text, char *buf, size_t len) {
  const char *p = strstr(text, " ufrag ");
  if (!p) return NULL;
  p += 7;
  size_t n = strcspn(p, " ");
  if (n == 0 || n >= len) return NULL;
  memcpy(buf, p, n);
  buf[n] = 0;
  return buf;
}

static void on_candidate(sb_peer *peer, json_t *msg) {
  json_t *c = json_object_get(msg, "candidate");
  if (json_is_null(c)) return; /* end of candidates */
  const char *text = json_string_value(json_object_get(c, "candidate"));
  if (!text) {
    send_error(peer, "bad-message", "candidate.candidate must be a string", "candidate");
    return;
  }
  if (!*text) return; /* end of candidates, the other spelling */
  sb_sdp_candidate *parsed = NULL;
  if (sb_sdp_candidate_parse(text, strlen(text), &parsed) < 0) {
    send_error(peer, "bad-candidate", "not a valid ICE candidate attribute", "candidate");
    return;
  }
  sb_sdp_candidate_free(parsed);
  char ufrag[256];
  const char *uf = candidate_ufrag(text, ufrag, sizeof ufrag);
  if (!peer->session->negotiated_once) {
    if (peer->early_candidates->len < 64) g_ptr_array_add(peer->early_candidates, g_strdup(text));
    return;
  }
  /* A candidate of an older ICE generation (a rolled-back or replaced
   * connection on the browser's side) is dropped without a fuss. */
  if (uf && strcmp(uf, peer->session->remote_ufrag)) return;
  int rc = sb_ice_add_remote_candidate(peer->ice, text);
  if (rc == SB_EINVAL)
    send_error(peer, "bad-candidate", "not a valid ICE candidate attribute", "candidate");
  /* Valid but unusable here (TCP, RTCP component, mDNS name): dropped. */
}

void sb_peer_signal(sb_peer *peer, const char *type, const char *json) {
  if (peer->failed) return;
  json_t *msg = json_loads(json, 0, NULL);
  if (!msg) return;
  if (!strcmp(type, "offer"))
    on_offer(peer, msg);
  else if (!strcmp(type, "answer"))
    on_answer(peer, msg);
  else if (!strcmp(type, "candidate"))
    on_candidate(peer, msg);
  json_decref(msg);
}

/* ---- sinks ---- */

static sb_sink *find_sink(sb_peer *peer, const sb_track *track) {
  for (guint i = 0; i < peer->sinks->len; i++) {
    sb_sink *sink = peer->sinks->pdata[i];
    if (sink->track == track) return sink;
  }
  return NULL;
}

/* Gives a sink its send section. Before the browser's first offer we do
 * not know its payload types yet: the sink waits (sec NULL) and is attached
 * after that offer. */
static int attach_sink(sb_peer *peer, sb_sink *sink) {
  sb_pub *pub = sink->track->pub;
  sink->sec = sb_session_add_send(peer->session, pub->rx.sec->kind, pub->rx.sec->codecs,
                                  pub->rx.sec->n_codecs, sink->tx.rw.ssrc, sink->track->stream_id,
                                  sink->track->track_id, sink);
  if (!sink->sec) {
    g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s: no codec in common to receive %s", peer->p->id,
          sink->track->track_id);
    return SB_EUNSUPPORTED;
  }
  sink->sec->local_rtx_ssrc = sink->tx.rtx_ssrc;
  sb_peer_sink_update_maps(sink);
  return SB_OK;
}

int sb_peer_add_sink(sb_peer *peer, sb_track *track) {
  if (find_sink(peer, track)) return SB_EEXIST;
  sb_pub *pub = track->pub;
  if (!pub) return SB_EINVAL;
  sb_sink *sink = g_new0(sb_sink, 1);
  sink->peer = peer;
  sink->track = track;
  uint32_t clock = pub->rx.sec->n_codecs ? pub->rx.sec->codecs[0].clock_rate : 90000;
  sb_tx_stream_init(&sink->tx, g_random_int() | 1, g_random_int() | 1, (uint16_t)g_random_int(),
                    g_random_int(), (uint16_t)g_random_int(), clock, track->kind == SB_TRACK_VIDEO);
  sink->tx.src = &pub->rx;
  if (peer->session->negotiated_once && attach_sink(peer, sink) < 0) {
    sb_tx_stream_clear(&sink->tx);
    g_free(sink);
    return SB_EUNSUPPORTED;
  }
  sb_msess_add_tx(peer->ms, &sink->tx);
  g_ptr_array_add(peer->sinks, sink);
  g_ptr_array_add(track->sinks, sink);
  maybe_offer(peer);
  return SB_OK;
}

int sb_peer_remove_sink(sb_peer *peer, sb_track *track) {
  sb_sink *sink = find_sink(peer, track);
  if (!sink) return SB_ENOTFOUND;
  g_ptr_array_remove(track->sinks, sink);
  g_ptr_array_remove(peer->sinks, sink);
  if (sink->sec && !sink->sec->rejected) sb_session_stop_send(peer->session, sink->sec);
  sb_msess_remove_tx(peer->ms, &sink->tx);
  sb_tx_stream_clear(&sink->tx);
  g_free(sink);
  maybe_offer(peer);
  return SB_OK;
}
