/* test_dtls.c - unit tests for the DTLS-SRTP endpoint (dtls.c): two
 * endpoints, each with its own generated certificate, wired memory-to-memory.
 * Handshake and key agreement (checked end to end through sb_srtp), SRTP
 * profile negotiation, fingerprint verification (on time, late, wrong),
 * retransmission after a lost flight, close_notify, and garbage input. */
#include <glib.h>
#include <string.h>

#include "cert.h"
#include "core/error.h"
#include "dtls.h"
#include "srtp.h"

#define WRONG_FP                                                                                   \
  "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:"  \
  "FF"

typedef struct {
  const char *name;
  sb_dtls *dtls;
  GQueue outbox; /* GBytes datagrams on their way to the other side */
  int sent, dropped, drop_next;
  int connected, failed, closed;
  sb_srtp_keys keys;
  char reason[256];
} peer;

typedef struct {
  sb_cert *cert_c, *cert_s;
  sb_dtls_ctx *ctx_c, *ctx_s;
  peer client, server;
} world;

static void on_send(void *user, const uint8_t *data, size_t len) {
  peer *p = user;
  g_assert_cmpuint(len, >, 0);
  g_assert_cmpuint(len, <=, SB_DTLS_MTU);
  g_assert_true(sb_dtls_is_dtls(data, len));
  p->sent++;
  if (p->drop_next > 0) {
    p->drop_next--;
    p->dropped++;
    return;
  }
  g_queue_push_tail(&p->outbox, g_bytes_new(data, len));
}

static void on_connected(void *user, const sb_srtp_keys *keys) {
  peer *p = user;
  p->connected++;
  p->keys = *keys;
}

static void on_failed(void *user, const char *reason) {
  peer *p = user;
  p->failed++;
  g_strlcpy(p->reason, reason, sizeof p->reason);
}

static void on_closed(void *user, const char *reason) {
  peer *p = user;
  p->closed++;
  g_strlcpy(p->reason, reason, sizeof p->reason);
}

static const sb_dtls_callbacks callbacks = {on_send, on_connected, on_failed, on_closed};

/* Certificates, contexts (with optional SRTP profile lists and initial
 * timeout) and one client and one server endpoint, not started. */
static void world_init(world *w, const char *client_profiles, const char *server_profiles,
                       unsigned timeout_ms) {
  memset(w, 0, sizeof *w);
  g_assert_cmpint(sb_cert_generate(&w->cert_c, NULL), ==, SB_OK);
  g_assert_cmpint(sb_cert_generate(&w->cert_s, NULL), ==, SB_OK);
  g_assert_cmpint(sb_dtls_ctx_new(w->cert_c, &w->ctx_c), ==, SB_OK);
  g_assert_cmpint(sb_dtls_ctx_new(w->cert_s, &w->ctx_s), ==, SB_OK);
  if (client_profiles)
    g_assert_cmpint(sb_dtls_ctx_set_srtp_profiles(w->ctx_c, client_profiles), ==, SB_OK);
  if (server_profiles)
    g_assert_cmpint(sb_dtls_ctx_set_srtp_profiles(w->ctx_s, server_profiles), ==, SB_OK);
  if (timeout_ms) {
    g_assert_cmpint(sb_dtls_ctx_set_initial_timeout_ms(w->ctx_c, timeout_ms), ==, SB_OK);
    g_assert_cmpint(sb_dtls_ctx_set_initial_timeout_ms(w->ctx_s, timeout_ms), ==, SB_OK);
  }
  w->client.name = "client";
  w->server.name = "server";
  g_queue_init(&w->client.outbox);
  g_queue_init(&w->server.outbox);
  g_assert_cmpint(
      sb_dtls_new(w->ctx_c, SB_DTLS_ROLE_CLIENT, &callbacks, &w->client, &w->client.dtls), ==,
      SB_OK);
  g_assert_cmpint(
      sb_dtls_new(w->ctx_s, SB_DTLS_ROLE_SERVER, &callbacks, &w->server, &w->server.dtls), ==,
      SB_OK);
  /* The endpoints hold their own references. */
  sb_dtls_ctx_unref(w->ctx_c);
  sb_dtls_ctx_unref(w->ctx_s);
}

static void world_clear(world *w) {
  sb_dtls_free(w->client.dtls);
  sb_dtls_free(w->server.dtls);
  g_queue_clear_full(&w->client.outbox, (GDestroyNotify)g_bytes_unref);
  g_queue_clear_full(&w->server.outbox, (GDestroyNotify)g_bytes_unref);
  sb_srtp_keys_wipe(&w->client.keys);
  sb_srtp_keys_wipe(&w->server.keys);
  sb_cert_unref(w->cert_c);
  sb_cert_unref(w->cert_s);
}

/* Each side learns the other's fingerprint, as SDP would tell it. */
static void exchange_fingerprints(world *w) {
  g_assert_cmpint(
      sb_dtls_set_remote_fingerprint(w->client.dtls, "sha-256", sb_cert_fingerprint(w->cert_s)), ==,
      SB_OK);
  g_assert_cmpint(
      sb_dtls_set_remote_fingerprint(w->server.dtls, "sha-256", sb_cert_fingerprint(w->cert_c)), ==,
      SB_OK);
}

/* Delivers queued datagrams both ways until both queues are empty. */
static void pump(world *w) {
  for (int rounds = 0; rounds < 100; rounds++) {
    bool moved = false;
    peer *from[2] = {&w->client, &w->server}, *to[2] = {&w->server, &w->client};
    for (int i = 0; i < 2; i++) {
      GBytes *b;
      while ((b = g_queue_pop_head(&from[i]->outbox))) {
        gsize n;
        const uint8_t *d = g_bytes_get_data(b, &n);
        int rc = sb_dtls_handle(to[i]->dtls, d, n);
        g_assert_true(rc == SB_OK || rc == SB_ECRYPTO || rc == SB_ESTATE);
        g_bytes_unref(b);
        moved = true;
      }
    }
    if (!moved) return;
  }
  g_assert_not_reached();
}

static void handshake(world *w) {
  g_assert_cmpint(sb_dtls_start(w->server.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_start(w->client.dtls), ==, SB_OK);
  pump(w);
}

static void assert_connected(world *w, sb_srtp_profile profile) {
  g_assert_cmpint(w->client.failed, ==, 0);
  g_assert_cmpint(w->server.failed, ==, 0);
  g_assert_cmpint(w->client.connected, ==, 1);
  g_assert_cmpint(w->server.connected, ==, 1);
  g_assert_cmpint(sb_dtls_state(w->client.dtls), ==, SB_DTLS_STATE_CONNECTED);
  g_assert_cmpint(sb_dtls_state(w->server.dtls), ==, SB_DTLS_STATE_CONNECTED);
  g_assert_cmpint(sb_dtls_profile(w->client.dtls), ==, profile);
  g_assert_cmpint(sb_dtls_profile(w->server.dtls), ==, profile);
  sb_srtp_keys *c = &w->client.keys, *s = &w->server.keys;
  size_t kl, sl;
  g_assert_cmpint(sb_srtp_profile_lengths(profile, &kl, &sl), ==, SB_OK);
  g_assert_cmpint(c->profile, ==, profile);
  g_assert_cmpint(s->profile, ==, profile);
  g_assert_cmpuint(c->key_len, ==, kl);
  g_assert_cmpuint(c->salt_len, ==, sl);
  g_assert_cmpuint(s->key_len, ==, kl);
  g_assert_cmpuint(s->salt_len, ==, sl);
  /* Mirrored: what one sends with, the other receives with. */
  g_assert_cmpmem(c->local_key, kl, s->remote_key, kl);
  g_assert_cmpmem(c->local_salt, sl, s->remote_salt, sl);
  g_assert_cmpmem(c->remote_key, kl, s->local_key, kl);
  g_assert_cmpmem(c->remote_salt, sl, s->local_salt, sl);
  g_assert_true(memcmp(c->local_key, c->remote_key, kl) != 0);
  g_assert_true(memcmp(c->local_salt, c->remote_salt, sl) != 0);
  g_assert_cmpint(sb_dtls_timeout_us(w->client.dtls), ==, -1);
  g_assert_cmpint(sb_dtls_timeout_us(w->server.dtls), ==, -1);
}

/* RTP and RTCP through sb_srtp built from each side's keys, both ways. */
static void assert_srtp_works(world *w) {
  sb_srtp *sc, *ss;
  g_assert_cmpint(sb_srtp_new(&w->client.keys, &sc), ==, SB_OK);
  g_assert_cmpint(sb_srtp_new(&w->server.keys, &ss), ==, SB_OK);
  uint8_t rtp[] = {0x80, 0x6f, 0x12, 0x34, 0x00, 0x01, 0x02, 0x03, 0xca, 0xfe, 0xba,
                   0xbe, 'h',  'e',  'l',  'l',  'o',  ' ',  'r',  't',  'p'};
  uint8_t rtcp[] = {0x81, 201,  0x00, 0x07, 0xca, 0xfe, 0xba, 0xbe, 0x01, 0x02, 0x03,
                    0x04, 0x05, 0x00, 0x00, 0x01, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00,
                    0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  for (int dir = 0; dir < 2; dir++) {
    sb_srtp *tx = dir ? ss : sc, *rx = dir ? sc : ss;
    uint8_t buf[256];
    size_t len = sizeof rtp;
    memcpy(buf, rtp, len);
    g_assert_cmpint(sb_srtp_protect_rtp(tx, buf, &len, sizeof buf), ==, SB_OK);
    g_assert_cmpuint(len, >, sizeof rtp);
    g_assert_cmpint(sb_srtp_unprotect_rtp(rx, buf, &len), ==, SB_OK);
    g_assert_cmpmem(buf, len, rtp, sizeof rtp);
    len = sizeof rtcp;
    memcpy(buf, rtcp, len);
    g_assert_cmpint(sb_srtp_protect_rtcp(tx, buf, &len, sizeof buf), ==, SB_OK);
    g_assert_cmpint(sb_srtp_unprotect_rtcp(rx, buf, &len), ==, SB_OK);
    g_assert_cmpmem(buf, len, rtcp, sizeof rtcp);
    /* A side cannot unprotect its own output (different keys per direction). */
    len = sizeof rtp;
    memcpy(buf, rtp, len);
    g_assert_cmpint(sb_srtp_protect_rtp(tx, buf, &len, sizeof buf), ==, SB_OK);
    g_assert_cmpint(sb_srtp_unprotect_rtp(tx, buf, &len), ==, SB_ECRYPTO);
  }
  sb_srtp_free(sc);
  sb_srtp_free(ss);
}

static void test_handshake_gcm(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  g_assert_cmpint(sb_dtls_state(w.client.dtls), ==, SB_DTLS_STATE_NEW);
  g_assert_cmpint(sb_dtls_timeout_us(w.client.dtls), ==, -1);
  exchange_fingerprints(&w);
  handshake(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  assert_srtp_works(&w);
  g_assert_cmpint(w.client.dropped + w.server.dropped, ==, 0);
  world_clear(&w);
}

/* The server picks by its own preference (GCM first) whatever the client's
 * order; a client that offers only AES_CM_128_HMAC_SHA1_80 gets that. */
static void test_profile_server_preference(void) {
  world w;
  world_init(&w, "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM", NULL, 0);
  exchange_fingerprints(&w);
  handshake(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  world_clear(&w);
}

static void test_profile_hmac_only_client(void) {
  world w;
  world_init(&w, "SRTP_AES128_CM_SHA1_80", NULL, 0);
  exchange_fingerprints(&w);
  handshake(&w);
  assert_connected(&w, SB_SRTP_AES128_CM_SHA1_80);
  assert_srtp_works(&w);
  world_clear(&w);
}

/* No profile in common: the handshake completes but both ends refuse it. */
static void test_profile_none_in_common(void) {
  world w;
  world_init(&w, "SRTP_AES128_CM_SHA1_32", NULL, 0);
  exchange_fingerprints(&w);
  handshake(&w);
  g_assert_cmpint(w.client.connected + w.server.connected, ==, 0);
  g_assert_cmpint(w.client.failed, ==, 1);
  g_assert_nonnull(strstr(w.client.reason, "SRTP"));
  g_assert_cmpint(w.server.failed + w.server.closed, ==, 1);
  g_assert_cmpint(sb_dtls_profile(w.client.dtls), ==, SB_SRTP_PROFILE_NONE);
  world_clear(&w);
}

static void test_wrong_fingerprint_at_server(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  g_assert_cmpint(
      sb_dtls_set_remote_fingerprint(w.client.dtls, "sha-256", sb_cert_fingerprint(w.cert_s)), ==,
      SB_OK);
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.server.dtls, "sha-256", WRONG_FP), ==, SB_OK);
  handshake(&w);
  g_assert_cmpint(w.server.connected, ==, 0);
  g_assert_cmpint(w.server.failed, ==, 1);
  g_assert_nonnull(strstr(w.server.reason, "fingerprint"));
  g_assert_cmpint(sb_dtls_state(w.server.dtls), ==, SB_DTLS_STATE_FAILED);
  /* The client hears the alert. */
  g_assert_cmpint(w.client.connected, ==, 0);
  g_assert_cmpint(w.client.failed, ==, 1);
  g_assert_nonnull(strstr(w.client.reason, "alert"));
  g_assert_cmpint(sb_dtls_timeout_us(w.client.dtls), ==, -1);
  /* Dead endpoints refuse further work. */
  const uint8_t rec[13] = {22, 0xfe, 0xfd};
  g_assert_cmpint(sb_dtls_handle(w.server.dtls, rec, sizeof rec), ==, SB_ESTATE);
  g_assert_cmpint(sb_dtls_handle_timeout(w.server.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_close(w.server.dtls), ==, SB_ESTATE);
  world_clear(&w);
}

static void test_wrong_fingerprint_at_client(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  /* Right algorithm, a real certificate's digest, but not the server's. */
  g_assert_cmpint(
      sb_dtls_set_remote_fingerprint(w.client.dtls, "sha-256", sb_cert_fingerprint(w.cert_c)), ==,
      SB_OK);
  g_assert_cmpint(
      sb_dtls_set_remote_fingerprint(w.server.dtls, "sha-256", sb_cert_fingerprint(w.cert_c)), ==,
      SB_OK);
  handshake(&w);
  g_assert_cmpint(w.client.connected + w.server.connected, ==, 0);
  g_assert_cmpint(w.client.failed, ==, 1);
  g_assert_nonnull(strstr(w.client.reason, "fingerprint"));
  g_assert_cmpint(w.server.failed, ==, 1);
  world_clear(&w);
}

/* The fingerprint may come after the handshake (SDP answer late): keys are
 * held back until it arrives, then checked. */
static void test_late_fingerprint(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  g_assert_cmpint(
      sb_dtls_set_remote_fingerprint(w.client.dtls, "sha-256", sb_cert_fingerprint(w.cert_s)), ==,
      SB_OK);
  handshake(&w);
  g_assert_cmpint(w.client.connected, ==, 1);
  g_assert_cmpint(w.server.connected, ==, 0);
  g_assert_cmpint(w.server.failed, ==, 0);
  g_assert_cmpint(sb_dtls_state(w.server.dtls), ==, SB_DTLS_STATE_CONNECTING);
  g_assert_cmpint(sb_dtls_profile(w.server.dtls), ==, SB_SRTP_PROFILE_NONE);
  /* lowercase is accepted */
  char *lower = g_ascii_strdown(sb_cert_fingerprint(w.cert_c), -1);
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.server.dtls, "SHA-256", lower), ==, SB_OK);
  g_free(lower);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  assert_srtp_works(&w);
  /* Same again: fine; another one: refused. */
  g_assert_cmpint(
      sb_dtls_set_remote_fingerprint(w.server.dtls, "sha-256", sb_cert_fingerprint(w.cert_c)), ==,
      SB_OK);
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.server.dtls, "sha-256", WRONG_FP), ==,
                  SB_ESTATE);
  world_clear(&w);
}

static void test_late_wrong_fingerprint(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  g_assert_cmpint(
      sb_dtls_set_remote_fingerprint(w.client.dtls, "sha-256", sb_cert_fingerprint(w.cert_s)), ==,
      SB_OK);
  handshake(&w);
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.server.dtls, "sha-256", WRONG_FP), ==,
                  SB_ECRYPTO);
  g_assert_cmpint(w.server.connected, ==, 0);
  g_assert_cmpint(w.server.failed, ==, 1);
  g_assert_nonnull(strstr(w.server.reason, "fingerprint"));
  /* The refused session is ended with close_notify. */
  pump(&w);
  g_assert_cmpint(w.client.closed, ==, 1);
  g_assert_cmpint(sb_dtls_state(w.client.dtls), ==, SB_DTLS_STATE_CLOSED);
  world_clear(&w);
}

/* Waits for the endpoint's timer (real time: OpenSSL reads the clock) and
 * fires it. */
static void wait_and_fire(peer *p) {
  int64_t t = sb_dtls_timeout_us(p->dtls);
  g_assert_cmpint(t, >=, 0);
  g_assert_cmpint(t, <=, 1000000);
  while ((t = sb_dtls_timeout_us(p->dtls)) > 0)
    g_usleep((gulong)t);
  g_assert_cmpint(sb_dtls_handle_timeout(p->dtls), ==, SB_OK);
}

static void test_retransmit_client_hello(void) {
  world w;
  world_init(&w, NULL, NULL, 50);
  exchange_fingerprints(&w);
  gint64 t0 = g_get_monotonic_time();
  w.client.drop_next = 1; /* the ClientHello is lost */
  handshake(&w);
  g_assert_cmpint(w.client.dropped, ==, 1);
  g_assert_cmpint(w.server.sent, ==, 0);
  int64_t t = sb_dtls_timeout_us(w.client.dtls);
  g_assert_cmpint(t, >, 0);
  g_assert_cmpint(t, <=, 50000);
  g_assert_cmpint(sb_dtls_timeout_us(w.server.dtls), ==, -1);
  /* Firing early does nothing. */
  g_assert_cmpint(sb_dtls_handle_timeout(w.client.dtls), ==, SB_OK);
  g_assert_cmpint(w.client.sent, ==, 1);
  wait_and_fire(&w.client);
  g_assert_cmpint(w.client.sent, ==, 2);
  /* The next timer is doubled. */
  g_assert_cmpint(sb_dtls_timeout_us(w.client.dtls), >, 50000);
  pump(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  assert_srtp_works(&w);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 3 * G_USEC_PER_SEC);
  world_clear(&w);
}

/* The server's whole first flight is lost: the client's timer brings a
 * second ClientHello, the server answers it again. */
static void test_retransmit_server_flight(void) {
  world w;
  world_init(&w, NULL, NULL, 50);
  exchange_fingerprints(&w);
  gint64 t0 = g_get_monotonic_time();
  w.server.drop_next = 1000;
  handshake(&w);
  int flight = w.server.dropped;
  g_assert_cmpint(flight, >=, 1);
  w.server.drop_next = 0;
  wait_and_fire(&w.client);
  pump(&w);
  g_assert_cmpint(w.server.sent, >=, 2 * flight);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 3 * G_USEC_PER_SEC);
  world_clear(&w);
}

/* The client's last flight (Certificate..Finished) is lost: the client
 * retransmits it on its timer and both ends finish. */
static void test_retransmit_client_last_flight(void) {
  world w;
  world_init(&w, NULL, NULL, 50);
  exchange_fingerprints(&w);
  g_assert_cmpint(sb_dtls_start(w.server.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_start(w.client.dtls), ==, SB_OK);
  /* ClientHello to the server, its flight back to the client. */
  GBytes *b = g_queue_pop_head(&w.client.outbox);
  gsize n;
  const uint8_t *d = g_bytes_get_data(b, &n);
  g_assert_cmpint(sb_dtls_handle(w.server.dtls, d, n), ==, SB_OK);
  g_bytes_unref(b);
  w.client.drop_next = 1000;
  while ((b = g_queue_pop_head(&w.server.outbox))) {
    d = g_bytes_get_data(b, &n);
    g_assert_cmpint(sb_dtls_handle(w.client.dtls, d, n), ==, SB_OK);
    g_bytes_unref(b);
  }
  g_assert_cmpint(w.client.dropped, >=, 1);
  g_assert_cmpint(w.server.connected + w.client.connected, ==, 0);
  w.client.drop_next = 0;
  wait_and_fire(&w.client);
  pump(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  world_clear(&w);
}

/* The server's last flight (ChangeCipherSpec, Finished) is lost after the
 * server is connected: the client's retransmission makes the connected
 * server send it again, and nobody is told "connected" twice. */
static void test_retransmit_server_last_flight(void) {
  world w;
  world_init(&w, NULL, NULL, 50);
  exchange_fingerprints(&w);
  g_assert_cmpint(sb_dtls_start(w.server.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_start(w.client.dtls), ==, SB_OK);
  for (int flight = 0; flight < 3; flight++) {
    peer *from = flight % 2 ? &w.server : &w.client, *to = flight % 2 ? &w.client : &w.server;
    GBytes *b;
    if (flight == 2) w.server.drop_next = 1000;
    while ((b = g_queue_pop_head(&from->outbox))) {
      gsize n;
      const uint8_t *d = g_bytes_get_data(b, &n);
      g_assert_cmpint(sb_dtls_handle(to->dtls, d, n), ==, SB_OK);
      g_bytes_unref(b);
    }
  }
  g_assert_cmpint(w.server.dropped, >=, 1);
  g_assert_cmpint(w.server.connected, ==, 1);
  g_assert_cmpint(w.client.connected, ==, 0);
  w.server.drop_next = 0;
  wait_and_fire(&w.client);
  pump(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  assert_srtp_works(&w);
  world_clear(&w);
}

static void test_close_notify(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  exchange_fingerprints(&w);
  handshake(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  g_assert_cmpint(sb_dtls_close(w.client.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_state(w.client.dtls), ==, SB_DTLS_STATE_CLOSED);
  g_assert_cmpint(w.client.closed, ==, 0); /* no callback for a local close */
  pump(&w);
  g_assert_cmpint(w.server.closed, ==, 1);
  g_assert_cmpint(w.server.failed, ==, 0);
  g_assert_nonnull(strstr(w.server.reason, "close_notify"));
  g_assert_cmpint(sb_dtls_state(w.server.dtls), ==, SB_DTLS_STATE_CLOSED);
  g_assert_cmpint(sb_dtls_close(w.client.dtls), ==, SB_ESTATE);
  g_assert_cmpint(sb_dtls_profile(w.server.dtls), ==, SB_SRTP_PROFILE_NONE);
  world_clear(&w);
}

/* After release the endpoint holds no OpenSSL state: stray records are
 * ignored, nothing is sent (not even close_notify), and the peer's
 * close_notify still ends it. */
static void test_release(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  exchange_fingerprints(&w);
  g_assert_cmpint(sb_dtls_release(w.server.dtls), ==, SB_ESTATE); /* not connected yet */
  handshake(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  g_assert_cmpint(sb_dtls_release(w.server.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_release(w.server.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_timeout_us(w.server.dtls), ==, -1);
  g_assert_cmpint(sb_dtls_handle_timeout(w.server.dtls), ==, SB_OK);
  int sent = w.server.sent;
  /* A retransmitted handshake record (epoch 0) and application data
   * (epoch 1): ignored. */
  static const uint8_t hs[] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0};
  static const uint8_t app[] = {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 7, 0, 2, 0xaa, 0xbb};
  static const uint8_t plain_alert[] = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 0};
  g_assert_cmpint(sb_dtls_handle(w.server.dtls, hs, sizeof hs), ==, SB_OK);
  g_assert_cmpint(sb_dtls_handle(w.server.dtls, app, sizeof app), ==, SB_OK);
  g_assert_cmpint(sb_dtls_handle(w.server.dtls, plain_alert, sizeof plain_alert), ==, SB_OK);
  g_assert_cmpint(sb_dtls_handle(w.server.dtls, app, 5), ==, SB_EINVAL); /* still framed */
  g_assert_cmpint(sb_dtls_state(w.server.dtls), ==, SB_DTLS_STATE_CONNECTED);
  g_assert_cmpint(w.server.sent, ==, sent);
  /* The browser closes: its encrypted close_notify ends the session. */
  g_assert_cmpint(sb_dtls_close(w.client.dtls), ==, SB_OK);
  pump(&w);
  g_assert_cmpint(w.server.closed, ==, 1);
  g_assert_cmpint(sb_dtls_state(w.server.dtls), ==, SB_DTLS_STATE_CLOSED);
  g_assert_cmpint(w.server.sent, ==, sent); /* no answer */
  world_clear(&w);

  /* A released endpoint closed locally sends nothing. */
  world_init(&w, NULL, NULL, 0);
  exchange_fingerprints(&w);
  handshake(&w);
  g_assert_cmpint(sb_dtls_release(w.server.dtls), ==, SB_OK);
  sent = w.server.sent;
  g_assert_cmpint(sb_dtls_close(w.server.dtls), ==, SB_OK);
  g_assert_cmpint(w.server.sent, ==, sent);
  g_assert_cmpint(sb_dtls_state(w.server.dtls), ==, SB_DTLS_STATE_CLOSED);
  world_clear(&w);
}

/* Malformed datagrams are refused before OpenSSL sees them; well-framed
 * junk is dropped or fails the handshake, never crashes. */
static void test_garbage(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  exchange_fingerprints(&w);
  g_assert_cmpint(sb_dtls_start(w.server.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_start(w.client.dtls), ==, SB_OK);
  const uint8_t short_rec[] = {22, 0xfe, 0xfd, 0, 0};
  const uint8_t rtp_like[] = {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
  uint8_t long_len[13 + 4] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x05};
  uint8_t trailing[13 + 2 + 3] = {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 7, 0x00, 0x02};
  uint8_t tls_version[13] = {22, 0x03, 0x03};
  peer *ps[2] = {&w.client, &w.server};
  for (int i = 0; i < 2; i++) {
    sb_dtls *d = ps[i]->dtls;
    g_assert_cmpint(sb_dtls_handle(d, short_rec, sizeof short_rec), ==, SB_EINVAL);
    g_assert_cmpint(sb_dtls_handle(d, rtp_like, sizeof rtp_like), ==, SB_EINVAL);
    g_assert_cmpint(sb_dtls_handle(d, long_len, sizeof long_len), ==, SB_EINVAL);
    g_assert_cmpint(sb_dtls_handle(d, trailing, sizeof trailing), ==, SB_EINVAL);
    g_assert_cmpint(sb_dtls_handle(d, tls_version, sizeof tls_version), ==, SB_EINVAL);
    g_assert_cmpint(sb_dtls_handle(d, short_rec, 0), ==, SB_EINVAL);
    g_assert_cmpint(sb_dtls_handle(d, NULL, 0), ==, SB_EINVAL);
    g_assert_cmpint(sb_dtls_state(d), ==, SB_DTLS_STATE_CONNECTING);
  }
  /* The handshake still completes after all that. */
  pump(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  /* Well-framed random records to a connected endpoint. */
  GRand *r = g_rand_new_with_seed(7);
  for (int i = 0; i < 500; i++) {
    uint8_t buf[200];
    size_t body = (size_t)g_rand_int_range(r, 0, 150);
    for (size_t j = 0; j < sizeof buf; j++)
      buf[j] = (uint8_t)g_rand_int(r);
    buf[0] = (uint8_t)g_rand_int_range(r, 20, 26);
    buf[1] = 0xfe;
    buf[2] = 0xfd;
    buf[11] = 0;
    buf[12] = (uint8_t)body;
    int rc = sb_dtls_handle(w.server.dtls, buf, 13 + body);
    g_assert_true(rc == SB_OK || rc == SB_ECRYPTO || rc == SB_ESTATE);
  }
  g_rand_free(r);
  world_clear(&w);

  /* Well-framed random records into a server mid-handshake. */
  r = g_rand_new_with_seed(11);
  for (int round = 0; round < 20; round++) {
    world_init(&w, NULL, NULL, 0);
    for (int i = 0; i < 50; i++) {
      uint8_t buf[300];
      size_t body = (size_t)g_rand_int_range(r, 0, 280);
      for (size_t j = 0; j < sizeof buf; j++)
        buf[j] = (uint8_t)g_rand_int(r);
      buf[0] = 22;
      buf[1] = 0xfe;
      buf[2] = (uint8_t)(g_rand_boolean(r) ? 0xfd : 0xff);
      buf[3] = buf[4] = 0; /* epoch 0 */
      buf[11] = (uint8_t)(body >> 8);
      buf[12] = (uint8_t)body;
      if (body >= 12 && g_rand_boolean(r)) {
        buf[13] = 1; /* a ClientHello, with random length fields */
        buf[14] = 0;
      }
      int rc = sb_dtls_handle(w.server.dtls, buf, 13 + body);
      g_assert_true(rc == SB_OK || rc == SB_ECRYPTO || rc == SB_ESTATE);
    }
    world_clear(&w);
  }
  g_rand_free(r);
}

static void test_api_misuse(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  sb_dtls *d = NULL;
  sb_dtls_callbacks no_send = {NULL, on_connected, on_failed, on_closed};
  sb_dtls_ctx *ctx = NULL;
  g_assert_cmpint(sb_dtls_ctx_new(w.cert_c, &ctx), ==, SB_OK);
  g_assert_cmpint(sb_dtls_new(ctx, SB_DTLS_ROLE_CLIENT, &no_send, NULL, &d), ==, SB_EINVAL);
  g_assert_cmpint(sb_dtls_new(ctx, (sb_dtls_role)7, &callbacks, NULL, &d), ==, SB_EINVAL);
  g_assert_null(d);
  g_assert_cmpint(sb_dtls_ctx_new(NULL, &ctx), ==, SB_EINVAL);
  g_assert_cmpint(sb_dtls_ctx_set_srtp_profiles(ctx, "NOT_A_PROFILE"), ==, SB_EINVAL);
  g_assert_cmpint(sb_dtls_ctx_set_srtp_profiles(ctx, ""), ==, SB_EINVAL);
  g_assert_cmpint(sb_dtls_ctx_set_initial_timeout_ms(ctx, 5), ==, SB_EINVAL);
  g_assert_cmpint(sb_dtls_ctx_set_initial_timeout_ms(ctx, 60001), ==, SB_EINVAL);
  g_assert_true(sb_dtls_ctx_ref(ctx) == ctx);
  sb_dtls_ctx_unref(ctx);
  sb_dtls_ctx_unref(ctx);
  sb_dtls_ctx_unref(NULL);

  /* Fingerprints: unknown algorithm, wrong length, bad digits, bad separator. */
  const char *fp = sb_cert_fingerprint(w.cert_s);
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.client.dtls, "md5", fp), ==, SB_EUNSUPPORTED);
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.client.dtls, "sha-1", fp), ==, SB_EINVAL);
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.client.dtls, "sha-256", "AB:CD"), ==, SB_EINVAL);
  char bad[96];
  g_strlcpy(bad, fp, sizeof bad);
  bad[4] = 'G';
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.client.dtls, "sha-256", bad), ==, SB_EINVAL);
  g_strlcpy(bad, fp, sizeof bad);
  bad[5] = '-';
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.client.dtls, "sha-256", bad), ==, SB_EINVAL);
  g_assert_cmpint(sb_dtls_set_remote_fingerprint(w.client.dtls, NULL, fp), ==, SB_EINVAL);

  /* A client must be started before it takes datagrams; starting twice. */
  const uint8_t rec[13] = {22, 0xfe, 0xfd};
  g_assert_cmpint(sb_dtls_handle(w.client.dtls, rec, sizeof rec), ==, SB_ESTATE);
  g_assert_cmpint(sb_dtls_handle_timeout(w.client.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_get_role(w.client.dtls), ==, SB_DTLS_ROLE_CLIENT);
  g_assert_cmpint(sb_dtls_get_role(w.server.dtls), ==, SB_DTLS_ROLE_SERVER);
  exchange_fingerprints(&w);
  /* A server that was never started starts on its first datagram. */
  g_assert_cmpint(sb_dtls_start(w.client.dtls), ==, SB_OK);
  g_assert_cmpint(sb_dtls_start(w.client.dtls), ==, SB_ESTATE);
  pump(&w);
  assert_connected(&w, SB_SRTP_AEAD_AES_128_GCM);
  g_assert_cmpint(sb_dtls_start(w.server.dtls), ==, SB_ESTATE);

  g_assert_cmpstr(sb_dtls_state_name(SB_DTLS_STATE_NEW), ==, "new");
  g_assert_cmpstr(sb_dtls_state_name(SB_DTLS_STATE_CONNECTING), ==, "connecting");
  g_assert_cmpstr(sb_dtls_state_name(SB_DTLS_STATE_CONNECTED), ==, "connected");
  g_assert_cmpstr(sb_dtls_state_name(SB_DTLS_STATE_FAILED), ==, "failed");
  g_assert_cmpstr(sb_dtls_state_name(SB_DTLS_STATE_CLOSED), ==, "closed");
  g_assert_true(sb_dtls_is_dtls((const uint8_t[]){20}, 1));
  g_assert_true(sb_dtls_is_dtls((const uint8_t[]){63}, 1));
  g_assert_false(sb_dtls_is_dtls((const uint8_t[]){64}, 1));
  g_assert_false(sb_dtls_is_dtls((const uint8_t[]){19}, 1));
  g_assert_false(sb_dtls_is_dtls((const uint8_t[]){22}, 0));
  sb_dtls_free(NULL);
  world_clear(&w);
}

/* Freeing endpoints mid-handshake leaks nothing (ASan checks). */
static void test_free_mid_handshake(void) {
  world w;
  world_init(&w, NULL, NULL, 0);
  exchange_fingerprints(&w);
  g_assert_cmpint(sb_dtls_start(w.client.dtls), ==, SB_OK);
  GBytes *b = g_queue_pop_head(&w.client.outbox);
  gsize n;
  const uint8_t *d = g_bytes_get_data(b, &n);
  g_assert_cmpint(sb_dtls_handle(w.server.dtls, d, n), ==, SB_OK);
  g_bytes_unref(b);
  g_assert_cmpint(sb_dtls_timeout_us(w.server.dtls), >, 0);
  world_clear(&w);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/dtls/handshake-gcm-then-srtp", test_handshake_gcm);
  g_test_add_func("/dtls/profile/server-preference-wins", test_profile_server_preference);
  g_test_add_func("/dtls/profile/hmac-when-client-offers-only-hmac", test_profile_hmac_only_client);
  g_test_add_func("/dtls/profile/none-in-common-fails", test_profile_none_in_common);
  g_test_add_func("/dtls/fingerprint/wrong-at-server-fails", test_wrong_fingerprint_at_server);
  g_test_add_func("/dtls/fingerprint/wrong-at-client-fails", test_wrong_fingerprint_at_client);
  g_test_add_func("/dtls/fingerprint/late-delivers-keys", test_late_fingerprint);
  g_test_add_func("/dtls/fingerprint/late-wrong-fails", test_late_wrong_fingerprint);
  g_test_add_func("/dtls/retransmit/client-hello-lost", test_retransmit_client_hello);
  g_test_add_func("/dtls/retransmit/server-flight-lost", test_retransmit_server_flight);
  g_test_add_func("/dtls/retransmit/client-last-flight-lost", test_retransmit_client_last_flight);
  g_test_add_func("/dtls/retransmit/server-last-flight-lost", test_retransmit_server_last_flight);
  g_test_add_func("/dtls/close-notify", test_close_notify);
  g_test_add_func("/dtls/release", test_release);
  g_test_add_func("/dtls/garbage-refused", test_garbage);
  g_test_add_func("/dtls/api-misuse", test_api_misuse);
  g_test_add_func("/dtls/free-mid-handshake", test_free_mid_handshake);
  return g_test_run();
}
