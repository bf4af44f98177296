/* nack_gen.h - upstream loss recovery for one received RTP stream (one media
 * SSRC of a publisher): watches the sequence numbers that arrive, keeps the
 * missing ones, and says which to NACK when. A packet NACKed max_retries
 * times without arriving, missing for max_age_us, or pushed out of the table
 * is given up, and the caller is told to ask for a keyframe (PLI).
 *
 * Sequence tracking: the first packet starts it. A packet ahead of the
 * highest by at most max_gap is IN_ORDER and the seqs in between become
 * missing; further ahead is a RESET. A packet behind the highest that is
 * missing is RECOVERED (however far behind); otherwise it is OLD when at most
 * max_reorder behind and a RESET beyond that (the publisher restarted its
 * numbering). A RESET clears the missing list (not counted as given up),
 * restarts tracking at the packet and wants a keyframe. With the defaults
 * max_gap <= max_reorder, so a single stray packet from far behind costs two
 * resets and a PLI, never a burst of NACKs for seqs already received.
 *
 * The missing table holds SB_NACK_GEN_MAX_MISSING seqs, oldest first. When a
 * gap needs more room than is free, the oldest missing seqs are given up (the
 * oldest of the gap itself when the gap alone is larger). A missing seq that
 * falls 32768 or more behind the highest is given up too (it could no longer
 * be told apart).
 *
 * Timing: a newly missing seq is due at once (the first poll after it was
 * found). One already NACKed is due again interval = max(rtt_us or
 * default_rtt_us, min_interval_us) (capped at max_age_us) after its last NACK;
 * when that comes and it has had max_retries NACKs, it is given up instead.
 * A seq is given up at max_age_us after it was found missing, whatever its
 * retries.
 *
 * Plain data to embed in the caller's struct (about 12 KiB, most of it the
 * table); no allocation, no I/O; time comes in as now_us (the caller's
 * monotonic clock). Read the counters, write nothing. */
#ifndef SB_CORE_NACK_GEN_H
#define SB_CORE_NACK_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_NACK_GEN_MAX_MISSING 512 /* missing packets tracked at once; a power of two */

/* A field <= 0 takes its default. */
typedef struct {
  int max_retries;    /* NACKs per missing packet before giving up; default 10 */
  int64_t max_age_us; /* give up a packet missing this long; default 1000000 */
  int64_t
      default_rtt_us; /* re-NACK interval when the caller's RTT is unknown (<=0); default 100000 */
  int64_t min_interval_us; /* floor of the re-NACK interval (tiny RTTs); default 10000 */
  uint16_t max_gap;        /* a forward jump larger than this is a RESET; default
                              SB_NACK_GEN_MAX_MISSING (one gap fits an empty table), at most 32767 */
  uint16_t max_reorder;    /* a packet further behind than this, not missing, is a RESET;
                              default 1000, at most 32767 */
} sb_nack_gen_config;

typedef enum {
  SB_NACK_GEN_FIRST,     /* first packet: tracking starts */
  SB_NACK_GEN_IN_ORDER,  /* ahead of the highest (gaps before it become missing) */
  SB_NACK_GEN_RECOVERED, /* filled a packet we were missing (a retransmission or a late one) */
  SB_NACK_GEN_OLD,       /* behind the highest and not missing: a duplicate or given up */
  SB_NACK_GEN_RESET, /* a jump too far either way: missing list cleared, tracking restarts here */
} sb_nack_gen_result;

/* One missing seq (internal). */
typedef struct {
  uint16_t seq;
  uint16_t tries;   /* NACKs sent for it so far */
  bool gone;        /* recovered: the slot waits to be compacted away */
  int64_t first_us; /* when it was found missing */
  int64_t last_us;  /* its last NACK (when tries > 0) */
} sb_nack_gen_entry;

typedef struct {
  sb_nack_gen_config cfg;
  bool started;
  bool keyframe; /* a keyframe request is pending */
  uint16_t highest;
  /* Ring: logical slots 0..used-1 start at e[head], seqs in order, oldest
   * first; live of them are still missing (the others are gone). */
  uint16_t head, used, live;
  sb_nack_gen_entry e[SB_NACK_GEN_MAX_MISSING];
  uint64_t nacks_sent; /* sequence numbers requested, retries included */
  uint64_t recovered;  /* missing seqs that arrived */
  uint64_t given_up;   /* missing seqs abandoned: retries, age, table room */
  uint64_t resets;     /* RESET results */
} sb_nack_gen;

/* Starts empty with cfg (copied; NULL: all defaults). */
void sb_nack_gen_init(sb_nack_gen *g, const sb_nack_gen_config *cfg);

/* Takes a received packet's seq at now_us. */
sb_nack_gen_result sb_nack_gen_on_packet(sb_nack_gen *g, uint16_t seq, int64_t now_us);

/* The seqs to NACK now, oldest first, into seqs[0..return); at most cap.
 * Gives up what is due for giving up (given_up++, keyframe wanted) whatever
 * cap is. If more are due than cap, the rest stay due. rtt_us <= 0: unknown. */
size_t sb_nack_gen_poll(sb_nack_gen *g, int64_t now_us, int64_t rtt_us, uint16_t *seqs, size_t cap);

/* True once (then clears) when a packet was given up or the stream reset
 * since the last call: the caller sends a PLI. */
bool sb_nack_gen_take_keyframe_request(sb_nack_gen *g);

/* When sb_nack_gen_poll has something to do next (a NACK due or a give-up;
 * possibly already past), INT64_MAX when nothing is missing. */
int64_t sb_nack_gen_next_deadline(const sb_nack_gen *g, int64_t rtt_us);

/* How many seqs are missing (tracked). */
size_t sb_nack_gen_missing(const sb_nack_gen *g);

/* Forgets the stream (new source, renegotiation): the next packet is FIRST,
 * a pending keyframe request is dropped; the counters stay. */
void sb_nack_gen_reset(sb_nack_gen *g);

#endif
