/* test_timers.c - the per-context timer heap (server/timers.c): timers fire
 * in due order, once each; re-arming moves them, stopping cancels them;
 * callbacks may re-arm, stop and free timers, their own included; a
 * thousand timers share one GSource. */
#include <glib.h>

#include "timers.h"

typedef struct {
  GArray *fired; /* ids in firing order */
  sb_timer *t[1000];
  int id[1000];
  int rearm_id, free_id, stop_other;
} fixture;

static fixture F;

static void on_fire(void *data) {
  int id = *(int *)data;
  g_array_append_val(F.fired, id);
  if (id == F.rearm_id) {
    F.rearm_id = -1;
    sb_timer_start(F.t[id], 5);
  }
  if (id == F.free_id) {
    sb_timer_free(F.t[id]);
    F.t[id] = NULL;
  }
  if (F.stop_other >= 0 && id != F.stop_other) sb_timer_stop(F.t[F.stop_other]);
}

static void setup(GMainContext *ctx, int n) {
  F.fired = g_array_new(FALSE, FALSE, sizeof(int));
  F.rearm_id = F.free_id = F.stop_other = -1;
  for (int i = 0; i < n; i++) {
    F.id[i] = i;
    F.t[i] = sb_timer_new(ctx, on_fire, &F.id[i]);
    g_assert_false(sb_timer_armed(F.t[i]));
  }
}

static void run_for(GMainContext *ctx, int ms) {
  gint64 end = g_get_monotonic_time() + ms * 1000;
  while (g_get_monotonic_time() < end)
    g_main_context_iteration(ctx, FALSE), g_usleep(500);
}

static void teardown(int n) {
  for (int i = 0; i < n; i++)
    sb_timer_free(F.t[i]);
  g_array_free(F.fired, TRUE);
}

static int fired(int i) { return g_array_index(F.fired, int, i); }

static void test_order_rearm_stop(void) {
  GMainContext *ctx = g_main_context_new();
  setup(ctx, 5);
  int64_t now = g_get_monotonic_time();
  sb_timer_start_at(F.t[0], now + 40000);
  sb_timer_start_at(F.t[1], now + 10000);
  sb_timer_start_at(F.t[2], now + 30000);
  sb_timer_start_at(F.t[3], now + 20000);
  sb_timer_start_at(F.t[4], now + 25000);
  sb_timer_start_at(F.t[2], now + 5000);  /* moved earlier */
  sb_timer_start_at(F.t[1], now + 50000); /* moved later */
  sb_timer_stop(F.t[4]);
  g_assert_false(sb_timer_armed(F.t[4]));
  g_assert_true(sb_timer_armed(F.t[0]));
  run_for(ctx, 80);
  g_assert_cmpuint(F.fired->len, ==, 4);
  g_assert_cmpint(fired(0), ==, 2);
  g_assert_cmpint(fired(1), ==, 3);
  g_assert_cmpint(fired(2), ==, 0);
  g_assert_cmpint(fired(3), ==, 1);
  for (int i = 0; i < 5; i++)
    g_assert_false(sb_timer_armed(F.t[i]));
  teardown(5);
  g_main_context_unref(ctx);
}

static void test_callbacks_rearm_free_stop(void) {
  GMainContext *ctx = g_main_context_new();
  setup(ctx, 4);
  F.rearm_id = 0; /* fires twice */
  F.free_id = 1;  /* frees itself */
  F.stop_other = 3;
  sb_timer_start(F.t[0], 1);
  sb_timer_start(F.t[1], 2);
  sb_timer_start(F.t[2], 3);
  sb_timer_start(F.t[3], 200); /* stopped by the first callback */
  run_for(ctx, 60);
  g_assert_cmpuint(F.fired->len, ==, 4);
  g_assert_cmpint(fired(0), ==, 0);
  g_assert_cmpint(fired(1), ==, 1);
  g_assert_cmpint(fired(2), ==, 2);
  g_assert_cmpint(fired(3), ==, 0);
  g_assert_null(F.t[1]);
  g_assert_false(sb_timer_armed(F.t[3]));
  teardown(4);
  g_main_context_unref(ctx);
}

static void test_many_share_one_source(void) {
  GMainContext *ctx = g_main_context_new();
  setup(ctx, 1000);
  int64_t now = g_get_monotonic_time();
  for (int i = 0; i < 1000; i++)
    sb_timer_start_at(F.t[i], now + 1000 + (int64_t)((i * 7919) % 1000) * 20);
  for (int i = 0; i < 1000; i += 3)
    sb_timer_stop(F.t[i]);
  run_for(ctx, 60);
  g_assert_cmpuint(F.fired->len, ==, 1000 - 334);
  /* In due order. */
  for (guint i = 1; i < F.fired->len; i++)
    g_assert_cmpint((fired(i - 1) * 7919) % 1000, <=, (fired(i) * 7919) % 1000);
  teardown(1000);
  g_main_context_unref(ctx);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/timers/order-rearm-stop", test_order_rearm_stop);
  g_test_add_func("/timers/callbacks-rearm-free-stop", test_callbacks_rearm_free_stop);
  g_test_add_func("/timers/many-share-one-source", test_many_share_one_source);
  return g_test_run();
}
