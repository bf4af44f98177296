/* test_ice.c - the ICE adapter (server/ice.c; lite on a udp_mux, full on
 * libnice) against a plain libnice agent, both in this process on one
 * GMainContext, over 127.0.0.1: connection in lite and full mode, data both
 * ways byte for byte, the disconnect timeout, rejected remote candidates and
 * credentials, NAT 1:1 rewriting and the port range, ICE restarts to a new
 * client (lite and full, with new or kept local credentials). It sends real UDP, so it runs in its
 * own network namespace: tests/ice/run_ice.sh. */
#include <gio/gio.h>
#include <nice/agent.h>
#include <string.h>

#include "core/error.h"
#include "core/stun.h"
#include "ice.h"
#include "udp_mux.h"

#define MAX_PACKETS 300
#define WINDOW      16 /* packets in flight per direction: no loss on loopback */
#define TIMEOUT_MS  1500

static const char *const lo[] = {"127.0.0.1"};
/* The lite agents' shared socket: one per fixture, on its context. */
static sb_udp_mux *test_mux;
#define MUX_PORT_MIN 47000
#define MUX_PORT_MAX 47009

typedef struct {
  GMainContext *ctx;
  sb_ice *srv;
  GPtrArray *srv_cands;
  bool srv_cands_done, free_on_failed, free_on_data;
  sb_ice_state srv_state;
  int srv_states, srv_failed;
  gint64 failed_at;
  char reason[128];
  NiceAgent *cli;
  guint cli_stream;
  guint cli_state;
  /* traffic: the server receives from the client and the other way round */
  unsigned n_packets, to_srv_sent, to_srv_got, to_cli_sent, to_cli_got, bad;
  guint8 srv_seen[MAX_PACKETS], cli_seen[MAX_PACKETS];
  GSocket *probe; /* a UDP socket of the test's own, for hand-made checks */
} fixture;

/* ---- packets: seq in bytes 1..4, the rest a pattern of (seq, index) ---- */

static size_t make_packet(unsigned seq, uint8_t *buf) {
  size_t len = 100 + (seq * 37u) % 1100u;
  buf[0] = 0x80; /* RTP-like first byte: never mistaken for STUN */
  buf[1] = (uint8_t)(seq >> 24), buf[2] = (uint8_t)(seq >> 16);
  buf[3] = (uint8_t)(seq >> 8), buf[4] = (uint8_t)seq;
  for (size_t i = 5; i < len; i++)
    buf[i] = (uint8_t)(seq * 131u + i * 7u);
  return len;
}

/* Counts a packet that matches its sequence number byte for byte. */
static void take_packet(fixture *f, const uint8_t *data, size_t len, guint8 *seen, unsigned *got) {
  uint8_t want[1500];
  unsigned seq = len >= 5 ? (unsigned)data[1] << 24 | (unsigned)data[2] << 16 |
                                (unsigned)data[3] << 8 | data[4]
                          : MAX_PACKETS;
  if (seq >= MAX_PACKETS || seen[seq] || make_packet(seq, want) != len ||
      memcmp(want, data, len) != 0) {
    f->bad++;
    return;
  }
  seen[seq] = 1;
  (*got)++;
}

/* ---- the server side: sb_ice callbacks ---- */

static void srv_candidate(void *user, const char *cand) {
  fixture *f = user;
  if (cand)
    g_ptr_array_add(f->srv_cands, g_strdup(cand));
  else
    f->srv_cands_done = true;
}

static void srv_state(void *user, sb_ice_state s) {
  fixture *f = user;
  f->srv_state = s;
  f->srv_states++;
}

static void srv_data(void *user, uint8_t *data, size_t len, size_t cap) {
  fixture *f = user;
  take_packet(f, data, len, f->srv_seen, &f->to_srv_got);
  g_assert_cmpuint(cap, >=, len);
  memset(data, 0xee, cap); /* borrowed and writable up to cap (ASan checks) */
  if (f->free_on_data) {
    sb_ice_free(f->srv); /* inside libnice's receive path: the release is deferred */
    f->srv = NULL;
  }
}

static void srv_failed(void *user, const char *reason) {
  fixture *f = user;
  f->srv_failed++;
  f->failed_at = g_get_monotonic_time();
  g_strlcpy(f->reason, reason, sizeof f->reason);
  if (f->free_on_failed) { /* freeing from inside a callback is allowed */
    sb_ice_free(f->srv);
    f->srv = NULL;
  }
}

static const sb_ice_callbacks srv_cbs = {srv_candidate, srv_state, srv_data, srv_failed};

/* ---- the client side: a plain full libnice agent, controlling ---- */

static void cli_state_cb(NiceAgent *agent, guint stream, guint component, guint state,
                         gpointer data) {
  ((fixture *)data)->cli_state = state;
}

static void cli_recv(NiceAgent *agent, guint stream, guint component, guint len, gchar *buf,
                     gpointer data) {
  fixture *f = data;
  take_packet(f, (const uint8_t *)buf, len, f->cli_seen, &f->to_cli_got);
}

static void client_new(fixture *f) {
  NiceAddress a;
  f->cli = nice_agent_new_full(f->ctx, NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_NONE);
  g_object_set(f->cli, "controlling-mode", TRUE, "ice-tcp", FALSE, "upnp", FALSE, NULL);
  nice_address_init(&a);
  g_assert_true(nice_address_set_from_string(&a, "127.0.0.1"));
  g_assert_true(nice_agent_add_local_address(f->cli, &a));
  f->cli_stream = nice_agent_add_stream(f->cli, 1);
  g_assert_cmpuint(f->cli_stream, >, 0);
  g_signal_connect(f->cli, "component-state-changed", G_CALLBACK(cli_state_cb), f);
  nice_agent_attach_recv(f->cli, f->cli_stream, 1, f->ctx, cli_recv, f);
  g_assert_true(nice_agent_gather_candidates(f->cli, f->cli_stream));
}

static void client_free(fixture *f) {
  nice_agent_attach_recv(f->cli, f->cli_stream, 1, f->ctx, NULL, NULL);
  g_object_unref(f->cli);
  f->cli = NULL;
}

/* ---- running the loop ---- */

static fixture *fixture_new(void) {
  fixture *f = g_new0(fixture, 1);
  f->ctx = g_main_context_new();
  g_main_context_push_thread_default(f->ctx);
  f->srv_cands = g_ptr_array_new_with_free_func(g_free);
  char why[160];
  g_assert_cmpint(
      sb_udp_mux_new(f->ctx, "127.0.0.1", MUX_PORT_MIN, MUX_PORT_MAX, &test_mux, why, sizeof why),
      ==, SB_OK);
  f->probe =
      g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_assert_nonnull(f->probe);
  g_socket_set_blocking(f->probe, FALSE);
  GInetAddress *ip = g_inet_address_new_from_string("127.0.0.1");
  GSocketAddress *any = g_inet_socket_address_new(ip, 0);
  g_assert_true(g_socket_bind(f->probe, any, FALSE, NULL));
  g_object_unref(any);
  g_object_unref(ip);
  return f;
}

static gboolean keep_going(gpointer data) { return G_SOURCE_CONTINUE; }

static bool run_until(fixture *f, bool (*cond)(fixture *), unsigned ms) {
  gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
  GSource *tick = g_timeout_source_new(5);
  g_source_set_callback(tick, keep_going, NULL, NULL);
  g_source_attach(tick, f->ctx);
  bool ok;
  while (!(ok = cond(f)) && g_get_monotonic_time() < end)
    g_main_context_iteration(f->ctx, TRUE);
  g_source_destroy(tick);
  g_source_unref(tick);
  return ok;
}

static bool never(fixture *f) { return false; }

static void fixture_free(fixture *f) {
  sb_ice_free(f->srv);
  if (f->cli) client_free(f);
  run_until(f, never, 20); /* let deferred releases run */
  sb_udp_mux_free(test_mux);
  test_mux = NULL;
  g_ptr_array_unref(f->srv_cands);
  g_object_unref(f->probe);
  g_main_context_pop_thread_default(f->ctx);
  g_main_context_unref(f->ctx);
  g_free(f);
}

static bool both_connected(fixture *f) {
  return f->srv_state == SB_ICE_CONNECTED && (f->cli_state == NICE_COMPONENT_STATE_CONNECTED ||
                                              f->cli_state == NICE_COMPONENT_STATE_READY);
}

static void pump(fixture *f) {
  uint8_t buf[1500];
  while (f->to_srv_sent < f->n_packets && f->to_srv_sent - f->to_srv_got < WINDOW) {
    size_t len = make_packet(f->to_srv_sent++, buf);
    g_assert_cmpint(nice_agent_send(f->cli, f->cli_stream, 1, (guint)len, (gchar *)buf), ==,
                    (gint)len);
  }
  while (f->to_cli_sent < f->n_packets && f->to_cli_sent - f->to_cli_got < WINDOW) {
    size_t len = make_packet(f->to_cli_sent++, buf);
    g_assert_cmpint(sb_ice_send(f->srv, buf, len), ==, SB_OK);
  }
}

static bool traffic_done(fixture *f) {
  if (f->bad) return true;
  pump(f);
  return f->to_srv_got == f->n_packets && f->to_cli_got == f->n_packets;
}

static bool srv_has_failed(fixture *f) { return f->srv_failed > 0; }

/* Gathers on both sides and exchanges credentials and candidates through the
 * API; with_prefix hands the client's candidates over as "a=candidate:...". */
static void exchange(fixture *f, bool with_prefix) {
  const char *ufrag, *pwd;
  char *cufrag, *cpwd;
  if (!f->srv_cands_done) g_assert_cmpint(sb_ice_gather(f->srv), ==, SB_OK);
  g_assert_true(f->srv_cands_done);
  g_assert_cmpuint(f->srv_cands->len, >=, 1);
  g_assert_true(nice_agent_get_local_credentials(f->cli, f->cli_stream, &cufrag, &cpwd));
  g_assert_cmpint(sb_ice_set_remote_credentials(f->srv, cufrag, cpwd), ==, SB_OK);
  g_free(cufrag);
  g_free(cpwd);

  sb_ice_local_credentials(f->srv, &ufrag, &pwd);
  g_assert_true(nice_agent_set_remote_credentials(f->cli, f->cli_stream, ufrag, pwd));
  GSList *rc = NULL;
  for (guint i = 0; i < f->srv_cands->len; i++) {
    char *sdp = g_strconcat("a=", (char *)f->srv_cands->pdata[i], NULL);
    NiceCandidate *c = nice_agent_parse_remote_candidate_sdp(f->cli, f->cli_stream, sdp);
    g_assert_nonnull(c);
    rc = g_slist_append(rc, c);
    g_free(sdp);
  }
  g_assert_cmpint(nice_agent_set_remote_candidates(f->cli, f->cli_stream, 1, rc), >=, 1);
  g_slist_free_full(rc, (GDestroyNotify)nice_candidate_free);

  GSList *lc = nice_agent_get_local_candidates(f->cli, f->cli_stream, 1);
  g_assert_nonnull(lc);
  for (GSList *l = lc; l; l = l->next) {
    char *sdp = nice_agent_generate_local_candidate_sdp(f->cli, l->data);
    const char *s = with_prefix || !g_str_has_prefix(sdp, "a=") ? sdp : sdp + 2;
    g_assert_cmpint(sb_ice_add_remote_candidate(f->srv, s), ==, SB_OK);
    g_free(sdp);
  }
  g_slist_free_full(lc, (GDestroyNotify)nice_candidate_free);
  g_assert_cmpint(sb_ice_add_remote_candidate(f->srv, NULL), ==, SB_OK);
}

static void check_selected_pair(fixture *f) {
  char local[64], remote[64], tiny[4] = "xyz";
  g_assert_cmpint(sb_ice_selected_pair(f->srv, local, sizeof local, remote, sizeof remote), ==,
                  SB_OK);
  g_assert_true(g_str_has_prefix(local, "127.0.0.1:"));
  g_assert_true(g_str_has_prefix(remote, "127.0.0.1:"));
  g_assert_cmpstr(local, !=, remote);
  g_assert_cmpint(sb_ice_selected_pair(f->srv, tiny, sizeof tiny, remote, sizeof remote), ==,
                  SB_ENOSPC);
  g_assert_cmpstr(tiny, ==, "xyz");
}

static sb_ice_config loopback_config(bool lite) {
  sb_ice_config cfg;
  sb_ice_config_init(&cfg);
  cfg.lite = lite;
  cfg.mux = test_mux;
  cfg.local_addrs = lo;
  cfg.n_local_addrs = 1;
  cfg.disconnect_timeout_ms = TIMEOUT_MS;
  return cfg;
}

/* Connects, moves n packets each way, then stops the client and expects
 * on_failed within the disconnect timeout. */
static void connect_traffic_disconnect(bool lite, unsigned n) {
  fixture *f = fixture_new();
  sb_ice_config cfg = loopback_config(lite);
  f->srv = sb_ice_new(f->ctx, &cfg, &srv_cbs, f);
  g_assert_nonnull(f->srv);
  client_new(f);
  exchange(f, false);
  g_assert_true(run_until(f, both_connected, 5000));
  g_assert_cmpint(sb_ice_get_state(f->srv), ==, SB_ICE_CONNECTED);
  check_selected_pair(f);

  f->n_packets = n;
  g_assert_true(run_until(f, traffic_done, 10000));
  g_assert_cmpuint(f->bad, ==, 0);
  g_assert_cmpuint(f->to_srv_got, ==, n);
  g_assert_cmpuint(f->to_cli_got, ==, n);
  g_assert_cmpint(f->srv_failed, ==, 0);

  f->free_on_failed = lite; /* lite: free inside on_failed; full: afterwards */
  gint64 stopped = g_get_monotonic_time();
  client_free(f);
  g_assert_true(run_until(f, srv_has_failed, 3 * TIMEOUT_MS));
  gint64 elapsed_ms = (f->failed_at - stopped) / 1000;
  g_test_message("on_failed after %" G_GINT64_FORMAT " ms: %s", elapsed_ms, f->reason);
  g_assert_cmpint(elapsed_ms, >=, TIMEOUT_MS - 300);
  g_assert_cmpint(elapsed_ms, <=, TIMEOUT_MS + 500);
  g_assert_cmpint(f->srv_state, ==, SB_ICE_FAILED);
  g_assert_nonnull(strstr(f->reason, "no packet received"));
  if (!lite) g_assert_cmpint(sb_ice_send(f->srv, (const uint8_t *)"x", 1), ==, SB_ESTATE);
  run_until(f, never, 100);
  g_assert_cmpint(f->srv_failed, ==, 1);
  fixture_free(f);
}

static void test_lite(void) { connect_traffic_disconnect(true, MAX_PACKETS); }
static void test_full(void) { connect_traffic_disconnect(false, 100); }

/* ---- ICE restart ---- */

/* Hands the client the server's (new) credentials and candidates and the
 * server the client's candidates, after sb_ice_restart(). */
static void exchange_after_restart(fixture *f) {
  const char *ufrag, *pwd;
  sb_ice_local_credentials(f->srv, &ufrag, &pwd);
  g_assert_true(nice_agent_set_remote_credentials(f->cli, f->cli_stream, ufrag, pwd));
  GSList *rc = NULL;
  for (guint i = 0; i < f->srv_cands->len; i++) {
    char *sdp = g_strconcat("a=", (char *)f->srv_cands->pdata[i], NULL);
    rc = g_slist_append(rc, nice_agent_parse_remote_candidate_sdp(f->cli, f->cli_stream, sdp));
    g_free(sdp);
  }
  g_assert_cmpint(nice_agent_set_remote_candidates(f->cli, f->cli_stream, 1, rc), >=, 1);
  g_slist_free_full(rc, (GDestroyNotify)nice_candidate_free);
  GSList *lc = nice_agent_get_local_candidates(f->cli, f->cli_stream, 1);
  for (GSList *l = lc; l; l = l->next) {
    char *sdp = nice_agent_generate_local_candidate_sdp(f->cli, l->data);
    g_assert_cmpint(sb_ice_add_remote_candidate(f->srv, sdp), ==, SB_OK);
    g_free(sdp);
  }
  g_slist_free_full(lc, (GDestroyNotify)nice_candidate_free);
  g_assert_cmpint(sb_ice_add_remote_candidate(f->srv, NULL), ==, SB_OK);
}

/* "127.0.0.1:<port>" of the client's host candidate. */
static char *client_address(fixture *f) {
  GSList *lc = nice_agent_get_local_candidates(f->cli, f->cli_stream, 1);
  g_assert_nonnull(lc);
  NiceCandidate *c = lc->data;
  char *text = g_strdup_printf("127.0.0.1:%u", nice_address_get_port(&c->addr));
  g_slist_free_full(lc, (GDestroyNotify)nice_candidate_free);
  return text;
}

static char selected_want[64];

static bool connected_to_wanted(fixture *f) {
  char l[64], r[64];
  return both_connected(f) && sb_ice_selected_pair(f->srv, l, sizeof l, r, sizeof r) == SB_OK &&
         !strcmp(r, selected_want);
}

static bool probe_readable(fixture *f) {
  return g_socket_condition_check(f->probe, G_IO_IN) & G_IO_IN;
}

/* A Binding request from the test's own socket with USERNAME `user`,
 * signed with `pwd`. Returns the answer's STUN type, 0 when none came
 * within 300 ms. */
static int probe_check(fixture *f, const char *user, const char *pwd) {
  uint8_t buf[512], txid[SB_STUN_TXID_LEN];
  for (size_t i = 0; i < sizeof txid; i++)
    txid[i] = (uint8_t)g_random_int();
  sb_stun_writer w;
  sb_stun_writer_init(&w, buf, sizeof buf, SB_STUN_BINDING_REQUEST, txid);
  sb_stun_put_bytes(&w, SB_STUN_ATTR_USERNAME, user, strlen(user));
  sb_stun_put_u32(&w, SB_STUN_ATTR_PRIORITY, 1845501695u);
  sb_stun_put_u64(&w, SB_STUN_ATTR_ICE_CONTROLLING, 0x1122334455667788ull);
  sb_stun_put_integrity(&w, (const uint8_t *)pwd, strlen(pwd));
  sb_stun_put_fingerprint(&w);
  int n = sb_stun_writer_finish(&w);
  g_assert_cmpint(n, >, 0);
  GInetAddress *ip = g_inet_address_new_from_string("127.0.0.1");
  GSocketAddress *to = g_inet_socket_address_new(ip, sb_udp_mux_port(test_mux));
  g_assert_cmpint(g_socket_send_to(f->probe, to, (const gchar *)buf, (gsize)n, NULL, NULL), ==, n);
  g_object_unref(to);
  g_object_unref(ip);
  if (!run_until(f, probe_readable, 300)) return 0;
  gssize got = g_socket_receive(f->probe, (gchar *)buf, sizeof buf, NULL, NULL);
  sb_stun_msg m;
  g_assert_cmpint(got, >, 0);
  g_assert_cmpint(sb_stun_parse(buf, (size_t)got, &m), ==, SB_OK);
  g_assert_cmpmem(m.txid, SB_STUN_TXID_LEN, txid, SB_STUN_TXID_LEN);
  return m.type;
}

/* A connected client is replaced by a new one (new credentials, new port:
 * a browser that changed network) and the server restarts ICE: taking new
 * credentials of its own (new_local), or keeping them (the browser
 * restarted in an answer). The state stays connected, data goes over the
 * old pair until the new one is up, then over the new one; lite refuses
 * the old credentials once the new generation was checked. */
static void restart_to_new_client(bool lite, bool new_local) {
  fixture *f = fixture_new();
  sb_ice_config cfg = loopback_config(lite);
  f->srv = sb_ice_new(f->ctx, &cfg, &srv_cbs, f);
  g_assert_nonnull(f->srv);
  client_new(f);
  exchange(f, false);
  g_assert_true(run_until(f, both_connected, 5000));
  f->n_packets = 50;
  g_assert_true(run_until(f, traffic_done, 10000));
  g_assert_cmpuint(f->bad, ==, 0);
  char l[64], before[64];
  g_assert_cmpint(sb_ice_selected_pair(f->srv, l, sizeof l, before, sizeof before), ==, SB_OK);
  const char *u, *p;
  sb_ice_local_credentials(f->srv, &u, &p);
  char *old_ufrag = g_strdup(u), *old_pwd = g_strdup(p), *old_cli_ufrag = NULL, *old_cli_pwd = NULL;
  g_assert_true(
      nice_agent_get_local_credentials(f->cli, f->cli_stream, &old_cli_ufrag, &old_cli_pwd));
  char *old_user = g_strdup_printf("%s:%s", old_ufrag, old_cli_ufrag);

  /* The old client stays up (its keepalive checks go on) but is no longer
   * watched. */
  NiceAgent *old_cli = f->cli;
  guint old_stream = f->cli_stream;
  g_signal_handlers_disconnect_by_data(old_cli, f);
  nice_agent_attach_recv(old_cli, old_stream, 1, f->ctx, NULL, NULL);
  f->cli = NULL;
  f->cli_state = NICE_COMPONENT_STATE_DISCONNECTED;
  f->to_srv_sent = f->to_srv_got = f->to_cli_sent = f->to_cli_got = 0;
  memset(f->srv_seen, 0, sizeof f->srv_seen);
  memset(f->cli_seen, 0, sizeof f->cli_seen);
  client_new(f);
  char *cufrag, *cpwd, *want = client_address(f);
  g_strlcpy(selected_want, want, sizeof selected_want);
  g_assert_cmpstr(want, !=, before);
  g_assert_true(nice_agent_get_local_credentials(f->cli, f->cli_stream, &cufrag, &cpwd));

  int states = f->srv_states;
  g_assert_cmpint(sb_ice_restart(f->srv, "ab", cpwd, new_local), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_restart(f->srv, cufrag, cpwd, new_local), ==, SB_OK);
  run_until(f, never, 50);
  g_assert_cmpint(f->srv_states, ==, states); /* no state change */
  g_assert_cmpint(sb_ice_get_state(f->srv), ==, SB_ICE_CONNECTED);
  sb_ice_local_credentials(f->srv, &u, &p);
  if (new_local) {
    g_assert_cmpstr(u, !=, old_ufrag);
    g_assert_cmpstr(p, !=, old_pwd);
  } else {
    g_assert_cmpstr(u, ==, old_ufrag);
    g_assert_cmpstr(p, ==, old_pwd);
  }
  char *new_user = g_strdup_printf("%s:%s", u, cufrag), *new_pwd = g_strdup(p);
  /* Until the new generation is checked, the old pair still carries data. */
  uint8_t one = 0x80;
  g_assert_cmpint(sb_ice_send(f->srv, &one, 1), ==, SB_OK);
  if (lite) /* and the old credentials are still answered */
    g_assert_cmpint(probe_check(f, old_user, old_pwd), ==, SB_STUN_BINDING_SUCCESS);

  exchange_after_restart(f);
  g_assert_true(run_until(f, connected_to_wanted, 8000));
  f->n_packets = 50;
  g_assert_true(run_until(f, traffic_done, 10000));
  g_assert_cmpuint(f->bad, ==, 0);
  g_assert_cmpuint(f->to_srv_got, ==, 50);
  g_assert_cmpuint(f->to_cli_got, ==, 50);
  g_assert_cmpint(f->srv_failed, ==, 0);
  g_assert_cmpint(sb_ice_get_state(f->srv), ==, SB_ICE_CONNECTED);
  if (lite) {
    /* The old generation is over: its checks get no success any more (the
     * probe's address is known, so the agent refuses them: 401), the new
     * generation's do. */
    int t = probe_check(f, old_user, old_pwd);
    g_assert_cmpint(t, !=, SB_STUN_BINDING_SUCCESS);
    g_assert_cmpint(probe_check(f, new_user, new_pwd), ==, SB_STUN_BINDING_SUCCESS);
    g_assert_cmpint(probe_check(f, old_user, old_pwd), ==, SB_STUN_BINDING_ERROR);
  }
  g_free(want);
  g_free(cufrag);
  g_free(cpwd);
  g_free(old_ufrag);
  g_free(old_pwd);
  g_free(old_cli_ufrag);
  g_free(old_cli_pwd);
  g_free(old_user);
  g_free(new_user);
  g_free(new_pwd);
  g_object_unref(old_cli);
  fixture_free(f);
}

static void test_restart_lite(void) { restart_to_new_client(true, true); }
static void test_restart_lite_keep_local(void) { restart_to_new_client(true, false); }
static void test_restart_full(void) { restart_to_new_client(false, true); }
static void test_restart_full_keep_local(void) { restart_to_new_client(false, false); }

static void test_bad_remote_input(void) {
  static const char *const bad[] = {
      "garbage",
      "candidate:",
      "candidate:1 1 udp 2122260223 3f0c6a1e-5b3d-4c2a-9e7f-0a1b2c3d4e5f.local 54321 typ host",
      "candidate:1 1 udp 2122260223 example.org 54321 typ host",
      "candidate:1 1 udp 2122260223 127.0.0.1 99999 typ host",
      "candidate:1 1 udp 2122260223 127.0.0.1 0 typ host",
      "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ bogus",
      "candidate:1 1 udp 2122260223 127.0.0.1 5000",
      "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host generation",
      "candidate:1  1 udp 2122260223 127.0.0.1 5000 typ host",
      "candidate:1 1 udp 99999999999 127.0.0.1 5000 typ host",
      "candidate:1 0 udp 2122260223 127.0.0.1 5000 typ host",
      "candidate:1 1 sctp 2122260223 127.0.0.1 5000 typ host",
      "candidate:1 1 udp 1686052607 127.0.0.1 5000 typ srflx raddr x.local rport 9",
      "candidate:1 1 udp -5 127.0.0.1 5000 typ host",
  };
  fixture *f = fixture_new();
  sb_ice_config cfg = loopback_config(true);
  f->srv = sb_ice_new(f->ctx, &cfg, &srv_cbs, f);
  client_new(f);
  const uint8_t one = 0x80;
  g_assert_cmpint(sb_ice_send(f->srv, &one, 1), ==, SB_ESTATE);
  g_assert_cmpint(sb_ice_send(f->srv, &one, 0), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_add_remote_candidate(f->srv, bad[2]), ==, SB_ESTATE); /* before gather */
  g_assert_cmpint(sb_ice_gather(f->srv), ==, SB_OK);
  g_assert_cmpint(sb_ice_gather(f->srv), ==, SB_ESTATE);
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_test_message("%s", bad[i]);
    g_assert_cmpint(sb_ice_add_remote_candidate(f->srv, bad[i]), ==, SB_EINVAL);
  }
  g_assert_cmpint(
      sb_ice_add_remote_candidate(f->srv, "candidate:1 1 TCP 2122260223 127.0.0.1 9 typ host"), ==,
      SB_EUNSUPPORTED);
  g_assert_cmpint(
      sb_ice_add_remote_candidate(f->srv, "candidate:1 2 udp 2122260223 127.0.0.1 5000 typ host"),
      ==, SB_EUNSUPPORTED);
  const char *good_pwd = "abcdefghijklmnopqrstuv";
  g_assert_cmpint(sb_ice_set_remote_credentials(f->srv, "ab", good_pwd), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_set_remote_credentials(f->srv, "abcd", "short"), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_set_remote_credentials(f->srv, "ab d", good_pwd), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_set_remote_credentials(f->srv, NULL, good_pwd), ==, SB_EINVAL);
  g_assert_cmpint(f->srv_states, ==, 0); /* nothing above moved the state */

  /* The connection still completes, with "a=" prefixed candidates. */
  exchange(f, true);
  g_assert_true(run_until(f, both_connected, 5000));
  g_assert_cmpint(sb_ice_add_remote_candidate(f->srv, bad[2]), ==, SB_EINVAL);
  f->n_packets = 20;
  g_assert_true(run_until(f, traffic_done, 5000));
  g_assert_cmpuint(f->bad, ==, 0);
  g_assert_cmpint(sb_ice_get_state(f->srv), ==, SB_ICE_CONNECTED);
  fixture_free(f);
}

static bool srv_gone(fixture *f) { return f->srv == NULL; }

static void test_free_inside_callback(void) {
  fixture *f = fixture_new();
  sb_ice_config cfg = loopback_config(true);
  f->srv = sb_ice_new(f->ctx, &cfg, &srv_cbs, f);
  client_new(f);
  exchange(f, false);
  g_assert_true(run_until(f, both_connected, 5000));
  f->free_on_data = true;
  uint8_t buf[1500];
  size_t len = make_packet(0, buf);
  g_assert_cmpint(nice_agent_send(f->cli, f->cli_stream, 1, (guint)len, (gchar *)buf), ==,
                  (gint)len);
  g_assert_true(run_until(f, srv_gone, 2000));
  g_assert_cmpuint(f->to_srv_got, ==, 1);
  /* More packets and the client's checks reach a closed agent: no callbacks. */
  g_assert_cmpint(nice_agent_send(f->cli, f->cli_stream, 1, (guint)len, (gchar *)buf), ==,
                  (gint)len);
  run_until(f, never, 100);
  g_assert_cmpuint(f->to_srv_got, ==, 1);
  g_assert_cmpint(f->srv_failed, ==, 0);
  fixture_free(f);
}

static void test_public_ip_and_port_range(void) {
  fixture *f = fixture_new();
  sb_ice_config cfg = loopback_config(true);
  cfg.public_ip = "203.0.113.7"; /* the port range is the mux's */
  f->srv = sb_ice_new(f->ctx, &cfg, &srv_cbs, f);
  g_assert_nonnull(f->srv);
  const char *ufrag, *pwd;
  sb_ice_local_credentials(f->srv, &ufrag, &pwd);
  g_assert_cmpuint(strlen(ufrag), >=, 4);
  g_assert_cmpuint(strlen(pwd), >=, 22);
  g_assert_cmpint(sb_ice_gather(f->srv), ==, SB_OK);
  g_assert_true(f->srv_cands_done);
  g_assert_cmpuint(f->srv_cands->len, ==, 1);
  const char *c = f->srv_cands->pdata[0];
  g_test_message("%s", c);
  g_assert_true(g_str_has_prefix(c, "candidate:"));
  g_assert_nonnull(strstr(c, " udp "));
  g_assert_null(strstr(c, "127.0.0.1"));
  const char *at = strstr(c, " 203.0.113.7 ");
  g_assert_nonnull(at);
  unsigned port = (unsigned)g_ascii_strtoull(at + strlen(" 203.0.113.7 "), NULL, 10);
  g_assert_cmpuint(port, >=, MUX_PORT_MIN);
  g_assert_cmpuint(port, <=, MUX_PORT_MAX);
  g_assert_cmpuint(port, ==, sb_udp_mux_port(test_mux));
  g_assert_true(g_str_has_suffix(c, " typ host"));
  char l[64], r[64];
  g_assert_cmpint(sb_ice_selected_pair(f->srv, l, sizeof l, r, sizeof r), ==, SB_ENOTFOUND);
  fixture_free(f);
}

static void test_bad_config(void) {
  static const char *const not_ip[] = {"not-an-ip"};
  GMainContext *ctx = g_main_context_new();
  char why[160];
  g_assert_cmpint(sb_udp_mux_new(ctx, "127.0.0.1", 0, 0, &test_mux, why, sizeof why), ==, SB_OK);
  sb_ice_config cfg = loopback_config(false);
  cfg.local_addrs = not_ip;
  g_assert_null(sb_ice_new(ctx, &cfg, NULL, NULL));
  cfg = loopback_config(true);
  cfg.mux = NULL; /* lite needs the worker's socket */
  g_assert_null(sb_ice_new(ctx, &cfg, NULL, NULL));
  g_assert_null(sb_ice_new(ctx, NULL, NULL, NULL)); /* the defaults are lite */
  cfg = loopback_config(true);
  cfg.public_ip = "public";
  g_assert_null(sb_ice_new(ctx, &cfg, NULL, NULL));
  cfg = loopback_config(true);
  cfg.port_min = 6000, cfg.port_max = 5000;
  g_assert_null(sb_ice_new(ctx, &cfg, NULL, NULL));
  cfg.port_min = 0;
  g_assert_null(sb_ice_new(ctx, &cfg, NULL, NULL));
  cfg = loopback_config(true);
  sb_ice *ice = sb_ice_new(ctx, &cfg, NULL, NULL); /* no callbacks */
  g_assert_nonnull(ice);
  g_assert_cmpint(sb_ice_get_state(ice), ==, SB_ICE_NEW);
  g_assert_cmpint(sb_ice_gather(ice), ==, SB_OK);
  sb_ice_free(ice);
  sb_ice_free(NULL);
  sb_udp_mux_free(test_mux);
  test_mux = NULL;
  /* Bad mux settings. */
  sb_udp_mux *m = NULL;
  g_assert_cmpint(sb_udp_mux_new(ctx, "not-an-ip", 0, 0, &m, why, sizeof why), ==, SB_EINVAL);
  g_assert_cmpint(sb_udp_mux_new(ctx, "127.0.0.1", 6000, 5000, &m, why, sizeof why), ==, SB_EINVAL);
  g_assert_null(m);
  g_assert_cmpstr(sb_ice_state_name(SB_ICE_CONNECTED), ==, "connected");
  g_assert_cmpstr(sb_ice_state_name((sb_ice_state)42), ==, "unknown");
  g_main_context_unref(ctx);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ice/lite/connect-data-disconnect", test_lite);
  g_test_add_func("/ice/full/connect-data-disconnect", test_full);
  g_test_add_func("/ice/lite/restart", test_restart_lite);
  g_test_add_func("/ice/lite/restart-keep-local", test_restart_lite_keep_local);
  g_test_add_func("/ice/full/restart", test_restart_full);
  g_test_add_func("/ice/full/restart-keep-local", test_restart_full_keep_local);
  g_test_add_func("/ice/bad-remote-input", test_bad_remote_input);
  g_test_add_func("/ice/free-inside-callback", test_free_inside_callback);
  g_test_add_func("/ice/public-ip-and-port-range", test_public_ip_and_port_range);
  g_test_add_func("/ice/bad-config", test_bad_config);
  return g_test_run();
}
