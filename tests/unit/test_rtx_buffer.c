/* test_rtx_buffer.c - unit tests for the retransmission buffer
 * (rtx_buffer.c): lookup across wrap-around, eviction by count and by age,
 * out-of-order insertion, oversize packets, restarts; the byte ring growing
 * by doubling up to its budget, the oldest packets dropped when the budget
 * is full (dead and aged-out copies first, before growing), and resends
 * refused within the minimum interval. */
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
  g_assert_cmpint(sb_rtx_buffer_new(8, 7, 1000, &b), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtx_buffer_new(8, (1u << 30) + 1, 1000, &b), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtx_buffer_new(8, 100, -1, &b), ==, SB_EINVAL);
  g_assert_null(b);
  g_assert_cmpint(sb_rtx_buffer_new(5, 100, 1000, &b), ==, SB_OK);
  g_assert_cmpuint(sb_rtx_buffer_capacity(b), ==, 8); /* rounded up */
  g_assert_cmpint(get_rc(b, 0, 0), ==, SB_ENOTFOUND);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 0);
  g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, 0); /* nothing before the first put */
  sb_rtx_buffer_free(b);
  sb_rtx_buffer_free(NULL);
}

/* Capacity 8: storing 65530..65535, 0..5 (12 packets across the wrap) keeps
 * the newest 8, 65534..5. */
static void test_evict_by_count_across_wrap(void) {
  sb_rtx_buffer *b;
  g_assert_cmpint(sb_rtx_buffer_new(8, 4096, 1000000, &b), ==, SB_OK);
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
  g_assert_cmpint(sb_rtx_buffer_new(16, 4096, 1000000, &b), ==, SB_OK);
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
  g_assert_cmpint(sb_rtx_buffer_new(8, 4096, 1000000, &b), ==, SB_OK);
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

/* A budget of 104 bytes holds one packet of at most 100 (+ 4 header). */
static void test_too_big(void) {
  sb_rtx_buffer *b;
  uint8_t big[2049];
  const uint8_t *p;
  size_t len;
  memset(big, 0x42, sizeof big);
  g_assert_cmpint(sb_rtx_buffer_new(4, 104, 1000000, &b), ==, SB_OK);
  g_assert_cmpint(sb_rtx_buffer_put(b, 7, big, 101, 0), ==, SB_ETOOBIG);
  g_assert_cmpint(get_rc(b, 7, 0), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_rtx_buffer_put(b, 7, big, 100, 0), ==, SB_OK);
  g_assert_cmpint(sb_rtx_buffer_get(b, 7, 0, &p, &len), ==, SB_OK);
  g_assert_cmpmem(p, len, big, 100);
  g_assert_cmpint(sb_rtx_buffer_put(b, 8, big, 0, 0), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtx_buffer_put(b, 8, NULL, 10, 0), ==, SB_EINVAL);
  g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, 104);
  sb_rtx_buffer_free(b);

  /* With a large budget the limit is 2048 bytes a packet. */
  g_assert_cmpint(sb_rtx_buffer_new(4, 1 << 20, 1000000, &b), ==, SB_OK);
  g_assert_cmpint(sb_rtx_buffer_put(b, 7, big, 2049, 0), ==, SB_ETOOBIG);
  g_assert_cmpint(sb_rtx_buffer_put(b, 7, big, 2048, 0), ==, SB_OK);
  g_assert_cmpint(sb_rtx_buffer_get(b, 7, 0, &p, &len), ==, SB_OK);
  g_assert_cmpmem(p, len, big, 2048);
  sb_rtx_buffer_free(b);
}

/* A packet of n bytes whose every byte depends on seq, tag and position. */
static void fill_sized(uint8_t *p, size_t n, uint16_t seq, uint8_t tag) {
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)(seq * 31u + tag + i);
}

static void put_sized(sb_rtx_buffer *b, uint16_t seq, size_t n, uint8_t tag, int64_t now) {
  uint8_t p[2048];
  g_assert_cmpuint(n, <=, sizeof p);
  fill_sized(p, n, seq, tag);
  g_assert_cmpint(sb_rtx_buffer_put(b, seq, p, n, now), ==, SB_OK);
}

static void get_sized(sb_rtx_buffer *b, uint16_t seq, size_t n, uint8_t tag, int64_t now) {
  uint8_t want[2048];
  const uint8_t *p = NULL;
  size_t len = 0;
  fill_sized(want, n, seq, tag);
  g_assert_cmpint(sb_rtx_buffer_get(b, seq, now, &p, &len), ==, SB_OK);
  g_assert_cmpmem(p, len, want, n);
}

/* Budget 128 KiB: the ring starts at 16 KiB (an eighth) on the first put and
 * doubles each time 1020-byte packets (1024-byte records) no longer fit:
 * 16 records in 16 KiB, 32 in 32 KiB, ... 128 in 128 KiB; from there on the
 * oldest is dropped for each new one and the memory stays at the budget. */
static void test_growth_by_doubling(void) {
  sb_rtx_buffer *b;
  const size_t budget = 128 * 1024;
  g_assert_cmpint(sb_rtx_buffer_new(512, budget, 10000000, &b), ==, SB_OK);
  g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, 0);
  static const struct {
    unsigned puts;
    size_t memory;
  } steps[] = {{1, 16384},  {16, 16384},  {17, 32768},   {32, 32768},   {33, 65536},
               {64, 65536}, {65, 131072}, {128, 131072}, {129, 131072}, {1000, 131072}};
  unsigned done = 0;
  for (size_t k = 0; k < G_N_ELEMENTS(steps); k++) {
    for (; done < steps[k].puts; done++) {
      put_sized(b, (uint16_t)(100 + done), 1020, 1, 0);
      g_assert_cmpuint(sb_rtx_buffer_memory(b), <=, budget);
    }
    g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, steps[k].memory);
    g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, MIN(done, 128u));
  }
  /* The newest 128 (100+872 .. 100+999) are all there and intact. */
  g_assert_cmpint(get_rc(b, 100 + 871, 0), ==, SB_ENOTFOUND);
  for (unsigned i = 872; i < 1000; i++)
    get_sized(b, (uint16_t)(100 + i), 1020, 1, 0);
  sb_rtx_buffer_free(b);
}

/* Budget 64 bytes: four 12-byte packets (16-byte records). The fifth drops
 * the first; a 28-byte one (32-byte record) drops the two oldest; the next
 * small one drops one more. */
static void test_budget_evicts_oldest(void) {
  sb_rtx_buffer *b;
  g_assert_cmpint(sb_rtx_buffer_new(16, 64, 1000000, &b), ==, SB_OK);
  for (uint16_t s = 1; s <= 4; s++)
    put_sized(b, s, 12, 0, 0);
  g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, 64);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 4);
  put_sized(b, 5, 12, 0, 0);
  g_assert_cmpint(get_rc(b, 1, 0), ==, SB_ENOTFOUND);
  for (uint16_t s = 2; s <= 5; s++)
    get_sized(b, s, 12, 0, 0);
  put_sized(b, 6, 28, 0, 0);
  g_assert_cmpint(get_rc(b, 2, 0), ==, SB_ENOTFOUND);
  g_assert_cmpint(get_rc(b, 3, 0), ==, SB_ENOTFOUND);
  get_sized(b, 4, 12, 0, 0);
  get_sized(b, 5, 12, 0, 0);
  get_sized(b, 6, 28, 0, 0);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 3);
  put_sized(b, 7, 12, 0, 0);
  g_assert_cmpint(get_rc(b, 4, 0), ==, SB_ENOTFOUND);
  get_sized(b, 5, 12, 0, 0);
  get_sized(b, 6, 28, 0, 0);
  get_sized(b, 7, 12, 0, 0);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 3);
  /* A packet as large as the budget allows (60 bytes) leaves only itself. */
  put_sized(b, 8, 60, 0, 0);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 1);
  get_sized(b, 8, 60, 0, 0);
  g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, 64);
  sb_rtx_buffer_free(b);
}

/* Copies nobody can get any more are dropped before the ring grows: a seq
 * stored over and over, or packets older than max_age, keep the first
 * 16 KiB enough. */
static void test_dead_dropped_before_growth(void) {
  sb_rtx_buffer *b;
  g_assert_cmpint(sb_rtx_buffer_new(512, 1 << 20, 1000, &b), ==, SB_OK);
  for (unsigned i = 0; i < 100; i++)
    put_sized(b, 42, 1020, (uint8_t)i, 0);
  get_sized(b, 42, 1020, 99, 0);
  g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, 16384);
  g_assert_cmpuint(sb_rtx_buffer_count(b, 0), ==, 1);

  /* 1000 packets, a new one every 100 us, kept 1 ms: about 11 alive at a
   * time, never more than 16 KiB. */
  sb_rtx_buffer_clear(b);
  for (unsigned i = 0; i < 1000; i++) {
    int64_t now = 100 * (int64_t)i;
    put_sized(b, (uint16_t)i, 1020, 2, now);
    g_assert_cmpuint(sb_rtx_buffer_count(b, now), ==, MIN(i + 1, 11u));
  }
  g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, 16384);
  get_sized(b, 989, 1020, 2, 99900);
  g_assert_cmpint(get_rc(b, 988, 99900), ==, SB_ENOTFOUND);
  sb_rtx_buffer_free(b);
}

/* Packets of varying sizes (1..2048 bytes) stored in order through a 20 KiB
 * budget: memory never above the budget, what can be got is always the
 * newest packets, intact, and they fill the budget but for at most two
 * records' worth (the skipped end of the ring and the room for the next). */
static void test_varying_sizes(void) {
  sb_rtx_buffer *b;
  const size_t budget = 20000;
  static size_t size_of[3000];
  g_assert_cmpint(sb_rtx_buffer_new(1024, budget, 1000000, &b), ==, SB_OK);
  uint32_t x = 12345;
  for (unsigned i = 0; i < G_N_ELEMENTS(size_of); i++) {
    x = x * 1103515245u + 12345u;
    size_of[i] = 1 + (x >> 16) % 2048;
    put_sized(b, (uint16_t)i, size_of[i], 3, 0);
    g_assert_cmpuint(sb_rtx_buffer_memory(b), <=, budget);
    if (i % 97 != 0 && i != G_N_ELEMENTS(size_of) - 1) continue;
    /* Walk back from the newest while present. */
    size_t live = 0, n = 0;
    unsigned j = i + 1;
    while (j > 0 && get_rc(b, (uint16_t)(j - 1), 0) == SB_OK) {
      j--;
      get_sized(b, (uint16_t)j, size_of[j], 3, 0);
      live += (4 + size_of[j] + 3) & ~(size_t)3;
      n++;
    }
    g_assert_cmpuint(n, ==, sb_rtx_buffer_count(b, 0)); /* nothing older survives */
    g_assert_cmpuint(live, <=, budget);
    if (sb_rtx_buffer_memory(b) == budget) g_assert_cmpuint(live + 2 * 2052, >=, budget);
  }
  g_assert_cmpuint(sb_rtx_buffer_memory(b), ==, budget);
  sb_rtx_buffer_free(b);
}

static int resend_rc(sb_rtx_buffer *b, uint16_t seq, int64_t now, int64_t interval) {
  const uint8_t *p = NULL;
  size_t len = 0;
  int rc = sb_rtx_buffer_get_resend(b, seq, now, interval, &p, &len);
  if (rc) {
    g_assert_null(p);
    g_assert_cmpuint(len, ==, 0);
  } else {
    uint8_t want[4];
    fill(want, seq, 1);
    g_assert_cmpmem(p, len, want, sizeof want);
  }
  return rc;
}

/* Minimum interval 1000 us between resends of one packet. */
static void test_get_resend(void) {
  sb_rtx_buffer *b;
  g_assert_cmpint(sb_rtx_buffer_new(16, 4096, 1000000, &b), ==, SB_OK);
  put_ok(b, 5, 1, 0);
  put_ok(b, 6, 1, 0);
  g_assert_cmpint(resend_rc(b, 5, 100, 1000), ==, SB_OK);
  g_assert_cmpint(resend_rc(b, 5, 500, 1000), ==, SB_EEXIST);
  g_assert_cmpint(resend_rc(b, 5, 1099, 1000), ==, SB_EEXIST);
  get_ok(b, 5, 1, 1099);                                   /* a plain get is never refused */
  g_assert_cmpint(resend_rc(b, 6, 1099, 1000), ==, SB_OK); /* each packet on its own */
  g_assert_cmpint(resend_rc(b, 5, 1100, 1000), ==, SB_OK);
  g_assert_cmpint(resend_rc(b, 5, 1200, 1000), ==, SB_EEXIST); /* counted from 1100 */
  g_assert_cmpint(resend_rc(b, 5, 50, 1000), ==, SB_EEXIST);   /* clock went back */
  g_assert_cmpint(resend_rc(b, 5, 1200, 0), ==, SB_OK);        /* no minimum */
  g_assert_cmpint(resend_rc(b, 5, 1200, 0), ==, SB_OK);
  g_assert_cmpint(resend_rc(b, 5, 1200, -1), ==, SB_EINVAL);
  g_assert_cmpint(resend_rc(b, 7, 1200, 1000), ==, SB_ENOTFOUND);
  /* Stored again: a new packet, never resent. */
  put_ok(b, 5, 1, 1300);
  g_assert_cmpint(resend_rc(b, 5, 1300, 1000), ==, SB_OK);
  g_assert_cmpint(resend_rc(b, 5, 1301, 1000), ==, SB_EEXIST);
  /* Aged out: not found, whatever the interval. */
  g_assert_cmpint(resend_rc(b, 6, 1000001, 0), ==, SB_ENOTFOUND);
  sb_rtx_buffer_free(b);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtx-buffer/new-rejects", test_new_rejects);
  g_test_add_func("/rtx-buffer/evict-by-count-across-wrap", test_evict_by_count_across_wrap);
  g_test_add_func("/rtx-buffer/evict-by-age", test_evict_by_age);
  g_test_add_func("/rtx-buffer/behind-window-restart", test_behind_window_and_restart);
  g_test_add_func("/rtx-buffer/too-big", test_too_big);
  g_test_add_func("/rtx-buffer/growth-by-doubling", test_growth_by_doubling);
  g_test_add_func("/rtx-buffer/budget-evicts-oldest", test_budget_evicts_oldest);
  g_test_add_func("/rtx-buffer/dead-dropped-before-growth", test_dead_dropped_before_growth);
  g_test_add_func("/rtx-buffer/varying-sizes", test_varying_sizes);
  g_test_add_func("/rtx-buffer/get-resend", test_get_resend);
  return g_test_run();
}
