/* test_session.c - unit tests for server-side offer/answer (session.c), on
 * real browser offers from tests/fixtures/sdp and hand-written ones (the
 * bundle-only cases of RFC 8843 section 6). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/sdp.h"
#include "core/session.h"

#define FP                                                                                         \
  "11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"  \
  "00"

static char *fixture(const char *name) {
  const char *src = g_getenv("SB_SRCDIR");
  char *path = g_build_filename(src ? src : SB_SRCDIR, "tests", "fixtures", "sdp", name, NULL);
  char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_free(path);
  return text;
}

static sb_sdp *parse(const char *text) {
  sb_sdp *sdp = NULL;
  g_assert_cmpint(sb_sdp_parse(text, strlen(text), &sdp), ==, SB_OK);
  return sdp;
}

static sb_session *new_session(void) {
  sb_session *s = sb_session_new("srvU", "serverpassword0123456789", FP, true, 42);
  sb_session_add_local_candidate(s, "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host");
  return s;
}

/* Applies a fixture offer and returns the parsed answer. */
static sb_sdp *answer_fixture(sb_session *s, const char *name) {
  char *text = fixture(name);
  sb_sdp *offer = parse(text);
  char why[160] = "";
  int rc = sb_session_apply_offer(s, offer, why, sizeof why);
  if (rc) g_test_message("why: %s", why);
  g_assert_cmpint(rc, ==, SB_OK);
  GString *out = g_string_new("");
  g_assert_cmpint(sb_session_write_answer(s, out), ==, SB_OK);
  sb_sdp *answer = parse(out->str);
  g_string_free(out, TRUE);
  sb_sdp_free(offer);
  g_free(text);
  return answer;
}

static void test_answer_chromium(void) {
  sb_session *s = new_session();
  sb_sdp *a = answer_fixture(s, "chromium-offer-av.sdp");
  g_assert_true(a->ice_lite);
  g_assert_cmpuint(a->media->len, ==, 2);
  sb_sdp_group *g = sb_sdp_find_group(a, "BUNDLE");
  g_assert_nonnull(g);
  g_assert_cmpuint(g->mids->len, ==, 2);
  sb_sdp_media *au = sb_sdp_media_at(a, 0), *vi = sb_sdp_media_at(a, 1);
  g_assert_cmpstr(au->mid, ==, "0");
  g_assert_cmpint(au->direction, ==, SB_SDP_DIR_RECVONLY);
  g_assert_cmpint(au->setup, ==, SB_SDP_SETUP_PASSIVE);
  g_assert_true(au->rtcp_mux);
  g_assert_cmpstr(au->fingerprint.hash, ==, "sha-256");
  g_assert_cmpstr(au->fingerprint.value, ==, FP);
  g_assert_cmpstr(au->ice_ufrag, ==, "srvU");
  g_assert_cmpuint(au->candidates->len, ==, 1);
  /* Audio: only Opus, with Chromium's payload type 111. */
  g_assert_cmpuint(au->codecs->len, ==, 1);
  sb_sdp_codec *opus = au->codecs->pdata[0];
  g_assert_cmpuint(opus->pt, ==, 111);
  g_assert_cmpstr(opus->name, ==, "opus");
  /* Video: VP8 first (Chromium's 96), then VP9, H.264 (pm 1), AV1, each
   * with the RTX payload type Chromium paired with it (VP8: 97). */
  sb_sdp_codec *first = vi->codecs->pdata[0];
  g_assert_cmpstr(first->name, ==, "VP8");
  g_assert_cmpuint(first->pt, ==, 96);
  guint rtx_pt = 0;
  g_assert_cmpint(sb_sdp_media_find_rtx(vi, 96, &rtx_pt), ==, SB_OK);
  g_assert_cmpuint(rtx_pt, ==, 97);
  for (guint i = 0; i < vi->codecs->len; i++) {
    sb_sdp_codec *c = vi->codecs->pdata[i];
    if (!g_ascii_strcasecmp(c->name, "rtx")) continue;
    g_assert_cmpint(sb_sdp_media_find_rtx(vi, c->pt, &rtx_pt), ==, SB_OK);
    g_assert_nonnull(sb_sdp_media_codec_by_pt(vi, rtx_pt));
  }
  g_assert_null(sb_sdp_media_find_codec(vi, "red"));
  for (guint i = 0; i < vi->codecs->len; i++) {
    sb_sdp_codec *c = vi->codecs->pdata[i];
    if (!g_ascii_strcasecmp(c->name, "H264"))
      g_assert_cmpuint(sb_sdp_h264_packetization_mode(c->fmtp), ==, 1);
  }
  /* Extensions: the browser's ids, transport-cc included (we send
   * feedback), and its rtcp-fb on the codecs. */
  guint id = 0;
  g_assert_cmpint(sb_sdp_find_extmap(a, au, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", &id), ==,
                  SB_OK);
  g_assert_cmpuint(id, ==, 1);
  g_assert_cmpint(
      sb_sdp_find_extmap(
          a, au, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", &id),
      ==, SB_OK);
  g_assert_cmpuint(id, ==, 3);
  bool tcc = false;
  for (guint i = 0; i < first->rtcp_fbs->len; i++)
    tcc |= !strcmp(((sb_sdp_rtcp_fb *)first->rtcp_fbs->pdata[i])->type, "transport-cc");
  g_assert_true(tcc);
  /* What the browser sends: its SSRCs were read from the offer. */
  sb_msection *sec = sb_session_find_mid(s, "0");
  g_assert_cmpuint(sec->remote_ssrc, ==, 3508579120u);
  g_assert_cmpstr(s->remote_ufrag, ==, "UaI7");
  g_assert_cmpuint(s->remote_candidates->len, ==, 2);
  sb_sdp_free(a);
  sb_session_free(s);
}

static void test_datachannel_rejected(void) {
  sb_session *s = new_session();
  sb_sdp *a = answer_fixture(s, "chromium-offer-datachannel.sdp");
  g_assert_cmpuint(a->media->len, ==, 3);
  sb_sdp_media *dc = sb_sdp_media_at(a, 2);
  g_assert_cmpuint(dc->port, ==, 0);
  g_assert_true(sb_sdp_media_is_datachannel(dc));
  sb_sdp_group *g = sb_sdp_find_group(a, "BUNDLE");
  g_assert_cmpuint(g->mids->len, ==, 2);
  sb_sdp_free(a);
  sb_session_free(s);
}

/* What a browser answers to one of our offers: directions mirrored, DTLS
 * active, no ice-lite. */
static sb_sdp *turn_around(const char *offer) {
  GString *a = g_string_new(offer);
  g_string_replace(a, "a=setup:actpass", "a=setup:active", 0);
  g_string_replace(a, "a=recvonly", "a=SWAP", 0);
  g_string_replace(a, "a=sendonly", "a=recvonly", 0);
  g_string_replace(a, "a=SWAP", "a=sendonly", 0);
  g_string_replace(a, "a=ice-lite\r\n", "", 0);
  sb_sdp *sdp = parse(a->str);
  g_string_free(a, TRUE);
  return sdp;
}

/* A Firefox publisher's video forwarded to a Chromium receiver: the send
 * section offers Chromium's payload types, and the map translates. */
static void test_send_section_and_maps(void) {
  sb_session *ff = new_session(), *cr = new_session();
  sb_sdp *a1 = answer_fixture(ff, "firefox-offer-av.sdp");
  sb_sdp *a2 = answer_fixture(cr, "chromium-offer-av.sdp");
  sb_msection *src = sb_session_find_mid(ff, "1");
  g_assert_cmpstr(src->codecs[0].name, ==, "VP8");
  g_assert_cmpuint(src->codecs[0].pt, ==, 120);
  g_assert_false(cr->needs_offer);
  sb_msection *snd = sb_session_add_send(cr, SB_SDP_KIND_VIDEO, src->codecs, src->n_codecs,
                                         0xabcdef01, "pFirefox", "pFirefox-1", NULL);
  g_assert_nonnull(snd);
  g_assert_cmpstr(snd->mid, ==, "s0");
  g_assert_true(cr->needs_offer);
  uint8_t pt_map[128], ext_map[256];
  sb_session_pt_map(src, snd, pt_map);
  g_assert_cmpuint(pt_map[120], ==, 96); /* VP8: Firefox 120 -> Chromium 96 */
  g_assert_cmpuint(pt_map[1], ==, 0xff);
  sb_session_ext_map(src, snd, ext_map);
  uint8_t ff_mid = sb_msection_ext_id(src, SB_EXT_MID);
  g_assert_cmpuint(ff_mid, !=, 0);
  g_assert_cmpuint(ext_map[ff_mid], ==, 0); /* mid is never forwarded */

  GString *out = g_string_new("");
  g_assert_cmpint(sb_session_write_offer(cr, out), ==, SB_OK);
  g_assert_cmpint(cr->state, ==, SB_SIG_HAVE_LOCAL_OFFER);
  sb_sdp *offer = parse(out->str);
  g_assert_cmpuint(offer->media->len, ==, 3);
  sb_sdp_media *m = sb_sdp_media_at(offer, 2);
  g_assert_cmpstr(m->mid, ==, "s0");
  g_assert_cmpint(m->direction, ==, SB_SDP_DIR_SENDONLY);
  g_assert_cmpint(m->setup, ==, SB_SDP_SETUP_ACTPASS);
  g_assert_cmpuint(((sb_sdp_codec *)m->codecs->pdata[0])->pt, ==, 96);
  g_assert_cmpuint(m->msids->len, ==, 1);
  g_assert_cmpstr(((sb_sdp_msid *)m->msids->pdata[0])->stream_id, ==, "pFirefox");
  g_assert_cmpuint(((sb_sdp_ssrc *)m->ssrcs->pdata[0])->ssrc, ==, 0xabcdef01);

  /* A colliding browser offer is refused while ours is out. */
  char *text = fixture("chromium-offer-av.sdp");
  sb_sdp *again = parse(text);
  char why[160];
  g_assert_cmpint(sb_session_apply_offer(cr, again, why, sizeof why), ==, SB_ESTATE);

  /* The browser's answer: our offer turned around. */
  sb_sdp *answer = turn_around(out->str);
  g_assert_cmpint(sb_session_apply_answer(cr, answer, why, sizeof why), ==, SB_OK);
  g_assert_cmpint(cr->state, ==, SB_SIG_STABLE);
  g_assert_cmpint(snd->local_dir, ==, SB_SDP_DIR_SENDONLY);
  g_assert_cmpint(sb_session_apply_answer(cr, answer, why, sizeof why), ==, SB_ESTATE);

  /* Stopping makes it inactive; the browser answers inactive; a new track
   * of the kind reuses it and is offered sendonly again. */
  sb_session_stop_send(cr, snd);
  g_assert_true(cr->needs_offer);
  GString *off2 = g_string_new("");
  g_assert_cmpint(sb_session_write_offer(cr, off2), ==, SB_OK);
  g_assert_cmpint(snd->local_dir, ==, SB_SDP_DIR_INACTIVE);
  sb_sdp *answer2 = turn_around(off2->str);
  g_assert_cmpint(sb_session_apply_answer(cr, answer2, why, sizeof why), ==, SB_OK);
  g_assert_cmpint(snd->remote_dir, ==, SB_SDP_DIR_INACTIVE);
  sb_sdp_free(answer2);
  g_string_free(off2, TRUE);
  sb_msection *again_sec = sb_session_add_send(cr, SB_SDP_KIND_VIDEO, src->codecs, src->n_codecs, 7,
                                               "pOther", "pOther-1", NULL);
  g_assert_true(again_sec == snd);
  g_assert_cmpuint(cr->sections->len, ==, 3);
  g_assert_cmpint(again_sec->local_dir, ==, SB_SDP_DIR_SENDONLY);

  sb_sdp_free(answer);
  sb_sdp_free(again);
  g_free(text);
  sb_sdp_free(offer);
  g_string_free(out, TRUE);
  sb_sdp_free(a1);
  sb_sdp_free(a2);
  sb_session_free(ff);
  sb_session_free(cr);
}

static void expect_refused(const char *from, const char *to, int code) {
  char *text = fixture("chromium-offer-av.sdp");
  GString *t = g_string_new(text);
  g_string_replace(t, from, to, 0);
  sb_sdp *offer = parse(t->str);
  sb_session *s = new_session();
  char why[160] = "";
  g_assert_cmpint(sb_session_apply_offer(s, offer, why, sizeof why), ==, code);
  g_assert_cmpstr(why, !=, "");
  g_assert_cmpuint(s->sections->len, ==, 0); /* nothing changed */
  sb_session_free(s);
  sb_sdp_free(offer);
  g_string_free(t, TRUE);
  g_free(text);
}

static void test_refusals(void) {
  expect_refused("a=group:BUNDLE 0 1\r\n", "", SB_EUNSUPPORTED);
  expect_refused("a=rtcp-mux\r\n", "", SB_EUNSUPPORTED);
  expect_refused("a=fingerprint:", "a=x-fingerprint:", SB_EINVAL);
  expect_refused("a=setup:actpass", "a=setup:holdconn", SB_EINVAL);
}

/* A browser that wants to be the DTLS server gets a DTLS client. */
static void test_dtls_client_role(void) {
  char *text = fixture("chromium-offer-av.sdp");
  GString *t = g_string_new(text);
  g_string_replace(t, "a=setup:actpass", "a=setup:passive", 0);
  sb_sdp *offer = parse(t->str);
  sb_session *s = new_session();
  char why[160] = "";
  g_assert_cmpint(sb_session_apply_offer(s, offer, why, sizeof why), ==, SB_OK);
  g_assert_true(s->dtls_client);
  GString *out = g_string_new("");
  g_assert_cmpint(sb_session_write_answer(s, out), ==, SB_OK);
  sb_sdp *a = parse(out->str);
  g_assert_cmpint(sb_sdp_media_at(a, 0)->setup, ==, SB_SDP_SETUP_ACTIVE);
  sb_sdp_free(a);
  g_string_free(out, TRUE);
  sb_session_free(s);
  sb_sdp_free(offer);
  g_string_free(t, TRUE);
  g_free(text);
}

static void test_reoffer_must_keep_order(void) {
  sb_session *s = new_session();
  sb_sdp *a = answer_fixture(s, "chromium-offer-av.sdp");
  char *text = fixture("chromium-offer-av.sdp");
  GString *t = g_string_new(text);
  g_string_replace(t, "a=mid:0", "a=mid:zz", 0);
  g_string_replace(t, "BUNDLE 0 1", "BUNDLE zz 1", 0);
  sb_sdp *offer = parse(t->str);
  char why[160];
  g_assert_cmpint(sb_session_apply_offer(s, offer, why, sizeof why), ==, SB_EINVAL);
  g_assert_cmpstr(((sb_msection *)s->sections->pdata[0])->mid, ==, "0");
  sb_sdp_free(offer);
  g_string_free(t, TRUE);
  g_free(text);
  sb_sdp_free(a);
  sb_session_free(s);
}

/* Every captured browser offer gets an answer that parses again. */
static void test_all_offers(void) {
  const char *offers[] = {"chromium-offer-av.sdp",       "chromium-offer-simulcast.sdp",
                          "chromium-offer-recvonly.sdp", "firefox-offer-av.sdp",
                          "firefox-offer-simulcast.sdp", "firefox-offer-recvonly.sdp",
                          "aiortc-offer-av.sdp",         "safari-offer-av.sdp"};
  for (size_t i = 0; i < G_N_ELEMENTS(offers); i++) {
    sb_session *s = new_session();
    sb_sdp *a = answer_fixture(s, offers[i]);
    g_assert_cmpuint(a->media->len, >=, 2);
    sb_sdp_free(a);
    sb_session_free(s);
  }
}

/* ---- bundle-only (RFC 8843 section 6) ---- */

/* A hand-written offer in Firefox's max-bundle shape: audio carries the
 * transport on port 9, video has port 0 and a=bundle-only; both are in the
 * BUNDLE group. Tests edit it with g_string_replace. */
#define FF_FP                                                                                      \
  "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:"  \
  "99"
#define FF_AUDIO                                                                                   \
  "m=audio 9 UDP/TLS/RTP/SAVPF 109 0\r\n"                                                          \
  "c=IN IP4 0.0.0.0\r\n"                                                                           \
  "a=sendrecv\r\n"                                                                                 \
  "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"                                             \
  "a=ice-pwd:ffpassword0123456789abcd\r\n"                                                         \
  "a=ice-ufrag:ffU\r\n"                                                                            \
  "a=mid:0\r\n"                                                                                    \
  "a=rtcp-mux\r\n"                                                                                 \
  "a=rtpmap:109 opus/48000/2\r\n"                                                                  \
  "a=rtpmap:0 PCMU/8000\r\n"                                                                       \
  "a=setup:actpass\r\n"                                                                            \
  "a=ssrc:1111 cname:{ff}\r\n"
#define FF_VIDEO                                                                                   \
  "m=video 0 UDP/TLS/RTP/SAVPF 120 124 126\r\n"                                                    \
  "c=IN IP4 0.0.0.0\r\n"                                                                           \
  "a=bundle-only\r\n"                                                                              \
  "a=sendrecv\r\n"                                                                                 \
  "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"                                             \
  "a=fmtp:124 apt=120\r\n"                                                                         \
  "a=ice-pwd:ffpassword0123456789abcd\r\n"                                                         \
  "a=ice-ufrag:ffU\r\n"                                                                            \
  "a=mid:1\r\n"                                                                                    \
  "a=rtcp-fb:120 nack\r\n"                                                                         \
  "a=rtcp-fb:120 nack pli\r\n"                                                                     \
  "a=rtcp-mux\r\n"                                                                                 \
  "a=rtpmap:120 VP8/90000\r\n"                                                                     \
  "a=rtpmap:124 rtx/90000\r\n"                                                                     \
  "a=rtpmap:126 ulpfec/90000\r\n"                                                                  \
  "a=setup:actpass\r\n"                                                                            \
  "a=ssrc:2222 cname:{ff}\r\n"                                                                     \
  "a=ssrc:2223 cname:{ff}\r\n"                                                                     \
  "a=ssrc-group:FID 2222 2223\r\n"
#define FF_OFFER                                                                                   \
  "v=0\r\n"                                                                                        \
  "o=mozilla...THIS_IS_SDPARTA-99.0 7 0 IN IP4 0.0.0.0\r\n"                                        \
  "s=-\r\n"                                                                                        \
  "t=0 0\r\n"                                                                                      \
  "a=fingerprint:sha-256 " FF_FP "\r\n"                                                            \
  "a=group:BUNDLE 0 1\r\n"                                                                         \
  "a=ice-options:trickle\r\n"                                                                      \
  "a=msid-semantic:WMS *\r\n" FF_AUDIO FF_VIDEO

/* Applies text (with each from[i] replaced by to[i]) as an offer: the return
 * code; on SB_OK *answer is the parsed answer. */
static int offer_edited(sb_session *s, const char *text, const char *const *from,
                        const char *const *to, size_t n, sb_sdp **answer) {
  GString *t = g_string_new(text);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpuint(g_string_replace(t, from[i], to[i], 0), >=, 1);
  sb_sdp *offer = parse(t->str);
  char why[160] = "";
  int rc = sb_session_apply_offer(s, offer, why, sizeof why);
  if (rc) g_test_message("why: %s", why);
  if (rc == SB_OK) {
    GString *out = g_string_new("");
    g_assert_cmpint(sb_session_write_answer(s, out), ==, SB_OK);
    *answer = parse(out->str);
    g_string_free(out, TRUE);
  }
  sb_sdp_free(offer);
  g_string_free(t, TRUE);
  return rc;
}

static char *bundle_mids(const sb_sdp *d) {
  const sb_sdp_group *g = sb_sdp_find_group(d, "BUNDLE");
  g_assert_nonnull(g);
  GString *mids = g_string_new("");
  for (guint i = 0; i < g->mids->len; i++)
    g_string_append_printf(mids, "%s%s", i ? " " : "", (const char *)g->mids->pdata[i]);
  return g_string_free(mids, FALSE);
}

/* A bundled section of our description: a port, the transport (our ICE
 * credentials, fingerprint, DTLS role, rtcp-mux, candidate) and a c= line. */
static void assert_bundled(const sb_sdp_media *m, const char *mid, sb_sdp_setup setup) {
  g_assert_cmpstr(m->mid, ==, mid);
  g_assert_cmpuint(m->port, ==, 9);
  g_assert_false(m->bundle_only);
  g_assert_cmpstr(m->connection, ==, "IN IP4 0.0.0.0");
  g_assert_cmpstr(m->ice_ufrag, ==, "srvU");
  g_assert_cmpstr(m->ice_pwd, ==, "serverpassword0123456789");
  g_assert_cmpstr(m->fingerprint.hash, ==, "sha-256");
  g_assert_cmpstr(m->fingerprint.value, ==, FP);
  g_assert_cmpint(m->setup, ==, setup);
  g_assert_true(m->rtcp_mux);
  g_assert_cmpuint(m->candidates->len, ==, 1);
}

/* A rejected section of our description: port 0, c=, the offered fmts, its
 * mid, inactive, nothing else. */
static void assert_rejected(const sb_sdp_media *m, const char *mid, const char *fmts) {
  g_assert_cmpstr(m->mid, ==, mid);
  g_assert_cmpuint(m->port, ==, 0);
  g_assert_cmpstr(m->connection, ==, "IN IP4 0.0.0.0");
  g_assert_cmpint(m->direction, ==, SB_SDP_DIR_INACTIVE);
  GString *got = g_string_new("");
  for (guint i = 0; i < m->codecs->len; i++)
    g_string_append_printf(got, "%s%u", i ? " " : "",
                           ((const sb_sdp_codec *)m->codecs->pdata[i])->pt);
  g_assert_cmpstr(got->str, ==, fmts);
  g_string_free(got, TRUE);
  g_assert_null(m->ice_ufrag);
  g_assert_null(m->fingerprint.hash);
  g_assert_cmpint(m->setup, ==, SB_SDP_SETUP_NONE);
  g_assert_cmpuint(m->candidates->len, ==, 0);
  g_assert_cmpuint(m->ssrcs->len, ==, 0);
  g_assert_cmpuint(m->extmaps->len, ==, 0);
}

/* Firefox max-bundle (hand-written): the bundle-only video section is
 * negotiated like the audio one, and answered with a port and the
 * transport. */
static void test_bundle_only_offer(void) {
  sb_session *s = new_session();
  sb_sdp *a = NULL;
  g_assert_cmpint(offer_edited(s, FF_OFFER, NULL, NULL, 0, &a), ==, SB_OK);
  g_assert_cmpuint(s->sections->len, ==, 2);
  sb_msection *au = sb_session_find_mid(s, "0"), *vi = sb_session_find_mid(s, "1");
  g_assert_false(au->rejected);
  g_assert_false(vi->rejected);
  g_assert_cmpint(vi->remote_dir, ==, SB_SDP_DIR_SENDRECV);
  g_assert_cmpint(vi->local_dir, ==, SB_SDP_DIR_RECVONLY);
  g_assert_cmpuint(vi->remote_ssrc, ==, 2222);
  g_assert_cmpuint(vi->remote_rtx_ssrc, ==, 2223);
  g_assert_cmpint(vi->n_codecs, ==, 1); /* VP8; ulpfec is not forwarded */
  g_assert_cmpuint(vi->codecs[0].pt, ==, 120);
  g_assert_cmpuint(vi->codecs[0].rtx_pt, ==, 124);
  g_assert_cmpuint(sb_msection_ext_id(vi, SB_EXT_MID), ==, 3);
  g_assert_cmpstr(s->remote_ufrag, ==, "ffU");
  g_assert_cmpstr(s->remote_fp, ==, FF_FP);
  g_assert_cmpuint(a->media->len, ==, 2);
  char *mids = bundle_mids(a);
  g_assert_cmpstr(mids, ==, "0 1");
  g_free(mids);
  assert_bundled(sb_sdp_media_at(a, 0), "0", SB_SDP_SETUP_PASSIVE);
  sb_sdp_media *v = sb_sdp_media_at(a, 1);
  assert_bundled(v, "1", SB_SDP_SETUP_PASSIVE);
  g_assert_cmpint(v->direction, ==, SB_SDP_DIR_RECVONLY);
  g_assert_cmpuint(v->codecs->len, ==, 2); /* VP8 120 and its RTX 124 */
  g_assert_cmpuint(((sb_sdp_codec *)v->codecs->pdata[0])->pt, ==, 120);
  g_assert_cmpuint(((sb_sdp_codec *)v->codecs->pdata[1])->pt, ==, 124);
  sb_sdp_free(a);
  sb_session_free(s);

  /* The same without a=bundle-only: port 0 rejects the video section. The
   * answer says so with port 0, c=, the offered fmts, the mid and inactive,
   * and leaves it out of the BUNDLE group. */
  static const char *const no_bo[] = {"a=bundle-only\r\n"}, *const empty[] = {""};
  s = new_session();
  g_assert_cmpint(offer_edited(s, FF_OFFER, no_bo, empty, 1, &a), ==, SB_OK);
  g_assert_true(sb_session_find_mid(s, "1")->rejected);
  g_assert_false(sb_session_find_mid(s, "0")->rejected);
  mids = bundle_mids(a);
  g_assert_cmpstr(mids, ==, "0");
  g_free(mids);
  assert_rejected(sb_sdp_media_at(a, 1), "1", "120 124 126");
  sb_sdp_free(a);
  sb_session_free(s);

  /* bundle-only, but the mid is not in the group: rejected as well. */
  static const char *const out_of_group[] = {"a=group:BUNDLE 0 1\r\n"}, *const group_0[] = {
                                                                            "a=group:BUNDLE 0\r\n"};
  s = new_session();
  g_assert_cmpint(offer_edited(s, FF_OFFER, out_of_group, group_0, 1, &a), ==, SB_OK);
  g_assert_true(sb_session_find_mid(s, "1")->rejected);
  assert_rejected(sb_sdp_media_at(a, 1), "1", "120 124 126");
  sb_sdp_free(a);
  sb_session_free(s);

  /* A bundle-only section with no common codec is rejected. */
  static const char *const vp8[] = {"a=rtpmap:120 VP8/90000"}, *const xyz[] = {
                                                                   "a=rtpmap:120 XYZ/90000"};
  s = new_session();
  g_assert_cmpint(offer_edited(s, FF_OFFER, vp8, xyz, 1, &a), ==, SB_OK);
  g_assert_true(sb_session_find_mid(s, "1")->rejected);
  assert_rejected(sb_sdp_media_at(a, 1), "1", "120 124 126");
  sb_sdp_free(a);
  sb_session_free(s);

  /* A bundle-only section needs no rtcp-mux of its own (the group's
   * transport has it); a section with a port does. */
  static const char *const mux_v[] = {"a=rtcp-mux\r\na=rtpmap:120"}, *const nomux_v[] = {
                                                                         "a=rtpmap:120"};
  s = new_session();
  g_assert_cmpint(offer_edited(s, FF_OFFER, mux_v, nomux_v, 1, &a), ==, SB_OK);
  g_assert_false(sb_session_find_mid(s, "1")->rejected);
  sb_sdp_free(a);
  sb_session_free(s);
  static const char *const mux_a[] = {"a=rtcp-mux\r\na=rtpmap:109"}, *const nomux_a[] = {
                                                                         "a=rtpmap:109"};
  s = new_session();
  g_assert_cmpint(offer_edited(s, FF_OFFER, mux_a, nomux_a, 1, &a), ==, SB_EUNSUPPORTED);
  g_assert_cmpuint(s->sections->len, ==, 0);
  sb_session_free(s);

  /* Every section bundle-only: nothing carries the group's transport. */
  static const char *const audio9[] = {"m=audio 9 UDP/TLS/RTP/SAVPF 109 0\r\nc=IN IP4 0.0.0.0\r\n"},
                           *const audio0[] = {
                               "m=audio 0 UDP/TLS/RTP/SAVPF 109 0\r\nc=IN IP4 0.0.0.0\r\n"
                               "a=bundle-only\r\n"};
  s = new_session();
  g_assert_cmpint(offer_edited(s, FF_OFFER, audio9, audio0, 1, &a), ==, SB_EINVAL);
  g_assert_cmpuint(s->sections->len, ==, 0);
  sb_session_free(s);
}

/* The captured Firefox ESR max-bundle offer (tests/fixtures/sdp). */
static void test_bundle_only_firefox_fixture(void) {
  sb_session *s = new_session();
  sb_sdp *a = answer_fixture(s, "firefox-offer-maxbundle.sdp");
  g_assert_cmpuint(a->media->len, ==, 2);
  char *mids = bundle_mids(a);
  g_assert_cmpstr(mids, ==, "0 1");
  g_free(mids);
  sb_msection *vi = sb_session_find_mid(s, "1");
  g_assert_false(vi->rejected);
  g_assert_cmpuint(vi->remote_ssrc, ==, 2338426298u);
  g_assert_cmpuint(vi->remote_rtx_ssrc, ==, 426563766u);
  g_assert_cmpstr(vi->codecs[0].name, ==, "VP8");
  g_assert_cmpuint(vi->codecs[0].rtx_pt, ==, 124);
  g_assert_cmpstr(s->remote_ufrag, ==, "9b7dc4b6");
  g_assert_cmpuint(s->remote_candidates->len, ==, 8); /* from the audio section */
  assert_bundled(sb_sdp_media_at(a, 0), "0", SB_SDP_SETUP_PASSIVE);
  sb_sdp_media *v = sb_sdp_media_at(a, 1);
  assert_bundled(v, "1", SB_SDP_SETUP_PASSIVE);
  g_assert_cmpint(v->direction, ==, SB_SDP_DIR_RECVONLY);
  g_assert_cmpstr(sb_sdp_media_find_codec(v, "VP8")->name, ==, "VP8");
  sb_sdp_free(a);
  sb_session_free(s);
}

/* A send section the server added, re-offered by the browser with port 0
 * and a=bundle-only (what Firefox ESR does after the first renegotiation),
 * stays negotiated and sending; re-offered with port 0 alone it is stopped
 * and answered rejected; our next offer writes it rejected too. */
static void test_bundle_only_reoffer(void) {
  static const char *const video9[] = {"m=video 0 UDP/TLS/RTP/SAVPF 120 124 126\r\n"
                                       "c=IN IP4 0.0.0.0\r\na=bundle-only\r\n"},
                           *const video9_to[] = {"m=video 9 UDP/TLS/RTP/SAVPF 120 124 126\r\n"
                                                 "c=IN IP4 0.0.0.0\r\n"};
  sb_session *s = new_session();
  sb_sdp *a = NULL;
  /* 1. Firefox's first offer (balanced: both sections with a port). */
  g_assert_cmpint(offer_edited(s, FF_OFFER, video9, video9_to, 1, &a), ==, SB_OK);
  sb_sdp_free(a);
  /* 2. The server adds a send section and offers it; Firefox answers. */
  sb_msection *src = sb_session_find_mid(s, "1");
  sb_msection *snd = sb_session_add_send(s, SB_SDP_KIND_VIDEO, src->codecs, src->n_codecs, 0x5e5e,
                                         "pOther", "pOther-v", NULL);
  g_assert_nonnull(snd);
  g_assert_cmpstr(snd->mid, ==, "s0");
  GString *ours = g_string_new("");
  g_assert_cmpint(sb_session_write_offer(s, ours), ==, SB_OK);
  sb_sdp *answer = turn_around(ours->str);
  char why[160] = "";
  g_assert_cmpint(sb_session_apply_answer(s, answer, why, sizeof why), ==, SB_OK);
  sb_sdp_free(answer);
  g_string_free(ours, TRUE);
  g_assert_true(snd->signaled);
  g_assert_cmpint(snd->local_dir, ==, SB_SDP_DIR_SENDONLY);

  /* 3. Firefox re-offers s0 bundle-only (port 0), recvonly, in the group. */
  GString *re = g_string_new(FF_OFFER);
  g_string_replace(re, video9[0], video9_to[0], 0);
  g_string_replace(re, "a=group:BUNDLE 0 1\r\n", "a=group:BUNDLE 0 1 s0\r\n", 0);
  g_string_append(re, "m=video 0 UDP/TLS/RTP/SAVPF 120 124\r\n"
                      "c=IN IP4 0.0.0.0\r\n"
                      "a=bundle-only\r\n"
                      "a=recvonly\r\n"
                      "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                      "a=fmtp:124 apt=120\r\n"
                      "a=ice-pwd:ffpassword0123456789abcd\r\n"
                      "a=ice-ufrag:ffU\r\n"
                      "a=mid:s0\r\n"
                      "a=rtcp-fb:120 nack\r\n"
                      "a=rtcp-mux\r\n"
                      "a=rtpmap:120 VP8/90000\r\n"
                      "a=rtpmap:124 rtx/90000\r\n"
                      "a=setup:actpass\r\n");
  g_assert_cmpint(offer_edited(s, re->str, NULL, NULL, 0, &a), ==, SB_OK);
  g_assert_cmpuint(s->sections->len, ==, 3);
  g_assert_true(sb_session_find_mid(s, "s0") == snd); /* same section */
  g_assert_false(snd->rejected);
  g_assert_true(snd->sending);
  g_assert_true(snd->signaled);
  g_assert_cmpint(snd->remote_dir, ==, SB_SDP_DIR_RECVONLY);
  g_assert_cmpint(snd->local_dir, ==, SB_SDP_DIR_SENDONLY);
  g_assert_false(s->needs_offer);
  g_assert_cmpuint(a->media->len, ==, 3);
  char *mids = bundle_mids(a);
  g_assert_cmpstr(mids, ==, "0 1 s0");
  g_free(mids);
  sb_sdp_media *m = sb_sdp_media_at(a, 2);
  assert_bundled(m, "s0", SB_SDP_SETUP_PASSIVE);
  g_assert_cmpint(m->direction, ==, SB_SDP_DIR_SENDONLY);
  g_assert_cmpuint(m->ssrcs->len, >=, 1);
  g_assert_cmpuint(((sb_sdp_ssrc *)m->ssrcs->pdata[0])->ssrc, ==, 0x5e5e);
  g_assert_cmpuint(m->msids->len, ==, 1);
  sb_sdp_free(a);

  /* 4. The same re-offer with port 0 alone (Firefox stopped the
   * transceiver): s0 is rejected and answered so. */
  g_string_replace(re, "a=bundle-only\r\na=recvonly", "a=recvonly", 0);
  g_assert_cmpint(offer_edited(s, re->str, NULL, NULL, 0, &a), ==, SB_OK);
  g_assert_true(snd->rejected);
  g_assert_false(snd->sending);
  mids = bundle_mids(a);
  g_assert_cmpstr(mids, ==, "0 1");
  g_free(mids);
  assert_rejected(sb_sdp_media_at(a, 2), "s0", "120 124");
  sb_sdp_free(a);

  /* 5. Our next offer writes s0 rejected the same way, and a later
   * bundle-only re-offer does not bring it back. */
  sb_msection *s1 = sb_session_add_send(s, SB_SDP_KIND_VIDEO, src->codecs, src->n_codecs, 0x6e6e,
                                        "pThird", "pThird-v", NULL);
  g_assert_nonnull(s1);
  g_assert_cmpstr(s1->mid, ==, "s1");
  ours = g_string_new("");
  g_assert_cmpint(sb_session_write_offer(s, ours), ==, SB_OK);
  sb_sdp *offer = parse(ours->str);
  g_assert_cmpuint(offer->media->len, ==, 4);
  assert_rejected(sb_sdp_media_at(offer, 2), "s0", "120 124");
  mids = bundle_mids(offer);
  g_assert_cmpstr(mids, ==, "0 1 s1");
  g_free(mids);
  sb_sdp_free(offer);
  /* The browser answers s1 bundle-only with port 0 (RFC 8843 section
   * 7.3.1 style): still accepted. */
  GString *ans = g_string_new(ours->str);
  g_string_replace(ans, "a=setup:actpass", "a=setup:active", 0);
  g_string_replace(ans, "a=sendonly", "a=recvonly", 0);
  g_string_replace(ans, "a=ice-lite\r\n", "", 0);
  gchar *s1_at = strstr(ans->str, "a=mid:s1");
  g_assert_nonnull(s1_at);
  gchar *mline = g_strrstr_len(ans->str, s1_at - ans->str, "m=video 9 ");
  g_assert_nonnull(mline);
  gsize off = (gsize)(mline - ans->str);
  g_string_erase(ans, off, strlen("m=video 9"));
  g_string_insert(ans, off, "m=video 0");
  gchar *eol = strstr(ans->str + off, "\r\n");
  g_string_insert(ans, eol - ans->str + 2, "a=bundle-only\r\n");
  answer = parse(ans->str);
  g_assert_cmpuint(sb_sdp_media_at(answer, 3)->port, ==, 0);
  g_assert_true(sb_sdp_media_at(answer, 3)->bundle_only);
  g_assert_cmpint(sb_session_apply_answer(s, answer, why, sizeof why), ==, SB_OK);
  g_assert_false(s1->rejected);
  g_assert_true(s1->signaled);
  g_assert_cmpint(s1->local_dir, ==, SB_SDP_DIR_SENDONLY);
  g_assert_true(snd->rejected);
  sb_sdp_free(answer);
  g_string_free(ans, TRUE);
  g_string_free(ours, TRUE);
  g_string_free(re, TRUE);
  sb_session_free(s);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/answer-chromium", test_answer_chromium);
  g_test_add_func("/session/datachannel-rejected", test_datachannel_rejected);
  g_test_add_func("/session/send-section-and-maps", test_send_section_and_maps);
  g_test_add_func("/session/refusals", test_refusals);
  g_test_add_func("/session/dtls-client-role", test_dtls_client_role);
  g_test_add_func("/session/reoffer-keeps-order", test_reoffer_must_keep_order);
  g_test_add_func("/session/all-offers", test_all_offers);
  g_test_add_func("/session/bundle-only/offer", test_bundle_only_offer);
  g_test_add_func("/session/bundle-only/firefox-fixture", test_bundle_only_firefox_fixture);
  g_test_add_func("/session/bundle-only/reoffer", test_bundle_only_reoffer);
  return g_test_run();
}
