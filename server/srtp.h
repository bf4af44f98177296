/* srtp.h - SRTP/SRTCP for one DTLS-SRTP transport, on libsrtp2: a pair of
 * sessions made from the keys DTLS exported, one outbound (protect, our
 * keys) and one inbound (unprotect, the peer's keys). Every SSRC is covered
 * implicitly (ssrc_any_outbound / ssrc_any_inbound), so streams need no
 * registration.
 *
 * Packets are transformed in place in a caller's buffer; nothing is
 * allocated per packet. An sb_srtp is not thread-safe: use it from one thread
 * (the peer's worker). It does no I/O and never logs keys.
 *
 * Profiles: AEAD_AES_128_GCM (RFC 7714: 16-byte key, 12-byte salt, 16-byte
 * tag) and AES_CM_128_HMAC_SHA1_80 (RFC 3711: 16-byte key, 14-byte salt,
 * 10-byte tag). */
#ifndef SB_SRTP_H
#define SB_SRTP_H

#include <stddef.h>
#include <stdint.h>

/* The DTLS-SRTP protection profile ids of RFC 5764 / RFC 7714. */
typedef enum {
  SB_SRTP_PROFILE_NONE = 0,
  SB_SRTP_AES128_CM_SHA1_80 = 0x0001,
  SB_SRTP_AEAD_AES_128_GCM = 0x0007,
} sb_srtp_profile;

#define SB_SRTP_KEY_LEN      16
#define SB_SRTP_MAX_SALT_LEN 14

/* Room a caller must leave after a packet for protect: libsrtp's documented
 * worst case, SRTP_MAX_TRAILER_LEN (16-byte tag + 128-byte MKI), plus the
 * 4-byte SRTCP index. The real growth is 10 (RTP, HMAC), 14 (RTCP, HMAC),
 * 16 (RTP, GCM) or 20 (RTCP, GCM) bytes, but libsrtp reserves the right to
 * write up to this much, so protect refuses smaller buffers. */
#define SB_SRTP_MAX_TRAILER 148

/* Master keys of one DTLS-SRTP association, already sorted by role: "local"
 * protects what we send, "remote" unprotects what we receive. Secret: wipe
 * with sb_srtp_keys_wipe() when done, never log. */
typedef struct sb_srtp_keys {
  sb_srtp_profile profile;
  uint8_t key_len;  /* 16 */
  uint8_t salt_len; /* 14 (AES_CM) or 12 (GCM) */
  uint8_t local_key[SB_SRTP_KEY_LEN];
  uint8_t local_salt[SB_SRTP_MAX_SALT_LEN];
  uint8_t remote_key[SB_SRTP_KEY_LEN];
  uint8_t remote_salt[SB_SRTP_MAX_SALT_LEN];
} sb_srtp_keys;

typedef struct sb_srtp sb_srtp;

/* Initialises libsrtp once per process; idempotent and thread-safe. Returns
 * SB_OK or SB_ECRYPTO. sb_srtp_new() calls it itself. It also gives libsrtp
 * an AES-GCM on OpenSSL in place of its own (sb_srtp_gcm_install). */
int sb_srtp_global_init(void);

/* srtp_gcm.c: replaces libsrtp2's AES-GCM (NSS in Debian's build, which
 * allocates and locks per packet) with one on OpenSSL's EVP, after
 * libsrtp2's known-answer tests pass on it. 0 on success, -1 when refused
 * (libsrtp2's stays). Before any session. sb_srtp_global_init() calls it
 * (and sb_srtp_cm_install) unless the environment variable
 * SB_SRTP_CRYPTO=libsrtp asks to keep libsrtp2's own, for measurements. */
int sb_srtp_gcm_install(void);
/* srtp_cm.c: the same for AES-128 counter mode and HMAC-SHA1 (the
 * AES_CM_128_HMAC_SHA1_80 profile and libsrtp2's key derivation). */
int sb_srtp_cm_install(void);

/* Master key and salt lengths of a profile; SB_EUNSUPPORTED for others. */
int sb_srtp_profile_lengths(sb_srtp_profile profile, size_t *key_len, size_t *salt_len);
/* "AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80", or "none". */
const char *sb_srtp_profile_name(sb_srtp_profile profile);

/* Overwrites the keys with zeros in a way the compiler keeps. */
void sb_srtp_keys_wipe(sb_srtp_keys *keys);

/* Creates the two sessions from `keys` (borrowed for the call; the caller
 * may wipe them afterwards). Outbound allows repeated sequence numbers
 * (retransmissions); both have a replay window of 1024 packets.
 * SB_EINVAL for an unknown profile or lengths that do not match it,
 * SB_ECRYPTO if libsrtp refuses. Free with sb_srtp_free(). */
int sb_srtp_new(const sb_srtp_keys *keys, sb_srtp **out);
void sb_srtp_free(sb_srtp *srtp); /* NULL is fine */

/* Protect: buf holds a plain RTP (RTCP) packet of *len bytes in a buffer of
 * cap bytes; on success it holds the SRTP (SRTCP) packet and *len grows.
 * cap must be at least *len + SB_SRTP_MAX_TRAILER (else SB_ENOSPC).
 * SB_EINVAL for a packet too short to be RTP (12 bytes) or RTCP (8),
 * SB_ECRYPTO if libsrtp fails. On failure *len is unchanged and the
 * packet must be dropped (libsrtp may have altered buf). */
int sb_srtp_protect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len, size_t cap);
int sb_srtp_protect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len, size_t cap);

/* Unprotect in place: on success *len shrinks to the plain packet.
 * SB_ECRYPTO for an authentication failure, a replayed or too-old packet;
 * SB_EINVAL for a packet too short or malformed. On failure *len is
 * unchanged and the packet must be dropped. */
int sb_srtp_unprotect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len);
int sb_srtp_unprotect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len);

/* libsrtp's srtp_err_status_t of the last failed call on this srtp (0 if
 * none failed yet), for logs, and a short name for it. */
int sb_srtp_last_status(const sb_srtp *srtp);
const char *sb_srtp_status_name(int status);

#endif
