/* test_sdp.c - unit tests for the SDP parser and writer (sdp_parse.c,
 * sdp_write.c) and the builders of sdp_codec.c: every real-browser fixture
 * in tests/fixtures/sdp parses and round-trips, per-fixture spot checks,
 * malformed inputs fail with the right codes, and structs built by hand
 * write the expected text. Fixtures are found through $SB_SRCDIR or the
 * compiled-in SB_SRCDIR. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/sdp.h"

#ifndef SB_SRCDIR
#define SB_SRCDIR "."
#endif

static char *fixture_path(const char *name) {
  const char *src = g_getenv("SB_SRCDIR");
  return g_build_filename(src ? src : SB_SRCDIR, "tests", "fixtures", "sdp", name, NULL);
}

static char *load_fixture(const char *name, gsize *len) {
  char *path = fixture_path(name), *text = NULL;
  GError *err = NULL;
  if (!g_file_get_contents(path, &text, len, &err)) g_error("%s: %s", path, err->message);
  g_free(path);
  return text;
}

static sb_sdp *parse_fixture(const char *name) {
  gsize len;
  char *text = load_fixture(name, &len);
  sb_sdp *sdp = NULL;
  int rc = sb_sdp_parse(text, len, &sdp);
  if (rc != SB_OK) g_error("%s: %s", name, sb_strerror(rc));
  g_free(text);
  return sdp;
}

static sb_sdp *parse_str(const char *text, int want_rc) {
  sb_sdp *sdp = (sb_sdp *)&want_rc; /* a sentinel: must stay untouched on failure */
  sb_sdp *sentinel = sdp;
  int rc = sb_sdp_parse(text, strlen(text), &sdp);
  if (rc != want_rc)
    g_error("parse gave %s, wanted %s for:\n%.300s", sb_strerror(rc), sb_strerror(want_rc), text);
  if (rc != SB_OK) {
    g_assert_true(sdp == sentinel);
    return NULL;
  }
  return sdp;
}

/* ---- every fixture round-trips ---- */

static void check_roundtrip(const char *name, const char *text, gsize len) {
  sb_sdp *a = NULL, *b = NULL;
  g_assert_cmpint(sb_sdp_parse(text, len, &a), ==, SB_OK);
  GString *w1 = g_string_new(NULL), *w2 = g_string_new(NULL);
  g_assert_cmpint(sb_sdp_write(a, w1), ==, SB_OK);
  g_assert_cmpint(sb_sdp_parse(w1->str, w1->len, &b), ==, SB_OK);
  if (!sb_sdp_equal(a, b)) g_error("%s: round trip differs:\n%s", name, w1->str);
  g_assert_cmpint(sb_sdp_write(b, w2), ==, SB_OK);
  g_assert_cmpstr(w1->str, ==, w2->str);
  /* Every line ends in CRLF and there is no bare LF. */
  g_assert_true(g_str_has_suffix(w1->str, "\r\n"));
  for (gsize i = 0; i < w1->len; i++)
    if (w1->str[i] == '\n') g_assert_cmpint(i > 0 && w1->str[i - 1] == '\r', ==, 1);
  sb_sdp *c = sb_sdp_copy(a);
  g_assert_nonnull(c);
  g_assert_true(sb_sdp_equal(a, c));
  sb_sdp_free(c);
  g_string_free(w1, TRUE);
  g_string_free(w2, TRUE);
  sb_sdp_free(a);
  sb_sdp_free(b);
}

/* ---- per-fixture spot checks ---- */

typedef struct {
  const char *file;
  guint n_media;
  const char *bundle; /* the BUNDLE mids, space-separated */
  guint opus_pt;
  guint vp8_pt; /* 0: no VP8 */
  guint mid_ext_id;
  sb_sdp_setup setup;
  gboolean simulcast; /* video sends rids h, m, l */
  int dc_index;       /* index of the data channel section, -1 if none */
  gboolean vp8_remb;  /* VP8 has rtcp-fb goog-remb */
} fixture_facts;

static const fixture_facts facts[] = {
    {"chromium-offer-av.sdp", 2, "0 1", 111, 96, 4, SB_SDP_SETUP_ACTPASS, FALSE, -1, TRUE},
    {"chromium-answer-av.sdp", 2, "0 1", 111, 96, 4, SB_SDP_SETUP_ACTIVE, FALSE, -1, TRUE},
    {"chromium-offer-simulcast.sdp", 2, "0 1", 111, 96, 4, SB_SDP_SETUP_ACTPASS, TRUE, -1, TRUE},
    {"chromium-answer-simulcast.sdp", 2, "0 1", 111, 96, 4, SB_SDP_SETUP_ACTIVE, FALSE, -1, TRUE},
    {"chromium-offer-datachannel.sdp", 3, "0 1 2", 111, 96, 4, SB_SDP_SETUP_ACTPASS, FALSE, 2,
     TRUE},
    {"chromium-offer-recvonly.sdp", 2, "0 1", 111, 96, 4, SB_SDP_SETUP_ACTPASS, FALSE, -1, TRUE},
    {"firefox-offer-av.sdp", 2, "0 1", 109, 120, 3, SB_SDP_SETUP_ACTPASS, FALSE, -1, TRUE},
    {"firefox-answer-av.sdp", 2, "0 1", 109, 120, 3, SB_SDP_SETUP_ACTIVE, FALSE, -1, TRUE},
    {"firefox-offer-simulcast.sdp", 2, "0 1", 109, 120, 3, SB_SDP_SETUP_ACTPASS, TRUE, -1, TRUE},
    {"firefox-answer-simulcast.sdp", 2, "0 1", 109, 120, 3, SB_SDP_SETUP_ACTIVE, FALSE, -1, TRUE},
    {"firefox-offer-datachannel.sdp", 3, "0 1 2", 109, 120, 3, SB_SDP_SETUP_ACTPASS, FALSE, 2,
     TRUE},
    {"firefox-offer-recvonly.sdp", 2, "0 1", 109, 120, 3, SB_SDP_SETUP_ACTPASS, FALSE, -1, TRUE},
    {"firefox-offer-maxbundle.sdp", 2, "0 1", 109, 120, 3, SB_SDP_SETUP_ACTPASS, FALSE, -1, TRUE},
    {"aiortc-offer-av.sdp", 2, "0 1", 96, 97, 1, SB_SDP_SETUP_ACTPASS, FALSE, -1, TRUE},
    {"aiortc-answer-av.sdp", 2, "0 1", 96, 97, 1, SB_SDP_SETUP_ACTIVE, FALSE, -1, TRUE},
    {"aiortc-offer-datachannel.sdp", 3, "0 1 2", 96, 97, 1, SB_SDP_SETUP_ACTPASS, FALSE, 2, TRUE},
    {"aiortc-answer-to-chromium.sdp", 2, "0 1", 111, 96, 4, SB_SDP_SETUP_ACTIVE, FALSE, -1, TRUE},
    {"aiortc-answer-to-firefox.sdp", 2, "0 1", 109, 120, 3, SB_SDP_SETUP_ACTIVE, FALSE, -1, TRUE},
    {"safari-offer-av.sdp", 2, "0 1", 111, 100, 4, SB_SDP_SETUP_ACTPASS, FALSE, -1, TRUE},
    {"safari-answer-av.sdp", 2, "0 1", 111, 0, 4, SB_SDP_SETUP_ACTIVE, FALSE, -1, FALSE},
};

static void test_fixtures_roundtrip(void) {
  char *dir = fixture_path("");
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  const char *name;
  int n = 0;
  while ((name = g_dir_read_name(d))) {
    if (!g_str_has_suffix(name, ".sdp")) continue;
    gsize len;
    char *text = load_fixture(name, &len);
    check_roundtrip(name, text, len);
    /* The same with LF line endings and without the final line break. */
    GString *lf = g_string_new(NULL);
    for (gsize i = 0; i < len; i++)
      if (text[i] != '\r') g_string_append_c(lf, text[i]);
    sb_sdp *x = NULL, *y = NULL;
    g_assert_cmpint(sb_sdp_parse(text, len, &x), ==, SB_OK);
    g_assert_cmpint(sb_sdp_parse(lf->str, lf->len - 1, &y), ==, SB_OK);
    g_assert_true(sb_sdp_equal(x, y));
    sb_sdp_free(x);
    sb_sdp_free(y);
    g_string_free(lf, TRUE);
    g_free(text);
    n++;
  }
  g_dir_close(d);
  g_free(dir);
  g_assert_cmpint(n, >=, (int)G_N_ELEMENTS(facts));
}

static sb_sdp_setup setup_of(const sb_sdp *sdp, const sb_sdp_media *m) {
  return m->setup != SB_SDP_SETUP_NONE ? m->setup : sdp->setup;
}

static const sb_sdp_fingerprint *fingerprint_of(const sb_sdp *sdp, const sb_sdp_media *m) {
  return m->fingerprint.hash ? &m->fingerprint : &sdp->fingerprint;
}

static void test_fixture_facts(void) {
  for (gsize i = 0; i < G_N_ELEMENTS(facts); i++) {
    const fixture_facts *f = &facts[i];
    sb_sdp *sdp = parse_fixture(f->file);
    g_test_message("%s", f->file);
    g_assert_cmpuint(sdp->media->len, ==, f->n_media);
    /* mids are "0", "1", ... and the BUNDLE group lists them all. */
    sb_sdp_group *g = sb_sdp_find_group(sdp, "BUNDLE");
    g_assert_nonnull(g);
    GString *mids = g_string_new(NULL);
    for (guint j = 0; j < g->mids->len; j++)
      g_string_append_printf(mids, "%s%s", j ? " " : "", (char *)g_ptr_array_index(g->mids, j));
    g_assert_cmpstr(mids->str, ==, f->bundle);
    g_string_free(mids, TRUE);
    for (guint j = 0; j < sdp->media->len; j++) {
      sb_sdp_media *m = sb_sdp_media_at(sdp, j);
      char want[8];
      g_snprintf(want, sizeof want, "%u", j);
      g_assert_cmpstr(m->mid, ==, want);
      g_assert_true(sb_sdp_media_by_mid(sdp, want) == m);
      g_assert_cmpint(setup_of(sdp, m), ==, f->setup);
      const sb_sdp_fingerprint *fp = fingerprint_of(sdp, m);
      g_assert_cmpstr(fp->hash, ==, "sha-256");
      guint8 digest[64];
      size_t dlen = 0;
      g_assert_cmpint(sb_sdp_fingerprint_decode(fp, digest, sizeof digest, &dlen), ==, SB_OK);
      g_assert_cmpuint(dlen, ==, 32);
      g_assert_nonnull(m->ice_ufrag ? m->ice_ufrag : sdp->ice_ufrag);
      g_assert_nonnull(m->ice_pwd ? m->ice_pwd : sdp->ice_pwd);
      g_assert_cmpint(sb_sdp_media_is_datachannel(m), ==, (int)j == f->dc_index);
      if (m->kind != SB_SDP_KIND_APPLICATION) g_assert_true(m->rtcp_mux);
    }
    sb_sdp_media *audio = sb_sdp_media_at(sdp, 0), *video = sb_sdp_media_at(sdp, 1);
    g_assert_cmpint(audio->kind, ==, SB_SDP_KIND_AUDIO);
    g_assert_cmpint(video->kind, ==, SB_SDP_KIND_VIDEO);
    g_assert_cmpstr(audio->proto, ==, "UDP/TLS/RTP/SAVPF");
    sb_sdp_codec *opus = sb_sdp_media_find_codec(audio, "opus");
    g_assert_nonnull(opus);
    g_assert_cmpuint(opus->pt, ==, f->opus_pt);
    g_assert_cmpuint(opus->clock_rate, ==, 48000);
    g_assert_cmpuint(opus->channels, ==, 2);
    sb_sdp_codec *vp8 = sb_sdp_media_find_codec(video, "VP8");
    if (f->vp8_pt) {
      g_assert_nonnull(vp8);
      g_assert_cmpuint(vp8->pt, ==, f->vp8_pt);
      g_assert_cmpuint(vp8->clock_rate, ==, 90000);
      g_assert_cmpuint(vp8->channels, ==, 0);
      gboolean nack = FALSE, pli = FALSE, remb = FALSE;
      for (guint j = 0; j < vp8->rtcp_fbs->len; j++) {
        sb_sdp_rtcp_fb *fb = g_ptr_array_index(vp8->rtcp_fbs, j);
        if (!strcmp(fb->type, "nack") && !fb->param) nack = TRUE;
        if (!strcmp(fb->type, "nack") && fb->param && !strcmp(fb->param, "pli")) pli = TRUE;
        if (!strcmp(fb->type, "goog-remb")) remb = TRUE;
      }
      g_assert_true(nack && pli);
      g_assert_cmpint(remb, ==, f->vp8_remb);
    } else {
      g_assert_null(vp8);
    }
    guint id = 0;
    g_assert_cmpint(sb_sdp_find_extmap(sdp, video, "urn:ietf:params:rtp-hdrext:sdes:mid", &id), ==,
                    SB_OK);
    g_assert_cmpuint(id, ==, f->mid_ext_id);
    if (f->simulcast) {
      static const char *const rids[] = {"h", "m", "l"};
      g_assert_cmpuint(video->rids->len, ==, 3);
      g_assert_true(video->simulcast.present);
      g_assert_cmpuint(video->simulcast.n_send, ==, 3);
      g_assert_cmpuint(video->simulcast.n_recv, ==, 0);
      for (guint j = 0; j < 3; j++) {
        sb_sdp_rid *r = g_ptr_array_index(video->rids, j);
        g_assert_cmpstr(r->id, ==, rids[j]);
        g_assert_cmpint(r->dir, ==, SB_SDP_RID_SEND);
        g_assert_cmpuint(video->simulcast.send[j].n_alts, ==, 1);
        g_assert_cmpstr(video->simulcast.send[j].alts[0].rid, ==, rids[j]);
        g_assert_false(video->simulcast.send[j].alts[0].paused);
      }
    } else {
      g_assert_false(video->simulcast.present);
    }
    sb_sdp_free(sdp);
  }
}

/* Details of one Chromium offer, checked by hand against the file. */
static void test_chromium_offer_details(void) {
  sb_sdp *sdp = parse_fixture("chromium-offer-av.sdp");
  g_assert_cmpstr(sdp->origin_username, ==, "-");
  g_assert_cmpuint(sdp->origin_sess_version, ==, 2);
  g_assert_cmpstr(sdp->origin_nettype, ==, "IN");
  g_assert_cmpstr(sdp->origin_addrtype, ==, "IP4");
  g_assert_cmpstr(sdp->origin_address, ==, "127.0.0.1");
  g_assert_cmpstr(sdp->session_name, ==, "-");
  g_assert_cmpstr(sdp->timing, ==, "0 0");
  g_assert_true(sdp->extmap_allow_mixed);
  g_assert_cmpstr(sdp->msid_semantic, ==, "WMS");
  g_assert_false(sdp->ice_lite);

  sb_sdp_media *a = sb_sdp_media_at(sdp, 0), *v = sb_sdp_media_at(sdp, 1);
  g_assert_cmpuint(a->codecs->len, ==, 8); /* 111 63 9 0 8 13 110 126 */
  static const guint8 audio_pts[] = {111, 63, 9, 0, 8, 13, 110, 126};
  for (guint i = 0; i < a->codecs->len; i++)
    g_assert_cmpuint(((sb_sdp_codec *)g_ptr_array_index(a->codecs, i))->pt, ==, audio_pts[i]);
  sb_sdp_codec *opus = sb_sdp_media_codec_by_pt(a, 111);
  g_assert_cmpstr(opus->fmtp, ==, "minptime=10;useinbandfec=1");
  g_assert_cmpuint(opus->rtcp_fbs->len, ==, 1);
  g_assert_cmpstr(((sb_sdp_rtcp_fb *)g_ptr_array_index(opus->rtcp_fbs, 0))->type, ==,
                  "transport-cc");
  sb_sdp_codec *red = sb_sdp_media_codec_by_pt(a, 63);
  g_assert_cmpstr(red->name, ==, "red");
  g_assert_cmpstr(red->fmtp, ==, "111/111");
  g_assert_cmpuint(sb_sdp_media_codec_by_pt(a, 9)->clock_rate, ==, 8000); /* G722 */
  g_assert_cmpstr(sb_sdp_media_codec_by_pt(a, 126)->name, ==, "telephone-event");
  g_assert_cmpint(a->direction, ==, SB_SDP_DIR_SENDRECV);
  g_assert_cmpstr(a->rtcp, ==, "9 IN IP4 0.0.0.0");
  g_assert_cmpstr(a->connection, ==, "IN IP4 127.0.0.1");
  g_assert_true(a->rtcp_rsize);
  g_assert_cmpstr(a->ice_options, ==, "trickle");
  g_assert_cmpuint(a->msids->len, ==, 1);
  sb_sdp_msid *msid = g_ptr_array_index(a->msids, 0);
  g_assert_nonnull(msid->track_id);
  g_assert_cmpuint(a->ssrcs->len, ==, 2);
  sb_sdp_ssrc *s0 = g_ptr_array_index(a->ssrcs, 0), *s1 = g_ptr_array_index(a->ssrcs, 1);
  g_assert_cmpuint(s0->ssrc, ==, s1->ssrc);
  g_assert_cmpstr(s0->attr, ==, "cname");
  g_assert_cmpstr(s1->attr, ==, "msid");
  g_assert_true(g_str_has_prefix(s1->value, msid->stream_id));
  const char *xr = NULL;
  g_assert_cmpint(sb_sdp_attr_find(a->attrs, "rtcp-xr", &xr), ==, SB_OK);
  g_assert_cmpstr(xr, ==, "rcvr-rtt=all");
  g_assert_cmpint(sb_sdp_attr_find(a->attrs, "nope", &xr), ==, SB_ENOTFOUND);

  /* Candidates: one UDP host, one TCP active host (Chromium with
   * --allow-loopback-in-peer-connection in a lo-only namespace). */
  g_assert_cmpuint(a->candidates->len, ==, 2);
  sb_sdp_candidate *udp = g_ptr_array_index(a->candidates, 0);
  sb_sdp_candidate *tcp = g_ptr_array_index(a->candidates, 1);
  g_assert_cmpuint(udp->component, ==, 1);
  g_assert_cmpstr(udp->transport, ==, "udp");
  g_assert_cmpstr(udp->address, ==, "127.0.0.1");
  g_assert_cmpuint(udp->port, ==, a->port);
  g_assert_cmpstr(udp->type, ==, "host");
  g_assert_null(udp->raddr);
  g_assert_cmpint(udp->rport, ==, -1);
  g_assert_true(g_str_has_prefix(udp->extensions, "generation 0"));
  g_assert_cmpstr(tcp->transport, ==, "tcp");
  g_assert_cmpuint(tcp->port, ==, 9);
  g_assert_cmpstr(tcp->tcptype, ==, "active");
  g_assert_false(a->end_of_candidates);

  /* Video: VP8 96 with RTX 97, H.264 with packetization modes, FID group. */
  g_assert_cmpuint(sb_sdp_media_codec_by_pt(v, 97)->clock_rate, ==, 90000);
  g_assert_cmpstr(sb_sdp_media_codec_by_pt(v, 97)->fmtp, ==, "apt=96");
  g_assert_cmpstr(sb_sdp_media_codec_by_pt(v, 102)->fmtp, ==,
                  "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
  g_assert_cmpuint(v->ssrc_groups->len, ==, 1);
  sb_sdp_ssrc_group *fid = g_ptr_array_index(v->ssrc_groups, 0);
  g_assert_cmpstr(fid->semantics, ==, "FID");
  g_assert_cmpuint(fid->n_ssrcs, ==, 2);
  guint id = 0;
  g_assert_cmpint(sb_sdp_find_extmap(sdp, v, "urn:ietf:params:rtp-hdrext:toffset", &id), ==, SB_OK);
  g_assert_cmpuint(id, ==, 14);
  g_assert_cmpint(sb_sdp_find_extmap(sdp, v,
                                     "http://www.ietf.org/id/"
                                     "draft-holmer-rmcat-transport-wide-cc-extensions-01",
                                     &id),
                  ==, SB_OK);
  g_assert_cmpuint(id, ==, 3);
  g_assert_cmpint(sb_sdp_find_extmap(sdp, v, "urn:nope", &id), ==, SB_ENOTFOUND);
  sb_sdp_free(sdp);
}

static void test_firefox_details(void) {
  sb_sdp *sdp = parse_fixture("firefox-offer-simulcast.sdp");
  g_assert_true(g_str_has_prefix(sdp->origin_username, "mozilla..."));
  g_assert_cmpuint(sdp->origin_sess_version, ==, 0);
  g_assert_cmpint(sdp->direction, ==, SB_SDP_DIR_SENDRECV); /* session-level a=sendrecv */
  g_assert_cmpstr(sdp->msid_semantic, ==, "WMS");
  g_assert_cmpstr(sdp->msid_semantic_ids, ==, "*");
  g_assert_cmpstr(sdp->ice_options, ==, "trickle");
  g_assert_cmpstr(sdp->fingerprint.hash, ==, "sha-256");
  sb_sdp_media *a = sb_sdp_media_at(sdp, 0), *v = sb_sdp_media_at(sdp, 1);
  g_assert_null(a->fingerprint.hash);
  g_assert_true(a->end_of_candidates);
  g_assert_true(a->extmap_allow_mixed);
  /* IPv4 and IPv6 host candidates, RTP and RTCP components. */
  gboolean v6 = FALSE, rtcp = FALSE;
  for (guint i = 0; i < a->candidates->len; i++) {
    sb_sdp_candidate *c = g_ptr_array_index(a->candidates, i);
    if (!strcmp(c->address, "::1")) v6 = TRUE;
    if (c->component == 2) rtcp = TRUE;
    g_assert_null(c->extensions);
  }
  g_assert_true(v6 && rtcp);
  /* a=extmap:2/recvonly (csrc-audio-level) */
  sb_sdp_extmap *e = g_ptr_array_index(a->extmaps, 1);
  g_assert_cmpuint(e->id, ==, 2);
  g_assert_cmpint(e->dir, ==, SB_SDP_DIR_RECVONLY);
  g_assert_cmpstr(e->uri, ==, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
  g_assert_cmpstr(sb_sdp_media_codec_by_pt(a, 109)->fmtp, ==,
                  "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  g_assert_cmpstr(sb_sdp_media_codec_by_pt(a, 101)->fmtp, ==, "0-15");
  g_assert_cmpuint(sb_sdp_media_codec_by_pt(a, 9)->channels, ==, 1); /* G722/8000/1 */
  /* Three FID groups (one per simulcast layer), 6 ssrcs. */
  g_assert_cmpuint(v->ssrc_groups->len, ==, 3);
  g_assert_cmpuint(v->ssrcs->len, ==, 6);
  g_assert_true(g_str_has_prefix(((sb_sdp_msid *)g_ptr_array_index(v->msids, 0))->stream_id, "{"));
  g_assert_true(v->rtcp_rsize);
  sb_sdp_free(sdp);
}

/* Firefox with bundlePolicy max-bundle: the video section has port 0 and
 * a=bundle-only (RFC 8843 section 6), which a round trip keeps, written where
 * Firefox writes it (right after c=). */
static void test_firefox_maxbundle(void) {
  sb_sdp *sdp = parse_fixture("firefox-offer-maxbundle.sdp");
  sb_sdp_media *a = sb_sdp_media_at(sdp, 0), *v = sb_sdp_media_at(sdp, 1);
  g_assert_cmpuint(a->port, !=, 0);
  g_assert_false(a->bundle_only);
  g_assert_cmpuint(v->port, ==, 0);
  g_assert_true(v->bundle_only);
  g_assert_cmpstr(v->connection, ==, "IN IP4 0.0.0.0");
  g_assert_cmpuint(v->candidates->len, ==, 0);
  const char *val = NULL;
  g_assert_cmpint(sb_sdp_attr_find(v->attrs, "bundle-only", &val), ==, SB_ENOTFOUND);
  GString *w = g_string_new(NULL);
  g_assert_cmpint(sb_sdp_write(sdp, w), ==, SB_OK);
  g_assert_nonnull(strstr(w->str, "\r\nm=video 0 UDP/TLS/RTP/SAVPF 120 124 121 125 99 100 123 122 "
                                  "119\r\nc=IN IP4 0.0.0.0\r\na=bundle-only\r\n"));
  g_assert_null(strstr(w->str, "a=bundle-only:"));
  g_assert_null(strstr(w->str, "a=bundle-only\r\na=bundle-only")); /* once */
  sb_sdp *back = parse_str(w->str, SB_OK);
  g_assert_true(sb_sdp_media_at(back, 1)->bundle_only);
  g_assert_true(sb_sdp_equal(sdp, back));
  sb_sdp_media_at(back, 1)->bundle_only = FALSE;
  g_assert_false(sb_sdp_equal(sdp, back));
  GString *w2 = g_string_new(NULL);
  g_assert_cmpint(sb_sdp_write(back, w2), ==, SB_OK);
  g_assert_null(strstr(w2->str, "bundle-only"));
  sb_sdp_free(back);
  g_string_free(w2, TRUE);
  g_string_free(w, TRUE);
  sb_sdp_free(sdp);
  /* A flag: a value is malformed; at session level it is just an attribute. */
  parse_str("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=bundle-only:1\r\n",
            SB_EINVAL);
  sdp = parse_str("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=bundle-only\r\n"
                  "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n",
                  SB_OK);
  g_assert_false(sb_sdp_media_at(sdp, 0)->bundle_only);
  g_assert_cmpint(sb_sdp_attr_find(sdp->attrs, "bundle-only", &val), ==, SB_OK);
  g_assert_null(val);
  sb_sdp_free(sdp);
}

static void test_datachannel(void) {
  sb_sdp *sdp = parse_fixture("chromium-offer-datachannel.sdp");
  sb_sdp_media *d = sb_sdp_media_at(sdp, 2);
  g_assert_cmpint(d->kind, ==, SB_SDP_KIND_APPLICATION);
  g_assert_cmpstr(d->proto, ==, "UDP/DTLS/SCTP");
  g_assert_false(sb_sdp_media_is_rtp(d));
  g_assert_true(sb_sdp_media_is_datachannel(d));
  g_assert_cmpuint(d->codecs->len, ==, 0);
  g_assert_cmpuint(d->fmts->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(d->fmts, 0), ==, "webrtc-datachannel");
  g_assert_cmpuint(d->sctp_port, ==, 5000);
  g_assert_true(d->has_max_message_size);
  g_assert_cmpuint(d->max_message_size, ==, 262144);
  g_assert_false(sb_sdp_media_is_datachannel(sb_sdp_media_at(sdp, 0)));
  sb_sdp_free(sdp);

  /* aiortc still uses the old form: m=application ... DTLS/SCTP 5000 + a=sctpmap. */
  sdp = parse_fixture("aiortc-offer-datachannel.sdp");
  d = sb_sdp_media_at(sdp, 2);
  g_assert_cmpstr(d->proto, ==, "DTLS/SCTP");
  g_assert_true(sb_sdp_media_is_datachannel(d));
  g_assert_cmpstr(g_ptr_array_index(d->fmts, 0), ==, "5000");
  const char *sctpmap = NULL;
  g_assert_cmpint(sb_sdp_attr_find(d->attrs, "sctpmap", &sctpmap), ==, SB_OK);
  g_assert_cmpstr(sctpmap, ==, "5000 webrtc-datachannel 65535");
  g_assert_cmpuint(d->max_message_size, ==, 65536);
  sb_sdp_free(sdp);

  sdp = parse_fixture("firefox-offer-datachannel.sdp");
  d = sb_sdp_media_at(sdp, 2);
  g_assert_true(sb_sdp_media_is_datachannel(d));
  g_assert_cmpuint(d->max_message_size, ==, 1073741823);
  sb_sdp_free(sdp);
}

static void test_safari_details(void) {
  sb_sdp *sdp = parse_fixture("safari-offer-av.sdp");
  sb_sdp_media *v = sb_sdp_media_at(sdp, 1);
  sb_sdp_candidate *c = g_ptr_array_index(v->candidates, 0);
  g_assert_true(g_str_has_suffix(c->address, ".local")); /* mDNS host candidate */
  g_assert_cmpstr(c->extensions, ==, "generation 0 network-cost 999");
  sb_sdp_codec *h264 = sb_sdp_media_find_codec(v, "h264");
  g_assert_cmpuint(h264->pt, ==, 96);
  g_assert_cmpstr(h264->fmtp, ==,
                  "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f");
  guint rtx;
  g_assert_cmpint(sb_sdp_media_find_rtx(v, 127, &rtx), ==, SB_OK); /* red's RTX */
  g_assert_cmpuint(rtx, ==, 125);
  g_assert_cmpuint(v->extmaps->len, ==, 12);
  sb_sdp_free(sdp);
}

/* ---- malformed and limit inputs ---- */

#define HEAD  "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define VIDEO "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"

static void test_minimal_and_forms(void) {
  sb_sdp *sdp = parse_str(HEAD, SB_OK);
  g_assert_cmpuint(sdp->media->len, ==, 0);
  sb_sdp_free(sdp);
  /* LF only, no final line break. */
  sdp = parse_str("v=0\no=- 1 2 IN IP4 127.0.0.1\ns=-\nt=0 0", SB_OK);
  sb_sdp_free(sdp);
  /* Attributes whose value is absent vs empty, other line types, port/count. */
  sdp = parse_str(HEAD "i=info\r\na=flag\r\na=empty:\r\nm=audio 9/2 RTP/AVP 0\r\n"
                       "i=media info\r\nb=AS:64\r\nb=TIAS:64000\r\na=rtcp-fb:* nack\r\n"
                       "a=fmtp:0 x=1\r\na=fmtp:0 y=2\r\n"
                       "a=fingerprint:sha-1 AA:BB\r\na=fingerprint:sha-256 CC:DD\r\n",
                  SB_OK);
  const char *v = "x";
  g_assert_cmpint(sb_sdp_attr_find(sdp->attrs, "flag", &v), ==, SB_OK);
  g_assert_null(v);
  g_assert_cmpint(sb_sdp_attr_find(sdp->attrs, "empty", &v), ==, SB_OK);
  g_assert_cmpstr(v, ==, "");
  sb_sdp_media *m = sb_sdp_media_at(sdp, 0);
  g_assert_cmpuint(m->port, ==, 9);
  g_assert_cmpuint(m->port_count, ==, 2);
  g_assert_cmpuint(m->bandwidths->len, ==, 2);
  g_assert_cmpuint(m->rtcp_fb_all->len, ==, 1);
  g_assert_cmpstr(sb_sdp_media_codec_by_pt(m, 0)->fmtp, ==, "x=1");
  g_assert_null(sb_sdp_media_codec_by_pt(m, 0)->name);
  g_assert_cmpint(sb_sdp_attr_find(m->attrs, "fmtp", &v), ==, SB_OK);
  g_assert_cmpstr(v, ==, "0 y=2"); /* the second fmtp is kept, untyped */
  g_assert_cmpstr(m->fingerprint.hash, ==, "sha-1");
  g_assert_cmpint(sb_sdp_attr_find(m->attrs, "fingerprint", &v), ==, SB_OK);
  g_assert_cmpstr(v, ==, "sha-256 CC:DD");
  static const char forms[] = HEAD "i=info\r\na=flag\r\na=empty:\r\nm=audio 9/2 RTP/AVP 0\r\n";
  check_roundtrip("forms", forms, sizeof forms - 1);
  GString *w = g_string_new(NULL);
  g_assert_cmpint(sb_sdp_write(sdp, w), ==, SB_OK);
  sb_sdp *again = parse_str(w->str, SB_OK);
  g_assert_true(sb_sdp_equal(sdp, again));
  sb_sdp_free(again);
  g_string_free(w, TRUE);
  sb_sdp_free(sdp);
  /* Simulcast with alternatives, paused streams and both directions. */
  sdp = parse_str(HEAD VIDEO "a=rid:1 send pt=96;max-width=1280\r\na=rid:2 send\r\na=rid:3 send\r\n"
                             "a=rid:r recv\r\na=simulcast:recv r send 1,~2;~3\r\n",
                  SB_OK);
  m = sb_sdp_media_at(sdp, 0);
  g_assert_cmpstr(((sb_sdp_rid *)g_ptr_array_index(m->rids, 0))->restrictions, ==,
                  "pt=96;max-width=1280");
  g_assert_cmpint(((sb_sdp_rid *)g_ptr_array_index(m->rids, 3))->dir, ==, SB_SDP_RID_RECV);
  g_assert_cmpuint(m->simulcast.n_send, ==, 2);
  g_assert_cmpuint(m->simulcast.send[0].n_alts, ==, 2);
  g_assert_cmpstr(m->simulcast.send[0].alts[1].rid, ==, "2");
  g_assert_true(m->simulcast.send[0].alts[1].paused);
  g_assert_false(m->simulcast.send[0].alts[0].paused);
  g_assert_true(m->simulcast.send[1].alts[0].paused);
  g_assert_cmpuint(m->simulcast.n_recv, ==, 1);
  g_assert_cmpstr(m->simulcast.recv[0].alts[0].rid, ==, "r");
  w = g_string_new(NULL);
  g_assert_cmpint(sb_sdp_write(sdp, w), ==, SB_OK);
  g_assert_nonnull(strstr(w->str, "a=simulcast:send 1,~2;~3 recv r\r\n"));
  g_string_free(w, TRUE);
  sb_sdp_free(sdp);
}

typedef struct {
  const char *what;
  const char *text;
  int rc;
} bad_case;

static const bad_case bad_cases[] = {
    {"empty", "", SB_EINVAL},
    {"v=1", "v=1\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", SB_EINVAL},
    {"no v", "o=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", SB_EINVAL},
    {"v twice", HEAD "v=0\r\n", SB_EINVAL},
    {"no o", "v=0\r\ns=-\r\nt=0 0\r\n", SB_EINVAL},
    {"no s", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nt=0 0\r\n", SB_EINVAL},
    {"no t", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n", SB_EINVAL},
    {"short origin", "v=0\r\no=- 1 2 IN IP4\r\ns=-\r\nt=0 0\r\n", SB_EINVAL},
    {"origin version", "v=0\r\no=- 1 x IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n", SB_EINVAL},
    {"not x=", HEAD "hello\r\n", SB_EINVAL},
    {"no =", HEAD "a\r\n", SB_EINVAL},
    {"unknown type", HEAD "x=1\r\n", SB_EINVAL},
    {"empty line", "v=0\r\n\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", SB_EINVAL},
    {"bare CR", HEAD "a=foo\rbar\r\n", SB_EINVAL},
    {"empty attr name", HEAD "a=:x\r\n", SB_EINVAL},
    {"m port", HEAD "m=video x UDP/TLS/RTP/SAVPF 96\r\n", SB_EINVAL},
    {"m port range", HEAD "m=video 65536 UDP/TLS/RTP/SAVPF 96\r\n", SB_EINVAL},
    {"m port count", HEAD "m=video 9/0 UDP/TLS/RTP/SAVPF 96\r\n", SB_EINVAL},
    {"m proto", HEAD "m=video 9 UDP/TLS/RTP/SAVPF! 96\r\n", SB_EINVAL},
    {"m no fmt", HEAD "m=video 9 UDP/TLS/RTP/SAVPF\r\n", SB_EINVAL},
    {"m pt 128", HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96 128\r\n", SB_EINVAL},
    {"m pt text", HEAD "m=video 9 UDP/TLS/RTP/SAVPF vp8\r\n", SB_EINVAL},
    {"m pt twice", HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96 96\r\n", SB_EINVAL},
    {"rtpmap pt not listed", HEAD VIDEO "a=rtpmap:98 VP8/90000\r\n", SB_EINVAL},
    {"rtpmap pt 200", HEAD VIDEO "a=rtpmap:200 VP8/90000\r\n", SB_EINVAL},
    {"rtpmap twice", HEAD VIDEO "a=rtpmap:96 VP8/90000\r\na=rtpmap:96 VP9/90000\r\n", SB_EINVAL},
    {"rtpmap no clock", HEAD VIDEO "a=rtpmap:96 VP8\r\n", SB_EINVAL},
    {"rtpmap clock 0", HEAD VIDEO "a=rtpmap:96 VP8/0\r\n", SB_EINVAL},
    {"rtpmap no name", HEAD VIDEO "a=rtpmap:96 /90000\r\n", SB_EINVAL},
    {"fmtp pt not listed", HEAD VIDEO "a=fmtp:98 apt=96\r\n", SB_EINVAL},
    {"rtcp-fb pt not listed", HEAD VIDEO "a=rtcp-fb:98 nack\r\n", SB_EINVAL},
    {"rtcp-fb no type", HEAD VIDEO "a=rtcp-fb:96\r\n", SB_EINVAL},
    {"extmap id 0", HEAD VIDEO "a=extmap:0 urn:x\r\n", SB_EINVAL},
    {"extmap id 256", HEAD VIDEO "a=extmap:256 urn:x\r\n", SB_EINVAL},
    {"extmap id twice", HEAD VIDEO "a=extmap:3 urn:x\r\na=extmap:3 urn:y\r\n", SB_EINVAL},
    {"extmap dir", HEAD VIDEO "a=extmap:3/both urn:x\r\n", SB_EINVAL},
    {"extmap no uri", HEAD VIDEO "a=extmap:3\r\n", SB_EINVAL},
    {"session extmap 0", HEAD "a=extmap:0 urn:x\r\n", SB_EINVAL},
    {"mid twice", HEAD VIDEO "a=mid:0\r\n" VIDEO "a=mid:0\r\n", SB_EINVAL},
    {"mid twice in one", HEAD VIDEO "a=mid:0\r\na=mid:1\r\n", SB_EINVAL},
    {"candidate no typ", HEAD VIDEO "a=candidate:1 1 udp 1 1.2.3.4 5 host\r\n", SB_EINVAL},
    {"candidate port", HEAD VIDEO "a=candidate:1 1 udp 1 1.2.3.4 99999 typ host\r\n", SB_EINVAL},
    {"candidate component", HEAD VIDEO "a=candidate:1 0 udp 1 1.2.3.4 5 typ host\r\n", SB_EINVAL},
    {"candidate rport", HEAD VIDEO "a=candidate:1 1 udp 1 1.2.3.4 5 typ srflx rport x\r\n",
     SB_EINVAL},
    {"setup value", HEAD VIDEO "a=setup:sometimes\r\n", SB_EINVAL},
    {"setup twice", HEAD VIDEO "a=setup:active\r\na=setup:passive\r\n", SB_EINVAL},
    {"direction twice", HEAD VIDEO "a=sendrecv\r\na=recvonly\r\n", SB_EINVAL},
    {"flag with value", HEAD VIDEO "a=rtcp-mux:yes\r\n", SB_EINVAL},
    {"fingerprint short", HEAD VIDEO "a=fingerprint:sha-256\r\n", SB_EINVAL},
    {"ssrc", HEAD VIDEO "a=ssrc:x cname:y\r\n", SB_EINVAL},
    {"ssrc range", HEAD VIDEO "a=ssrc:4294967296 cname:y\r\n", SB_EINVAL},
    {"ssrc-group ssrc", HEAD VIDEO "a=ssrc-group:FID 1 x\r\n", SB_EINVAL},
    {"ssrc-group size", HEAD VIDEO "a=ssrc-group:SIM 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\r\n",
     SB_ETOOBIG},
    {"rid dir", HEAD VIDEO "a=rid:h both\r\n", SB_EINVAL},
    {"simulcast dir", HEAD VIDEO "a=simulcast:sideways h\r\n", SB_EINVAL},
    {"simulcast empty rid", HEAD VIDEO "a=simulcast:send h;;l\r\n", SB_EINVAL},
    {"simulcast no list", HEAD VIDEO "a=simulcast:send\r\n", SB_EINVAL},
    {"simulcast twice", HEAD VIDEO "a=simulcast:send h\r\na=simulcast:send l\r\n", SB_EINVAL},
    {"sctp-port 0", HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:0\r\n",
     SB_EINVAL},
    {"max-message-size",
     HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
          "a=max-message-size:big\r\n",
     SB_EINVAL},
    {"c twice", HEAD "c=IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\n", SB_EINVAL},
    {"o in media", HEAD VIDEO "o=- 1 2 IN IP4 127.0.0.1\r\n", SB_EINVAL},
};

static void test_malformed(void) {
  for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
    g_test_message("%s", bad_cases[i].what);
    parse_str(bad_cases[i].text, bad_cases[i].rc);
  }
  /* NULL text, NULL out. */
  sb_sdp *sdp = NULL;
  g_assert_cmpint(sb_sdp_parse(NULL, 5, &sdp), ==, SB_EINVAL);
  g_assert_cmpint(sb_sdp_parse(HEAD, strlen(HEAD), NULL), ==, SB_EINVAL);
  /* An embedded NUL. */
  static const char nul[] = HEAD "a=fo\0o\r\n";
  g_assert_cmpint(sb_sdp_parse(nul, sizeof nul - 1, &sdp), ==, SB_EINVAL);
  g_assert_null(sdp);
}

static void test_limits(void) {
  /* A line of exactly SB_SDP_MAX_LINE bytes is fine; one more is too long. */
  for (int extra = 0; extra < 2; extra++) {
    GString *s = g_string_new(HEAD "a=x:");
    for (int i = 4; i < SB_SDP_MAX_LINE + extra; i++)
      g_string_append_c(s, 'y');
    g_string_append(s, "\r\n");
    sb_sdp *sdp = parse_str(s->str, extra ? SB_ETOOBIG : SB_OK);
    sb_sdp_free(sdp);
    g_string_free(s, TRUE);
  }
  /* The whole text, counted with CRLF line endings, is at most 64 KiB: the
   * same lines with LF endings are just as much too big. */
  for (int crlf = 0; crlf < 2; crlf++) {
    const char *line = crlf ? "a=abcdefgh\r\n" : "a=abcdefgh\n";
    GString *s = g_string_new(HEAD);
    size_t counted = s->len; /* HEAD already uses CRLF */
    while (counted + 12 <= SB_SDP_MAX_SIZE) {
      g_string_append(s, line);
      counted += 12;
    }
    sb_sdp *sdp = parse_str(s->str, SB_OK);
    sb_sdp_free(sdp);
    g_string_append(s, line);
    if (!crlf)
      g_assert_cmpuint(s->len, <=, SB_SDP_MAX_SIZE); /* LF text is shorter, still too big */
    parse_str(s->str, SB_ETOOBIG);
    g_string_free(s, TRUE);
  }
  /* 32 m-lines are fine, 33 are too many. */
  for (int n = 32; n <= 33; n++) {
    GString *s = g_string_new(HEAD);
    for (int i = 0; i < n; i++)
      g_string_append_printf(s, "m=audio 9 RTP/AVP 0\r\na=mid:%d\r\n", i);
    sb_sdp *sdp = parse_str(s->str, n == 32 ? SB_OK : SB_ETOOBIG);
    if (sdp) g_assert_cmpuint(sdp->media->len, ==, 32);
    sb_sdp_free(sdp);
    g_string_free(s, TRUE);
  }
  /* 128 payload types (0..127) on one m-line. */
  GString *s = g_string_new(HEAD "m=video 9 UDP/TLS/RTP/SAVPF");
  for (int pt = 0; pt < 128; pt++)
    g_string_append_printf(s, " %d", pt);
  g_string_append(s, "\r\n");
  sb_sdp *sdp = parse_str(s->str, SB_OK);
  g_assert_cmpuint(sb_sdp_media_at(sdp, 0)->codecs->len, ==, 128);
  sb_sdp_free(sdp);
  g_string_free(s, TRUE);
  /* Extmap ids: 1..14 one-byte, 15..255 two-byte. */
  sdp = parse_str(HEAD VIDEO "a=extmap:1 urn:a\r\na=extmap:14 urn:b\r\na=extmap:15 urn:c\r\n"
                             "a=extmap:255 urn:d\r\n",
                  SB_OK);
  g_assert_cmpuint(sb_sdp_media_at(sdp, 0)->extmaps->len, ==, 4);
  g_assert_false(sb_sdp_extmap_needs_two_byte(14));
  g_assert_true(sb_sdp_extmap_needs_two_byte(15));
  sb_sdp_free(sdp);
}

/* ---- candidates on their own (trickle) ---- */

static void test_candidate(void) {
  static const char *text = "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx "
                            "raddr 10.0.0.2 rport 46154 generation 0 ufrag EsAw network-cost 999";
  sb_sdp_candidate *c = NULL;
  g_assert_cmpint(sb_sdp_candidate_parse(text, strlen(text), &c), ==, SB_OK);
  g_assert_cmpstr(c->foundation, ==, "842163049");
  g_assert_cmpuint(c->priority, ==, 1677729535u);
  g_assert_cmpstr(c->type, ==, "srflx");
  g_assert_cmpstr(c->raddr, ==, "10.0.0.2");
  g_assert_cmpint(c->rport, ==, 46154);
  g_assert_cmpstr(c->extensions, ==, "generation 0 ufrag EsAw network-cost 999");
  GString *w = g_string_new(NULL);
  g_assert_cmpint(sb_sdp_candidate_write(c, w), ==, SB_OK);
  g_assert_cmpstr(w->str, ==, text);
  sb_sdp_candidate_free(c);
  /* Without the prefix, with "a=", and extension order kept. */
  const char *bare = "1 1 tcp 1518280447 ::1 9 typ host tcptype active";
  g_assert_cmpint(sb_sdp_candidate_parse(bare, strlen(bare), &c), ==, SB_OK);
  g_assert_cmpstr(c->tcptype, ==, "active");
  g_assert_null(c->extensions);
  sb_sdp_candidate_free(c);
  const char *a = "a=candidate:1 1 udp 1 x.local 5 typ host";
  g_assert_cmpint(sb_sdp_candidate_parse(a, strlen(a), &c), ==, SB_OK);
  g_assert_cmpstr(c->address, ==, "x.local");
  sb_sdp_candidate_free(c);
  c = NULL;
  g_assert_cmpint(sb_sdp_candidate_parse("candidate:1 1 udp", 17, &c), ==, SB_EINVAL);
  g_assert_cmpint(sb_sdp_candidate_parse("1 1 udp 1 h 5 typ host\n", 23, &c), ==, SB_EINVAL);
  g_assert_null(c);
  /* A candidate whose extensions would parse back as raddr is refused. */
  sb_sdp_candidate bad = {.foundation = "1",
                          .component = 1,
                          .transport = "udp",
                          .address = "1.2.3.4",
                          .port = 5,
                          .type = "host",
                          .rport = -1,
                          .extensions = "raddr 1.1.1.1"};
  g_string_truncate(w, 0);
  g_assert_cmpint(sb_sdp_candidate_write(&bad, w), ==, SB_EINVAL);
  g_assert_cmpuint(w->len, ==, 0);
  g_string_free(w, TRUE);
}

/* ---- building and writing ---- */

static const char *const built_answer =
    "v=0\r\n"
    "o=switchboard 42 3 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic:WMS *\r\n"
    "a=ice-lite\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n"
    "a=end-of-candidates\r\n"
    "a=ice-ufrag:abcd\r\n"
    "a=ice-pwd:0123456789abcdefghijkl\r\n"
    "a=fingerprint:sha-256 AB:CD\r\n"
    "a=setup:passive\r\n"
    "a=mid:0\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=sendonly\r\n"
    "a=msid:peer1 audio1\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=ssrc:1111 cname:sb\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "a=ice-ufrag:abcd\r\n"
    "a=ice-pwd:0123456789abcdefghijkl\r\n"
    "a=fingerprint:sha-256 AB:CD\r\n"
    "a=setup:passive\r\n"
    "a=mid:1\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "a=ssrc-group:FID 2222 3333\r\n"
    "a=rid:h recv\r\n"
    "a=rid:l recv\r\n"
    "a=simulcast:recv h;l\r\n";

static void fill_transport(sb_sdp_media *m, int mid) {
  sb_sdp_set_str(&m->connection, "IN IP4 127.0.0.1");
  sb_sdp_set_str(&m->ice_ufrag, "abcd");
  sb_sdp_set_str(&m->ice_pwd, "0123456789abcdefghijkl");
  sb_sdp_set_str(&m->fingerprint.hash, "sha-256");
  sb_sdp_set_str(&m->fingerprint.value, "AB:CD");
  m->setup = SB_SDP_SETUP_PASSIVE;
  m->mid = g_strdup_printf("%d", mid);
  m->rtcp_mux = TRUE;
  g_assert_cmpint(
      sb_sdp_media_add_extmap(m, 4, SB_SDP_DIR_NONE, "urn:ietf:params:rtp-hdrext:sdes:mid", NULL),
      ==, SB_OK);
}

static sb_sdp *build_answer(void) {
  sb_sdp *sdp = sb_sdp_new();
  sb_sdp_set_str(&sdp->origin_username, "switchboard");
  sb_sdp_set_str(&sdp->origin_sess_id, "42");
  sdp->origin_sess_version = 3;
  sdp->ice_lite = TRUE;
  sdp->extmap_allow_mixed = TRUE;
  sb_sdp_set_str(&sdp->msid_semantic, "WMS");
  sb_sdp_set_str(&sdp->msid_semantic_ids, "*");
  sb_sdp_group *g = sb_sdp_add_group(sdp, "BUNDLE");
  sb_sdp_group_add_mid(g, "0");
  sb_sdp_group_add_mid(g, "1");

  sb_sdp_media *a = sb_sdp_add_media(sdp, SB_SDP_KIND_AUDIO, NULL);
  fill_transport(a, 0);
  sb_sdp_candidate c = {.foundation = "1",
                        .component = 1,
                        .transport = "udp",
                        .priority = 2130706431,
                        .address = "127.0.0.1",
                        .port = 40000,
                        .type = "host",
                        .rport = -1};
  sb_sdp_media_add_candidate(a, &c);
  a->end_of_candidates = TRUE;
  a->direction = SB_SDP_DIR_SENDONLY;
  sb_sdp_media_add_msid(a, "peer1", "audio1");
  sb_sdp_codec *opus =
      sb_sdp_media_add_codec(a, 111, "opus", 48000, 2, "minptime=10;useinbandfec=1");
  sb_sdp_codec_add_rtcp_fb(opus, "transport-cc", NULL);
  sb_sdp_media_add_ssrc(a, 1111, "cname", "sb");

  sb_sdp_media *v = sb_sdp_add_media(sdp, SB_SDP_KIND_VIDEO, NULL);
  fill_transport(v, 1);
  v->direction = SB_SDP_DIR_RECVONLY;
  v->rtcp_rsize = TRUE;
  sb_sdp_codec *vp8 = sb_sdp_media_add_codec(v, 96, "VP8", 90000, 0, NULL);
  sb_sdp_codec_add_rtcp_fb(vp8, "nack", NULL);
  sb_sdp_codec_add_rtcp_fb(vp8, "nack", "pli");
  sb_sdp_media_add_codec(v, 97, "rtx", 90000, 0, "apt=96");
  g_assert_nonnull(sb_sdp_media_add_codec(v, 98, "VP9", 90000, 0, NULL));
  g_assert_null(sb_sdp_media_add_codec(v, 98, "VP9", 90000, 0, NULL)); /* taken */
  g_assert_null(sb_sdp_media_add_codec(v, 128, "X", 90000, 0, NULL));  /* > 127 */
  g_assert_cmpint(sb_sdp_media_remove_codec(v, 98), ==, SB_OK);
  g_assert_cmpint(sb_sdp_media_remove_codec(v, 98), ==, SB_ENOTFOUND);
  const guint32 fid[] = {2222, 3333};
  g_assert_cmpint(sb_sdp_media_add_ssrc_group(v, "FID", fid, 2), ==, SB_OK);
  sb_sdp_media_add_rid(v, "h", SB_SDP_RID_RECV, NULL);
  sb_sdp_media_add_rid(v, "l", SB_SDP_RID_RECV, NULL);
  v->simulcast.present = TRUE;
  v->simulcast.n_recv = 2;
  v->simulcast.recv[0].n_alts = 1;
  v->simulcast.recv[0].alts[0].rid = g_strdup("h");
  v->simulcast.recv[1].n_alts = 1;
  v->simulcast.recv[1].alts[0].rid = g_strdup("l");
  return sdp;
}

static void test_build_and_write(void) {
  sb_sdp *sdp = build_answer();
  GString *w = g_string_new(NULL);
  g_assert_cmpint(sb_sdp_write(sdp, w), ==, SB_OK);
  g_assert_cmpstr(w->str, ==, built_answer);
  sb_sdp *back = parse_str(w->str, SB_OK);
  g_assert_true(sb_sdp_equal(sdp, back));
  /* Any change is seen by sb_sdp_equal. */
  sb_sdp_media_at(back, 1)->simulcast.recv[1].alts[0].paused = TRUE;
  g_assert_false(sb_sdp_equal(sdp, back));
  sb_sdp_media_at(back, 1)->simulcast.recv[1].alts[0].paused = FALSE;
  g_assert_true(sb_sdp_equal(sdp, back));
  sb_sdp_media_at(back, 0)->port = 10;
  g_assert_false(sb_sdp_equal(sdp, back));
  sb_sdp_free(back);

  /* Limits and lookups of the builders. */
  g_assert_cmpint(
      sb_sdp_media_add_extmap(sb_sdp_media_at(sdp, 0), 4, SB_SDP_DIR_NONE, "urn:x", NULL), ==,
      SB_EEXIST);
  g_assert_cmpint(
      sb_sdp_media_add_extmap(sb_sdp_media_at(sdp, 0), 0, SB_SDP_DIR_NONE, "urn:x", NULL), ==,
      SB_EINVAL);
  g_assert_null(sb_sdp_media_by_mid(sdp, "7"));
  g_assert_null(sb_sdp_media_at(sdp, 2));
  g_assert_null(sb_sdp_find_group(sdp, "LS"));
  g_assert_nonnull(sb_sdp_find_group(sdp, "bundle"));
  guint32 many[SB_SDP_MAX_GROUP_SSRCS + 1] = {0};
  g_assert_cmpint(
      sb_sdp_media_add_ssrc_group(sb_sdp_media_at(sdp, 1), "SIM", many, SB_SDP_MAX_GROUP_SSRCS + 1),
      ==, SB_ETOOBIG);
  for (guint i = 2; i < SB_SDP_MAX_MEDIA; i++)
    g_assert_nonnull(sb_sdp_add_media(sdp, SB_SDP_KIND_AUDIO, "RTP/AVP"));
  g_assert_null(sb_sdp_add_media(sdp, SB_SDP_KIND_AUDIO, "RTP/AVP"));
  g_string_free(w, TRUE);
  sb_sdp_free(sdp);
}

/* Fields that would not parse back the same make the writer fail and leave
 * the output as it was. */
static void test_write_refuses(void) {
  GString *w = g_string_new("keep");
  struct {
    const char *what;
    int field;
  } spoil[] = {
      {"ufrag with CRLF", 0}, {"codec name with a space", 1}, {"extmap id 0", 2},  {"empty rid", 3},
      {"duplicate mid", 4},   {"no clock rate", 5},           {"origin token", 6}, {"no codecs", 7},
      {"kind_text audio", 8}, {"param leading space", 9}};
  for (gsize i = 0; i < G_N_ELEMENTS(spoil); i++) {
    sb_sdp *sdp = build_answer();
    sb_sdp_media *a = sb_sdp_media_at(sdp, 0), *v = sb_sdp_media_at(sdp, 1);
    switch (spoil[i].field) {
    case 0: sb_sdp_set_str(&a->ice_ufrag, "ab\r\ncd"); break;
    case 1: sb_sdp_set_str(&sb_sdp_media_codec_by_pt(a, 111)->name, "op us"); break;
    case 2: ((sb_sdp_extmap *)g_ptr_array_index(v->extmaps, 0))->id = 0; break;
    case 3: sb_sdp_set_str(&v->simulcast.recv[0].alts[0].rid, ""); break;
    case 4: sb_sdp_set_str(&v->mid, "0"); break;
    case 5: sb_sdp_media_codec_by_pt(v, 96)->clock_rate = 0; break;
    case 6: sb_sdp_set_str(&sdp->origin_username, "a b"); break;
    case 7: g_ptr_array_set_size(v->codecs, 0); break;
    case 8:
      v->kind = SB_SDP_KIND_OTHER;
      sb_sdp_set_str(&v->kind_text, "audio");
      break;
    case 9:
      sb_sdp_set_str(
          &((sb_sdp_rtcp_fb *)g_ptr_array_index(sb_sdp_media_codec_by_pt(v, 96)->rtcp_fbs, 1))
               ->param,
          " pli");
      break;
    }
    g_test_message("%s", spoil[i].what);
    g_assert_cmpint(sb_sdp_write(sdp, w), ==, SB_EINVAL);
    g_assert_cmpstr(w->str, ==, "keep");
    g_assert_null(sb_sdp_copy(sdp));
    sb_sdp_free(sdp);
  }
  g_string_free(w, TRUE);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sdp/fixtures/roundtrip", test_fixtures_roundtrip);
  g_test_add_func("/sdp/fixtures/facts", test_fixture_facts);
  g_test_add_func("/sdp/fixtures/chromium-offer", test_chromium_offer_details);
  g_test_add_func("/sdp/fixtures/firefox-simulcast", test_firefox_details);
  g_test_add_func("/sdp/fixtures/firefox-maxbundle", test_firefox_maxbundle);
  g_test_add_func("/sdp/fixtures/datachannel", test_datachannel);
  g_test_add_func("/sdp/fixtures/safari", test_safari_details);
  g_test_add_func("/sdp/parse/forms", test_minimal_and_forms);
  g_test_add_func("/sdp/parse/malformed", test_malformed);
  g_test_add_func("/sdp/parse/limits", test_limits);
  g_test_add_func("/sdp/candidate", test_candidate);
  g_test_add_func("/sdp/write/built", test_build_and_write);
  g_test_add_func("/sdp/write/refuses", test_write_refuses);
  return g_test_run();
}
