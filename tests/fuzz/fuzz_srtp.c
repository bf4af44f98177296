/* fuzz_srtp.c - libFuzzer target for SRTP/SRTCP (server/srtp*.c), with the
 * fixed keys of fuzz_srtp_keys.h, in both profiles and on fresh sessions
 * for every input (so each input runs the same way alone or in a corpus):
 *
 *  - the input as an SRTP and as an SRTCP packet to unprotect: a failure
 *    must leave *len unchanged; a success must shrink it by exactly the tag
 *    (and SRTCP index), and the same bytes a second time are a replay;
 *  - the input as a plain RTP and RTCP packet to protect: a failure must
 *    leave *len unchanged; a success must grow it by exactly the tag (and
 *    index), keep the RTP header in the clear, and unprotect on the peer's
 *    side to the same bytes;
 *  - the input as a script of RTP packets (each byte: a step of the
 *    sequence number from -64 to +63, bit 7 picks one of two SSRCs) that
 *    one session protects and another unprotects, each packet delivered
 *    twice: protect refuses only packets 1024 or more behind the highest
 *    sent, the receiver refuses a packet less far behind only as a replay,
 *    an accepted packet comes back as it was sent, and the second delivery
 *    always fails.
 * Any broken expectation aborts. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "fuzz_srtp_keys.h"
#include "srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) abort();                                                                          \
  } while (0)

#define MAX_INPUT  4096
#define BUF_CAP    (MAX_INPUT + SB_SRTP_MAX_TRAILER)
#define SCRIPT_MAX 600

static uint8_t buf[BUF_CAP], again[BUF_CAP], plain[BUF_CAP];

typedef int (*unprotect_fn)(sb_srtp *, uint8_t *, size_t *);
typedef int (*protect_fn)(sb_srtp *, uint8_t *, size_t *, size_t);

static void unprotect_input(sb_srtp *rx, unprotect_fn fn, const uint8_t *data, size_t size,
                            size_t shrink) {
  size_t len = size;
  memcpy(buf, data, size);
  int rc = fn(rx, buf, &len);
  if (rc != SB_OK) {
    CHECK(len == size);
    CHECK(rc == SB_EINVAL || rc == SB_ECRYPTO || rc == SB_ENOSPC);
    return;
  }
  CHECK(size >= shrink && len == size - shrink);
  size_t len2 = size;
  memcpy(again, data, size);
  CHECK(fn(rx, again, &len2) == SB_ECRYPTO && len2 == size);
}

static void protect_input(sb_srtp *tx, sb_srtp *rx, protect_fn protect, unprotect_fn unprotect,
                          const uint8_t *data, size_t size, size_t growth, size_t clear) {
  size_t len = size;
  memcpy(buf, data, size);
  int rc = protect(tx, buf, &len, sizeof buf);
  if (rc != SB_OK) {
    CHECK(len == size);
    CHECK(rc == SB_EINVAL);
    return;
  }
  CHECK(len == size + growth);
  CHECK(memcmp(buf, data, clear) == 0);
  CHECK(unprotect(rx, buf, &len) == SB_OK);
  CHECK(len == size && memcmp(buf, data, size) == 0);
}

/* A 12-byte header with the script's sequence number and SSRC, 40 bytes of
 * payload. */
static size_t script_packet(uint8_t *p, uint16_t seq, uint32_t ssrc) {
  p[0] = 0x80;
  p[1] = 111;
  p[2] = (uint8_t)(seq >> 8);
  p[3] = (uint8_t)seq;
  memset(p + 4, 0, 4);
  p[8] = (uint8_t)(ssrc >> 24);
  p[9] = (uint8_t)(ssrc >> 16);
  p[10] = (uint8_t)(ssrc >> 8);
  p[11] = (uint8_t)ssrc;
  for (int i = 0; i < 40; i++)
    p[12 + i] = (uint8_t)(seq + i);
  return 52;
}

static void script(sb_srtp *tx, sb_srtp *rx, const uint8_t *data, size_t size) {
  /* Streams start above 2^15 so the index estimate is symmetric from the
   * first packet (below it a step back reads as a step forward: ROC 0). */
  uint16_t seq[2] = {(uint16_t)(40000 + (size > 1 ? (data[0] << 8 | data[1]) % 16384 : 0)), 65000};
  int32_t behind[2] = {0, 0}; /* how far the packet is behind the highest sent */
  bool started[2] = {false, false};
  for (size_t i = 2; i < size && i < SCRIPT_MAX; i++) {
    int k = data[i] >> 7, step = started[k] ? (int)(data[i] & 0x7f) - 64 : 0;
    started[k] = true;
    if (behind[k] - step > 20000) step = -step; /* stay far from half the sequence space */
    seq[k] = (uint16_t)(seq[k] + step);
    behind[k] = behind[k] - step > 0 ? behind[k] - step : 0;
    size_t n = script_packet(plain, seq[k], 0x1000u + (uint32_t)k), len = n;
    memcpy(buf, plain, n);
    int rc = sb_srtp_protect_rtp(tx, buf, &len, sizeof buf);
    if (rc != SB_OK) { /* only when too far behind */
      CHECK(rc == SB_ECRYPTO && len == n && behind[k] >= 1024);
      continue;
    }
    size_t sent = len, len2 = len;
    CHECK(behind[k] < 1024 && sent > n);
    memcpy(again, buf, sent);
    rc = sb_srtp_unprotect_rtp(rx, buf, &len);
    if (rc == SB_OK) CHECK(len == n && memcmp(buf, plain, n) == 0);
    /* The receiver has seen the highest packet sent, so one behind it by
     * less than the window is accepted, or refused only as a replay. */
    CHECK(rc == SB_OK || sb_srtp_last_status(rx) == 9);
    CHECK(sb_srtp_unprotect_rtp(rx, again, &len2) == SB_ECRYPTO && len2 == sent);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MAX_INPUT) return 0;
  static const sb_srtp_profile profiles[] = {SB_SRTP_AEAD_AES_128_GCM, SB_SRTP_AES128_CM_SHA1_80};
  for (size_t p = 0; p < 2; p++) {
    sb_srtp_keys keys;
    sb_fuzz_srtp_keys(profiles[p], &keys);
    size_t tag = profiles[p] == SB_SRTP_AEAD_AES_128_GCM ? 16 : 10;
    sb_srtp *rx = NULL, *tx = NULL, *peer = NULL;
    CHECK(sb_srtp_new(&keys, &rx) == SB_OK && sb_srtp_new(&keys, &tx) == SB_OK &&
          sb_srtp_new(&keys, &peer) == SB_OK);
    unprotect_input(rx, sb_srtp_unprotect_rtp, data, size, tag);
    unprotect_input(rx, sb_srtp_unprotect_rtcp, data, size, tag + 4);
    protect_input(tx, peer, sb_srtp_protect_rtp, sb_srtp_unprotect_rtp, data, size, tag,
                  size < 12 ? 0 : 12);
    protect_input(tx, peer, sb_srtp_protect_rtcp, sb_srtp_unprotect_rtcp, data, size, tag + 4,
                  size < 8 ? 0 : 8);
    sb_srtp_free(rx);
    sb_srtp_free(tx);
    sb_srtp_free(peer);
    CHECK(sb_srtp_new(&keys, &tx) == SB_OK && sb_srtp_new(&keys, &rx) == SB_OK);
    script(tx, rx, data, size);
    sb_srtp_free(tx);
    sb_srtp_free(rx);
    sb_srtp_keys_wipe(&keys);
  }
  return 0;
}
