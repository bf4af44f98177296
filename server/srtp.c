/* srtp.c - the SRTP front (see srtp.h): picks the implementation once per
 * process (the own one, or libsrtp2 with SB_SRTP_IMPL=libsrtp2), knows the
 * profiles' lengths and names, wipes master keys, creates and frees
 * sb_srtp, checks the arguments of the per-packet calls, hands them to the
 * backend (srtp_own.c or srtp_libsrtp.c) and turns its status into an
 * SB_E* code, remembering the status for sb_srtp_last_status(). */
#define G_LOG_DOMAIN "sb-srtp"
#include "srtp.h"

#include <limits.h>
#include <string.h>

#include <glib.h>
#include <openssl/crypto.h>

#include "core/error.h"
#include "srtp_private.h"

#define RTP_MIN_LEN  12
#define RTCP_MIN_LEN 8

static gsize init_done;
static int init_result;
static const sb_srtp_backend *backend = &sb_srtp_backend_own;

int sb_srtp_global_init(void) {
  if (g_once_init_enter(&init_done)) {
    if (g_strcmp0(g_getenv("SB_SRTP_IMPL"), "libsrtp2") == 0) backend = &sb_srtp_backend_libsrtp;
    init_result = backend->init();
    if (init_result < 0 && backend == &sb_srtp_backend_own) {
      g_warning("own SRTP unavailable (OpenSSL 3.0.3 or later needed); using libsrtp2");
      backend = &sb_srtp_backend_libsrtp;
      init_result = backend->init();
    }
    if (init_result < 0) init_result = SB_ECRYPTO;
    g_debug("SRTP implementation: %s", backend->name);
    g_once_init_leave(&init_done, 1);
  }
  return init_result;
}

const char *sb_srtp_impl_name(void) {
  sb_srtp_global_init();
  return backend->name;
}

int sb_srtp_profile_lengths(sb_srtp_profile profile, size_t *key_len, size_t *salt_len) {
  switch (profile) {
  case SB_SRTP_AES128_CM_SHA1_80:
    *key_len = SB_SRTP_KEY_LEN;
    *salt_len = SB_SRTP_CM_SALT_LEN;
    return SB_OK;
  case SB_SRTP_AEAD_AES_128_GCM:
    *key_len = SB_SRTP_KEY_LEN;
    *salt_len = SB_SRTP_GCM_SALT_LEN;
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

int sb_srtp_new(const sb_srtp_keys *keys, sb_srtp **out) {
  size_t key_len, salt_len;
  if (!keys || !out) return SB_EINVAL;
  if (sb_srtp_profile_lengths(keys->profile, &key_len, &salt_len) < 0) return SB_EINVAL;
  if (keys->key_len != key_len || keys->salt_len != salt_len) return SB_EINVAL;
  int rc = sb_srtp_global_init();
  if (rc < 0) return rc;
  sb_srtp *s = NULL;
  rc = backend->create(keys, &s);
  if (rc < 0) return rc;
  s->backend = backend;
  s->profile = keys->profile;
  s->tag_len =
      keys->profile == SB_SRTP_AEAD_AES_128_GCM ? SB_SRTP_GCM_TAG_LEN : SB_SRTP_HMAC_TAG_LEN;
  s->last_status = SB_SRTP_ST_OK;
  *out = s;
  return SB_OK;
}

void sb_srtp_free(sb_srtp *srtp) {
  if (srtp) srtp->backend->destroy(srtp);
}

static int map_status(int st) {
  switch (st) {
  case SB_SRTP_ST_BAD_PARAM:
  case SB_SRTP_ST_PARSE_ERR: return SB_EINVAL;
  case SB_SRTP_ST_ALLOC_FAIL: return SB_ENOMEM;
  case SB_SRTP_ST_NO_CTX: return SB_ENOSPC;
  default: return SB_ECRYPTO;
  }
}

static inline int finish(sb_srtp *s, int st) {
  if (G_LIKELY(st == SB_SRTP_ST_OK)) return SB_OK;
  s->last_status = st;
  return map_status(st);
}

/* Lengths every backend may rely on: at least min_len, small enough for
 * libsrtp2's int lengths with the trailer added. */
static inline bool length_ok(const uint8_t *buf, const size_t *len, size_t min_len) {
  return buf && len && *len >= min_len && *len <= INT_MAX - SB_SRTP_MAX_TRAILER;
}

static inline int room(const size_t *len, size_t cap) {
  if (G_UNLIKELY(!len)) return SB_EINVAL;
  if (G_UNLIKELY(cap < SB_SRTP_MAX_TRAILER || *len > cap - SB_SRTP_MAX_TRAILER)) return SB_ENOSPC;
  return SB_OK;
}

int sb_srtp_protect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len, size_t cap) {
  int rc = room(len, cap);
  if (G_UNLIKELY(rc < 0)) return rc;
  if (G_UNLIKELY(!length_ok(buf, len, RTP_MIN_LEN))) return SB_EINVAL;
  return finish(srtp, srtp->backend->protect_rtp(srtp, buf, len));
}

int sb_srtp_protect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len, size_t cap) {
  int rc = room(len, cap);
  if (G_UNLIKELY(rc < 0)) return rc;
  if (G_UNLIKELY(!length_ok(buf, len, RTCP_MIN_LEN))) return SB_EINVAL;
  return finish(srtp, srtp->backend->protect_rtcp(srtp, buf, len));
}

int sb_srtp_unprotect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  if (G_UNLIKELY(!length_ok(buf, len, RTP_MIN_LEN + srtp->tag_len))) return SB_EINVAL;
  return finish(srtp, srtp->backend->unprotect_rtp(srtp, buf, len));
}

int sb_srtp_unprotect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  if (G_UNLIKELY(!length_ok(buf, len, RTCP_MIN_LEN + srtp->tag_len + SB_SRTP_INDEX_LEN)))
    return SB_EINVAL;
  return finish(srtp, srtp->backend->unprotect_rtcp(srtp, buf, len));
}

int sb_srtp_last_status(const sb_srtp *srtp) { return srtp->last_status; }

const char *sb_srtp_status_name(int status) {
  switch (status) {
  case SB_SRTP_ST_OK: return "ok";
  case SB_SRTP_ST_FAIL: return "fail";
  case SB_SRTP_ST_BAD_PARAM: return "bad_param";
  case SB_SRTP_ST_ALLOC_FAIL: return "alloc_fail";
  case SB_SRTP_ST_DEALLOC_FAIL: return "dealloc_fail";
  case SB_SRTP_ST_INIT_FAIL: return "init_fail";
  case SB_SRTP_ST_AUTH_FAIL: return "auth_fail";
  case SB_SRTP_ST_CIPHER_FAIL: return "cipher_fail";
  case SB_SRTP_ST_REPLAY_FAIL: return "replay_fail";
  case SB_SRTP_ST_REPLAY_OLD: return "replay_old";
  case SB_SRTP_ST_ALGO_FAIL: return "algo_fail";
  case SB_SRTP_ST_NO_CTX: return "no_ctx";
  case SB_SRTP_ST_CANT_CHECK: return "cant_check";
  case SB_SRTP_ST_KEY_EXPIRED: return "key_expired";
  case SB_SRTP_ST_PARSE_ERR: return "parse_err";
  case SB_SRTP_ST_BAD_MKI: return "bad_mki";
  case SB_SRTP_ST_PKT_IDX_OLD: return "pkt_idx_old";
  case SB_SRTP_ST_PKT_IDX_ADV: return "pkt_idx_adv";
  default: return "other";
  }
}
