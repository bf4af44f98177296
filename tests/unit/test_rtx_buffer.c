/* test_rtx_buffer.c - unit tests for the retransmission buffer
 * (rtx_buffer.c): lookup across wrap-around, eviction by count and by age,
 * out-of-order insertion, oversize packets, restarts. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtx_buffer.h"

/* A 4-byte packet whose bytes say which seq it is, plus a tag. */
static void fill(uint8_t p[4], uint16_t seq, uint8_t tag) {
  p[0] = (uint8_t)(seq >> 8);
  p[1] = (uint8_t)seq;
  p[2] = tag;
  p[3] = 0xee;
}

static void put_ok(sb_rtx_buffer *b, uint16_t seq, uint8_t tag, int64_t now) {
  uint8_t p[4];
  fill(p, seq, tag);
  g_assert_cmpint(sb_rtx_buffer_put(b, seq, p, sizeof p, now), ==, SB_OK);
}

static void get_ok(sb_rtx_buffer *b, uint16_t seq, uint8_t tag, int64_t now) {
  const uint8_t *p = NULL;
  size_t len = 0;
  uint8_t want[4];
  fill(want, seq, tag);
  g_assert_cmpint(sb_rtx_buffer_get(b, seq, now, &p, &len), ==, SB_OK);
  g_assert_cmpmem(p, len, want, sizeof want);
}

static int get_rc(sb_rtx_buffer *b, uint16_t seq, int64_t now) {
  const uint8_t *p = NULL;
  size_t len = 0;
  int rc = sb_rtx_buffer_get(b, seq, now, &p, &len);
  if (rc) {
    g_assert_null(p);
    g_assert_cmpuint(len, ==, 0);
  }
  return rc;
}

static void test_new_rejects(void) {
  sb_rtx_buffer *b = NULL;
  g_assert_cmpint(sb_rtx_buffer_new(0, 100, 1000, &b), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtx_buffer_new(40000, 100, 1000, &b), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtx_buffer_new(8, 0, 1000, &b), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtx_buffer_new(8, 100, -1, &b), ==, SB_EINVAL);
  g_assert_null(b);
  g_assert_cmpint(sb_rtx_buffer_new(5, 100, 1000, &b), ==, SB_OK);
  g_assert_cmpuint(sb_rtx_buffer_capacity(b), ==, 8); /* rounded up */
  g_assert_cmpint(get_rc(b, 0, 0), ==, SB_ENOTFOUND);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 0);
  sb_rtx_buffer_free(b);
  sb_rtx_buffer_free(NULL);
}

/* Capacity 8: storing 65530..65535, 0..5 (12 packets across the wrap) keeps
 * the newest 8, 65534..5. */
static void test_evict_by_count_across_wrap(void) {
  sb_rtx_buffer *b;
  g_assert_cmpint(sb_rtx_buffer_new(8, 100, 1000000, &b), ==, SB_OK);
  for (uint16_t s = 65530, i = 0; i < 12; i++, s++)
    put_ok(b, s, 1, 0);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 8);
  g_assert_cmpint(get_rc(b, 65533, 0), ==, SB_ENOTFOUND);
  get_ok(b, 65534, 1, 0);
  get_ok(b, 65535, 1, 0);
  get_ok(b, 0, 1, 0);
  get_ok(b, 5, 1, 0);
  g_assert_cmpint(get_rc(b, 6, 0), ==, SB_ENOTFOUND); /* not sent yet */

  /* Out of order inside the window: 10, 8, 9 (6 and 7 never stored). Now
   * the window is 3..10. */
  put_ok(b, 10, 2, 0);
  put_ok(b, 8, 2, 0);
  put_ok(b, 9, 2, 0);
  get_ok(b, 8, 2, 0);
  get_ok(b, 9, 2, 0);
  get_ok(b, 10, 2, 0);
  get_ok(b, 3, 1, 0);
  g_assert_cmpint(get_rc(b, 2, 0), ==, SB_ENOTFOUND);
  g_assert_cmpint(get_rc(b, 7, 0), ==, SB_ENOTFOUND);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 6); /* 3 4 5 8 9 10 */

  /* Storing the same seq again replaces the copy. */
  put_ok(b, 9, 3, 0);
  get_ok(b, 9, 3, 0);

  /* A jump of more than the capacity drops everything older. */
  put_ok(b, 1000, 4, 0);
  g_assert_cmpint(get_rc(b, 10, 0), ==, SB_ENOTFOUND);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 1);
  get_ok(b, 1000, 4, 0);
  sb_rtx_buffer_free(b);
}

/* max age 1 s: a packet stored at t is there at t + 1 s and gone at t + 1 s + 1 us. */
static void test_evict_by_age(void) {
  sb_rtx_buffer *b;
  const int64_t t0 = G_GINT64_CONSTANT(1700000000000000);
  g_assert_cmpint(sb_rtx_buffer_new(16, 100, 1000000, &b), ==, SB_OK);
  put_ok(b, 1, 1, t0);
  put_ok(b, 2, 1, t0 + 500000);
  get_ok(b, 1, 1, t0 + 1000000);
  get_ok(b, 2, 1, t0 + 1000000);
  g_assert_cmpuint(sb_rtx_buffer_count(b, t0 + 1000000), ==, 2);
  g_assert_cmpint(get_rc(b, 1, t0 + 1000001), ==, SB_ENOTFOUND);
  get_ok(b, 2, 1, t0 + 1000001);
  g_assert_cmpuint(sb_rtx_buffer_count(b, t0 + 1000001), ==, 1);
  g_assert_cmpint(get_rc(b, 2, t0 + 1500001), ==, SB_ENOTFOUND);
  g_assert_cmpuint(sb_rtx_buffer_count(b, t0 + 1500001), ==, 0);
  sb_rtx_buffer_free(b);
}

/* Behind the window while the buffer is live: refused. Once everything has
 * aged out, the buffer starts over at the old-looking seq. */
static void test_behind_window_and_restart(void) {
  sb_rtx_buffer *b;
  uint8_t p[4];
  g_assert_cmpint(sb_rtx_buffer_new(8, 100, 1000000, &b), ==, SB_OK);
  put_ok(b, 100, 1, 0);
  fill(p, 50, 9);
  g_assert_cmpint(sb_rtx_buffer_put(b, 50, p, sizeof p, 10), ==, SB_ESTATE);
  g_assert_cmpint(get_rc(b, 50, 10), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_rtx_buffer_put(b, 50, p, sizeof p, 1000001), ==, SB_OK);
  get_ok(b, 50, 9, 1000001);
  g_assert_cmpint(get_rc(b, 100, 1000001), ==, SB_ENOTFOUND);

  /* Just before the first packet stored, inside the window: kept. */
  sb_rtx_buffer_clear(b);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 0);
  put_ok(b, 2, 1, 0);
  put_ok(b, 65535, 1, 0);
  get_ok(b, 65535, 1, 0);
  get_ok(b, 2, 1, 0);
  sb_rtx_buffer_free(b);
}

static void test_too_big(void) {
  sb_rtx_buffer *b;
  uint8_t big[101];
  const uint8_t *p;
  size_t len;
  memset(big, 0x42, sizeof big);
  g_assert_cmpint(sb_rtx_buffer_new(4, 100, 1000000, &b), ==, SB_OK);
  g_assert_cmpint(sb_rtx_buffer_put(b, 7, big, sizeof big, 0), ==, SB_ETOOBIG);
  g_assert_cmpint(get_rc(b, 7, 0), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_rtx_buffer_put(b, 7, big, 100, 0), ==, SB_OK);
  g_assert_cmpint(sb_rtx_buffer_get(b, 7, 0, &p, &len), ==, SB_OK);
  g_assert_cmpmem(p, len, big, 100);
  g_assert_cmpint(sb_rtx_buffer_put(b, 8, big, 0, 0), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtx_buffer_put(b, 8, NULL, 10, 0), ==, SB_EINVAL);
  sb_rtx_buffer_free(b);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtx-buffer/new-rejects", test_new_rejects);
  g_test_add_func("/rtx-buffer/evict-by-count-across-wrap", test_evict_by_count_across_wrap);
  g_test_add_func("/rtx-buffer/evict-by-age", test_evict_by_age);
  g_test_add_func("/rtx-buffer/behind-window-restart", test_behind_window_and_restart);
  g_test_add_func("/rtx-buffer/too-big", test_too_big);
  return g_test_run();
}
