/* rtcp_sdes.h - RTCP source description (RFC 3550 6.5).
 *
 *   SDES: V=2 P SC | PT=202 | length
 *         SC chunks, each starting on a 32-bit boundary:
 *           SSRC/CSRC
 *           items: type (8) | length (8) | length octets of text
 *           a null octet (type 0) ending the item list, then null octets up
 *           to the next 32-bit boundary
 *
 * The parser reads every item of every chunk; item texts point into the
 * parsed packet (borrowed: valid as long as that buffer is). The writer writes
 * every item it is given (CNAME being the one WebRTC needs), and
 * sb_rtcp_sdes_write_cname() writes the usual one-chunk CNAME packet.
 *
 * Fixed capacity: 31 chunks (the 5-bit SC field), SB_RTCP_SDES_MAX_ITEMS
 * items per chunk (SB_ETOOBIG beyond). No allocation. */
#ifndef SB_CORE_RTCP_SDES_H
#define SB_CORE_RTCP_SDES_H

#include <stddef.h>
#include <stdint.h>

#define SB_RTCP_SDES_MAX_CHUNKS 31
#define SB_RTCP_SDES_MAX_ITEMS  8

enum {
  SB_RTCP_SDES_END = 0,
  SB_RTCP_SDES_CNAME = 1,
  SB_RTCP_SDES_NAME = 2,
  SB_RTCP_SDES_EMAIL = 3,
  SB_RTCP_SDES_PHONE = 4,
  SB_RTCP_SDES_LOC = 5,
  SB_RTCP_SDES_TOOL = 6,
  SB_RTCP_SDES_NOTE = 7,
  SB_RTCP_SDES_PRIV = 8,
};

typedef struct {
  uint8_t type;        /* 1..255 (0 ends a list and is never an item) */
  uint8_t len;         /* octets at data */
  const uint8_t *data; /* borrowed, not NUL-terminated; may be NULL if len is 0 */
} sb_rtcp_sdes_item;

typedef struct {
  uint32_t ssrc;
  uint8_t n_items;
  sb_rtcp_sdes_item items[SB_RTCP_SDES_MAX_ITEMS];
} sb_rtcp_sdes_chunk;

typedef struct {
  uint8_t n_chunks;
  sb_rtcp_sdes_chunk chunks[SB_RTCP_SDES_MAX_CHUNKS];
} sb_rtcp_sdes;

/* Parses one SDES packet (header included). SB_EINVAL when PT is not 202,
 * SB_ETRUNC when the SC chunks run past the body (an item longer than what is
 * left, a chunk without its null terminator), SB_ETOOBIG for a chunk of more
 * than SB_RTCP_SDES_MAX_ITEMS items. Octets after the SC chunks are ignored. */
int sb_rtcp_sdes_parse(const uint8_t *pkt, size_t len, sb_rtcp_sdes *out);

/* Writes in as one SDES packet; *written gets its length. SB_ETOOBIG for more
 * than 31 chunks or too many items, SB_EINVAL for an item of type 0 or with
 * len > 0 and no data, SB_ENOSPC when cap is too small. */
int sb_rtcp_sdes_write(const sb_rtcp_sdes *in, uint8_t *buf, size_t cap, size_t *written);

/* Writes an SDES packet with one chunk for ssrc holding one CNAME item.
 * SB_EINVAL when cname is NULL or longer than 255 octets. */
int sb_rtcp_sdes_write_cname(uint32_t ssrc, const char *cname, uint8_t *buf, size_t cap,
                             size_t *written);

/* The first item of the given type in chunk, or NULL. */
const sb_rtcp_sdes_item *sb_rtcp_sdes_find(const sb_rtcp_sdes_chunk *chunk, uint8_t type);

#endif
