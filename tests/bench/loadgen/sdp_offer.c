/* sdp_offer.c - the generator's offers and answers (see sdp_offer.h). */
#include "sdp_offer.h"

#include <string.h>

#include "core/error.h"

#define URI_MID  "urn:ietf:params:rtp-hdrext:sdes:mid"
#define URI_ABS  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#define URI_TWCC "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

#define OUR_AUDIO_PT 111
#define OUR_VIDEO_PT 96
#define OUR_RTX_PT   97 /* apt=96 */
#define OUR_EXT_ABS  2
#define OUR_EXT_TWCC 3
#define OUR_EXT_MID  4

static void section_free(gpointer p) {
  sb_lg_section *sec = p;
  g_free(sec->reject_proto);
  g_free(sec->reject_fmts);
  g_free(sec);
}

sb_lg_sdp *sb_lg_sdp_new(const char *ufrag, const char *pwd, const char *fingerprint,
                         const char *cname, const char *stream_id, const uint32_t ssrc[2],
                         bool sendrecv_shape, uint64_t sess_id) {
  sb_lg_sdp *s = g_new0(sb_lg_sdp, 1);
  s->sections = g_ptr_array_new_with_free_func(section_free);
  s->candidates = g_ptr_array_new_with_free_func(g_free);
  s->remote_candidates = g_ptr_array_new_with_free_func(g_free);
  g_strlcpy(s->ufrag, ufrag, sizeof s->ufrag);
  g_strlcpy(s->pwd, pwd, sizeof s->pwd);
  g_strlcpy(s->fingerprint, fingerprint, sizeof s->fingerprint);
  g_strlcpy(s->cname, cname, sizeof s->cname);
  g_strlcpy(s->stream_id, stream_id, sizeof s->stream_id);
  s->ssrc[0] = ssrc[0];
  s->ssrc[1] = ssrc[1];
  s->sendrecv_shape = sendrecv_shape;
  s->sess_id = sess_id;
  s->sess_version = 1;
  return s;
}

void sb_lg_sdp_free(sb_lg_sdp *s) {
  if (!s) return;
  g_ptr_array_free(s->sections, TRUE);
  g_ptr_array_free(s->candidates, TRUE);
  g_ptr_array_free(s->remote_candidates, TRUE);
  g_free(s);
}

void sb_lg_sdp_add_candidate(sb_lg_sdp *s, const char *candidate) {
  g_ptr_array_add(s->candidates, g_strdup(candidate));
}

static sb_lg_section *section_at(const sb_lg_sdp *s, guint i) { return s->sections->pdata[i]; }

static sb_lg_section *section_of_track(const sb_lg_sdp *s, int track) {
  for (guint i = 0; i < s->sections->len; i++)
    if (section_at(s, i)->track == track) return section_at(s, i);
  return NULL;
}

bool sb_lg_sdp_needs_offer(const sb_lg_sdp *s) {
  if (s->sections->len == 0) return true;
  for (int t = 0; t < SB_LG_TRACKS; t++)
    if (!section_of_track(s, t)) return true;
  return false;
}

void sb_lg_sdp_send_params(const sb_lg_sdp *s, int track, sb_lg_send_params *out) {
  memset(out, 0, sizeof *out);
  const sb_lg_section *sec = section_of_track(s, track);
  if (!sec) return;
  out->active = sec->negotiated && !sec->rejected &&
                (sec->dir == SB_SDP_DIR_SENDONLY || sec->dir == SB_SDP_DIR_SENDRECV);
  g_strlcpy(out->mid, sec->mid, sizeof out->mid);
  out->pt = sec->pt;
  out->rtx_pt = sec->rtx_pt;
  out->ext_mid = sec->ext_mid;
  out->ext_abs = sec->ext_abs;
  out->ext_twcc = sec->ext_twcc;
}

void sb_lg_sdp_recv_params(const sb_lg_sdp *s, sb_lg_recv_params *out) {
  memset(out->rtx_apt, 0xff, sizeof out->rtx_apt);
  memset(out->nack, 0, sizeof out->nack);
  for (guint i = 0; i < s->sections->len; i++) {
    const sb_lg_section *sec = section_at(s, i);
    if (sec->kind != SB_SDP_KIND_VIDEO || !sec->recv || !sec->negotiated || sec->rejected) continue;
    if (sec->rtx_pt) out->rtx_apt[sec->rtx_pt & 0x7f] = sec->pt;
    if (sec->nack) out->nack[sec->pt & 0x7f] = true;
  }
}

/* ---- writing ---- */

static sb_sdp_direction dir_of(const sb_lg_section *sec) {
  bool send = sec->track >= 0;
  return send && sec->recv ? SB_SDP_DIR_SENDRECV
         : send            ? SB_SDP_DIR_SENDONLY
         : sec->recv       ? SB_SDP_DIR_RECVONLY
                           : SB_SDP_DIR_INACTIVE;
}

static void add_codec(sb_sdp_media *m, const sb_lg_section *sec) {
  sb_sdp_codec *c;
  if (sec->kind == SB_SDP_KIND_AUDIO) {
    c = sb_sdp_media_add_codec(m, sec->pt, "opus", 48000, 2, "minptime=10;useinbandfec=1");
    if (c && sec->ext_twcc) sb_sdp_codec_add_rtcp_fb(c, "transport-cc", NULL);
  } else {
    c = sb_sdp_media_add_codec(m, sec->pt, "VP8", 90000, 0, NULL);
    if (!c) return;
    sb_sdp_codec_add_rtcp_fb(c, "goog-remb", NULL);
    if (sec->ext_twcc) sb_sdp_codec_add_rtcp_fb(c, "transport-cc", NULL);
    sb_sdp_codec_add_rtcp_fb(c, "ccm", "fir");
    sb_sdp_codec_add_rtcp_fb(c, "nack", NULL);
    sb_sdp_codec_add_rtcp_fb(c, "nack", "pli");
    if (sec->rtx_pt) {
      char apt[16];
      g_snprintf(apt, sizeof apt, "apt=%u", sec->pt);
      sb_sdp_media_add_codec(m, sec->rtx_pt, "rtx", 90000, 0, apt);
    }
  }
}

static void add_rejected(sb_sdp_media *m, const sb_lg_section *sec) {
  m->port = 0;
  sb_sdp_set_str(&m->mid, sec->mid);
  m->direction = SB_SDP_DIR_INACTIVE;
  char **fmts = g_strsplit(sec->reject_fmts ? sec->reject_fmts : "", " ", -1);
  for (int i = 0; fmts[i]; i++) {
    if (!*fmts[i]) continue;
    if (sb_sdp_media_is_rtp(m)) {
      guint64 pt = g_ascii_strtoull(fmts[i], NULL, 10);
      if (pt <= 127) sb_sdp_media_add_codec(m, (guint8)pt, NULL, 0, 0, NULL);
    } else {
      g_ptr_array_add(m->fmts, g_strdup(fmts[i]));
    }
  }
  g_strfreev(fmts);
  if (sb_sdp_media_is_rtp(m) && m->codecs->len == 0)
    sb_sdp_media_add_codec(m, sec->pt, NULL, 0, 0, NULL);
  if (!sb_sdp_media_is_rtp(m) && m->fmts->len == 0) g_ptr_array_add(m->fmts, g_strdup("0"));
}

static int write_description(sb_lg_sdp *s, guint n, bool offer, GString *out) {
  sb_sdp *d = sb_sdp_new();
  sb_sdp_set_str(&d->origin_username, "-");
  char sid[32];
  g_snprintf(sid, sizeof sid, "%" G_GUINT64_FORMAT, s->sess_id);
  sb_sdp_set_str(&d->origin_sess_id, sid);
  d->origin_sess_version = s->sess_version++;
  sb_sdp_set_str(&d->msid_semantic, "WMS");
  sb_sdp_set_str(&d->msid_semantic_ids, "*");
  sb_sdp_group *bundle = sb_sdp_add_group(d, "BUNDLE");
  bool candidates_done = false;
  sb_sdp_setup setup = offer                               ? SB_SDP_SETUP_ACTPASS
                       : s->dtls_role == SB_LG_DTLS_SERVER ? SB_SDP_SETUP_PASSIVE
                                                           : SB_SDP_SETUP_ACTIVE;
  for (guint i = 0; i < n; i++) {
    sb_lg_section *sec = section_at(s, i);
    sb_sdp_media *m = sb_sdp_add_media(d, sec->kind, sec->rejected ? sec->reject_proto : NULL);
    if (!m) break;
    if (sec->rejected) {
      add_rejected(m, sec);
      continue;
    }
    sb_sdp_group_add_mid(bundle, sec->mid);
    sb_sdp_set_str(&m->connection, "IN IP4 0.0.0.0");
    sb_sdp_set_str(&m->rtcp, "9 IN IP4 0.0.0.0");
    sb_sdp_set_str(&m->ice_ufrag, s->ufrag);
    sb_sdp_set_str(&m->ice_pwd, s->pwd);
    sb_sdp_set_str(&m->fingerprint.hash, "sha-256");
    sb_sdp_set_str(&m->fingerprint.value, s->fingerprint);
    m->setup = setup;
    sb_sdp_set_str(&m->mid, sec->mid);
    if (sec->ext_mid) sb_sdp_media_add_extmap(m, sec->ext_mid, SB_SDP_DIR_NONE, URI_MID, NULL);
    if (sec->ext_abs) sb_sdp_media_add_extmap(m, sec->ext_abs, SB_SDP_DIR_NONE, URI_ABS, NULL);
    if (sec->ext_twcc) sb_sdp_media_add_extmap(m, sec->ext_twcc, SB_SDP_DIR_NONE, URI_TWCC, NULL);
    sec->dir = dir_of(sec);
    m->direction = sec->dir;
    m->rtcp_mux = TRUE;
    m->rtcp_rsize = TRUE;
    add_codec(m, sec);
    if (sec->track >= 0) {
      char track_id[48];
      g_snprintf(track_id, sizeof track_id, "%s-%s", s->stream_id, sec->track ? "video" : "audio");
      sb_sdp_media_add_msid(m, s->stream_id, track_id);
      bool rtx = sec->track == SB_LG_TRACK_VIDEO && sec->rtx_pt && s->video_rtx_ssrc;
      if (rtx) {
        const guint32 fid[2] = {s->ssrc[sec->track], s->video_rtx_ssrc};
        sb_sdp_media_add_ssrc_group(m, "FID", fid, 2);
      }
      sb_sdp_media_add_ssrc(m, s->ssrc[sec->track], "cname", s->cname);
      if (rtx) sb_sdp_media_add_ssrc(m, s->video_rtx_ssrc, "cname", s->cname);
    }
    if (!candidates_done) {
      for (guint k = 0; k < s->candidates->len; k++) {
        const char *text = s->candidates->pdata[k];
        sb_sdp_candidate *c = NULL;
        if (sb_sdp_candidate_parse(text, strlen(text), &c) == SB_OK) {
          sb_sdp_media_add_candidate(m, c);
          sb_sdp_candidate_free(c);
        }
      }
      m->end_of_candidates = TRUE;
      candidates_done = true;
    }
  }
  int rc = sb_sdp_write(d, out);
  sb_sdp_free(d);
  return rc;
}

static sb_lg_section *section_new(sb_lg_sdp *s, sb_sdp_kind kind, const char *mid) {
  sb_lg_section *sec = g_new0(sb_lg_section, 1);
  sec->kind = kind;
  sec->track = -1;
  if (mid) {
    g_strlcpy(sec->mid, mid, sizeof sec->mid);
  } else {
    /* The next free numeric mid (a server may name its sections "s0"...). */
    for (;;) {
      g_snprintf(sec->mid, sizeof sec->mid, "%u", s->next_mid++);
      bool taken = false;
      for (guint i = 0; i < s->sections->len && !taken; i++)
        taken = !strcmp(section_at(s, i)->mid, sec->mid);
      if (!taken) break;
    }
  }
  g_ptr_array_add(s->sections, sec);
  return sec;
}

static sb_lg_section *offer_section(sb_lg_sdp *s, int track, bool recv) {
  sb_sdp_kind kind = track == SB_LG_TRACK_VIDEO ? SB_SDP_KIND_VIDEO : SB_SDP_KIND_AUDIO;
  sb_lg_section *sec = section_new(s, kind, NULL);
  sec->pt = kind == SB_SDP_KIND_AUDIO ? OUR_AUDIO_PT : OUR_VIDEO_PT;
  sec->rtx_pt = kind == SB_SDP_KIND_VIDEO ? OUR_RTX_PT : 0;
  sec->ext_mid = OUR_EXT_MID;
  sec->ext_abs = OUR_EXT_ABS;
  sec->ext_twcc = OUR_EXT_TWCC;
  sec->recv = recv;
  return sec;
}

int sb_lg_sdp_write_offer(sb_lg_sdp *s, GString *out) {
  if (s->have_local_offer) return SB_ESTATE;
  bool first = s->sections->len == 0;
  for (int t = 0; t < SB_LG_TRACKS; t++)
    if (!section_of_track(s, t)) offer_section(s, t, s->sendrecv_shape)->track = t;
  if (first && !s->sendrecv_shape) {
    offer_section(s, SB_LG_TRACK_AUDIO, true);
    offer_section(s, SB_LG_TRACK_VIDEO, true);
  }
  int rc = write_description(s, s->sections->len, true, out);
  if (rc < 0) return rc;
  s->offered = s->sections->len;
  s->have_local_offer = true;
  return SB_OK;
}

/* ---- reading ---- */

static void set_why(char *why, size_t len, const char *text) {
  if (why && len) g_strlcpy(why, text, len);
}

static sb_sdp_direction remote_dir(const sb_sdp *d, const sb_sdp_media *m) {
  sb_sdp_direction dir = m->direction ? m->direction : d->direction;
  return dir ? dir : SB_SDP_DIR_SENDRECV;
}

static bool dir_sends(sb_sdp_direction d) {
  return d == SB_SDP_DIR_SENDRECV || d == SB_SDP_DIR_SENDONLY;
}
static bool dir_receives(sb_sdp_direction d) {
  return d == SB_SDP_DIR_SENDRECV || d == SB_SDP_DIR_RECVONLY;
}

static uint8_t ext_id(const sb_sdp *d, const sb_sdp_media *m, const char *uri) {
  guint id = 0;
  return sb_sdp_find_extmap(d, m, uri, &id) == SB_OK && id >= 1 && id <= 14 ? (uint8_t)id : 0;
}

/* The payload type of our codec in a remote section, or -1. */
static int match_codec(const sb_sdp_media *m) {
  if (!sb_sdp_media_is_rtp(m)) return -1;
  const char *name = m->kind == SB_SDP_KIND_AUDIO   ? "opus"
                     : m->kind == SB_SDP_KIND_VIDEO ? "VP8"
                                                    : NULL;
  if (!name) return -1;
  const sb_sdp_codec *c = sb_sdp_media_find_codec(m, name);
  if (!c || c->clock_rate != (m->kind == SB_SDP_KIND_AUDIO ? 48000u : 90000u)) return -1;
  return c->pt;
}

/* The RTX payload type the remote pairs with pt (0: none) and whether it
 * lists rtcp-fb nack for pt. */
static void read_feedback(const sb_sdp_media *m, int pt, sb_lg_section *sec) {
  guint rtx = 0;
  sec->rtx_pt = m->kind == SB_SDP_KIND_VIDEO &&
                        sb_sdp_media_find_rtx(m, (guint)pt, &rtx) == SB_OK && rtx <= 127
                    ? (uint8_t)rtx
                    : 0;
  sec->nack = false;
  const sb_sdp_codec *c = sb_sdp_media_codec_by_pt(m, (guint)pt);
  for (guint i = 0; c && i < c->rtcp_fbs->len; i++) {
    const sb_sdp_rtcp_fb *fb = c->rtcp_fbs->pdata[i];
    if (!strcmp(fb->type, "nack") && !fb->param) sec->nack = true;
  }
  for (guint i = 0; i < m->rtcp_fb_all->len; i++) {
    const sb_sdp_rtcp_fb *fb = m->rtcp_fb_all->pdata[i];
    if (!strcmp(fb->type, "nack") && !fb->param) sec->nack = true;
  }
}

/* The remote transport (first section that is not rejected; session-level
 * values as fallback), checked before anything is changed. */
typedef struct {
  const char *ufrag, *pwd;
  const sb_sdp_fingerprint *fp;
  sb_sdp_setup setup;
} transport;

static int read_transport(const sb_sdp *d, transport *t, char *why, size_t wl) {
  const sb_sdp_media *first = NULL;
  for (guint i = 0; i < d->media->len && !first; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    if (m->port != 0) first = m;
  }
  if (!first) return set_why(why, wl, "every m-section is rejected"), SB_EINVAL;
  t->ufrag = first->ice_ufrag ? first->ice_ufrag : d->ice_ufrag;
  t->pwd = first->ice_pwd ? first->ice_pwd : d->ice_pwd;
  t->fp = first->fingerprint.hash ? &first->fingerprint : &d->fingerprint;
  t->setup = first->setup ? first->setup : d->setup;
  if (!t->ufrag || !t->pwd) return set_why(why, wl, "no ICE credentials"), SB_EINVAL;
  if (!t->fp->hash || !t->fp->value) return set_why(why, wl, "no DTLS fingerprint"), SB_EINVAL;
  return SB_OK;
}

static void store_transport(sb_lg_sdp *s, const sb_sdp *d, const transport *t) {
  s->have_remote = true;
  s->remote_ice_lite = d->ice_lite;
  g_strlcpy(s->remote_ufrag, t->ufrag, sizeof s->remote_ufrag);
  g_strlcpy(s->remote_pwd, t->pwd, sizeof s->remote_pwd);
  g_strlcpy(s->remote_fp_hash, t->fp->hash, sizeof s->remote_fp_hash);
  g_strlcpy(s->remote_fp, t->fp->value, sizeof s->remote_fp);
  g_ptr_array_set_size(s->remote_candidates, 0);
  for (guint i = 0; i < d->media->len; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    if (m->port == 0) continue;
    for (guint k = 0; k < m->candidates->len; k++) {
      GString *c = g_string_new("");
      if (sb_sdp_candidate_write(m->candidates->pdata[k], c) == SB_OK &&
          !g_ptr_array_find_with_equal_func(s->remote_candidates, c->str, g_str_equal, NULL))
        g_ptr_array_add(s->remote_candidates, g_string_free(c, FALSE));
      else
        g_string_free(c, TRUE);
    }
  }
}

static char *fmts_text(const sb_sdp_media *m) {
  GString *s = g_string_new("");
  if (sb_sdp_media_is_rtp(m)) {
    for (guint i = 0; i < m->codecs->len; i++)
      g_string_append_printf(s, "%s%u", i ? " " : "",
                             ((const sb_sdp_codec *)m->codecs->pdata[i])->pt);
  } else {
    for (guint i = 0; i < m->fmts->len; i++)
      g_string_append_printf(s, "%s%s", i ? " " : "", (const char *)m->fmts->pdata[i]);
  }
  return g_string_free(s, FALSE);
}

static void reject(sb_lg_section *sec, const sb_sdp_media *m) {
  sec->rejected = true;
  sec->track = -1;
  sec->recv = false;
  sec->dir = SB_SDP_DIR_INACTIVE;
  g_free(sec->reject_proto);
  g_free(sec->reject_fmts);
  sec->reject_proto = g_strdup(m->proto);
  sec->reject_fmts = fmts_text(m);
}

/* Parses a remote description. Janus 1.1 writes a=mid twice in each
 * m-section of the descriptions it relays (the peer's and its own), which
 * sb_sdp_parse refuses; a repeated a=mid line with the same value is
 * dropped first. */
static int parse_remote(const char *text, size_t len, sb_sdp **out) {
  GString *clean = g_string_sized_new(len + 64);
  char *copy = g_strndup(text, len); /* an embedded NUL ends the text here */
  char **lines = g_strsplit(copy, "\n", -1);
  g_free(copy);
  const char *mid = NULL;
  size_t mid_len = 0;
  for (int i = 0; lines[i]; i++) {
    const char *l = lines[i];
    if (lines[i + 1] == NULL && !*l) break;
    size_t n = strlen(l);
    if (n && l[n - 1] == '\r') n--;
    if (n >= 2 && l[0] == 'm' && l[1] == '=') mid = NULL;
    if (n > 6 && !strncmp(l, "a=mid:", 6)) {
      if (mid && n - 6 == mid_len && !strncmp(l + 6, mid, mid_len)) continue;
      mid = l + 6;
      mid_len = n - 6;
    }
    g_string_append_len(clean, l, (gssize)n);
    g_string_append(clean, "\r\n");
  }
  int rc = sb_sdp_parse(clean->str, clean->len, out);
  g_strfreev(lines);
  g_string_free(clean, TRUE);
  return rc;
}

int sb_lg_sdp_apply_answer(sb_lg_sdp *s, const char *text, size_t len, char *why, size_t wl) {
  if (!s->have_local_offer) return set_why(why, wl, "no offer is pending"), SB_ESTATE;
  sb_sdp *d = NULL;
  if (parse_remote(text, len, &d) < 0)
    return set_why(why, wl, "the answer does not parse"), SB_EINVAL;
  transport t;
  int rc = read_transport(d, &t, why, wl);
  if (rc == SB_OK && d->media->len != s->offered)
    rc = SB_EINVAL, set_why(why, wl, "the answer's m-lines differ from the offer's");
  for (guint i = 0; rc == SB_OK && i < d->media->len; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    if (m->mid && strcmp(m->mid, section_at(s, i)->mid))
      rc = SB_EINVAL, set_why(why, wl, "the answer's mids differ from the offer's");
  }
  if (rc == SB_OK && t.setup != SB_SDP_SETUP_ACTIVE && t.setup != SB_SDP_SETUP_PASSIVE)
    rc = SB_EINVAL, set_why(why, wl, "the answer's a=setup is neither active nor passive");
  if (rc < 0) {
    sb_sdp_free(d);
    return rc;
  }
  if (s->dtls_role == SB_LG_DTLS_UNKNOWN)
    s->dtls_role = t.setup == SB_SDP_SETUP_PASSIVE ? SB_LG_DTLS_CLIENT : SB_LG_DTLS_SERVER;
  store_transport(s, d, &t);
  for (guint i = 0; i < d->media->len; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    sb_lg_section *sec = section_at(s, i);
    if (m->port == 0) {
      reject(sec, m);
    } else {
      int pt = match_codec(m);
      if (pt >= 0) {
        sec->pt = (uint8_t)pt;
        read_feedback(m, pt, sec);
      }
      sec->ext_mid = ext_id(d, m, URI_MID);
      sec->ext_abs = ext_id(d, m, URI_ABS);
      sec->ext_twcc = ext_id(d, m, URI_TWCC);
      /* Sending only where the remote receives; receiving where it sends. */
      sb_sdp_direction rd = remote_dir(d, m);
      bool send = sec->track >= 0 && dir_receives(rd), recv = sec->recv && dir_sends(rd);
      sec->dir = send && recv ? SB_SDP_DIR_SENDRECV
                 : send       ? SB_SDP_DIR_SENDONLY
                 : recv       ? SB_SDP_DIR_RECVONLY
                              : SB_SDP_DIR_INACTIVE;
    }
    sec->negotiated = true;
  }
  s->have_local_offer = false;
  sb_sdp_free(d);
  return SB_OK;
}

int sb_lg_sdp_answer_offer(sb_lg_sdp *s, const char *text, size_t len, GString *out, char *why,
                           size_t wl) {
  sb_sdp *d = NULL;
  if (parse_remote(text, len, &d) < 0)
    return set_why(why, wl, "the offer does not parse"), SB_EINVAL;
  transport t;
  int rc = read_transport(d, &t, why, wl);
  /* Sections that were negotiated keep their place (a pending offer of
   * ours, which this one crosses, is rolled back below). */
  guint kept = 0;
  while (kept < s->sections->len && section_at(s, kept)->negotiated)
    kept++;
  if (rc == SB_OK && d->media->len < kept)
    rc = SB_EINVAL, set_why(why, wl, "the offer drops m-lines");
  for (guint i = 0; rc == SB_OK && i < d->media->len; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    if (!m->mid)
      rc = SB_EINVAL, set_why(why, wl, "an m-section has no a=mid");
    else if (i < kept && strcmp(m->mid, section_at(s, i)->mid))
      rc = SB_EINVAL, set_why(why, wl, "the offer reorders m-lines");
    else if (i >= SB_SDP_MAX_MEDIA)
      rc = SB_EINVAL, set_why(why, wl, "too many m-lines");
  }
  if (rc < 0) {
    sb_sdp_free(d);
    return rc;
  }
  /* Roll back our own offer, if one is out. */
  g_ptr_array_set_size(s->sections, kept);
  s->have_local_offer = false;
  if (s->dtls_role == SB_LG_DTLS_UNKNOWN)
    s->dtls_role = t.setup == SB_SDP_SETUP_ACTIVE ? SB_LG_DTLS_SERVER : SB_LG_DTLS_CLIENT;
  store_transport(s, d, &t);

  bool may_send[SB_SDP_MAX_MEDIA] = {false};
  for (guint i = 0; i < d->media->len; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    sb_lg_section *sec = i < s->sections->len ? section_at(s, i) : section_new(s, m->kind, m->mid);
    int pt = match_codec(m);
    if (m->port == 0 || pt < 0 || (m->kind != SB_SDP_KIND_AUDIO && m->kind != SB_SDP_KIND_VIDEO)) {
      reject(sec, m);
      continue;
    }
    sec->rejected = false;
    sec->pt = (uint8_t)pt;
    read_feedback(m, pt, sec);
    sec->ext_mid = ext_id(d, m, URI_MID);
    sec->ext_abs = ext_id(d, m, URI_ABS);
    sec->ext_twcc = ext_id(d, m, URI_TWCC);
    sb_sdp_direction rd = remote_dir(d, m);
    may_send[i] = dir_receives(rd);
    sec->recv = dir_sends(rd);
    if (sec->track >= 0 && !may_send[i]) sec->track = -1;
  }
  /* Unplaced tracks take the first section of their kind we may send on. */
  for (int tr = 0; tr < SB_LG_TRACKS; tr++) {
    if (section_of_track(s, tr)) continue;
    sb_sdp_kind kind = tr == SB_LG_TRACK_VIDEO ? SB_SDP_KIND_VIDEO : SB_SDP_KIND_AUDIO;
    for (guint i = 0; i < s->sections->len; i++) {
      sb_lg_section *sec = section_at(s, i);
      if (!sec->rejected && sec->kind == kind && sec->track < 0 && may_send[i]) {
        sec->track = tr;
        break;
      }
    }
  }
  for (guint i = 0; i < s->sections->len; i++)
    section_at(s, i)->negotiated = true;
  sb_sdp_free(d);
  return write_description(s, s->sections->len, false, out);
}
