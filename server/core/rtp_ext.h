/* rtp_ext.h - RTP header extension elements (RFC 8285): iterate, find, read
 * the values Switchboard cares about, write a block, rewrite ids in place.
 *
 * Two forms exist. One-byte (profile 0xBEDE): each element is a byte
 * ID(4 bits) | L(4 bits) followed by L+1 data bytes, ids 1..14; a 0x00 byte is
 * padding; id 15 ends processing (the rest of the block is ignored). Two-byte
 * (profile 0x100X, X = appbits): each element is ID(8) | length(8) followed
 * by length bytes (0..255), ids 1..255; a 0x00 byte is padding.
 *
 * Extension ids are negotiated per session (SDP a=extmap), so every accessor
 * takes the id the caller negotiated for that URI:
 *   urn:ietf:params:rtp-hdrext:sdes:mid                        sb_rtp_ext_get_mid
 *   urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id               sb_rtp_ext_get_rid
 *   urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id      sb_rtp_ext_get_rid
 *   http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time  sb_rtp_ext_get_abs_send_time
 *   http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
 *                                                               sb_rtp_ext_get_transport_seq
 *   urn:ietf:params:rtp-hdrext:ssrc-audio-level (RFC 6464)      sb_rtp_ext_get_audio_level
 *
 * Everything reads the packet in place (no allocation, no copies except the
 * string accessors, which copy into the caller's buffer). Elements before a
 * malformed point of a block are still found; iteration reports the error
 * when it reaches it. */
#ifndef SB_CORE_RTP_EXT_H
#define SB_CORE_RTP_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rtp.h"

#define SB_RTP_EXT_ONE_BYTE_MAX_ID  14
#define SB_RTP_EXT_ONE_BYTE_MAX_LEN 16
#define SB_RTP_EXT_TWO_BYTE_MAX_LEN 255

/* One element. From iteration: data borrowed from the packet. For
 * sb_rtp_ext_write(): data borrowed for the call. */
typedef struct {
  uint8_t id;
  size_t len;
  const uint8_t *data;
} sb_rtp_ext_elem;

/* Iterator over a block; treat the members as private. */
typedef struct {
  const uint8_t *data;
  size_t len;
  size_t pos;
  bool two_byte;
  int end; /* 0 while running; else what sb_rtp_ext_next() returns from now on */
} sb_rtp_ext_iter;

/* True for the profiles this module reads (0xBEDE and 0x1000..0x100F). */
bool sb_rtp_ext_profile_supported(uint16_t profile);

/* Starts iterating the extension data block data[0..len) (without its 4-byte
 * header) of the given profile. SB_EUNSUPPORTED for other profiles. */
int sb_rtp_ext_iter_init(sb_rtp_ext_iter *it, uint16_t profile, const uint8_t *data, size_t len);

/* Starts iterating a parsed packet's extension. SB_ENOTFOUND without X bit,
 * SB_EUNSUPPORTED for a profile other than one-byte/two-byte. */
int sb_rtp_ext_iter_init_header(sb_rtp_ext_iter *it, const sb_rtp_header *h);

/* Next element into *out (padding skipped). SB_OK with an element;
 * SB_ENOTFOUND at the end of the block (or at id 15 in one-byte form);
 * SB_ETRUNC when an element runs past the block; SB_EINVAL for a one-byte
 * element byte with id 0 that is not 0x00. Once it returns an error it keeps
 * returning it. *out is written only on SB_OK. */
int sb_rtp_ext_next(sb_rtp_ext_iter *it, sb_rtp_ext_elem *out);

/* The first element with this id in a parsed packet: *data (borrowed) and
 * *len. SB_ENOTFOUND when absent or the packet has no (supported) extension;
 * SB_EINVAL for id 0; the iteration error when the block is malformed before
 * the element. */
int sb_rtp_ext_find(const sb_rtp_header *h, uint8_t id, const uint8_t **data, size_t *len);

/* String elements (mid, rid, repaired-rid): copies the value into out (NUL
 * terminated). Trailing 0x00 bytes are dropped; the value must then be 1 or
 * more bytes, each 0x21..0x7e, else SB_EINVAL. SB_ENOSPC when cap < len + 1. */
int sb_rtp_ext_get_string(const sb_rtp_header *h, uint8_t id, char *out, size_t cap);
int sb_rtp_ext_get_mid(const sb_rtp_header *h, uint8_t id, char *out, size_t cap);
/* rid (rtp-stream-id) or repaired-rid: pass the id negotiated for either. */
int sb_rtp_ext_get_rid(const sb_rtp_header *h, uint8_t id, char *out, size_t cap);

/* abs-send-time: the raw 24-bit value, seconds in 6.18 fixed point.
 * SB_EINVAL unless the element is 3 bytes. */
int sb_rtp_ext_get_abs_send_time(const sb_rtp_header *h, uint8_t id, uint32_t *out);

/* abs-send-time, 6.18 fixed point with a 64 s wrap, to microseconds in [0, 64 s). */
static inline uint64_t sb_rtp_ext_abs_send_time_to_us(uint32_t v) {
  return ((uint64_t)(v & 0xffffff) * 1000000u) >> 18;
}

/* Transport-wide sequence number: the first 2 bytes of the element.
 * SB_EINVAL unless the element is 2 bytes (or 4: transport-wide-cc-02 adds a
 * feedback request after it). */
int sb_rtp_ext_get_transport_seq(const sb_rtp_header *h, uint8_t id, uint16_t *out);

/* Audio level (RFC 6464): *voice = the V bit, *level = 0..127 (-dBov).
 * SB_EINVAL for an empty element; extra bytes after the first are ignored. */
int sb_rtp_ext_get_audio_level(const sb_rtp_header *h, uint8_t id, bool *voice, uint8_t *level);

/* In-place writes of a fixed-size element's value, for the forwarding hot
 * path (e.g. restamping abs-send-time, renumbering transport-wide seq on the
 * outgoing leg). h must come from parsing pkt (SB_EINVAL otherwise). The
 * element must exist (SB_ENOTFOUND) with the sizes the getters accept. */
int sb_rtp_ext_set_abs_send_time(uint8_t *pkt, const sb_rtp_header *h, uint8_t id, uint32_t v);
int sb_rtp_ext_set_transport_seq(uint8_t *pkt, const sb_rtp_header *h, uint8_t id, uint16_t seq);

/* Writes the extension data block for elems[0..n) into out[0..cap): the
 * one-byte form when every id is 1..14 and every length 1..16, else the
 * two-byte form (profile 0x1000; ids 1..255, lengths 0..255). Zero padding
 * makes the length a multiple of 4. Sets *profile and *out_len (the block
 * without its 4-byte header: pass both to sb_rtp_fields). SB_EINVAL for id 0,
 * a length over 255, a repeated id, or NULL data with a nonzero length;
 * SB_ENOSPC when cap is too small. Nothing is written on error. */
int sb_rtp_ext_write(const sb_rtp_ext_elem *elems, size_t n, uint8_t *out, size_t cap,
                     uint16_t *profile, size_t *out_len);

/* Rewrites element ids in place: an element with id i gets id map[i]
 * (map has 256 entries; map[i] == i keeps it). map[i] == 0 drops the
 * element: its header and data bytes become 0x00, i.e. padding, which both
 * forms allow between elements, so the block keeps its length and no byte
 * moves. In one-byte form a new id must be 1..14 (SB_EINVAL otherwise: the
 * form cannot change in place), and elements after an id 15 are left alone.
 * The whole block is checked before anything is written: on error (SB_EINVAL,
 * the iteration error, SB_EUNSUPPORTED profile) the packet is unchanged.
 * A packet without extension is SB_OK. h must come from parsing pkt. */
int sb_rtp_ext_remap(uint8_t *pkt, const sb_rtp_header *h, const uint8_t map[256]);

/* The same on a bare extension data block. */
int sb_rtp_ext_remap_block(uint16_t profile, uint8_t *data, size_t len, const uint8_t map[256]);

#endif
