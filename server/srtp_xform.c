/* srtp_xform.c - encryption and authentication of single SRTP and SRTCP
 * packets for the own implementation (see srtp_xform.h), on OpenSSL 3's
 * EVP: AES-128-GCM (RFC 7714) or AES-128-CTR with HMAC-SHA1-80 (RFC 3711).
 *
 * Every context is created and keyed once (sb_srtp_xform_init); per packet
 * only the IV is set (EVP_CipherInit_ex with no cipher and no key keeps the
 * key schedule) and the HMAC is restarted with a NULL key (OpenSSL 3.0.3+
 * keeps the keyed inner and outer states). Nothing is allocated per packet,
 * nothing is locked. HMAC tags are compared with CRYPTO_memcmp; GCM tags by
 * OpenSSL. */
#define G_LOG_DOMAIN "sb-srtp"
#include "srtp_xform.h"

#include <string.h>

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "core/bytes.h"
#include "core/error.h"

#define SHA1_LEN 20
#define E_FLAG   0x80000000u

static EVP_MAC *hmac_sha1; /* fetched once; read-only afterwards */

int sb_srtp_xform_global_init(void) {
  if (OpenSSL_version_num() < 0x30000030L) return SB_EUNSUPPORTED;
  if (!hmac_sha1) hmac_sha1 = EVP_MAC_fetch(NULL, "HMAC", NULL);
  return hmac_sha1 ? SB_OK : SB_EUNSUPPORTED;
}

int sb_srtp_xform_init(sb_srtp_xform *x, bool gcm, bool encrypt, const uint8_t *key,
                       const uint8_t *salt, const uint8_t *auth_key) {
  memset(x, 0, sizeof *x);
  x->gcm = gcm;
  memcpy(x->salt, salt, gcm ? SB_SRTP_GCM_SALT_LEN : SB_SRTP_CM_SALT_LEN);
  x->cipher = EVP_CIPHER_CTX_new();
  if (!x->cipher) return SB_ENOMEM;
  if (gcm) {
    if (!EVP_CipherInit_ex(x->cipher, EVP_aes_128_gcm(), NULL, NULL, NULL, encrypt) ||
        !EVP_CIPHER_CTX_ctrl(x->cipher, EVP_CTRL_GCM_SET_IVLEN, SB_SRTP_GCM_SALT_LEN, NULL) ||
        !EVP_CipherInit_ex(x->cipher, NULL, NULL, key, NULL, encrypt))
      return SB_ECRYPTO;
    return SB_OK;
  }
  if (!EVP_EncryptInit_ex(x->cipher, EVP_aes_128_ctr(), NULL, key, NULL)) return SB_ECRYPTO;
  if (!hmac_sha1) return SB_ECRYPTO;
  x->mac = EVP_MAC_CTX_new(hmac_sha1);
  if (!x->mac) return SB_ENOMEM;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0),
                         OSSL_PARAM_construct_end()};
  return EVP_MAC_init(x->mac, auth_key, SB_SRTP_AUTH_KEY_LEN, params) ? SB_OK : SB_ECRYPTO;
}

void sb_srtp_xform_clear(sb_srtp_xform *x) {
  EVP_CIPHER_CTX_free(x->cipher); /* both free and wipe their key schedules */
  EVP_MAC_CTX_free(x->mac);
  OPENSSL_cleanse(x, sizeof *x);
}

/* ---- AES-GCM ------------------------------------------------------------ */

/* RFC 7714 8.1 / 9.1: 00 00 | SSRC | ROC | SEQ, or 00 00 | SSRC | 00 00 |
 * 0 | SRTCP index, XOR the 12-byte salt. `hi` is the ROC or 0, `lo` the
 * SEQ (in the last 16 bits) or the index. */
static void gcm_iv(const sb_srtp_xform *x, uint8_t iv[SB_SRTP_GCM_SALT_LEN], uint32_t ssrc,
                   uint32_t hi, uint32_t lo, bool rtp) {
  iv[0] = iv[1] = 0;
  sb_store_u32(iv + 2, ssrc);
  if (rtp) {
    sb_store_u32(iv + 6, hi);
    iv[10] = (uint8_t)(lo >> 8);
    iv[11] = (uint8_t)lo;
  } else {
    iv[6] = iv[7] = 0;
    sb_store_u32(iv + 8, lo);
  }
  for (int i = 0; i < SB_SRTP_GCM_SALT_LEN; i++)
    iv[i] ^= x->salt[i];
}

/* One AEAD pass: IV, up to two AAD pieces, the text in place, and the tag
 * written (encrypt) or checked (decrypt). */
static int gcm_run(sb_srtp_xform *x, const uint8_t *iv, bool enc, const uint8_t *aad1,
                   size_t aad1_len, const uint8_t *aad2, size_t aad2_len, uint8_t *text,
                   size_t text_len, uint8_t *tag) {
  int n = 0;
  uint8_t none[16];
  if (!EVP_CipherInit_ex(x->cipher, NULL, NULL, NULL, iv, enc)) return SB_SRTP_ST_CIPHER_FAIL;
  if (!enc && !EVP_CIPHER_CTX_ctrl(x->cipher, EVP_CTRL_GCM_SET_TAG, SB_SRTP_GCM_TAG_LEN, tag))
    return SB_SRTP_ST_CIPHER_FAIL;
  if (!EVP_CipherUpdate(x->cipher, NULL, &n, aad1, (int)aad1_len) ||
      (aad2_len && !EVP_CipherUpdate(x->cipher, NULL, &n, aad2, (int)aad2_len)))
    return SB_SRTP_ST_CIPHER_FAIL;
  if (text_len) {
    if (!EVP_CipherUpdate(x->cipher, text, &n, text, (int)text_len) || (size_t)n != text_len)
      return SB_SRTP_ST_CIPHER_FAIL;
  }
  if (EVP_CipherFinal_ex(x->cipher, none, &n) <= 0)
    return enc ? SB_SRTP_ST_CIPHER_FAIL : SB_SRTP_ST_AUTH_FAIL;
  if (enc && !EVP_CIPHER_CTX_ctrl(x->cipher, EVP_CTRL_GCM_GET_TAG, SB_SRTP_GCM_TAG_LEN, tag))
    return SB_SRTP_ST_CIPHER_FAIL;
  return SB_SRTP_ST_OK;
}

/* ---- AES-CM and HMAC-SHA1 ------------------------------------------------ */

/* RFC 3711 4.1.1: IV = salt * 2^16 XOR SSRC * 2^64 XOR index * 2^16. */
static int ctr_run(sb_srtp_xform *x, uint32_t ssrc, uint64_t index, uint8_t *text, size_t len) {
  uint8_t iv[16];
  int n = 0;
  if (len == 0) return SB_SRTP_ST_OK;
  memcpy(iv, x->salt, SB_SRTP_CM_SALT_LEN);
  iv[14] = iv[15] = 0;
  iv[4] ^= (uint8_t)(ssrc >> 24);
  iv[5] ^= (uint8_t)(ssrc >> 16);
  iv[6] ^= (uint8_t)(ssrc >> 8);
  iv[7] ^= (uint8_t)ssrc;
  for (int i = 0; i < 6; i++)
    iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
  if (!EVP_EncryptInit_ex(x->cipher, NULL, NULL, NULL, iv) ||
      !EVP_EncryptUpdate(x->cipher, text, &n, text, (int)len) || (size_t)n != len)
    return SB_SRTP_ST_CIPHER_FAIL;
  return SB_SRTP_ST_OK;
}

/* HMAC-SHA1 of msg || extra (the ROC for SRTP, nothing for SRTCP), the
 * first 10 bytes into tag. */
static int hmac_tag(sb_srtp_xform *x, const uint8_t *msg, size_t len, const uint8_t *extra,
                    size_t extra_len, uint8_t tag[SB_SRTP_HMAC_TAG_LEN]) {
  uint8_t digest[SHA1_LEN];
  size_t n = 0;
  if (!EVP_MAC_init(x->mac, NULL, 0, NULL) || !EVP_MAC_update(x->mac, msg, len) ||
      (extra_len && !EVP_MAC_update(x->mac, extra, extra_len)) ||
      !EVP_MAC_final(x->mac, digest, &n, sizeof digest) || n != SHA1_LEN)
    return SB_SRTP_ST_CIPHER_FAIL;
  memcpy(tag, digest, SB_SRTP_HMAC_TAG_LEN);
  return SB_SRTP_ST_OK;
}

/* ---- SRTP ---------------------------------------------------------------- */

int sb_srtp_xform_rtp_protect(sb_srtp_xform *x, uint8_t *buf, size_t hlen, size_t *len,
                              uint32_t ssrc, uint64_t index) {
  size_t n = *len;
  uint32_t roc = (uint32_t)(index >> 16);
  int st;
  if (x->gcm) {
    uint8_t iv[SB_SRTP_GCM_SALT_LEN];
    gcm_iv(x, iv, ssrc, roc, (uint32_t)index, true);
    st = gcm_run(x, iv, true, buf, hlen, NULL, 0, buf + hlen, n - hlen, buf + n);
    if (st == SB_SRTP_ST_OK) *len = n + SB_SRTP_GCM_TAG_LEN;
    return st;
  }
  uint8_t roc_be[4];
  sb_store_u32(roc_be, roc);
  st = ctr_run(x, ssrc, index, buf + hlen, n - hlen);
  if (st == SB_SRTP_ST_OK) st = hmac_tag(x, buf, n, roc_be, sizeof roc_be, buf + n);
  if (st == SB_SRTP_ST_OK) *len = n + SB_SRTP_HMAC_TAG_LEN;
  return st;
}

int sb_srtp_xform_rtp_unprotect(sb_srtp_xform *x, uint8_t *buf, size_t hlen, size_t *len,
                                uint32_t ssrc, uint64_t index) {
  uint32_t roc = (uint32_t)(index >> 16);
  int st;
  if (x->gcm) {
    size_t body = *len - SB_SRTP_GCM_TAG_LEN;
    uint8_t iv[SB_SRTP_GCM_SALT_LEN];
    gcm_iv(x, iv, ssrc, roc, (uint32_t)index, true);
    st = gcm_run(x, iv, false, buf, hlen, NULL, 0, buf + hlen, body - hlen, buf + body);
    if (st == SB_SRTP_ST_OK) *len = body;
    return st;
  }
  size_t body = *len - SB_SRTP_HMAC_TAG_LEN;
  uint8_t roc_be[4], tag[SB_SRTP_HMAC_TAG_LEN];
  sb_store_u32(roc_be, roc);
  st = hmac_tag(x, buf, body, roc_be, sizeof roc_be, tag);
  if (st != SB_SRTP_ST_OK) return st;
  if (CRYPTO_memcmp(tag, buf + body, SB_SRTP_HMAC_TAG_LEN) != 0) return SB_SRTP_ST_AUTH_FAIL;
  st = ctr_run(x, ssrc, index, buf + hlen, body - hlen);
  if (st == SB_SRTP_ST_OK) *len = body;
  return st;
}

/* ---- SRTCP --------------------------------------------------------------- */

#define RTCP_HEADER 8

int sb_srtp_xform_rtcp_protect(sb_srtp_xform *x, uint8_t *buf, size_t *len, uint32_t ssrc,
                               uint32_t index) {
  size_t n = *len;
  uint8_t trailer[SB_SRTP_INDEX_LEN];
  int st;
  sb_store_u32(trailer, E_FLAG | index);
  if (x->gcm) {
    /* header | ciphertext | tag | E||index; AAD = header || E||index. */
    uint8_t iv[SB_SRTP_GCM_SALT_LEN];
    gcm_iv(x, iv, ssrc, 0, index, false);
    st = gcm_run(x, iv, true, buf, RTCP_HEADER, trailer, sizeof trailer, buf + RTCP_HEADER,
                 n - RTCP_HEADER, buf + n);
    if (st != SB_SRTP_ST_OK) return st;
    memcpy(buf + n + SB_SRTP_GCM_TAG_LEN, trailer, sizeof trailer);
    *len = n + SB_SRTP_GCM_TAG_LEN + SB_SRTP_INDEX_LEN;
    return st;
  }
  /* header | ciphertext | E||index | tag; the tag covers all before it. */
  st = ctr_run(x, ssrc, index, buf + RTCP_HEADER, n - RTCP_HEADER);
  if (st != SB_SRTP_ST_OK) return st;
  memcpy(buf + n, trailer, sizeof trailer);
  st = hmac_tag(x, buf, n + SB_SRTP_INDEX_LEN, NULL, 0, buf + n + SB_SRTP_INDEX_LEN);
  if (st == SB_SRTP_ST_OK) *len = n + SB_SRTP_INDEX_LEN + SB_SRTP_HMAC_TAG_LEN;
  return st;
}

int sb_srtp_xform_rtcp_unprotect(sb_srtp_xform *x, uint8_t *buf, size_t *len, uint32_t ssrc,
                                 uint32_t index, bool encrypted) {
  size_t n = *len;
  int st;
  if (x->gcm) {
    size_t body = n - SB_SRTP_GCM_TAG_LEN - SB_SRTP_INDEX_LEN;
    const uint8_t *trailer = buf + n - SB_SRTP_INDEX_LEN;
    uint8_t iv[SB_SRTP_GCM_SALT_LEN];
    gcm_iv(x, iv, ssrc, 0, index, false);
    if (encrypted)
      st = gcm_run(x, iv, false, buf, RTCP_HEADER, trailer, SB_SRTP_INDEX_LEN, buf + RTCP_HEADER,
                   body - RTCP_HEADER, buf + body);
    else
      st = gcm_run(x, iv, false, buf, body, trailer, SB_SRTP_INDEX_LEN, NULL, 0, buf + body);
    if (st == SB_SRTP_ST_OK) *len = body;
    return st;
  }
  size_t authed = n - SB_SRTP_HMAC_TAG_LEN, body = authed - SB_SRTP_INDEX_LEN;
  uint8_t tag[SB_SRTP_HMAC_TAG_LEN];
  st = hmac_tag(x, buf, authed, NULL, 0, tag);
  if (st != SB_SRTP_ST_OK) return st;
  if (CRYPTO_memcmp(tag, buf + authed, SB_SRTP_HMAC_TAG_LEN) != 0) return SB_SRTP_ST_AUTH_FAIL;
  if (encrypted) st = ctr_run(x, ssrc, index, buf + RTCP_HEADER, body - RTCP_HEADER);
  if (st == SB_SRTP_ST_OK) *len = body;
  return st;
}
