/* plugins.c - plugin loading and version checks (see plugins.h). */
#include "plugins.h"

#include <gmodule.h>
#include <string.h>

#include "core/error.h"

#define LOG_DOMAIN "plugins"

struct sb_plugins {
  const sb_host_api *host;
  GPtrArray *modules; /* GModule* */
  GPtrArray *plugins; /* const sb_plugin* */
};

sb_plugins *sb_plugins_new(const sb_host_api *host) {
  sb_plugins *ps = g_new0(sb_plugins, 1);
  ps->host = host;
  ps->modules = g_ptr_array_new();
  ps->plugins = g_ptr_array_new();
  return ps;
}

int sb_plugins_load_file(sb_plugins *ps, const char *path, GError **error) {
  GQuark q = g_quark_from_static_string("sb-plugins");
  GModule *m = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
  if (!m) {
    g_set_error(error, q, 0, "%s: cannot load: %s", path, g_module_error());
    return SB_EIO;
  }
  gpointer sym = NULL;
  if (!g_module_symbol(m, SB_PLUGIN_ENTRY_SYMBOL, &sym) || !sym) {
    g_set_error(error, q, 0, "%s: not a Switchboard plugin (no %s)", path, SB_PLUGIN_ENTRY_SYMBOL);
    g_module_close(m);
    return SB_EINVAL;
  }
  const sb_plugin *p = ((sb_plugin_create_fn)sym)();
  if (!p || p->api_version != SB_PLUGIN_API_VERSION) {
    g_set_error(error, q, 0, "%s: plugin API version %u, this server speaks %u: refused", path,
                p ? p->api_version : 0, SB_PLUGIN_API_VERSION);
    g_module_close(m);
    return SB_EUNSUPPORTED;
  }
  if (!p->name || !*p->name || sb_plugins_find(ps, p->name)) {
    g_set_error(error, q, 0, "%s: plugin has no name or a name already loaded (%s)", path,
                p->name ? p->name : "");
    g_module_close(m);
    return SB_EEXIST;
  }
  if (p->init && p->init(ps->host) < 0) {
    g_set_error(error, q, 0, "%s: plugin %s failed to initialise", path, p->name);
    g_module_close(m);
    return SB_EIO;
  }
  g_ptr_array_add(ps->modules, m);
  g_ptr_array_add(ps->plugins, (gpointer)p);
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "loaded plugin %s (%s)", p->name,
        p->description ? p->description : "");
  return SB_OK;
}

static gint by_name(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

sb_plugins *sb_plugins_load(const char *dir, const sb_host_api *host, GError **error) {
  GDir *d = g_dir_open(dir, 0, error);
  if (!d) return NULL;
  sb_plugins *ps = sb_plugins_new(host);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *n;
  while ((n = g_dir_read_name(d)))
    if (g_str_has_suffix(n, ".so")) g_ptr_array_add(names, g_strdup(n));
  g_dir_close(d);
  g_ptr_array_sort(names, by_name);
  for (guint i = 0; i < names->len; i++) {
    char *path = g_build_filename(dir, names->pdata[i], NULL);
    GError *e = NULL;
    if (sb_plugins_load_file(ps, path, &e) < 0) {
      g_log(LOG_DOMAIN, G_LOG_LEVEL_WARNING, "%s", e->message);
      g_error_free(e);
    }
    g_free(path);
  }
  g_ptr_array_free(names, TRUE);
  if (ps->plugins->len == 0) {
    g_set_error(error, g_quark_from_static_string("sb-plugins"), 0,
                "no usable plugin in %s (build them, or set server.plugin_dir)", dir);
    sb_plugins_free(ps);
    return NULL;
  }
  return ps;
}

const sb_plugin *sb_plugins_find(const sb_plugins *ps, const char *name) {
  for (guint i = 0; i < ps->plugins->len; i++) {
    const sb_plugin *p = ps->plugins->pdata[i];
    if (!strcmp(p->name, name)) return p;
  }
  return NULL;
}

char *sb_plugins_names(const sb_plugins *ps) {
  GString *s = g_string_new("");
  for (guint i = 0; i < ps->plugins->len; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "",
                           ((const sb_plugin *)ps->plugins->pdata[i])->name);
  return g_string_free(s, FALSE);
}

void sb_plugins_free(sb_plugins *ps) {
  if (!ps) return;
  for (guint i = 0; i < ps->plugins->len; i++) {
    const sb_plugin *p = ps->plugins->pdata[i];
    if (p->destroy) p->destroy();
  }
  for (guint i = 0; i < ps->modules->len; i++)
    g_module_close(ps->modules->pdata[i]);
  g_ptr_array_free(ps->modules, TRUE);
  g_ptr_array_free(ps->plugins, TRUE);
  g_free(ps);
}
