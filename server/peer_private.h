/* peer_private.h - private: the structures shared by peer.c (connection and
 * negotiation) and peer_media.c (RTP/RTCP in and out, forwarding). Nothing
 * outside those files includes this. */
#ifndef SB_PEER_PRIVATE_H
#define SB_PEER_PRIVATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "cert.h"
#include "core/rewrite.h"
#include "core/rx_stats.h"
#include "core/session.h"
#include "dtls.h"
#include "ice.h"
#include "peer.h"
#include "srtp.h"
#include "timers.h"

struct sb_media_env {
  sb_cert *cert;
  sb_dtls_ctx *dtls;
  char *address;
  char *public_address;
  uint16_t port_min, port_max;
  gboolean ice_lite;
  unsigned disconnect_timeout_ms;
  sb_udp_mux **muxes; /* ICE-lite: one per worker, by worker index */
  int n_muxes;
};

/* The ICE settings for a peer on worker `worker` (its index). */
void sb_media_env_ice_config(const sb_media_env *env, int worker, sb_ice_config *cfg);

/* A track this peer publishes (one of the browser's sections). */
typedef struct {
  sb_msection *sec;
  sb_track *track;
  uint32_t ssrc; /* learned from SDP or the first packet */
  /* The payload type last found negotiated in sec (-1: none), so the
   * packet path looks into sec only when it changes; reset whenever the
   * sections are renegotiated (sync_tracks). */
  int16_t ok_pt;
  sb_rx_stats stats;
  bool stats_started;
  /* Last sender report from the browser, for lip-sync mapping. */
  bool have_sr;
  uint64_t sr_ntp;
  uint32_t sr_rtp;
  int64_t sr_arrival_us;
  int64_t last_keyframe_req_us;
  uint8_t fir_seq;
} sb_pub;

/* A track this peer receives (forwarded from a publisher). */
struct sb_sink {
  sb_peer *peer;   /* the receiver */
  sb_track *track; /* the source */
  sb_msection *sec;
  sb_rewrite rw;
  bool maps_ready;
  bool active; /* the browser accepted the section: packets may flow */
};

struct sb_peer {
  sb_participant *p;
  sb_media_env *env;
  sb_ice *ice;
  sb_dtls *dtls;
  sb_srtp *srtp;
  sb_session *session;
  GPtrArray *pubs;             /* sb_pub* */
  GPtrArray *sinks;            /* sb_sink* */
  GPtrArray *early_candidates; /* remote candidates before the first offer */
  sb_timer *dtls_timer;        /* DTLS retransmissions */
  sb_timer *rtcp_timer;        /* our reports, every second once media flows */
  GSource *offer_idle;         /* a renegotiation scheduled for this loop iteration */
  sb_timer *setup_timer;       /* ends a connection that never reaches media */
  GPtrArray *dtls_backlog;     /* GBytes*: DTLS datagrams written before ICE was up */
  uint32_t rtcp_ssrc;          /* our SSRC for receiver reports and feedback */
  bool ice_connected;
  bool media_ready;   /* SRTP keys in place */
  bool dtls_released; /* OpenSSL's DTLS state freed (sb_dtls_release) */
  bool failed;
  /* Counters for stats. */
  uint64_t rtp_in, rtp_out, rtcp_in, rtcp_out, dropped;
};

/* peer_media.c */
void sb_peer_media_on_packet(sb_peer *peer, uint8_t *data, size_t len, size_t cap);
void sb_peer_media_start(sb_peer *peer);
/* Frees the report timer: only when the peer goes. */
void sb_peer_media_stop(sb_peer *peer);
/* The report timer's callback (made by peer.c, run by peer_media.c). */
void sb_peer_media_rtcp_timer_cb(void *data);
/* Recomputes a sink's payload-type and extension maps. */
void sb_peer_sink_update_maps(sb_sink *sink);
int sb_peer_send_rtcp(sb_peer *peer, uint8_t *buf, size_t len, size_t cap);
int64_t sb_peer_now_us(void);

#endif
