/* thread.c - media threads with one tick timer each (see thread.h). */
#include "thread.h"

#include <string.h>

#include "loadgen.h"
#include "peer.h"

/* A busy thread reads its sockets at most this often, so that a server
 * sending datagram by datagram does not wake it for each. */
#define RX_HOLD_US 1000

struct sb_lg_thread {
  int index;
  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  sb_lg_poller *poller;
  GSource *tick;
  GPtrArray *peers; /* sb_lg_peer*, borrowed */
  bool measuring;
  sb_lg_counters c;
  uint8_t scratch[SB_LG_SCRATCH_LEN];
};

struct sb_lg_threads {
  int n;
  sb_lg_thread **t;
};

static gboolean tick_cb(gpointer data) {
  sb_lg_thread *th = data;
  int64_t now = sb_lg_now_ns();
  for (guint i = 0; i < th->peers->len; i++)
    sb_lg_peer_tick(th->peers->pdata[i], now);
  return G_SOURCE_CONTINUE;
}

static gpointer run(gpointer data) {
  sb_lg_thread *th = data;
  g_main_context_push_thread_default(th->ctx);
  th->tick = g_timeout_source_new(SB_LG_TICK_MS);
  g_source_set_priority(th->tick, G_PRIORITY_DEFAULT);
  g_source_set_callback(th->tick, tick_cb, th, NULL);
  g_source_attach(th->tick, th->ctx);
  g_main_loop_run(th->loop);
  g_source_destroy(th->tick);
  g_source_unref(th->tick);
  /* Let closures posted before the stop finish (peer teardown). */
  while (g_main_context_iteration(th->ctx, FALSE))
    ;
  g_main_context_pop_thread_default(th->ctx);
  return NULL;
}

sb_lg_threads *sb_lg_threads_start(int n) {
  if (n < 1) n = 1;
  sb_lg_threads *ts = g_new0(sb_lg_threads, 1);
  ts->n = n;
  ts->t = g_new0(sb_lg_thread *, n);
  for (int i = 0; i < n; i++) {
    sb_lg_thread *th = g_new0(sb_lg_thread, 1);
    th->index = i;
    th->ctx = g_main_context_new();
    th->loop = g_main_loop_new(th->ctx, FALSE);
    if (sb_lg_poller_new(th->ctx, &th->poller) < 0) g_error("cannot create an epoll set");
    sb_lg_poller_set_hold(th->poller, RX_HOLD_US);
    th->peers = g_ptr_array_new();
    char name[16];
    g_snprintf(name, sizeof name, "lg-media-%d", i);
    th->thread = g_thread_new(name, run, th);
    ts->t[i] = th;
  }
  return ts;
}

static gboolean quit_cb(gpointer data) {
  g_main_loop_quit(data);
  return G_SOURCE_REMOVE;
}

void sb_lg_threads_stop(sb_lg_threads *ts) {
  if (!ts) return;
  for (int i = 0; i < ts->n; i++)
    sb_lg_thread_post(ts->t[i], quit_cb, ts->t[i]->loop, NULL);
  for (int i = 0; i < ts->n; i++) {
    sb_lg_thread *th = ts->t[i];
    g_thread_join(th->thread);
    sb_lg_poller_free(th->poller);
    g_main_loop_unref(th->loop);
    g_main_context_unref(th->ctx);
    g_ptr_array_free(th->peers, TRUE);
    g_free(th);
  }
  g_free(ts->t);
  g_free(ts);
}

sb_lg_thread *sb_lg_threads_get(sb_lg_threads *ts, int i) {
  return i >= 0 && i < ts->n ? ts->t[i] : NULL;
}
int sb_lg_threads_count(const sb_lg_threads *ts) { return ts->n; }
GMainContext *sb_lg_thread_context(sb_lg_thread *th) { return th->ctx; }
sb_lg_poller *sb_lg_thread_poller(sb_lg_thread *th) { return th->poller; }

static void post(GMainContext *ctx, GSourceFunc fn, gpointer data, GDestroyNotify destroy) {
  GSource *s = g_idle_source_new();
  g_source_set_priority(s, G_PRIORITY_DEFAULT);
  g_source_set_callback(s, fn, data, destroy);
  g_source_attach(s, ctx);
  g_source_unref(s);
}

void sb_lg_thread_post(sb_lg_thread *th, GSourceFunc fn, gpointer data, GDestroyNotify destroy) {
  post(th->ctx, fn, data, destroy);
}

void sb_lg_post_main(GSourceFunc fn, gpointer data, GDestroyNotify destroy) {
  post(g_main_context_default(), fn, data, destroy);
}

void sb_lg_thread_add_peer(sb_lg_thread *th, sb_lg_peer *peer) { g_ptr_array_add(th->peers, peer); }
void sb_lg_thread_remove_peer(sb_lg_thread *th, sb_lg_peer *peer) {
  g_ptr_array_remove_fast(th->peers, peer);
}
sb_lg_counters *sb_lg_thread_counters(sb_lg_thread *th) { return &th->c; }
bool sb_lg_thread_measuring(const sb_lg_thread *th) { return th->measuring; }
uint8_t *sb_lg_thread_scratch(sb_lg_thread *th) { return th->scratch; }

void sb_lg_counters_add(sb_lg_counters *dst, const sb_lg_counters *src) {
  dst->sent_packets += src->sent_packets;
  dst->sent_bytes += src->sent_bytes;
  dst->send_errors += src->send_errors;
  dst->skipped += src->skipped;
  dst->received_packets += src->received_packets;
  dst->received_bytes += src->received_bytes;
  dst->expected += src->expected;
  dst->duplicates += src->duplicates;
  dst->corrupt += src->corrupt;
  dst->too_old += src->too_old;
  dst->rtcp_in += src->rtcp_in;
  dst->rtcp_out += src->rtcp_out;
  dst->keyframes += src->keyframes;
  dst->dropped += src->dropped;
  dst->recovered += src->recovered;
  dst->nack_packets += src->nack_packets;
  dst->nacked_seqs += src->nacked_seqs;
  dst->given_up += src->given_up;
  dst->plis_sent += src->plis_sent;
  dst->retransmissions += src->retransmissions;
  dst->rtx_packets += src->rtx_packets;
  dst->rtx_unneeded += src->rtx_unneeded;
  dst->nack_in_seqs += src->nack_in_seqs;
  dst->resent += src->resent;
  dst->twcc_in += src->twcc_in;
  sb_lg_hist_merge(&dst->latency_us, &src->latency_us);
}

/* ---- snapshots ---- */

typedef struct {
  int pending;
  sb_lg_snap_op op;
  sb_lg_counters sum;
  sb_lg_snap_cb cb;
  void *user;
} snapshot;

typedef struct {
  snapshot *snap;
  sb_lg_thread *th;
  sb_lg_counters copy;
} snapshot_part;

static gboolean snapshot_main(gpointer data) {
  snapshot_part *part = data;
  snapshot *snap = part->snap;
  sb_lg_counters_add(&snap->sum, &part->copy);
  if (--snap->pending == 0) {
    snap->cb(snap->user, &snap->sum);
    g_free(snap);
  }
  return G_SOURCE_REMOVE;
}

static gboolean snapshot_thread(gpointer data) {
  snapshot_part *part = data;
  sb_lg_thread *th = part->th;
  if (part->snap->op == SB_LG_SNAP_WINDOW_START) {
    sb_lg_hist_reset(&th->c.latency_us);
    th->measuring = true;
  } else if (part->snap->op == SB_LG_SNAP_WINDOW_END) {
    th->measuring = false;
  }
  part->copy = th->c;
  sb_lg_post_main(snapshot_main, part, g_free);
  return G_SOURCE_REMOVE;
}

void sb_lg_threads_snapshot(sb_lg_threads *ts, sb_lg_snap_op op, sb_lg_snap_cb cb, void *user) {
  snapshot *snap = g_new0(snapshot, 1);
  snap->pending = ts->n;
  snap->op = op;
  snap->cb = cb;
  snap->user = user;
  for (int i = 0; i < ts->n; i++) {
    snapshot_part *part = g_new0(snapshot_part, 1);
    part->snap = snap;
    part->th = ts->t[i];
    sb_lg_thread_post(ts->t[i], snapshot_thread, part, NULL);
  }
}
