/* test_nack_gen.c - unit tests for the NACK generator (nack_gen.c) on a
 * virtual clock: NACK at once, re-NACK after one RTT (or the default, or the
 * floor), give-up by retries and by age with one keyframe request, recovery,
 * burst loss and cap, wrap-around, resets on big jumps either way, table
 * overflow and compaction, next_deadline values. */
#include <glib.h>

#include "core/nack_gen.h"

#define RTT 50000

static sb_nack_gen g;
static uint16_t out[1024];

/* Polls at now with rtt and checks the NACKed seqs are exactly want[0..n). */
static void poll_eq(int64_t now, int64_t rtt, const uint16_t *want, size_t n) {
  size_t got = sb_nack_gen_poll(&g, now, rtt, out, G_N_ELEMENTS(out));
  g_assert_cmpuint(got, ==, n);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpuint(out[i], ==, want[i]);
}

static void poll_none(int64_t now, int64_t rtt) { poll_eq(now, rtt, NULL, 0); }

static void pkt(uint16_t seq, int64_t now, sb_nack_gen_result want) {
  g_assert_cmpint(sb_nack_gen_on_packet(&g, seq, now), ==, want);
}

static void test_single_loss(void) {
  sb_nack_gen_init(&g, NULL);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, RTT), ==, INT64_MAX);
  pkt(100, 0, SB_NACK_GEN_FIRST);
  pkt(101, 1000, SB_NACK_GEN_IN_ORDER);
  poll_none(1000, RTT);
  pkt(103, 2000, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 1);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, RTT), ==, 2000); /* due at once */
  poll_eq(2500, RTT, (uint16_t[]){102}, 1);
  g_assert_cmpuint(g.nacks_sent, ==, 1);
  poll_none(2500, RTT); /* not twice */
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, RTT), ==, 52500);
  poll_none(52499, RTT);
  poll_eq(52500, RTT, (uint16_t[]){102}, 1);
  g_assert_cmpuint(g.nacks_sent, ==, 2);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, RTT), ==, 102500);
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  g_assert_cmpuint(g.given_up, ==, 0);
}

/* The interval: the caller's RTT, else default_rtt_us, never below
 * min_interval_us; and the values next_deadline gives for each. */
static void test_interval_and_deadline(void) {
  sb_nack_gen_init(&g, NULL);
  pkt(10, 0, SB_NACK_GEN_FIRST);
  pkt(12, 1000, SB_NACK_GEN_IN_ORDER);
  poll_eq(2000, 0, (uint16_t[]){11}, 1);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 0), ==, 102000);    /* default 100 ms */
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, -5), ==, 102000);   /* unknown */
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 1000), ==, 12000);  /* floor 10 ms */
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 30000), ==, 32000); /* the RTT */
  /* An RTT longer than max_age: the age limit (found at 1000, + 1 s) comes first. */
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 5000000), ==, 1001000);
  poll_none(11999, 1000);
  poll_eq(12000, 1000, (uint16_t[]){11}, 1);
  poll_none(111999, 0);
  poll_eq(112000, 0, (uint16_t[]){11}, 1);

  /* A shorter age limit bounds the deadline: found at 1000, age 20 ms. */
  sb_nack_gen_init(&g, &(sb_nack_gen_config){.max_age_us = 20000});
  pkt(10, 0, SB_NACK_GEN_FIRST);
  pkt(12, 1000, SB_NACK_GEN_IN_ORDER);
  poll_eq(2000, 30000, (uint16_t[]){11}, 1);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 30000), ==, 21000);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 10000), ==, 12000);
}

/* RTT 10 ms: NACKs at 0, 10, ..., 90 ms (10 of them); at 100 ms, when the
 * 11th would be due, it is given up: one keyframe request. */
static void test_give_up_by_retries(void) {
  sb_nack_gen_init(&g, NULL);
  pkt(1, 0, SB_NACK_GEN_FIRST);
  pkt(3, 0, SB_NACK_GEN_IN_ORDER);
  for (int i = 0; i < 10; i++) {
    poll_none(i * 10000 - 1, 10000);
    poll_eq(i * 10000, 10000, (uint16_t[]){2}, 1);
  }
  g_assert_cmpuint(g.nacks_sent, ==, 10);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 10000), ==, 100000);
  poll_none(99999, 10000);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 1);
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  poll_none(100000, 10000);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 0);
  g_assert_cmpuint(g.given_up, ==, 1);
  g_assert_cmpuint(g.nacks_sent, ==, 10);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 10000), ==, INT64_MAX);
  pkt(2, 100001, SB_NACK_GEN_OLD); /* too late: not missing any more */
  g_assert_cmpuint(g.recovered, ==, 0);

  /* max_retries 3 from the config. */
  sb_nack_gen_init(&g, &(sb_nack_gen_config){.max_retries = 3});
  pkt(1, 0, SB_NACK_GEN_FIRST);
  pkt(3, 0, SB_NACK_GEN_IN_ORDER);
  poll_eq(0, 20000, (uint16_t[]){2}, 1);
  poll_eq(20000, 20000, (uint16_t[]){2}, 1);
  poll_eq(40000, 20000, (uint16_t[]){2}, 1);
  poll_none(60000, 20000);
  g_assert_cmpuint(g.given_up, ==, 1);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
}

/* Max age counts from when the seq was found missing (500 here), not from
 * its NACKs: with RTT 300 ms, NACKs at 500, 300500, 600500, 900500, given up
 * at 1000500. */
static void test_give_up_by_age(void) {
  sb_nack_gen_init(&g, &(sb_nack_gen_config){.max_retries = 100});
  pkt(7, 0, SB_NACK_GEN_FIRST);
  pkt(9, 500, SB_NACK_GEN_IN_ORDER);
  poll_eq(500, 300000, (uint16_t[]){8}, 1);
  poll_eq(300500, 300000, (uint16_t[]){8}, 1);
  poll_eq(600500, 300000, (uint16_t[]){8}, 1);
  poll_eq(900500, 300000, (uint16_t[]){8}, 1);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, 300000), ==, 1000500);
  poll_none(1000499, 300000);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 1);
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  poll_none(1000500, 300000);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 0);
  g_assert_cmpuint(g.given_up, ==, 1);
  g_assert_cmpuint(g.nacks_sent, ==, 4);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));

  /* Never NACKed (the caller polled late): still given up by age, not NACKed. */
  pkt(20, 2000000, SB_NACK_GEN_IN_ORDER);
  poll_none(3000000, 300000);
  g_assert_cmpuint(g.given_up, ==, 11); /* 10..19 */
  g_assert_cmpuint(g.nacks_sent, ==, 4);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
}

static void test_recovery(void) {
  sb_nack_gen_init(&g, NULL);
  pkt(100, 0, SB_NACK_GEN_FIRST);
  pkt(102, 0, SB_NACK_GEN_IN_ORDER);
  poll_eq(0, RTT, (uint16_t[]){101}, 1);
  pkt(101, 30000, SB_NACK_GEN_RECOVERED); /* the retransmission */
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 0);
  g_assert_cmpuint(g.recovered, ==, 1);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, RTT), ==, INT64_MAX);
  poll_none(RTT, RTT);
  poll_none(10 * RTT, RTT);
  pkt(101, 60000, SB_NACK_GEN_OLD); /* a duplicate */
  pkt(102, 60000, SB_NACK_GEN_OLD);
  g_assert_cmpuint(g.recovered, ==, 1);

  /* Reordering: a late packet fills the hole before any poll, never NACKed. */
  pkt(105, 70000, SB_NACK_GEN_IN_ORDER);
  pkt(104, 70100, SB_NACK_GEN_RECOVERED);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 1);
  poll_eq(70200, RTT, (uint16_t[]){103}, 1);
  pkt(103, 70300, SB_NACK_GEN_RECOVERED);
  poll_none(70200 + RTT, RTT);
  g_assert_cmpuint(g.recovered, ==, 3);
  g_assert_cmpuint(g.nacks_sent, ==, 2);
  g_assert_cmpuint(g.given_up, ==, 0);
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
}

/* 10 -> 20: 11..19 missing. cap 4 takes the oldest four; the rest stay due. */
static void test_burst_and_cap(void) {
  sb_nack_gen_init(&g, NULL);
  pkt(10, 0, SB_NACK_GEN_FIRST);
  pkt(20, 1000, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 9);
  uint16_t four[4];
  g_assert_cmpuint(sb_nack_gen_poll(&g, 2000, RTT, four, 4), ==, 4);
  g_assert_cmpuint(four[0], ==, 11);
  g_assert_cmpuint(four[3], ==, 14);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, RTT), ==, 1000); /* 15.. still due */
  poll_eq(3000, RTT, (uint16_t[]){15, 16, 17, 18, 19}, 5);
  g_assert_cmpint(sb_nack_gen_next_deadline(&g, RTT), ==, 52000);
  g_assert_cmpuint(sb_nack_gen_poll(&g, 52000, RTT, four, 0), ==, 0); /* cap 0 */
  pkt(13, 52000, SB_NACK_GEN_RECOVERED);
  poll_eq(52000, RTT, (uint16_t[]){11, 12, 14}, 3);
  poll_eq(53000, RTT, (uint16_t[]){15, 16, 17, 18, 19}, 5);
  g_assert_cmpuint(g.nacks_sent, ==, 17);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 8);
}

static void test_wrap(void) {
  sb_nack_gen_init(&g, NULL);
  pkt(65533, 0, SB_NACK_GEN_FIRST);
  pkt(1, 0, SB_NACK_GEN_IN_ORDER);
  poll_eq(0, RTT, (uint16_t[]){65534, 65535, 0}, 3);
  pkt(65535, 1000, SB_NACK_GEN_RECOVERED);
  pkt(65532, 1000, SB_NACK_GEN_OLD); /* 5 behind, never missing */
  pkt(65535, 1000, SB_NACK_GEN_OLD);
  pkt(3, 1000, SB_NACK_GEN_IN_ORDER);
  poll_eq(1000, RTT, (uint16_t[]){2}, 1);
  poll_eq(RTT, RTT, (uint16_t[]){65534, 0}, 2);
  pkt(0, RTT, SB_NACK_GEN_RECOVERED);
  poll_eq(1000 + RTT, RTT, (uint16_t[]){2}, 1);
  poll_eq(2 * RTT, RTT, (uint16_t[]){65534}, 1);
  g_assert_cmpuint(g.resets, ==, 0);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 2);
}

static void test_reset(void) {
  /* Forward: a jump of max_gap (512) is a gap, one more is a reset. */
  sb_nack_gen_init(&g, NULL);
  pkt(100, 0, SB_NACK_GEN_FIRST);
  pkt(612, 0, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 511);
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  pkt(1125, 0, SB_NACK_GEN_RESET);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 0);
  g_assert_cmpuint(g.resets, ==, 1);
  g_assert_cmpuint(g.given_up, ==, 0);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  poll_none(0, RTT);
  pkt(1127, 0, SB_NACK_GEN_IN_ORDER);
  poll_eq(0, RTT, (uint16_t[]){1126}, 1);

  /* Backward: 1000 behind is reordering, 1001 behind a restart. */
  sb_nack_gen_init(&g, NULL);
  pkt(5000, 0, SB_NACK_GEN_FIRST);
  pkt(4000, 0, SB_NACK_GEN_OLD);
  pkt(3999, 0, SB_NACK_GEN_RESET);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
  pkt(4000, 0, SB_NACK_GEN_IN_ORDER); /* tracking restarted at 3999 */

  /* A publisher restarting at 7 from around 40000: reset, then normal. */
  sb_nack_gen_init(&g, NULL);
  pkt(40000, 0, SB_NACK_GEN_FIRST);
  pkt(40002, 0, SB_NACK_GEN_IN_ORDER);
  pkt(7, 0, SB_NACK_GEN_RESET);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 0);
  pkt(8, 0, SB_NACK_GEN_IN_ORDER);
  poll_none(0, RTT);

  /* A stray packet from 2000 behind, then the stream goes on: two resets and
   * a keyframe request, no NACKs for the 2000 seqs in between. */
  sb_nack_gen_init(&g, NULL);
  pkt(5000, 0, SB_NACK_GEN_FIRST);
  pkt(3000, 0, SB_NACK_GEN_RESET);
  pkt(5001, 0, SB_NACK_GEN_RESET);
  poll_none(0, RTT);
  g_assert_cmpuint(g.resets, ==, 2);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));

  /* A missing seq far behind (more than max_reorder) is still recovered. */
  sb_nack_gen_init(&g, NULL);
  pkt(100, 0, SB_NACK_GEN_FIRST);
  pkt(102, 0, SB_NACK_GEN_IN_ORDER);
  for (uint16_t s = 103; s <= 1200; s++)
    pkt(s, 0, SB_NACK_GEN_IN_ORDER);
  pkt(101, 0, SB_NACK_GEN_RECOVERED);
  g_assert_cmpuint(g.resets, ==, 0);

  /* sb_nack_gen_reset: forgets, next packet is FIRST, counters stay. */
  pkt(1300, 0, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 99); /* 1201..1299 */
  sb_nack_gen_reset(&g);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 0);
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  pkt(9, 0, SB_NACK_GEN_FIRST);
  poll_none(0, RTT);
  g_assert_cmpuint(g.recovered, ==, 1);
}

static void test_overflow(void) {
  /* 0 -> 301: 1..300 missing; -> 602: 302..601 too; 600 > 512, so the
   * oldest 88 (1..88) are given up. */
  sb_nack_gen_init(&g, NULL);
  pkt(0, 0, SB_NACK_GEN_FIRST);
  pkt(301, 0, SB_NACK_GEN_IN_ORDER);
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  pkt(602, 0, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, SB_NACK_GEN_MAX_MISSING);
  g_assert_cmpuint(g.given_up, ==, 88);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
  g_assert_cmpuint(sb_nack_gen_poll(&g, 0, RTT, out, G_N_ELEMENTS(out)), ==, 512);
  g_assert_cmpuint(out[0], ==, 89);
  g_assert_cmpuint(out[211], ==, 300);
  g_assert_cmpuint(out[212], ==, 302);
  g_assert_cmpuint(out[511], ==, 601);
  pkt(88, 0, SB_NACK_GEN_OLD); /* given up: not missing */
  pkt(89, 0, SB_NACK_GEN_RECOVERED);

  /* Recovered slots are reused: 1..500 missing, 101..120 arrive (slots in the
   * middle), then a gap of 17 (503..519) fits in 480 + 17 without giving
   * anything up. */
  sb_nack_gen_init(&g, NULL);
  pkt(0, 0, SB_NACK_GEN_FIRST);
  pkt(501, 0, SB_NACK_GEN_IN_ORDER);
  for (uint16_t s = 101; s <= 120; s++)
    pkt(s, 0, SB_NACK_GEN_RECOVERED);
  pkt(502, 0, SB_NACK_GEN_IN_ORDER);
  pkt(520, 0, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 497);
  g_assert_cmpuint(g.given_up, ==, 0);
  g_assert_false(sb_nack_gen_take_keyframe_request(&g));
  pkt(21, 0, SB_NACK_GEN_RECOVERED); /* the search still works after compaction */
  pkt(519, 0, SB_NACK_GEN_RECOVERED);
  pkt(110, 0, SB_NACK_GEN_OLD);
  g_assert_cmpuint(sb_nack_gen_poll(&g, 0, RTT, out, G_N_ELEMENTS(out)), ==, 495);
  g_assert_cmpuint(out[0], ==, 1);
  g_assert_cmpuint(out[19], ==, 20);
  g_assert_cmpuint(out[20], ==, 22);
  g_assert_cmpuint(out[98], ==, 100);
  g_assert_cmpuint(out[99], ==, 121);
  g_assert_cmpuint(out[478], ==, 500);
  g_assert_cmpuint(out[479], ==, 503);
  g_assert_cmpuint(out[494], ==, 518);

  /* A single gap larger than the table (max_gap 2000): 0 -> 1001 keeps the
   * newest 512 of 1..1000 (489..1000); 488 given up. */
  sb_nack_gen_init(&g, &(sb_nack_gen_config){.max_gap = 2000});
  pkt(0, 0, SB_NACK_GEN_FIRST);
  pkt(1001, 0, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 512);
  g_assert_cmpuint(g.given_up, ==, 488);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
  g_assert_cmpuint(sb_nack_gen_poll(&g, 0, RTT, out, G_N_ELEMENTS(out)), ==, 512);
  g_assert_cmpuint(out[0], ==, 489);
  g_assert_cmpuint(out[511], ==, 1000);
}

/* A missing seq 32768 behind the highest can no longer be told apart: given
 * up then (ages far beyond anything real, to get there). */
static void test_far_behind(void) {
  sb_nack_gen_init(&g, &(sb_nack_gen_config){.max_age_us = INT64_MAX / 4});
  pkt(0, 0, SB_NACK_GEN_FIRST);
  pkt(2, 0, SB_NACK_GEN_IN_ORDER);
  for (uint32_t s = 3; s <= 32768; s++)
    pkt((uint16_t)s, 0, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 1);
  pkt(32769, 0, SB_NACK_GEN_IN_ORDER);
  g_assert_cmpuint(sb_nack_gen_missing(&g), ==, 0);
  g_assert_cmpuint(g.given_up, ==, 1);
  g_assert_true(sb_nack_gen_take_keyframe_request(&g));
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/nack-gen/single-loss", test_single_loss);
  g_test_add_func("/nack-gen/interval-and-deadline", test_interval_and_deadline);
  g_test_add_func("/nack-gen/give-up-by-retries", test_give_up_by_retries);
  g_test_add_func("/nack-gen/give-up-by-age", test_give_up_by_age);
  g_test_add_func("/nack-gen/recovery", test_recovery);
  g_test_add_func("/nack-gen/burst-and-cap", test_burst_and_cap);
  g_test_add_func("/nack-gen/wrap", test_wrap);
  g_test_add_func("/nack-gen/reset", test_reset);
  g_test_add_func("/nack-gen/overflow", test_overflow);
  g_test_add_func("/nack-gen/far-behind", test_far_behind);
  return g_test_run();
}
