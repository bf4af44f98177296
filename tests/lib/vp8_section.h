/* vp8_section.h - test helper, header only: a negotiated VP8 m-section
 * (sb_msection) as core/session.c holds it after an offer - one codec with
 * nack and nack pli feedback and its RTX payload type - for the media
 * session's unit tests, its scenario harness and its fuzz target. Callers
 * add extensions or change the feedback flags afterwards. */
#ifndef SB_TEST_VP8_SECTION_H
#define SB_TEST_VP8_SECTION_H

#include <glib.h>
#include <string.h>

#include "core/session.h"

static inline void sb_test_vp8_section(sb_msection *sec, const char *mid, uint8_t pt,
                                       uint8_t rtx_pt) {
  memset(sec, 0, sizeof *sec);
  g_strlcpy(sec->mid, mid, sizeof sec->mid);
  sec->kind = SB_SDP_KIND_VIDEO;
  sec->n_codecs = 1;
  sb_codec *c = &sec->codecs[0];
  c->pt = pt;
  g_strlcpy(c->name, "VP8", sizeof c->name);
  c->clock_rate = 90000;
  c->fb_nack = c->fb_pli = true;
  c->rtx_pt = rtx_pt;
}

#endif
