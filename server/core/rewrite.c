/* rewrite.c - in-place RTP rewriting for one receiving leg (see rewrite.h). */
#include "core/rewrite.h"

#include <string.h>

#include "core/error.h"
#include "core/rtp_ext.h"

void sb_rewrite_init(sb_rewrite *rw, uint32_t ssrc, uint16_t start_seq, uint32_t start_ts,
                     uint32_t clock_rate) {
  memset(rw, 0, sizeof *rw);
  rw->ssrc = ssrc;
  rw->clock_rate = clock_rate ? clock_rate : 90000;
  for (int i = 0; i < 128; i++)
    rw->pt_map[i] = (uint8_t)i;
  for (int i = 0; i < 256; i++)
    rw->ext_map[i] = (uint8_t)i;
  rw->ext_identity = true;
  rw->rebase = true;
  /* The first packet continues from these as if they had been sent. */
  rw->last_seq = (uint16_t)(start_seq - 1);
  rw->last_ts = start_ts;
}

void sb_rewrite_set_maps(sb_rewrite *rw, const uint8_t pt_map[128], const uint8_t ext_map[256]) {
  memcpy(rw->pt_map, pt_map, 128);
  memcpy(rw->ext_map, ext_map, 256);
  rw->ext_identity = true;
  for (int i = 1; i < 256; i++)
    if (ext_map[i] != i) rw->ext_identity = false;
}

void sb_rewrite_rebase(sb_rewrite *rw) { rw->rebase = true; }

int sb_rewrite_apply(sb_rewrite *rw, uint8_t *pkt, const sb_rtp_header *h, int64_t now_us) {
  uint8_t pt = rw->pt_map[h->payload_type & 0x7f];
  if (pt == 0xff) return SB_ENOTFOUND;
  if (h->extension && !rw->ext_identity) {
    int rc = sb_rtp_ext_remap(pkt, h, rw->ext_map);
    if (rc < 0) return rc;
  }
  if (rw->rebase) {
    /* Continue one past the last sequence number, and in time by the wall
     * clock elapsed since the last packet (at least one tick). */
    uint32_t advance = 1;
    if (rw->started && now_us > rw->last_us)
      advance = (uint32_t)(((uint64_t)(now_us - rw->last_us) * rw->clock_rate) / 1000000u) + 1;
    rw->seq_delta = (uint16_t)(rw->last_seq + 1 - h->seq);
    rw->ts_delta = rw->last_ts + (rw->started ? advance : 0) - h->timestamp;
    rw->rebase = false;
  }
  uint16_t seq = (uint16_t)(h->seq + rw->seq_delta);
  uint32_t ts = h->timestamp + rw->ts_delta;
  /* Fixed header fields in place (the parser validated the length). */
  pkt[1] = (uint8_t)((pkt[1] & 0x80) | pt);
  pkt[2] = (uint8_t)(seq >> 8);
  pkt[3] = (uint8_t)seq;
  pkt[4] = (uint8_t)(ts >> 24);
  pkt[5] = (uint8_t)(ts >> 16);
  pkt[6] = (uint8_t)(ts >> 8);
  pkt[7] = (uint8_t)ts;
  pkt[8] = (uint8_t)(rw->ssrc >> 24);
  pkt[9] = (uint8_t)(rw->ssrc >> 16);
  pkt[10] = (uint8_t)(rw->ssrc >> 8);
  pkt[11] = (uint8_t)rw->ssrc;
  /* Track the newest packet (reordered older ones don't move it back). */
  if (!rw->started || (int16_t)(seq - rw->last_seq) > 0) {
    rw->last_seq = seq;
    rw->last_ts = ts;
    rw->last_us = now_us;
  }
  rw->started = true;
  rw->packets++;
  rw->octets += (uint32_t)h->payload_len;
  return SB_OK;
}
