/* echo.c - a connectivity self-test: one participant per room, whose own
 * audio and video are sent straight back to it through the server. If you
 * see yourself, ICE, DTLS, SRTP and forwarding all work. */
#include <switchboard/plugin.h>

static const sb_host_api *host;

static int init(const sb_host_api *h) {
  host = h;
  return 0;
}

static void track_added(sb_room *room, sb_track *t) {
  (void)room;
  host->subscribe(host->track_owner(t), t);
}

static const sb_plugin echo =
    SB_PLUGIN_INIT(.name = "echo", .description = "loops a participant's media back to it",
                   .media = 1, .max_participants = 1, .init = init, .track_added = track_added);

const sb_plugin *sb_plugin_create(void);
const sb_plugin *sb_plugin_create(void) { return &echo; }
