/* config.h - Switchboard's configuration: defaults, the key-file
 * (switchboard.conf, GLib key-file format) and command-line overrides.
 *
 * sb_config_load() reads and validates a file; every problem is reported with
 * the file name and line number. Unknown groups and keys are errors, so a
 * typo never silently falls back to a default. */
#ifndef SB_CONFIG_H
#define SB_CONFIG_H

#include <glib.h>

typedef struct {
  /* [server] */
  char *http_address;
  int http_port;
  char *web_root;
  int workers; /* 0 = one per core */
  char *log_level;
  char *plugin_dir;
  char *default_plugin;
  /* [signaling] */
  int max_message_bytes;
  int max_rooms;
  int max_participants;
  int drain_timeout_s;
  int resume_grace_ms; /* a disconnected participant's seat is held this long */
  /* [media] */
  char *media_address;
  char *public_address;
  int port_min;
  int port_max;
  gboolean ice_lite;
  gboolean estimate_cap; /* media.receiver_estimate_cap */
  int disconnect_timeout_ms;
  int batch_wait_us;
  char *certificate;
  char *private_key;
} sb_config;

/* Fills every field with its default. Free with sb_config_clear(). */
void sb_config_init(sb_config *cfg);
void sb_config_clear(sb_config *cfg);

/* Loads `path` over the current values. On failure returns a negative SB_E*
 * code and sets *error to "path:LINE: message". */
int sb_config_load(sb_config *cfg, const char *path, GError **error);

/* Checks cross-field rules (port ranges, addresses). */
int sb_config_validate(const sb_config *cfg, GError **error);

/* Writes the effective configuration as a key file (for --print-config). */
char *sb_config_dump(const sb_config *cfg);

#endif
