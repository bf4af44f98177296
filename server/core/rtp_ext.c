/* rtp_ext.c - RTP header extension elements, RFC 8285 (see rtp_ext.h). */
#include "core/rtp_ext.h"

#include <string.h>

#include "core/bytes.h"
#include "core/error.h"

bool sb_rtp_ext_profile_supported(uint16_t profile) {
  return profile == SB_RTP_EXT_ONE_BYTE || (profile & 0xfff0) == SB_RTP_EXT_TWO_BYTE;
}

int sb_rtp_ext_iter_init(sb_rtp_ext_iter *it, uint16_t profile, const uint8_t *data, size_t len) {
  if (!sb_rtp_ext_profile_supported(profile)) return SB_EUNSUPPORTED;
  it->data = data;
  it->len = data ? len : 0;
  it->pos = 0;
  it->two_byte = profile != SB_RTP_EXT_ONE_BYTE;
  it->end = 0;
  return SB_OK;
}

int sb_rtp_ext_iter_init_header(sb_rtp_ext_iter *it, const sb_rtp_header *h) {
  if (!h->extension) return SB_ENOTFOUND;
  return sb_rtp_ext_iter_init(it, h->ext_profile, h->data + h->ext_offset, h->ext_len);
}

/* One step of iteration; *hdr_off gets the offset of the element's first
 * header byte within the block. */
static int ext_next(sb_rtp_ext_iter *it, sb_rtp_ext_elem *out, size_t *hdr_off) {
  if (it->end) return it->end;
  while (it->pos < it->len) {
    size_t start = it->pos;
    uint8_t b = it->data[start];
    uint8_t id;
    size_t len, data_off;
    if (b == 0) { /* padding, in either form */
      it->pos++;
      continue;
    }
    if (!it->two_byte) {
      id = b >> 4;
      len = (size_t)(b & 0x0f) + 1;
      if (id == 15) { /* RFC 8285 4.2: stop, ignore the rest */
        it->end = SB_ENOTFOUND;
        return it->end;
      }
      if (id == 0) { /* only 0x00 is padding */
        it->end = SB_EINVAL;
        return it->end;
      }
      data_off = start + 1;
    } else {
      if (it->len - start < 2) {
        it->end = SB_ETRUNC;
        return it->end;
      }
      id = b;
      len = it->data[start + 1];
      data_off = start + 2;
    }
    if (len > it->len - data_off) {
      it->end = SB_ETRUNC;
      return it->end;
    }
    it->pos = data_off + len;
    out->id = id;
    out->len = len;
    out->data = it->data + data_off;
    if (hdr_off) *hdr_off = start;
    return SB_OK;
  }
  it->end = SB_ENOTFOUND;
  return it->end;
}

int sb_rtp_ext_next(sb_rtp_ext_iter *it, sb_rtp_ext_elem *out) { return ext_next(it, out, NULL); }

int sb_rtp_ext_find(const sb_rtp_header *h, uint8_t id, const uint8_t **data, size_t *len) {
  if (id == 0) return SB_EINVAL;
  sb_rtp_ext_iter it;
  int rc = sb_rtp_ext_iter_init_header(&it, h);
  if (rc == SB_EUNSUPPORTED) return SB_ENOTFOUND;
  if (rc) return rc;
  sb_rtp_ext_elem e;
  while ((rc = sb_rtp_ext_next(&it, &e)) == SB_OK) {
    if (e.id == id) {
      *data = e.data;
      *len = e.len;
      return SB_OK;
    }
  }
  return rc;
}

int sb_rtp_ext_get_string(const sb_rtp_header *h, uint8_t id, char *out, size_t cap) {
  const uint8_t *d;
  size_t n;
  int rc = sb_rtp_ext_find(h, id, &d, &n);
  if (rc) return rc;
  while (n > 0 && d[n - 1] == 0)
    n--;
  if (n == 0) return SB_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (d[i] < 0x21 || d[i] > 0x7e) return SB_EINVAL;
  if (!out || cap < n + 1) return SB_ENOSPC;
  memcpy(out, d, n);
  out[n] = '\0';
  return SB_OK;
}

int sb_rtp_ext_get_mid(const sb_rtp_header *h, uint8_t id, char *out, size_t cap) {
  return sb_rtp_ext_get_string(h, id, out, cap);
}

int sb_rtp_ext_get_rid(const sb_rtp_header *h, uint8_t id, char *out, size_t cap) {
  return sb_rtp_ext_get_string(h, id, out, cap);
}

int sb_rtp_ext_get_abs_send_time(const sb_rtp_header *h, uint8_t id, uint32_t *out) {
  const uint8_t *d;
  size_t n;
  int rc = sb_rtp_ext_find(h, id, &d, &n);
  if (rc) return rc;
  if (n != 3) return SB_EINVAL;
  *out = sb_load_u24(d);
  return SB_OK;
}

int sb_rtp_ext_get_transport_seq(const sb_rtp_header *h, uint8_t id, uint16_t *out) {
  const uint8_t *d;
  size_t n;
  int rc = sb_rtp_ext_find(h, id, &d, &n);
  if (rc) return rc;
  if (n != 2 && n != 4) return SB_EINVAL;
  *out = sb_load_u16(d);
  return SB_OK;
}

int sb_rtp_ext_get_audio_level(const sb_rtp_header *h, uint8_t id, bool *voice, uint8_t *level) {
  const uint8_t *d;
  size_t n;
  int rc = sb_rtp_ext_find(h, id, &d, &n);
  if (rc) return rc;
  if (n < 1) return SB_EINVAL;
  *voice = (d[0] & 0x80) != 0;
  *level = d[0] & 0x7f;
  return SB_OK;
}

/* Finds element id in the packet h was parsed from and returns a writable
 * pointer to its data in pkt. */
static int find_mut(uint8_t *pkt, const sb_rtp_header *h, uint8_t id, uint8_t **data, size_t *len) {
  if (!pkt || h->data != pkt) return SB_EINVAL;
  const uint8_t *d;
  int rc = sb_rtp_ext_find(h, id, &d, len);
  if (rc) return rc;
  *data = pkt + (size_t)(d - h->data);
  return SB_OK;
}

int sb_rtp_ext_set_abs_send_time(uint8_t *pkt, const sb_rtp_header *h, uint8_t id, uint32_t v) {
  uint8_t *d;
  size_t n;
  int rc = find_mut(pkt, h, id, &d, &n);
  if (rc) return rc;
  if (n != 3) return SB_EINVAL;
  sb_store_u24(d, v & 0xffffff);
  return SB_OK;
}

int sb_rtp_ext_set_transport_seq(uint8_t *pkt, const sb_rtp_header *h, uint8_t id, uint16_t seq) {
  uint8_t *d;
  size_t n;
  int rc = find_mut(pkt, h, id, &d, &n);
  if (rc) return rc;
  if (n != 2 && n != 4) return SB_EINVAL;
  sb_store_u16(d, seq);
  return SB_OK;
}

int sb_rtp_ext_write(const sb_rtp_ext_elem *elems, size_t n, uint8_t *out, size_t cap,
                     uint16_t *profile, size_t *out_len) {
  uint8_t seen[32] = {0};
  bool one_byte = true;
  size_t need1 = 0, need2 = 0;
  if (n > 0 && !elems) return SB_EINVAL;
  for (size_t i = 0; i < n; i++) {
    const sb_rtp_ext_elem *e = &elems[i];
    if (e->id == 0 || e->len > SB_RTP_EXT_TWO_BYTE_MAX_LEN) return SB_EINVAL;
    if (e->len > 0 && !e->data) return SB_EINVAL;
    if (seen[e->id >> 3] & (1u << (e->id & 7))) return SB_EINVAL;
    seen[e->id >> 3] |= (uint8_t)(1u << (e->id & 7));
    if (e->id > SB_RTP_EXT_ONE_BYTE_MAX_ID || e->len == 0 || e->len > SB_RTP_EXT_ONE_BYTE_MAX_LEN)
      one_byte = false;
    need1 += 1 + e->len;
    need2 += 2 + e->len;
  }
  size_t need = one_byte ? need1 : need2;
  size_t padded = (need + 3) & ~(size_t)3;
  /* At most 255 elements of 257 bytes: always within the 16-bit word count. */
  if (!out || cap < padded) return SB_ENOSPC;

  size_t pos = 0;
  for (size_t i = 0; i < n; i++) {
    const sb_rtp_ext_elem *e = &elems[i];
    if (one_byte) {
      out[pos++] = (uint8_t)((e->id << 4) | (e->len - 1));
    } else {
      out[pos++] = e->id;
      out[pos++] = (uint8_t)e->len;
    }
    if (e->len) memcpy(out + pos, e->data, e->len);
    pos += e->len;
  }
  memset(out + pos, 0, padded - pos);
  *profile = one_byte ? SB_RTP_EXT_ONE_BYTE : SB_RTP_EXT_TWO_BYTE;
  *out_len = padded;
  return SB_OK;
}

int sb_rtp_ext_remap_block(uint16_t profile, uint8_t *data, size_t len, const uint8_t map[256]) {
  sb_rtp_ext_iter it;
  sb_rtp_ext_elem e;
  size_t off;
  int rc = sb_rtp_ext_iter_init(&it, profile, data, len);
  if (rc) return rc;
  /* Pass 1: check everything, change nothing. */
  while ((rc = ext_next(&it, &e, &off)) == SB_OK) {
    uint8_t to = map[e.id];
    if (to != 0 && !it.two_byte && to > SB_RTP_EXT_ONE_BYTE_MAX_ID) return SB_EINVAL;
  }
  if (rc != SB_ENOTFOUND) return rc;
  /* Pass 2: rewrite. */
  (void)sb_rtp_ext_iter_init(&it, profile, data, len);
  while (ext_next(&it, &e, &off) == SB_OK) {
    uint8_t to = map[e.id];
    if (to == e.id) continue;
    size_t data_off = off + (it.two_byte ? 2 : 1);
    if (to == 0) {
      memset(data + off, 0, data_off - off + e.len);
    } else if (it.two_byte) {
      data[off] = to;
    } else {
      data[off] = (uint8_t)((to << 4) | (data[off] & 0x0f));
    }
  }
  return SB_OK;
}

int sb_rtp_ext_remap(uint8_t *pkt, const sb_rtp_header *h, const uint8_t map[256]) {
  if (!pkt || h->data != pkt) return SB_EINVAL;
  if (!h->extension) return SB_OK;
  return sb_rtp_ext_remap_block(h->ext_profile, pkt + h->ext_offset, h->ext_len, map);
}
