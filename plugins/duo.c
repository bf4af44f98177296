/* duo.c - the default room plugin: one-to-one calls. Two participants; each
 * one's tracks are forwarded to the other. The host does the forwarding,
 * rewriting and renegotiation; this file only wires subscriptions. */
#include <switchboard/plugin.h>

#define MAX_TRACKS 16

static const sb_host_api *host;

static int init(const sb_host_api *h) {
  host = h;
  return 0;
}

/* A new track goes to everyone in the room but its owner. */
static void track_added(sb_room *room, sb_track *t) {
  sb_participant *all[2];
  size_t n = host->participants(room, all, 2);
  sb_participant *owner = host->track_owner(t);
  for (size_t i = 0; i < n && i < 2; i++)
    if (all[i] != owner) host->subscribe(all[i], t);
}

/* A newcomer receives the tracks the other participant already publishes. */
static int joined(sb_room *room, sb_participant *p) {
  sb_participant *all[2];
  size_t n = host->participants(room, all, 2);
  for (size_t i = 0; i < n && i < 2; i++) {
    if (all[i] == p) continue;
    sb_track *tracks[MAX_TRACKS];
    size_t nt = host->tracks(all[i], tracks, MAX_TRACKS);
    for (size_t k = 0; k < nt && k < MAX_TRACKS; k++)
      host->subscribe(p, tracks[k]);
  }
  return 0;
}

static const sb_plugin duo =
    SB_PLUGIN_INIT(.name = "duo", .description = "one-to-one calls through the server", .media = 1,
                   .max_participants = 2, .init = init, .joined = joined,
                   .track_added = track_added);

const sb_plugin *sb_plugin_create(void);
const sb_plugin *sb_plugin_create(void) { return &duo; }
