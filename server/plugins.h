/* plugins.h - loading room plugins (shared objects built against
 * include/switchboard/plugin.h) from a folder with GModule/dlopen, checking
 * their API version, and finding them by name. */
#ifndef SB_PLUGINS_H
#define SB_PLUGINS_H

#include <glib.h>
#include <switchboard/plugin.h>

typedef struct sb_plugins sb_plugins;

/* Loads every *.so in `dir`. A plugin of another API version, or one whose
 * init fails, is refused with a log line and skipped. Returns NULL with
 * *error set when the folder cannot be read or holds no usable plugin. */
sb_plugins *sb_plugins_load(const char *dir, const sb_host_api *host, GError **error);
/* Loads one plugin file (used by sb_plugins_load and by tests). */
int sb_plugins_load_file(sb_plugins *ps, const char *path, GError **error);
sb_plugins *sb_plugins_new(const sb_host_api *host);
const sb_plugin *sb_plugins_find(const sb_plugins *ps, const char *name);
/* Names of loaded plugins, comma-separated (for logs). Caller frees. */
char *sb_plugins_names(const sb_plugins *ps);
void sb_plugins_free(sb_plugins *ps);

#endif
