/* session.c - server-side SDP offer/answer for one peer connection (see
 * session.h): applying the browser's descriptions, choosing codecs and
 * header extensions, managing send sections, writing our descriptions. */
#include "core/session.h"

#include <string.h>

#include "core/error.h"

static const char *ext_uris[SB_EXT_COUNT] = {
    [SB_EXT_MID] = "urn:ietf:params:rtp-hdrext:sdes:mid",
    [SB_EXT_ABS_SEND_TIME] = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    [SB_EXT_AUDIO_LEVEL] = "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    [SB_EXT_VIDEO_ORIENTATION] = "urn:3gpp:video-orientation",
    [SB_EXT_TOFFSET] = "urn:ietf:params:rtp-hdrext:toffset",
    [SB_EXT_TRANSPORT_CC] =
        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
};

const char *sb_session_ext_uri(sb_ext_kind k) {
  return k > SB_EXT_NONE && k < SB_EXT_COUNT ? ext_uris[k] : NULL;
}

static void set_why(char *why, size_t len, const char *msg) {
  if (why && len) g_strlcpy(why, msg, len);
}

/* ---- lifetime ---- */

static void section_free(gpointer data) {
  sb_msection *sec = data;
  g_free(sec->rejected_proto);
  g_free(sec->rejected_fmts);
  g_free(sec);
}

static sb_msection *section_copy(const sb_msection *src) {
  sb_msection *sec = g_memdup2(src, sizeof *src);
  sec->rejected_proto = g_strdup(src->rejected_proto);
  sec->rejected_fmts = g_strdup(src->rejected_fmts);
  return sec;
}

sb_session *sb_session_new(const char *ice_ufrag, const char *ice_pwd, const char *fingerprint,
                           bool ice_lite, uint64_t sess_id) {
  sb_session *s = g_new0(sb_session, 1);
  s->sections = g_ptr_array_new_with_free_func(section_free);
  s->candidates = g_ptr_array_new_with_free_func(g_free);
  s->remote_candidates = g_ptr_array_new_with_free_func(g_free);
  g_strlcpy(s->ice_ufrag, ice_ufrag, sizeof s->ice_ufrag);
  g_strlcpy(s->ice_pwd, ice_pwd, sizeof s->ice_pwd);
  g_strlcpy(s->fingerprint, fingerprint, sizeof s->fingerprint);
  s->ice_lite = ice_lite;
  s->sess_id = sess_id & G_MAXINT64;
  s->sess_version = 1;
  g_snprintf(s->cname, sizeof s->cname, "sb%08x", (unsigned)(sess_id >> 16));
  return s;
}

void sb_session_free(sb_session *s) {
  if (!s) return;
  g_ptr_array_free(s->sections, TRUE);
  g_ptr_array_free(s->candidates, TRUE);
  g_ptr_array_free(s->remote_candidates, TRUE);
  g_free(s);
}

void sb_session_add_local_candidate(sb_session *s, const char *candidate) {
  g_ptr_array_add(s->candidates, g_strdup(candidate));
}

void sb_session_set_local_ice(sb_session *s, const char *ice_ufrag, const char *ice_pwd) {
  g_strlcpy(s->ice_ufrag, ice_ufrag, sizeof s->ice_ufrag);
  g_strlcpy(s->ice_pwd, ice_pwd, sizeof s->ice_pwd);
}

/* ---- codecs ---- */

/* Our preference rank for a codec the browser offers, or -1 if we do not
 * forward it. */
static int codec_rank(const sb_sdp_codec *c, sb_sdp_kind kind) {
  if (!c->name) return -1;
  if (kind == SB_SDP_KIND_AUDIO)
    return !g_ascii_strcasecmp(c->name, "opus") && c->clock_rate == 48000 ? 0 : -1;
  if (kind != SB_SDP_KIND_VIDEO || c->clock_rate != 90000) return -1;
  if (!g_ascii_strcasecmp(c->name, "VP8")) return 0;
  if (!g_ascii_strcasecmp(c->name, "VP9")) {
    guint profile = 0;
    return sb_sdp_vp9_profile_id(c->fmtp, &profile) == SB_OK && profile == 0 ? 1 : -1;
  }
  if (!g_ascii_strcasecmp(c->name, "H264")) {
    sb_h264_plid plid;
    if (sb_sdp_h264_packetization_mode(c->fmtp) != 1) return -1;
    return sb_sdp_h264_fmtp_plid(c->fmtp, &plid) == SB_OK ? 2 : -1;
  }
  if (!g_ascii_strcasecmp(c->name, "AV1")) return 3;
  return -1;
}

static void codec_from_sdp(sb_codec *out, const sb_sdp_codec *c) {
  memset(out, 0, sizeof *out);
  out->pt = c->pt;
  g_strlcpy(out->name, c->name, sizeof out->name);
  out->clock_rate = c->clock_rate;
  out->channels = (uint8_t)c->channels;
  if (c->fmtp) g_strlcpy(out->fmtp, c->fmtp, sizeof out->fmtp);
  for (guint i = 0; i < c->rtcp_fbs->len; i++) {
    const sb_sdp_rtcp_fb *fb = c->rtcp_fbs->pdata[i];
    if (!strcmp(fb->type, "nack") && !fb->param)
      out->fb_nack = true;
    else if (!strcmp(fb->type, "nack") && !g_strcmp0(fb->param, "pli"))
      out->fb_pli = true;
    else if (!strcmp(fb->type, "ccm") && !g_strcmp0(fb->param, "fir"))
      out->fb_fir = true;
    else if (!strcmp(fb->type, "goog-remb"))
      out->fb_remb = true;
    else if (!strcmp(fb->type, "transport-cc"))
      out->fb_tcc = true;
  }
}

/* The codecs of an offered section we keep, ours-first then browser order. */
static int pick_codecs(const sb_sdp_media *m, sb_codec *out, int cap) {
  int n = 0;
  for (int rank = 0; rank <= 3 && n < cap; rank++) {
    for (guint i = 0; i < m->codecs->len && n < cap; i++) {
      const sb_sdp_codec *c = m->codecs->pdata[i];
      if (codec_rank(c, m->kind) != rank) continue;
      codec_from_sdp(&out[n], c);
      guint rtx = 0;
      if (m->kind == SB_SDP_KIND_VIDEO && sb_sdp_media_find_rtx(m, c->pt, &rtx) == SB_OK)
        out[n].rtx_pt = (uint8_t)rtx;
      n++;
    }
  }
  return n;
}

/* Same codec (name, clock, channels, and for H.264 the same profile and
 * packetization mode)? */
static bool same_codec(const sb_codec *a, const sb_codec *b) {
  if (g_ascii_strcasecmp(a->name, b->name) || a->clock_rate != b->clock_rate) return false;
  if (!g_ascii_strcasecmp(a->name, "H264"))
    return sb_sdp_h264_fmtp_compatible(a->fmtp, b->fmtp) == 1;
  if (!g_ascii_strcasecmp(a->name, "VP9")) {
    guint pa = 0, pb = 0;
    sb_sdp_vp9_profile_id(a->fmtp, &pa);
    sb_sdp_vp9_profile_id(b->fmtp, &pb);
    return pa == pb;
  }
  return true;
}

static void pick_exts(const sb_sdp *sdp, const sb_sdp_media *m, sb_msection *sec) {
  sec->n_exts = 0;
  for (int k = SB_EXT_NONE + 1; k < SB_EXT_COUNT && sec->n_exts < SB_SESSION_MAX_EXTS; k++) {
    if (k == SB_EXT_AUDIO_LEVEL && m->kind != SB_SDP_KIND_AUDIO) continue;
    if ((k == SB_EXT_VIDEO_ORIENTATION || k == SB_EXT_TOFFSET) && m->kind != SB_SDP_KIND_VIDEO)
      continue;
    guint id = 0;
    if (sb_sdp_find_extmap(sdp, m, ext_uris[k], &id) == SB_OK && id >= 1 && id <= 255)
      sec->exts[sec->n_exts++] = (sb_ext){.kind = (sb_ext_kind)k, .id = (uint8_t)id};
  }
}

/* ---- applying a description ---- */

static const char *media_ufrag(const sb_sdp *d, const sb_sdp_media *m) {
  return m->ice_ufrag ? m->ice_ufrag : d->ice_ufrag;
}
static const char *media_pwd(const sb_sdp *d, const sb_sdp_media *m) {
  return m->ice_pwd ? m->ice_pwd : d->ice_pwd;
}
static const sb_sdp_fingerprint *media_fp(const sb_sdp *d, const sb_sdp_media *m) {
  return m->fingerprint.hash ? &m->fingerprint : &d->fingerprint;
}
static sb_sdp_setup media_setup(const sb_sdp *d, const sb_sdp_media *m) {
  return m->setup ? m->setup : d->setup;
}

static bool in_bundle(const sb_sdp *d, const char *mid) {
  const sb_sdp_group *g = sb_sdp_find_group(d, "BUNDLE");
  for (guint i = 0; g && i < g->mids->len; i++)
    if (!strcmp(g->mids->pdata[i], mid)) return true;
  return false;
}

/* RFC 8843 section 6: port 0 with a=bundle-only and the mid in the BUNDLE
 * group means "bundled" (the section uses the group's transport), not
 * "rejected". Firefox with max-bundle and GStreamer's webrtcbin offer all but
 * the first section this way, and Firefox re-offers sections the server
 * added so. */
static bool bundle_only(const sb_sdp *d, const sb_sdp_media *m) {
  return m->port == 0 && m->bundle_only && m->mid && in_bundle(d, m->mid);
}

/* Port 0 that rejects (answers) or stops (offers) the section (RFC 3264
 * sections 6 and 8.2). */
static bool port_rejects(const sb_sdp *d, const sb_sdp_media *m) {
  return m->port == 0 && !bundle_only(d, m);
}

static sb_sdp_direction effective_dir(const sb_sdp *d, const sb_sdp_media *m) {
  sb_sdp_direction dir = m->direction ? m->direction : d->direction;
  return dir ? dir : SB_SDP_DIR_SENDRECV;
}

static bool dir_sends(sb_sdp_direction d) {
  return d == SB_SDP_DIR_SENDRECV || d == SB_SDP_DIR_SENDONLY;
}
static bool dir_receives(sb_sdp_direction d) {
  return d == SB_SDP_DIR_SENDRECV || d == SB_SDP_DIR_RECVONLY;
}

/* Our direction: we send when a source is bound and the browser receives;
 * we receive on the browser's own sections when it sends. */
static sb_sdp_direction local_dir_for(const sb_msection *sec) {
  bool send = sec->sending && dir_receives(sec->remote_dir);
  bool recv = !sec->ours && dir_sends(sec->remote_dir);
  return send && recv ? SB_SDP_DIR_SENDRECV
         : send       ? SB_SDP_DIR_SENDONLY
         : recv       ? SB_SDP_DIR_RECVONLY
                      : SB_SDP_DIR_INACTIVE;
}

static void read_remote_ssrcs(const sb_sdp_media *m, sb_msection *sec) {
  sec->remote_ssrc = sec->remote_rtx_ssrc = 0;
  for (guint i = 0; i < m->ssrc_groups->len; i++) {
    const sb_sdp_ssrc_group *g = m->ssrc_groups->pdata[i];
    if (!strcmp(g->semantics, "FID") && g->n_ssrcs == 2) {
      sec->remote_ssrc = g->ssrcs[0];
      sec->remote_rtx_ssrc = g->ssrcs[1];
      return;
    }
  }
  if (m->ssrcs->len) sec->remote_ssrc = ((const sb_sdp_ssrc *)m->ssrcs->pdata[0])->ssrc;
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

/* Checks the transport parameters common to offers and answers and records
 * them. */
static int read_transport(sb_session *s, const sb_sdp *d, bool is_offer, char *why, size_t wl) {
  /* The BUNDLE transport's section: the first with a port in the group (the
   * tagged one, RFC 8843 section 7), else the first with a port at all. */
  const sb_sdp_media *first = NULL, *any_port = NULL;
  bool bundled = false;
  for (guint i = 0; i < d->media->len && !first; i++) {
    const sb_sdp_media *m = d->media->pdata[i];
    bundled |= bundle_only(d, m);
    if (m->port == 0) continue;
    if (!any_port) any_port = m;
    if (m->mid && in_bundle(d, m->mid)) first = m;
  }
  if (!first) first = any_port;
  if (!first && bundled)
    return set_why(why, wl, "a=bundle-only m-lines but no m-line with a port for the BUNDLE group"),
           SB_EINVAL;
  if (!first) return SB_OK;
  const char *ufrag = media_ufrag(d, first), *pwd = media_pwd(d, first);
  const sb_sdp_fingerprint *fp = media_fp(d, first);
  if (!ufrag || !pwd) return set_why(why, wl, "missing a=ice-ufrag or a=ice-pwd"), SB_EINVAL;
  if (!fp->hash || !fp->value) return set_why(why, wl, "missing a=fingerprint"), SB_EINVAL;
  /* DTLS roles (RFC 5763): we are the DTLS server unless the browser's
   * first offer says it wants to be (setup:passive). The role never changes
   * afterwards. */
  sb_sdp_setup setup = media_setup(d, first);
  bool client = s->negotiated_once ? s->dtls_client : (is_offer && setup == SB_SDP_SETUP_PASSIVE);
  sb_sdp_setup want = client ? SB_SDP_SETUP_PASSIVE : SB_SDP_SETUP_ACTIVE;
  if (is_offer && setup != SB_SDP_SETUP_ACTPASS && setup != want)
    return set_why(why, wl, "a=setup contradicts the DTLS roles already in use"), SB_EINVAL;
  if (!is_offer && setup != want)
    return set_why(why, wl,
                   client ? "the answer must have a=setup:passive"
                          : "the answer must have a=setup:active"),
           SB_EINVAL;
  if (is_offer && setup == SB_SDP_SETUP_HOLDCONN)
    return set_why(why, wl, "a=setup:holdconn is not supported"), SB_EUNSUPPORTED;
  s->dtls_client = client;
  if (!sb_sdp_find_group(d, "BUNDLE"))
    return set_why(why, wl, "BUNDLE is required (a=group:BUNDLE)"), SB_EUNSUPPORTED;
  g_strlcpy(s->remote_ufrag, ufrag, sizeof s->remote_ufrag);
  g_strlcpy(s->remote_pwd, pwd, sizeof s->remote_pwd);
  g_strlcpy(s->remote_fp_hash, fp->hash, sizeof s->remote_fp_hash);
  g_strlcpy(s->remote_fp, fp->value, sizeof s->remote_fp);
  g_ptr_array_set_size(s->remote_candidates, 0);
  for (guint i = 0; i < first->candidates->len; i++) {
    GString *c = g_string_new("");
    if (sb_sdp_candidate_write(first->candidates->pdata[i], c) == SB_OK)
      g_ptr_array_add(s->remote_candidates, g_string_free(c, FALSE));
    else
      g_string_free(c, TRUE);
  }
  return SB_OK;
}

int sb_session_apply_offer(sb_session *s, const sb_sdp *offer, char *why, size_t wl) {
  if (s->state != SB_SIG_STABLE) return set_why(why, wl, "an offer of ours is pending"), SB_ESTATE;
  if (offer->media->len < s->sections->len)
    return set_why(why, wl, "the offer drops m-lines of the session"), SB_EINVAL;
  GPtrArray *next = g_ptr_array_new_with_free_func(section_free);
  int rc = SB_OK;
  bool any = false;
  for (guint i = 0; i < offer->media->len && rc == SB_OK; i++) {
    const sb_sdp_media *m = offer->media->pdata[i];
    if (!m->mid) {
      set_why(why, wl, "every m-line needs a=mid");
      rc = SB_EINVAL;
      break;
    }
    sb_msection *sec;
    if (i < s->sections->len) {
      const sb_msection *old = s->sections->pdata[i];
      if (strcmp(old->mid, m->mid) && !(old->rejected && port_rejects(offer, m))) {
        set_why(why, wl, "the offer reorders or renames m-lines");
        rc = SB_EINVAL;
        break;
      }
      sec = section_copy(old);
      g_strlcpy(sec->mid, m->mid, sizeof sec->mid);
    } else {
      for (guint k = 0; k < next->len; k++)
        if (!strcmp(((sb_msection *)next->pdata[k])->mid, m->mid)) rc = SB_EINVAL;
      if (rc) {
        set_why(why, wl, "duplicate a=mid");
        break;
      }
      sec = g_new0(sb_msection, 1);
      g_strlcpy(sec->mid, m->mid, sizeof sec->mid);
      sec->kind = m->kind;
      bool media_ok =
          sb_sdp_media_is_rtp(m) && (m->kind == SB_SDP_KIND_AUDIO || m->kind == SB_SDP_KIND_VIDEO);
      if (media_ok) sec->n_codecs = pick_codecs(m, sec->codecs, SB_SESSION_MAX_CODECS);
      if (!media_ok || sec->n_codecs == 0 || port_rejects(offer, m)) {
        sec->rejected = true;
        sec->rejected_proto = g_strdup(m->proto);
        sec->rejected_fmts = fmts_text(m);
      } else {
        pick_exts(offer, m, sec);
      }
    }
    g_ptr_array_add(next, sec);
    if (port_rejects(offer, m) && !sec->rejected) {
      /* The browser stopped this transceiver. */
      sec->rejected = true;
      sec->sending = false;
      sec->rejected_proto = g_strdup(m->proto);
      sec->rejected_fmts = fmts_text(m);
    }
    if (sec->rejected) continue;
    if (!m->rtcp_mux && !bundle_only(offer, m)) {
      /* (A bundle-only section takes the group's transport, rtcp-mux
       * included: RFC 8843 section 9.3.) */
      set_why(why, wl, "rtcp-mux is required");
      rc = SB_EUNSUPPORTED;
    } else if (!in_bundle(offer, m->mid)) {
      set_why(why, wl, "every m-line must be in the BUNDLE group");
      rc = SB_EUNSUPPORTED;
    }
    sec->remote_dir = effective_dir(offer, m);
    sec->local_dir = local_dir_for(sec);
    if (!sec->ours) read_remote_ssrcs(m, sec);
    any = true;
  }
  if (rc == SB_OK && !any && !s->negotiated_once) {
    set_why(why, wl, "nothing we can receive (data channels are not supported)");
    rc = SB_EUNSUPPORTED;
  }
  if (rc == SB_OK && any) rc = read_transport(s, offer, true, why, wl);
  if (rc != SB_OK) {
    g_ptr_array_free(next, TRUE);
    return rc;
  }
  /* Commit. Existing sections keep their identity (the peer holds
   * pointers to them); new ones are appended. */
  for (guint i = 0; i < next->len; i++) {
    sb_msection *n = next->pdata[i];
    if (i < s->sections->len) {
      sb_msection *o = s->sections->pdata[i];
      g_free(o->rejected_proto);
      g_free(o->rejected_fmts);
      *o = *n;
      g_free(n);
    } else {
      g_ptr_array_add(s->sections, n);
    }
    next->pdata[i] = NULL;
  }
  g_ptr_array_set_free_func(next, NULL);
  g_ptr_array_free(next, TRUE);
  s->extmap_allow_mixed = offer->extmap_allow_mixed;
  s->answer_sections = offer->media->len;
  return SB_OK;
}

int sb_session_apply_answer(sb_session *s, const sb_sdp *answer, char *why, size_t wl) {
  if (s->state != SB_SIG_HAVE_LOCAL_OFFER)
    return set_why(why, wl, "no offer of ours is pending"), SB_ESTATE;
  if (answer->media->len != s->offered_sections)
    return set_why(why, wl, "the answer has a different number of m-lines than our offer"),
           SB_EINVAL;
  for (guint i = 0; i < answer->media->len; i++) {
    const sb_sdp_media *m = answer->media->pdata[i];
    const sb_msection *sec = s->sections->pdata[i];
    if (!port_rejects(answer, m) && (!m->mid || strcmp(m->mid, sec->mid)))
      return set_why(why, wl, "the answer's mids do not match the offer"), SB_EINVAL;
  }
  int rc = read_transport(s, answer, false, why, wl);
  if (rc != SB_OK) return rc;
  for (guint i = 0; i < answer->media->len; i++) {
    const sb_sdp_media *m = answer->media->pdata[i];
    sb_msection *sec = s->sections->pdata[i];
    if (sec->rejected) continue;
    if (port_rejects(answer, m)) {
      sec->rejected = true;
      sec->sending = false;
      sec->rejected_proto = g_strdup(m->proto);
      sec->rejected_fmts = fmts_text(m);
      continue;
    }
    sec->remote_dir = effective_dir(answer, m);
    if (sec->ours) {
      /* Keep only the codecs the browser accepted (same payload types). */
      int n = 0;
      for (int k = 0; k < sec->n_codecs; k++) {
        if (!sb_sdp_media_codec_by_pt(m, sec->codecs[k].pt)) continue;
        sb_codec *c = &sec->codecs[n++];
        *c = sec->codecs[k];
        guint rtx = 0;
        if (c->rtx_pt && (sb_sdp_media_find_rtx(m, c->pt, &rtx) != SB_OK || rtx != c->rtx_pt))
          c->rtx_pt = 0; /* the browser did not take RTX for it */
      }
      sec->n_codecs = n;
      if (!n) sec->sending = false;
    } else {
      read_remote_ssrcs(m, sec);
    }
    sec->local_dir = local_dir_for(sec);
  }
  for (guint i = 0; i < s->offered_sections && i < s->sections->len; i++) {
    sb_msection *sec = s->sections->pdata[i];
    sec->signaled = sec->sending && !sec->rejected;
  }
  s->state = SB_SIG_STABLE;
  s->negotiated_once = true;
  return SB_OK;
}

/* ---- send sections ---- */

sb_msection *sb_session_add_send(sb_session *s, sb_sdp_kind kind, const sb_codec *src, int n_src,
                                 uint32_t local_ssrc, const char *stream_id, const char *track_id,
                                 void *user) {
  /* The browser's own codecs for this kind: from its first section of it. */
  const sb_msection *tmpl = NULL;
  for (guint i = 0; i < s->sections->len && !tmpl; i++) {
    const sb_msection *sec = s->sections->pdata[i];
    if (!sec->ours && !sec->rejected && sec->kind == kind) tmpl = sec;
  }
  if (!tmpl) return NULL;
  sb_codec codecs[SB_SESSION_MAX_CODECS];
  int n = 0;
  for (int i = 0; i < n_src; i++)
    for (int k = 0; k < tmpl->n_codecs && n < SB_SESSION_MAX_CODECS; k++)
      if (same_codec(&src[i], &tmpl->codecs[k])) {
        bool dup = false;
        for (int j = 0; j < n; j++)
          dup |= codecs[j].pt == tmpl->codecs[k].pt;
        if (!dup) codecs[n++] = tmpl->codecs[k];
        break;
      }
  if (!n) return NULL;
  /* A section the browser offered to receive on (recvonly) is used first:
   * no new m-line, and no renegotiation if we are about to answer. Then an
   * idle section of ours; else a new one. */
  sb_msection *sec = NULL;
  for (guint i = 0; i < s->sections->len && !sec; i++) {
    sb_msection *o = s->sections->pdata[i];
    if (!o->ours && !o->rejected && !o->sending && o->kind == kind &&
        o->remote_dir == SB_SDP_DIR_RECVONLY)
      sec = o;
  }
  for (guint i = 0; i < s->sections->len && !sec; i++) {
    sb_msection *o = s->sections->pdata[i];
    if (o->ours && !o->rejected && !o->sending && o->kind == kind) sec = o;
  }
  if (sec && !sec->ours) {
    /* The browser's own section keeps its codecs and extensions; it needs
     * at least one codec the source sends. */
    int m = 0;
    for (int i = 0; i < n; i++)
      if (sb_msection_codec(sec, codecs[i].pt)) m++;
    if (!m) sec = NULL;
  }
  if (!sec) {
    if (s->sections->len >= SB_SDP_MAX_MEDIA) return NULL;
    sec = g_new0(sb_msection, 1);
    g_snprintf(sec->mid, sizeof sec->mid, "s%u", s->next_send_mid++);
    sec->kind = kind;
    sec->ours = true;
    sec->remote_dir = SB_SDP_DIR_RECVONLY;
    g_ptr_array_add(s->sections, sec);
  }
  if (sec->ours) {
    /* What the browser said last (inactive, after the previous source left)
     * does not hold back a new offer: we offer sendonly again. */
    sec->remote_dir = SB_SDP_DIR_RECVONLY;
    sec->n_codecs = n;
    memcpy(sec->codecs, codecs, sizeof codecs[0] * (size_t)n);
    sec->n_exts = tmpl->n_exts;
    memcpy(sec->exts, tmpl->exts, sizeof sec->exts);
  }
  sec->local_ssrc = local_ssrc;
  g_strlcpy(sec->stream_id, stream_id, sizeof sec->stream_id);
  g_strlcpy(sec->track_id, track_id, sizeof sec->track_id);
  sec->sending = true;
  sec->signaled = false;
  sec->local_dir = local_dir_for(sec);
  sec->user = user;
  s->needs_offer = true;
  return sec;
}

void sb_session_stop_send(sb_session *s, sb_msection *sec) {
  sec->sending = false;
  sec->signaled = false;
  sec->user = NULL;
  sec->local_dir = local_dir_for(sec);
  s->needs_offer = true;
}

/* ---- lookups ---- */

sb_msection *sb_session_find_mid(const sb_session *s, const char *mid) {
  for (guint i = 0; i < s->sections->len; i++) {
    sb_msection *sec = s->sections->pdata[i];
    if (!strcmp(sec->mid, mid)) return sec;
  }
  return NULL;
}

sb_msection *sb_session_find_remote_ssrc(const sb_session *s, uint32_t ssrc) {
  for (guint i = 0; ssrc && i < s->sections->len; i++) {
    sb_msection *sec = s->sections->pdata[i];
    if (!sec->ours && !sec->rejected && (sec->remote_ssrc == ssrc || sec->remote_rtx_ssrc == ssrc))
      return sec;
  }
  return NULL;
}

const sb_codec *sb_msection_codec(const sb_msection *sec, uint8_t pt) {
  for (int i = 0; i < sec->n_codecs; i++)
    if (sec->codecs[i].pt == pt) return &sec->codecs[i];
  return NULL;
}

const sb_codec *sb_msection_codec_for_rtx(const sb_msection *sec, uint8_t rtx_pt) {
  for (int i = 0; rtx_pt && i < sec->n_codecs; i++)
    if (sec->codecs[i].rtx_pt == rtx_pt) return &sec->codecs[i];
  return NULL;
}

bool sb_msection_has_tcc(const sb_msection *sec) {
  for (int i = 0; i < sec->n_codecs; i++)
    if (sec->codecs[i].fb_tcc) return true;
  return false;
}

uint8_t sb_msection_ext_id(const sb_msection *sec, sb_ext_kind k) {
  for (int i = 0; i < sec->n_exts; i++)
    if (sec->exts[i].kind == k) return sec->exts[i].id;
  return 0;
}

void sb_session_ext_map(const sb_msection *from, const sb_msection *to, uint8_t map[256]) {
  memset(map, 0, 256);
  for (int i = 0; i < from->n_exts; i++) {
    if (from->exts[i].kind == SB_EXT_MID || from->exts[i].kind == SB_EXT_TRANSPORT_CC) continue;
    map[from->exts[i].id] = sb_msection_ext_id(to, from->exts[i].kind);
  }
}

bool sb_session_ext_ambiguous(const sb_session *s, uint8_t id) {
  sb_ext_kind seen = SB_EXT_NONE;
  for (guint i = 0; i < s->sections->len; i++) {
    const sb_msection *sec = s->sections->pdata[i];
    for (int k = 0; k < sec->n_exts; k++) {
      if (sec->exts[k].id != id) continue;
      if (seen != SB_EXT_NONE && seen != sec->exts[k].kind) return true;
      seen = sec->exts[k].kind;
    }
  }
  return false;
}

void sb_session_pt_map(const sb_msection *from, const sb_msection *to, uint8_t map[128]) {
  memset(map, 0xff, 128);
  for (int i = 0; i < from->n_codecs; i++)
    for (int k = 0; k < to->n_codecs; k++)
      if (same_codec(&from->codecs[i], &to->codecs[k])) {
        map[from->codecs[i].pt & 0x7f] = to->codecs[k].pt;
        break;
      }
}

/* ---- writing ---- */

static bool section_has_rtx(const sb_msection *sec) {
  for (int i = 0; i < sec->n_codecs; i++)
    if (sec->codecs[i].rtx_pt) return true;
  return false;
}

static void write_codecs(sb_sdp_media *m, const sb_msection *sec) {
  for (int i = 0; i < sec->n_codecs; i++) {
    const sb_codec *c = &sec->codecs[i];
    sb_sdp_codec *sc = sb_sdp_media_add_codec(m, c->pt, c->name, c->clock_rate, c->channels,
                                              c->fmtp[0] ? c->fmtp : NULL);
    if (!sc) continue;
    if (c->fb_remb) sb_sdp_codec_add_rtcp_fb(sc, "goog-remb", NULL);
    if (c->fb_fir) sb_sdp_codec_add_rtcp_fb(sc, "ccm", "fir");
    if (c->fb_nack) sb_sdp_codec_add_rtcp_fb(sc, "nack", NULL);
    if (c->fb_pli) sb_sdp_codec_add_rtcp_fb(sc, "nack", "pli");
    if (c->fb_tcc) sb_sdp_codec_add_rtcp_fb(sc, "transport-cc", NULL);
  }
  /* RTX payload types after the media ones, as browsers write them. */
  for (int i = 0; i < sec->n_codecs; i++) {
    const sb_codec *c = &sec->codecs[i];
    if (!c->rtx_pt) continue;
    char apt[16];
    g_snprintf(apt, sizeof apt, "apt=%u", c->pt);
    sb_sdp_media_add_codec(m, c->rtx_pt, "rtx", c->clock_rate, 0, apt);
  }
}

/* A rejected section (RFC 3264 section 6, RFC 8843 section 7.3.3): port 0,
 * the offered proto and fmts, a c= line (Firefox refuses a description
 * with a media level without one), its mid, inactive; not in the BUNDLE
 * group. */
static void write_rejected(sb_sdp_media *m, const sb_msection *sec) {
  m->port = 0;
  sb_sdp_set_str(&m->connection, "IN IP4 0.0.0.0");
  sb_sdp_set_str(&m->mid, sec->mid);
  char **fmts = g_strsplit(sec->rejected_fmts ? sec->rejected_fmts : "", " ", -1);
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
  if (sb_sdp_media_is_rtp(m) && m->codecs->len == 0) sb_sdp_media_add_codec(m, 0, NULL, 0, 0, NULL);
  if (!sb_sdp_media_is_rtp(m) && m->fmts->len == 0) g_ptr_array_add(m->fmts, g_strdup("0"));
  m->direction = SB_SDP_DIR_INACTIVE;
}

static int write_description(sb_session *s, bool offer, guint n_sections, GString *out) {
  sb_sdp *d = sb_sdp_new();
  sb_sdp_set_str(&d->origin_username, "switchboard");
  char sid[32];
  g_snprintf(sid, sizeof sid, "%" G_GUINT64_FORMAT, s->sess_id);
  sb_sdp_set_str(&d->origin_sess_id, sid);
  d->origin_sess_version = s->sess_version++;
  d->ice_lite = s->ice_lite;
  d->extmap_allow_mixed = s->extmap_allow_mixed;
  sb_sdp_set_str(&d->msid_semantic, "WMS");
  sb_sdp_set_str(&d->msid_semantic_ids, "*");
  sb_sdp_group *bundle = sb_sdp_add_group(d, "BUNDLE");
  for (guint i = 0; i < n_sections && i < s->sections->len; i++) {
    const sb_msection *sec = s->sections->pdata[i];
    sb_sdp_kind kind = sec->kind;
    const char *proto = sec->rejected ? sec->rejected_proto : NULL;
    sb_sdp_media *m =
        sb_sdp_add_media(d, kind == SB_SDP_KIND_OTHER ? SB_SDP_KIND_APPLICATION : kind, proto);
    if (!m) break;
    if (sec->rejected) {
      write_rejected(m, sec);
      continue;
    }
    sb_sdp_group_add_mid(bundle, sec->mid);
    sb_sdp_set_str(&m->connection, "IN IP4 0.0.0.0");
    sb_sdp_set_str(&m->rtcp, "9 IN IP4 0.0.0.0");
    sb_sdp_set_str(&m->ice_ufrag, s->ice_ufrag);
    sb_sdp_set_str(&m->ice_pwd, s->ice_pwd);
    sb_sdp_set_str(&m->fingerprint.hash, "sha-256");
    sb_sdp_set_str(&m->fingerprint.value, s->fingerprint);
    m->setup = offer            ? SB_SDP_SETUP_ACTPASS
               : s->dtls_client ? SB_SDP_SETUP_ACTIVE
                                : SB_SDP_SETUP_PASSIVE;
    sb_sdp_set_str(&m->mid, sec->mid);
    for (int k = 0; k < sec->n_exts; k++)
      sb_sdp_media_add_extmap(m, sec->exts[k].id, SB_SDP_DIR_NONE, ext_uris[sec->exts[k].kind],
                              NULL);
    m->direction = sec->local_dir;
    m->rtcp_mux = TRUE;
    m->rtcp_rsize = TRUE;
    write_codecs(m, sec);
    if (sec->sending) {
      sb_sdp_media_add_msid(m, sec->stream_id, sec->track_id);
      char msid[2 * SB_SESSION_ID_LEN + 2];
      g_snprintf(msid, sizeof msid, "%s %s", sec->stream_id, sec->track_id);
      bool rtx = sec->local_rtx_ssrc && section_has_rtx(sec);
      if (rtx) {
        const guint32 fid[2] = {sec->local_ssrc, sec->local_rtx_ssrc};
        sb_sdp_media_add_ssrc_group(m, "FID", fid, 2);
      }
      sb_sdp_media_add_ssrc(m, sec->local_ssrc, "cname", s->cname);
      sb_sdp_media_add_ssrc(m, sec->local_ssrc, "msid", msid);
      if (rtx) {
        sb_sdp_media_add_ssrc(m, sec->local_rtx_ssrc, "cname", s->cname);
        sb_sdp_media_add_ssrc(m, sec->local_rtx_ssrc, "msid", msid);
      }
    }
    for (guint k = 0; k < s->candidates->len; k++) {
      const char *text = s->candidates->pdata[k];
      sb_sdp_candidate *c = NULL;
      if (sb_sdp_candidate_parse(text, strlen(text), &c) == SB_OK) {
        sb_sdp_media_add_candidate(m, c);
        sb_sdp_candidate_free(c);
      }
    }
    m->end_of_candidates = s->ice_lite;
  }
  int rc = sb_sdp_write(d, out);
  sb_sdp_free(d);
  return rc;
}

int sb_session_write_answer(sb_session *s, GString *out) {
  /* An answer carries exactly the offer's m-lines; sections we added since
   * wait for our next offer. */
  int rc = write_description(s, false, s->answer_sections, out);
  if (rc == SB_OK) {
    s->state = SB_SIG_STABLE;
    s->negotiated_once = true;
    for (guint i = 0; i < s->answer_sections && i < s->sections->len; i++) {
      sb_msection *sec = s->sections->pdata[i];
      sec->signaled = sec->sending && !sec->rejected;
    }
    s->needs_offer = s->sections->len > s->answer_sections;
  }
  return rc;
}

int sb_session_write_offer(sb_session *s, GString *out) {
  if (s->state != SB_SIG_STABLE) return SB_ESTATE;
  int rc = write_description(s, true, s->sections->len, out);
  if (rc == SB_OK) {
    s->state = SB_SIG_HAVE_LOCAL_OFFER;
    s->needs_offer = false;
    s->offered_sections = s->sections->len;
  }
  return rc;
}
