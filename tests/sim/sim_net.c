/* sim_net.c - simulated one-way link: loss, delay, jitter, bottleneck rate
 * (see sim_net.h). */
#include "sim_net.h"

#include <string.h>

typedef struct {
  int64_t at_us;
  unsigned order; /* ties keep sending order */
  size_t len;
  uint8_t data[];
} dgram;

struct sim_link {
  sim_link_cfg cfg;
  GRand *rand;
  GPtrArray *flight; /* dgram*, sorted by (at_us, order) */
  GHashTable *drop;  /* indexes to drop */
  unsigned next_index;
  unsigned order;
  int64_t busy_until_us; /* the bottleneck's queue */
  sim_link_stats st;
};

sim_link *sim_link_new(const sim_link_cfg *cfg) {
  sim_link *l = g_new0(sim_link, 1);
  l->cfg = *cfg;
  l->rand = g_rand_new_with_seed(cfg->seed);
  l->flight = g_ptr_array_new_with_free_func(g_free);
  l->drop = g_hash_table_new(NULL, NULL);
  return l;
}

void sim_link_free(sim_link *l) {
  g_rand_free(l->rand);
  g_ptr_array_free(l->flight, TRUE);
  g_hash_table_destroy(l->drop);
  g_free(l);
}

void sim_link_drop_nth(sim_link *l, unsigned n) {
  g_hash_table_add(l->drop, GUINT_TO_POINTER(n + 1));
}

bool sim_link_send(sim_link *l, const uint8_t *data, size_t len, int64_t now_us) {
  unsigned index = l->next_index++;
  l->st.sent++;
  bool lose = g_hash_table_contains(l->drop, GUINT_TO_POINTER(index + 1)) ||
              (l->cfg.loss > 0 && g_rand_double(l->rand) < l->cfg.loss);
  if (lose) {
    l->st.lost++;
    return false;
  }
  int64_t depart = now_us;
  if (l->cfg.rate_bps) {
    if (l->busy_until_us > depart) depart = l->busy_until_us;
    depart += (int64_t)len * 8 * 1000000 / l->cfg.rate_bps;
    l->busy_until_us = depart;
  }
  dgram *d = g_malloc(sizeof *d + len);
  d->at_us = depart + l->cfg.delay_us +
             (l->cfg.jitter_us ? g_rand_int_range(l->rand, 0, (gint32)l->cfg.jitter_us + 1) : 0);
  d->order = l->order++;
  d->len = len;
  memcpy(d->data, data, len);
  guint i = l->flight->len;
  while (i > 0) {
    const dgram *p = l->flight->pdata[i - 1];
    if (p->at_us < d->at_us || (p->at_us == d->at_us && p->order < d->order)) break;
    i--;
  }
  g_ptr_array_insert(l->flight, (gint)i, d);
  return true;
}

int64_t sim_link_next(const sim_link *l) {
  return l->flight->len ? ((const dgram *)l->flight->pdata[0])->at_us : INT64_MAX;
}

bool sim_link_recv(sim_link *l, int64_t now_us, uint8_t *buf, size_t cap, size_t *len) {
  if (!l->flight->len) return false;
  dgram *d = l->flight->pdata[0];
  if (d->at_us > now_us || d->len > cap) return false;
  memcpy(buf, d->data, d->len);
  *len = d->len;
  g_ptr_array_remove_index(l->flight, 0);
  l->st.delivered++;
  return true;
}

sim_link_stats sim_link_get_stats(const sim_link *l) { return l->st; }
