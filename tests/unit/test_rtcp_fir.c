/* test_rtcp_fir.c - unit tests for full intra requests
 * (server/core/rtcp_fir.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_fir.h"

/* clang-format off */
static const uint8_t fir_two[] = {
    0x84, 0xce, 0x00, 0x06, /* V=2 P=0 FMT=4 | PT=206 (PSFB) | length 6 (28 octets) */
    0x00, 0x00, 0x00, 0x01, /* SSRC of packet sender */
    0x00, 0x00, 0x00, 0x00, /* SSRC of media source: unused */
    0xaa, 0xaa, 0xaa, 0xaa, /* entry 1: SSRC */
    0x05, 0x00, 0x00, 0x00, /*          seq nr 5, reserved */
    0xbb, 0xbb, 0xbb, 0xbb, /* entry 2: SSRC */
    0xff, 0x00, 0x00, 0x00, /*          seq nr 255, reserved */
};
/* clang-format on */

static void test_parse_known(void) {
  sb_rtcp_fir f;
  g_assert_cmpint(sb_rtcp_fir_parse(fir_two, sizeof fir_two, &f), ==, SB_OK);
  g_assert_cmpuint(f.sender_ssrc, ==, 1);
  g_assert_cmpuint(f.media_ssrc, ==, 0);
  g_assert_cmpuint(f.n_entries, ==, 2);
  g_assert_cmpuint(f.entries[0].ssrc, ==, 0xaaaaaaaa);
  g_assert_cmpuint(f.entries[0].seq, ==, 5);
  g_assert_cmpuint(f.entries[1].ssrc, ==, 0xbbbbbbbb);
  g_assert_cmpuint(f.entries[1].seq, ==, 255);
  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_fir_write(&f, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, fir_two, sizeof fir_two);
  g_assert_cmpint(sb_rtcp_fir_write(&f, buf, sizeof fir_two - 1, &n), ==, SB_ENOSPC);
}

static void test_round_trip_full(void) {
  sb_rtcp_fir in, back;
  memset(&in, 0, sizeof in);
  memset(&back, 0, sizeof back); /* struct padding */
  in.sender_ssrc = 9;
  in.n_entries = SB_RTCP_FIR_MAX_ENTRIES;
  for (unsigned i = 0; i < in.n_entries; i++) {
    in.entries[i].ssrc = 1000 + i;
    in.entries[i].seq = (uint8_t)(i * 7);
  }
  uint8_t buf[12 + 8 * SB_RTCP_FIR_MAX_ENTRIES];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_fir_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, sizeof buf);
  g_assert_cmpint(sb_rtcp_fir_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpmem(&back, sizeof back, &in, sizeof in);
  in.n_entries = SB_RTCP_FIR_MAX_ENTRIES + 1;
  g_assert_cmpint(sb_rtcp_fir_write(&in, buf, sizeof buf, &n), ==, SB_ETOOBIG);
  in.n_entries = 0;
  g_assert_cmpint(sb_rtcp_fir_write(&in, buf, sizeof buf, &n), ==, SB_EINVAL);
}

static void test_bad_input(void) {
  sb_rtcp_fir f;
  f.n_entries = 99;
  uint8_t buf[sizeof fir_two];
  memcpy(buf, fir_two, sizeof buf);
  buf[0] = 0x81; /* FMT=1: a PLI */
  g_assert_cmpint(sb_rtcp_fir_parse(buf, sizeof buf, &f), ==, SB_EINVAL);
  memcpy(buf, fir_two, sizeof buf);
  buf[1] = SB_RTCP_PT_RTPFB;
  g_assert_cmpint(sb_rtcp_fir_parse(buf, sizeof buf, &f), ==, SB_EINVAL);
  memcpy(buf, fir_two, sizeof buf);
  buf[3] = 0x02; /* no entries */
  g_assert_cmpint(sb_rtcp_fir_parse(buf, sizeof buf, &f), ==, SB_EINVAL);
  buf[3] = 0x05; /* one and a half entries */
  g_assert_cmpint(sb_rtcp_fir_parse(buf, sizeof buf, &f), ==, SB_EINVAL);
  buf[3] = 0x07; /* length past the buffer */
  g_assert_cmpint(sb_rtcp_fir_parse(buf, sizeof buf, &f), ==, SB_ETRUNC);
  g_assert_cmpuint(f.n_entries, ==, 99);
  /* 33 entries: past the capacity. */
  static uint8_t big[12 + 8 * 33];
  memset(big, 0, sizeof big);
  big[0] = 0x84, big[1] = 0xce, big[3] = (uint8_t)(sizeof big / 4 - 1);
  g_assert_cmpint(sb_rtcp_fir_parse(big, sizeof big, &f), ==, SB_ETOOBIG);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-fir/parse-known", test_parse_known);
  g_test_add_func("/rtcp-fir/round-trip-full", test_round_trip_full);
  g_test_add_func("/rtcp-fir/bad-input", test_bad_input);
  return g_test_run();
}
