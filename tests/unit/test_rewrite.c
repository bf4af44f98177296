/* test_rewrite.c - unit tests for per-receiver RTP rewriting (rewrite.c). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rewrite.h"
#include "core/rtp.h"
#include "core/rtp_ext.h"

/* V=2 X=1 PT=120 seq=0xfffe ts=1000 ssrc=0x11223344, one-byte extensions:
 * id 3 (1 byte, 0xaa) and id 4 (mid "0"), then a 4-byte payload. */
static const uint8_t pkt_template[] = {0x90, 120,  0xff, 0xfe, 0x00, 0x00, 0x03, 0xe8,
                                       0x11, 0x22, 0x33, 0x44, 0xbe, 0xde, 0x00, 0x01,
                                       0x30, 0xaa, 0x40, '0',  0xde, 0xad, 0xbe, 0xef};

static void make(uint8_t *buf, uint16_t seq, uint32_t ts, sb_rtp_header *h) {
  memcpy(buf, pkt_template, sizeof pkt_template);
  buf[2] = (uint8_t)(seq >> 8);
  buf[3] = (uint8_t)seq;
  buf[4] = (uint8_t)(ts >> 24);
  buf[5] = (uint8_t)(ts >> 16);
  buf[6] = (uint8_t)(ts >> 8);
  buf[7] = (uint8_t)ts;
  g_assert_cmpint(sb_rtp_parse(buf, sizeof pkt_template, h), ==, SB_OK);
}

static void maps(sb_rewrite *rw) {
  uint8_t pt[128], ext[256];
  memset(pt, 0xff, sizeof pt);
  memset(ext, 0, sizeof ext);
  pt[120] = 96; /* publisher VP8 120 -> receiver VP8 96 */
  ext[3] = 2;   /* id 3 -> 2; id 4 (mid) dropped */
  sb_rewrite_set_maps(rw, pt, ext);
}

static void test_rewrite_fields(void) {
  sb_rewrite rw;
  sb_rewrite_init(&rw, 0xcafebabe, 5000, 90000, 90000);
  maps(&rw);
  uint8_t buf[64];
  sb_rtp_header h;
  make(buf, 0xfffe, 1000, &h);
  g_assert_cmpint(sb_rewrite_apply(&rw, buf, &h, 1000000), ==, SB_OK);
  sb_rtp_header o;
  g_assert_cmpint(sb_rtp_parse(buf, sizeof pkt_template, &o), ==, SB_OK);
  g_assert_cmpuint(o.ssrc, ==, 0xcafebabe);
  g_assert_cmpuint(o.payload_type, ==, 96);
  g_assert_cmpuint(o.seq, ==, 5000);
  g_assert_cmpuint(o.timestamp, ==, 90000);
  const uint8_t *d;
  size_t n;
  g_assert_cmpint(sb_rtp_ext_find(&o, 2, &d, &n), ==, SB_OK);
  g_assert_cmpuint(d[0], ==, 0xaa);
  g_assert_cmpint(sb_rtp_ext_find(&o, 4, &d, &n), <, 0); /* mid gone */
  g_assert_cmpmem(buf + 20, 4, "\xde\xad\xbe\xef", 4);   /* payload untouched */

  /* Next packets keep the offsets, across the publisher's wrap at 65535. */
  make(buf, 0xffff, 4000, &h);
  g_assert_cmpint(sb_rewrite_apply(&rw, buf, &h, 1033000), ==, SB_OK);
  g_assert_cmpint(sb_rtp_parse(buf, sizeof pkt_template, &o), ==, SB_OK);
  g_assert_cmpuint(o.seq, ==, 5001);
  g_assert_cmpuint(o.timestamp, ==, 93000);
  make(buf, 0x0000, 7000, &h);
  g_assert_cmpint(sb_rewrite_apply(&rw, buf, &h, 1066000), ==, SB_OK);
  g_assert_cmpint(sb_rtp_parse(buf, sizeof pkt_template, &o), ==, SB_OK);
  g_assert_cmpuint(o.seq, ==, 5002);
  g_assert_cmpuint(rw.packets, ==, 3);
  g_assert_cmpuint(rw.octets, ==, 12);
}

static void test_unmapped_pt_dropped(void) {
  sb_rewrite rw;
  sb_rewrite_init(&rw, 1, 1, 1, 90000);
  maps(&rw);
  uint8_t buf[64];
  sb_rtp_header h;
  make(buf, 10, 10, &h);
  buf[1] = 121;
  g_assert_cmpint(sb_rtp_parse(buf, sizeof pkt_template, &h), ==, SB_OK);
  g_assert_cmpint(sb_rewrite_apply(&rw, buf, &h, 0), ==, SB_ENOTFOUND);
  g_assert_cmpuint(buf[1], ==, 121); /* untouched */
  g_assert_cmpuint(rw.packets, ==, 0);
}

/* A new source continues the receiver's sequence and time. */
static void test_rebase_continuity(void) {
  sb_rewrite rw;
  sb_rewrite_init(&rw, 9, 100, 1000, 90000);
  maps(&rw);
  uint8_t buf[64];
  sb_rtp_header h, o;
  make(buf, 40000, 500000, &h);
  g_assert_cmpint(sb_rewrite_apply(&rw, buf, &h, 0), ==, SB_OK);
  sb_rewrite_rebase(&rw);
  make(buf, 7, 123, &h);
  g_assert_cmpint(sb_rewrite_apply(&rw, buf, &h, 100000), ==, SB_OK); /* 100 ms later */
  g_assert_cmpint(sb_rtp_parse(buf, sizeof pkt_template, &o), ==, SB_OK);
  g_assert_cmpuint(o.seq, ==, 101);
  g_assert_cmpuint(o.timestamp, ==, 1000 + 9000 + 1); /* 100 ms at 90 kHz, plus one tick */
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rewrite/fields", test_rewrite_fields);
  g_test_add_func("/rewrite/unmapped-pt", test_unmapped_pt_dropped);
  g_test_add_func("/rewrite/rebase", test_rebase_continuity);
  return g_test_run();
}
