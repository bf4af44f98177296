/* rewrite.h - per-receiver rewriting of forwarded RTP (the "send stream"
 * context): a packet from a publisher leaves with the receiving leg's SSRC,
 * a continuous sequence number and timestamp space, the receiver's payload
 * type and header-extension ids. Works in place on the packet buffer; no
 * allocation. Also keeps the counts a sender report needs.
 *
 * Continuity: out_seq = in_seq + seq_delta and out_ts = in_ts + ts_delta.
 * When the source changes (sb_rewrite_rebase), the deltas are chosen so the
 * output continues one sequence number and a little time after the last
 * packet sent, so the receiver sees one unbroken stream. */
#ifndef SB_CORE_REWRITE_H
#define SB_CORE_REWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rtp.h"

typedef struct {
  uint32_t ssrc;        /* outgoing SSRC */
  uint8_t pt_map[128];  /* publisher pt -> receiver pt; 0xff = not forwarded */
  uint8_t ext_map[256]; /* publisher ext id -> receiver id; 0 = dropped */
  bool ext_identity;    /* ext_map maps every id to itself: skip the rewrite */
  uint32_t clock_rate;

  bool started; /* a packet went out */
  bool rebase;  /* next packet sets the deltas */
  uint16_t seq_delta;
  uint32_t ts_delta;
  uint16_t last_seq; /* last sequence number sent */
  uint32_t last_ts;  /* its timestamp */
  int64_t last_us;   /* when it was sent */

  uint32_t packets; /* for SR: packets and payload octets sent */
  uint32_t octets;
} sb_rewrite;

/* Initialises with an outgoing SSRC and random starting points (the caller
 * supplies the randomness: start_seq, start_ts). */
void sb_rewrite_init(sb_rewrite *rw, uint32_t ssrc, uint16_t start_seq, uint32_t start_ts,
                     uint32_t clock_rate);
/* Sets the payload-type and extension-id maps (copied). */
void sb_rewrite_set_maps(sb_rewrite *rw, const uint8_t pt_map[128], const uint8_t ext_map[256]);
/* The next packet comes from a new source (or restarts): keep continuity. */
void sb_rewrite_rebase(sb_rewrite *rw);

/* Rewrites pkt (parsed into h) in place for the receiver. SB_ENOTFOUND when
 * its payload type has no mapping (the packet must not be sent); other
 * negative codes for packets the extension rewrite refuses. */
int sb_rewrite_apply(sb_rewrite *rw, uint8_t *pkt, const sb_rtp_header *h, int64_t now_us);

/* Maps a publisher RTP timestamp to the receiver's timestamp space. */
static inline uint32_t sb_rewrite_ts(const sb_rewrite *rw, uint32_t in_ts) {
  return in_ts + rw->ts_delta;
}

#endif
