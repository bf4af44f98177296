/* fuzz_sdp.c - libFuzzer target for the SDP parser (sdp_parse.c) and writer
 * (sdp_write.c): parse the input; when it parses, write it, parse the output
 * and abort() unless the two structs are equal (sb_sdp_equal) and a second
 * write gives the same text. Also feeds the input to the single-candidate
 * parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sb_sdp *a = NULL, *b = NULL;
  sb_sdp_candidate *c = NULL;
  if (sb_sdp_candidate_parse((const char *)data, size, &c) == SB_OK) {
    GString *cs = g_string_new(NULL);
    sb_sdp_candidate *c2 = NULL;
    if (sb_sdp_candidate_write(c, cs) != SB_OK ||
        sb_sdp_candidate_parse(cs->str, cs->len, &c2) != SB_OK)
      abort();
    sb_sdp_candidate_free(c2);
    g_string_free(cs, TRUE);
    sb_sdp_candidate_free(c);
  }
  if (sb_sdp_parse((const char *)data, size, &a) != SB_OK) return 0;
  GString *s1 = g_string_new(NULL), *s2 = g_string_new(NULL);
  int rc = sb_sdp_write(a, s1);
  if (rc != SB_OK) abort(); /* everything parsed must be writable */
  if (sb_sdp_parse(s1->str, s1->len, &b) != SB_OK) abort();
  if (!sb_sdp_equal(a, b)) abort();
  if (sb_sdp_write(b, s2) != SB_OK || !g_string_equal(s1, s2)) abort();
  g_string_free(s1, TRUE);
  g_string_free(s2, TRUE);
  sb_sdp_free(a);
  sb_sdp_free(b);
  return 0;
}
