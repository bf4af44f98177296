/* failing_plugin.c - a plugin whose init fails: the loader must skip it. */
#include <switchboard/plugin.h>

static int init(const sb_host_api *host) {
  (void)host;
  return -1;
}

static const sb_plugin failing = SB_PLUGIN_INIT(.name = "test-failing", .init = init);

const sb_plugin *sb_plugin_create(void);
const sb_plugin *sb_plugin_create(void) { return &failing; }
