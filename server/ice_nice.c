/* ice_nice.c - the full-ICE backend of sb_ice: a thin wrapper over one
 * libnice agent with one stream and one component (BUNDLE + rtcp-mux). See
 * ice.h for the contract; ICE-lite peers use ice_mux.c instead.
 *
 * What is ours rather than libnice's: candidate strings in and out (a strict
 * check before libnice's lenient parser, the NAT 1:1 address rewrite on the
 * way out), the state mapping, and the disconnect watchdog, a single
 * one-shot timer re-armed for the next deadline (so a busy connection costs
 * one wakeup per timeout period, not one per packet). */
#include "ice_private.h"

#include <gio/gio.h>
#include <nice/agent.h>
#include <string.h>

#include "core/error.h"

#define COMPONENT 1

typedef struct {
  sb_ice base;
  GMainContext *ctx;
  NiceAgent *agent;
  guint stream;
  sb_ice_callbacks cb;
  void *user;
  char *ufrag, *pwd;
  char *remote_ufrag, *remote_pwd; /* as last set, or NULL */
  char *public_ip;                 /* normalised, or NULL */
  guint public_version;
  unsigned timeout_ms;

  NiceComponentState nice_state;
  sb_ice_state state;
  bool gathered, was_connected, failed, freed;
  /* An ICE restart of a connected agent is under way: libnice reports
   * GATHERING/CONNECTING while the selected pair still carries data, so we
   * stay CONNECTED until its new checks end (CONNECTED/READY, or FAILED). */
  bool restarting;
  int depth;         /* user callbacks running (sb_ice_free defers inside one) */
  gint64 bad_since;  /* when libnice entered FAILED/DISCONNECTED */
  gint64 last_recv;  /* last data packet, or when connected */
  GSource *watchdog; /* one-shot timer for the next deadline */
  char reason[64];
} nice_ice;

/* ---- user callbacks: each one counted, none after sb_ice_free ---- */

#define CALL(ice, fn, ...)                                                                         \
  do {                                                                                             \
    if (!(ice)->freed && (ice)->cb.fn) {                                                           \
      (ice)->depth++;                                                                              \
      (ice)->cb.fn((ice)->user, __VA_ARGS__);                                                      \
      (ice)->depth--;                                                                              \
    }                                                                                              \
  } while (0)

static void stop_watchdog(nice_ice *ice) {
  if (!ice->watchdog) return;
  g_source_destroy(ice->watchdog);
  g_clear_pointer(&ice->watchdog, g_source_unref);
}

static void set_state(nice_ice *ice, sb_ice_state s) {
  if (ice->state == s) return;
  ice->state = s;
  CALL(ice, on_state, s);
}

static void fail(nice_ice *ice, const char *reason) {
  if (ice->failed) return;
  ice->failed = true;
  stop_watchdog(ice);
  g_strlcpy(ice->reason, reason, sizeof ice->reason);
  set_state(ice, SB_ICE_FAILED);
  CALL(ice, on_failed, ice->reason);
}

/* ---- the disconnect watchdog ---- */

static gboolean watchdog_fired(gpointer data);

/* The next deadline and why it would fail there; false for none. */
static bool next_deadline(const nice_ice *ice, gint64 *deadline, char *why, size_t len) {
  gint64 t = (gint64)ice->timeout_ms * 1000;
  if (ice->nice_state == NICE_COMPONENT_STATE_FAILED) {
    *deadline = ice->bad_since + t;
    g_strlcpy(why, "ice failed", len);
  } else if (ice->nice_state == NICE_COMPONENT_STATE_DISCONNECTED && ice->was_connected) {
    *deadline = ice->bad_since + t;
    g_strlcpy(why, "ice disconnected", len);
  } else if (ice->state == SB_ICE_CONNECTED) {
    *deadline = ice->last_recv + t;
    g_snprintf(why, len, "no packet received for %u ms", ice->timeout_ms);
  } else {
    return false;
  }
  return true;
}

static void watchdog_check(nice_ice *ice) {
  stop_watchdog(ice);
  gint64 deadline, now = g_get_monotonic_time();
  char why[sizeof ice->reason];
  if (ice->failed || ice->freed || !next_deadline(ice, &deadline, why, sizeof why)) return;
  if (now >= deadline) {
    fail(ice, why);
    return;
  }
  ice->watchdog = g_timeout_source_new((guint)((deadline - now + 999) / 1000));
  g_source_set_callback(ice->watchdog, watchdog_fired, ice, NULL);
  g_source_attach(ice->watchdog, ice->ctx);
}

static gboolean watchdog_fired(gpointer data) {
  watchdog_check(data);
  return G_SOURCE_REMOVE;
}

/* ---- libnice signals and the receive callback ---- */

static sb_ice_state map_state(const nice_ice *ice, NiceComponentState s) {
  switch (s) {
  case NICE_COMPONENT_STATE_CONNECTING: return SB_ICE_CHECKING;
  case NICE_COMPONENT_STATE_CONNECTED:
  case NICE_COMPONENT_STATE_READY: return SB_ICE_CONNECTED;
  case NICE_COMPONENT_STATE_FAILED: return SB_ICE_FAILED;
  case NICE_COMPONENT_STATE_DISCONNECTED: return ice->was_connected ? SB_ICE_CHECKING : SB_ICE_NEW;
  default: return SB_ICE_NEW;
  }
}

static bool is_bad(NiceComponentState s) {
  return s == NICE_COMPONENT_STATE_FAILED || s == NICE_COMPONENT_STATE_DISCONNECTED;
}

static void on_nice_state(NiceAgent *agent, guint stream, guint component, guint state,
                          gpointer data) {
  nice_ice *ice = data;
  if (stream != ice->stream || component != COMPONENT || ice->failed) return;
  NiceComponentState old = ice->nice_state, s = state;
  ice->nice_state = s;
  gint64 now = g_get_monotonic_time();
  if (is_bad(s) && !is_bad(old)) ice->bad_since = now;
  sb_ice_state mapped = map_state(ice, s);
  if (ice->restarting) {
    if (mapped == SB_ICE_CONNECTED || s == NICE_COMPONENT_STATE_FAILED)
      ice->restarting = false;
    else if (!is_bad(s))
      mapped = SB_ICE_CONNECTED; /* the old pair still carries data */
  }
  if (mapped == SB_ICE_CONNECTED && ice->state != SB_ICE_CONNECTED) {
    ice->was_connected = true;
    ice->last_recv = now;
  }
  set_state(ice, mapped);
  watchdog_check(ice);
}

/* Host UDP candidates only (all we gather); public_ip replaces the address. */
static void on_nice_candidate(NiceAgent *agent, NiceCandidate *c, gpointer data) {
  nice_ice *ice = data;
  if (c->stream_id != ice->stream || c->component_id != COMPONENT ||
      c->type != NICE_CANDIDATE_TYPE_HOST || c->transport != NICE_CANDIDATE_TRANSPORT_UDP)
    return;
  char ip[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string(&c->addr, ip);
  const char *shown = ip;
  if (ice->public_ip && (guint)nice_address_ip_version(&c->addr) == ice->public_version)
    shown = ice->public_ip;
  char *s = g_strdup_printf("candidate:%s %u udp %u %s %u typ host", c->foundation, c->component_id,
                            c->priority, shown, nice_address_get_port(&c->addr));
  CALL(ice, on_candidate, s);
  g_free(s);
}

static void on_nice_gathering_done(NiceAgent *agent, guint stream, gpointer data) {
  nice_ice *ice = data;
  if (stream == ice->stream) CALL(ice, on_candidate, NULL);
}

static void on_nice_recv(NiceAgent *agent, guint stream, guint component, guint len, gchar *buf,
                         gpointer data) {
  nice_ice *ice = data;
  if (ice->failed || len == 0) return;
  ice->last_recv = g_get_monotonic_time();
  CALL(ice, on_data, (uint8_t *)buf, len, len);
}

/* ---- creation and destruction ---- */

static void destroy(nice_ice *ice) {
  nice_agent_close_async(ice->agent, NULL, NULL); /* no TURN here: completes at once */
  g_object_unref(ice->agent);
  g_main_context_unref(ice->ctx);
  g_free(ice->ufrag);
  g_free(ice->pwd);
  g_free(ice->remote_ufrag);
  g_free(ice->remote_pwd);
  g_free(ice->public_ip);
  g_free(ice);
}

static gboolean destroy_idle(gpointer data) {
  destroy(data);
  return G_SOURCE_REMOVE;
}

static bool add_addresses(nice_ice *ice, const sb_ice_config *cfg) {
  for (size_t i = 0; i < cfg->n_local_addrs; i++) {
    NiceAddress a;
    nice_address_init(&a);
    if (!cfg->local_addrs[i] || !nice_address_set_from_string(&a, cfg->local_addrs[i]) ||
        !nice_agent_add_local_address(ice->agent, &a))
      return false;
  }
  if (cfg->public_ip) {
    GInetAddress *pub = g_inet_address_new_from_string(cfg->public_ip);
    if (!pub) return false;
    ice->public_ip = g_inet_address_to_string(pub);
    ice->public_version = g_inet_address_get_family(pub) == G_SOCKET_FAMILY_IPV6 ? 6 : 4;
    g_object_unref(pub);
  }
  return true;
}

static const sb_ice_ops nice_ops;

sb_ice *sb_ice_nice_new(GMainContext *ctx, const sb_ice_config *cfg, const sb_ice_callbacks *cb,
                        void *user) {
  NiceAgentOption opts = cfg->lite ? NICE_AGENT_OPTION_LITE_MODE : NICE_AGENT_OPTION_ICE_TRICKLE;
  if (cfg->keepalive) opts |= NICE_AGENT_OPTION_CONSENT_FRESHNESS;
  nice_ice *ice = g_new0(nice_ice, 1);
  ice->base.ops = &nice_ops;
  ice->ctx = g_main_context_ref(ctx ? ctx : g_main_context_default());
  ice->agent = nice_agent_new_full(ice->ctx, NICE_COMPATIBILITY_RFC5245, opts);
  ice->user = user;
  if (cb) ice->cb = *cb;
  ice->timeout_ms = cfg->disconnect_timeout_ms ? cfg->disconnect_timeout_ms : 10000;
  ice->state = SB_ICE_NEW;
  ice->nice_state = NICE_COMPONENT_STATE_DISCONNECTED;
  g_object_set(ice->agent, "controlling-mode", (gboolean)(!cfg->lite && cfg->controlling),
               "keepalive-conncheck", (gboolean)cfg->keepalive, "ice-tcp", FALSE, "upnp", FALSE,
               NULL);
  if (!add_addresses(ice, cfg)) goto fail;
  ice->stream = nice_agent_add_stream(ice->agent, 1);
  if (!ice->stream) goto fail;
  if (cfg->port_max)
    nice_agent_set_port_range(ice->agent, ice->stream, COMPONENT, cfg->port_min, cfg->port_max);
  if (!nice_agent_get_local_credentials(ice->agent, ice->stream, &ice->ufrag, &ice->pwd)) goto fail;
  g_signal_connect(ice->agent, "component-state-changed", G_CALLBACK(on_nice_state), ice);
  g_signal_connect(ice->agent, "new-candidate-full", G_CALLBACK(on_nice_candidate), ice);
  g_signal_connect(ice->agent, "candidate-gathering-done", G_CALLBACK(on_nice_gathering_done), ice);
  nice_agent_attach_recv(ice->agent, ice->stream, COMPONENT, ice->ctx, on_nice_recv, ice);
  return &ice->base;
fail:
  destroy(ice);
  return NULL;
}

static void nice_free(sb_ice *base) {
  nice_ice *ice = (nice_ice *)base;
  if (ice->freed) return;
  ice->freed = true;
  stop_watchdog(ice);
  g_signal_handlers_disconnect_by_data(ice->agent, ice);
  nice_agent_attach_recv(ice->agent, ice->stream, COMPONENT, ice->ctx, NULL, NULL);
  if (ice->depth == 0) {
    destroy(ice);
    return;
  }
  /* Inside a callback libnice still uses the agent after we return. */
  GSource *idle = g_idle_source_new();
  g_source_set_callback(idle, destroy_idle, ice, NULL);
  g_source_attach(idle, ice->ctx);
  g_source_unref(idle);
}

/* ---- local and remote description ---- */

static void nice_local_credentials(const sb_ice *base, const char **ufrag, const char **pwd) {
  const nice_ice *ice = (const nice_ice *)base;
  if (ufrag) *ufrag = ice->ufrag;
  if (pwd) *pwd = ice->pwd;
}

static int nice_gather(sb_ice *base) {
  nice_ice *ice = (nice_ice *)base;
  if (ice->gathered || ice->freed) return SB_ESTATE;
  if (!nice_agent_gather_candidates(ice->agent, ice->stream)) return SB_EIO;
  ice->gathered = true;
  return SB_OK;
}

static int nice_set_remote_credentials(sb_ice *base, const char *ufrag, const char *pwd) {
  nice_ice *ice = (nice_ice *)base;
  if (ice->freed) return SB_ESTATE;
  if (!nice_agent_set_remote_credentials(ice->agent, ice->stream, ufrag, pwd)) return SB_EIO;
  g_free(ice->remote_ufrag);
  g_free(ice->remote_pwd);
  ice->remote_ufrag = g_strdup(ufrag);
  ice->remote_pwd = g_strdup(pwd);
  return SB_OK;
}

/* libnice's restart (RFC 8445 9: new local credentials, remote candidates
 * dropped except the selected pair's, which keeps carrying data until the
 * new checks select a pair). Keeping our credentials means putting the old
 * ones back. */
static int nice_restart(sb_ice *base, const char *ufrag, const char *pwd, bool new_local) {
  nice_ice *ice = (nice_ice *)base;
  if (ice->freed || ice->failed) return SB_ESTATE;
  if (!new_local && !g_strcmp0(ufrag, ice->remote_ufrag) && !g_strcmp0(pwd, ice->remote_pwd))
    return SB_OK;
  ice->restarting = ice->state == SB_ICE_CONNECTED;
  if (!nice_agent_restart_stream(ice->agent, ice->stream)) {
    ice->restarting = false;
    return SB_EIO;
  }
  if (new_local) {
    g_free(ice->ufrag);
    g_free(ice->pwd);
    ice->ufrag = ice->pwd = NULL;
    if (!nice_agent_get_local_credentials(ice->agent, ice->stream, &ice->ufrag, &ice->pwd)) {
      ice->ufrag = g_strdup("");
      ice->pwd = g_strdup("");
      return SB_EIO;
    }
  } else if (!nice_agent_set_local_credentials(ice->agent, ice->stream, ice->ufrag, ice->pwd)) {
    return SB_EIO;
  }
  return nice_set_remote_credentials(base, ufrag, pwd);
}

static int nice_add_remote_candidate(sb_ice *base, const char *candidate) {
  nice_ice *ice = (nice_ice *)base;
  if (ice->freed || !ice->gathered) return SB_ESTATE;
  if (!candidate) {
    nice_agent_peer_candidate_gathering_done(ice->agent, ice->stream); /* trickle only */
    return SB_OK;
  }
  char *sdp = g_strconcat("a=", candidate, NULL);
  NiceCandidate *c = nice_agent_parse_remote_candidate_sdp(ice->agent, ice->stream, sdp);
  g_free(sdp);
  if (!c) return SB_EINVAL;
  GSList one = {c, NULL};
  int added = nice_agent_set_remote_candidates(ice->agent, ice->stream, COMPONENT, &one);
  nice_candidate_free(c);
  return added < 0 ? SB_EIO : SB_OK;
}

/* ---- data, state, stats ---- */

static int nice_send(sb_ice *base, const uint8_t *data, size_t len) {
  nice_ice *ice = (nice_ice *)base;
  if (ice->freed || ice->failed || ice->state != SB_ICE_CONNECTED) return SB_ESTATE;
  gint n = nice_agent_send(ice->agent, ice->stream, COMPONENT, (guint)len, (const gchar *)data);
  return n == (gint)len ? SB_OK : SB_EIO;
}

static sb_ice_state nice_get_state(const sb_ice *base) { return ((const nice_ice *)base)->state; }

static bool format_addr(const NiceAddress *a, char *out, size_t len) {
  char ip[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string(a, ip);
  bool v6 = nice_address_ip_version(a) == 6;
  int n =
      g_snprintf(out, len, "%s%s%s:%u", v6 ? "[" : "", ip, v6 ? "]" : "", nice_address_get_port(a));
  return n > 0 && (size_t)n < len;
}

static int nice_selected_pair(sb_ice *base, char *local, size_t local_len, char *remote,
                              size_t remote_len) {
  nice_ice *ice = (nice_ice *)base;
  NiceCandidate *l = NULL, *r = NULL;
  if (ice->freed || !nice_agent_get_selected_pair(ice->agent, ice->stream, COMPONENT, &l, &r) ||
      !l || !r)
    return SB_ENOTFOUND;
  char lbuf[NICE_ADDRESS_STRING_LEN + 8], rbuf[NICE_ADDRESS_STRING_LEN + 8];
  if (!format_addr(&l->addr, lbuf, sizeof lbuf) || !format_addr(&r->addr, rbuf, sizeof rbuf) ||
      strlen(lbuf) >= local_len || strlen(rbuf) >= remote_len)
    return SB_ENOSPC;
  memcpy(local, lbuf, strlen(lbuf) + 1);
  memcpy(remote, rbuf, strlen(rbuf) + 1);
  return SB_OK;
}

static const sb_ice_ops nice_ops = {
    .free = nice_free,
    .local_credentials = nice_local_credentials,
    .gather = nice_gather,
    .set_remote_credentials = nice_set_remote_credentials,
    .restart = nice_restart,
    .add_remote_candidate = nice_add_remote_candidate,
    .send = nice_send,
    .get_state = nice_get_state,
    .selected_pair = nice_selected_pair,
};
