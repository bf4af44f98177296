/* ice_client.c - the generator's full ICE agent: one UDP socket per peer
 * connection read through the thread's poller, connectivity checks written
 * with core/stun.c, the remote's checks answered by core/ice_lite.c, one
 * server/timers.h timer for retransmissions, then consent. See
 * ice_client.h for what it does and does not do.
 *
 * Per connection: a socket, a poller watch, a timer and this struct; no
 * GSource, no lock, no allocation per packet. */
#define _GNU_SOURCE
#include "ice_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "core/ice_lite.h"
#include "core/stun.h"
#include "net_addr.h"
#include "timers.h"

#define MAX_REMOTE     8
#define UFRAG_LEN      8
#define PWD_LEN        24
#define RTO_INITIAL_MS 50
#define RTO_MAX_MS     1600
/* RFC 8445 5.1.2.1: type preference (126 host, 110 peer-reflexive) << 24,
 * local preference 65535 << 8, 256 - component 1. */
#define HOST_PRIORITY  2130706431u
#define PRFLX_PRIORITY ((110u << 24) | (65535u << 8) | 255u)
#define CONSENT_TXIDS  2 /* consent requests whose responses are still accepted */
#define CANDIDATE_MAX  1024
#define FULL_GRACE_MS  500 /* a full remote that never checks or nominates: connected anyway */

typedef struct {
  sb_stun_addr addr;
  struct sockaddr_storage sa;
  socklen_t sa_len;
  uint8_t txid[SB_STUN_TXID_LEN]; /* of the check to it, kept for retransmissions */
  bool valid;                     /* a success response to our check arrived */
} remote;

struct sb_lg_ice {
  GMainContext *ctx;
  sb_lg_poller *poller;
  sb_lg_poller_watch *watch;
  int fd;
  sb_stun_addr local;
  char local_ip[INET6_ADDRSTRLEN];
  sb_lg_ice_callbacks cb;
  void *user;
  unsigned setup_timeout_ms, consent_interval_ms, consent_timeout_ms;
  /* Answers the remote's checks; holds our credentials. */
  sb_ice_lite responder;
  char remote_pwd[SB_ICE_PWD_MAX + 1];
  size_t remote_pwd_len;
  char username[2 * SB_ICE_UFRAG_MAX + 2]; /* "remote:local" */
  size_t username_len;
  bool have_creds, gathered;
  bool remote_lite;    /* told by the caller */
  bool remote_checked; /* we answered a valid check from the remote */
  bool controlling;
  uint64_t tiebreaker;
  remote remotes[MAX_REMOTE];
  unsigned n_remotes;
  int selected; /* index into remotes, -1 for none; set before connected for a full remote */
  sb_lg_ice_state state;
  sb_timer *timer; /* retransmissions while checking, then consent */
  int64_t checks_started_us, last_ok_us;
  unsigned rto_ms;
  uint8_t consent_txid[CONSENT_TXIDS][SB_STUN_TXID_LEN];
  unsigned consent_n;
  bool failed, freed;
  int depth; /* our callbacks running: destruction waits for them */
  sb_lg_ice_stats stats;
};

/* ---- lifetime around callbacks ---- */

static void destroy(sb_lg_ice *ice) {
  g_main_context_unref(ice->ctx);
  g_free(ice);
}

static void enter(sb_lg_ice *ice) { ice->depth++; }

/* Leaves a callback; false when the agent was freed inside it. */
static bool leave(sb_lg_ice *ice) {
  if (--ice->depth == 0 && ice->freed) {
    destroy(ice);
    return false;
  }
  return !ice->freed;
}

#define CALL(ice, fn, ...)                                                                         \
  do {                                                                                             \
    if (!(ice)->freed && (ice)->cb.fn) (ice)->cb.fn((ice)->user, __VA_ARGS__);                     \
  } while (0)

/* ---- small helpers ---- */

static int find_remote(const sb_lg_ice *ice, const sb_stun_addr *a) {
  for (unsigned i = 0; i < ice->n_remotes; i++)
    if (sb_stun_addr_equal(&ice->remotes[i].addr, a)) return (int)i;
  return -1;
}

static int64_t now_us(void) { return g_get_monotonic_time(); }

/* ---- sending checks ---- */

static void send_to(sb_lg_ice *ice, const remote *r, const uint8_t *buf, size_t len) {
  ssize_t n;
  do
    n = sendto(ice->fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)&r->sa, r->sa_len);
  while (n < 0 && errno == EINTR);
}

/* A Binding request to r with transaction id txid; a consent check carries
 * no USE-CANDIDATE. */
static void send_request(sb_lg_ice *ice, const remote *r, const uint8_t *txid, bool consent) {
  uint8_t buf[SB_STUN_MAX_LEN];
  sb_stun_writer w;
  sb_stun_writer_init(&w, buf, sizeof buf, SB_STUN_BINDING_REQUEST, txid);
  sb_stun_put_bytes(&w, SB_STUN_ATTR_USERNAME, ice->username, ice->username_len);
  sb_stun_put_u32(&w, SB_STUN_ATTR_PRIORITY, PRFLX_PRIORITY);
  sb_stun_put_u64(&w, ice->controlling ? SB_STUN_ATTR_ICE_CONTROLLING : SB_STUN_ATTR_ICE_CONTROLLED,
                  ice->tiebreaker);
  if (ice->controlling && !consent) sb_stun_put_flag(&w, SB_STUN_ATTR_USE_CANDIDATE);
  sb_stun_put_integrity(&w, (const uint8_t *)ice->remote_pwd, ice->remote_pwd_len);
  sb_stun_put_fingerprint(&w);
  int len = sb_stun_writer_finish(&w);
  if (len <= 0) return;
  send_to(ice, r, buf, (size_t)len);
  if (consent)
    ice->stats.consent_sent++;
  else
    ice->stats.checks_sent++;
}

static void send_check(sb_lg_ice *ice, const remote *r) { send_request(ice, r, r->txid, false); }

static bool can_check(const sb_lg_ice *ice) {
  return ice->gathered && ice->have_creds && !ice->failed && !ice->freed;
}

/* ---- state ---- */

static void set_state(sb_lg_ice *ice, sb_lg_ice_state s) {
  if (ice->state == s) return;
  ice->state = s;
  CALL(ice, on_state, s);
}

/* Caller holds enter(). */
static void fail(sb_lg_ice *ice, const char *reason) {
  if (ice->failed) return;
  ice->failed = true;
  sb_timer_stop(ice->timer);
  /* Unread datagrams would keep the (level-triggered) poller busy. */
  sb_lg_poller_remove(ice->watch);
  ice->watch = NULL;
  set_state(ice, SB_LG_ICE_FAILED);
  CALL(ice, on_failed, reason);
}

static void start_checks(sb_lg_ice *ice) {
  if (ice->state != SB_LG_ICE_NEW || !can_check(ice) || ice->n_remotes == 0) return;
  ice->checks_started_us = now_us();
  ice->rto_ms = RTO_INITIAL_MS;
  for (unsigned i = 0; i < ice->n_remotes; i++)
    send_check(ice, &ice->remotes[i]);
  sb_timer_start(ice->timer, ice->rto_ms);
  enter(ice);
  set_state(ice, SB_LG_ICE_CHECKING);
  leave(ice);
}

static void arm_consent(sb_lg_ice *ice) {
  /* RFC 7675: the interval is randomised, +-20 %. */
  unsigned base = ice->consent_interval_ms;
  unsigned ms = base * 4 / 5 + (unsigned)g_random_int_range(0, (gint32)(base * 2 / 5 + 1));
  int64_t due = now_us() + (int64_t)ms * 1000;
  int64_t deadline = ice->last_ok_us + (int64_t)ice->consent_timeout_ms * 1000;
  sb_timer_start_at(ice->timer, due < deadline ? due : deadline);
}

static void connect_now(sb_lg_ice *ice) {
  ice->last_ok_us = now_us();
  arm_consent(ice);
  enter(ice);
  set_state(ice, SB_LG_ICE_CONNECTED);
  leave(ice);
}

/* Whether the remote has a pair of its own by now: a lite one always; a
 * full one once it checked us (we are controlling: we nominated with our
 * checks) or nominated (we are controlled: its selection is made). */
static bool remote_ready(const sb_lg_ice *ice) {
  if (ice->remote_lite) return true;
  return ice->controlling ? ice->remote_checked : ice->responder.nominated;
}

/* Our check to remote i succeeded: the first such is the selected pair. */
static void select_remote(sb_lg_ice *ice, int i) {
  ice->selected = i;
  if (remote_ready(ice))
    connect_now(ice);
  else
    sb_timer_start(ice->timer, FULL_GRACE_MS); /* no retransmissions from now */
}

static void timer_fired(void *data) {
  sb_lg_ice *ice = data;
  if (ice->failed || ice->freed) return;
  int64_t now = now_us();
  char why[96];
  if (ice->state == SB_LG_ICE_CHECKING && ice->selected >= 0) {
    connect_now(ice); /* a full remote that has not checked us yet */
  } else if (ice->state == SB_LG_ICE_CHECKING) {
    int64_t deadline = ice->checks_started_us + (int64_t)ice->setup_timeout_ms * 1000;
    if (now >= deadline) {
      g_snprintf(why, sizeof why, "no valid answer to connectivity checks in %u ms",
                 ice->setup_timeout_ms);
      enter(ice);
      fail(ice, why);
      leave(ice);
      return;
    }
    for (unsigned i = 0; i < ice->n_remotes; i++)
      send_check(ice, &ice->remotes[i]);
    ice->rto_ms = ice->rto_ms * 2 > RTO_MAX_MS ? RTO_MAX_MS : ice->rto_ms * 2;
    int64_t due = now + (int64_t)ice->rto_ms * 1000;
    sb_timer_start_at(ice->timer, due < deadline ? due : deadline);
  } else if (ice->state == SB_LG_ICE_CONNECTED) {
    if (now - ice->last_ok_us >= (int64_t)ice->consent_timeout_ms * 1000) {
      g_snprintf(why, sizeof why, "consent lost: no success response for %u ms",
                 ice->consent_timeout_ms);
      enter(ice);
      fail(ice, why);
      leave(ice);
      return;
    }
    uint8_t *txid = ice->consent_txid[ice->consent_n++ % CONSENT_TXIDS];
    sb_net_random_bytes(txid, SB_STUN_TXID_LEN);
    send_request(ice, &ice->remotes[ice->selected], txid, true);
    arm_consent(ice);
  }
}

/* Both sides claimed the same role; we take the other one and check again
 * under new transaction ids (answers to the old ones are stale). */
static void switch_role(sb_lg_ice *ice) {
  ice->controlling = !ice->controlling;
  ice->stats.role_conflicts++;
  for (unsigned i = 0; i < ice->n_remotes; i++)
    sb_net_random_bytes(ice->remotes[i].txid, SB_STUN_TXID_LEN);
  if (ice->state == SB_LG_ICE_CHECKING)
    for (unsigned i = 0; i < ice->n_remotes; i++)
      send_check(ice, &ice->remotes[i]);
}

/* ---- receiving ---- */

static int add_remote(sb_lg_ice *ice, const sb_stun_addr *a) {
  if (ice->n_remotes == MAX_REMOTE) return SB_EFULL;
  remote *r = &ice->remotes[ice->n_remotes];
  memset(r, 0, sizeof *r);
  r->addr = *a;
  r->sa_len = sb_net_addr_to_sockaddr(a, &r->sa);
  sb_net_random_bytes(r->txid, SB_STUN_TXID_LEN);
  return (int)ice->n_remotes++;
}

static void handle_request(sb_lg_ice *ice, const uint8_t *buf, size_t len, const sb_stun_msg *m,
                           const sb_stun_addr *from) {
  uint8_t resp[256];
  const uint8_t *pwd = (const uint8_t *)ice->responder.pwd;
  size_t pwd_len = ice->responder.pwd_len;
  /* Role conflict (RFC 8445 7.3.1.1), judged only for an authentic check. */
  bool conflict =
      (ice->controlling && m->has_controlling) || (!ice->controlling && m->has_controlled);
  if (conflict && sb_stun_check_integrity(buf, len, m, pwd, pwd_len) == SB_OK) {
    bool we_win = ice->tiebreaker >= m->tiebreaker;
    if (ice->controlling == we_win) {
      int n = sb_stun_write_binding_error(resp, sizeof resp, m->txid, 487, "Role Conflict", 0, pwd,
                                          pwd_len);
      remote tmp = {.addr = *from};
      tmp.sa_len = sb_net_addr_to_sockaddr(from, &tmp.sa);
      if (n > 0) send_to(ice, &tmp, resp, (size_t)n);
      ice->stats.role_conflicts++;
      return;
    }
    switch_role(ice);
  }
  sb_ice_lite_result res;
  int rc =
      sb_ice_lite_handle(&ice->responder, buf, len, m, from, now_us(), resp, sizeof resp, &res);
  int i = find_remote(ice, from);
  if (res.response_len) {
    remote tmp = {.addr = *from};
    tmp.sa_len = sb_net_addr_to_sockaddr(from, &tmp.sa);
    send_to(ice, i >= 0 ? &ice->remotes[i] : &tmp, resp, res.response_len);
  }
  if (rc != SB_OK) return;
  ice->stats.requests_answered++;
  ice->remote_checked = true;
  if (ice->state == SB_LG_ICE_CONNECTED) return;
  if (ice->selected >= 0) {
    if (remote_ready(ice)) connect_now(ice);
    return;
  }
  /* A check from an address we did not know is a peer-reflexive
   * candidate; either way the remote is ready now: a triggered check. */
  if (i < 0 && from->family == ice->local.family) i = add_remote(ice, from);
  if (i < 0 || !can_check(ice)) return;
  if (ice->state == SB_LG_ICE_NEW)
    start_checks(ice);
  else
    send_check(ice, &ice->remotes[i]);
}

static void handle_response(sb_lg_ice *ice, const uint8_t *buf, size_t len, const sb_stun_msg *m,
                            const sb_stun_addr *from) {
  int i = -1;
  bool consent = false;
  for (unsigned k = 0; k < ice->n_remotes && i < 0; k++)
    if (memcmp(ice->remotes[k].txid, m->txid, SB_STUN_TXID_LEN) == 0) i = (int)k;
  if (i < 0 && ice->selected >= 0) {
    for (unsigned k = 0; k < CONSENT_TXIDS && !consent; k++)
      consent = memcmp(ice->consent_txid[k], m->txid, SB_STUN_TXID_LEN) == 0;
    if (consent) i = ice->selected;
  }
  /* Ours, from where it went, signed with the remote's password. */
  if (i < 0 || !sb_stun_addr_equal(&ice->remotes[i].addr, from) ||
      sb_stun_check_integrity(buf, len, m, (const uint8_t *)ice->remote_pwd, ice->remote_pwd_len) !=
          SB_OK) {
    ice->stats.bad_responses++;
    return;
  }
  if (m->type == SB_STUN_BINDING_ERROR) {
    if (m->error_code == 487 && !consent) switch_role(ice);
    return;
  }
  ice->stats.responses++;
  ice->last_ok_us = now_us();
  ice->remotes[i].valid = true;
  if (ice->selected < 0 && ice->state == SB_LG_ICE_CHECKING) select_remote(ice, i);
}

static void on_datagram(void *data, uint8_t *buf, size_t len, const sb_stun_addr *from) {
  sb_lg_ice *ice = data;
  if (ice->failed || ice->freed || len == 0) return;
  if (buf[0] < 4 && sb_stun_is_stun(buf, len)) {
    sb_stun_msg m;
    if (sb_stun_parse(buf, len, &m) < 0) return;
    if (m.type == SB_STUN_BINDING_REQUEST)
      handle_request(ice, buf, len, &m, from);
    else if (m.type == SB_STUN_BINDING_SUCCESS || m.type == SB_STUN_BINDING_ERROR)
      handle_response(ice, buf, len, &m, from);
    return;
  }
  if (!(ice->selected >= 0 && sb_stun_addr_equal(&ice->remotes[ice->selected].addr, from)) &&
      find_remote(ice, from) < 0 && !sb_ice_lite_knows(&ice->responder, from)) {
    ice->stats.rx_unknown++;
    return;
  }
  enter(ice);
  CALL(ice, on_data, buf, len);
  leave(ice);
}

/* ---- the API ---- */

void sb_lg_ice_config_init(sb_lg_ice_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->controlling = true;
  cfg->setup_timeout_ms = 30000;
  cfg->consent_interval_ms = 5000;
  cfg->consent_timeout_ms = 30000;
}

int sb_lg_ice_new(GMainContext *ctx, sb_lg_poller *poller, const sb_lg_ice_config *cfg,
                  const sb_lg_ice_callbacks *cb, void *user, sb_lg_ice **out) {
  sb_stun_addr local;
  if (!cfg || !cfg->address || !sb_net_addr_parse(cfg->address, &local) || !poller)
    return SB_EINVAL;
  char ufrag[UFRAG_LEN + 1], pwd[PWD_LEN + 1];
  sb_net_random_ice_chars(ufrag, UFRAG_LEN);
  sb_net_random_ice_chars(pwd, PWD_LEN);
  sb_lg_ice *ice = g_new0(sb_lg_ice, 1);
  if (sb_ice_lite_init(&ice->responder, ufrag, pwd) < 0) {
    g_free(ice);
    return SB_EINVAL;
  }
  ice->ctx = g_main_context_ref(ctx ? ctx : g_main_context_default());
  ice->poller = poller;
  ice->fd = -1;
  ice->local = local;
  inet_ntop(local.family == 4 ? AF_INET : AF_INET6, local.ip, ice->local_ip, sizeof ice->local_ip);
  if (cb) ice->cb = *cb;
  ice->user = user;
  ice->controlling = cfg->controlling;
  ice->setup_timeout_ms = cfg->setup_timeout_ms ? cfg->setup_timeout_ms : 30000;
  ice->consent_interval_ms = cfg->consent_interval_ms ? cfg->consent_interval_ms : 5000;
  ice->consent_timeout_ms = cfg->consent_timeout_ms ? cfg->consent_timeout_ms : 30000;
  sb_net_random_bytes(&ice->tiebreaker, sizeof ice->tiebreaker);
  ice->selected = -1;
  ice->state = SB_LG_ICE_NEW;
  ice->timer = sb_timer_new(ice->ctx, timer_fired, ice);
  *out = ice;
  return SB_OK;
}

void sb_lg_ice_free(sb_lg_ice *ice) {
  if (!ice || ice->freed) return;
  ice->freed = true;
  sb_timer_free(ice->timer);
  ice->timer = NULL;
  sb_lg_poller_remove(ice->watch);
  ice->watch = NULL;
  if (ice->fd >= 0) close(ice->fd);
  ice->fd = -1;
  if (ice->depth == 0) destroy(ice);
}

void sb_lg_ice_local_credentials(const sb_lg_ice *ice, const char **ufrag, const char **pwd) {
  if (ufrag) *ufrag = ice->responder.ufrag;
  if (pwd) *pwd = ice->responder.pwd;
}

int sb_lg_ice_gather(sb_lg_ice *ice) {
  if (ice->gathered || ice->freed || ice->fd >= 0) return SB_ESTATE;
  int family = ice->local.family == 4 ? AF_INET : AF_INET6;
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return SB_EIO;
  if (family == AF_INET6) {
    int on = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  sb_stun_addr at = ice->local;
  at.port = 0;
  struct sockaddr_storage ss;
  socklen_t sl = sb_net_addr_to_sockaddr(&at, &ss);
  if (bind(fd, (struct sockaddr *)&ss, sl) < 0 ||
      getsockname(fd, (struct sockaddr *)&ss, &sl) < 0 ||
      sb_lg_poller_add(ice->poller, fd, on_datagram, ice, &ice->watch) < 0) {
    close(fd);
    return SB_EIO;
  }
  ice->fd = fd;
  ice->local.port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                            : ((struct sockaddr_in6 *)&ss)->sin6_port);
  ice->gathered = true;
  char cand[128];
  g_snprintf(cand, sizeof cand, "candidate:1 1 udp %u %s %u typ host", HOST_PRIORITY, ice->local_ip,
             ice->local.port);
  enter(ice);
  CALL(ice, on_candidate, cand);
  CALL(ice, on_candidate, NULL);
  if (leave(ice)) start_checks(ice);
  return SB_OK;
}

int sb_lg_ice_set_remote_credentials(sb_lg_ice *ice, const char *ufrag, const char *pwd) {
  if (!sb_ice_lite_valid_chars(ufrag, 4, SB_ICE_UFRAG_MAX) ||
      !sb_ice_lite_valid_chars(pwd, 22, SB_ICE_PWD_MAX))
    return SB_EINVAL;
  if (ice->freed) return SB_ESTATE;
  if (ice->have_creds) {
    bool same =
        strcmp(ice->responder.remote_ufrag, ufrag) == 0 && strcmp(ice->remote_pwd, pwd) == 0;
    return same ? SB_OK : SB_ESTATE;
  }
  if (sb_ice_lite_set_remote(&ice->responder, ufrag) < 0) return SB_EINVAL;
  g_strlcpy(ice->remote_pwd, pwd, sizeof ice->remote_pwd);
  ice->remote_pwd_len = strlen(ice->remote_pwd);
  ice->username_len =
      (size_t)g_snprintf(ice->username, sizeof ice->username, "%s:%s", ufrag, ice->responder.ufrag);
  ice->have_creds = true;
  start_checks(ice);
  return SB_OK;
}

/* "<foundation> <component> <transport> <priority> <address> <port> typ
 * <type> ..." after "candidate:". */
static int parse_candidate(const sb_lg_ice *ice, const char *text, sb_stun_addr *out) {
  if (g_str_has_prefix(text, "a=")) text += 2;
  if (!g_str_has_prefix(text, "candidate:") || strlen(text) > CANDIDATE_MAX) return SB_EINVAL;
  char **t = g_strsplit(text + strlen("candidate:"), " ", 0);
  int rc = SB_OK;
  sb_stun_addr a;
  char *end = NULL;
  guint64 port = 0;
  if (g_strv_length(t) < 8 || strcmp(t[6], "typ") != 0) {
    rc = SB_EINVAL;
  } else if (g_ascii_strcasecmp(t[2], "udp") != 0) {
    rc = g_ascii_strcasecmp(t[2], "tcp") == 0 ? SB_EUNSUPPORTED : SB_EINVAL;
  } else if (!sb_net_addr_parse(t[4], &a)) {
    rc = SB_EINVAL; /* a name (mDNS ".local") or garbage */
  } else if ((port = g_ascii_strtoull(t[5], &end, 10)) == 0 || port > 65535 || *end ||
             !g_ascii_isdigit(t[5][0])) {
    rc = SB_EINVAL;
  } else if (strcmp(t[1], "1") != 0 || strcmp(t[7], "host") != 0 || a.family != ice->local.family) {
    rc = SB_EUNSUPPORTED;
  }
  g_strfreev(t);
  if (rc == SB_OK) {
    a.port = (uint16_t)port;
    *out = a;
  }
  return rc;
}

int sb_lg_ice_add_remote_candidate(sb_lg_ice *ice, const char *candidate) {
  if (ice->freed || !ice->gathered) return SB_ESTATE;
  if (!candidate || !*candidate) return SB_OK; /* checks run on what came */
  sb_stun_addr a;
  int rc = parse_candidate(ice, candidate, &a);
  if (rc < 0) return rc;
  if (find_remote(ice, &a) >= 0) return SB_OK;
  int i = add_remote(ice, &a);
  if (i < 0) return i;
  if (ice->state == SB_LG_ICE_NEW)
    start_checks(ice);
  else if (ice->state == SB_LG_ICE_CHECKING)
    send_check(ice, &ice->remotes[i]);
  return SB_OK;
}

void sb_lg_ice_set_remote_lite(sb_lg_ice *ice, bool lite) {
  ice->remote_lite = lite;
  if (lite && ice->selected >= 0 && ice->state == SB_LG_ICE_CHECKING && !ice->freed && !ice->failed)
    connect_now(ice);
}

int sb_lg_ice_send(sb_lg_ice *ice, const uint8_t *data, size_t len) {
  if (!data || len == 0) return SB_EINVAL;
  if (ice->failed || ice->freed) return SB_ESTATE;
  const remote *r;
  remote early;
  if (ice->selected >= 0) {
    r = &ice->remotes[ice->selected];
  } else {
    /* Not connected: the address of the remote's valid check, if any. */
    const sb_stun_addr *to = sb_ice_lite_selected(&ice->responder);
    if (!to) return SB_ESTATE;
    early.addr = *to;
    early.sa_len = sb_net_addr_to_sockaddr(to, &early.sa);
    r = &early;
  }
  ssize_t n;
  do
    n = sendto(ice->fd, data, len, MSG_DONTWAIT, (const struct sockaddr *)&r->sa, r->sa_len);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)len ? SB_OK : SB_EIO;
}

sb_lg_ice_state sb_lg_ice_get_state(const sb_lg_ice *ice) { return ice->state; }
bool sb_lg_ice_controlling(const sb_lg_ice *ice) { return ice->controlling; }
uint16_t sb_lg_ice_local_port(const sb_lg_ice *ice) { return ice->gathered ? ice->local.port : 0; }
void sb_lg_ice_get_stats(const sb_lg_ice *ice, sb_lg_ice_stats *out) { *out = ice->stats; }
