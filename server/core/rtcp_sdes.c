/* rtcp_sdes.c - RTCP source description chunks and items (see rtcp_sdes.h). */
#include "core/rtcp_sdes.h"

#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"

/* Walks the SC chunks of body; fills out only when out is not NULL, so that
 * a first pass validates and a second one fills (outputs on success only). */
static int sdes_walk(const uint8_t *body, size_t body_len, unsigned count, sb_rtcp_sdes *out) {
  size_t pos = 0;
  for (unsigned c = 0; c < count; c++) {
    if (body_len - pos < 4) return SB_ETRUNC;
    sb_rtcp_sdes_chunk *chunk = out ? &out->chunks[c] : NULL;
    if (chunk) {
      chunk->ssrc = sb_load_u32(body + pos);
      chunk->n_items = 0;
    }
    pos += 4;
    unsigned n = 0;
    for (;;) {
      if (pos >= body_len) return SB_ETRUNC;
      uint8_t type = body[pos];
      if (type == SB_RTCP_SDES_END) break;
      if (body_len - pos < 2) return SB_ETRUNC;
      uint8_t ilen = body[pos + 1];
      if (body_len - pos - 2 < ilen) return SB_ETRUNC;
      if (n == SB_RTCP_SDES_MAX_ITEMS) return SB_ETOOBIG;
      if (chunk) {
        chunk->items[n].type = type;
        chunk->items[n].len = ilen;
        chunk->items[n].data = body + pos + 2;
        chunk->n_items = (uint8_t)(n + 1);
      }
      n++;
      pos += 2 + (size_t)ilen;
    }
    /* The null octet, then up to the next 32-bit boundary (the body starts on
     * one). A sender that forgot the padding at the very end is forgiven. */
    pos += 1;
    pos += (4 - pos % 4) % 4;
    if (pos > body_len) pos = body_len;
  }
  if (out) out->n_chunks = (uint8_t)count;
  return SB_OK;
}

int sb_rtcp_sdes_parse(const uint8_t *pkt, size_t len, sb_rtcp_sdes *out) {
  sb_rtcp_packet p;
  int rc = sb_rtcp_packet_parse(pkt, len, &p);
  if (rc) return rc;
  if (p.pt != SB_RTCP_PT_SDES) return SB_EINVAL;
  rc = sdes_walk(p.body, p.body_len, p.count, NULL);
  if (rc) return rc;
  return sdes_walk(p.body, p.body_len, p.count, out);
}

int sb_rtcp_sdes_write(const sb_rtcp_sdes *in, uint8_t *buf, size_t cap, size_t *written) {
  if (in->n_chunks > SB_RTCP_SDES_MAX_CHUNKS) return SB_ETOOBIG;
  for (unsigned c = 0; c < in->n_chunks; c++) {
    const sb_rtcp_sdes_chunk *chunk = &in->chunks[c];
    if (chunk->n_items > SB_RTCP_SDES_MAX_ITEMS) return SB_ETOOBIG;
    for (unsigned i = 0; i < chunk->n_items; i++) {
      const sb_rtcp_sdes_item *it = &chunk->items[i];
      if (it->type == SB_RTCP_SDES_END || (it->len && !it->data)) return SB_EINVAL;
    }
  }
  sb_writer w;
  size_t start;
  sb_writer_init(&w, buf, cap);
  int rc = sb_rtcp_writer_begin(&w, &start);
  for (unsigned c = 0; !rc && c < in->n_chunks; c++) {
    const sb_rtcp_sdes_chunk *chunk = &in->chunks[c];
    size_t chunk_start = w.pos;
    rc = sb_writer_u32(&w, chunk->ssrc);
    for (unsigned i = 0; !rc && i < chunk->n_items; i++) {
      const sb_rtcp_sdes_item *it = &chunk->items[i];
      rc = sb_writer_u8(&w, it->type);
      if (!rc) rc = sb_writer_u8(&w, it->len);
      if (!rc) rc = sb_writer_bytes(&w, it->data, it->len);
    }
    /* At least one null octet, then to the chunk's next 32-bit boundary. */
    if (!rc) rc = sb_writer_zeros(&w, 4 - (w.pos - chunk_start) % 4);
  }
  if (!rc) rc = sb_rtcp_writer_end(&w, start, in->n_chunks, SB_RTCP_PT_SDES);
  if (rc) return rc;
  if (written) *written = sb_writer_len(&w);
  return SB_OK;
}

int sb_rtcp_sdes_write_cname(uint32_t ssrc, const char *cname, uint8_t *buf, size_t cap,
                             size_t *written) {
  if (!cname) return SB_EINVAL;
  size_t n = strlen(cname);
  if (n > 255) return SB_EINVAL;
  sb_rtcp_sdes s;
  s.n_chunks = 1;
  s.chunks[0].ssrc = ssrc;
  s.chunks[0].n_items = 1;
  s.chunks[0].items[0].type = SB_RTCP_SDES_CNAME;
  s.chunks[0].items[0].len = (uint8_t)n;
  s.chunks[0].items[0].data = (const uint8_t *)cname;
  return sb_rtcp_sdes_write(&s, buf, cap, written);
}

const sb_rtcp_sdes_item *sb_rtcp_sdes_find(const sb_rtcp_sdes_chunk *chunk, uint8_t type) {
  for (unsigned i = 0; i < chunk->n_items && i < SB_RTCP_SDES_MAX_ITEMS; i++)
    if (chunk->items[i].type == type) return &chunk->items[i];
  return NULL;
}
