/* test_rtp.c - unit tests for the RTP fixed header (rtp.c): parsing known
 * packets, rejecting truncated and self-contradictory ones, serializing, and
 * the in-place rewrite helpers. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtp.h"

/* V=2 P=0 X=1 CC=2, M=1 PT=96, seq 0x1234, ts 0xdeadbeef, SSRC 0x11223344,
 * CSRCs 0xaabbccdd 0x01020304, one-byte extension (0xbede, 2 words):
 * id 1 len 1 "a", id 3 len 3 12 34 56, two padding bytes; payload ca fe ba be. */
static const uint8_t pkt_csrc_ext[] = {
    0x92, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x11, 0x22, 0x33, 0x44, /* fixed */
    0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02, 0x03, 0x04,                         /* CSRCs */
    0xbe, 0xde, 0x00, 0x02,                                                 /* ext hdr */
    0x10, 'a',  0x32, 0x12, 0x34, 0x56, 0x00, 0x00,                         /* ext data */
    0xca, 0xfe, 0xba, 0xbe,                                                 /* payload */
};

/* V=2 P=1 X=1 CC=0, M=0 PT=111, seq 0xffff, ts 1, SSRC 0xcafebabe,
 * two-byte extension (0x1000, 3 words): id 1 len 0, one padding byte,
 * id 20 len 2 ab cd, id 5 len 3 "r1\0"; payload 01 02 03; padding 00 00 03. */
static const uint8_t pkt_two_byte_pad[] = {
    0xb0, 0x6f, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0xca, 0xfe, 0xba, 0xbe,
    0x10, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x14, 0x02, 0xab, 0xcd, 0x05,
    0x03, 'r',  '1',  0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x03,
};

static void test_parse_csrc_ext(void) {
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(pkt_csrc_ext, sizeof pkt_csrc_ext, &h), ==, SB_OK);
  g_assert_true(h.data == pkt_csrc_ext);
  g_assert_cmpuint(h.len, ==, 36);
  g_assert_false(h.padding);
  g_assert_true(h.extension);
  g_assert_true(h.marker);
  g_assert_cmpuint(h.csrc_count, ==, 2);
  g_assert_cmpuint(h.payload_type, ==, 96);
  g_assert_cmpuint(h.seq, ==, 0x1234);
  g_assert_cmphex(h.timestamp, ==, 0xdeadbeef);
  g_assert_cmphex(h.ssrc, ==, 0x11223344);
  g_assert_cmphex(sb_rtp_csrc(&h, 0), ==, 0xaabbccdd);
  g_assert_cmphex(sb_rtp_csrc(&h, 1), ==, 0x01020304);
  g_assert_cmphex(sb_rtp_csrc(&h, 2), ==, 0);
  g_assert_cmphex(h.ext_profile, ==, 0xbede);
  g_assert_cmpuint(h.ext_offset, ==, 24);
  g_assert_cmpuint(h.ext_len, ==, 8);
  g_assert_true(sb_rtp_ext_data(&h) == pkt_csrc_ext + 24);
  g_assert_cmpuint(h.header_len, ==, 32);
  g_assert_cmpuint(h.payload_offset, ==, 32);
  g_assert_cmpuint(h.payload_len, ==, 4);
  g_assert_cmpuint(h.padding_len, ==, 0);
  const uint8_t payload[] = {0xca, 0xfe, 0xba, 0xbe};
  g_assert_cmpmem(sb_rtp_payload(&h), h.payload_len, payload, sizeof payload);
}

static void test_parse_two_byte_padding(void) {
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(pkt_two_byte_pad, sizeof pkt_two_byte_pad, &h), ==, SB_OK);
  g_assert_true(h.padding);
  g_assert_true(h.extension);
  g_assert_false(h.marker);
  g_assert_cmpuint(h.csrc_count, ==, 0);
  g_assert_cmpuint(h.payload_type, ==, 111);
  g_assert_cmpuint(h.seq, ==, 65535);
  g_assert_cmphex(h.timestamp, ==, 1);
  g_assert_cmphex(h.ssrc, ==, 0xcafebabe);
  g_assert_cmphex(h.ext_profile, ==, 0x1000);
  g_assert_cmpuint(h.ext_offset, ==, 16);
  g_assert_cmpuint(h.ext_len, ==, 12);
  g_assert_cmpuint(h.header_len, ==, 28);
  g_assert_cmpuint(h.padding_len, ==, 3);
  g_assert_cmpuint(h.payload_len, ==, 3);
  const uint8_t payload[] = {1, 2, 3};
  g_assert_cmpmem(sb_rtp_payload(&h), h.payload_len, payload, sizeof payload);
}

static void test_parse_minimal(void) {
  const uint8_t p[] = {0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1};
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(p, sizeof p, &h), ==, SB_OK);
  g_assert_cmpuint(h.header_len, ==, 12);
  g_assert_cmpuint(h.payload_len, ==, 0);
  g_assert_false(h.extension);
  g_assert_cmpuint(h.ext_profile, ==, 0);
  g_assert_null(sb_rtp_ext_data(&h));
  g_assert_cmpuint(h.seq, ==, 1);
  g_assert_cmpuint(h.ssrc, ==, 1);
}

/* Parses and checks both the error code and that *out was left alone. */
static void expect_reject(const uint8_t *p, size_t len, int want) {
  sb_rtp_header h, before;
  memset(&h, 0xa5, sizeof h);
  memcpy(&before, &h, sizeof h);
  g_assert_cmpint(sb_rtp_parse(p, len, &h), ==, want);
  g_assert_cmpmem(&h, sizeof h, &before, sizeof before);
}

static void test_parse_rejects(void) {
  uint8_t p[64];

  /* Shorter than the fixed header, and NULL. */
  expect_reject(pkt_csrc_ext, 11, SB_ETRUNC);
  expect_reject(pkt_csrc_ext, 0, SB_ETRUNC);
  expect_reject(NULL, 12, SB_ETRUNC);

  /* Version 0, 1, 3. */
  const uint8_t vers[] = {0x00, 0x40, 0xc0};
  for (unsigned i = 0; i < G_N_ELEMENTS(vers); i++) {
    memcpy(p, pkt_csrc_ext, sizeof pkt_csrc_ext);
    p[0] = (uint8_t)(vers[i] | (p[0] & 0x3f));
    expect_reject(p, sizeof pkt_csrc_ext, SB_EINVAL);
  }

  /* CSRC list runs past the end: CC=15 needs 72 bytes, and the known packet
   * cut inside its second CSRC. */
  const uint8_t cc15[] = {0x8f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
  expect_reject(cc15, sizeof cc15, SB_ETRUNC);
  expect_reject(pkt_csrc_ext, 18, SB_ETRUNC);

  /* Extension header cut (20 bytes = up to the CSRCs), cut inside it (22),
   * and an extension length beyond the buffer (2 words announced, 1 there). */
  expect_reject(pkt_csrc_ext, 20, SB_ETRUNC);
  expect_reject(pkt_csrc_ext, 22, SB_ETRUNC);
  expect_reject(pkt_csrc_ext, 28, SB_ETRUNC);
  memcpy(p, pkt_csrc_ext, sizeof pkt_csrc_ext);
  p[23] = 0x09; /* 9 words = 36 bytes of extension data */
  expect_reject(p, sizeof pkt_csrc_ext, SB_ETRUNC);

  /* Padding: count 0, count larger than what follows the header, P set with
   * nothing after the header. */
  const uint8_t pad0[] = {0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa, 0x00};
  expect_reject(pad0, sizeof pad0, SB_EINVAL);
  const uint8_t pad_long[] = {0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa, 0x03};
  expect_reject(pad_long, sizeof pad_long, SB_EINVAL);
  const uint8_t pad_none[] = {0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x05};
  expect_reject(pad_none, sizeof pad_none, SB_EINVAL);
  /* The two-byte packet with its padding count bumped past the payload. */
  memcpy(p, pkt_two_byte_pad, sizeof pkt_two_byte_pad);
  p[sizeof pkt_two_byte_pad - 1] = 7;
  expect_reject(p, sizeof pkt_two_byte_pad, SB_EINVAL);
}

static void test_parse_padding_only(void) {
  /* Padding that fills everything after the header: payload_len 0. */
  const uint8_t p[] = {0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4};
  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(p, sizeof p, &h), ==, SB_OK);
  g_assert_cmpuint(h.padding_len, ==, 4);
  g_assert_cmpuint(h.payload_len, ==, 0);
  g_assert_cmpuint(h.payload_offset, ==, 12);
}

static void test_write_roundtrip(void) {
  const uint8_t *pkts[] = {pkt_csrc_ext, pkt_two_byte_pad};
  const size_t lens[] = {sizeof pkt_csrc_ext, sizeof pkt_two_byte_pad};
  for (unsigned i = 0; i < 2; i++) {
    sb_rtp_header h;
    sb_rtp_fields f;
    uint8_t out[64];
    size_t n = 0;
    g_assert_cmpint(sb_rtp_parse(pkts[i], lens[i], &h), ==, SB_OK);
    sb_rtp_fields_from_header(&h, &f);
    g_assert_cmpint(sb_rtp_write(&f, out, sizeof out, &n), ==, SB_OK);
    g_assert_cmpuint(n, ==, h.header_len);
    g_assert_cmpmem(out, n, pkts[i], h.header_len);
  }
}

static void test_write_fields(void) {
  sb_rtp_fields f = {0};
  uint8_t out[32];
  size_t n = 0;
  f.marker = true;
  f.payload_type = 100;
  f.seq = 0xfffe;
  f.timestamp = 0x01020304;
  f.ssrc = 0x0a0b0c0d;
  f.csrc_count = 1;
  f.csrc[0] = 0x55667788;
  g_assert_cmpint(sb_rtp_write(&f, out, sizeof out, &n), ==, SB_OK);
  const uint8_t want[] = {0x81, 0xe4, 0xff, 0xfe, 1,    2,    3,    4,
                          0x0a, 0x0b, 0x0c, 0x0d, 0x55, 0x66, 0x77, 0x88};
  g_assert_cmpmem(out, n, want, sizeof want);

  /* An extension with no data is legal: profile + length 0. */
  f.extension = true;
  f.ext_profile = 0xbede;
  g_assert_cmpint(sb_rtp_write(&f, out, sizeof out, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 20);
  g_assert_cmphex(out[0], ==, 0x91);
  const uint8_t ext_hdr[] = {0xbe, 0xde, 0x00, 0x00};
  g_assert_cmpmem(out + 16, 4, ext_hdr, 4);
}

static void test_write_rejects(void) {
  sb_rtp_fields f = {0};
  uint8_t out[16];
  size_t n = 99;
  memset(out, 0x77, sizeof out);
  f.payload_type = 128;
  g_assert_cmpint(sb_rtp_write(&f, out, sizeof out, &n), ==, SB_EINVAL);
  f.payload_type = 0;
  f.csrc_count = 16;
  g_assert_cmpint(sb_rtp_write(&f, out, sizeof out, &n), ==, SB_EINVAL);
  f.csrc_count = 0;
  f.extension = true;
  f.ext_len = 3;
  f.ext_data = out;
  g_assert_cmpint(sb_rtp_write(&f, out, sizeof out, &n), ==, SB_EINVAL);
  f.ext_len = 4;
  f.ext_data = NULL;
  g_assert_cmpint(sb_rtp_write(&f, out, sizeof out, &n), ==, SB_EINVAL);
  /* 12 + 4 + 4 = 20 bytes do not fit in 16. */
  const uint8_t ext[4] = {0x10, 0x01, 0, 0};
  f.ext_data = ext;
  g_assert_cmpint(sb_rtp_write(&f, out, sizeof out, &n), ==, SB_ENOSPC);
  g_assert_cmpint(sb_rtp_write(&f, out, 11, &n), ==, SB_ENOSPC);
  g_assert_cmpuint(n, ==, 99);
  for (unsigned i = 0; i < sizeof out; i++)
    g_assert_cmphex(out[i], ==, 0x77);
}

static void test_rewrite_in_place(void) {
  uint8_t p[sizeof pkt_csrc_ext];
  memcpy(p, pkt_csrc_ext, sizeof p);
  g_assert_cmpint(sb_rtp_set_ssrc(p, sizeof p, 0x99887766), ==, SB_OK);
  g_assert_cmpint(sb_rtp_set_seq(p, sizeof p, 0xfffe), ==, SB_OK);
  g_assert_cmpint(sb_rtp_set_timestamp(p, sizeof p, 0x00000010), ==, SB_OK);
  g_assert_cmpint(sb_rtp_set_payload_type(p, sizeof p, 111), ==, SB_OK);
  const uint8_t want[] = {0x92, 0xef, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x10, 0x99, 0x88, 0x77, 0x66};
  g_assert_cmpmem(p, 12, want, 12);
  /* Nothing after the fixed header moved. */
  g_assert_cmpmem(p + 12, sizeof p - 12, pkt_csrc_ext + 12, sizeof p - 12);

  /* Marker and PT share a byte: each setter keeps the other. */
  g_assert_cmpint(sb_rtp_set_marker(p, sizeof p, false), ==, SB_OK);
  g_assert_cmphex(p[1], ==, 0x6f);
  g_assert_cmpint(sb_rtp_set_payload_type(p, sizeof p, 0), ==, SB_OK);
  g_assert_cmphex(p[1], ==, 0x00);
  g_assert_cmpint(sb_rtp_set_marker(p, sizeof p, true), ==, SB_OK);
  g_assert_cmphex(p[1], ==, 0x80);

  sb_rtp_header h;
  g_assert_cmpint(sb_rtp_parse(p, sizeof p, &h), ==, SB_OK);
  g_assert_true(h.marker);
  g_assert_cmpuint(h.payload_type, ==, 0);
  g_assert_cmpuint(h.seq, ==, 0xfffe);
  g_assert_cmphex(h.timestamp, ==, 0x10);
  g_assert_cmphex(h.ssrc, ==, 0x99887766);

  g_assert_cmpint(sb_rtp_set_payload_type(p, sizeof p, 128), ==, SB_EINVAL);
  g_assert_cmphex(p[1], ==, 0x80);
  g_assert_cmpint(sb_rtp_set_ssrc(p, 11, 1), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtp_set_seq(p, 11, 1), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtp_set_timestamp(p, 11, 1), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtp_set_payload_type(p, 11, 1), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtp_set_marker(p, 11, false), ==, SB_ETRUNC);
  g_assert_cmphex(p[1], ==, 0x80);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtp/parse/csrc-one-byte-ext", test_parse_csrc_ext);
  g_test_add_func("/rtp/parse/two-byte-ext-padding", test_parse_two_byte_padding);
  g_test_add_func("/rtp/parse/minimal", test_parse_minimal);
  g_test_add_func("/rtp/parse/rejects-bad-packets", test_parse_rejects);
  g_test_add_func("/rtp/parse/padding-only", test_parse_padding_only);
  g_test_add_func("/rtp/write/roundtrip", test_write_roundtrip);
  g_test_add_func("/rtp/write/fields", test_write_fields);
  g_test_add_func("/rtp/write/rejects", test_write_rejects);
  g_test_add_func("/rtp/rewrite-in-place", test_rewrite_in_place);
  return g_test_run();
}
