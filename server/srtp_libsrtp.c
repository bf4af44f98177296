/* srtp_libsrtp.c - the libsrtp2 SRTP backend, chosen with
 * SB_SRTP_IMPL=libsrtp2 (see srtp.h): two libsrtp sessions per sb_srtp,
 * outbound with our keys and inbound with the peer's, both matching any
 * SSRC. libsrtp derives the session keys; its ciphers are the OpenSSL ones
 * of srtp_gcm.c and srtp_cm.c unless SB_SRTP_CRYPTO=libsrtp keeps its own.
 * The per-packet calls run libsrtp in place and return its status, which
 * has the numbers of the SB_SRTP_ST_* codes (checked below). Keys are
 * copied into libsrtp and wiped from our stack; they are never logged. */
#define G_LOG_DOMAIN "sb-srtp"
#include <string.h>

#include <glib.h>
#include <openssl/crypto.h>
#include <srtp2/srtp.h>

#include "core/error.h"
#include "srtp_private.h"

G_STATIC_ASSERT(SB_SRTP_MAX_TRAILER == SRTP_MAX_TRAILER_LEN + 4);
G_STATIC_ASSERT(SB_SRTP_KEY_LEN + SB_SRTP_MAX_SALT_LEN <= SRTP_MAX_KEY_LEN);
G_STATIC_ASSERT(SB_SRTP_KEY_LEN == SRTP_AES_128_KEY_LEN);
G_STATIC_ASSERT(SB_SRTP_CM_SALT_LEN == SRTP_SALT_LEN);
G_STATIC_ASSERT(SB_SRTP_GCM_SALT_LEN == SRTP_AEAD_SALT_LEN);
/* The status codes are libsrtp2's. */
G_STATIC_ASSERT(SB_SRTP_ST_FAIL == (int)srtp_err_status_fail);
G_STATIC_ASSERT(SB_SRTP_ST_BAD_PARAM == (int)srtp_err_status_bad_param);
G_STATIC_ASSERT(SB_SRTP_ST_ALLOC_FAIL == (int)srtp_err_status_alloc_fail);
G_STATIC_ASSERT(SB_SRTP_ST_DEALLOC_FAIL == (int)srtp_err_status_dealloc_fail);
G_STATIC_ASSERT(SB_SRTP_ST_INIT_FAIL == (int)srtp_err_status_init_fail);
G_STATIC_ASSERT(SB_SRTP_ST_AUTH_FAIL == (int)srtp_err_status_auth_fail);
G_STATIC_ASSERT(SB_SRTP_ST_CIPHER_FAIL == (int)srtp_err_status_cipher_fail);
G_STATIC_ASSERT(SB_SRTP_ST_REPLAY_FAIL == (int)srtp_err_status_replay_fail);
G_STATIC_ASSERT(SB_SRTP_ST_REPLAY_OLD == (int)srtp_err_status_replay_old);
G_STATIC_ASSERT(SB_SRTP_ST_ALGO_FAIL == (int)srtp_err_status_algo_fail);
G_STATIC_ASSERT(SB_SRTP_ST_NO_CTX == (int)srtp_err_status_no_ctx);
G_STATIC_ASSERT(SB_SRTP_ST_CANT_CHECK == (int)srtp_err_status_cant_check);
G_STATIC_ASSERT(SB_SRTP_ST_KEY_EXPIRED == (int)srtp_err_status_key_expired);
G_STATIC_ASSERT(SB_SRTP_ST_PARSE_ERR == (int)srtp_err_status_parse_err);
G_STATIC_ASSERT(SB_SRTP_ST_BAD_MKI == (int)srtp_err_status_bad_mki);
G_STATIC_ASSERT(SB_SRTP_ST_PKT_IDX_OLD == (int)srtp_err_status_pkt_idx_old);
G_STATIC_ASSERT(SB_SRTP_ST_PKT_IDX_ADV == (int)srtp_err_status_pkt_idx_adv);

#define REPLAY_WINDOW 1024

typedef struct {
  sb_srtp base;
  srtp_t in;  /* unprotect: the peer's keys */
  srtp_t out; /* protect: ours */
} libsrtp_srtp;

static int libsrtp_init(void) {
  if (srtp_init() != srtp_err_status_ok) return SB_ECRYPTO;
  /* srtp_gcm.c, srtp_cm.c; libsrtp2's own stay on failure, or when
   * SB_SRTP_CRYPTO=libsrtp asks for them (for measurements). */
  if (g_strcmp0(g_getenv("SB_SRTP_CRYPTO"), "libsrtp") != 0) {
    sb_srtp_gcm_install();
    sb_srtp_cm_install();
  }
  return SB_OK;
}

/* Creates one session matching any SSRC in the given direction. */
static srtp_err_status_t session_new(srtp_t *out, sb_srtp_profile profile, srtp_ssrc_type_t dir,
                                     const uint8_t *key, const uint8_t *salt, size_t key_len,
                                     size_t salt_len) {
  unsigned char master[SRTP_MAX_KEY_LEN];
  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  srtp_err_status_t st =
      srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, (srtp_profile_t)profile);
  if (st == srtp_err_status_ok)
    st = srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, (srtp_profile_t)profile);
  if (st != srtp_err_status_ok) return st;
  memcpy(master, key, key_len);
  memcpy(master + key_len, salt, salt_len);
  policy.ssrc.type = dir;
  policy.key = master;
  policy.window_size = REPLAY_WINDOW;
  policy.allow_repeat_tx = dir == ssrc_any_outbound;
  policy.next = NULL;
  st = srtp_create(out, &policy);
  OPENSSL_cleanse(master, sizeof master);
  return st;
}

static void libsrtp_destroy(sb_srtp *srtp) {
  libsrtp_srtp *s = (libsrtp_srtp *)srtp;
  if (s->in) srtp_dealloc(s->in);
  if (s->out) srtp_dealloc(s->out);
  g_free(s);
}

static int libsrtp_create(const sb_srtp_keys *keys, sb_srtp **out) {
  libsrtp_srtp *s = g_new0(libsrtp_srtp, 1);
  s->base.backend = &sb_srtp_backend_libsrtp;
  srtp_err_status_t st = session_new(&s->out, keys->profile, ssrc_any_outbound, keys->local_key,
                                     keys->local_salt, keys->key_len, keys->salt_len);
  if (st == srtp_err_status_ok)
    st = session_new(&s->in, keys->profile, ssrc_any_inbound, keys->remote_key, keys->remote_salt,
                     keys->key_len, keys->salt_len);
  if (st != srtp_err_status_ok) {
    g_warning("libsrtp refused a session: %s", sb_srtp_status_name((int)st));
    libsrtp_destroy(&s->base);
    return st == srtp_err_status_alloc_fail ? SB_ENOMEM : SB_ECRYPTO;
  }
  *out = &s->base;
  return SB_OK;
}

/* The shared shape of the four per-packet calls; lengths fit an int (the
 * front checked). */
typedef srtp_err_status_t (*srtp_fn)(srtp_t, void *, int *);

static inline int transform(srtp_t session, srtp_fn fn, uint8_t *buf, size_t *len) {
  int n = (int)*len;
  srtp_err_status_t st = fn(session, buf, &n);
  if (G_LIKELY(st == srtp_err_status_ok)) *len = (size_t)n;
  return (int)st;
}

static int libsrtp_protect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  return transform(((libsrtp_srtp *)srtp)->out, srtp_protect, buf, len);
}

static int libsrtp_protect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  return transform(((libsrtp_srtp *)srtp)->out, srtp_protect_rtcp, buf, len);
}

static int libsrtp_unprotect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  return transform(((libsrtp_srtp *)srtp)->in, srtp_unprotect, buf, len);
}

static int libsrtp_unprotect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  return transform(((libsrtp_srtp *)srtp)->in, srtp_unprotect_rtcp, buf, len);
}

const sb_srtp_backend sb_srtp_backend_libsrtp = {
    .name = "libsrtp2",
    .init = libsrtp_init,
    .create = libsrtp_create,
    .destroy = libsrtp_destroy,
    .protect_rtp = libsrtp_protect_rtp,
    .protect_rtcp = libsrtp_protect_rtcp,
    .unprotect_rtp = libsrtp_unprotect_rtp,
    .unprotect_rtcp = libsrtp_unprotect_rtcp,
};
