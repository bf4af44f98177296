/* peer_private.h - private: the structures shared by peer.c (connection and
 * negotiation) and peer_media.c (RTP/RTCP in and out, forwarding). Nothing
 * outside those files includes this. */
#ifndef SB_PEER_PRIVATE_H
#define SB_PEER_PRIVATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "cert.h"
#include "core/media_session.h"
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
  gboolean estimate_cap; /* receivers' REMB caps publishers */
  unsigned disconnect_timeout_ms;
  sb_udp_mux **muxes; /* ICE-lite: one per worker, by worker index */
  int n_muxes;
};

/* The ICE settings for a peer on worker `worker` (its index). */
void sb_media_env_ice_config(const sb_media_env *env, int worker, sb_ice_config *cfg);

/* A track this peer publishes (one of the browser's sections). The core's
 * receive stream comes first: the media session hands it back per packet. */
typedef struct {
  sb_rx_stream rx; /* rx.sec: the section; rx.ssrc: learned from SDP or packets */
  sb_track *track;
} sb_pub;

/* A track this peer receives (forwarded from a publisher). The core's send
 * stream comes first, for the same reason. */
struct sb_sink {
  sb_tx_stream tx;
  sb_peer *peer;   /* the receiver */
  sb_track *track; /* the source */
  sb_msection *sec;
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
  sb_msess *ms;                /* RTP/RTCP: streams, feedback, reports (core) */
  sb_timer *media_timer;       /* at the media session's next deadline */
  int64_t media_due_us;        /* what media_timer is armed for (INT64_MAX: not) */
  GSource *offer_idle;         /* a renegotiation scheduled for this loop iteration */
  sb_timer *setup_timer;       /* ends a connection that never reaches media */
  GPtrArray *dtls_backlog;     /* GBytes*: DTLS datagrams written before ICE was up */
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
/* Frees the media session and its timer: only when the peer goes. */
void sb_peer_media_stop(sb_peer *peer);
/* Makes the media session and its timer (sb_peer_new). */
void sb_peer_media_init(sb_peer *peer);
/* Arms the media timer for the session's next deadline if that is sooner. */
void sb_peer_media_schedule(sb_peer *peer);
/* Publishes / withdraws a receive stream (sync_tracks). */
sb_pub *sb_peer_pub_new(sb_peer *peer, sb_msection *sec);
void sb_peer_pub_free(sb_peer *peer, sb_pub *pub);
/* The transport-wide-cc id negotiated on the browser's sections, to the session. */
void sb_peer_media_update_twcc(sb_peer *peer);
/* Recomputes a sink's payload-type and extension maps. */
void sb_peer_sink_update_maps(sb_sink *sink);
int sb_peer_send_rtcp(sb_peer *peer, uint8_t *buf, size_t len, size_t cap);
int64_t sb_peer_now_us(void);

#endif
