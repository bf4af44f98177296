/* sdp_parse.c - parses SDP text into an sb_sdp (see sdp.h for the model and
 * the limits). One pass over the lines; every line is checked for its length,
 * NUL bytes and bare CRs before it is looked at. Attributes the model types
 * are validated strictly (a malformed one fails the whole parse); unknown
 * attributes and other line types are kept verbatim. Nothing is written to
 * the caller until the whole text has parsed. Also parses single trickled
 * candidates (sb_sdp_candidate_parse). Does no I/O. */
#include "core/sdp.h"

#include <string.h>

#include "core/error.h"

/* A borrowed piece of the input. */
typedef struct {
  const char *p;
  size_t n;
} span;

static span span_make(const char *p, size_t n) {
  span s = {p, n};
  return s;
}

static int span_eq(span s, const char *lit) {
  size_t n = strlen(lit);
  return s.n == n && memcmp(s.p, lit, n) == 0;
}

static char *span_dup(span s) { return g_strndup(s.p, s.n); }

static void skip_sp(span *s) {
  while (s->n && s->p[0] == ' ') {
    s->p++;
    s->n--;
  }
}

/* Takes the next space-separated token; 0 when none is left. */
static int next_tok(span *s, span *tok) {
  skip_sp(s);
  if (!s->n) return 0;
  size_t i = 0;
  while (i < s->n && s->p[i] != ' ')
    i++;
  *tok = span_make(s->p, i);
  s->p += i;
  s->n -= i;
  return 1;
}

/* The rest of s after leading spaces, or NULL (as a span with p NULL) if
 * nothing is left. */
static span rest_of(span s) {
  skip_sp(&s);
  if (!s.n) return span_make(NULL, 0);
  return s;
}

static char *rest_dup(span s) { return s.p ? span_dup(s) : NULL; }

/* Splits s at the first c: *head is before it, *tail after; 0 if no c. */
static int split_at(span s, char c, span *head, span *tail) {
  const char *q = s.n ? memchr(s.p, c, s.n) : NULL;
  if (!q) {
    *head = s;
    *tail = span_make(NULL, 0);
    return 0;
  }
  *head = span_make(s.p, (size_t)(q - s.p));
  *tail = span_make(q + 1, s.n - (size_t)(q - s.p) - 1);
  return 1;
}

/* A decimal number of 1..20 digits, at most max. */
static int parse_u64(span s, guint64 max, guint64 *out) {
  if (s.n == 0 || s.n > 20) return SB_EINVAL;
  guint64 v = 0;
  for (size_t i = 0; i < s.n; i++) {
    if (s.p[i] < '0' || s.p[i] > '9') return SB_EINVAL;
    guint d = (guint)(s.p[i] - '0');
    if (v > (G_MAXUINT64 - d) / 10) return SB_EINVAL;
    v = v * 10 + d;
  }
  if (v > max) return SB_EINVAL;
  *out = v;
  return SB_OK;
}

static int parse_uint(span s, guint max, guint *out) {
  guint64 v;
  int rc = parse_u64(s, max, &v);
  if (rc == SB_OK) *out = (guint)v;
  return rc;
}

/* The value must be exactly one token (spaces around it are tolerated). */
static int only_tok(span v, span *tok) {
  if (!next_tok(&v, tok)) return SB_EINVAL;
  span extra;
  return next_tok(&v, &extra) ? SB_EINVAL : SB_OK;
}

static int is_proto_char(char c) {
  return g_ascii_isalnum(c) || c == '/' || c == '_' || c == '.' || c == '-';
}

static int parse_direction(span s, sb_sdp_direction *d) {
  if (span_eq(s, "sendrecv"))
    *d = SB_SDP_DIR_SENDRECV;
  else if (span_eq(s, "sendonly"))
    *d = SB_SDP_DIR_SENDONLY;
  else if (span_eq(s, "recvonly"))
    *d = SB_SDP_DIR_RECVONLY;
  else if (span_eq(s, "inactive"))
    *d = SB_SDP_DIR_INACTIVE;
  else
    return SB_EINVAL;
  return SB_OK;
}

/* ---- candidates ---- */

static int candidate_parse_value(span v, sb_sdp_candidate **out) {
  span f, comp, tr, prio, addr, port, typ, type;
  if (!next_tok(&v, &f) || !next_tok(&v, &comp) || !next_tok(&v, &tr) || !next_tok(&v, &prio) ||
      !next_tok(&v, &addr) || !next_tok(&v, &port) || !next_tok(&v, &typ) || !next_tok(&v, &type) ||
      !span_eq(typ, "typ"))
    return SB_EINVAL;
  guint component, portv;
  guint64 priority;
  if (parse_uint(comp, 256, &component) != SB_OK || component == 0 ||
      parse_u64(prio, G_MAXUINT32, &priority) != SB_OK || parse_uint(port, 65535, &portv) != SB_OK)
    return SB_EINVAL;
  sb_sdp_candidate *c = g_new0(sb_sdp_candidate, 1);
  c->foundation = span_dup(f);
  c->component = component;
  c->transport = span_dup(tr);
  c->priority = (guint32)priority;
  c->address = span_dup(addr);
  c->port = (guint16)portv;
  c->type = span_dup(type);
  c->rport = -1;
  GString *ext = NULL;
  span name, val;
  while (next_tok(&v, &name)) {
    if (!next_tok(&v, &val)) {
      if (!ext)
        ext = g_string_new(NULL);
      else
        g_string_append_c(ext, ' ');
      g_string_append_len(ext, name.p, (gssize)name.n);
      break;
    }
    if (span_eq(name, "raddr") && !c->raddr) {
      c->raddr = span_dup(val);
    } else if (span_eq(name, "rport") && c->rport < 0) {
      guint rp;
      if (parse_uint(val, 65535, &rp) != SB_OK) {
        if (ext) g_string_free(ext, TRUE);
        sb_sdp_candidate_free(c);
        return SB_EINVAL;
      }
      c->rport = (gint32)rp;
    } else if (span_eq(name, "tcptype") && !c->tcptype) {
      c->tcptype = span_dup(val);
    } else {
      if (!ext)
        ext = g_string_new(NULL);
      else
        g_string_append_c(ext, ' ');
      g_string_append_len(ext, name.p, (gssize)name.n);
      g_string_append_c(ext, ' ');
      g_string_append_len(ext, val.p, (gssize)val.n);
    }
  }
  if (ext) c->extensions = g_string_free(ext, FALSE);
  *out = c;
  return SB_OK;
}

int sb_sdp_candidate_parse(const char *text, size_t len, sb_sdp_candidate **out) {
  if (!text || !out) return SB_EINVAL;
  if (len > SB_SDP_MAX_LINE) return SB_ETOOBIG;
  for (size_t i = 0; i < len; i++)
    if (text[i] == '\0' || text[i] == '\r' || text[i] == '\n') return SB_EINVAL;
  span v = span_make(text, len);
  if (v.n >= 2 && memcmp(v.p, "a=", 2) == 0) v = span_make(v.p + 2, v.n - 2);
  if (v.n >= 10 && memcmp(v.p, "candidate:", 10) == 0) v = span_make(v.p + 10, v.n - 10);
  return candidate_parse_value(v, out);
}

/* ---- the parser ---- */

typedef struct {
  sb_sdp *sdp;
  sb_sdp_media *m; /* the current m= section, NULL at session level */
  gboolean seen_o, seen_s, seen_t, seen_c;
} parser;

static int parse_origin(sb_sdp *sdp, span v) {
  span t[6], extra;
  for (int i = 0; i < 6; i++)
    if (!next_tok(&v, &t[i])) return SB_EINVAL;
  if (next_tok(&v, &extra)) return SB_EINVAL;
  guint64 ver;
  if (parse_u64(t[2], G_MAXUINT64, &ver) != SB_OK) return SB_EINVAL;
  g_free(sdp->origin_username);
  sdp->origin_username = span_dup(t[0]);
  g_free(sdp->origin_sess_id);
  sdp->origin_sess_id = span_dup(t[1]);
  sdp->origin_sess_version = ver;
  g_free(sdp->origin_nettype);
  sdp->origin_nettype = span_dup(t[3]);
  g_free(sdp->origin_addrtype);
  sdp->origin_addrtype = span_dup(t[4]);
  g_free(sdp->origin_address);
  sdp->origin_address = span_dup(t[5]);
  return SB_OK;
}

static int parse_media_line(parser *ps, span v) {
  span kind, port, proto, fmt;
  if (!next_tok(&v, &kind) || !next_tok(&v, &port) || !next_tok(&v, &proto)) return SB_EINVAL;
  if (ps->sdp->media->len >= SB_SDP_MAX_MEDIA) return SB_ETOOBIG;
  for (size_t i = 0; i < kind.n; i++)
    if (!is_proto_char(kind.p[i]) || kind.p[i] == '/') return SB_EINVAL;
  for (size_t i = 0; i < proto.n; i++)
    if (!is_proto_char(proto.p[i])) return SB_EINVAL;
  span port_s, count_s;
  guint portv, count = 0;
  int has_count = split_at(port, '/', &port_s, &count_s);
  if (parse_uint(port_s, 65535, &portv) != SB_OK) return SB_EINVAL;
  if (has_count && (parse_uint(count_s, 65535, &count) != SB_OK || count == 0)) return SB_EINVAL;

  sb_sdp_kind k = SB_SDP_KIND_OTHER;
  if (span_eq(kind, "audio"))
    k = SB_SDP_KIND_AUDIO;
  else if (span_eq(kind, "video"))
    k = SB_SDP_KIND_VIDEO;
  else if (span_eq(kind, "application"))
    k = SB_SDP_KIND_APPLICATION;
  char *proto_s = span_dup(proto);
  sb_sdp_media *m = sb_sdp_add_media(ps->sdp, k, proto_s);
  g_free(proto_s);
  if (k == SB_SDP_KIND_OTHER) m->kind_text = span_dup(kind);
  m->port = (guint16)portv;
  m->port_count = count;
  ps->m = m;
  int rtp = sb_sdp_media_is_rtp(m);
  int n = 0;
  while (next_tok(&v, &fmt)) {
    n++;
    if (!rtp) {
      g_ptr_array_add(m->fmts, span_dup(fmt));
      continue;
    }
    guint pt;
    if (parse_uint(fmt, SB_SDP_MAX_PT, &pt) != SB_OK) return SB_EINVAL;
    if (!sb_sdp_media_add_codec(m, (guint8)pt, NULL, 0, 0, NULL)) return SB_EINVAL; /* dup */
  }
  return n ? SB_OK : SB_EINVAL;
}

static int parse_fingerprint(sb_sdp_fingerprint *fp, GPtrArray *attrs, span v) {
  span hash, value, extra;
  if (!next_tok(&v, &hash) || !next_tok(&v, &value) || next_tok(&v, &extra)) return SB_EINVAL;
  if (fp->hash) {
    /* A second fingerprint (RFC 8122 allows several): kept as an attribute. */
    char *text = g_strdup_printf("%.*s %.*s", (int)hash.n, hash.p, (int)value.n, value.p);
    sb_sdp_add_attr(attrs, "fingerprint", text);
    g_free(text);
    return SB_OK;
  }
  fp->hash = span_dup(hash);
  fp->value = span_dup(value);
  return SB_OK;
}

static int parse_setup(sb_sdp_setup *setup, span v) {
  span t;
  if (only_tok(v, &t) != SB_OK || *setup != SB_SDP_SETUP_NONE) return SB_EINVAL;
  if (span_eq(t, "actpass"))
    *setup = SB_SDP_SETUP_ACTPASS;
  else if (span_eq(t, "active"))
    *setup = SB_SDP_SETUP_ACTIVE;
  else if (span_eq(t, "passive"))
    *setup = SB_SDP_SETUP_PASSIVE;
  else if (span_eq(t, "holdconn"))
    *setup = SB_SDP_SETUP_HOLDCONN;
  else
    return SB_EINVAL;
  return SB_OK;
}

static int parse_extmap(GPtrArray *list, span v) {
  span idd, uri, id_s, dir_s;
  if (!next_tok(&v, &idd) || !next_tok(&v, &uri)) return SB_EINVAL;
  guint id;
  sb_sdp_direction dir = SB_SDP_DIR_NONE;
  int has_dir = split_at(idd, '/', &id_s, &dir_s);
  if (parse_uint(id_s, SB_SDP_MAX_EXTMAP_ID, &id) != SB_OK || id == 0) return SB_EINVAL;
  if (has_dir && parse_direction(dir_s, &dir) != SB_OK) return SB_EINVAL;
  for (guint i = 0; i < list->len; i++)
    if (((sb_sdp_extmap *)g_ptr_array_index(list, i))->id == id) return SB_EINVAL;
  sb_sdp_extmap *e = g_new0(sb_sdp_extmap, 1);
  e->id = id;
  e->dir = dir;
  e->uri = span_dup(uri);
  e->attributes = rest_dup(rest_of(v));
  g_ptr_array_add(list, e);
  return SB_OK;
}

/* A string attribute that may appear once at its level. */
static int set_once(char **field, span v) {
  if (*field) return SB_EINVAL;
  *field = span_dup(v);
  return SB_OK;
}

static int set_direction(sb_sdp_direction *d, sb_sdp_direction v) {
  if (*d != SB_SDP_DIR_NONE) return SB_EINVAL;
  *d = v;
  return SB_OK;
}

static int parse_session_attr(parser *ps, span name, span v, int has_v) {
  sb_sdp *sdp = ps->sdp;
  sb_sdp_direction dir;
  if (parse_direction(name, &dir) == SB_OK)
    return has_v ? SB_EINVAL : set_direction(&sdp->direction, dir);
  gboolean *flag = NULL;
  if (span_eq(name, "extmap-allow-mixed"))
    flag = &sdp->extmap_allow_mixed;
  else if (span_eq(name, "ice-lite"))
    flag = &sdp->ice_lite;
  if (flag) {
    if (has_v) return SB_EINVAL;
    *flag = TRUE;
    return SB_OK;
  }
  if (!has_v) goto unknown;
  if (span_eq(name, "group")) {
    span sem, mid;
    if (!next_tok(&v, &sem)) return SB_EINVAL;
    char *sem_s = span_dup(sem);
    sb_sdp_group *g = sb_sdp_add_group(sdp, sem_s);
    g_free(sem_s);
    while (next_tok(&v, &mid))
      g_ptr_array_add(g->mids, span_dup(mid));
    return SB_OK;
  }
  if (span_eq(name, "msid-semantic")) {
    span sem;
    if (sdp->msid_semantic || !next_tok(&v, &sem)) return SB_EINVAL;
    sdp->msid_semantic = span_dup(sem);
    sdp->msid_semantic_ids = rest_dup(rest_of(v));
    return SB_OK;
  }
  if (span_eq(name, "ice-ufrag")) return set_once(&sdp->ice_ufrag, v);
  if (span_eq(name, "ice-pwd")) return set_once(&sdp->ice_pwd, v);
  if (span_eq(name, "ice-options")) return set_once(&sdp->ice_options, v);
  if (span_eq(name, "fingerprint")) return parse_fingerprint(&sdp->fingerprint, sdp->attrs, v);
  if (span_eq(name, "setup")) return parse_setup(&sdp->setup, v);
  if (span_eq(name, "extmap")) return parse_extmap(sdp->extmaps, v);
unknown : {
  char *n = span_dup(name);
  char *val = has_v ? span_dup(v) : NULL;
  sb_sdp_add_attr(sdp->attrs, n, val);
  g_free(n);
  g_free(val);
  return SB_OK;
}
}

/* The codec of an rtpmap/fmtp/rtcp-fb payload type: it must be on the m-line. */
static int codec_of(sb_sdp_media *m, span pt_s, sb_sdp_codec **c) {
  guint pt;
  if (parse_uint(pt_s, SB_SDP_MAX_PT, &pt) != SB_OK) return SB_EINVAL;
  *c = sb_sdp_media_codec_by_pt(m, pt);
  return *c ? SB_OK : SB_EINVAL;
}

static int parse_rtpmap(sb_sdp_media *m, span v) {
  span pt_s, enc, name, rest, clock_s, ch_s, more;
  sb_sdp_codec *c;
  if (!next_tok(&v, &pt_s) || !next_tok(&v, &enc) || next_tok(&v, &more)) return SB_EINVAL;
  if (codec_of(m, pt_s, &c) != SB_OK || c->name) return SB_EINVAL;
  if (!split_at(enc, '/', &name, &rest) || name.n == 0) return SB_EINVAL;
  guint clock, ch = 0;
  int has_ch = split_at(rest, '/', &clock_s, &ch_s);
  if (parse_uint(clock_s, G_MAXUINT32, &clock) != SB_OK || clock == 0) return SB_EINVAL;
  if (has_ch && parse_uint(ch_s, 255, &ch) != SB_OK) return SB_EINVAL;
  c->name = span_dup(name);
  c->clock_rate = clock;
  c->channels = ch;
  return SB_OK;
}

static int parse_fmtp(sb_sdp_media *m, span v) {
  span all = v, pt_s;
  sb_sdp_codec *c;
  if (!next_tok(&v, &pt_s) || codec_of(m, pt_s, &c) != SB_OK) return SB_EINVAL;
  if (c->fmtp) {
    /* A second fmtp for the payload type: kept as an attribute. */
    char *val = span_dup(all);
    sb_sdp_add_attr(m->attrs, "fmtp", val);
    g_free(val);
    return SB_OK;
  }
  c->fmtp = rest_dup(rest_of(v));
  return SB_OK;
}

static int parse_rtcp_fb(sb_sdp_media *m, span v) {
  span pt_s, type;
  if (!next_tok(&v, &pt_s) || !next_tok(&v, &type)) return SB_EINVAL;
  GPtrArray *list;
  if (span_eq(pt_s, "*")) {
    list = m->rtcp_fb_all;
  } else {
    sb_sdp_codec *c;
    if (codec_of(m, pt_s, &c) != SB_OK) return SB_EINVAL;
    list = c->rtcp_fbs;
  }
  sb_sdp_rtcp_fb *f = g_new0(sb_sdp_rtcp_fb, 1);
  f->type = span_dup(type);
  f->param = rest_dup(rest_of(v));
  g_ptr_array_add(list, f);
  return SB_OK;
}

static int parse_ssrc(sb_sdp_media *m, span v) {
  span ssrc_s, attr, val;
  guint64 ssrc;
  if (!next_tok(&v, &ssrc_s) || parse_u64(ssrc_s, G_MAXUINT32, &ssrc) != SB_OK) return SB_EINVAL;
  span rest = rest_of(v);
  sb_sdp_ssrc *s = g_new0(sb_sdp_ssrc, 1);
  s->ssrc = (guint32)ssrc;
  if (rest.p) {
    int has_val = split_at(rest, ':', &attr, &val);
    if (attr.n == 0) {
      g_free(s);
      return SB_EINVAL;
    }
    s->attr = span_dup(attr);
    s->value = has_val ? span_dup(val) : NULL;
  }
  g_ptr_array_add(m->ssrcs, s);
  return SB_OK;
}

static int parse_ssrc_group(sb_sdp_media *m, span v) {
  span sem, t;
  if (!next_tok(&v, &sem)) return SB_EINVAL;
  guint32 ssrcs[SB_SDP_MAX_GROUP_SSRCS];
  guint n = 0;
  while (next_tok(&v, &t)) {
    guint64 x;
    if (parse_u64(t, G_MAXUINT32, &x) != SB_OK) return SB_EINVAL;
    if (n == SB_SDP_MAX_GROUP_SSRCS) return SB_ETOOBIG;
    ssrcs[n++] = (guint32)x;
  }
  char *sem_s = span_dup(sem);
  int rc = sb_sdp_media_add_ssrc_group(m, sem_s, ssrcs, n);
  g_free(sem_s);
  return rc;
}

static int parse_rid(sb_sdp_media *m, span v) {
  span id, dir;
  if (!next_tok(&v, &id) || !next_tok(&v, &dir)) return SB_EINVAL;
  sb_sdp_rid_dir d;
  if (span_eq(dir, "send"))
    d = SB_SDP_RID_SEND;
  else if (span_eq(dir, "recv"))
    d = SB_SDP_RID_RECV;
  else
    return SB_EINVAL;
  sb_sdp_rid *r = g_new0(sb_sdp_rid, 1);
  r->id = span_dup(id);
  r->dir = d;
  r->restrictions = rest_dup(rest_of(v));
  g_ptr_array_add(m->rids, r);
  return SB_OK;
}

static void simulcast_free_rids(sb_sdp_simulcast *s) {
  for (guint i = 0; i < s->n_send; i++)
    for (guint j = 0; j < s->send[i].n_alts; j++)
      g_free(s->send[i].alts[j].rid);
  for (guint i = 0; i < s->n_recv; i++)
    for (guint j = 0; j < s->recv[i].n_alts; j++)
      g_free(s->recv[i].alts[j].rid);
}

/* "h;m,~l" into streams (each already zeroed). */
static int parse_simulcast_list(span list, sb_sdp_simulcast_stream *streams, guint *n) {
  span stream, rest = list;
  for (;;) {
    int more = split_at(rest, ';', &stream, &rest);
    if (*n == SB_SDP_MAX_SIMULCAST_STREAMS) return SB_ETOOBIG;
    sb_sdp_simulcast_stream *st = &streams[(*n)++];
    span alt, arest = stream;
    for (;;) {
      int amore = split_at(arest, ',', &alt, &arest);
      gboolean paused = FALSE;
      if (alt.n && alt.p[0] == '~') {
        paused = TRUE;
        alt = span_make(alt.p + 1, alt.n - 1);
      }
      if (alt.n == 0 || alt.p[0] == '~') return SB_EINVAL;
      if (st->n_alts == SB_SDP_MAX_SIMULCAST_ALTS) return SB_ETOOBIG;
      st->alts[st->n_alts].rid = span_dup(alt);
      st->alts[st->n_alts].paused = paused;
      st->n_alts++;
      if (!amore) break;
    }
    if (!more) break;
  }
  return SB_OK;
}

static int parse_simulcast(sb_sdp_media *m, span v) {
  if (m->simulcast.present) return SB_EINVAL;
  sb_sdp_simulcast *s = g_new0(sb_sdp_simulcast, 1);
  int rc = SB_OK, seen_send = 0, seen_recv = 0;
  span dir, list;
  while (rc == SB_OK && next_tok(&v, &dir)) {
    if (!next_tok(&v, &list))
      rc = SB_EINVAL;
    else if (span_eq(dir, "send") && !seen_send++)
      rc = parse_simulcast_list(list, s->send, &s->n_send);
    else if (span_eq(dir, "recv") && !seen_recv++)
      rc = parse_simulcast_list(list, s->recv, &s->n_recv);
    else
      rc = SB_EINVAL;
  }
  if (rc == SB_OK && !seen_send && !seen_recv) rc = SB_EINVAL;
  if (rc == SB_OK) {
    s->present = TRUE;
    m->simulcast = *s;
  } else {
    simulcast_free_rids(s);
  }
  g_free(s);
  return rc;
}

static int parse_media_attr(parser *ps, span name, span v, int has_v) {
  sb_sdp_media *m = ps->m;
  sb_sdp_direction dir;
  if (parse_direction(name, &dir) == SB_OK)
    return has_v ? SB_EINVAL : set_direction(&m->direction, dir);
  gboolean *flag = NULL;
  if (span_eq(name, "rtcp-mux"))
    flag = &m->rtcp_mux;
  else if (span_eq(name, "rtcp-mux-only"))
    flag = &m->rtcp_mux_only;
  else if (span_eq(name, "rtcp-rsize"))
    flag = &m->rtcp_rsize;
  else if (span_eq(name, "extmap-allow-mixed"))
    flag = &m->extmap_allow_mixed;
  else if (span_eq(name, "end-of-candidates"))
    flag = &m->end_of_candidates;
  else if (span_eq(name, "bundle-only"))
    flag = &m->bundle_only;
  if (flag) {
    if (has_v) return SB_EINVAL;
    *flag = TRUE;
    return SB_OK;
  }
  if (!has_v) goto unknown;
  if (span_eq(name, "mid")) {
    for (guint i = 0; i < ps->sdp->media->len; i++) {
      const sb_sdp_media *o = g_ptr_array_index(ps->sdp->media, i);
      if (o->mid && strlen(o->mid) == v.n && memcmp(o->mid, v.p, v.n) == 0) return SB_EINVAL;
    }
    return set_once(&m->mid, v);
  }
  if (span_eq(name, "rtcp")) return set_once(&m->rtcp, v);
  if (span_eq(name, "ice-ufrag")) return set_once(&m->ice_ufrag, v);
  if (span_eq(name, "ice-pwd")) return set_once(&m->ice_pwd, v);
  if (span_eq(name, "ice-options")) return set_once(&m->ice_options, v);
  if (span_eq(name, "fingerprint")) return parse_fingerprint(&m->fingerprint, m->attrs, v);
  if (span_eq(name, "setup")) return parse_setup(&m->setup, v);
  if (span_eq(name, "candidate")) {
    sb_sdp_candidate *c;
    int rc = candidate_parse_value(v, &c);
    if (rc == SB_OK) g_ptr_array_add(m->candidates, c);
    return rc;
  }
  if (span_eq(name, "msid")) {
    span stream;
    if (!next_tok(&v, &stream)) return SB_EINVAL;
    sb_sdp_msid *id = g_new0(sb_sdp_msid, 1);
    id->stream_id = span_dup(stream);
    id->track_id = rest_dup(rest_of(v));
    g_ptr_array_add(m->msids, id);
    return SB_OK;
  }
  if (span_eq(name, "ssrc")) return parse_ssrc(m, v);
  if (span_eq(name, "ssrc-group")) return parse_ssrc_group(m, v);
  if (span_eq(name, "rid")) return parse_rid(m, v);
  if (span_eq(name, "simulcast")) return parse_simulcast(m, v);
  if (span_eq(name, "extmap")) return parse_extmap(m->extmaps, v);
  if (sb_sdp_media_is_rtp(m)) {
    if (span_eq(name, "rtpmap")) return parse_rtpmap(m, v);
    if (span_eq(name, "fmtp")) return parse_fmtp(m, v);
    if (span_eq(name, "rtcp-fb")) return parse_rtcp_fb(m, v);
  }
  if (span_eq(name, "sctp-port")) {
    span t;
    guint port;
    if (m->sctp_port || only_tok(v, &t) != SB_OK || parse_uint(t, 65535, &port) != SB_OK ||
        port == 0)
      return SB_EINVAL;
    m->sctp_port = port;
    return SB_OK;
  }
  if (span_eq(name, "max-message-size")) {
    span t;
    guint64 size;
    if (m->has_max_message_size || only_tok(v, &t) != SB_OK ||
        parse_u64(t, G_MAXUINT64, &size) != SB_OK)
      return SB_EINVAL;
    m->has_max_message_size = TRUE;
    m->max_message_size = size;
    return SB_OK;
  }
unknown : {
  char *n = span_dup(name);
  char *val = has_v ? span_dup(v) : NULL;
  sb_sdp_add_attr(m->attrs, n, val);
  g_free(n);
  g_free(val);
  return SB_OK;
}
}

static int parse_attr(parser *ps, span v) {
  span name, value;
  int has_v = split_at(v, ':', &name, &value);
  if (name.n == 0) return SB_EINVAL;
  return ps->m ? parse_media_attr(ps, name, value, has_v)
               : parse_session_attr(ps, name, value, has_v);
}

static void add_line(GPtrArray *lines, char type, span v) {
  sb_sdp_line *l = g_new0(sb_sdp_line, 1);
  l->type = type;
  l->value = span_dup(v);
  g_ptr_array_add(lines, l);
}

static int parse_line(parser *ps, char type, span v) {
  sb_sdp *sdp = ps->sdp;
  sb_sdp_media *m = ps->m;
  switch (type) {
  case 'a': return parse_attr(ps, v);
  case 'm': return parse_media_line(ps, v);
  case 'b': g_ptr_array_add(m ? m->bandwidths : sdp->bandwidths, span_dup(v)); return SB_OK;
  case 'c':
    if (m) return set_once(&m->connection, v);
    if (ps->seen_c) return SB_EINVAL;
    ps->seen_c = TRUE;
    return set_once(&sdp->connection, v);
  case 'o':
    if (m || ps->seen_o) return SB_EINVAL;
    ps->seen_o = TRUE;
    return parse_origin(sdp, v);
  case 's':
    if (m || ps->seen_s) return SB_EINVAL;
    ps->seen_s = TRUE;
    sb_sdp_set_str(&sdp->session_name, NULL);
    sdp->session_name = span_dup(v);
    return SB_OK;
  case 't':
    if (m) return SB_EINVAL;
    if (ps->seen_t) {
      add_line(sdp->lines, type, v);
      return SB_OK;
    }
    ps->seen_t = TRUE;
    sb_sdp_set_str(&sdp->timing, NULL);
    sdp->timing = span_dup(v);
    return SB_OK;
  case 'i':
  case 'u':
  case 'e':
  case 'p':
  case 'k':
  case 'r':
  case 'z': add_line(m ? m->lines : sdp->lines, type, v); return SB_OK;
  default: return SB_EINVAL; /* v= again, or not an SDP line type */
  }
}

int sb_sdp_parse(const char *text, size_t len, sb_sdp **out) {
  if (!out || (!text && len)) return SB_EINVAL;
  if (len > SB_SDP_MAX_SIZE) return SB_ETOOBIG;
  parser ps = {0};
  size_t pos = 0, total = 0;
  int rc = SB_OK, first = 1;
  while (pos < len) {
    const char *start = text + pos;
    const char *nl = memchr(start, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - start) : len - pos;
    pos += n + (nl ? 1 : 0);
    if (n && start[n - 1] == '\r') n--;
    if (n > SB_SDP_MAX_LINE) {
      rc = SB_ETOOBIG;
      break;
    }
    total += n + 2; /* as written with CRLF */
    if (total > SB_SDP_MAX_SIZE) {
      rc = SB_ETOOBIG;
      break;
    }
    if (n < 2 || start[1] != '=' || memchr(start, '\0', n) || memchr(start, '\r', n)) {
      rc = SB_EINVAL;
      break;
    }
    span v = span_make(start + 2, n - 2);
    if (first) {
      if (start[0] != 'v' || !span_eq(v, "0")) {
        rc = SB_EINVAL;
        break;
      }
      first = 0;
      ps.sdp = sb_sdp_new();
      continue;
    }
    rc = parse_line(&ps, start[0], v);
    if (rc != SB_OK) break;
  }
  if (rc == SB_OK && (first || !ps.seen_o || !ps.seen_s || !ps.seen_t)) rc = SB_EINVAL;
  if (rc != SB_OK) {
    sb_sdp_free(ps.sdp);
    return rc;
  }
  *out = ps.sdp;
  return SB_OK;
}
