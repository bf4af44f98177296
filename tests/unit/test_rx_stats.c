/* test_rx_stats.c - unit tests for receive-stream statistics (rx_stats.c):
 * sequence tracking across wrap-around, loss and fraction lost on hand-made
 * arrival sequences, restarts after big jumps, the RFC 3550 jitter on worked
 * examples, and the bitrate window. */
#include <glib.h>

#include "core/error.h"
#include "core/rx_stats.h"

static void test_report_before_first_packet(void) {
  sb_rx_stats s;
  sb_rx_report r;
  g_assert_cmpint(sb_rx_stats_init(&s, 0, 1000), ==, SB_EINVAL);
  g_assert_cmpint(sb_rx_stats_init(&s, 90000, 0), ==, SB_EINVAL);
  g_assert_cmpint(sb_rx_stats_init(&s, 90000, 1000), ==, SB_OK);
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_ESTATE);
  g_assert_cmpuint(sb_rx_stats_ext_max(&s), ==, 0);
  g_assert_cmpuint(sb_rx_stats_expected(&s), ==, 0);
}

/* Arrivals (seq) across the wrap, with gaps, a reordered packet and a
 * duplicate:
 *   65533 65534 | 0 2 1 3 3 6 | report 1
 *   7 10 9                    | report 2
 *   (nothing)                 | report 3
 *   10 10 10                  | report 4
 *   10 10                     | report 5
 * Report 1: highest = 65536 + 6 = 65542; expected = 65542 - 65533 + 1 = 10
 *   (65533..65535, 0..6); received = 8 (the duplicate 3 counts, as in
 *   RFC 3550), so cumulative lost = 2 although 65535, 4, 5 never came;
 *   fraction = (2 << 8) / 10 = 51.
 * Report 2: expected 14 (+4), received 11 (+3): lost 3, fraction 256/4 = 64.
 * Report 3: nothing expected: fraction 0, lost still 3.
 * Report 4: three duplicates: received 14, lost 0, interval lost -3 -> 0.
 * Report 5: two more: received 16, cumulative lost -2. */
static void test_loss_wrap_reorder(void) {
  sb_rx_stats s;
  sb_rx_report r;
  int64_t t = 1000000;
  g_assert_cmpint(sb_rx_stats_init(&s, 8000, 1000), ==, SB_OK);
  const uint16_t seqs[] = {65533, 65534, 0, 2, 1, 3, 3, 6};
  const sb_rx_result want[] = {SB_RX_FIRST, SB_RX_IN_ORDER, SB_RX_IN_ORDER, SB_RX_IN_ORDER,
                               SB_RX_OLD,   SB_RX_IN_ORDER, SB_RX_OLD,      SB_RX_IN_ORDER};
  for (unsigned i = 0; i < G_N_ELEMENTS(seqs); i++, t += 20000)
    g_assert_cmpint(sb_rx_stats_update(&s, seqs[i], 160u * seqs[i], 100, t), ==, want[i]);
  g_assert_cmpuint(sb_rx_stats_ext_max(&s), ==, 65542);
  g_assert_cmpuint(sb_rx_stats_expected(&s), ==, 10);
  g_assert_cmpint(sb_rx_stats_lost(&s), ==, 2);
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpuint(r.fraction_lost, ==, 51);
  g_assert_cmpint(r.cumulative_lost, ==, 2);
  g_assert_cmphex(r.ext_highest_seq, ==, 0x00010006);

  g_assert_cmpint(sb_rx_stats_update(&s, 7, 0, 100, t), ==, SB_RX_IN_ORDER);
  g_assert_cmpint(sb_rx_stats_update(&s, 10, 0, 100, t), ==, SB_RX_IN_ORDER);
  g_assert_cmpint(sb_rx_stats_update(&s, 9, 0, 100, t), ==, SB_RX_OLD);
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpuint(r.fraction_lost, ==, 64);
  g_assert_cmpint(r.cumulative_lost, ==, 3);
  g_assert_cmphex(r.ext_highest_seq, ==, 0x0001000a);

  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpuint(r.fraction_lost, ==, 0);
  g_assert_cmpint(r.cumulative_lost, ==, 3);

  for (int i = 0; i < 3; i++)
    g_assert_cmpint(sb_rx_stats_update(&s, 10, 0, 100, t), ==, SB_RX_OLD);
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpuint(r.fraction_lost, ==, 0);
  g_assert_cmpint(r.cumulative_lost, ==, 0);

  for (int i = 0; i < 2; i++)
    sb_rx_stats_update(&s, 10, 0, 100, t);
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpint(r.cumulative_lost, ==, -2);
  g_assert_cmpuint(s.packets, ==, 16);
  g_assert_cmpuint(s.bytes, ==, 1600);
}

/* RFC 3550 A.1: a jump of 3000 or more ahead (or more than 100 behind) is
 * not counted; if the next packet follows the jumped-to one, the stream
 * restarts there. */
static void test_big_jump_restart(void) {
  sb_rx_stats s;
  sb_rx_report r;
  g_assert_cmpint(sb_rx_stats_init(&s, 90000, 1000), ==, SB_OK);
  g_assert_cmpint(sb_rx_stats_update(&s, 1000, 0, 10, 0), ==, SB_RX_FIRST);
  g_assert_cmpint(sb_rx_stats_update(&s, 1001, 0, 10, 0), ==, SB_RX_IN_ORDER);
  g_assert_cmpint(sb_rx_stats_update(&s, 1002, 0, 10, 0), ==, SB_RX_IN_ORDER);

  /* A lone stray packet far ahead, then the stream goes on: ignored. */
  g_assert_cmpint(sb_rx_stats_update(&s, 30000, 0, 10, 0), ==, SB_RX_BAD_JUMP);
  g_assert_cmpint(sb_rx_stats_update(&s, 1003, 0, 10, 0), ==, SB_RX_IN_ORDER);
  /* ... and one far behind (1003 - 500 > 100). */
  g_assert_cmpint(sb_rx_stats_update(&s, 500, 0, 10, 0), ==, SB_RX_BAD_JUMP);
  g_assert_cmpuint(sb_rx_stats_ext_max(&s), ==, 1003);
  g_assert_cmpuint(s.received, ==, 4);
  g_assert_cmpint(sb_rx_stats_lost(&s), ==, 0);
  /* 2999 ahead is still a gap, not a jump: 2998 lost. */
  g_assert_cmpint(sb_rx_stats_update(&s, 4002, 0, 10, 0), ==, SB_RX_IN_ORDER);
  g_assert_cmpint(sb_rx_stats_lost(&s), ==, 2998);

  /* 20000, 20001: the source restarted at 20000's successor. */
  g_assert_cmpint(sb_rx_stats_update(&s, 20000, 0, 10, 0), ==, SB_RX_BAD_JUMP);
  g_assert_cmpint(sb_rx_stats_update(&s, 20001, 0, 10, 0), ==, SB_RX_RESTARTED);
  g_assert_cmpint(sb_rx_stats_update(&s, 20002, 0, 10, 0), ==, SB_RX_IN_ORDER);
  g_assert_cmpuint(sb_rx_stats_ext_max(&s), ==, 20002);
  g_assert_cmpuint(sb_rx_stats_expected(&s), ==, 2);
  g_assert_cmpuint(s.received, ==, 2);
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpuint(r.fraction_lost, ==, 0);
  g_assert_cmpint(r.cumulative_lost, ==, 0);
  g_assert_cmpuint(s.packets, ==, 10); /* totals count everything */
}

/* Every packet 2999 ahead of the previous: 2998 lost each time, through many
 * wraps. After 3000 packets: expected = 1 + 2999 * 2999 = 8994002, lost =
 * 8994002 - 3000 = 8991002 > 0x7fffff, so the report clamps to 8388607;
 * fraction = 8991002 * 256 / 8994002 = 255.9 -> 255. */
static void test_cumulative_lost_clamp(void) {
  sb_rx_stats s;
  sb_rx_report r;
  g_assert_cmpint(sb_rx_stats_init(&s, 90000, 1000), ==, SB_OK);
  for (uint32_t i = 0; i < 3000; i++)
    sb_rx_stats_update(&s, (uint16_t)(i * 2999u), 0, 1, (int64_t)i * 1000);
  g_assert_cmpuint(sb_rx_stats_ext_max(&s), ==, 2999u * 2999u);
  g_assert_cmpint(sb_rx_stats_lost(&s), ==, 8991002);
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpint(r.cumulative_lost, ==, 0x7fffff);
  g_assert_cmpuint(r.fraction_lost, ==, 255);
  g_assert_cmpuint(r.ext_highest_seq, ==, 8994001);

  /* The negative end, by forging the counter (8.4 M duplicates take long). */
  s.received = sb_rx_stats_expected(&s) + 9000000;
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpint(r.cumulative_lost, ==, -0x800000);
  g_assert_cmpuint(r.fraction_lost, ==, 0);
}

/* Jitter worked example, clock 8000 Hz (1 tick = 125 us), 20 ms packets of
 * 160 ticks. Transit = arrival_ticks - ts; D = transit - previous transit;
 * J16 (= 16 J) += |D| - ((J16 + 8) >> 4)   (RFC 3550 A.8):
 *   i  arrival(us)  arrival(ticks)  ts   transit  |D|  J16
 *   0        0            0           0     0      -    0
 *   1    21000          168         160     8      8    0 + 8 - 0  = 8
 *   2    40000          320         320     0      8    8 + 8 - 1  = 15
 *   3    62000          496         480    16     16   15 + 16 - 1 = 30
 *   4    80000          640         640     0     16   30 + 16 - 2 = 44
 * J = 44 / 16 = 2.75 -> 2 ticks (the floating-point form gives 2.79). */
static void test_jitter_worked_example(void) {
  sb_rx_stats s;
  sb_rx_report r;
  const int64_t t0 = 5000000;
  const int64_t arrival[] = {0, 21000, 40000, 62000, 80000};
  const uint32_t j16[] = {0, 8, 15, 30, 44};
  g_assert_cmpint(sb_rx_stats_init(&s, 8000, 1000), ==, SB_OK);
  for (unsigned i = 0; i < 5; i++) {
    sb_rx_stats_update(&s, (uint16_t)(100 + i), 160 * i, 172, t0 + arrival[i]);
    g_assert_cmpuint(s.jitter_q4, ==, j16[i]);
  }
  g_assert_cmpuint(sb_rx_stats_jitter(&s), ==, 2);
  g_assert_cmpint(sb_rx_stats_report(&s, &r), ==, SB_OK);
  g_assert_cmpuint(r.jitter, ==, 2);
  g_assert_cmpuint(r.fraction_lost, ==, 0);
  g_assert_cmpint(r.cumulative_lost, ==, 0);
}

/* Clock 90000 Hz, a wall-clock-sized now_us (no overflow), timestamps
 * crossing 2^32, packets every 10 ms = 900 ticks: perfectly paced, J = 0.
 * Then one packet 10 ms late: |D| = 900, J16 = 900 (J = 56.25); the next on
 * time: |D| = 900 again, J16 = 900 + 900 - ((900 + 8) >> 4 = 56) = 1744,
 * J = 109 (floating point: 56.25 + (900 - 56.25) / 16 = 109.0). */
static void test_jitter_paced_across_ts_wrap(void) {
  sb_rx_stats s;
  const int64_t t0 = G_GINT64_CONSTANT(1700000000000000);
  uint32_t ts = 0xfffff000u;
  int64_t t = t0;
  uint16_t seq = 65530;
  g_assert_cmpint(sb_rx_stats_init(&s, 90000, 1000), ==, SB_OK);
  for (int i = 0; i < 20; i++, ts += 900, t += 10000, seq++)
    sb_rx_stats_update(&s, seq, ts, 1000, t);
  g_assert_cmpuint(s.jitter_q4, ==, 0);
  sb_rx_stats_update(&s, seq++, ts, 1000, t + 10000); /* 10 ms late */
  ts += 900;
  t += 10000;
  g_assert_cmpuint(s.jitter_q4, ==, 900);
  g_assert_cmpuint(sb_rx_stats_jitter(&s), ==, 56);
  sb_rx_stats_update(&s, seq++, ts, 1000, t); /* on time */
  g_assert_cmpuint(s.jitter_q4, ==, 1744);
  g_assert_cmpuint(sb_rx_stats_jitter(&s), ==, 109);
  g_assert_cmpuint(sb_rx_stats_ext_max(&s), ==, 65530 + 21);
}

/* Window 1000 ms = 50 buckets of 20 ms. 100 packets of 125 bytes, one every
 * 10 ms from t0 (t0 a multiple of 20 ms): at t0 + 990 ms all 12500 bytes are
 * in the window = 100 000 bit/s; at t0 + 1000 ms the first bucket (packets
 * at t0 and t0 + 10 ms, 250 bytes) has left: 12250 bytes = 98 000 bit/s;
 * 3 s later nothing is left. */
static void test_bitrate_window(void) {
  sb_rx_stats s;
  const int64_t t0 = 1000000000;
  g_assert_cmpint(sb_rx_stats_init(&s, 90000, 1000), ==, SB_OK);
  g_assert_cmpuint(sb_rx_stats_bitrate(&s, t0), ==, 0);
  for (int k = 0; k < 100; k++)
    sb_rx_stats_update(&s, (uint16_t)k, 0, 125, t0 + k * 10000);
  g_assert_cmpuint(sb_rx_stats_window_bytes(&s, t0 + 990000), ==, 12500);
  g_assert_cmpuint(sb_rx_stats_bitrate(&s, t0 + 990000), ==, 100000);
  g_assert_cmpuint(sb_rx_stats_window_bytes(&s, t0 + 1000000), ==, 12250);
  g_assert_cmpuint(sb_rx_stats_bitrate(&s, t0 + 1000000), ==, 98000);
  g_assert_cmpuint(sb_rx_stats_bitrate(&s, t0 + 4000000), ==, 0);
  g_assert_cmpuint(s.bytes, ==, 12500);

  /* A late add older than its slot's bucket is ignored, not mixed in. */
  sb_rx_stats_update(&s, 100, 0, 1000, t0 + 5000000);
  sb_rx_stats_update(&s, 101, 0, 1000, t0 + 4000000); /* same slot, 50 buckets older */
  g_assert_cmpuint(sb_rx_stats_window_bytes(&s, t0 + 5000000), ==, 1000);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rx-stats/report-before-first", test_report_before_first_packet);
  g_test_add_func("/rx-stats/loss-wrap-reorder", test_loss_wrap_reorder);
  g_test_add_func("/rx-stats/big-jump-restart", test_big_jump_restart);
  g_test_add_func("/rx-stats/cumulative-lost-clamp", test_cumulative_lost_clamp);
  g_test_add_func("/rx-stats/jitter-worked-example", test_jitter_worked_example);
  g_test_add_func("/rx-stats/jitter-paced-ts-wrap", test_jitter_paced_across_ts_wrap);
  g_test_add_func("/rx-stats/bitrate-window", test_bitrate_window);
  return g_test_run();
}
