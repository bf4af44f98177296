/* test_rtcp_rr.c - unit tests for receiver reports and report blocks
 * (server/core/rtcp_rr.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_rr.h"

/* Chrome's RR when it receives nothing yet: no report blocks. */
/* clang-format off */
static const uint8_t empty_rr[] = {
    0x80, 0xc9, 0x00, 0x01, /* V=2 P=0 RC=0 | PT=201 | length 1 */
    0x00, 0x00, 0x00, 0x01, /* SSRC of packet sender: 1 */
};
/* clang-format on */

/* RR with two report blocks. */
/* clang-format off */
static const uint8_t two_block_rr[] = {
    0x82, 0xc9, 0x00, 0x0d, /* V=2 P=0 RC=2 | PT=201 | length 13 (56 octets) */
    0xca, 0xfe, 0xba, 0xbe, /* SSRC of packet sender */
    /* block 1 */
    0x01, 0x02, 0x03, 0x04, /* SSRC of source */
    0x80, 0x00, 0x01, 0x00, /* fraction lost 128/256 = 50%, cumulative lost 256 */
    0x00, 0x00, 0x12, 0x34, /* ext highest seq: cycle 0, seq 0x1234 */
    0x00, 0x00, 0x03, 0xe8, /* jitter 1000 */
    0x00, 0x00, 0x00, 0x00, /* LSR: no SR yet */
    0x00, 0x00, 0x00, 0x00, /* DLSR */
    /* block 2 */
    0x05, 0x06, 0x07, 0x08, /* SSRC of source */
    0x00, 0xff, 0xff, 0xff, /* fraction lost 0, cumulative lost -1 (duplicates) */
    0x00, 0x03, 0x00, 0x05, /* ext highest seq: cycle 3, seq 5 */
    0x00, 0x00, 0x00, 0x00, /* jitter 0 */
    0x12, 0x34, 0x56, 0x78, /* LSR */
    0x00, 0x00, 0x40, 0x00, /* DLSR 0.25 s */
};
/* clang-format on */

static void test_parse_empty(void) {
  sb_rtcp_rr rr;
  g_assert_cmpint(sb_rtcp_rr_parse(empty_rr, sizeof empty_rr, &rr), ==, SB_OK);
  g_assert_cmpuint(rr.ssrc, ==, 1);
  g_assert_cmpuint(rr.n_reports, ==, 0);
}

static void test_parse_two_blocks(void) {
  sb_rtcp_rr rr;
  g_assert_cmpint(sb_rtcp_rr_parse(two_block_rr, sizeof two_block_rr, &rr), ==, SB_OK);
  g_assert_cmpuint(rr.ssrc, ==, 0xcafebabe);
  g_assert_cmpuint(rr.n_reports, ==, 2);
  g_assert_cmpuint(rr.reports[0].ssrc, ==, 0x01020304);
  g_assert_cmpuint(rr.reports[0].fraction_lost, ==, 128);
  g_assert_cmpint(rr.reports[0].cumulative_lost, ==, 256);
  g_assert_cmpuint(rr.reports[0].ext_highest_seq, ==, 0x1234);
  g_assert_cmpuint(rr.reports[0].jitter, ==, 1000);
  g_assert_cmpuint(rr.reports[0].lsr, ==, 0);
  g_assert_cmpuint(rr.reports[0].dlsr, ==, 0);
  g_assert_cmpuint(rr.reports[1].ssrc, ==, 0x05060708);
  g_assert_cmpuint(rr.reports[1].fraction_lost, ==, 0);
  g_assert_cmpint(rr.reports[1].cumulative_lost, ==, -1);
  g_assert_cmpuint(rr.reports[1].ext_highest_seq, ==, 3 * 65536 + 5);
  g_assert_cmpuint(rr.reports[1].lsr, ==, 0x12345678);
  g_assert_cmpuint(rr.reports[1].dlsr, ==, 0x4000);

  /* Writing it back gives the same octets. */
  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_rr_write(&rr, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, two_block_rr, sizeof two_block_rr);
}

static void test_cumulative_lost_sign(void) {
  uint8_t blk[24] = {0};
  sb_reader r;
  sb_rtcp_report_block b;
  blk[5] = 0x80; /* 0x800000: the most negative 24-bit value */
  sb_reader_init(&r, blk, sizeof blk);
  g_assert_cmpint(sb_rtcp_report_block_read(&r, &b), ==, SB_OK);
  g_assert_cmpint(b.cumulative_lost, ==, -8388608);
  g_assert_cmpuint(sb_reader_left(&r), ==, 0);
  blk[5] = 0x7f, blk[6] = 0xff, blk[7] = 0xff;
  sb_reader_init(&r, blk, sizeof blk);
  g_assert_cmpint(sb_rtcp_report_block_read(&r, &b), ==, SB_OK);
  g_assert_cmpint(b.cumulative_lost, ==, 8388607);
  sb_reader_init(&r, blk, 23);
  g_assert_cmpint(sb_rtcp_report_block_read(&r, &b), ==, SB_ETRUNC);
  g_assert_cmpuint(r.pos, ==, 0);

  /* The writer clamps what does not fit 24 bits (RFC 3550 A.3). */
  uint8_t out[24];
  sb_writer w;
  memset(&b, 0, sizeof b);
  b.cumulative_lost = 10000000;
  sb_writer_init(&w, out, sizeof out);
  g_assert_cmpint(sb_rtcp_report_block_write(&w, &b), ==, SB_OK);
  g_assert_cmpuint(out[5], ==, 0x7f);
  g_assert_cmpuint(out[6], ==, 0xff);
  g_assert_cmpuint(out[7], ==, 0xff);
  b.cumulative_lost = -10000000;
  sb_writer_init(&w, out, sizeof out);
  g_assert_cmpint(sb_rtcp_report_block_write(&w, &b), ==, SB_OK);
  g_assert_cmpuint(out[5], ==, 0x80);
  g_assert_cmpuint(out[6], ==, 0x00);
  g_assert_cmpuint(out[7], ==, 0x00);
  b.cumulative_lost = -2;
  sb_writer_init(&w, out, sizeof out);
  g_assert_cmpint(sb_rtcp_report_block_write(&w, &b), ==, SB_OK);
  g_assert_cmpuint(out[5], ==, 0xff);
  g_assert_cmpuint(out[7], ==, 0xfe);
  sb_writer_init(&w, out, 23);
  g_assert_cmpint(sb_rtcp_report_block_write(&w, &b), ==, SB_ENOSPC);
}

static void test_round_trip_full(void) {
  sb_rtcp_rr in, back;
  memset(&in, 0, sizeof in);
  in.ssrc = 0x11111111;
  in.n_reports = SB_RTCP_MAX_REPORT_BLOCKS;
  for (unsigned i = 0; i < in.n_reports; i++) {
    in.reports[i].ssrc = 0x1000 + i;
    in.reports[i].fraction_lost = (uint8_t)(i * 8);
    in.reports[i].cumulative_lost = (int32_t)i * 1000 - 15000;
    in.reports[i].ext_highest_seq = 0x10000 * i + 7;
    in.reports[i].jitter = i * 3;
    in.reports[i].lsr = 0xabcd0000 + i;
    in.reports[i].dlsr = i << 16;
  }
  uint8_t buf[4 + 4 + 24 * 31];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_rr_write(&in, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, sizeof buf);
  g_assert_cmpuint(buf[0], ==, 0x80 | 31);
  memset(&back, 0, sizeof back); /* struct padding */
  g_assert_cmpint(sb_rtcp_rr_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpmem(&back, sizeof back, &in, sizeof in);
  g_assert_cmpint(sb_rtcp_rr_write(&in, buf, sizeof buf - 1, &n), ==, SB_ENOSPC);
  in.n_reports = 32;
  g_assert_cmpint(sb_rtcp_rr_write(&in, buf, sizeof buf, &n), ==, SB_ETOOBIG);
}

static void test_bad_input(void) {
  sb_rtcp_rr rr;
  rr.ssrc = 77;
  uint8_t buf[sizeof two_block_rr];
  /* RC says 3 blocks, the body holds 2. */
  memcpy(buf, two_block_rr, sizeof buf);
  buf[0] = 0x83;
  g_assert_cmpint(sb_rtcp_rr_parse(buf, sizeof buf, &rr), ==, SB_ETRUNC);
  /* Length field larger than the buffer. */
  memcpy(buf, two_block_rr, sizeof buf);
  buf[3] = 0x0e;
  g_assert_cmpint(sb_rtcp_rr_parse(buf, sizeof buf, &rr), ==, SB_ETRUNC);
  /* Truncated buffer. */
  g_assert_cmpint(sb_rtcp_rr_parse(two_block_rr, 20, &rr), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtcp_rr_parse(two_block_rr, 3, &rr), ==, SB_ETRUNC);
  /* An SR is not an RR. */
  memcpy(buf, two_block_rr, sizeof buf);
  buf[1] = SB_RTCP_PT_SR;
  g_assert_cmpint(sb_rtcp_rr_parse(buf, sizeof buf, &rr), ==, SB_EINVAL);
  /* An RR without its SSRC. */
  const uint8_t no_ssrc[] = {0x80, 0xc9, 0x00, 0x00};
  g_assert_cmpint(sb_rtcp_rr_parse(no_ssrc, sizeof no_ssrc, &rr), ==, SB_ETRUNC);
  g_assert_cmpuint(rr.ssrc, ==, 77); /* untouched on failure */
}

static void test_extension_ignored(void) {
  /* RC=0 with 8 octets of profile-specific extension after the SSRC. */
  const uint8_t ext[] = {0x80, 0xc9, 0x00, 0x03, 0, 0, 0, 9, 0xaa, 0xbb, 0xcc, 0xdd, 1, 2, 3, 4};
  sb_rtcp_rr rr;
  g_assert_cmpint(sb_rtcp_rr_parse(ext, sizeof ext, &rr), ==, SB_OK);
  g_assert_cmpuint(rr.ssrc, ==, 9);
  g_assert_cmpuint(rr.n_reports, ==, 0);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-rr/parse-empty", test_parse_empty);
  g_test_add_func("/rtcp-rr/parse-two-blocks", test_parse_two_blocks);
  g_test_add_func("/rtcp-rr/cumulative-lost-sign", test_cumulative_lost_sign);
  g_test_add_func("/rtcp-rr/round-trip-31-blocks", test_round_trip_full);
  g_test_add_func("/rtcp-rr/bad-input", test_bad_input);
  g_test_add_func("/rtcp-rr/extension-ignored", test_extension_ignored);
  return g_test_run();
}
