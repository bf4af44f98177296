/* poller.h - many UDP sockets read through one GSource per generator
 * thread. Every peer connection has a socket of its own (servers tell peers
 * apart by source address), but a GSource per socket makes GLib walk and
 * poll all of them on every loop iteration. Here the sockets of a thread sit
 * in one epoll set, whose fd is the only thing the GSource polls; on
 * wake-up each ready socket is read with recvmmsg in batches into buffers
 * the poller owns (one set per thread, not per socket), and each datagram is
 * handed to that socket's callback.
 *
 * Wake-up coalescing: with a hold set (sb_lg_poller_set_hold), a busy
 * poller (more than 2000 datagrams/s) rests that long after each wake-up
 * before it looks at the sockets again, so that a server sending one
 * datagram at a time (Janus) does not wake the thread for each. Because a
 * datagram may then wait in its socket, its receive time is the kernel's
 * (SO_TIMESTAMPNS on every socket), given to callbacks through
 * sb_lg_poller_arrival_ns(): latency measured with it does not include the
 * hold or the thread's scheduling.
 *
 * Not here: sending (callers use their socket directly), binding, and
 * anything about what the datagrams mean.
 *
 * Threading: made on any thread; after that used only from the thread that
 * runs its GMainContext, where the callbacks fire. */
#ifndef SB_LG_POLLER_H
#define SB_LG_POLLER_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stun.h"

typedef struct sb_lg_poller sb_lg_poller;
typedef struct sb_lg_poller_watch sb_lg_poller_watch;

/* One received datagram from `from`, borrowed for the call; the callee may
 * modify it in place. The callback may remove its own watch (or any
 * other): no datagram is delivered for a removed watch afterwards. */
typedef void (*sb_lg_poller_fn)(void *data, uint8_t *buf, size_t len, const sb_stun_addr *from);

typedef struct {
  uint64_t wakeups;   /* dispatches of the GSource */
  uint64_t holds;     /* wake-ups followed by a rest */
  uint64_t reads;     /* recvmmsg calls */
  uint64_t datagrams; /* delivered */
  uint64_t dropped;   /* truncated (larger than a slot) or from an unknown family */
} sb_lg_poller_stats;

/* A poller on ctx (NULL: the global default context). SB_EIO when no epoll
 * set can be made. Free with sb_lg_poller_free() after removing every
 * watch, on the context's thread or after it stopped. */
int sb_lg_poller_new(GMainContext *ctx, sb_lg_poller **out);
void sb_lg_poller_free(sb_lg_poller *p);

/* Reads the non-blocking datagram socket fd (still the caller's to close,
 * after removing the watch; kernel receive timestamps are turned on for it)
 * and calls fn(data, ...) for each datagram. SB_EIO when epoll refuses the
 * fd. */
int sb_lg_poller_add(sb_lg_poller *p, int fd, sb_lg_poller_fn fn, void *data,
                     sb_lg_poller_watch **out);
/* Stops reading; safe inside any callback. NULL is a no-op. */
void sb_lg_poller_remove(sb_lg_poller_watch *w);

/* Rest this long after each wake-up while busy (0, the default: never). */
void sb_lg_poller_set_hold(sb_lg_poller *p, unsigned hold_us);

/* Inside a callback: when the datagram being delivered arrived, in
 * CLOCK_MONOTONIC nanoseconds (the kernel's receive time, or when it was
 * read if the kernel gave none). */
int64_t sb_lg_poller_arrival_ns(const sb_lg_poller *p);

void sb_lg_poller_get_stats(const sb_lg_poller *p, sb_lg_poller_stats *out);

#endif
