/* loss.c - the generator's own receive loss and its NACK bookkeeping (see
 * loss.h). */
#include "loss.h"

#include <string.h>

void sb_lg_prng_seed(sb_lg_prng *r, uint64_t seed) { r->state = seed; }

uint64_t sb_lg_prng_next(sb_lg_prng *r) {
  uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static bool bit_get(const sb_lg_loss *l, uint16_t seq) {
  return (l->dropped_bits[seq >> 6] >> (seq & 63)) & 1;
}

static void bit_set(sb_lg_loss *l, uint16_t seq) {
  l->dropped_bits[seq >> 6] |= 1ull << (seq & 63);
}

static void bit_clear(sb_lg_loss *l, uint16_t seq) {
  l->dropped_bits[seq >> 6] &= ~(1ull << (seq & 63));
}

void sb_lg_loss_init(sb_lg_loss *l, double share, uint64_t seed) {
  memset(l, 0, sizeof *l);
  if (share >= 1.0)
    l->threshold = UINT64_MAX;
  else if (share > 0)
    l->threshold = (uint64_t)(share * 18446744073709551616.0);
  sb_lg_prng_seed(&l->prng, seed);
  sb_nack_gen_init(&l->nack, NULL);
}

sb_lg_loss_verdict sb_lg_loss_arrive(sb_lg_loss *l, uint16_t seq) {
  if (!l->started) {
    l->started = true;
    l->highest = seq;
    return SB_LG_LOSS_KEEP;
  }
  if (bit_get(l, seq)) return SB_LG_LOSS_RETRANSMISSION;
  int16_t ahead = (int16_t)(uint16_t)(seq - l->highest);
  if (ahead <= 0) return SB_LG_LOSS_KEEP; /* reordered or a duplicate: never dropped */
  /* Forget drops that fall half the sequence space behind: their numbers
   * come round again. */
  for (uint16_t k = (uint16_t)(l->highest + 1); k != (uint16_t)(seq + 1); k++)
    bit_clear(l, (uint16_t)(k + 32768));
  l->highest = seq;
  if (l->threshold && sb_lg_prng_next(&l->prng) < l->threshold) {
    bit_set(l, seq);
    l->c.dropped++;
    return SB_LG_LOSS_DROP;
  }
  return SB_LG_LOSS_KEEP;
}

bool sb_lg_loss_received(sb_lg_loss *l, uint16_t seq, int64_t now_us) {
  sb_nack_gen_on_packet(&l->nack, seq, now_us);
  if (!bit_get(l, seq)) return false;
  bit_clear(l, seq);
  l->c.recovered++;
  return true;
}

size_t sb_lg_loss_poll(sb_lg_loss *l, int64_t now_us, int64_t rtt_us, uint16_t *seqs, size_t cap) {
  size_t n = sb_nack_gen_poll(&l->nack, now_us, rtt_us, seqs, cap);
  l->c.nacked_seqs += n;
  l->c.given_up = l->nack.given_up;
  return n;
}

bool sb_lg_loss_take_keyframe_request(sb_lg_loss *l) {
  return sb_nack_gen_take_keyframe_request(&l->nack);
}
