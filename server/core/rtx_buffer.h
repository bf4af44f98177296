/* rtx_buffer.h - retransmission buffer: copies of recently sent RTP packets,
 * keyed by sequence number, so NACKed packets can be sent again.
 *
 * Two rings. The index is `capacity` entries (capacity rounded up to a
 * power of two, at most 32768), allocated at creation, one per sequence
 * number seq % capacity: only the newest `capacity` sequence numbers are
 * kept (sequence numbers are extended across wrap-around, so "newest"
 * survives 65535 -> 0), and a packet older than max_age_us at lookup time is
 * gone. Out-of-order insertion inside the window is fine. A packet behind
 * the window is refused, unless everything stored has aged out, in which
 * case the buffer starts over at it (a source that restarted its numbering
 * after a pause).
 *
 * The packet bytes live in a byte ring, in the order they were stored, each
 * behind a 4-byte record header (so a packet costs its length + 4, rounded
 * up to 4 bytes). Nothing is allocated for it until the first put; it then
 * starts small (an eighth of the budget, between 256 bytes and 16 KiB) and
 * doubles, up to the byte budget max_bytes given at creation, when the
 * packets being kept no longer fit. Before growing, copies that are dead
 * (replaced, out of the window, aged out) are dropped from the old end;
 * once the budget is reached the oldest packets are dropped to make room,
 * even if still young. So memory follows what is really kept (bitrate x
 * max age, at most max_bytes) instead of capacity x largest packet, and a
 * put allocates nothing except on those rare doublings. The ring never
 * shrinks (sb_rtx_buffer_clear() keeps it). No I/O; time comes from now_us. */
#ifndef SB_CORE_RTX_BUFFER_H
#define SB_CORE_RTX_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#define SB_RTX_BUFFER_MAX_CAPACITY 32768
#define SB_RTX_BUFFER_MAX_PACKET   2048       /* largest packet stored, in bytes */
#define SB_RTX_BUFFER_MIN_BYTES    8          /* smallest byte budget */
#define SB_RTX_BUFFER_MAX_BYTES    (1u << 30) /* largest byte budget */

typedef struct sb_rtx_buffer sb_rtx_buffer;

/* Creates a buffer of `capacity` packets (rounded up to a power of two)
 * whose packet bytes take at most max_bytes (rounded down to a multiple of
 * 4), kept for at most max_age_us. The largest packet stored is
 * min(SB_RTX_BUFFER_MAX_PACKET, max_bytes - 4) bytes. SB_EINVAL for a zero
 * or too large capacity, max_bytes outside [SB_RTX_BUFFER_MIN_BYTES,
 * SB_RTX_BUFFER_MAX_BYTES] or max_age_us < 0. Caller frees *out with
 * sb_rtx_buffer_free(). */
int sb_rtx_buffer_new(size_t capacity, size_t max_bytes, int64_t max_age_us, sb_rtx_buffer **out);
void sb_rtx_buffer_free(sb_rtx_buffer *b);

/* Capacity after rounding, in packets. */
size_t sb_rtx_buffer_capacity(const sb_rtx_buffer *b);

/* Stores a copy of pkt[0..len) under seq at now_us (a repeated seq replaces
 * the earlier copy). Moving ahead by `capacity` or more drops the packets
 * that fall out of the window; a full byte budget drops the oldest stored.
 * SB_ETOOBIG when len is over the largest packet (see sb_rtx_buffer_new);
 * SB_EINVAL for an empty packet; SB_ESTATE when seq is behind the window and
 * something stored is still young; SB_ENOMEM when no packet storage could be
 * allocated at all (the packet is not stored). */
int sb_rtx_buffer_put(sb_rtx_buffer *b, uint16_t seq, const uint8_t *pkt, size_t len,
                      int64_t now_us);

/* Looks seq up: *pkt (borrowed, valid until the next put, clear or free)
 * and *len. SB_ENOTFOUND when never stored, overwritten, dropped for room,
 * out of the window, or older than max_age_us at now_us. The outputs are
 * written only on success. */
int sb_rtx_buffer_get(sb_rtx_buffer *b, uint16_t seq, int64_t now_us, const uint8_t **pkt,
                      size_t *len);

/* Like sb_rtx_buffer_get(), for a retransmission: SB_EEXIST when this
 * packet was already handed out for resending less than min_interval_us
 * before now_us (a NACK repeated within an RTT; a clock that went backwards
 * counts as no time passed); on success records now_us as its last resend.
 * Storing the seq again forgets its resends. SB_EINVAL when
 * min_interval_us < 0. */
int sb_rtx_buffer_get_resend(sb_rtx_buffer *b, uint16_t seq, int64_t now_us,
                             int64_t min_interval_us, const uint8_t **pkt, size_t *len);

/* Number of packets that sb_rtx_buffer_get() would return at now_us (walks
 * every slot: for tests and stats, not the hot path). */
size_t sb_rtx_buffer_count(const sb_rtx_buffer *b, int64_t now_us);

/* Bytes of packet storage allocated now (the byte ring; 0 before the first
 * put, never above max_bytes). The index adds a fixed capacity x 32 bytes. */
size_t sb_rtx_buffer_memory(const sb_rtx_buffer *b);

/* Forgets everything (e.g. when the outgoing stream is reset); keeps the
 * storage allocated. */
void sb_rtx_buffer_clear(sb_rtx_buffer *b);

#endif
