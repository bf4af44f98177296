/* stage.c - an example room plugin for docs/plugins.md: one presenter whose
 * audio and video go to everyone else in the room; what the audience sends
 * is received by the server and forwarded to nobody.
 *
 * The first participant in a room presents. When the presenter leaves, the
 * participant who joined earliest takes over, and anyone may take the stage
 * by sending {"type":"take-stage"}. Every change is announced to the whole
 * room as {"type":"stage","presenter":"<peer_id>"}.
 *
 * Not part of the build: compile it on its own against the installed header,
 *   gcc -std=gnu11 -Wall -Wextra -O2 -shared -fPIC -I/usr/local/include \
 *       stage.c -o stage.so
 * and copy stage.so into the server's plugin_dir. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <switchboard/plugin.h>

#define MAX_PEOPLE 16 /* also the room size, so the arrays below suffice */
#define MAX_TRACKS 8  /* tracks one participant publishes (normally 2) */
#define E_UNSUPPORTED (-5) /* the host's SB_EUNSUPPORTED: error "unknown-type" */

/* Per-room state, hung on the room with set_room_data. */
typedef struct {
  sb_participant *presenter; /* NULL while nobody presents */
} stage;

static const sb_host_api *host; /* set once by init, read-only afterwards */

static int init(const sb_host_api *h) {
  host = h;
  return 0;
}

static int room_created(sb_room *room) {
  stage *s = calloc(1, sizeof *s);
  if (!s) return -1;
  host->set_room_data(room, s);
  return 0;
}

static void room_destroyed(sb_room *room) { free(host->room_data(room)); }

/* Subscribes (on) or unsubscribes (!on) everyone but `from` to `from`'s
 * tracks. The host batches the resulting renegotiations. */
static void share(sb_room *room, sb_participant *from, int on) {
  sb_participant *all[MAX_PEOPLE];
  sb_track *tracks[MAX_TRACKS];
  size_t n = host->participants(room, all, MAX_PEOPLE);
  size_t nt = host->tracks(from, tracks, MAX_TRACKS);
  for (size_t i = 0; i < n && i < MAX_PEOPLE; i++) {
    if (all[i] == from) continue;
    for (size_t k = 0; k < nt && k < MAX_TRACKS; k++) {
      if (on) host->subscribe(all[i], tracks[k]);
      else host->unsubscribe(all[i], tracks[k]);
    }
  }
}

/* Tells `to` (or, with to == NULL, everyone) who presents. Peer ids are
 * plain ASCII, so no JSON escaping is needed here; names would need it. */
static void announce(sb_room *room, const stage *s, sb_participant *to) {
  char msg[96];
  snprintf(msg, sizeof msg, "{\"type\":\"stage\",\"presenter\":\"%s\"}",
           s->presenter ? host->participant_id(s->presenter) : "");
  if (to) {
    host->send_message(to, msg);
    return;
  }
  sb_participant *all[MAX_PEOPLE];
  size_t n = host->participants(room, all, MAX_PEOPLE);
  for (size_t i = 0; i < n && i < MAX_PEOPLE; i++) host->send_message(all[i], msg);
}

static void set_presenter(sb_room *room, stage *s, sb_participant *p) {
  if (s->presenter == p) return;
  if (s->presenter) share(room, s->presenter, 0);
  s->presenter = p;
  if (p) share(room, p, 1);
  announce(room, s, NULL);
  char line[160];
  snprintf(line, sizeof line, "room %s: %s presents", host->room_name(room),
           p ? host->participant_id(p) : "nobody");
  host->log(SB_LOG_INFO, line);
}

/* A newcomer presents if nobody does; otherwise it receives the presenter. */
static int joined(sb_room *room, sb_participant *p) {
  stage *s = host->room_data(room);
  if (!s) return -1; /* room_created failed: refuse */
  if (!s->presenter) {
    set_presenter(room, s, p);
    return 0;
  }
  sb_track *tracks[MAX_TRACKS];
  size_t nt = host->tracks(s->presenter, tracks, MAX_TRACKS);
  for (size_t k = 0; k < nt && k < MAX_TRACKS; k++) host->subscribe(p, tracks[k]);
  announce(room, s, p);
  return 0;
}

/* The presenter's new tracks go to everyone else; the audience's to nobody. */
static void track_added(sb_room *room, sb_track *t) {
  stage *s = host->room_data(room);
  if (!s || host->track_owner(t) != s->presenter) return;
  sb_participant *all[MAX_PEOPLE];
  size_t n = host->participants(room, all, MAX_PEOPLE);
  for (size_t i = 0; i < n && i < MAX_PEOPLE; i++)
    if (all[i] != s->presenter) host->subscribe(all[i], t);
}

/* `p` is already out of the room, its tracks and subscriptions gone. */
static void left(sb_room *room, sb_participant *p, const char *reason) {
  (void)reason; /* "left", "disconnected", "failed", ... */
  stage *s = host->room_data(room);
  if (!s || s->presenter != p) return;
  s->presenter = NULL;
  sb_participant *first[1];
  if (host->participants(room, first, 1) > 0) set_presenter(room, s, first[0]);
}

/* Media rooms get here for message types other than offer, answer and
 * candidate. */
static int on_message(sb_room *room, sb_participant *from, const char *type, const char *json) {
  (void)json;
  stage *s = host->room_data(room);
  if (!s || strcmp(type, "take-stage")) return E_UNSUPPORTED;
  set_presenter(room, s, from);
  return 0;
}

static const sb_plugin plugin = SB_PLUGIN_INIT(
    .name = "stage", .description = "one presenter, everyone else watches", .media = 1,
    .max_participants = MAX_PEOPLE, .init = init, .room_created = room_created,
    .room_destroyed = room_destroyed, .joined = joined, .left = left,
    .track_added = track_added, .on_message = on_message);

const sb_plugin *sb_plugin_create(void);
const sb_plugin *sb_plugin_create(void) { return &plugin; }
