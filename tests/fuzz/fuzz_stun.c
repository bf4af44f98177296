/* fuzz_stun.c - libFuzzer target for STUN (server/core/stun.c).
 *
 * Every input goes through the demultiplexing test and the parser. When it
 * parses, the result must be consistent with the datagram (borrowed pointers
 * inside it, MESSAGE-INTEGRITY inside it, codes in range), the integrity
 * check must give one of its three answers without touching the datagram,
 * and what was parsed is written again - a Binding success response to its
 * transaction with its mapped address, a request with its ICE attributes, an
 * error response with its code and unknown attribute - and parsed back to
 * the same fields. Each of those is also written into every shorter buffer,
 * which must fail with SB_ENOSPC and write nothing past the end. Any broken
 * invariant aborts.
 *
 * A mutated message almost never keeps a correct FINGERPRINT, which would stop
 * the fuzzer at the CRC. So an input that ends in a FINGERPRINT attribute is
 * run a second time with the CRC (and the header's length) recomputed by the
 * writer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) abort();                                                                          \
  } while (0)

/* The RFC 5769 password, so that the seed vectors check. */
static const uint8_t key[] = "VOkJxbRl1RmTxUk/WvJxBt";
#define KEY_LEN (sizeof key - 1)

static uint8_t copy[SB_STUN_MAX_LEN];

static bool inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size) {
  return p >= data && n <= size && (size_t)(p - data) <= size - n;
}

static bool same_addr(const sb_stun_addr *a, const sb_stun_addr *b) {
  size_t n = a->family == 4 ? 4 : 16;
  return a->family == b->family && a->port == b->port && memcmp(a->ip, b->ip, n) == 0;
}

/* The integrity of a message we wrote checks with `key` and no other. */
static void check_written(const uint8_t *buf, size_t n, const sb_stun_msg *m) {
  CHECK(m->integrity_at != 0 && m->has_fingerprint);
  CHECK(sb_stun_check_integrity(buf, n, m, key, KEY_LEN) == SB_OK);
  CHECK(sb_stun_check_integrity(buf, n, m, key, KEY_LEN - 1) == SB_ECRYPTO);
}

/* Writing into a buffer shorter than `n` fails and stays inside it. Tried:
 * every size within 40 bytes of the end (FINGERPRINT, MESSAGE-INTEGRITY and
 * the attribute before them) and every 7th size below. */
typedef int (*write_fn)(uint8_t *buf, size_t cap, const sb_stun_msg *m);
static void check_short_buffers(write_fn write, const sb_stun_msg *m, size_t n) {
  static uint8_t buf[SB_STUN_MAX_LEN + 64];
  for (size_t cap = 0; cap < n; cap += (n - cap <= 40 ? 1 : 7)) {
    memset(buf + cap, 0xa5, n - cap);
    CHECK(write(buf, cap, m) == SB_ENOSPC);
    for (size_t i = cap; i < n; i++)
      CHECK(buf[i] == 0xa5);
  }
}

static int write_success(uint8_t *buf, size_t cap, const sb_stun_msg *m) {
  return sb_stun_write_binding_success(buf, cap, m->txid, &m->mapped, key, KEY_LEN);
}

static int write_request(uint8_t *buf, size_t cap, const sb_stun_msg *m) {
  sb_stun_writer w;
  sb_stun_writer_init(&w, buf, cap, SB_STUN_BINDING_REQUEST, m->txid);
  if (m->username) sb_stun_put_bytes(&w, SB_STUN_ATTR_USERNAME, m->username, m->username_len);
  if (m->has_priority) sb_stun_put_u32(&w, SB_STUN_ATTR_PRIORITY, m->priority);
  if (m->has_controlling) sb_stun_put_u64(&w, SB_STUN_ATTR_ICE_CONTROLLING, m->tiebreaker);
  if (m->has_controlled) sb_stun_put_u64(&w, SB_STUN_ATTR_ICE_CONTROLLED, m->tiebreaker);
  if (m->use_candidate) sb_stun_put_flag(&w, SB_STUN_ATTR_USE_CANDIDATE);
  sb_stun_put_integrity(&w, key, KEY_LEN);
  sb_stun_put_fingerprint(&w);
  return sb_stun_writer_finish(&w);
}

static int write_error(uint8_t *buf, size_t cap, const sb_stun_msg *m) {
  int code = m->error_code ? m->error_code : 420;
  return sb_stun_write_binding_error(buf, cap, m->txid, code, "fuzz", m->unknown_required, key,
                                     KEY_LEN);
}

static void round_trip(const sb_stun_msg *a) {
  static uint8_t buf[SB_STUN_MAX_LEN];
  sb_stun_msg b;

  if (a->has_mapped) {
    int n = write_success(buf, sizeof buf, a);
    CHECK(n > 0);
    CHECK(sb_stun_parse(buf, (size_t)n, &b) == SB_OK);
    CHECK(b.type == SB_STUN_BINDING_SUCCESS && memcmp(a->txid, b.txid, sizeof a->txid) == 0);
    CHECK(b.has_mapped && same_addr(&a->mapped, &b.mapped));
    CHECK(!b.username && !b.has_priority && b.error_code == 0 && b.unknown_required == 0);
    check_written(buf, (size_t)n, &b);
    check_short_buffers(write_success, a, (size_t)n);
  }

  int n = write_request(buf, sizeof buf, a);
  CHECK(n > 0);
  CHECK(sb_stun_parse(buf, (size_t)n, &b) == SB_OK);
  CHECK(b.type == SB_STUN_BINDING_REQUEST && memcmp(a->txid, b.txid, sizeof a->txid) == 0);
  CHECK((a->username == NULL) == (b.username == NULL) && a->username_len == b.username_len);
  CHECK(!a->username || memcmp(a->username, b.username, a->username_len) == 0);
  CHECK(a->has_priority == b.has_priority && (!a->has_priority || a->priority == b.priority));
  CHECK(a->has_controlling == b.has_controlling && a->has_controlled == b.has_controlled);
  CHECK(!(a->has_controlling || a->has_controlled) || a->tiebreaker == b.tiebreaker);
  CHECK(a->use_candidate == b.use_candidate && !b.has_mapped && b.unknown_required == 0);
  check_written(buf, (size_t)n, &b);
  check_short_buffers(write_request, a, (size_t)n);

  n = write_error(buf, sizeof buf, a);
  CHECK(n > 0);
  CHECK(sb_stun_parse(buf, (size_t)n, &b) == SB_OK);
  CHECK(b.type == SB_STUN_BINDING_ERROR && memcmp(a->txid, b.txid, sizeof a->txid) == 0);
  CHECK(b.error_code == (a->error_code ? a->error_code : 420) && b.unknown_required == 0);
  check_written(buf, (size_t)n, &b);
  check_short_buffers(write_error, a, (size_t)n);
}

static void fuzz_one(const uint8_t *data, size_t size) {
  bool is_stun = sb_stun_is_stun(data, size);
  sb_stun_msg m;
  int rc = sb_stun_parse(data, size, &m);
  if (rc != SB_OK) {
    CHECK(rc == SB_EINVAL || rc == SB_ETOOBIG);
    CHECK((rc == SB_ETOOBIG) == (size > SB_STUN_MAX_LEN));
    CHECK(!(is_stun && size == SB_STUN_HEADER_LEN)); /* a bare header always parses */
    return;
  }
  CHECK(is_stun && size <= SB_STUN_MAX_LEN);
  CHECK(m.type == (uint16_t)((data[0] << 8) | data[1]));
  CHECK(memcmp(m.txid, data + 8, SB_STUN_TXID_LEN) == 0);
  if (m.username)
    CHECK(inside(m.username, m.username_len, data, size) && m.username_len <= 513);
  else
    CHECK(m.username_len == 0);
  if (m.integrity_at) {
    CHECK(m.integrity_at >= SB_STUN_HEADER_LEN && m.integrity_at % 4 == 0);
    CHECK(m.integrity_at < size && size - m.integrity_at >= 24);
  }
  CHECK(m.error_code == 0 || (m.error_code >= 300 && m.error_code <= 699));
  CHECK(!m.has_mapped || m.mapped.family == 4 || m.mapped.family == 6);
  CHECK(!(m.has_controlling && m.has_controlled));
  CHECK(m.unknown_required < 0x8000);

  /* The check answers one of three ways and leaves the datagram alone. */
  memcpy(copy, data, size);
  rc = sb_stun_check_integrity(data, size, &m, key, KEY_LEN);
  CHECK(rc == SB_OK || rc == SB_ECRYPTO || rc == SB_ENOTFOUND);
  CHECK((rc == SB_ENOTFOUND) == (m.integrity_at == 0));
  CHECK(memcmp(copy, data, size) == 0);

  /* Parsing is a function of the octets. */
  sb_stun_msg again;
  CHECK(sb_stun_parse(copy, size, &again) == SB_OK);
  CHECK(again.integrity_at == m.integrity_at && again.has_fingerprint == m.has_fingerprint &&
        again.unknown_required == m.unknown_required && again.error_code == m.error_code);

  round_trip(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint8_t fixed[SB_STUN_MAX_LEN];
  fuzz_one(data, size);
  if (size < SB_STUN_HEADER_LEN + 8 || size > sizeof fixed || size % 4 != 0) return 0;
  if (data[size - 8] != 0x80 || data[size - 7] != 0x28 || data[size - 6] || data[size - 5] != 4)
    return 0;
  memcpy(fixed, data, size);
  sb_stun_writer w = {.buf = fixed, .cap = size, .len = size - 8};
  sb_stun_put_fingerprint(&w);
  CHECK(sb_stun_writer_finish(&w) == (int)size);
  fuzz_one(fixed, size);
  return 0;
}
