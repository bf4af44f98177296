/* ice_client.h - the generator's ICE agent for one peer connection: a full
 * ICE agent (RFC 8445) with one UDP host candidate, toward a lite server
 * (Switchboard) or a full one (Janus), built for thousands of connections
 * per process instead of libnice's thread-safe generality.
 *
 * What it does: binds its own UDP socket on the media address (ephemeral
 * port), read through the thread's poller (poller.h: one GSource for every
 * socket of the thread); offers that one host candidate; sends
 * connectivity checks to each remote UDP host candidate (IPv4/IPv6
 * literals of the socket's family; TCP, mDNS names and other types are
 * refused) with USERNAME "remote:local", PRIORITY, ICE-CONTROLLING or
 * ICE-CONTROLLED with a random tiebreaker, USE-CANDIDATE when controlling
 * (aggressive nomination), MESSAGE-INTEGRITY keyed with the remote password
 * and FINGERPRINT; retransmits them after 50 ms, then 100, 200... (at most
 * 1.6 s apart) until the set-up timeout; and selects the first remote
 * address whose success response validates (transaction id, source
 * address, MESSAGE-INTEGRITY). It answers the remote's checks (a full agent
 * such as Janus sends them) with core/ice_lite.c keyed with our password,
 * resolves role conflicts (487) as RFC 8445 7.3.1.1 says, and treats a
 * valid check from an unknown address as a peer-reflexive candidate.
 *
 * Toward a full remote agent (the default, until sb_lg_ice_set_remote_lite()
 * says otherwise) "connected" waits until the remote has checked us too
 * (when we are controlling) or nominated a pair (when we are controlled), or
 * for 500 ms after our check succeeded: by then the remote has selected a
 * pair of its own and takes our first DTLS flight, which Janus drops while
 * its own checks are still running.
 *
 * Once connected it sends a consent check every ~5 s (RFC 7675) and fails
 * the connection when no success response came for the consent timeout.
 *
 * Not here: STUN/TURN servers, more than one local candidate, ICE restarts,
 * trickle of our own candidates after gathering, components other than 1.
 *
 * Threading: everything runs on the GMainContext given to sb_lg_ice_new(),
 * which must be the poller's; callbacks fire there (sometimes from inside
 * an sb_lg_ice_* call: on_candidate during sb_lg_ice_gather()). No locks.
 * The timer is a server/timers.h timer on that context. */
#ifndef SB_LG_ICE_CLIENT_H
#define SB_LG_ICE_CLIENT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "poller.h"

typedef struct sb_lg_ice sb_lg_ice;

typedef enum {
  SB_LG_ICE_NEW,       /* gathering, or waiting for the remote description */
  SB_LG_ICE_CHECKING,  /* checks sent, none answered yet */
  SB_LG_ICE_CONNECTED, /* a pair is selected: data flows */
  SB_LG_ICE_FAILED,    /* set-up or consent timeout (final) */
} sb_lg_ice_state;

typedef struct {
  const char *address;          /* local IP literal to bind (copied) */
  bool controlling;             /* initial role; a role conflict may change it */
  unsigned setup_timeout_ms;    /* checks unanswered this long: failed (default 30000) */
  unsigned consent_interval_ms; /* between consent checks (default 5000, +-20% jitter) */
  unsigned consent_timeout_ms;  /* no success response this long: failed (default 30000) */
} sb_lg_ice_config;

/* Callbacks, copied at creation; any may be NULL; `user` is passed back. */
typedef struct {
  /* Our candidate "candidate:..." (no "a="), borrowed for the call; NULL
   * once gathering is done. */
  void (*on_candidate)(void *user, const char *candidate);
  void (*on_state)(void *user, sb_lg_ice_state state);
  /* One datagram that is not STUN, from a remote address we know (a
   * candidate or an address that sent a valid check); may be modified in
   * place. */
  void (*on_data)(void *user, uint8_t *data, size_t len);
  /* The connection is dead (reason borrowed for the call). Once, after
   * on_state(SB_LG_ICE_FAILED); nothing fires after it. */
  void (*on_failed)(void *user, const char *reason);
} sb_lg_ice_callbacks;

typedef struct {
  uint64_t checks_sent, consent_sent, responses, bad_responses, role_conflicts;
  uint64_t requests_answered, rx_unknown;
} sb_lg_ice_stats;

/* Defaults: controlling, the timeouts above, no address. */
void sb_lg_ice_config_init(sb_lg_ice_config *cfg);

/* A new agent whose socket will be read by `poller` (and whose timers run
 * on that poller's context, ctx). Random credentials and tiebreaker.
 * SB_EINVAL when the address is not an IP literal. Caller frees with
 * sb_lg_ice_free(). */
int sb_lg_ice_new(GMainContext *ctx, sb_lg_poller *poller, const sb_lg_ice_config *cfg,
                  const sb_lg_ice_callbacks *cb, void *user, sb_lg_ice **out);
/* Closes the socket and stops every callback; safe inside a callback.
 * NULL is a no-op. */
void sb_lg_ice_free(sb_lg_ice *ice);

/* Our ufrag and password, borrowed until sb_lg_ice_free(). */
void sb_lg_ice_local_credentials(const sb_lg_ice *ice, const char **ufrag, const char **pwd);

/* Binds the socket and reports our candidate, then NULL, through
 * on_candidate before returning. SB_ESTATE when called twice, SB_EIO when
 * the address cannot be bound. */
int sb_lg_ice_gather(sb_lg_ice *ice);

/* The remote ufrag (4..256 ice-chars) and password (22..256). SB_EINVAL
 * when malformed; SB_ESTATE when others were set before (no restarts).
 * Checks start once credentials and a candidate are known. */
int sb_lg_ice_set_remote_credentials(sb_lg_ice *ice, const char *ufrag, const char *pwd);

/* One remote candidate "candidate:..." (an "a=" prefix is accepted); NULL
 * or "" ends them. SB_EINVAL when unparseable or a name (mDNS);
 * SB_EUNSUPPORTED for TCP, another component, a type other than host or an
 * address of the other family; SB_ESTATE before sb_lg_ice_gather(); SB_EFULL
 * past the table's size. A refused candidate changes nothing. */
int sb_lg_ice_add_remote_candidate(sb_lg_ice *ice, const char *candidate);

/* Whether the remote is ICE-lite (a=ice-lite in its description). */
void sb_lg_ice_set_remote_lite(sb_lg_ice *ice, bool lite);

/* Sends one datagram to the selected address (or, before connected, to an
 * address that answered our check or sent us a valid one). SB_ESTATE when
 * there is none or after on_failed, SB_EINVAL for an empty datagram, SB_EIO
 * when the socket refuses it. */
int sb_lg_ice_send(sb_lg_ice *ice, const uint8_t *data, size_t len);

sb_lg_ice_state sb_lg_ice_get_state(const sb_lg_ice *ice);
bool sb_lg_ice_controlling(const sb_lg_ice *ice);
/* The bound port (0 before sb_lg_ice_gather()). */
uint16_t sb_lg_ice_local_port(const sb_lg_ice *ice);
void sb_lg_ice_get_stats(const sb_lg_ice *ice, sb_lg_ice_stats *out);

#endif
