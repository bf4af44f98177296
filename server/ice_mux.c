/* ice_mux.c - the ICE-lite backend of sb_ice: a peer connection on its
 * worker's shared UDP socket (udp_mux.c), with the checks answered by
 * core/ice_lite.c. See ice.h for the contract.
 *
 * Per peer this is a few hundred bytes, no socket and no GSource: the
 * disconnect watchdog is an sb_timer that fires once per disconnect timeout
 * and re-arms itself for the last packet's deadline, so a busy connection
 * costs no timer work per packet. */
#include <arpa/inet.h>
#include <string.h>

#include "core/error.h"
#include "core/ice_lite.h"
#include "ice_private.h"
#include "net_addr.h"
#include "timers.h"

#define UFRAG_LEN 8  /* 48 bits: unique per mux, retried on collision */
#define PWD_LEN   24 /* 144 bits: the short-term credential */

typedef struct {
  sb_ice base;
  GMainContext *ctx;
  sb_udp_mux *mux;
  sb_ice_callbacks cb;
  void *user;
  sb_ice_lite lite;
  /* Local ufrags registered with the mux: the current one, the previous
   * generation's during a restart, and one being replaced. */
  char ufrags[3][UFRAG_LEN + 1];
  char *public_ip;
  unsigned timeout_ms;
  sb_ice_state state;
  bool gathered, failed, freed, registered;
  int depth;          /* our callbacks running: destruction waits for them */
  int64_t last_rx;    /* last packet or valid check */
  sb_timer *watchdog; /* while connected: the disconnect deadline */
  char reason[64];
} mux_ice;

static void destroy(mux_ice *ice) {
  sb_timer_free(ice->watchdog);
  g_main_context_unref(ice->ctx);
  g_free(ice->public_ip);
  g_free(ice);
}

static void enter(mux_ice *ice) { ice->depth++; }

/* Leaves a callback; false when the agent was freed inside it (and is now
 * gone). */
static bool leave(mux_ice *ice) {
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

static void stop_watchdog(mux_ice *ice) { sb_timer_stop(ice->watchdog); }

static void set_state(mux_ice *ice, sb_ice_state s) {
  if (ice->state == s) return;
  ice->state = s;
  CALL(ice, on_state, s);
}

static void fail(mux_ice *ice, const char *reason) {
  if (ice->failed) return;
  ice->failed = true;
  stop_watchdog(ice);
  g_strlcpy(ice->reason, reason, sizeof ice->reason);
  set_state(ice, SB_ICE_FAILED);
  CALL(ice, on_failed, ice->reason);
}

static void arm_watchdog(mux_ice *ice) {
  sb_timer_start_at(ice->watchdog, ice->last_rx + (int64_t)ice->timeout_ms * 1000);
}

static void watchdog_fired(void *data) {
  mux_ice *ice = data;
  int64_t now = g_get_monotonic_time();
  if (now - ice->last_rx >= (int64_t)ice->timeout_ms * 1000) {
    char why[64];
    g_snprintf(why, sizeof why, "no packet received for %u ms", ice->timeout_ms);
    enter(ice);
    fail(ice, why);
    leave(ice);
  } else {
    arm_watchdog(ice);
  }
}

/* ---- from the mux ---- */

static const sb_udp_mux_handler mux_handler;

/* Registers a new random local ufrag (into *out) with the mux. */
static bool register_ufrag(mux_ice *ice, char out[UFRAG_LEN + 1]) {
  int slot = -1;
  for (int k = 0; k < 3 && slot < 0; k++)
    if (!ice->ufrags[k][0]) slot = k;
  if (slot < 0) return false;
  for (int tries = 0; tries < 16; tries++) {
    sb_net_random_ice_chars(out, UFRAG_LEN);
    if (sb_udp_mux_add_ufrag(ice->mux, out, &mux_handler, ice) == SB_OK) {
      memcpy(ice->ufrags[slot], out, UFRAG_LEN + 1);
      return true;
    }
  }
  return false;
}

/* Drops the mux's routes for local ufrags the agent no longer accepts
 * (all of them once freed). */
static void sync_ufrags(mux_ice *ice) {
  for (int k = 0; k < 3; k++) {
    const char *u = ice->ufrags[k];
    if (!u[0]) continue;
    bool keep = !ice->freed && (!strcmp(u, ice->lite.ufrag) ||
                                (ice->lite.restarting && !strcmp(u, ice->lite.old_ufrag)));
    if (keep) continue;
    sb_udp_mux_remove_ufrag(ice->mux, u);
    memset(ice->ufrags[k], 0, sizeof ice->ufrags[k]);
  }
}

static void on_mux_stun(void *user, const uint8_t *data, size_t len, const sb_stun_msg *m,
                        const sb_stun_addr *from) {
  mux_ice *ice = user;
  if (ice->failed || ice->freed) return;
  uint8_t resp[256];
  sb_ice_lite_result res;
  int64_t now = g_get_monotonic_time();
  int rc = sb_ice_lite_handle(&ice->lite, data, len, m, from, now, resp, sizeof resp, &res);
  if (res.response_len) sb_udp_mux_send(ice->mux, from, resp, res.response_len);
  if (rc != SB_OK) return;
  ice->last_rx = now;
  if (res.restarted) sync_ufrags(ice); /* the old generation's ufrag goes */
  if (res.evicted) sb_udp_mux_unbind_addr(ice->mux, &res.evicted_addr, ice);
  for (unsigned k = 0; k < res.n_forgotten; k++)
    sb_udp_mux_unbind_addr(ice->mux, &res.forgotten[k], ice);
  if (res.added) sb_udp_mux_bind_addr(ice->mux, from, &mux_handler, ice);
  if (ice->state != SB_ICE_CONNECTED) {
    enter(ice);
    set_state(ice, SB_ICE_CONNECTED);
    if (!leave(ice) || ice->failed) return;
    arm_watchdog(ice);
  }
}

static void on_mux_data(void *user, uint8_t *data, size_t len, size_t cap) {
  mux_ice *ice = user;
  if (ice->failed || ice->freed) return;
  ice->last_rx = sb_udp_mux_now();
  enter(ice);
  CALL(ice, on_data, data, len, cap);
  leave(ice);
}

static const sb_udp_mux_handler mux_handler = {.on_stun = on_mux_stun, .on_data = on_mux_data};

/* ---- creation and destruction ---- */

static const sb_ice_ops mux_ops;

sb_ice *sb_ice_mux_new(GMainContext *ctx, const sb_ice_config *cfg, const sb_ice_callbacks *cb,
                       void *user) {
  if (!cfg->mux) return NULL;
  if (cfg->public_ip && !g_hostname_is_ip_address(cfg->public_ip)) return NULL;
  mux_ice *ice = g_new0(mux_ice, 1);
  ice->base.ops = &mux_ops;
  ice->ctx = g_main_context_ref(ctx ? ctx : g_main_context_default());
  ice->mux = cfg->mux;
  ice->user = user;
  if (cb) ice->cb = *cb;
  ice->public_ip = cfg->public_ip ? g_strdup(cfg->public_ip) : NULL;
  ice->timeout_ms = cfg->disconnect_timeout_ms ? cfg->disconnect_timeout_ms : 10000;
  ice->state = SB_ICE_NEW;
  ice->watchdog = sb_timer_new(ice->ctx, watchdog_fired, ice);
  char ufrag[UFRAG_LEN + 1], pwd[PWD_LEN + 1];
  sb_net_random_ice_chars(pwd, PWD_LEN);
  ice->registered = register_ufrag(ice, ufrag);
  if (!ice->registered || sb_ice_lite_init(&ice->lite, ufrag, pwd) < 0) {
    ice->freed = true;
    sync_ufrags(ice);
    destroy(ice);
    return NULL;
  }
  return &ice->base;
}

static void unbind_all(mux_ice *ice) {
  for (unsigned i = 0; i < ice->lite.n_addrs; i++)
    sb_udp_mux_unbind_addr(ice->mux, &ice->lite.addrs[i], ice);
}

static void mux_free(sb_ice *base) {
  mux_ice *ice = (mux_ice *)base;
  if (ice->freed) return;
  ice->freed = true;
  stop_watchdog(ice);
  unbind_all(ice);
  sync_ufrags(ice); /* freed: removes them all */
  if (ice->depth == 0) destroy(ice);
}

/* ---- local and remote description ---- */

static void mux_local_credentials(const sb_ice *base, const char **ufrag, const char **pwd) {
  const mux_ice *ice = (const mux_ice *)base;
  if (ufrag) *ufrag = ice->lite.ufrag;
  if (pwd) *pwd = ice->lite.pwd;
}

static int mux_gather(sb_ice *base) {
  mux_ice *ice = (mux_ice *)base;
  if (ice->gathered || ice->freed) return SB_ESTATE;
  ice->gathered = true;
  const char *ip = ice->public_ip ? ice->public_ip : sb_udp_mux_ip(ice->mux);
  /* Priority: type preference 126 (host), local preference 65535,
   * component 1 (RFC 8445 5.1.2.1). */
  char *c =
      g_strdup_printf("candidate:1 1 udp 2130706431 %s %u typ host", ip, sb_udp_mux_port(ice->mux));
  enter(ice);
  CALL(ice, on_candidate, c);
  g_free(c);
  CALL(ice, on_candidate, NULL);
  leave(ice);
  return SB_OK;
}

static int mux_set_remote_credentials(sb_ice *base, const char *ufrag, const char *pwd) {
  mux_ice *ice = (mux_ice *)base;
  (void)pwd; /* a lite agent sends no checks: only the browser's ufrag matters */
  if (ice->freed) return SB_ESTATE;
  if (!sb_ice_lite_valid_chars(ufrag, 4, SB_ICE_UFRAG_MAX)) return SB_EINVAL;
  if (ice->lite.remote_ufrag[0] && strcmp(ice->lite.remote_ufrag, ufrag) != 0) unbind_all(ice);
  int rc = sb_ice_lite_set_remote(&ice->lite, ufrag);
  sync_ufrags(ice); /* a restart under way ended */
  return rc;
}

static int mux_restart(sb_ice *base, const char *ufrag, const char *pwd, bool new_local) {
  mux_ice *ice = (mux_ice *)base;
  (void)pwd; /* as for set_remote_credentials */
  if (ice->freed || ice->failed) return SB_ESTATE;
  char lufrag[UFRAG_LEN + 1], lpwd[PWD_LEN + 1];
  if (new_local) {
    sb_net_random_ice_chars(lpwd, PWD_LEN);
    if (!register_ufrag(ice, lufrag)) return SB_EIO;
  }
  int rc =
      sb_ice_lite_restart(&ice->lite, new_local ? lufrag : NULL, new_local ? lpwd : NULL, ufrag);
  /* Routes for ufrags no longer accepted go: a restart that replaced one
   * still under way, or the new one if it was refused. */
  sync_ufrags(ice);
  return rc;
}

static int mux_add_remote_candidate(sb_ice *base, const char *candidate) {
  mux_ice *ice = (mux_ice *)base;
  (void)candidate; /* checked by ice.c; the browser's checks say where it is */
  return ice->freed || !ice->gathered ? SB_ESTATE : SB_OK;
}

/* ---- data, state ---- */

static int mux_send(sb_ice *base, const uint8_t *data, size_t len) {
  mux_ice *ice = (mux_ice *)base;
  const sb_stun_addr *to = sb_ice_lite_selected(&ice->lite);
  if (ice->freed || ice->failed || ice->state != SB_ICE_CONNECTED || !to) return SB_ESTATE;
  return sb_udp_mux_send(ice->mux, to, data, len);
}

static uint8_t *mux_tx_buffer(sb_ice *base, size_t *cap) {
  return sb_udp_mux_tx_reserve(((mux_ice *)base)->mux, cap);
}

static sb_ice_state mux_get_state(const sb_ice *base) { return ((const mux_ice *)base)->state; }

static bool format_addr(int family, const uint8_t *ip, uint16_t port, char *out, size_t len) {
  char text[64], addr[INET6_ADDRSTRLEN];
  if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, ip, addr, sizeof addr)) return false;
  g_snprintf(text, sizeof text, family == 4 ? "%s:%u" : "[%s]:%u", addr, port);
  if (strlen(text) >= len) return false;
  memcpy(out, text, strlen(text) + 1);
  return true;
}

static int mux_selected_pair(sb_ice *base, char *local, size_t local_len, char *remote,
                             size_t remote_len) {
  mux_ice *ice = (mux_ice *)base;
  const sb_stun_addr *r = sb_ice_lite_selected(&ice->lite);
  if (ice->freed || !r) return SB_ENOTFOUND;
  const char *lip = sb_udp_mux_ip(ice->mux);
  bool v6 = strchr(lip, ':') != NULL;
  char lbuf[64], rbuf[64];
  g_snprintf(lbuf, sizeof lbuf, "%s%s%s:%u", v6 ? "[" : "", lip, v6 ? "]" : "",
             sb_udp_mux_port(ice->mux));
  if (!format_addr(r->family, r->ip, r->port, rbuf, sizeof rbuf) || strlen(lbuf) >= local_len ||
      strlen(rbuf) >= remote_len)
    return SB_ENOSPC;
  memcpy(local, lbuf, strlen(lbuf) + 1);
  memcpy(remote, rbuf, strlen(rbuf) + 1);
  return SB_OK;
}

static const sb_ice_ops mux_ops = {
    .free = mux_free,
    .local_credentials = mux_local_credentials,
    .gather = mux_gather,
    .set_remote_credentials = mux_set_remote_credentials,
    .restart = mux_restart,
    .add_remote_candidate = mux_add_remote_candidate,
    .send = mux_send,
    .tx_buffer = mux_tx_buffer,
    .get_state = mux_get_state,
    .selected_pair = mux_selected_pair,
};
