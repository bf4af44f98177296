/* test_rtcp_nack.c - unit tests for generic NACK, its expansion and
 * construction (server/core/rtcp_nack.c), across the 65535 -> 0 wrap. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_nack.h"

/* clang-format off */
static const uint8_t nack_one[] = {
    0x81, 0xcd, 0x00, 0x03, /* V=2 P=0 FMT=1 | PT=205 (RTPFB) | length 3 */
    0x00, 0x00, 0x00, 0x01, /* SSRC of packet sender */
    0x00, 0x00, 0x00, 0x02, /* SSRC of media source */
    0x00, 0x64, 0x80, 0x05, /* PID 100, BLP 1000 0000 0000 0101: 101, 103, 116 */
};
/* clang-format on */

static void test_parse_known(void) {
  sb_rtcp_nack n;
  g_assert_cmpint(sb_rtcp_nack_parse(nack_one, sizeof nack_one, &n), ==, SB_OK);
  g_assert_cmpuint(n.sender_ssrc, ==, 1);
  g_assert_cmpuint(n.media_ssrc, ==, 2);
  g_assert_cmpuint(n.n_pairs, ==, 1);
  g_assert_cmpuint(n.pairs[0].pid, ==, 100);
  g_assert_cmpuint(n.pairs[0].blp, ==, 0x8005);
  uint16_t seqs[17];
  size_t cnt = 0;
  g_assert_cmpint(sb_rtcp_nack_expand(&n, seqs, G_N_ELEMENTS(seqs), &cnt), ==, SB_OK);
  const uint16_t want[] = {100, 101, 103, 116};
  g_assert_cmpmem(seqs, cnt * 2, want, sizeof want);
  cnt = 77;
  g_assert_cmpint(sb_rtcp_nack_expand(&n, seqs, 3, &cnt), ==, SB_ENOSPC);
  g_assert_cmpuint(cnt, ==, 77);

  /* And back: the same single pair, the same octets. */
  sb_rtcp_nack b;
  g_assert_cmpint(sb_rtcp_nack_build(1, 2, want, G_N_ELEMENTS(want), &b), ==, SB_OK);
  g_assert_cmpuint(b.n_pairs, ==, 1);
  g_assert_cmpuint(b.pairs[0].pid, ==, 100);
  g_assert_cmpuint(b.pairs[0].blp, ==, 0x8005);
  uint8_t buf[64];
  size_t len = 0;
  g_assert_cmpint(sb_rtcp_nack_write(&b, buf, sizeof buf, &len), ==, SB_OK);
  g_assert_cmpmem(buf, len, nack_one, sizeof nack_one);
  g_assert_cmpint(sb_rtcp_nack_write(&b, buf, 15, &len), ==, SB_ENOSPC);
}

static void test_wrap_around(void) {
  /* 65530 is the PID; 65535 is PID+5 (bit 4), 0 is PID+6 (bit 5), 5 is
   * PID+11 (bit 10), 10 is PID+16 (bit 15): BLP 0x8430. */
  const uint16_t seqs[] = {65530, 65535, 0, 5, 10};
  sb_rtcp_nack n;
  g_assert_cmpint(sb_rtcp_nack_build(7, 8, seqs, G_N_ELEMENTS(seqs), &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 1);
  g_assert_cmpuint(n.pairs[0].pid, ==, 65530);
  g_assert_cmpuint(n.pairs[0].blp, ==, 0x8430);
  uint8_t buf[32];
  size_t len = 0;
  g_assert_cmpint(sb_rtcp_nack_write(&n, buf, sizeof buf, &len), ==, SB_OK);
  const uint8_t want[] = {0x81, 0xcd, 0x00, 0x03, 0, 0, 0, 7, 0, 0, 0, 8, 0xff, 0xfa, 0x84, 0x30};
  g_assert_cmpmem(buf, len, want, sizeof want);
  sb_rtcp_nack back;
  g_assert_cmpint(sb_rtcp_nack_parse(buf, len, &back), ==, SB_OK);
  uint16_t out[32];
  size_t cnt = 0;
  g_assert_cmpint(sb_rtcp_nack_expand(&back, out, G_N_ELEMENTS(out), &cnt), ==, SB_OK);
  g_assert_cmpmem(out, cnt * 2, seqs, sizeof seqs);

  /* 11 after 65530 is PID+17: a second pair starting at 11. */
  const uint16_t seqs2[] = {65530, 65535, 0, 5, 10, 11, 12};
  g_assert_cmpint(sb_rtcp_nack_build(7, 8, seqs2, G_N_ELEMENTS(seqs2), &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 2);
  g_assert_cmpuint(n.pairs[1].pid, ==, 11);
  g_assert_cmpuint(n.pairs[1].blp, ==, 0x0001);
  g_assert_cmpint(sb_rtcp_nack_expand(&n, out, G_N_ELEMENTS(out), &cnt), ==, SB_OK);
  g_assert_cmpmem(out, cnt * 2, seqs2, sizeof seqs2);

  /* A PID of 65535 with bits reaching past the wrap. */
  const uint16_t seqs3[] = {65535, 0, 15};
  g_assert_cmpint(sb_rtcp_nack_build(7, 8, seqs3, G_N_ELEMENTS(seqs3), &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 1);
  g_assert_cmpuint(n.pairs[0].blp, ==, 0x8001);
}

static void test_build_minimal(void) {
  uint16_t seqs[40];
  sb_rtcp_nack n;
  for (unsigned i = 0; i < 40; i++)
    seqs[i] = (uint16_t)(1000 + i);
  /* 17 consecutive: one pair, all bits. */
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, seqs, 17, &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 1);
  g_assert_cmpuint(n.pairs[0].blp, ==, 0xffff);
  /* 18: two. 34: still two (1000 + 1001..1016, 1017 + 1018..1033). 35: three. */
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, seqs, 18, &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 2);
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, seqs, 34, &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 2);
  g_assert_cmpuint(n.pairs[1].pid, ==, 1017);
  g_assert_cmpuint(n.pairs[1].blp, ==, 0xffff);
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, seqs, 35, &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 3);
  /* Repeats are skipped. */
  const uint16_t dup[] = {5, 5, 6, 6, 6};
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, dup, G_N_ELEMENTS(dup), &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 1);
  g_assert_cmpuint(n.pairs[0].pid, ==, 5);
  g_assert_cmpuint(n.pairs[0].blp, ==, 1);
  /* A single one. */
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, dup, 1, &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 1);
  g_assert_cmpuint(n.pairs[0].blp, ==, 0);
}

static void test_build_bad(void) {
  sb_rtcp_nack n;
  n.n_pairs = 999;
  const uint16_t backwards[] = {10, 5};
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, backwards, 2, &n), ==, SB_EINVAL);
  const uint16_t backwards_wrap[] = {1, 65535}; /* 65535 is before 1 */
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, backwards_wrap, 2, &n), ==, SB_EINVAL);
  const uint16_t half[] = {0, 0x8000}; /* neither before nor after */
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, half, 2, &n), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, half, 0, &n), ==, SB_EINVAL);
  g_assert_cmpuint(n.n_pairs, ==, 999);
  /* 257 numbers 17 apart need 257 pairs; 256 fit. */
  uint16_t spread[257];
  for (unsigned i = 0; i < 257; i++)
    spread[i] = (uint16_t)(60000 + 17 * i); /* wraps */
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, spread, 257, &n), ==, SB_ETOOBIG);
  g_assert_cmpint(sb_rtcp_nack_build(0, 0, spread, 256, &n), ==, SB_OK);
  g_assert_cmpuint(n.n_pairs, ==, 256);
  g_assert_cmpuint(n.pairs[255].pid, ==, (uint16_t)(60000 + 17 * 255));
  /* Written and parsed back whole. */
  static uint8_t buf[12 + 4 * 256];
  size_t len = 0;
  sb_rtcp_nack back;
  g_assert_cmpint(sb_rtcp_nack_write(&n, buf, sizeof buf, &len), ==, SB_OK);
  g_assert_cmpuint(len, ==, sizeof buf);
  g_assert_cmpint(sb_rtcp_nack_parse(buf, len, &back), ==, SB_OK);
  g_assert_cmpmem(back.pairs, 4 * 256, n.pairs, 4 * 256);
  n.n_pairs = 257;
  g_assert_cmpint(sb_rtcp_nack_write(&n, buf, sizeof buf, &len), ==, SB_ETOOBIG);
  n.n_pairs = 0;
  g_assert_cmpint(sb_rtcp_nack_write(&n, buf, sizeof buf, &len), ==, SB_EINVAL);
}

static void test_parse_bad(void) {
  sb_rtcp_nack n;
  n.n_pairs = 999;
  uint8_t buf[sizeof nack_one];
  memcpy(buf, nack_one, sizeof buf);
  buf[0] = 0x8f; /* FMT=15: TWCC */
  g_assert_cmpint(sb_rtcp_nack_parse(buf, sizeof buf, &n), ==, SB_EINVAL);
  memcpy(buf, nack_one, sizeof buf);
  buf[1] = SB_RTCP_PT_PSFB; /* FMT=1 there: PLI */
  g_assert_cmpint(sb_rtcp_nack_parse(buf, sizeof buf, &n), ==, SB_EINVAL);
  memcpy(buf, nack_one, sizeof buf);
  buf[3] = 2; /* no FCI */
  g_assert_cmpint(sb_rtcp_nack_parse(buf, sizeof buf, &n), ==, SB_EINVAL);
  buf[3] = 4; /* past the buffer */
  g_assert_cmpint(sb_rtcp_nack_parse(buf, sizeof buf, &n), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtcp_nack_parse(nack_one, 12, &n), ==, SB_ETRUNC);
  /* Padding leaving half a pair. */
  const uint8_t odd[] = {0xa1, 0xcd, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x64, 0x00, 0x02};
  g_assert_cmpint(sb_rtcp_nack_parse(odd, sizeof odd, &n), ==, SB_EINVAL);
  g_assert_cmpuint(n.n_pairs, ==, 999);
  /* 257 pairs. */
  static uint8_t big[12 + 4 * 257];
  memset(big, 0, sizeof big);
  big[0] = 0x81, big[1] = 0xcd, big[2] = (uint8_t)((sizeof big / 4 - 1) >> 8),
  big[3] = (uint8_t)(sizeof big / 4 - 1);
  g_assert_cmpint(sb_rtcp_nack_parse(big, sizeof big, &n), ==, SB_ETOOBIG);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-nack/parse-known", test_parse_known);
  g_test_add_func("/rtcp-nack/wrap-around", test_wrap_around);
  g_test_add_func("/rtcp-nack/build-minimal", test_build_minimal);
  g_test_add_func("/rtcp-nack/build-bad", test_build_bad);
  g_test_add_func("/rtcp-nack/parse-bad", test_parse_bad);
  return g_test_run();
}
