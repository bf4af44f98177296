/* good_plugin.c - a minimal plugin for the loader test: current API
 * version, init counts its calls. */
#include <switchboard/plugin.h>

static int inits;
static int init(const sb_host_api *host) {
  (void)host;
  return ++inits > 0 ? 0 : -1;
}

static const sb_plugin good = SB_PLUGIN_INIT(.name = "test-good", .description = "loader test",
                                             .media = 0, .max_participants = 3, .init = init);

const sb_plugin *sb_plugin_create(void);
const sb_plugin *sb_plugin_create(void) { return &good; }
