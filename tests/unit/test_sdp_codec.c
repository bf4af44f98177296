/* test_sdp_codec.c - unit tests for the negotiation helpers of sdp_codec.c:
 * codec and RTX lookup, extmap lookup, fmtp parameter access, H.264
 * profile-level-id parsing and compatibility (hand-checked against RFC 6184
 * table 5 and the profile_iop bit patterns WebRTC uses), VP9 profile-id. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/sdp.h"

static sb_sdp *parse(const char *text) {
  sb_sdp *sdp = NULL;
  int rc = sb_sdp_parse(text, strlen(text), &sdp);
  g_assert_cmpint(rc, ==, SB_OK);
  return sdp;
}

#define HEAD "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

static const char *const offer = HEAD "a=extmap:9 urn:session-level\r\n"
                                      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 98\r\n"
                                      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                                      "a=rtpmap:96 VP8/90000\r\n"
                                      "a=rtpmap:97 rtx/90000\r\n"
                                      "a=fmtp:97 apt=96\r\n"
                                      "a=rtpmap:102 H264/90000\r\n"
                                      "a=fmtp:102 packetization-mode=1;profile-level-id=42e01f\r\n"
                                      "a=rtpmap:103 RTX/90000\r\n"
                                      "a=fmtp:103 apt = 102 \r\n"
                                      "a=rtpmap:104 rtx/90000\r\n"
                                      "a=fmtp:104 apt=x\r\n"
                                      "a=rtpmap:98 VP9/90000\r\n"
                                      "a=fmtp:98 profile-id=2\r\n";

static void test_find_codec_and_rtx(void) {
  sb_sdp *sdp = parse(offer);
  sb_sdp_media *m = sb_sdp_media_at(sdp, 0);
  g_assert_cmpuint(sb_sdp_media_find_codec(m, "vp8")->pt, ==, 96);
  g_assert_cmpuint(sb_sdp_media_find_codec(m, "h264")->pt, ==, 102);
  g_assert_cmpuint(sb_sdp_media_find_codec(m, "RTX")->pt, ==, 97); /* the first one */
  g_assert_null(sb_sdp_media_find_codec(m, "AV1"));
  guint rtx = 0;
  g_assert_cmpint(sb_sdp_media_find_rtx(m, 96, &rtx), ==, SB_OK);
  g_assert_cmpuint(rtx, ==, 97);
  g_assert_cmpint(sb_sdp_media_find_rtx(m, 102, &rtx), ==, SB_OK); /* "RTX", spaced "apt = 102" */
  g_assert_cmpuint(rtx, ==, 103);
  rtx = 0;
  g_assert_cmpint(sb_sdp_media_find_rtx(m, 98, &rtx), ==, SB_ENOTFOUND);
  g_assert_cmpuint(rtx, ==, 0);
  guint id = 0;
  g_assert_cmpint(sb_sdp_find_extmap(sdp, m, "urn:ietf:params:rtp-hdrext:sdes:mid", &id), ==,
                  SB_OK);
  g_assert_cmpuint(id, ==, 4);
  g_assert_cmpint(sb_sdp_find_extmap(sdp, m, "urn:session-level", &id), ==, SB_OK);
  g_assert_cmpuint(id, ==, 9);
  g_assert_cmpint(sb_sdp_find_extmap(NULL, m, "urn:session-level", &id), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_sdp_find_extmap(sdp, NULL, "urn:session-level", &id), ==, SB_OK);
  guint vp9 = 9;
  g_assert_cmpint(sb_sdp_vp9_profile_id(sb_sdp_media_codec_by_pt(m, 98)->fmtp, &vp9), ==, SB_OK);
  g_assert_cmpuint(vp9, ==, 2);
  sb_sdp_free(sdp);
}

static void test_fmtp_get(void) {
  const char *fmtp = "level-asymmetry-allowed=1; Packetization-Mode = 1 ;profile-level-id=42e01f;"
                     "x=;flag;y=a=b";
  const char *v;
  size_t n;
  g_assert_cmpint(sb_sdp_fmtp_get(fmtp, "packetization-mode", &v, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpint(v[0], ==, '1');
  g_assert_cmpint(sb_sdp_fmtp_get(fmtp, "PROFILE-LEVEL-ID", &v, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 6);
  g_assert_cmpint(strncmp(v, "42e01f", 6), ==, 0);
  g_assert_cmpint(sb_sdp_fmtp_get(fmtp, "x", &v, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 0);
  g_assert_cmpint(sb_sdp_fmtp_get(fmtp, "y", &v, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 3); /* "a=b": only the first '=' splits */
  g_assert_cmpint(sb_sdp_fmtp_get(fmtp, "flag", &v, &n), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_sdp_fmtp_get(fmtp, "level", &v, &n), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_sdp_fmtp_get(NULL, "apt", &v, &n), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_sdp_fmtp_get("111/111", "apt", &v, &n), ==, SB_ENOTFOUND); /* RED */
  guint64 u = 7;
  g_assert_cmpint(sb_sdp_fmtp_get_uint("minptime=10;useinbandfec=1", "useinbandfec", &u), ==,
                  SB_OK);
  g_assert_cmpuint(u, ==, 1);
  g_assert_cmpint(sb_sdp_fmtp_get_uint("apt=x", "apt", &u), ==, SB_EINVAL);
  g_assert_cmpint(sb_sdp_fmtp_get_uint("apt=", "apt", &u), ==, SB_EINVAL);
  g_assert_cmpint(sb_sdp_fmtp_get_uint("apt=-1", "apt", &u), ==, SB_EINVAL);
  g_assert_cmpint(sb_sdp_fmtp_get_uint("apt=99999999999999999999", "apt", &u), ==, SB_EINVAL);
  g_assert_cmpint(sb_sdp_fmtp_get_uint("a=1", "apt", &u), ==, SB_ENOTFOUND);
  g_assert_cmpuint(u, ==, 1);
}

typedef struct {
  const char *plid;
  int rc;
  sb_h264_profile profile;
  guint8 level_idc;
  gboolean level_1b;
} plid_case;

/* profile_idc / profile_iop patterns (x = don't care):
 *   42 x1xx0000 constrained baseline   42 x0xx0000 baseline
 *   4d 1xxx0000 constrained baseline   4d 0x0x0000 main
 *   58 11xx0000 constrained baseline   58 10xx0000 baseline
 *   64 00000000 high                   64 00001100 constrained high
 *   f4 00000000 predictive high 4:4:4 */
static const plid_case plid_cases[] = {
    {"42e01f", SB_OK, SB_H264_PROFILE_CONSTRAINED_BASELINE, 0x1f, FALSE}, /* 1110 0000 */
    {"42c01f", SB_OK, SB_H264_PROFILE_CONSTRAINED_BASELINE, 0x1f, FALSE}, /* 1100 0000 */
    {"424015", SB_OK, SB_H264_PROFILE_CONSTRAINED_BASELINE, 0x15, FALSE}, /* 0100 0000 */
    {"42001f", SB_OK, SB_H264_PROFILE_BASELINE, 0x1f, FALSE},
    {"42a01f", SB_OK, SB_H264_PROFILE_BASELINE, 0x1f, FALSE}, /* 1010 0000: set1 clear */
    {"42000a", SB_OK, SB_H264_PROFILE_BASELINE, 0x0a, FALSE},
    {"4d001f", SB_OK, SB_H264_PROFILE_MAIN, 0x1f, FALSE},
    {"4d401f", SB_OK, SB_H264_PROFILE_MAIN, 0x1f, FALSE},                 /* 0100 0000 */
    {"4d801f", SB_OK, SB_H264_PROFILE_CONSTRAINED_BASELINE, 0x1f, FALSE}, /* 1000 0000 */
    {"4d201f", SB_EUNSUPPORTED, 0, 0, FALSE},                             /* 0010 0000 */
    {"58c01f", SB_OK, SB_H264_PROFILE_CONSTRAINED_BASELINE, 0x1f, FALSE},
    {"58801f", SB_OK, SB_H264_PROFILE_BASELINE, 0x1f, FALSE},
    {"58001f", SB_EUNSUPPORTED, 0, 0, FALSE},
    {"64001f", SB_OK, SB_H264_PROFILE_HIGH, 0x1f, FALSE},
    {"640c1f", SB_OK, SB_H264_PROFILE_CONSTRAINED_HIGH, 0x1f, FALSE},
    {"640C34", SB_OK, SB_H264_PROFILE_CONSTRAINED_HIGH, 0x34, FALSE}, /* upper-case hex */
    {"640c0b", SB_OK, SB_H264_PROFILE_CONSTRAINED_HIGH, 0x0b, FALSE},
    {"640009", SB_OK, SB_H264_PROFILE_HIGH, 0x09, TRUE},                  /* level 1b, high */
    {"42f00b", SB_OK, SB_H264_PROFILE_CONSTRAINED_BASELINE, 0x0b, TRUE},  /* set3 + 11 = 1b */
    {"42e00b", SB_OK, SB_H264_PROFILE_CONSTRAINED_BASELINE, 0x0b, FALSE}, /* level 1.1 */
    {"f4001f", SB_OK, SB_H264_PROFILE_PREDICTIVE_HIGH_444, 0x1f, FALSE},
    {"64801f", SB_EUNSUPPORTED, 0, 0, FALSE},
    {"42e11f", SB_EUNSUPPORTED, 0, 0, FALSE}, /* reserved low bits set */
    {"6e001f", SB_EUNSUPPORTED, 0, 0, FALSE}, /* high 10: not a WebRTC profile here */
    {"42e01", SB_EINVAL, 0, 0, FALSE},
    {"42e01f0", SB_EINVAL, 0, 0, FALSE},
    {"4ge01f", SB_EINVAL, 0, 0, FALSE},
    {"", SB_EINVAL, 0, 0, FALSE},
};

static void test_h264_plid(void) {
  for (gsize i = 0; i < G_N_ELEMENTS(plid_cases); i++) {
    const plid_case *c = &plid_cases[i];
    sb_h264_plid p;
    memset(&p, 0xaa, sizeof p);
    g_test_message("%s", c->plid);
    g_assert_cmpint(sb_sdp_h264_parse_plid(c->plid, strlen(c->plid), &p), ==, c->rc);
    if (c->rc != SB_OK) continue;
    g_assert_cmpint(p.profile, ==, c->profile);
    g_assert_cmpuint(p.level_idc, ==, c->level_idc);
    g_assert_cmpint(!!p.level_1b, ==, !!c->level_1b);
    g_assert_cmpuint(p.profile_idc, ==,
                     (guint)g_ascii_strtoull((char[]){c->plid[0], c->plid[1], 0}, NULL, 16));
  }
  g_assert_cmpint(sb_sdp_h264_parse_plid(NULL, 6, NULL), ==, SB_EINVAL);
  /* Absent profile-level-id means 42000a (baseline, level 1). */
  sb_h264_plid p;
  g_assert_cmpint(sb_sdp_h264_fmtp_plid("packetization-mode=1", &p), ==, SB_OK);
  g_assert_cmpint(p.profile, ==, SB_H264_PROFILE_BASELINE);
  g_assert_cmpuint(p.level_idc, ==, 10);
  g_assert_cmpint(sb_sdp_h264_fmtp_plid(NULL, &p), ==, SB_OK);
  g_assert_cmpint(sb_sdp_h264_fmtp_plid("profile-level-id=xyz", &p), ==, SB_EINVAL);
}

static void test_h264_levels(void) {
  sb_h264_plid l1, l1b, l11, l31, l1b_high;
  g_assert_cmpint(sb_sdp_h264_parse_plid("42e00a", 6, &l1), ==, SB_OK);
  g_assert_cmpint(sb_sdp_h264_parse_plid("42f00b", 6, &l1b), ==, SB_OK);
  g_assert_cmpint(sb_sdp_h264_parse_plid("42e00b", 6, &l11), ==, SB_OK);
  g_assert_cmpint(sb_sdp_h264_parse_plid("42e01f", 6, &l31), ==, SB_OK);
  g_assert_cmpint(sb_sdp_h264_parse_plid("640009", 6, &l1b_high), ==, SB_OK);
  g_assert_cmpint(sb_sdp_h264_level_cmp(&l1, &l1b), <, 0);
  g_assert_cmpint(sb_sdp_h264_level_cmp(&l1b, &l11), <, 0);
  g_assert_cmpint(sb_sdp_h264_level_cmp(&l11, &l31), <, 0);
  g_assert_cmpint(sb_sdp_h264_level_cmp(&l31, &l31), ==, 0);
  g_assert_cmpint(sb_sdp_h264_level_cmp(&l1b, &l1b_high), ==, 0);
  g_assert_cmpint(sb_sdp_h264_level_cmp(&l31, &l1), >, 0);
}

typedef struct {
  const char *a, *b;
  int compatible;
} compat_case;

#define PM1 "packetization-mode=1;profile-level-id="
#define PM0 "packetization-mode=0;profile-level-id="

static const compat_case compat_cases[] = {
    {PM1 "42e01f", PM1 "42e01f", 1},
    {PM1 "42e01f", PM1 "42001f", 0}, /* constrained baseline vs baseline */
    {PM1 "42e01f", PM1 "42c01f", 1}, /* both constrained baseline */
    {PM1 "42e01f", PM1 "4d801f", 1}, /* main with set1: constrained baseline */
    {PM1 "42e01f", PM1 "42e034", 1}, /* levels may differ */
    {PM1 "42e034", PM1 "42e00a", 1},
    {PM1 "42e01f", PM0 "42e01f", 0},              /* packetization-mode must match */
    {PM1 "42e01f", "profile-level-id=42e01f", 0}, /* absent mode = 0 */
    {PM0 "42e01f", "profile-level-id=42e01f", 1},
    {"packetization-mode=1", PM1 "42001f", 1}, /* absent plid = 42000a baseline */
    {"packetization-mode=1", PM1 "42e01f", 0},
    {PM1 "640c1f", PM1 "640c1f", 1},
    {PM1 "640c1f", PM1 "64001f", 0}, /* constrained high vs high */
    {PM1 "640c1f", PM1 "640c34", 1},
    {PM1 "64001f", PM1 "640032", 1},
    {PM1 "4d001f", PM1 "42e01f", 0}, /* main vs constrained baseline */
    {PM1 "4d001f", PM1 "4d0028", 1},
    {PM1 "f4001f", PM1 "64001f", 0},
    {PM1 "42e01f", PM1 "zzzzzz", 0}, /* unparseable */
    {PM1 "42e01f", PM1 "6e001f", 0}, /* unsupported */
    {"packetization-mode=1;level-asymmetry-allowed=1;profile-level-id=42e01f",
     "profile-level-id=42e01f;packetization-mode=1", 1},
};

static void test_h264_compatible(void) {
  for (gsize i = 0; i < G_N_ELEMENTS(compat_cases); i++) {
    const compat_case *c = &compat_cases[i];
    g_test_message("%s | %s", c->a, c->b);
    g_assert_cmpint(sb_sdp_h264_fmtp_compatible(c->a, c->b), ==, c->compatible);
    g_assert_cmpint(sb_sdp_h264_fmtp_compatible(c->b, c->a), ==, c->compatible);
  }
  g_assert_cmpuint(sb_sdp_h264_packetization_mode("packetization-mode=2"), ==, 2);
  g_assert_cmpuint(sb_sdp_h264_packetization_mode(NULL), ==, 0);
  g_assert_cmpuint(sb_sdp_h264_packetization_mode("packetization-mode=3"), ==, G_MAXUINT);
  /* Chromium's own fixture: 102 (42001f, mode 1) and 108 (42e01f, mode 1)
   * differ; 108 and 114 (42e01f, mode 0) differ in mode only. */
  const char *chromium102 =
      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f";
  const char *chromium108 =
      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
  const char *chromium114 =
      "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f";
  g_assert_false(sb_sdp_h264_fmtp_compatible(chromium102, chromium108));
  g_assert_false(sb_sdp_h264_fmtp_compatible(chromium108, chromium114));
  g_assert_true(sb_sdp_h264_fmtp_compatible(chromium108, PM1 "42e01f"));
}

static void test_vp9_profile(void) {
  guint p = 9;
  g_assert_cmpint(sb_sdp_vp9_profile_id(NULL, &p), ==, SB_OK);
  g_assert_cmpuint(p, ==, 0);
  g_assert_cmpint(sb_sdp_vp9_profile_id("profile-id=0", &p), ==, SB_OK);
  g_assert_cmpuint(p, ==, 0);
  g_assert_cmpint(sb_sdp_vp9_profile_id("x=1;profile-id=3", &p), ==, SB_OK);
  g_assert_cmpuint(p, ==, 3);
  g_assert_cmpint(sb_sdp_vp9_profile_id("profile-id=4", &p), ==, SB_EINVAL);
  g_assert_cmpint(sb_sdp_vp9_profile_id("profile-id=a", &p), ==, SB_EINVAL);
}

static void test_fingerprint_decode(void) {
  sb_sdp_fingerprint fp = {"sha-256", "AB:cd:0F"};
  guint8 out[4];
  size_t n = 0;
  g_assert_cmpint(sb_sdp_fingerprint_decode(&fp, out, sizeof out, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 3);
  g_assert_cmpuint(out[0], ==, 0xab);
  g_assert_cmpuint(out[1], ==, 0xcd);
  g_assert_cmpuint(out[2], ==, 0x0f);
  g_assert_cmpint(sb_sdp_fingerprint_decode(&fp, out, 2, &n), ==, SB_ENOSPC);
  static const char *const bad[] = {"", "A", "AB:", "AB:C", "AB-CD", "ABCD", "GG", ":AB"};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    sb_sdp_fingerprint b = {"sha-256", (char *)bad[i]};
    g_assert_cmpint(sb_sdp_fingerprint_decode(&b, out, sizeof out, &n), ==, SB_EINVAL);
  }
  sb_sdp_fingerprint none = {NULL, NULL};
  g_assert_cmpint(sb_sdp_fingerprint_decode(&none, out, sizeof out, &n), ==, SB_EINVAL);
}

static void test_names(void) {
  g_assert_cmpstr(sb_sdp_direction_name(SB_SDP_DIR_SENDONLY), ==, "sendonly");
  g_assert_null(sb_sdp_direction_name(SB_SDP_DIR_NONE));
  g_assert_cmpstr(sb_sdp_setup_name(SB_SDP_SETUP_HOLDCONN), ==, "holdconn");
  g_assert_null(sb_sdp_setup_name(SB_SDP_SETUP_NONE));
  sb_sdp *sdp = parse(HEAD "m=text 9 RTP/AVP 0\r\nm=application 9 UDP/DTLS/SCTP x\r\n");
  g_assert_cmpint(sb_sdp_media_at(sdp, 0)->kind, ==, SB_SDP_KIND_OTHER);
  g_assert_cmpstr(sb_sdp_media_kind_name(sb_sdp_media_at(sdp, 0)), ==, "text");
  g_assert_cmpstr(sb_sdp_media_kind_name(sb_sdp_media_at(sdp, 1)), ==, "application");
  g_assert_true(sb_sdp_media_is_datachannel(sb_sdp_media_at(sdp, 1)));
  sb_sdp_free(sdp);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sdp-codec/find", test_find_codec_and_rtx);
  g_test_add_func("/sdp-codec/fmtp-get", test_fmtp_get);
  g_test_add_func("/sdp-codec/h264-plid", test_h264_plid);
  g_test_add_func("/sdp-codec/h264-levels", test_h264_levels);
  g_test_add_func("/sdp-codec/h264-compatible", test_h264_compatible);
  g_test_add_func("/sdp-codec/vp9-profile", test_vp9_profile);
  g_test_add_func("/sdp-codec/fingerprint", test_fingerprint_decode);
  g_test_add_func("/sdp-codec/names", test_names);
  return g_test_run();
}
