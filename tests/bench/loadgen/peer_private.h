/* peer_private.h - private: the peer structure shared by peer.c
 * (connection, negotiation) and peer_rtp.c (packets). */
#ifndef SB_LG_PEER_PRIVATE_H
#define SB_LG_PEER_PRIVATE_H

#include "core/rx_stats.h"
#include "dtls.h"
#include "ice_client.h"
#include "loss.h"
#include "media.h"
#include "peer.h"
#include "sdp_offer.h"
#include "srtp.h"
#include "timers.h"

struct sb_lg_env {
  sb_cert *cert;
  sb_dtls_ctx *dtls;
};

/* One video packet we sent, enough to build it again byte for byte (the
 * payload depends on the counter and the send time only). */
typedef struct {
  bool used;
  bool marker;
  uint16_t seq;
  uint16_t payload_len;
  uint32_t ts;
  uint64_t counter;
  int64_t sent_ns;
  int64_t resent_ns; /* last retransmission, 0: none */
} sb_lg_sent;

#define SB_LG_SEND_HISTORY 512 /* video packets kept for the server's NACKs (~4 s) */

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
  sb_lg_recv_params recv; /* RTX and NACK payload types of what we receive */
  /* Loss and recovery on the video we receive: NULL unless cfg.nack or
   * cfg.drop_recv; allocated with the peer. */
  sb_lg_loss *loss;
  uint32_t loss_ssrc; /* the stream it tracks (a new SSRC restarts it) */
  bool loss_have_ssrc;
  uint64_t loss_given_up; /* loss->nack.given_up already counted */
  int64_t rtt_us;         /* from the server's report blocks on what we send; 0: unknown */
  /* What we sent on video, for the server's NACKs (with loss: like a
   * browser, we answer them, in RTX form when negotiated). */
  sb_lg_sent *sent; /* SB_LG_SEND_HISTORY, by seq; NULL unless loss is */
  uint16_t rtx_seq;
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
