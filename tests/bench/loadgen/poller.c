/* poller.c - one epoll set per generator thread behind one GSource, each
 * ready socket read with recvmmsg into the poller's own buffers, with the
 * kernel's receive timestamps, and a rest after each busy wake-up. See
 * poller.h.
 *
 * The epoll set is level-triggered: a socket is read until a batch comes
 * back short (its queue was empty then) or for MAX_ROUNDS batches, and
 * anything that arrived meanwhile makes the set ready again on the next
 * loop iteration, so no socket can starve the timers or the others. A rest
 * is the epoll fd taken out of the GSource's poll and a ready time hold_us
 * ahead, as the server's udp_mux.c does with its socket. */
#define _GNU_SOURCE
#include "poller.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "net_addr.h"

#define BATCH      16   /* datagrams per recvmmsg */
#define SLOT       2048 /* bytes per datagram; larger ones are dropped */
#define MAX_EVENTS 64   /* ready sockets per epoll_wait */
#define MAX_ROUNDS 8    /* recvmmsg calls per socket per wake-up */
#define BUSY_RATE  2000 /* datagrams/s above which a hold applies */
#define WINDOW_US  100000
#define CTRL_LEN   CMSG_SPACE(sizeof(struct timespec))

struct sb_lg_poller_watch {
  sb_lg_poller *p;
  int fd;
  sb_lg_poller_fn fn;
  void *data;
  bool removed;
};

typedef struct {
  GSource source;
  sb_lg_poller *p;
} poller_source;

struct sb_lg_poller {
  int epfd;
  GSource *source;
  gpointer tag;
  bool dispatching;
  GPtrArray *graveyard; /* watches removed during a dispatch, freed after it */
  guint n_watches;
  sb_lg_poller_stats stats;
  struct epoll_event events[MAX_EVENTS];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  union {
    struct cmsghdr align;
    uint8_t bytes[CTRL_LEN];
  } ctrl[BATCH];
  uint8_t *buf;
  /* CLOCK_REALTIME (the kernel's stamps) minus CLOCK_MONOTONIC, taken at
   * each wake-up; the wake-up's monotonic time; the current datagram's
   * arrival. In ns. */
  int64_t realtime_offset, wake_ns, arrival_ns;
  /* Coalescing. */
  int64_t hold_us, window_start;
  uint64_t window_datagrams;
  bool holding, busy;
};

static int64_t ns_of(const struct timespec *ts) {
  return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* The kernel's receive time of msgs[i] as CLOCK_MONOTONIC ns. */
static int64_t arrival_of(const sb_lg_poller *p, unsigned i) {
  const struct msghdr *h = &p->msgs[i].msg_hdr;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR((struct msghdr *)h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
        c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return ns_of(&ts) - p->realtime_offset;
    }
  }
  struct timespec now; /* no stamp: when it was read */
  clock_gettime(CLOCK_MONOTONIC, &now);
  return ns_of(&now);
}

/* Reads one ready socket. */
static void drain(sb_lg_poller *p, sb_lg_poller_watch *w) {
  for (int round = 0; round < MAX_ROUNDS && !w->removed; round++) {
    for (unsigned i = 0; i < BATCH; i++) {
      p->iov[i].iov_len = SLOT;
      p->msgs[i].msg_hdr.msg_namelen = sizeof p->from[i];
      p->msgs[i].msg_hdr.msg_controllen = CTRL_LEN;
      p->msgs[i].msg_hdr.msg_flags = 0;
    }
    int n = recvmmsg(w->fd, p->msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0 && errno == EINTR) continue;
    /* EAGAIN: empty. Other errors (an ICMP error queued on the socket) are
     * consumed by the failing call; what follows is read next time. */
    if (n <= 0) return;
    p->stats.reads++;
    for (int i = 0; i < n && !w->removed; i++) {
      sb_stun_addr from;
      if ((p->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ||
          !sb_net_addr_from_sockaddr(&p->from[i], &from)) {
        p->stats.dropped++;
        continue;
      }
      p->stats.datagrams++;
      p->arrival_ns = arrival_of(p, (unsigned)i);
      w->fn(w->data, p->iov[i].iov_base, p->msgs[i].msg_len, &from);
    }
    if (n < BATCH) return;
  }
}

static gboolean poller_dispatch(GSource *source, GSourceFunc cb, gpointer user) {
  sb_lg_poller *p = ((poller_source *)source)->p;
  if (p->holding) {
    p->holding = false;
    g_source_set_ready_time(source, -1);
    g_source_modify_unix_fd(source, p->tag, G_IO_IN);
  }
  p->stats.wakeups++;
  struct timespec rt, mono;
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  p->wake_ns = ns_of(&mono);
  p->realtime_offset = ns_of(&rt) - p->wake_ns;
  uint64_t before = p->stats.datagrams;
  p->dispatching = true;
  int n;
  do
    n = epoll_wait(p->epfd, p->events, MAX_EVENTS, 0);
  while (n < 0 && errno == EINTR);
  for (int i = 0; i < n; i++) {
    sb_lg_poller_watch *w = p->events[i].data.ptr;
    if (!w->removed) drain(p, w);
  }
  p->dispatching = false;
  g_ptr_array_set_size(p->graveyard, 0);
  uint64_t got = p->stats.datagrams - before;
  if (p->hold_us > 0 && got > 0) {
    int64_t now = p->wake_ns / 1000;
    p->window_datagrams += got;
    if (now - p->window_start >= WINDOW_US) {
      p->busy = p->window_datagrams * 1000000 / (uint64_t)(now - p->window_start) >= BUSY_RATE;
      p->window_start = now;
      p->window_datagrams = 0;
    }
    if (p->busy) {
      /* GLib's ready time is g_get_monotonic_time(): CLOCK_MONOTONIC us. */
      p->holding = true;
      p->stats.holds++;
      g_source_modify_unix_fd(source, p->tag, 0);
      g_source_set_ready_time(source, now + p->hold_us);
    }
  }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs poller_funcs = {.dispatch = poller_dispatch};

int sb_lg_poller_new(GMainContext *ctx, sb_lg_poller **out) {
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return SB_EIO;
  sb_lg_poller *p = g_new0(sb_lg_poller, 1);
  p->epfd = epfd;
  p->graveyard = g_ptr_array_new_with_free_func(g_free);
  p->buf = g_malloc((size_t)BATCH * SLOT);
  for (unsigned i = 0; i < BATCH; i++) {
    p->iov[i].iov_base = p->buf + (size_t)i * SLOT;
    p->msgs[i].msg_hdr.msg_iov = &p->iov[i];
    p->msgs[i].msg_hdr.msg_iovlen = 1;
    p->msgs[i].msg_hdr.msg_name = &p->from[i];
    p->msgs[i].msg_hdr.msg_control = p->ctrl[i].bytes;
  }
  p->source = g_source_new(&poller_funcs, sizeof(poller_source));
  ((poller_source *)p->source)->p = p;
  g_source_set_name(p->source, "sb-lg-poller");
  p->tag = g_source_add_unix_fd(p->source, epfd, G_IO_IN);
  g_source_attach(p->source, ctx ? ctx : g_main_context_default());
  *out = p;
  return SB_OK;
}

void sb_lg_poller_free(sb_lg_poller *p) {
  if (!p) return;
  g_source_destroy(p->source);
  g_source_unref(p->source);
  close(p->epfd);
  g_ptr_array_free(p->graveyard, TRUE);
  g_free(p->buf);
  g_free(p);
}

int sb_lg_poller_add(sb_lg_poller *p, int fd, sb_lg_poller_fn fn, void *data,
                     sb_lg_poller_watch **out) {
  sb_lg_poller_watch *w = g_new0(sb_lg_poller_watch, 1);
  w->p = p;
  w->fd = fd;
  w->fn = fn;
  w->data = data;
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
  if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
    g_free(w);
    return SB_EIO;
  }
  p->n_watches++;
  *out = w;
  return SB_OK;
}

void sb_lg_poller_remove(sb_lg_poller_watch *w) {
  if (!w || w->removed) return;
  sb_lg_poller *p = w->p;
  w->removed = true;
  epoll_ctl(p->epfd, EPOLL_CTL_DEL, w->fd, NULL);
  p->n_watches--;
  /* An event for it may still be in this dispatch's list. */
  if (p->dispatching)
    g_ptr_array_add(p->graveyard, w);
  else
    g_free(w);
}

void sb_lg_poller_set_hold(sb_lg_poller *p, unsigned hold_us) { p->hold_us = hold_us; }
int64_t sb_lg_poller_arrival_ns(const sb_lg_poller *p) { return p->arrival_ns; }

void sb_lg_poller_get_stats(const sb_lg_poller *p, sb_lg_poller_stats *out) { *out = p->stats; }
