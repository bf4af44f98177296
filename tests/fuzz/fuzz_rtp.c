/* fuzz_rtp.c - libFuzzer target for the RTP core: sb_rtp_parse, every header
 * extension accessor, extension iteration, block writing and in-place id
 * rewriting on a copy, header serialization round trip, the in-place field
 * setters; then the same input read as a stream of (seq, timestamp, clock
 * step) records fed to rx_stats and the retransmission buffer (a byte
 * budget from 20 to 2560 bytes, so its byte ring grows, wraps and evicts).
 *
 * Besides "no crash, no out-of-bounds read", it checks invariants and traps
 * when one breaks: parsed lengths add up, serializing a parsed header gives
 * back the same bytes, writing the iterated elements and iterating again
 * gives the same elements, and remapping ids changes exactly the ids. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "core/rtp.h"
#include "core/rtp_ext.h"
#include "core/rtx_buffer.h"
#include "core/rx_stats.h"
#include "core/seq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ELEMS 256
#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) abort();                                                                             \
  } while (0)

/* Every accessor for one id; results only need to be self-consistent. */
static void try_accessors(const sb_rtp_header *h, uint8_t id) {
  char s[256];
  uint32_t ast = 0;
  uint16_t tseq = 0;
  bool voice = false;
  uint8_t level = 0;
  const uint8_t *d = NULL;
  size_t n = 0;
  int rc = sb_rtp_ext_find(h, id, &d, &n);
  if (rc == SB_OK)
    CHECK(d >= h->data + h->ext_offset && d + n <= h->data + h->ext_offset + h->ext_len);
  if (sb_rtp_ext_get_mid(h, id, s, sizeof s) == SB_OK) CHECK(strlen(s) >= 1 && strlen(s) <= 255);
  (void)sb_rtp_ext_get_rid(h, id, s, 4); /* small buffer: SB_ENOSPC path */
  if (sb_rtp_ext_get_abs_send_time(h, id, &ast) == SB_OK) {
    CHECK(ast <= 0xffffff);
    CHECK(sb_rtp_ext_abs_send_time_to_us(ast) < 64000000u);
  }
  (void)sb_rtp_ext_get_transport_seq(h, id, &tseq);
  if (sb_rtp_ext_get_audio_level(h, id, &voice, &level) == SB_OK) CHECK(level <= 127);
}

/* Writes the elements back as a block and iterates it again. */
static void check_write_roundtrip(const sb_rtp_ext_elem *el, size_t n) {
  static uint8_t block[256 * 258 + 4];
  uint16_t profile = 0;
  size_t len = 0;
  if (sb_rtp_ext_write(el, n, block, sizeof block, &profile, &len) != SB_OK) return;
  CHECK(len % 4 == 0);
  sb_rtp_ext_iter it;
  sb_rtp_ext_elem e;
  CHECK(sb_rtp_ext_iter_init(&it, profile, block, len) == SB_OK);
  for (size_t i = 0; i < n; i++) {
    CHECK(sb_rtp_ext_next(&it, &e) == SB_OK);
    CHECK(e.id == el[i].id && e.len == el[i].len);
    CHECK(e.len == 0 || memcmp(e.data, el[i].data, e.len) == 0);
  }
  CHECK(sb_rtp_ext_next(&it, &e) == SB_ENOTFOUND);
  /* Too small by one byte must fail cleanly. */
  if (len > 0) CHECK(sb_rtp_ext_write(el, n, block, len - 1, &profile, &len) == SB_ENOSPC);
}

/* Remaps ids of a copy with a map taken from the input, then checks the
 * copy element by element against the original. */
static void check_remap(const sb_rtp_header *h, const uint8_t *data, size_t size) {
  uint8_t map[256];
  for (unsigned i = 0; i < 256; i++) {
    uint8_t b = data[(i * 7u + 3u) % size];
    map[i] = (b & 0x80) ? (uint8_t)i : (b & 0x40) ? 0 : (uint8_t)(b & 0x3f);
  }
  uint8_t *copy = malloc(size);
  CHECK(copy);
  memcpy(copy, data, size);
  sb_rtp_header hc;
  CHECK(sb_rtp_parse(copy, size, &hc) == SB_OK);
  int rc = sb_rtp_ext_remap(copy, &hc, map);
  if (rc != SB_OK || !h->extension) {
    CHECK(memcmp(copy, data, size) == 0); /* unchanged on error, or nothing to change */
  } else {
    CHECK(memcmp(copy, data, h->ext_offset) == 0);
    CHECK(memcmp(copy + h->header_len, data + h->header_len, size - h->header_len) == 0);
    {
      sb_rtp_ext_iter a, b;
      sb_rtp_ext_elem ea, eb;
      int ra;
      CHECK(sb_rtp_ext_iter_init_header(&a, h) == SB_OK);
      CHECK(sb_rtp_ext_iter_init_header(&b, &hc) == SB_OK);
      while ((ra = sb_rtp_ext_next(&a, &ea)) == SB_OK) {
        if (map[ea.id] == 0) continue;
        CHECK(sb_rtp_ext_next(&b, &eb) == SB_OK);
        CHECK(eb.id == map[ea.id] && eb.len == ea.len);
        CHECK(eb.data - hc.data == ea.data - h->data);
      }
      CHECK(ra == SB_ENOTFOUND);
      CHECK(sb_rtp_ext_next(&b, &eb) == SB_ENOTFOUND);
    }
  }
  /* In-place setters on the copy. */
  (void)sb_rtp_ext_set_abs_send_time(copy, &hc, map[3] ? map[3] : 3, 0x123456);
  (void)sb_rtp_ext_set_transport_seq(copy, &hc, map[5] ? map[5] : 5, 0xbeef);
  CHECK(sb_rtp_set_ssrc(copy, size, 0x01020304) == SB_OK);
  CHECK(sb_rtp_set_seq(copy, size, 0xfffe) == SB_OK);
  CHECK(sb_rtp_set_timestamp(copy, size, 0x55aa55aa) == SB_OK);
  CHECK(sb_rtp_set_payload_type(copy, size, 127) == SB_OK);
  CHECK(sb_rtp_set_marker(copy, size, !h->marker) == SB_OK);
  sb_rtp_header h2;
  CHECK(sb_rtp_parse(copy, size, &h2) == SB_OK);
  CHECK(h2.ssrc == 0x01020304 && h2.seq == 0xfffe && h2.timestamp == 0x55aa55aa);
  CHECK(h2.payload_type == 127 && h2.marker == !h->marker);
  CHECK(h2.header_len == h->header_len && h2.payload_len == h->payload_len);
  free(copy);
}

static void fuzz_packet(const uint8_t *data, size_t size) {
  sb_rtp_header h;
  if (sb_rtp_parse(data, size, &h) != SB_OK) return;
  CHECK(h.header_len + h.payload_len + h.padding_len == size);
  CHECK(h.payload_offset == h.header_len);
  CHECK(!h.extension || h.ext_offset + h.ext_len <= h.header_len);
  for (unsigned i = 0; i < 16; i++)
    (void)sb_rtp_csrc(&h, i);

  /* Serialization gives back the header bytes. */
  sb_rtp_fields f;
  static uint8_t out[SB_RTP_MAX_HEADER];
  size_t n = 0;
  sb_rtp_fields_from_header(&h, &f);
  CHECK(sb_rtp_write(&f, out, sizeof out, &n) == SB_OK);
  CHECK(n == h.header_len && memcmp(out, data, n) == 0);

  /* Accessors: every one-byte id, and the two-byte ids present. */
  for (unsigned id = 0; id < 16; id++)
    try_accessors(&h, (uint8_t)id);

  sb_rtp_ext_iter it;
  sb_rtp_ext_elem el[MAX_ELEMS];
  size_t count = 0;
  if (sb_rtp_ext_iter_init_header(&it, &h) == SB_OK) {
    sb_rtp_ext_elem e;
    int rc;
    while ((rc = sb_rtp_ext_next(&it, &e)) == SB_OK) {
      CHECK(e.id != 0 && e.data >= h.data + h.ext_offset);
      CHECK(e.data + e.len <= h.data + h.ext_offset + h.ext_len);
      if (e.id >= 16) try_accessors(&h, e.id);
      if (count < MAX_ELEMS) el[count++] = e;
    }
    CHECK(rc == SB_ENOTFOUND || rc == SB_ETRUNC || rc == SB_EINVAL);
    CHECK(sb_rtp_ext_next(&it, &e) == rc);
    check_write_roundtrip(el, count);
  }
  check_remap(&h, data, size);
}

/* The input as records of 7 bytes: seq (2), timestamp (4), clock step (1,
 * signed, in ms; a step of -128 jumps the clock by 2^40 us). */
static void fuzz_streams(const uint8_t *data, size_t size) {
  if (size < 1) return;
  static const uint32_t rates[] = {8000, 16000, 48000, 90000, 1, 0xffffffffu};
  sb_rx_stats s;
  sb_rx_report r;
  sb_rtx_buffer *b = NULL;
  CHECK(sb_rx_stats_init(&s, rates[data[0] % 6], 1 + (data[0] >> 3) * 100u) == SB_OK);
  /* A budget of 20 bytes (one packet of at most 16) up to 2560 (grows from
   * 320 by doubling). */
  size_t budget = (size_t)20 << ((data[0] >> 4) & 7);
  size_t max_packet = budget - 4;
  CHECK(sb_rtx_buffer_new(1u + (data[0] & 0x3f), budget, 500000, &b) == SB_OK);
  uint64_t now = (uint64_t)1 << 50; /* a wall-clock-sized start */
  if (data[0] & 0x40) now = (uint64_t)INT64_MAX - 1000000;
  sb_reader rd;
  sb_reader_init(&rd, data + 1, size - 1);
  uint16_t seq;
  uint32_t ts;
  uint8_t step;
  unsigned i = 0;
  while (sb_reader_u16(&rd, &seq) == SB_OK && sb_reader_u32(&rd, &ts) == SB_OK &&
         sb_reader_u8(&rd, &step) == SB_OK) {
    int8_t st = (int8_t)step;
    now += st == -128 ? (uint64_t)1 << 40 : (uint64_t)(int64_t)st * 1000u;
    int64_t now_us = (int64_t)now;
    sb_rx_result res = sb_rx_stats_update(&s, seq, ts, 1 + (ts & 0x3ff), now_us);
    CHECK(res >= SB_RX_FIRST && res <= SB_RX_RESTARTED);
    if (step & 1) {
      CHECK(sb_rx_stats_report(&s, &r) == SB_OK);
      CHECK(r.cumulative_lost >= SB_RX_CUM_LOST_MIN && r.cumulative_lost <= SB_RX_CUM_LOST_MAX);
    }
    (void)sb_rx_stats_bitrate(&s, now_us);
    CHECK(sb_rx_stats_window_bytes(&s, now_us) <= s.bytes);

    const uint8_t *pkt = data + 1 + 7u * i;
    size_t len = 1 + (ts >> 24) % 20; /* sometimes over a 20-byte budget's largest */
    if (len > size - 1 - 7u * i) len = size - 1 - 7u * i;
    int rc = sb_rtx_buffer_put(b, seq, pkt, len, now_us);
    CHECK(rc == SB_OK || rc == SB_ETOOBIG || rc == SB_ESTATE);
    CHECK((rc == SB_ETOOBIG) == (len > max_packet));
    CHECK(sb_rtx_buffer_memory(b) <= budget);
    const uint8_t *got;
    size_t got_len;
    if (rc == SB_OK) {
      CHECK(sb_rtx_buffer_get(b, seq, now_us, &got, &got_len) == SB_OK);
      CHECK(got_len == len && memcmp(got, pkt, len) == 0);
    }
    if (sb_rtx_buffer_get(b, (uint16_t)(seq - (ts & 0x1f)), now_us, &got, &got_len) == SB_OK)
      CHECK(got_len >= 1 && got_len <= max_packet);
    /* A resend right after another of the same packet is refused. */
    int64_t interval = (int64_t)(ts & 0xff) * 1000;
    uint16_t nacked = (uint16_t)(seq - ((ts >> 8) & 0x7));
    if (sb_rtx_buffer_get_resend(b, nacked, now_us, interval, &got, &got_len) == SB_OK) {
      CHECK(got_len >= 1 && got_len <= max_packet);
      CHECK(sb_rtx_buffer_get_resend(b, nacked, now_us, interval, &got, &got_len) ==
            (interval > 0 ? SB_EEXIST : SB_OK));
    }
    CHECK(sb_rtx_buffer_count(b, now_us) <= sb_rtx_buffer_capacity(b));
    i++;
  }
  sb_rtx_buffer_free(b);
}

/* The raw input as a bare extension block, in both forms. */
static void fuzz_raw_block(const uint8_t *data, size_t size) {
  static const uint16_t profiles[] = {SB_RTP_EXT_ONE_BYTE, SB_RTP_EXT_TWO_BYTE | 0x5};
  uint8_t map[256];
  for (unsigned i = 0; i < 256; i++)
    map[i] = (uint8_t)((i * 5u) % 15u);
  uint8_t *copy = malloc(size ? size : 1);
  CHECK(copy);
  for (unsigned p = 0; p < 2; p++) {
    sb_rtp_ext_iter it;
    sb_rtp_ext_elem e;
    CHECK(sb_rtp_ext_iter_init(&it, profiles[p], data, size) == SB_OK);
    while (sb_rtp_ext_next(&it, &e) == SB_OK)
      CHECK(e.data >= data && e.data + e.len <= data + size);
    if (size) memcpy(copy, data, size);
    if (sb_rtp_ext_remap_block(profiles[p], copy, size, map) != SB_OK && size)
      CHECK(memcmp(copy, data, size) == 0);
  }
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_raw_block(data, size);
  fuzz_packet(data, size);
  fuzz_streams(data, size);
  return 0;
}
