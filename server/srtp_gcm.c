/* srtp_gcm.c - AES-GCM for libsrtp2 on OpenSSL, installed through
 * libsrtp2's own extension point (srtp_replace_cipher_type).
 *
 * Debian builds libsrtp2 on NSS, whose AES-GCM creates and destroys a PKCS#11
 * context for every packet (allocations and mutexes each time) and was about
 * half of the server's CPU when forwarding. OpenSSL's EVP AES-GCM uses the
 * CPU's AES and carry-less multiply instructions and, with one
 * EVP_CIPHER_CTX kept per libsrtp cipher, allocates nothing per packet.
 * libsrtp2 still does everything else (key derivation, IVs, replay
 * protection, SRTP/SRTCP framing); only the cipher primitive changes, and
 * srtp_replace_cipher_type() runs libsrtp2's own known-answer tests on it
 * before it takes effect.
 *
 * The callbacks follow libsrtp2's cipher contract (srtp2/cipher.h): init
 * with the key, then per packet set_iv (direction), set_aad, encrypt or
 * decrypt in place, get_tag after encrypt; decrypt is given the tag at the
 * end of the buffer, checks it and shortens the length by it. */
#define G_LOG_DOMAIN "sb-srtp"
#include <string.h>

#include <glib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include "srtp.h"

#define GCM_IV_LEN 12

typedef struct {
  EVP_CIPHER_CTX *ctx;
  int key_size; /* 16 or 32 */
  int tag_len;  /* 8 or 16 */
  srtp_cipher_direction_t dir;
} gcm_state;

extern const srtp_cipher_type_t sb_srtp_gcm_128, sb_srtp_gcm_256;

static srtp_err_status_t gcm_alloc(srtp_cipher_t **cp, int key_len, int tag_len) {
  const srtp_cipher_type_t *type;
  int key_size, algorithm;
  if (key_len == SRTP_AES_GCM_128_KEY_LEN_WSALT) {
    type = &sb_srtp_gcm_128, key_size = SRTP_AES_128_KEY_LEN, algorithm = SRTP_AES_GCM_128;
  } else if (key_len == SRTP_AES_GCM_256_KEY_LEN_WSALT) {
    type = &sb_srtp_gcm_256, key_size = SRTP_AES_256_KEY_LEN, algorithm = SRTP_AES_GCM_256;
  } else {
    return srtp_err_status_bad_param;
  }
  if (tag_len != 8 && tag_len != 16) return srtp_err_status_bad_param;
  srtp_cipher_t *c = g_try_new0(srtp_cipher_t, 1);
  gcm_state *s = g_try_new0(gcm_state, 1);
  if (s) s->ctx = EVP_CIPHER_CTX_new();
  if (!c || !s || !s->ctx) {
    if (s) EVP_CIPHER_CTX_free(s->ctx);
    g_free(s);
    g_free(c);
    return srtp_err_status_alloc_fail;
  }
  s->key_size = key_size;
  s->tag_len = tag_len;
  s->dir = srtp_direction_any;
  c->type = type;
  c->state = s;
  c->key_len = key_len;
  c->algorithm = algorithm;
  *cp = c;
  return srtp_err_status_ok;
}

static srtp_err_status_t gcm_dealloc(srtp_cipher_t *c) {
  gcm_state *s = c->state;
  if (s) {
    EVP_CIPHER_CTX_free(s->ctx); /* clears the key schedule */
    OPENSSL_cleanse(s, sizeof *s);
    g_free(s);
  }
  g_free(c);
  return srtp_err_status_ok;
}

/* `key` is the key followed by the salt; the salt is libsrtp2's (it folds
 * it into each IV). */
static srtp_err_status_t gcm_init(void *state, const uint8_t *key) {
  gcm_state *s = state;
  const EVP_CIPHER *evp =
      s->key_size == SRTP_AES_256_KEY_LEN ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
  s->dir = srtp_direction_any;
  EVP_CIPHER_CTX_reset(s->ctx);
  if (!EVP_CipherInit_ex(s->ctx, evp, NULL, NULL, NULL, 1) ||
      !EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_IV_LEN, NULL) ||
      !EVP_CipherInit_ex(s->ctx, NULL, NULL, key, NULL, -1))
    return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t dir) {
  gcm_state *s = state;
  if (dir != srtp_direction_encrypt && dir != srtp_direction_decrypt)
    return srtp_err_status_bad_param;
  s->dir = dir;
  /* Same key, new IV and direction: the key schedule is kept. */
  if (!EVP_CipherInit_ex(s->ctx, NULL, NULL, NULL, iv, dir == srtp_direction_encrypt ? 1 : 0))
    return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_aad(void *state, const uint8_t *aad, uint32_t aad_len) {
  gcm_state *s = state;
  int n = 0;
  if (aad_len > INT32_MAX || !EVP_CipherUpdate(s->ctx, NULL, &n, aad, (int)aad_len) ||
      (uint32_t)n != aad_len)
    return srtp_err_status_algo_fail;
  return srtp_err_status_ok;
}

static srtp_err_status_t gcm_encrypt(void *state, uint8_t *buf, unsigned int *len) {
  gcm_state *s = state;
  int n = 0;
  if (s->dir != srtp_direction_encrypt) return srtp_err_status_bad_param;
  if (*len > INT32_MAX || !EVP_CipherUpdate(s->ctx, buf, &n, buf, (int)*len))
    return srtp_err_status_cipher_fail;
  return srtp_err_status_ok;
}

static srtp_err_status_t gcm_get_tag(void *state, uint8_t *tag, uint32_t *len) {
  gcm_state *s = state;
  int n = 0;
  uint8_t none[16];
  if (!EVP_CipherFinal_ex(s->ctx, none, &n) ||
      !EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, s->tag_len, tag))
    return srtp_err_status_algo_fail;
  *len = (uint32_t)s->tag_len;
  return srtp_err_status_ok;
}

static srtp_err_status_t gcm_decrypt(void *state, uint8_t *buf, unsigned int *len) {
  gcm_state *s = state;
  int n = 0;
  uint8_t none[16];
  if (s->dir != srtp_direction_decrypt) return srtp_err_status_bad_param;
  if (*len < (unsigned)s->tag_len || *len > INT32_MAX) return srtp_err_status_bad_param;
  unsigned int body = *len - (unsigned)s->tag_len;
  if (!EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_TAG, s->tag_len, buf + body) ||
      !EVP_CipherUpdate(s->ctx, buf, &n, buf, (int)body))
    return srtp_err_status_auth_fail;
  if (EVP_CipherFinal_ex(s->ctx, none, &n) <= 0) return srtp_err_status_auth_fail;
  *len = body;
  return srtp_err_status_ok;
}

/* libsrtp2's own known-answer vectors (exported data of the library). */
extern const srtp_cipher_test_case_t srtp_aes_gcm_128_test_case_0;
extern const srtp_cipher_test_case_t srtp_aes_gcm_256_test_case_0;

#define GCM_TYPE(desc, tests, type_id)                                                             \
  {                                                                                                \
    .alloc = gcm_alloc, .dealloc = gcm_dealloc, .init = gcm_init, .set_aad = gcm_set_aad,          \
    .encrypt = gcm_encrypt, .decrypt = gcm_decrypt, .set_iv = gcm_set_iv, .get_tag = gcm_get_tag,  \
    .description = desc, .test_data = tests, .id = type_id                                         \
  }

const srtp_cipher_type_t sb_srtp_gcm_128 = GCM_TYPE(
    "AES-128 GCM on OpenSSL (Switchboard)", &srtp_aes_gcm_128_test_case_0, SRTP_AES_GCM_128);
const srtp_cipher_type_t sb_srtp_gcm_256 = GCM_TYPE(
    "AES-256 GCM on OpenSSL (Switchboard)", &srtp_aes_gcm_256_test_case_0, SRTP_AES_GCM_256);

int sb_srtp_gcm_install(void) {
  /* Each replacement is self-tested by libsrtp2 first; a failure leaves the
   * library's own implementation in place. */
  if (srtp_replace_cipher_type(&sb_srtp_gcm_128, SRTP_AES_GCM_128) != srtp_err_status_ok ||
      srtp_replace_cipher_type(&sb_srtp_gcm_256, SRTP_AES_GCM_256) != srtp_err_status_ok) {
    g_warning("libsrtp2 refused the OpenSSL AES-GCM cipher; keeping its own");
    return -1;
  }
  return 0;
}
