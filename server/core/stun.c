/* stun.c - STUN messages as ICE uses them (see stun.h): the demultiplexing
 * test, the parser, the MESSAGE-INTEGRITY check (HMAC-SHA1 through GLib's
 * GHmac), FINGERPRINT (a table-driven CRC-32 written here), and the writer.
 *
 * Not here: sockets, retransmission timers, the ICE state machine, long-term
 * credentials, SHA-256 integrity and TURN. The parser borrows the datagram
 * and never modifies it; the writer fills a caller's buffer and never
 * allocates (GHmac allocates its own state while a MAC is computed). */
#include "core/stun.h"

#include <glib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"

#define ATTR_HEADER_LEN 4
#define USERNAME_MAX    513 /* RFC 8489 14.3 */
#define REASON_MAX      763 /* RFC 8489 14.8 */
#define INTEGRITY_LEN   20  /* HMAC-SHA1 */
#define FINGERPRINT_LEN 4
#define FINGERPRINT_XOR 0x5354554eu /* "STUN" */
#define FAMILY_IPV4     0x01
#define FAMILY_IPV6     0x02
#define STUN_LEN_MAX    0xffffu /* the header's 16-bit length field */

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

/* ---- CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) ---- */

/* clang-format off */
static const uint32_t crc_table[256] = {
    0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
    0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
    0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
    0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
    0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
    0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
    0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
    0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
    0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
    0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
    0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
    0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
    0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
    0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
    0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
    0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
    0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
    0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
    0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
    0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
    0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
    0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
    0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
    0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
    0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
    0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
    0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
    0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
    0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
    0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
    0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
    0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
    0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
    0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
    0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
    0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
    0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
    0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
    0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
    0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
    0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
    0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
    0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};
/* clang-format on */

static uint32_t crc32_ieee(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++)
    c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

/* ---- HMAC-SHA1 ---- */

/* HMAC-SHA1 keyed with `key` over the 20-byte header `hdr` followed by
 * `rest`. The header is passed apart so that callers can adjust its length
 * field without touching the message. A NULL key is the empty key. */
static void hmac_sha1(const uint8_t *key, size_t key_len, const uint8_t *hdr, const uint8_t *rest,
                      size_t rest_len, uint8_t out[INTEGRITY_LEN]) {
  static const uint8_t empty_key[1] = {0};
  if (!key) {
    key = empty_key;
    key_len = 0;
  }
  GHmac *h = g_hmac_new(G_CHECKSUM_SHA1, key, key_len);
  g_hmac_update(h, hdr, SB_STUN_HEADER_LEN);
  if (rest_len) g_hmac_update(h, rest, (gssize)rest_len);
  gsize n = INTEGRITY_LEN;
  g_hmac_get_digest(h, out, &n);
  g_hmac_unref(h);
}

/* ---- parsing ---- */

bool sb_stun_is_stun(const uint8_t *data, size_t len) {
  if (!data || len < SB_STUN_HEADER_LEN) return false;
  if (data[0] > 3) return false; /* RFC 7983: 20..63 DTLS, 128..191 RTP/RTCP */
  if (sb_load_u32(data + 4) != SB_STUN_MAGIC) return false;
  size_t body = sb_load_u16(data + 2);
  return body % 4 == 0 && body == len - SB_STUN_HEADER_LEN;
}

/* MAPPED-ADDRESS or XOR-MAPPED-ADDRESS. The XOR mask is the 16 bytes from
 * the magic cookie on (cookie then transaction id), taken from the header;
 * the port is XORed with the cookie's top half. */
static int read_addr(const uint8_t *v, size_t vlen, bool xored, const uint8_t *hdr,
                     sb_stun_addr *a) {
  if (vlen < 4) return SB_EINVAL;
  size_t ip_len;
  if (v[1] == FAMILY_IPV4) {
    a->family = 4;
    ip_len = 4;
  } else if (v[1] == FAMILY_IPV6) {
    a->family = 6;
    ip_len = 16;
  } else {
    return SB_EINVAL;
  }
  if (vlen != 4 + ip_len) return SB_EINVAL;
  a->port = sb_load_u16(v + 2);
  memset(a->ip, 0, sizeof a->ip);
  memcpy(a->ip, v + 4, ip_len);
  if (xored) {
    a->port ^= (uint16_t)(SB_STUN_MAGIC >> 16);
    for (size_t i = 0; i < ip_len; i++)
      a->ip[i] ^= hdr[4 + i];
  }
  return SB_OK;
}

/* What the attributes before MESSAGE-INTEGRITY leave besides `m`. */
typedef struct {
  bool has_xor, has_plain;
  sb_stun_addr xor_addr, plain_addr;
} parse_state;

/* One attribute before MESSAGE-INTEGRITY. The first occurrence of each
 * attribute counts; later ones are size-checked and otherwise ignored. */
static int parse_attr(sb_stun_msg *m, parse_state *st, const uint8_t *hdr, uint16_t type,
                      const uint8_t *v, size_t vlen) {
  switch (type) {
  case SB_STUN_ATTR_USERNAME:
    if (vlen > USERNAME_MAX) return SB_EINVAL;
    if (!m->username) {
      m->username = v;
      m->username_len = vlen;
    }
    return SB_OK;
  case SB_STUN_ATTR_PRIORITY:
    if (vlen != 4) return SB_EINVAL;
    if (!m->has_priority) {
      m->has_priority = true;
      m->priority = sb_load_u32(v);
    }
    return SB_OK;
  case SB_STUN_ATTR_USE_CANDIDATE:
    if (vlen != 0) return SB_EINVAL;
    m->use_candidate = true;
    return SB_OK;
  case SB_STUN_ATTR_ICE_CONTROLLED:
  case SB_STUN_ATTR_ICE_CONTROLLING: {
    if (vlen != 8) return SB_EINVAL;
    bool controlling = type == SB_STUN_ATTR_ICE_CONTROLLING;
    /* Both roles at once is self-contradictory (RFC 8445 7.1.3). */
    if (controlling ? m->has_controlled : m->has_controlling) return SB_EINVAL;
    bool *flag = controlling ? &m->has_controlling : &m->has_controlled;
    if (!*flag) {
      *flag = true;
      m->tiebreaker = ((uint64_t)sb_load_u32(v) << 32) | sb_load_u32(v + 4);
    }
    return SB_OK;
  }
  case SB_STUN_ATTR_XOR_MAPPED_ADDRESS: {
    sb_stun_addr a;
    int rc = read_addr(v, vlen, true, hdr, &a);
    if (rc) return rc;
    if (!st->has_xor) {
      st->has_xor = true;
      st->xor_addr = a;
    }
    return SB_OK;
  }
  case SB_STUN_ATTR_MAPPED_ADDRESS: {
    sb_stun_addr a;
    int rc = read_addr(v, vlen, false, hdr, &a);
    if (rc) return rc;
    if (!st->has_plain) {
      st->has_plain = true;
      st->plain_addr = a;
    }
    return SB_OK;
  }
  case SB_STUN_ATTR_ERROR_CODE: {
    if (vlen < 4 || vlen > 4 + REASON_MAX) return SB_EINVAL;
    int cls = v[2] & 0x07, number = v[3];
    int code = cls * 100 + number;
    if (number > 99 || code < 300 || code > 699) return SB_EINVAL;
    if (!m->error_code) m->error_code = code;
    return SB_OK;
  }
  case SB_STUN_ATTR_UNKNOWN_ATTRIBUTES:
    /* Understood (a list of 16-bit types) but not reported. */
    return vlen % 2 == 0 ? SB_OK : SB_EINVAL;
  default:
    /* Type 0x0000 is reserved: no sender may use it, and it could not be
     * reported in unknown_required, where 0 means none. */
    if (type == 0) return SB_EINVAL;
    if (type < 0x8000 && !m->unknown_required) m->unknown_required = type;
    return SB_OK;
  }
}

int sb_stun_parse(const uint8_t *data, size_t len, sb_stun_msg *out) {
  if (len > SB_STUN_MAX_LEN) return SB_ETOOBIG;
  if (!sb_stun_is_stun(data, len)) return SB_EINVAL;

  sb_stun_msg m;
  parse_state st;
  memset(&m, 0, sizeof m);
  memset(&st, 0, sizeof st);
  m.type = sb_load_u16(data);
  memcpy(m.txid, data + 8, SB_STUN_TXID_LEN);

  /* The header check made the body a multiple of 4, and every attribute
   * starts on a multiple of 4, so an attribute header always fits. */
  size_t off = SB_STUN_HEADER_LEN;
  while (off < len) {
    uint16_t type = sb_load_u16(data + off);
    size_t vlen = sb_load_u16(data + off + 2);
    size_t voff = off + ATTR_HEADER_LEN;
    if (vlen > len - voff) return SB_EINVAL;
    const uint8_t *v = data + voff;
    size_t next = voff + pad4(vlen); /* <= len: len - voff is a multiple of 4 */

    if (type == SB_STUN_ATTR_FINGERPRINT) {
      /* It must be the last attribute (anything after it is malformed), so
       * the header's length already covers it. */
      if (vlen != FINGERPRINT_LEN || next != len) return SB_EINVAL;
      if ((crc32_ieee(data, off) ^ FINGERPRINT_XOR) != sb_load_u32(v)) return SB_EINVAL;
      m.has_fingerprint = true;
    } else if (type == SB_STUN_ATTR_MESSAGE_INTEGRITY) {
      if (m.integrity_at || vlen != INTEGRITY_LEN) return SB_EINVAL;
      m.integrity_at = off;
    } else if (!m.integrity_at) {
      int rc = parse_attr(&m, &st, data, type, v, vlen);
      if (rc) return rc;
    } /* else: after MESSAGE-INTEGRITY, ignored (RFC 8489 14.5) */
    off = next;
  }

  if (st.has_xor) {
    m.has_mapped = true;
    m.mapped = st.xor_addr;
  } else if (st.has_plain) {
    m.has_mapped = true;
    m.mapped = st.plain_addr;
  }
  *out = m;
  return SB_OK;
}

int sb_stun_check_integrity(const uint8_t *data, size_t len, const sb_stun_msg *m,
                            const uint8_t *key, size_t key_len) {
  size_t at = m->integrity_at;
  if (at == 0) return SB_ENOTFOUND;
  /* `m` must describe `data`: an MI attribute of the right size at `at`. */
  if (!data || at < SB_STUN_HEADER_LEN || at % 4 != 0 || at > len ||
      len - at < ATTR_HEADER_LEN + INTEGRITY_LEN)
    return SB_EINVAL;
  size_t end = at + ATTR_HEADER_LEN + INTEGRITY_LEN;
  if (end - SB_STUN_HEADER_LEN > STUN_LEN_MAX ||
      sb_load_u16(data + at) != SB_STUN_ATTR_MESSAGE_INTEGRITY ||
      sb_load_u16(data + at + 2) != INTEGRITY_LEN)
    return SB_EINVAL;

  /* The MAC covers the message as if it ended right after MESSAGE-INTEGRITY:
   * a copy of the header with that length, then the attributes before MI. */
  uint8_t hdr[SB_STUN_HEADER_LEN];
  memcpy(hdr, data, sizeof hdr);
  sb_store_u16(hdr + 2, (uint16_t)(end - SB_STUN_HEADER_LEN));
  uint8_t mac[INTEGRITY_LEN];
  hmac_sha1(key, key_len, hdr, data + SB_STUN_HEADER_LEN, at - SB_STUN_HEADER_LEN, mac);

  const uint8_t *theirs = data + at + ATTR_HEADER_LEN;
  uint8_t diff = 0;
  for (size_t i = 0; i < INTEGRITY_LEN; i++)
    diff |= (uint8_t)(mac[i] ^ theirs[i]);
  return diff ? SB_ECRYPTO : SB_OK;
}

/* ---- writing ---- */

void sb_stun_writer_init(sb_stun_writer *w, uint8_t *buf, size_t cap, uint16_t type,
                         const uint8_t txid[SB_STUN_TXID_LEN]) {
  w->buf = buf;
  w->cap = cap;
  w->len = 0;
  w->overflow = false;
  if (!buf || cap < SB_STUN_HEADER_LEN) {
    w->overflow = true;
    return;
  }
  sb_store_u16(buf, type);
  sb_store_u16(buf + 2, 0);
  sb_store_u32(buf + 4, SB_STUN_MAGIC);
  if (txid)
    memcpy(buf + 8, txid, SB_STUN_TXID_LEN);
  else
    memset(buf + 8, 0, SB_STUN_TXID_LEN);
  w->len = SB_STUN_HEADER_LEN;
}

/* Appends an attribute header for `vlen` bytes of value, zeroes the padding,
 * updates the header's length field and returns where the value goes; NULL
 * (and the writer marked failed) when it does not fit. */
static uint8_t *reserve_attr(sb_stun_writer *w, uint16_t type, size_t vlen) {
  if (w->overflow) return NULL;
  if (vlen > STUN_LEN_MAX || w->len < SB_STUN_HEADER_LEN || w->len > w->cap) {
    w->overflow = true;
    return NULL;
  }
  size_t total = ATTR_HEADER_LEN + pad4(vlen);
  if (w->cap - w->len < total || w->len + total - SB_STUN_HEADER_LEN > STUN_LEN_MAX) {
    w->overflow = true;
    return NULL;
  }
  uint8_t *p = w->buf + w->len;
  sb_store_u16(p, type);
  sb_store_u16(p + 2, (uint16_t)vlen);
  memset(p + ATTR_HEADER_LEN + vlen, 0, pad4(vlen) - vlen);
  w->len += total;
  sb_store_u16(w->buf + 2, (uint16_t)(w->len - SB_STUN_HEADER_LEN));
  return p + ATTR_HEADER_LEN;
}

/* Marks the writer failed: a call that cannot be honoured. */
static void fail(sb_stun_writer *w) { w->overflow = true; }

void sb_stun_put_bytes(sb_stun_writer *w, uint16_t attr, const void *data, size_t len) {
  if (len && !data) {
    fail(w);
    return;
  }
  uint8_t *p = reserve_attr(w, attr, len);
  if (p && len) memcpy(p, data, len);
}

void sb_stun_put_flag(sb_stun_writer *w, uint16_t attr) { reserve_attr(w, attr, 0); }

void sb_stun_put_u32(sb_stun_writer *w, uint16_t attr, uint32_t v) {
  uint8_t *p = reserve_attr(w, attr, 4);
  if (p) sb_store_u32(p, v);
}

void sb_stun_put_u64(sb_stun_writer *w, uint16_t attr, uint64_t v) {
  uint8_t *p = reserve_attr(w, attr, 8);
  if (!p) return;
  sb_store_u32(p, (uint32_t)(v >> 32));
  sb_store_u32(p + 4, (uint32_t)v);
}

void sb_stun_put_xor_addr(sb_stun_writer *w, uint16_t attr, const sb_stun_addr *a) {
  if (!a || (a->family != 4 && a->family != 6)) {
    fail(w);
    return;
  }
  size_t ip_len = a->family == 4 ? 4 : 16;
  uint8_t *p = reserve_attr(w, attr, 4 + ip_len);
  if (!p) return;
  p[0] = 0;
  p[1] = a->family == 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  sb_store_u16(p + 2, (uint16_t)(a->port ^ (SB_STUN_MAGIC >> 16)));
  for (size_t i = 0; i < ip_len; i++) /* cookie, then transaction id */
    p[4 + i] = (uint8_t)(a->ip[i] ^ w->buf[4 + i]);
}

void sb_stun_put_error(sb_stun_writer *w, int code, const char *reason) {
  size_t rlen = reason ? strlen(reason) : 0;
  if (code < 300 || code > 699 || rlen > REASON_MAX) {
    fail(w);
    return;
  }
  uint8_t *p = reserve_attr(w, SB_STUN_ATTR_ERROR_CODE, 4 + rlen);
  if (!p) return;
  p[0] = 0;
  p[1] = 0;
  p[2] = (uint8_t)(code / 100);
  p[3] = (uint8_t)(code % 100);
  if (rlen) memcpy(p + 4, reason, rlen);
}

void sb_stun_put_integrity(sb_stun_writer *w, const uint8_t *key, size_t key_len) {
  size_t at = w->len;
  /* Reserving first sets the header's length to cover MESSAGE-INTEGRITY,
   * which is what the MAC is computed with. */
  uint8_t *p = reserve_attr(w, SB_STUN_ATTR_MESSAGE_INTEGRITY, INTEGRITY_LEN);
  if (!p) return;
  hmac_sha1(key, key_len, w->buf, w->buf + SB_STUN_HEADER_LEN, at - SB_STUN_HEADER_LEN, p);
}

void sb_stun_put_fingerprint(sb_stun_writer *w) {
  size_t at = w->len;
  uint8_t *p = reserve_attr(w, SB_STUN_ATTR_FINGERPRINT, FINGERPRINT_LEN);
  if (p) sb_store_u32(p, crc32_ieee(w->buf, at) ^ FINGERPRINT_XOR);
}

int sb_stun_writer_finish(sb_stun_writer *w) {
  if (w->overflow) return SB_ENOSPC;
  return (int)w->len;
}

int sb_stun_write_binding_success(uint8_t *buf, size_t cap, const uint8_t txid[SB_STUN_TXID_LEN],
                                  const sb_stun_addr *mapped, const uint8_t *key, size_t key_len) {
  if (!mapped || (mapped->family != 4 && mapped->family != 6)) return SB_EINVAL;
  sb_stun_writer w;
  sb_stun_writer_init(&w, buf, cap, SB_STUN_BINDING_SUCCESS, txid);
  sb_stun_put_xor_addr(&w, SB_STUN_ATTR_XOR_MAPPED_ADDRESS, mapped);
  if (key) sb_stun_put_integrity(&w, key, key_len);
  sb_stun_put_fingerprint(&w);
  return sb_stun_writer_finish(&w);
}

int sb_stun_write_binding_error(uint8_t *buf, size_t cap, const uint8_t txid[SB_STUN_TXID_LEN],
                                int code, const char *reason, uint16_t unknown, const uint8_t *key,
                                size_t key_len) {
  if (code < 300 || code > 699 || (reason && strlen(reason) > REASON_MAX)) return SB_EINVAL;
  sb_stun_writer w;
  sb_stun_writer_init(&w, buf, cap, SB_STUN_BINDING_ERROR, txid);
  sb_stun_put_error(&w, code, reason);
  if (unknown) {
    uint8_t list[2];
    sb_store_u16(list, unknown);
    sb_stun_put_bytes(&w, SB_STUN_ATTR_UNKNOWN_ATTRIBUTES, list, sizeof list);
  }
  if (key) sb_stun_put_integrity(&w, key, key_len);
  sb_stun_put_fingerprint(&w);
  return sb_stun_writer_finish(&w);
}

bool sb_stun_addr_equal(const sb_stun_addr *x, const sb_stun_addr *y) {
  return x->family == y->family && x->port == y->port &&
         memcmp(x->ip, y->ip, x->family == 6 ? 16 : 4) == 0;
}
