/* timers.h - many timers on one GSource per GMainContext.
 *
 * GLib walks every source of a context on every loop iteration, so a media
 * worker with a GLib timeout per peer connection (RTCP reports, the ICE
 * disconnect watchdog, DTLS retransmissions, the set-up deadline) spends
 * O(peers) on each wake-up: at 200 peers that was more than the forwarding
 * itself. Here each context has one source holding a binary heap of
 * timers; an iteration looks only at the earliest.
 *
 * A timer is a small handle made once and re-armed at will; arming,
 * re-arming and stopping are O(log n) and allocate nothing. Callbacks run on
 * the context, one per expiry (a timer is disarmed before its callback
 * runs, which may re-arm it, stop or free any timer, this one included).
 *
 * Threading: a timer is used only from the thread that runs its context. */
#ifndef SB_TIMERS_H
#define SB_TIMERS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct sb_timer sb_timer;
typedef void (*sb_timer_fn)(void *data);

/* A disarmed timer on ctx (NULL: the thread-default context). The context's
 * timer source is made with its first timer and lives as long as the
 * context. Caller frees with sb_timer_free(). */
sb_timer *sb_timer_new(GMainContext *ctx, sb_timer_fn fn, void *data);
/* Stops and frees; NULL is a no-op. Safe inside any timer callback. */
void sb_timer_free(sb_timer *t);
/* (Re)arms to fire `ms` from now. */
void sb_timer_start(sb_timer *t, unsigned ms);
/* (Re)arms to fire at `due_us` (g_get_monotonic_time() clock). */
void sb_timer_start_at(sb_timer *t, int64_t due_us);
void sb_timer_stop(sb_timer *t);
bool sb_timer_armed(const sb_timer *t);

#endif
