/* media_env.c - the media settings every peer connection shares: the DTLS
 * certificate and context, the ICE configuration (address, public address,
 * port range, lite or full, disconnect timeout), and with ICE-lite each
 * worker's UDP socket (udp_mux.c). Built once at start; read-only
 * afterwards, so workers share it without locks (a worker's mux is used by
 * that worker alone). */
#include <string.h>

#include "cert.h"
#include "core/error.h"
#include "dtls.h"
#include "peer_private.h"
#include "srtp.h"

sb_media_env *sb_media_env_new(const char *media_address, const char *public_address, int port_min,
                               int port_max, gboolean ice_lite, int disconnect_timeout_ms,
                               const char *cert_path, const char *key_path, GError **error) {
  if (sb_srtp_global_init() < 0) {
    g_set_error(error, g_quark_from_static_string("sb-media"), 0, "SRTP failed to initialise");
    return NULL;
  }
  sb_media_env *env = g_new0(sb_media_env, 1);
  int rc = cert_path && *cert_path ? sb_cert_load(cert_path, key_path, &env->cert, error)
                                   : sb_cert_generate(&env->cert, error);
  if (rc < 0) {
    g_free(env);
    return NULL;
  }
  if (sb_dtls_ctx_new(env->cert, &env->dtls) < 0) {
    g_set_error(error, g_quark_from_static_string("sb-media"), 0,
                "OpenSSL refused the DTLS context");
    sb_cert_unref(env->cert);
    g_free(env);
    return NULL;
  }
  env->address = g_strdup(media_address);
  env->public_address = public_address && *public_address ? g_strdup(public_address) : NULL;
  env->port_min = (uint16_t)port_min;
  env->port_max = (uint16_t)port_max;
  env->ice_lite = ice_lite;
  env->disconnect_timeout_ms = (unsigned)disconnect_timeout_ms;
  return env;
}

int sb_media_env_start_workers(sb_media_env *env, sb_workers *ws, int batch_wait_us,
                               GError **error) {
  if (!env->ice_lite) return SB_OK; /* full ICE: libnice binds per peer */
  if (!env->public_address &&
      (!g_strcmp0(env->address, "0.0.0.0") || !g_strcmp0(env->address, "::"))) {
    g_set_error(error, g_quark_from_static_string("sb-media"), 0,
                "media.address %s is not an address browsers can send to; set the host's "
                "address, or public_address to advertise",
                env->address);
    return SB_EINVAL;
  }
  int n = sb_workers_count(ws);
  env->muxes = g_new0(sb_udp_mux *, n);
  env->n_muxes = n;
  for (int i = 0; i < n; i++) {
    char why[160];
    /* Worker i takes the first free port of the range after worker i-1's. */
    uint16_t lo = env->port_max
                      ? (i ? (uint16_t)(sb_udp_mux_port(env->muxes[i - 1]) + 1) : env->port_min)
                      : 0;
    if (env->port_max && (lo == 0 || lo > env->port_max)) {
      g_set_error(error, g_quark_from_static_string("sb-media"), 0,
                  "media.port_min..port_max (%u-%u) has fewer free ports than workers (%d)",
                  env->port_min, env->port_max, n);
      return SB_EIO;
    }
    if (sb_udp_mux_new(sb_worker_context(sb_workers_get(ws, i)), env->address, lo, env->port_max,
                       &env->muxes[i], why, sizeof why) < 0) {
      g_set_error(error, g_quark_from_static_string("sb-media"), 0, "%s", why);
      return SB_EIO;
    }
    sb_udp_mux_set_batch_wait(env->muxes[i], batch_wait_us);
  }
  return SB_OK;
}

void sb_media_env_stop_workers(sb_media_env *env) {
  for (int i = 0; i < env->n_muxes; i++)
    sb_udp_mux_free(env->muxes[i]);
  g_clear_pointer(&env->muxes, g_free);
  env->n_muxes = 0;
}

char *sb_media_env_describe(const sb_media_env *env) {
  if (!env->n_muxes)
    return g_strdup_printf("%s (full ICE, UDP %u-%u)", env->address, env->port_min, env->port_max);
  GString *s = g_string_new(env->address);
  g_string_append(s, " UDP ");
  for (int i = 0; i < env->n_muxes; i++)
    g_string_append_printf(s, "%s%u", i ? "," : "", sb_udp_mux_port(env->muxes[i]));
  g_string_append(s, " (ICE-lite)");
  return g_string_free(s, FALSE);
}

void sb_media_env_free(sb_media_env *env) {
  if (!env) return;
  sb_media_env_stop_workers(env);
  sb_dtls_ctx_unref(env->dtls);
  sb_cert_unref(env->cert);
  g_free(env->address);
  g_free(env->public_address);
  g_free(env);
}

const char *sb_media_env_fingerprint(const sb_media_env *env) {
  return sb_cert_fingerprint(env->cert);
}

void sb_media_env_ice_config(const sb_media_env *env, int worker, sb_ice_config *cfg) {
  sb_ice_config_init(cfg);
  cfg->lite = env->ice_lite;
  cfg->mux = worker >= 0 && worker < env->n_muxes ? env->muxes[worker] : NULL;
  cfg->controlling = false;
  cfg->local_addrs = (const char *const *)&env->address;
  cfg->n_local_addrs = 1;
  cfg->public_ip = env->public_address;
  cfg->port_min = env->port_min;
  cfg->port_max = env->port_max;
  cfg->keepalive = true;
  cfg->disconnect_timeout_ms = env->disconnect_timeout_ms;
}

void sb_media_env_set_estimate_cap(sb_media_env *env, gboolean on) { env->estimate_cap = on; }
