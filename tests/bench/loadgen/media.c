/* media.c - building and checking the generator's RTP packets (see media.h). */
#include "media.h"

#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtp.h"
#include "core/rtp_ext.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v) {
  put32(p, (uint32_t)(v >> 32));
  put32(p + 4, (uint32_t)v);
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }

static uint64_t fnv_words(uint64_t h, const uint8_t *p, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    h = (h ^ w) * FNV_PRIME;
  }
  for (; i < len; i++)
    h = (h ^ p[i]) * FNV_PRIME;
  return h;
}

uint32_t sb_lg_checksum(const uint8_t *payload, size_t len) {
  if (len < SB_LG_PAYLOAD_MIN) return 0;
  uint64_t h = fnv_words(FNV_OFFSET, payload, 24);
  h = fnv_words(h, payload + SB_LG_PAYLOAD_MIN, len - SB_LG_PAYLOAD_MIN);
  return (uint32_t)(h ^ (h >> 32));
}

/* table[k] = k mod 256, long enough for any seed plus the largest payload. */
#define FILLER_TABLE_LEN (256 + SB_LG_MAX_PAYLOAD)
static const uint8_t *filler_table(void) {
  static uint8_t table[FILLER_TABLE_LEN];
  static gsize done = 0;
  if (g_once_init_enter(&done)) {
    for (size_t k = 0; k < FILLER_TABLE_LEN; k++)
      table[k] = (uint8_t)k;
    g_once_init_leave(&done, 1);
  }
  return table;
}

size_t sb_lg_media_build(sb_lg_tx *tx, uint8_t *buf, size_t cap, uint32_t ts, bool marker,
                         size_t payload_len, uint16_t twcc_seq, int64_t now_ns) {
  if (payload_len < SB_LG_PAYLOAD_MIN) payload_len = SB_LG_PAYLOAD_MIN;
  if (payload_len > SB_LG_MAX_PAYLOAD) return 0;
  uint8_t abs[3], twcc[2];
  uint32_t a = sb_lg_abs_send_time(now_ns);
  abs[0] = (uint8_t)(a >> 16);
  abs[1] = (uint8_t)(a >> 8);
  abs[2] = (uint8_t)a;
  twcc[0] = (uint8_t)(twcc_seq >> 8);
  twcc[1] = (uint8_t)twcc_seq;
  sb_rtp_ext_elem elems[3];
  size_t n = 0;
  if (tx->ext_mid && tx->mid[0])
    elems[n++] = (sb_rtp_ext_elem){
        .id = tx->ext_mid, .len = strlen(tx->mid), .data = (const uint8_t *)tx->mid};
  if (tx->ext_abs) elems[n++] = (sb_rtp_ext_elem){.id = tx->ext_abs, .len = 3, .data = abs};
  if (tx->ext_twcc) elems[n++] = (sb_rtp_ext_elem){.id = tx->ext_twcc, .len = 2, .data = twcc};
  uint8_t ext[64];
  size_t ext_len = 0;
  uint16_t profile = 0;
  if (n && sb_rtp_ext_write(elems, n, ext, sizeof ext, &profile, &ext_len) < 0) n = 0, ext_len = 0;
  sb_rtp_fields f = {.marker = marker,
                     .payload_type = tx->pt,
                     .seq = tx->seq,
                     .timestamp = ts,
                     .ssrc = tx->ssrc,
                     .extension = n > 0,
                     .ext_profile = profile,
                     .ext_data = ext,
                     .ext_len = ext_len};
  size_t hlen = 0;
  if (sb_rtp_write(&f, buf, cap, &hlen) < 0 || hlen + payload_len > cap) return 0;
  uint8_t *p = buf + hlen;
  put32(p, SB_LG_MAGIC);
  put32(p + 4, tx->stream_id);
  put64(p + 8, tx->counter);
  put64(p + 16, (uint64_t)now_ns);
  /* Filler: bytes (seed + i) mod 256, a pattern that changes with the
   * counter (so a packet pasted into another's place does not pass),
   * copied from a table rather than written byte by byte. */
  unsigned seed = (unsigned)(tx->counter * 131u + tx->stream_id) & 0xff;
  if (payload_len > SB_LG_PAYLOAD_MIN)
    memcpy(p + SB_LG_PAYLOAD_MIN, filler_table() + seed + SB_LG_PAYLOAD_MIN,
           payload_len - SB_LG_PAYLOAD_MIN);
  put32(p + 24, sb_lg_checksum(p, payload_len));
  tx->seq++;
  tx->counter++;
  tx->packets++;
  tx->octets += (uint32_t)payload_len;
  return hlen + payload_len;
}

int sb_lg_payload_check(const uint8_t *payload, size_t len, uint32_t *stream_id, uint64_t *counter,
                        int64_t *send_ns) {
  if (len < SB_LG_PAYLOAD_MIN || get32(payload) != SB_LG_MAGIC) return SB_EINVAL;
  if (get32(payload + 24) != sb_lg_checksum(payload, len)) return SB_EINVAL;
  *stream_id = get32(payload + 4);
  *counter = get64(payload + 8);
  *send_ns = (int64_t)get64(payload + 16);
  return SB_OK;
}

static bool seen_get(const sb_lg_seq *s, uint64_t c) {
  unsigned b = (unsigned)(c % SB_LG_SEQ_WINDOW);
  return (s->seen[b / 64] >> (b % 64)) & 1;
}

static void seen_set(sb_lg_seq *s, uint64_t c, bool on) {
  unsigned b = (unsigned)(c % SB_LG_SEQ_WINDOW);
  if (on)
    s->seen[b / 64] |= 1ull << (b % 64);
  else
    s->seen[b / 64] &= ~(1ull << (b % 64));
}

sb_lg_seq_result sb_lg_seq_update(sb_lg_seq *s, uint64_t c, uint64_t *expected_inc) {
  *expected_inc = 0;
  if (!s->started) {
    s->started = true;
    s->base = s->highest = c;
    memset(s->seen, 0, sizeof s->seen);
    seen_set(s, c, true);
    *expected_inc = 1;
    return SB_LG_SEQ_NEW;
  }
  if (c > s->highest) {
    uint64_t gap = c - s->highest;
    if (gap >= SB_LG_SEQ_WINDOW)
      memset(s->seen, 0, sizeof s->seen);
    else
      for (uint64_t k = s->highest + 1; k < c; k++)
        seen_set(s, k, false);
    seen_set(s, c, true);
    s->highest = c;
    *expected_inc = gap;
    return SB_LG_SEQ_NEW;
  }
  if (s->highest - c >= SB_LG_SEQ_WINDOW || c < s->base) return SB_LG_SEQ_OLD;
  if (seen_get(s, c)) return SB_LG_SEQ_DUP;
  seen_set(s, c, true);
  return SB_LG_SEQ_NEW;
}
