/* test_gso_plan.c - unit tests for the UDP GSO plan (core/gso_plan.c): a
 * frame of equal packets to one receiver becomes one group, a shorter last
 * packet ends it, a longer one starts a new group, destinations interleave
 * freely, and on random queues every datagram is sent exactly once, each
 * destination's datagrams in queue order, every group within the kernel's
 * rule and the limits. */
#include <glib.h>
#include <string.h>

#include "core/gso_plan.h"

static sb_stun_addr dst(uint8_t host, uint16_t port) {
  sb_stun_addr a = {.family = 4, .port = port};
  a.ip[0] = 198, a.ip[1] = 18, a.ip[2] = 0, a.ip[3] = host;
  return a;
}

/* The checks every plan must pass. */
static void check_plan(unsigned n, const size_t *len, const sb_stun_addr *dest, unsigned max_segs,
                       size_t max_bytes, const uint8_t *order, const sb_gso_group *g,
                       unsigned groups) {
  bool seen[SB_GSO_PLAN_MAX] = {false};
  unsigned at = 0;
  for (unsigned k = 0; k < groups; k++) {
    g_assert_cmpuint(g[k].first, ==, at);
    g_assert_cmpuint(g[k].count, >=, 1);
    g_assert_cmpuint(g[k].count, <=, max_segs);
    size_t total = 0;
    for (unsigned s = 0; s < g[k].count; s++) {
      unsigned i = order[at + s];
      g_assert_cmpuint(i, <, n);
      g_assert_false(seen[i]);
      seen[i] = true;
      g_assert_true(sb_stun_addr_equal(&dest[i], &dest[order[at]]));
      if (s == 0)
        g_assert_cmpuint(len[i], ==, g[k].seg);
      else if (s + 1 < g[k].count)
        g_assert_cmpuint(len[i], ==, g[k].seg);
      else
        g_assert_cmpuint(len[i], <=, g[k].seg);
      total += len[i];
    }
    if (g[k].count > 1) g_assert_cmpuint(total, <=, max_bytes);
    at += g[k].count;
  }
  g_assert_cmpuint(at, ==, n);
  /* Per destination, the sending order is the queue order. */
  for (unsigned a = 0; a < n; a++)
    for (unsigned b = a + 1; b < n; b++)
      if (sb_stun_addr_equal(&dest[order[a]], &dest[order[b]]))
        g_assert_cmpuint(order[a], <, order[b]);
}

static unsigned plan(unsigned n, const size_t *len, const sb_stun_addr *dest, uint8_t *order,
                     sb_gso_group *g) {
  unsigned groups = sb_gso_plan(n, len, dest, 32, 60000, order, g);
  check_plan(n, len, dest, 32, 60000, order, g, groups);
  return groups;
}

static void test_frames(void) {
  /* Two receivers' frames interleaved: A A B A(short) B B(short) A B */
  sb_stun_addr A = dst(1, 5000), B = dst(2, 5000);
  sb_stun_addr dest[] = {A, A, B, A, B, B, A, B};
  size_t len[] = {1150, 1150, 1150, 700, 1150, 300, 1150, 1150};
  uint8_t order[8];
  sb_gso_group g[8];
  unsigned groups = plan(8, len, dest, order, g);
  g_assert_cmpuint(groups, ==, 4);
  /* A: 0,1,3 (ended by the short one); B: 2,4,5; then A: 6; B: 7 */
  const uint8_t want[] = {0, 1, 3, 2, 4, 5, 6, 7};
  g_assert_cmpmem(order, 8, want, 8);
  g_assert_cmpuint(g[0].count, ==, 3);
  g_assert_cmpuint(g[0].seg, ==, 1150);
  g_assert_cmpuint(g[1].count, ==, 3);
  g_assert_cmpuint(g[2].count, ==, 1);
  g_assert_cmpuint(g[3].count, ==, 1);
}

static void test_longer_ends_group(void) {
  sb_stun_addr A = dst(1, 5000), B = dst(1, 5001); /* same host, other port */
  sb_stun_addr dest[] = {A, B, A, A, A};
  size_t len[] = {800, 800, 800, 1200, 800};
  uint8_t order[5];
  sb_gso_group g[5];
  unsigned groups = plan(5, len, dest, order, g);
  /* A: 0,2 then the longer 3 must not be overtaken by 4: 3,4 is its own
   * group only if 4 <= 1200 (it is). */
  g_assert_cmpuint(groups, ==, 3);
  const uint8_t want[] = {0, 2, 1, 3, 4};
  g_assert_cmpmem(order, 5, want, 5);
  g_assert_cmpuint(g[2].seg, ==, 1200);
  g_assert_cmpuint(g[2].count, ==, 2);
}

static void test_limits(void) {
  sb_stun_addr dest[40];
  size_t len[40];
  for (int i = 0; i < 40; i++)
    dest[i] = dst(1, 5000), len[i] = 1000;
  uint8_t order[40];
  sb_gso_group g[40];
  unsigned groups = sb_gso_plan(40, len, dest, 16, 60000, order, g);
  check_plan(40, len, dest, 16, 60000, order, g, groups);
  g_assert_cmpuint(groups, ==, 3); /* 16 + 16 + 8 */
  groups = sb_gso_plan(40, len, dest, 64, 10000, order, g);
  check_plan(40, len, dest, 64, 10000, order, g, groups);
  g_assert_cmpuint(groups, ==, 4); /* 10 per group by bytes */
  /* max_segs 1: no grouping at all, queue order kept. */
  groups = sb_gso_plan(40, len, dest, 1, 60000, order, g);
  g_assert_cmpuint(groups, ==, 40);
  for (int i = 0; i < 40; i++)
    g_assert_cmpuint(order[i], ==, i);
}

static void test_random(void) {
  GRand *r = g_rand_new_with_seed(7);
  for (int run = 0; run < 20000; run++) {
    unsigned n = (unsigned)g_rand_int_range(r, 1, SB_GSO_PLAN_MAX + 1);
    sb_stun_addr dest[SB_GSO_PLAN_MAX];
    size_t len[SB_GSO_PLAN_MAX];
    int hosts = g_rand_int_range(r, 1, 6);
    for (unsigned i = 0; i < n; i++) {
      dest[i] = dst((uint8_t)g_rand_int_range(r, 1, hosts + 1), 5000);
      int kind = g_rand_int_range(r, 0, 4);
      len[i] = kind < 2 ? 1150 : kind == 2 ? (size_t)g_rand_int_range(r, 60, 1300) : 120;
    }
    unsigned max_segs = (unsigned)g_rand_int_range(r, 1, 40);
    size_t max_bytes = (size_t)g_rand_int_range(r, 1300, 65000);
    uint8_t order[SB_GSO_PLAN_MAX];
    sb_gso_group g[SB_GSO_PLAN_MAX];
    unsigned groups = sb_gso_plan(n, len, dest, max_segs, max_bytes, order, g);
    check_plan(n, len, dest, max_segs, max_bytes, order, g, groups);
  }
  g_rand_free(r);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/gso_plan/frames", test_frames);
  g_test_add_func("/gso_plan/longer-ends-group", test_longer_ends_group);
  g_test_add_func("/gso_plan/limits", test_limits);
  g_test_add_func("/gso_plan/random", test_random);
  return g_test_run();
}
