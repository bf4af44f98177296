/* room.h - rooms, participants and tracks as the host keeps them on a media
 * worker, and the host side of the plugin ABI (the sb_host_api table).
 *
 * Everything here runs on the room's worker thread. The main thread (rooms.c)
 * creates rooms and participants and then only talks to them by posting to
 * the worker. */
#ifndef SB_ROOM_H
#define SB_ROOM_H

#include <glib.h>
#include <stdint.h>
#include <switchboard/plugin.h>

#include "worker.h"

typedef struct sb_peer sb_peer;
typedef struct sb_media_env sb_media_env;

struct sb_room {
  char *name;
  const sb_plugin *plugin;
  sb_worker *worker;
  GPtrArray *participants; /* sb_participant*, in join order */
  void *plugin_data;
  sb_media_env *media; /* shared media settings (cert, ICE config) */
};

struct sb_participant {
  sb_room *room;
  char id[16];
  char *name;
  uint64_t conn_id;
  void *plugin_data;
  sb_peer *peer;     /* media plugins: the peer connection to the browser */
  GPtrArray *tracks; /* sb_track* this participant publishes */
  gboolean gone;
};

struct sb_track {
  sb_participant *owner;
  sb_track_kind kind;
  char *mid;         /* mid of the publisher's m-line */
  uint32_t ssrc;     /* publisher's media SSRC (0 until known) */
  uint32_t rtx_ssrc; /* publisher's RTX SSRC, if any */
  char *stream_id;   /* msid stream id we announce (publisher's peer id) */
  char *track_id;
  GPtrArray *sinks; /* sb_sink* (peer.c), one per subscriber */
  void *pub;        /* the publisher peer's receive state (peer.c) */
};

/* The host API table handed to plugins. */
const sb_host_api *sb_room_host_api(void);

sb_room *sb_room_new(const char *name, const sb_plugin *plugin, sb_worker *w, sb_media_env *media);
/* Worker side: room created / participant join / leave / destroy. */
void sb_room_created(sb_room *r);
void sb_room_join(sb_room *r, sb_participant *p);
/* Removes p from r, tears down its peer and subscriptions, tells the plugin,
 * frees p. */
void sb_room_leave(sb_room *r, sb_participant *p, const char *reason);
void sb_room_free(sb_room *r);

sb_participant *sb_participant_new(const char *id, const char *name, uint64_t conn_id);

/* Tracks are announced by the peer connection as it learns them; `pub` is
 * the peer's receive state for it (set before the plugin hears of it). */
sb_track *sb_room_track_add(sb_participant *p, sb_track_kind kind, const char *mid, uint32_t ssrc,
                            void *pub);
void sb_room_track_remove(sb_participant *p, sb_track *t);

/* A signaling message for p (offer, answer, candidate, or a plugin's own
 * type), whole JSON text borrowed for the call. */
void sb_room_message(sb_participant *p, const char *type, const char *json);

/* Sends a JSON text to a participant's WebSocket (posted to the main thread). */
void sb_room_send(sb_participant *p, const char *json);
/* Asks the main thread to remove p (ICE failure, plugin request). */
void sb_room_request_remove(sb_participant *p, const char *reason);

#endif
