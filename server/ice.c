/* ice.c - the ICE adapter's front: the sb_ice API of ice.h, the checks
 * every backend shares (credentials, candidate strings), and the choice of
 * backend: ICE-lite on the worker's UDP mux (ice_mux.c) or full ICE on a
 * libnice agent (ice_nice.c). */
#include <string.h>

#include "core/error.h"
#include "core/ice_lite.h"
#include "ice_private.h"

#define COMPONENT         1
#define MAX_CANDIDATE_LEN 1024

void sb_ice_config_init(sb_ice_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->lite = true;
  cfg->keepalive = true;
  cfg->disconnect_timeout_ms = 10000;
}

sb_ice *sb_ice_new(GMainContext *ctx, const sb_ice_config *cfg, const sb_ice_callbacks *cb,
                   void *user) {
  sb_ice_config defaults;
  if (!cfg) {
    sb_ice_config_init(&defaults);
    cfg = &defaults;
  }
  if ((cfg->port_min || cfg->port_max) && (!cfg->port_min || cfg->port_min > cfg->port_max))
    return NULL;
  if (cfg->n_local_addrs && !cfg->local_addrs) return NULL;
  return cfg->lite ? sb_ice_mux_new(ctx, cfg, cb, user) : sb_ice_nice_new(ctx, cfg, cb, user);
}

void sb_ice_free(sb_ice *ice) {
  if (ice) ice->ops->free(ice);
}

void sb_ice_local_credentials(const sb_ice *ice, const char **ufrag, const char **pwd) {
  ice->ops->local_credentials(ice, ufrag, pwd);
}

int sb_ice_gather(sb_ice *ice) {
  int rc = ice->ops->gather(ice);
  if (rc == SB_OK) ice->gathered = true;
  return rc;
}

int sb_ice_set_remote_credentials(sb_ice *ice, const char *ufrag, const char *pwd) {
  if (!sb_ice_lite_valid_chars(ufrag, 4, 256) || !sb_ice_lite_valid_chars(pwd, 22, 256))
    return SB_EINVAL;
  return ice->ops->set_remote_credentials(ice, ufrag, pwd);
}

int sb_ice_restart(sb_ice *ice, const char *ufrag, const char *pwd, bool new_local) {
  if (!sb_ice_lite_valid_chars(ufrag, 4, 256) || !sb_ice_lite_valid_chars(pwd, 22, 256))
    return SB_EINVAL;
  if (!ice->gathered) return SB_ESTATE;
  return ice->ops->restart(ice, ufrag, pwd, new_local);
}

/* A decimal of 1..digits digits, no sign, within max. */
static bool parse_uint(const char *s, size_t digits, guint64 max, guint64 *out) {
  size_t n = strlen(s);
  if (n == 0 || n > digits) return false;
  for (size_t i = 0; i < n; i++)
    if (!g_ascii_isdigit(s[i])) return false;
  *out = g_ascii_strtoull(s, NULL, 10);
  return *out <= max;
}

static const char *const types[] = {"host", "srflx", "prflx", "relay", NULL};

/* Strict check of "<foundation> <component> <transport> <priority> <address>
 * <port> typ <type> [<name> <value>]..." (after "candidate:"), because
 * libnice's parser truncates ports and trusts token counts. */
static int check_candidate(char **t) {
  guint n = g_strv_length(t);
  guint64 component, priority, port;
  if (n < 8 || n % 2 != 0 || !sb_ice_lite_valid_chars(t[0], 1, 32) ||
      !parse_uint(t[1], 3, 256, &component) || component == 0 ||
      !parse_uint(t[3], 10, G_MAXUINT32, &priority) || !g_hostname_is_ip_address(t[4]) ||
      !parse_uint(t[5], 5, 65535, &port) || strcmp(t[6], "typ") != 0 ||
      !g_strv_contains(types, t[7]))
    return SB_EINVAL;
  for (guint i = 8; i < n; i += 2)
    if (strcmp(t[i], "raddr") == 0 && !g_hostname_is_ip_address(t[i + 1])) return SB_EINVAL;
  if (g_ascii_strcasecmp(t[2], "tcp") == 0) return SB_EUNSUPPORTED;
  if (g_ascii_strcasecmp(t[2], "udp") != 0) return SB_EINVAL;
  if (port == 0) return SB_EINVAL;
  return component == COMPONENT ? SB_OK : SB_EUNSUPPORTED;
}

int sb_ice_add_remote_candidate(sb_ice *ice, const char *candidate) {
  if (!ice->gathered) return SB_ESTATE;
  if (!candidate || !*candidate) return ice->ops->add_remote_candidate(ice, NULL);
  if (g_str_has_prefix(candidate, "a=")) candidate += 2;
  if (!g_str_has_prefix(candidate, "candidate:") || strlen(candidate) > MAX_CANDIDATE_LEN)
    return SB_EINVAL;
  char **tokens = g_strsplit(candidate + strlen("candidate:"), " ", 0);
  int rc = check_candidate(tokens);
  g_strfreev(tokens);
  if (rc != SB_OK) return rc;
  return ice->ops->add_remote_candidate(ice, candidate);
}

int sb_ice_send(sb_ice *ice, const uint8_t *data, size_t len) {
  if (!data || len == 0) return SB_EINVAL;
  if (len > SB_ICE_MAX_DATAGRAM) return SB_ETOOBIG;
  return ice->ops->send(ice, data, len);
}

uint8_t *sb_ice_tx_buffer(sb_ice *ice, size_t *cap) {
  return ice->ops->tx_buffer ? ice->ops->tx_buffer(ice, cap) : NULL;
}

sb_ice_state sb_ice_get_state(const sb_ice *ice) { return ice->ops->get_state(ice); }

const char *sb_ice_state_name(sb_ice_state state) {
  switch (state) {
  case SB_ICE_NEW: return "new";
  case SB_ICE_CHECKING: return "checking";
  case SB_ICE_CONNECTED: return "connected";
  case SB_ICE_FAILED: return "failed";
  case SB_ICE_CLOSED: return "closed";
  }
  return "unknown";
}

int sb_ice_selected_pair(sb_ice *ice, char *local, size_t local_len, char *remote,
                         size_t remote_len) {
  return ice->ops->selected_pair(ice, local, local_len, remote, remote_len);
}
