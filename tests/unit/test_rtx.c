/* test_rtx.c - unit tests for the RFC 4588 retransmission payload format
 * (rtx.c): hand-built RTX packets checked byte by byte and field by field,
 * wrap -> unwrap round trips (plain, with CSRCs and an extension, with
 * padding on the original, with an empty payload), padding-only probes,
 * truncated RTX payloads, a too small output buffer and bad arguments. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtp.h"
#include "core/rtx.h"

/* V=2 P=0 X=0 CC=0, M=1 PT=96, seq 0x1234, ts 0xdeadbeef, SSRC 0x11223344,
 * payload "abcdef". */
static const uint8_t plain[] = {
    0x80, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x11,
    0x22, 0x33, 0x44, 'a',  'b',  'c',  'd',  'e',  'f',
};

/* Its RTX form with PT 97, seq 0x0102, SSRC 0x55667788: M kept, OSN 12 34. */
static const uint8_t plain_rtx[] = {
    0x80, 0xe1, 0x01, 0x02, 0xde, 0xad, 0xbe, 0xef, 0x55, 0x66,
    0x77, 0x88, 0x12, 0x34, 'a',  'b',  'c',  'd',  'e',  'f',
};

/* V=2 P=1 X=1 CC=2, M=0 PT=100, seq 0xffff, ts 1, SSRC 0xcafebabe, CSRCs
 * 0xaabbccdd 0x01020304, one-byte extension (1 word: id 1 len 2 "xyz"),
 * payload 01 02 03 04 05, padding 00 00 03. */
static const uint8_t full_pad[] = {
    0xb2, 0x64, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0xca, 0xfe, 0xba, 0xbe, /* fixed */
    0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02, 0x03, 0x04,                         /* CSRCs */
    0xbe, 0xde, 0x00, 0x01, 0x12, 'x',  'y',  'z',                          /* ext */
    0x01, 0x02, 0x03, 0x04, 0x05,                                           /* payload */
    0x00, 0x00, 0x03,                                                       /* padding */
};

/* Its RTX form with PT 101, seq 7, SSRC 0x0badf00d: P cleared, same CSRCs and
 * extension, OSN ff ff, payload, no padding. */
static const uint8_t full_rtx[] = {
    0x92, 0x65, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x0b, 0xad, 0xf0, 0x0d,
    0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02, 0x03, 0x04, 0xbe, 0xde, 0x00, 0x01,
    0x12, 'x',  'y',  'z',  0xff, 0xff, 0x01, 0x02, 0x03, 0x04, 0x05,
};

static void parse_ok(const uint8_t *p, size_t len, sb_rtp_header *h) {
  g_assert_cmpint(sb_rtp_parse(p, len, h), ==, SB_OK);
}

static void test_wrap_plain(void) {
  sb_rtp_header h;
  uint8_t out[64];
  size_t n = 0;
  parse_ok(plain, sizeof plain, &h);
  g_assert_cmpint(sb_rtx_wrap(plain, sizeof plain, &h, 97, 0x55667788, 0x0102, out, sizeof out, &n),
                  ==, SB_OK);
  g_assert_cmpmem(out, n, plain_rtx, sizeof plain_rtx);

  /* And back, in place. */
  sb_rtp_header r;
  parse_ok(out, n, &r);
  g_assert_cmpint(sb_rtx_unwrap(out, &n, &r, 96, 0x11223344), ==, SB_OK);
  g_assert_cmpmem(out, n, plain, sizeof plain);
}

static void test_wrap_csrc_ext_padding(void) {
  sb_rtp_header h;
  uint8_t out[64];
  size_t n = 0;
  parse_ok(full_pad, sizeof full_pad, &h);
  g_assert_cmpuint(h.padding_len, ==, 3);
  g_assert_cmpint(
      sb_rtx_wrap(full_pad, sizeof full_pad, &h, 101, 0x0badf00d, 7, out, sizeof out, &n), ==,
      SB_OK);
  g_assert_cmpuint(n, ==, 28 + 2 + 5);
  g_assert_cmpmem(out, n, full_rtx, sizeof full_rtx);

  /* Back: the original without its padding and with P cleared. */
  uint8_t want[sizeof full_pad - 3];
  memcpy(want, full_pad, sizeof want);
  want[0] = 0x92;
  sb_rtp_header r;
  parse_ok(out, n, &r);
  g_assert_cmpint(sb_rtx_unwrap(out, &n, &r, 100, 0xcafebabe), ==, SB_OK);
  g_assert_cmpuint(n, ==, 33);
  g_assert_cmpmem(out, n, want, sizeof want);
}

/* An RTX packet built by hand (P=1 with 2 padding bytes, X=1, CC=1, M=1,
 * PT 99, seq 0x8000, ts 0x01020304, SSRC 0x99999999, OSN 0xabcd, payload
 * 11 22 33) unwrapped to PT 98, SSRC 0x12345678 and read field by field. */
static void test_unwrap_fields(void) {
  uint8_t pkt[] = {
      0xb1, 0xe3, 0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x99, 0x99, 0x99, 0x99, /* fixed */
      0x0e, 0x0e, 0x0e, 0x0e,                                                 /* CSRC */
      0xbe, 0xde, 0x00, 0x01, 0x50, 0xaa, 0x00, 0x00,                         /* ext */
      0xab, 0xcd, 0x11, 0x22, 0x33,                                           /* OSN, payload */
      0x00, 0x02,                                                             /* padding */
  };
  size_t n = sizeof pkt;
  sb_rtp_header h, o;
  parse_ok(pkt, n, &h);
  g_assert_cmpuint(h.payload_len, ==, 5);
  g_assert_cmpint(sb_rtx_unwrap(pkt, &n, &h, 98, 0x12345678), ==, SB_OK);
  g_assert_cmpuint(n, ==, 24 + 3);
  parse_ok(pkt, n, &o);
  g_assert_false(o.padding);
  g_assert_true(o.extension);
  g_assert_true(o.marker);
  g_assert_cmpuint(o.csrc_count, ==, 1);
  g_assert_cmpuint(sb_rtp_csrc(&o, 0), ==, 0x0e0e0e0e);
  g_assert_cmpuint(o.payload_type, ==, 98);
  g_assert_cmpuint(o.seq, ==, 0xabcd);
  g_assert_cmpuint(o.timestamp, ==, 0x01020304);
  g_assert_cmpuint(o.ssrc, ==, 0x12345678);
  g_assert_cmpuint(o.ext_profile, ==, 0xbede);
  g_assert_cmpuint(o.ext_len, ==, 4);
  g_assert_cmpuint(sb_rtp_ext_data(&o)[0], ==, 0x50);
  g_assert_cmpuint(sb_rtp_ext_data(&o)[1], ==, 0xaa);
  static const uint8_t payload[] = {0x11, 0x22, 0x33};
  g_assert_cmpmem(sb_rtp_payload(&o), o.payload_len, payload, sizeof payload);
  g_assert_cmpuint(o.padding_len, ==, 0);
}

/* An original with an empty payload: the RTX form is header + OSN. */
static void test_empty_payload(void) {
  const uint8_t orig[] = {0x80, 0x60, 0x00, 0x05, 0, 0, 0, 9, 0, 0, 0, 1};
  uint8_t out[16];
  size_t n = 0;
  sb_rtp_header h;
  parse_ok(orig, sizeof orig, &h);
  g_assert_cmpint(sb_rtx_wrap(orig, sizeof orig, &h, 97, 2, 3, out, sizeof out, &n), ==, SB_OK);
  const uint8_t want[] = {0x80, 0x61, 0x00, 0x03, 0, 0, 0, 9, 0, 0, 0, 2, 0x00, 0x05};
  g_assert_cmpmem(out, n, want, sizeof want);
  parse_ok(out, n, &h);
  g_assert_cmpint(sb_rtx_unwrap(out, &n, &h, 96, 1), ==, SB_OK);
  g_assert_cmpmem(out, n, orig, sizeof orig);
}

/* Checks that unwrap fails with rc and leaves the packet alone. */
static void unwrap_fails(const uint8_t *src, size_t len, int rc) {
  uint8_t copy[300];
  size_t n = len;
  sb_rtp_header h;
  g_assert_cmpuint(len, <=, sizeof copy);
  memcpy(copy, src, len);
  parse_ok(copy, n, &h);
  g_assert_cmpint(sb_rtx_unwrap(copy, &n, &h, 96, 1), ==, rc);
  g_assert_cmpuint(n, ==, len);
  g_assert_cmpmem(copy, n, src, len);
}

/* Padding-only RTX packets (what libwebrtc sends as bandwidth probes):
 * nothing to recover. */
static void test_padding_only(void) {
  const uint8_t probe[] = {0xa0, 0x61, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4};
  unwrap_fails(probe, sizeof probe, SB_ENOTFOUND);
  uint8_t big[12 + 255];
  memset(big, 0, sizeof big);
  memcpy(big, probe, 12);
  big[sizeof big - 1] = 255;
  unwrap_fails(big, sizeof big, SB_ENOTFOUND);
}

/* Less than the 2-byte OSN in the payload. */
static void test_truncated(void) {
  const uint8_t none[] = {0x80, 0x61, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
  const uint8_t one[] = {0x80, 0x61, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x12};
  const uint8_t one_pad[] = {0xa0, 0x61, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x12, 0, 2};
  unwrap_fails(none, sizeof none, SB_ETRUNC);
  unwrap_fails(one, sizeof one, SB_ETRUNC);
  unwrap_fails(one_pad, sizeof one_pad, SB_ETRUNC);
}

static void test_small_cap(void) {
  sb_rtp_header h;
  uint8_t out[64];
  size_t n = 12345;
  parse_ok(full_pad, sizeof full_pad, &h);
  memset(out, 0xaa, sizeof out);
  g_assert_cmpint(
      sb_rtx_wrap(full_pad, sizeof full_pad, &h, 101, 0x0badf00d, 7, out, sizeof full_rtx - 1, &n),
      ==, SB_ENOSPC);
  g_assert_cmpuint(n, ==, 12345);
  for (size_t i = 0; i < sizeof out; i++)
    g_assert_cmpuint(out[i], ==, 0xaa);
  g_assert_cmpint(sb_rtx_wrap(full_pad, sizeof full_pad, &h, 101, 0x0badf00d, 7, NULL, 100, &n), ==,
                  SB_ENOSPC);
  /* Exactly enough. */
  g_assert_cmpint(
      sb_rtx_wrap(full_pad, sizeof full_pad, &h, 101, 0x0badf00d, 7, out, sizeof full_rtx, &n), ==,
      SB_OK);
  g_assert_cmpmem(out, n, full_rtx, sizeof full_rtx);
  g_assert_cmpuint(out[sizeof full_rtx], ==, 0xaa);
}

static void test_bad_args(void) {
  sb_rtp_header h;
  uint8_t out[64];
  size_t n = 0;
  parse_ok(plain, sizeof plain, &h);
  g_assert_cmpint(sb_rtx_wrap(plain, sizeof plain, &h, 128, 1, 1, out, sizeof out, &n), ==,
                  SB_EINVAL);
  /* h parsed from a packet of another length. */
  g_assert_cmpint(sb_rtx_wrap(plain, sizeof plain - 1, &h, 97, 1, 1, out, sizeof out, &n), ==,
                  SB_EINVAL);
  memcpy(out, plain_rtx, sizeof plain_rtx);
  n = sizeof plain_rtx;
  parse_ok(out, n, &h);
  g_assert_cmpint(sb_rtx_unwrap(out, &n, &h, 200, 1), ==, SB_EINVAL);
  n--;
  g_assert_cmpint(sb_rtx_unwrap(out, &n, &h, 96, 1), ==, SB_EINVAL);
  g_assert_cmpmem(out, sizeof plain_rtx, plain_rtx, sizeof plain_rtx);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtx/wrap-plain", test_wrap_plain);
  g_test_add_func("/rtx/wrap-csrc-ext-padding", test_wrap_csrc_ext_padding);
  g_test_add_func("/rtx/unwrap-fields", test_unwrap_fields);
  g_test_add_func("/rtx/empty-payload", test_empty_payload);
  g_test_add_func("/rtx/padding-only", test_padding_only);
  g_test_add_func("/rtx/truncated", test_truncated);
  g_test_add_func("/rtx/small-cap", test_small_cap);
  g_test_add_func("/rtx/bad-args", test_bad_args);
  return g_test_run();
}
