/* test_plugins.c - the plugin loader (server/plugins.c): loads a good plugin,
 * refuses one built for another API version (with a clear message, without
 * calling it), skips one whose init fails and a file that is no plugin, and
 * loads the bundled plugins from the build tree. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "core/error.h"
#include "plugins.h"

static const sb_host_api host = {.api_version = SB_PLUGIN_API_VERSION};

static char *libs_dir(const char *sub) {
  const char *b = g_getenv("SB_BUILDDIR");
  return g_build_filename(b ? b : SB_BUILDDIR, sub, ".libs", NULL);
}

static void test_good_and_refused(void) {
  char *dir = libs_dir("tests/plugins");
  sb_plugins *ps = sb_plugins_new(&host);
  GError *err = NULL;
  char *good = g_build_filename(dir, "good_plugin.so", NULL);
  char *old = g_build_filename(dir, "old_plugin.so", NULL);
  char *failing = g_build_filename(dir, "failing_plugin.so", NULL);

  g_assert_cmpint(sb_plugins_load_file(ps, good, &err), ==, SB_OK);
  g_assert_no_error(err);
  const sb_plugin *p = sb_plugins_find(ps, "test-good");
  g_assert_nonnull(p);
  g_assert_cmpint(p->max_participants, ==, 3);
  g_assert_null(p->joined); /* SB_PLUGIN_INIT zero-fills what is unset */

  g_assert_cmpint(sb_plugins_load_file(ps, old, &err), ==, SB_EUNSUPPORTED);
  g_assert_nonnull(err);
  g_assert_nonnull(strstr(err->message, "API version 42"));
  g_assert_nonnull(strstr(err->message, "refused"));
  g_clear_error(&err);
  g_assert_null(sb_plugins_find(ps, "test-old"));

  g_assert_cmpint(sb_plugins_load_file(ps, failing, &err), ==, SB_EIO);
  g_assert_nonnull(strstr(err->message, "failed to initialise"));
  g_clear_error(&err);
  g_assert_null(sb_plugins_find(ps, "test-failing"));

  /* Loading the same name twice is refused. */
  g_assert_cmpint(sb_plugins_load_file(ps, good, &err), ==, SB_EEXIST);
  g_clear_error(&err);
  /* Not a plugin at all. */
  g_assert_cmpint(sb_plugins_load_file(ps, "/nonexistent/x.so", &err), ==, SB_EIO);
  g_clear_error(&err);

  char *names = sb_plugins_names(ps);
  g_assert_cmpstr(names, ==, "test-good");
  g_free(names);
  sb_plugins_free(ps);
  g_free(good);
  g_free(old);
  g_free(failing);
  g_free(dir);
}

static void test_bundled(void) {
  char *dir = libs_dir("plugins");
  GError *err = NULL;
  sb_plugins *ps = sb_plugins_load(dir, &host, &err);
  g_assert_no_error(err);
  g_assert_nonnull(ps);
  g_assert_nonnull(sb_plugins_find(ps, "duo"));
  g_assert_nonnull(sb_plugins_find(ps, "echo"));
  g_assert_nonnull(sb_plugins_find(ps, "relay"));
  g_assert_cmpint(sb_plugins_find(ps, "duo")->max_participants, ==, 2);
  g_assert_cmpint(sb_plugins_find(ps, "relay")->media, ==, 0);
  sb_plugins_free(ps);
  g_free(dir);
  /* An empty folder is an error that says what to do. */
  char *empty = g_dir_make_tmp("sbplugins-XXXXXX", NULL);
  g_assert_null(sb_plugins_load(empty, &host, &err));
  g_assert_nonnull(strstr(err->message, "no usable plugin"));
  g_clear_error(&err);
  g_rmdir(empty);
  g_free(empty);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/plugins/good-and-refused", test_good_and_refused);
  g_test_add_func("/plugins/bundled", test_bundled);
  return g_test_run();
}
