/* udp_mux.h - one UDP socket for every ICE-lite peer connection of a media
 * worker: received in batches (recvmmsg), sent in batches (sendmmsg), and
 * demultiplexed by the ICE ufrag of STUN checks and, for everything else, by
 * the sender's address.
 *
 * A peer connection registers its local ufrag; a check whose USERNAME
 * starts with it goes to that endpoint's on_stun. Once a check from an
 * address is valid, the endpoint binds that address, and datagrams from it
 * (DTLS, RTP, RTCP) go to its on_data. Datagrams from unknown addresses
 * that are not checks for a known ufrag are dropped and counted.
 *
 * Sends made while the mux is delivering a batch are queued and go out
 * together when the batch is done (or the queue is full); sends at other
 * times (timers) go out at once. sb_udp_mux_send copies the bytes, so
 * callers may reuse their buffer, except for the two buffers it owns and
 * queues as they are (no copy): a received datagram handed to on_data
 * (forwarded in place), and the slot sb_udp_mux_tx_reserve lent.
 *
 * A queued batch leaves with one sendmmsg. Where the kernel has UDP GSO,
 * datagrams of equal size to one destination (a video frame's packets to
 * one receiver) go in one message of segments (core/gso_plan.h), which the
 * kernel routes and hands down once; each destination's datagrams keep their
 * order. A kernel or device that refuses it turns it off for the socket.
 *
 * Threading: created on any thread, then used only from the thread running
 * `ctx` (its callbacks fire there). Freed after that thread stopped
 * iterating ctx, or from it. */
#ifndef SB_UDP_MUX_H
#define SB_UDP_MUX_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stun.h"

typedef struct sb_udp_mux sb_udp_mux;

/* Bytes of each receive and send slot; longer datagrams are dropped on
 * receipt (counted in rx_bad) and sent without batching. */
#define SB_UDP_MUX_SLOT 2048

typedef struct {
  /* A STUN message (parsed) whose USERNAME names this endpoint's ufrag.
   * data may be modified. */
  void (*on_stun)(void *user, const uint8_t *data, size_t len, const sb_stun_msg *m,
                  const sb_stun_addr *from);
  /* Any other datagram from a bound address; may be modified in place,
   * and grown up to `cap` bytes (at least len; SB_UDP_MUX_SLOT). */
  void (*on_data)(void *user, uint8_t *data, size_t len, size_t cap);
} sb_udp_mux_handler;

typedef struct {
  uint64_t rx_packets, rx_batches, tx_packets, tx_batches;
  uint64_t rx_unknown;     /* from no bound address, not a check for a known ufrag */
  uint64_t rx_bad;         /* truncated, or STUN that does not parse */
  uint64_t tx_errors;      /* the kernel refused (buffer full, unreachable) */
  uint64_t tx_gso_packets; /* of tx_packets, sent in UDP GSO messages of 2 or more */
} sb_udp_mux_stats;

/* Binds a UDP socket on `ip` (an IPv4 or IPv6 literal) at the first free
 * port of [port_min, port_max] (0/0: any port) and starts receiving on ctx.
 * SB_EINVAL for a bad address or range, SB_EIO when no port can be bound
 * (errno's text in `why`). */
int sb_udp_mux_new(GMainContext *ctx, const char *ip, uint16_t port_min, uint16_t port_max,
                   sb_udp_mux **out, char *why, size_t why_len);
void sb_udp_mux_free(sb_udp_mux *mux);

/* The bound address. */
const char *sb_udp_mux_ip(const sb_udp_mux *mux);
uint16_t sb_udp_mux_port(const sb_udp_mux *mux);

/* Registers an endpoint under its local ufrag. SB_EEXIST when taken. The
 * handler is borrowed until removal. */
int sb_udp_mux_add_ufrag(sb_udp_mux *mux, const char *ufrag, const sb_udp_mux_handler *h,
                         void *user);
void sb_udp_mux_remove_ufrag(sb_udp_mux *mux, const char *ufrag);
/* Routes datagrams from `addr` to the endpoint `user` (replacing any
 * other). SB_ENOMEM when the table cannot grow (nothing changed). */
int sb_udp_mux_bind_addr(sb_udp_mux *mux, const sb_stun_addr *addr, const sb_udp_mux_handler *h,
                         void *user);
/* Stops routing `addr`, if it is routed to `user`. */
void sb_udp_mux_unbind_addr(sb_udp_mux *mux, const sb_stun_addr *addr, void *user);

/* Sends one datagram to `to`. SB_EINVAL for an empty one or an address of
 * the other family, SB_ETOOBIG above 65507 bytes, SB_EIO when an immediate
 * send fails (queued sends that fail later count in tx_errors). */
int sb_udp_mux_send(sb_udp_mux *mux, const sb_stun_addr *to, const uint8_t *data, size_t len);

/* While a batch is being delivered: the slot (SB_UDP_MUX_SLOT bytes, in
 * *cap) the next queued send goes out from, so a datagram built there is
 * sent without a copy when passed to sb_udp_mux_send before any other send
 * on this mux. NULL at other times (build it anywhere; send copies). */
uint8_t *sb_udp_mux_tx_reserve(sb_udp_mux *mux, size_t *cap);

/* Monotonic time (g_get_monotonic_time) at which the datagram being
 * delivered on this thread arrived: the kernel's receive timestamp
 * (SO_TIMESTAMPNS) carried over to the monotonic clock with one clock read
 * per recvmmsg batch, or the batch's read time without one; the clock itself
 * outside a delivery. The per-packet path asks for the time several times a
 * packet; this costs two clock reads per batch instead, and congestion
 * feedback gets true arrival times even when a batch is read late. */
int64_t sb_udp_mux_now(void);

/* Wake-up coalescing: while the socket is busy (at least BUSY_PPS datagrams
 * a second over the last 100 ms), after each wake-up it is not polled again
 * for `us` microseconds, so the next wake-up finds a batch rather than a
 * datagram or two. A wake-up costs about as much as forwarding a packet;
 * this adds at most `us` (rounded up to GLib's millisecond poll timeout)
 * to a packet's time through the server. 0 (the default) turns it off. */
void sb_udp_mux_set_batch_wait(sb_udp_mux *mux, int us);

void sb_udp_mux_get_stats(const sb_udp_mux *mux, sb_udp_mux_stats *out);

#endif
