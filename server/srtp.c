/* srtp.c - SRTP/SRTCP protect and unprotect on libsrtp2 for one DTLS-SRTP
 * transport (see srtp.h). Two libsrtp sessions per sb_srtp: outbound with
 * our keys, inbound with the peer's, both matching any SSRC. The per-packet
 * functions check lengths, call libsrtp in place and map its status to an
 * SB_E* code; they allocate nothing. Keys are copied into libsrtp and wiped
 * from our stack; they are never logged. */
#define G_LOG_DOMAIN "sb-srtp"
#include "srtp.h"

#include <limits.h>
#include <string.h>

#include <glib.h>
#include <openssl/crypto.h>
#include <srtp2/srtp.h>

#include "core/error.h"

G_STATIC_ASSERT(SB_SRTP_MAX_TRAILER == SRTP_MAX_TRAILER_LEN + 4);
G_STATIC_ASSERT(SB_SRTP_KEY_LEN + SB_SRTP_MAX_SALT_LEN <= SRTP_MAX_KEY_LEN);

#define REPLAY_WINDOW 1024
#define RTP_MIN_LEN   12
#define RTCP_MIN_LEN  8

struct sb_srtp {
  srtp_t in;  /* unprotect: the peer's keys */
  srtp_t out; /* protect: ours */
  int last_status;
  size_t min_srtp;  /* RTP header + tag */
  size_t min_srtcp; /* RTCP header + tag + SRTCP index */
};

static gsize init_done;
static int init_result;

int sb_srtp_global_init(void) {
  if (g_once_init_enter(&init_done)) {
    init_result = srtp_init() == srtp_err_status_ok ? SB_OK : SB_ECRYPTO;
    /* srtp_gcm.c, srtp_cm.c; libsrtp2's own stay on failure, or when
     * SB_SRTP_CRYPTO=libsrtp asks for them (for measurements). */
    if (init_result == SB_OK && g_strcmp0(g_getenv("SB_SRTP_CRYPTO"), "libsrtp") != 0) {
      sb_srtp_gcm_install();
      sb_srtp_cm_install();
    }
    g_once_init_leave(&init_done, 1);
  }
  return init_result;
}

int sb_srtp_profile_lengths(sb_srtp_profile profile, size_t *key_len, size_t *salt_len) {
  switch (profile) {
  case SB_SRTP_AES128_CM_SHA1_80:
    *key_len = SRTP_AES_128_KEY_LEN;
    *salt_len = SRTP_SALT_LEN;
    return SB_OK;
  case SB_SRTP_AEAD_AES_128_GCM:
    *key_len = SRTP_AES_128_KEY_LEN;
    *salt_len = SRTP_AEAD_SALT_LEN;
    return SB_OK;
  default: return SB_EUNSUPPORTED;
  }
}

const char *sb_srtp_profile_name(sb_srtp_profile profile) {
  switch (profile) {
  case SB_SRTP_AES128_CM_SHA1_80: return "AES_CM_128_HMAC_SHA1_80";
  case SB_SRTP_AEAD_AES_128_GCM: return "AEAD_AES_128_GCM";
  default: return "none";
  }
}

void sb_srtp_keys_wipe(sb_srtp_keys *keys) {
  if (keys) OPENSSL_cleanse(keys, sizeof *keys);
}

static int map_status(srtp_err_status_t st) {
  switch (st) {
  case srtp_err_status_ok: return SB_OK;
  case srtp_err_status_bad_param:
  case srtp_err_status_parse_err: return SB_EINVAL;
  case srtp_err_status_alloc_fail: return SB_ENOMEM;
  default: return SB_ECRYPTO;
  }
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

int sb_srtp_new(const sb_srtp_keys *keys, sb_srtp **out) {
  size_t key_len, salt_len;
  if (!keys || !out) return SB_EINVAL;
  if (sb_srtp_profile_lengths(keys->profile, &key_len, &salt_len) < 0) return SB_EINVAL;
  if (keys->key_len != key_len || keys->salt_len != salt_len) return SB_EINVAL;
  int rc = sb_srtp_global_init();
  if (rc < 0) return rc;
  sb_srtp *s = g_new0(sb_srtp, 1);
  size_t tag = keys->profile == SB_SRTP_AEAD_AES_128_GCM ? 16 : 10;
  s->min_srtp = RTP_MIN_LEN + tag;
  s->min_srtcp = RTCP_MIN_LEN + tag + 4;
  srtp_err_status_t st = session_new(&s->out, keys->profile, ssrc_any_outbound, keys->local_key,
                                     keys->local_salt, key_len, salt_len);
  if (st == srtp_err_status_ok)
    st = session_new(&s->in, keys->profile, ssrc_any_inbound, keys->remote_key, keys->remote_salt,
                     key_len, salt_len);
  if (st != srtp_err_status_ok) {
    g_warning("libsrtp refused a session: %s", sb_srtp_status_name(st));
    sb_srtp_free(s);
    return st == srtp_err_status_alloc_fail ? SB_ENOMEM : SB_ECRYPTO;
  }
  *out = s;
  return SB_OK;
}

void sb_srtp_free(sb_srtp *srtp) {
  if (!srtp) return;
  if (srtp->in) srtp_dealloc(srtp->in);
  if (srtp->out) srtp_dealloc(srtp->out);
  g_free(srtp);
}

/* The shared shape of the four per-packet calls. */
typedef srtp_err_status_t (*srtp_fn)(srtp_t, void *, int *);

static inline int transform(sb_srtp *s, srtp_t session, srtp_fn fn, uint8_t *buf, size_t *len,
                            size_t min_len) {
  if (G_UNLIKELY(!buf || !len || *len < min_len || *len > INT_MAX - SB_SRTP_MAX_TRAILER))
    return SB_EINVAL;
  int n = (int)*len;
  srtp_err_status_t st = fn(session, buf, &n);
  if (G_UNLIKELY(st != srtp_err_status_ok)) {
    s->last_status = (int)st;
    return map_status(st);
  }
  *len = (size_t)n;
  return SB_OK;
}

int sb_srtp_protect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len, size_t cap) {
  if (G_UNLIKELY(!len || cap < SB_SRTP_MAX_TRAILER || *len > cap - SB_SRTP_MAX_TRAILER))
    return len ? SB_ENOSPC : SB_EINVAL;
  return transform(srtp, srtp->out, srtp_protect, buf, len, RTP_MIN_LEN);
}

int sb_srtp_protect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len, size_t cap) {
  if (G_UNLIKELY(!len || cap < SB_SRTP_MAX_TRAILER || *len > cap - SB_SRTP_MAX_TRAILER))
    return len ? SB_ENOSPC : SB_EINVAL;
  return transform(srtp, srtp->out, srtp_protect_rtcp, buf, len, RTCP_MIN_LEN);
}

int sb_srtp_unprotect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  return transform(srtp, srtp->in, srtp_unprotect, buf, len, srtp->min_srtp);
}

int sb_srtp_unprotect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  return transform(srtp, srtp->in, srtp_unprotect_rtcp, buf, len, srtp->min_srtcp);
}

int sb_srtp_last_status(const sb_srtp *srtp) { return srtp->last_status; }

const char *sb_srtp_status_name(int status) {
  switch (status) {
  case srtp_err_status_ok: return "ok";
  case srtp_err_status_fail: return "fail";
  case srtp_err_status_bad_param: return "bad_param";
  case srtp_err_status_alloc_fail: return "alloc_fail";
  case srtp_err_status_init_fail: return "init_fail";
  case srtp_err_status_auth_fail: return "auth_fail";
  case srtp_err_status_cipher_fail: return "cipher_fail";
  case srtp_err_status_replay_fail: return "replay_fail";
  case srtp_err_status_replay_old: return "replay_old";
  case srtp_err_status_algo_fail: return "algo_fail";
  case srtp_err_status_no_ctx: return "no_ctx";
  case srtp_err_status_key_expired: return "key_expired";
  case srtp_err_status_parse_err: return "parse_err";
  case srtp_err_status_bad_mki: return "bad_mki";
  case srtp_err_status_pkt_idx_old: return "pkt_idx_old";
  case srtp_err_status_pkt_idx_adv: return "pkt_idx_adv";
  default: return "other";
  }
}
