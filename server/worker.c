/* worker.c - media worker threads, each a GMainContext + GMainLoop (see
 * worker.h). */
#include "worker.h"

struct sb_worker {
  int index;
  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  gint load;
};

struct sb_workers {
  int n;
  sb_worker *w;
};

static gpointer run(gpointer data) {
  sb_worker *w = data;
  g_main_context_push_thread_default(w->ctx);
  g_main_loop_run(w->loop);
  /* Let sources posted before the stop finish (peer teardown). */
  while (g_main_context_iteration(w->ctx, FALSE))
    ;
  g_main_context_pop_thread_default(w->ctx);
  return NULL;
}

sb_workers *sb_workers_start(int n) {
  if (n <= 0) n = (int)g_get_num_processors();
  sb_workers *ws = g_new0(sb_workers, 1);
  ws->n = n;
  ws->w = g_new0(sb_worker, n);
  for (int i = 0; i < n; i++) {
    sb_worker *w = &ws->w[i];
    w->index = i;
    w->ctx = g_main_context_new();
    w->loop = g_main_loop_new(w->ctx, FALSE);
    char name[16];
    g_snprintf(name, sizeof name, "sb-media-%d", i);
    w->thread = g_thread_new(name, run, w);
  }
  return ws;
}

static gboolean quit_cb(gpointer data) {
  g_main_loop_quit(data);
  return G_SOURCE_REMOVE;
}

void sb_workers_stop(sb_workers *ws) {
  if (!ws) return;
  for (int i = 0; i < ws->n; i++)
    sb_worker_post(&ws->w[i], quit_cb, ws->w[i].loop, NULL);
  for (int i = 0; i < ws->n; i++) {
    g_thread_join(ws->w[i].thread);
    g_main_loop_unref(ws->w[i].loop);
    g_main_context_unref(ws->w[i].ctx);
  }
  g_free(ws->w);
  g_free(ws);
}

int sb_workers_count(const sb_workers *ws) { return ws->n; }

sb_worker *sb_workers_pick(sb_workers *ws) {
  sb_worker *best = &ws->w[0];
  for (int i = 1; i < ws->n; i++)
    if (g_atomic_int_get(&ws->w[i].load) < g_atomic_int_get(&best->load)) best = &ws->w[i];
  return best;
}

sb_worker *sb_workers_get(sb_workers *ws, int i) { return i >= 0 && i < ws->n ? &ws->w[i] : NULL; }
GMainContext *sb_worker_context(sb_worker *w) { return w->ctx; }
int sb_worker_index(const sb_worker *w) { return w->index; }
void sb_worker_add_load(sb_worker *w, int delta) { g_atomic_int_add(&w->load, delta); }
int sb_worker_load(const sb_worker *w) { return g_atomic_int_get(&w->load); }

void sb_worker_post(sb_worker *w, GSourceFunc fn, gpointer data, GDestroyNotify destroy) {
  GSource *s = g_idle_source_new();
  g_source_set_priority(s, G_PRIORITY_DEFAULT);
  g_source_set_callback(s, fn, data, destroy);
  g_source_attach(s, w->ctx);
  g_source_unref(s);
}

void sb_worker_post_main(GSourceFunc fn, gpointer data, GDestroyNotify destroy) {
  GSource *s = g_idle_source_new();
  g_source_set_priority(s, G_PRIORITY_DEFAULT);
  g_source_set_callback(s, fn, data, destroy);
  g_source_attach(s, g_main_context_default());
  g_source_unref(s);
}

gboolean sb_worker_is_current(const sb_worker *w) { return g_main_context_is_owner(w->ctx); }
