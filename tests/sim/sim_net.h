/* sim_net.h - a simulated one-way network link for the scenario harness
 * (test_sim.c): datagrams sent at virtual time t arrive at t + delay (+
 * jitter, which reorders), a seeded share of them is lost, an optional
 * rate limit queues them behind each other (a bottleneck), and a drop
 * pattern can name exact datagrams to lose. No sockets, no clock: the
 * harness steps time itself. */
#ifndef SB_SIM_NET_H
#define SB_SIM_NET_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  double loss;       /* 0..1, random share lost */
  int64_t delay_us;  /* one-way delay */
  int64_t jitter_us; /* extra delay, uniform in [0, jitter_us]: reorders */
  int64_t rate_bps;  /* bottleneck rate (0: none) */
  uint32_t seed;
} sim_link_cfg;

typedef struct sim_link sim_link;

sim_link *sim_link_new(const sim_link_cfg *cfg);
void sim_link_free(sim_link *l);
/* Drop the n-th datagram sent on this link (0-based), whatever the loss rate. */
void sim_link_drop_nth(sim_link *l, unsigned n);
/* Sends a copy of data; returns false when it was lost. */
bool sim_link_send(sim_link *l, const uint8_t *data, size_t len, int64_t now_us);
/* When the next datagram arrives (INT64_MAX: none in flight). */
int64_t sim_link_next(const sim_link *l);
/* Takes the next datagram due at now_us into buf (cap bytes); false: none. */
bool sim_link_recv(sim_link *l, int64_t now_us, uint8_t *buf, size_t cap, size_t *len);

typedef struct {
  unsigned sent, lost, delivered;
} sim_link_stats;
sim_link_stats sim_link_get_stats(const sim_link *l);

#endif
