/* twcc_gen.h - the receiver side of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01) for everything one
 * peer sends us: records the arrival time of each packet carrying the
 * transport-wide sequence number extension and, every interval, turns them
 * into RTPFB FMT=15 feedback (written by core/rtcp_twcc.c) so the peer's
 * send-side estimator can work. It does not parse the header extension.
 *
 * Sequence numbers are extended to 64 bits. Each feedback round covers from
 * the first sequence number not yet reported up to the highest received;
 * gaps are reported "not received". A packet arriving after it was reported
 * lost, at most SB_TWCC_GEN_HISTORY_US after the packet that revealed the
 * gap, makes the next feedback start again at it (the packets after it are
 * reported a second time); later than that it is ignored, as are duplicates.
 * A jump of more than SB_TWCC_GEN_MAX_JUMP either way restarts at the new
 * number (what was pending is dropped). At most SB_TWCC_GEN_RING numbers are
 * remembered; when more are pending (nobody polled) the oldest are skipped.
 *
 * Arrival times are rounded once to 250 us ticks; the reference time is the
 * first received packet's in 64 ms units (signed 24 bits, wrapping) and each
 * delta is a difference of ticks, so rounding errors do not add up. A
 * message ends early, and the next one starts, when a delta does not fit in
 * 16 bits, at SB_RTCP_TWCC_MAX_PACKETS statuses, or when it would exceed
 * the maximum message size (SB_TWCC_GEN_DEFAULT_MAX_SIZE by default).
 *
 * Feedback is due interval_us after the previous one (after the first
 * packet for the first one) if something is pending, and at once when
 * SB_RTCP_TWCC_MAX_PACKETS or more sequence numbers are pending. One
 * allocation in sb_twcc_gen_new (about 36 KiB), none afterwards. Sans-IO:
 * time comes from the caller. */
#ifndef SB_CORE_TWCC_GEN_H
#define SB_CORE_TWCC_GEN_H

#include <stddef.h>
#include <stdint.h>

#define SB_TWCC_GEN_RING             4096   /* sequence numbers remembered */
#define SB_TWCC_GEN_MAX_JUMP         2048   /* farther than this: restart */
#define SB_TWCC_GEN_HISTORY_US       500000 /* how late a lost packet may still come */
#define SB_TWCC_GEN_DEFAULT_MAX_SIZE 1200   /* octets per feedback message */

typedef struct sb_twcc_gen sb_twcc_gen;

typedef struct {
  uint64_t feedback_sent;     /* TWCC messages written */
  uint64_t reported_received; /* packets reported received (each once) */
  uint64_t reported_lost;     /* reported lost and not reported received since */
  uint64_t late;              /* reported lost, then arrived in time */
  uint64_t restarts;          /* jumps beyond SB_TWCC_GEN_MAX_JUMP */
} sb_twcc_gen_stats;

/* interval_us: feedback period (100000 typical). SB_EINVAL for interval_us
 * <= 0 or out NULL. Caller frees *out with sb_twcc_gen_free. */
int sb_twcc_gen_new(uint32_t sender_ssrc, int64_t interval_us, sb_twcc_gen **out);
void sb_twcc_gen_free(sb_twcc_gen *g);

/* The "media source SSRC" field: any of the peer's SSRCs (0 until set). */
void sb_twcc_gen_set_media_ssrc(sb_twcc_gen *g, uint32_t media_ssrc);

/* Largest message poll writes, in octets (an estimate from above: the first
 * status of a message always goes in, however small max_size). */
void sb_twcc_gen_set_max_size(sb_twcc_gen *g, size_t max_size);

/* Records one arrival (any packet carrying the extension: media, RTX,
 * padding). */
void sb_twcc_gen_on_packet(sb_twcc_gen *g, uint16_t transport_seq, int64_t arrival_us);

/* Writes the feedback due at now_us into buf as zero or more complete RTCP
 * TWCC packets back to back (*written octets); returns how many packets
 * were written (0: nothing due), or a negative code (SB_ENOSPC when not even
 * the first fits; nothing is then taken as reported). When buf fills up
 * after one or more packets, the rest stays pending and is due at once. */
int sb_twcc_gen_poll(sb_twcc_gen *g, int64_t now_us, uint8_t *buf, size_t cap, size_t *written);

/* When poll has something to write next; INT64_MAX when nothing pending. */
int64_t sb_twcc_gen_next_deadline(const sb_twcc_gen *g);

void sb_twcc_gen_get_stats(const sb_twcc_gen *g, sb_twcc_gen_stats *out);

#endif
