/* timers.c - a binary min-heap of timers per GMainContext, behind one
 * GSource whose ready time is the earliest due time. See timers.h. */
#include "timers.h"

typedef struct heap_source heap_source;

struct sb_timer {
  heap_source *hs;
  int64_t due;
  guint pos; /* index in the heap, or NOT_ARMED */
  sb_timer_fn fn;
  void *data;
};

#define NOT_ARMED G_MAXUINT

struct heap_source {
  GSource source;
  GMainContext *ctx;
  GPtrArray *heap; /* sb_timer*, heap-ordered by due */
};

/* One source per context, found through this table. */
static GMutex table_lock;
static GHashTable *table; /* GMainContext* -> heap_source* */

static inline sb_timer *at(heap_source *hs, guint i) { return hs->heap->pdata[i]; }

static void place(heap_source *hs, guint i, sb_timer *t) {
  hs->heap->pdata[i] = t;
  t->pos = i;
}

static void sift_up(heap_source *hs, guint i) {
  sb_timer *t = at(hs, i);
  while (i > 0) {
    guint parent = (i - 1) / 2;
    if (at(hs, parent)->due <= t->due) break;
    place(hs, i, at(hs, parent));
    i = parent;
  }
  place(hs, i, t);
}

static void sift_down(heap_source *hs, guint i) {
  guint n = hs->heap->len;
  sb_timer *t = at(hs, i);
  for (;;) {
    guint l = 2 * i + 1, r = l + 1, m = i;
    int64_t best = t->due;
    if (l < n && at(hs, l)->due < best) m = l, best = at(hs, l)->due;
    if (r < n && at(hs, r)->due < best) m = r;
    if (m == i) break;
    place(hs, i, at(hs, m));
    i = m;
  }
  place(hs, i, t);
}

static void update_ready_time(heap_source *hs) {
  g_source_set_ready_time(&hs->source, hs->heap->len ? at(hs, 0)->due : -1);
}

static void heap_remove(heap_source *hs, sb_timer *t) {
  guint i = t->pos, last = hs->heap->len - 1;
  t->pos = NOT_ARMED;
  if (i != last) {
    sb_timer *moved = at(hs, last);
    g_ptr_array_remove_index_fast(hs->heap, i); /* moves the last into i */
    place(hs, i, moved);
    sift_down(hs, i);
    sift_up(hs, moved->pos);
  } else {
    g_ptr_array_remove_index(hs->heap, last);
  }
}

static gboolean heap_dispatch(GSource *source, GSourceFunc cb, gpointer user) {
  heap_source *hs = (heap_source *)source;
  int64_t now = g_source_get_time(source);
  /* Timers armed by callbacks for "now" wait for the next iteration, so a
   * callback re-arming itself at 0 ms cannot spin here. */
  guint budget = hs->heap->len;
  while (hs->heap->len && at(hs, 0)->due <= now && budget--) {
    sb_timer *t = at(hs, 0);
    heap_remove(hs, t);
    t->fn(t->data);
  }
  update_ready_time(hs);
  return G_SOURCE_CONTINUE;
}

static void heap_finalize(GSource *source) {
  heap_source *hs = (heap_source *)source;
  g_mutex_lock(&table_lock);
  if (table && g_hash_table_lookup(table, hs->ctx) == hs) g_hash_table_remove(table, hs->ctx);
  g_mutex_unlock(&table_lock);
  /* Timers still referring to us are the caller's leak; disown them. */
  for (guint i = 0; i < hs->heap->len; i++)
    at(hs, i)->pos = NOT_ARMED;
  g_ptr_array_free(hs->heap, TRUE);
}

static GSourceFuncs heap_funcs = {.dispatch = heap_dispatch, .finalize = heap_finalize};

static heap_source *source_for(GMainContext *ctx) {
  g_mutex_lock(&table_lock);
  if (!table) table = g_hash_table_new(g_direct_hash, g_direct_equal);
  heap_source *hs = g_hash_table_lookup(table, ctx);
  if (!hs) {
    hs = (heap_source *)g_source_new(&heap_funcs, sizeof *hs);
    hs->ctx = ctx; /* not a reference: the source goes with the context */
    hs->heap = g_ptr_array_new();
    g_source_set_name(&hs->source, "sb-timers");
    g_source_attach(&hs->source, ctx);
    g_source_unref(&hs->source); /* the context holds it */
    g_hash_table_insert(table, ctx, hs);
  }
  g_mutex_unlock(&table_lock);
  return hs;
}

sb_timer *sb_timer_new(GMainContext *ctx, sb_timer_fn fn, void *data) {
  if (!ctx) ctx = g_main_context_get_thread_default();
  if (!ctx) ctx = g_main_context_default();
  sb_timer *t = g_new0(sb_timer, 1);
  t->hs = source_for(ctx);
  t->pos = NOT_ARMED;
  t->fn = fn;
  t->data = data;
  return t;
}

void sb_timer_stop(sb_timer *t) {
  if (t->pos == NOT_ARMED) return;
  bool was_first = t->pos == 0;
  heap_remove(t->hs, t);
  if (was_first) update_ready_time(t->hs);
}

void sb_timer_free(sb_timer *t) {
  if (!t) return;
  sb_timer_stop(t);
  g_free(t);
}

void sb_timer_start_at(sb_timer *t, int64_t due_us) {
  heap_source *hs = t->hs;
  if (t->pos != NOT_ARMED) {
    t->due = due_us;
    sift_down(hs, t->pos);
    sift_up(hs, t->pos);
  } else {
    t->due = due_us;
    g_ptr_array_add(hs->heap, t);
    t->pos = hs->heap->len - 1;
    sift_up(hs, t->pos);
  }
  update_ready_time(hs);
}

void sb_timer_start(sb_timer *t, unsigned ms) {
  sb_timer_start_at(t, g_get_monotonic_time() + (int64_t)ms * 1000);
}

bool sb_timer_armed(const sb_timer *t) { return t->pos != NOT_ARMED; }
