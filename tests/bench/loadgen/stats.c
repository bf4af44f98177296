/* stats.c - latency histogram and sample percentiles (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sb_lg_hist_reset(sb_lg_hist *h) { memset(h, 0, sizeof *h); }

static unsigned bucket_of(uint64_t v) {
  if (v < (1u << SB_LG_HIST_LINEAR_BITS)) return (unsigned)v;
  unsigned msb = 63u - (unsigned)__builtin_clzll(v); /* >= LINEAR_BITS */
  if (msb >= 40) return SB_LG_HIST_BUCKETS - 1;
  unsigned sub = (unsigned)(v >> (msb - SB_LG_HIST_SUB_BITS)) & ((1u << SB_LG_HIST_SUB_BITS) - 1);
  return (1u << SB_LG_HIST_LINEAR_BITS) +
         (msb - SB_LG_HIST_LINEAR_BITS) * (1u << SB_LG_HIST_SUB_BITS) + sub;
}

/* The largest value that falls in bucket b. */
static uint64_t bucket_top(unsigned b) {
  if (b < (1u << SB_LG_HIST_LINEAR_BITS)) return b;
  if (b == SB_LG_HIST_BUCKETS - 1) return UINT64_MAX; /* everything from 2^40 up */
  unsigned rel = b - (1u << SB_LG_HIST_LINEAR_BITS);
  unsigned msb = SB_LG_HIST_LINEAR_BITS + rel / (1u << SB_LG_HIST_SUB_BITS);
  uint64_t sub = rel % (1u << SB_LG_HIST_SUB_BITS);
  uint64_t step = 1ull << (msb - SB_LG_HIST_SUB_BITS);
  return (1ull << msb) + (sub + 1) * step - 1;
}

void sb_lg_hist_add(sb_lg_hist *h, uint64_t value) {
  h->buckets[bucket_of(value)]++;
  h->count++;
  if (value > h->max) h->max = value;
}

void sb_lg_hist_merge(sb_lg_hist *dst, const sb_lg_hist *src) {
  for (unsigned i = 0; i < SB_LG_HIST_BUCKETS; i++)
    dst->buckets[i] += src->buckets[i];
  dst->count += src->count;
  if (src->max > dst->max) dst->max = src->max;
}

uint64_t sb_lg_hist_quantile(const sb_lg_hist *h, double q) {
  if (h->count == 0) return 0;
  if (q < 0) q = 0;
  if (q > 1) q = 1;
  uint64_t rank = (uint64_t)ceil(q * (double)h->count);
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (unsigned i = 0; i < SB_LG_HIST_BUCKETS; i++) {
    seen += h->buckets[i];
    if (seen >= rank) {
      uint64_t top = bucket_top(i);
      return top < h->max ? top : h->max;
    }
  }
  return h->max;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

double sb_lg_quantile(double *values, size_t n, double q) {
  if (n == 0) return 0;
  qsort(values, n, sizeof *values, cmp_double);
  if (q < 0) q = 0;
  if (q > 1) q = 1;
  size_t rank = (size_t)ceil(q * (double)n);
  if (rank == 0) rank = 1;
  return values[rank - 1];
}
