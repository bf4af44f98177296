/* loss.h - the generator's own packet loss on what it receives, and the
 * browser-like recovery around it, without I/O: for one received media
 * stream (the partner's video), decides which arriving packets to drop as
 * if the network had lost them (a deterministic PRNG, a fixed share of the
 * new packets), tells the retransmissions of dropped packets apart from new
 * packets, and says which sequence numbers to NACK when (core/nack_gen.c,
 * the server's own NACK generator: a loss is NACKed at once, again every
 * max(RTT, 10 ms), given up after 10 NACKs or 1 s, then a keyframe is
 * wanted).
 *
 * Only new packets are dropped: the first packet of the stream, anything
 * not ahead of the highest sequence number seen (reordered, duplicated) and
 * retransmissions are always kept, so every drop can be recovered and
 * "recovered" counts exactly the drops that a retransmission filled. A
 * dropped sequence number is remembered until it is recovered or falls half
 * the sequence space behind.
 *
 * Plain data to embed (about 20 KiB: the nack_gen table and a bit per
 * sequence number); nothing is allocated, time comes in as now_us. */
#ifndef SB_LG_LOSS_H
#define SB_LG_LOSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/nack_gen.h"

/* splitmix64: a small deterministic PRNG (one state word). */
typedef struct {
  uint64_t state;
} sb_lg_prng;

void sb_lg_prng_seed(sb_lg_prng *r, uint64_t seed);
uint64_t sb_lg_prng_next(sb_lg_prng *r);

typedef enum {
  SB_LG_LOSS_KEEP,           /* a packet to take */
  SB_LG_LOSS_DROP,           /* drop it: the caller discards it unread */
  SB_LG_LOSS_RETRANSMISSION, /* one we dropped, arriving again: take it */
} sb_lg_loss_verdict;

typedef struct {
  uint64_t dropped;     /* packets dropped on purpose */
  uint64_t recovered;   /* dropped packets that arrived again (and were taken) */
  uint64_t nacked_seqs; /* sequence numbers NACKed, retries included */
  uint64_t given_up;    /* missing packets nack_gen gave up on */
} sb_lg_loss_counters;

typedef struct {
  uint64_t threshold; /* drop when the PRNG's draw is below it; 0: never */
  sb_lg_prng prng;
  bool started;
  uint16_t highest;
  uint64_t dropped_bits[65536 / 64]; /* bit s: seq s was dropped, not yet recovered */
  sb_nack_gen nack;
  sb_lg_loss_counters c;
} sb_lg_loss;

/* Starts a stream's loss: share of the new packets to drop (0..1; 0 keeps
 * every packet, so only real losses are NACKed) and the PRNG seed. */
void sb_lg_loss_init(sb_lg_loss *l, double share, uint64_t seed);

/* A media packet with sequence number seq arrives (before decryption; not
 * an RTX packet, whose original sequence number is only known after it is
 * decrypted and unwrapped): what to do with it. Counts drops. */
sb_lg_loss_verdict sb_lg_loss_arrive(sb_lg_loss *l, uint16_t seq);

/* A packet of the stream with sequence number seq (an RTX packet's original
 * sequence number) was taken and checked at now_us. True when it recovers a
 * dropped one (counted). */
bool sb_lg_loss_received(sb_lg_loss *l, uint16_t seq, int64_t now_us);

/* The sequence numbers to NACK now, oldest first, into seqs[0..return), at
 * most cap (see nack_gen.h; rtt_us <= 0: unknown). Counted. */
size_t sb_lg_loss_poll(sb_lg_loss *l, int64_t now_us, int64_t rtt_us, uint16_t *seqs, size_t cap);

/* True once when packets were given up (or the stream reset) since the last
 * call: a browser would ask for a keyframe now. */
bool sb_lg_loss_take_keyframe_request(sb_lg_loss *l);

#endif
