/* test_srtp.c - unit tests for the SRTP API (srtp.h): round trips in both
 * profiles and both directions, tampering, replay, repeated transmission,
 * bad arguments, and a known-answer check of the first protected packet
 * against an independent RFC 3711 / RFC 7714 computation with OpenSSL (so a
 * key/salt mix-up that would be symmetric between two sb_srtp is still
 * caught). Built twice (mk/media.mk): SB_TEST_SRTP_IMPL names the
 * implementation each binary sets in SB_SRTP_IMPL and checks it got, "own"
 * or "libsrtp2"; the stream-table tests only apply to the own one. */
#include <glib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/error.h"
#include "srtp.h"

#ifndef SB_TEST_SRTP_IMPL
#define SB_TEST_SRTP_IMPL "own"
#endif

#define BUF_CAP (1500 + SB_SRTP_MAX_TRAILER)

/* Random keys for `profile` in a and the mirror image in b. */
static void make_keys(sb_srtp_profile profile, sb_srtp_keys *a, sb_srtp_keys *b) {
  size_t kl, sl;
  g_assert_cmpint(sb_srtp_profile_lengths(profile, &kl, &sl), ==, SB_OK);
  memset(a, 0, sizeof *a);
  a->profile = profile;
  a->key_len = (uint8_t)kl;
  a->salt_len = (uint8_t)sl;
  g_assert_cmpint(RAND_bytes(a->local_key, (int)kl), ==, 1);
  g_assert_cmpint(RAND_bytes(a->local_salt, (int)sl), ==, 1);
  g_assert_cmpint(RAND_bytes(a->remote_key, (int)kl), ==, 1);
  g_assert_cmpint(RAND_bytes(a->remote_salt, (int)sl), ==, 1);
  *b = *a;
  memcpy(b->local_key, a->remote_key, kl);
  memcpy(b->local_salt, a->remote_salt, sl);
  memcpy(b->remote_key, a->local_key, kl);
  memcpy(b->remote_salt, a->local_salt, sl);
}

static void make_pair(sb_srtp_profile profile, sb_srtp **a, sb_srtp **b) {
  sb_srtp_keys ka, kb;
  make_keys(profile, &ka, &kb);
  g_assert_cmpint(sb_srtp_new(&ka, a), ==, SB_OK);
  g_assert_cmpint(sb_srtp_new(&kb, b), ==, SB_OK);
  sb_srtp_keys_wipe(&ka);
  sb_srtp_keys_wipe(&kb);
}

/* An RTP packet: 12-byte header and `payload` bytes of a pattern. */
static size_t make_rtp(uint8_t *buf, uint16_t seq, uint32_t ssrc, size_t payload) {
  buf[0] = 0x80;
  buf[1] = 96;
  buf[2] = (uint8_t)(seq >> 8);
  buf[3] = (uint8_t)seq;
  uint32_t ts = seq * 3000u;
  buf[4] = (uint8_t)(ts >> 24);
  buf[5] = (uint8_t)(ts >> 16);
  buf[6] = (uint8_t)(ts >> 8);
  buf[7] = (uint8_t)ts;
  buf[8] = (uint8_t)(ssrc >> 24);
  buf[9] = (uint8_t)(ssrc >> 16);
  buf[10] = (uint8_t)(ssrc >> 8);
  buf[11] = (uint8_t)ssrc;
  for (size_t i = 0; i < payload; i++)
    buf[12 + i] = (uint8_t)(i * 7 + seq);
  return 12 + payload;
}

/* An RTCP sender report without report blocks (28 bytes). */
static size_t make_rtcp(uint8_t *buf, uint32_t ssrc, uint32_t packets) {
  memset(buf, 0, 28);
  buf[0] = 0x80;
  buf[1] = 200;
  buf[3] = 6;
  buf[4] = (uint8_t)(ssrc >> 24);
  buf[5] = (uint8_t)(ssrc >> 16);
  buf[6] = (uint8_t)(ssrc >> 8);
  buf[7] = (uint8_t)ssrc;
  for (int i = 8; i < 20; i++)
    buf[i] = (uint8_t)(i * 13);
  buf[20] = (uint8_t)(packets >> 24);
  buf[23] = (uint8_t)packets;
  return 28;
}

static size_t rtp_growth(sb_srtp_profile p) { return p == SB_SRTP_AEAD_AES_128_GCM ? 16 : 10; }
static size_t rtcp_growth(sb_srtp_profile p) { return p == SB_SRTP_AEAD_AES_128_GCM ? 20 : 14; }

static void roundtrip(gconstpointer data) {
  sb_srtp_profile profile = GPOINTER_TO_INT(data);
  sb_srtp *a, *b;
  make_pair(profile, &a, &b);
  uint8_t plain[BUF_CAP], buf[BUF_CAP];
  /* Both directions, several SSRCs (no registration), many packets. */
  for (int dir = 0; dir < 2; dir++) {
    sb_srtp *tx = dir ? b : a, *rx = dir ? a : b;
    for (uint16_t seq = 65500; seq != 100; seq++) { /* wraps: exercises the ROC */
      uint32_t ssrc = 0x11111111u * (uint32_t)(1 + seq % 3) + (uint32_t)dir;
      size_t n = make_rtp(plain, seq, ssrc, 20 + seq % 1100);
      size_t len = n;
      memcpy(buf, plain, n);
      g_assert_cmpint(sb_srtp_protect_rtp(tx, buf, &len, sizeof buf), ==, SB_OK);
      g_assert_cmpuint(len, ==, n + rtp_growth(profile));
      g_assert_cmpmem(buf, 12, plain, 12);                  /* header in the clear */
      g_assert_true(memcmp(buf + 12, plain + 12, 16) != 0); /* payload encrypted */
      g_assert_cmpint(sb_srtp_unprotect_rtp(rx, buf, &len), ==, SB_OK);
      g_assert_cmpmem(buf, len, plain, n);
    }
    for (uint32_t i = 0; i < 50; i++) {
      size_t n = make_rtcp(plain, 0xabcdef00u + i % 2, i), len = n;
      memcpy(buf, plain, n);
      g_assert_cmpint(sb_srtp_protect_rtcp(tx, buf, &len, sizeof buf), ==, SB_OK);
      g_assert_cmpuint(len, ==, n + rtcp_growth(profile));
      g_assert_cmpint(sb_srtp_unprotect_rtcp(rx, buf, &len), ==, SB_OK);
      g_assert_cmpmem(buf, len, plain, n);
    }
  }
  g_assert_cmpint(sb_srtp_last_status(a), ==, 0);
  sb_srtp_free(a);
  sb_srtp_free(b);
}

static void tampered(gconstpointer data) {
  sb_srtp_profile profile = GPOINTER_TO_INT(data);
  sb_srtp *a, *b;
  make_pair(profile, &a, &b);
  uint8_t buf[BUF_CAP], saved[BUF_CAP];
  /* Flip a payload bit, a header bit, a tag bit: each is refused, and the
   * untouched packet still passes afterwards. */
  size_t positions[] = {40, 3, 0};
  size_t len = make_rtp(buf, 1, 42, 100);
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, sizeof buf), ==, SB_OK);
  memcpy(saved, buf, len);
  positions[2] = len - 1;
  for (size_t i = 0; i < G_N_ELEMENTS(positions); i++) {
    size_t l = len;
    memcpy(buf, saved, len);
    buf[positions[i]] ^= 0x04;
    g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &l), ==, SB_ECRYPTO);
    g_assert_cmpuint(l, ==, len);
    g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(b)), ==, "auth_fail");
  }
  memcpy(buf, saved, len);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_OK);

  len = make_rtcp(buf, 42, 1);
  g_assert_cmpint(sb_srtp_protect_rtcp(a, buf, &len, sizeof buf), ==, SB_OK);
  buf[10] ^= 0x80;
  g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &len), ==, SB_ECRYPTO);

  /* Keys of another association: refused. */
  sb_srtp *c, *d;
  make_pair(profile, &c, &d);
  len = make_rtp(buf, 2, 42, 100);
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, sizeof buf), ==, SB_OK);
  g_assert_cmpint(sb_srtp_unprotect_rtp(d, buf, &len), ==, SB_ECRYPTO);
  sb_srtp_free(a);
  sb_srtp_free(b);
  sb_srtp_free(c);
  sb_srtp_free(d);
}

static void replay(gconstpointer data) {
  sb_srtp_profile profile = GPOINTER_TO_INT(data);
  sb_srtp *a, *b;
  make_pair(profile, &a, &b);
  uint8_t p1[BUF_CAP], p2[BUF_CAP], buf[BUF_CAP];
  size_t l1 = make_rtp(p1, 10, 7, 50), l2;
  g_assert_cmpint(sb_srtp_protect_rtp(a, p1, &l1, sizeof p1), ==, SB_OK);
  /* The same packet twice: the second is a replay. */
  size_t len = l1;
  memcpy(buf, p1, l1);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_OK);
  len = l1;
  memcpy(buf, p1, l1);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_ECRYPTO);
  g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(b)), ==, "replay_fail");

  /* A packet older than the 1024-packet window is refused, one inside it
   * (out of order) is accepted. */
  l1 = make_rtp(p1, 11, 7, 50);
  g_assert_cmpint(sb_srtp_protect_rtp(a, p1, &l1, sizeof p1), ==, SB_OK);
  l2 = make_rtp(p2, 500, 7, 50);
  g_assert_cmpint(sb_srtp_protect_rtp(a, p2, &l2, sizeof p2), ==, SB_OK);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, p2, &l2), ==, SB_OK);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, p1, &l1), ==, SB_OK);
  l1 = make_rtp(p1, 12, 7, 50);
  g_assert_cmpint(sb_srtp_protect_rtp(a, p1, &l1, sizeof p1), ==, SB_OK);
  l2 = make_rtp(p2, 2000, 7, 50);
  g_assert_cmpint(sb_srtp_protect_rtp(a, p2, &l2, sizeof p2), ==, SB_OK);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, p2, &l2), ==, SB_OK);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, p1, &l1), ==, SB_ECRYPTO);
  g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(b)), ==, "replay_old");

  /* RTCP replay. */
  len = make_rtcp(p1, 7, 1);
  g_assert_cmpint(sb_srtp_protect_rtcp(a, p1, &len, sizeof p1), ==, SB_OK);
  l1 = len;
  memcpy(buf, p1, len);
  g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &l1), ==, SB_OK);
  l1 = len;
  memcpy(buf, p1, len);
  g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &l1), ==, SB_ECRYPTO);
  sb_srtp_free(a);
  sb_srtp_free(b);
}

/* A retransmission protects the same sequence number again (allowed on the
 * sending side, identical output); the receiver still takes it only once. */
static void repeat_tx(gconstpointer data) {
  sb_srtp_profile profile = GPOINTER_TO_INT(data);
  sb_srtp *a, *b;
  make_pair(profile, &a, &b);
  uint8_t p1[BUF_CAP], p2[BUF_CAP];
  size_t l1 = make_rtp(p1, 300, 9, 200);
  size_t l2 = make_rtp(p2, 300, 9, 200);
  g_assert_cmpint(sb_srtp_protect_rtp(a, p1, &l1, sizeof p1), ==, SB_OK);
  size_t l3 = make_rtp(p2 + 0, 301, 9, 200); /* a later packet in between */
  g_assert_cmpint(sb_srtp_protect_rtp(a, p2, &l3, sizeof p2), ==, SB_OK);
  l2 = make_rtp(p2, 300, 9, 200);
  g_assert_cmpint(sb_srtp_protect_rtp(a, p2, &l2, sizeof p2), ==, SB_OK);
  g_assert_cmpmem(p1, l1, p2, l2);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, p1, &l1), ==, SB_OK);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, p2, &l2), ==, SB_ECRYPTO);
  sb_srtp_free(a);
  sb_srtp_free(b);
}

static void bad_args(void) {
  sb_srtp *a, *b, *s = NULL;
  make_pair(SB_SRTP_AEAD_AES_128_GCM, &a, &b);
  uint8_t buf[BUF_CAP];
  /* Not enough room for the trailer: SB_ENOSPC, nothing changed. */
  size_t n = make_rtp(buf, 1, 1, 100), len = n;
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, n + SB_SRTP_MAX_TRAILER - 1), ==, SB_ENOSPC);
  g_assert_cmpuint(len, ==, n);
  g_assert_cmpint(sb_srtp_protect_rtcp(a, buf, &len, 10), ==, SB_ENOSPC);
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, n + SB_SRTP_MAX_TRAILER), ==, SB_OK);
  /* Too short to be RTP/RTCP. */
  len = 11;
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, sizeof buf), ==, SB_EINVAL);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_EINVAL);
  len = 7;
  g_assert_cmpint(sb_srtp_protect_rtcp(a, buf, &len, sizeof buf), ==, SB_EINVAL);
  g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &len), ==, SB_EINVAL);
  g_assert_cmpint(sb_srtp_protect_rtp(a, NULL, &len, sizeof buf), ==, SB_EINVAL);
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, NULL, sizeof buf), ==, SB_EINVAL);
  /* A header that announces more than the packet holds (15 CSRCs). */
  len = make_rtp(buf, 2, 1, 8);
  buf[0] = 0x8f;
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, sizeof buf), ==, SB_EINVAL);
  /* SRTP/SRTCP packets too short to hold their tag (16) and index (4). */
  len = make_rtp(buf, 3, 1, 15);
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_EINVAL);
  len = 8 + 19;
  g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &len), ==, SB_EINVAL);
  len = make_rtp(buf, 3, 1, 16); /* long enough: now it is the tag that fails */
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_ECRYPTO);

  /* Keys that don't fit their profile. */
  sb_srtp_keys k, k2;
  make_keys(SB_SRTP_AES128_CM_SHA1_80, &k, &k2);
  k.salt_len = 12;
  g_assert_cmpint(sb_srtp_new(&k, &s), ==, SB_EINVAL);
  k.salt_len = 14;
  k.profile = SB_SRTP_PROFILE_NONE;
  g_assert_cmpint(sb_srtp_new(&k, &s), ==, SB_EINVAL);
  k.profile = (sb_srtp_profile)2; /* AES_CM_128_HMAC_SHA1_32: not offered */
  g_assert_cmpint(sb_srtp_new(&k, &s), ==, SB_EINVAL);
  g_assert_null(s);
  g_assert_cmpint(sb_srtp_new(NULL, &s), ==, SB_EINVAL);
  sb_srtp_free(NULL);
  sb_srtp_free(a);
  sb_srtp_free(b);
}

static void helpers(void) {
  size_t kl = 0, sl = 0;
  g_assert_cmpint(sb_srtp_profile_lengths(SB_SRTP_AEAD_AES_128_GCM, &kl, &sl), ==, SB_OK);
  g_assert_cmpuint(kl, ==, 16);
  g_assert_cmpuint(sl, ==, 12);
  g_assert_cmpint(sb_srtp_profile_lengths(SB_SRTP_AES128_CM_SHA1_80, &kl, &sl), ==, SB_OK);
  g_assert_cmpuint(kl, ==, 16);
  g_assert_cmpuint(sl, ==, 14);
  g_assert_cmpint(sb_srtp_profile_lengths(SB_SRTP_PROFILE_NONE, &kl, &sl), ==, SB_EUNSUPPORTED);
  g_assert_cmpstr(sb_srtp_profile_name(SB_SRTP_AEAD_AES_128_GCM), ==, "AEAD_AES_128_GCM");
  g_assert_cmpstr(sb_srtp_profile_name(SB_SRTP_AES128_CM_SHA1_80), ==, "AES_CM_128_HMAC_SHA1_80");
  g_assert_cmpstr(sb_srtp_profile_name(SB_SRTP_PROFILE_NONE), ==, "none");
  g_assert_cmpstr(sb_srtp_status_name(0), ==, "ok");
  g_assert_cmpstr(sb_srtp_status_name(7), ==, "auth_fail");
  g_assert_cmpstr(sb_srtp_status_name(999), ==, "other");
  sb_srtp_keys k, k2, zero;
  make_keys(SB_SRTP_AES128_CM_SHA1_80, &k, &k2);
  memset(&zero, 0, sizeof zero);
  sb_srtp_keys_wipe(&k);
  g_assert_cmpmem(&k, sizeof k, &zero, sizeof zero);
  sb_srtp_keys_wipe(NULL);
}

static gpointer init_thread(gpointer data) {
  return GINT_TO_POINTER(sb_srtp_global_init() == SB_OK);
}

static void global_init_threads(void) {
  GThread *t[8];
  for (int i = 0; i < 8; i++)
    t[i] = g_thread_new("init", init_thread, NULL);
  for (int i = 0; i < 8; i++)
    g_assert_true(GPOINTER_TO_INT(g_thread_join(t[i])));
  g_assert_cmpint(sb_srtp_global_init(), ==, SB_OK);
}

/* ---- known answer: RFC 3711 / RFC 7714 computed with OpenSSL ------------- */

/* AES-128 in counter mode from iv over n bytes of in (NULL: zeros). */
static void aes_ctr(const uint8_t key[16], const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                    size_t n) {
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  uint8_t zeros[64] = {0};
  int ol = 0;
  g_assert_true(EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, key, iv));
  g_assert_true(EVP_EncryptUpdate(c, out, &ol, in ? in : zeros, (int)n));
  g_assert_cmpint(ol, ==, (int)n);
  EVP_CIPHER_CTX_free(c);
}

/* RFC 3711 4.3.1 with kdr = 0: the master salt is zero-padded to 14 bytes
 * (RFC 7714 section 11 for the 12-byte salt), XORed with the label in byte
 * 7, and extended by two zero bytes as the AES-CM IV. */
static void kdf(const sb_srtp_keys *k, uint8_t label, uint8_t *out, size_t n) {
  uint8_t iv[16] = {0};
  g_assert_cmpuint(n, <=, 64);
  memcpy(iv, k->local_salt, k->salt_len);
  iv[7] ^= label;
  aes_ctr(k->local_key, iv, NULL, out, n);
}

static void known_answer(gconstpointer data) {
  sb_srtp_profile profile = GPOINTER_TO_INT(data);
  sb_srtp_keys k, mirror;
  make_keys(profile, &k, &mirror);
  sb_srtp *s;
  g_assert_cmpint(sb_srtp_new(&k, &s), ==, SB_OK);
  uint8_t pkt[BUF_CAP], want[BUF_CAP];
  const uint16_t seq = 4321;
  const uint32_t ssrc = 0xdeadbeef;
  size_t n = make_rtp(pkt, seq, ssrc, 77), len = n;
  memcpy(want, pkt, n);
  g_assert_cmpint(sb_srtp_protect_rtp(s, pkt, &len, sizeof pkt), ==, SB_OK);

  uint8_t ekey[16], salt[14];
  kdf(&k, 0x00, ekey, 16);
  kdf(&k, 0x02, salt, k.salt_len);
  size_t want_len;
  if (profile == SB_SRTP_AES128_CM_SHA1_80) {
    /* RFC 3711 4.1.1: IV = salt*2^16 ^ SSRC*2^64 ^ index*2^16, ROC = 0. */
    uint8_t iv[16] = {0}, akey[20], tag[EVP_MAX_MD_SIZE];
    memcpy(iv, salt, 14);
    for (int i = 0; i < 4; i++)
      iv[4 + i] ^= (uint8_t)(ssrc >> (24 - 8 * i));
    iv[12] ^= (uint8_t)(seq >> 8);
    iv[13] ^= (uint8_t)seq;
    aes_ctr(ekey, iv, want + 12, want + 12, n - 12);
    /* RFC 3711 4.2: HMAC-SHA1 over the packet and the ROC, 80 bits. */
    kdf(&k, 0x01, akey, 20);
    uint8_t authed[BUF_CAP + 4];
    memcpy(authed, want, n);
    memset(authed + n, 0, 4); /* ROC */
    unsigned tl = 0;
    g_assert_nonnull(HMAC(EVP_sha1(), akey, 20, authed, n + 4, tag, &tl));
    g_assert_cmpuint(tl, ==, 20);
    memcpy(want + n, tag, 10);
    want_len = n + 10;
  } else {
    /* RFC 7714 8.1: IV = (00 00 SSRC ROC SEQ) ^ salt; AAD = header. */
    uint8_t iv[12] = {0};
    for (int i = 0; i < 4; i++)
      iv[2 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
    iv[10] = (uint8_t)(seq >> 8);
    iv[11] = (uint8_t)seq;
    for (int i = 0; i < 12; i++)
      iv[i] ^= salt[i];
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int ol = 0;
    g_assert_true(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL));
    g_assert_true(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL));
    g_assert_true(EVP_EncryptInit_ex(c, NULL, NULL, ekey, iv));
    g_assert_true(EVP_EncryptUpdate(c, NULL, &ol, want, 12));
    g_assert_true(EVP_EncryptUpdate(c, want + 12, &ol, want + 12, (int)(n - 12)));
    g_assert_true(EVP_EncryptFinal_ex(c, want + 12 + ol, &ol));
    g_assert_true(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, want + n));
    EVP_CIPHER_CTX_free(c);
    want_len = n + 16;
  }
  g_assert_cmpmem(pkt, len, want, want_len);
  sb_srtp_free(s);
}

/* The implementation this binary was built to test is the one in use. */
static void impl(void) { g_assert_cmpstr(sb_srtp_impl_name(), ==, SB_TEST_SRTP_IMPL); }

/* AES-CM SRTCP must be encrypted: E = 0 is refused before anything else. */
static void cm_rtcp_needs_e_flag(void) {
  sb_srtp *a, *b;
  make_pair(SB_SRTP_AES128_CM_SHA1_80, &a, &b);
  uint8_t buf[BUF_CAP];
  size_t len = make_rtcp(buf, 5, 1), n;
  g_assert_cmpint(sb_srtp_protect_rtcp(a, buf, &len, sizeof buf), ==, SB_OK);
  n = len;
  buf[len - 14] &= 0x7f; /* E||index precedes the 10-byte tag */
  g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &len), ==, SB_ECRYPTO);
  g_assert_cmpuint(len, ==, n);
  g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(b)), ==, "cant_check");
  buf[len - 14] |= 0x80;
  g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &len), ==, SB_OK);
  sb_srtp_free(a);
  sb_srtp_free(b);
}

/* Own implementation: SB_SRTP_MAX_STREAMS_OUT SSRCs can be protected and
 * SB_SRTP_MAX_STREAMS_IN unprotected; one more fails with SB_ENOSPC and
 * changes nothing; packets that fail to authenticate take no slot. */
static void stream_tables(gconstpointer data) {
  sb_srtp_profile profile = GPOINTER_TO_INT(data);
  sb_srtp *a, *b;
  make_pair(profile, &a, &b);
  uint8_t buf[BUF_CAP], saved[BUF_CAP];
  size_t len;
  /* Forged packets of 3 * SB_SRTP_MAX_STREAMS_IN new SSRCs: all refused. */
  for (uint32_t i = 0; i < 3 * SB_SRTP_MAX_STREAMS_IN; i++) {
    len = make_rtp(buf, 1, 0x50000 + i, 30) + rtp_growth(profile);
    g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_ECRYPTO);
    len = make_rtcp(buf, 0x50000 + i, 1) + rtcp_growth(profile);
    buf[len - (profile == SB_SRTP_AEAD_AES_128_GCM ? 4 : 14)] |= 0x80;
    g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &len), ==, SB_ECRYPTO);
  }
  /* Outbound: the table fills, then a new SSRC is refused (RTP and RTCP). */
  for (uint32_t i = 0; i < SB_SRTP_MAX_STREAMS_OUT; i++) {
    len = make_rtp(buf, 7, 0x1000 + i, 30);
    g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, sizeof buf), ==, SB_OK);
    if (i < SB_SRTP_MAX_STREAMS_IN) /* inbound: these fill the peer's table */
      g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_OK);
  }
  size_t n = make_rtp(buf, 7, 0x9999, 30);
  len = n;
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, sizeof buf), ==, SB_ENOSPC);
  g_assert_cmpuint(len, ==, n);
  g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(a)), ==, "no_ctx");
  len = n = make_rtcp(buf, 0x9999, 1);
  g_assert_cmpint(sb_srtp_protect_rtcp(a, buf, &len, sizeof buf), ==, SB_ENOSPC);
  g_assert_cmpuint(len, ==, n);
  /* Known SSRCs go on: RTCP of one (shares its stream), RTP of the last. */
  len = make_rtcp(buf, 0x1000, 1);
  g_assert_cmpint(sb_srtp_protect_rtcp(a, buf, &len, sizeof buf), ==, SB_OK);
  g_assert_cmpint(sb_srtp_unprotect_rtcp(b, buf, &len), ==, SB_OK);
  len = make_rtp(buf, 8, 0x1000 + SB_SRTP_MAX_STREAMS_OUT - 1, 30);
  g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, sizeof buf), ==, SB_OK);
  /* Inbound is full: a good packet of a new SSRC is refused, not decrypted. */
  memcpy(saved, buf, len);
  n = len;
  g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_ENOSPC);
  g_assert_cmpuint(len, ==, n);
  g_assert_cmpmem(buf, len, saved, n);
  g_assert_cmpstr(sb_srtp_status_name(sb_srtp_last_status(b)), ==, "no_ctx");
  /* ... and the known ones still pass. */
  for (uint32_t i = 0; i < SB_SRTP_MAX_STREAMS_IN; i++) {
    len = make_rtp(buf, 9, 0x1000 + i, 30);
    g_assert_cmpint(sb_srtp_protect_rtp(a, buf, &len, sizeof buf), ==, SB_OK);
    g_assert_cmpint(sb_srtp_unprotect_rtp(b, buf, &len), ==, SB_OK);
  }
  sb_srtp_free(a);
  sb_srtp_free(b);
}

int main(int argc, char **argv) {
  /* Before anything initialises SRTP: the implementation under test. */
  g_setenv("SB_SRTP_IMPL", SB_TEST_SRTP_IMPL, TRUE);
  g_test_init(&argc, &argv, NULL);
  gconstpointer gcm = GINT_TO_POINTER(SB_SRTP_AEAD_AES_128_GCM);
  gconstpointer hmac = GINT_TO_POINTER(SB_SRTP_AES128_CM_SHA1_80);
  g_test_add_func("/srtp/impl", impl);
  g_test_add_data_func("/srtp/gcm/roundtrip", gcm, roundtrip);
  g_test_add_data_func("/srtp/hmac/roundtrip", hmac, roundtrip);
  g_test_add_data_func("/srtp/gcm/tampered-rejected", gcm, tampered);
  g_test_add_data_func("/srtp/hmac/tampered-rejected", hmac, tampered);
  g_test_add_data_func("/srtp/gcm/replay-rejected", gcm, replay);
  g_test_add_data_func("/srtp/hmac/replay-rejected", hmac, replay);
  g_test_add_data_func("/srtp/gcm/repeat-tx-allowed", gcm, repeat_tx);
  g_test_add_data_func("/srtp/hmac/repeat-tx-allowed", hmac, repeat_tx);
  g_test_add_data_func("/srtp/gcm/known-answer", gcm, known_answer);
  g_test_add_data_func("/srtp/hmac/known-answer", hmac, known_answer);
  g_test_add_func("/srtp/bad-args", bad_args);
  g_test_add_func("/srtp/helpers", helpers);
  g_test_add_func("/srtp/global-init-threads", global_init_threads);
  g_test_add_func("/srtp/hmac/rtcp-needs-e-flag", cm_rtcp_needs_e_flag);
  if (strcmp(SB_TEST_SRTP_IMPL, "own") == 0) {
    g_test_add_data_func("/srtp/gcm/stream-tables", gcm, stream_tables);
    g_test_add_data_func("/srtp/hmac/stream-tables", hmac, stream_tables);
  }
  return g_test_run();
}
