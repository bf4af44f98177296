/* peer.c - one generator peer connection: the ICE agent and DTLS endpoint on
 * the peer's media thread, offer/answer through sdp_offer.c, and the
 * closures that carry work between the main thread and the media thread
 * (see peer.h). Packets are peer_rtp.c's. */
#include <string.h>

#include "core/error.h"
#include "loadgen.h"
#include "peer_private.h"

#define DISCONNECT_TIMEOUT_MS   30000
#define MAX_OFFERS              4 /* offers per peer: a server refusing a track ends the loop */
#define DTLS_INITIAL_TIMEOUT_MS 50

/* ---- the shared environment ---- */

int sb_lg_env_new(sb_lg_env **out, GError **error) {
  if (sb_srtp_global_init() < 0) {
    g_set_error(error, g_quark_from_static_string("sb-lg"), 0, "libsrtp2 failed to initialise");
    return SB_ECRYPTO;
  }
  sb_lg_env *env = g_new0(sb_lg_env, 1);
  int rc = sb_cert_generate(&env->cert, error);
  if (rc < 0) {
    g_free(env);
    return rc;
  }
  rc = sb_dtls_ctx_new(env->cert, &env->dtls);
  /* Like Chromium on a low-RTT path (its first DTLS retransmission comes
   * after twice the ICE round trip, at least 50 ms), not RFC 6347's 1 s: a
   * first flight that a server drops because its ICE side is not ready yet
   * then costs 50 ms of set-up time, not a second. */
  if (rc == SB_OK) rc = sb_dtls_ctx_set_initial_timeout_ms(env->dtls, DTLS_INITIAL_TIMEOUT_MS);
  if (rc < 0) {
    g_set_error(error, g_quark_from_static_string("sb-lg"), 0, "OpenSSL refused the DTLS context");
    sb_dtls_ctx_unref(env->dtls);
    sb_cert_unref(env->cert);
    g_free(env);
    return rc;
  }
  *out = env;
  return SB_OK;
}

void sb_lg_env_free(sb_lg_env *env) {
  if (!env) return;
  sb_dtls_ctx_unref(env->dtls);
  sb_cert_unref(env->cert);
  g_free(env);
}

/* ---- back to the main thread ---- */

typedef struct {
  sb_lg_peer *p;
  bool is_sdp;
  char type[8];
  sb_lg_peer_event ev;
  int64_t t_us;
  char *text;
} main_msg;

static void main_msg_free(gpointer data) {
  main_msg *m = data;
  g_free(m->text);
  g_free(m);
}

static gboolean main_msg_run(gpointer data) {
  main_msg *m = data;
  sb_lg_peer *p = m->p;
  if (p->closed_main) return G_SOURCE_REMOVE;
  if (m->is_sdp) {
    if (p->cb.on_local_sdp) p->cb.on_local_sdp(p->user, m->type, m->text);
  } else if (p->cb.on_event) {
    p->cb.on_event(p->user, m->ev, m->t_us, m->text ? m->text : "");
  }
  return G_SOURCE_REMOVE;
}

void sb_lg_peer_post_event(sb_lg_peer *p, sb_lg_peer_event ev, int64_t t_us, const char *detail) {
  main_msg *m = g_new0(main_msg, 1);
  m->p = p;
  m->ev = ev;
  m->t_us = t_us;
  m->text = g_strdup(detail);
  sb_lg_post_main(main_msg_run, m, main_msg_free);
}

static void post_sdp(sb_lg_peer *p, const char *type, const char *sdp) {
  main_msg *m = g_new0(main_msg, 1);
  m->p = p;
  m->is_sdp = true;
  g_strlcpy(m->type, type, sizeof m->type);
  m->text = g_strdup(sdp);
  sb_lg_post_main(main_msg_run, m, main_msg_free);
}

void sb_lg_peer_fail(sb_lg_peer *p, const char *why) {
  if (p->failed || p->closing) return;
  p->failed = true;
  sb_lg_peer_post_event(p, SB_LG_PEER_FAILED, sb_lg_now_ns() / 1000, why);
}

/* ---- DTLS ---- */

static void dtls_schedule(sb_lg_peer *p) {
  int64_t us = p->dtls ? sb_dtls_timeout_us(p->dtls) : -1;
  if (us < 0)
    sb_timer_stop(p->dtls_timer);
  else
    sb_timer_start_at(p->dtls_timer, g_get_monotonic_time() + us + 1000);
}

static void dtls_timer_cb(void *data) {
  sb_lg_peer *p = data;
  if (p->dtls) sb_dtls_handle_timeout(p->dtls);
  dtls_schedule(p);
}

static void dtls_send(void *user, const uint8_t *data, size_t len) {
  sb_lg_peer *p = user;
  if (p->ice) sb_lg_ice_send(p->ice, data, len);
}

static void dtls_connected(void *user, const sb_srtp_keys *keys) {
  sb_lg_peer *p = user;
  if (sb_srtp_new(keys, &p->srtp) < 0) {
    sb_lg_peer_fail(p, "SRTP session could not be created");
    return;
  }
  p->media_ready = true;
  sb_lg_peer_media_start(p);
  int64_t now = sb_lg_now_ns() / 1000;
  char detail[160];
  g_snprintf(detail, sizeof detail,
             "%s, DTLS %s; remote description +%" G_GINT64_FORMAT " ms, ICE +%" G_GINT64_FORMAT
             " ms, DTLS +%" G_GINT64_FORMAT " ms",
             sb_srtp_profile_name(keys->profile),
             sb_dtls_get_role(p->dtls) == SB_DTLS_ROLE_CLIENT ? "client" : "server",
             (p->remote_us - p->created_us) / 1000, (p->ice_us - p->created_us) / 1000,
             (now - p->created_us) / 1000);
  sb_lg_peer_post_event(p, SB_LG_PEER_CONNECTED, now, detail);
}

static void dtls_failed(void *user, const char *reason) {
  char why[256];
  g_snprintf(why, sizeof why, "DTLS: %s", reason);
  sb_lg_peer_fail(user, why);
}

static void dtls_closed(void *user, const char *reason) {
  sb_lg_peer_fail(user, "DTLS closed by the remote side");
}

static void dtls_maybe_start(sb_lg_peer *p) {
  if (!p->dtls || p->dtls_started || p->failed) return;
  /* The client's ClientHello needs a working pair; a server just waits. */
  if (sb_dtls_get_role(p->dtls) == SB_DTLS_ROLE_CLIENT && !p->ice_connected) return;
  p->dtls_started = true;
  if (sb_dtls_start(p->dtls) < 0) {
    sb_lg_peer_fail(p, "DTLS could not start");
    return;
  }
  if (p->pending_dtls) {
    sb_dtls_handle(p->dtls, p->pending_dtls, p->pending_dtls_len);
    g_clear_pointer(&p->pending_dtls, g_free);
  }
  dtls_schedule(p);
}

/* ---- ICE ---- */

static void ice_candidate(void *user, const char *candidate) {
  sb_lg_peer *p = user;
  if (candidate && p->sdp) sb_lg_sdp_add_candidate(p->sdp, candidate);
}

static void ice_state(void *user, sb_lg_ice_state state) {
  sb_lg_peer *p = user;
  p->ice_connected = state == SB_LG_ICE_CONNECTED;
  if (p->ice_connected && !p->ice_us) p->ice_us = sb_lg_now_ns() / 1000;
  if (p->ice_connected) dtls_maybe_start(p);
}

static void ice_data(void *user, uint8_t *data, size_t len) {
  sb_lg_peer *p = user;
  if (p->failed || p->closing || len == 0) return;
  if (sb_dtls_is_dtls(data, len)) {
    if (p->dtls && p->dtls_started) {
      sb_dtls_handle(p->dtls, data, len);
      dtls_schedule(p);
    } else if (!p->pending_dtls) {
      p->pending_dtls = g_memdup2(data, len);
      p->pending_dtls_len = len;
    }
  } else if (data[0] >= 128 && data[0] <= 191) {
    if (p->media_ready) sb_lg_peer_media_packet(p, data, len);
  }
}

static void ice_failed(void *user, const char *reason) {
  char why[256];
  g_snprintf(why, sizeof why, "ICE: %s", reason);
  sb_lg_peer_fail(user, why);
}

/* ---- creation (on the media thread) ---- */

static gboolean init_cb(gpointer data) {
  sb_lg_peer *p = data;
  p->created_us = sb_lg_now_ns() / 1000;
  sb_lg_ice_config cfg;
  sb_lg_ice_config_init(&cfg);
  cfg.address = p->address;
  cfg.controlling = p->cfg.controlling;
  cfg.consent_timeout_ms = DISCONNECT_TIMEOUT_MS;
  static const sb_lg_ice_callbacks icb = {.on_candidate = ice_candidate,
                                          .on_state = ice_state,
                                          .on_data = ice_data,
                                          .on_failed = ice_failed};
  p->dtls_timer = sb_timer_new(sb_lg_thread_context(p->th), dtls_timer_cb, p);
  if (sb_lg_ice_new(sb_lg_thread_context(p->th), sb_lg_thread_poller(p->th), &cfg, &icb, p,
                    &p->ice) < 0) {
    sb_lg_peer_fail(p, "ICE agent could not be created");
    return G_SOURCE_REMOVE;
  }
  const char *ufrag = "", *pwd = "";
  sb_lg_ice_local_credentials(p->ice, &ufrag, &pwd);
  uint32_t ssrc[SB_LG_TRACKS];
  for (int t = 0; t < SB_LG_TRACKS; t++) {
    ssrc[t] = g_random_int() | 1;
    p->tx[t].ssrc = ssrc[t];
    p->tx[t].seq = (uint16_t)g_random_int();
    p->tx[t].stream_id = (uint32_t)p->cfg.index << 1 | (uint32_t)t;
  }
  char cname[32], stream[40];
  g_snprintf(cname, sizeof cname, "lg%d", p->cfg.index);
  g_snprintf(stream, sizeof stream, "lg-stream-%d", p->cfg.index);
  uint64_t sess = ((uint64_t)g_random_int() << 31) ^ g_random_int();
  p->sdp = sb_lg_sdp_new(ufrag, pwd, sb_cert_fingerprint(p->env->cert), cname, stream, ssrc,
                         p->cfg.sendrecv_shape, sess);
  do
    p->sdp->video_rtx_ssrc = g_random_int() | 1;
  while (p->sdp->video_rtx_ssrc == ssrc[0] || p->sdp->video_rtx_ssrc == ssrc[1]);
  if (sb_lg_ice_gather(p->ice) < 0) {
    sb_lg_peer_fail(p, "ICE could not gather a candidate on the media address");
    return G_SOURCE_REMOVE;
  }
  sb_lg_thread_add_peer(p->th, p);
  return G_SOURCE_REMOVE;
}

sb_lg_peer *sb_lg_peer_new(sb_lg_thread *th, sb_lg_env *env, const sb_lg_peer_config *cfg,
                           const sb_lg_peer_callbacks *cb, void *user) {
  sb_lg_peer *p = g_new0(sb_lg_peer, 1);
  p->th = th;
  p->env = env;
  p->cfg = *cfg;
  g_strlcpy(p->address, cfg->address ? cfg->address : "127.0.0.1", sizeof p->address);
  p->cfg.address = NULL;
  p->cb = *cb;
  p->user = user;
  p->early_candidates = g_ptr_array_new_with_free_func(g_free);
  memset(p->recv.rtx_apt, 0xff, sizeof p->recv.rtx_apt);
  if (cfg->nack || cfg->drop_recv > 0) {
    /* Each peer drops its own packets, reproducibly from the run's seed. */
    p->loss = g_new(sb_lg_loss, 1);
    p->sent = g_new0(sb_lg_sent, SB_LG_SEND_HISTORY);
    p->rtx_seq = (uint16_t)g_random_int();
    sb_lg_loss_init(p->loss, cfg->drop_recv,
                    cfg->seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(cfg->index + 1)));
  }
  sb_lg_thread_post(th, init_cb, p, NULL);
  return p;
}

/* ---- negotiation (on the media thread) ---- */

static void offer_now(sb_lg_peer *p) {
  if (p->failed || p->closing || !p->sdp || p->offers >= MAX_OFFERS) return;
  GString *out = g_string_new("");
  int rc = sb_lg_sdp_write_offer(p->sdp, out);
  if (rc == SB_OK) {
    p->offers++;
    post_sdp(p, "offer", out->str);
  } else if (rc != SB_ESTATE) {
    sb_lg_peer_fail(p, "could not write an offer");
  }
  g_string_free(out, TRUE);
}

static gboolean offer_cb(gpointer data) {
  offer_now(data);
  return G_SOURCE_REMOVE;
}

void sb_lg_peer_create_offer(sb_lg_peer *p) { sb_lg_thread_post(p->th, offer_cb, p, NULL); }

static void ensure_dtls(sb_lg_peer *p) {
  if (p->dtls || p->sdp->dtls_role == SB_LG_DTLS_UNKNOWN) return;
  static const sb_dtls_callbacks dcb = {.send = dtls_send,
                                        .on_connected = dtls_connected,
                                        .on_failed = dtls_failed,
                                        .on_closed = dtls_closed};
  sb_dtls_role role =
      p->sdp->dtls_role == SB_LG_DTLS_CLIENT ? SB_DTLS_ROLE_CLIENT : SB_DTLS_ROLE_SERVER;
  if (sb_dtls_new(p->env->dtls, role, &dcb, p, &p->dtls) < 0) {
    sb_lg_peer_fail(p, "DTLS endpoint could not be created");
    return;
  }
  if (sb_dtls_set_remote_fingerprint(p->dtls, p->sdp->remote_fp_hash, p->sdp->remote_fp) < 0) {
    sb_lg_peer_fail(p, "the remote DTLS fingerprint is unusable");
    return;
  }
  dtls_maybe_start(p);
}

/* ICE credentials and candidates of the remote description; the first
 * description's credentials stay (no ICE restarts here). */
static void apply_transport(sb_lg_peer *p) {
  sb_lg_sdp *s = p->sdp;
  if (!p->transport_set) {
    sb_lg_ice_set_remote_lite(p->ice, s->remote_ice_lite);
    if (sb_lg_ice_set_remote_credentials(p->ice, s->remote_ufrag, s->remote_pwd) < 0) {
      sb_lg_peer_fail(p, "the remote ICE credentials are unusable");
      return;
    }
    p->transport_set = true;
  }
  for (guint i = 0; i < s->remote_candidates->len; i++)
    sb_lg_ice_add_remote_candidate(p->ice, s->remote_candidates->pdata[i]);
  for (guint i = 0; i < p->early_candidates->len; i++)
    sb_lg_ice_add_remote_candidate(p->ice, p->early_candidates->pdata[i]);
  g_ptr_array_set_size(p->early_candidates, 0);
  if (!p->candidates_done && s->remote_candidates->len) {
    /* Full candidates in the SDP (no trickle from servers here). */
    p->candidates_done = true;
    sb_lg_ice_add_remote_candidate(p->ice, NULL);
  }
  ensure_dtls(p);
}

typedef struct {
  sb_lg_peer *p;
  char type[8];
  char *text;
} remote_msg;

static void remote_msg_free(gpointer data) {
  remote_msg *m = data;
  g_free(m->text);
  g_free(m);
}

static gboolean remote_cb(gpointer data) {
  remote_msg *m = data;
  sb_lg_peer *p = m->p;
  if (p->failed || p->closing || !p->sdp) return G_SOURCE_REMOVE;
  char why[160] = "";
  if (!strcmp(m->type, "answer")) {
    int rc = sb_lg_sdp_apply_answer(p->sdp, m->text, strlen(m->text), why, sizeof why);
    if (rc < 0) {
      char msg[200];
      g_snprintf(msg, sizeof msg, "bad answer: %s", why);
      sb_lg_peer_fail(p, msg);
      return G_SOURCE_REMOVE;
    }
  } else {
    GString *out = g_string_new("");
    int rc = sb_lg_sdp_answer_offer(p->sdp, m->text, strlen(m->text), out, why, sizeof why);
    if (rc < 0) {
      char msg[200];
      g_snprintf(msg, sizeof msg, "bad offer: %s", why);
      sb_lg_peer_fail(p, msg);
      g_string_free(out, TRUE);
      return G_SOURCE_REMOVE;
    }
    post_sdp(p, "answer", out->str);
    g_string_free(out, TRUE);
  }
  if (!p->remote_us) p->remote_us = sb_lg_now_ns() / 1000;
  apply_transport(p);
  sb_lg_peer_media_update(p);
  if (sb_lg_sdp_needs_offer(p->sdp)) offer_now(p);
  return G_SOURCE_REMOVE;
}

void sb_lg_peer_set_remote(sb_lg_peer *p, const char *type, const char *sdp) {
  remote_msg *m = g_new0(remote_msg, 1);
  m->p = p;
  g_strlcpy(m->type, !strcmp(type, "answer") ? "answer" : "offer", sizeof m->type);
  m->text = g_strdup(sdp);
  sb_lg_thread_post(p->th, remote_cb, m, remote_msg_free);
}

static gboolean candidate_cb(gpointer data) {
  remote_msg *m = data;
  sb_lg_peer *p = m->p;
  if (p->failed || p->closing || !p->ice) return G_SOURCE_REMOVE;
  if (!m->text || !*m->text) {
    if (p->transport_set && !p->candidates_done) {
      p->candidates_done = true;
      sb_lg_ice_add_remote_candidate(p->ice, NULL);
    }
  } else if (p->transport_set) {
    sb_lg_ice_add_remote_candidate(p->ice, m->text);
  } else if (p->early_candidates->len < 64) {
    g_ptr_array_add(p->early_candidates, g_strdup(m->text));
  }
  return G_SOURCE_REMOVE;
}

void sb_lg_peer_add_remote_candidate(sb_lg_peer *p, const char *candidate) {
  remote_msg *m = g_new0(remote_msg, 1);
  m->p = p;
  m->text = g_strdup(candidate);
  sb_lg_thread_post(p->th, candidate_cb, m, remote_msg_free);
}

/* ---- teardown ---- */

static gboolean close_cb(gpointer data) {
  sb_lg_peer *p = data;
  if (p->closing) return G_SOURCE_REMOVE;
  p->closing = true;
  sb_lg_thread_remove_peer(p->th, p);
  sb_timer_free(p->dtls_timer);
  p->dtls_timer = NULL;
  if (p->dtls && sb_dtls_state(p->dtls) == SB_DTLS_STATE_CONNECTED) sb_dtls_close(p->dtls);
  sb_dtls_free(p->dtls);
  p->dtls = NULL;
  sb_srtp_free(p->srtp);
  p->srtp = NULL;
  p->media_ready = false;
  sb_lg_ice_free(p->ice);
  p->ice = NULL;
  sb_lg_sdp_free(p->sdp);
  p->sdp = NULL;
  return G_SOURCE_REMOVE;
}

void sb_lg_peer_close(sb_lg_peer *p) {
  if (p->closed_main) return;
  p->closed_main = true;
  sb_lg_thread_post(p->th, close_cb, p, NULL);
}

void sb_lg_peer_free(sb_lg_peer *p) {
  if (!p) return;
  g_ptr_array_free(p->early_candidates, TRUE);
  g_free(p->pending_dtls);
  g_free(p->loss);
  g_free(p->sent);
  g_free(p);
}
