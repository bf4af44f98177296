/* ice.h - the ICE adapter: the ICE side of one peer connection.
 *
 * With BUNDLE and rtcp-mux a peer connection needs one ICE stream with one
 * component, so sb_ice hides stream and component ids entirely. It gathers
 * UDP host candidates on the configured media addresses only (no STUN/TURN
 * servers, no ICE-TCP, no UPnP), hands them out as SDP attribute strings,
 * takes the remote credentials and candidates, moves datagrams both ways,
 * reports state, and decides when a connection is dead (on_failed).
 *
 * ICE-lite (the default) fits a server with a public address: the browser is
 * controlling and nominates. Lite peers share their worker's UDP socket
 * (udp_mux.h): the server answers their checks itself (core/ice_lite.h)
 * and one socket carries every peer of the worker. Full ICE (with trickle)
 * is an option; it runs one libnice agent, with its own sockets, per peer.
 *
 * NAT 1:1: when public_ip is set, the candidate strings handed out carry that
 * address instead of the local one (for host candidates of the same address
 * family) while the sockets stay bound to the local address. The NAT maps
 * the public address back, and checks are answered on the local socket.
 *
 * Threading: everything runs on the GMainContext given to sb_ice_new(); the
 * callbacks fire there, sometimes from inside an sb_ice_* call (on_candidate
 * during sb_ice_gather(), on_state during sb_ice_add_remote_candidate()).
 * An sb_ice is used from that context's thread only. No locks. */
#ifndef SB_ICE_H
#define SB_ICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "udp_mux.h"

typedef struct sb_ice sb_ice;

typedef enum {
  SB_ICE_NEW,       /* created, gathering, or waiting for the peer */
  SB_ICE_CHECKING,  /* connectivity checks running (or lost a connection) */
  SB_ICE_CONNECTED, /* a pair works (lite: a valid check arrived) */
  SB_ICE_FAILED,    /* libnice FAILED, or declared dead by the disconnect timeout */
  SB_ICE_CLOSED,    /* never reported by sb_ice: for callers to mark a freed one */
} sb_ice_state;

typedef struct {
  bool lite; /* ICE-lite (always controlled); false: full ICE with trickle */
  /* ICE-lite: the worker's UDP mux, which must run on the same context;
   * required (sb_ice_new fails without it). Its address and port are the
   * candidate's; local_addrs and the port range are full ICE's. */
  sb_udp_mux *mux;
  bool controlling; /* full ICE only */
  /* Media addresses (IP literals) to gather on, borrowed for sb_ice_new().
   * With none, libnice enumerates the interfaces and leaves loopback out. */
  const char *const *local_addrs;
  size_t n_local_addrs;
  const char *public_ip; /* NAT 1:1 address for candidate strings, or NULL */
  uint16_t port_min;     /* UDP port range, both or neither; 0/0: any port */
  uint16_t port_max;
  /* Full ICE: keepalive connectivity checks (libnice "keepalive-conncheck")
   * and RFC 7675 consent freshness, so libnice itself fails a dead peer. */
  bool keepalive;
  /* on_failed after the component stays FAILED (or DISCONNECTED after a
   * connection) this long, or when no packet arrives this long while
   * connected. Full ICE counts data packets only (STUN is consumed by
   * libnice), lite counts checks too; either way this must exceed the
   * peer's longest silence (WebRTC peers send RTCP every few seconds and
   * consent checks every 5 s). A connection that never starts is the
   * caller's timeout. */
  unsigned disconnect_timeout_ms;
} sb_ice_config;

/* Callbacks, copied at creation; any may be NULL. `user` is passed back. */
typedef struct {
  /* A local candidate "candidate:..." (no "a="), borrowed for the call;
   * NULL once gathering is done. */
  void (*on_candidate)(void *user, const char *candidate);
  /* The mapped state changed. SB_ICE_FAILED here may be transient (libnice
   * can recover when more candidates or checks arrive); on_failed is final. */
  void (*on_state)(void *user, sb_ice_state state);
  /* One received datagram (not STUN), borrowed for the call; the callee may
   * modify it in place (e.g. SRTP unprotect) and grow it up to `cap` bytes
   * (at least len). On ICE-lite it may also pass it, changed in place, to
   * sb_ice_send of an agent on the same worker during the call: it then goes
   * out without a copy. */
  void (*on_data)(void *user, uint8_t *data, size_t len, size_t cap);
  /* The connection is dead; reason is borrowed for the call. Fired once,
   * after on_state(SB_ICE_FAILED); no callback fires after it. */
  void (*on_failed)(void *user, const char *reason);
} sb_ice_callbacks;

/* Defaults: lite, keepalive on, 10000 ms disconnect timeout, no addresses. */
void sb_ice_config_init(sb_ice_config *cfg);

/* A new agent on ctx (NULL: the global default context) with its one stream.
 * cfg NULL means the defaults. Returns NULL when the config is invalid (an
 * address that is not an IP literal, a bad port range, lite without a
 * mux) or libnice fails.
 * Caller frees with sb_ice_free(). */
sb_ice *sb_ice_new(GMainContext *ctx, const sb_ice_config *cfg, const sb_ice_callbacks *cb,
                   void *user);

/* Stops all callbacks and releases the agent. Safe from inside a callback:
 * then the agent's release waits for an idle on the context (which must
 * iterate once more). NULL is a no-op. */
void sb_ice_free(sb_ice *ice);

/* The local ufrag and password (random), borrowed: valid until
 * sb_ice_free() or the next sb_ice_restart(). */
void sb_ice_local_credentials(const sb_ice *ice, const char **ufrag, const char **pwd);

/* Gathers the local candidates: on_candidate for each, then NULL. With host
 * candidates only (always, here) that happens before this returns. Lite:
 * the one candidate is the mux's address and port.
 * SB_ESTATE when called twice, SB_EIO when full ICE cannot bind (no usable
 * address, port range exhausted). */
int sb_ice_gather(sb_ice *ice);

/* The peer's ufrag (4..256) and password (22..256) of ice-chars
 * (RFC 8839). SB_EINVAL when malformed. */
int sb_ice_set_remote_credentials(sb_ice *ice, const char *ufrag, const char *pwd);

/* ICE restart (RFC 8445 section 9): the peer's new ufrag and password
 * (4..256 and 22..256 ice-chars). With new_local the agent takes new local
 * credentials too (sb_ice_local_credentials() gives them, for the answer to
 * the peer's restarting offer); without, it keeps its own (the peer
 * restarted in its answer to an offer of ours, which carried them).
 * Make before break: the state stays as it is (connected) and data keeps
 * going over the pair in use until the new generation's checks succeed,
 * then over the pair they selected. Remote candidates given before belong
 * to the old generation: give the new ones with sb_ice_add_remote_candidate()
 * afterwards. Lite: checks with the old credentials are answered until the
 * first valid one with the new, and refused after it. Credentials equal to
 * the current ones (and new_local false) change nothing. SB_EINVAL for
 * malformed credentials (nothing changes), SB_ESTATE before sb_ice_gather()
 * or after on_failed, SB_EIO when libnice refuses. */
int sb_ice_restart(sb_ice *ice, const char *ufrag, const char *pwd, bool new_local);

/* One remote candidate, "candidate:..." (an "a=" prefix is accepted).
 * NULL or "" ends the remote candidates. SB_EINVAL for an unparseable string
 * or a hostname (mDNS ".local" included); SB_EUNSUPPORTED for TCP or a
 * component other than 1 (rtcp-mux); SB_ESTATE before sb_ice_gather().
 * A rejected candidate changes nothing. Lite checks and drops them: the
 * browser's checks tell its addresses. */
int sb_ice_add_remote_candidate(sb_ice *ice, const char *candidate);

/* Sends one datagram on the selected pair. SB_ESTATE unless connected (or
 * after on_failed), SB_EINVAL for an empty one, SB_ETOOBIG above 65507
 * bytes, SB_EIO when the socket refuses it. */
int sb_ice_send(sb_ice *ice, const uint8_t *data, size_t len);

/* Where to build a datagram that the next sb_ice_send (before any other
 * send on the worker) takes without copying it, and its size in *cap; NULL
 * when there is no such place (full ICE, or outside a received batch):
 * build it anywhere then. */
uint8_t *sb_ice_tx_buffer(sb_ice *ice, size_t *cap);

sb_ice_state sb_ice_get_state(const sb_ice *ice);
const char *sb_ice_state_name(sb_ice_state state);

/* The selected pair as "ip:port" ("[ip]:port" for IPv6), local address as
 * bound (not the public one). SB_ENOTFOUND when none is selected yet,
 * SB_ENOSPC when a buffer is too small (then nothing is written). */
int sb_ice_selected_pair(sb_ice *ice, char *local, size_t local_len, char *remote,
                         size_t remote_len);

#endif
