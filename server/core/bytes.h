/* bytes.h - bounds-checked big-endian byte reader and writer.
 *
 * A reader walks a borrowed buffer; every read checks the remaining length and
 * returns SB_ETRUNC instead of reading past the end (the reader is left
 * unchanged on failure). A writer fills a borrowed buffer and returns
 * SB_ENOSPC when it would overflow. No allocation, no I/O. */
#ifndef SB_CORE_BYTES_H
#define SB_CORE_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  const uint8_t *data;
  size_t len;
  size_t pos;
} sb_reader;

typedef struct {
  uint8_t *data;
  size_t cap;
  size_t pos;
} sb_writer;

void sb_reader_init(sb_reader *r, const uint8_t *data, size_t len);
static inline size_t sb_reader_left(const sb_reader *r) { return r->len - r->pos; }
static inline const uint8_t *sb_reader_ptr(const sb_reader *r) { return r->data + r->pos; }
int sb_reader_u8(sb_reader *r, uint8_t *out);
int sb_reader_u16(sb_reader *r, uint16_t *out);
int sb_reader_u24(sb_reader *r, uint32_t *out);
int sb_reader_u32(sb_reader *r, uint32_t *out);
int sb_reader_u64(sb_reader *r, uint64_t *out);
/* Points *out at the next n bytes (borrowed) and advances. */
int sb_reader_bytes(sb_reader *r, size_t n, const uint8_t **out);
int sb_reader_skip(sb_reader *r, size_t n);

void sb_writer_init(sb_writer *w, uint8_t *data, size_t cap);
static inline size_t sb_writer_len(const sb_writer *w) { return w->pos; }
int sb_writer_u8(sb_writer *w, uint8_t v);
int sb_writer_u16(sb_writer *w, uint16_t v);
int sb_writer_u24(sb_writer *w, uint32_t v);
int sb_writer_u32(sb_writer *w, uint32_t v);
int sb_writer_u64(sb_writer *w, uint64_t v);
int sb_writer_bytes(sb_writer *w, const void *src, size_t n);
int sb_writer_zeros(sb_writer *w, size_t n);

/* Unchecked helpers for code that has already checked lengths. */
static inline uint16_t sb_load_u16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t sb_load_u24(const uint8_t *p) {
  return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}
static inline uint32_t sb_load_u32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void sb_store_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void sb_store_u24(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 16);
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)v;
}
static inline void sb_store_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

#endif
