/* old_plugin.c - a plugin built for an API version this server does not
 * speak: the loader must refuse it before calling anything. */
#include <stdlib.h>
#include <switchboard/plugin.h>

static int init(const sb_host_api *host) {
  (void)host;
  abort(); /* never reached: the version check comes first */
}

static const sb_plugin old = {
    .api_version = SB_PLUGIN_API_VERSION + 41, .name = "test-old", .init = init};

const sb_plugin *sb_plugin_create(void);
const sb_plugin *sb_plugin_create(void) { return &old; }
