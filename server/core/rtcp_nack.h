/* rtcp_nack.h - RTCP generic NACK (RFC 4585 6.2.1): a transport-layer
 * feedback message (PT=205) with FMT=1.
 *
 *   V=2 P FMT=1 | PT=205 | length
 *   SSRC of packet sender
 *   SSRC of media source (the stream with the losses)
 *   FCI, one or more of:
 *     PID (16): a lost packet's sequence number
 *     BLP (16): bit i set when PID + i + 1 is lost too
 *
 * Besides parse and write: expand a NACK into the list of sequence numbers
 * it asks for, and build the fewest PID/BLP pairs from a list of sequence
 * numbers (in order, across the 65535 -> 0 wrap).
 *
 * Fixed capacity: SB_RTCP_NACK_MAX_PAIRS pairs (SB_ETOOBIG beyond); at most
 * 17 sequence numbers per pair. No allocation. */
#ifndef SB_CORE_RTCP_NACK_H
#define SB_CORE_RTCP_NACK_H

#include <stddef.h>
#include <stdint.h>

#define SB_RTCP_NACK_MAX_PAIRS 256
#define SB_RTCP_NACK_MAX_SEQS  (17 * SB_RTCP_NACK_MAX_PAIRS)

typedef struct {
  uint16_t pid;
  uint16_t blp;
} sb_rtcp_nack_pair;

typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
  uint16_t n_pairs;
  sb_rtcp_nack_pair pairs[SB_RTCP_NACK_MAX_PAIRS];
} sb_rtcp_nack;

/* Parses one generic NACK (header included). SB_EINVAL when it is not RTPFB
 * with FMT 1, or the FCI is empty or not a whole number of 4-octet pairs;
 * SB_ETRUNC when the SSRCs are missing; SB_ETOOBIG past the capacity. */
int sb_rtcp_nack_parse(const uint8_t *pkt, size_t len, sb_rtcp_nack *out);

/* Writes in as one NACK packet; *written gets its length. SB_EINVAL for no
 * pairs, SB_ETOOBIG past the capacity, SB_ENOSPC when cap is too small. */
int sb_rtcp_nack_write(const sb_rtcp_nack *in, uint8_t *buf, size_t cap, size_t *written);

/* The sequence numbers nack asks for, pair by pair (PID first, then the BLP
 * bits from low to high), into seqs[0..*n_out). Duplicates between pairs are
 * kept. SB_ENOSPC (nothing written) when more than cap. */
int sb_rtcp_nack_expand(const sb_rtcp_nack *nack, uint16_t *seqs, size_t cap, size_t *n_out);

/* Builds out from n lost sequence numbers in sending order: each one ahead of
 * the previous by 1..32767 in 16-bit serial arithmetic (so 65534, 65535, 0,
 * 1 is in order), repeats skipped. Greedy from the oldest, which gives the
 * fewest pairs. SB_EINVAL for n == 0 or a number out of order, SB_ETOOBIG
 * when more than SB_RTCP_NACK_MAX_PAIRS pairs are needed. out is written only
 * on success. */
int sb_rtcp_nack_build(uint32_t sender_ssrc, uint32_t media_ssrc, const uint16_t *seqs, size_t n,
                       sb_rtcp_nack *out);

#endif
