/* peer_private.h - private: the peer structure shared by peer.c
 * (connection, negotiation) and peer_rtp.c (packets). */
#ifndef SB_LG_PEER_PRIVATE_H
#define SB_LG_PEER_PRIVATE_H

#include "core/rx_stats.h"
#include "dtls.h"
#include "ice_client.h"
#include "media.h"
#include "peer.h"
#include "sdp_offer.h"
#include "srtp.h"
#include "timers.h"

struct sb_lg_env {
  sb_cert *cert;
  sb_dtls_ctx *dtls;
};

/* One stream we receive from the partner (audio or video). */
typedef struct {
  sb_lg_seq seq;
  bool have_ssrc;
  uint32_t ssrc;
  sb_rx_stats stats;
  bool have_sr;
  uint32_t sr_mid32;
  int64_t sr_arrival_us;
  uint64_t packets;
} sb_lg_rx;

struct sb_lg_peer {
  /* Set at creation, read-only afterwards. */
  sb_lg_thread *th;
  sb_lg_env *env;
  sb_lg_peer_config cfg;
  char address[64];
  sb_lg_peer_callbacks cb;
  void *user;
  /* Main thread only. */
  bool closed_main;
  /* Media thread only. */
  sb_lg_ice *ice;
  sb_dtls *dtls;
  sb_srtp *srtp;
  sb_lg_sdp *sdp;
  sb_timer *dtls_timer;
  GPtrArray *early_candidates; /* trickled before the remote description */
  uint8_t *pending_dtls;       /* a DTLS datagram that came before our role was known */
  size_t pending_dtls_len;
  bool ice_connected, transport_set, candidates_done, dtls_started, media_ready, failed, closing;
  bool up_posted;
  int offers;
  /* Set-up milestones (CLOCK_MONOTONIC us), for the verbose log. */
  int64_t created_us, remote_us, ice_us;
  /* Sending. */
  sb_lg_tx tx[SB_LG_TRACKS];
  uint16_t twcc_seq;
  int64_t t0_ns;
  uint32_t audio_ts0, video_ts0;
  int64_t audio_interval_ns, frame_interval_ns;
  int64_t next_audio_ns, next_frame_ns, next_keyframe_ns, next_rtcp_ns, last_keyframe_ns;
  double frame_budget, frame_bytes;
  bool keyframe_wanted;
  /* Receiving. */
  sb_lg_rx rx[SB_LG_TRACKS];
  int64_t first_rx_us;
};

/* peer.c */
void sb_lg_peer_fail(sb_lg_peer *p, const char *why);
void sb_lg_peer_post_event(sb_lg_peer *p, sb_lg_peer_event ev, int64_t t_us, const char *detail);

/* peer_rtp.c */
/* SRTP keys are in place: start sending. */
void sb_lg_peer_media_start(sb_lg_peer *p);
/* The negotiated send parameters changed. */
void sb_lg_peer_media_update(sb_lg_peer *p);
/* One SRTP or SRTCP datagram (modified in place). */
void sb_lg_peer_media_packet(sb_lg_peer *p, uint8_t *data, size_t len);

#endif
