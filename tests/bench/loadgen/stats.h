/* stats.h - the figures sb-loadgen reports: a fixed-size latency histogram
 * (recording a value costs a few instructions and never allocates, so it
 * runs per received packet) and percentiles of small sample arrays (setup
 * times, one per peer). */
#ifndef SB_LG_STATS_H
#define SB_LG_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Values below 2^SB_LG_HIST_LINEAR_BITS are exact; above, each power of two
 * is split into 2^SB_LG_HIST_SUB_BITS buckets (under 1.6 % error), up to
 * 2^40 (about 18 minutes in microseconds); larger values land in the last
 * bucket. */
#define SB_LG_HIST_SUB_BITS    6
#define SB_LG_HIST_LINEAR_BITS 7
#define SB_LG_HIST_BUCKETS                                                                         \
  ((1u << SB_LG_HIST_LINEAR_BITS) + (40 - SB_LG_HIST_LINEAR_BITS) * (1u << SB_LG_HIST_SUB_BITS))

typedef struct {
  uint64_t count;
  uint64_t max;
  uint64_t buckets[SB_LG_HIST_BUCKETS];
} sb_lg_hist;

void sb_lg_hist_reset(sb_lg_hist *h);
void sb_lg_hist_add(sb_lg_hist *h, uint64_t value);
/* Adds every value of src to dst. */
void sb_lg_hist_merge(sb_lg_hist *dst, const sb_lg_hist *src);
/* The value at quantile q (0..1): the upper end of the bucket holding it,
 * but never above the largest value recorded. 0 when empty. */
uint64_t sb_lg_hist_quantile(const sb_lg_hist *h, double q);

/* The quantile q (0..1) of n doubles by nearest rank; the array is sorted
 * in place. 0 when n is 0. */
double sb_lg_quantile(double *values, size_t n, double q);

#endif
