/* server.c - assembles and tears down the server (see server.h). */
#include "server.h"

#include <stdio.h>

#include "build-config.h"
#include "http.h"
#include "peer.h"
#include "plugins.h"
#include "room.h"
#include "rooms.h"
#include "signaling.h"
#include "worker.h"

#define LOG_DOMAIN "server"

struct sb_server {
  GMainLoop *loop;
  sb_workers *workers;
  sb_media_env *media;
  sb_plugins *plugins;
  sb_rooms *rooms;
  sb_signaling *signaling;
  sb_http *http;
  gboolean stopping;
  guint drain_timer;
  int drain_timeout_s;
  gint64 drain_deadline_us;
};

/* True when this binary is the one in the build folder (not an installed
 * copy): then the source tree's web/ and the build's plugins are used. */
static gboolean running_from_build_tree(void) {
  char *exe = g_file_read_link("/proc/self/exe", NULL);
  char *dir = exe ? g_path_get_dirname(exe) : NULL;
  char *build = g_canonicalize_filename(SB_BUILDDIR, NULL);
  gboolean yes = dir && (g_str_equal(dir, build) || g_str_has_prefix(dir, build));
  g_free(exe);
  g_free(dir);
  g_free(build);
  return yes;
}

static char *default_dir(const char *configured, const char *in_tree, const char *installed) {
  if (configured && *configured) return g_strdup(configured);
  if (running_from_build_tree() && g_file_test(in_tree, G_FILE_TEST_IS_DIR))
    return g_strdup(in_tree);
  return g_strdup(installed);
}

static gboolean ready(void *user, char *why, size_t len) {
  sb_server *srv = user;
  if (srv->stopping) return g_strlcpy(why, "shutting down", len), FALSE;
  if (sb_rooms_draining(srv->rooms)) return g_strlcpy(why, "draining", len), FALSE;
  if (sb_rooms_at_capacity(srv->rooms)) return g_strlcpy(why, "at capacity", len), FALSE;
  return TRUE;
}

sb_server *sb_server_new(const sb_config *cfg, GMainLoop *loop, GError **error) {
  sb_server *srv = g_new0(sb_server, 1);
  srv->loop = loop;
  srv->drain_timeout_s = cfg->drain_timeout_s;
  char *web_root = default_dir(cfg->web_root, SB_SRCDIR "/web", SB_DATADIR "/web");
  char *plugin_dir = default_dir(cfg->plugin_dir, SB_BUILDDIR "/plugins/.libs", SB_PLUGINDIR);

  srv->media = sb_media_env_new(cfg->media_address, cfg->public_address, cfg->port_min,
                                cfg->port_max, cfg->ice_lite, cfg->disconnect_timeout_ms,
                                cfg->certificate, cfg->private_key, error);
  if (!srv->media) goto fail;
  sb_media_env_set_estimate_cap(srv->media, cfg->estimate_cap);
  srv->plugins = sb_plugins_load(plugin_dir, sb_room_host_api(), error);
  if (!srv->plugins) goto fail;
  if (!sb_plugins_find(srv->plugins, cfg->default_plugin)) {
    g_set_error(error, g_quark_from_static_string("sb-server"), 0,
                "default plugin \"%s\" is not among the loaded plugins", cfg->default_plugin);
    goto fail;
  }
  srv->workers = sb_workers_start(cfg->workers);
  if (sb_media_env_start_workers(srv->media, srv->workers, cfg->batch_wait_us, error) < 0)
    goto fail;
  sb_rooms_config rc = {.max_rooms = cfg->max_rooms,
                        .max_participants = cfg->max_participants,
                        .default_plugin = cfg->default_plugin,
                        .resume_grace_ms = cfg->resume_grace_ms};
  srv->rooms = sb_rooms_new(&rc, srv->workers, srv->plugins, srv->media, NULL);
  srv->signaling = sb_signaling_new(srv->rooms);
  sb_http_callbacks cb = {
      .on_open = sb_signaling_on_open,
      .on_message = sb_signaling_on_message,
      .on_close = sb_signaling_on_close,
      .ready = ready,
  };
  sb_http_config hc = {.address = cfg->http_address,
                       .port = cfg->http_port,
                       .web_root = web_root,
                       .max_message_bytes = (size_t)cfg->max_message_bytes};
  /* The signaling callbacks get the signaling object; readiness the server. */
  srv->http = sb_http_start(&hc, loop, &cb, srv->signaling, error);
  if (!srv->http) goto fail;
  sb_http_set_ready_user(srv->http, srv);
  sb_rooms_set_http(srv->rooms, srv->http);

  char *names = sb_plugins_names(srv->plugins);
  int port = sb_http_port(srv->http);
  const char *host = g_str_equal(cfg->http_address, "0.0.0.0") ? "localhost" : cfg->http_address;
  char *media = sb_media_env_describe(srv->media);
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO,
        "switchboard %s: %d media worker(s), media on %s%s%s, plugins: %s", PACKAGE_VERSION,
        sb_workers_count(srv->workers), media, *cfg->public_address ? " advertised as " : "",
        cfg->public_address, names);
  g_free(media);
  printf("Switchboard is running: open http://%s:%d/ in two browser tabs (Ctrl-C stops it)\n", host,
         port);
  fflush(stdout);
  g_free(names);
  g_free(web_root);
  g_free(plugin_dir);
  return srv;
fail:
  g_free(web_root);
  g_free(plugin_dir);
  sb_server_free(srv);
  return NULL;
}

static gboolean quit_loop(gpointer data) {
  g_main_loop_quit(data);
  return G_SOURCE_REMOVE;
}

void sb_server_shutdown(sb_server *srv, const char *why) {
  if (srv->stopping) {
    g_main_loop_quit(srv->loop);
    return;
  }
  srv->stopping = TRUE;
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "shutting down (%s)", why);
  if (srv->signaling && srv->http) sb_signaling_close_all(srv->signaling, srv->http, "shutdown");
  g_timeout_add(300, quit_loop, srv->loop);
}

static gboolean drain_tick(gpointer data) {
  sb_server *srv = data;
  guint rooms = sb_rooms_count(srv->rooms);
  if (rooms == 0 || g_get_monotonic_time() >= srv->drain_deadline_us) {
    srv->drain_timer = 0;
    sb_server_shutdown(srv, rooms ? "drain deadline reached" : "drained");
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

void sb_server_drain(sb_server *srv) {
  if (srv->stopping || sb_rooms_draining(srv->rooms) || sb_rooms_count(srv->rooms) == 0) {
    sb_server_shutdown(srv, "signal");
    return;
  }
  sb_rooms_set_draining(srv->rooms, TRUE);
  srv->drain_deadline_us = g_get_monotonic_time() + (gint64)srv->drain_timeout_s * G_USEC_PER_SEC;
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO,
        "draining: %u room(s) still running; no new rooms; stopping when they end or in %d s",
        sb_rooms_count(srv->rooms), srv->drain_timeout_s);
  srv->drain_timer = g_timeout_add(200, drain_tick, srv);
}

void sb_server_free(sb_server *srv) {
  if (!srv) return;
  if (srv->drain_timer) g_source_remove(srv->drain_timer);
  /* Rooms first (their peers live on workers), then workers, then the rest. */
  if (srv->rooms) sb_rooms_set_http(srv->rooms, NULL);
  sb_rooms_free(srv->rooms);
  sb_workers_stop(srv->workers);
  sb_http_stop(srv->http);
  sb_signaling_free(srv->signaling);
  sb_plugins_free(srv->plugins);
  sb_media_env_free(srv->media);
  g_free(srv);
}
