/* config.c - defaults, key-file loading with line numbers, validation (see
 * config.h). GKeyFile does the value parsing; a first pass over the text maps
 * each group and key to its line so that errors can name it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define SB_CONFIG_ERROR (g_quark_from_static_string("sb-config"))

typedef enum { T_STR, T_INT, T_BOOL } opt_type;

typedef struct {
  const char *group, *key;
  opt_type type;
  size_t offset;
  int min, max; /* for T_INT */
  const char *help;
} opt_def;

#define OFF(f) offsetof(sb_config, f)
static const opt_def opts[] = {
    {"server", "http_address", T_STR, OFF(http_address), 0, 0,
     "address the HTTP/WebSocket listener binds"},
    {"server", "http_port", T_INT, OFF(http_port), 0, 65535,
     "HTTP/WebSocket port (0 = any free port)"},
    {"server", "web_root", T_STR, OFF(web_root), 0, 0, "folder served at /"},
    {"server", "workers", T_INT, OFF(workers), 0, 256, "media worker threads (0 = one per core)"},
    {"server", "log_level", T_STR, OFF(log_level), 0, 0, "error, warning, info or debug"},
    {"server", "plugin_dir", T_STR, OFF(plugin_dir), 0, 0, "folder plugins are loaded from"},
    {"server", "default_plugin", T_STR, OFF(default_plugin), 0, 0,
     "plugin of rooms whose join names none"},
    {"signaling", "max_message_bytes", T_INT, OFF(max_message_bytes), 256, 16 * 1024 * 1024,
     "largest signaling message"},
    {"signaling", "max_rooms", T_INT, OFF(max_rooms), 1, 1000000, "rooms open at once"},
    {"signaling", "max_participants", T_INT, OFF(max_participants), 1, 1000000,
     "participants on the server at once"},
    {"signaling", "drain_timeout_s", T_INT, OFF(drain_timeout_s), 0, 86400,
     "seconds a drain waits for rooms to empty"},
    {"signaling", "resume_grace_ms", T_INT, OFF(resume_grace_ms), 0, 3600000,
     "how long the seat of a participant whose socket closed without leave is held for "
     "its resume_token (0 = not held)"},
    {"media", "address", T_STR, OFF(media_address), 0, 0, "IP address media sockets bind"},
    {"media", "public_address", T_STR, OFF(public_address), 0, 0,
     "IP advertised in candidates (NAT 1:1)"},
    {"media", "port_min", T_INT, OFF(port_min), 0, 65535, "lowest UDP media port (0 = any)"},
    {"media", "port_max", T_INT, OFF(port_max), 0, 65535, "highest UDP media port (0 = any)"},
    {"media", "ice_lite", T_BOOL, OFF(ice_lite), 0, 0, "ICE-lite (true) or full ICE (false)"},
    {"media", "receiver_estimate_cap", T_BOOL, OFF(estimate_cap), 0, 0,
     "cap what a publisher sends at its receivers' REMB estimate"},
    {"media", "disconnect_timeout_ms", T_INT, OFF(disconnect_timeout_ms), 500, 600000,
     "silence before a peer is dropped"},
    {"media", "batch_wait_us", T_INT, OFF(batch_wait_us), 0, 10000,
     "under load, read the media socket at most this often (0 = at once)"},
    {"media", "certificate", T_STR, OFF(certificate), 0, 0,
     "DTLS certificate PEM (empty = generate)"},
    {"media", "private_key", T_STR, OFF(private_key), 0, 0, "DTLS private key PEM"},
};

void sb_config_init(sb_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->http_address = g_strdup("0.0.0.0");
  cfg->http_port = 8080;
  cfg->web_root = g_strdup("");
  cfg->workers = 0;
  cfg->log_level = g_strdup("info");
  cfg->plugin_dir = g_strdup("");
  cfg->default_plugin = g_strdup("duo");
  cfg->max_message_bytes = 65536;
  cfg->max_rooms = 1000;
  cfg->max_participants = 2000;
  cfg->drain_timeout_s = 300;
  cfg->resume_grace_ms = 10000;
  cfg->media_address = g_strdup("127.0.0.1");
  cfg->public_address = g_strdup("");
  cfg->port_min = 20000;
  cfg->port_max = 40000;
  cfg->ice_lite = TRUE;
  cfg->disconnect_timeout_ms = 10000;
  cfg->batch_wait_us = 1000;
  cfg->certificate = g_strdup("");
  cfg->private_key = g_strdup("");
}

void sb_config_clear(sb_config *cfg) {
  for (size_t i = 0; i < G_N_ELEMENTS(opts); i++)
    if (opts[i].type == T_STR) g_clear_pointer((char **)((char *)cfg + opts[i].offset), g_free);
}

/* Maps "group\nkey" (and "group\n" for groups) to line numbers; reports the
 * first line that is neither blank, comment, [group] nor key=value. */
static int scan_lines(const char *path, const char *text, GHashTable *lines, GError **error) {
  char **v = g_strsplit(text, "\n", -1);
  char *group = NULL;
  int rc = SB_OK;
  for (int i = 0; v[i]; i++) {
    char *l = g_strstrip(v[i]);
    int line = i + 1;
    if (!*l || *l == '#' || *l == ';') continue;
    if (*l == '[') {
      size_t n = strlen(l);
      if (n < 3 || l[n - 1] != ']') {
        g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: malformed group header \"%s\"", path, line,
                    l);
        rc = SB_EINVAL;
        break;
      }
      g_free(group);
      group = g_strndup(l + 1, n - 2);
      g_hash_table_insert(lines, g_strconcat(group, "\n", NULL), GINT_TO_POINTER(line));
      continue;
    }
    char *eq = strchr(l, '=');
    if (!eq || eq == l) {
      g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: expected \"key = value\", found \"%s\"", path,
                  line, l);
      rc = SB_EINVAL;
      break;
    }
    if (!group) {
      g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: key outside of any [group]", path, line);
      rc = SB_EINVAL;
      break;
    }
    *eq = 0;
    char *key = g_strstrip(l);
    g_hash_table_insert(lines, g_strconcat(group, "\n", key, NULL), GINT_TO_POINTER(line));
  }
  g_free(group);
  g_strfreev(v);
  return rc;
}

static int line_of(GHashTable *lines, const char *group, const char *key) {
  char *k = g_strconcat(group, "\n", key ? key : "", NULL);
  int line = GPOINTER_TO_INT(g_hash_table_lookup(lines, k));
  g_free(k);
  return line;
}

static const opt_def *find_opt(const char *group, const char *key) {
  for (size_t i = 0; i < G_N_ELEMENTS(opts); i++)
    if (!strcmp(opts[i].group, group) && !strcmp(opts[i].key, key)) return &opts[i];
  return NULL;
}

static int apply(sb_config *cfg, GKeyFile *kf, const opt_def *o, const char *path, int line,
                 GError **error) {
  GError *e = NULL;
  char *raw = g_key_file_get_string(kf, o->group, o->key, &e);
  if (!raw) {
    g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: %s", path, line, e->message);
    g_error_free(e);
    return SB_EINVAL;
  }
  int rc = SB_OK;
  if (o->type == T_STR) {
    char **dst = (char **)((char *)cfg + o->offset);
    g_free(*dst);
    *dst = g_strstrip(raw);
    return SB_OK;
  } else if (o->type == T_INT) {
    char *end = NULL;
    long v = strtol(g_strstrip(raw), &end, 10);
    if (!*raw || *end) {
      g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: %s.%s must be an integer, not \"%s\"", path,
                  line, o->group, o->key, raw);
      rc = SB_EINVAL;
    } else if (v < o->min || v > o->max) {
      g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: %s.%s must be between %d and %d, not %ld",
                  path, line, o->group, o->key, o->min, o->max, v);
      rc = SB_EINVAL;
    } else {
      *(int *)((char *)cfg + o->offset) = (int)v;
    }
  } else {
    char *s = g_strstrip(raw);
    if (!g_ascii_strcasecmp(s, "true") || !strcmp(s, "1") || !g_ascii_strcasecmp(s, "yes")) {
      *(gboolean *)((char *)cfg + o->offset) = TRUE;
    } else if (!g_ascii_strcasecmp(s, "false") || !strcmp(s, "0") || !g_ascii_strcasecmp(s, "no")) {
      *(gboolean *)((char *)cfg + o->offset) = FALSE;
    } else {
      g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: %s.%s must be true or false, not \"%s\"", path,
                  line, o->group, o->key, s);
      rc = SB_EINVAL;
    }
  }
  g_free(raw);
  return rc;
}

int sb_config_load(sb_config *cfg, const char *path, GError **error) {
  char *text = NULL;
  gsize len = 0;
  GError *e = NULL;
  if (!g_file_get_contents(path, &text, &len, &e)) {
    g_set_error(error, SB_CONFIG_ERROR, 0, "%s: %s", path, e->message);
    g_error_free(e);
    return SB_ENOTFOUND;
  }
  if (memchr(text, 0, len) || !g_utf8_validate(text, (gssize)len, NULL)) {
    g_set_error(error, SB_CONFIG_ERROR, 0, "%s:1: not a UTF-8 text file", path);
    g_free(text);
    return SB_EINVAL;
  }
  GHashTable *lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GKeyFile *kf = g_key_file_new();
  int rc = scan_lines(path, text, lines, error);
  if (rc == SB_OK && !g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &e)) {
    g_set_error(error, SB_CONFIG_ERROR, 0, "%s:1: %s", path, e->message);
    g_error_free(e);
    rc = SB_EINVAL;
  }
  char **groups = rc == SB_OK ? g_key_file_get_groups(kf, NULL) : NULL;
  for (int g = 0; groups && groups[g] && rc == SB_OK; g++) {
    char **keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
    gboolean known_group = FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(opts); i++)
      if (!strcmp(opts[i].group, groups[g])) known_group = TRUE;
    if (!known_group) {
      g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: unknown group [%s]", path,
                  line_of(lines, groups[g], NULL), groups[g]);
      rc = SB_EINVAL;
    }
    for (int k = 0; keys && keys[k] && rc == SB_OK; k++) {
      const opt_def *o = find_opt(groups[g], keys[k]);
      int line = line_of(lines, groups[g], keys[k]);
      if (!o) {
        g_set_error(error, SB_CONFIG_ERROR, 0, "%s:%d: unknown key \"%s\" in [%s]", path, line,
                    keys[k], groups[g]);
        rc = SB_EINVAL;
      } else {
        rc = apply(cfg, kf, o, path, line, error);
      }
    }
    g_strfreev(keys);
  }
  g_strfreev(groups);
  g_key_file_free(kf);
  g_hash_table_destroy(lines);
  g_free(text);
  return rc;
}

static gboolean is_ip(const char *s) { return g_hostname_is_ip_address(s); }

int sb_config_validate(const sb_config *cfg, GError **error) {
  static const char *levels[] = {"error", "warning", "info", "debug"};
  gboolean ok_level = FALSE;
  for (size_t i = 0; i < G_N_ELEMENTS(levels); i++)
    if (!strcmp(cfg->log_level, levels[i])) ok_level = TRUE;
  if (!ok_level) {
    g_set_error(error, SB_CONFIG_ERROR, 0,
                "log_level must be error, warning, info or debug, not \"%s\"", cfg->log_level);
    return SB_EINVAL;
  }
  if (!is_ip(cfg->http_address)) {
    g_set_error(error, SB_CONFIG_ERROR, 0, "server.http_address \"%s\" is not an IP address",
                cfg->http_address);
    return SB_EINVAL;
  }
  if (!is_ip(cfg->media_address)) {
    g_set_error(error, SB_CONFIG_ERROR, 0, "media.address \"%s\" is not an IP address",
                cfg->media_address);
    return SB_EINVAL;
  }
  if (*cfg->public_address && !is_ip(cfg->public_address)) {
    g_set_error(error, SB_CONFIG_ERROR, 0, "media.public_address \"%s\" is not an IP address",
                cfg->public_address);
    return SB_EINVAL;
  }
  if ((cfg->port_min == 0) != (cfg->port_max == 0) || cfg->port_min > cfg->port_max) {
    g_set_error(error, SB_CONFIG_ERROR, 0,
                "media.port_min (%d) and media.port_max (%d) must form a range (or both be 0)",
                cfg->port_min, cfg->port_max);
    return SB_EINVAL;
  }
  if (!*cfg->certificate != !*cfg->private_key) {
    g_set_error(error, SB_CONFIG_ERROR, 0, "media.certificate and media.private_key go together");
    return SB_EINVAL;
  }
  return SB_OK;
}

char *sb_config_dump(const sb_config *cfg) {
  GString *s = g_string_new("");
  const char *group = "";
  for (size_t i = 0; i < G_N_ELEMENTS(opts); i++) {
    const opt_def *o = &opts[i];
    if (strcmp(group, o->group)) {
      g_string_append_printf(s, "%s[%s]\n", *group ? "\n" : "", o->group);
      group = o->group;
    }
    g_string_append_printf(s, "# %s\n", o->help);
    const char *p = (const char *)cfg + o->offset;
    if (o->type == T_STR)
      g_string_append_printf(s, "%s = %s\n", o->key, *(char *const *)p);
    else if (o->type == T_INT)
      g_string_append_printf(s, "%s = %d\n", o->key, *(const int *)p);
    else
      g_string_append_printf(s, "%s = %s\n", o->key, *(const gboolean *)p ? "true" : "false");
  }
  return g_string_free(s, FALSE);
}
