/* sdp_write.c - writes an sb_sdp as SDP text (CRLF line endings, attributes
 * in the order Chromium uses), compares two descriptions (sb_sdp_equal) and
 * copies one (sb_sdp_copy, by writing and parsing). The writer refuses
 * fields that would not parse back the same (see sb_sdp_write in sdp.h), so
 * for any struct it accepts, parse(write(x)) equals x. No I/O. */
#include "core/sdp.h"

#include <string.h>

#include "core/error.h"

/* ---- field checks: what the parser can give back unchanged ---- */

/* Text kept verbatim: anything but line breaks and NUL. */
static int ok_text(const char *s) {
  if (!s) return 0;
  for (; *s; s++)
    if (*s == '\r' || *s == '\n') return 0;
  return 1;
}

/* A token: non-empty, no space, no line break. */
static int ok_tok(const char *s) {
  if (!s || !*s) return 0;
  for (; *s; s++)
    if (*s == ' ' || *s == '\r' || *s == '\n') return 0;
  return 1;
}

/* The rest of a line after a token: absent, or non-empty text that does not
 * start with a space. */
static int ok_rest(const char *s) { return !s || (*s && *s != ' ' && ok_text(s)); }

/* Tokens separated by single spaces (candidate extensions). */
static int ok_tokens(const char *s) {
  if (!ok_rest(s)) return 0;
  if (!s) return 1;
  size_t n = strlen(s);
  return s[n - 1] != ' ' && !strstr(s, "  ");
}

static int ok_proto_chars(const char *s, int allow_slash) {
  if (!s || !*s) return 0;
  for (; *s; s++)
    if (!(g_ascii_isalnum(*s) || *s == '_' || *s == '.' || *s == '-' || (allow_slash && *s == '/')))
      return 0;
  return 1;
}

/* ---- the writer ---- */

typedef struct {
  GString *out;
  size_t line_start;
  int err;
} writer;

/* Starts a line: "x=". */
static void line_begin(writer *w, char type) {
  w->line_start = w->out->len;
  g_string_append_c(w->out, type);
  g_string_append_c(w->out, '=');
}

/* Ends a line with CRLF and checks the per-line limit. */
static void line_end(writer *w) {
  if (w->out->len - w->line_start > SB_SDP_MAX_LINE && !w->err) w->err = SB_ETOOBIG;
  g_string_append(w->out, "\r\n");
}

static void put(writer *w, const char *s) { g_string_append(w->out, s); }

static void fail_if(writer *w, int bad) {
  if (bad && !w->err) w->err = SB_EINVAL;
}

/* A whole line of text: "x=text". */
static void text_line(writer *w, char type, const char *text) {
  fail_if(w, !ok_text(text));
  if (!text) return;
  line_begin(w, type);
  put(w, text);
  line_end(w);
}

static void attr_flag(writer *w, const char *name) {
  line_begin(w, 'a');
  put(w, name);
  line_end(w);
}

static void attr_text(writer *w, const char *name, const char *value) {
  if (!value) return;
  fail_if(w, !ok_text(value));
  line_begin(w, 'a');
  put(w, name);
  g_string_append_c(w->out, ':');
  put(w, value);
  line_end(w);
}

static int ok_line_type(char t, int session) {
  return strchr(session ? "iueprzkt" : "iueprzk", t) != NULL && t != '\0';
}

static void write_lines(writer *w, const GPtrArray *lines, int session) {
  for (guint i = 0; i < lines->len; i++) {
    const sb_sdp_line *l = g_ptr_array_index((GPtrArray *)lines, i);
    fail_if(w, !ok_line_type(l->type, session));
    text_line(w, l->type ? l->type : 'x', l->value);
  }
}

static void write_bandwidths(writer *w, const GPtrArray *b) {
  for (guint i = 0; i < b->len; i++)
    text_line(w, 'b', g_ptr_array_index((GPtrArray *)b, i));
}

static void write_attrs(writer *w, const GPtrArray *attrs) {
  for (guint i = 0; i < attrs->len; i++) {
    const sb_sdp_attr *a = g_ptr_array_index((GPtrArray *)attrs, i);
    fail_if(w, !a->name || !*a->name || strchr(a->name, ':') || !ok_text(a->name));
    if (!a->name) continue;
    if (a->value)
      attr_text(w, a->name, a->value);
    else
      attr_flag(w, a->name);
  }
}

static void write_fingerprint(writer *w, const sb_sdp_fingerprint *f) {
  if (!f->hash && !f->value) return;
  fail_if(w, !ok_tok(f->hash) || !ok_tok(f->value));
  if (w->err) return;
  line_begin(w, 'a');
  g_string_append_printf(w->out, "fingerprint:%s %s", f->hash, f->value);
  line_end(w);
}

static void write_setup(writer *w, sb_sdp_setup s) {
  const char *name = sb_sdp_setup_name(s);
  fail_if(w, s != SB_SDP_SETUP_NONE && !name);
  if (name) attr_text(w, "setup", name);
}

static void write_direction(writer *w, sb_sdp_direction d) {
  const char *name = sb_sdp_direction_name(d);
  fail_if(w, d != SB_SDP_DIR_NONE && !name);
  if (name) attr_flag(w, name);
}

static void write_extmaps(writer *w, const GPtrArray *list) {
  for (guint i = 0; i < list->len; i++) {
    const sb_sdp_extmap *e = g_ptr_array_index((GPtrArray *)list, i);
    fail_if(w, e->id < 1 || e->id > SB_SDP_MAX_EXTMAP_ID || !ok_tok(e->uri) ||
                   !ok_rest(e->attributes));
    for (guint j = 0; j < i; j++)
      fail_if(w, ((sb_sdp_extmap *)g_ptr_array_index((GPtrArray *)list, j))->id == e->id);
    const char *dir = sb_sdp_direction_name(e->dir);
    fail_if(w, e->dir != SB_SDP_DIR_NONE && !dir);
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "extmap:%u", e->id);
    if (dir) g_string_append_printf(w->out, "/%s", dir);
    g_string_append_printf(w->out, " %s", e->uri);
    if (e->attributes) g_string_append_printf(w->out, " %s", e->attributes);
    line_end(w);
  }
}

/* 1 if the candidate's extension text would give a typed field back. */
static int ext_shadows_typed(const sb_sdp_candidate *c) {
  if (!c->extensions) return 0;
  gchar **t = g_strsplit(c->extensions, " ", -1);
  int bad = 0;
  for (guint i = 0; t[i] && t[i + 1]; i += 2) {
    if ((!c->raddr && strcmp(t[i], "raddr") == 0) || (c->rport < 0 && strcmp(t[i], "rport") == 0) ||
        (!c->tcptype && strcmp(t[i], "tcptype") == 0))
      bad = 1;
  }
  g_strfreev(t);
  return bad;
}

static int candidate_check(const sb_sdp_candidate *c) {
  if (!ok_tok(c->foundation) || c->component < 1 || c->component > 256 || !ok_tok(c->transport) ||
      !ok_tok(c->address) || !ok_tok(c->type) || (c->raddr && !ok_tok(c->raddr)) || c->rport < -1 ||
      c->rport > 65535 || (c->tcptype && !ok_tok(c->tcptype)) || !ok_tokens(c->extensions) ||
      ext_shadows_typed(c))
    return SB_EINVAL;
  return SB_OK;
}

static void candidate_append(const sb_sdp_candidate *c, GString *out) {
  g_string_append_printf(out, "candidate:%s %u %s %u %s %u typ %s", c->foundation, c->component,
                         c->transport, c->priority, c->address, c->port, c->type);
  if (c->raddr) g_string_append_printf(out, " raddr %s", c->raddr);
  if (c->rport >= 0) g_string_append_printf(out, " rport %d", c->rport);
  if (c->tcptype) g_string_append_printf(out, " tcptype %s", c->tcptype);
  if (c->extensions) g_string_append_printf(out, " %s", c->extensions);
}

int sb_sdp_candidate_write(const sb_sdp_candidate *c, GString *out) {
  int rc = candidate_check(c);
  if (rc == SB_OK) candidate_append(c, out);
  return rc;
}

static int ok_rid(const char *s) {
  return ok_tok(s) && s[0] != '~' && !strchr(s, ';') && !strchr(s, ',');
}

static void write_simulcast_list(writer *w, const char *dir, const sb_sdp_simulcast_stream *st,
                                 guint n, int *first) {
  if (!n) return;
  fail_if(w, n > SB_SDP_MAX_SIMULCAST_STREAMS);
  if (w->err) return;
  g_string_append_printf(w->out, "%s%s ", *first ? "" : " ", dir);
  *first = 0;
  for (guint i = 0; i < n; i++) {
    fail_if(w, st[i].n_alts < 1 || st[i].n_alts > SB_SDP_MAX_SIMULCAST_ALTS);
    if (w->err) return;
    if (i) g_string_append_c(w->out, ';');
    for (guint j = 0; j < st[i].n_alts; j++) {
      const sb_sdp_simulcast_alt *a = &st[i].alts[j];
      fail_if(w, !ok_rid(a->rid));
      if (w->err) return;
      if (j) g_string_append_c(w->out, ',');
      if (a->paused) g_string_append_c(w->out, '~');
      put(w, a->rid);
    }
  }
}

static void write_simulcast(writer *w, const sb_sdp_simulcast *s) {
  if (!s->present) return;
  fail_if(w, s->n_send == 0 && s->n_recv == 0);
  if (w->err) return;
  int first = 1;
  line_begin(w, 'a');
  put(w, "simulcast:");
  write_simulcast_list(w, "send", s->send, s->n_send, &first);
  write_simulcast_list(w, "recv", s->recv, s->n_recv, &first);
  line_end(w);
}

static void write_codec(writer *w, const sb_sdp_codec *c) {
  if (c->name) {
    fail_if(w, !*c->name || strchr(c->name, '/') || !ok_tok(c->name) || c->clock_rate == 0 ||
                   c->channels > 255);
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "rtpmap:%u %s/%u", c->pt, c->name, c->clock_rate);
    if (c->channels) g_string_append_printf(w->out, "/%u", c->channels);
    line_end(w);
  } else {
    fail_if(w, c->clock_rate != 0 || c->channels != 0);
  }
  for (guint i = 0; i < c->rtcp_fbs->len; i++) {
    const sb_sdp_rtcp_fb *f = g_ptr_array_index(c->rtcp_fbs, i);
    fail_if(w, !ok_tok(f->type) || !ok_rest(f->param));
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "rtcp-fb:%u %s", c->pt, f->type);
    if (f->param) g_string_append_printf(w->out, " %s", f->param);
    line_end(w);
  }
  if (c->fmtp) {
    fail_if(w, !ok_rest(c->fmtp));
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "fmtp:%u %s", c->pt, c->fmtp);
    line_end(w);
  }
}

static void write_m_line(writer *w, const sb_sdp_media *m) {
  const char *kind = sb_sdp_media_kind_name(m);
  fail_if(w,
          m->kind > SB_SDP_KIND_OTHER || !ok_proto_chars(kind, 0) || !ok_proto_chars(m->proto, 1));
  if (m->kind == SB_SDP_KIND_OTHER)
    fail_if(w, !strcmp(kind, "audio") || !strcmp(kind, "video") || !strcmp(kind, "application"));
  fail_if(w, m->port_count > 65535);
  int rtp = !w->err && sb_sdp_media_is_rtp(m);
  fail_if(w, rtp ? m->codecs->len == 0 || m->fmts->len != 0
                 : m->fmts->len == 0 || m->codecs->len != 0);
  if (w->err) return;
  line_begin(w, 'm');
  g_string_append_printf(w->out, "%s %u", kind, m->port);
  if (m->port_count) g_string_append_printf(w->out, "/%u", m->port_count);
  g_string_append_printf(w->out, " %s", m->proto);
  guint8 seen[SB_SDP_MAX_PT + 1] = {0};
  for (guint i = 0; i < m->codecs->len; i++) {
    const sb_sdp_codec *c = g_ptr_array_index(m->codecs, i);
    fail_if(w, c->pt > SB_SDP_MAX_PT || seen[c->pt & SB_SDP_MAX_PT]);
    seen[c->pt & SB_SDP_MAX_PT] = 1;
    g_string_append_printf(w->out, " %u", c->pt);
  }
  for (guint i = 0; i < m->fmts->len; i++) {
    const char *f = g_ptr_array_index(m->fmts, i);
    fail_if(w, !ok_tok(f));
    if (w->err) return;
    g_string_append_printf(w->out, " %s", f);
  }
  line_end(w);
}

static void write_media(writer *w, const sb_sdp *sdp, guint index) {
  const sb_sdp_media *m = g_ptr_array_index(sdp->media, index);
  write_m_line(w, m);
  if (w->err) return;
  write_lines(w, m->lines, 0);
  if (m->connection) text_line(w, 'c', m->connection);
  write_bandwidths(w, m->bandwidths);
  if (m->bundle_only) attr_flag(w, "bundle-only"); /* where Firefox writes it */
  attr_text(w, "rtcp", m->rtcp);
  for (guint i = 0; i < m->candidates->len && !w->err; i++) {
    const sb_sdp_candidate *c = g_ptr_array_index(m->candidates, i);
    fail_if(w, candidate_check(c) != SB_OK);
    if (w->err) return;
    line_begin(w, 'a');
    candidate_append(c, w->out);
    line_end(w);
  }
  if (m->end_of_candidates) attr_flag(w, "end-of-candidates");
  attr_text(w, "ice-ufrag", m->ice_ufrag);
  attr_text(w, "ice-pwd", m->ice_pwd);
  attr_text(w, "ice-options", m->ice_options);
  write_fingerprint(w, &m->fingerprint);
  write_setup(w, m->setup);
  if (m->mid) {
    for (guint i = 0; i < index; i++) {
      const sb_sdp_media *o = g_ptr_array_index(sdp->media, i);
      fail_if(w, o->mid && strcmp(o->mid, m->mid) == 0);
    }
    attr_text(w, "mid", m->mid);
  }
  if (m->extmap_allow_mixed) attr_flag(w, "extmap-allow-mixed");
  write_extmaps(w, m->extmaps);
  write_direction(w, m->direction);
  for (guint i = 0; i < m->msids->len && !w->err; i++) {
    const sb_sdp_msid *id = g_ptr_array_index(m->msids, i);
    fail_if(w, !ok_tok(id->stream_id) || !ok_rest(id->track_id));
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "msid:%s", id->stream_id);
    if (id->track_id) g_string_append_printf(w->out, " %s", id->track_id);
    line_end(w);
  }
  if (m->rtcp_mux) attr_flag(w, "rtcp-mux");
  if (m->rtcp_mux_only) attr_flag(w, "rtcp-mux-only");
  if (m->rtcp_rsize) attr_flag(w, "rtcp-rsize");
  for (guint i = 0; i < m->codecs->len && !w->err; i++)
    write_codec(w, g_ptr_array_index(m->codecs, i));
  for (guint i = 0; i < m->rtcp_fb_all->len && !w->err; i++) {
    const sb_sdp_rtcp_fb *f = g_ptr_array_index(m->rtcp_fb_all, i);
    fail_if(w, !ok_tok(f->type) || !ok_rest(f->param));
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "rtcp-fb:* %s", f->type);
    if (f->param) g_string_append_printf(w->out, " %s", f->param);
    line_end(w);
  }
  for (guint i = 0; i < m->ssrc_groups->len && !w->err; i++) {
    const sb_sdp_ssrc_group *g = g_ptr_array_index(m->ssrc_groups, i);
    fail_if(w, !ok_tok(g->semantics) || g->n_ssrcs > SB_SDP_MAX_GROUP_SSRCS);
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "ssrc-group:%s", g->semantics);
    for (guint j = 0; j < g->n_ssrcs; j++)
      g_string_append_printf(w->out, " %u", g->ssrcs[j]);
    line_end(w);
  }
  for (guint i = 0; i < m->ssrcs->len && !w->err; i++) {
    const sb_sdp_ssrc *s = g_ptr_array_index(m->ssrcs, i);
    fail_if(w, (s->attr && (!*s->attr || strchr(s->attr, ':') || !ok_rest(s->attr))) ||
                   (s->value && (!s->attr || !ok_text(s->value))));
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "ssrc:%u", s->ssrc);
    if (s->attr) g_string_append_printf(w->out, " %s", s->attr);
    if (s->value) g_string_append_printf(w->out, ":%s", s->value);
    line_end(w);
  }
  for (guint i = 0; i < m->rids->len && !w->err; i++) {
    const sb_sdp_rid *r = g_ptr_array_index(m->rids, i);
    fail_if(w, !ok_tok(r->id) || (r->dir != SB_SDP_RID_SEND && r->dir != SB_SDP_RID_RECV) ||
                   !ok_rest(r->restrictions));
    if (w->err) return;
    line_begin(w, 'a');
    g_string_append_printf(w->out, "rid:%s %s", r->id, r->dir == SB_SDP_RID_SEND ? "send" : "recv");
    if (r->restrictions) g_string_append_printf(w->out, " %s", r->restrictions);
    line_end(w);
  }
  write_simulcast(w, &m->simulcast);
  if (m->sctp_port) {
    fail_if(w, m->sctp_port > 65535);
    line_begin(w, 'a');
    g_string_append_printf(w->out, "sctp-port:%u", m->sctp_port);
    line_end(w);
  }
  if (m->has_max_message_size) {
    line_begin(w, 'a');
    g_string_append_printf(w->out, "max-message-size:%" G_GUINT64_FORMAT, m->max_message_size);
    line_end(w);
  }
  write_attrs(w, m->attrs);
}

int sb_sdp_write(const sb_sdp *sdp, GString *out) {
  writer w = {out, out->len, 0};
  size_t start = out->len;
  text_line(&w, 'v', "0");
  fail_if(&w, !ok_tok(sdp->origin_username) || !ok_tok(sdp->origin_sess_id) ||
                  !ok_tok(sdp->origin_nettype) || !ok_tok(sdp->origin_addrtype) ||
                  !ok_tok(sdp->origin_address) || !ok_text(sdp->session_name) ||
                  !ok_text(sdp->timing) || sdp->media->len > SB_SDP_MAX_MEDIA);
  if (!w.err) {
    line_begin(&w, 'o');
    g_string_append_printf(out, "%s %s %" G_GUINT64_FORMAT " %s %s %s", sdp->origin_username,
                           sdp->origin_sess_id, sdp->origin_sess_version, sdp->origin_nettype,
                           sdp->origin_addrtype, sdp->origin_address);
    line_end(&w);
    text_line(&w, 's', sdp->session_name);
    if (sdp->connection) text_line(&w, 'c', sdp->connection);
    write_bandwidths(&w, sdp->bandwidths);
    text_line(&w, 't', sdp->timing);
    write_lines(&w, sdp->lines, 1);
  }
  for (guint i = 0; i < sdp->groups->len && !w.err; i++) {
    const sb_sdp_group *g = g_ptr_array_index(sdp->groups, i);
    fail_if(&w, !ok_tok(g->semantics));
    if (w.err) break;
    line_begin(&w, 'a');
    g_string_append_printf(out, "group:%s", g->semantics);
    for (guint j = 0; j < g->mids->len; j++) {
      const char *mid = g_ptr_array_index(g->mids, j);
      fail_if(&w, !ok_tok(mid));
      if (w.err) break;
      g_string_append_printf(out, " %s", mid);
    }
    line_end(&w);
  }
  if (!w.err && sdp->extmap_allow_mixed) attr_flag(&w, "extmap-allow-mixed");
  if (!w.err && (sdp->msid_semantic || sdp->msid_semantic_ids)) {
    fail_if(&w, !ok_tok(sdp->msid_semantic) || !ok_rest(sdp->msid_semantic_ids));
    if (!w.err) {
      line_begin(&w, 'a');
      g_string_append_printf(out, "msid-semantic:%s", sdp->msid_semantic);
      if (sdp->msid_semantic_ids) g_string_append_printf(out, " %s", sdp->msid_semantic_ids);
      line_end(&w);
    }
  }
  if (!w.err) {
    if (sdp->ice_lite) attr_flag(&w, "ice-lite");
    attr_text(&w, "ice-ufrag", sdp->ice_ufrag);
    attr_text(&w, "ice-pwd", sdp->ice_pwd);
    attr_text(&w, "ice-options", sdp->ice_options);
    write_fingerprint(&w, &sdp->fingerprint);
    write_setup(&w, sdp->setup);
    write_direction(&w, sdp->direction);
    write_extmaps(&w, sdp->extmaps);
    write_attrs(&w, sdp->attrs);
  }
  for (guint i = 0; i < sdp->media->len && !w.err; i++)
    write_media(&w, sdp, i);
  if (!w.err && out->len - start > SB_SDP_MAX_SIZE) w.err = SB_ETOOBIG;
  if (w.err) {
    g_string_truncate(out, start);
    return w.err;
  }
  return SB_OK;
}

sb_sdp *sb_sdp_copy(const sb_sdp *sdp) {
  GString *s = g_string_new(NULL);
  sb_sdp *copy = NULL;
  if (sb_sdp_write(sdp, s) != SB_OK || sb_sdp_parse(s->str, s->len, &copy) != SB_OK) copy = NULL;
  g_string_free(s, TRUE);
  return copy;
}

/* ---- equality ---- */

static int str_eq(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

typedef int (*elem_eq)(gconstpointer a, gconstpointer b);

static int list_eq(const GPtrArray *a, const GPtrArray *b, elem_eq eq) {
  if (a->len != b->len) return 0;
  for (guint i = 0; i < a->len; i++)
    if (!eq(g_ptr_array_index((GPtrArray *)a, i), g_ptr_array_index((GPtrArray *)b, i))) return 0;
  return 1;
}

static int string_eq(gconstpointer a, gconstpointer b) { return str_eq(a, b); }

static int attr_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_attr *a = pa, *b = pb;
  return str_eq(a->name, b->name) && str_eq(a->value, b->value);
}

static int line_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_line *a = pa, *b = pb;
  return a->type == b->type && str_eq(a->value, b->value);
}

static int group_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_group *a = pa, *b = pb;
  return str_eq(a->semantics, b->semantics) && list_eq(a->mids, b->mids, string_eq);
}

static int extmap_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_extmap *a = pa, *b = pb;
  return a->id == b->id && a->dir == b->dir && str_eq(a->uri, b->uri) &&
         str_eq(a->attributes, b->attributes);
}

static int candidate_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_candidate *a = pa, *b = pb;
  return str_eq(a->foundation, b->foundation) && a->component == b->component &&
         str_eq(a->transport, b->transport) && a->priority == b->priority &&
         str_eq(a->address, b->address) && a->port == b->port && str_eq(a->type, b->type) &&
         str_eq(a->raddr, b->raddr) && a->rport == b->rport && str_eq(a->tcptype, b->tcptype) &&
         str_eq(a->extensions, b->extensions);
}

static int msid_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_msid *a = pa, *b = pb;
  return str_eq(a->stream_id, b->stream_id) && str_eq(a->track_id, b->track_id);
}

static int ssrc_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_ssrc *a = pa, *b = pb;
  return a->ssrc == b->ssrc && str_eq(a->attr, b->attr) && str_eq(a->value, b->value);
}

static int ssrc_group_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_ssrc_group *a = pa, *b = pb;
  if (!str_eq(a->semantics, b->semantics) || a->n_ssrcs != b->n_ssrcs) return 0;
  for (guint i = 0; i < a->n_ssrcs && i < SB_SDP_MAX_GROUP_SSRCS; i++)
    if (a->ssrcs[i] != b->ssrcs[i]) return 0;
  return 1;
}

static int rid_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_rid *a = pa, *b = pb;
  return str_eq(a->id, b->id) && a->dir == b->dir && str_eq(a->restrictions, b->restrictions);
}

static int rtcp_fb_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_rtcp_fb *a = pa, *b = pb;
  return str_eq(a->type, b->type) && str_eq(a->param, b->param);
}

static int codec_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_codec *a = pa, *b = pb;
  return a->pt == b->pt && str_eq(a->name, b->name) && a->clock_rate == b->clock_rate &&
         a->channels == b->channels && str_eq(a->fmtp, b->fmtp) &&
         list_eq(a->rtcp_fbs, b->rtcp_fbs, rtcp_fb_eq);
}

static int streams_eq(const sb_sdp_simulcast_stream *a, const sb_sdp_simulcast_stream *b, guint n) {
  for (guint i = 0; i < n && i < SB_SDP_MAX_SIMULCAST_STREAMS; i++) {
    if (a[i].n_alts != b[i].n_alts) return 0;
    for (guint j = 0; j < a[i].n_alts && j < SB_SDP_MAX_SIMULCAST_ALTS; j++)
      if (!str_eq(a[i].alts[j].rid, b[i].alts[j].rid) ||
          !a[i].alts[j].paused != !b[i].alts[j].paused)
        return 0;
  }
  return 1;
}

static int simulcast_eq(const sb_sdp_simulcast *a, const sb_sdp_simulcast *b) {
  if (!a->present != !b->present) return 0;
  if (!a->present) return 1;
  return a->n_send == b->n_send && a->n_recv == b->n_recv &&
         streams_eq(a->send, b->send, a->n_send) && streams_eq(a->recv, b->recv, a->n_recv);
}

static int fingerprint_eq(const sb_sdp_fingerprint *a, const sb_sdp_fingerprint *b) {
  return str_eq(a->hash, b->hash) && str_eq(a->value, b->value);
}

static int media_eq(gconstpointer pa, gconstpointer pb) {
  const sb_sdp_media *a = pa, *b = pb;
  return a->kind == b->kind && str_eq(a->kind_text, b->kind_text) && a->port == b->port &&
         a->port_count == b->port_count && str_eq(a->proto, b->proto) &&
         list_eq(a->codecs, b->codecs, codec_eq) && list_eq(a->fmts, b->fmts, string_eq) &&
         str_eq(a->connection, b->connection) && list_eq(a->bandwidths, b->bandwidths, string_eq) &&
         list_eq(a->lines, b->lines, line_eq) && str_eq(a->mid, b->mid) &&
         a->direction == b->direction && !a->rtcp_mux == !b->rtcp_mux &&
         !a->rtcp_mux_only == !b->rtcp_mux_only && !a->rtcp_rsize == !b->rtcp_rsize &&
         !a->extmap_allow_mixed == !b->extmap_allow_mixed &&
         !a->end_of_candidates == !b->end_of_candidates && !a->bundle_only == !b->bundle_only &&
         str_eq(a->rtcp, b->rtcp) && str_eq(a->ice_ufrag, b->ice_ufrag) &&
         str_eq(a->ice_pwd, b->ice_pwd) && str_eq(a->ice_options, b->ice_options) &&
         fingerprint_eq(&a->fingerprint, &b->fingerprint) && a->setup == b->setup &&
         list_eq(a->candidates, b->candidates, candidate_eq) &&
         list_eq(a->msids, b->msids, msid_eq) && list_eq(a->ssrcs, b->ssrcs, ssrc_eq) &&
         list_eq(a->ssrc_groups, b->ssrc_groups, ssrc_group_eq) &&
         list_eq(a->rids, b->rids, rid_eq) && simulcast_eq(&a->simulcast, &b->simulcast) &&
         list_eq(a->extmaps, b->extmaps, extmap_eq) &&
         list_eq(a->rtcp_fb_all, b->rtcp_fb_all, rtcp_fb_eq) && a->sctp_port == b->sctp_port &&
         !a->has_max_message_size == !b->has_max_message_size &&
         a->max_message_size == b->max_message_size && list_eq(a->attrs, b->attrs, attr_eq);
}

int sb_sdp_equal(const sb_sdp *a, const sb_sdp *b) {
  if (!a || !b) return a == b;
  return str_eq(a->origin_username, b->origin_username) &&
         str_eq(a->origin_sess_id, b->origin_sess_id) &&
         a->origin_sess_version == b->origin_sess_version &&
         str_eq(a->origin_nettype, b->origin_nettype) &&
         str_eq(a->origin_addrtype, b->origin_addrtype) &&
         str_eq(a->origin_address, b->origin_address) && str_eq(a->session_name, b->session_name) &&
         str_eq(a->timing, b->timing) && str_eq(a->connection, b->connection) &&
         list_eq(a->bandwidths, b->bandwidths, string_eq) && list_eq(a->lines, b->lines, line_eq) &&
         list_eq(a->groups, b->groups, group_eq) && str_eq(a->msid_semantic, b->msid_semantic) &&
         str_eq(a->msid_semantic_ids, b->msid_semantic_ids) &&
         !a->extmap_allow_mixed == !b->extmap_allow_mixed && !a->ice_lite == !b->ice_lite &&
         str_eq(a->ice_ufrag, b->ice_ufrag) && str_eq(a->ice_pwd, b->ice_pwd) &&
         str_eq(a->ice_options, b->ice_options) &&
         fingerprint_eq(&a->fingerprint, &b->fingerprint) && a->setup == b->setup &&
         a->direction == b->direction && list_eq(a->extmaps, b->extmaps, extmap_eq) &&
         list_eq(a->attrs, b->attrs, attr_eq) && list_eq(a->media, b->media, media_eq);
}
