/* room.c - rooms, participants and tracks on a media worker, and the host
 * API table given to plugins (see room.h and include/switchboard/plugin.h). */
#include "room.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "peer.h"
#include "rooms.h"

/* ---- host API ---- */

static int host_subscribe(sb_participant *receiver, sb_track *track) {
  if (!receiver || !track || receiver->gone || !receiver->peer) return SB_EINVAL;
  int rc = sb_peer_add_sink(receiver->peer, track);
  g_log("room", G_LOG_LEVEL_DEBUG, "%s subscribes to %s: %s", receiver->id, track->track_id,
        sb_strerror(rc));
  return rc;
}

static int host_unsubscribe(sb_participant *receiver, sb_track *track) {
  if (!receiver || !track || !receiver->peer) return SB_EINVAL;
  return sb_peer_remove_sink(receiver->peer, track);
}

static int host_request_keyframe(sb_track *track) {
  if (!track || !track->owner->peer) return SB_EINVAL;
  return sb_peer_request_keyframe(track->owner->peer, track);
}

static int host_send_message(sb_participant *to, const char *json) {
  if (!to || !json) return SB_EINVAL;
  sb_room_send(to, json);
  return SB_OK;
}

static void host_remove(sb_participant *p, const char *reason) {
  if (p) sb_room_request_remove(p, reason ? reason : "removed");
}

static const char *host_participant_id(const sb_participant *p) { return p->id; }
static const char *host_participant_name(const sb_participant *p) { return p->name; }
static sb_participant *host_track_owner(const sb_track *t) { return t->owner; }
static sb_track_kind host_track_kind(const sb_track *t) { return t->kind; }
static const char *host_room_name(const sb_room *r) { return r->name; }
static void host_set_room_data(sb_room *r, void *d) { r->plugin_data = d; }
static void *host_room_data(const sb_room *r) { return r->plugin_data; }
static void host_set_participant_data(sb_participant *p, void *d) { p->plugin_data = d; }
static void *host_participant_data(const sb_participant *p) { return p->plugin_data; }

static sb_participant *host_find_participant(sb_room *r, const char *id) {
  for (guint i = 0; id && i < r->participants->len; i++) {
    sb_participant *p = r->participants->pdata[i];
    if (!strcmp(p->id, id)) return p;
  }
  return NULL;
}

static size_t host_participants(sb_room *r, sb_participant **out, size_t max) {
  for (guint i = 0; out && i < r->participants->len && i < max; i++)
    out[i] = r->participants->pdata[i];
  return r->participants->len;
}

static size_t host_tracks(sb_participant *p, sb_track **out, size_t max) {
  for (guint i = 0; out && i < p->tracks->len && i < max; i++)
    out[i] = p->tracks->pdata[i];
  return p->tracks->len;
}

static void host_log(sb_log_level level, const char *message) {
  static const GLogLevelFlags map[] = {G_LOG_LEVEL_CRITICAL, G_LOG_LEVEL_WARNING, G_LOG_LEVEL_INFO,
                                       G_LOG_LEVEL_DEBUG};
  g_log("plugin", map[level <= SB_LOG_DEBUG ? level : SB_LOG_DEBUG], "%s", message);
}

static const sb_host_api host_api = {
    .api_version = SB_PLUGIN_API_VERSION,
    .subscribe = host_subscribe,
    .unsubscribe = host_unsubscribe,
    .request_keyframe = host_request_keyframe,
    .send_message = host_send_message,
    .remove = host_remove,
    .participant_id = host_participant_id,
    .participant_name = host_participant_name,
    .track_owner = host_track_owner,
    .track_kind = host_track_kind,
    .room_name = host_room_name,
    .find_participant = host_find_participant,
    .participants = host_participants,
    .tracks = host_tracks,
    .set_room_data = host_set_room_data,
    .room_data = host_room_data,
    .set_participant_data = host_set_participant_data,
    .participant_data = host_participant_data,
    .log = host_log,
};

const sb_host_api *sb_room_host_api(void) { return &host_api; }

/* ---- rooms and participants ---- */

sb_room *sb_room_new(const char *name, const sb_plugin *plugin, sb_worker *w, sb_media_env *media) {
  sb_room *r = g_new0(sb_room, 1);
  r->name = g_strdup(name);
  r->plugin = plugin;
  r->worker = w;
  r->media = media;
  r->participants = g_ptr_array_new();
  return r;
}

void sb_room_created(sb_room *r) {
  if (r->plugin->room_created && r->plugin->room_created(r) < 0)
    g_log("room", G_LOG_LEVEL_WARNING, "plugin %s failed to set up room %s", r->plugin->name,
          r->name);
}

sb_participant *sb_participant_new(const char *id, const char *name, uint64_t conn_id) {
  sb_participant *p = g_new0(sb_participant, 1);
  g_strlcpy(p->id, id, sizeof p->id);
  p->name = g_strdup(name ? name : "");
  p->conn_id = conn_id;
  p->tracks = g_ptr_array_new();
  return p;
}

void sb_room_join(sb_room *r, sb_participant *p) {
  p->room = r;
  g_ptr_array_add(r->participants, p);
  if (r->plugin->media) p->peer = sb_peer_new(p, r->media);
  if (r->plugin->joined) {
    int rc = r->plugin->joined(r, p);
    if (rc < 0) sb_room_request_remove(p, "refused");
  }
}

sb_track *sb_room_track_add(sb_participant *p, sb_track_kind kind, const char *mid, uint32_t ssrc,
                            void *pub) {
  sb_track *t = g_new0(sb_track, 1);
  t->pub = pub;
  t->ssrc = ssrc;
  t->owner = p;
  t->kind = kind;
  t->mid = g_strdup(mid);
  t->stream_id = g_strdup(p->id);
  t->track_id = g_strdup_printf("%s-%s", p->id, mid);
  t->sinks = g_ptr_array_new();
  g_ptr_array_add(p->tracks, t);
  sb_room *r = p->room;
  if (r && r->plugin->track_added) r->plugin->track_added(r, t);
  return t;
}

/* Unsubscribes every participant of the room from t. */
static void drop_subscribers(sb_room *r, sb_track *t) {
  for (guint i = 0; i < r->participants->len; i++) {
    sb_participant *o = r->participants->pdata[i];
    if (o->peer) sb_peer_remove_sink(o->peer, t);
  }
}

void sb_room_track_remove(sb_participant *p, sb_track *t) {
  sb_room *r = p->room;
  if (r && r->plugin->track_removed) r->plugin->track_removed(r, t);
  if (r) drop_subscribers(r, t);
  g_ptr_array_remove(p->tracks, t);
  g_ptr_array_free(t->sinks, TRUE);
  g_free(t->mid);
  g_free(t->stream_id);
  g_free(t->track_id);
  g_free(t);
}

void sb_room_leave(sb_room *r, sb_participant *p, const char *reason) {
  p->gone = TRUE;
  /* Other participants stop receiving p's tracks; p's peer goes away. */
  while (p->tracks->len)
    sb_room_track_remove(p, p->tracks->pdata[p->tracks->len - 1]);
  g_ptr_array_remove(r->participants, p);
  if (p->peer) {
    sb_peer_free(p->peer);
    p->peer = NULL;
  }
  if (r->plugin->left) r->plugin->left(r, p, reason);
  g_ptr_array_free(p->tracks, TRUE);
  g_free(p->name);
  g_free(p);
}

void sb_room_free(sb_room *r) {
  if (r->plugin->room_destroyed) r->plugin->room_destroyed(r);
  g_ptr_array_free(r->participants, TRUE);
  g_free(r->name);
  g_free(r);
}

/* A joined participant's ping is answered from the room's worker, so that
 * the pong comes after the replies to everything sent before it. */
static void pong(sb_participant *p, const char *json) {
  json_t *msg = json_loads(json, JSON_DECODE_ANY, NULL);
  json_t *reply = json_pack("{s:s}", "type", "pong");
  json_t *id = msg ? json_object_get(msg, "id") : NULL;
  if (id) json_object_set(reply, "id", id);
  char *text = json_dumps(reply, JSON_COMPACT);
  if (text) sb_room_send(p, text);
  free(text);
  json_decref(reply);
  json_decref(msg);
}

void sb_room_message(sb_participant *p, const char *type, const char *json) {
  sb_room *r = p->room;
  if (!r || p->gone) return;
  if (!strcmp(type, "ping")) {
    pong(p, json);
    return;
  }
  if (r->plugin->media && p->peer &&
      (!strcmp(type, "offer") || !strcmp(type, "answer") || !strcmp(type, "candidate"))) {
    sb_peer_signal(p->peer, type, json);
    return;
  }
  int rc = r->plugin->on_message ? r->plugin->on_message(r, p, type, json) : SB_EUNSUPPORTED;
  if (rc < 0) {
    char *err =
        g_strdup_printf("{\"type\":\"error\",\"code\":\"%s\",\"message\":\"%s\",\"ref\":\"%s\"}",
                        rc == SB_ENOTFOUND || rc == SB_ESTATE ? "wrong-state"
                        : rc == SB_EINVAL                     ? "bad-message"
                                                              : "unknown-type",
                        rc == SB_ENOTFOUND ? "no such peer in this room (it may have just left)"
                        : rc == SB_ESTATE  ? "there is nobody in this room to send it to"
                        : rc == SB_EINVAL  ? "the message could not be relayed"
                                           : "this room does not handle that message type",
                        type);
    sb_room_send(p, err);
    g_free(err);
  }
}

void sb_room_send(sb_participant *p, const char *json) { sb_rooms_post_send(p->conn_id, json); }

void sb_room_request_remove(sb_participant *p, const char *reason) {
  sb_rooms_post_remove(p->conn_id, p->id, reason);
}
