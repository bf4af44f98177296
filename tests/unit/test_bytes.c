/* test_bytes.c - unit tests for the bounds-checked reader/writer (bytes.c). */
#include <glib.h>

#include "core/bytes.h"
#include "core/error.h"

static void test_read_values(void) {
  const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                         0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12};
  sb_reader r;
  uint8_t u8;
  uint16_t u16;
  uint32_t u24, u32;
  uint64_t u64;
  sb_reader_init(&r, buf, sizeof buf);
  g_assert_cmpint(sb_reader_u8(&r, &u8), ==, SB_OK);
  g_assert_cmpuint(u8, ==, 0x01);
  g_assert_cmpint(sb_reader_u16(&r, &u16), ==, SB_OK);
  g_assert_cmpuint(u16, ==, 0x0203);
  g_assert_cmpint(sb_reader_u24(&r, &u24), ==, SB_OK);
  g_assert_cmpuint(u24, ==, 0x040506);
  g_assert_cmpint(sb_reader_u32(&r, &u32), ==, SB_OK);
  g_assert_cmpuint(u32, ==, 0x0708090a);
  g_assert_cmpint(sb_reader_u64(&r, &u64), ==, SB_OK);
  g_assert_cmpuint(u64, ==, G_GUINT64_CONSTANT(0x0b0c0d0e0f101112));
  g_assert_cmpuint(sb_reader_left(&r), ==, 0);
}

static void test_read_truncated_leaves_reader(void) {
  const uint8_t buf[] = {0xaa, 0xbb, 0xcc};
  sb_reader r;
  uint32_t u32 = 7;
  const uint8_t *p = NULL;
  sb_reader_init(&r, buf, sizeof buf);
  g_assert_cmpint(sb_reader_u32(&r, &u32), ==, SB_ETRUNC);
  g_assert_cmpuint(u32, ==, 7);
  g_assert_cmpuint(r.pos, ==, 0);
  g_assert_cmpint(sb_reader_bytes(&r, 4, &p), ==, SB_ETRUNC);
  g_assert_null(p);
  g_assert_cmpint(sb_reader_skip(&r, 2), ==, SB_OK);
  g_assert_cmpint(sb_reader_bytes(&r, 1, &p), ==, SB_OK);
  g_assert_cmpuint(p[0], ==, 0xcc);
  g_assert_cmpint(sb_reader_skip(&r, 1), ==, SB_ETRUNC);
}

static void test_write_and_overflow(void) {
  uint8_t buf[8];
  sb_writer w;
  sb_writer_init(&w, buf, sizeof buf);
  g_assert_cmpint(sb_writer_u16(&w, 0xbeef), ==, SB_OK);
  g_assert_cmpint(sb_writer_u24(&w, 0x123456), ==, SB_OK);
  g_assert_cmpint(sb_writer_u8(&w, 0x7f), ==, SB_OK);
  g_assert_cmpint(sb_writer_u32(&w, 1), ==, SB_ENOSPC);
  g_assert_cmpint(sb_writer_zeros(&w, 2), ==, SB_OK);
  g_assert_cmpint(sb_writer_u8(&w, 0), ==, SB_ENOSPC);
  g_assert_cmpuint(sb_writer_len(&w), ==, 8);
  const uint8_t want[] = {0xbe, 0xef, 0x12, 0x34, 0x56, 0x7f, 0, 0};
  g_assert_cmpmem(buf, 8, want, 8);
}

static void test_strerror(void) {
  g_assert_cmpstr(sb_strerror(SB_ETRUNC), ==, "truncated");
  g_assert_cmpstr(sb_strerror(-999), ==, "unknown");
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bytes/read-values", test_read_values);
  g_test_add_func("/bytes/read-truncated", test_read_truncated_leaves_reader);
  g_test_add_func("/bytes/write-overflow", test_write_and_overflow);
  g_test_add_func("/bytes/strerror", test_strerror);
  return g_test_run();
}
