/* peer.h - one browser's peer connection as the server terminates it: ICE
 * (ice.c), DTLS (dtls.c), SRTP (srtp.c) and the SDP offer/answer state, on
 * the room's worker thread. It learns the tracks the browser publishes
 * (announcing them to the room), receives their RTP/RTCP, and sends the
 * tracks it is subscribed to ("sinks"), rewriting each packet for this leg.
 *
 * Perfect negotiation: the server is the impolite peer. */
#ifndef SB_PEER_H
#define SB_PEER_H

#include <glib.h>
#include <stdint.h>

#include "room.h"

typedef struct sb_sink sb_sink;

/* Shared media settings for every peer (read-only after start). */
sb_media_env *sb_media_env_new(const char *media_address, const char *public_address, int port_min,
                               int port_max, gboolean ice_lite, int disconnect_timeout_ms,
                               const char *cert_path, const char *key_path, GError **error);
/* With ICE-lite, binds one UDP socket per worker (ports from the range, in
 * worker order) and starts receiving on each worker's context, coalescing
 * wake-ups under load by up to batch_wait_us (udp_mux.h). */
int sb_media_env_start_workers(sb_media_env *env, sb_workers *ws, int batch_wait_us,
                               GError **error);
/* Whether a receiver's bandwidth estimate (REMB) caps what the publisher of
 * what it receives is asked to send (media.receiver_estimate_cap). */
void sb_media_env_set_estimate_cap(sb_media_env *env, gboolean on);
/* Closes the workers' sockets; after the workers stopped. */
void sb_media_env_stop_workers(sb_media_env *env);
/* "ADDRESS UDP PORTS (mode)" for the start-up log; caller frees. */
char *sb_media_env_describe(const sb_media_env *env);
void sb_media_env_free(sb_media_env *env);
/* "sha-256 AB:CD:..." of the server's DTLS certificate. */
const char *sb_media_env_fingerprint(const sb_media_env *env);

sb_peer *sb_peer_new(sb_participant *p, sb_media_env *env);
void sb_peer_free(sb_peer *peer);
/* offer / answer / candidate from the browser (whole JSON text). Errors are
 * sent back to the browser as `error` messages. */
void sb_peer_signal(sb_peer *peer, const char *type, const char *json);

/* Start / stop sending `track` (another participant's, or our own for echo)
 * on this peer connection; renegotiates. */
int sb_peer_add_sink(sb_peer *peer, sb_track *track);
int sb_peer_remove_sink(sb_peer *peer, sb_track *track);
/* Ask this peer (the publisher of `track`) for a keyframe. */
int sb_peer_request_keyframe(sb_peer *peer, sb_track *track);

#endif
