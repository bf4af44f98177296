/* test_rtcp_twcc.c - unit tests for transport-wide congestion control
 * feedback (server/core/rtcp_twcc.c): a packet decoded by hand, the chunk
 * choices of the writer, round trips and malformed input. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_twcc.h"

/* Decoded by hand:
 *   base seq 10, 19 statuses (seq 10..28), reference time 4096 (x 64 ms =
 *   262.144 s), feedback packet 5.
 *   chunk 0x2003 = 0 01 0000000000011: run length, 3 x "small delta":
 *                  seq 10, 11, 12 received
 *   chunk 0xa800 = 1 0 10100000000000: 1-bit vector, 14 statuses:
 *                  seq 13 received, 14 lost, 15 received, 16..26 lost
 *   chunk 0xe400 = 1 1 10 01 00 00 00 00 00: 2-bit vector, 7 statuses, of
 *                  which 2 are still counted: seq 27 large delta, 28 small
 *   deltas (250 us units), one per received packet, in order:
 *     seq 10: 0x04 = 1000 us      seq 13: 0xff = 63750 us
 *     seq 11: 0x00 = 0            seq 15: 0x01 = 250 us
 *     seq 12: 0x08 = 2000 us      seq 27: 0xfffc = -4 = -1000 us (2 octets)
 *                                 seq 28: 0x10 = 4000 us */
/* clang-format off */
static const uint8_t twcc_hand[] = {
    0x8f, 0xcd, 0x00, 0x08, /* V=2 P=0 FMT=15 | PT=205 (RTPFB) | length 8 (36 octets) */
    0x00, 0x00, 0x00, 0x01, /* SSRC of packet sender */
    0x12, 0x34, 0x56, 0x78, /* SSRC of media source */
    0x00, 0x0a, 0x00, 0x13, /* base sequence number 10 | packet status count 19 */
    0x00, 0x10, 0x00, 0x05, /* reference time 4096 | fb pkt count 5 */
    0x20, 0x03,             /* run length chunk */
    0xa8, 0x00,             /* 1-bit status vector chunk */
    0xe4, 0x00,             /* 2-bit status vector chunk */
    0x04, 0x00, 0x08, 0xff, 0x01, 0xff, 0xfc, 0x10, /* receive deltas */
    0x00, 0x00,                                     /* zero padding */
};
/* clang-format on */

static void check_hand(const sb_rtcp_twcc *t) {
  g_assert_cmpuint(t->sender_ssrc, ==, 1);
  g_assert_cmpuint(t->media_ssrc, ==, 0x12345678);
  g_assert_cmpuint(t->base_seq, ==, 10);
  g_assert_cmpint(t->reference_time, ==, 4096);
  g_assert_cmpuint(t->fb_pkt_count, ==, 5);
  g_assert_cmpuint(t->n_packets, ==, 19);
  static const int32_t delta[19] = {1000, 0, 2000, 63750, 0, 250, 0, 0,     0,   0,
                                    0,    0, 0,    0,     0, 0,   0, -1000, 4000};
  for (unsigned i = 0; i < 19; i++) {
    bool received = i <= 3 || i == 5 || i >= 17;
    g_assert_cmpuint(t->packets[i].seq, ==, 10 + i);
    g_assert_cmpint(t->packets[i].received, ==, received);
    g_assert_cmpint(t->packets[i].delta_us, ==, delta[i]);
  }
}

static void test_parse_hand(void) {
  static sb_rtcp_twcc t;
  g_assert_cmpint(sb_rtcp_twcc_parse(twcc_hand, sizeof twcc_hand, &t), ==, SB_OK);
  check_hand(&t);

  /* The same with P=1: the last octet says 2 octets of padding. */
  uint8_t padded[sizeof twcc_hand];
  memcpy(padded, twcc_hand, sizeof padded);
  padded[0] = 0xaf;
  padded[sizeof padded - 1] = 2;
  memset(&t, 0, sizeof t);
  g_assert_cmpint(sb_rtcp_twcc_parse(padded, sizeof padded, &t), ==, SB_OK);
  check_hand(&t);
}

static void test_write_hand(void) {
  /* The writer packs the same statuses differently: seq 10..23 fit a 1-bit
   * vector (1111 0100 0000 00 -> 0xbd00), then seq 24..28 (0 0 0 large small)
   * a 2-bit vector (11 00 00 00 10 01 00 00 -> 0xc090). 4 octets shorter. */
  /* clang-format off */
  static const uint8_t want[] = {
      0x8f, 0xcd, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x12, 0x34, 0x56,
      0x78, 0x00, 0x0a, 0x00, 0x13, 0x00, 0x10, 0x00, 0x05, 0xbd, 0x00,
      0xc0, 0x90, 0x04, 0x00, 0x08, 0xff, 0x01, 0xff, 0xfc, 0x10,
  };
  /* clang-format on */
  static sb_rtcp_twcc t, back;
  g_assert_cmpint(sb_rtcp_twcc_parse(twcc_hand, sizeof twcc_hand, &t), ==, SB_OK);
  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpmem(buf, n, want, sizeof want);
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, n, &back), ==, SB_OK);
  check_hand(&back);
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof want - 1, &n), ==, SB_ENOSPC);
}

static void test_write_runs(void) {
  /* 1000 received (small), 500 lost, 300 received with 100 ms deltas
   * (large), 1 received (small): four run length chunks. */
  static sb_rtcp_twcc t, back;
  memset(&t, 0, sizeof t);
  t.base_seq = 65000; /* and the sequence numbers wrap on the way */
  t.reference_time = -2;
  t.n_packets = 1801;
  for (unsigned i = 0; i < t.n_packets; i++) {
    t.packets[i].seq = (uint16_t)(65000 + i);
    t.packets[i].received = i < 1000 || i >= 1500;
    t.packets[i].delta_us = i < 1000 ? 250 : i < 1500 ? 0 : i < 1800 ? 100000 : 0;
  }
  static uint8_t buf[4096];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 20 + 8 + 1000 + 600 + 1 + 3);
  const uint8_t head[] = {0xfd, 0xe8, 0x07, 0x09, 0xff, 0xff, 0xfe, 0x00, /* 65000, 1801, -2, 0 */
                          0x23, 0xe8,  /* 0 01 1111101000: 1000 x small */
                          0x01, 0xf4,  /* 0 00 0000111110100: 500 x lost */
                          0x41, 0x2c,  /* 0 10 0000100101100: 300 x large */
                          0x20, 0x01}; /* 0 01 ..1: 1 x small */
  g_assert_cmpmem(buf + 12, sizeof head, head, sizeof head);
  g_assert_cmpuint(buf[28], ==, 1);           /* first small delta: 250 us */
  g_assert_cmpuint(buf[28 + 1000], ==, 0x01); /* first large delta: 400 = 0x0190 */
  g_assert_cmpuint(buf[28 + 1001], ==, 0x90);
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpuint(back.n_packets, ==, t.n_packets);
  g_assert_cmpint(back.reference_time, ==, -2);
  for (unsigned i = 0; i < t.n_packets; i++) {
    g_assert_cmpuint(back.packets[i].seq, ==, t.packets[i].seq);
    g_assert_cmpint(back.packets[i].received, ==, t.packets[i].received);
    g_assert_cmpint(back.packets[i].delta_us, ==, t.packets[i].delta_us);
  }
  g_assert_cmpuint(back.packets[536].seq, ==, 0);
}

static void test_write_gaps_and_wrap(void) {
  /* Only 100 and 105 listed: 101..104 are written as lost, one 1-bit vector
   * 10 100001 00000000 = 0xa100, deltas 1 and 2. */
  static sb_rtcp_twcc t, back;
  memset(&t, 0, sizeof t);
  t.base_seq = 100;
  t.n_packets = 2;
  t.packets[0] = (sb_rtcp_twcc_packet){.seq = 100, .received = true, .delta_us = 250};
  t.packets[1] = (sb_rtcp_twcc_packet){.seq = 105, .received = true, .delta_us = 500};
  uint8_t buf[64];
  size_t n = 0;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_OK);
  const uint8_t want[] = {0x8f, 0xcd, 0x00, 0x05, 0, 0, 0, 0, 0,    0,    0,    0,
                          0x00, 0x64, 0x00, 0x06, 0, 0, 0, 0, 0xa1, 0x00, 0x01, 0x02};
  g_assert_cmpmem(buf, n, want, sizeof want);
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpuint(back.n_packets, ==, 6);
  for (unsigned i = 1; i < 5; i++) {
    g_assert_cmpuint(back.packets[i].seq, ==, 100 + i);
    g_assert_false(back.packets[i].received);
    g_assert_cmpint(back.packets[i].delta_us, ==, 0);
  }
  g_assert_cmpint(back.packets[5].delta_us, ==, 500);

  /* Across the wrap, starting after base_seq, negative and extreme deltas. */
  memset(&t, 0, sizeof t);
  t.base_seq = 65533;
  t.reference_time = SB_RTCP_TWCC_REF_MIN;
  t.n_packets = 4;
  t.packets[0] = (sb_rtcp_twcc_packet){.seq = 65534, .received = true, .delta_us = -8192000};
  t.packets[1] = (sb_rtcp_twcc_packet){.seq = 65535, .received = false, .delta_us = 12345};
  t.packets[2] = (sb_rtcp_twcc_packet){.seq = 0, .received = true, .delta_us = 8191750};
  t.packets[3] = (sb_rtcp_twcc_packet){.seq = 1, .received = true, .delta_us = 63750};
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, n, &back), ==, SB_OK);
  g_assert_cmpuint(back.n_packets, ==, 5);
  g_assert_cmpint(back.reference_time, ==, -8388608);
  g_assert_cmpuint(back.packets[0].seq, ==, 65533);
  g_assert_false(back.packets[0].received);
  g_assert_cmpint(back.packets[1].delta_us, ==, -8192000);
  g_assert_false(back.packets[2].received);
  g_assert_cmpint(back.packets[2].delta_us, ==, 0);
  g_assert_cmpuint(back.packets[3].seq, ==, 0);
  g_assert_cmpint(back.packets[3].delta_us, ==, 8191750);
  g_assert_cmpuint(back.packets[4].seq, ==, 1);
  g_assert_cmpint(back.packets[4].delta_us, ==, 63750);
}

static void test_write_capacity(void) {
  static sb_rtcp_twcc t, back;
  static uint8_t buf[8192];
  size_t n = 0;
  memset(&t, 0, sizeof t);
  t.n_packets = SB_RTCP_TWCC_MAX_PACKETS;
  for (unsigned i = 0; i < t.n_packets; i++) {
    t.packets[i].seq = (uint16_t)i;
    t.packets[i].received = i % 3 != 0;
    t.packets[i].delta_us = (i % 5 == 0) ? -250 * (int32_t)i : 250 * (int32_t)(i % 256);
  }
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_OK);
  memset(&back, 0, sizeof back);
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, n, &back), ==, SB_OK);
  for (unsigned i = 0; i < t.n_packets; i++)
    if (!t.packets[i].received) t.packets[i].delta_us = 0;
  g_assert_cmpmem(&back, sizeof back, &t, sizeof t);
  /* A last sequence number 2048 after base_seq needs 2049 statuses. */
  t.packets[t.n_packets - 1].seq = 2048;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_ETOOBIG);
  t.n_packets = SB_RTCP_TWCC_MAX_PACKETS + 1;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_ETOOBIG);
}

static void test_write_bad(void) {
  static sb_rtcp_twcc t;
  uint8_t buf[64];
  size_t n = 0;
  memset(&t, 0, sizeof t);
  t.base_seq = 10;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_EINVAL); /* no packets */
  t.n_packets = 2;
  t.packets[0] = (sb_rtcp_twcc_packet){.seq = 10, .received = true, .delta_us = 300};
  t.packets[1] = (sb_rtcp_twcc_packet){.seq = 11, .received = true, .delta_us = 0};
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_EINVAL); /* not x250 */
  t.packets[0].delta_us = 32768 * 250;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_EINVAL); /* > 16 bits */
  t.packets[0].delta_us = -32769 * 250;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_EINVAL);
  t.packets[0].delta_us = -32768 * 250;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_OK);
  t.packets[1].seq = 10; /* repeated */
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_EINVAL);
  t.packets[1].seq = 9; /* before base_seq: 65535 statuses ahead */
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_ETOOBIG);
  t.packets[0].seq = 12, t.packets[1].seq = 11; /* backwards */
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_EINVAL);
  t.packets[0].seq = 10;
  t.reference_time = 0x800000; /* 24 bits signed */
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_EINVAL);
  t.reference_time = 0x7fffff;
  g_assert_cmpint(sb_rtcp_twcc_write(&t, buf, sizeof buf, &n), ==, SB_OK);
  g_assert_cmpuint(buf[16], ==, 0x7f);
}

static void test_parse_bad(void) {
  static sb_rtcp_twcc t;
  t.n_packets = 999;
  uint8_t buf[sizeof twcc_hand];
  /* Status count 0. */
  memcpy(buf, twcc_hand, sizeof buf);
  buf[14] = 0, buf[15] = 0;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_EINVAL);
  /* Status count 2049. */
  buf[14] = 0x08, buf[15] = 0x01;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_ETOOBIG);
  /* Length 6: chunks complete, deltas cut (2 of 8 octets left). */
  memcpy(buf, twcc_hand, sizeof buf);
  buf[3] = 6;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_ETRUNC);
  /* Length 5: the third chunk is missing. */
  buf[3] = 5;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_ETRUNC);
  /* Length 3: the fixed part is missing. */
  buf[3] = 3;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_ETRUNC);
  /* Length past the buffer. */
  g_assert_cmpint(sb_rtcp_twcc_parse(twcc_hand, sizeof twcc_hand - 4, &t), ==, SB_ETRUNC);
  /* The reserved symbol 11 in the 2-bit vector: 1 1 11 01 ... */
  memcpy(buf, twcc_hand, sizeof buf);
  buf[24] = 0xf4;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_EINVAL);
  /* ... but not among the unused symbols after the status count. */
  buf[24] = 0xe4, buf[25] = 0x03;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_OK);
  t.n_packets = 999;
  /* A run of the reserved symbol: 0 11 0000000000011. */
  memcpy(buf, twcc_hand, sizeof buf);
  buf[20] = 0x60;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_EINVAL);
  /* Not TWCC: FMT 1 (NACK), PT 206. */
  memcpy(buf, twcc_hand, sizeof buf);
  buf[0] = 0x81;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_EINVAL);
  memcpy(buf, twcc_hand, sizeof buf);
  buf[1] = SB_RTCP_PT_PSFB;
  g_assert_cmpint(sb_rtcp_twcc_parse(buf, sizeof buf, &t), ==, SB_EINVAL);
  g_assert_cmpuint(t.n_packets, ==, 999);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp-twcc/parse-hand-decoded", test_parse_hand);
  g_test_add_func("/rtcp-twcc/write-hand-decoded", test_write_hand);
  g_test_add_func("/rtcp-twcc/write-runs", test_write_runs);
  g_test_add_func("/rtcp-twcc/write-gaps-and-wrap", test_write_gaps_and_wrap);
  g_test_add_func("/rtcp-twcc/write-capacity", test_write_capacity);
  g_test_add_func("/rtcp-twcc/write-bad", test_write_bad);
  g_test_add_func("/rtcp-twcc/parse-bad", test_parse_bad);
  return g_test_run();
}
