/* srtp_replay.h - packet indices and replay windows of the own SRTP
 * implementation (srtp_replay.c), pure arithmetic with no crypto:
 *
 *  - the 48-bit SRTP packet index (ROC * 2^16 + SEQ) estimated from a
 *    sequence number and the highest index seen (RFC 3711 section 3.3.1 and
 *    Appendix A), the way libsrtp2 does it so both compute the same index
 *    for the same packets: while the highest index is at most 2^15 the ROC
 *    is taken to be 0 (never -1);
 *  - an inbound SRTP replay window of 1024 packets and an inbound SRTCP one
 *    of 128, as ring bitmaps indexed by index mod window size, so moving
 *    forward by one packet clears one bit instead of shifting the window.
 *
 * Checks never change a window; the caller adds an index only once the
 * packet has authenticated. */
#ifndef SB_SRTP_REPLAY_H
#define SB_SRTP_REPLAY_H

#include <stdint.h>

#define SB_SRTP_RTP_WINDOW      1024
#define SB_SRTP_RTCP_WINDOW     128
#define SB_SRTP_MAX_RTP_INDEX   ((UINT64_C(1) << 48) - 1)
#define SB_SRTP_MAX_RTP_PACKETS (UINT64_C(1) << 48) /* per stream, then the key is refused */
#define SB_SRTP_MAX_RTCP_INDEX  0x7fffffffu

/* Inbound SRTP: the highest index authenticated and, for the 1024 indices up
 * to it, whether each was received (bit index % 1024). All zero: nothing
 * received yet (as libsrtp2's streams start). */
typedef struct sb_srtp_rtp_window {
  uint64_t highest;
  uint64_t bits[SB_SRTP_RTP_WINDOW / 64];
} sb_srtp_rtp_window;

/* Inbound SRTCP: the same over 31-bit SRTCP indices and 128 of them. */
typedef struct sb_srtp_rtcp_window {
  uint64_t highest;
  uint64_t bits[SB_SRTP_RTCP_WINDOW / 64];
} sb_srtp_rtcp_window;

/* The index of a packet with sequence number seq on a stream whose highest
 * index so far is `highest` (0 for a new stream). SB_SRTP_ST_OK, or
 * SB_SRTP_ST_KEY_EXPIRED when it would pass 2^48 - 1 (the ROC would wrap). */
int sb_srtp_rtp_estimate(uint64_t highest, uint16_t seq, uint64_t *index);

/* SB_SRTP_ST_OK if `index` may be accepted, SB_SRTP_ST_REPLAY_FAIL if it was
 * received, SB_SRTP_ST_REPLAY_OLD if it is 1024 or more behind the highest.
 * Outbound (retransmissions allowed) only the REPLAY_OLD test applies:
 * sb_srtp_rtp_too_old(). */
int sb_srtp_rtp_window_check(const sb_srtp_rtp_window *w, uint64_t index);
int sb_srtp_rtp_too_old(uint64_t highest, uint64_t index);
/* Records an accepted index (moving the window forward if it is new). */
void sb_srtp_rtp_window_add(sb_srtp_rtp_window *w, uint64_t index);

int sb_srtp_rtcp_window_check(const sb_srtp_rtcp_window *w, uint32_t index);
void sb_srtp_rtcp_window_add(sb_srtp_rtcp_window *w, uint32_t index);

#endif
