/* gso_plan.c - groups a send queue into UDP GSO messages (see gso_plan.h):
 * per destination in queue order, equal segments and a shorter last one. */
#include "core/gso_plan.h"

#include <stdbool.h>

unsigned sb_gso_plan(unsigned n, const size_t *len, const sb_stun_addr *dest, unsigned max_segs,
                     size_t max_bytes, uint8_t *order, sb_gso_group *groups) {
  bool placed[SB_GSO_PLAN_MAX] = {false};
  unsigned n_groups = 0, at = 0;
  if (n > SB_GSO_PLAN_MAX) n = SB_GSO_PLAN_MAX;
  if (max_segs == 0) max_segs = 1;
  for (unsigned i = 0; i < n; i++) {
    if (placed[i]) continue;
    placed[i] = true;
    sb_gso_group *g = &groups[n_groups++];
    g->first = (uint8_t)at;
    g->count = 1;
    g->seg = (uint16_t)len[i];
    order[at++] = (uint8_t)i;
    size_t total = len[i];
    for (unsigned j = i + 1; j < n && g->count < max_segs; j++) {
      if (placed[j] || !sb_stun_addr_equal(&dest[j], &dest[i])) continue;
      /* The next datagram to this destination: it joins, or the group ends
       * here (it must not be overtaken by later ones to the same place). */
      if (len[j] > len[i] || len[j] == 0 || total + len[j] > max_bytes) break;
      placed[j] = true;
      order[at++] = (uint8_t)j;
      g->count++;
      total += len[j];
      if (len[j] < len[i]) break; /* a shorter one is the last */
    }
  }
  return n_groups;
}
