/* dtls.c - one DTLS-SRTP endpoint on OpenSSL, driven from outside (see
 * dtls.h). OpenSSL reads and writes through a small BIO of our own: a read
 * returns the one datagram being handled, a write is one record handed to
 * the send callback, so datagram boundaries survive and nothing touches a
 * socket. The retransmission timer is OpenSSL's, reported to the caller
 * through sb_dtls_timeout_us(). On handshake completion the SRTP master keys
 * are exported (RFC 5764 section 4.2) and given to on_connected once the
 * peer's certificate has matched its SDP fingerprint. Keys are never logged.
 *
 * Once the peer's SRTP proves the handshake finished on both sides, the
 * caller may release OpenSSL's state (sb_dtls_release): about 60 KiB per
 * connection that DTLS-SRTP never needs again, since keys are exported and
 * WebRTC forbids renegotiation. */
#define G_LOG_DOMAIN "sb-dtls"
#include "dtls.h"

#include <stdarg.h>
#include <string.h>

#include <glib.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/error.h"

#define DEFAULT_PROFILES "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"
#define CIPHERS                                                                                    \
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"                                     \
  "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"                                     \
  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"                                     \
  "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA"
#define GROUPS              "X25519:P-256:P-384"
#define EXPORTER_LABEL      "EXTRACTOR-dtls_srtp"
#define TIMEOUT_MAX_US      60000000u
#define DTLS_RECORD_HDR_LEN 13

struct sb_dtls_ctx {
  gint refs;
  SSL_CTX *ssl_ctx;
  BIO_METHOD *bio_method;
  unsigned initial_timeout_us;
};

struct sb_dtls {
  sb_dtls_ctx *ctx;
  SSL *ssl;
  sb_dtls_role role;
  sb_dtls_conn_state state;
  sb_dtls_callbacks cb;
  void *user;
  unsigned initial_timeout_us;
  /* The datagram being handled; the BIO returns it once. */
  const uint8_t *in;
  size_t in_len;
  /* The peer's fingerprint from SDP. */
  const EVP_MD *remote_md;
  unsigned char remote_fp[EVP_MAX_MD_SIZE];
  unsigned remote_fp_len;
  bool have_fp;
  bool verified;      /* the peer's certificate matched remote_fp */
  bool verify_failed; /* ...or did not (reason set) */
  bool keys_pending;  /* handshake done, keys held until verified */
  bool released;      /* OpenSSL's state is gone (sb_dtls_release) */
  sb_srtp_profile profile;
  sb_srtp_keys keys; /* secret; wiped as soon as delivered */
  char alert[96];    /* last alert received, for failure reasons */
  char reason[192];
};

/* ---- the BIO: one datagram in, one record out ---------------------------- */

static int bio_write(BIO *b, const char *data, int len) {
  sb_dtls *d = BIO_get_data(b);
  BIO_clear_retry_flags(b);
  if (len > 0) d->cb.send(d->user, (const uint8_t *)data, (size_t)len);
  return len;
}

static int bio_read(BIO *b, char *out, int outl) {
  sb_dtls *d = BIO_get_data(b);
  BIO_clear_retry_flags(b);
  if (!d->in || outl <= 0) {
    BIO_set_retry_read(b);
    return -1;
  }
  size_t n = d->in_len < (size_t)outl ? d->in_len : (size_t)outl;
  memcpy(out, d->in, n);
  d->in = NULL;
  d->in_len = 0;
  return (int)n;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr) {
  sb_dtls *d = BIO_get_data(b);
  switch (cmd) {
  case BIO_CTRL_FLUSH: return 1;
  case BIO_CTRL_PENDING: return d && d->in ? (long)d->in_len : 0;
  case BIO_CTRL_WPENDING: return 0;
  case BIO_CTRL_DGRAM_QUERY_MTU: return SB_DTLS_MTU;
  default: return 0;
  }
}

static int bio_create(BIO *b) {
  BIO_set_init(b, 1);
  return 1;
}

/* ---- helpers ------------------------------------------------------------- */

static int fail(sb_dtls *d, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The last queued OpenSSL error as text in buf; clears the queue. */
static const char *openssl_error(char *buf, size_t cap) {
  unsigned long e = ERR_peek_last_error();
  if (e)
    ERR_error_string_n(e, buf, cap);
  else
    g_strlcpy(buf, "unknown error", cap);
  ERR_clear_error();
  return buf;
}

static void wipe_keys(sb_dtls *d) {
  sb_srtp_keys_wipe(&d->keys);
  d->keys_pending = false;
}

/* Moves to FAILED once and tells the caller. Returns SB_ECRYPTO. */
static int fail(sb_dtls *d, const char *fmt, ...) {
  if (d->state == SB_DTLS_STATE_FAILED || d->state == SB_DTLS_STATE_CLOSED) return SB_ECRYPTO;
  va_list ap;
  va_start(ap, fmt);
  g_vsnprintf(d->reason, sizeof d->reason, fmt, ap);
  va_end(ap);
  ERR_clear_error();
  wipe_keys(d);
  /* A session we refuse after its handshake (late fingerprint mismatch)
   * is ended politely so the peer does not wait for it. */
  if (SSL_is_init_finished(d->ssl)) {
    SSL_shutdown(d->ssl);
    ERR_clear_error();
  }
  d->state = SB_DTLS_STATE_FAILED;
  g_debug("%s: failed: %s", d->role == SB_DTLS_ROLE_CLIENT ? "client" : "server", d->reason);
  if (d->cb.on_failed) d->cb.on_failed(d->user, d->reason);
  return SB_ECRYPTO;
}

static void closed_by_peer(sb_dtls *d) {
  if (d->state == SB_DTLS_STATE_FAILED || d->state == SB_DTLS_STATE_CLOSED) return;
  SSL_shutdown(d->ssl); /* answer with our close_notify */
  ERR_clear_error();
  wipe_keys(d);
  d->state = SB_DTLS_STATE_CLOSED;
  g_strlcpy(d->reason, "close_notify received", sizeof d->reason);
  if (d->cb.on_closed) d->cb.on_closed(d->user, d->reason);
}

/* Handles a non-positive return of SSL_do_handshake/SSL_read. */
static int check_ssl_result(sb_dtls *d, int r) {
  int e = SSL_get_error(d->ssl, r);
  switch (e) {
  case SSL_ERROR_WANT_READ:
  case SSL_ERROR_WANT_WRITE: ERR_clear_error(); return SB_OK;
  case SSL_ERROR_ZERO_RETURN: closed_by_peer(d); return SB_OK;
  default: break;
  }
  if (d->verify_failed) return fail(d, "the peer's certificate does not match its fingerprint");
  if (d->alert[0]) return fail(d, "%s", d->alert);
  char why[160];
  return fail(d, "handshake failed: %s", openssl_error(why, sizeof why));
}

static bool fingerprint_matches(sb_dtls *d, X509 *peer) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (!peer || !X509_digest(peer, d->remote_md, md, &n)) {
    ERR_clear_error();
    return false;
  }
  return n == d->remote_fp_len && CRYPTO_memcmp(md, d->remote_fp, n) == 0;
}

static void connected(sb_dtls *d) {
  d->state = SB_DTLS_STATE_CONNECTED;
  d->keys_pending = false;
  g_debug("%s: connected, SRTP profile %s", d->role == SB_DTLS_ROLE_CLIENT ? "client" : "server",
          sb_srtp_profile_name(d->profile));
  if (d->cb.on_connected) d->cb.on_connected(d->user, &d->keys);
  sb_srtp_keys_wipe(&d->keys);
}

/* Checks the stored peer certificate against remote_fp, then delivers. */
static int verify_late(sb_dtls *d) {
  if (!fingerprint_matches(d, SSL_get0_peer_certificate(d->ssl))) {
    d->verify_failed = true;
    return fail(d, "the peer's certificate does not match its fingerprint");
  }
  d->verified = true;
  connected(d);
  return SB_OK;
}

/* The handshake just finished: export the keys (RFC 5764 4.2) and deliver
 * them, or hold them until the fingerprint is known. */
static int handshake_done(sb_dtls *d) {
  const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(d->ssl);
  if (!p) return fail(d, "no SRTP protection profile was negotiated");
  sb_srtp_profile prof = p->id == SRTP_AEAD_AES_128_GCM    ? SB_SRTP_AEAD_AES_128_GCM
                         : p->id == SRTP_AES128_CM_SHA1_80 ? SB_SRTP_AES128_CM_SHA1_80
                                                           : SB_SRTP_PROFILE_NONE;
  size_t kl, sl;
  if (sb_srtp_profile_lengths(prof, &kl, &sl) < 0)
    return fail(d, "unsupported SRTP protection profile %s", p->name);
  unsigned char m[2 * (SB_SRTP_KEY_LEN + SB_SRTP_MAX_SALT_LEN)];
  size_t n = 2 * (kl + sl);
  if (SSL_export_keying_material(d->ssl, m, n, EXPORTER_LABEL, strlen(EXPORTER_LABEL), NULL, 0,
                                 0) != 1) {
    OPENSSL_cleanse(m, sizeof m);
    return fail(d, "cannot export the SRTP keying material");
  }
  /* client_key | server_key | client_salt | server_salt */
  const unsigned char *client_key = m, *server_key = m + kl;
  const unsigned char *client_salt = m + 2 * kl, *server_salt = m + 2 * kl + sl;
  bool client = d->role == SB_DTLS_ROLE_CLIENT;
  d->keys.profile = prof;
  d->keys.key_len = (uint8_t)kl;
  d->keys.salt_len = (uint8_t)sl;
  memcpy(d->keys.local_key, client ? client_key : server_key, kl);
  memcpy(d->keys.local_salt, client ? client_salt : server_salt, sl);
  memcpy(d->keys.remote_key, client ? server_key : client_key, kl);
  memcpy(d->keys.remote_salt, client ? server_salt : client_salt, sl);
  OPENSSL_cleanse(m, sizeof m);
  d->profile = prof;
  d->keys_pending = true;
  if (d->verified) {
    connected(d);
    return SB_OK;
  }
  if (d->have_fp) return verify_late(d);
  g_debug("%s: handshake done, waiting for the peer's fingerprint",
          d->role == SB_DTLS_ROLE_CLIENT ? "client" : "server");
  return SB_OK;
}

/* Runs OpenSSL on whatever is pending: the handshake, then records. */
static int pump(sb_dtls *d) {
  ERR_clear_error();
  if (!SSL_is_init_finished(d->ssl)) {
    int r = SSL_do_handshake(d->ssl);
    if (r != 1) return check_ssl_result(d, r);
    int rc = handshake_done(d);
    if (rc < 0) return rc;
  }
  /* Alerts, close_notify, retransmitted flights and (discarded)
   * application data. */
  for (;;) {
    unsigned char buf[2048];
    int r = SSL_read(d->ssl, buf, sizeof buf);
    if (r <= 0) return check_ssl_result(d, r);
  }
}

/* ---- OpenSSL callbacks --------------------------------------------------- */

static int cert_verify_cb(X509_STORE_CTX *store, void *arg) {
  SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
  sb_dtls *d = ssl ? SSL_get_app_data(ssl) : NULL;
  X509 *peer = X509_STORE_CTX_get0_cert(store);
  if (!d || !peer) return 0;
  if (!d->have_fp) return 1; /* checked once the SDP brings it */
  if (fingerprint_matches(d, peer)) {
    d->verified = true;
    return 1;
  }
  d->verify_failed = true;
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return 0;
}

static void info_cb(const SSL *ssl, int where, int ret) {
  sb_dtls *d = SSL_get_app_data(ssl);
  if (!d || !(where & SSL_CB_ALERT)) return;
  if (where & SSL_CB_READ)
    g_snprintf(d->alert, sizeof d->alert, "received %s alert: %s", SSL_alert_type_string_long(ret),
               SSL_alert_desc_string_long(ret));
  else
    g_debug("sent %s alert: %s", SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
}

static unsigned int timer_cb(SSL *ssl, unsigned int timer_us) {
  sb_dtls *d = SSL_get_app_data(ssl);
  if (timer_us == 0) return d ? d->initial_timeout_us : 1000000u;
  return timer_us >= TIMEOUT_MAX_US / 2 ? TIMEOUT_MAX_US : timer_us * 2;
}

/* ---- context ------------------------------------------------------------- */

int sb_dtls_ctx_new(sb_cert *cert, sb_dtls_ctx **out) {
  if (!cert || !out) return SB_EINVAL;
  ERR_clear_error();
  sb_dtls_ctx *c = g_new0(sb_dtls_ctx, 1);
  c->refs = 1;
  c->initial_timeout_us = 1000000u;
  c->ssl_ctx = SSL_CTX_new(DTLS_method());
  if (!c->ssl_ctx) goto failed;
  SSL_CTX *s = c->ssl_ctx;
  if (!SSL_CTX_set_min_proto_version(s, DTLS1_2_VERSION) ||
      SSL_CTX_use_certificate(s, sb_cert_x509(cert)) != 1 ||
      SSL_CTX_use_PrivateKey(s, sb_cert_pkey(cert)) != 1 || SSL_CTX_check_private_key(s) != 1 ||
      SSL_CTX_set_cipher_list(s, CIPHERS) != 1 || SSL_CTX_set1_groups_list(s, GROUPS) != 1 ||
      SSL_CTX_set_tlsext_use_srtp(s, DEFAULT_PROFILES) != 0)
    goto failed;
  SSL_CTX_set_options(s, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
  /* Idle connections give their read and write buffers back (~34 KiB each). */
  SSL_CTX_set_mode(s, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_verify(s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  SSL_CTX_set_cert_verify_callback(s, cert_verify_cb, NULL);
  c->bio_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "switchboard-dtls");
  if (!c->bio_method || !BIO_meth_set_write(c->bio_method, bio_write) ||
      !BIO_meth_set_read(c->bio_method, bio_read) || !BIO_meth_set_ctrl(c->bio_method, bio_ctrl) ||
      !BIO_meth_set_create(c->bio_method, bio_create))
    goto failed;
  *out = c;
  return SB_OK;
failed:;
  char why[160];
  g_warning("cannot set up the DTLS context: %s", openssl_error(why, sizeof why));
  sb_dtls_ctx_unref(c);
  return SB_EIO;
}

sb_dtls_ctx *sb_dtls_ctx_ref(sb_dtls_ctx *ctx) {
  g_return_val_if_fail(ctx != NULL, NULL);
  g_atomic_int_inc(&ctx->refs);
  return ctx;
}

void sb_dtls_ctx_unref(sb_dtls_ctx *ctx) {
  if (!ctx || !g_atomic_int_dec_and_test(&ctx->refs)) return;
  SSL_CTX_free(ctx->ssl_ctx);
  if (ctx->bio_method) BIO_meth_free(ctx->bio_method);
  g_free(ctx);
}

int sb_dtls_ctx_set_srtp_profiles(sb_dtls_ctx *ctx, const char *profiles) {
  if (!ctx || !profiles || !*profiles) return SB_EINVAL;
  if (SSL_CTX_set_tlsext_use_srtp(ctx->ssl_ctx, profiles) != 0) {
    ERR_clear_error();
    return SB_EINVAL;
  }
  return SB_OK;
}

int sb_dtls_ctx_set_initial_timeout_ms(sb_dtls_ctx *ctx, unsigned ms) {
  if (!ctx || ms < 10 || ms > 60000) return SB_EINVAL;
  ctx->initial_timeout_us = ms * 1000u;
  return SB_OK;
}

/* ---- endpoint ------------------------------------------------------------ */

int sb_dtls_new(sb_dtls_ctx *ctx, sb_dtls_role role, const sb_dtls_callbacks *cb, void *user,
                sb_dtls **out) {
  if (!ctx || !cb || !cb->send || !out ||
      (role != SB_DTLS_ROLE_CLIENT && role != SB_DTLS_ROLE_SERVER))
    return SB_EINVAL;
  ERR_clear_error();
  sb_dtls *d = g_new0(sb_dtls, 1);
  d->ctx = sb_dtls_ctx_ref(ctx);
  d->role = role;
  d->cb = *cb;
  d->user = user;
  d->initial_timeout_us = ctx->initial_timeout_us;
  d->ssl = SSL_new(ctx->ssl_ctx);
  BIO *bio = d->ssl ? BIO_new(ctx->bio_method) : NULL;
  if (!bio) {
    ERR_clear_error();
    sb_dtls_free(d);
    return SB_EIO;
  }
  BIO_set_data(bio, d);
  SSL_set_bio(d->ssl, bio, bio); /* one reference, owned by the SSL */
  SSL_set_app_data(d->ssl, d);
  SSL_set_info_callback(d->ssl, info_cb);
  DTLS_set_timer_cb(d->ssl, timer_cb);
  if (!SSL_set_mtu(d->ssl, SB_DTLS_MTU)) {
    ERR_clear_error();
    sb_dtls_free(d);
    return SB_EIO;
  }
  if (role == SB_DTLS_ROLE_CLIENT)
    SSL_set_connect_state(d->ssl);
  else
    SSL_set_accept_state(d->ssl);
  *out = d;
  return SB_OK;
}

void sb_dtls_free(sb_dtls *dtls) {
  if (!dtls) return;
  wipe_keys(dtls);
  SSL_free(dtls->ssl);
  sb_dtls_ctx_unref(dtls->ctx);
  g_free(dtls);
}

/* Parses "AB:CD:..." into exactly want bytes. */
static int parse_fingerprint(const char *s, unsigned char *out, size_t want) {
  if (strlen(s) != want * 3 - 1) return SB_EINVAL;
  for (size_t i = 0; i < want; i++) {
    int hi = g_ascii_xdigit_value(s[i * 3]), lo = g_ascii_xdigit_value(s[i * 3 + 1]);
    if (hi < 0 || lo < 0) return SB_EINVAL;
    if (i + 1 < want && s[i * 3 + 2] != ':') return SB_EINVAL;
    out[i] = (unsigned char)(hi << 4 | lo);
  }
  return SB_OK;
}

int sb_dtls_set_remote_fingerprint(sb_dtls *dtls, const char *alg, const char *fingerprint) {
  if (!dtls || !alg || !fingerprint) return SB_EINVAL;
  const EVP_MD *md = sb_cert_digest_by_name(alg);
  if (!md) return SB_EUNSUPPORTED;
  int size = EVP_MD_get_size(md);
  if (size <= 0 || size > EVP_MAX_MD_SIZE) return SB_EUNSUPPORTED;
  unsigned char fp[EVP_MAX_MD_SIZE];
  if (parse_fingerprint(fingerprint, fp, (size_t)size) < 0) return SB_EINVAL;
  if (dtls->verified || dtls->state == SB_DTLS_STATE_FAILED ||
      dtls->state == SB_DTLS_STATE_CLOSED) {
    bool same = dtls->have_fp && md == dtls->remote_md && (unsigned)size == dtls->remote_fp_len &&
                memcmp(fp, dtls->remote_fp, (size_t)size) == 0;
    return same && dtls->verified ? SB_OK : SB_ESTATE;
  }
  dtls->remote_md = md;
  memcpy(dtls->remote_fp, fp, (size_t)size);
  dtls->remote_fp_len = (unsigned)size;
  dtls->have_fp = true;
  if (dtls->keys_pending) return verify_late(dtls);
  return SB_OK;
}

int sb_dtls_start(sb_dtls *dtls) {
  if (!dtls || dtls->state != SB_DTLS_STATE_NEW) return SB_ESTATE;
  dtls->state = SB_DTLS_STATE_CONNECTING;
  if (dtls->role == SB_DTLS_ROLE_SERVER) return SB_OK;
  return pump(dtls); /* writes the ClientHello */
}

/* A datagram must be a sequence of whole DTLS records (RFC 6347 4.1). */
static bool records_well_formed(const uint8_t *p, size_t len) {
  size_t pos = 0;
  if (len == 0) return false;
  while (pos < len) {
    if (len - pos < DTLS_RECORD_HDR_LEN) return false;
    if (p[pos] < 20 || p[pos] > 63 || p[pos + 1] != 0xfe) return false;
    size_t rec = (size_t)p[pos + 11] << 8 | p[pos + 12];
    if (rec > len - pos - DTLS_RECORD_HDR_LEN) return false;
    pos += DTLS_RECORD_HDR_LEN + rec;
  }
  return true;
}

/* After release: an alert record of a later epoch than the handshake's
 * (close_notify or a fatal alert: both end the session) closes it. It cannot
 * be decrypted any more; the sender's address passed ICE. */
static int handle_released(sb_dtls *d, const uint8_t *p, size_t len) {
  for (size_t pos = 0; pos < len;) {
    size_t rec = (size_t)p[pos + 11] << 8 | p[pos + 12];
    uint16_t epoch = (uint16_t)(p[pos + 3] << 8 | p[pos + 4]);
    if (p[pos] == 21 && epoch > 0) {
      d->state = SB_DTLS_STATE_CLOSED;
      g_strlcpy(d->reason, "alert received after the handshake", sizeof d->reason);
      if (d->cb.on_closed) d->cb.on_closed(d->user, d->reason);
      return SB_OK;
    }
    pos += DTLS_RECORD_HDR_LEN + rec;
  }
  return SB_OK; /* retransmitted flights, stray records: nothing to answer */
}

int sb_dtls_release(sb_dtls *dtls) {
  if (!dtls || dtls->state != SB_DTLS_STATE_CONNECTED) return SB_ESTATE;
  if (dtls->released) return SB_OK;
  SSL_free(dtls->ssl);
  dtls->ssl = NULL;
  dtls->released = true;
  return SB_OK;
}

int sb_dtls_handle(sb_dtls *dtls, const uint8_t *data, size_t len) {
  if (!dtls || (!data && len)) return SB_EINVAL;
  if (dtls->state == SB_DTLS_STATE_FAILED || dtls->state == SB_DTLS_STATE_CLOSED) return SB_ESTATE;
  if (!records_well_formed(data, len)) return SB_EINVAL;
  if (dtls->released) return handle_released(dtls, data, len);
  if (dtls->state == SB_DTLS_STATE_NEW) {
    if (dtls->role == SB_DTLS_ROLE_CLIENT) return SB_ESTATE;
    dtls->state = SB_DTLS_STATE_CONNECTING;
  }
  dtls->in = data;
  dtls->in_len = len;
  int rc = pump(dtls);
  dtls->in = NULL;
  dtls->in_len = 0;
  return rc;
}

int64_t sb_dtls_timeout_us(sb_dtls *dtls) {
  if (!dtls || dtls->state != SB_DTLS_STATE_CONNECTING) return -1;
  struct timeval tv;
  if (DTLSv1_get_timeout(dtls->ssl, &tv) != 1) return -1;
  return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

int sb_dtls_handle_timeout(sb_dtls *dtls) {
  if (!dtls) return SB_EINVAL;
  if (dtls->state != SB_DTLS_STATE_CONNECTING) return SB_OK;
  ERR_clear_error();
  if (DTLSv1_handle_timeout(dtls->ssl) < 0)
    return fail(dtls, "the handshake timed out (no answer to retransmissions)");
  ERR_clear_error();
  return SB_OK;
}

int sb_dtls_close(sb_dtls *dtls) {
  if (!dtls || dtls->state == SB_DTLS_STATE_FAILED || dtls->state == SB_DTLS_STATE_CLOSED)
    return SB_ESTATE;
  if (dtls->ssl && SSL_is_init_finished(dtls->ssl)) SSL_shutdown(dtls->ssl);
  ERR_clear_error();
  wipe_keys(dtls);
  dtls->state = SB_DTLS_STATE_CLOSED;
  return SB_OK;
}

sb_dtls_conn_state sb_dtls_state(const sb_dtls *dtls) { return dtls->state; }
sb_dtls_role sb_dtls_get_role(const sb_dtls *dtls) { return dtls->role; }

sb_srtp_profile sb_dtls_profile(const sb_dtls *dtls) {
  return dtls->state == SB_DTLS_STATE_CONNECTED ? dtls->profile : SB_SRTP_PROFILE_NONE;
}

const char *sb_dtls_state_name(sb_dtls_conn_state state) {
  switch (state) {
  case SB_DTLS_STATE_NEW: return "new";
  case SB_DTLS_STATE_CONNECTING: return "connecting";
  case SB_DTLS_STATE_CONNECTED: return "connected";
  case SB_DTLS_STATE_FAILED: return "failed";
  case SB_DTLS_STATE_CLOSED: return "closed";
  default: return "unknown";
  }
}
