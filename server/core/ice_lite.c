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

static void end_old_credentials(sb_ice_lite *a) {
  a->restarting = false;
  memset(a->old_ufrag, 0, sizeof a->old_ufrag);
  memset(a->old_pwd, 0, sizeof a->old_pwd);
  memset(a->old_remote_ufrag, 0, sizeof a->old_remote_ufrag);
  a->old_pwd_len = 0;
}

int sb_ice_lite_set_remote(sb_ice_lite *a, const char *ufrag) {
  if (!sb_ice_lite_valid_chars(ufrag, 4, SB_ICE_UFRAG_MAX)) return SB_EINVAL;
  if (a->remote_ufrag[0] && strcmp(a->remote_ufrag, ufrag) != 0) {
    a->n_addrs = 0; /* ICE restart: the old pairs are gone */
    a->selected = -1;
    a->nominated = false;
    end_old_credentials(a);
  }
  strcpy(a->remote_ufrag, ufrag);
  return SB_OK;
}

int sb_ice_lite_restart(sb_ice_lite *a, const char *ufrag, const char *pwd,
                        const char *remote_ufrag) {
  if (!sb_ice_lite_valid_chars(remote_ufrag, 4, SB_ICE_UFRAG_MAX)) return SB_EINVAL;
  if ((ufrag || pwd) && (!sb_ice_lite_valid_chars(ufrag, 4, SB_ICE_UFRAG_MAX) ||
                         !sb_ice_lite_valid_chars(pwd, 22, SB_ICE_PWD_MAX)))
    return SB_EINVAL;
  if (!ufrag) {
    ufrag = a->ufrag;
    pwd = a->pwd;
  }
  if (!strcmp(ufrag, a->ufrag) && !strcmp(pwd, a->pwd) && !strcmp(remote_ufrag, a->remote_ufrag))
    return SB_OK; /* the same generation */
  if (!a->restarting) {
    /* The generation in use stays until the new one proves itself. */
    strcpy(a->old_ufrag, a->ufrag);
    strcpy(a->old_pwd, a->pwd);
    a->old_pwd_len = a->pwd_len;
    strcpy(a->old_remote_ufrag, a->remote_ufrag);
    a->restarting = true;
  }
  /* ufrag/pwd may be a->ufrag/a->pwd themselves: copy only when they differ. */
  if (ufrag != a->ufrag) strcpy(a->ufrag, ufrag);
  if (pwd != a->pwd) strcpy(a->pwd, pwd);
  a->pwd_len = strlen(a->pwd);
  strcpy(a->remote_ufrag, remote_ufrag);
  if (!strcmp(a->ufrag, a->old_ufrag) && !strcmp(a->pwd, a->old_pwd) &&
      !strcmp(a->remote_ufrag, a->old_remote_ufrag))
    end_old_credentials(a); /* back to the generation in use */
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

/* Makes `from` known (to the current generation); returns its index. A
 * full table drops an address of an earlier generation first, else the one
 * seen longest ago that is not selected; both the oldest seen. */
static int remember(sb_ice_lite *a, const sb_stun_addr *from, int64_t now_us,
                    sb_ice_lite_result *res) {
  int i = find_addr(a, from);
  if (i < 0) {
    if (a->n_addrs < SB_ICE_LITE_MAX_ADDRS) {
      i = (int)a->n_addrs++;
    } else {
      i = -1;
      for (unsigned k = 0; k < a->n_addrs; k++) {
        if ((int)k == a->selected) continue;
        bool better = i < 0 || (a->addr_old[k] && !a->addr_old[i]) ||
                      (a->addr_old[k] == a->addr_old[i] && a->addr_seen_us[k] < a->addr_seen_us[i]);
        if (better) i = (int)k;
      }
      res->evicted = true;
      res->evicted_addr = a->addrs[i];
    }
    a->addrs[i] = *from;
    res->added = true;
  }
  a->addr_seen_us[i] = now_us;
  a->addr_old[i] = false;
  return i;
}

/* The new generation nominated: earlier generations' addresses go. The
 * selected address is the current generation's, so it stays. */
static void forget_old_addrs(sb_ice_lite *a, sb_ice_lite_result *res) {
  unsigned k = 0;
  int selected = -1;
  for (unsigned i = 0; i < a->n_addrs; i++) {
    if (a->addr_old[i]) {
      res->forgotten[res->n_forgotten++] = a->addrs[i];
      continue;
    }
    if ((int)i == a->selected) selected = (int)k;
    a->addrs[k] = a->addrs[i];
    a->addr_seen_us[k] = a->addr_seen_us[i];
    a->addr_old[k] = false;
    k++;
  }
  a->n_addrs = k;
  a->selected = selected;
}

/* Whether the USERNAME is "<ufrag>:<remote>": only the second part and the
 * integrity decide; a check names its sender's ufrag after ours. */
static bool username_is(const char *ufrag, const char *remote, const sb_stun_msg *m) {
  size_t lu = strlen(ufrag);
  if (m->username_len <= lu || memcmp(m->username, ufrag, lu) != 0 || m->username[lu] != ':')
    return false;
  if (!remote[0]) return true; /* not told yet: the integrity decides */
  size_t ru = strlen(remote);
  return m->username_len - lu - 1 == ru && memcmp(m->username + lu + 1, remote, ru) == 0;
}

static int refuse(sb_ice_lite *a, const sb_stun_msg *m, int code, const char *reason,
                  const char *pwd, size_t pwd_len, uint8_t *resp, size_t cap,
                  sb_ice_lite_result *res, int rc) {
  a->bad_checks++;
  int n = sb_stun_write_binding_error(resp, cap, m->txid, code, reason,
                                      code == 420 ? m->unknown_required : 0, (const uint8_t *)pwd,
                                      pwd ? pwd_len : 0);
  res->response_len = n > 0 ? (size_t)n : 0;
  return rc;
}

int sb_ice_lite_handle(sb_ice_lite *a, const uint8_t *data, size_t len, const sb_stun_msg *m,
                       const sb_stun_addr *from, int64_t now_us, uint8_t *resp, size_t cap,
                       sb_ice_lite_result *res) {
  memset(res, 0, sizeof *res);
  if (m->type != SB_STUN_BINDING_REQUEST) return SB_ENOTFOUND;
  if (!m->username || !m->integrity_at)
    return refuse(a, m, 400, "Bad Request", NULL, 0, resp, cap, res, SB_EINVAL);
  /* Which generation the check is for: the current one, or during a
   * restart the one still in use. */
  bool cur = username_is(a->ufrag, a->remote_ufrag, m);
  bool old = !cur && a->restarting && username_is(a->old_ufrag, a->old_remote_ufrag, m);
  const char *pwd = old ? a->old_pwd : a->pwd;
  size_t pwd_len = old ? a->old_pwd_len : a->pwd_len;
  if (sb_stun_check_integrity(data, len, m, (const uint8_t *)pwd, pwd_len) != SB_OK ||
      !(cur || old))
    return refuse(a, m, 401, "Unauthorized", NULL, 0, resp, cap, res, SB_ECRYPTO);
  if (m->unknown_required)
    return refuse(a, m, 420, "Unknown Attribute", pwd, pwd_len, resp, cap, res, SB_EUNSUPPORTED);

  int n = sb_stun_write_binding_success(resp, cap, m->txid, from, (const uint8_t *)pwd, pwd_len);
  res->response_len = n > 0 ? (size_t)n : 0;
  a->checks++;
  a->last_rx_us = now_us;
  sb_stun_addr before_addr = {0};
  bool had = a->selected >= 0;
  if (had) before_addr = a->addrs[a->selected];
  bool switching = cur && a->restarting;
  if (switching) {
    /* The new generation's first check: the previous one ends. Its
     * addresses stay known for data (the browser may still be sending
     * from them) until the new generation nominates. */
    end_old_credentials(a);
    for (unsigned k = 0; k < a->n_addrs; k++)
      a->addr_old[k] = true;
    a->restarts++;
    res->restarted = true;
  }
  /* Still the old selected one while switching: not evicted for this. */
  int i = remember(a, from, now_us, res);
  if (m->use_candidate) {
    a->selected = i;
    a->nominated = true;
    forget_old_addrs(a, res);
  } else if (a->selected < 0 || switching) {
    a->selected = i; /* provisional, until the browser nominates */
    a->nominated = false;
  }
  res->selected_changed = had != (a->selected >= 0) ||
                          (had && !sb_stun_addr_equal(&before_addr, &a->addrs[a->selected]));
  return SB_OK;
}
