/* rtcp.h - RTCP common header, compound packet iteration and validity,
 * RTP/RTCP demultiplexing on a muxed port, and the writer helpers every RTCP
 * message file (rtcp_sr.c, rtcp_rr.c, rtcp_sdes.c, rtcp_bye.c, rtcp_pli.c,
 * rtcp_fir.c, rtcp_nack.c, rtcp_remb.c, rtcp_twcc.c) builds on.
 *
 * Every RTCP packet starts with the same 32-bit word (RFC 3550 6.4.1):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|  count  |      PT       |            length             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * length is the packet's size in 32-bit words minus one, header included.
 * count is RC (SR/RR), SC (SDES/BYE) or FMT (RTPFB/PSFB). With P set, the last
 * octet of the packet counts the padding octets (itself included); RFC 3550
 * allows padding only on the last packet of a compound.
 *
 * Everything here works on borrowed buffers: no allocation, no I/O. Parsing
 * (what the bytes hold) and the SRTCP layer (decryption) are separate: these
 * functions see plain RTCP. */
#ifndef SB_CORE_RTCP_H
#define SB_CORE_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"

/* Packet types (RFC 3550, RFC 4585). */
enum {
  SB_RTCP_PT_SR = 200,
  SB_RTCP_PT_RR = 201,
  SB_RTCP_PT_SDES = 202,
  SB_RTCP_PT_BYE = 203,
  SB_RTCP_PT_APP = 204,
  SB_RTCP_PT_RTPFB = 205, /* transport-layer feedback */
  SB_RTCP_PT_PSFB = 206,  /* payload-specific feedback */
};

/* Feedback message types (the FMT in the count field). */
enum {
  SB_RTCP_FMT_NACK = 1,  /* RTPFB: generic NACK (RFC 4585 6.2.1) */
  SB_RTCP_FMT_TWCC = 15, /* RTPFB: transport-wide CC feedback */
  SB_RTCP_FMT_PLI = 1,   /* PSFB: picture loss indication (RFC 4585 6.3.1) */
  SB_RTCP_FMT_FIR = 4,   /* PSFB: full intra request (RFC 5104 4.3.1) */
  SB_RTCP_FMT_AFB = 15,  /* PSFB: application layer feedback (REMB) */
};

#define SB_RTCP_HEADER_LEN     4
#define SB_RTCP_FB_HEADER_LEN  12      /* common header + sender SSRC + media SSRC */
#define SB_RTCP_MAX_COUNT      31      /* the 5-bit count field */
#define SB_RTCP_MAX_PACKET_LEN 262144u /* 4 * (0xffff + 1) */

/* One RTCP packet inside a buffer. All pointers are borrowed from the buffer
 * given to sb_rtcp_packet_parse() or sb_rtcp_iter_init(). */
typedef struct {
  const uint8_t *data; /* first octet of the common header */
  size_t len;          /* whole packet: 4 * (length + 1), padding included */
  bool padding;        /* the P bit */
  uint8_t count;       /* RC, SC or FMT (0..31) */
  uint8_t pt;          /* packet type */
  const uint8_t *body; /* first octet after the common header */
  size_t body_len;     /* octets after the header, padding excluded */
} sb_rtcp_packet;

/* Parses the packet that starts at buf: checks V=2, that the length field
 * stays inside len (SB_ETRUNC otherwise) and, with P set, that the padding
 * count is between 1 and the body size (SB_EINVAL otherwise). Octets after
 * the packet are not looked at. */
int sb_rtcp_packet_parse(const uint8_t *buf, size_t len, sb_rtcp_packet *out);

/* Iterator over a compound packet (a borrowed buffer). */
typedef struct {
  const uint8_t *data;
  size_t len;
  size_t pos;
  int err; /* sticky error, 0 while fine */
} sb_rtcp_iter;

void sb_rtcp_iter_init(sb_rtcp_iter *it, const uint8_t *buf, size_t len);

/* Yields the next packet: returns 1 and fills *out when there is one, 0 when
 * the buffer is used up exactly, and a negative SB_E* code when the rest of
 * the buffer is malformed: SB_ETRUNC for a length running past the buffer
 * (or 1..3 stray octets at the end), SB_EINVAL for a version other than 2, a
 * bad padding count, or padding on a packet that is not the last. Errors are
 * sticky: later calls return the same code. Packets already yielded stay
 * valid. */
int sb_rtcp_iter_next(sb_rtcp_iter *it, sb_rtcp_packet *out);

/* Flags for sb_rtcp_compound_check(). */
enum {
  /* RFC 5506 reduced-size RTCP: the compound may start with any RTCP packet
   * type (and may be a single packet, padding allowed on it). */
  SB_RTCP_ALLOW_REDUCED_SIZE = 1u << 0,
};

/* Validity check of a received compound packet after RFC 3550 A.2: at least
 * one packet, every packet V=2, the lengths add up to len exactly, padding
 * only on the last packet. Without SB_RTCP_ALLOW_REDUCED_SIZE the first
 * packet must be SR or RR with P clear; with it, the first packet's type must
 * only be in the RTCP range 192..223. Returns SB_OK or a negative code
 * (SB_ETRUNC for lengths, SB_EINVAL otherwise). */
int sb_rtcp_compound_check(const uint8_t *buf, size_t len, unsigned flags);

/* RTP/RTCP multiplexing on one port (RFC 5761 4): true when the packet is
 * version 2 and its second octet (the RTCP packet type, or RTP's M bit and
 * payload type) is in 192..223, i.e. it is RTCP. False for anything shorter
 * than 2 octets. */
bool sb_rtcp_is_rtcp(const uint8_t *buf, size_t len);

/* Writer helpers for message writers. sb_rtcp_writer_begin() reserves the
 * common header at the writer's position and stores that offset in *start;
 * after the body is written, sb_rtcp_writer_end() pads the body with zero
 * octets to a 32-bit boundary (no P bit) and fills the header: V=2, P=0,
 * count (0..31, else SB_EINVAL), pt, length. SB_ENOSPC when the writer is
 * full, SB_ETOOBIG past SB_RTCP_MAX_PACKET_LEN. */
int sb_rtcp_writer_begin(sb_writer *w, size_t *start);
int sb_rtcp_writer_end(sb_writer *w, size_t start, unsigned count, unsigned pt);

/* Feedback messages (RFC 4585 6.1): the common header, then the SSRC of the
 * packet sender and of the media source, then the FCI. */
typedef struct {
  uint8_t fmt;
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
  const uint8_t *fci; /* borrowed from the packet */
  size_t fci_len;     /* padding excluded */
} sb_rtcp_fb;

/* Parses the feedback packet at pkt (one packet as yielded by
 * sb_rtcp_iter_next, header included) and checks that it is of type pt with
 * FMT fmt (SB_EINVAL otherwise). SB_ETRUNC when shorter than the two SSRCs. */
int sb_rtcp_fb_parse(const uint8_t *pkt, size_t len, unsigned pt, unsigned fmt, sb_rtcp_fb *out);

/* sb_rtcp_writer_begin() followed by the two SSRCs of a feedback message;
 * finish with sb_rtcp_writer_end(w, start, fmt, pt). */
int sb_rtcp_fb_begin(sb_writer *w, size_t *start, uint32_t sender_ssrc, uint32_t media_ssrc);

#endif
