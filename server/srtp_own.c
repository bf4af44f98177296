/* srtp_own.c - the own SRTP/SRTCP backend (the default; see srtp.h): one
 * sb_srtp holds, inline, the keyed transforms of both directions
 * (srtp_xform.c) and a small table of streams per direction keyed by SSRC,
 * searched linearly after checking the stream of the last packet. Per
 * packet it parses the header, finds the stream, estimates the index and
 * checks replay (srtp_replay.c), runs the transform and only then commits
 * the stream's state, so a packet that fails changes nothing. New inbound
 * streams are added only once a packet of theirs authenticates; when a
 * table is full, packets of new SSRCs fail with SB_SRTP_ST_NO_CTX (the
 * front's SB_ENOSPC) and the existing streams go on as before.
 *
 * Outbound, a sequence number may be protected again (retransmissions) as
 * with libsrtp2's allow_repeat_tx: only an index 1024 or more behind the
 * highest is refused. Outbound SRTCP indices count 1, 2, ... per SSRC with
 * the E flag set. Keys: 2^48 SRTP packets per stream and SRTCP indices up to
 * 2^31 - 1, then SB_SRTP_ST_KEY_EXPIRED. */
#define G_LOG_DOMAIN "sb-srtp"
#include <string.h>

#include <glib.h>
#include <openssl/crypto.h>

#include "core/bytes.h"
#include "core/error.h"
#include "srtp_private.h"
#include "srtp_replay.h"
#include "srtp_xform.h"

#define RTP_HEADER  12
#define RTCP_HEADER 8

G_STATIC_ASSERT(SB_SRTP_MAX_STREAMS_IN <= 255 && SB_SRTP_MAX_STREAMS_OUT <= 255);

typedef struct {
  uint64_t rtp_highest; /* highest index protected */
  uint64_t rtp_packets;
  uint32_t rtcp_sent; /* last SRTCP index sent, 0 before the first */
} out_stream;

typedef struct {
  sb_srtp_rtp_window rtp;
  uint64_t rtp_packets;
  sb_srtp_rtcp_window rtcp;
} in_stream;

enum { RTP, RTCP };

typedef struct {
  sb_srtp base;
  sb_srtp_xform out[2], in[2]; /* [RTP], [RTCP] */
  uint8_t n_out, n_in, last_out, last_in;
  uint32_t out_ssrc[SB_SRTP_MAX_STREAMS_OUT];
  uint32_t in_ssrc[SB_SRTP_MAX_STREAMS_IN];
  out_stream out_streams[SB_SRTP_MAX_STREAMS_OUT];
  in_stream in_streams[SB_SRTP_MAX_STREAMS_IN];
} own_srtp;

/* The slot of ssrc among n, or -1; the last stream used is tried first. */
static inline int find(const uint32_t *ssrcs, unsigned n, unsigned last, uint32_t ssrc) {
  if (G_LIKELY(last < n && ssrcs[last] == ssrc)) return (int)last;
  for (unsigned i = 0; i < n; i++)
    if (ssrcs[i] == ssrc) return (int)i;
  return -1;
}

/* Length of the RTP header (fixed part, CSRCs, extension) if it fits in the
 * first `avail` bytes, else 0. */
static size_t rtp_header_len(const uint8_t *buf, size_t avail) {
  size_t h = RTP_HEADER + 4u * (buf[0] & 0x0f);
  if (buf[0] & 0x10) {
    if (h + 4 > avail) return 0;
    h += 4 + 4u * (size_t)sb_load_u16(buf + h + 2);
  }
  return h <= avail ? h : 0;
}

/* The header length (0: it does not fit), SSRC and sequence number of an
 * RTP packet of `len` bytes (at least 12, the front checked). */
static inline size_t rtp_fields(const uint8_t *buf, size_t len, uint32_t *ssrc, uint16_t *seq) {
  *ssrc = sb_load_u32(buf + 8);
  *seq = sb_load_u16(buf + 2);
  return rtp_header_len(buf, len);
}

/* ---- the backend's per-packet calls -------------------------------------- */

static int own_protect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  own_srtp *s = (own_srtp *)srtp;
  uint32_t ssrc;
  uint16_t seq;
  size_t hlen = rtp_fields(buf, *len, &ssrc, &seq);
  if (G_UNLIKELY(!hlen)) return SB_SRTP_ST_BAD_PARAM;
  int i = find(s->out_ssrc, s->n_out, s->last_out, ssrc);
  out_stream fresh = {0}, *st = i >= 0 ? &s->out_streams[i] : &fresh;
  if (G_UNLIKELY(i < 0 && s->n_out == SB_SRTP_MAX_STREAMS_OUT)) return SB_SRTP_ST_NO_CTX;
  if (G_UNLIKELY(st->rtp_packets >= SB_SRTP_MAX_RTP_PACKETS)) return SB_SRTP_ST_KEY_EXPIRED;
  uint64_t index;
  int rc = sb_srtp_rtp_estimate(st->rtp_highest, seq, &index);
  if (rc == SB_SRTP_ST_OK) rc = sb_srtp_rtp_too_old(st->rtp_highest, index);
  if (rc == SB_SRTP_ST_OK)
    rc = sb_srtp_xform_rtp_protect(&s->out[RTP], buf, hlen, len, ssrc, index);
  if (G_UNLIKELY(rc != SB_SRTP_ST_OK)) return rc;
  if (i < 0) {
    i = s->n_out++;
    s->out_ssrc[i] = ssrc;
    s->out_streams[i] = fresh;
    st = &s->out_streams[i];
  }
  if (index > st->rtp_highest) st->rtp_highest = index;
  st->rtp_packets++;
  s->last_out = (uint8_t)i;
  return SB_SRTP_ST_OK;
}

static int own_unprotect_rtp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  own_srtp *s = (own_srtp *)srtp;
  /* As libsrtp2: a header longer than the packet is a bad parameter, one
   * that runs into the tag a parse error. */
  uint32_t ssrc;
  uint16_t seq;
  size_t hlen = rtp_fields(buf, *len, &ssrc, &seq);
  if (G_UNLIKELY(!hlen)) return SB_SRTP_ST_BAD_PARAM;
  int i = find(s->in_ssrc, s->n_in, s->last_in, ssrc);
  uint64_t index;
  int rc;
  if (i >= 0) {
    in_stream *st = &s->in_streams[i];
    if (G_UNLIKELY(st->rtp_packets >= SB_SRTP_MAX_RTP_PACKETS)) return SB_SRTP_ST_KEY_EXPIRED;
    rc = sb_srtp_rtp_estimate(st->rtp.highest, seq, &index);
    if (rc == SB_SRTP_ST_OK) rc = sb_srtp_rtp_window_check(&st->rtp, index);
    if (G_UNLIKELY(rc != SB_SRTP_ST_OK)) return rc;
  } else {
    if (G_UNLIKELY(s->n_in == SB_SRTP_MAX_STREAMS_IN)) return SB_SRTP_ST_NO_CTX;
    index = seq; /* a new stream starts with ROC 0 */
  }
  if (G_UNLIKELY(hlen > *len - srtp->tag_len))
    return SB_SRTP_ST_PARSE_ERR; /* after replay, as libsrtp2 */
  rc = sb_srtp_xform_rtp_unprotect(&s->in[RTP], buf, hlen, len, ssrc, index);
  if (G_UNLIKELY(rc != SB_SRTP_ST_OK)) return rc;
  if (i < 0) {
    i = s->n_in++;
    s->in_ssrc[i] = ssrc;
    memset(&s->in_streams[i], 0, sizeof s->in_streams[i]);
  }
  in_stream *st = &s->in_streams[i];
  sb_srtp_rtp_window_add(&st->rtp, index);
  st->rtp_packets++;
  s->last_in = (uint8_t)i;
  return SB_SRTP_ST_OK;
}

static int own_protect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  own_srtp *s = (own_srtp *)srtp;
  uint32_t ssrc = sb_load_u32(buf + 4);
  int i = find(s->out_ssrc, s->n_out, s->last_out, ssrc);
  if (G_UNLIKELY(i < 0 && s->n_out == SB_SRTP_MAX_STREAMS_OUT)) return SB_SRTP_ST_NO_CTX;
  uint32_t sent = i >= 0 ? s->out_streams[i].rtcp_sent : 0;
  if (G_UNLIKELY(sent >= SB_SRTP_MAX_RTCP_INDEX)) return SB_SRTP_ST_KEY_EXPIRED;
  int rc = sb_srtp_xform_rtcp_protect(&s->out[RTCP], buf, len, ssrc, sent + 1);
  if (G_UNLIKELY(rc != SB_SRTP_ST_OK)) return rc;
  if (i < 0) {
    i = s->n_out++;
    s->out_ssrc[i] = ssrc;
    memset(&s->out_streams[i], 0, sizeof s->out_streams[i]);
  }
  s->out_streams[i].rtcp_sent = sent + 1;
  s->last_out = (uint8_t)i;
  return SB_SRTP_ST_OK;
}

static int own_unprotect_rtcp(sb_srtp *srtp, uint8_t *buf, size_t *len) {
  own_srtp *s = (own_srtp *)srtp;
  /* GCM: ... | tag | E||index; AES-CM: ... | E||index | tag. */
  size_t at = srtp->tag_len == SB_SRTP_GCM_TAG_LEN ? *len - SB_SRTP_INDEX_LEN
                                                   : *len - SB_SRTP_INDEX_LEN - srtp->tag_len;
  uint32_t trailer = sb_load_u32(buf + at), index = trailer & SB_SRTP_MAX_RTCP_INDEX;
  bool encrypted = trailer & 0x80000000u;
  /* libsrtp2 likewise takes unencrypted SRTCP only under GCM, where RFC 7714
   * section 9.3 defines it; with AES-CM confidentiality is not optional. */
  if (G_UNLIKELY(!encrypted && srtp->tag_len != SB_SRTP_GCM_TAG_LEN)) return SB_SRTP_ST_CANT_CHECK;
  uint32_t ssrc = sb_load_u32(buf + 4);
  int i = find(s->in_ssrc, s->n_in, s->last_in, ssrc);
  if (i >= 0) {
    int rc = sb_srtp_rtcp_window_check(&s->in_streams[i].rtcp, index);
    if (G_UNLIKELY(rc != SB_SRTP_ST_OK)) return rc;
  } else if (G_UNLIKELY(s->n_in == SB_SRTP_MAX_STREAMS_IN)) {
    return SB_SRTP_ST_NO_CTX;
  }
  int rc = sb_srtp_xform_rtcp_unprotect(&s->in[RTCP], buf, len, ssrc, index, encrypted);
  if (G_UNLIKELY(rc != SB_SRTP_ST_OK)) return rc;
  if (i < 0) {
    i = s->n_in++;
    s->in_ssrc[i] = ssrc;
    memset(&s->in_streams[i], 0, sizeof s->in_streams[i]);
  }
  sb_srtp_rtcp_window_add(&s->in_streams[i].rtcp, index);
  s->last_in = (uint8_t)i;
  return SB_SRTP_ST_OK;
}

/* ---- sessions ------------------------------------------------------------ */

static gsize init_done;
static int init_result;

static int own_init(void) {
  if (g_once_init_enter(&init_done)) {
    init_result = sb_srtp_xform_global_init();
    g_once_init_leave(&init_done, 1);
  }
  return init_result;
}

static void own_destroy(sb_srtp *srtp) {
  own_srtp *s = (own_srtp *)srtp;
  for (int k = 0; k < 2; k++) {
    sb_srtp_xform_clear(&s->out[k]);
    sb_srtp_xform_clear(&s->in[k]);
  }
  g_free(s);
}

int sb_srtp_own_new(sb_srtp_profile profile, const sb_srtp_session_keys *local,
                    const sb_srtp_session_keys *remote, sb_srtp **out) {
  bool gcm = profile == SB_SRTP_AEAD_AES_128_GCM;
  if (!gcm && profile != SB_SRTP_AES128_CM_SHA1_80) return SB_EINVAL;
  int rc = own_init();
  if (rc < 0) return rc;
  own_srtp *s = g_try_new0(own_srtp, 1);
  if (!s) return SB_ENOMEM;
  s->base.backend = &sb_srtp_backend_own;
  s->base.profile = profile;
  s->base.tag_len = gcm ? SB_SRTP_GCM_TAG_LEN : SB_SRTP_HMAC_TAG_LEN;
  rc =
      sb_srtp_xform_init(&s->out[RTP], gcm, true, local->rtp_key, local->rtp_salt, local->rtp_auth);
  if (rc == SB_OK)
    rc = sb_srtp_xform_init(&s->out[RTCP], gcm, true, local->rtcp_key, local->rtcp_salt,
                            local->rtcp_auth);
  if (rc == SB_OK)
    rc = sb_srtp_xform_init(&s->in[RTP], gcm, false, remote->rtp_key, remote->rtp_salt,
                            remote->rtp_auth);
  if (rc == SB_OK)
    rc = sb_srtp_xform_init(&s->in[RTCP], gcm, false, remote->rtcp_key, remote->rtcp_salt,
                            remote->rtcp_auth);
  if (rc != SB_OK) {
    own_destroy(&s->base);
    return rc;
  }
  *out = &s->base;
  return SB_OK;
}

static int own_create(const sb_srtp_keys *keys, sb_srtp **out) {
  sb_srtp_session_keys local, remote;
  int rc = sb_srtp_kdf(keys->local_key, keys->local_salt, keys->salt_len, &local);
  if (rc == SB_OK) rc = sb_srtp_kdf(keys->remote_key, keys->remote_salt, keys->salt_len, &remote);
  if (rc == SB_OK) rc = sb_srtp_own_new(keys->profile, &local, &remote, out);
  OPENSSL_cleanse(&local, sizeof local);
  OPENSSL_cleanse(&remote, sizeof remote);
  return rc;
}

const sb_srtp_backend sb_srtp_backend_own = {
    .name = "own",
    .init = own_init,
    .create = own_create,
    .destroy = own_destroy,
    .protect_rtp = own_protect_rtp,
    .protect_rtcp = own_protect_rtcp,
    .unprotect_rtp = own_unprotect_rtp,
    .unprotect_rtcp = own_unprotect_rtcp,
};
