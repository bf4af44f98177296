/* test_rtcp_pli.c - unit tests for picture loss indication
 * (server/core/rtcp_pli.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_pli.h"

/* clang-format off */
static const uint8_t pli[] = {
    0x81, 0xce, 0x00, 0x02, /* V=2 P=0 FMT=1 | PT=206 (PSFB) | length 2 */
    0x00, 0x00, 0x00, 0x01, /* SSRC of packet sender */
    0x5e, 0xed, 0xf0, 0x0d, /* SSRC of media source */
};
/* clang-format on */

static void test_parse_known(void) {
  sb_rtcp_pli p;
  g_assert_cmpint(sb_rtcp_pli_parse(pli, sizeof pli, &p), ==, SB_OK);
  g_assert_cmpuint(p.sender_ssrc, ==, 1);
  g_assert_cmpuint(p.media_ssrc, ==, 0x5eedf00d);
}

static void test_round_trip(void) {
  sb_rtcp_pli in = {.sender_ssrc = 0xffffffff, .media_ssrc = 0}, back;
  uint8_t buf[12];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_pli_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 12);
  g_assert_cmpint(sb_rtcp_pli_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpuint(back.sender_ssrc, ==, in.sender_ssrc);
  g_assert_cmpuint(back.media_ssrc, ==, in.media_ssrc);
  sb_rtcp_pli known = {.sender_ssrc = 1, .media_ssrc = 0x5eedf00d};
  g_assert_cmpint(sb_rtcp_pli_write(&known, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, pli, sizeof pli);
  g_assert_cmpint(sb_rtcp_pli_write(&known, buf, 11, &n), ==, SB_ENOSPC);
}

static void test_bad_input(void) {
  sb_rtcp_pli p = {.sender_ssrc = 5, .media_ssrc = 6};
  uint8_t buf[sizeof pli];
  memcpy(buf, pli, sizeof buf);
  buf[0] = 0x84; /* FMT=4: a FIR */
  g_assert_cmpint(sb_rtcp_pli_parse(buf, sizeof buf, &p), ==, SB_EINVAL);
  memcpy(buf, pli, sizeof buf);
  buf[1] = SB_RTCP_PT_RTPFB; /* FMT=1 there is a NACK */
  g_assert_cmpint(sb_rtcp_pli_parse(buf, sizeof buf, &p), ==, SB_EINVAL);
  memcpy(buf, pli, sizeof buf);
  buf[3] = 0x01; /* length 1: media SSRC missing */
  g_assert_cmpint(sb_rtcp_pli_parse(buf, sizeof buf, &p), ==, SB_ETRUNC);
  buf[3] = 0x03; /* length past the buffer */
  g_assert_cmpint(sb_rtcp_pli_parse(buf, sizeof buf, &p), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtcp_pli_parse(pli, 8, &p), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtcp_pli_parse(NULL, 0, &p), ==, SB_ETRUNC);
  g_assert_cmpuint(p.sender_ssrc, ==, 5);
  g_assert_cmpuint(p.media_ssrc, ==, 6);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-pli/parse-known", test_parse_known);
  g_test_add_func("/rtcp-pli/round-trip", test_round_trip);
  g_test_add_func("/rtcp-pli/bad-input", test_bad_input);
  return g_test_run();
}
