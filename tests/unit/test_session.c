/* test_session.c - unit tests for server-side offer/answer (session.c), on
 * real browser offers from tests/fixtures/sdp. */
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

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/answer-chromium", test_answer_chromium);
  g_test_add_func("/session/datachannel-rejected", test_datachannel_rejected);
  g_test_add_func("/session/send-section-and-maps", test_send_section_and_maps);
  g_test_add_func("/session/refusals", test_refusals);
  g_test_add_func("/session/dtls-client-role", test_dtls_client_role);
  g_test_add_func("/session/reoffer-keeps-order", test_reoffer_must_keep_order);
  g_test_add_func("/session/all-offers", test_all_offers);
  return g_test_run();
}
