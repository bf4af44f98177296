/* worker.h - media worker threads. Each worker is a thread running its own
 * GMainContext; a room and all its peers' ICE agents live on one worker, so
 * forwarding inside a room takes no lock. Other threads hand a worker work
 * with sb_worker_post(); workers hand the main thread work the same way with
 * sb_worker_post_main(). */
#ifndef SB_WORKER_H
#define SB_WORKER_H

#include <glib.h>

typedef struct sb_worker sb_worker;
typedef struct sb_workers sb_workers;

/* Starts n workers (n = 0: one per core). */
sb_workers *sb_workers_start(int n);
/* Stops and joins every worker after running what was already posted. */
void sb_workers_stop(sb_workers *ws);
int sb_workers_count(const sb_workers *ws);
/* The worker with the fewest rooms; the caller then counts its room in. */
sb_worker *sb_workers_pick(sb_workers *ws);
sb_worker *sb_workers_get(sb_workers *ws, int i);

GMainContext *sb_worker_context(sb_worker *w);
int sb_worker_index(const sb_worker *w);
/* Room accounting for placement (any thread). */
void sb_worker_add_load(sb_worker *w, int delta);
int sb_worker_load(const sb_worker *w);
/* Runs fn(data) on the worker's thread; `destroy(data)` afterwards if set. */
void sb_worker_post(sb_worker *w, GSourceFunc fn, gpointer data, GDestroyNotify destroy);
/* Runs fn(data) on the main thread's default context. */
void sb_worker_post_main(GSourceFunc fn, gpointer data, GDestroyNotify destroy);
/* True on a worker thread. */
gboolean sb_worker_is_current(const sb_worker *w);

#endif
