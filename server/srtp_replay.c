/* srtp_replay.c - SRTP packet index estimation and the inbound replay
 * windows of the own SRTP implementation (see srtp_replay.h). Pure
 * arithmetic on the caller's structs: no crypto, no allocation. */
#include "srtp_replay.h"

#include <string.h>

#include "srtp_private.h"

#define SEQ_HALF 0x8000u

int sb_srtp_rtp_estimate(uint64_t highest, uint16_t seq, uint64_t *index) {
  /* Until the highest index passes 2^15 the ROC is 0: a sequence number
   * "before" the first one would otherwise give a ROC of -1. */
  if (highest <= SEQ_HALF) {
    *index = seq;
    return SB_SRTP_ST_OK;
  }
  uint64_t roc = highest >> 16;
  uint32_t s_l = (uint16_t)highest;
  if (s_l < SEQ_HALF) {
    if (seq > s_l + SEQ_HALF) roc--; /* from before the last wrap; roc >= 1 here */
  } else if (seq < s_l - SEQ_HALF) {
    roc++; /* after the next wrap */
  }
  uint64_t est = roc << 16 | seq;
  if (est > SB_SRTP_MAX_RTP_INDEX) return SB_SRTP_ST_KEY_EXPIRED;
  *index = est;
  return SB_SRTP_ST_OK;
}

/* The windows are rings of `size` bits (a multiple of 64): index i lives in
 * bit i % size while highest - size < i <= highest. */

static int ring_check(const uint64_t *bits, unsigned size, uint64_t highest, uint64_t index) {
  if (index > highest) return SB_SRTP_ST_OK;
  if (highest - index >= size) return SB_SRTP_ST_REPLAY_OLD;
  unsigned b = (unsigned)(index % size);
  return (bits[b / 64] >> (b % 64)) & 1 ? SB_SRTP_ST_REPLAY_FAIL : SB_SRTP_ST_OK;
}

/* Clears the bits of the n indices from `from` on (n < size): they are new
 * and their bits still hold indices that have left the window. */
static void ring_clear(uint64_t *bits, unsigned size, uint64_t from, uint64_t n) {
  while (n > 0) {
    unsigned b = (unsigned)(from % size), off = b % 64;
    unsigned take = 64 - off;
    if (take > n) take = (unsigned)n;
    uint64_t mask = take == 64 ? ~UINT64_C(0) : ((UINT64_C(1) << take) - 1) << off;
    bits[b / 64] &= ~mask;
    from += take;
    n -= take;
  }
}

static void ring_add(uint64_t *bits, unsigned size, uint64_t *highest, uint64_t index) {
  if (index > *highest) {
    uint64_t gap = index - *highest;
    if (gap >= size)
      memset(bits, 0, size / 8);
    else
      ring_clear(bits, size, *highest + 1, gap);
    *highest = index;
  } else if (*highest - index >= size) {
    return; /* behind the window: refused by the check, nothing to record */
  }
  unsigned b = (unsigned)(index % size);
  bits[b / 64] |= UINT64_C(1) << (b % 64);
}

int sb_srtp_rtp_window_check(const sb_srtp_rtp_window *w, uint64_t index) {
  return ring_check(w->bits, SB_SRTP_RTP_WINDOW, w->highest, index);
}

int sb_srtp_rtp_too_old(uint64_t highest, uint64_t index) {
  return index < highest && highest - index >= SB_SRTP_RTP_WINDOW ? SB_SRTP_ST_REPLAY_OLD
                                                                  : SB_SRTP_ST_OK;
}

void sb_srtp_rtp_window_add(sb_srtp_rtp_window *w, uint64_t index) {
  ring_add(w->bits, SB_SRTP_RTP_WINDOW, &w->highest, index);
}

int sb_srtp_rtcp_window_check(const sb_srtp_rtcp_window *w, uint32_t index) {
  return ring_check(w->bits, SB_SRTP_RTCP_WINDOW, w->highest, index);
}

void sb_srtp_rtcp_window_add(sb_srtp_rtcp_window *w, uint32_t index) {
  ring_add(w->bits, SB_SRTP_RTCP_WINDOW, &w->highest, index);
}
