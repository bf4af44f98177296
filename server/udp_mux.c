/* udp_mux.c - one UDP socket per media worker, read with recvmmsg, written
 * with sendmmsg, demultiplexed by ufrag and address. See udp_mux.h.
 *
 * The socket is one GSource on the worker's context (instead of one per
 * peer connection, as with libnice), so a wake-up costs the same however
 * many peers the worker has, and one system call moves up to BATCH
 * datagrams each way. No allocation per packet: receive and send slots are
 * allocated with the mux. */
#define _GNU_SOURCE
#include "udp_mux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/addr_map.h"
#include "core/error.h"
#include "core/gso_plan.h"
#include "net_addr.h"

#define BATCH       32 /* datagrams per recvmmsg / sendmmsg */
#define SLOT        SB_UDP_MUX_SLOT
#define MAX_ROUNDS  16 /* batches per dispatch, so timers are not starved */
#define SOCK_BUFFER (4 << 20)
#define MAX_DGRAM   65507
#define BUSY_PPS    4000  /* coalesce wake-ups above this rate (see udp_mux.h) */
#define GSO_BYTES   60000 /* bytes per GSO message (the kernel's limit is 64 KiB with headers) */
#define GSO_ERRORS  8     /* refused GSO messages before the mux stops grouping */

typedef struct {
  const sb_udp_mux_handler *h;
  void *user;
} route;

typedef struct {
  GSource source;
  sb_udp_mux *mux;
} mux_source;

struct sb_udp_mux {
  int fd;
  int family; /* AF_INET or AF_INET6 */
  char ip[INET6_ADDRSTRLEN];
  uint16_t port;
  GSource *source;
  gpointer tag;
  GHashTable *by_ufrag; /* char* -> route* */
  sb_addr_map *by_addr; /* address -> (handler, user) */
  /* receive slots */
  struct mmsghdr rx[BATCH];
  struct iovec rx_iov[BATCH];
  struct sockaddr_storage rx_from[BATCH];
  sb_stun_addr rx_addr[BATCH]; /* rx_from as addresses, */
  uint32_t rx_hash[BATCH];     /* their hashes (sb_addr_map_hash), */
  bool rx_ok[BATCH];           /* and whether the datagram is usable */
  union {                      /* the kernel's receive time (SO_TIMESTAMPNS) */
    char buf[CMSG_SPACE(sizeof(struct timespec))];
    struct cmsghdr align;
  } rx_cmsg[BATCH];
  uint8_t *rx_buf;
  /* send queue */
  bool batching;
  unsigned tx_n;
  struct iovec tx_iov[BATCH];
  struct sockaddr_storage tx_to[BATCH];
  socklen_t tx_to_len[BATCH];
  sb_stun_addr tx_dest[BATCH];
  uint8_t *tx_buf;
  /* The queue as sendmmsg messages (core/gso_plan.h): one per group of
   * datagrams to one destination (with UDP GSO), else one per datagram. */
  bool gso; /* the kernel takes UDP_SEGMENT on this socket */
  unsigned gso_refused;
  struct mmsghdr msg[BATCH];
  struct iovec msg_iov[BATCH];
  union {
    char buf[CMSG_SPACE(sizeof(uint16_t))];
    struct cmsghdr align;
  } msg_cmsg[BATCH];
  sb_udp_mux_stats stats;
  /* Wake-up coalescing: while busy, the socket rests hold_us after each
   * wake-up so that the next one finds more datagrams. */
  int64_t hold_us;
  bool holding;
  int64_t window_start;
  uint64_t window_packets;
  bool busy;
  uint64_t wakeups;
};

/* ---- addresses ---- */

/* The socket form of `a`, or 0 for an address of the other family. */
static socklen_t to_sockaddr(const sb_udp_mux *mux, const sb_stun_addr *a,
                             struct sockaddr_storage *ss) {
  if ((a->family == 4) != (mux->family == AF_INET)) return 0;
  return sb_net_addr_to_sockaddr(a, ss);
}

static __thread int64_t batch_now; /* 0 outside a batch */

int64_t sb_udp_mux_now(void) { return batch_now ? batch_now : g_get_monotonic_time(); }

/* The kernel's receive time of datagram i (SO_TIMESTAMPNS, CLOCK_REALTIME)
 * on the monotonic clock, given realtime - monotonic read with the batch;
 * read_us (when the batch was read) without a stamp or with a stamp that
 * makes no sense (a clock step). Congestion feedback reports these times:
 * a batch read late, or coalesced under load, would otherwise look like
 * queueing delay to the sender's estimator. */
static int64_t arrival_us(const sb_udp_mux *mux, int i, int64_t offset_us, int64_t read_us) {
  const struct msghdr *h = &mux->rx[i].msg_hdr;
  if (h->msg_controllen < CMSG_LEN(sizeof(struct timespec))) return read_us;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR((struct msghdr *)h, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS ||
        c->cmsg_len < CMSG_LEN(sizeof(struct timespec)))
      continue;
    struct timespec ts;
    memcpy(&ts, CMSG_DATA(c), sizeof ts);
    int64_t t = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - offset_us;
    return t <= read_us && t > read_us - 1000000 ? t : read_us;
  }
  return read_us;
}

/* ---- sending ---- */

/* A GSO message the kernel refused, one datagram at a time. Refusals that
 * say the socket or device cannot segment turn grouping off, as do
 * GSO_ERRORS of any other kind (a path whose MTU is below the segments). */
static void send_group_singly(sb_udp_mux *mux, const struct msghdr *h, int err) {
  if (err == EIO || err == EOPNOTSUPP || err == ENOPROTOOPT || ++mux->gso_refused >= GSO_ERRORS) {
    if (mux->gso)
      g_log("udp-mux", G_LOG_LEVEL_INFO, "%s:%u: UDP GSO refused (%s), sending one by one", mux->ip,
            mux->port, g_strerror(err));
    mux->gso = false;
  }
  for (size_t k = 0; k < h->msg_iovlen; k++) {
    ssize_t r;
    do
      r = sendto(mux->fd, h->msg_iov[k].iov_base, h->msg_iov[k].iov_len, MSG_DONTWAIT, h->msg_name,
                 h->msg_namelen);
    while (r < 0 && errno == EINTR);
    mux->stats.tx_batches++;
    if (r < 0)
      mux->stats.tx_errors++;
    else
      mux->stats.tx_packets++;
  }
}

/* Sends the queue: grouped into GSO messages where the socket takes them
 * (a frame's equal-size packets to one receiver leave as one message, which
 * the kernel routes and hands down once), else a message per datagram. */
static void flush(sb_udp_mux *mux) {
  if (!mux->tx_n) return;
  size_t len[BATCH];
  uint8_t order[BATCH];
  sb_gso_group groups[BATCH];
  for (unsigned i = 0; i < mux->tx_n; i++)
    len[i] = mux->tx_iov[i].iov_len;
  unsigned n =
      sb_gso_plan(mux->tx_n, len, mux->tx_dest, mux->gso ? BATCH : 1, GSO_BYTES, order, groups);
  for (unsigned k = 0; k < n; k++) {
    const sb_gso_group *g = &groups[k];
    unsigned first = order[g->first];
    for (unsigned s = 0; s < g->count; s++)
      mux->msg_iov[g->first + s] = mux->tx_iov[order[g->first + s]];
    struct msghdr *h = &mux->msg[k].msg_hdr;
    h->msg_name = &mux->tx_to[first];
    h->msg_namelen = mux->tx_to_len[first];
    h->msg_iov = &mux->msg_iov[g->first];
    h->msg_iovlen = g->count;
    h->msg_flags = 0;
    if (g->count > 1) {
      h->msg_control = mux->msg_cmsg[k].buf;
      h->msg_controllen = sizeof mux->msg_cmsg[k].buf;
      struct cmsghdr *c = CMSG_FIRSTHDR(h);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      uint16_t seg = g->seg;
      memcpy(CMSG_DATA(c), &seg, sizeof seg);
    } else {
      h->msg_control = NULL;
      h->msg_controllen = 0;
    }
  }
  unsigned done = 0;
  while (done < n) {
    int sent = sendmmsg(mux->fd, mux->msg + done, n - done, MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      /* The first message is refused: a GSO one goes again one datagram at
       * a time; otherwise (buffer full, unreachable) it is dropped and the
       * rest carry on. */
      const struct msghdr *h = &mux->msg[done].msg_hdr;
      if (h->msg_iovlen > 1 && errno != EAGAIN && errno != ENOBUFS)
        send_group_singly(mux, h, errno);
      else
        mux->stats.tx_errors += h->msg_iovlen;
      done++;
      continue;
    }
    mux->stats.tx_batches++;
    for (int k = 0; k < sent; k++) {
      size_t segs = mux->msg[done + (unsigned)k].msg_hdr.msg_iovlen;
      mux->stats.tx_packets += segs;
      if (segs > 1) mux->stats.tx_gso_packets += segs;
    }
    done += (unsigned)sent;
  }
  mux->tx_n = 0;
}

int sb_udp_mux_send(sb_udp_mux *mux, const sb_stun_addr *to, const uint8_t *data, size_t len) {
  if (!data || len == 0) return SB_EINVAL;
  if (len > MAX_DGRAM) return SB_ETOOBIG;
  if (mux->batching && len <= SLOT) {
    if (mux->tx_n == BATCH) flush(mux);
    unsigned i = mux->tx_n;
    socklen_t sl = to_sockaddr(mux, to, &mux->tx_to[i]);
    if (!sl) return SB_EINVAL;
    mux->tx_dest[i] = *to;
    uint8_t *slot = mux->tx_buf + (size_t)i * SLOT;
    /* A received datagram (its slot is not reused before this batch is
     * flushed) or the reserved slot go out as they are; anything else is
     * copied into the slot. */
    uintptr_t at = (uintptr_t)data, rx = (uintptr_t)mux->rx_buf;
    bool received = at >= rx && at + len <= rx + (size_t)BATCH * SLOT;
    if (received || data == slot) {
      mux->tx_iov[i].iov_base = (uint8_t *)data;
    } else {
      memcpy(slot, data, len);
      mux->tx_iov[i].iov_base = slot;
    }
    mux->tx_iov[i].iov_len = len;
    mux->tx_to_len[i] = sl;
    mux->tx_n++;
    return SB_OK;
  }
  struct sockaddr_storage ss;
  socklen_t sl = to_sockaddr(mux, to, &ss);
  if (!sl) return SB_EINVAL;
  if (mux->tx_n) flush(mux); /* keep the order */
  ssize_t n;
  do
    n = sendto(mux->fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t)len) {
    mux->stats.tx_errors++;
    return SB_EIO;
  }
  mux->stats.tx_packets++;
  mux->stats.tx_batches++;
  return SB_OK;
}

uint8_t *sb_udp_mux_tx_reserve(sb_udp_mux *mux, size_t *cap) {
  if (!mux->batching) return NULL;
  if (mux->tx_n == BATCH) flush(mux);
  *cap = SLOT;
  return mux->tx_buf + (size_t)mux->tx_n * SLOT;
}

/* ---- receiving ---- */

static void deliver(sb_udp_mux *mux, uint8_t *data, size_t len, const sb_stun_addr *from,
                    uint32_t hash) {
  const sb_addr_map_value *r = sb_addr_map_get_hashed(mux->by_addr, from, hash);
  if (len >= SB_STUN_HEADER_LEN && data[0] < 4 && sb_stun_is_stun(data, len)) {
    sb_stun_msg m;
    char ufrag[SB_STUN_MAX_LEN];
    if (sb_stun_parse(data, len, &m) < 0) {
      mux->stats.rx_bad++;
      return;
    }
    if (m.username) {
      const uint8_t *colon = memchr(m.username, ':', m.username_len);
      size_t n = colon ? (size_t)(colon - m.username) : 0;
      if (colon && n < sizeof ufrag) {
        memcpy(ufrag, m.username, n);
        ufrag[n] = 0;
        route *u = g_hash_table_lookup(mux->by_ufrag, ufrag);
        if (u) {
          u->h->on_stun(u->user, data, len, &m, from);
          return;
        }
      }
    }
    /* Not a check for anyone here (a response, an indication, or a stale
     * ufrag): an endpoint that knows the address may still want it. */
    if (r) {
      ((const sb_udp_mux_handler *)r->handler)->on_stun(r->user, data, len, &m, from);
      return;
    }
    mux->stats.rx_unknown++;
    return;
  }
  if (!r) {
    mux->stats.rx_unknown++;
    return;
  }
  ((const sb_udp_mux_handler *)r->handler)->on_data(r->user, data, len, SLOT);
}

static gboolean mux_dispatch(GSource *source, GSourceFunc cb, gpointer data) {
  sb_udp_mux *mux = ((mux_source *)source)->mux;
  if (mux->holding) {
    mux->holding = false;
    g_source_set_ready_time(source, -1);
    g_source_modify_unix_fd(source, mux->tag, G_IO_IN | G_IO_ERR);
  }
  uint64_t before = mux->stats.rx_packets;
  mux->wakeups++;
  GIOCondition cond = g_source_query_unix_fd(source, mux->tag);
  if (cond & (G_IO_ERR | G_IO_HUP)) {
    /* An ICMP error queued on the socket: read and forget it. */
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(mux->fd, SOL_SOCKET, SO_ERROR, &err, &el);
  }
  mux->batching = true;
  for (int round = 0; round < MAX_ROUNDS; round++) {
    for (unsigned i = 0; i < BATCH; i++) {
      mux->rx_iov[i].iov_len = SLOT;
      mux->rx[i].msg_hdr.msg_namelen = sizeof mux->rx_from[i];
      mux->rx[i].msg_hdr.msg_flags = 0;
      mux->rx[i].msg_hdr.msg_controllen = sizeof mux->rx_cmsg[i].buf;
    }
    int n = recvmmsg(mux->fd, mux->rx, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) break;
    int64_t read_us = g_get_monotonic_time();
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    int64_t offset_us = (int64_t)rt.tv_sec * 1000000 + rt.tv_nsec / 1000 - read_us;
    mux->stats.rx_batches++;
    mux->stats.rx_packets += (unsigned)n;
    /* Two passes: the first asks for every datagram's route entry, the
     * second delivers, asking for the next datagram's endpoint meanwhile,
     * so hundreds of peers' state is not waited for one miss at a time. */
    for (int i = 0; i < n; i++) {
      const struct msghdr *h = &mux->rx[i].msg_hdr;
      mux->rx_ok[i] = !(h->msg_flags & MSG_TRUNC) && mux->rx[i].msg_len > 0 &&
                      sb_net_addr_from_sockaddr(&mux->rx_from[i], &mux->rx_addr[i]);
      if (!mux->rx_ok[i]) continue;
      mux->rx_hash[i] = sb_addr_map_hash(&mux->rx_addr[i]);
      sb_addr_map_prefetch(mux->by_addr, mux->rx_hash[i]);
    }
    for (int i = 0; i < n; i++) {
      if (!mux->rx_ok[i]) {
        mux->stats.rx_bad++;
        continue;
      }
      if (i + 1 < n && mux->rx_ok[i + 1]) {
        /* Only a hint: delivering i may bind or unbind addresses (and move
         * the table), so deliver looks i + 1 up again, in cache by then. */
        const sb_addr_map_value *next =
            sb_addr_map_get_hashed(mux->by_addr, &mux->rx_addr[i + 1], mux->rx_hash[i + 1]);
        if (next) __builtin_prefetch(next->user);
      }
      batch_now = arrival_us(mux, i, offset_us, read_us);
      deliver(mux, mux->rx_iov[i].iov_base, mux->rx[i].msg_len, &mux->rx_addr[i], mux->rx_hash[i]);
    }
    flush(mux);
    if (n < BATCH) break;
  }
  flush(mux);
  mux->batching = false;
  batch_now = 0;
  uint64_t got = mux->stats.rx_packets - before;
  if (mux->hold_us > 0 && got > 0) {
    int64_t now = g_source_get_time(source);
    mux->window_packets += got;
    if (now - mux->window_start >= 100000) {
      mux->busy = mux->window_packets * 1000000 / (uint64_t)(now - mux->window_start) >= BUSY_PPS;
      mux->window_start = now;
      mux->window_packets = 0;
    }
    if (mux->busy) {
      mux->holding = true;
      g_source_modify_unix_fd(source, mux->tag, 0);
      g_source_set_ready_time(source, now + mux->hold_us);
    }
  }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs mux_funcs = {.dispatch = mux_dispatch};

/* ---- lifecycle ---- */

static void set_buffers(int fd) {
  int size = SOCK_BUFFER;
  /* Beyond net.core.rmem_max only with CAP_NET_ADMIN; otherwise the plain
   * option, which the kernel caps. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

static int bind_port(sb_udp_mux *mux, const sb_stun_addr *a, uint16_t lo, uint16_t hi, char *why,
                     size_t why_len) {
  int err = 0;
  for (uint32_t port = lo; port <= hi; port++) {
    sb_stun_addr at = *a;
    at.port = (uint16_t)port;
    struct sockaddr_storage ss;
    socklen_t sl = to_sockaddr(mux, &at, &ss);
    if (bind(mux->fd, (struct sockaddr *)&ss, sl) == 0) {
      socklen_t got = sizeof ss;
      if (getsockname(mux->fd, (struct sockaddr *)&ss, &got) < 0) break;
      sb_stun_addr bound;
      sb_net_addr_from_sockaddr(&ss, &bound);
      mux->port = bound.port;
      return SB_OK;
    }
    err = errno;
    if (err != EADDRINUSE && err != EACCES) break;
  }
  g_snprintf(why, why_len, "cannot bind UDP on %s port %u-%u: %s", mux->ip, lo, hi,
             g_strerror(err));
  return SB_EIO;
}

int sb_udp_mux_new(GMainContext *ctx, const char *ip, uint16_t port_min, uint16_t port_max,
                   sb_udp_mux **out, char *why, size_t why_len) {
  sb_stun_addr a;
  if ((port_min || port_max) && (!port_min || port_min > port_max)) {
    g_snprintf(why, why_len, "bad UDP port range %u-%u", port_min, port_max);
    return SB_EINVAL;
  }
  if (!sb_net_addr_parse(ip, &a)) {
    g_snprintf(why, why_len, "not an IP address: %s", ip ? ip : "(none)");
    return SB_EINVAL;
  }
  sb_udp_mux *mux = g_new0(sb_udp_mux, 1);
  mux->family = a.family == 4 ? AF_INET : AF_INET6;
  inet_ntop(mux->family, a.ip, mux->ip, sizeof mux->ip);
  mux->fd = socket(mux->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (mux->fd < 0) {
    g_snprintf(why, why_len, "cannot open a UDP socket: %s", g_strerror(errno));
    g_free(mux);
    return SB_EIO;
  }
  if (mux->family == AF_INET6) {
    int on = 1;
    setsockopt(mux->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  set_buffers(mux->fd);
  /* The kernel's receive time of each datagram (arrival_us). */
  int stamp = 1;
  setsockopt(mux->fd, SOL_SOCKET, SO_TIMESTAMPNS, &stamp, sizeof stamp);
  if (mux->family == AF_INET) {
    /* Don't fragment, and no path-MTU bookkeeping (media packets are sized
     * for the path by their senders): with DF set the kernel also skips
     * its shared, hashed IP ID counters for every datagram (RFC 6864). */
    int probe = IP_PMTUDISC_PROBE;
    setsockopt(mux->fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe);
  }
  /* UDP GSO where the kernel has it (Linux 4.18+): asking for segment size
   * 0 (none by default) fails with ENOPROTOOPT where it does not. The
   * environment variable SB_UDP_GSO=0 turns it off, for comparisons. */
  int zero = 0;
  mux->gso = g_strcmp0(g_getenv("SB_UDP_GSO"), "0") != 0 &&
             setsockopt(mux->fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof zero) == 0;
  int rc = bind_port(mux, &a, port_max ? port_min : 0, port_max, why, why_len);
  if (rc < 0) {
    close(mux->fd);
    g_free(mux);
    return rc;
  }
  mux->by_ufrag = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  mux->by_addr = sb_addr_map_new();
  mux->rx_buf = g_malloc((size_t)BATCH * SLOT);
  mux->tx_buf = g_malloc((size_t)BATCH * SLOT);
  for (unsigned i = 0; i < BATCH; i++) {
    mux->rx_iov[i].iov_base = mux->rx_buf + (size_t)i * SLOT;
    mux->rx[i].msg_hdr.msg_iov = &mux->rx_iov[i];
    mux->rx[i].msg_hdr.msg_iovlen = 1;
    mux->rx[i].msg_hdr.msg_name = &mux->rx_from[i];
    mux->rx[i].msg_hdr.msg_control = mux->rx_cmsg[i].buf;
  }
  mux->source = g_source_new(&mux_funcs, sizeof(mux_source));
  ((mux_source *)mux->source)->mux = mux;
  g_source_set_name(mux->source, "sb-udp-mux");
  mux->tag = g_source_add_unix_fd(mux->source, mux->fd, G_IO_IN | G_IO_ERR);
  g_source_attach(mux->source, ctx ? ctx : g_main_context_default());
  *out = mux;
  return SB_OK;
}

void sb_udp_mux_free(sb_udp_mux *mux) {
  if (!mux) return;
  const sb_udp_mux_stats *st = &mux->stats;
  g_log("udp-mux", G_LOG_LEVEL_INFO,
        "%s:%u closed: received %" G_GUINT64_FORMAT " datagrams in %" G_GUINT64_FORMAT
        " wake-ups (%" G_GUINT64_FORMAT " unknown, %" G_GUINT64_FORMAT
        " bad), sent %" G_GUINT64_FORMAT " in %" G_GUINT64_FORMAT
        " system calls (%" G_GUINT64_FORMAT " of them in GSO messages, %" G_GUINT64_FORMAT
        " refused)",
        mux->ip, mux->port, st->rx_packets, mux->wakeups, st->rx_unknown, st->rx_bad,
        st->tx_packets, st->tx_batches, st->tx_gso_packets, st->tx_errors);
  g_source_destroy(mux->source);
  g_source_unref(mux->source);
  close(mux->fd);
  g_hash_table_destroy(mux->by_ufrag);
  sb_addr_map_free(mux->by_addr);
  g_free(mux->rx_buf);
  g_free(mux->tx_buf);
  g_free(mux);
}

const char *sb_udp_mux_ip(const sb_udp_mux *mux) { return mux->ip; }
uint16_t sb_udp_mux_port(const sb_udp_mux *mux) { return mux->port; }

/* ---- routes ---- */

static route *new_route(const sb_udp_mux_handler *h, void *user) {
  route *r = g_new(route, 1);
  r->h = h;
  r->user = user;
  return r;
}

int sb_udp_mux_add_ufrag(sb_udp_mux *mux, const char *ufrag, const sb_udp_mux_handler *h,
                         void *user) {
  if (g_hash_table_contains(mux->by_ufrag, ufrag)) return SB_EEXIST;
  g_hash_table_insert(mux->by_ufrag, g_strdup(ufrag), new_route(h, user));
  return SB_OK;
}

void sb_udp_mux_remove_ufrag(sb_udp_mux *mux, const char *ufrag) {
  g_hash_table_remove(mux->by_ufrag, ufrag);
}

int sb_udp_mux_bind_addr(sb_udp_mux *mux, const sb_stun_addr *addr, const sb_udp_mux_handler *h,
                         void *user) {
  return sb_addr_map_put(mux->by_addr, addr, (sb_addr_map_value){.handler = h, .user = user});
}

void sb_udp_mux_unbind_addr(sb_udp_mux *mux, const sb_stun_addr *addr, void *user) {
  const sb_addr_map_value *r = sb_addr_map_get(mux->by_addr, addr);
  if (r && r->user == user) sb_addr_map_remove(mux->by_addr, addr);
}

void sb_udp_mux_set_batch_wait(sb_udp_mux *mux, int us) { mux->hold_us = us > 0 ? us : 0; }

void sb_udp_mux_get_stats(const sb_udp_mux *mux, sb_udp_mux_stats *out) { *out = mux->stats; }
