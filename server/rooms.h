/* rooms.h - the room registry on the main thread: joins and leaves, limits
 * (rooms, participants, per-plugin room size), placement of rooms on media
 * workers, draining, and delivery of worker messages to WebSockets.
 *
 * Seats held for a resume (docs/protocol.md section 10.1): every `joined`
 * carries a fresh random resume token (never logged). When a participant's
 * WebSocket closes without `leave`, its seat (peer_id, place in the room,
 * name, role) stays reserved for resume_grace_ms: its peer connection and
 * tracks on the worker go at once, the others are told nothing yet. A join
 * with the token within that time takes the seat back (same peer_id; the
 * others get `peer-resumed`); a token whose seat is still connected takes it
 * over from that connection (`bye` "replaced"). When the time is up the seat
 * is freed as on a leave (`peer-left` "disconnected"). A held seat counts
 * toward the room's size and the server's participant limit.
 *
 * The registry keeps only what the main thread needs (names, members, counts);
 * the rooms themselves live on their workers (room.h). */
#ifndef SB_ROOMS_H
#define SB_ROOMS_H

#include <glib.h>
#include <stdint.h>

#include "http.h"
#include "plugins.h"
#include "worker.h"

typedef struct sb_rooms sb_rooms;
typedef struct sb_media_env sb_media_env;

typedef struct {
  int max_rooms;
  int max_participants;
  const char *default_plugin;
  /* How long a seat is held after its WebSocket closed without `leave`;
   * 0: freed at once, and `joined` carries no resume token. */
  int resume_grace_ms;
} sb_rooms_config;

/* A failed request: a stable protocol error code and a human message. */
typedef struct {
  const char *code;
  char message[160];
} sb_rooms_error;

sb_rooms *sb_rooms_new(const sb_rooms_config *cfg, sb_workers *workers, sb_plugins *plugins,
                       sb_media_env *media, sb_http *http);
void sb_rooms_free(sb_rooms *rs);
/* Where messages to connections go (NULL while shutting down). */
void sb_rooms_set_http(sb_rooms *rs, sb_http *http);

/* join: validates, places the participant and sends `joined` to it and
 * `peer-joined` to the others. With resume_token (NULL: none) it takes a
 * held seat of `room` back instead (`peer-resumed` to the others), or fails
 * with "resume-failed". Returns 0 or -1 with *err filled. */
int sb_rooms_join(sb_rooms *rs, uint64_t conn_id, const char *room, const char *name,
                  const char *plugin, const char *resume_token, sb_rooms_error *err);
/* Removes the connection's participant, if any, and frees its seat;
 * `peer-left` to the others. */
void sb_rooms_leave(sb_rooms *rs, uint64_t conn_id, const char *reason);
/* The connection closed without `leave` (nor a `bye` of ours): its seat is
 * held for resume_grace_ms (or freed at once, as sb_rooms_leave with
 * "disconnected", when that is 0). */
void sb_rooms_disconnect(sb_rooms *rs, uint64_t conn_id);
gboolean sb_rooms_is_joined(sb_rooms *rs, uint64_t conn_id);
/* Passes a negotiation or plugin message (whole JSON text) to the
 * participant's room on its worker. */
int sb_rooms_message(sb_rooms *rs, uint64_t conn_id, const char *type, const char *json,
                     sb_rooms_error *err);

/* Draining: new joins that would create a room are refused. */
void sb_rooms_set_draining(sb_rooms *rs, gboolean draining);
gboolean sb_rooms_draining(const sb_rooms *rs);
/* Rooms with at least one connected participant: a room that only holds
 * seats of disconnected participants does not count (a drain does not wait
 * for it). */
guint sb_rooms_count(const sb_rooms *rs);
guint sb_rooms_participants(const sb_rooms *rs);
gboolean sb_rooms_at_capacity(const sb_rooms *rs);

/* From workers (any thread): deliver text to a connection; remove a
 * participant (failed peer, plugin request). */
void sb_rooms_post_send(uint64_t conn_id, const char *json);
void sb_rooms_post_remove(uint64_t conn_id, const char *participant_id, const char *reason);

#endif
