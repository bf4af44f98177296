/* ice_lite.c - the ICE-lite agent of one peer connection: answers checks,
 * learns and selects the browser's address. No I/O; see ice_lite.h. */
#include "core/ice_lite.h"

#include <string.h>

#include "core/error.h"

bool sb_ice_lite_valid_chars(const char *s, size_t min, size_t max) {
  size_t n = s ? strlen(s) : 0;
  if (n < min || n > max) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

int sb_ice_lite_init(sb_ice_lite *a, const char *ufrag, const char *pwd) {
  if (!sb_ice_lite_valid_chars(ufrag, 4, SB_ICE_UFRAG_MAX) ||
      !sb_ice_lite_valid_chars(pwd, 22, SB_ICE_PWD_MAX))
    return SB_EINVAL;
  memset(a, 0, sizeof *a);
  strcpy(a->ufrag, ufrag);
  strcpy(a->pwd, pwd);
  a->pwd_len = strlen(pwd);
  a->selected = -1;
  return SB_OK;
}

int sb_ice_lite_set_remote(sb_ice_lite *a, const char *ufrag) {
  if (!sb_ice_lite_valid_chars(ufrag, 4, SB_ICE_UFRAG_MAX)) return SB_EINVAL;
  if (a->remote_ufrag[0] && strcmp(a->remote_ufrag, ufrag) != 0) {
    a->n_addrs = 0; /* ICE restart: the old pairs are gone */
    a->selected = -1;
    a->nominated = false;
  }
  strcpy(a->remote_ufrag, ufrag);
  return SB_OK;
}

int sb_ice_lite_local_ufrag_of(const sb_stun_msg *m, char *out, size_t cap) {
  if (!m->username) return SB_ENOTFOUND;
  const uint8_t *colon = memchr(m->username, ':', m->username_len);
  if (!colon) return SB_ENOTFOUND;
  size_t n = (size_t)(colon - m->username);
  if (n + 1 > cap) return SB_ENOSPC;
  memcpy(out, m->username, n);
  out[n] = 0;
  return SB_OK;
}

static int find_addr(const sb_ice_lite *a, const sb_stun_addr *addr) {
  for (unsigned i = 0; i < a->n_addrs; i++)
    if (sb_stun_addr_equal(&a->addrs[i], addr)) return (int)i;
  return -1;
}

bool sb_ice_lite_knows(const sb_ice_lite *a, const sb_stun_addr *addr) {
  return find_addr(a, addr) >= 0;
}

const sb_stun_addr *sb_ice_lite_selected(const sb_ice_lite *a) {
  return a->selected >= 0 ? &a->addrs[a->selected] : NULL;
}

/* Makes `from` known; returns its index. A full table drops the address
 * seen longest ago that is not selected. */
static int remember(sb_ice_lite *a, const sb_stun_addr *from, int64_t now_us,
                    sb_ice_lite_result *res) {
  int i = find_addr(a, from);
  if (i < 0) {
    if (a->n_addrs < SB_ICE_LITE_MAX_ADDRS) {
      i = (int)a->n_addrs++;
    } else {
      i = -1;
      for (unsigned k = 0; k < a->n_addrs; k++)
        if ((int)k != a->selected && (i < 0 || a->addr_seen_us[k] < a->addr_seen_us[i])) i = (int)k;
      res->evicted = true;
      res->evicted_addr = a->addrs[i];
    }
    a->addrs[i] = *from;
    res->added = true;
  }
  a->addr_seen_us[i] = now_us;
  return i;
}

/* Only the username's second part and the integrity decide; a check names
 * its sender's ufrag after ours. */
static bool username_matches(const sb_ice_lite *a, const sb_stun_msg *m) {
  size_t lu = strlen(a->ufrag);
  if (m->username_len <= lu || memcmp(m->username, a->ufrag, lu) != 0 || m->username[lu] != ':')
    return false;
  if (!a->remote_ufrag[0]) return true; /* not told yet: the integrity decides */
  size_t ru = strlen(a->remote_ufrag);
  return m->username_len - lu - 1 == ru && memcmp(m->username + lu + 1, a->remote_ufrag, ru) == 0;
}

static int refuse(sb_ice_lite *a, const sb_stun_msg *m, int code, const char *reason, bool sign,
                  uint8_t *resp, size_t cap, sb_ice_lite_result *res, int rc) {
  a->bad_checks++;
  int n = sb_stun_write_binding_error(resp, cap, m->txid, code, reason,
                                      code == 420 ? m->unknown_required : 0,
                                      sign ? (const uint8_t *)a->pwd : NULL, sign ? a->pwd_len : 0);
  res->response_len = n > 0 ? (size_t)n : 0;
  return rc;
}

int sb_ice_lite_handle(sb_ice_lite *a, const uint8_t *data, size_t len, const sb_stun_msg *m,
                       const sb_stun_addr *from, int64_t now_us, uint8_t *resp, size_t cap,
                       sb_ice_lite_result *res) {
  memset(res, 0, sizeof *res);
  if (m->type != SB_STUN_BINDING_REQUEST) return SB_ENOTFOUND;
  if (!m->username || !m->integrity_at)
    return refuse(a, m, 400, "Bad Request", false, resp, cap, res, SB_EINVAL);
  if (sb_stun_check_integrity(data, len, m, (const uint8_t *)a->pwd, a->pwd_len) != SB_OK ||
      !username_matches(a, m))
    return refuse(a, m, 401, "Unauthorized", false, resp, cap, res, SB_ECRYPTO);
  if (m->unknown_required)
    return refuse(a, m, 420, "Unknown Attribute", true, resp, cap, res, SB_EUNSUPPORTED);

  a->checks++;
  a->last_rx_us = now_us;
  int i = remember(a, from, now_us, res);
  int before = a->selected;
  if (m->use_candidate) {
    a->selected = i;
    a->nominated = true;
  } else if (a->selected < 0) {
    a->selected = i; /* provisional, until the browser nominates */
  }
  /* remember() never reuses the selected slot, so comparing indices is
   * enough. */
  res->selected_changed = a->selected != before;
  int n =
      sb_stun_write_binding_success(resp, cap, m->txid, from, (const uint8_t *)a->pwd, a->pwd_len);
  res->response_len = n > 0 ? (size_t)n : 0;
  return SB_OK;
}
