/* test_rtcp_bye.c - unit tests for goodbye packets (server/core/rtcp_bye.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_bye.h"

/* clang-format off */
static const uint8_t bye_plain[] = {
    0x81, 0xcb, 0x00, 0x01, /* V=2 P=0 SC=1 | PT=203 | length 1 */
    0x12, 0x34, 0x56, 0x78, /* SSRC */
};
/* clang-format on */

/* clang-format off */
static const uint8_t bye_reason[] = {
    0x82, 0xcb, 0x00, 0x04, /* V=2 P=0 SC=2 | PT=203 | length 4 (20 octets) */
    0x00, 0x00, 0x00, 0x0a, /* SSRC 10 */
    0x00, 0x00, 0x00, 0x0b, /* SSRC 11 */
    0x05, 'l',  'e',  'f',  /* reason, 5 octets: "left!" */
    't',  '!',  0x00, 0x00, /* zero padding */
};
/* clang-format on */

static void test_parse_plain(void) {
  sb_rtcp_bye b;
  g_assert_cmpint(sb_rtcp_bye_parse(bye_plain, sizeof bye_plain, &b), ==, SB_OK);
  g_assert_cmpuint(b.n_ssrcs, ==, 1);
  g_assert_cmpuint(b.ssrcs[0], ==, 0x12345678);
  g_assert_null(b.reason);
  g_assert_cmpuint(b.reason_len, ==, 0);
  uint8_t buf[32];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_bye_write(&b, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, bye_plain, sizeof bye_plain);
}

static void test_parse_reason(void) {
  sb_rtcp_bye b;
  g_assert_cmpint(sb_rtcp_bye_parse(bye_reason, sizeof bye_reason, &b), ==, SB_OK);
  g_assert_cmpuint(b.n_ssrcs, ==, 2);
  g_assert_cmpuint(b.ssrcs[0], ==, 10);
  g_assert_cmpuint(b.ssrcs[1], ==, 11);
  g_assert_true(b.reason == bye_reason + 13);
  g_assert_cmpmem(b.reason, b.reason_len, "left!", 5);
  uint8_t buf[32];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_bye_write(&b, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, bye_reason, sizeof bye_reason);
  g_assert_cmpint(sb_rtcp_bye_write(&b, buf, 19, &n), ==, SB_ENOSPC);
}

static void test_round_trip(void) {
  sb_rtcp_bye in, back;
  memset(&in, 0, sizeof in);
  in.n_ssrcs = SB_RTCP_BYE_MAX_SSRCS;
  for (unsigned i = 0; i < in.n_ssrcs; i++)
    in.ssrcs[i] = 0xf0000000u + i;
  uint8_t reason[255];
  memset(reason, 'r', sizeof reason);
  in.reason = reason;
  in.reason_len = 255;
  uint8_t buf[4 + 31 * 4 + 256];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_bye_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, sizeof buf);
  g_assert_cmpint(sb_rtcp_bye_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpuint(back.n_ssrcs, ==, 31);
  g_assert_cmpmem(back.ssrcs, 31 * 4, in.ssrcs, 31 * 4);
  g_assert_cmpmem(back.reason, back.reason_len, reason, 255);
  /* An empty reason is kept apart from no reason. */
  in.n_ssrcs = 1;
  in.reason_len = 0;
  g_assert_cmpint(sb_rtcp_bye_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 12);
  g_assert_cmpint(sb_rtcp_bye_parse(buf, n, &back), ==, SB_OK);
  g_assert_nonnull(back.reason);
  g_assert_cmpuint(back.reason_len, ==, 0);
  /* SC=0 is valid, if useless. */
  in.n_ssrcs = 0;
  in.reason = NULL;
  g_assert_cmpint(sb_rtcp_bye_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 4);
  g_assert_cmpint(sb_rtcp_bye_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpuint(back.n_ssrcs, ==, 0);
}

static void test_bad_input(void) {
  sb_rtcp_bye b;
  b.n_ssrcs = 99;
  uint8_t buf[sizeof bye_reason];
  /* SC=5: the SSRC list runs past the body. */
  memcpy(buf, bye_reason, sizeof buf);
  buf[0] = 0x85;
  g_assert_cmpint(sb_rtcp_bye_parse(buf, sizeof buf, &b), ==, SB_ETRUNC);
  /* The reason says 8 octets, 7 are left. */
  memcpy(buf, bye_reason, sizeof buf);
  buf[12] = 8;
  g_assert_cmpint(sb_rtcp_bye_parse(buf, sizeof buf, &b), ==, SB_ETRUNC);
  buf[12] = 7; /* exactly what is left */
  g_assert_cmpint(sb_rtcp_bye_parse(buf, sizeof buf, &b), ==, SB_OK);
  b.n_ssrcs = 99;
  /* Wrong packet type, and a length past the buffer. */
  memcpy(buf, bye_reason, sizeof buf);
  buf[1] = SB_RTCP_PT_SDES;
  g_assert_cmpint(sb_rtcp_bye_parse(buf, sizeof buf, &b), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_bye_parse(bye_reason, 16, &b), ==, SB_ETRUNC);
  g_assert_cmpuint(b.n_ssrcs, ==, 99);

  sb_rtcp_bye w;
  memset(&w, 0, sizeof w);
  uint8_t out[256];
  size_t n;
  w.n_ssrcs = 32;
  g_assert_cmpint(sb_rtcp_bye_write(&w, out, sizeof out, &n), ==, SB_ETOOBIG);
  w.n_ssrcs = 1;
  w.reason_len = 4; /* and no reason */
  g_assert_cmpint(sb_rtcp_bye_write(&w, out, sizeof out, &n), ==, SB_EINVAL);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-bye/parse-plain", test_parse_plain);
  g_test_add_func("/rtcp-bye/parse-reason", test_parse_reason);
  g_test_add_func("/rtcp-bye/round-trip", test_round_trip);
  g_test_add_func("/rtcp-bye/bad-input", test_bad_input);
  return g_test_run();
}
