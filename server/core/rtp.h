/* rtp.h - RTP fixed header (RFC 3550 section 5.1): parse, serialize, and
 * rewrite in place.
 *
 * sb_rtp_parse() validates a packet (version 2, CSRC list, header extension
 * and padding all inside the buffer) and fills an sb_rtp_header that points
 * into the packet: nothing is copied and nothing is allocated, so it can run
 * once per forwarded packet. The header extension's elements are read by
 * rtp_ext.h. The sb_rtp_set_*() helpers rewrite one field of a packet in place
 * for the forwarding hot path; they do not update an sb_rtp_header parsed
 * earlier. sb_rtp_write() serializes a header (CSRCs and extension included)
 * from an sb_rtp_fields; the caller appends payload and padding.
 *
 * Not here: RTP/RTCP demultiplexing, SRTP, payload formats. */
#ifndef SB_CORE_RTP_H
#define SB_CORE_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_RTP_VERSION      2
#define SB_RTP_HEADER_MIN   12 /* fixed header without CSRCs */
#define SB_RTP_MAX_CSRC     15
#define SB_RTP_MAX_HEADER   (SB_RTP_HEADER_MIN + 4 * SB_RTP_MAX_CSRC + 4 + 4 * 0xffff)
#define SB_RTP_EXT_ONE_BYTE 0xbede /* RFC 8285 one-byte header profile */
#define SB_RTP_EXT_TWO_BYTE 0x1000 /* RFC 8285 two-byte profile; low 4 bits are appbits */

/* A parsed packet. Every pointer and offset refers to the packet given to
 * sb_rtp_parse(), borrowed: valid as long as that buffer is. */
typedef struct {
  const uint8_t *data; /* the packet */
  size_t len;          /* whole packet length */
  bool padding;        /* P bit */
  bool extension;      /* X bit */
  bool marker;         /* M bit */
  uint8_t csrc_count;  /* CC, 0..15; read them with sb_rtp_csrc() */
  uint8_t payload_type;
  uint16_t seq;
  uint32_t timestamp;
  uint32_t ssrc;
  size_t header_len;     /* 12 + 4*CC + extension (4 + ext_len); payload starts here */
  size_t payload_offset; /* == header_len */
  size_t payload_len;    /* len - header_len - padding_len */
  uint8_t padding_len;   /* 0 without P; else the last byte, >= 1, counting itself */
  uint16_t ext_profile;  /* "defined by profile" field; 0 without X */
  size_t ext_offset;     /* first byte of the extension data (after its 4-byte header) */
  size_t ext_len;        /* extension data length in bytes (4 * the length field) */
} sb_rtp_header;

/* Parses pkt[0..len). On success fills *out and returns SB_OK. Errors:
 * SB_ETRUNC when the fixed header, the CSRC list or the extension runs past
 * the end; SB_EINVAL when the version is not 2, or P is set and the padding
 * count is 0 or larger than what follows the header. *out is untouched on
 * error. */
int sb_rtp_parse(const uint8_t *pkt, size_t len, sb_rtp_header *out);

/* CSRC number i (0-based) of a parsed packet; 0 when i >= csrc_count. */
uint32_t sb_rtp_csrc(const sb_rtp_header *h, unsigned i);

/* The payload (borrowed from the parsed packet); payload_len bytes. */
static inline const uint8_t *sb_rtp_payload(const sb_rtp_header *h) {
  return h->data + h->payload_offset;
}

/* The extension data of a parsed packet (borrowed), ext_len bytes; NULL without X. */
static inline const uint8_t *sb_rtp_ext_data(const sb_rtp_header *h) {
  return h->extension ? h->data + h->ext_offset : NULL;
}

/* What sb_rtp_write() serializes. */
typedef struct {
  bool padding; /* sets the P bit only: the caller appends the padding bytes */
  bool marker;
  uint8_t payload_type; /* 0..127 */
  uint16_t seq;
  uint32_t timestamp;
  uint32_t ssrc;
  uint8_t csrc_count; /* 0..15 */
  uint32_t csrc[SB_RTP_MAX_CSRC];
  bool extension;          /* writes the extension header and ext_data */
  uint16_t ext_profile;    /* e.g. SB_RTP_EXT_ONE_BYTE */
  const uint8_t *ext_data; /* borrowed for the call */
  size_t ext_len;          /* a multiple of 4, at most 4 * 0xffff */
} sb_rtp_fields;

/* Copies a parsed header's fields (CSRCs included; ext_data keeps pointing
 * into the parsed packet) into *out. */
void sb_rtp_fields_from_header(const sb_rtp_header *h, sb_rtp_fields *out);

/* Writes the header described by *f into out[0..cap) and sets *out_len to
 * its length (the payload offset). SB_EINVAL when payload_type > 127,
 * csrc_count > 15, or ext_len is not a multiple of 4 or too long (or
 * ext_data is NULL with ext_len > 0); SB_ENOSPC when cap is too small.
 * Nothing is written on error. */
int sb_rtp_write(const sb_rtp_fields *f, uint8_t *out, size_t cap, size_t *out_len);

/* In-place rewrites of a packet's fixed header (the forwarding hot path).
 * Each returns SB_ETRUNC when len < 12, SB_EINVAL for a payload type > 127,
 * else SB_OK; nothing else in the packet changes. */
int sb_rtp_set_ssrc(uint8_t *pkt, size_t len, uint32_t ssrc);
int sb_rtp_set_seq(uint8_t *pkt, size_t len, uint16_t seq);
int sb_rtp_set_timestamp(uint8_t *pkt, size_t len, uint32_t ts);
int sb_rtp_set_payload_type(uint8_t *pkt, size_t len, uint8_t pt);
int sb_rtp_set_marker(uint8_t *pkt, size_t len, bool marker);

#endif
