/* test_ice_client.c - the load generator's ICE agent (ice_client.c, read by
 * poller.c) over real UDP on 127.0.0.1: against the server's ICE-lite
 * (sb_ice on a udp_mux, as Switchboard runs it) and full ICE (sb_ice on
 * libnice, as Janus runs it) in both roles, against a hand-driven socket
 * that checks the requests byte by byte and the retransmission schedule,
 * the answers to the remote's checks (our password, role conflicts), the
 * set-up and consent timeouts, refused candidates, and many agents on one
 * poller. Everything runs on one GMainContext in this process; it sends
 * real UDP, so it runs in its own network namespace (run_ice_client.sh). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "core/stun.h"
#include "ice.h"
#include "ice_client.h"
#include "poller.h"
#include "udp_mux.h"

#define N_PACKETS   200
#define WINDOW      16
#define TIMEOUT_MS  3000
#define MANY        40
#define STREAM_MARK 0x90 /* sustained traffic, counted but not checked */

static const char *const lo[] = {"127.0.0.1"};

typedef struct fixture fixture;

/* One server-side agent and one generator agent, connected to each other. */
typedef struct {
  fixture *f;
  sb_ice *srv;
  GPtrArray *srv_cands;
  bool srv_cands_done;
  sb_ice_state srv_state;
  int srv_failed;
  sb_lg_ice *cli;
  GPtrArray *cli_cands;
  bool cli_cands_done, free_on_connected;
  sb_lg_ice_state cli_state;
  int cli_failed;
  gint64 cli_failed_at;
  char reason[128];
  unsigned to_srv_sent, to_srv_got, to_cli_sent, to_cli_got, bad, streamed;
} pair;

struct fixture {
  GMainContext *ctx;
  sb_udp_mux *mux;
  sb_lg_poller *poller;
  pair *pairs[MANY];
  int n_pairs;
};

/* ---- packets: a sequence number in bytes 1..4, then a pattern ---- */

static size_t make_packet(unsigned seq, uint8_t *buf) {
  size_t len = 60 + (seq * 53u) % 1100u;
  buf[0] = 0x80; /* never STUN */
  buf[1] = (uint8_t)(seq >> 24), buf[2] = (uint8_t)(seq >> 16);
  buf[3] = (uint8_t)(seq >> 8), buf[4] = (uint8_t)seq;
  for (size_t i = 5; i < len; i++)
    buf[i] = (uint8_t)(seq * 29u + i * 3u);
  return len;
}

static void take_packet(pair *p, const uint8_t *data, size_t len, unsigned *got) {
  uint8_t want[1500];
  unsigned seq = len >= 5 ? (unsigned)data[1] << 24 | (unsigned)data[2] << 16 |
                                (unsigned)data[3] << 8 | data[4]
                          : N_PACKETS;
  if (seq != *got || seq >= N_PACKETS || make_packet(seq, want) != len ||
      memcmp(want, data, len) != 0) {
    p->bad++;
    return;
  }
  (*got)++;
}

/* ---- the server side ---- */

static void srv_candidate(void *user, const char *cand) {
  pair *p = user;
  if (cand)
    g_ptr_array_add(p->srv_cands, g_strdup(cand));
  else
    p->srv_cands_done = true;
}
static void srv_state(void *user, sb_ice_state s) { ((pair *)user)->srv_state = s; }
static void srv_data(void *user, uint8_t *data, size_t len, size_t cap) {
  pair *p = user;
  g_assert_cmpuint(cap, >=, len);
  take_packet(p, data, len, &p->to_srv_got);
}
static void srv_failed(void *user, const char *reason) { ((pair *)user)->srv_failed++; }
static const sb_ice_callbacks srv_cbs = {srv_candidate, srv_state, srv_data, srv_failed};

/* ---- the generator side ---- */

static void cli_candidate(void *user, const char *cand) {
  pair *p = user;
  if (cand)
    g_ptr_array_add(p->cli_cands, g_strdup(cand));
  else
    p->cli_cands_done = true;
}
static void cli_state(void *user, sb_lg_ice_state s) {
  pair *p = user;
  p->cli_state = s;
  if (s == SB_LG_ICE_CONNECTED && p->free_on_connected) {
    sb_lg_ice_free(p->cli); /* inside a callback, inside the poller's dispatch */
    p->cli = NULL;
  }
}
static void cli_data(void *user, uint8_t *data, size_t len) {
  pair *p = user;
  /* The kernel's receive time: in the past, and recent. */
  gint64 arrival = sb_lg_poller_arrival_ns(p->f->poller), now = g_get_monotonic_time() * 1000;
  if (arrival > now + 1000000 || now - arrival > G_GINT64_CONSTANT(2000000000)) p->bad++;
  if (len && data[0] == STREAM_MARK)
    p->streamed++;
  else
    take_packet(p, data, len, &p->to_cli_got);
  memset(data, 0xee, len); /* writable */
}
static void cli_failed(void *user, const char *reason) {
  pair *p = user;
  p->cli_failed++;
  p->cli_failed_at = g_get_monotonic_time();
  g_strlcpy(p->reason, reason, sizeof p->reason);
}
static const sb_lg_ice_callbacks cli_cbs = {cli_candidate, cli_state, cli_data, cli_failed};

/* ---- fixture and loop ---- */

static fixture *fixture_new(void) {
  fixture *f = g_new0(fixture, 1);
  f->ctx = g_main_context_new();
  g_main_context_push_thread_default(f->ctx);
  char why[160];
  g_assert_cmpint(sb_udp_mux_new(f->ctx, "127.0.0.1", 0, 0, &f->mux, why, sizeof why), ==, SB_OK);
  g_assert_cmpint(sb_lg_poller_new(f->ctx, &f->poller), ==, SB_OK);
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

static sb_lg_ice_config client_config(bool controlling) {
  sb_lg_ice_config c;
  sb_lg_ice_config_init(&c);
  c.address = "127.0.0.1";
  c.controlling = controlling;
  return c;
}

/* A pair: the server side lite (on the mux) or full (libnice) in the
 * given role; the generator side with cfg. */
static pair *pair_new(fixture *f, bool lite, bool srv_controlling, const sb_lg_ice_config *cfg) {
  pair *p = g_new0(pair, 1);
  p->f = f;
  p->srv_cands = g_ptr_array_new_with_free_func(g_free);
  p->cli_cands = g_ptr_array_new_with_free_func(g_free);
  sb_ice_config sc;
  sb_ice_config_init(&sc);
  sc.lite = lite;
  sc.mux = f->mux;
  sc.controlling = srv_controlling;
  sc.local_addrs = lo;
  sc.n_local_addrs = 1;
  sc.disconnect_timeout_ms = 30000;
  p->srv = sb_ice_new(f->ctx, &sc, &srv_cbs, p);
  g_assert_nonnull(p->srv);
  g_assert_cmpint(sb_lg_ice_new(f->ctx, f->poller, cfg, &cli_cbs, p, &p->cli), ==, SB_OK);
  g_assert_cmpint(f->n_pairs, <, MANY);
  f->pairs[f->n_pairs++] = p;
  return p;
}

/* Gathers both sides and hands each the other's credentials and
 * candidates, as the signaling would. */
static void exchange(pair *p, bool srv_is_lite) {
  const char *su, *sp, *cu, *cp;
  g_assert_cmpint(sb_ice_gather(p->srv), ==, SB_OK);
  g_assert_cmpint(sb_lg_ice_gather(p->cli), ==, SB_OK);
  g_assert_true(p->srv_cands_done && p->cli_cands_done);
  g_assert_cmpuint(p->cli_cands->len, ==, 1);
  g_assert_cmpint(sb_lg_ice_gather(p->cli), ==, SB_ESTATE);
  sb_ice_local_credentials(p->srv, &su, &sp);
  sb_lg_ice_local_credentials(p->cli, &cu, &cp);
  g_assert_cmpint(sb_ice_set_remote_credentials(p->srv, cu, cp), ==, SB_OK);
  for (guint i = 0; i < p->cli_cands->len; i++)
    g_assert_cmpint(sb_ice_add_remote_candidate(p->srv, p->cli_cands->pdata[i]), ==, SB_OK);
  g_assert_cmpint(sb_ice_add_remote_candidate(p->srv, NULL), ==, SB_OK);
  sb_lg_ice_set_remote_lite(p->cli, srv_is_lite);
  g_assert_cmpint(sb_lg_ice_set_remote_credentials(p->cli, su, sp), ==, SB_OK);
  for (guint i = 0; i < p->srv_cands->len; i++)
    g_assert_cmpint(sb_lg_ice_add_remote_candidate(p->cli, p->srv_cands->pdata[i]), ==, SB_OK);
  g_assert_cmpint(sb_lg_ice_add_remote_candidate(p->cli, NULL), ==, SB_OK);
}

static void pair_free(pair *p) {
  sb_ice_free(p->srv);
  sb_lg_ice_free(p->cli);
  g_ptr_array_unref(p->srv_cands);
  g_ptr_array_unref(p->cli_cands);
  g_free(p);
}

static void fixture_free(fixture *f) {
  for (int i = 0; i < f->n_pairs; i++)
    pair_free(f->pairs[i]);
  run_until(f, never, 20); /* deferred releases */
  sb_lg_poller_free(f->poller);
  sb_udp_mux_free(f->mux);
  g_main_context_pop_thread_default(f->ctx);
  g_main_context_unref(f->ctx);
  g_free(f);
}

static bool pair_connected(const pair *p) {
  return p->srv_state == SB_ICE_CONNECTED && p->cli_state == SB_LG_ICE_CONNECTED;
}

static bool all_connected(fixture *f) {
  for (int i = 0; i < f->n_pairs; i++)
    if (!pair_connected(f->pairs[i])) return false;
  return true;
}

static void pump(pair *p) {
  uint8_t buf[1500];
  while (p->to_srv_sent < N_PACKETS && p->to_srv_sent - p->to_srv_got < WINDOW) {
    size_t len = make_packet(p->to_srv_sent++, buf);
    g_assert_cmpint(sb_lg_ice_send(p->cli, buf, len), ==, SB_OK);
  }
  while (p->to_cli_sent < N_PACKETS && p->to_cli_sent - p->to_cli_got < WINDOW) {
    size_t len = make_packet(p->to_cli_sent++, buf);
    g_assert_cmpint(sb_ice_send(p->srv, buf, len), ==, SB_OK);
  }
}

static bool traffic_done(fixture *f) {
  bool done = true;
  for (int i = 0; i < f->n_pairs; i++) {
    pair *p = f->pairs[i];
    if (p->bad) return true;
    pump(p);
    done = done && p->to_srv_got == N_PACKETS && p->to_cli_got == N_PACKETS;
  }
  return done;
}

static void connect_and_carry(fixture *f) {
  g_assert_true(run_until(f, all_connected, TIMEOUT_MS));
  g_assert_true(run_until(f, traffic_done, TIMEOUT_MS));
  for (int i = 0; i < f->n_pairs; i++) {
    pair *p = f->pairs[i];
    g_assert_cmpuint(p->bad, ==, 0);
    g_assert_cmpint(p->cli_failed, ==, 0);
    g_assert_cmpint(p->srv_failed, ==, 0);
  }
}

/* ---- against the server's sb_ice ---- */

static void test_lite(void) {
  fixture *f = fixture_new();
  sb_lg_ice_config cfg = client_config(true);
  pair *p = pair_new(f, true, false, &cfg);
  g_assert_cmpint(sb_lg_ice_send(p->cli, (const uint8_t *)"\x80x", 2), ==, SB_ESTATE);
  exchange(p, true);
  g_assert_cmpint(p->cli_state, ==, SB_LG_ICE_CHECKING);
  connect_and_carry(f);
  /* The server selected our socket's address. */
  char local[64], remote[64], want[64];
  g_assert_cmpint(sb_ice_selected_pair(p->srv, local, sizeof local, remote, sizeof remote), ==,
                  SB_OK);
  g_snprintf(want, sizeof want, "127.0.0.1:%u", sb_lg_ice_local_port(p->cli));
  g_assert_cmpstr(remote, ==, want);
  sb_lg_ice_stats st;
  sb_lg_ice_get_stats(p->cli, &st);
  g_assert_cmpuint(st.checks_sent, >=, 1);
  g_assert_cmpuint(st.responses, >=, 1);
  g_assert_cmpuint(st.bad_responses, ==, 0);
  g_assert_cmpuint(st.requests_answered, ==, 0); /* a lite server sends no checks */
  g_assert_true(sb_lg_ice_controlling(p->cli));
  fixture_free(f);
}

/* Janus's callee side: the server offers, so it is controlling and we are
 * controlled; it checks us and nominates. */
static void test_controlled_toward_full(void) {
  fixture *f = fixture_new();
  sb_lg_ice_config cfg = client_config(false);
  pair *p = pair_new(f, false, true, &cfg);
  exchange(p, false);
  connect_and_carry(f);
  sb_lg_ice_stats st;
  sb_lg_ice_get_stats(p->cli, &st);
  g_assert_cmpuint(st.requests_answered, >=, 1);
  g_assert_cmpuint(st.responses, >=, 1);
  g_assert_false(sb_lg_ice_controlling(p->cli));
  fixture_free(f);
}

/* Janus's caller side: we offer and control; libnice is controlled. */
static void test_controlling_toward_full(void) {
  fixture *f = fixture_new();
  sb_lg_ice_config cfg = client_config(true);
  pair *p = pair_new(f, false, false, &cfg);
  exchange(p, false);
  connect_and_carry(f);
  sb_lg_ice_stats st;
  sb_lg_ice_get_stats(p->cli, &st);
  g_assert_cmpuint(st.requests_answered, >=, 1);
  g_assert_cmpuint(st.role_conflicts, ==, 0);
  g_assert_true(sb_lg_ice_controlling(p->cli));
  fixture_free(f);
}

/* Both sides start controlling: the tiebreakers decide (random, so a few
 * rounds see both outcomes), and every round connects. */
static void test_role_conflict_with_full(void) {
  int kept = 0, yielded = 0;
  for (int round = 0; round < 8; round++) {
    fixture *f = fixture_new();
    sb_lg_ice_config cfg = client_config(true);
    pair *p = pair_new(f, false, true, &cfg);
    exchange(p, false);
    connect_and_carry(f);
    sb_lg_ice_stats st;
    sb_lg_ice_get_stats(p->cli, &st);
    bool ours = sb_lg_ice_controlling(p->cli);
    *(ours ? &kept : &yielded) += 1;
    g_test_message("round %d: we %s controlling after %" G_GUINT64_FORMAT " conflicts", round,
                   ours ? "stayed" : "stopped", st.role_conflicts);
    fixture_free(f);
  }
  g_test_message("kept the role %d times, yielded %d times", kept, yielded);
}

/* Every server sends one datagram to its agent each millisecond. */
static gboolean stream_tick(gpointer data) {
  fixture *f = data;
  uint8_t buf[200];
  memset(buf, STREAM_MARK, sizeof buf);
  for (int i = 0; i < f->n_pairs; i++)
    sb_ice_send(f->pairs[i]->srv, buf, sizeof buf);
  return G_SOURCE_CONTINUE;
}

static void test_many_on_one_poller(void) {
  fixture *f = fixture_new();
  sb_lg_poller_set_hold(f->poller, 1000); /* as the generator's threads do */
  sb_lg_ice_config cfg = client_config(true);
  for (int i = 0; i < MANY; i++)
    exchange(pair_new(f, true, false, &cfg), true);
  connect_and_carry(f);
  sb_lg_poller_stats ps;
  sb_lg_poller_get_stats(f->poller, &ps);
  g_assert_cmpuint(ps.datagrams, >=, (guint64)MANY * N_PACKETS);
  g_assert_cmpuint(ps.dropped, ==, 0);
  /* Distinct sockets: the server saw MANY different source ports. */
  GHashTable *ports = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (int i = 0; i < MANY; i++)
    g_hash_table_add(ports, GUINT_TO_POINTER(sb_lg_ice_local_port(f->pairs[i]->cli)));
  g_assert_cmpuint(g_hash_table_size(ports), ==, MANY);
  g_hash_table_unref(ports);

  /* Sustained traffic (40 000 datagrams/s) one datagram at a time, like
   * Janus sends: the busy poller rests after wake-ups and reads many
   * datagrams per wake-up; none is lost. */
  sb_lg_poller_stats before;
  sb_lg_poller_get_stats(f->poller, &before);
  GSource *src = g_timeout_source_new(1);
  g_source_set_callback(src, stream_tick, f, NULL);
  g_source_attach(src, f->ctx);
  run_until(f, never, 300);
  g_source_destroy(src);
  g_source_unref(src);
  run_until(f, never, 30);
  sb_lg_poller_get_stats(f->poller, &ps);
  guint64 got = ps.datagrams - before.datagrams, wakeups = ps.wakeups - before.wakeups;
  unsigned streamed = 0;
  for (int i = 0; i < MANY; i++) {
    streamed += f->pairs[i]->streamed;
    g_assert_cmpuint(f->pairs[i]->bad, ==, 0);
  }
  g_test_message("%" G_GUINT64_FORMAT " datagrams in %" G_GUINT64_FORMAT
                 " wake-ups, %" G_GUINT64_FORMAT " holds",
                 got, wakeups, ps.holds - before.holds);
  g_assert_cmpuint(streamed, ==, got);
  g_assert_cmpuint(got, >=, MANY * 100);
  g_assert_cmpuint(ps.holds - before.holds, >, 0);
  g_assert_cmpuint(wakeups * 8, <, got); /* one by one would be ~1 per wake-up */
  fixture_free(f);
}

static void test_free_inside_callback(void) {
  fixture *f = fixture_new();
  sb_lg_ice_config cfg = client_config(true);
  pair *p = pair_new(f, true, false, &cfg);
  p->free_on_connected = true;
  exchange(p, true);
  g_assert_true(run_until(f, all_connected, TIMEOUT_MS));
  g_assert_null(p->cli);
  /* The server keeps sending into the closed socket: nothing breaks. */
  uint8_t buf[1500];
  for (unsigned i = 0; i < 20; i++)
    g_assert_cmpint(sb_ice_send(p->srv, buf, make_packet(i, buf)), ==, SB_OK);
  run_until(f, never, 50);
  fixture_free(f);
}

/* ---- timeouts ---- */

static bool cli_has_failed(fixture *f) { return f->pairs[0]->cli_failed > 0; }
static bool cli_connected(fixture *f) { return f->pairs[0]->cli_state == SB_LG_ICE_CONNECTED; }

static void test_consent_loss(void) {
  fixture *f = fixture_new();
  sb_lg_ice_config cfg = client_config(true);
  cfg.consent_interval_ms = 50;
  cfg.consent_timeout_ms = 400;
  pair *p = pair_new(f, true, false, &cfg);
  exchange(p, true);
  g_assert_true(run_until(f, all_connected, TIMEOUT_MS));
  /* Answered consent keeps it up well past the timeout. */
  run_until(f, never, 900);
  g_assert_cmpint(p->cli_failed, ==, 0);
  sb_lg_ice_stats st;
  sb_lg_ice_get_stats(p->cli, &st);
  g_assert_cmpuint(st.consent_sent, >=, 10);
  g_assert_cmpuint(st.responses, >=, st.consent_sent - 2);
  /* The server goes away: consent is lost after the timeout. */
  sb_ice_free(p->srv);
  p->srv = NULL;
  gint64 gone = g_get_monotonic_time();
  g_assert_true(run_until(f, cli_has_failed, 2000));
  g_assert_cmpint(p->cli_failed, ==, 1);
  g_assert_cmpint(p->cli_state, ==, SB_LG_ICE_FAILED);
  g_assert_nonnull(strstr(p->reason, "consent"));
  /* 400 ms after the last answer, which came shortly before. */
  g_assert_cmpint(p->cli_failed_at - gone, >=, 200 * 1000);
  g_assert_cmpint(p->cli_failed_at - gone, <, 1500 * 1000);
  g_assert_cmpint(sb_lg_ice_send(p->cli, (const uint8_t *)"\x80x", 2), ==, SB_ESTATE);
  fixture_free(f);
}

/* ---- against a hand-driven socket ---- */

static int raw_socket(uint16_t *port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  g_assert_cmpint(fd, >=, 0);
  struct sockaddr_in in = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
  g_assert_cmpint(bind(fd, (struct sockaddr *)&in, sizeof in), ==, 0);
  socklen_t sl = sizeof in;
  g_assert_cmpint(getsockname(fd, (struct sockaddr *)&in, &sl), ==, 0);
  *port = ntohs(in.sin_port);
  return fd;
}

/* Waits (running the context) for a datagram on fd; its length, or 0. */
static size_t raw_recv(fixture *f, int fd, uint8_t *buf, size_t cap, unsigned ms) {
  gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
  while (g_get_monotonic_time() < end) {
    ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT);
    if (n > 0) return (size_t)n;
    g_main_context_iteration(f->ctx, FALSE);
    g_usleep(500);
  }
  return 0;
}

static void raw_send(int fd, uint16_t port, const uint8_t *buf, size_t len) {
  struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
  g_assert_cmpint(sendto(fd, buf, len, 0, (struct sockaddr *)&in, sizeof in), ==, (ssize_t)len);
}

#define RAW_UFRAG "RawU"
#define RAW_PWD   "rawpasswordrawpassword"

/* A generator agent whose one remote candidate is a raw socket. */
static pair *raw_pair(fixture *f, const sb_lg_ice_config *cfg, uint16_t raw_port) {
  pair *p = g_new0(pair, 1);
  p->f = f;
  p->srv_cands = g_ptr_array_new_with_free_func(g_free);
  p->cli_cands = g_ptr_array_new_with_free_func(g_free);
  g_assert_cmpint(sb_lg_ice_new(f->ctx, f->poller, cfg, &cli_cbs, p, &p->cli), ==, SB_OK);
  f->pairs[f->n_pairs++] = p;
  g_assert_cmpint(sb_lg_ice_gather(p->cli), ==, SB_OK);
  g_assert_cmpint(sb_lg_ice_set_remote_credentials(p->cli, RAW_UFRAG, RAW_PWD), ==, SB_OK);
  char cand[96];
  g_snprintf(cand, sizeof cand, "a=candidate:7 1 UDP 2130706431 127.0.0.1 %u typ host", raw_port);
  g_assert_cmpint(sb_lg_ice_add_remote_candidate(p->cli, cand), ==, SB_OK);
  return p;
}

static void test_checks_and_schedule(void) {
  fixture *f = fixture_new();
  uint16_t raw_port;
  int raw = raw_socket(&raw_port);
  sb_lg_ice_config cfg = client_config(true);
  pair *p = raw_pair(f, &cfg, raw_port);
  const char *cu, *cp;
  sb_lg_ice_local_credentials(p->cli, &cu, &cp);
  char username[64];
  g_snprintf(username, sizeof username, RAW_UFRAG ":%s", cu);

  /* The first check and four retransmissions: same transaction, 50, 100,
   * 200, 400 ms apart. */
  uint8_t buf[1500], txid[SB_STUN_TXID_LEN];
  gint64 at[5];
  for (int i = 0; i < 5; i++) {
    size_t n = raw_recv(f, raw, buf, sizeof buf, 1500);
    at[i] = g_get_monotonic_time();
    g_assert_cmpuint(n, >, 0);
    sb_stun_msg m;
    g_assert_cmpint(sb_stun_parse(buf, n, &m), ==, SB_OK);
    g_assert_cmpuint(m.type, ==, SB_STUN_BINDING_REQUEST);
    g_assert_cmpmem(m.username, m.username_len, username, strlen(username));
    g_assert_true(m.has_priority && m.has_controlling && !m.has_controlled);
    g_assert_true(m.use_candidate && m.has_fingerprint);
    g_assert_cmpint(sb_stun_check_integrity(buf, n, &m, (const uint8_t *)RAW_PWD, strlen(RAW_PWD)),
                    ==, SB_OK);
    if (i == 0)
      memcpy(txid, m.txid, sizeof txid);
    else
      g_assert_cmpmem(m.txid, sizeof txid, txid, sizeof txid);
  }
  for (int i = 1; i < 5; i++) {
    gint64 gap_ms = (at[i] - at[i - 1]) / 1000, want = 50 << (i - 1);
    g_assert_cmpint(gap_ms, >=, want - 5);
    g_assert_cmpint(gap_ms, <=, want + 150); /* a loaded machine wakes late */
  }
  g_assert_cmpint(p->cli_state, ==, SB_LG_ICE_CHECKING);

  /* Responses that must not count: wrong transaction, wrong key, unsigned. */
  sb_stun_addr mapped = {.family = 4, .port = sb_lg_ice_local_port(p->cli)};
  inet_pton(AF_INET, "127.0.0.1", mapped.ip);
  uint8_t other[SB_STUN_TXID_LEN] = {1, 2, 3};
  uint8_t resp[256];
  int n = sb_stun_write_binding_success(resp, sizeof resp, other, &mapped, (const uint8_t *)RAW_PWD,
                                        strlen(RAW_PWD));
  raw_send(raw, mapped.port, resp, (size_t)n);
  n = sb_stun_write_binding_success(resp, sizeof resp, txid, &mapped, (const uint8_t *)"wrongkey",
                                    8);
  raw_send(raw, mapped.port, resp, (size_t)n);
  n = sb_stun_write_binding_success(resp, sizeof resp, txid, &mapped, NULL, 0);
  raw_send(raw, mapped.port, resp, (size_t)n);
  run_until(f, never, 30);
  g_assert_cmpint(p->cli_state, ==, SB_LG_ICE_CHECKING);
  sb_lg_ice_stats st;
  sb_lg_ice_get_stats(p->cli, &st);
  g_assert_cmpuint(st.bad_responses, ==, 3);

  /* Data from the candidate arrives before it is selected; from an address
   * we do not know, it does not. */
  size_t len = make_packet(0, buf);
  raw_send(raw, mapped.port, buf, len);
  uint16_t stranger_port;
  int stranger = raw_socket(&stranger_port);
  raw_send(stranger, mapped.port, buf, len);
  run_until(f, never, 30);
  g_assert_cmpuint(p->to_cli_got, ==, 1);
  sb_lg_ice_get_stats(p->cli, &st);
  g_assert_cmpuint(st.rx_unknown, ==, 1);

  /* A valid response selects the remote; told it is lite, the agent is
   * connected at once, and data flows both ways. */
  sb_lg_ice_set_remote_lite(p->cli, true);
  n = sb_stun_write_binding_success(resp, sizeof resp, txid, &mapped, (const uint8_t *)RAW_PWD,
                                    strlen(RAW_PWD));
  raw_send(raw, mapped.port, resp, (size_t)n);
  g_assert_true(run_until(f, cli_connected, 500));
  len = make_packet(1, buf);
  g_assert_cmpint(sb_lg_ice_send(p->cli, buf, len), ==, SB_OK);
  uint8_t got[1500];
  g_assert_cmpuint(raw_recv(f, raw, got, sizeof got, 500), ==, len);
  g_assert_cmpmem(got, len, buf, len);
  raw_send(raw, mapped.port, buf, len);
  run_until(f, never, 30);
  g_assert_cmpuint(p->to_cli_got, ==, 2);
  g_assert_cmpuint(p->bad, ==, 0);
  close(stranger);
  close(raw);
  fixture_free(f);
}

static void test_setup_timeout(void) {
  fixture *f = fixture_new();
  uint16_t raw_port;
  int raw = raw_socket(&raw_port); /* bound, never answers */
  sb_lg_ice_config cfg = client_config(true);
  cfg.setup_timeout_ms = 300;
  gint64 t0 = g_get_monotonic_time();
  pair *p = raw_pair(f, &cfg, raw_port);
  g_assert_true(run_until(f, cli_has_failed, 2000));
  gint64 ms = (p->cli_failed_at - t0) / 1000;
  g_assert_cmpint(ms, >=, 295);
  g_assert_cmpint(ms, <, 1500);
  g_assert_cmpint(p->cli_state, ==, SB_LG_ICE_FAILED);
  g_assert_nonnull(strstr(p->reason, "connectivity checks"));
  sb_lg_ice_stats st;
  sb_lg_ice_get_stats(p->cli, &st);
  /* At 0, 50 and 150 ms (the third falls past the deadline when the loop
   * wakes very late). */
  g_assert_cmpuint(st.checks_sent, >=, 2);
  g_assert_cmpuint(st.checks_sent, <=, 3);
  close(raw);
  fixture_free(f);
}

/* Reads datagrams on fd until a STUN message of `type` (and transaction
 * txid, unless NULL) arrives; its length, or 0. */
static size_t raw_recv_stun(fixture *f, int fd, uint16_t type, const uint8_t *txid, uint8_t *buf,
                            size_t cap, sb_stun_msg *m) {
  for (int i = 0; i < 50; i++) {
    size_t n = raw_recv(f, fd, buf, cap, 500);
    if (n == 0) return 0;
    if (sb_stun_parse(buf, n, m) == SB_OK && m->type == type &&
        (!txid || memcmp(m->txid, txid, SB_STUN_TXID_LEN) == 0))
      return n;
  }
  return 0;
}

/* A check from the remote to the agent: role attribute `role` (or 0),
 * signed with key. */
static size_t make_request(uint8_t *buf, size_t cap, const uint8_t *txid, const char *username,
                           uint16_t role, uint64_t tiebreaker, const char *key) {
  sb_stun_writer w;
  sb_stun_writer_init(&w, buf, cap, SB_STUN_BINDING_REQUEST, txid);
  sb_stun_put_bytes(&w, SB_STUN_ATTR_USERNAME, username, strlen(username));
  sb_stun_put_u32(&w, SB_STUN_ATTR_PRIORITY, 1845501695u);
  if (role) sb_stun_put_u64(&w, role, tiebreaker);
  sb_stun_put_integrity(&w, (const uint8_t *)key, strlen(key));
  sb_stun_put_fingerprint(&w);
  int n = sb_stun_writer_finish(&w);
  g_assert_cmpint(n, >, 0);
  return (size_t)n;
}

static void test_answers_checks(void) {
  fixture *f = fixture_new();
  uint16_t raw_port;
  int raw = raw_socket(&raw_port);
  sb_lg_ice_config cfg = client_config(true);
  pair *p = raw_pair(f, &cfg, raw_port);
  const char *cu, *cp;
  sb_lg_ice_local_credentials(p->cli, &cu, &cp);
  char username[64];
  g_snprintf(username, sizeof username, "%s:" RAW_UFRAG, cu);
  uint16_t port = sb_lg_ice_local_port(p->cli);
  uint8_t req[512], buf[1500], txid[SB_STUN_TXID_LEN] = {9, 9, 9};
  sb_stun_msg m;

  /* Signed with our password: success, with the address it came from,
   * signed with our password. */
  size_t n = make_request(req, sizeof req, txid, username, SB_STUN_ATTR_ICE_CONTROLLED, 5, cp);
  raw_send(raw, port, req, n);
  n = raw_recv_stun(f, raw, SB_STUN_BINDING_SUCCESS, txid, buf, sizeof buf, &m);
  g_assert_cmpuint(n, >, 0);
  g_assert_cmpint(sb_stun_check_integrity(buf, n, &m, (const uint8_t *)cp, strlen(cp)), ==, SB_OK);
  g_assert_true(m.has_mapped);
  g_assert_cmpuint(m.mapped.port, ==, raw_port);

  /* Signed with anything else: 401. */
  txid[0]++;
  n = make_request(req, sizeof req, txid, username, SB_STUN_ATTR_ICE_CONTROLLED, 5, RAW_PWD);
  raw_send(raw, port, req, n);
  g_assert_cmpuint(raw_recv_stun(f, raw, SB_STUN_BINDING_ERROR, txid, buf, sizeof buf, &m), >, 0);
  g_assert_cmpint(m.error_code, ==, 401);

  /* Both controlling, and our tiebreaker is not smaller: 487, signed, and
   * we stay controlling. */
  txid[0]++;
  n = make_request(req, sizeof req, txid, username, SB_STUN_ATTR_ICE_CONTROLLING, 0, cp);
  raw_send(raw, port, req, n);
  n = raw_recv_stun(f, raw, SB_STUN_BINDING_ERROR, txid, buf, sizeof buf, &m);
  g_assert_cmpuint(n, >, 0);
  g_assert_cmpint(m.error_code, ==, 487);
  g_assert_cmpint(sb_stun_check_integrity(buf, n, &m, (const uint8_t *)cp, strlen(cp)), ==, SB_OK);
  g_assert_true(sb_lg_ice_controlling(p->cli));

  /* Both controlling, theirs larger: we become controlled and answer; our
   * checks from then on say so, without USE-CANDIDATE. */
  txid[0]++;
  n = make_request(req, sizeof req, txid, username, SB_STUN_ATTR_ICE_CONTROLLING, G_MAXUINT64, cp);
  raw_send(raw, port, req, n);
  g_assert_cmpuint(raw_recv_stun(f, raw, SB_STUN_BINDING_SUCCESS, txid, buf, sizeof buf, &m), >, 0);
  g_assert_false(sb_lg_ice_controlling(p->cli));
  n = raw_recv_stun(f, raw, SB_STUN_BINDING_REQUEST, NULL, buf, sizeof buf, &m);
  g_assert_cmpuint(n, >, 0);
  g_assert_true(m.has_controlled && !m.has_controlling && !m.use_candidate);

  /* A 487 to our check: controlling again, under a new transaction. */
  uint8_t old[SB_STUN_TXID_LEN];
  memcpy(old, m.txid, sizeof old);
  int r = sb_stun_write_binding_error(buf, sizeof buf, old, 487, "Role Conflict", 0,
                                      (const uint8_t *)RAW_PWD, strlen(RAW_PWD));
  raw_send(raw, port, buf, (size_t)r);
  for (;;) {
    n = raw_recv_stun(f, raw, SB_STUN_BINDING_REQUEST, NULL, buf, sizeof buf, &m);
    g_assert_cmpuint(n, >, 0);
    if (memcmp(m.txid, old, sizeof old) != 0) break; /* a retransmission already under way */
  }
  g_assert_true(m.has_controlling && m.use_candidate);
  g_assert_true(sb_lg_ice_controlling(p->cli));
  sb_lg_ice_stats st;
  sb_lg_ice_get_stats(p->cli, &st);
  g_assert_cmpuint(st.role_conflicts, ==, 3);
  g_assert_cmpuint(st.requests_answered, ==, 2);
  close(raw);
  fixture_free(f);
}

static void test_refused_input(void) {
  fixture *f = fixture_new();
  sb_lg_ice *ice = NULL;
  sb_lg_ice_config cfg = client_config(true);
  cfg.address = "example.org";
  g_assert_cmpint(sb_lg_ice_new(f->ctx, f->poller, &cfg, NULL, NULL, &ice), ==, SB_EINVAL);
  g_assert_null(ice);
  cfg.address = "127.0.0.1";
  g_assert_cmpint(sb_lg_ice_new(f->ctx, f->poller, &cfg, NULL, NULL, &ice), ==, SB_OK);
  const char *host = "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host";
  g_assert_cmpint(sb_lg_ice_add_remote_candidate(ice, host), ==, SB_ESTATE);
  g_assert_cmpint(sb_lg_ice_gather(ice), ==, SB_OK);
  static const struct {
    const char *cand;
    int rc;
  } cases[] = {
      {"candidate:1 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active", SB_EUNSUPPORTED},
      {"candidate:1 1 udp 2130706431 4f1a7b2c-0000-4000-8000-000000000000.local 5000 typ host",
       SB_EINVAL},
      {"candidate:1 1 udp 2130706431 ::1 5000 typ host", SB_EUNSUPPORTED},
      {"candidate:1 1 udp 1694498815 127.0.0.1 5000 typ srflx raddr 0.0.0.0 rport 0",
       SB_EUNSUPPORTED},
      {"candidate:1 2 udp 2130706431 127.0.0.1 5000 typ host", SB_EUNSUPPORTED},
      {"candidate:1 1 udp 2130706431 127.0.0.1 0 typ host", SB_EINVAL},
      {"candidate:1 1 udp 2130706431 127.0.0.1 70000 typ host", SB_EINVAL},
      {"candidate:1 1 udp 2130706431 127.0.0.1 12ab typ host", SB_EINVAL},
      {"candidate:1 1 udp 2130706431 127.0.0.1 5000 type host", SB_EINVAL},
      {"candidate:1 1 sctp 2130706431 127.0.0.1 5000 typ host", SB_EINVAL},
      {"candidate:1 1 udp", SB_EINVAL},
      {"garbage", SB_EINVAL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
    g_assert_cmpint(sb_lg_ice_add_remote_candidate(ice, cases[i].cand), ==, cases[i].rc);
  /* Good ones, a duplicate, then the table is full. */
  for (unsigned port = 5000; port < 5008; port++) {
    char c[96];
    g_snprintf(c, sizeof c, "candidate:%u 1 udp 2130706431 127.0.0.1 %u typ host", port, port);
    g_assert_cmpint(sb_lg_ice_add_remote_candidate(ice, c), ==, SB_OK);
  }
  g_assert_cmpint(sb_lg_ice_add_remote_candidate(ice, host), ==, SB_OK);
  g_assert_cmpint(
      sb_lg_ice_add_remote_candidate(ice, "candidate:1 1 udp 2130706431 127.0.0.1 6000 typ host"),
      ==, SB_EFULL);
  g_assert_cmpint(sb_lg_ice_add_remote_candidate(ice, NULL), ==, SB_OK);
  g_assert_cmpint(sb_lg_ice_get_state(ice), ==, SB_LG_ICE_NEW); /* no credentials yet */
  g_assert_cmpint(sb_lg_ice_set_remote_credentials(ice, "abc", RAW_PWD), ==, SB_EINVAL);
  g_assert_cmpint(sb_lg_ice_set_remote_credentials(ice, RAW_UFRAG, "short"), ==, SB_EINVAL);
  g_assert_cmpint(sb_lg_ice_set_remote_credentials(ice, "bad:ufrag", RAW_PWD), ==, SB_EINVAL);
  g_assert_cmpint(sb_lg_ice_set_remote_credentials(ice, RAW_UFRAG, RAW_PWD), ==, SB_OK);
  g_assert_cmpint(sb_lg_ice_get_state(ice), ==, SB_LG_ICE_CHECKING);
  g_assert_cmpint(sb_lg_ice_set_remote_credentials(ice, RAW_UFRAG, RAW_PWD), ==, SB_OK);
  g_assert_cmpint(sb_lg_ice_set_remote_credentials(ice, "OthU", RAW_PWD), ==, SB_ESTATE);
  g_assert_cmpint(sb_lg_ice_send(ice, NULL, 0), ==, SB_EINVAL);
  g_assert_cmpint(sb_lg_ice_send(ice, (const uint8_t *)"\x80x", 2), ==, SB_ESTATE);
  sb_lg_ice_free(ice);
  sb_lg_ice_free(NULL);
  fixture_free(f);
}

static void test_ipv6_candidate(void) {
  fixture *f = fixture_new();
  sb_lg_ice_config cfg = client_config(true);
  cfg.address = "::1";
  pair *p = g_new0(pair, 1);
  p->srv_cands = g_ptr_array_new_with_free_func(g_free);
  p->cli_cands = g_ptr_array_new_with_free_func(g_free);
  g_assert_cmpint(sb_lg_ice_new(f->ctx, f->poller, &cfg, &cli_cbs, p, &p->cli), ==, SB_OK);
  f->pairs[f->n_pairs++] = p;
  if (sb_lg_ice_gather(p->cli) == SB_EIO) {
    g_test_skip("no IPv6 on lo");
  } else {
    g_assert_cmpuint(p->cli_cands->len, ==, 1);
    char want[96];
    g_snprintf(want, sizeof want, "candidate:1 1 udp 2130706431 ::1 %u typ host",
               sb_lg_ice_local_port(p->cli));
    g_assert_cmpstr(p->cli_cands->pdata[0], ==, want);
    g_assert_cmpint(
        sb_lg_ice_add_remote_candidate(p->cli, "candidate:1 1 udp 2130706431 ::1 5000 typ host"),
        ==, SB_OK);
    g_assert_cmpint(sb_lg_ice_add_remote_candidate(
                        p->cli, "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host"),
                    ==, SB_EUNSUPPORTED);
  }
  fixture_free(f);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/loadgen/ice-client/lite-server", test_lite);
  g_test_add_func("/loadgen/ice-client/full-server-controlling", test_controlled_toward_full);
  g_test_add_func("/loadgen/ice-client/full-server-controlled", test_controlling_toward_full);
  g_test_add_func("/loadgen/ice-client/role-conflict-resolved", test_role_conflict_with_full);
  g_test_add_func("/loadgen/ice-client/many-sockets-one-poller", test_many_on_one_poller);
  g_test_add_func("/loadgen/ice-client/free-inside-callback", test_free_inside_callback);
  g_test_add_func("/loadgen/ice-client/checks-and-retransmissions", test_checks_and_schedule);
  g_test_add_func("/loadgen/ice-client/answers-checks-and-conflicts", test_answers_checks);
  g_test_add_func("/loadgen/ice-client/setup-timeout", test_setup_timeout);
  g_test_add_func("/loadgen/ice-client/consent-kept-then-lost", test_consent_loss);
  g_test_add_func("/loadgen/ice-client/refused-input", test_refused_input);
  g_test_add_func("/loadgen/ice-client/ipv6-candidate", test_ipv6_candidate);
  return g_test_run();
}
