/* ceiling.c - the ceiling of issue 5's benchmark: how many packets per second
 * one core can forward when it does only the work no SRTP forwarder avoids,
 * receive -> srtp_unprotect -> srtp_protect -> send, on this machine, for the
 * benchmark's packet mix.
 *
 * The packets are protected with the server's own SRTP adapter (server/srtp.c:
 * the same implementation, profiles and session settings as a peer
 * connection). Two threads, each pinned to its own core, take turns so that
 * the measured one never waits for work while measured:
 *   - the feeder sends FILL packets over UDP (loopback, or --address) into the
 *     measured thread's socket, whose buffer holds them all, then hands over;
 *   - the measured thread drains its socket until it is empty: unprotect each
 *     packet with the publisher's keys, protect it with the receiver's keys,
 *     sendto() a sink socket (one unconnected socket, as a server has), one
 *     packet per system call ("single") or with recvmmsg/sendmmsg batches
 *     ("batch"); then hands back. The feeder empties the sink before refilling.
 *     With --destinations N the packets go round-robin to N sink sockets, as
 *     a server's go to many peers (N distinct ports on the same address).
 * The figure is packets / CPU seconds of the measured thread during its
 * drains (getrusage RUSAGE_THREAD: user + system, which includes the kernel's
 * loopback delivery of what it sends, as a server's CPU does in the
 * benchmark). A feeder that merely kept pace would let the measured thread
 * sleep and wake per packet, and count that as forwarding work.
 *
 * The mix follows sb-loadgen's defaults per peer: 50 audio packets/s of 100
 * bytes and 1 Mbit/s of video in 1,100-byte packets (~114/s), interleaved
 * evenly; sizes are on the wire (SRTP tag included).
 *
 * Sessions. By default (--sessions 1) one session pair serves every packet,
 * so its state stays hot in the measured core's caches: the packets are
 * protected once, before the clock starts, as a precomputed round carrying
 * RTP sequence numbers 0..ROUND_PACKETS-1; when they start again the measured
 * thread makes a fresh session (a few microseconds per round), as replay
 * protection demands.
 * With --sessions N (N even, > 1) there are N simulated peers in N/2 calls,
 * each with its own distinct random keys: the measured thread holds N
 * server-side sessions, the feeder N browser-side ones (the mirror keys). A
 * packet from peer i is unprotected with peer i's session, protected with
 * the session of its call partner i^1 and sent to the partner's sink socket
 * (sink (i^1) mod D of the D destinations, D = N unless --destinations is
 * given), so that the SRTP state is spread over N peers as a server's is.
 * The peer is read from the low 16 bits of the packet's SSRC (in the clear),
 * the cheapest stand-in for a server's demultiplexing by address. Renewing N
 * sessions per round would cost too much, so the feeder, on the other core
 * and in its own turn (the two threads still never run at once), protects
 * each turn's packets on the fly with each peer's browser-side session: peers
 * take turns round-robin, each SSRC's sequence numbers advance in order, and
 * the measured thread's replay windows only ever see fresh packets
 * (session_renewals stays 0).
 * The work measured per packet is the same either way: receive, unprotect,
 * protect, send (no RTP header rewriting).
 *
 * Not measured: RTP rewriting, RTCP, ICE consent, the event loop, anything a
 * real server adds. Output: a table on stdout and one JSON line (last line). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "core/error.h"
#include "srtp.h"

#define ROUND_PACKETS 16384 /* precomputed packets, one RTP sequence-number run */
#define FILL          4096  /* packets queued per turn; divides ROUND_PACKETS */
#define MAX_BATCH     64
#define MAX_DESTS     1000  /* --destinations: sink sockets */
#define MAX_SESSIONS  20000 /* --sessions: peers, their index in 16 bits of the SSRC */
#define FEED_BATCH    32
#define BUF_CAP       (1500 + SB_SRTP_MAX_TRAILER)
#define SOCK_BUF      (64 * 1024 * 1024) /* FILL packets of ~3 KiB kernel truesize, twice */
#define AUDIO_WIRE    100                /* bytes on the wire, SRTP tag included */
#define VIDEO_WIRE    1100
#define AUDIO_PPS     50 /* per peer, as sb-loadgen sends */
#define VIDEO_KBPS    1000
#define SSRC_AUDIO    0x5342a001u
#define SSRC_VIDEO    0x5342b002u
#define SSRC_PEER_A   0x53410000u /* with --sessions N > 1: | peer index */
#define SSRC_PEER_V   0x53560000u

typedef struct {
  uint8_t *data; /* ROUND_PACKETS * BUF_CAP */
  uint16_t len[ROUND_PACKETS];
  unsigned audio; /* how many of the round are audio */
  uint64_t bytes; /* wire bytes of one round */
} packet_set;

typedef struct {
  /* set before the threads start */
  sb_srtp_profile profile;
  int batch; /* 1: one packet per system call */
  double seconds, warmup;
  int feed_fd, in_fd;
  int n_sinks;
  int sink_fds[MAX_DESTS];
  struct sockaddr_in sink_addrs[MAX_DESTS]; /* where the measured thread sends, round-robin */
  const packet_set *set;                    /* --sessions 1 only */
  sb_srtp_keys keys; /* the measured thread's: remote = the feeder's, local = the receiver's */
  /* --sessions N > 1: per peer, the measured thread's keys and the feeder's */
  int n_sessions;
  sb_srtp_keys *peer_keys, *browser_keys;
  int cpu_feeder, cpu_measured;
  /* the hand-over: measured posts `go`, feeder fills and posts `filled` */
  sem_t go, filled;
  atomic_int stop;
  /* results of the measured thread */
  unsigned long long packets, failures, renewals, sent_bytes, turns;
  unsigned long long packets_total; /* warm-up included: for instruction counts */
  double cpu_s, wall_s;
  int error; /* SB_E* of the measured thread, 0 if none */
  /* results of the feeder */
  unsigned long long fed, sink_received;
  int feeder_error; /* SB_E* of the feeder (--sessions N > 1), 0 if none */
} run_ctx;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double thread_cpu_s(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_THREAD, &ru) != 0) return 0.0;
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void pin_to(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static unsigned video_pps(void) {
  return (VIDEO_KBPS * 1000u + VIDEO_WIRE * 4u) / (VIDEO_WIRE * 8u);
}

/* Keys of one peer: the feeder (the browser) protects with its local keys,
 * which the measured thread (the server) unprotects with as its remote ones;
 * the server protects for the browser with keys of its own. Draws from r. */
static void make_keys(sb_srtp_profile profile, GRand *r, sb_srtp_keys *feeder,
                      sb_srtp_keys *measured) {
  size_t kl = 16, sl = 14;
  sb_srtp_profile_lengths(profile, &kl, &sl);
  memset(feeder, 0, sizeof *feeder);
  feeder->profile = profile;
  feeder->key_len = (uint8_t)kl;
  feeder->salt_len = (uint8_t)sl;
  for (size_t i = 0; i < SB_SRTP_KEY_LEN; i++) {
    feeder->local_key[i] = (uint8_t)g_rand_int(r);
    feeder->remote_key[i] = (uint8_t)g_rand_int(r);
  }
  for (size_t i = 0; i < SB_SRTP_MAX_SALT_LEN; i++) {
    feeder->local_salt[i] = (uint8_t)g_rand_int(r);
    feeder->remote_salt[i] = (uint8_t)g_rand_int(r);
  }
  *measured = *feeder;
  /* the measured thread receives what the feeder protects ... */
  memcpy(measured->remote_key, feeder->local_key, SB_SRTP_KEY_LEN);
  memcpy(measured->remote_salt, feeder->local_salt, SB_SRTP_MAX_SALT_LEN);
  /* ... and protects for a receiver with keys of its own */
  memcpy(measured->local_key, feeder->remote_key, SB_SRTP_KEY_LEN);
  memcpy(measured->local_salt, feeder->remote_salt, SB_SRTP_MAX_SALT_LEN);
}

/* One round of protected packets in the mix. */
static int packet_set_make(packet_set *set, sb_srtp_profile profile, const sb_srtp_keys *keys) {
  sb_srtp *s = NULL;
  int rc = sb_srtp_new(keys, &s);
  if (rc < 0) return rc;
  size_t tag = profile == SB_SRTP_AEAD_AES_128_GCM ? 16 : 10;
  unsigned a = AUDIO_PPS, total = AUDIO_PPS + video_pps();
  set->data = g_malloc((size_t)ROUND_PACKETS * BUF_CAP);
  set->audio = 0;
  set->bytes = 0;
  uint16_t seq_a = 0, seq_v = 0;
  for (unsigned i = 0; i < ROUND_PACKETS && rc == SB_OK; i++) {
    /* Bresenham: audio packets spread evenly, a of every `total` */
    int audio = ((i + 1) * a) / total > (i * a) / total;
    uint8_t *p = set->data + (size_t)i * BUF_CAP;
    size_t plain = (audio ? AUDIO_WIRE : VIDEO_WIRE) - tag;
    p[0] = 0x80;
    p[1] = audio ? 111 : 96;
    put16(p + 2, (uint16_t)i); /* one run across both SSRCs: the round marker */
    put32(p + 4, audio ? (uint32_t)seq_a * 960u : (uint32_t)seq_v * 3000u);
    put32(p + 8, audio ? SSRC_AUDIO : SSRC_VIDEO);
    for (size_t k = 12; k < plain; k++)
      p[k] = (uint8_t)(k * 131u + i);
    if (audio) {
      seq_a++;
      set->audio++;
    } else {
      seq_v++;
    }
    size_t len = plain;
    rc = sb_srtp_protect_rtp(s, p, &len, BUF_CAP);
    set->len[i] = (uint16_t)len;
    set->bytes += len;
  }
  sb_srtp_free(s);
  if (rc < 0) {
    g_free(set->data);
    set->data = NULL;
  }
  return rc;
}

static int udp_socket(const char *address, struct sockaddr_in *bound) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SB_EIO;
  int sz = SOCK_BUF;
  /* FORCE ignores net.core.*mem_max when we may (root); else ask politely */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof sz) != 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
  struct sockaddr_in sa = {.sin_family = AF_INET};
  socklen_t sl = sizeof sa;
  if (inet_pton(AF_INET, address, &sa.sin_addr) != 1 ||
      bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      getsockname(fd, (struct sockaddr *)bound, &sl) != 0) {
    close(fd);
    return SB_EIO;
  }
  return fd;
}

static int udp_connect(int fd, const struct sockaddr_in *to) {
  return connect(fd, (const struct sockaddr *)to, sizeof *to) == 0 ? SB_OK : SB_EIO;
}

/* Reads whatever waits on the sink and throws it away. */
static unsigned long long drain_sink(int fd, struct mmsghdr *msgs, struct iovec *iov) {
  unsigned long long n = 0;
  for (;;) {
    int got = recvmmsg(fd, msgs, MAX_BATCH, MSG_DONTWAIT, NULL);
    if (got <= 0) break;
    n += (unsigned long long)got;
    for (int i = 0; i < got; i++)
      iov[i].iov_len = BUF_CAP;
  }
  return n;
}

/* The feeder's side of --sessions N > 1: N browser-side sessions and a
 * staging area for one turn's FILL packets, protected on the fly. */
typedef struct {
  int n;
  sb_srtp **srtp;       /* [n] */
  uint32_t *na, *nv;    /* [n]: audio and video packets protected so far */
  unsigned long long g; /* packets staged so far: peer g % n, its packet g / n */
  uint8_t *stage;       /* FILL * BUF_CAP */
  uint16_t stage_len[FILL];
  int staged;
  uint8_t plain_a[AUDIO_WIRE], plain_v[VIDEO_WIRE]; /* payload templates */
  size_t tag;
} feeder_peers;

static int feeder_peers_init(feeder_peers *f, const run_ctx *c) {
  memset(f, 0, sizeof *f);
  f->n = c->n_sessions;
  f->srtp = g_new0(sb_srtp *, (size_t)f->n);
  f->na = g_new0(uint32_t, (size_t)f->n);
  f->nv = g_new0(uint32_t, (size_t)f->n);
  f->stage = g_malloc((size_t)FILL * BUF_CAP);
  f->tag = c->profile == SB_SRTP_AEAD_AES_128_GCM ? 16 : 10;
  for (size_t k = 0; k < sizeof f->plain_a; k++)
    f->plain_a[k] = (uint8_t)(k * 131u + 7u);
  for (size_t k = 0; k < sizeof f->plain_v; k++)
    f->plain_v[k] = (uint8_t)(k * 131u + 11u);
  for (int i = 0; i < f->n; i++) {
    int rc = sb_srtp_new(&c->browser_keys[i], &f->srtp[i]);
    if (rc < 0) return rc;
  }
  return SB_OK;
}

static void feeder_peers_free(feeder_peers *f) {
  for (int i = 0; i < f->n && f->srtp; i++)
    sb_srtp_free(f->srtp[i]);
  g_free(f->srtp);
  g_free(f->na);
  g_free(f->nv);
  g_free(f->stage);
}

/* Protects the next FILL packets of the round-robin over the peers into the
 * staging area: peer i's k-th packet is audio or video as the mix spreads
 * them (phase-shifted by i), with that SSRC's next sequence number. */
static int feeder_stage(feeder_peers *f) {
  unsigned a = AUDIO_PPS, total = AUDIO_PPS + video_pps();
  f->staged = 0;
  for (int j = 0; j < FILL; j++, f->g++) {
    unsigned i = (unsigned)(f->g % (unsigned)f->n);
    unsigned long long k = f->g / (unsigned)f->n + i;
    int audio = ((k + 1) * a) / total > (k * a) / total;
    uint8_t *p = f->stage + (size_t)f->staged * BUF_CAP;
    size_t plain = (audio ? AUDIO_WIRE : VIDEO_WIRE) - f->tag;
    memcpy(p, audio ? f->plain_a : f->plain_v, plain);
    uint32_t n = audio ? f->na[i]++ : f->nv[i]++;
    p[0] = 0x80;
    p[1] = audio ? 111 : 96;
    put16(p + 2, (uint16_t)n);
    put32(p + 4, audio ? n * 960u : n * 3000u);
    put32(p + 8, (audio ? SSRC_PEER_A : SSRC_PEER_V) | i);
    size_t len = plain;
    int rc = sb_srtp_protect_rtp(f->srtp[i], p, &len, BUF_CAP);
    if (rc < 0) return rc;
    f->stage_len[f->staged++] = (uint16_t)len;
  }
  return SB_OK;
}

static void *feeder_main(void *arg) {
  run_ctx *c = arg;
  pin_to(c->cpu_feeder);
  struct mmsghdr msgs[FEED_BATCH];
  struct iovec iov[FEED_BATCH];
  uint8_t(*sinkbuf)[BUF_CAP] = g_malloc((size_t)MAX_BATCH * BUF_CAP);
  struct mmsghdr smsgs[MAX_BATCH];
  struct iovec siov[MAX_BATCH];
  memset(smsgs, 0, sizeof smsgs);
  for (int i = 0; i < MAX_BATCH; i++) {
    siov[i].iov_base = sinkbuf[i];
    siov[i].iov_len = BUF_CAP;
    smsgs[i].msg_hdr.msg_iov = &siov[i];
    smsgs[i].msg_hdr.msg_iovlen = 1;
  }
  feeder_peers f = {0};
  int peers = c->n_sessions > 1, rc = SB_OK;
  if (peers) rc = feeder_peers_init(&f, c);
  unsigned long long g = 0; /* global index of the next packet to send */
  for (;;) {
    while (sem_wait(&c->go) != 0 && errno == EINTR) {
    }
    if (atomic_load(&c->stop)) break;
    for (int k = 0; k < c->n_sinks; k++)
      c->sink_received += drain_sink(c->sink_fds[k], smsgs, siov);
    /* with peers, this turn's packets are protected now, while the measured
     * thread waits, so that the two never run at once */
    if (peers && rc == SB_OK) rc = feeder_stage(&f);
    /* with peers and the staging failed: hand over an empty socket, the
     * measured thread stops on feeder_error */
    int fill = peers ? (rc == SB_OK ? f.staged : 0) : FILL;
    for (int left = fill, s = 0; left > 0;) {
      int n = 0;
      memset(msgs, 0, sizeof msgs);
      while (n < FEED_BATCH && n < left) {
        if (peers) {
          iov[n].iov_base = f.stage + (size_t)(s + n) * BUF_CAP;
          iov[n].iov_len = f.stage_len[s + n];
        } else {
          unsigned i = (unsigned)((g + (unsigned long long)n) % ROUND_PACKETS);
          iov[n].iov_base = c->set->data + (size_t)i * BUF_CAP;
          iov[n].iov_len = c->set->len[i];
        }
        msgs[n].msg_hdr.msg_iov = &iov[n];
        msgs[n].msg_hdr.msg_iovlen = 1;
        n++;
      }
      int sent = sendmmsg(c->feed_fd, msgs, (unsigned)n, 0);
      if (sent < 0) {
        if (errno == EINTR) continue;
        sent = n; /* counted as sent and lost: the measured thread sees the gap */
      }
      g += (unsigned long long)sent;
      s += sent;
      left -= sent;
      c->fed += (unsigned long long)sent;
    }
    if (rc < 0) c->feeder_error = rc;
    sem_post(&c->filled);
  }
  for (int k = 0; k < c->n_sinks; k++)
    c->sink_received += drain_sink(c->sink_fds[k], smsgs, siov);
  if (peers) feeder_peers_free(&f);
  g_free(sinkbuf);
  return NULL;
}

/* Unprotect with the publisher's keys, protect with the receiver's. */
static inline int forward_one(sb_srtp *s, uint8_t *buf, size_t *len) {
  int rc = sb_srtp_unprotect_rtp(s, buf, len);
  if (rc == SB_OK) rc = sb_srtp_protect_rtp(s, buf, len, BUF_CAP);
  return rc;
}

typedef struct {
  sb_srtp *srtp; /* --sessions 1 */
  /* --sessions N > 1: the server side of each peer, and where its packets go */
  unsigned n_peers;
  sb_srtp **peers;
  const struct sockaddr_in **peer_dest;
  uint16_t last_seq;
  int started;
  unsigned long long packets, failures, bytes;
  unsigned next_dest; /* round-robin over the sinks */
  /* for batches */
  uint8_t (*bufs)[BUF_CAP];
  struct mmsghdr in[MAX_BATCH], out[MAX_BATCH];
  struct iovec iin[MAX_BATCH], iout[MAX_BATCH];
} measured_state;

/* With --sessions N > 1: a packet of peer i (the low 16 bits of its SSRC) is
 * unprotected with i's session and protected with its partner's, i^1, for
 * whose sink it is. */
static inline int forward_peer(const measured_state *m, uint8_t *buf, size_t *len,
                               const struct sockaddr_in **to) {
  if (*len < 12) return SB_EINVAL;
  unsigned i = (unsigned)buf[10] << 8 | buf[11];
  if (i >= m->n_peers) return SB_EINVAL;
  int rc = sb_srtp_unprotect_rtp(m->peers[i], buf, len);
  if (rc == SB_OK) rc = sb_srtp_protect_rtp(m->peers[i ^ 1u], buf, len, BUF_CAP);
  *to = m->peer_dest[i ^ 1u];
  return rc;
}

/* Fresh sessions when the precomputed round starts again (replay protection). */
static int note_seq(run_ctx *c, measured_state *m, const uint8_t *buf, size_t len) {
  if (len < 12) return SB_OK;
  uint16_t seq = (uint16_t)(buf[2] << 8 | buf[3]);
  if (m->started && seq < m->last_seq) {
    sb_srtp_free(m->srtp);
    m->srtp = NULL;
    int rc = sb_srtp_new(&c->keys, &m->srtp);
    if (rc < 0) return rc;
    c->renewals++;
  }
  m->started = 1;
  m->last_seq = seq;
  return SB_OK;
}

/* Forwards everything waiting on the socket, one packet per system call. */
static int drain_single(run_ctx *c, measured_state *m) {
  for (;;) {
    uint8_t *buf = m->bufs[0];
    ssize_t n = recv(c->in_fd, buf, BUF_CAP - SB_SRTP_MAX_TRAILER, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? SB_OK : SB_EIO;
    }
    size_t len = (size_t)n;
    const struct sockaddr_in *to;
    if (m->peers) {
      if (forward_peer(m, buf, &len, &to) != SB_OK) {
        m->failures++;
        continue;
      }
    } else {
      int rc = note_seq(c, m, buf, len);
      if (rc < 0) return rc;
      if (forward_one(m->srtp, buf, &len) != SB_OK) {
        m->failures++;
        continue;
      }
      to = &c->sink_addrs[m->next_dest++ % (unsigned)c->n_sinks];
    }
    if (sendto(c->in_fd, buf, len, 0, (const struct sockaddr *)to, sizeof *to) == (ssize_t)len) {
      m->packets++;
      m->bytes += len;
    }
  }
}

/* The same with recvmmsg/sendmmsg batches of c->batch. */
static int drain_batch(run_ctx *c, measured_state *m) {
  for (;;) {
    for (int i = 0; i < c->batch; i++)
      m->iin[i].iov_len = BUF_CAP - SB_SRTP_MAX_TRAILER;
    int got = recvmmsg(c->in_fd, m->in, (unsigned)c->batch, MSG_DONTWAIT, NULL);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? SB_OK : SB_EIO;
    }
    int n = 0;
    for (int i = 0; i < got; i++) {
      size_t len = m->in[i].msg_len;
      const struct sockaddr_in *to;
      if (m->peers) {
        if (forward_peer(m, m->bufs[i], &len, &to) != SB_OK) {
          m->failures++;
          continue;
        }
      } else {
        int rc = note_seq(c, m, m->bufs[i], len);
        if (rc < 0) return rc;
        if (forward_one(m->srtp, m->bufs[i], &len) != SB_OK) {
          m->failures++;
          continue;
        }
        to = &c->sink_addrs[m->next_dest++ % (unsigned)c->n_sinks];
      }
      m->iout[n].iov_base = m->bufs[i];
      m->iout[n].iov_len = len;
      m->out[n].msg_hdr.msg_name = (void *)to;
      n++;
    }
    int sent = n ? sendmmsg(c->in_fd, m->out, (unsigned)n, 0) : 0;
    for (int i = 0; i < sent; i++) {
      m->packets++;
      m->bytes += m->iout[i].iov_len;
    }
  }
}

static void *measured_main(void *arg) {
  run_ctx *c = arg;
  pin_to(c->cpu_measured);
  measured_state *m = g_new0(measured_state, 1);
  int rc = SB_OK;
  if (c->n_sessions > 1) {
    m->n_peers = (unsigned)c->n_sessions;
    m->peers = g_new0(sb_srtp *, m->n_peers);
    m->peer_dest = g_new0(const struct sockaddr_in *, m->n_peers);
    for (unsigned i = 0; i < m->n_peers && rc == SB_OK; i++) {
      rc = sb_srtp_new(&c->peer_keys[i], &m->peers[i]);
      m->peer_dest[i] = &c->sink_addrs[i % (unsigned)c->n_sinks];
    }
  } else {
    rc = sb_srtp_new(&c->keys, &m->srtp);
  }
  m->bufs = g_malloc((size_t)MAX_BATCH * BUF_CAP);
  for (int i = 0; i < MAX_BATCH; i++) {
    m->iin[i].iov_base = m->bufs[i];
    m->in[i].msg_hdr.msg_iov = &m->iin[i];
    m->in[i].msg_hdr.msg_iovlen = 1;
    m->out[i].msg_hdr.msg_iov = &m->iout[i];
    m->out[i].msg_hdr.msg_iovlen = 1;
    m->out[i].msg_hdr.msg_name = &c->sink_addrs[0];
    m->out[i].msg_hdr.msg_namelen = sizeof c->sink_addrs[0];
  }
  double t0 = now_s(), t_measure = t0 + c->warmup, t_end = t_measure + c->seconds;
  double wall0 = 0;
  unsigned long long p0 = 0, b0 = 0;
  int measuring = 0;
  while (rc == SB_OK) {
    double t = now_s();
    if (!measuring && t >= t_measure) {
      measuring = 1;
      wall0 = t;
      p0 = m->packets;
      b0 = m->bytes;
    } else if (measuring && t >= t_end) {
      c->wall_s = t - wall0;
      c->packets = m->packets - p0;
      c->sent_bytes = m->bytes - b0;
      break;
    }
    sem_post(&c->go);
    while (sem_wait(&c->filled) != 0 && errno == EINTR) {
    }
    if (c->feeder_error) {
      rc = c->feeder_error;
      break;
    }
    double cpu0 = thread_cpu_s();
    rc = c->batch == 1 ? drain_single(c, m) : drain_batch(c, m);
    if (measuring) {
      c->cpu_s += thread_cpu_s() - cpu0;
      c->turns++;
    }
  }
  atomic_store(&c->stop, 1);
  sem_post(&c->go);
  c->packets_total = m->packets;
  c->failures = m->failures;
  c->error = rc < 0 ? rc : 0;
  sb_srtp_free(m->srtp);
  for (unsigned i = 0; i < m->n_peers; i++)
    sb_srtp_free(m->peers[i]);
  g_free(m->peers);
  g_free(m->peer_dest);
  g_free(m->bufs);
  g_free(m);
  return NULL;
}

/* The two CPUs to use: the first two this process may run on. */
static void pick_cpus(int pin, int *feeder, int *measured) {
  *feeder = *measured = -1;
  if (!pin) return;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) < 2) return;
  for (int i = 0; i < CPU_SETSIZE; i++) {
    if (!CPU_ISSET(i, &set)) continue;
    if (*feeder < 0) {
      *feeder = i;
    } else {
      *measured = i;
      break;
    }
  }
}

typedef struct {
  const char *address;
  double seconds, warmup;
  int batch, pin, repeat, destinations, sessions;
} options;

static int run_one(const options *o, sb_srtp_profile profile, int batch, run_ctx *c) {
  sb_srtp_keys fk;
  packet_set *set = g_new0(packet_set, 1);
  memset(c, 0, sizeof *c);
  c->profile = profile;
  c->batch = batch;
  c->seconds = o->seconds;
  c->warmup = o->warmup;
  c->set = set;
  c->feed_fd = c->in_fd = -1;
  c->n_sinks = o->destinations;
  c->n_sessions = o->sessions;
  for (int k = 0; k < c->n_sinks; k++)
    c->sink_fds[k] = -1;
  GRand *r = g_rand_new_with_seed(0x53424c47u);
  int rc = SB_OK;
  if (c->n_sessions > 1) {
    /* distinct keys per peer; the packets are protected by the feeder */
    c->peer_keys = g_new0(sb_srtp_keys, (size_t)c->n_sessions);
    c->browser_keys = g_new0(sb_srtp_keys, (size_t)c->n_sessions);
    for (int i = 0; i < c->n_sessions; i++)
      make_keys(profile, r, &c->browser_keys[i], &c->peer_keys[i]);
  } else {
    make_keys(profile, r, &fk, &c->keys);
    rc = packet_set_make(set, profile, &fk);
    sb_srtp_keys_wipe(&fk);
  }
  g_rand_free(r);
  struct sockaddr_in a_feed = {0}, a_in = {0};
  if (rc == SB_OK) {
    c->feed_fd = udp_socket(o->address, &a_feed);
    c->in_fd = udp_socket(o->address, &a_in);
    if (c->feed_fd < 0 || c->in_fd < 0) rc = SB_EIO;
    for (int k = 0; k < c->n_sinks && rc == SB_OK; k++) {
      c->sink_fds[k] = udp_socket(o->address, &c->sink_addrs[k]);
      if (c->sink_fds[k] < 0) rc = SB_EIO;
    }
  }
  if (rc == SB_OK) rc = udp_connect(c->feed_fd, &a_in);
  if (rc == SB_OK) {
    pick_cpus(o->pin, &c->cpu_feeder, &c->cpu_measured);
    sem_init(&c->go, 0, 0);
    sem_init(&c->filled, 0, 0);
    pthread_t tf, tm;
    if (pthread_create(&tf, NULL, feeder_main, c) != 0) {
      rc = SB_EIO;
    } else {
      if (pthread_create(&tm, NULL, measured_main, c) != 0) {
        atomic_store(&c->stop, 1);
        sem_post(&c->go);
        rc = SB_EIO;
      } else {
        pthread_join(tm, NULL);
      }
      pthread_join(tf, NULL);
    }
    sem_destroy(&c->go);
    sem_destroy(&c->filled);
    if (rc == SB_OK && c->error) rc = c->error;
  }
  if (c->feed_fd >= 0) close(c->feed_fd);
  if (c->in_fd >= 0) close(c->in_fd);
  for (int k = 0; k < c->n_sinks; k++)
    if (c->sink_fds[k] >= 0) close(c->sink_fds[k]);
  sb_srtp_keys_wipe(&c->keys);
  for (int i = 0; i < c->n_sessions && c->peer_keys; i++) {
    sb_srtp_keys_wipe(&c->peer_keys[i]);
    sb_srtp_keys_wipe(&c->browser_keys[i]);
  }
  g_free(c->peer_keys);
  g_free(c->browser_keys);
  c->peer_keys = c->browser_keys = NULL;
  g_free(set->data);
  g_free(set);
  c->set = NULL;
  return rc;
}

int main(int argc, char **argv) {
  options o = {.address = "127.0.0.1",
               .seconds = 3.0,
               .warmup = 0.5,
               .batch = 32,
               .pin = 1,
               .repeat = 1,
               .destinations = 0,
               .sessions = 1};
  char *address = NULL, *profiles = NULL, *modes = NULL;
  gboolean no_pin = FALSE;
  GOptionEntry entries[] = {
      {"address", 'a', 0, G_OPTION_ARG_STRING, &address, "IPv4 address to send over (127.0.0.1)",
       "IP"},
      {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &o.seconds, "Measured seconds per run (3)", "S"},
      {"warmup", 'w', 0, G_OPTION_ARG_DOUBLE, &o.warmup, "Seconds before measuring (0.5)", "S"},
      {"batch", 'b', 0, G_OPTION_ARG_INT, &o.batch, "recvmmsg/sendmmsg batch (32)", "N"},
      {"profiles", 'p', 0, G_OPTION_ARG_STRING, &profiles, "gcm, hmac or both (gcm,hmac)", "LIST"},
      {"modes", 'm', 0, G_OPTION_ARG_STRING, &modes, "single, batch or both (single,batch)",
       "LIST"},
      {"repeat", 'r', 0, G_OPTION_ARG_INT, &o.repeat, "Runs per case, the best reported (1)", "N"},
      {"destinations", 'd', 0, G_OPTION_ARG_INT, &o.destinations,
       "Sink sockets the packets go to, round-robin (1; N with --sessions N)", "N"},
      {"sessions", 0, 0, G_OPTION_ARG_INT, &o.sessions,
       "Simulated peers, each with its own SRTP sessions, in calls of two (1)", "N"},
      {"no-pin", 0, 0, G_OPTION_ARG_NONE, &no_pin, "Do not pin the two threads to CPUs", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GError *err = NULL;
  GOptionContext *ctx =
      g_option_context_new("- forwarding ceiling: recv, unprotect, protect, send");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
    fprintf(stderr, "ceiling: %s\n", err->message);
    g_error_free(err);
    g_option_context_free(ctx);
    return 2;
  }
  g_option_context_free(ctx);
  if (address) o.address = address;
  o.pin = !no_pin;
  if (o.destinations == 0) /* not given */
    o.destinations = o.sessions > 1 ? MIN(o.sessions, MAX_DESTS) : 1;
  if (o.batch < 2 || o.batch > MAX_BATCH || o.seconds <= 0 || o.warmup < 0 || o.repeat < 1 ||
      o.destinations < 1 || o.destinations > MAX_DESTS || o.sessions < 1 ||
      o.sessions > MAX_SESSIONS || (o.sessions > 1 && o.sessions % 2)) {
    fprintf(stderr,
            "ceiling: --batch must be 2..%d, --seconds > 0, --warmup >= 0, --repeat >= 1, "
            "--destinations 1..%d, --sessions 1 or even up to %d\n",
            MAX_BATCH, MAX_DESTS, MAX_SESSIONS);
    return 2;
  }
  int want_gcm = !profiles || strstr(profiles, "gcm");
  int want_hmac = !profiles || strstr(profiles, "hmac");
  int want_single = !modes || strstr(modes, "single");
  int want_batch = !modes || strstr(modes, "batch");
  if (sb_srtp_global_init() < 0) {
    fprintf(stderr, "ceiling: libsrtp init failed\n");
    return 1;
  }
  unsigned vp = video_pps();
  double avg = (double)(AUDIO_PPS * AUDIO_WIRE + vp * VIDEO_WIRE) / (AUDIO_PPS + vp);
  printf("ceiling: recv -> srtp_unprotect -> srtp_protect -> send, one thread, %.1f s per run, "
         "best of %d\n",
         o.seconds, o.repeat);
  printf("mix per peer: %d pps x %d B audio + %u pps x %d B video (mean %.0f B on the wire)\n",
         AUDIO_PPS, AUDIO_WIRE, vp, VIDEO_WIRE, avg);
  if (o.sessions > 1)
    printf("sessions: %d peers in %d calls, each with its own SRTP sessions; %d destinations\n",
           o.sessions, o.sessions / 2, o.destinations);
  printf("%-24s %-9s %10s %7s %10s %7s %12s %6s %6s\n", "profile", "mode", "packets", "cpu_s",
         "pps/core", "us/pkt", "Mbit/s/core", "drops", "fail");
  GString *json = g_string_new("{\"ceiling\": [");
  int status = 0, first = 1;
  sb_srtp_profile profs[2] = {SB_SRTP_AEAD_AES_128_GCM, SB_SRTP_AES128_CM_SHA1_80};
  int want_prof[2] = {want_gcm != 0, want_hmac != 0};
  int batches[2] = {1, o.batch};
  int want_mode[2] = {want_single != 0, want_batch != 0};
  for (int p = 0; p < 2; p++) {
    for (int b = 0; b < 2; b++) {
      if (!want_prof[p] || !want_mode[b]) continue;
      const char *name = sb_srtp_profile_name(profs[p]);
      char mode[24];
      snprintf(mode, sizeof mode, b ? "batch%d" : "single", batches[b]);
      /* best of --repeat runs: a ceiling is what the machine can do at best */
      run_ctx *c = NULL;
      int rc = SB_OK;
      for (int r = 0; r < o.repeat; r++) {
        run_ctx *t = g_new0(run_ctx, 1);
        int trc = run_one(&o, profs[p], batches[b], t);
        if (trc < 0 || t->cpu_s <= 0 || t->packets == 0) {
          rc = trc < 0 ? trc : SB_EIO;
          g_free(t);
        } else if (!c || (double)t->packets / t->cpu_s > (double)c->packets / c->cpu_s) {
          if (c) t->failures += c->failures;
          g_free(c);
          c = t;
        } else {
          c->failures += t->failures;
          g_free(t);
        }
      }
      if (!c) {
        printf("%-24s %-9s failed: %s\n", name, mode, sb_strerror(rc));
        status = 1;
        continue;
      }
      if (rc < 0) status = 1;
      double pps_core = (double)c->packets / c->cpu_s;
      double mbps = (double)c->sent_bytes * 8.0 / c->cpu_s / 1e6;
      unsigned long long done = c->packets_total + c->failures;
      unsigned long long drops = c->fed > done ? c->fed - done : 0;
      printf("%-24s %-9s %10llu %7.3f %10.0f %7.2f %12.0f %6llu %6llu\n", name, mode, c->packets,
             c->cpu_s, pps_core, 1e6 / pps_core, mbps, drops, c->failures);
      if (c->failures) status = 1;
      g_string_append_printf(
          json,
          "%s{\"profile\": \"%s\", \"mode\": \"%s\", \"batch\": %d, \"packets\": %llu, "
          "\"cpu_s\": %.4f, \"wall_s\": %.4f, \"pps_per_core\": %.0f, \"us_per_packet\": %.3f, "
          "\"mbps_per_core\": %.1f, \"turns\": %llu, \"failures\": %llu, \"drops\": %llu, "
          "\"fed\": %llu, \"sink_received\": %llu, \"session_renewals\": %llu, "
          "\"packets_total\": %llu, \"sessions\": %d}",
          first ? "" : ", ", name, b ? "batch" : "single", batches[b], c->packets, c->cpu_s,
          c->wall_s, pps_core, 1e6 / pps_core, mbps, c->turns, c->failures, drops, c->fed,
          c->sink_received, c->renewals, c->packets_total, o.sessions);
      first = 0;
      g_free(c);
    }
  }
  g_string_append_printf(json,
                         "], \"mix\": {\"audio_pps\": %d, \"audio_bytes\": %d, \"video_pps\": %u, "
                         "\"video_bytes\": %d, \"mean_bytes\": %.1f}, \"seconds\": %.2f, "
                         "\"repeat\": %d, \"address\": \"%s\", \"cpus\": %ld, "
                         "\"destinations\": %d, \"sessions\": %d}",
                         AUDIO_PPS, AUDIO_WIRE, vp, VIDEO_WIRE, avg, o.seconds, o.repeat, o.address,
                         sysconf(_SC_NPROCESSORS_ONLN), o.destinations, o.sessions);
  printf("%s\n", json->str);
  g_string_free(json, TRUE);
  g_free(address);
  g_free(profiles);
  g_free(modes);
  return status;
}
