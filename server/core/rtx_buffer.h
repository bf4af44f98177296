/* rtx_buffer.h - retransmission buffer: copies of recently sent RTP packets,
 * keyed by sequence number, so NACKed packets can be sent again.
 *
 * A ring of `capacity` fixed-size slots (capacity rounded up to a power of
 * two, at most 32768), all allocated at creation: storing a packet copies it
 * into slot seq % capacity and allocates nothing. Only the newest `capacity`
 * sequence numbers are kept (sequence numbers are extended across
 * wrap-around, so "newest" survives 65535 -> 0), and a packet older than
 * max_age_us at lookup time is gone. Out-of-order insertion inside the window
 * is fine. A packet behind the window is refused, unless everything stored
 * has aged out, in which case the buffer starts over at it (a source that
 * restarted its numbering after a pause). No I/O; time comes from now_us. */
#ifndef SB_CORE_RTX_BUFFER_H
#define SB_CORE_RTX_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#define SB_RTX_BUFFER_MAX_CAPACITY 32768

typedef struct sb_rtx_buffer sb_rtx_buffer;

/* Creates a buffer of `capacity` packets (rounded up to a power of two) of
 * at most slot_size bytes each, kept for at most max_age_us. SB_EINVAL for a
 * zero or too large capacity, slot_size 0 or max_age_us < 0. Caller frees
 * *out with sb_rtx_buffer_free(). */
int sb_rtx_buffer_new(size_t capacity, size_t slot_size, int64_t max_age_us, sb_rtx_buffer **out);
void sb_rtx_buffer_free(sb_rtx_buffer *b);

/* Capacity after rounding, in packets. */
size_t sb_rtx_buffer_capacity(const sb_rtx_buffer *b);

/* Stores a copy of pkt[0..len) under seq at now_us (a repeated seq replaces
 * the earlier copy). Moving ahead by `capacity` or more drops the packets
 * that fall out of the window. SB_ETOOBIG when len > slot_size; SB_EINVAL
 * for an empty packet; SB_ESTATE when seq is behind the window and something
 * stored is still young. */
int sb_rtx_buffer_put(sb_rtx_buffer *b, uint16_t seq, const uint8_t *pkt, size_t len,
                      int64_t now_us);

/* Looks seq up: *pkt (borrowed, valid until the next put, clear or free)
 * and *len. SB_ENOTFOUND when never stored, overwritten, out of the window,
 * or older than max_age_us at now_us. */
int sb_rtx_buffer_get(sb_rtx_buffer *b, uint16_t seq, int64_t now_us, const uint8_t **pkt,
                      size_t *len);

/* Number of packets that sb_rtx_buffer_get() would return at now_us (walks
 * every slot: for tests and stats, not the hot path). */
size_t sb_rtx_buffer_count(const sb_rtx_buffer *b, int64_t now_us);

/* Forgets everything (e.g. when the outgoing stream is reset). */
void sb_rtx_buffer_clear(sb_rtx_buffer *b);

#endif
