/* srtp_cm.c - AES-128 counter mode and HMAC-SHA1 for libsrtp2 on OpenSSL,
 * installed through libsrtp2's extension points (srtp_replace_cipher_type,
 * srtp_replace_auth_type), like the AES-GCM of srtp_gcm.c and for the same
 * reason: Debian's libsrtp2 does them on NSS, which sets up a PKCS#11
 * context for every packet. They carry the AES_CM_128_HMAC_SHA1_80 profile
 * (peers without GCM, such as aiortc) and libsrtp2's key derivation.
 *
 * Contracts (srtp2/cipher.h, srtp2/auth.h): the counter-mode key is the AES
 * key followed by the 14-byte salt; set_iv gets the 16-byte IV, the counter
 * is IV XOR salt (the salt's last two bytes zero), and encrypt and decrypt
 * are the same keystream XOR. HMAC: init with the key; start begins a
 * message, update adds to it, compute adds the last part and writes the
 * first tag_len bytes of the digest. libsrtp2 runs its known-answer tests on
 * both before they take effect. */
#define G_LOG_DOMAIN "sb-srtp"
#include <string.h>

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include "srtp.h"

#define ICM_BLOCK 16
#define SHA1_LEN  20

/* ---- AES-128-ICM ---- */

typedef struct {
  EVP_CIPHER_CTX *ctx;
  uint8_t offset[ICM_BLOCK]; /* the salt, zero-padded */
} icm_state;

extern const srtp_cipher_type_t sb_srtp_icm_128;

static srtp_err_status_t icm_alloc(srtp_cipher_t **cp, int key_len, int tag_len) {
  (void)tag_len;
  if (key_len != SRTP_AES_ICM_128_KEY_LEN_WSALT) return srtp_err_status_bad_param;
  srtp_cipher_t *c = g_try_new0(srtp_cipher_t, 1);
  icm_state *s = g_try_new0(icm_state, 1);
  if (s) s->ctx = EVP_CIPHER_CTX_new();
  if (!c || !s || !s->ctx) {
    if (s) EVP_CIPHER_CTX_free(s->ctx);
    g_free(s);
    g_free(c);
    return srtp_err_status_alloc_fail;
  }
  c->type = &sb_srtp_icm_128;
  c->state = s;
  c->key_len = key_len;
  c->algorithm = SRTP_AES_ICM_128;
  *cp = c;
  return srtp_err_status_ok;
}

static srtp_err_status_t icm_dealloc(srtp_cipher_t *c) {
  icm_state *s = c->state;
  if (s) {
    EVP_CIPHER_CTX_free(s->ctx);
    OPENSSL_cleanse(s, sizeof *s);
    g_free(s);
  }
  g_free(c);
  return srtp_err_status_ok;
}

static srtp_err_status_t icm_init(void *state, const uint8_t *key) {
  icm_state *s = state;
  memset(s->offset, 0, sizeof s->offset);
  memcpy(s->offset, key + SRTP_AES_128_KEY_LEN, SRTP_SALT_LEN);
  EVP_CIPHER_CTX_reset(s->ctx);
  if (!EVP_EncryptInit_ex(s->ctx, EVP_aes_128_ctr(), NULL, key, NULL))
    return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

static srtp_err_status_t icm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t dir) {
  icm_state *s = state;
  uint8_t counter[ICM_BLOCK];
  (void)dir;
  for (int i = 0; i < ICM_BLOCK; i++)
    counter[i] = s->offset[i] ^ iv[i];
  if (!EVP_EncryptInit_ex(s->ctx, NULL, NULL, NULL, counter)) return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

static srtp_err_status_t icm_crypt(void *state, uint8_t *buf, unsigned int *len) {
  icm_state *s = state;
  int n = 0;
  if (*len > INT32_MAX || !EVP_EncryptUpdate(s->ctx, buf, &n, buf, (int)*len))
    return srtp_err_status_cipher_fail;
  return srtp_err_status_ok;
}

extern const srtp_cipher_test_case_t srtp_aes_icm_128_test_case_0;

const srtp_cipher_type_t sb_srtp_icm_128 = {.alloc = icm_alloc,
                                            .dealloc = icm_dealloc,
                                            .init = icm_init,
                                            .set_aad = NULL,
                                            .encrypt = icm_crypt,
                                            .decrypt = icm_crypt,
                                            .set_iv = icm_set_iv,
                                            .get_tag = NULL,
                                            .description = "AES-128 ICM on OpenSSL (Switchboard)",
                                            .test_data = &srtp_aes_icm_128_test_case_0,
                                            .id = SRTP_AES_ICM_128};

/* ---- HMAC-SHA1 ---- */

typedef struct {
  EVP_MAC_CTX *ctx;
} hmac_state;

extern const srtp_auth_type_t sb_srtp_hmac_sha1;
static EVP_MAC *hmac_mac; /* fetched once by sb_srtp_cm_install */

static srtp_err_status_t hmac_alloc(srtp_auth_t **ap, int key_len, int out_len) {
  if (key_len < 0 || key_len > SHA1_LEN || out_len < 0 || out_len > SHA1_LEN)
    return srtp_err_status_bad_param;
  srtp_auth_t *a = g_try_new0(srtp_auth_t, 1);
  hmac_state *s = g_try_new0(hmac_state, 1);
  if (s) s->ctx = EVP_MAC_CTX_new(hmac_mac);
  if (!a || !s || !s->ctx) {
    if (s) EVP_MAC_CTX_free(s->ctx);
    g_free(s);
    g_free(a);
    return srtp_err_status_alloc_fail;
  }
  a->type = &sb_srtp_hmac_sha1;
  a->state = s;
  a->out_len = out_len;
  a->key_len = key_len;
  a->prefix_len = 0;
  *ap = a;
  return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_t *a) {
  hmac_state *s = a->state;
  if (s) {
    EVP_MAC_CTX_free(s->ctx);
    g_free(s);
  }
  g_free(a);
  return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *state, const uint8_t *key, int key_len) {
  hmac_state *s = state;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0),
                         OSSL_PARAM_construct_end()};
  return EVP_MAC_init(s->ctx, key, (size_t)key_len, params) ? srtp_err_status_ok
                                                            : srtp_err_status_auth_fail;
}

/* A new message with the same key (OpenSSL 3.0.3+ restarts HMAC in place). */
static srtp_err_status_t hmac_start(void *state) {
  hmac_state *s = state;
  return EVP_MAC_init(s->ctx, NULL, 0, NULL) ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *msg, int len) {
  hmac_state *s = state;
  if (len < 0 || !EVP_MAC_update(s->ctx, msg, (size_t)len)) return srtp_err_status_auth_fail;
  return srtp_err_status_ok;
}

static srtp_err_status_t hmac_compute(void *state, const uint8_t *msg, int len, int tag_len,
                                      uint8_t *tag) {
  hmac_state *s = state;
  uint8_t digest[SHA1_LEN];
  size_t n = 0;
  if (tag_len < 0 || tag_len > SHA1_LEN) return srtp_err_status_bad_param;
  if (len < 0 || !EVP_MAC_update(s->ctx, msg, (size_t)len) ||
      !EVP_MAC_final(s->ctx, digest, &n, sizeof digest) || n < (size_t)tag_len)
    return srtp_err_status_auth_fail;
  memcpy(tag, digest, (size_t)tag_len);
  OPENSSL_cleanse(digest, sizeof digest);
  return srtp_err_status_ok;
}

extern const srtp_auth_test_case_t srtp_hmac_test_case_0;

const srtp_auth_type_t sb_srtp_hmac_sha1 = {.alloc = hmac_alloc,
                                            .dealloc = hmac_dealloc,
                                            .init = hmac_init,
                                            .compute = hmac_compute,
                                            .update = hmac_update,
                                            .start = hmac_start,
                                            .description = "HMAC-SHA1 on OpenSSL (Switchboard)",
                                            .test_data = &srtp_hmac_test_case_0,
                                            .id = SRTP_HMAC_SHA1};

int sb_srtp_cm_install(void) {
  /* Restarting HMAC with a NULL key needs OpenSSL 3.0.3 or later. */
  if (OpenSSL_version_num() < 0x30000030L) return 0;
  hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  if (!hmac_mac ||
      srtp_replace_cipher_type(&sb_srtp_icm_128, SRTP_AES_ICM_128) != srtp_err_status_ok ||
      srtp_replace_auth_type(&sb_srtp_hmac_sha1, SRTP_HMAC_SHA1) != srtp_err_status_ok) {
    g_warning("libsrtp2 refused the OpenSSL AES-CM or HMAC-SHA1; keeping its own");
    return -1;
  }
  return 0;
}
