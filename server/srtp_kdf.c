/* srtp_kdf.c - SRTP session key derivation for the own implementation:
 * RFC 3711 section 4.3 with the AES-CM PRF and a key derivation rate of 0
 * (what DTLS-SRTP uses), labels 0..5. RFC 7714 section 11 keeps the same
 * KDF for AES-GCM, its 12-byte master salt zero-padded to the 14 bytes of
 * the PRF input and its session salt the first 12 bytes of the output. Runs
 * once per sb_srtp (sb_srtp_new), on OpenSSL's AES-128-CTR. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/error.h"
#include "srtp_private.h"

#define PRF_IV_LEN 16

static int prf(EVP_CIPHER_CTX *ctx, const uint8_t *master_key, const uint8_t *master_salt,
               size_t salt_len, uint8_t label, uint8_t *out, size_t n) {
  /* x = master salt XOR (label || r) with r = index DIV kdr = 0, the label
   * in byte 7 of 14; the IV is x * 2^16. */
  uint8_t iv[PRF_IV_LEN] = {0};
  static const uint8_t zeros[64];
  int ol = 0;
  if (salt_len > SB_SRTP_CM_SALT_LEN || n > sizeof zeros) return SB_EINVAL;
  memcpy(iv, master_salt, salt_len);
  iv[7] ^= label;
  int ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, master_key, iv) &&
           EVP_EncryptUpdate(ctx, out, &ol, zeros, (int)n) && (size_t)ol == n;
  OPENSSL_cleanse(iv, sizeof iv);
  return ok ? SB_OK : SB_ECRYPTO;
}

int sb_srtp_kdf_prf(const uint8_t master_key[SB_SRTP_KEY_LEN], const uint8_t *master_salt,
                    size_t salt_len, uint8_t label, uint8_t *out, size_t n) {
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return SB_ENOMEM;
  int rc = prf(ctx, master_key, master_salt, salt_len, label, out, n);
  EVP_CIPHER_CTX_free(ctx);
  return rc;
}

int sb_srtp_kdf(const uint8_t master_key[SB_SRTP_KEY_LEN], const uint8_t *master_salt,
                size_t salt_len, sb_srtp_session_keys *out) {
  if (salt_len != SB_SRTP_GCM_SALT_LEN && salt_len != SB_SRTP_CM_SALT_LEN) return SB_EINVAL;
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return SB_ENOMEM;
  memset(out, 0, sizeof *out);
  /* Salts: 14 bytes for AES-CM; for GCM only the first 12 are used. */
  const struct {
    uint8_t label;
    uint8_t *dst;
    size_t n;
  } jobs[] = {
      {0x00, out->rtp_key, sizeof out->rtp_key},
      {0x01, out->rtp_auth, sizeof out->rtp_auth},
      {0x02, out->rtp_salt, salt_len},
      {0x03, out->rtcp_key, sizeof out->rtcp_key},
      {0x04, out->rtcp_auth, sizeof out->rtcp_auth},
      {0x05, out->rtcp_salt, salt_len},
  };
  int rc = SB_OK;
  for (size_t i = 0; i < sizeof jobs / sizeof jobs[0] && rc == SB_OK; i++)
    rc = prf(ctx, master_key, master_salt, salt_len, jobs[i].label, jobs[i].dst, jobs[i].n);
  EVP_CIPHER_CTX_free(ctx); /* clears the key schedule */
  if (rc != SB_OK) OPENSSL_cleanse(out, sizeof *out);
  return rc;
}
