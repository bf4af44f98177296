/* thread.h - the generator's media threads. Each is a GMainContext running
 * the ICE agents, DTLS timers and packet callbacks of the peers placed on
 * it: one poller (poller.h) reads every peer's UDP socket, one timer heap
 * (server/timers.h) holds every peer's ICE and DTLS timers, and one media
 * tick timer (every SB_LG_TICK_MS) lets each peer send whatever packets are
 * due: a handful of sources however many peers the thread carries. It
 * also keeps the counters of what its peers sent and received. Other
 * threads talk to a media thread only by posting closures to it
 * (sb_lg_thread_post); media threads answer on the main thread the same
 * way (sb_lg_post_main). */
#ifndef SB_LG_THREAD_H
#define SB_LG_THREAD_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "poller.h"
#include "stats.h"

#define SB_LG_TICK_MS     2
#define SB_LG_SCRATCH_LEN 2048 /* one packet plus the SRTP trailer */

typedef struct sb_lg_thread sb_lg_thread;
typedef struct sb_lg_threads sb_lg_threads;
typedef struct sb_lg_peer sb_lg_peer;

/* What the peers of one thread did, summed. Received counts are of
 * forwarded media packets that passed the payload check, once each. */
typedef struct {
  uint64_t sent_packets, sent_bytes, send_errors;
  uint64_t skipped; /* audio packets and video frames not sent: the thread fell behind */
  uint64_t received_packets, received_bytes;
  uint64_t expected;   /* per stream: highest counter - first counter + 1, summed */
  uint64_t duplicates; /* a counter seen again */
  uint64_t corrupt;    /* wrong magic, checksum, or a stream not from the partner */
  uint64_t too_old;    /* older than the duplicate window: not judged */
  uint64_t rtcp_in, rtcp_out, keyframes;
  /* Loss and recovery on what we receive (--drop-recv, --nack; loss.h). */
  uint64_t dropped;         /* packets dropped on purpose */
  uint64_t recovered;       /* of them, recovered by a retransmission */
  uint64_t nack_packets;    /* RTCP NACK messages sent */
  uint64_t nacked_seqs;     /* sequence numbers NACKed, retries included */
  uint64_t given_up;        /* missing packets given up after the NACK retries */
  uint64_t plis_sent;       /* keyframe requests after giving up */
  uint64_t retransmissions; /* retransmitted packets received (RTX or the plain packet again) */
  uint64_t rtx_packets;     /* of them, in RTX form (RFC 4588), unwrapped */
  uint64_t rtx_unneeded;    /* retransmissions of packets already received */
  /* What the server tells us as a sender. */
  uint64_t nack_in_seqs; /* sequence numbers the server NACKed */
  uint64_t resent;       /* of them, sent again (RTX when negotiated) */
  uint64_t twcc_in;      /* transport-cc feedback messages */
  sb_lg_hist latency_us; /* one-way latency, only while a window is open */
} sb_lg_counters;

/* Starts n threads. */
sb_lg_threads *sb_lg_threads_start(int n);
/* Runs what was already posted, then stops and joins every thread. */
void sb_lg_threads_stop(sb_lg_threads *ts);
sb_lg_thread *sb_lg_threads_get(sb_lg_threads *ts, int i);
int sb_lg_threads_count(const sb_lg_threads *ts);

GMainContext *sb_lg_thread_context(sb_lg_thread *th);
/* The poller that reads the sockets of the thread's peers (on its context). */
sb_lg_poller *sb_lg_thread_poller(sb_lg_thread *th);
/* Runs fn(data) on the thread; destroy(data) afterwards if set. */
void sb_lg_thread_post(sb_lg_thread *th, GSourceFunc fn, gpointer data, GDestroyNotify destroy);
/* Runs fn(data) on the main thread (the default main context). */
void sb_lg_post_main(GSourceFunc fn, gpointer data, GDestroyNotify destroy);

/* On the thread only: */
/* Adds / removes a peer from the media tick (sb_lg_peer_tick). */
void sb_lg_thread_add_peer(sb_lg_thread *th, sb_lg_peer *peer);
void sb_lg_thread_remove_peer(sb_lg_thread *th, sb_lg_peer *peer);
sb_lg_counters *sb_lg_thread_counters(sb_lg_thread *th);
/* True while a measurement window is open (latency is recorded). */
bool sb_lg_thread_measuring(const sb_lg_thread *th);
/* A packet buffer of SB_LG_SCRATCH_LEN bytes, reused for every packet. */
uint8_t *sb_lg_thread_scratch(sb_lg_thread *th);

/* Snapshots of every thread's counters, summed, delivered on the main
 * thread once all threads answered. WINDOW_START also clears the latency
 * histogram and starts recording; WINDOW_END stops recording. */
typedef enum { SB_LG_SNAP_READ, SB_LG_SNAP_WINDOW_START, SB_LG_SNAP_WINDOW_END } sb_lg_snap_op;
typedef void (*sb_lg_snap_cb)(void *user, const sb_lg_counters *sum);
void sb_lg_threads_snapshot(sb_lg_threads *ts, sb_lg_snap_op op, sb_lg_snap_cb cb, void *user);

/* Adds src into dst (counters and histogram). */
void sb_lg_counters_add(sb_lg_counters *dst, const sb_lg_counters *src);

#endif
