/* rtcp_twcc.c - transport-wide congestion control feedback (see
 * rtcp_twcc.h): status chunks and receive deltas, both ways. */
#include "core/rtcp_twcc.h"

#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"

enum { SYM_NOT_RECEIVED = 0, SYM_SMALL = 1, SYM_LARGE = 2, SYM_RESERVED = 3 };

#define TWCC_FIXED_LEN 8      /* base seq, status count, reference time, fb count */
#define RUN_MAX        0x1fff /* 13-bit run length */

/* Records status symbol sym for packet i (pkts may be NULL: validate only).
 * Returns the octets its receive delta takes, or SB_EINVAL. */
static int twcc_status(sb_rtcp_twcc_packet *pkts, unsigned i, uint16_t base, unsigned sym) {
  if (sym == SYM_RESERVED) return SB_EINVAL;
  if (pkts) {
    pkts[i].seq = (uint16_t)(base + i);
    pkts[i].received = sym != SYM_NOT_RECEIVED;
    pkts[i].delta_us = (int32_t)sym; /* replaced by the delta in the second step */
  }
  return (int)sym; /* 0, 1 or 2 octets */
}

/* Reads the chunks of fci (after the fixed part) for count statuses and
 * checks that the deltas they announce fit. With pkts, also fills them. */
static int twcc_walk(const uint8_t *fci, size_t len, uint16_t base, unsigned count,
                     sb_rtcp_twcc_packet *pkts) {
  size_t pos = TWCC_FIXED_LEN, delta_len = 0;
  unsigned i = 0;
  while (i < count) {
    if (len - pos < 2) return SB_ETRUNC;
    uint16_t c = sb_load_u16(fci + pos);
    pos += 2;
    if (!(c & 0x8000)) {
      unsigned sym = (c >> 13) & 3, run = c & RUN_MAX;
      if (sym == SYM_RESERVED) return SB_EINVAL;
      for (unsigned k = 0; k < run && i < count; k++, i++)
        delta_len += (size_t)twcc_status(pkts, i, base, sym);
    } else if (!(c & 0x4000)) {
      for (unsigned k = 0; k < 14 && i < count; k++, i++)
        delta_len += (size_t)twcc_status(pkts, i, base, (c >> (13 - k)) & 1);
    } else {
      for (unsigned k = 0; k < 7 && i < count; k++, i++) {
        int n = twcc_status(pkts, i, base, (c >> (12 - 2 * k)) & 3);
        if (n < 0) return n;
        delta_len += (size_t)n;
      }
    }
  }
  if (len - pos < delta_len) return SB_ETRUNC;
  if (!pkts) return SB_OK;
  const uint8_t *d = fci + pos;
  for (i = 0; i < count; i++) {
    if (pkts[i].delta_us == SYM_SMALL) {
      pkts[i].delta_us = SB_RTCP_TWCC_DELTA_UNIT_US * (int32_t)d[0];
      d += 1;
    } else if (pkts[i].delta_us == SYM_LARGE) {
      pkts[i].delta_us = SB_RTCP_TWCC_DELTA_UNIT_US * (int32_t)(int16_t)sb_load_u16(d);
      d += 2;
    }
  }
  return SB_OK;
}

int sb_rtcp_twcc_parse(const uint8_t *pkt, size_t len, sb_rtcp_twcc *out) {
  sb_rtcp_fb fb;
  int rc = sb_rtcp_fb_parse(pkt, len, SB_RTCP_PT_RTPFB, SB_RTCP_FMT_TWCC, &fb);
  if (rc) return rc;
  if (fb.fci_len < TWCC_FIXED_LEN) return SB_ETRUNC;
  uint16_t base = sb_load_u16(fb.fci);
  uint16_t count = sb_load_u16(fb.fci + 2);
  uint32_t ref = sb_load_u24(fb.fci + 4);
  if (count == 0) return SB_EINVAL;
  if (count > SB_RTCP_TWCC_MAX_PACKETS) return SB_ETOOBIG;
  rc = twcc_walk(fb.fci, fb.fci_len, base, count, NULL);
  if (rc) return rc;
  twcc_walk(fb.fci, fb.fci_len, base, count, out->packets);
  out->sender_ssrc = fb.sender_ssrc;
  out->media_ssrc = fb.media_ssrc;
  out->base_seq = base;
  out->reference_time = (ref & 0x800000) ? (int32_t)ref - 0x1000000 : (int32_t)ref;
  out->fb_pkt_count = fb.fci[7];
  out->n_packets = count;
  return SB_OK;
}

/* The status symbols of in, one per sequence number from base_seq; returns
 * the status count or a negative code. */
static int twcc_symbols(const sb_rtcp_twcc *in, uint8_t *sym) {
  if (in->n_packets == 0) return SB_EINVAL;
  if (in->n_packets > SB_RTCP_TWCC_MAX_PACKETS) return SB_ETOOBIG;
  if (in->reference_time < SB_RTCP_TWCC_REF_MIN || in->reference_time > SB_RTCP_TWCC_REF_MAX)
    return SB_EINVAL;
  unsigned count = 0;
  for (unsigned i = 0; i < in->n_packets; i++) {
    const sb_rtcp_twcc_packet *p = &in->packets[i];
    unsigned off = (uint16_t)(p->seq - in->base_seq);
    if (i > 0 && off < count) return SB_EINVAL; /* not after the previous one */
    if (off >= SB_RTCP_TWCC_MAX_PACKETS) return SB_ETOOBIG;
    while (count < off)
      sym[count++] = SYM_NOT_RECEIVED;
    uint8_t s = SYM_NOT_RECEIVED;
    if (p->received) {
      if (p->delta_us % SB_RTCP_TWCC_DELTA_UNIT_US) return SB_EINVAL;
      int32_t ticks = p->delta_us / SB_RTCP_TWCC_DELTA_UNIT_US;
      if (ticks >= 0 && ticks <= 255)
        s = SYM_SMALL;
      else if (ticks >= INT16_MIN && ticks <= INT16_MAX)
        s = SYM_LARGE;
      else
        return SB_EINVAL;
    }
    sym[count++] = s;
  }
  return (int)count;
}

static int twcc_write_chunks(sb_writer *w, const uint8_t *sym, unsigned count) {
  unsigned i = 0;
  int rc = SB_OK;
  while (!rc && i < count) {
    unsigned left = count - i, run = 1;
    while (run < left && run < RUN_MAX && sym[i + run] == sym[i])
      run++;
    if (run >= 14 || run == left) {
      rc = sb_writer_u16(w, (uint16_t)((sym[i] << 13) | run));
      i += run;
      continue;
    }
    unsigned span = left < 14 ? left : 14;
    bool one_bit = true;
    for (unsigned k = 0; k < span; k++)
      one_bit = one_bit && sym[i + k] <= SYM_SMALL;
    if (one_bit) {
      uint16_t c = 0x8000;
      for (unsigned k = 0; k < span; k++)
        c = (uint16_t)(c | (sym[i + k] << (13 - k)));
      rc = sb_writer_u16(w, c);
      i += span;
    } else if (run >= 7) {
      rc = sb_writer_u16(w, (uint16_t)((sym[i] << 13) | run));
      i += run;
    } else {
      span = left < 7 ? left : 7;
      uint16_t c = 0xc000;
      for (unsigned k = 0; k < span; k++)
        c = (uint16_t)(c | (sym[i + k] << (12 - 2 * k)));
      rc = sb_writer_u16(w, c);
      i += span;
    }
  }
  return rc;
}

int sb_rtcp_twcc_write(const sb_rtcp_twcc *in, uint8_t *buf, size_t cap, size_t *written) {
  uint8_t sym[SB_RTCP_TWCC_MAX_PACKETS];
  int count = twcc_symbols(in, sym);
  if (count < 0) return count;
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_fb_begin(&w, &start, in->sender_ssrc, in->media_ssrc);
  if (!rc) rc = sb_writer_u16(&w, in->base_seq);
  if (!rc) rc = sb_writer_u16(&w, (uint16_t)count);
  if (!rc) rc = sb_writer_u24(&w, (uint32_t)in->reference_time & 0xffffff);
  if (!rc) rc = sb_writer_u8(&w, in->fb_pkt_count);
  if (!rc) rc = twcc_write_chunks(&w, sym, (unsigned)count);
  for (unsigned i = 0; !rc && i < in->n_packets; i++) {
    const sb_rtcp_twcc_packet *p = &in->packets[i];
    if (!p->received) continue;
    int32_t ticks = p->delta_us / SB_RTCP_TWCC_DELTA_UNIT_US;
    if (ticks >= 0 && ticks <= 255)
      rc = sb_writer_u8(&w, (uint8_t)ticks);
    else
      rc = sb_writer_u16(&w, (uint16_t)(int16_t)ticks);
  }
  if (!rc) rc = sb_rtcp_writer_end(&w, start, SB_RTCP_FMT_TWCC, SB_RTCP_PT_RTPFB);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}
