/* fuzz_ice_lite.c - libFuzzer target for the ICE-lite responder
 * (server/core/ice_lite.c).
 *
 * One agent (local ufrag "srvU", remote ufrag not yet known) lives for the
 * whole input, which is a sequence of records, each a 5-byte header and a
 * payload:
 *
 *   byte 0  kind:  bit 0     1: build a Binding request from the fields
 *                            below, 0: the payload is the datagram
 *                  bit 1     call sb_ice_lite_set_remote() first, with
 *                  bits 2-3  the ufrag "brws", "b+/t", "brwsX" or (invalid)
 *                            "br:s"
 *                  bits 4-7  the clock advances by this many ms (0: the
 *                            same microsecond again)
 *   byte 1  addr:  bits 0-2  the source address, one of 8 (IPv4 and IPv6,
 *                            same IP with other ports, a v4-mapped v6, and
 *                            a v4 address with junk past its 4 IP bytes,
 *                            which equals the first one), so that addresses
 *                            repeat and the 4-entry table fills and evicts
 *   byte 2  opts:  built:    bits 0-2  USERNAME: 0,7 "srvU:<remote>"
 *                                      (correct), 1 "srvX:<remote>", 2
 *                                      "srvU:zzzz", 3 none, 4
 *                                      "srvU:<remote>x", 5 "srvU", 6 the
 *                                      payload after its first 12 bytes
 *                            bits 3-4  MESSAGE-INTEGRITY: 0,3 with the
 *                                      agent's password, 1 with a wrong
 *                                      one, 2 none
 *                            bit 5     USE-CANDIDATE
 *                            bit 6     an unknown comprehension-required
 *                                      attribute (0x0042)
 *                            bit 7     FINGERPRINT
 *                  raw:      bit 0     sign: the payload (cut to a multiple
 *                                      of 4, magic cookie forced) gets
 *                                      MESSAGE-INTEGRITY appended, with the
 *                                      agent's password or, when bit 1, a
 *                                      wrong one, and FINGERPRINT when bit 2
 *   bytes 3-4      payload length, big-endian (cut to what is left)
 *
 * A built request takes its transaction id from the payload's first 12
 * bytes (zero-padded), and always carries PRIORITY and ICE-CONTROLLING as a
 * browser's does. <remote> is the agent's remote ufrag, or "brws" while it
 * has none.
 *
 * Each datagram (in an exact-size allocation) goes through sb_stun_parse();
 * when it parses, sb_ice_lite_handle() answers it. Checked after every call,
 * abort() when broken: the table and selection are consistent (n_addrs <=
 * SB_ICE_LITE_MAX_ADDRS, distinct addresses, selected -1 or an index, the
 * selected() pointer NULL exactly then); a response parses, echoes the
 * txid, is a success exactly when the check was valid and then maps the
 * source address and is signed with the password, else carries the error
 * code that matches the return code (420 signed, 400/401 not); nothing is
 * written past the response; a valid check makes the source known, updates
 * last_rx_us and selects the source when nominated (else keeps the selected
 * address, or selects the source when there was none); a refused check
 * changes no address, selection or last_rx_us, and a non-request nothing at
 * all; an eviction drops the known address seen longest ago that was not
 * selected; a built request gets the return code its fields call for;
 * set_remote accepts exactly the valid ufrags and forgets the addresses
 * exactly on a change of ufrag. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/ice_lite.h"
#include "core/stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) abort();                                                                          \
  } while (0)

#define LOCAL_UFRAG  "srvU"
#define LOCAL_PWD    "serverpassword0123456789"
#define WRONG_PWD    "serverpassword0123456780"
#define UNKNOWN_ATTR 0x0042
#define RESP_CAP     256
#define DGRAM_MAX    (SB_STUN_MAX_LEN + 64)

/* "b+/t" has the two ice-chars that are not alphanumeric; "br:s" is not
 * one. */
static const char *const remote_ufrags[4] = {"brws", "b+/t", "brwsX", "br:s"};

static const sb_stun_addr addrs[8] = {
    {.family = 4, .port = 50000, .ip = {192, 0, 2, 1}},
    {.family = 4, .port = 50001, .ip = {192, 0, 2, 1}},
    {.family = 4, .port = 50000, .ip = {192, 0, 2, 2}},
    {.family = 4, .port = 40000, .ip = {198, 51, 100, 7}},
    {.family = 6, .port = 50000, .ip = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
    {.family = 6, .port = 50001, .ip = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
    {.family = 6, .port = 50000, .ip = {[10] = 0xff, [11] = 0xff, 192, 0, 2, 1}},
    /* Equal to the first: only 4 bytes of an IPv4 address count. */
    {.family = 4, .port = 50000, .ip = {192, 0, 2, 1, 0xde, 0xad}},
};

/* What the agent looked like before a call. */
typedef struct {
  sb_stun_addr addrs[SB_ICE_LITE_MAX_ADDRS];
  int64_t addr_seen_us[SB_ICE_LITE_MAX_ADDRS];
  unsigned n_addrs;
  int selected;
  bool nominated;
  int64_t last_rx_us;
  uint64_t checks, bad_checks;
  char remote_ufrag[SB_ICE_UFRAG_MAX + 1];
} snapshot;

static void take(snapshot *s, const sb_ice_lite *a) {
  memset(s, 0, sizeof *s);
  memcpy(s->addrs, a->addrs, sizeof s->addrs);
  memcpy(s->addr_seen_us, a->addr_seen_us, sizeof s->addr_seen_us);
  s->n_addrs = a->n_addrs;
  s->selected = a->selected;
  s->nominated = a->nominated;
  s->last_rx_us = a->last_rx_us;
  s->checks = a->checks;
  s->bad_checks = a->bad_checks;
  memcpy(s->remote_ufrag, a->remote_ufrag, sizeof s->remote_ufrag);
}

/* The known addresses, when each was seen, and the selection. */
static bool same_table(const snapshot *s, const sb_ice_lite *a) {
  if (s->n_addrs != a->n_addrs || s->selected != a->selected || s->nominated != a->nominated)
    return false;
  for (unsigned i = 0; i < s->n_addrs; i++)
    if (!sb_stun_addr_equal(&s->addrs[i], &a->addrs[i]) || s->addr_seen_us[i] != a->addr_seen_us[i])
      return false;
  return true;
}

static bool snap_knows(const snapshot *s, const sb_stun_addr *x) {
  for (unsigned i = 0; i < s->n_addrs; i++)
    if (sb_stun_addr_equal(&s->addrs[i], x)) return true;
  return false;
}

static void check_agent(const sb_ice_lite *a) {
  CHECK(a->n_addrs <= SB_ICE_LITE_MAX_ADDRS);
  CHECK(a->selected == -1 || (a->selected >= 0 && (unsigned)a->selected < a->n_addrs));
  const sb_stun_addr *sel = sb_ice_lite_selected(a);
  CHECK((sel == NULL) == (a->selected < 0));
  CHECK(!sel || sel == &a->addrs[a->selected]);
  CHECK(!a->nominated || a->selected >= 0);
  for (unsigned i = 0; i < a->n_addrs; i++) {
    CHECK(a->addrs[i].family == 4 || a->addrs[i].family == 6);
    CHECK(sb_ice_lite_knows(a, &a->addrs[i]));
    for (unsigned k = i + 1; k < a->n_addrs; k++)
      CHECK(!sb_stun_addr_equal(&a->addrs[i], &a->addrs[k]));
  }
}

/* The effective remote ufrag a correct USERNAME names. */
static const char *remote_of(const sb_ice_lite *a) {
  return a->remote_ufrag[0] ? a->remote_ufrag : "brws";
}

/* Builds a Binding request; returns its length and what handling it must
 * return (1: no prediction). */
static size_t build_request(const sb_ice_lite *a, uint8_t opts, const uint8_t *p, size_t n,
                            uint8_t *buf, size_t cap, int *expect) {
  uint8_t txid[SB_STUN_TXID_LEN] = {0};
  memcpy(txid, p, n < sizeof txid ? n : sizeof txid);
  const uint8_t *rest = n > sizeof txid ? p + sizeof txid : NULL;
  size_t rest_len = n > sizeof txid ? n - sizeof txid : 0;
  if (rest_len > 512) rest_len = 512;

  char user[SB_ICE_UFRAG_MAX * 2 + 8];
  const void *uname = user;
  size_t ulen;
  bool user_ok = false, user_known = true;
  switch (opts & 7) {
  case 1: ulen = (size_t)snprintf(user, sizeof user, "srvX:%s", remote_of(a)); break;
  case 2: ulen = (size_t)snprintf(user, sizeof user, LOCAL_UFRAG ":zzzz"); break;
  case 3: uname = NULL, ulen = 0; break;
  case 4:
    ulen = (size_t)snprintf(user, sizeof user, LOCAL_UFRAG ":%sx", remote_of(a));
    user_ok = !a->remote_ufrag[0]; /* not told yet: any remote part passes */
    break;
  case 5: ulen = (size_t)snprintf(user, sizeof user, LOCAL_UFRAG); break;
  case 6:
    uname = rest, ulen = rest_len;
    user_known = false;
    break;
  default:
    ulen = (size_t)snprintf(user, sizeof user, LOCAL_UFRAG ":%s", remote_of(a));
    user_ok = true;
    break;
  }
  if ((opts & 7) == 2) user_ok = !a->remote_ufrag[0];

  int integrity = (opts >> 3) & 3; /* 0,3 right, 1 wrong, 2 none */
  bool use_candidate = opts & 0x20, unknown = opts & 0x40, fingerprint = opts & 0x80;

  sb_stun_writer w;
  sb_stun_writer_init(&w, buf, cap, SB_STUN_BINDING_REQUEST, txid);
  if (uname) sb_stun_put_bytes(&w, SB_STUN_ATTR_USERNAME, uname, ulen);
  sb_stun_put_u32(&w, SB_STUN_ATTR_PRIORITY, 1845501695u);
  sb_stun_put_u64(&w, SB_STUN_ATTR_ICE_CONTROLLING, 0x1122334455667788ull);
  if (use_candidate) sb_stun_put_flag(&w, SB_STUN_ATTR_USE_CANDIDATE);
  if (unknown) sb_stun_put_u32(&w, UNKNOWN_ATTR, 7);
  if (integrity != 2) {
    const char *key = integrity == 1 ? WRONG_PWD : LOCAL_PWD;
    sb_stun_put_integrity(&w, (const uint8_t *)key, strlen(key));
  }
  if (fingerprint) sb_stun_put_fingerprint(&w);
  int len = sb_stun_writer_finish(&w);
  CHECK(len > 0);

  if (!uname || integrity == 2)
    *expect = SB_EINVAL;
  else if (integrity == 1 || (user_known && !user_ok))
    *expect = SB_ECRYPTO;
  else if (!user_known)
    *expect = 1;
  else if (unknown)
    *expect = SB_EUNSUPPORTED;
  else
    *expect = SB_OK;
  return (size_t)len;
}

/* The payload, signed: header and attributes as given, then
 * MESSAGE-INTEGRITY and maybe FINGERPRINT. 0 when too short. */
static size_t sign_raw(uint8_t opts, const uint8_t *p, size_t n, uint8_t *buf, size_t cap) {
  if (n > cap - 64) n = cap - 64;
  n &= ~(size_t)3;
  if (n < SB_STUN_HEADER_LEN) return 0;
  memcpy(buf, p, n);
  buf[4] = 0x21, buf[5] = 0x12, buf[6] = 0xA4, buf[7] = 0x42;
  sb_stun_writer w = {.buf = buf, .cap = cap, .len = n};
  const char *key = opts & 2 ? WRONG_PWD : LOCAL_PWD;
  sb_stun_put_integrity(&w, (const uint8_t *)key, strlen(key));
  if (opts & 4) sb_stun_put_fingerprint(&w);
  int len = sb_stun_writer_finish(&w);
  return len > 0 ? (size_t)len : 0;
}

static void check_response(const sb_ice_lite *a, const uint8_t *resp, size_t n,
                           const sb_stun_msg *req, const sb_stun_addr *from, int rc) {
  sb_stun_msg r;
  CHECK(sb_stun_parse(resp, n, &r) == SB_OK);
  CHECK(memcmp(r.txid, req->txid, SB_STUN_TXID_LEN) == 0);
  CHECK(r.has_fingerprint);
  CHECK((r.type == SB_STUN_BINDING_SUCCESS) == (rc == SB_OK));
  const uint8_t *key = (const uint8_t *)a->pwd;
  if (rc == SB_OK) {
    CHECK(r.has_mapped && sb_stun_addr_equal(&r.mapped, from));
    CHECK(r.error_code == 0);
    CHECK(sb_stun_check_integrity(resp, n, &r, key, a->pwd_len) == SB_OK);
    return;
  }
  CHECK(r.type == SB_STUN_BINDING_ERROR);
  int code = rc == SB_EINVAL ? 400 : rc == SB_ECRYPTO ? 401 : 420;
  CHECK(rc == SB_EINVAL || rc == SB_ECRYPTO || rc == SB_EUNSUPPORTED);
  CHECK(r.error_code == code);
  if (code == 420)
    CHECK(sb_stun_check_integrity(resp, n, &r, key, a->pwd_len) == SB_OK);
  else
    CHECK(r.integrity_at == 0); /* no integrity for a sender we do not trust */
}

static void handle_one(sb_ice_lite *a, const uint8_t *dgram, size_t len, const sb_stun_addr *from,
                       int64_t now, int expect) {
  sb_stun_msg m;
  if (sb_stun_parse(dgram, len, &m) != SB_OK) {
    CHECK(expect == 1); /* what we built always parses */
    return;
  }
  char local[64];
  int lrc = sb_ice_lite_local_ufrag_of(&m, local, sizeof local);
  CHECK(lrc == SB_OK || lrc == SB_ENOTFOUND || lrc == SB_ENOSPC);
  if (lrc == SB_OK) CHECK(memcmp(local, m.username, strlen(local)) == 0);

  snapshot before;
  take(&before, a);
  static uint8_t resp[RESP_CAP];
  memset(resp, 0xa5, sizeof resp);
  sb_ice_lite_result res;
  int rc = sb_ice_lite_handle(a, dgram, len, &m, from, now, resp, sizeof resp, &res);
  check_agent(a);
  CHECK(res.response_len <= sizeof resp);
  for (size_t i = res.response_len; i < sizeof resp; i++)
    CHECK(resp[i] == 0xa5);
  if (expect != 1) CHECK(rc == expect);

  if (m.type != SB_STUN_BINDING_REQUEST) {
    CHECK(rc == SB_ENOTFOUND && res.response_len == 0);
    CHECK(!res.added && !res.evicted && !res.selected_changed);
    CHECK(same_table(&before, a) && a->last_rx_us == before.last_rx_us);
    CHECK(a->checks == before.checks && a->bad_checks == before.bad_checks);
    return;
  }
  CHECK(rc == SB_OK || rc == SB_EINVAL || rc == SB_ECRYPTO || rc == SB_EUNSUPPORTED);
  CHECK(res.response_len > 0); /* RESP_CAP is always enough */
  check_response(a, resp, res.response_len, &m, from, rc);

  if (rc < 0) {
    CHECK(same_table(&before, a) && a->last_rx_us == before.last_rx_us);
    CHECK(!res.added && !res.evicted && !res.selected_changed);
    CHECK(a->checks == before.checks && a->bad_checks == before.bad_checks + 1);
    return;
  }

  CHECK(sb_ice_lite_knows(a, from));
  CHECK(a->last_rx_us == now);
  CHECK(a->checks == before.checks + 1 && a->bad_checks == before.bad_checks);
  CHECK(res.added == !snap_knows(&before, from));
  CHECK(a->n_addrs == before.n_addrs + (res.added && !res.evicted));
  if (res.evicted) {
    CHECK(res.added && before.n_addrs == SB_ICE_LITE_MAX_ADDRS);
    CHECK(!sb_ice_lite_knows(a, &res.evicted_addr));
    CHECK(snap_knows(&before, &res.evicted_addr));
    CHECK(before.selected < 0 ||
          !sb_stun_addr_equal(&res.evicted_addr, &before.addrs[before.selected]));
    /* The one seen longest ago went. */
    for (unsigned i = 0; i < before.n_addrs; i++)
      if (sb_stun_addr_equal(&before.addrs[i], &res.evicted_addr)) {
        for (unsigned k = 0; k < before.n_addrs; k++)
          CHECK((int)k == before.selected || before.addr_seen_us[i] <= before.addr_seen_us[k]);
      }
  } else {
    for (unsigned i = 0; i < before.n_addrs; i++)
      CHECK(sb_ice_lite_knows(a, &before.addrs[i]));
  }

  const sb_stun_addr *sel = sb_ice_lite_selected(a);
  const sb_stun_addr *was = before.selected >= 0 ? &before.addrs[before.selected] : NULL;
  CHECK(sel != NULL);
  if (m.use_candidate) {
    CHECK(sb_stun_addr_equal(sel, from) && a->nominated);
  } else if (was) {
    CHECK(sb_stun_addr_equal(sel, was) && a->nominated == before.nominated);
  } else {
    CHECK(sb_stun_addr_equal(sel, from) && !a->nominated);
  }
  CHECK(res.selected_changed == !(was && sb_stun_addr_equal(sel, was)));
  int idx = a->selected;
  CHECK(a->addr_seen_us[idx] <= now);
}

static void set_remote(sb_ice_lite *a, const char *ufrag) {
  snapshot before;
  take(&before, a);
  bool valid = ufrag[0] && !strchr(ufrag, ':') && strlen(ufrag) >= 4;
  int rc = sb_ice_lite_set_remote(a, ufrag);
  check_agent(a);
  CHECK(rc == (valid ? SB_OK : SB_EINVAL));
  CHECK(a->last_rx_us == before.last_rx_us);
  if (rc != SB_OK) {
    CHECK(same_table(&before, a) && strcmp(a->remote_ufrag, before.remote_ufrag) == 0);
    return;
  }
  CHECK(strcmp(a->remote_ufrag, ufrag) == 0);
  if (before.remote_ufrag[0] && strcmp(before.remote_ufrag, ufrag) != 0) {
    /* ICE restart */
    CHECK(a->n_addrs == 0 && a->selected == -1 && !a->nominated);
    for (unsigned i = 0; i < before.n_addrs; i++)
      CHECK(!sb_ice_lite_knows(a, &before.addrs[i]));
  } else {
    CHECK(same_table(&before, a));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint8_t built[DGRAM_MAX];
  sb_ice_lite a;
  CHECK(sb_ice_lite_init(&a, LOCAL_UFRAG, LOCAL_PWD) == SB_OK);
  check_agent(&a);
  int64_t now = 1000000;

  size_t off = 0;
  while (size - off >= 5) {
    uint8_t kind = data[off], addr = data[off + 1], opts = data[off + 2];
    size_t n = (size_t)data[off + 3] << 8 | data[off + 4];
    off += 5;
    if (n > size - off) n = size - off;
    const uint8_t *p = data + off;
    off += n;

    now += (int64_t)(kind >> 4) * 1000;
    if (kind & 2) set_remote(&a, remote_ufrags[(kind >> 2) & 3]);

    const sb_stun_addr *from = &addrs[addr & 7];
    const uint8_t *src = p;
    size_t len = n;
    int expect = 1;
    if (kind & 1) {
      len = build_request(&a, opts, p, n, built, sizeof built, &expect);
      src = built;
    } else if (opts & 1) {
      len = sign_raw(opts, p, n, built, sizeof built);
      if (!len) continue;
      src = built;
    }
    /* An exact-size copy, so that ASan sees reads past the end. */
    uint8_t *dgram = malloc(len ? len : 1);
    CHECK(dgram);
    memcpy(dgram, src, len);
    handle_one(&a, dgram, len, from, now, expect);
    free(dgram);
  }
  return 0;
}
