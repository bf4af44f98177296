/* test_seq.c - unit tests for sequence-number and timestamp wrap-around
 * arithmetic (seq.h). */
#include <glib.h>

#include "core/seq.h"

static void test_seq_diff(void) {
  g_assert_cmpint(sb_seq_diff(0, 65535), ==, 1); /* across the wrap */
  g_assert_cmpint(sb_seq_diff(65535, 0), ==, -1);
  g_assert_cmpint(sb_seq_diff(100, 50), ==, 50);
  g_assert_cmpint(sb_seq_diff(50, 100), ==, -50);
  g_assert_cmpint(sb_seq_diff(7, 7), ==, 0);
  g_assert_cmpint(sb_seq_diff(5, 65530), ==, 11);
  g_assert_cmpint(sb_seq_diff(0x7fff, 0), ==, 32767);
  g_assert_cmpint(sb_seq_diff(0x8000, 0), ==, -32768);
  g_assert_cmpint(sb_seq_diff(0, 0x8000), ==, -32768);
}

static void test_seq_newer(void) {
  g_assert_true(sb_seq_newer(0, 65535));
  g_assert_false(sb_seq_newer(65535, 0));
  g_assert_true(sb_seq_newer(2, 1));
  g_assert_false(sb_seq_newer(1, 2));
  g_assert_false(sb_seq_newer(9, 9));
  g_assert_true(sb_seq_newer(0x7fff, 0));
  g_assert_false(sb_seq_newer(0, 0x7fff));
  /* Half-way: exactly one of the two is newer. */
  g_assert_true(sb_seq_newer(0x8000, 0));
  g_assert_false(sb_seq_newer(0, 0x8000));
  g_assert_true(sb_seq_newer(0x8005, 5));
  g_assert_false(sb_seq_newer(5, 0x8005));
}

static void test_seq_extend(void) {
  g_assert_cmpuint(sb_seq_extend(0, 0), ==, 0);
  g_assert_cmpuint(sb_seq_extend(100, 101), ==, 101);
  g_assert_cmpuint(sb_seq_extend(100, 99), ==, 99);
  g_assert_cmpuint(sb_seq_extend(65535, 0), ==, 65536);     /* wrap forward */
  g_assert_cmpuint(sb_seq_extend(65536, 65535), ==, 65535); /* late packet */
  g_assert_cmpuint(sb_seq_extend(65536 + 3, 65533), ==, 65533);
  g_assert_cmpuint(sb_seq_extend(0x30000 + 10, 0xfff0), ==, 0x2fff0);
  g_assert_cmpuint(sb_seq_extend(0x30000 + 10, 0x7000), ==, 0x37000);
  g_assert_cmpuint(sb_seq_extend(0x30000 + 0xfff0, 5), ==, 0x40005);
  /* Before cycle 0 there is nothing: stays in cycle 0. */
  g_assert_cmpuint(sb_seq_extend(5, 65535), ==, 65535);
  /* Walk forward through three wraps one packet at a time. */
  uint64_t ext = 65000;
  for (uint32_t i = 1; i <= 3 * 65536; i++)
    ext = sb_seq_extend(ext, (uint16_t)(65000 + i));
  g_assert_cmpuint(ext, ==, 65000 + 3 * 65536);
}

static void test_ts(void) {
  g_assert_cmpint(sb_ts_diff(0, 0xffffffffu), ==, 1);
  g_assert_cmpint(sb_ts_diff(0xffffffffu, 0), ==, -1);
  g_assert_cmpint(sb_ts_diff(3000, 0xfffffc18u), ==, 4000); /* 0xfffffc18 = -1000 */
  g_assert_cmpint(sb_ts_diff(0x80000000u, 0), ==, INT32_MIN);
  g_assert_true(sb_ts_newer(10, 0xfffffff0u));
  g_assert_false(sb_ts_newer(0xfffffff0u, 10));
  g_assert_false(sb_ts_newer(42, 42));
  g_assert_true(sb_ts_newer(0x80000000u, 0));
  g_assert_false(sb_ts_newer(0, 0x80000000u));
  g_assert_cmpuint(sb_ts_extend(0xffffff00u, 0x100), ==, G_GUINT64_CONSTANT(0x100000100));
  g_assert_cmpuint(sb_ts_extend(G_GUINT64_CONSTANT(0x100000100), 0xffffff00u), ==, 0xffffff00u);
  g_assert_cmpuint(sb_ts_extend(100, 0xffffff00u), ==, 0xffffff00u);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/seq/diff", test_seq_diff);
  g_test_add_func("/seq/newer", test_seq_newer);
  g_test_add_func("/seq/extend", test_seq_extend);
  g_test_add_func("/seq/timestamp", test_ts);
  return g_test_run();
}
