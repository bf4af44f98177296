/* srtp_private.h - what the SRTP front (srtp.c) shares with its two
 * backends, the own implementation (srtp_own.c with srtp_xform.c,
 * srtp_kdf.c, srtp_replay.c) and the libsrtp2 one (srtp_libsrtp.c): the
 * status codes, the backend table, the common head of every sb_srtp, and
 * the own backend's key derivation and constructor from session keys (which
 * the unit tests also use, for the RFC test vectors). Not for other
 * callers: they use srtp.h. */
#ifndef SB_SRTP_PRIVATE_H
#define SB_SRTP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srtp.h"

/* Status codes of sb_srtp_last_status(). The numbers are libsrtp2's
 * srtp_err_status_t for the same condition (srtp_libsrtp.c checks this at
 * compile time), so both backends report alike and sb_srtp_status_name()
 * serves both. The own backend uses only these. */
enum {
  SB_SRTP_ST_OK = 0,
  SB_SRTP_ST_FAIL = 1,
  SB_SRTP_ST_BAD_PARAM = 2, /* not RTP/RTCP: too short, header overruns the packet */
  SB_SRTP_ST_ALLOC_FAIL = 3,
  SB_SRTP_ST_DEALLOC_FAIL = 4,
  SB_SRTP_ST_INIT_FAIL = 5,
  SB_SRTP_ST_AUTH_FAIL = 7,   /* tag does not verify */
  SB_SRTP_ST_CIPHER_FAIL = 8, /* OpenSSL failed */
  SB_SRTP_ST_REPLAY_FAIL = 9, /* index already received */
  SB_SRTP_ST_REPLAY_OLD = 10, /* index behind the replay window */
  SB_SRTP_ST_ALGO_FAIL = 11,
  SB_SRTP_ST_NO_CTX = 13,      /* own backend: stream table full for a new SSRC */
  SB_SRTP_ST_CANT_CHECK = 14,  /* SRTCP without the E flag under AES-CM */
  SB_SRTP_ST_KEY_EXPIRED = 15, /* key-usage limit reached */
  SB_SRTP_ST_PARSE_ERR = 21,   /* header does not fit before the tag */
  SB_SRTP_ST_BAD_MKI = 25,
  SB_SRTP_ST_PKT_IDX_OLD = 26,
  SB_SRTP_ST_PKT_IDX_ADV = 27,
};

/* One backend. The per-packet calls get arguments the front has checked
 * (non-NULL, at least the minimum length for the direction, at most
 * INT_MAX - SB_SRTP_MAX_TRAILER, and for protect SB_SRTP_MAX_TRAILER bytes
 * of room after the packet) and return an SB_SRTP_ST_* code; on failure
 * *len is unchanged. */
typedef struct sb_srtp_backend {
  const char *name;  /* "own" or "libsrtp2", for sb_srtp_impl_name() */
  int (*init)(void); /* once per process, from sb_srtp_global_init(); SB_OK or SB_E* */
  /* keys already checked against their profile; returns SB_OK or SB_E*. */
  int (*create)(const sb_srtp_keys *keys, sb_srtp **out);
  void (*destroy)(sb_srtp *srtp);
  int (*protect_rtp)(sb_srtp *srtp, uint8_t *buf, size_t *len);
  int (*protect_rtcp)(sb_srtp *srtp, uint8_t *buf, size_t *len);
  int (*unprotect_rtp)(sb_srtp *srtp, uint8_t *buf, size_t *len);
  int (*unprotect_rtcp)(sb_srtp *srtp, uint8_t *buf, size_t *len);
} sb_srtp_backend;

extern const sb_srtp_backend sb_srtp_backend_own;     /* srtp_own.c */
extern const sb_srtp_backend sb_srtp_backend_libsrtp; /* srtp_libsrtp.c */

/* The head every backend's session starts with; the front reads it. */
struct sb_srtp {
  const sb_srtp_backend *backend;
  sb_srtp_profile profile;
  int last_status;
  uint8_t tag_len; /* 16 (GCM) or 10 (HMAC-SHA1-80) */
};

#define SB_SRTP_GCM_TAG_LEN  16
#define SB_SRTP_HMAC_TAG_LEN 10
#define SB_SRTP_GCM_SALT_LEN 12
#define SB_SRTP_CM_SALT_LEN  14
#define SB_SRTP_AUTH_KEY_LEN 20 /* HMAC-SHA1 session authentication key */
#define SB_SRTP_INDEX_LEN    4  /* SRTCP E flag and 31-bit index */

/* ---- srtp_kdf.c: RFC 3711 4.3 key derivation, kdr = 0 ------------------- */

/* The session keys of one direction. The salts are 14 bytes for AES-CM and
 * the first 12 of the same PRF output for GCM (RFC 7714 section 11); the
 * authentication keys are only used by AES-CM. Secret. */
typedef struct sb_srtp_session_keys {
  uint8_t rtp_key[SB_SRTP_KEY_LEN];
  uint8_t rtp_salt[SB_SRTP_CM_SALT_LEN];
  uint8_t rtp_auth[SB_SRTP_AUTH_KEY_LEN];
  uint8_t rtcp_key[SB_SRTP_KEY_LEN];
  uint8_t rtcp_salt[SB_SRTP_CM_SALT_LEN];
  uint8_t rtcp_auth[SB_SRTP_AUTH_KEY_LEN];
} sb_srtp_session_keys;

/* The AES-CM PRF: n bytes of keystream under master_key from the IV
 * (master salt, zero-padded to 14 bytes, XOR label at byte 7) * 2^16.
 * salt_len 12 or 14. SB_OK or SB_ECRYPTO. */
int sb_srtp_kdf_prf(const uint8_t master_key[SB_SRTP_KEY_LEN], const uint8_t *master_salt,
                    size_t salt_len, uint8_t label, uint8_t *out, size_t n);
/* Labels 0..5 into *out (salt_len 12 for GCM, 14 for AES-CM). On failure
 * *out is wiped. SB_OK or SB_ECRYPTO. */
int sb_srtp_kdf(const uint8_t master_key[SB_SRTP_KEY_LEN], const uint8_t *master_salt,
                size_t salt_len, sb_srtp_session_keys *out);

/* ---- srtp_own.c --------------------------------------------------------- */

/* An own-backend sb_srtp from session keys already derived: `local` protects,
 * `remote` unprotects (both borrowed for the call). sb_srtp_new() derives
 * them from the master keys and calls this; the tests call it with the
 * session keys of the RFC test vectors. SB_OK, SB_EINVAL (profile),
 * SB_ENOMEM or SB_ECRYPTO. Free with sb_srtp_free(). */
int sb_srtp_own_new(sb_srtp_profile profile, const sb_srtp_session_keys *local,
                    const sb_srtp_session_keys *remote, sb_srtp **out);

#endif
