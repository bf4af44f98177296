/* rooms.h - the room registry on the main thread: joins and leaves, limits
 * (rooms, participants, per-plugin room size), placement of rooms on media
 * workers, draining, and delivery of worker messages to WebSockets.
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
 * `peer-joined` to the others. Returns 0 or -1 with *err filled. */
int sb_rooms_join(sb_rooms *rs, uint64_t conn_id, const char *room, const char *name,
                  const char *plugin, sb_rooms_error *err);
/* Removes the connection's participant, if any; `peer-left` to the others. */
void sb_rooms_leave(sb_rooms *rs, uint64_t conn_id, const char *reason);
gboolean sb_rooms_is_joined(sb_rooms *rs, uint64_t conn_id);
/* Passes a negotiation or plugin message (whole JSON text) to the
 * participant's room on its worker. */
int sb_rooms_message(sb_rooms *rs, uint64_t conn_id, const char *type, const char *json,
                     sb_rooms_error *err);

/* Draining: new joins that would create a room are refused. */
void sb_rooms_set_draining(sb_rooms *rs, gboolean draining);
gboolean sb_rooms_draining(const sb_rooms *rs);
guint sb_rooms_count(const sb_rooms *rs);
guint sb_rooms_participants(const sb_rooms *rs);
gboolean sb_rooms_at_capacity(const sb_rooms *rs);

/* From workers (any thread): deliver text to a connection; remove a
 * participant (failed peer, plugin request). */
void sb_rooms_post_send(uint64_t conn_id, const char *json);
void sb_rooms_post_remove(uint64_t conn_id, const char *participant_id, const char *reason);

#endif
