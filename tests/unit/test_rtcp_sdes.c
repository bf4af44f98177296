/* test_rtcp_sdes.c - unit tests for source description packets
 * (server/core/rtcp_sdes.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_sdes.h"

/* Chrome's SDES: one chunk, one 16-character CNAME. */
/* clang-format off */
static const uint8_t chrome_sdes[] = {
    0x81, 0xca, 0x00, 0x06, /* V=2 P=0 SC=1 | PT=202 | length 6 (28 octets) */
    0x12, 0x34, 0x56, 0x78, /* chunk SSRC */
    0x01, 0x10,             /* CNAME, 16 octets */
    '4',  'T',  'O',  'k',  '4', '2', 'm', 'S', 'j', 'X', 'C', 'k', 'V', 'I', 'a', '6',
    0x00, 0x00, /* end of items, pad to 32 bits (4 + 2 + 16 + 2 = 24) */
};
/* clang-format on */

/* Two chunks: CNAME "abc" and TOOL "xy"; then a chunk with no items. */
/* clang-format off */
static const uint8_t two_chunks[] = {
    0x82, 0xca, 0x00, 0x06,       /* V=2 P=0 SC=2 | PT=202 | length 6 (28 octets) */
    0x00, 0x00, 0x00, 0x01,       /* chunk 1 SSRC */
    0x01, 0x03, 'a',  'b',  'c',  /* CNAME "abc" */
    0x06, 0x02, 'x',  'y',        /* TOOL "xy" */
    0x00, 0x00, 0x00,             /* end, pad: 4 + 5 + 4 + 3 = 16 */
    0x00, 0x00, 0x00, 0x02,       /* chunk 2 SSRC */
    0x00, 0x00, 0x00, 0x00,       /* no items: end, pad */
};
/* clang-format on */

static void test_parse_chrome(void) {
  sb_rtcp_sdes s;
  g_assert_cmpint(sb_rtcp_sdes_parse(chrome_sdes, sizeof chrome_sdes, &s), ==, SB_OK);
  g_assert_cmpuint(s.n_chunks, ==, 1);
  g_assert_cmpuint(s.chunks[0].ssrc, ==, 0x12345678);
  g_assert_cmpuint(s.chunks[0].n_items, ==, 1);
  g_assert_cmpuint(s.chunks[0].items[0].type, ==, SB_RTCP_SDES_CNAME);
  g_assert_cmpuint(s.chunks[0].items[0].len, ==, 16);
  g_assert_true(s.chunks[0].items[0].data == chrome_sdes + 10); /* borrowed */
  g_assert_cmpmem(s.chunks[0].items[0].data, 16, "4TOk42mSjXCkVIa6", 16);
  const sb_rtcp_sdes_item *cname = sb_rtcp_sdes_find(&s.chunks[0], SB_RTCP_SDES_CNAME);
  g_assert_nonnull(cname);
  g_assert_true(cname == &s.chunks[0].items[0]);
  g_assert_null(sb_rtcp_sdes_find(&s.chunks[0], SB_RTCP_SDES_NAME));

  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_sdes_write_cname(0x12345678, "4TOk42mSjXCkVIa6", buf, sizeof buf, &n), ==,
                  SB_OK);
  g_assert_cmpmem(buf, n, chrome_sdes, sizeof chrome_sdes);
  g_assert_cmpint(sb_rtcp_sdes_write(&s, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, chrome_sdes, sizeof chrome_sdes);
}

static void test_parse_two_chunks(void) {
  sb_rtcp_sdes s;
  g_assert_cmpint(sb_rtcp_sdes_parse(two_chunks, sizeof two_chunks, &s), ==, SB_OK);
  g_assert_cmpuint(s.n_chunks, ==, 2);
  g_assert_cmpuint(s.chunks[0].ssrc, ==, 1);
  g_assert_cmpuint(s.chunks[0].n_items, ==, 2);
  g_assert_cmpuint(s.chunks[0].items[0].type, ==, SB_RTCP_SDES_CNAME);
  g_assert_cmpmem(s.chunks[0].items[0].data, s.chunks[0].items[0].len, "abc", 3);
  g_assert_cmpuint(s.chunks[0].items[1].type, ==, SB_RTCP_SDES_TOOL);
  g_assert_cmpmem(s.chunks[0].items[1].data, s.chunks[0].items[1].len, "xy", 2);
  g_assert_cmpuint(s.chunks[1].ssrc, ==, 2);
  g_assert_cmpuint(s.chunks[1].n_items, ==, 0);
  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_sdes_write(&s, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, two_chunks, sizeof two_chunks);
}

static void test_write_cname_exact_fit(void) {
  /* 4 + 2 + 2 = 8 octets of chunk: the null terminator needs a whole new word. */
  const uint8_t want[] = {0x81, 0xca, 0x00, 0x03, 0xaa, 0xbb, 0xcc, 0xdd,
                          0x01, 0x02, 'a',  'b',  0x00, 0x00, 0x00, 0x00};
  uint8_t buf[32];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_sdes_write_cname(0xaabbccdd, "ab", buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, want, sizeof want);
  g_assert_cmpint(sb_rtcp_sdes_write_cname(0xaabbccdd, "ab", buf, 15, &n), ==, SB_ENOSPC);
  g_assert_cmpint(sb_rtcp_sdes_write_cname(1, NULL, buf, sizeof buf, &n), ==, SB_EINVAL);
  char longname[257];
  memset(longname, 'x', 256);
  longname[256] = 0;
  g_assert_cmpint(sb_rtcp_sdes_write_cname(1, longname, buf, sizeof buf, &n), ==, SB_EINVAL);
  longname[255] = 0; /* 255 is the most an item holds */
  uint8_t big[4 + 4 + 2 + 255 + 3];
  g_assert_cmpint(sb_rtcp_sdes_write_cname(1, longname, big, sizeof big, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, sizeof big);
  sb_rtcp_sdes s;
  g_assert_cmpint(sb_rtcp_sdes_parse(big, n, &s), ==, SB_OK);
  g_assert_cmpuint(s.chunks[0].items[0].len, ==, 255);
}

static void test_round_trip_full(void) {
  static sb_rtcp_sdes in, back;
  static uint8_t text[256];
  for (unsigned i = 0; i < sizeof text; i++)
    text[i] = (uint8_t)('A' + i % 26);
  memset(&in, 0, sizeof in);
  in.n_chunks = SB_RTCP_SDES_MAX_CHUNKS;
  for (unsigned c = 0; c < in.n_chunks; c++) {
    in.chunks[c].ssrc = 0x100 + c;
    in.chunks[c].n_items = (uint8_t)(c % (SB_RTCP_SDES_MAX_ITEMS + 1));
    for (unsigned i = 0; i < in.chunks[c].n_items; i++) {
      in.chunks[c].items[i].type = (uint8_t)(1 + (c + i) % 8);
      in.chunks[c].items[i].len = (uint8_t)((c * 37 + i * 11) % 256);
      in.chunks[c].items[i].data = text;
    }
  }
  static uint8_t buf[65536];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_sdes_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n % 4, ==, 0);
  g_assert_cmpint(sb_rtcp_compound_check(buf, n, SB_RTCP_ALLOW_REDUCED_SIZE), ==, SB_OK);
  g_assert_cmpint(sb_rtcp_sdes_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpuint(back.n_chunks, ==, in.n_chunks);
  for (unsigned c = 0; c < in.n_chunks; c++) {
    g_assert_cmpuint(back.chunks[c].ssrc, ==, in.chunks[c].ssrc);
    g_assert_cmpuint(back.chunks[c].n_items, ==, in.chunks[c].n_items);
    for (unsigned i = 0; i < in.chunks[c].n_items; i++) {
      g_assert_cmpuint(back.chunks[c].items[i].type, ==, in.chunks[c].items[i].type);
      g_assert_cmpmem(back.chunks[c].items[i].data, back.chunks[c].items[i].len,
                      in.chunks[c].items[i].data, in.chunks[c].items[i].len);
    }
  }
}

static void test_bad_input(void) {
  sb_rtcp_sdes s;
  s.n_chunks = 99;
  uint8_t buf[sizeof two_chunks];
  /* SC=3, two chunks present. */
  memcpy(buf, two_chunks, sizeof buf);
  buf[0] = 0x83;
  g_assert_cmpint(sb_rtcp_sdes_parse(buf, sizeof buf, &s), ==, SB_ETRUNC);
  /* The CNAME says 30 octets. */
  memcpy(buf, two_chunks, sizeof buf);
  buf[9] = 30;
  g_assert_cmpint(sb_rtcp_sdes_parse(buf, sizeof buf, &s), ==, SB_ETRUNC);
  /* Not an SDES. */
  memcpy(buf, two_chunks, sizeof buf);
  buf[1] = SB_RTCP_PT_BYE;
  g_assert_cmpint(sb_rtcp_sdes_parse(buf, sizeof buf, &s), ==, SB_EINVAL);
  /* Length field past the buffer. */
  g_assert_cmpint(sb_rtcp_sdes_parse(two_chunks, sizeof two_chunks - 4, &s), ==, SB_ETRUNC);
  /* An item list without its null octet. */
  const uint8_t no_end[] = {0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'};
  g_assert_cmpint(sb_rtcp_sdes_parse(no_end, sizeof no_end, &s), ==, SB_ETRUNC);
  /* An item type with its length octet missing. */
  const uint8_t no_len[] = {0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x01, 'a', 0x02};
  g_assert_cmpint(sb_rtcp_sdes_parse(no_len, sizeof no_len, &s), ==, SB_ETRUNC);
  /* Nine items in one chunk. */
  const uint8_t nine[] = {0x81, 0xca, 0x00, 0x06, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0,
                          1,    0,    1,    0,    1, 0, 1, 0, 1, 0, 1, 0, 0, 0};
  g_assert_cmpint(sb_rtcp_sdes_parse(nine, sizeof nine, &s), ==, SB_ETOOBIG);
  g_assert_cmpuint(s.n_chunks, ==, 99); /* untouched */
  /* ... and eight is fine. */
  uint8_t eight[sizeof nine];
  memcpy(eight, nine, sizeof eight);
  eight[24] = 0;
  g_assert_cmpint(sb_rtcp_sdes_parse(eight, sizeof eight, &s), ==, SB_OK);
  g_assert_cmpuint(s.chunks[0].n_items, ==, 8);
  g_assert_cmpuint(s.chunks[0].items[7].len, ==, 0);
}

static void test_write_bad(void) {
  sb_rtcp_sdes s;
  uint8_t buf[64];
  size_t n = 0;
  memset(&s, 0, sizeof s);
  s.n_chunks = 1;
  s.chunks[0].n_items = 1;
  s.chunks[0].items[0].type = 0;
  g_assert_cmpint(sb_rtcp_sdes_write(&s, buf, sizeof buf, &n), ==, SB_EINVAL);
  s.chunks[0].items[0].type = SB_RTCP_SDES_CNAME;
  s.chunks[0].items[0].len = 3; /* and no data */
  g_assert_cmpint(sb_rtcp_sdes_write(&s, buf, sizeof buf, &n), ==, SB_EINVAL);
  s.chunks[0].items[0].len = 0; /* an empty item needs none */
  g_assert_cmpint(sb_rtcp_sdes_write(&s, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 12);
  s.chunks[0].n_items = SB_RTCP_SDES_MAX_ITEMS + 1;
  g_assert_cmpint(sb_rtcp_sdes_write(&s, buf, sizeof buf, &n), ==, SB_ETOOBIG);
  s.chunks[0].n_items = 0;
  s.n_chunks = 32;
  g_assert_cmpint(sb_rtcp_sdes_write(&s, buf, sizeof buf, &n), ==, SB_ETOOBIG);
  /* An SDES with no chunks is just a header. */
  s.n_chunks = 0;
  g_assert_cmpint(sb_rtcp_sdes_write(&s, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 4);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-sdes/parse-chrome", test_parse_chrome);
  g_test_add_func("/rtcp-sdes/parse-two-chunks", test_parse_two_chunks);
  g_test_add_func("/rtcp-sdes/write-cname-exact-fit", test_write_cname_exact_fit);
  g_test_add_func("/rtcp-sdes/round-trip-full", test_round_trip_full);
  g_test_add_func("/rtcp-sdes/bad-input", test_bad_input);
  g_test_add_func("/rtcp-sdes/write-bad", test_write_bad);
  return g_test_run();
}
