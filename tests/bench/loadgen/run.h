/* run.h - one load run, on the main thread: calls ramped up at the set-up
 * rate, each a pair of generator peers joined through a signaling adapter
 * (sig.h); progress on stderr; once every call is up (or has failed) a
 * measured window of the configured duration ("WINDOW START" / "WINDOW
 * END" on stderr at its edges); then the figures of the window and a polite
 * teardown. */
#ifndef SB_LG_RUN_H
#define SB_LG_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "loadgen.h"
#include "peer.h"
#include "ws_client.h"

typedef struct sb_lg_run sb_lg_run;

typedef struct sb_lg_call sb_lg_call;

/* Who a peer's callbacks belong to. */
typedef struct {
  sb_lg_call *call;
  int side;
} sb_lg_side_ref;

/* One 1:1 call: side 0 calls (offers first), side 1 is called. */
struct sb_lg_call {
  int index;
  sb_lg_run *run;
  sb_lg_peer *peer[2];
  void *sig[2]; /* the signaling adapter's per-side state */
  int64_t start_us;
  int64_t ws_open_us[2];
  int64_t media_us[2]; /* first forwarded packet */
  bool up[2];
  bool is_up, failed;
  char why[200];
  sb_lg_side_ref ref[2];
};

/* What a run measured (main.c writes it as JSON). */
typedef struct {
  const char *target;
  int calls, calls_up, calls_failed;
  double duration_s;
  double setup_median_ms, setup_p99_ms;
  uint64_t sent_packets, received_packets, lost, duplicates, corrupt, send_errors;
  uint64_t skipped; /* the generator fell behind its schedule (see thread.h) */
  double loss_pct;
  double latency_p50_us, latency_p99_us;
  double forwarded_pps, forwarded_mbps;
  double window_start_unix, window_end_unix;
  /* Loss and recovery in the window (thread.h's counters of the same names). */
  double drop_recv;
  bool nack;
  uint64_t dropped, recovered, nack_packets, nacked_seqs, given_up, plis_sent;
  uint64_t retransmissions, rtx_packets, rtx_unneeded, nack_in_seqs, resent, twcc_in;
  char first_failure[200];
} sb_lg_result;

/* Runs the whole load (blocks in the main loop until done). SB_OK when it
 * ran (whatever the figures), a negative code when it could not start
 * (error set). */
int sb_lg_run_exec(const sb_lg_config *cfg, sb_lg_result *out, GError **error);

/* ---- for the signaling adapters (main thread) ---- */

const sb_lg_config *sb_lg_run_config(const sb_lg_run *run);
sb_lg_ws *sb_lg_run_ws(const sb_lg_run *run);
/* The signaling connection of one side is open (set-up time starts). */
void sb_lg_run_ws_open(sb_lg_call *call, int side);
/* The call cannot come up (why is copied); its peers are closed. */
void sb_lg_run_call_failed(sb_lg_call *call, int side, const char *why);
bool sb_lg_run_stopping(const sb_lg_run *run);

#endif
