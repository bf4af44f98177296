/* ice_lite.h - the ICE-lite agent of one peer connection (RFC 8445 section
 * 2.5), without I/O: it answers the browser's connectivity checks, learns
 * the browser's addresses from them, and selects the one to send to.
 *
 * A lite agent is always controlled and sends no checks of its own. A
 * Binding request addressed to us (USERNAME "<our ufrag>:<their ufrag>")
 * with a valid MESSAGE-INTEGRITY (our password) is answered with a success
 * response carrying the address it came from, and that address becomes
 * known: data from it is accepted. The selected address, where media goes,
 * is the latest one the browser nominated (USE-CANDIDATE), or before any
 * nomination the first that passed a check, so that DTLS can start as soon
 * as the browser does. Checks also prove the browser is alive: the caller
 * reads last_rx_us (or updates it for data) to end silent connections.
 *
 * Bad checks get what RFC 8489 says: 400 without USERNAME or integrity,
 * 401 for a wrong password or ufrag, 420 for an unknown
 * comprehension-required attribute. Nothing else changes for them.
 *
 * ICE restart (RFC 8445 section 9, RFC 8839 section 4.4.1.1.1):
 * sb_ice_lite_restart() starts a new generation of credentials, make
 * before break. Until a check of the new generation passes, the previous
 * generation's checks are still answered (signed with its password) and
 * its addresses stay known and selected, so media goes on. The first valid
 * check of the new generation ends the previous one: its credentials are
 * refused from then on (401) and the new address is selected (provisionally,
 * as at the start). Addresses learned before it stay known for data only
 * until the new generation nominates an address (they are forgotten then)
 * or are evicted first; a check of the new generation from one of them makes
 * it a new-generation address again.
 *
 * The caller finds the agent for a check by the ufrag in its USERNAME
 * (sb_ice_lite_local_ufrag_of()) and for data by address. */
#ifndef SB_CORE_ICE_LITE_H
#define SB_CORE_ICE_LITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stun.h"

#define SB_ICE_LITE_MAX_ADDRS 4
#define SB_ICE_UFRAG_MAX      256
#define SB_ICE_PWD_MAX        256

typedef struct {
  char ufrag[SB_ICE_UFRAG_MAX + 1]; /* local */
  char pwd[SB_ICE_PWD_MAX + 1];
  size_t pwd_len;
  char remote_ufrag[SB_ICE_UFRAG_MAX + 1]; /* "" until known */
  /* Addresses that passed a check, and when each last did. */
  sb_stun_addr addrs[SB_ICE_LITE_MAX_ADDRS];
  int64_t addr_seen_us[SB_ICE_LITE_MAX_ADDRS];
  unsigned n_addrs;
  int selected;       /* index into addrs, -1 for none */
  bool nominated;     /* the selected address was nominated */
  int64_t last_rx_us; /* last valid check (the caller adds data) */
  uint64_t checks, bad_checks;
  /* ICE restart. While `restarting`, the previous generation (old_*) is
   * still accepted next to the new one (ufrag, pwd, remote_ufrag above). */
  bool restarting;
  char old_ufrag[SB_ICE_UFRAG_MAX + 1];
  char old_pwd[SB_ICE_PWD_MAX + 1];
  size_t old_pwd_len;
  char old_remote_ufrag[SB_ICE_UFRAG_MAX + 1];
  /* addrs[i] was learned by a generation before the current one. */
  bool addr_old[SB_ICE_LITE_MAX_ADDRS];
  uint64_t restarts; /* generations that took over */
} sb_ice_lite;

/* What handling one check did. */
typedef struct {
  size_t response_len; /* bytes written to the response buffer; 0: none */
  bool added;          /* `from` became a known address */
  bool evicted;        /* ...replacing `evicted_addr` (the oldest) */
  sb_stun_addr evicted_addr;
  bool selected_changed; /* the selected address is now another one */
  /* The check was the first valid one of a new generation: the previous
   * generation ended, its credentials are refused from now on (a caller
   * routing checks by local ufrag drops the old one if it differs). */
  bool restarted;
  /* Addresses of earlier generations forgotten because the current one
   * nominated: no longer known (the caller stops routing them). */
  unsigned n_forgotten;
  sb_stun_addr forgotten[SB_ICE_LITE_MAX_ADDRS];
} sb_ice_lite_result;

/* True when s is min..max ice-chars (RFC 8839: ALPHA / DIGIT / "+" / "/"). */
bool sb_ice_lite_valid_chars(const char *s, size_t min, size_t max);

/* Local credentials: ufrag 4..256 and password 22..256 ice-chars
 * (RFC 8839). SB_EINVAL otherwise. */
int sb_ice_lite_init(sb_ice_lite *a, const char *ufrag, const char *pwd);
/* The browser's ufrag (its checks must name it); SB_EINVAL when malformed.
 * A new ufrag forgets the known addresses at once (and ends a restart under
 * way); sb_ice_lite_restart() is the restart that keeps media going. */
int sb_ice_lite_set_remote(sb_ice_lite *a, const char *ufrag);

/* ICE restart: a new generation with the browser's new ufrag and our new
 * credentials (ufrag 4..256, pwd 22..256 ice-chars), or ufrag and pwd NULL
 * to keep ours (the browser alone restarted, in its answer to our offer).
 * See the top of this file for what happens to the previous generation. A
 * restart while another one is under way (no check of it passed yet)
 * replaces that one; the generation in use stays. Credentials equal to the
 * current ones change nothing. SB_EINVAL for malformed credentials, and
 * then nothing changes. */
int sb_ice_lite_restart(sb_ice_lite *a, const char *ufrag, const char *pwd,
                        const char *remote_ufrag);

/* The local part of a check's USERNAME (before the colon), copied to `out`
 * NUL-terminated. SB_ENOTFOUND when there is no USERNAME or colon,
 * SB_ENOSPC when out is too small. */
int sb_ice_lite_local_ufrag_of(const sb_stun_msg *m, char *out, size_t cap);

/* Handles a parsed STUN message `m` (the datagram is data/len) that came
 * from `from`. Binding requests are answered into resp (cap bytes; 256 is
 * always enough); everything else is ignored. Returns SB_OK when the check
 * was valid, SB_ECRYPTO / SB_EINVAL / SB_EUNSUPPORTED when it was refused
 * (an error response may still be in resp), SB_ENOTFOUND when it was not a
 * Binding request. */
int sb_ice_lite_handle(sb_ice_lite *a, const uint8_t *data, size_t len, const sb_stun_msg *m,
                       const sb_stun_addr *from, int64_t now_us, uint8_t *resp, size_t cap,
                       sb_ice_lite_result *res);

/* The selected address, or NULL. Borrowed until the next handle call. */
const sb_stun_addr *sb_ice_lite_selected(const sb_ice_lite *a);
/* True when `addr` passed a check. */
bool sb_ice_lite_knows(const sb_ice_lite *a, const sb_stun_addr *addr);

#endif
