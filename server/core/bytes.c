/* bytes.c - bounds-checked big-endian reader and writer (see bytes.h). */
#include "core/bytes.h"

#include <string.h>

#include "core/error.h"

void sb_reader_init(sb_reader *r, const uint8_t *data, size_t len) {
  r->data = data;
  r->len = data ? len : 0;
  r->pos = 0;
}

int sb_reader_u8(sb_reader *r, uint8_t *out) {
  if (sb_reader_left(r) < 1) return SB_ETRUNC;
  *out = r->data[r->pos++];
  return SB_OK;
}

int sb_reader_u16(sb_reader *r, uint16_t *out) {
  if (sb_reader_left(r) < 2) return SB_ETRUNC;
  *out = sb_load_u16(r->data + r->pos);
  r->pos += 2;
  return SB_OK;
}

int sb_reader_u24(sb_reader *r, uint32_t *out) {
  if (sb_reader_left(r) < 3) return SB_ETRUNC;
  *out = sb_load_u24(r->data + r->pos);
  r->pos += 3;
  return SB_OK;
}

int sb_reader_u32(sb_reader *r, uint32_t *out) {
  if (sb_reader_left(r) < 4) return SB_ETRUNC;
  *out = sb_load_u32(r->data + r->pos);
  r->pos += 4;
  return SB_OK;
}

int sb_reader_u64(sb_reader *r, uint64_t *out) {
  if (sb_reader_left(r) < 8) return SB_ETRUNC;
  *out = ((uint64_t)sb_load_u32(r->data + r->pos) << 32) | sb_load_u32(r->data + r->pos + 4);
  r->pos += 8;
  return SB_OK;
}

int sb_reader_bytes(sb_reader *r, size_t n, const uint8_t **out) {
  if (sb_reader_left(r) < n) return SB_ETRUNC;
  *out = r->data + r->pos;
  r->pos += n;
  return SB_OK;
}

int sb_reader_skip(sb_reader *r, size_t n) {
  if (sb_reader_left(r) < n) return SB_ETRUNC;
  r->pos += n;
  return SB_OK;
}

void sb_writer_init(sb_writer *w, uint8_t *data, size_t cap) {
  w->data = data;
  w->cap = data ? cap : 0;
  w->pos = 0;
}

static int writer_room(const sb_writer *w, size_t n) {
  return w->cap - w->pos >= n ? SB_OK : SB_ENOSPC;
}

int sb_writer_u8(sb_writer *w, uint8_t v) {
  if (writer_room(w, 1)) return SB_ENOSPC;
  w->data[w->pos++] = v;
  return SB_OK;
}

int sb_writer_u16(sb_writer *w, uint16_t v) {
  if (writer_room(w, 2)) return SB_ENOSPC;
  sb_store_u16(w->data + w->pos, v);
  w->pos += 2;
  return SB_OK;
}

int sb_writer_u24(sb_writer *w, uint32_t v) {
  if (writer_room(w, 3) || v > 0xffffff) return SB_ENOSPC;
  sb_store_u24(w->data + w->pos, v);
  w->pos += 3;
  return SB_OK;
}

int sb_writer_u32(sb_writer *w, uint32_t v) {
  if (writer_room(w, 4)) return SB_ENOSPC;
  sb_store_u32(w->data + w->pos, v);
  w->pos += 4;
  return SB_OK;
}

int sb_writer_u64(sb_writer *w, uint64_t v) {
  if (writer_room(w, 8)) return SB_ENOSPC;
  sb_store_u32(w->data + w->pos, (uint32_t)(v >> 32));
  sb_store_u32(w->data + w->pos + 4, (uint32_t)v);
  w->pos += 8;
  return SB_OK;
}

int sb_writer_bytes(sb_writer *w, const void *src, size_t n) {
  if (writer_room(w, n)) return SB_ENOSPC;
  if (n) memcpy(w->data + w->pos, src, n);
  w->pos += n;
  return SB_OK;
}

int sb_writer_zeros(sb_writer *w, size_t n) {
  if (writer_room(w, n)) return SB_ENOSPC;
  memset(w->data + w->pos, 0, n);
  w->pos += n;
  return SB_OK;
}
