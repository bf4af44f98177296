/* test_srtp_interop.c - the own SRTP implementation (srtp_own.c and the
 * files it names) checked against libsrtp2, called directly here with the
 * same master keys, and against published and independent test data:
 *
 *  - byte-identical output: every packet the own side protects is compared
 *    with what libsrtp2 makes of the same plain packet (RTP with CSRCs and
 *    header extensions, across sequence-number wraps, several SSRCs; RTCP),
 *    and libsrtp2 unprotects it; the reverse direction too;
 *  - a differential run: random streams of libsrtp2-protected packets
 *    (jumps, reordering, duplicates, very old ones, tampering) go to the own
 *    side and to a libsrtp2 receiver, which must agree on every packet
 *    (accepted, or the same status) and on the plain text;
 *  - retransmission rules on the sending side (repeats allowed, too-old
 *    refused) compared with libsrtp2's allow_repeat_tx;
 *  - tampering of header, CSRC, extension, payload, tag and SRTCP index:
 *    refused with *len unchanged, and a forged jump leaves the replay window
 *    where it was;
 *  - RFC 3711 B.2 (AES-CM keystream) and B.3 (key derivation), RFC 7714
 *    16.1 (AEAD_AES_128_GCM SRTP) and 17.1 / 17.3 (SRTCP encrypted and
 *    authenticated only), through sb_srtp_own_new() with the session keys;
 *  - the index estimate and replay windows (srtp_replay.c) against a naive
 *    model;
 *  - the fuzz corpus' "valid-*" seeds, protected by an independent Python
 *    implementation (tests/fuzz/gen_srtp_corpus.py), unprotect with both. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>
#include <srtp2/srtp.h>

#include "../fuzz/fuzz_srtp_keys.h"
#include "core/error.h"
#include "srtp.h"
#include "srtp_private.h"
#include "srtp_replay.h"

#define BUF_CAP (1500 + SB_SRTP_MAX_TRAILER)

static const sb_srtp_profile PROFILES[] = {SB_SRTP_AEAD_AES_128_GCM, SB_SRTP_AES128_CM_SHA1_80};

/* ---- fixtures ------------------------------------------------------------ */

/* The own side (ours: local = K1 protects, remote = K2 unprotects) and
 * libsrtp2 sessions: lib_in1 unprotects what we protect, lib_out1 protects
 * like us (the byte-for-byte twin), lib_out2 is the peer that sends to us
 * and lib_in2 a libsrtp2 receiver of the same packets as us. */
typedef struct {
  sb_srtp_profile profile;
  sb_srtp *own;
  srtp_t lib_in1, lib_out1, lib_out2, lib_in2;
} fixture;

static srtp_t lib_session(sb_srtp_profile profile, const uint8_t *key, const uint8_t *salt,
                          size_t salt_len, srtp_ssrc_type_t dir) {
  srtp_policy_t policy;
  unsigned char master[SRTP_MAX_KEY_LEN];
  memset(&policy, 0, sizeof policy);
  g_assert_cmpint(srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, (srtp_profile_t)profile),
                  ==, srtp_err_status_ok);
  g_assert_cmpint(
      srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, (srtp_profile_t)profile), ==,
      srtp_err_status_ok);
  memcpy(master, key, 16);
  memcpy(master + 16, salt, salt_len);
  policy.ssrc.type = dir;
  policy.key = master;
  policy.window_size = 1024;
  policy.allow_repeat_tx = dir == ssrc_any_outbound;
  srtp_t s = NULL;
  g_assert_cmpint(srtp_create(&s, &policy), ==, srtp_err_status_ok);
  return s;
}

static void fixture_init(fixture *f, sb_srtp_profile profile) {
  sb_srtp_keys k;
  size_t kl, sl;
  g_assert_cmpint(sb_srtp_profile_lengths(profile, &kl, &sl), ==, SB_OK);
  memset(&k, 0, sizeof k);
  k.profile = profile;
  k.key_len = (uint8_t)kl;
  k.salt_len = (uint8_t)sl;
  g_assert_cmpint(RAND_bytes(k.local_key, 16), ==, 1);
  g_assert_cmpint(RAND_bytes(k.local_salt, (int)sl), ==, 1);
  g_assert_cmpint(RAND_bytes(k.remote_key, 16), ==, 1);
  g_assert_cmpint(RAND_bytes(k.remote_salt, (int)sl), ==, 1);
  f->profile = profile;
  g_assert_cmpint(sb_srtp_new(&k, &f->own), ==, SB_OK);
  f->lib_in1 = lib_session(profile, k.local_key, k.local_salt, sl, ssrc_any_inbound);
  f->lib_out1 = lib_session(profile, k.local_key, k.local_salt, sl, ssrc_any_outbound);
  f->lib_out2 = lib_session(profile, k.remote_key, k.remote_salt, sl, ssrc_any_outbound);
  f->lib_in2 = lib_session(profile, k.remote_key, k.remote_salt, sl, ssrc_any_inbound);
  sb_srtp_keys_wipe(&k);
}

static void fixture_free(fixture *f) {
  sb_srtp_free(f->own);
  srtp_dealloc(f->lib_in1);
  srtp_dealloc(f->lib_out1);
  srtp_dealloc(f->lib_out2);
  srtp_dealloc(f->lib_in2);
}

static size_t tag_len(sb_srtp_profile p) { return p == SB_SRTP_AEAD_AES_128_GCM ? 16 : 10; }

/* libsrtp2 calls on size_t lengths; they return srtp_err_status_t. */
static int lib_call(srtp_err_status_t (*fn)(srtp_t, void *, int *), srtp_t s, uint8_t *buf,
                    size_t *len) {
  int n = (int)*len;
  srtp_err_status_t st = fn(s, buf, &n);
  if (st == srtp_err_status_ok) *len = (size_t)n;
  return (int)st;
}

/* An RTP packet: fixed header, `cc` CSRCs, an optional one-byte-header
 * extension of ext_words words, `payload` bytes of a pattern. */
static size_t make_rtp(uint8_t *buf, uint16_t seq, uint32_t ssrc, unsigned cc, unsigned ext_words,
                       size_t payload) {
  size_t n = 0;
  buf[n++] = (uint8_t)(0x80 | (ext_words ? 0x10 : 0) | cc);
  buf[n++] = (uint8_t)(96 | (seq & 1 ? 0x80 : 0));
  buf[n++] = (uint8_t)(seq >> 8);
  buf[n++] = (uint8_t)seq;
  uint32_t ts = seq * 960u;
  for (int i = 0; i < 4; i++)
    buf[n++] = (uint8_t)(ts >> (24 - 8 * i));
  for (int i = 0; i < 4; i++)
    buf[n++] = (uint8_t)(ssrc >> (24 - 8 * i));
  for (unsigned c = 0; c < cc; c++)
    for (int i = 0; i < 4; i++)
      buf[n++] = (uint8_t)(0xc0 + c * 4 + (unsigned)i);
  if (ext_words) {
    buf[n++] = 0xbe;
    buf[n++] = 0xde;
    buf[n++] = 0;
    buf[n++] = (uint8_t)ext_words;
    for (unsigned i = 0; i < 4 * ext_words; i++)
      buf[n++] = (uint8_t)(0x10 + i);
  }
  for (size_t i = 0; i < payload; i++)
    buf[n++] = (uint8_t)(i * 31 + seq);
  return n;
}

/* A compound RTCP packet: receiver report with one block, then a PLI. */
static size_t make_rtcp(uint8_t *buf, uint32_t ssrc, uint32_t count) {
  static const uint8_t rr[] = {0x81, 201, 0, 7};
  size_t n = 0;
  memcpy(buf, rr, 4);
  n = 4;
  for (int i = 0; i < 4; i++)
    buf[n++] = (uint8_t)(ssrc >> (24 - 8 * i));
  for (int i = 0; i < 24; i++)
    buf[n++] = (uint8_t)(count * 7 + (unsigned)i);
  static const uint8_t pli[] = {0x81, 206, 0, 2, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd};
  memcpy(buf + n, pli, sizeof pli);
  return n + sizeof pli;
}

/* ---- byte-identical output and both directions --------------------------- */

static void rtp_cross(gconstpointer data) {
  fixture f;
  fixture_init(&f, GPOINTER_TO_INT(data));
  uint8_t plain[BUF_CAP], ours[BUF_CAP], theirs[BUF_CAP];
  const uint32_t ssrcs[] = {0x11111111, 0x22222222, 0xdeadbeef};
  uint16_t seq[] = {64000, 65535, 100};
  for (int i = 0; i < 3000; i++) {
    int k = i % 3;
    size_t n = make_rtp(plain, seq[k], ssrcs[k], (unsigned)(i % 4),
                        (unsigned)(i % 5 == 0 ? 0 : i % 3), (size_t)(i * 37 % 1100));
    seq[k]++;
    /* ours -> libsrtp2, and the same bytes as libsrtp2 protecting it */
    size_t lo = n, lt = n;
    memcpy(ours, plain, n);
    memcpy(theirs, plain, n);
    g_assert_cmpint(sb_srtp_protect_rtp(f.own, ours, &lo, sizeof ours), ==, SB_OK);
    g_assert_cmpint(lib_call(srtp_protect, f.lib_out1, theirs, &lt), ==, 0);
    g_assert_cmpmem(ours, lo, theirs, lt);
    g_assert_cmpint(lib_call(srtp_unprotect, f.lib_in1, ours, &lo), ==, 0);
    g_assert_cmpmem(ours, lo, plain, n);
    /* libsrtp2 -> ours */
    size_t l2 = n;
    memcpy(theirs, plain, n);
    g_assert_cmpint(lib_call(srtp_protect, f.lib_out2, theirs, &l2), ==, 0);
    g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, theirs, &l2), ==, SB_OK);
    g_assert_cmpmem(theirs, l2, plain, n);
  }
  fixture_free(&f);
}

static void rtcp_cross(gconstpointer data) {
  fixture f;
  fixture_init(&f, GPOINTER_TO_INT(data));
  uint8_t plain[BUF_CAP], ours[BUF_CAP], theirs[BUF_CAP];
  for (uint32_t i = 0; i < 400; i++) {
    uint32_t ssrc = i % 3 ? 0x01020304 : 0x0a0b0c0d;
    size_t n = make_rtcp(plain, ssrc, i), lo = n, lt = n;
    memcpy(ours, plain, n);
    memcpy(theirs, plain, n);
    g_assert_cmpint(sb_srtp_protect_rtcp(f.own, ours, &lo, sizeof ours), ==, SB_OK);
    g_assert_cmpuint(lo, ==, n + tag_len(f.profile) + 4);
    g_assert_cmpint(lib_call(srtp_protect_rtcp, f.lib_out1, theirs, &lt), ==, 0);
    g_assert_cmpmem(ours, lo, theirs, lt);
    g_assert_cmpint(lib_call(srtp_unprotect_rtcp, f.lib_in1, ours, &lo), ==, 0);
    g_assert_cmpmem(ours, lo, plain, n);
    size_t l2 = n;
    memcpy(theirs, plain, n);
    g_assert_cmpint(lib_call(srtp_protect_rtcp, f.lib_out2, theirs, &l2), ==, 0);
    g_assert_cmpint(sb_srtp_unprotect_rtcp(f.own, theirs, &l2), ==, SB_OK);
    g_assert_cmpmem(theirs, l2, plain, n);
  }
  fixture_free(&f);
}

/* ---- differential: the own receiver against a libsrtp2 one --------------- */

typedef struct {
  uint8_t data[BUF_CAP];
  size_t len;
  uint8_t plain[BUF_CAP];
  size_t plain_len;
} held;

/* Delivers one protected packet to ours and to lib_in2; both must agree. */
static void deliver_both(fixture *f, const held *h, bool rtcp, unsigned *accepted) {
  uint8_t a[BUF_CAP], b[BUF_CAP];
  size_t la = h->len, lb = h->len;
  memcpy(a, h->data, h->len);
  memcpy(b, h->data, h->len);
  int rc = rtcp ? sb_srtp_unprotect_rtcp(f->own, a, &la) : sb_srtp_unprotect_rtp(f->own, a, &la);
  int st = lib_call(rtcp ? srtp_unprotect_rtcp : srtp_unprotect, f->lib_in2, b, &lb);
  if (st == 0) {
    g_assert_cmpint(rc, ==, SB_OK);
    g_assert_cmpmem(a, la, b, lb);
    g_assert_cmpmem(a, la, h->plain, h->plain_len);
    (*accepted)++;
  } else {
    /* the same reason; a header that no longer fits is malformed */
    g_assert_cmpint(sb_srtp_last_status(f->own), ==, st);
    g_assert_cmpint(rc, ==,
                    st == srtp_err_status_bad_param || st == srtp_err_status_parse_err
                        ? SB_EINVAL
                        : SB_ECRYPTO);
    g_assert_cmpuint(la, ==, h->len);
  }
}

static void differential(gconstpointer data) {
  fixture f;
  fixture_init(&f, GPOINTER_TO_INT(data));
  GRand *rng = g_rand_new_with_seed(0x5b5b + (guint32)f.profile);
  enum { HOLD = 64 };
  held *pool = g_new0(held, HOLD);
  unsigned n_held = 0, accepted = 0, sent = 0;
  uint16_t seq[3] = {65000, 10, 40000};
  for (int step = 0; step < 20000; step++) {
    bool rtcp = g_rand_int_range(rng, 0, 8) == 0;
    int k = g_rand_int_range(rng, 0, 3);
    uint32_t ssrc = 0x7000u + (uint32_t)k;
    held h;
    if (rtcp) {
      h.plain_len = make_rtcp(h.plain, ssrc, (uint32_t)step);
    } else {
      int r = g_rand_int_range(rng, 0, 100);
      int jump = r < 70   ? 1
                 : r < 80 ? 0
                 : r < 90 ? -g_rand_int_range(rng, 1, 1100)
                          : g_rand_int_range(rng, 2, 3000);
      seq[k] = (uint16_t)(seq[k] + jump);
      h.plain_len = make_rtp(h.plain, seq[k], ssrc, (unsigned)(step % 3), (unsigned)(step % 2),
                             (size_t)g_rand_int_range(rng, 0, 300));
    }
    memcpy(h.data, h.plain, h.plain_len);
    h.len = h.plain_len;
    if (lib_call(rtcp ? srtp_protect_rtcp : srtp_protect, f.lib_out2, h.data, &h.len) != 0)
      continue; /* libsrtp2 refuses to send far back (replay_old): fine */
    sent++;
    if (g_rand_int_range(rng, 0, 20) == 0) /* tampered somewhere */
      h.data[g_rand_int_range(rng, 0, (gint32)h.len)] ^=
          (uint8_t)(1 << g_rand_int_range(rng, 0, 8));
    int what = g_rand_int_range(rng, 0, 10);
    if (what < 6) { /* now */
      deliver_both(&f, &h, rtcp, &accepted);
    } else if (what < 8 && n_held < HOLD) { /* later */
      pool[n_held++] = h;
    } else { /* now and again later */
      deliver_both(&f, &h, rtcp, &accepted);
      if (n_held < HOLD) pool[n_held++] = h;
    }
    if (n_held > 0 && g_rand_int_range(rng, 0, 3) == 0) { /* a held one, in any order */
      unsigned j = (unsigned)g_rand_int_range(rng, 0, (gint32)n_held);
      const held *p = &pool[j];
      bool p_rtcp =
          (p->plain[1] >= 200 && p->plain[1] <= 206) && (p->plain[0] & 0x80) && p->plain_len == 44;
      deliver_both(&f, p, p_rtcp, &accepted);
      pool[j] = pool[--n_held];
    }
  }
  g_assert_cmpuint(accepted, >, sent / 2); /* the run did exercise acceptance */
  g_free(pool);
  g_rand_free(rng);
  fixture_free(&f);
}

/* ---- out of order, replay, too old -------------------------------------- */

static void reorder(gconstpointer data) {
  fixture f;
  fixture_init(&f, GPOINTER_TO_INT(data));
  enum { N = 300 };
  held *p = g_new0(held, N + 2);
  /* 300 packets across a wrap (65400 .. 164), protected by libsrtp2 */
  for (int i = 0; i < N; i++) {
    p[i].plain_len = make_rtp(p[i].plain, (uint16_t)(65400 + i), 0xabcd, 1, 1, 40);
    memcpy(p[i].data, p[i].plain, p[i].plain_len);
    p[i].len = p[i].plain_len;
    g_assert_cmpint(lib_call(srtp_protect, f.lib_out2, p[i].data, &p[i].len), ==, 0);
  }
  /* first the 10th, so the stream starts there (ROC 0), then the rest
   * shuffled: all inside the window, all accepted once */
  GRand *rng = g_rand_new_with_seed(7);
  int order[N];
  for (int i = 0; i < N; i++)
    order[i] = i;
  for (int i = N - 1; i > 10; i--) {
    int j = g_rand_int_range(rng, 11, i + 1), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  uint8_t buf[BUF_CAP];
  for (int i = 10; i < N; i++) {
    const held *h = &p[order[i]];
    size_t len = h->len;
    memcpy(buf, h->data, len);
    g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, buf, &len), ==, SB_OK);
    g_assert_cmpmem(buf, len, h->plain, h->plain_len);
  }
  /* the same packets again: replays */
  for (int i = 10; i < N; i += 17) {
    size_t len = p[i].len;
    memcpy(buf, p[i].data, len);
    g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, buf, &len), ==, SB_ECRYPTO);
    g_assert_cmpuint(len, ==, p[i].len);
    g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(f.own)), ==, "replay_fail");
  }
  /* before the first one but inside the window: accepted (ROC 0) */
  size_t len = p[3].len;
  memcpy(buf, p[3].data, len);
  g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, buf, &len), ==, SB_OK);
  /* a jump of 1100, then the held packets 0..2 are too old */
  p[N].plain_len = make_rtp(p[N].plain, (uint16_t)(65400 + N + 1100), 0xabcd, 0, 0, 10);
  memcpy(p[N].data, p[N].plain, p[N].plain_len);
  p[N].len = p[N].plain_len;
  g_assert_cmpint(lib_call(srtp_protect, f.lib_out2, p[N].data, &p[N].len), ==, 0);
  g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, p[N].data, &p[N].len), ==, SB_OK);
  len = p[0].len;
  memcpy(buf, p[0].data, len);
  g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, buf, &len), ==, SB_ECRYPTO);
  g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(f.own)), ==, "replay_old");

  /* the other way: ours protected, shuffled into libsrtp2 */
  for (int i = 0; i < N; i++) {
    p[i].plain_len = make_rtp(p[i].plain, (uint16_t)(65500 + i), 0x4321, 2, 0, 60);
    memcpy(p[i].data, p[i].plain, p[i].plain_len);
    p[i].len = p[i].plain_len;
    g_assert_cmpint(sb_srtp_protect_rtp(f.own, p[i].data, &p[i].len, BUF_CAP), ==, SB_OK);
  }
  for (int i = 0; i < N; i++) {
    const held *h = &p[order[i]];
    len = h->len;
    memcpy(buf, h->data, len);
    g_assert_cmpint(lib_call(srtp_unprotect, f.lib_in1, buf, &len), ==, 0);
    g_assert_cmpmem(buf, len, h->plain, h->plain_len);
  }
  g_rand_free(rng);
  g_free(p);
  fixture_free(&f);
}

/* ---- sending side: repeats allowed, too old refused, as libsrtp2 --------- */

static void repeat_tx(gconstpointer data) {
  fixture f;
  fixture_init(&f, GPOINTER_TO_INT(data));
  static const uint16_t seqs[] = {100,  101,   100,   50,  101,   2000, 977,   976,  977,  1999,
                                  2000, 65000, 64999, 100, 65535, 0,    65535, 3000, 2999, 1000};
  uint8_t plain[BUF_CAP], ours[BUF_CAP], theirs[BUF_CAP];
  unsigned refused = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(seqs); i++) {
    size_t n = make_rtp(plain, seqs[i], 0x77, 0, 1, 30), lo = n, lt = n;
    memcpy(ours, plain, n);
    memcpy(theirs, plain, n);
    int rc = sb_srtp_protect_rtp(f.own, ours, &lo, sizeof ours);
    int st = lib_call(srtp_protect, f.lib_out1, theirs, &lt);
    if (st == 0) {
      g_assert_cmpint(rc, ==, SB_OK);
      g_assert_cmpmem(ours, lo, theirs, lt);
      /* the receiver follows (ROC), taking each index once */
      int rst = lib_call(srtp_unprotect, f.lib_in1, ours, &lo);
      g_assert_true(rst == 0 || rst == srtp_err_status_replay_fail);
    } else {
      g_assert_cmpint(rc, ==, SB_ECRYPTO);
      g_assert_cmpuint(lo, ==, n);
      g_assert_cmpint(sb_srtp_last_status(f.own), ==, st);
      refused++;
    }
  }
  g_assert_cmpuint(refused, ==, 2); /* 976 after 2000, 1000 after 3000 (ROC 1) */
  /* the repeated packet is identical and the receiver takes it once */
  size_t n = make_rtp(plain, 3001, 0x77, 0, 0, 30), l1 = n, l2 = n;
  memcpy(ours, plain, n);
  memcpy(theirs, plain, n);
  g_assert_cmpint(sb_srtp_protect_rtp(f.own, ours, &l1, sizeof ours), ==, SB_OK);
  g_assert_cmpint(sb_srtp_protect_rtp(f.own, theirs, &l2, sizeof theirs), ==, SB_OK);
  g_assert_cmpmem(ours, l1, theirs, l2);
  g_assert_cmpint(lib_call(srtp_unprotect, f.lib_in1, ours, &l1), ==, 0);
  g_assert_cmpint(lib_call(srtp_unprotect, f.lib_in1, theirs, &l2), ==,
                  srtp_err_status_replay_fail);
  fixture_free(&f);
}

/* ---- tampering ------------------------------------------------------------ */

static void tampered(gconstpointer data) {
  fixture f;
  fixture_init(&f, GPOINTER_TO_INT(data));
  uint8_t plain[BUF_CAP], good[BUF_CAP], buf[BUF_CAP];
  size_t tl = tag_len(f.profile);
  /* a stream at 5000 */
  size_t n = make_rtp(plain, 5000, 0x99, 2, 2, 100), glen = n;
  memcpy(good, plain, n);
  g_assert_cmpint(lib_call(srtp_protect, f.lib_out2, good, &glen), ==, 0);
  memcpy(buf, good, glen);
  size_t len = glen;
  g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, buf, &len), ==, SB_OK);
  /* the next packet, with one bit flipped in each part */
  n = make_rtp(plain, 5001, 0x99, 2, 2, 100);
  glen = n;
  memcpy(good, plain, n);
  g_assert_cmpint(lib_call(srtp_protect, f.lib_out2, good, &glen), ==, 0);
  const size_t where[] = {1, 5, 13, 21, 26, 12 + 8 + 12 + 5, glen - tl - 1, glen - tl, glen - 1};
  for (size_t i = 0; i < G_N_ELEMENTS(where); i++) {
    memcpy(buf, good, glen);
    buf[where[i]] ^= 0x10;
    len = glen;
    g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, buf, &len), ==, SB_ECRYPTO);
    g_assert_cmpuint(len, ==, glen);
    g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(f.own)), ==, "auth_fail");
  }
  /* a forged jump far ahead: refused, and the window has not moved */
  size_t fn = make_rtp(buf, 9000, 0x99, 0, 0, 50) + tl;
  g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, buf, &fn), ==, SB_ECRYPTO);
  memcpy(buf, good, glen);
  len = glen;
  g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, buf, &len), ==, SB_OK);
  g_assert_cmpmem(buf, len, plain, n);
  n = make_rtp(plain, 4990, 0x99, 0, 0, 10); /* 11 behind: still inside the window */
  glen = n;
  memcpy(good, plain, n);
  g_assert_cmpint(lib_call(srtp_protect, f.lib_out2, good, &glen), ==, 0);
  g_assert_cmpint(sb_srtp_unprotect_rtp(f.own, good, &glen), ==, SB_OK);

  /* SRTCP: header, payload, tag and E||index */
  n = make_rtcp(plain, 0x99, 1);
  glen = n;
  memcpy(good, plain, n);
  g_assert_cmpint(lib_call(srtp_protect_rtcp, f.lib_out2, good, &glen), ==, 0);
  size_t idx_at = f.profile == SB_SRTP_AEAD_AES_128_GCM ? glen - 1 : glen - tl - 1;
  const size_t rwhere[] = {1, 6, 20, idx_at, idx_at - 2, glen - 1, glen - tl};
  for (size_t i = 0; i < G_N_ELEMENTS(rwhere); i++) {
    memcpy(buf, good, glen);
    buf[rwhere[i]] ^= 0x01;
    len = glen;
    g_assert_cmpint(sb_srtp_unprotect_rtcp(f.own, buf, &len), ==, SB_ECRYPTO);
    g_assert_cmpuint(len, ==, glen);
  }
  memcpy(buf, good, glen);
  len = glen;
  g_assert_cmpint(sb_srtp_unprotect_rtcp(f.own, buf, &len), ==, SB_OK);
  g_assert_cmpmem(buf, len, plain, n);
  /* and ours, tampered, is refused by libsrtp2 */
  n = make_rtp(plain, 77, 0x42, 1, 1, 64);
  len = n;
  memcpy(buf, plain, n);
  g_assert_cmpint(sb_srtp_protect_rtp(f.own, buf, &len, sizeof buf), ==, SB_OK);
  buf[n - 3] ^= 0x80;
  g_assert_cmpint(lib_call(srtp_unprotect, f.lib_in1, buf, &len), ==, srtp_err_status_auth_fail);
  fixture_free(&f);
}

/* ---- RFC test vectors ----------------------------------------------------- */

static size_t unhex(const char *hex, uint8_t *out) {
  size_t n = 0;
  for (const char *p = hex; *p;) {
    if (*p == ' ' || *p == '\n') {
      p++;
      continue;
    }
    unsigned v;
    g_assert_cmpint(sscanf(p, "%2x", &v), ==, 1);
    out[n++] = (uint8_t)v;
    p += 2;
  }
  return n;
}

/* RFC 3711 B.3: key derivation, kdr = 0. */
static void rfc3711_b3(void) {
  uint8_t key[16], salt[14], want[32], got[32];
  unhex("E1F97A0D3E018BE0D64FA32C06DE4139", key);
  unhex("0EC675AD498AFEEBB6960B3AABE6", salt);
  sb_srtp_session_keys sk;
  g_assert_cmpint(sb_srtp_kdf(key, salt, 14, &sk), ==, SB_OK);
  g_assert_cmpmem(sk.rtp_key, 16, want, unhex("C61E7A93744F39EE10734AFE3FF7A087", want));
  g_assert_cmpmem(sk.rtp_salt, 14, want, unhex("30CBBC08863D8C85D49DB34A9AE1", want));
  g_assert_cmpmem(sk.rtp_auth, 20, want, unhex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", want));
  /* the auth key goes on (94 bytes in the RFC): its second block */
  g_assert_cmpint(sb_srtp_kdf_prf(key, salt, 14, 1, got, 32), ==, SB_OK);
  g_assert_cmpmem(got + 16, 16, want, unhex("6D38BAA48F0A0ACF3C34E2359E6CDBCE", want));
  /* the SRTCP labels differ from the SRTP ones */
  g_assert_true(memcmp(sk.rtcp_key, sk.rtp_key, 16) != 0);
  g_assert_cmpint(sb_srtp_kdf_prf(key, salt, 14, 3, got, 16), ==, SB_OK);
  g_assert_cmpmem(sk.rtcp_key, 16, got, 16);
}

/* RFC 3711 B.2: the AES-CM keystream for SSRC 0, index 0, through a whole
 * protect: the payload of zeros comes out as the keystream. */
static void rfc3711_b2(void) {
  sb_srtp_session_keys sk;
  memset(&sk, 0, sizeof sk);
  unhex("2B7E151628AED2A6ABF7158809CF4F3C", sk.rtp_key);
  unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD", sk.rtp_salt);
  sb_srtp *s;
  g_assert_cmpint(sb_srtp_own_new(SB_SRTP_AES128_CM_SHA1_80, &sk, &sk, &s), ==, SB_OK);
  const size_t seg = 1044512; /* 65282 blocks */
  uint8_t *pkt = g_malloc0(12 + seg + SB_SRTP_MAX_TRAILER), want[48];
  pkt[0] = 0x80;
  size_t len = 12 + seg;
  g_assert_cmpint(sb_srtp_protect_rtp(s, pkt, &len, 12 + seg + SB_SRTP_MAX_TRAILER), ==, SB_OK);
  g_assert_cmpmem(pkt + 12, 48, want,
                  unhex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
                        " 41E95B3BB0A2E8DD477901E4FCA894C0",
                        want));
  g_assert_cmpmem(pkt + 12 + 0xfeff * 16, 48, want,
                  unhex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE"
                        " 6A2CC3787889374FBEB4C81B17BA6C44",
                        want));
  /* and back */
  g_assert_cmpint(sb_srtp_unprotect_rtp(s, pkt, &len), ==, SB_OK);
  g_assert_cmpuint(len, ==, 12 + seg);
  for (size_t i = 12; i < len; i++)
    if (pkt[i]) g_assert_cmpuint(i, ==, 0);
  g_free(pkt);
  sb_srtp_free(s);
}

/* RFC 7714: session key 00..0f, salt "Quid pro quo", for SRTP and SRTCP. */
static sb_srtp *rfc7714_session(void) {
  sb_srtp_session_keys sk;
  memset(&sk, 0, sizeof sk);
  unhex("000102030405060708090a0b0c0d0e0f", sk.rtp_key);
  memcpy(sk.rtcp_key, sk.rtp_key, 16);
  unhex("517569642070726f2071756f", sk.rtp_salt);
  memcpy(sk.rtcp_salt, sk.rtp_salt, 12);
  sb_srtp *s;
  g_assert_cmpint(sb_srtp_own_new(SB_SRTP_AEAD_AES_128_GCM, &sk, &sk, &s), ==, SB_OK);
  return s;
}

static const char RFC7714_RTP[] = "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973"
                                  " 20646976 69736120 696e2070 61727465 73207472 6573";
static const char RFC7714_SRTP[] =
    "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a"
    " 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce";
static const char RFC7714_RTCP[] = "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930"
                                   " 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef";
static const char RFC7714_SRTCP[] =
    "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda"
    " 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4";
static const char RFC7714_SRTCP_AUTH_ONLY[] =
    "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef"
    " deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790 125f62b3 000005d4";

/* 16.1: SSRC 0x5501a0b2, ROC 0, SEQ 0xf17b. */
static void rfc7714_rtp(void) {
  uint8_t plain[128], want[128], buf[BUF_CAP];
  size_t pn = unhex(RFC7714_RTP, plain), wn = unhex(RFC7714_SRTP, want), len = pn;
  sb_srtp *s = rfc7714_session();
  memcpy(buf, plain, pn);
  g_assert_cmpint(sb_srtp_protect_rtp(s, buf, &len, sizeof buf), ==, SB_OK);
  g_assert_cmpmem(buf, len, want, wn);
  g_assert_cmpint(sb_srtp_unprotect_rtp(s, buf, &len), ==, SB_OK);
  g_assert_cmpmem(buf, len, plain, pn);
  sb_srtp_free(s);
}

/* 17.1 and 17.3: SSRC "Mars", SRTCP index 0x5d4, encrypted and not. */
static void rfc7714_rtcp(void) {
  uint8_t plain[128], want[128], buf[BUF_CAP];
  size_t pn = unhex(RFC7714_RTCP, plain), wn = unhex(RFC7714_SRTCP, want), len = wn;
  sb_srtp *s = rfc7714_session();
  memcpy(buf, want, wn);
  g_assert_cmpint(sb_srtp_unprotect_rtcp(s, buf, &len), ==, SB_OK);
  g_assert_cmpmem(buf, len, plain, pn);
  /* the sender reaches index 0x5d4 after 0x5d3 packets of that SSRC */
  for (int i = 1; i < 0x5d4; i++) {
    len = pn;
    memcpy(buf, plain, pn);
    g_assert_cmpint(sb_srtp_protect_rtcp(s, buf, &len, sizeof buf), ==, SB_OK);
  }
  len = pn;
  memcpy(buf, plain, pn);
  g_assert_cmpint(sb_srtp_protect_rtcp(s, buf, &len, sizeof buf), ==, SB_OK);
  g_assert_cmpmem(buf, len, want, wn);
  sb_srtp_free(s);

  s = rfc7714_session();
  wn = unhex(RFC7714_SRTCP_AUTH_ONLY, want);
  len = wn;
  memcpy(buf, want, wn);
  g_assert_cmpint(sb_srtp_unprotect_rtcp(s, buf, &len), ==, SB_OK);
  g_assert_cmpmem(buf, len, plain, pn);
  memcpy(buf, want, wn); /* a replay now */
  len = wn;
  g_assert_cmpint(sb_srtp_unprotect_rtcp(s, buf, &len), ==, SB_ECRYPTO);
  sb_srtp_free(s);
  s = rfc7714_session();
  memcpy(buf, want, wn);
  buf[10] ^= 1; /* not encrypted, but authenticated */
  len = wn;
  g_assert_cmpint(sb_srtp_unprotect_rtcp(s, buf, &len), ==, SB_ECRYPTO);
  sb_srtp_free(s);
}

/* ---- srtp_replay.c -------------------------------------------------------- */

static void estimate(void) {
  uint64_t idx = 0;
  const struct {
    uint64_t highest;
    uint16_t seq;
    uint64_t want;
  } cases[] = {
      {0, 0, 0},
      {0, 65535, 65535},   /* a new stream: ROC 0, never -1 */
      {100, 65000, 65000}, /* still ROC 0 while highest <= 2^15 */
      {0x8000, 1, 1},
      {0x8001, 0, 0x10000},       /* past 2^15: the nearest index */
      {0x8001, 1, 1},             /* exactly half behind: behind */
      {0xfff0, 5, 0x10005},       /* forward over the wrap */
      {0x10005, 0xfff0, 0xfff0},  /* back over the wrap */
      {0x10005, 0x8006, 0x8006},  /* less than half behind: behind */
      {0x10005, 0x8005, 0x18005}, /* exactly half: ahead (libsrtp2's choice) */
      {0x10005, 0x8004, 0x18004}, /* more than half behind reads as ahead */
      {0x3fffe, 3, 0x40003},
      {0x40003, 0xfffe, 0x3fffe},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_assert_cmpint(sb_srtp_rtp_estimate(cases[i].highest, cases[i].seq, &idx), ==, 0);
    g_assert_cmphex(idx, ==, cases[i].want);
  }
  /* the ROC must not wrap: the key is used up */
  idx = 42;
  g_assert_cmpint(sb_srtp_rtp_estimate(SB_SRTP_MAX_RTP_INDEX - 10, 3, &idx), ==,
                  SB_SRTP_ST_KEY_EXPIRED);
  g_assert_cmpuint(idx, ==, 42);
  g_assert_cmpint(sb_srtp_rtp_estimate(SB_SRTP_MAX_RTP_INDEX - 10, 0xffff, &idx), ==, 0);
  g_assert_cmphex(idx, ==, SB_SRTP_MAX_RTP_INDEX);
  g_assert_cmpint(sb_srtp_rtp_too_old(5000, 3976), ==, SB_SRTP_ST_REPLAY_OLD);
  g_assert_cmpint(sb_srtp_rtp_too_old(5000, 3977), ==, 0);
  g_assert_cmpint(sb_srtp_rtp_too_old(5000, 9000), ==, 0);
}

/* Random adds and checks against a set of every index added and the
 * highest: the window answers as the model, within its size. */
static void windows(void) {
  GRand *rng = g_rand_new_with_seed(99);
  for (int kind = 0; kind < 2; kind++) {
    unsigned size = kind ? SB_SRTP_RTCP_WINDOW : SB_SRTP_RTP_WINDOW;
    sb_srtp_rtp_window rw;
    sb_srtp_rtcp_window cw;
    memset(&rw, 0, sizeof rw);
    memset(&cw, 0, sizeof cw);
    GHashTable *seen = g_hash_table_new(g_int64_hash, g_int64_equal);
    gint64 *keys = g_new(gint64, 30000);
    uint64_t highest = 0, at = 5;
    unsigned checks[3] = {0, 0, 0};
    for (int i = 0; i < 30000; i++) {
      int r = g_rand_int_range(rng, 0, 100);
      if (r < 50)
        at += 1;
      else if (r < 60)
        at += (uint64_t)g_rand_int_range(rng, 2, 3 * (gint32)size);
      uint64_t q = at - (uint64_t)g_rand_int_range(rng, 0, (gint32)(size + size / 4));
      if (q > at) q = 0; /* below zero */
      int want = q > highest                                         ? 0
                 : highest - q >= size                               ? SB_SRTP_ST_REPLAY_OLD
                 : g_hash_table_contains(seen, &(gint64){(gint64)q}) ? SB_SRTP_ST_REPLAY_FAIL
                                                                     : 0;
      int got =
          kind ? sb_srtp_rtcp_window_check(&cw, (uint32_t)q) : sb_srtp_rtp_window_check(&rw, q);
      g_assert_cmpint(got, ==, want);
      checks[want == 0 ? 0 : want == SB_SRTP_ST_REPLAY_FAIL ? 1 : 2]++;
      if (want == 0 && g_rand_boolean(rng)) {
        if (kind)
          sb_srtp_rtcp_window_add(&cw, (uint32_t)q);
        else
          sb_srtp_rtp_window_add(&rw, q);
        keys[i] = (gint64)q;
        g_hash_table_add(seen, &keys[i]);
        if (q > highest) highest = q;
      }
    }
    for (int c = 0; c < 3; c++)
      g_assert_cmpuint(checks[c], >, 100);
    g_hash_table_destroy(seen);
    g_free(keys);
  }
  g_rand_free(rng);
}

/* ---- the fuzz corpus' valid seeds ------------------------------------------ */

static void corpus_seeds(void) {
  GError *err = NULL;
  GDir *d = g_dir_open(SB_SRTP_CORPUS_DIR, 0, &err);
  g_assert_no_error(err);
  srtp_t lib[2];
  sb_srtp *own[2];
  for (int p = 0; p < 2; p++) {
    sb_srtp_keys k;
    sb_fuzz_srtp_keys(PROFILES[p], &k);
    g_assert_cmpint(sb_srtp_new(&k, &own[p]), ==, SB_OK);
    lib[p] = lib_session(PROFILES[p], k.remote_key, k.remote_salt, k.salt_len, ssrc_any_inbound);
  }
  unsigned checked = 0;
  const char *name;
  while ((name = g_dir_read_name(d))) {
    if (!g_str_has_prefix(name, "valid-")) continue;
    int p = g_str_has_prefix(name, "valid-gcm-") ? 0 : 1;
    bool rtcp = strstr(name, "-rtcp-") != NULL;
    char *path = g_build_filename(SB_SRTP_CORPUS_DIR, name, NULL);
    gchar *data;
    gsize n;
    g_assert_true(g_file_get_contents(path, &data, &n, NULL));
    uint8_t a[BUF_CAP], b[BUF_CAP];
    g_assert_cmpuint(n, <=, 1500);
    size_t la = n, lb = n;
    memcpy(a, data, n);
    memcpy(b, data, n);
    g_test_message("%s", name);
    g_assert_cmpint(rtcp ? sb_srtp_unprotect_rtcp(own[p], a, &la)
                         : sb_srtp_unprotect_rtp(own[p], a, &la),
                    ==, SB_OK);
    g_assert_cmpint(lib_call(rtcp ? srtp_unprotect_rtcp : srtp_unprotect, lib[p], b, &lb), ==, 0);
    g_assert_cmpmem(a, la, b, lb);
    if (rtcp) { /* a sender report: its NTP time follows the SSRC */
      static const uint8_t ntp[] = {0xe1, 0xa2, 0xb3, 0xc4};
      g_assert_cmpmem(a + 8, 4, ntp, 4);
    } else {
      size_t h = 12 + 4u * (a[0] & 0x0f);
      if (a[0] & 0x10) h += 4 + 4u * (size_t)(a[h + 2] << 8 | a[h + 3]);
      size_t m = la - h < 10 ? la - h : 10;
      g_assert_cmpmem(a + h, m, "Switchboard SRTP seed ", m);
    }
    checked++;
    g_free(data);
    g_free(path);
  }
  g_assert_cmpuint(checked, >=, 9);
  for (int p = 0; p < 2; p++) {
    sb_srtp_free(own[p]);
    srtp_dealloc(lib[p]);
  }
  g_dir_close(d);
}

int main(int argc, char **argv) {
  g_setenv("SB_SRTP_IMPL", "own", TRUE);
  g_test_init(&argc, &argv, NULL);
  g_assert_cmpint(sb_srtp_global_init(), ==, SB_OK);
  g_assert_cmpstr(sb_srtp_impl_name(), ==, "own");
  g_assert_cmpint(srtp_init(), ==, srtp_err_status_ok); /* libsrtp2 with its own ciphers */
  const char *names[] = {"gcm", "hmac"};
  for (int p = 0; p < 2; p++) {
    gconstpointer d = GINT_TO_POINTER(PROFILES[p]);
    char path[64];
#define ADD(test, fn)                                                                              \
  snprintf(path, sizeof path, "/srtp-interop/%s/" test, names[p]);                                 \
  g_test_add_data_func(path, d, fn)
    ADD("rtp-both-ways", rtp_cross);
    ADD("rtcp-both-ways", rtcp_cross);
    ADD("differential", differential);
    ADD("reorder-replay-old", reorder);
    ADD("repeat-tx", repeat_tx);
    ADD("tampered", tampered);
#undef ADD
  }
  g_test_add_func("/srtp-interop/rfc3711/b2-keystream", rfc3711_b2);
  g_test_add_func("/srtp-interop/rfc3711/b3-key-derivation", rfc3711_b3);
  g_test_add_func("/srtp-interop/rfc7714/16.1-rtp", rfc7714_rtp);
  g_test_add_func("/srtp-interop/rfc7714/17-rtcp", rfc7714_rtcp);
  g_test_add_func("/srtp-interop/replay/estimate", estimate);
  g_test_add_func("/srtp-interop/replay/windows", windows);
  g_test_add_func("/srtp-interop/corpus-seeds", corpus_seeds);
  return g_test_run();
}
