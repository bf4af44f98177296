/* peer.h - one generator peer connection: a full ICE agent of its own
 * (ice_client.c), a DTLS-SRTP endpoint in whichever role the negotiation
 * gives it (server/dtls.c), SRTP (server/srtp.c), the offer/answer state
 * (sdp_offer.c), and the media it sends and checks (peer_rtp.c).
 *
 * Threading: a peer lives on one media thread (thread.h). The sb_lg_peer_*
 * calls below are made on the main thread and only post work to that
 * thread; the callbacks come back on the main thread. sb_lg_peer_tick() is
 * the media thread's own call. */
#ifndef SB_LG_PEER_H
#define SB_LG_PEER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "thread.h"

/* What every peer shares: the DTLS certificate and context. */
typedef struct sb_lg_env sb_lg_env;
int sb_lg_env_new(sb_lg_env **out, GError **error);
void sb_lg_env_free(sb_lg_env *env);

typedef enum {
  SB_LG_PEER_CONNECTED, /* ICE and DTLS are up, SRTP keys in place */
  SB_LG_PEER_MEDIA_UP,  /* audio and video from the partner arrived and checked */
  SB_LG_PEER_FAILED,    /* ICE, DTLS or negotiation failed (detail says why) */
} sb_lg_peer_event;

/* Called on the main thread; strings borrowed for the call. Not called
 * after sb_lg_peer_close(). */
typedef struct {
  /* A description to send: type "offer" or "answer". */
  void (*on_local_sdp)(void *user, const char *type, const char *sdp);
  /* t_us: CLOCK_MONOTONIC microseconds of the event (for MEDIA_UP, when the
   * first forwarded packet arrived). */
  void (*on_event)(void *user, sb_lg_peer_event ev, int64_t t_us, const char *detail);
} sb_lg_peer_callbacks;

typedef struct {
  int index;           /* this peer: stream ids are index << 1 | is_video */
  int partner;         /* the peer whose media we expect */
  bool controlling;    /* initial ICE role (a role conflict may swap it) */
  bool sendrecv_shape; /* offer audio+video sendrecv, else sendonly + recvonly pairs */
  const char *address; /* local media address (copied) */
  int video_kbps, audio_pps;
  /* Loss on the video we receive (loss.h): drop this share and NACK it, or
   * (nack) only NACK what the network lost. */
  double drop_recv;
  bool nack;
  uint64_t seed;
} sb_lg_peer_config;

/* A new peer on thread th (its agent is made there). cb is copied, user
 * passed back. Free with sb_lg_peer_free() after sb_lg_peer_close() and
 * after the threads stopped. */
sb_lg_peer *sb_lg_peer_new(sb_lg_thread *th, sb_lg_env *env, const sb_lg_peer_config *cfg,
                           const sb_lg_peer_callbacks *cb, void *user);
/* Makes an offer (delivered through on_local_sdp). */
void sb_lg_peer_create_offer(sb_lg_peer *p);
/* A remote "offer" (answered through on_local_sdp) or "answer". */
void sb_lg_peer_set_remote(sb_lg_peer *p, const char *type, const char *sdp);
/* A trickled remote candidate ("candidate:..."; NULL or "" ends them). */
void sb_lg_peer_add_remote_candidate(sb_lg_peer *p, const char *candidate);
/* Ends the connection (DTLS close_notify, agent released); no callbacks
 * after this. */
void sb_lg_peer_close(sb_lg_peer *p);
void sb_lg_peer_free(sb_lg_peer *p);

/* On the peer's media thread: sends whatever packets are due by now_ns. */
void sb_lg_peer_tick(sb_lg_peer *p, int64_t now_ns);

#endif
