/* run.c - one load run on the main thread (see run.h): ramp, progress,
 * the measured window, results, teardown. */
#include "run.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "sig.h"
#include "thread.h"

#define PROGRESS_MS 250
#define LINGER_MS   500 /* after the end: leave/hangup and close_notify go out */

typedef enum { PHASE_RAMP, PHASE_WINDOW, PHASE_ENDING, PHASE_DONE } phase_t;

struct sb_lg_run {
  const sb_lg_config *cfg;
  GMainLoop *loop;
  sb_lg_env *env;
  sb_lg_threads *threads;
  sb_lg_ws *ws;
  sb_lg_sig *sig;
  sb_lg_sig_roles roles;
  sb_lg_call *calls;
  int started, up, failed;
  phase_t phase;
  bool stopping, interrupted, window_open;
  guint ramp_src, progress_src, window_src, sigint_src, sigterm_src;
  int64_t ramp_t0_us;
  sb_lg_counters start, end;
  int64_t win_start_us, win_end_us;
  double win_start_unix, win_end_unix;
  sb_lg_result *res;
  char last_progress[96];
  bool progress_shown; /* the progress line is the last thing on stderr */
};

const sb_lg_config *sb_lg_run_config(const sb_lg_run *run) { return run->cfg; }
sb_lg_ws *sb_lg_run_ws(const sb_lg_run *run) { return run->ws; }
bool sb_lg_run_stopping(const sb_lg_run *run) { return run->stopping; }

static int64_t now_us(void) { return sb_lg_now_ns() / 1000; }

/* ---- progress ---- */

static void progress(sb_lg_run *run, bool force) {
  char line[96];
  g_snprintf(line, sizeof line, "calls up %d/%d, failed %d", run->up, run->cfg->calls, run->failed);
  if (!force && !strcmp(line, run->last_progress)) return;
  g_strlcpy(run->last_progress, line, sizeof run->last_progress);
  run->progress_shown = true;
  fprintf(stderr, "\r%s", line);
  fflush(stderr);
}

static void say(sb_lg_run *run, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void say(sb_lg_run *run, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s%s\n", run->progress_shown ? "\n" : "", text);
  run->progress_shown = false;
  fflush(stderr);
  g_free(text);
}

/* ---- calls ---- */

void sb_lg_run_ws_open(sb_lg_call *call, int side) { call->ws_open_us[side] = now_us(); }

void sb_lg_run_call_failed(sb_lg_call *call, int side, const char *why) {
  sb_lg_run *run = call->run;
  if (run->stopping || call->failed) return;
  if (call->is_up) {
    if (run->cfg->verbose)
      say(run, "call %d side %d failed after coming up: %s", call->index, side, why);
    return;
  }
  call->failed = true;
  g_strlcpy(call->why, why, sizeof call->why);
  run->failed++;
  if (run->cfg->verbose || run->failed == 1)
    say(run, "call %d failed (side %d): %s", call->index, side, why);
  progress(run, true);
}

static void peer_local_sdp(void *user, const char *type, const char *sdp) {
  sb_lg_side_ref *ref = user;
  sb_lg_run *run = ref->call->run;
  if (!run->stopping) run->sig->ops->local_sdp(run->sig, ref->call, ref->side, type, sdp);
}

static void peer_event(void *user, sb_lg_peer_event ev, int64_t t_us, const char *detail) {
  sb_lg_side_ref *ref = user;
  sb_lg_call *call = ref->call;
  sb_lg_run *run = call->run;
  switch (ev) {
  case SB_LG_PEER_CONNECTED:
    if (run->cfg->verbose)
      say(run, "call %d side %d connected (%s)", call->index, ref->side, detail);
    break;
  case SB_LG_PEER_MEDIA_UP:
    call->up[ref->side] = true;
    call->media_us[ref->side] = t_us;
    if (call->up[0] && call->up[1] && !call->is_up && !call->failed) {
      call->is_up = true;
      run->up++;
      progress(run, false);
    }
    break;
  case SB_LG_PEER_FAILED: sb_lg_run_call_failed(call, ref->side, detail); break;
  }
}

static const sb_lg_peer_callbacks peer_cb = {.on_local_sdp = peer_local_sdp,
                                             .on_event = peer_event};

static void start_call(sb_lg_run *run) {
  int i = run->started++;
  sb_lg_call *call = &run->calls[i];
  call->index = i;
  call->run = run;
  call->start_us = now_us();
  int nthreads = sb_lg_threads_count(run->threads);
  for (int side = 0; side < 2; side++) {
    call->ref[side] = (sb_lg_side_ref){.call = call, .side = side};
    sb_lg_peer_config pc = {.index = 2 * i + side,
                            .partner = 2 * i + !side,
                            .controlling = run->roles.controlling[side],
                            .sendrecv_shape = run->roles.sendrecv_shape,
                            .address = run->cfg->address,
                            .video_kbps = run->cfg->video_kbps,
                            .audio_pps = run->cfg->audio_pps,
                            .drop_recv = run->cfg->drop_recv,
                            .nack = run->cfg->nack,
                            .seed = run->cfg->seed};
    sb_lg_thread *th = sb_lg_threads_get(run->threads, (2 * i + side) % nthreads);
    call->peer[side] = sb_lg_peer_new(th, run->env, &pc, &peer_cb, &call->ref[side]);
  }
  run->sig->ops->start_call(run->sig, call);
}

static gboolean ramp_cb(gpointer data) {
  sb_lg_run *run = data;
  /* Calls due by now at the set-up rate (timers may fire late). */
  int64_t due = (int64_t)((double)(now_us() - run->ramp_t0_us) * run->cfg->setup_rate / 1e6) + 1;
  while (run->started < run->cfg->calls && run->started < due)
    start_call(run);
  if (run->started < run->cfg->calls) return G_SOURCE_CONTINUE;
  run->ramp_src = 0;
  return G_SOURCE_REMOVE;
}

/* ---- the window and the end ---- */

static void finish(sb_lg_run *run);

static gboolean linger_done(gpointer data) {
  sb_lg_run *run = data;
  run->phase = PHASE_DONE;
  g_main_loop_quit(run->loop);
  return G_SOURCE_REMOVE;
}

static void compute(sb_lg_run *run) {
  sb_lg_result *r = run->res;
  const sb_lg_config *cfg = run->cfg;
  r->target = cfg->target == SB_LG_TARGET_JANUS ? "janus" : "switchboard";
  r->calls = cfg->calls;
  r->calls_up = run->up;
  r->calls_failed = cfg->calls - run->up;
  double *setup = g_new0(double, 2 * (size_t)cfg->calls + 1);
  size_t n = 0;
  for (int i = 0; i < run->started; i++) {
    const sb_lg_call *c = &run->calls[i];
    for (int side = 0; side < 2; side++)
      if (c->media_us[side] && c->ws_open_us[side])
        setup[n++] = (double)(c->media_us[side] - c->ws_open_us[side]) / 1000.0;
    if (c->failed && !r->first_failure[0])
      g_strlcpy(r->first_failure, c->why, sizeof r->first_failure);
  }
  r->setup_p99_ms = sb_lg_quantile(setup, n, 0.99);
  r->setup_median_ms = sb_lg_quantile(setup, n, 0.5);
  g_free(setup);
  if (!run->win_end_us) return;
  const sb_lg_counters *a = &run->start, *b = &run->end;
  double secs = (double)(run->win_end_us - run->win_start_us) / 1e6;
  r->duration_s = secs;
  r->sent_packets = b->sent_packets - a->sent_packets;
  r->received_packets = b->received_packets - a->received_packets;
  uint64_t expected = b->expected - a->expected;
  r->lost = expected > r->received_packets ? expected - r->received_packets : 0;
  r->duplicates = b->duplicates - a->duplicates;
  r->corrupt = b->corrupt - a->corrupt;
  r->send_errors = b->send_errors - a->send_errors;
  r->skipped = b->skipped - a->skipped;
  r->drop_recv = cfg->drop_recv;
  r->nack = cfg->nack || cfg->drop_recv > 0;
  r->dropped = b->dropped - a->dropped;
  r->recovered = b->recovered - a->recovered;
  r->nack_packets = b->nack_packets - a->nack_packets;
  r->nacked_seqs = b->nacked_seqs - a->nacked_seqs;
  r->given_up = b->given_up - a->given_up;
  r->plis_sent = b->plis_sent - a->plis_sent;
  r->retransmissions = b->retransmissions - a->retransmissions;
  r->rtx_packets = b->rtx_packets - a->rtx_packets;
  r->rtx_unneeded = b->rtx_unneeded - a->rtx_unneeded;
  r->nack_in_seqs = b->nack_in_seqs - a->nack_in_seqs;
  r->resent = b->resent - a->resent;
  r->twcc_in = b->twcc_in - a->twcc_in;
  r->loss_pct = expected ? 100.0 * (double)r->lost / (double)expected : 0;
  r->latency_p50_us = (double)sb_lg_hist_quantile(&b->latency_us, 0.5);
  r->latency_p99_us = (double)sb_lg_hist_quantile(&b->latency_us, 0.99);
  if (secs > 0) {
    r->forwarded_pps = (double)r->received_packets / secs;
    r->forwarded_mbps = (double)(b->received_bytes - a->received_bytes) * 8 / secs / 1e6;
  }
  r->window_start_unix = run->win_start_unix;
  r->window_end_unix = run->win_end_unix;
}

static void finish(sb_lg_run *run) {
  if (run->phase >= PHASE_ENDING) return;
  run->phase = PHASE_ENDING;
  if (run->ramp_src) g_source_remove(run->ramp_src);
  run->ramp_src = 0;
  if (run->window_src) g_source_remove(run->window_src);
  run->window_src = 0;
  if (run->progress_src) g_source_remove(run->progress_src);
  run->progress_src = 0;
  compute(run);
  run->stopping = true;
  for (int i = 0; i < run->started; i++) {
    sb_lg_call *call = &run->calls[i];
    run->sig->ops->end_call(run->sig, call);
    for (int side = 0; side < 2; side++)
      sb_lg_peer_close(call->peer[side]);
  }
  g_timeout_add(LINGER_MS, linger_done, run);
}

static void window_end_snap(void *user, const sb_lg_counters *sum) {
  sb_lg_run *run = user;
  run->end = *sum;
  finish(run);
}

static void end_window(sb_lg_run *run) {
  if (!run->window_open) return;
  run->window_open = false;
  if (run->window_src) g_source_remove(run->window_src);
  run->window_src = 0;
  run->win_end_us = now_us();
  run->win_end_unix = (double)g_get_real_time() / 1e6;
  say(run, "WINDOW END");
  sb_lg_threads_snapshot(run->threads, SB_LG_SNAP_WINDOW_END, window_end_snap, run);
}

static gboolean window_timer(gpointer data) {
  sb_lg_run *run = data;
  run->window_src = 0;
  end_window(run);
  return G_SOURCE_REMOVE;
}

static void window_start_snap(void *user, const sb_lg_counters *sum) {
  sb_lg_run *run = user;
  run->start = *sum;
}

static void start_window(sb_lg_run *run) {
  run->phase = PHASE_WINDOW;
  run->window_open = true;
  run->win_start_us = now_us();
  run->win_start_unix = (double)g_get_real_time() / 1e6;
  say(run, "WINDOW START");
  sb_lg_threads_snapshot(run->threads, SB_LG_SNAP_WINDOW_START, window_start_snap, run);
  run->window_src = g_timeout_add((guint)(run->cfg->duration_s * 1000), window_timer, run);
}

static gboolean progress_cb(gpointer data) {
  sb_lg_run *run = data;
  int64_t now = now_us();
  for (int i = 0; i < run->started; i++) {
    sb_lg_call *c = &run->calls[i];
    if (!c->is_up && !c->failed &&
        now - c->start_us > (int64_t)run->cfg->setup_timeout_s * 1000000) {
      char why[200];
      g_snprintf(why, sizeof why, "not up within %d s (media from the partner: %s/%s)",
                 run->cfg->setup_timeout_s, c->up[0] ? "yes" : "no", c->up[1] ? "yes" : "no");
      sb_lg_run_call_failed(c, c->up[0] ? 1 : 0, why);
    }
  }
  progress(run, false);
  if (run->phase == PHASE_RAMP && run->started == run->cfg->calls &&
      run->up + run->failed == run->cfg->calls) {
    if (run->up > 0) {
      start_window(run);
    } else {
      finish(run);
      return G_SOURCE_REMOVE;
    }
  }
  return G_SOURCE_CONTINUE;
}

static gboolean on_signal(gpointer data) {
  sb_lg_run *run = data;
  run->interrupted = true;
  if (run->window_open)
    end_window(run);
  else if (run->phase == PHASE_RAMP)
    finish(run);
  return G_SOURCE_CONTINUE;
}

/* ---- the whole run ---- */

int sb_lg_run_exec(const sb_lg_config *cfg, sb_lg_result *out, GError **error) {
  memset(out, 0, sizeof *out);
  sb_lg_run *run = g_new0(sb_lg_run, 1);
  run->cfg = cfg;
  run->res = out;
  run->loop = g_main_loop_new(NULL, FALSE);
  int rc = sb_lg_env_new(&run->env, error);
  if (rc < 0) goto out;
  run->ws = sb_lg_ws_new(run->loop, error);
  if (!run->ws) {
    rc = SB_EIO;
    goto out;
  }
  run->sig = cfg->target == SB_LG_TARGET_JANUS ? sb_lg_sig_janus_new(run, &run->roles)
                                               : sb_lg_sig_switchboard_new(run, &run->roles);
  run->threads = sb_lg_threads_start(cfg->threads);
  run->calls = g_new0(sb_lg_call, (size_t)cfg->calls);
  run->ramp_t0_us = now_us();
  guint ramp_ms = cfg->setup_rate >= 1000 ? 1 : (guint)(1000 / cfg->setup_rate);
  run->ramp_src = g_timeout_add(ramp_ms ? ramp_ms : 1, ramp_cb, run);
  ramp_cb(run);
  run->progress_src = g_timeout_add(PROGRESS_MS, progress_cb, run);
  run->sigint_src = g_unix_signal_add(SIGINT, on_signal, run);
  run->sigterm_src = g_unix_signal_add(SIGTERM, on_signal, run);
  progress(run, true);
  g_main_loop_run(run->loop);

  g_source_remove(run->sigint_src);
  g_source_remove(run->sigterm_src);
  sb_lg_threads_stop(run->threads);
  run->threads = NULL;
  /* Deliver (and so free) what the threads posted last; peers are closed,
   * so nothing is acted on. */
  while (g_main_context_iteration(NULL, FALSE))
    ;
  sb_lg_ws_free(run->ws);
  run->ws = NULL;
  while (g_main_context_iteration(NULL, FALSE))
    ;
  rc = SB_OK;
out:
  if (run->sig) run->sig->ops->free(run->sig);
  if (run->calls) {
    for (int i = 0; i < run->started; i++)
      for (int side = 0; side < 2; side++)
        sb_lg_peer_free(run->calls[i].peer[side]);
    g_free(run->calls);
  }
  sb_lg_ws_free(run->ws);
  sb_lg_env_free(run->env);
  g_main_loop_unref(run->loop);
  g_free(run);
  return rc;
}
