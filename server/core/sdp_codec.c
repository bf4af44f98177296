/* sdp_codec.c - making, freeing, building and querying sb_sdp structs (see
 * sdp.h): the lifetime functions, the sb_sdp_*_add builders the parser and
 * the server both use, lookups (by mid, payload type, codec name, extmap
 * uri), fmtp parameter access, and the codec rules negotiation needs (RTX
 * apt=, H.264 profile-level-id compatibility, VP9 profile-id). Parsing is in
 * sdp_parse.c, writing and comparing in sdp_write.c. */
#include "core/sdp.h"

#include <string.h>

#include "core/error.h"

/* ---- element free functions ---- */

static void attr_free(gpointer p) {
  sb_sdp_attr *a = p;
  g_free(a->name);
  g_free(a->value);
  g_free(a);
}

static void line_free(gpointer p) {
  sb_sdp_line *l = p;
  g_free(l->value);
  g_free(l);
}

static void group_free(gpointer p) {
  sb_sdp_group *g = p;
  g_free(g->semantics);
  g_ptr_array_unref(g->mids);
  g_free(g);
}

void sb_sdp_candidate_free(sb_sdp_candidate *c) {
  if (!c) return;
  g_free(c->foundation);
  g_free(c->transport);
  g_free(c->address);
  g_free(c->type);
  g_free(c->raddr);
  g_free(c->tcptype);
  g_free(c->extensions);
  g_free(c);
}

static void candidate_free(gpointer p) { sb_sdp_candidate_free(p); }

static void msid_free(gpointer p) {
  sb_sdp_msid *m = p;
  g_free(m->stream_id);
  g_free(m->track_id);
  g_free(m);
}

static void ssrc_free(gpointer p) {
  sb_sdp_ssrc *s = p;
  g_free(s->attr);
  g_free(s->value);
  g_free(s);
}

static void ssrc_group_free(gpointer p) {
  sb_sdp_ssrc_group *g = p;
  g_free(g->semantics);
  g_free(g);
}

static void rid_free(gpointer p) {
  sb_sdp_rid *r = p;
  g_free(r->id);
  g_free(r->restrictions);
  g_free(r);
}

static void rtcp_fb_free(gpointer p) {
  sb_sdp_rtcp_fb *f = p;
  g_free(f->type);
  g_free(f->param);
  g_free(f);
}

static void codec_free(gpointer p) {
  sb_sdp_codec *c = p;
  g_free(c->name);
  g_free(c->fmtp);
  g_ptr_array_unref(c->rtcp_fbs);
  g_free(c);
}

static void extmap_free(gpointer p) {
  sb_sdp_extmap *e = p;
  g_free(e->uri);
  g_free(e->attributes);
  g_free(e);
}

static void fingerprint_clear(sb_sdp_fingerprint *f) {
  g_free(f->hash);
  g_free(f->value);
}

static void simulcast_clear(sb_sdp_simulcast *s) {
  for (guint i = 0; i < s->n_send; i++)
    for (guint j = 0; j < s->send[i].n_alts; j++)
      g_free(s->send[i].alts[j].rid);
  for (guint i = 0; i < s->n_recv; i++)
    for (guint j = 0; j < s->recv[i].n_alts; j++)
      g_free(s->recv[i].alts[j].rid);
  memset(s, 0, sizeof *s);
}

static void media_free(gpointer p) {
  sb_sdp_media *m = p;
  g_free(m->kind_text);
  g_free(m->proto);
  g_ptr_array_unref(m->codecs);
  g_ptr_array_unref(m->fmts);
  g_free(m->connection);
  g_ptr_array_unref(m->bandwidths);
  g_ptr_array_unref(m->lines);
  g_free(m->mid);
  g_free(m->rtcp);
  g_free(m->ice_ufrag);
  g_free(m->ice_pwd);
  g_free(m->ice_options);
  fingerprint_clear(&m->fingerprint);
  g_ptr_array_unref(m->candidates);
  g_ptr_array_unref(m->msids);
  g_ptr_array_unref(m->ssrcs);
  g_ptr_array_unref(m->ssrc_groups);
  g_ptr_array_unref(m->rids);
  simulcast_clear(&m->simulcast);
  g_ptr_array_unref(m->extmaps);
  g_ptr_array_unref(m->rtcp_fb_all);
  g_ptr_array_unref(m->attrs);
  g_free(m);
}

/* ---- lifetime ---- */

sb_sdp *sb_sdp_new(void) {
  sb_sdp *s = g_new0(sb_sdp, 1);
  s->origin_username = g_strdup("-");
  s->origin_sess_id = g_strdup("0");
  s->origin_nettype = g_strdup("IN");
  s->origin_addrtype = g_strdup("IP4");
  s->origin_address = g_strdup("127.0.0.1");
  s->session_name = g_strdup("-");
  s->timing = g_strdup("0 0");
  s->bandwidths = g_ptr_array_new_with_free_func(g_free);
  s->lines = g_ptr_array_new_with_free_func(line_free);
  s->groups = g_ptr_array_new_with_free_func(group_free);
  s->extmaps = g_ptr_array_new_with_free_func(extmap_free);
  s->attrs = g_ptr_array_new_with_free_func(attr_free);
  s->media = g_ptr_array_new_with_free_func(media_free);
  return s;
}

void sb_sdp_free(sb_sdp *s) {
  if (!s) return;
  g_free(s->origin_username);
  g_free(s->origin_sess_id);
  g_free(s->origin_nettype);
  g_free(s->origin_addrtype);
  g_free(s->origin_address);
  g_free(s->session_name);
  g_free(s->timing);
  g_free(s->connection);
  g_ptr_array_unref(s->bandwidths);
  g_ptr_array_unref(s->lines);
  g_ptr_array_unref(s->groups);
  g_free(s->msid_semantic);
  g_free(s->msid_semantic_ids);
  g_free(s->ice_ufrag);
  g_free(s->ice_pwd);
  g_free(s->ice_options);
  fingerprint_clear(&s->fingerprint);
  g_ptr_array_unref(s->extmaps);
  g_ptr_array_unref(s->attrs);
  g_ptr_array_unref(s->media);
  g_free(s);
}

void sb_sdp_set_str(char **field, const char *value) {
  char *copy = g_strdup(value);
  g_free(*field);
  *field = copy;
}

/* ---- building ---- */

sb_sdp_media *sb_sdp_add_media(sb_sdp *sdp, sb_sdp_kind kind, const char *proto) {
  if (sdp->media->len >= SB_SDP_MAX_MEDIA) return NULL;
  sb_sdp_media *m = g_new0(sb_sdp_media, 1);
  m->kind = kind;
  m->port = 9;
  if (!proto) proto = kind == SB_SDP_KIND_APPLICATION ? "UDP/DTLS/SCTP" : "UDP/TLS/RTP/SAVPF";
  m->proto = g_strdup(proto);
  m->codecs = g_ptr_array_new_with_free_func(codec_free);
  m->fmts = g_ptr_array_new_with_free_func(g_free);
  m->bandwidths = g_ptr_array_new_with_free_func(g_free);
  m->lines = g_ptr_array_new_with_free_func(line_free);
  m->candidates = g_ptr_array_new_with_free_func(candidate_free);
  m->msids = g_ptr_array_new_with_free_func(msid_free);
  m->ssrcs = g_ptr_array_new_with_free_func(ssrc_free);
  m->ssrc_groups = g_ptr_array_new_with_free_func(ssrc_group_free);
  m->rids = g_ptr_array_new_with_free_func(rid_free);
  m->extmaps = g_ptr_array_new_with_free_func(extmap_free);
  m->rtcp_fb_all = g_ptr_array_new_with_free_func(rtcp_fb_free);
  m->attrs = g_ptr_array_new_with_free_func(attr_free);
  g_ptr_array_add(sdp->media, m);
  return m;
}

sb_sdp_media *sb_sdp_media_at(const sb_sdp *sdp, guint i) {
  return i < sdp->media->len ? g_ptr_array_index(sdp->media, i) : NULL;
}

sb_sdp_media *sb_sdp_media_by_mid(const sb_sdp *sdp, const char *mid) {
  for (guint i = 0; i < sdp->media->len; i++) {
    sb_sdp_media *m = g_ptr_array_index(sdp->media, i);
    if (m->mid && mid && strcmp(m->mid, mid) == 0) return m;
  }
  return NULL;
}

sb_sdp_group *sb_sdp_find_group(const sb_sdp *sdp, const char *semantics) {
  for (guint i = 0; i < sdp->groups->len; i++) {
    sb_sdp_group *g = g_ptr_array_index(sdp->groups, i);
    if (g_ascii_strcasecmp(g->semantics, semantics) == 0) return g;
  }
  return NULL;
}

sb_sdp_group *sb_sdp_add_group(sb_sdp *sdp, const char *semantics) {
  sb_sdp_group *g = g_new0(sb_sdp_group, 1);
  g->semantics = g_strdup(semantics);
  g->mids = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(sdp->groups, g);
  return g;
}

void sb_sdp_group_add_mid(sb_sdp_group *g, const char *mid) {
  g_ptr_array_add(g->mids, g_strdup(mid));
}

void sb_sdp_add_attr(GPtrArray *attrs, const char *name, const char *value) {
  sb_sdp_attr *a = g_new0(sb_sdp_attr, 1);
  a->name = g_strdup(name);
  a->value = g_strdup(value);
  g_ptr_array_add(attrs, a);
}

int sb_sdp_attr_find(const GPtrArray *attrs, const char *name, const char **value) {
  for (guint i = 0; i < attrs->len; i++) {
    const sb_sdp_attr *a = g_ptr_array_index((GPtrArray *)attrs, i);
    if (strcmp(a->name, name) == 0) {
      *value = a->value;
      return SB_OK;
    }
  }
  return SB_ENOTFOUND;
}

int sb_sdp_media_is_rtp(const sb_sdp_media *m) { return m->proto && strstr(m->proto, "RTP/"); }

int sb_sdp_media_is_datachannel(const sb_sdp_media *m) {
  if (m->kind != SB_SDP_KIND_APPLICATION || !m->proto) return 0;
  size_t n = strlen(m->proto);
  return n >= 4 && g_ascii_strcasecmp(m->proto + n - 4, "SCTP") == 0;
}

const char *sb_sdp_media_kind_name(const sb_sdp_media *m) {
  switch (m->kind) {
  case SB_SDP_KIND_AUDIO: return "audio";
  case SB_SDP_KIND_VIDEO: return "video";
  case SB_SDP_KIND_APPLICATION: return "application";
  default: return m->kind_text ? m->kind_text : "";
  }
}

const char *sb_sdp_direction_name(sb_sdp_direction d) {
  switch (d) {
  case SB_SDP_DIR_SENDRECV: return "sendrecv";
  case SB_SDP_DIR_SENDONLY: return "sendonly";
  case SB_SDP_DIR_RECVONLY: return "recvonly";
  case SB_SDP_DIR_INACTIVE: return "inactive";
  default: return NULL;
  }
}

const char *sb_sdp_setup_name(sb_sdp_setup s) {
  switch (s) {
  case SB_SDP_SETUP_ACTPASS: return "actpass";
  case SB_SDP_SETUP_ACTIVE: return "active";
  case SB_SDP_SETUP_PASSIVE: return "passive";
  case SB_SDP_SETUP_HOLDCONN: return "holdconn";
  default: return NULL;
  }
}

sb_sdp_codec *sb_sdp_media_codec_by_pt(const sb_sdp_media *m, guint pt) {
  for (guint i = 0; i < m->codecs->len; i++) {
    sb_sdp_codec *c = g_ptr_array_index(m->codecs, i);
    if (c->pt == pt) return c;
  }
  return NULL;
}

sb_sdp_codec *sb_sdp_media_add_codec(sb_sdp_media *m, guint8 pt, const char *name,
                                     guint32 clock_rate, guint channels, const char *fmtp) {
  if (pt > SB_SDP_MAX_PT || sb_sdp_media_codec_by_pt(m, pt)) return NULL;
  sb_sdp_codec *c = g_new0(sb_sdp_codec, 1);
  c->pt = pt;
  c->name = g_strdup(name);
  c->clock_rate = name ? clock_rate : 0;
  c->channels = name ? channels : 0;
  c->fmtp = g_strdup(fmtp);
  c->rtcp_fbs = g_ptr_array_new_with_free_func(rtcp_fb_free);
  g_ptr_array_add(m->codecs, c);
  return c;
}

int sb_sdp_media_remove_codec(sb_sdp_media *m, guint pt) {
  for (guint i = 0; i < m->codecs->len; i++) {
    sb_sdp_codec *c = g_ptr_array_index(m->codecs, i);
    if (c->pt == pt) {
      g_ptr_array_remove_index(m->codecs, i);
      return SB_OK;
    }
  }
  return SB_ENOTFOUND;
}

void sb_sdp_codec_add_rtcp_fb(sb_sdp_codec *c, const char *type, const char *param) {
  sb_sdp_rtcp_fb *f = g_new0(sb_sdp_rtcp_fb, 1);
  f->type = g_strdup(type);
  f->param = g_strdup(param);
  g_ptr_array_add(c->rtcp_fbs, f);
}

int sb_sdp_media_add_extmap(sb_sdp_media *m, guint id, sb_sdp_direction dir, const char *uri,
                            const char *attributes) {
  if (id < 1 || id > SB_SDP_MAX_EXTMAP_ID || !uri) return SB_EINVAL;
  for (guint i = 0; i < m->extmaps->len; i++)
    if (((sb_sdp_extmap *)g_ptr_array_index(m->extmaps, i))->id == id) return SB_EEXIST;
  sb_sdp_extmap *e = g_new0(sb_sdp_extmap, 1);
  e->id = id;
  e->dir = dir;
  e->uri = g_strdup(uri);
  e->attributes = g_strdup(attributes);
  g_ptr_array_add(m->extmaps, e);
  return SB_OK;
}

void sb_sdp_media_add_candidate(sb_sdp_media *m, const sb_sdp_candidate *c) {
  sb_sdp_candidate *d = g_new0(sb_sdp_candidate, 1);
  *d = *c;
  d->foundation = g_strdup(c->foundation);
  d->transport = g_strdup(c->transport);
  d->address = g_strdup(c->address);
  d->type = g_strdup(c->type);
  d->raddr = g_strdup(c->raddr);
  d->tcptype = g_strdup(c->tcptype);
  d->extensions = g_strdup(c->extensions);
  g_ptr_array_add(m->candidates, d);
}

void sb_sdp_media_add_ssrc(sb_sdp_media *m, guint32 ssrc, const char *attr, const char *value) {
  sb_sdp_ssrc *s = g_new0(sb_sdp_ssrc, 1);
  s->ssrc = ssrc;
  s->attr = g_strdup(attr);
  s->value = g_strdup(value);
  g_ptr_array_add(m->ssrcs, s);
}

int sb_sdp_media_add_ssrc_group(sb_sdp_media *m, const char *semantics, const guint32 *ssrcs,
                                guint n) {
  if (n > SB_SDP_MAX_GROUP_SSRCS) return SB_ETOOBIG;
  sb_sdp_ssrc_group *g = g_new0(sb_sdp_ssrc_group, 1);
  g->semantics = g_strdup(semantics);
  g->n_ssrcs = n;
  if (n) memcpy(g->ssrcs, ssrcs, n * sizeof *ssrcs);
  g_ptr_array_add(m->ssrc_groups, g);
  return SB_OK;
}

void sb_sdp_media_add_msid(sb_sdp_media *m, const char *stream_id, const char *track_id) {
  sb_sdp_msid *s = g_new0(sb_sdp_msid, 1);
  s->stream_id = g_strdup(stream_id);
  s->track_id = g_strdup(track_id);
  g_ptr_array_add(m->msids, s);
}

void sb_sdp_media_add_rid(sb_sdp_media *m, const char *id, sb_sdp_rid_dir dir,
                          const char *restrictions) {
  sb_sdp_rid *r = g_new0(sb_sdp_rid, 1);
  r->id = g_strdup(id);
  r->dir = dir;
  r->restrictions = g_strdup(restrictions);
  g_ptr_array_add(m->rids, r);
}

/* Appends an rtcp-fb to a list (the parser's a=rtcp-fb:* lines). */
void sb_sdp_rtcp_fb_list_add(GPtrArray *list, const char *type, const char *param) {
  sb_sdp_rtcp_fb *f = g_new0(sb_sdp_rtcp_fb, 1);
  f->type = g_strdup(type);
  f->param = g_strdup(param);
  g_ptr_array_add(list, f);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int sb_sdp_fingerprint_decode(const sb_sdp_fingerprint *fp, uint8_t *out, size_t cap,
                              size_t *out_len) {
  if (!fp->value) return SB_EINVAL;
  const char *p = fp->value;
  size_t n = 0;
  for (;;) {
    int hi = hexval(p[0]);
    int lo = hi < 0 ? -1 : hexval(p[1]);
    if (lo < 0) return SB_EINVAL;
    if (n >= cap) return SB_ENOSPC;
    out[n++] = (uint8_t)(hi << 4 | lo);
    p += 2;
    if (*p == '\0') break;
    if (*p != ':') return SB_EINVAL;
    p++;
  }
  *out_len = n;
  return SB_OK;
}

/* ---- codec helpers ---- */

sb_sdp_codec *sb_sdp_media_find_codec(const sb_sdp_media *m, const char *name) {
  for (guint i = 0; i < m->codecs->len; i++) {
    sb_sdp_codec *c = g_ptr_array_index(m->codecs, i);
    if (c->name && g_ascii_strcasecmp(c->name, name) == 0) return c;
  }
  return NULL;
}

int sb_sdp_media_find_rtx(const sb_sdp_media *m, guint pt, guint *rtx_pt) {
  for (guint i = 0; i < m->codecs->len; i++) {
    sb_sdp_codec *c = g_ptr_array_index(m->codecs, i);
    guint64 apt;
    if (c->name && g_ascii_strcasecmp(c->name, "rtx") == 0 &&
        sb_sdp_fmtp_get_uint(c->fmtp, "apt", &apt) == SB_OK && apt == pt) {
      *rtx_pt = c->pt;
      return SB_OK;
    }
  }
  return SB_ENOTFOUND;
}

static int extmap_find(const GPtrArray *list, const char *uri, guint *id) {
  for (guint i = 0; i < list->len; i++) {
    const sb_sdp_extmap *e = g_ptr_array_index((GPtrArray *)list, i);
    if (e->uri && strcmp(e->uri, uri) == 0) {
      *id = e->id;
      return SB_OK;
    }
  }
  return SB_ENOTFOUND;
}

int sb_sdp_find_extmap(const sb_sdp *sdp, const sb_sdp_media *m, const char *uri, guint *id) {
  if (m && extmap_find(m->extmaps, uri, id) == SB_OK) return SB_OK;
  if (sdp && extmap_find(sdp->extmaps, uri, id) == SB_OK) return SB_OK;
  return SB_ENOTFOUND;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

int sb_sdp_fmtp_get(const char *params, const char *key, const char **val, size_t *val_len) {
  if (!params || !key) return SB_ENOTFOUND;
  size_t klen = strlen(key);
  const char *p = params;
  while (*p) {
    const char *end = strchr(p, ';');
    if (!end) end = p + strlen(p);
    const char *k = p;
    while (k < end && is_space(*k))
      k++;
    const char *eq = memchr(k, '=', (size_t)(end - k));
    if (eq) {
      const char *ke = eq;
      while (ke > k && is_space(ke[-1]))
        ke--;
      if ((size_t)(ke - k) == klen && g_ascii_strncasecmp(k, key, klen) == 0) {
        const char *v = eq + 1, *ve = end;
        while (v < ve && is_space(*v))
          v++;
        while (ve > v && is_space(ve[-1]))
          ve--;
        *val = v;
        *val_len = (size_t)(ve - v);
        return SB_OK;
      }
    }
    p = *end ? end + 1 : end;
  }
  return SB_ENOTFOUND;
}

int sb_sdp_fmtp_get_uint(const char *params, const char *key, guint64 *out) {
  const char *v;
  size_t n;
  int rc = sb_sdp_fmtp_get(params, key, &v, &n);
  if (rc != SB_OK) return rc;
  if (n == 0 || n > 19) return SB_EINVAL;
  guint64 x = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9') return SB_EINVAL;
    x = x * 10 + (guint64)(v[i] - '0');
  }
  *out = x;
  return SB_OK;
}

/* H.264 profiles by profile_idc and the constraint flags of profile-iop
 * (RFC 6184 table 5 as WebRTC uses it): a pattern byte where 'x' bits are
 * "don't care". Checked in order; the first match wins. */
typedef struct {
  guint8 idc;
  guint8 mask;  /* the iop bits that matter */
  guint8 value; /* what they must be */
  sb_h264_profile profile;
} h264_rule;

static const h264_rule h264_rules[] = {
    /* constraint_set1 (0x40) marks Constrained Baseline; in baseline/main/extended
     * idc 0x42/0x4d/0x58 with the right flags. */
    {0x42, 0x40, 0x40, SB_H264_PROFILE_CONSTRAINED_BASELINE}, /* 42 x1xx0000 */
    {0x4d, 0x80, 0x80, SB_H264_PROFILE_CONSTRAINED_BASELINE}, /* 4d 1xxx0000 */
    {0x58, 0xc0, 0xc0, SB_H264_PROFILE_CONSTRAINED_BASELINE}, /* 58 11xx0000 */
    {0x42, 0x40, 0x00, SB_H264_PROFILE_BASELINE},             /* 42 x0xx0000 */
    {0x58, 0xc0, 0x80, SB_H264_PROFILE_BASELINE},             /* 58 10xx0000 */
    {0x4d, 0xa0, 0x00, SB_H264_PROFILE_MAIN},                 /* 4d 0x0x0000 */
    {0x64, 0xff, 0x00, SB_H264_PROFILE_HIGH},                 /* 64 00000000 */
    {0x64, 0xff, 0x0c, SB_H264_PROFILE_CONSTRAINED_HIGH},     /* 64 00001100 */
    {0xf4, 0xff, 0x00, SB_H264_PROFILE_PREDICTIVE_HIGH_444},  /* f4 00000000 */
};

int sb_sdp_h264_parse_plid(const char *text, size_t len, sb_h264_plid *out) {
  if (!text || len != 6) return SB_EINVAL;
  guint8 b[3];
  for (int i = 0; i < 3; i++) {
    int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return SB_EINVAL;
    b[i] = (guint8)(hi << 4 | lo);
  }
  /* The low four bits of profile-iop are reserved and must be zero (except in
   * the constrained high pattern above, where constraint_set4/5 are set). */
  for (size_t i = 0; i < G_N_ELEMENTS(h264_rules); i++) {
    const h264_rule *r = &h264_rules[i];
    guint8 mask = (guint8)(r->mask | (r->mask == 0xff ? 0 : 0x0f));
    if (b[0] == r->idc && (b[1] & mask) == r->value) {
      out->profile_idc = b[0];
      out->profile_iop = b[1];
      out->level_idc = b[2];
      /* Level 1b: level_idc 11 with constraint_set3 (0x10) in the baseline,
       * main and extended profiles, or level_idc 9 elsewhere. */
      out->level_1b =
          (b[2] == 11 && (b[1] & 0x10) && (b[0] == 0x42 || b[0] == 0x4d || b[0] == 0x58)) ||
          b[2] == 9;
      out->profile = r->profile;
      return SB_OK;
    }
  }
  return SB_EUNSUPPORTED;
}

int sb_sdp_h264_fmtp_plid(const char *fmtp, sb_h264_plid *out) {
  const char *v;
  size_t n;
  if (sb_sdp_fmtp_get(fmtp, "profile-level-id", &v, &n) != SB_OK) {
    v = "42000a";
    n = 6;
  }
  return sb_sdp_h264_parse_plid(v, n, out);
}

guint sb_sdp_h264_packetization_mode(const char *fmtp) {
  guint64 mode;
  if (sb_sdp_fmtp_get_uint(fmtp, "packetization-mode", &mode) != SB_OK) return 0;
  return mode > 2 ? G_MAXUINT : (guint)mode;
}

int sb_sdp_h264_fmtp_compatible(const char *fmtp_a, const char *fmtp_b) {
  sb_h264_plid a, b;
  if (sb_sdp_h264_fmtp_plid(fmtp_a, &a) != SB_OK || sb_sdp_h264_fmtp_plid(fmtp_b, &b) != SB_OK)
    return 0;
  if (sb_sdp_h264_packetization_mode(fmtp_a) != sb_sdp_h264_packetization_mode(fmtp_b)) return 0;
  return a.profile == b.profile;
}

/* Level 1b sits between level 1 (10) and level 1.1 (11). */
static int h264_level_rank(const sb_h264_plid *p) {
  if (p->level_1b) return 10 * 2 + 1;
  return p->level_idc * 2;
}

int sb_sdp_h264_level_cmp(const sb_h264_plid *a, const sb_h264_plid *b) {
  return h264_level_rank(a) - h264_level_rank(b);
}

int sb_sdp_vp9_profile_id(const char *fmtp, guint *out) {
  guint64 v;
  int rc = sb_sdp_fmtp_get_uint(fmtp, "profile-id", &v);
  if (rc == SB_ENOTFOUND) {
    *out = 0;
    return SB_OK;
  }
  if (rc != SB_OK || v > 3) return SB_EINVAL;
  *out = (guint)v;
  return SB_OK;
}
