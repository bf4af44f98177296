/* sig.h - the signaling adapters: how the two peers of a call meet through
 * a server. Each adapter opens one WebSocket per peer (ws_client.h), runs
 * the server's protocol, hands remote descriptions and candidates to the
 * peers (peer.h) and sends the peers' descriptions. Main thread only.
 *   sig_switchboard.c  Switchboard's v1 protocol (docs/protocol.md), duo rooms
 *   sig_janus.c        Janus's VideoCall plugin over its WebSocket transport */
#ifndef SB_LG_SIG_H
#define SB_LG_SIG_H

#include "run.h"

typedef struct sb_lg_sig sb_lg_sig;

typedef struct {
  /* Opens both sides' signaling for a call whose peers exist. */
  void (*start_call)(sb_lg_sig *sig, sb_lg_call *call);
  /* A peer's description to send (type "offer" or "answer"). */
  void (*local_sdp)(sb_lg_sig *sig, sb_lg_call *call, int side, const char *type, const char *sdp);
  /* Ends a call politely (leave / hangup) and closes its sockets. */
  void (*end_call)(sb_lg_sig *sig, sb_lg_call *call);
  /* Frees the adapter (after the WebSocket context is gone). */
  void (*free)(sb_lg_sig *sig);
} sb_lg_sig_ops;

struct sb_lg_sig {
  const sb_lg_sig_ops *ops;
  sb_lg_run *run;
};

/* Peers of a call: side 0 ICE-controlling, and the offer shape. */
typedef struct {
  bool controlling[2];
  bool sendrecv_shape;
} sb_lg_sig_roles;

sb_lg_sig *sb_lg_sig_switchboard_new(sb_lg_run *run, sb_lg_sig_roles *roles);
sb_lg_sig *sb_lg_sig_janus_new(sb_lg_run *run, sb_lg_sig_roles *roles);

#endif
