/* test_rtcp_remb.c - unit tests for receiver estimated maximum bitrate
 * (server/core/rtcp_remb.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_remb.h"

/* REMB of 1 Mbit/s for one SSRC, laid out as in the draft's figure.
 * 1000000 needs 20 bits; the smallest exponent leaving 18 is 2:
 * 1000000 >> 2 = 250000 = 0x3d090, exactly (1000000 is a multiple of 4).
 * Exp (6 bits) | Mantissa (18 bits) = 000010 | 11 1101 0000 1001 0000
 *                                   = 0000 1011 1101 0000 1001 0000 = 0b d0 90 */
/* clang-format off */
static const uint8_t remb_1mbps[] = {
    0x8f, 0xce, 0x00, 0x05, /* V=2 P=0 FMT=15 | PT=206 (PSFB) | length 5 (24 octets) */
    0x11, 0x22, 0x33, 0x44, /* SSRC of packet sender */
    0x00, 0x00, 0x00, 0x00, /* SSRC of media source: 0 */
    'R',  'E',  'M',  'B',  /* unique identifier */
    0x01, 0x0b, 0xd0, 0x90, /* Num SSRC 1 | BR Exp 2 | BR Mantissa 250000 */
    0xaa, 0xbb, 0xcc, 0xdd, /* SSRC feedback */
};
/* clang-format on */

static void test_parse_known(void) {
  sb_rtcp_remb r;
  g_assert_cmpint(sb_rtcp_remb_parse(remb_1mbps, sizeof remb_1mbps, &r), ==, SB_OK);
  g_assert_cmpuint(r.sender_ssrc, ==, 0x11223344);
  g_assert_cmpuint(r.media_ssrc, ==, 0);
  g_assert_cmpuint(r.bitrate_bps, ==, 1000000);
  g_assert_cmpuint(r.n_ssrcs, ==, 1);
  g_assert_cmpuint(r.ssrcs[0], ==, 0xaabbccdd);
  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_remb_write(&r, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, remb_1mbps, sizeof remb_1mbps);
  g_assert_cmpint(sb_rtcp_remb_write(&r, buf, sizeof remb_1mbps - 1, &n), ==, SB_ENOSPC);
}

static void test_bitrate_encoding(void) {
  uint8_t e;
  uint32_t m;
  uint64_t bps;
  sb_rtcp_remb_encode_bitrate(0, &e, &m);
  g_assert_cmpuint(e, ==, 0);
  g_assert_cmpuint(m, ==, 0);
  sb_rtcp_remb_encode_bitrate(262143, &e, &m); /* 2^18 - 1 fits as is */
  g_assert_cmpuint(e, ==, 0);
  g_assert_cmpuint(m, ==, 262143);
  sb_rtcp_remb_encode_bitrate(262144, &e, &m); /* 2^18 needs exponent 1 */
  g_assert_cmpuint(e, ==, 1);
  g_assert_cmpuint(m, ==, 131072);
  sb_rtcp_remb_encode_bitrate(262145, &e, &m); /* rounds down to 262144 */
  g_assert_cmpuint(e, ==, 1);
  g_assert_cmpuint(m, ==, 131072);
  sb_rtcp_remb_encode_bitrate(1000000, &e, &m);
  g_assert_cmpuint(e, ==, 2);
  g_assert_cmpuint(m, ==, 250000);
  sb_rtcp_remb_encode_bitrate(G_MAXUINT64, &e, &m); /* 64 bits: exponent 46 */
  g_assert_cmpuint(e, ==, 46);
  g_assert_cmpuint(m, ==, 0x3ffff);
  g_assert_cmpint(sb_rtcp_remb_decode_bitrate(46, 0x3ffff, &bps), ==, SB_OK);
  g_assert_cmpuint(bps, ==, G_MAXUINT64 - ((G_GUINT64_CONSTANT(1) << 46) - 1));
  g_assert_cmpint(sb_rtcp_remb_decode_bitrate(2, 250000, &bps), ==, SB_OK);
  g_assert_cmpuint(bps, ==, 1000000);
  bps = 5;
  g_assert_cmpint(sb_rtcp_remb_decode_bitrate(47, 0x3ffff, &bps), ==, SB_EINVAL); /* 65 bits */
  g_assert_cmpint(sb_rtcp_remb_decode_bitrate(63, 2, &bps), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_remb_decode_bitrate(64, 0, &bps), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_remb_decode_bitrate(0, 0x40000, &bps), ==, SB_EINVAL);
  g_assert_cmpuint(bps, ==, 5);
  g_assert_cmpint(sb_rtcp_remb_decode_bitrate(63, 1, &bps), ==, SB_OK);
  g_assert_cmpuint(bps, ==, G_GUINT64_CONSTANT(1) << 63);
}

static void test_round_trip(void) {
  static sb_rtcp_remb in, back;
  memset(&in, 0, sizeof in);
  in.sender_ssrc = 1;
  in.bitrate_bps = G_GUINT64_CONSTANT(5000000000); /* 5 Gbit/s: 33 bits */
  in.n_ssrcs = SB_RTCP_REMB_MAX_SSRCS;
  for (unsigned i = 0; i < in.n_ssrcs; i++)
    in.ssrcs[i] = 0x77000000u + i;
  static uint8_t buf[20 + 4 * 255];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_remb_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, sizeof buf);
  memset(&back, 0, sizeof back);
  g_assert_cmpint(sb_rtcp_remb_parse(buf, n, &back), ==, SB_OK);
  /* Rounded down to 18 significant bits: 5e9 >> 15 = 152587 (.89), << 15. */
  g_assert_cmpuint(back.bitrate_bps, ==, G_GUINT64_CONSTANT(152587) << 15);
  in.bitrate_bps = G_GUINT64_CONSTANT(152587) << 15;
  g_assert_cmpmem(&back, sizeof back, &in, sizeof in);
  /* No SSRCs at all. */
  in.n_ssrcs = 0;
  in.bitrate_bps = 300000;
  g_assert_cmpint(sb_rtcp_remb_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 20);
  g_assert_cmpint(sb_rtcp_remb_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpuint(back.n_ssrcs, ==, 0);
  g_assert_cmpuint(back.bitrate_bps, ==, 300000);
}

static void test_bad_input(void) {
  sb_rtcp_remb r;
  r.bitrate_bps = 7;
  uint8_t buf[sizeof remb_1mbps];
  /* Application layer feedback that is not REMB. */
  memcpy(buf, remb_1mbps, sizeof buf);
  buf[15] = 'X';
  g_assert_cmpint(sb_rtcp_remb_parse(buf, sizeof buf, &r), ==, SB_EUNSUPPORTED);
  /* Num SSRC 2, one present. */
  memcpy(buf, remb_1mbps, sizeof buf);
  buf[16] = 2;
  g_assert_cmpint(sb_rtcp_remb_parse(buf, sizeof buf, &r), ==, SB_ETRUNC);
  /* Exponent 63 with a mantissa of 250000 does not fit 64 bits. */
  memcpy(buf, remb_1mbps, sizeof buf);
  buf[17] = 0xff;
  g_assert_cmpint(sb_rtcp_remb_parse(buf, sizeof buf, &r), ==, SB_EINVAL);
  /* Wrong FMT / PT. */
  memcpy(buf, remb_1mbps, sizeof buf);
  buf[0] = 0x81;
  g_assert_cmpint(sb_rtcp_remb_parse(buf, sizeof buf, &r), ==, SB_EINVAL);
  memcpy(buf, remb_1mbps, sizeof buf);
  buf[1] = SB_RTCP_PT_RTPFB;
  g_assert_cmpint(sb_rtcp_remb_parse(buf, sizeof buf, &r), ==, SB_EINVAL);
  /* FCI too short for the identifier, and for the bitrate. */
  memcpy(buf, remb_1mbps, sizeof buf);
  buf[3] = 2;
  g_assert_cmpint(sb_rtcp_remb_parse(buf, sizeof buf, &r), ==, SB_ETRUNC);
  buf[3] = 3;
  g_assert_cmpint(sb_rtcp_remb_parse(buf, sizeof buf, &r), ==, SB_ETRUNC);
  /* Length past the buffer. */
  g_assert_cmpint(sb_rtcp_remb_parse(remb_1mbps, sizeof remb_1mbps - 4, &r), ==, SB_ETRUNC);
  g_assert_cmpuint(r.bitrate_bps, ==, 7);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-remb/parse-known", test_parse_known);
  g_test_add_func("/rtcp-remb/bitrate-encoding", test_bitrate_encoding);
  g_test_add_func("/rtcp-remb/round-trip", test_round_trip);
  g_test_add_func("/rtcp-remb/bad-input", test_bad_input);
  return g_test_run();
}
