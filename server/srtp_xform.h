/* srtp_xform.h - the cryptographic transform of one key set (RTP or RTCP,
 * one direction) of the own SRTP implementation (srtp_xform.c): the IVs of
 * RFC 3711 section 4.1.1 and RFC 7714 sections 8.1 and 9.1, AES-128-GCM
 * with the header as AAD, or AES-128-CTR with HMAC-SHA1-80, over the
 * packet layouts of RFC 3711 and RFC 7714. The caller (srtp_own.c) has
 * parsed the packet, chosen the index and checked replay; this file only
 * encrypts, decrypts, tags and verifies, in place and without allocating. */
#ifndef SB_SRTP_XFORM_H
#define SB_SRTP_XFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "srtp_private.h"

typedef struct sb_srtp_xform {
  EVP_CIPHER_CTX *cipher; /* AES-128-GCM or AES-128-CTR with the session key */
  EVP_MAC_CTX *mac;       /* HMAC-SHA1 with the session auth key (AES-CM only) */
  bool gcm;
  uint8_t salt[SB_SRTP_CM_SALT_LEN]; /* session salt (12 bytes used for GCM) */
} sb_srtp_xform;

/* Once per process (fetches HMAC). SB_OK, or SB_EUNSUPPORTED for an
 * OpenSSL older than 3.0.3 (which cannot restart an HMAC with its key). */
int sb_srtp_xform_global_init(void);

/* Keys x with the session key, salt (12 bytes for GCM, 14 for AES-CM) and,
 * for AES-CM, the 20-byte auth key; `encrypt` picks the GCM direction.
 * SB_OK, SB_ENOMEM or SB_ECRYPTO; clear x with sb_srtp_xform_clear() either
 * way. */
int sb_srtp_xform_init(sb_srtp_xform *x, bool gcm, bool encrypt, const uint8_t *key,
                       const uint8_t *salt, const uint8_t *auth_key);
void sb_srtp_xform_clear(sb_srtp_xform *x);

/* SRTP: buf holds an RTP header of hlen bytes then the payload, *len bytes
 * in all (for unprotect including the tag, with hlen <= *len - tag). Protect
 * appends the tag; unprotect verifies it, decrypts and drops it. They
 * return SB_SRTP_ST_OK (and the new *len), SB_SRTP_ST_AUTH_FAIL or
 * SB_SRTP_ST_CIPHER_FAIL; on failure *len is unchanged (GCM unprotect may
 * have decrypted part of buf). */
int sb_srtp_xform_rtp_protect(sb_srtp_xform *x, uint8_t *buf, size_t hlen, size_t *len,
                              uint32_t ssrc, uint64_t index);
int sb_srtp_xform_rtp_unprotect(sb_srtp_xform *x, uint8_t *buf, size_t hlen, size_t *len,
                                uint32_t ssrc, uint64_t index);

/* SRTCP: protect encrypts all after the 8-byte header and appends E=1 with
 * the 31-bit index and the tag, in RFC order (AES-CM: index | tag; GCM:
 * tag | index). Unprotect gets the index and E flag the caller read from
 * the trailer; `encrypted` false (E=0) only authenticates (GCM: the whole
 * packet is AAD, RFC 7714 section 9.3). */
int sb_srtp_xform_rtcp_protect(sb_srtp_xform *x, uint8_t *buf, size_t *len, uint32_t ssrc,
                               uint32_t index);
int sb_srtp_xform_rtcp_unprotect(sb_srtp_xform *x, uint8_t *buf, size_t *len, uint32_t ssrc,
                                 uint32_t index, bool encrypted);

#endif
