/* stun.h - STUN messages (RFC 5389/8489) as ICE uses them (RFC 8445): parse
 * a datagram into a struct, check MESSAGE-INTEGRITY (short-term credentials:
 * HMAC-SHA1 keyed with the ICE password) and FINGERPRINT (CRC-32), and write
 * requests and responses attribute by attribute.
 *
 * Sans-IO: no sockets; addresses are plain bytes (sb_stun_addr). Only what
 * ICE needs is understood: USERNAME, MESSAGE-INTEGRITY, FINGERPRINT,
 * PRIORITY, USE-CANDIDATE, ICE-CONTROLLED, ICE-CONTROLLING,
 * XOR-MAPPED-ADDRESS, MAPPED-ADDRESS and ERROR-CODE. Other attributes are
 * skipped; the first unknown comprehension-required one (type < 0x8000) is
 * reported so that a responder can answer 420. No long-term credentials,
 * no SHA-256 integrity, no TURN. */
#ifndef SB_CORE_STUN_H
#define SB_CORE_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_STUN_HEADER_LEN 20
#define SB_STUN_MAGIC      0x2112A442u
#define SB_STUN_TXID_LEN   12
/* The largest message sb_stun_parse accepts (ICE checks are ~100 bytes). */
#define SB_STUN_MAX_LEN 1280

/* Message types (method | class). */
enum {
  SB_STUN_BINDING_REQUEST = 0x0001,
  SB_STUN_BINDING_INDICATION = 0x0011,
  SB_STUN_BINDING_SUCCESS = 0x0101,
  SB_STUN_BINDING_ERROR = 0x0111,
};

/* Attribute types. */
enum {
  SB_STUN_ATTR_MAPPED_ADDRESS = 0x0001,
  SB_STUN_ATTR_USERNAME = 0x0006,
  SB_STUN_ATTR_MESSAGE_INTEGRITY = 0x0008,
  SB_STUN_ATTR_ERROR_CODE = 0x0009,
  SB_STUN_ATTR_UNKNOWN_ATTRIBUTES = 0x000A,
  SB_STUN_ATTR_XOR_MAPPED_ADDRESS = 0x0020,
  SB_STUN_ATTR_PRIORITY = 0x0024,
  SB_STUN_ATTR_USE_CANDIDATE = 0x0025,
  SB_STUN_ATTR_FINGERPRINT = 0x8028,
  SB_STUN_ATTR_ICE_CONTROLLED = 0x8029,
  SB_STUN_ATTR_ICE_CONTROLLING = 0x802A,
};

/* A transport address: family 4 or 6, port in host order, ip in network
 * order (the first 4 bytes for IPv4). */
typedef struct {
  uint8_t family;
  uint16_t port;
  uint8_t ip[16];
} sb_stun_addr;

/* A parsed message. Pointers borrow from the datagram given to
 * sb_stun_parse(). */
typedef struct {
  uint16_t type;
  uint8_t txid[SB_STUN_TXID_LEN];
  const uint8_t *username; /* not NUL-terminated; NULL when absent */
  size_t username_len;
  /* Offset of the MESSAGE-INTEGRITY attribute's header in the datagram;
   * 0 when there is none. Attributes after it, other than FINGERPRINT, are
   * ignored (RFC 5389 15.4). */
  size_t integrity_at;
  bool has_fingerprint; /* present (and correct: a wrong one fails parsing) */
  bool has_priority;
  uint32_t priority;
  bool use_candidate;
  bool has_controlling, has_controlled;
  uint64_t tiebreaker; /* of ICE-CONTROLLING or ICE-CONTROLLED */
  bool has_mapped;     /* XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS */
  sb_stun_addr mapped;
  int error_code; /* 300..699 from ERROR-CODE; 0 when absent */
  /* First comprehension-required attribute (type < 0x8000) not understood
   * here, before MESSAGE-INTEGRITY; 0 when none. */
  uint16_t unknown_required;
} sb_stun_msg;

/* True when the datagram has a STUN header: first byte 0..3 (RFC 7983; RFC
 * 8489 only asks for the first two bits zero, but 20..63 is DTLS), the magic
 * cookie, a length that is a multiple of 4 and equals len - 20. Cheap: for
 * demultiplexing. */
bool sb_stun_is_stun(const uint8_t *data, size_t len);

/* Parses one datagram. SB_EINVAL for anything malformed: a bad header (see
 * sb_stun_is_stun), an attribute running past the end, a known attribute
 * of the wrong size, a wrong FINGERPRINT, an attribute after FINGERPRINT,
 * a second MESSAGE-INTEGRITY; SB_ETOOBIG above SB_STUN_MAX_LEN. `out` is
 * written only on success. */
int sb_stun_parse(const uint8_t *data, size_t len, sb_stun_msg *out);

/* Same family, port and address bytes. */
bool sb_stun_addr_equal(const sb_stun_addr *x, const sb_stun_addr *y);

/* Checks the MESSAGE-INTEGRITY of a parsed message against `key` (for ICE:
 * the password of the agent the request is addressed to, as bytes).
 * SB_OK when it matches, SB_ENOTFOUND when the message has none,
 * SB_ECRYPTO when it does not match. Constant-time comparison. */
int sb_stun_check_integrity(const uint8_t *data, size_t len, const sb_stun_msg *m,
                            const uint8_t *key, size_t key_len);

/* Writing: attributes are appended in call order; a write that does not
 * fit sets `overflow` and every later call does nothing, so callers check
 * once at sb_stun_writer_finish(). */
typedef struct {
  uint8_t *buf;
  size_t cap, len;
  bool overflow;
} sb_stun_writer;

/* Starts a message of `type` with transaction id `txid` in buf. */
void sb_stun_writer_init(sb_stun_writer *w, uint8_t *buf, size_t cap, uint16_t type,
                         const uint8_t txid[SB_STUN_TXID_LEN]);
/* An attribute with `len` bytes of value (zero-padded to 4). */
void sb_stun_put_bytes(sb_stun_writer *w, uint16_t attr, const void *data, size_t len);
/* An attribute with no value (USE-CANDIDATE). */
void sb_stun_put_flag(sb_stun_writer *w, uint16_t attr);
void sb_stun_put_u32(sb_stun_writer *w, uint16_t attr, uint32_t v);
void sb_stun_put_u64(sb_stun_writer *w, uint16_t attr, uint64_t v);
/* XOR-MAPPED-ADDRESS (or another XOR'd address attribute) for `a`. */
void sb_stun_put_xor_addr(sb_stun_writer *w, uint16_t attr, const sb_stun_addr *a);
/* ERROR-CODE: code 300..699 and a reason phrase (may be NULL). */
void sb_stun_put_error(sb_stun_writer *w, int code, const char *reason);
/* MESSAGE-INTEGRITY over everything written so far, keyed with `key`. */
void sb_stun_put_integrity(sb_stun_writer *w, const uint8_t *key, size_t key_len);
/* FINGERPRINT over everything written so far; the last attribute. */
void sb_stun_put_fingerprint(sb_stun_writer *w);
/* The message's total length, or SB_ENOSPC when something did not fit. */
int sb_stun_writer_finish(sb_stun_writer *w);

/* A Binding success response to request `txid`: XOR-MAPPED-ADDRESS
 * `mapped`, MESSAGE-INTEGRITY keyed with `key`, FINGERPRINT. Returns the
 * length, or SB_ENOSPC. */
int sb_stun_write_binding_success(uint8_t *buf, size_t cap, const uint8_t txid[SB_STUN_TXID_LEN],
                                  const sb_stun_addr *mapped, const uint8_t *key, size_t key_len);
/* A Binding error response (e.g. 400 Bad Request, 401 Unauthorized, 420
 * Unknown Attribute with `unknown` listed, 487 Role Conflict): ERROR-CODE,
 * UNKNOWN-ATTRIBUTES when `unknown` is non-zero, MESSAGE-INTEGRITY when
 * `key` is non-NULL, FINGERPRINT. Returns the length, or SB_ENOSPC. */
int sb_stun_write_binding_error(uint8_t *buf, size_t cap, const uint8_t txid[SB_STUN_TXID_LEN],
                                int code, const char *reason, uint16_t unknown, const uint8_t *key,
                                size_t key_len);

#endif
