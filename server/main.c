/* main.c - switchboard's entry point: command line, configuration, logging,
 * signals, and the main loop. The server itself is built in server.c. */
#include <glib-unix.h>
#include <glib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "core/error.h"
#include "log.h"
#include "server.h"
#include "build-config.h"

static const char *summary =
    "A WebRTC selective forwarding media server. Browsers join rooms by name over a\n"
    "WebSocket at /ws; the server terminates each peer connection and forwards media.\n"
    "\n"
    "Settings come from the configuration file (GLib key-file format, see\n"
    "switchboard.conf in the source tree) and are overridden by the options below.";

typedef struct {
  char *config, *check_config, *address, *media_address, *public_address, *web_root;
  char *log_level, *plugin_dir, *default_plugin;
  int port, workers;
  gboolean version, print_config, full_ice;
} cli_opts;

typedef struct {
  GMainLoop *loop;
  sb_server *srv;
} running;

/* SIGINT stops now (clients get `bye`); SIGTERM drains first, as a load
 * balancer expects; a second signal of either kind stops at once. */
static gboolean on_sigint(gpointer data) {
  running *r = data;
  if (r->srv)
    sb_server_shutdown(r->srv, "SIGINT");
  else
    g_main_loop_quit(r->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean on_sigterm(gpointer data) {
  running *r = data;
  if (r->srv)
    sb_server_drain(r->srv);
  else
    g_main_loop_quit(r->loop);
  return G_SOURCE_CONTINUE;
}

static void apply_cli(sb_config *cfg, const cli_opts *o) {
#define SET_STR(field, v)                                                                          \
  if (v) {                                                                                         \
    g_free(cfg->field);                                                                            \
    cfg->field = g_strdup(v);                                                                      \
  }
  SET_STR(http_address, o->address);
  SET_STR(media_address, o->media_address);
  SET_STR(public_address, o->public_address);
  SET_STR(web_root, o->web_root);
  SET_STR(log_level, o->log_level);
  SET_STR(plugin_dir, o->plugin_dir);
  SET_STR(default_plugin, o->default_plugin);
#undef SET_STR
  if (o->port >= 0) cfg->http_port = o->port;
  if (o->workers >= 0) cfg->workers = o->workers;
  if (o->full_ice) cfg->ice_lite = FALSE;
}

int main(int argc, char **argv) {
  setlocale(LC_ALL, "");
  cli_opts o = {.port = -1, .workers = -1};
  GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &o.config, "Read settings from FILE", "FILE"},
      {"check-config", 0, 0, G_OPTION_ARG_FILENAME, &o.check_config,
       "Validate FILE and exit (0 when valid; errors name the line)", "FILE"},
      {"print-config", 0, 0, G_OPTION_ARG_NONE, &o.print_config,
       "Print the effective configuration and exit", NULL},
      {"address", 'a', 0, G_OPTION_ARG_STRING, &o.address,
       "HTTP/WebSocket listen address (default 0.0.0.0)", "IP"},
      {"port", 'p', 0, G_OPTION_ARG_INT, &o.port, "HTTP/WebSocket port (default 8080; 0 = any)",
       "PORT"},
      {"media-address", 'm', 0, G_OPTION_ARG_STRING, &o.media_address,
       "IP address media (UDP) binds (default 127.0.0.1)", "IP"},
      {"public-address", 0, 0, G_OPTION_ARG_STRING, &o.public_address,
       "IP advertised to browsers when behind 1:1 NAT", "IP"},
      {"full-ice", 0, 0, G_OPTION_ARG_NONE, &o.full_ice, "Use full ICE instead of ICE-lite", NULL},
      {"web-root", 'w', 0, G_OPTION_ARG_FILENAME, &o.web_root, "Folder served at /", "DIR"},
      {"workers", 'j', 0, G_OPTION_ARG_INT, &o.workers, "Media worker threads (0 = one per core)",
       "N"},
      {"plugin-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.plugin_dir, "Folder to load plugins from",
       "DIR"},
      {"default-plugin", 0, 0, G_OPTION_ARG_STRING, &o.default_plugin,
       "Plugin for rooms whose join names none (duo, echo, relay)", "NAME"},
      {"log-level", 'l', 0, G_OPTION_ARG_STRING, &o.log_level, "error, warning, info or debug",
       "LEVEL"},
      {"version", 'V', 0, G_OPTION_ARG_NONE, &o.version, "Print the version and exit", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *oc = g_option_context_new("- WebRTC SFU");
  g_option_context_set_summary(oc, summary);
  g_option_context_set_description(
      oc, "Documentation: README.md and docs/ (operating.md, protocol.md, plugins.md).\n");
  g_option_context_add_main_entries(oc, entries, NULL);
  GError *err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "switchboard: %s (see --help)\n", err->message);
    g_error_free(err);
    g_option_context_free(oc);
    return 2;
  }
  g_option_context_free(oc);
  if (o.version) {
    printf("switchboard %s\n", PACKAGE_VERSION);
    return 0;
  }

  sb_config cfg;
  sb_config_init(&cfg);
  int rc = 0;
  if (o.check_config) {
    if (sb_config_load(&cfg, o.check_config, &err) < 0 || sb_config_validate(&cfg, &err) < 0) {
      fprintf(stderr, "switchboard: %s\n", err->message);
      rc = 1;
    } else {
      printf("%s: configuration is valid\n", o.check_config);
    }
    goto out;
  }
  if (o.config && sb_config_load(&cfg, o.config, &err) < 0) {
    fprintf(stderr, "switchboard: %s\n", err->message);
    rc = 1;
    goto out;
  }
  apply_cli(&cfg, &o);
  if (sb_config_validate(&cfg, &err) < 0) {
    fprintf(stderr, "switchboard: %s\n", err->message);
    rc = 1;
    goto out;
  }
  if (o.print_config) {
    char *s = sb_config_dump(&cfg);
    fputs(s, stdout);
    g_free(s);
    goto out;
  }
  sb_log_init(cfg.log_level);
  signal(SIGPIPE, SIG_IGN);

  GMainLoop *loop = g_main_loop_new(NULL, FALSE);
  /* Signals are watched before anything starts, so none is lost. */
  running run = {.loop = loop};
  guint s1 = g_unix_signal_add(SIGINT, on_sigint, &run);
  guint s2 = g_unix_signal_add(SIGTERM, on_sigterm, &run);
  run.srv = sb_server_new(&cfg, loop, &err);
  if (!run.srv) {
    g_log("main", G_LOG_LEVEL_CRITICAL, "%s", err->message);
    rc = 1;
  } else {
    g_main_loop_run(loop);
    sb_server_free(run.srv);
    g_log("main", G_LOG_LEVEL_INFO, "stopped");
  }
  g_source_remove(s1);
  g_source_remove(s2);
  g_main_loop_unref(loop);
out:
  g_clear_error(&err);
  sb_config_clear(&cfg);
  g_free(o.config);
  g_free(o.check_config);
  g_free(o.address);
  g_free(o.media_address);
  g_free(o.public_address);
  g_free(o.web_root);
  g_free(o.log_level);
  g_free(o.plugin_dir);
  g_free(o.default_plugin);
  return rc;
}
