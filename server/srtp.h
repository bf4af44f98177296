/* srtp.h - SRTP/SRTCP for one DTLS-SRTP transport: the keys DTLS exported,
 * ours to protect what we send and the peer's to unprotect what we receive,
 * for every SSRC of the transport (streams need no registration; each new
 * SSRC gets its own ROC, replay window and SRTCP index).
 *
 * Two implementations behind one API, picked once per process by
 * sb_srtp_global_init():
 *  - "own" (the default; srtp_own.c and the files it names): RFC 3711 and
 *    RFC 7714 on OpenSSL 3's EVP, with every stream's state inline in the
 *    sb_srtp (SB_SRTP_MAX_STREAMS_IN / _OUT SSRCs per direction);
 *  - "libsrtp2" (srtp_libsrtp.c), with the environment variable
 *    SB_SRTP_IMPL=libsrtp2: a pair of libsrtp2 sessions (ssrc_any_outbound /
 *    ssrc_any_inbound), without a limit on SSRCs. SB_SRTP_CRYPTO=libsrtp
 *    additionally keeps libsrtp2's own ciphers (see sb_srtp_gcm_install).
 * Both give the same bytes on the wire and the same results; the unit tests
 * run against both and cross-check one against the other.
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

/* Room a caller must leave after a packet for protect. The real growth is
 * 10 (RTP, HMAC), 14 (RTCP, HMAC), 16 (RTP, GCM) or 20 (RTCP, GCM) bytes;
 * 148 is libsrtp2's documented worst case, SRTP_MAX_TRAILER_LEN (16-byte tag
 * + 128-byte MKI), plus the 4-byte SRTCP index, which its backend may write
 * up to. Both backends refuse smaller buffers, so callers size theirs alike
 * whichever runs. */
#define SB_SRTP_MAX_TRAILER 148

/* The own backend's stream tables: SSRCs per sb_srtp that can be protected
 * (outbound: every forwarded track and our RTCP SSRCs) and unprotected
 * (inbound: the peer's media, RTX and RTCP SSRCs). A packet of one more SSRC
 * fails with SB_ENOSPC; the streams already known are not affected. */
#define SB_SRTP_MAX_STREAMS_OUT 128
#define SB_SRTP_MAX_STREAMS_IN  32

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

/* Picks the implementation (SB_SRTP_IMPL=libsrtp2 for libsrtp2, else the
 * own one; the own one needs OpenSSL 3.0.3 or later and falls back to
 * libsrtp2 with a warning on an older one) and initialises it, once per
 * process; idempotent and thread-safe. Returns SB_OK or SB_ECRYPTO.
 * sb_srtp_new() calls it itself. For libsrtp2 it also gives libsrtp an
 * AES-GCM, AES-CM and HMAC-SHA1 on OpenSSL in place of its own
 * (sb_srtp_gcm_install, sb_srtp_cm_install). */
int sb_srtp_global_init(void);
/* "own" or "libsrtp2": the implementation sb_srtp_global_init() picked (it
 * calls it first). */
const char *sb_srtp_impl_name(void);

/* srtp_gcm.c: replaces libsrtp2's AES-GCM (NSS in Debian's build, which
 * allocates and locks per packet) with one on OpenSSL's EVP, after
 * libsrtp2's known-answer tests pass on it. 0 on success, -1 when refused
 * (libsrtp2's stays). Before any session. Only for the libsrtp2
 * implementation: sb_srtp_global_init() then calls it (and
 * sb_srtp_cm_install) unless the environment variable SB_SRTP_CRYPTO=libsrtp
 * asks to keep libsrtp2's own, for measurements. */
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

/* Creates the protect and unprotect state from `keys` (borrowed for the
 * call; the caller may wipe them afterwards): the session keys are derived
 * here, once, and wiped on sb_srtp_free(). Outbound allows repeated
 * sequence numbers (retransmissions) but refuses one 1024 or more behind the
 * highest sent; inbound has a replay window of 1024 SRTP and 128 SRTCP
 * packets. SB_EINVAL for an unknown profile or lengths that do not match
 * it, SB_ENOMEM, SB_ECRYPTO if the crypto library refuses. Free with
 * sb_srtp_free(). */
int sb_srtp_new(const sb_srtp_keys *keys, sb_srtp **out);
void sb_srtp_free(sb_srtp *srtp); /* NULL is fine */

/* Protect: buf holds a plain RTP (RTCP) packet of *len bytes in a buffer of
 * cap bytes; on success it holds the SRTP (SRTCP) packet and *len grows.
 * cap must be at least *len + SB_SRTP_MAX_TRAILER (else SB_ENOSPC).
 * SB_EINVAL for a packet too short to be RTP (12 bytes) or RTCP (8) or an
 * RTP header (CSRCs, extension) longer than the packet; SB_ENOSPC for a new
 * SSRC when the stream table is full; SB_ECRYPTO for an index too far behind
 * (1024 packets), a key used up (2^48 SRTP packets per SSRC, 2^31 SRTCP
 * indices) or a crypto library failure. On failure *len is unchanged and
 * the packet must be dropped (buf may have been altered). */
int sb_srtp_protect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len, size_t cap);
int sb_srtp_protect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len, size_t cap);

/* Unprotect in place: on success *len shrinks to the plain packet.
 * SB_ECRYPTO for an authentication failure, a replayed or too-old packet,
 * or a used-up key; SB_EINVAL for a packet too short or malformed (the RTP
 * header must end before the tag); SB_ENOSPC for a new SSRC when the stream
 * table is full (the packet is not authenticated then, and takes no slot).
 * A failed packet changes no state: the next good one passes as if it had
 * not come. On failure *len is unchanged and the packet must be dropped
 * (buf may have been altered: GCM decrypts before its tag is known bad). */
int sb_srtp_unprotect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len);
int sb_srtp_unprotect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len);

/* The reason for the last failed call on this srtp (0 if none failed yet),
 * for logs, and a short name for it ("auth_fail", "replay_fail",
 * "replay_old", ...). The numbers are libsrtp2's srtp_err_status_t for the
 * same condition with either implementation. */
int sb_srtp_last_status(const sb_srtp *srtp);
const char *sb_srtp_status_name(int status);

#endif
