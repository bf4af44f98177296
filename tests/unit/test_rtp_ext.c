/* test_rtp_ext.c - unit tests for RTP header extensions (rtp_ext.c): one-byte
 * and two-byte iteration, the value accessors, id 15 and padding, malformed
 * blocks, writing a block, and in-place id rewriting. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtp.h"
#include "core/rtp_ext.h"

/* The packets of test_rtp.c. One-byte: id 1 "a", id 3 12 34 56, 2 pad bytes. */
static const uint8_t pkt_one[] = {
    0x92, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x11, 0x22, 0x33, 0x44,
    0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02, 0x03, 0x04, 0xbe, 0xde, 0x00, 0x02,
    0x10, 'a',  0x32, 0x12, 0x34, 0x56, 0x00, 0x00, 0xca, 0xfe, 0xba, 0xbe,
};
/* Two-byte: id 1 len 0, pad, id 20 ab cd, id 5 "r1\0"; RTP padding 3. */
static const uint8_t pkt_two[] = {
    0xb0, 0x6f, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0xca, 0xfe, 0xba, 0xbe,
    0x10, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x14, 0x02, 0xab, 0xcd, 0x05,
    0x03, 'r',  '1',  0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x03,
};

/* Builds a packet "fixed header (no CSRC) + extension header + block" in buf. */
static size_t make_pkt(uint8_t *buf, uint16_t profile, const uint8_t *block, size_t block_len) {
  const uint8_t fixed[] = {0x90, 0x60, 0x00, 0x07, 0, 0, 0, 9, 0, 0, 0, 5};
  g_assert_cmpuint(block_len % 4, ==, 0);
  memcpy(buf, fixed, 12);
  buf[12] = (uint8_t)(profile >> 8);
  buf[13] = (uint8_t)profile;
  buf[14] = 0;
  buf[15] = (uint8_t)(block_len / 4);
  memcpy(buf + 16, block, block_len);
  return 16 + block_len;
}

static void parse_ok(const uint8_t *p, size_t len, sb_rtp_header *h) {
  g_assert_cmpint(sb_rtp_parse(p, len, h), ==, SB_OK);
}

static void test_iterate_one_byte(void) {
  sb_rtp_header h;
  sb_rtp_ext_iter it;
  sb_rtp_ext_elem e;
  parse_ok(pkt_one, sizeof pkt_one, &h);
  g_assert_cmpint(sb_rtp_ext_iter_init_header(&it, &h), ==, SB_OK);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_OK);
  g_assert_cmpuint(e.id, ==, 1);
  g_assert_cmpmem(e.data, e.len, "a", 1);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_OK);
  g_assert_cmpuint(e.id, ==, 3);
  const uint8_t v[] = {0x12, 0x34, 0x56};
  g_assert_cmpmem(e.data, e.len, v, 3);
  g_assert_true(e.data == pkt_one + 27); /* borrowed from the packet */
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_ENOTFOUND);
}

static void test_iterate_two_byte(void) {
  sb_rtp_header h;
  sb_rtp_ext_iter it;
  sb_rtp_ext_elem e;
  parse_ok(pkt_two, sizeof pkt_two, &h);
  g_assert_cmpint(sb_rtp_ext_iter_init_header(&it, &h), ==, SB_OK);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_OK);
  g_assert_cmpuint(e.id, ==, 1);
  g_assert_cmpuint(e.len, ==, 0);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_OK);
  g_assert_cmpuint(e.id, ==, 20);
  g_assert_cmpmem(e.data, e.len, "\xab\xcd", 2);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_OK);
  g_assert_cmpuint(e.id, ==, 5);
  g_assert_cmpmem(e.data, e.len, "r1", 3); /* with its NUL */
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_ENOTFOUND);

  /* appbits in the low nibble of the profile don't change the form */
  g_assert_true(sb_rtp_ext_profile_supported(0x100f));
  g_assert_false(sb_rtp_ext_profile_supported(0x1010));
  g_assert_false(sb_rtp_ext_profile_supported(0xbedf));
}

static void test_accessors(void) {
  sb_rtp_header h;
  char s[17];
  uint32_t ast = 0;
  uint16_t tseq = 0;

  parse_ok(pkt_one, sizeof pkt_one, &h);
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 1, s, sizeof s), ==, SB_OK);
  g_assert_cmpstr(s, ==, "a");
  g_assert_cmpint(sb_rtp_ext_get_abs_send_time(&h, 3, &ast), ==, SB_OK);
  g_assert_cmphex(ast, ==, 0x123456);
  /* 0x123456 / 2^18 s = 4.551109313... s */
  g_assert_cmpuint(sb_rtp_ext_abs_send_time_to_us(ast), ==, 4551109);
  g_assert_cmpint(sb_rtp_ext_get_abs_send_time(&h, 1, &ast), ==, SB_EINVAL);  /* 1 byte */
  g_assert_cmpint(sb_rtp_ext_get_transport_seq(&h, 3, &tseq), ==, SB_EINVAL); /* 3 bytes */
  g_assert_cmpint(sb_rtp_ext_get_rid(&h, 2, s, sizeof s), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_rtp_ext_get_rid(&h, 0, s, sizeof s), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 1, s, 1), ==, SB_ENOSPC); /* no room for NUL */

  parse_ok(pkt_two, sizeof pkt_two, &h);
  g_assert_cmpint(sb_rtp_ext_get_rid(&h, 5, s, sizeof s), ==, SB_OK);
  g_assert_cmpstr(s, ==, "r1"); /* trailing NUL dropped */
  g_assert_cmpint(sb_rtp_ext_get_transport_seq(&h, 20, &tseq), ==, SB_OK);
  g_assert_cmphex(tseq, ==, 0xabcd);
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 1, s, sizeof s), ==, SB_EINVAL); /* empty */
  bool voice;
  uint8_t level;
  g_assert_cmpint(sb_rtp_ext_get_audio_level(&h, 1, &voice, &level), ==, SB_EINVAL);

  /* Audio level: id 2 value 0x85 = V=1, level 5 (-5 dBov); a mid with a
   * space in it; a 4-byte transport-wide-cc-02 element (seq 0x0102). */
  const uint8_t block[] = {0x20, 0x85, 0x41, 'a', ' ', 0x63, 0x01, 0x02, 0x03, 0x04, 0, 0};
  uint8_t p[64];
  size_t n = make_pkt(p, 0xbede, block, sizeof block);
  parse_ok(p, n, &h);
  g_assert_cmpint(sb_rtp_ext_get_audio_level(&h, 2, &voice, &level), ==, SB_OK);
  g_assert_true(voice);
  g_assert_cmpuint(level, ==, 5);
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 4, s, sizeof s), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtp_ext_get_transport_seq(&h, 6, &tseq), ==, SB_OK);
  g_assert_cmphex(tseq, ==, 0x0102);

  /* No extension at all. */
  const uint8_t plain[] = {0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  parse_ok(plain, sizeof plain, &h);
  g_assert_cmpint(sb_rtp_ext_get_abs_send_time(&h, 3, &ast), ==, SB_ENOTFOUND);
  sb_rtp_ext_iter it;
  g_assert_cmpint(sb_rtp_ext_iter_init_header(&it, &h), ==, SB_ENOTFOUND);

  /* An unknown profile: nothing is found, iteration says unsupported. */
  n = make_pkt(p, 0xabac, block, sizeof block);
  parse_ok(p, n, &h);
  g_assert_cmpint(sb_rtp_ext_get_audio_level(&h, 2, &voice, &level), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_rtp_ext_iter_init_header(&it, &h), ==, SB_EUNSUPPORTED);
}

static void test_id15_and_padding(void) {
  /* pad, id 1 "A", pad, id 15 (stop), then bytes that look like id 2 "B". */
  const uint8_t block[] = {0x00, 0x10, 'A', 0x00, 0xf0, 0x20, 'B', 0x00};
  uint8_t p[64];
  size_t n = make_pkt(p, 0xbede, block, sizeof block);
  sb_rtp_header h;
  sb_rtp_ext_iter it;
  sb_rtp_ext_elem e;
  char s[8];
  parse_ok(p, n, &h);
  g_assert_cmpint(sb_rtp_ext_iter_init_header(&it, &h), ==, SB_OK);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_OK);
  g_assert_cmpuint(e.id, ==, 1);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 1, s, sizeof s), ==, SB_OK);
  g_assert_cmpstr(s, ==, "A");
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 2, s, sizeof s), ==, SB_ENOTFOUND);

  /* In the two-byte form 15 is an ordinary id. */
  const uint8_t block2[] = {0x0f, 0x01, 'Z', 0x00};
  n = make_pkt(p, 0x1000, block2, sizeof block2);
  parse_ok(p, n, &h);
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 15, s, sizeof s), ==, SB_OK);
  g_assert_cmpstr(s, ==, "Z");
}

static void test_malformed_blocks(void) {
  uint8_t p[64];
  size_t n;
  sb_rtp_header h;
  sb_rtp_ext_iter it;
  sb_rtp_ext_elem e;
  const uint8_t *d;
  size_t dl;

  /* One-byte: id 1 "x", then id 2 announcing 16 bytes with 2 left. */
  const uint8_t over[] = {0x10, 'x', 0x2f, 0x00};
  n = make_pkt(p, 0xbede, over, sizeof over);
  parse_ok(p, n, &h);
  g_assert_cmpint(sb_rtp_ext_iter_init_header(&it, &h), ==, SB_OK);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_OK);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtp_ext_next(&it, &e), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtp_ext_find(&h, 1, &d, &dl), ==, SB_OK); /* before the bad point */
  g_assert_cmpint(sb_rtp_ext_find(&h, 2, &d, &dl), ==, SB_ETRUNC);

  /* One-byte: id 0 with a length nibble is not padding. */
  const uint8_t id0[] = {0x05, 0x10, 'x', 0x00};
  n = make_pkt(p, 0xbede, id0, sizeof id0);
  parse_ok(p, n, &h);
  g_assert_cmpint(sb_rtp_ext_find(&h, 1, &d, &dl), ==, SB_EINVAL);

  /* Two-byte: an id in the last byte with no length byte; a length past the end. */
  const uint8_t nolen[] = {0x00, 0x00, 0x00, 0x07};
  n = make_pkt(p, 0x1000, nolen, sizeof nolen);
  parse_ok(p, n, &h);
  g_assert_cmpint(sb_rtp_ext_find(&h, 7, &d, &dl), ==, SB_ETRUNC);
  const uint8_t longlen[] = {0x07, 0x03, 'a', 'b'};
  n = make_pkt(p, 0x1000, longlen, sizeof longlen);
  parse_ok(p, n, &h);
  g_assert_cmpint(sb_rtp_ext_find(&h, 7, &d, &dl), ==, SB_ETRUNC);
}

static void test_write_one_byte(void) {
  const uint8_t ast[] = {0x12, 0x34, 0x56};
  const sb_rtp_ext_elem el[] = {{1, 1, (const uint8_t *)"a"}, {3, 3, ast}};
  uint8_t out[16];
  uint16_t profile = 0;
  size_t n = 0;
  g_assert_cmpint(sb_rtp_ext_write(el, 2, out, sizeof out, &profile, &n), ==, SB_OK);
  g_assert_cmphex(profile, ==, 0xbede);
  g_assert_cmpmem(out, n, pkt_one + 24, 8); /* the block of pkt_one */

  /* Exactly fitting is fine, one byte short is not (and writes nothing). */
  g_assert_cmpint(sb_rtp_ext_write(el, 2, out, 8, &profile, &n), ==, SB_OK);
  memset(out, 0x77, sizeof out);
  g_assert_cmpint(sb_rtp_ext_write(el, 2, out, 7, &profile, &n), ==, SB_ENOSPC);
  g_assert_cmphex(out[0], ==, 0x77);

  /* No elements: an empty one-byte block. */
  g_assert_cmpint(sb_rtp_ext_write(NULL, 0, out, sizeof out, &profile, &n), ==, SB_OK);
  g_assert_cmpuint(n, ==, 0);
  g_assert_cmphex(profile, ==, 0xbede);
}

static void test_write_two_byte(void) {
  const uint8_t seq[] = {0xab, 0xcd};
  uint8_t big[17];
  memset(big, 'q', sizeof big);
  uint8_t out[64];
  uint16_t profile = 0;
  size_t n = 0;

  /* A zero-length element forces the two-byte form: 01 00 14 02 ab cd + 2 pad. */
  const sb_rtp_ext_elem el[] = {{1, 0, NULL}, {20, 2, seq}};
  g_assert_cmpint(sb_rtp_ext_write(el, 2, out, sizeof out, &profile, &n), ==, SB_OK);
  g_assert_cmphex(profile, ==, 0x1000);
  const uint8_t want[] = {0x01, 0x00, 0x14, 0x02, 0xab, 0xcd, 0x00, 0x00};
  g_assert_cmpmem(out, n, want, sizeof want);

  /* So do id 15 and a 17-byte value. */
  const sb_rtp_ext_elem e15[] = {{15, 2, seq}};
  g_assert_cmpint(sb_rtp_ext_write(e15, 1, out, sizeof out, &profile, &n), ==, SB_OK);
  g_assert_cmphex(profile, ==, 0x1000);
  g_assert_cmpuint(n, ==, 4);
  const sb_rtp_ext_elem e17[] = {{2, 17, big}};
  g_assert_cmpint(sb_rtp_ext_write(e17, 1, out, sizeof out, &profile, &n), ==, SB_OK);
  g_assert_cmphex(profile, ==, 0x1000);
  g_assert_cmpuint(n, ==, 20); /* 2 + 17 = 19, padded to 20 */

  /* Round trip through a whole packet. */
  sb_rtp_fields f = {0};
  f.payload_type = 96;
  f.extension = true;
  f.ext_profile = profile;
  f.ext_data = out;
  f.ext_len = n;
  uint8_t pkt[64];
  size_t pl = 0;
  g_assert_cmpint(sb_rtp_write(&f, pkt, sizeof pkt, &pl), ==, SB_OK);
  sb_rtp_header h;
  const uint8_t *d;
  size_t dl;
  parse_ok(pkt, pl, &h);
  g_assert_cmpint(sb_rtp_ext_find(&h, 2, &d, &dl), ==, SB_OK);
  g_assert_cmpmem(d, dl, big, sizeof big);
}

static void test_write_rejects(void) {
  const uint8_t v[300] = {0};
  uint8_t out[512];
  uint16_t profile = 0;
  size_t n = 0;
  const sb_rtp_ext_elem dup[] = {{4, 1, v}, {4, 2, v}};
  g_assert_cmpint(sb_rtp_ext_write(dup, 2, out, sizeof out, &profile, &n), ==, SB_EINVAL);
  const sb_rtp_ext_elem zero[] = {{0, 1, v}};
  g_assert_cmpint(sb_rtp_ext_write(zero, 1, out, sizeof out, &profile, &n), ==, SB_EINVAL);
  const sb_rtp_ext_elem toolong[] = {{4, 256, v}};
  g_assert_cmpint(sb_rtp_ext_write(toolong, 1, out, sizeof out, &profile, &n), ==, SB_EINVAL);
  const sb_rtp_ext_elem nodata[] = {{4, 3, NULL}};
  g_assert_cmpint(sb_rtp_ext_write(nodata, 1, out, sizeof out, &profile, &n), ==, SB_EINVAL);
  g_assert_cmpuint(n, ==, 0);
  g_assert_cmpuint(profile, ==, 0);
}

static void test_remap_one_byte(void) {
  uint8_t p[sizeof pkt_one];
  uint8_t map[256];
  sb_rtp_header h;
  char s[8];
  uint32_t ast;
  for (unsigned i = 0; i < 256; i++)
    map[i] = (uint8_t)i;
  map[1] = 5; /* mid moves to id 5 */
  map[3] = 0; /* abs-send-time is dropped */
  memcpy(p, pkt_one, sizeof p);
  parse_ok(p, sizeof p, &h);
  g_assert_cmpint(sb_rtp_ext_remap(p, &h, map), ==, SB_OK);
  /* 0x10 'a' -> 0x50 'a'; 32 12 34 56 -> four 0x00 padding bytes. */
  const uint8_t want[] = {0x50, 'a', 0, 0, 0, 0, 0, 0};
  g_assert_cmpmem(p + 24, 8, want, 8);
  g_assert_cmpmem(p, 24, pkt_one, 24);
  g_assert_cmpmem(p + 32, 4, pkt_one + 32, 4);
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 5, s, sizeof s), ==, SB_OK);
  g_assert_cmpstr(s, ==, "a");
  g_assert_cmpint(sb_rtp_ext_get_mid(&h, 1, s, sizeof s), ==, SB_ENOTFOUND);
  g_assert_cmpint(sb_rtp_ext_get_abs_send_time(&h, 3, &ast), ==, SB_ENOTFOUND);

  /* A new id of 15 or more cannot be written in one-byte form: refused,
   * and the packet is unchanged even though id 1 came first and was fine. */
  memcpy(p, pkt_one, sizeof p);
  parse_ok(p, sizeof p, &h);
  for (unsigned i = 0; i < 256; i++)
    map[i] = (uint8_t)i;
  map[1] = 2;
  map[3] = 15;
  g_assert_cmpint(sb_rtp_ext_remap(p, &h, map), ==, SB_EINVAL);
  g_assert_cmpmem(p, sizeof p, pkt_one, sizeof pkt_one);

  /* h must describe pkt. */
  map[3] = 3;
  uint8_t other[sizeof pkt_one];
  memcpy(other, pkt_one, sizeof other);
  g_assert_cmpint(sb_rtp_ext_remap(other, &h, map), ==, SB_EINVAL);

  /* A malformed block is reported and left unchanged. */
  const uint8_t bad[] = {0x10, 'x', 0x2f, 0x00};
  size_t n = make_pkt(p, 0xbede, bad, sizeof bad);
  parse_ok(p, n, &h);
  map[1] = 9;
  g_assert_cmpint(sb_rtp_ext_remap(p, &h, map), ==, SB_ETRUNC);
  g_assert_cmpmem(p + 16, 4, bad, 4);

  /* No extension: nothing to do. */
  const uint8_t plain[] = {0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  memcpy(p, plain, sizeof plain);
  parse_ok(p, sizeof plain, &h);
  g_assert_cmpint(sb_rtp_ext_remap(p, &h, map), ==, SB_OK);
}

static void test_remap_two_byte(void) {
  uint8_t p[sizeof pkt_two];
  uint8_t map[256];
  sb_rtp_header h;
  uint16_t tseq;
  char s[8];
  for (unsigned i = 0; i < 256; i++)
    map[i] = (uint8_t)i;
  map[20] = 200;
  map[5] = 0;
  memcpy(p, pkt_two, sizeof p);
  parse_ok(p, sizeof p, &h);
  g_assert_cmpint(sb_rtp_ext_remap(p, &h, map), ==, SB_OK);
  /* 01 00 | 00 | 14 02 ab cd | 05 03 'r' '1' 00  ->
   * 01 00 | 00 | c8 02 ab cd | 00 00 00  00  00 */
  const uint8_t want[] = {0x01, 0x00, 0x00, 0xc8, 0x02, 0xab, 0xcd, 0, 0, 0, 0, 0};
  g_assert_cmpmem(p + 16, 12, want, 12);
  g_assert_cmpint(sb_rtp_ext_get_transport_seq(&h, 200, &tseq), ==, SB_OK);
  g_assert_cmphex(tseq, ==, 0xabcd);
  g_assert_cmpint(sb_rtp_ext_get_rid(&h, 5, s, sizeof s), ==, SB_ENOTFOUND);
}

static void test_set_in_place(void) {
  uint8_t p[sizeof pkt_one];
  sb_rtp_header h;
  uint32_t ast;
  memcpy(p, pkt_one, sizeof p);
  parse_ok(p, sizeof p, &h);
  g_assert_cmpint(sb_rtp_ext_set_abs_send_time(p, &h, 3, 0xabcdef), ==, SB_OK);
  g_assert_cmpint(sb_rtp_ext_get_abs_send_time(&h, 3, &ast), ==, SB_OK);
  g_assert_cmphex(ast, ==, 0xabcdef);
  g_assert_cmpint(sb_rtp_ext_set_transport_seq(p, &h, 3, 1), ==, SB_EINVAL); /* 3 bytes */
  g_assert_cmpint(sb_rtp_ext_set_transport_seq(p, &h, 9, 1), ==, SB_ENOTFOUND);

  uint8_t q[sizeof pkt_two];
  uint16_t tseq;
  memcpy(q, pkt_two, sizeof q);
  parse_ok(q, sizeof q, &h);
  g_assert_cmpint(sb_rtp_ext_set_transport_seq(q, &h, 20, 0x0001), ==, SB_OK);
  g_assert_cmpint(sb_rtp_ext_get_transport_seq(&h, 20, &tseq), ==, SB_OK);
  g_assert_cmphex(tseq, ==, 1);
  g_assert_cmpint(sb_rtp_ext_set_transport_seq(p, &h, 20, 2), ==, SB_EINVAL); /* wrong pkt */
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtp-ext/iterate/one-byte", test_iterate_one_byte);
  g_test_add_func("/rtp-ext/iterate/two-byte", test_iterate_two_byte);
  g_test_add_func("/rtp-ext/accessors", test_accessors);
  g_test_add_func("/rtp-ext/id15-and-padding", test_id15_and_padding);
  g_test_add_func("/rtp-ext/malformed", test_malformed_blocks);
  g_test_add_func("/rtp-ext/write/one-byte", test_write_one_byte);
  g_test_add_func("/rtp-ext/write/two-byte", test_write_two_byte);
  g_test_add_func("/rtp-ext/write/rejects", test_write_rejects);
  g_test_add_func("/rtp-ext/remap/one-byte", test_remap_one_byte);
  g_test_add_func("/rtp-ext/remap/two-byte", test_remap_two_byte);
  g_test_add_func("/rtp-ext/set-in-place", test_set_in_place);
  return g_test_run();
}
