/* fuzz_rtx.c - libFuzzer target for the RFC 4588 payload format (rtx.c).
 *
 * The input is parsed as an RTP packet (inputs that do not parse only check
 * that nothing crashes). The last input byte picks the payload types, SSRCs
 * and sequence numbers used. Then:
 *  - unwrap on a copy: on success the result parses, has no padding, is
 *    2 bytes shorter than the payload said, carries the OSN as its sequence
 *    number, the new PT and SSRC, and otherwise the same header and payload;
 *    on failure the error matches the payload length (padding-only probe or
 *    shorter than the OSN) and the copy is untouched;
 *  - wrap, then unwrap the result: that gives back the original minus its
 *    padding (P cleared); wrapping into one byte too few is refused and
 *    writes nothing.
 * A broken invariant aborts. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "core/rtp.h"
#include "core/rtx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) abort();                                                                             \
  } while (0)

/* True when a and b are the same header apart from P, PT, seq and SSRC. */
static bool same_header_rest(const uint8_t *a, const uint8_t *b, size_t header_len) {
  return (a[0] & ~0x20) == (b[0] & ~0x20) && (a[1] & 0x80) == (b[1] & 0x80) &&
         memcmp(a + 4, b + 4, 4) == 0 && memcmp(a + 12, b + 12, header_len - 12) == 0;
}

static void check_unwrap(const uint8_t *data, size_t size, const sb_rtp_header *h, uint8_t pt,
                         uint32_t ssrc) {
  uint8_t *copy = malloc(size);
  CHECK(copy);
  memcpy(copy, data, size);
  sb_rtp_header hc;
  CHECK(sb_rtp_parse(copy, size, &hc) == SB_OK);
  size_t n = size;
  int rc = sb_rtx_unwrap(copy, &n, &hc, pt, ssrc);
  if (rc != SB_OK) {
    if (h->payload_len == 0 && h->padding_len > 0)
      CHECK(rc == SB_ENOTFOUND);
    else
      CHECK(rc == SB_ETRUNC && h->payload_len < 2);
    CHECK(n == size && memcmp(copy, data, size) == 0);
    free(copy);
    return;
  }
  CHECK(h->payload_len >= 2);
  CHECK(n == h->header_len + h->payload_len - 2);
  sb_rtp_header o;
  CHECK(sb_rtp_parse(copy, n, &o) == SB_OK);
  CHECK(!o.padding && o.padding_len == 0);
  CHECK(o.header_len == h->header_len && o.payload_len == h->payload_len - 2);
  CHECK(o.payload_type == pt && o.ssrc == ssrc);
  CHECK(o.seq == sb_load_u16(data + h->payload_offset));
  CHECK(o.marker == h->marker && o.timestamp == h->timestamp);
  CHECK(o.csrc_count == h->csrc_count && o.extension == h->extension);
  CHECK(same_header_rest(copy, data, h->header_len));
  CHECK(memcmp(sb_rtp_payload(&o), data + h->payload_offset + 2, o.payload_len) == 0);
  free(copy);
}

static void check_wrap(const uint8_t *data, size_t size, const sb_rtp_header *h, uint8_t pt,
                       uint32_t ssrc, uint16_t seq) {
  size_t need = h->header_len + 2 + h->payload_len;
  uint8_t *out = malloc(need + 1);
  CHECK(out);
  size_t n = 0;

  /* One byte short: refused, nothing written. */
  memset(out, 0x5a, need + 1);
  CHECK(sb_rtx_wrap(data, size, h, pt, ssrc, seq, out, need - 1, &n) == SB_ENOSPC && n == 0);
  for (size_t i = 0; i <= need; i++)
    CHECK(out[i] == 0x5a);

  CHECK(sb_rtx_wrap(data, size, h, pt, ssrc, seq, out, need, &n) == SB_OK && n == need);
  CHECK(out[need] == 0x5a);
  sb_rtp_header r;
  CHECK(sb_rtp_parse(out, n, &r) == SB_OK);
  CHECK(!r.padding && r.payload_type == pt && r.ssrc == ssrc && r.seq == seq);
  CHECK(r.header_len == h->header_len && r.payload_len == h->payload_len + 2);
  CHECK(sb_load_u16(sb_rtp_payload(&r)) == h->seq);
  CHECK(same_header_rest(out, data, h->header_len));

  /* Back to the original minus its padding. */
  CHECK(sb_rtx_unwrap(out, &n, &r, h->payload_type, h->ssrc) == SB_OK);
  CHECK(n == h->header_len + h->payload_len);
  CHECK(out[0] == (data[0] & ~0x20));
  CHECK(memcmp(out + 1, data + 1, n - 1) == 0);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sb_rtp_header h;
  if (sb_rtp_parse(data, size, &h) != SB_OK) return 0;
  uint8_t k = data[size - 1];
  uint8_t pt = (uint8_t)(k & 0x7f);
  uint32_t ssrc = 0x01010101u * k;
  uint16_t seq = (uint16_t)(0xfff0u + k);

  check_unwrap(data, size, &h, pt, ssrc);
  check_wrap(data, size, &h, pt, ssrc, seq);

  /* Refusals that must not touch anything. */
  size_t n = size;
  uint8_t out[16];
  CHECK(sb_rtx_wrap(data, size, &h, (uint8_t)(128 + pt), ssrc, seq, out, sizeof out, &n) ==
        SB_EINVAL);
  CHECK(sb_rtx_wrap(data, size + 1, &h, pt, ssrc, seq, out, sizeof out, &n) == SB_EINVAL);
  CHECK(n == size);
  return 0;
}
