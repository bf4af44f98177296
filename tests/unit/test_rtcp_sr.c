/* test_rtcp_sr.c - unit tests for sender reports and the NTP arithmetic
 * (server/core/rtcp_sr.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_sr.h"

/* clang-format off */
static const uint8_t sr_one_block[] = {
    0x81, 0xc8, 0x00, 0x0c, /* V=2 P=0 RC=1 | PT=200 | length 12 (52 octets) */
    0x90, 0x2f, 0x9e, 0x2e, /* SSRC of sender */
    0xe4, 0xa2, 0xc8, 0xb0, /* NTP seconds */
    0x80, 0x00, 0x00, 0x00, /* NTP fraction: 0.5 s */
    0x00, 0x01, 0xe2, 0x40, /* RTP timestamp 123456 */
    0x00, 0x00, 0x00, 0x64, /* packet count 100 */
    0x00, 0x00, 0x4e, 0x20, /* octet count 20000 */
    0x0a, 0x0b, 0x0c, 0x0d, /* report block: SSRC of source */
    0x40, 0xff, 0xff, 0xfe, /* fraction lost 64/256 = 25%, cumulative lost -2 */
    0x00, 0x02, 0x00, 0x10, /* ext highest seq: cycle 2, seq 16 */
    0x00, 0x00, 0x01, 0x00, /* jitter 256 */
    0xc8, 0xb0, 0x80, 0x00, /* LSR: middle 32 bits of the NTP time above */
    0x00, 0x01, 0x00, 0x00, /* DLSR 1 s */
};
/* clang-format on */

static void test_parse_known(void) {
  sb_rtcp_sr sr;
  g_assert_cmpint(sb_rtcp_sr_parse(sr_one_block, sizeof sr_one_block, &sr), ==, SB_OK);
  g_assert_cmpuint(sr.ssrc, ==, 0x902f9e2e);
  g_assert_cmpuint(sr.ntp, ==, G_GUINT64_CONSTANT(0xe4a2c8b080000000));
  g_assert_cmpuint(sr.rtp_ts, ==, 123456);
  g_assert_cmpuint(sr.packet_count, ==, 100);
  g_assert_cmpuint(sr.octet_count, ==, 20000);
  g_assert_cmpuint(sr.n_reports, ==, 1);
  g_assert_cmpuint(sr.reports[0].ssrc, ==, 0x0a0b0c0d);
  g_assert_cmpuint(sr.reports[0].fraction_lost, ==, 64);
  g_assert_cmpint(sr.reports[0].cumulative_lost, ==, -2);
  g_assert_cmpuint(sr.reports[0].ext_highest_seq, ==, 2 * 65536 + 16);
  g_assert_cmpuint(sr.reports[0].jitter, ==, 256);
  g_assert_cmpuint(sr.reports[0].lsr, ==, sb_rtcp_ntp_to_mid32(sr.ntp));
  g_assert_cmpuint(sr.reports[0].dlsr, ==, 65536);

  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_sr_write(&sr, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, sr_one_block, sizeof sr_one_block);
}

static void test_round_trip(void) {
  sb_rtcp_sr in, back;
  memset(&in, 0, sizeof in);
  in.ssrc = 42;
  in.ntp = G_GUINT64_CONSTANT(0x0123456789abcdef);
  in.rtp_ts = 0xfffffff0;
  in.packet_count = 7;
  in.octet_count = 7000;
  /* No report blocks: 28 octets. */
  uint8_t buf[4 + 24 + 24 * 31];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_sr_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 28);
  g_assert_cmpuint(buf[3], ==, 6);
  memset(&back, 0, sizeof back); /* struct padding */
  g_assert_cmpint(sb_rtcp_sr_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpmem(&back, sizeof back, &in, sizeof in);
  /* All 31 blocks. */
  in.n_reports = 31;
  for (unsigned i = 0; i < 31; i++) {
    in.reports[i].ssrc = i;
    in.reports[i].cumulative_lost = -(int32_t)i;
    in.reports[i].jitter = 100 + i;
  }
  g_assert_cmpint(sb_rtcp_sr_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, sizeof buf);
  memset(&back, 0, sizeof back); /* struct padding */
  g_assert_cmpint(sb_rtcp_sr_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpmem(&back, sizeof back, &in, sizeof in);
  g_assert_cmpint(sb_rtcp_sr_write(&in, buf, sizeof buf - 4, &n), ==, SB_ENOSPC);
  in.n_reports = 32;
  g_assert_cmpint(sb_rtcp_sr_write(&in, buf, sizeof buf, &n), ==, SB_ETOOBIG);
}

static void test_bad_input(void) {
  sb_rtcp_sr sr;
  uint8_t buf[sizeof sr_one_block];
  memcpy(buf, sr_one_block, sizeof buf);
  buf[0] = 0x82; /* RC=2, one block present */
  g_assert_cmpint(sb_rtcp_sr_parse(buf, sizeof buf, &sr), ==, SB_ETRUNC);
  memcpy(buf, sr_one_block, sizeof buf);
  buf[1] = SB_RTCP_PT_RR;
  g_assert_cmpint(sb_rtcp_sr_parse(buf, sizeof buf, &sr), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_sr_parse(sr_one_block, sizeof sr_one_block - 4, &sr), ==, SB_ETRUNC);
  /* Sender info cut short: length 5 (24 octets) < 4 + 24. */
  const uint8_t short_sr[] = {0x80, 0xc8, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 0,
                              0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0};
  g_assert_cmpint(sb_rtcp_sr_parse(short_sr, sizeof short_sr, &sr), ==, SB_ETRUNC);
}

static void test_ntp_mid32(void) {
  uint64_t ntp = G_GUINT64_CONSTANT(0xe4a2c8b080000000);
  g_assert_cmpuint(sb_rtcp_ntp_to_mid32(ntp), ==, 0xc8b08000);
  /* Back from the middle 32 bits, near a later full timestamp (0.5 s on). */
  g_assert_cmpuint(sb_rtcp_ntp_from_mid32(0xc8b08000, G_GUINT64_CONSTANT(0xe4a2c8b100000000)), ==,
                   ntp);
  /* Near an earlier one. */
  g_assert_cmpuint(sb_rtcp_ntp_from_mid32(0xc8b08000, G_GUINT64_CONSTANT(0xe4a2c8a000000000)), ==,
                   ntp);
  /* Across a carry into the high 16 bits of the seconds: the mid32 says
   * second 0x....ffff + 0.9375, the reference is 2 s later at 0xe4a30001. */
  g_assert_cmpuint(sb_rtcp_ntp_from_mid32(0xfffff000, G_GUINT64_CONSTANT(0xe4a3000100000000)), ==,
                   G_GUINT64_CONSTANT(0xe4a2fffff0000000));
  /* And the other way round: mid32 just after the carry, reference before it. */
  g_assert_cmpuint(sb_rtcp_ntp_from_mid32(0x00010000, G_GUINT64_CONSTANT(0xe4a2ffff00000000)), ==,
                   G_GUINT64_CONSTANT(0xe4a3000100000000));
}

static void test_ntp_compact(void) {
  g_assert_cmpuint(sb_rtcp_ntp_compact_to_us(0x00010000), ==, 1000000);
  g_assert_cmpuint(sb_rtcp_ntp_compact_to_us(0x00008000), ==, 500000);
  g_assert_cmpuint(sb_rtcp_ntp_compact_to_us(1), ==, 15); /* 15.26 us */
  g_assert_cmpuint(sb_rtcp_ntp_compact_to_us(0), ==, 0);
  g_assert_cmpuint(sb_rtcp_ntp_compact_from_us(1500000), ==, 0x00018000);
  g_assert_cmpuint(sb_rtcp_ntp_compact_from_us(8), ==, 1); /* 0.52 of a unit, rounds up */
  g_assert_cmpuint(sb_rtcp_ntp_compact_from_us(7), ==, 0);
  g_assert_cmpuint(sb_rtcp_ntp_compact_from_us(G_GUINT64_CONSTANT(1000000000000)), ==, 0xffffffff);
  g_assert_cmpuint(sb_rtcp_ntp_compact_from_us(G_MAXUINT64), ==, 0xffffffff);
}

static void test_rtt(void) {
  uint64_t rtt = 1;
  /* Arrived at 5 s, the SR was sent at 3 s, held for 1.5 s: 0.5 s. */
  g_assert_cmpint(sb_rtcp_rtt_us(0x00050000, 0x00030000, 0x00018000, &rtt), ==, SB_OK);
  g_assert_cmpuint(rtt, ==, 500000);
  /* Across the wrap of the middle 32 bits. */
  g_assert_cmpint(sb_rtcp_rtt_us(0x00000800, 0xfffff800, 0x00000800, &rtt), ==, SB_OK);
  g_assert_cmpuint(rtt, ==, sb_rtcp_ntp_compact_to_us(0x800));
  /* Clock jitter making it negative: 0. */
  g_assert_cmpint(sb_rtcp_rtt_us(0x00050000, 0x00040000, 0x00018000, &rtt), ==, SB_OK);
  g_assert_cmpuint(rtt, ==, 0);
  rtt = 99;
  g_assert_cmpint(sb_rtcp_rtt_us(0x00050000, 0, 0, &rtt), ==, SB_ENOTFOUND);
  g_assert_cmpuint(rtt, ==, 99);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-sr/parse-known", test_parse_known);
  g_test_add_func("/rtcp-sr/round-trip", test_round_trip);
  g_test_add_func("/rtcp-sr/bad-input", test_bad_input);
  g_test_add_func("/rtcp-sr/ntp-mid32", test_ntp_mid32);
  g_test_add_func("/rtcp-sr/ntp-compact", test_ntp_compact);
  g_test_add_func("/rtcp-sr/rtt", test_rtt);
  return g_test_run();
}
