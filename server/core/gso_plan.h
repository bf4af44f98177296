/* gso_plan.h - how a worker's queued datagrams go out with UDP GSO
 * (generic segmentation offload, the UDP_SEGMENT socket option): datagrams
 * to one destination are sent as one message of equal-size segments, so the
 * kernel routes, builds and hands down one packet for all of them and cuts
 * it into datagrams at the end.
 *
 * The kernel's rule: every segment has the message's segment size except
 * the last, which may be shorter. The plan takes the queue in order and,
 * for each datagram not yet placed, gathers the later ones to the same
 * destination while they fit that rule, stopping at the first that does not
 * (so each destination's datagrams still leave in the order they were
 * queued; datagrams to different destinations may be reordered, which no
 * receiver can tell). Video packets of one frame are usually the same size,
 * so a frame to one receiver becomes one message. No I/O. */
#ifndef SB_CORE_GSO_PLAN_H
#define SB_CORE_GSO_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/stun.h"

#define SB_GSO_PLAN_MAX 64 /* datagrams per plan */

typedef struct {
  uint8_t first; /* index into order[] of the group's first datagram */
  uint8_t count; /* datagrams in the group (1: send it plainly) */
  uint16_t seg;  /* segment size: the first datagram's length */
} sb_gso_group;

/* Plans n (<= SB_GSO_PLAN_MAX) datagrams of lengths len[] to dest[]:
 * writes the queue indices in sending order to order[n] and the groups to
 * groups[], and returns how many groups. A group holds at most max_segs
 * datagrams and max_bytes bytes in all (a longer first datagram is a group
 * of its own). */
unsigned sb_gso_plan(unsigned n, const size_t *len, const sb_stun_addr *dest, unsigned max_segs,
                     size_t max_bytes, uint8_t *order, sb_gso_group *groups);

#endif
