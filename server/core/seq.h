/* seq.h - wrap-around arithmetic for RTP sequence numbers (16 bit) and RTP
 * timestamps (32 bit).
 *
 * Sequence numbers and timestamps wrap; "newer" means "ahead by less than half
 * the number space" (serial number arithmetic, RFC 1982). The exact half-way
 * case (a - b == 0x8000, or 0x80000000 for timestamps) is broken by the plain
 * integer value so that sb_seq_newer(a, b) and sb_seq_newer(b, a) are never
 * both true. Extension to 64 bits picks the value closest to the highest
 * extended value seen so far. Header only, no state, no I/O. */
#ifndef SB_CORE_SEQ_H
#define SB_CORE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* Signed distance a - b in [-32768, 32767]: how far a is ahead of b. */
static inline int16_t sb_seq_diff(uint16_t a, uint16_t b) {
  uint16_t d = (uint16_t)(a - b);
  return d < 0x8000 ? (int16_t)d : (int16_t)((int32_t)d - 0x10000);
}

/* True when a is ahead of b (a was sent after b). */
static inline bool sb_seq_newer(uint16_t a, uint16_t b) {
  uint16_t d = (uint16_t)(a - b);
  if (d == 0x8000) return a > b;
  return d != 0 && d < 0x8000;
}

/* Extends a 16-bit sequence number to 64 bits, choosing the value within
 * [-32768, +32767] of highest_ext, the highest extended value seen so far.
 * Never goes below 0: a seq just "before" cycle 0 stays in cycle 0. */
static inline uint64_t sb_seq_extend(uint64_t highest_ext, uint16_t seq) {
  int32_t d = sb_seq_diff(seq, (uint16_t)highest_ext);
  if (d >= 0) return highest_ext + (uint64_t)d;
  if (highest_ext < (uint64_t)-d) return seq;
  return highest_ext - (uint64_t)-d;
}

/* Signed distance a - b between two RTP timestamps. */
static inline int32_t sb_ts_diff(uint32_t a, uint32_t b) {
  uint32_t d = a - b;
  return d < 0x80000000u ? (int32_t)d : (int32_t)((int64_t)d - 0x100000000LL);
}

/* True when timestamp a is ahead of b. */
static inline bool sb_ts_newer(uint32_t a, uint32_t b) {
  uint32_t d = a - b;
  if (d == 0x80000000u) return a > b;
  return d != 0 && d < 0x80000000u;
}

/* Extends a 32-bit timestamp to 64 bits around highest_ext (like sb_seq_extend). */
static inline uint64_t sb_ts_extend(uint64_t highest_ext, uint32_t ts) {
  int64_t d = sb_ts_diff(ts, (uint32_t)highest_ext);
  if (d >= 0) return highest_ext + (uint64_t)d;
  if (highest_ext < (uint64_t)-d) return ts;
  return highest_ext - (uint64_t)-d;
}

#endif
