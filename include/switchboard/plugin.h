/* switchboard/plugin.h - the C ABI between the Switchboard host and room
 * plugins. This is the only header a plugin includes; a plugin never links
 * against server symbols.
 *
 * A plugin is a shared object exporting one function, sb_plugin_create(),
 * that returns a pointer to a static `sb_plugin` filled with SB_PLUGIN_INIT().
 * The host checks `api_version` before calling anything else and refuses a
 * plugin built for another version.
 *
 * Model. A room belongs to one plugin and lives on one media worker thread;
 * every callback of a room runs on that thread, and the host API may only be
 * called from it, for that room's participants. The plugin decides who
 * receives what: it subscribes a participant to another participant's track
 * (sb_host_api.subscribe), and the host then forwards every packet of that
 * track to the subscriber, rewriting SSRC, sequence numbers, timestamps,
 * payload type and header-extension ids for the receiving leg, relaying
 * keyframe requests back, and renegotiating the receiver's peer connection.
 * No per-packet call crosses this ABI.
 *
 * A plugin with `media = 0` terminates no peer connection: its rooms are
 * signaling only, and offers, answers and candidates reach it through
 * `on_message` (the `relay` plugin works this way).
 *
 * Versioning: fields are only ever appended, and each addition bumps
 * SB_PLUGIN_API_VERSION. SB_PLUGIN_INIT() zero-fills what a plugin leaves
 * unset, and the host treats NULL callbacks as "do nothing". */
#ifndef SWITCHBOARD_PLUGIN_H
#define SWITCHBOARD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SB_PLUGIN_API_VERSION 1

/* Opaque handles owned by the host; valid until the matching leave/removed
 * callback returns. */
typedef struct sb_room sb_room;
typedef struct sb_participant sb_participant;
typedef struct sb_track sb_track;

typedef enum { SB_TRACK_AUDIO = 0, SB_TRACK_VIDEO = 1 } sb_track_kind;

typedef enum {
  SB_LOG_ERROR = 0,
  SB_LOG_WARNING = 1,
  SB_LOG_INFO = 2,
  SB_LOG_DEBUG = 3,
} sb_log_level;

/* What the host offers a plugin. Every function returns 0 or a negative error
 * code (the host's SB_E* values) unless it says otherwise. */
typedef struct sb_host_api {
  uint32_t api_version;
  /* Forward `track` (published by another participant, or by `receiver`
   * itself for loopback) to `receiver`. */
  int (*subscribe)(sb_participant *receiver, sb_track *track);
  /* Stop forwarding `track` to `receiver`. */
  int (*unsubscribe)(sb_participant *receiver, sb_track *track);
  /* Ask the track's sender for a keyframe (video; rate-limited by the host). */
  int (*request_keyframe)(sb_track *track);
  /* Send one signaling message (a JSON object as text) to a participant. */
  int (*send_message)(sb_participant *to, const char *json);
  /* Remove a participant from its room; `reason` is sent in peer-left. */
  void (*remove)(sb_participant *p, const char *reason);
  /* Identity. Strings are owned by the host. */
  const char *(*participant_id)(const sb_participant *p);
  const char *(*participant_name)(const sb_participant *p);
  sb_participant *(*track_owner)(const sb_track *t);
  sb_track_kind (*track_kind)(const sb_track *t);
  const char *(*room_name)(const sb_room *r);
  /* The participant with this id in `room`, or NULL. */
  sb_participant *(*find_participant)(sb_room *room, const char *id);
  /* Fills `out` with up to `max` participants of `room`; returns how many
   * the room has. */
  size_t (*participants)(sb_room *room, sb_participant **out, size_t max);
  /* Fills `out` with up to `max` tracks `p` publishes; returns how many. */
  size_t (*tracks)(sb_participant *p, sb_track **out, size_t max);
  /* Per-object plugin data. */
  void (*set_room_data)(sb_room *r, void *data);
  void *(*room_data)(const sb_room *r);
  void (*set_participant_data)(sb_participant *p, void *data);
  void *(*participant_data)(const sb_participant *p);
  /* Logging through the host's logger (log domain "plugin"). */
  void (*log)(sb_log_level level, const char *message);
} sb_host_api;

typedef struct sb_plugin {
  uint32_t api_version; /* SB_PLUGIN_API_VERSION the plugin was built for */
  const char *name;     /* short name used in join messages and config */
  const char *description;
  int media;            /* 1: the host terminates peer connections */
  int max_participants; /* per room; 0 = no limit */

  /* Called once after loading; `host` stays valid until destroy. */
  int (*init)(const sb_host_api *host);
  void (*destroy)(void);

  /* Room lifecycle (on the room's worker thread). */
  int (*room_created)(sb_room *room);
  void (*room_destroyed)(sb_room *room);

  /* A participant joined (after `joined` was sent to it). A negative return
   * refuses it: the host removes it (it gets `bye` with reason "removed", the
   * others `peer-left` with reason "refused"). */
  int (*joined)(sb_room *room, sb_participant *p);
  /* A participant left or was removed; its tracks are already gone. */
  void (*left)(sb_room *room, sb_participant *p, const char *reason);

  /* Media plugins: a participant started or stopped publishing a track. */
  void (*track_added)(sb_room *room, sb_track *track);
  void (*track_removed)(sb_room *room, sb_track *track);

  /* A message from a participant that the host does not handle itself: in
   * media rooms every type but offer, answer and candidate (a plugin may
   * define its own); in signaling-only rooms offer, answer and candidate
   * too. `json` is the whole message as text, borrowed for the call. Return 0
   * when handled, or a negative code to have the host send an error. */
  int (*on_message)(sb_room *room, sb_participant *from, const char *type, const char *json);
} sb_plugin;

/* Fills unset members of a plugin definition with zeros and sets the
 * version: `static const sb_plugin p = SB_PLUGIN_INIT(.name = "x", ...);` */
#define SB_PLUGIN_INIT(...)                                                                        \
  { .api_version = SB_PLUGIN_API_VERSION, __VA_ARGS__ }

/* The one symbol a plugin exports. */
#define SB_PLUGIN_ENTRY_SYMBOL "sb_plugin_create"
typedef const sb_plugin *(*sb_plugin_create_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
