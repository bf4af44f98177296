/* test_twcc_gen.c - unit tests for transport-wide congestion control
 * feedback generation (server/core/twcc_gen.c): what poll writes is parsed
 * back with sb_rtcp_twcc_parse and checked against hand-computed statuses,
 * deltas and reference times; the 100 ms cadence, late arrivals, wrap,
 * jumps, splitting and the counters. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp_twcc.h"
#include "core/twcc_gen.h"

#define MAX_MSGS 4
static sb_rtcp_twcc *msgs; /* MAX_MSGS parsed messages */
static uint8_t buf[65536];
static size_t buf_len;

/* Polls at now with cap octets and parses every message written. */
static int poll_parse(sb_twcc_gen *g, int64_t now, size_t cap) {
  int n = sb_twcc_gen_poll(g, now, buf, cap, &buf_len);
  g_assert_cmpint(n, >=, 0);
  g_assert_cmpint(n, <=, MAX_MSGS);
  size_t off = 0;
  for (int k = 0; k < n; k++) {
    g_assert_cmpuint(buf_len - off, >=, 4);
    size_t len = (((size_t)buf[off + 2] << 8 | buf[off + 3]) + 1) * 4;
    g_assert_cmpuint(len, <=, buf_len - off);
    g_assert_cmpint(sb_rtcp_twcc_parse(buf + off, len, &msgs[k]), ==, SB_OK);
    off += len;
  }
  g_assert_cmpuint(off, ==, buf_len);
  return n;
}

/* Checks message m: base, status count, reference time, feedback count, and
 * per status 'R' (received, with the next of deltas) or 'L' (lost). */
static void check_msg(const sb_rtcp_twcc *m, uint16_t base, int32_t ref, uint8_t fb,
                      const char *status, const int32_t *deltas) {
  g_assert_cmpuint(m->base_seq, ==, base);
  g_assert_cmpuint(m->n_packets, ==, strlen(status));
  g_assert_cmpint(m->reference_time, ==, ref);
  g_assert_cmpuint(m->fb_pkt_count, ==, fb);
  for (unsigned i = 0, d = 0; i < m->n_packets; i++) {
    g_assert_cmpuint(m->packets[i].seq, ==, (uint16_t)(base + i));
    g_assert_cmpint(m->packets[i].received, ==, status[i] == 'R');
    g_assert_cmpint(m->packets[i].delta_us, ==, status[i] == 'R' ? deltas[d++] : 0);
  }
}

static void check_stats(sb_twcc_gen *g, uint64_t fb, uint64_t rx, uint64_t lost) {
  sb_twcc_gen_stats st;
  sb_twcc_gen_get_stats(g, &st);
  g_assert_cmpuint(st.feedback_sent, ==, fb);
  g_assert_cmpuint(st.reported_received, ==, rx);
  g_assert_cmpuint(st.reported_lost, ==, lost);
}

static sb_twcc_gen *gen_new(void) {
  sb_twcc_gen *g = NULL;
  g_assert_cmpint(sb_twcc_gen_new(0x11111111, 100000, &g), ==, SB_OK);
  sb_twcc_gen_set_media_ssrc(g, 0x22222222);
  return g;
}

static void test_new(void) {
  sb_twcc_gen *g = NULL;
  g_assert_cmpint(sb_twcc_gen_new(1, 0, &g), ==, SB_EINVAL);
  g_assert_cmpint(sb_twcc_gen_new(1, 100000, NULL), ==, SB_EINVAL);
  g_assert_null(g);
  g = gen_new();
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, INT64_MAX);
  g_assert_cmpint(poll_parse(g, 5000000, sizeof buf), ==, 0);
  g_assert_cmpint(sb_twcc_gen_poll(g, 0, NULL, 0, &buf_len), ==, SB_EINVAL);
  sb_twcc_gen_free(g);
  sb_twcc_gen_free(NULL);
}

/* Seq 100..109 arriving 5 ms apart from 1 s, 104 lost. Reference time
 * floor(1000000 / 64000) = 15 (960 ms): first delta 40 ms = 160 units, then
 * 20 units, 40 across the loss. One 1-bit vector chunk 1 0 1111011111 0000. */
static void test_basic_and_cadence(void) {
  /* clang-format off */
  static const uint8_t want[] = {
      0x8f, 0xcd, 0x00, 0x07, 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22,
      0x00, 0x64, 0x00, 0x0a, 0x00, 0x00, 0x0f, 0x00, /* base 100, 10, ref 15, fb 0 */
      0xbd, 0xf0,                                     /* status vector */
      0xa0, 0x14, 0x14, 0x14, 0x28, 0x14, 0x14, 0x14, 0x14, 0x00};
  /* clang-format on */
  static const int32_t d[] = {40000, 5000, 5000, 5000, 10000, 5000, 5000, 5000, 5000};
  sb_twcc_gen *g = gen_new();
  for (int i = 0; i < 10; i++)
    if (i != 4) sb_twcc_gen_on_packet(g, (uint16_t)(100 + i), 1000000 + i * 5000);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, 1100000);
  g_assert_cmpint(poll_parse(g, 1099999, sizeof buf), ==, 0);
  g_assert_cmpuint(buf_len, ==, 0);
  g_assert_cmpint(poll_parse(g, 1100000, sizeof buf), ==, 1);
  g_assert_cmpmem(buf, buf_len, want, sizeof want);
  check_msg(&msgs[0], 100, 15, 0, "RRRRLRRRRR", d);
  check_stats(g, 1, 9, 1);
  /* Nothing new: nothing due. */
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, INT64_MAX);
  g_assert_cmpint(poll_parse(g, 1300000, sizeof buf), ==, 0);
  /* 110 at 1.25 s: due at once (100 ms after the last feedback have gone).
   * Reference 19 (1.216 s), delta 34 ms. */
  sb_twcc_gen_on_packet(g, 110, 1250000);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, 1200000);
  g_assert_cmpint(poll_parse(g, 1250000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 110, 19, 1, "R", (const int32_t[]){34000});
  sb_twcc_gen_on_packet(g, 111, 1260000);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, 1350000);
  check_stats(g, 2, 10, 1);
  sb_twcc_gen_free(g);
}

/* Arrivals 1.1 ms apart from 640 ms (reference 10 exactly): ticks 0, 4.4,
 * 8.8, 13.2, 17.6 round to 0, 4, 9, 13, 18 - deltas 4, 5, 4, 5 units, not
 * 4, 4, 4, 4 (rounding each difference would lose 0.4 units every time). */
static void test_rounding_does_not_accumulate(void) {
  sb_twcc_gen *g = gen_new();
  for (int i = 0; i < 5; i++)
    sb_twcc_gen_on_packet(g, (uint16_t)i, 640000 + i * 1100);
  g_assert_cmpint(poll_parse(g, 740000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 0, 10, 0, "RRRRR", (const int32_t[]){0, 1000, 1250, 1000, 1250});
  sb_twcc_gen_free(g);
}

/* Seq 2 is reported lost, arrives 150 ms later: the next feedback starts
 * back at 2 and reports 3 and 4 again. Reference 17 (1.088 s) from seq 2 at
 * 1.15 s: 62 ms, then 1.03 - 1.15 = -120 ms, +10 ms, +120 ms. */
static void test_late_arrival(void) {
  sb_twcc_gen *g = gen_new();
  sb_twcc_gen_on_packet(g, 0, 1000000);
  sb_twcc_gen_on_packet(g, 1, 1010000);
  sb_twcc_gen_on_packet(g, 3, 1030000);
  sb_twcc_gen_on_packet(g, 4, 1040000);
  g_assert_cmpint(poll_parse(g, 1100000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 0, 15, 0, "RRLRR", (const int32_t[]){40000, 10000, 20000, 10000});
  check_stats(g, 1, 4, 1);
  sb_twcc_gen_on_packet(g, 2, 1150000);
  sb_twcc_gen_on_packet(g, 5, 1160000);
  g_assert_cmpint(poll_parse(g, 1200000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 2, 17, 1, "RRRR", (const int32_t[]){62000, -120000, 10000, 120000});
  check_stats(g, 2, 6, 0);

  /* 6 lost (gap seen at 1.21 s), arriving 510 ms later: too late. */
  sb_twcc_gen_on_packet(g, 7, 1210000);
  g_assert_cmpint(poll_parse(g, 1300000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 6, 18, 2, "LR", (const int32_t[]){58000});
  sb_twcc_gen_on_packet(g, 6, 1720000);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, INT64_MAX);
  /* Duplicates change nothing. */
  sb_twcc_gen_on_packet(g, 3, 1730000);
  sb_twcc_gen_on_packet(g, 7, 1730000);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, INT64_MAX);
  sb_twcc_gen_on_packet(g, 8, 1740000);
  sb_twcc_gen_on_packet(g, 8, 1750000);
  g_assert_cmpint(poll_parse(g, 1800000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 8, 27, 3, "R", (const int32_t[]){12000});
  sb_twcc_gen_stats st;
  sb_twcc_gen_get_stats(g, &st);
  g_assert_cmpuint(st.late, ==, 1);
  check_stats(g, 4, 8, 1);
  sb_twcc_gen_free(g);
}

/* 65534, (65535 lost), 0, 1, 2: one message across the wrap. */
static void test_wrap(void) {
  sb_twcc_gen *g = gen_new();
  sb_twcc_gen_on_packet(g, 65534, 1000000);
  for (int i = 0; i < 3; i++)
    sb_twcc_gen_on_packet(g, (uint16_t)i, 1010000 + i * 10000);
  g_assert_cmpint(poll_parse(g, 1100000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 65534, 15, 0, "RLRRR", (const int32_t[]){40000, 10000, 10000, 10000});
  sb_twcc_gen_on_packet(g, 3, 1150000);
  g_assert_cmpint(poll_parse(g, 1200000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 3, 17, 1, "R", (const int32_t[]){62000});
  check_stats(g, 2, 5, 1);
  sb_twcc_gen_free(g);
}

/* 5 then 3 (reordered before the first seen): base 3, 4 lost, and 5 came
 * 1 ms before 3, a negative delta. Reference 15 (960 ms) from 3 at 1.001 s. */
static void test_reordered_start(void) {
  sb_twcc_gen *g = gen_new();
  sb_twcc_gen_on_packet(g, 5, 1000000);
  sb_twcc_gen_on_packet(g, 3, 1001000);
  g_assert_cmpint(poll_parse(g, 1100000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 3, 15, 0, "RLR", (const int32_t[]){41000, -1000});
  sb_twcc_gen_free(g);
}

static void test_jumps(void) {
  sb_twcc_gen *g = gen_new();
  sb_twcc_gen_on_packet(g, 10, 1000000);
  sb_twcc_gen_on_packet(g, 11, 1001000);
  g_assert_cmpint(poll_parse(g, 1100000, sizeof buf), ==, 1);
  /* 100 ahead: 99 reported lost. */
  sb_twcc_gen_on_packet(g, 111, 1110000);
  g_assert_cmpint(poll_parse(g, 1200000, sizeof buf), ==, 1);
  g_assert_cmpuint(msgs[0].base_seq, ==, 12);
  g_assert_cmpuint(msgs[0].n_packets, ==, 100);
  g_assert_false(msgs[0].packets[98].received);
  g_assert_true(msgs[0].packets[99].received);
  check_stats(g, 2, 3, 99);
  /* 3000 ahead: restart there. */
  sb_twcc_gen_on_packet(g, 3111, 1210000);
  sb_twcc_gen_on_packet(g, 3112, 1211000);
  g_assert_cmpint(poll_parse(g, 1300000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 3111, 18, 2, "RR", (const int32_t[]){58000, 1000});
  /* 3113 is pending when 5000 ahead comes: dropped with the restart. */
  sb_twcc_gen_on_packet(g, 3113, 1310000);
  sb_twcc_gen_on_packet(g, 8113, 1320000);
  g_assert_cmpint(poll_parse(g, 1400000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 8113, 20, 3, "R", (const int32_t[]){40000});
  /* 3000 behind: restart too. */
  sb_twcc_gen_on_packet(g, 5113, 1410000);
  g_assert_cmpint(poll_parse(g, 1500000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 5113, 22, 4, "R", (const int32_t[]){2000});
  sb_twcc_gen_stats st;
  sb_twcc_gen_get_stats(g, &st);
  g_assert_cmpuint(st.restarts, ==, 3);
  check_stats(g, 5, 7, 99);
  sb_twcc_gen_free(g);
}

/* The reference time is 24-bit signed: 0x7fffff, then -0x800000 (the next
 * 64 ms step), then 0 at 2^24 steps. */
static void test_reference_wrap(void) {
  sb_twcc_gen *g = gen_new();
  int64_t t1 = 64000LL * 0x7fffff + 250, t2 = 64000LL * 0x800000 + 500, t3 = 64000LL * 0x1000000;
  sb_twcc_gen_on_packet(g, 1, t1);
  g_assert_cmpint(poll_parse(g, t1 + 100000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 1, SB_RTCP_TWCC_REF_MAX, 0, "R", (const int32_t[]){250});
  sb_twcc_gen_on_packet(g, 2, t2);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, t1 + 200000);
  g_assert_cmpint(poll_parse(g, t1 + 200000, sizeof buf), ==, 1);
  check_msg(&msgs[0], 2, SB_RTCP_TWCC_REF_MIN, 1, "R", (const int32_t[]){500});
  sb_twcc_gen_on_packet(g, 3, t3);
  g_assert_cmpint(poll_parse(g, t3, sizeof buf), ==, 1);
  check_msg(&msgs[0], 3, 0, 2, "R", (const int32_t[]){0});
  sb_twcc_gen_free(g);
}

/* 32767 units (8.19175 s) still fit in a delta; 32768 more end the message:
 * one poll writes two. Seq 3 at 17.02375 s: reference 265 (16.96 s). */
static void test_delta_overflow_splits(void) {
  sb_twcc_gen *g = gen_new();
  sb_twcc_gen_on_packet(g, 1, 640000);
  sb_twcc_gen_on_packet(g, 2, 640000 + 8191750);
  sb_twcc_gen_on_packet(g, 3, 640000 + 8191750 + 8192000);
  g_assert_cmpint(poll_parse(g, 17100000, sizeof buf), ==, 2);
  check_msg(&msgs[0], 1, 10, 0, "RR", (const int32_t[]){0, 8191750});
  check_msg(&msgs[1], 3, 265, 1, "R", (const int32_t[]){63750});
  check_stats(g, 2, 3, 0);
  sb_twcc_gen_free(g);
}

/* 2048 pending sequence numbers make feedback due at once; 2100 are
 * written as 2048 + 52. */
static void test_max_packets(void) {
  sb_twcc_gen *g = gen_new();
  sb_twcc_gen_set_max_size(g, 65535);
  for (int i = 0; i < 2047; i++)
    sb_twcc_gen_on_packet(g, (uint16_t)i, 640000 + i * 10);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, 740000);
  sb_twcc_gen_on_packet(g, 2047, 640000 + 2047 * 10);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, 660470);
  for (int i = 2048; i < 2100; i++)
    sb_twcc_gen_on_packet(g, (uint16_t)i, 640000 + i * 10);
  g_assert_cmpint(poll_parse(g, 661000, sizeof buf), ==, 2);
  g_assert_cmpuint(msgs[0].base_seq, ==, 0);
  g_assert_cmpuint(msgs[0].n_packets, ==, 2048);
  g_assert_cmpuint(msgs[1].base_seq, ==, 2048);
  g_assert_cmpuint(msgs[1].n_packets, ==, 52);
  g_assert_cmpint(msgs[1].reference_time, ==, 10);
  g_assert_cmpint(msgs[1].packets[0].delta_us, ==, 20500); /* 20.48 ms rounded up */
  check_stats(g, 2, 2100, 0);
  sb_twcc_gen_free(g);
}

/* At most 100 octets: 20 fixed + 2 per 7 statuses + 1 per small delta + 3
 * must stay <= 100, so 59 statuses a message. A buffer that holds only the
 * first makes the rest due at once. */
static void test_max_size_and_small_buffer(void) {
  sb_twcc_gen *g = gen_new();
  sb_twcc_gen_set_max_size(g, 100);
  for (int i = 0; i < 100; i++)
    sb_twcc_gen_on_packet(g, (uint16_t)i, 640000 + i * 1000);
  size_t w = 99;
  g_assert_cmpint(sb_twcc_gen_poll(g, 740000, buf, 10, &w), ==, SB_ENOSPC);
  g_assert_cmpuint(w, ==, 0);
  check_stats(g, 0, 0, 0);
  g_assert_cmpint(poll_parse(g, 740000, 100), ==, 1);
  g_assert_cmpuint(buf_len, ==, 84);
  g_assert_cmpuint(msgs[0].n_packets, ==, 59);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, 740000);
  g_assert_cmpint(poll_parse(g, 740000, sizeof buf), ==, 1);
  g_assert_cmpuint(msgs[0].base_seq, ==, 59);
  g_assert_cmpuint(msgs[0].n_packets, ==, 41);
  g_assert_cmpint(msgs[0].reference_time, ==, 10);
  g_assert_cmpint(msgs[0].packets[0].delta_us, ==, 59000);
  g_assert_cmpint(sb_twcc_gen_next_deadline(g), ==, INT64_MAX);
  check_stats(g, 2, 100, 0);
  sb_twcc_gen_free(g);
}

static void test_fb_count_wraps(void) {
  sb_twcc_gen *g = gen_new();
  for (int r = 0; r < 257; r++) {
    sb_twcc_gen_on_packet(g, (uint16_t)r, 1000000 + r * 100000LL);
    g_assert_cmpint(poll_parse(g, 1100000 + r * 100000LL, sizeof buf), ==, 1);
    g_assert_cmpuint(msgs[0].fb_pkt_count, ==, (uint8_t)r);
  }
  check_stats(g, 257, 257, 0);
  sb_twcc_gen_free(g);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  msgs = g_new0(sb_rtcp_twcc, MAX_MSGS);
  g_test_add_func("/twcc-gen/new", test_new);
  g_test_add_func("/twcc-gen/basic-and-cadence", test_basic_and_cadence);
  g_test_add_func("/twcc-gen/rounding", test_rounding_does_not_accumulate);
  g_test_add_func("/twcc-gen/late-arrival", test_late_arrival);
  g_test_add_func("/twcc-gen/wrap", test_wrap);
  g_test_add_func("/twcc-gen/reordered-start", test_reordered_start);
  g_test_add_func("/twcc-gen/jumps", test_jumps);
  g_test_add_func("/twcc-gen/reference-wrap", test_reference_wrap);
  g_test_add_func("/twcc-gen/delta-overflow", test_delta_overflow_splits);
  g_test_add_func("/twcc-gen/max-packets", test_max_packets);
  g_test_add_func("/twcc-gen/max-size", test_max_size_and_small_buffer);
  g_test_add_func("/twcc-gen/fb-count-wraps", test_fb_count_wraps);
  int rc = g_test_run();
  g_free(msgs);
  return rc;
}
