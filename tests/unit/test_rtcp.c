/* test_rtcp.c - unit tests for the RTCP common header, compound iteration,
 * RFC 3550 A.2 validity, RFC 5761 demultiplexing and the header writer
 * (server/core/rtcp.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"

/* A Chrome-style compound: RR with one report block, then SDES with the
 * 16-character CNAME Chrome makes up. */
/* clang-format off */
static const uint8_t chrome_rr_sdes[] = {
    /* RR: V=2 P=0 RC=1 | PT=201 | length 7 (32 octets) */
    0x81, 0xc9, 0x00, 0x07,
    0x12, 0x34, 0x56, 0x78, /* SSRC of packet sender */
    0xde, 0xad, 0xbe, 0xef, /* report block: SSRC of source */
    0x10, 0x00, 0x00, 0x03, /* fraction lost 16/256, cumulative lost 3 */
    0x00, 0x01, 0xff, 0xfe, /* extended highest seq: cycle 1, seq 65534 */
    0x00, 0x00, 0x00, 0x20, /* jitter 32 */
    0xa1, 0xb2, 0xc3, 0xd4, /* LSR */
    0x00, 0x01, 0x80, 0x00, /* DLSR 1.5 s */
    /* SDES: V=2 P=0 SC=1 | PT=202 | length 6 (28 octets) */
    0x81, 0xca, 0x00, 0x06,
    0x12, 0x34, 0x56, 0x78,                         /* chunk SSRC */
    0x01, 0x10,                                     /* CNAME, 16 octets */
    '4', 'T', 'O', 'k', '4', '2', 'm', 'S', 'j', 'X', 'C', 'k', 'V', 'I', 'a', '6',
    0x00, 0x00, /* end of items, pad to 32 bits */
};
/* clang-format on */

static void test_iterate_chrome_compound(void) {
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, chrome_rr_sdes, sizeof chrome_rr_sdes);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, 1);
  g_assert_cmpuint(p.pt, ==, SB_RTCP_PT_RR);
  g_assert_cmpuint(p.count, ==, 1);
  g_assert_false(p.padding);
  g_assert_cmpuint(p.len, ==, 32);
  g_assert_true(p.data == chrome_rr_sdes);
  g_assert_true(p.body == chrome_rr_sdes + 4);
  g_assert_cmpuint(p.body_len, ==, 28);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, 1);
  g_assert_cmpuint(p.pt, ==, SB_RTCP_PT_SDES);
  g_assert_cmpuint(p.count, ==, 1);
  g_assert_cmpuint(p.len, ==, 28);
  g_assert_true(p.data == chrome_rr_sdes + 32);
  g_assert_cmpuint(p.body_len, ==, 24);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, 0);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, 0);
  g_assert_cmpint(sb_rtcp_compound_check(chrome_rr_sdes, sizeof chrome_rr_sdes, 0), ==, SB_OK);
  g_assert_cmpint(
      sb_rtcp_compound_check(chrome_rr_sdes, sizeof chrome_rr_sdes, SB_RTCP_ALLOW_REDUCED_SIZE), ==,
      SB_OK);
}

static void test_iterate_empty(void) {
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, NULL, 10);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, 0);
  sb_rtcp_iter_init(&it, chrome_rr_sdes, 0);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, 0);
  g_assert_cmpint(sb_rtcp_compound_check(chrome_rr_sdes, 0, 0), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtcp_compound_check(NULL, 0, SB_RTCP_ALLOW_REDUCED_SIZE), ==, SB_ETRUNC);
}

static void test_iterate_length_past_buffer(void) {
  uint8_t buf[sizeof chrome_rr_sdes];
  memcpy(buf, chrome_rr_sdes, sizeof buf);
  buf[32 + 3] = 0x07; /* SDES claims 32 octets, 28 are left */
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, buf, sizeof buf);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, 1);
  g_assert_cmpuint(p.pt, ==, SB_RTCP_PT_RR);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, SB_ETRUNC); /* sticky */
  g_assert_cmpint(sb_rtcp_compound_check(buf, sizeof buf, 0), ==, SB_ETRUNC);
  /* The buffer cut short, and stray octets after the last packet. */
  g_assert_cmpint(sb_rtcp_compound_check(chrome_rr_sdes, sizeof chrome_rr_sdes - 1, 0), ==,
                  SB_ETRUNC);
  g_assert_cmpint(sb_rtcp_compound_check(chrome_rr_sdes, 34, 0), ==, SB_ETRUNC);
  g_assert_cmpint(sb_rtcp_compound_check(chrome_rr_sdes, 3, 0), ==, SB_ETRUNC);
}

static void test_iterate_bad_version(void) {
  uint8_t buf[sizeof chrome_rr_sdes];
  memcpy(buf, chrome_rr_sdes, sizeof buf);
  buf[32] = 0x41; /* V=1 on the SDES */
  sb_rtcp_iter it;
  sb_rtcp_packet p;
  sb_rtcp_iter_init(&it, buf, sizeof buf);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, 1);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_compound_check(buf, sizeof buf, 0), ==, SB_EINVAL);
  buf[0] = 0xc1; /* V=3 on the RR */
  g_assert_cmpint(sb_rtcp_packet_parse(buf, sizeof buf, &p), ==, SB_EINVAL);
}

/* BYE with P=1: 8 body octets, the last one says 4 of them are padding. */
/* clang-format off */
static const uint8_t padded_bye[] = {
    0xa1, 0xcb, 0x00, 0x02, /* V=2 P=1 SC=1 | PT=203 | length 2 */
    0x11, 0x22, 0x33, 0x44, /* SSRC */
    0x00, 0x00, 0x00, 0x04, /* padding, count 4 */
};
/* clang-format on */

static void test_padding(void) {
  sb_rtcp_packet p;
  g_assert_cmpint(sb_rtcp_packet_parse(padded_bye, sizeof padded_bye, &p), ==, SB_OK);
  g_assert_true(p.padding);
  g_assert_cmpuint(p.len, ==, 12);
  g_assert_cmpuint(p.body_len, ==, 4);

  /* Padding on the last packet of a compound is fine. */
  uint8_t buf[sizeof chrome_rr_sdes + sizeof padded_bye];
  memcpy(buf, chrome_rr_sdes, sizeof chrome_rr_sdes);
  memcpy(buf + sizeof chrome_rr_sdes, padded_bye, sizeof padded_bye);
  g_assert_cmpint(sb_rtcp_compound_check(buf, sizeof buf, 0), ==, SB_OK);

  /* On any other packet it is not. */
  memcpy(buf, padded_bye, sizeof padded_bye);
  memcpy(buf + sizeof padded_bye, chrome_rr_sdes, sizeof chrome_rr_sdes);
  sb_rtcp_iter it;
  sb_rtcp_iter_init(&it, buf, sizeof buf);
  g_assert_cmpint(sb_rtcp_iter_next(&it, &p), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_compound_check(buf, sizeof buf, SB_RTCP_ALLOW_REDUCED_SIZE), ==,
                  SB_EINVAL);

  /* Padding counts of 0 and of more than the body are malformed. */
  uint8_t bad[sizeof padded_bye];
  memcpy(bad, padded_bye, sizeof bad);
  bad[11] = 0;
  g_assert_cmpint(sb_rtcp_packet_parse(bad, sizeof bad, &p), ==, SB_EINVAL);
  bad[11] = 9;
  g_assert_cmpint(sb_rtcp_packet_parse(bad, sizeof bad, &p), ==, SB_EINVAL);
  bad[11] = 8; /* the whole body is padding */
  g_assert_cmpint(sb_rtcp_packet_parse(bad, sizeof bad, &p), ==, SB_OK);
  g_assert_cmpuint(p.body_len, ==, 0);
}

static void test_compound_check_first_packet(void) {
  /* A lone PLI: reduced-size RTCP (RFC 5506) only. */
  const uint8_t pli[] = {0x81, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  g_assert_cmpint(sb_rtcp_compound_check(pli, sizeof pli, 0), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_compound_check(pli, sizeof pli, SB_RTCP_ALLOW_REDUCED_SIZE), ==, SB_OK);
  /* A padded BYE alone: A.2 wants P=0 on the first packet. */
  g_assert_cmpint(sb_rtcp_compound_check(padded_bye, sizeof padded_bye, 0), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_compound_check(padded_bye, sizeof padded_bye, SB_RTCP_ALLOW_REDUCED_SIZE),
                  ==, SB_OK);
  /* SR first is fine, and an SR padded as the only packet is not (A.2). */
  const uint8_t sr[] = {0x80, 0xc8, 0x00, 0x06, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                        0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  g_assert_cmpint(sb_rtcp_compound_check(sr, sizeof sr, 0), ==, SB_OK);
  /* Outside the RTCP range 192..223: this is RTP (PT 96), not RTCP. */
  const uint8_t rtp[] = {0x80, 0x60, 0x00, 0x00};
  g_assert_cmpint(sb_rtcp_compound_check(rtp, sizeof rtp, SB_RTCP_ALLOW_REDUCED_SIZE), ==,
                  SB_EINVAL);
}

static void test_is_rtcp(void) {
  const uint8_t rr[] = {0x80, 201, 0x00, 0x01, 1, 2, 3, 4};
  g_assert_true(sb_rtcp_is_rtcp(rr, sizeof rr));
  const uint8_t rtp_96[] = {0x80, 96};          /* M=0, PT 96 */
  const uint8_t rtp_96_marker[] = {0x80, 0xe0}; /* M=1, PT 96: second octet 224 */
  const uint8_t low[] = {0x80, 191}, lo_edge[] = {0x80, 192}, hi_edge[] = {0x80, 223};
  const uint8_t v1[] = {0x40, 200};
  g_assert_false(sb_rtcp_is_rtcp(rtp_96, 2));
  g_assert_false(sb_rtcp_is_rtcp(rtp_96_marker, 2));
  g_assert_false(sb_rtcp_is_rtcp(low, 2));
  g_assert_true(sb_rtcp_is_rtcp(lo_edge, 2));
  g_assert_true(sb_rtcp_is_rtcp(hi_edge, 2));
  g_assert_false(sb_rtcp_is_rtcp(v1, 2));
  g_assert_false(sb_rtcp_is_rtcp(rr, 1));
  g_assert_false(sb_rtcp_is_rtcp(NULL, 8));
}

static void test_writer_header(void) {
  uint8_t buf[16];
  memset(buf, 0xee, sizeof buf);
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, sizeof buf);
  g_assert_cmpint(sb_writer_u8(&w, 0x55), ==, SB_OK); /* something before */
  g_assert_cmpint(sb_rtcp_writer_begin(&w, &start), ==, SB_OK);
  g_assert_cmpuint(start, ==, 1);
  const uint8_t body[] = {1, 2, 3, 4, 5};
  g_assert_cmpint(sb_writer_bytes(&w, body, sizeof body), ==, SB_OK);
  g_assert_cmpint(sb_rtcp_writer_end(&w, start, 32, SB_RTCP_PT_APP), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_writer_end(&w, start, 3, SB_RTCP_PT_APP), ==, SB_OK);
  /* 4 + 5 octets, padded with zeros to 12: length 2 */
  const uint8_t want[] = {0x55, 0x83, 0xcc, 0x00, 0x02, 1, 2, 3, 4, 5, 0, 0, 0};
  g_assert_cmpmem(buf, sb_writer_len(&w), want, sizeof want);

  /* Not enough room for the header, or for the padding. */
  sb_writer_init(&w, buf, 3);
  g_assert_cmpint(sb_rtcp_writer_begin(&w, &start), ==, SB_ENOSPC);
  sb_writer_init(&w, buf, 6);
  g_assert_cmpint(sb_rtcp_writer_begin(&w, &start), ==, SB_OK);
  g_assert_cmpint(sb_writer_u8(&w, 9), ==, SB_OK);
  g_assert_cmpint(sb_rtcp_writer_end(&w, start, 0, SB_RTCP_PT_APP), ==, SB_ENOSPC);
}

static void test_fb_parse(void) {
  const uint8_t pli[] = {0x81, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0xca, 0xfe, 0xba, 0xbe};
  sb_rtcp_fb fb;
  g_assert_cmpint(sb_rtcp_fb_parse(pli, sizeof pli, SB_RTCP_PT_PSFB, 1, &fb), ==, SB_OK);
  g_assert_cmpuint(fb.fmt, ==, 1);
  g_assert_cmpuint(fb.sender_ssrc, ==, 1);
  g_assert_cmpuint(fb.media_ssrc, ==, 2);
  g_assert_cmpuint(fb.fci_len, ==, 4);
  g_assert_true(fb.fci == pli + 12);
  g_assert_cmpint(sb_rtcp_fb_parse(pli, sizeof pli, SB_RTCP_PT_PSFB, 4, &fb), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_fb_parse(pli, sizeof pli, SB_RTCP_PT_RTPFB, 1, &fb), ==, SB_EINVAL);
  g_assert_cmpint(sb_rtcp_fb_parse(pli, 12, SB_RTCP_PT_PSFB, 1, &fb), ==, SB_ETRUNC);
  const uint8_t short_fb[] = {0x81, 0xce, 0x00, 0x01, 0, 0, 0, 1};
  g_assert_cmpint(sb_rtcp_fb_parse(short_fb, sizeof short_fb, SB_RTCP_PT_PSFB, 1, &fb), ==,
                  SB_ETRUNC);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rtcp/iterate/chrome-rr-sdes", test_iterate_chrome_compound);
  g_test_add_func("/rtcp/iterate/empty", test_iterate_empty);
  g_test_add_func("/rtcp/iterate/length-past-buffer", test_iterate_length_past_buffer);
  g_test_add_func("/rtcp/iterate/bad-version", test_iterate_bad_version);
  g_test_add_func("/rtcp/padding", test_padding);
  g_test_add_func("/rtcp/compound-check/first-packet", test_compound_check_first_packet);
  g_test_add_func("/rtcp/is-rtcp", test_is_rtcp);
  g_test_add_func("/rtcp/writer-header", test_writer_header);
  g_test_add_func("/rtcp/fb-parse", test_fb_parse);
  return g_test_run();
}
