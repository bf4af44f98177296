/* test_addr_map.c - unit tests for the address map (core/addr_map.c):
 * put, replace, get, remove across growth and wrap-around of the probe
 * sequence, IPv4 and IPv6, and a long random run checked against a simple
 * model (a GHashTable keyed by the address's text). */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "core/addr_map.h"
#include "core/error.h"

static sb_stun_addr v4(uint32_t ip, uint16_t port) {
  sb_stun_addr a;
  memset(&a, 0xa5, sizeof a); /* junk beyond the 4 bytes must not matter */
  a.family = 4;
  a.port = port;
  a.ip[0] = (uint8_t)(ip >> 24), a.ip[1] = (uint8_t)(ip >> 16);
  a.ip[2] = (uint8_t)(ip >> 8), a.ip[3] = (uint8_t)ip;
  return a;
}

static sb_stun_addr v6(uint32_t tail, uint16_t port) {
  sb_stun_addr a = {.family = 6, .port = port};
  a.ip[0] = 0x20, a.ip[1] = 0x01, a.ip[2] = 0x0d, a.ip[3] = 0xb8;
  a.ip[12] = (uint8_t)(tail >> 24), a.ip[13] = (uint8_t)(tail >> 16);
  a.ip[14] = (uint8_t)(tail >> 8), a.ip[15] = (uint8_t)tail;
  return a;
}

static sb_addr_map_value val(uintptr_t n) {
  return (sb_addr_map_value){.handler = (const void *)(n * 2), .user = (void *)n};
}

static void test_basic(void) {
  sb_addr_map *m = sb_addr_map_new();
  sb_stun_addr a = v4(0xc6120001, 5000), b = v4(0xc6120001, 5001), c = v6(1, 5000);
  g_assert_null(sb_addr_map_get(m, &a));
  g_assert_cmpint(sb_addr_map_put(m, &a, val(1)), ==, SB_OK);
  g_assert_cmpint(sb_addr_map_put(m, &b, val(2)), ==, SB_OK);
  g_assert_cmpint(sb_addr_map_put(m, &c, val(3)), ==, SB_OK);
  g_assert_cmpuint(sb_addr_map_size(m), ==, 3);
  sb_stun_addr a2 = v4(0xc6120001, 5000); /* same address, other junk */
  memset(a2.ip + 4, 0x11, 12);
  g_assert_nonnull(sb_addr_map_get(m, &a2));
  g_assert_true(sb_addr_map_get(m, &a2)->user == (void *)1);
  g_assert_true(sb_addr_map_get(m, &a)->handler == (const void *)2);
  g_assert_true(sb_addr_map_get(m, &b)->user == (void *)2);
  g_assert_true(sb_addr_map_get(m, &c)->user == (void *)3);
  /* An IPv4 address and an IPv6 one with the same first bytes differ. */
  sb_stun_addr c4 = v4(0x20010db8, 5000);
  g_assert_null(sb_addr_map_get(m, &c4));
  /* Replace keeps the size. */
  g_assert_cmpint(sb_addr_map_put(m, &a, val(9)), ==, SB_OK);
  g_assert_cmpuint(sb_addr_map_size(m), ==, 3);
  g_assert_true(sb_addr_map_get(m, &a)->user == (void *)9);
  g_assert_true(sb_addr_map_remove(m, &a));
  g_assert_false(sb_addr_map_remove(m, &a));
  g_assert_null(sb_addr_map_get(m, &a));
  g_assert_true(sb_addr_map_get(m, &b)->user == (void *)2);
  g_assert_cmpuint(sb_addr_map_size(m), ==, 2);
  sb_addr_map_free(m);
  sb_addr_map_free(NULL);
}

/* Thousands of addresses (the table grows several times), then every other
 * one removed: the rest are all still found. */
static void test_growth_and_removal(void) {
  sb_addr_map *m = sb_addr_map_new();
  const unsigned n = 5000;
  for (unsigned i = 0; i < n; i++) {
    sb_stun_addr a = v4(0xc6120000 + i / 7, (uint16_t)(1024 + i));
    g_assert_cmpint(sb_addr_map_put(m, &a, val(i + 1)), ==, SB_OK);
  }
  g_assert_cmpuint(sb_addr_map_size(m), ==, n);
  for (unsigned i = 0; i < n; i += 2) {
    sb_stun_addr a = v4(0xc6120000 + i / 7, (uint16_t)(1024 + i));
    g_assert_true(sb_addr_map_remove(m, &a));
  }
  for (unsigned i = 0; i < n; i++) {
    sb_stun_addr a = v4(0xc6120000 + i / 7, (uint16_t)(1024 + i));
    const sb_addr_map_value *v = sb_addr_map_get(m, &a);
    if (i % 2) {
      g_assert_nonnull(v);
      g_assert_true(v->user == (void *)(uintptr_t)(i + 1));
    } else {
      g_assert_null(v);
    }
  }
  sb_addr_map_free(m);
}

static char *key_text(const sb_stun_addr *a) {
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%u/%u/", a->family, a->port);
  for (int i = 0; i < (a->family == 6 ? 16 : 4); i++)
    g_string_append_printf(s, "%02x", a->ip[i]);
  return g_string_free(s, FALSE);
}

/* Random puts, replaces and removes over a small address space (so runs of
 * colliding entries form and are cut), checked against a model. */
static void test_random_against_model(void) {
  GRand *r = g_rand_new_with_seed(20261207);
  sb_addr_map *m = sb_addr_map_new();
  GHashTable *model = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int step = 0; step < 200000; step++) {
    uint32_t k = (uint32_t)g_rand_int_range(r, 0, 300);
    sb_stun_addr a = k % 3 ? v4(0x0a000000 + k % 40, (uint16_t)(k / 40)) : v6(k, 443);
    char *key = key_text(&a);
    int op = g_rand_int_range(r, 0, 10);
    if (op < 4) {
      uintptr_t v = (uintptr_t)g_rand_int_range(r, 1, 1 << 30);
      g_assert_cmpint(sb_addr_map_put(m, &a, val(v)), ==, SB_OK);
      g_hash_table_replace(model, g_strdup(key), (gpointer)v);
    } else if (op < 7) {
      g_assert_cmpint(sb_addr_map_remove(m, &a), ==, g_hash_table_remove(model, key));
    } else {
      const sb_addr_map_value *got = sb_addr_map_get(m, &a);
      gpointer want = g_hash_table_lookup(model, key);
      if (want) {
        g_assert_nonnull(got);
        g_assert_true(got->user == want);
      } else {
        g_assert_null(got);
      }
    }
    g_assert_cmpuint(sb_addr_map_size(m), ==, g_hash_table_size(model));
    g_free(key);
  }
  /* Everything the model has is found, with the hashed call too. */
  GHashTableIter it;
  gpointer kp, vp;
  g_hash_table_iter_init(&it, model);
  unsigned seen = 0;
  while (g_hash_table_iter_next(&it, &kp, &vp))
    seen++;
  g_assert_cmpuint(seen, ==, sb_addr_map_size(m));
  for (uint32_t k = 0; k < 300; k++) {
    sb_stun_addr a = k % 3 ? v4(0x0a000000 + k % 40, (uint16_t)(k / 40)) : v6(k, 443);
    char *key = key_text(&a);
    uint32_t h = sb_addr_map_hash(&a);
    sb_addr_map_prefetch(m, h);
    const sb_addr_map_value *got = sb_addr_map_get_hashed(m, &a, h);
    g_assert_true(got ? got->user == g_hash_table_lookup(model, key)
                      : !g_hash_table_contains(model, key));
    g_free(key);
  }
  g_hash_table_destroy(model);
  sb_addr_map_free(m);
  g_rand_free(r);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/addr_map/basic", test_basic);
  g_test_add_func("/addr_map/growth-and-removal", test_growth_and_removal);
  g_test_add_func("/addr_map/random-against-model", test_random_against_model);
  return g_test_run();
}
