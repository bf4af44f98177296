/* signaling.c - the v1 JSON signaling protocol (see signaling.h). */
#include "signaling.h"

#include <jansson.h>
#include <string.h>

#define LOG_DOMAIN "signaling"
/* Messages a connection may send: a burst of RATE_BURST, then RATE_PER_S a
 * second. Far above what negotiation needs; it stops floods. */
#define RATE_BURST 200.0
#define RATE_PER_S 50.0

typedef struct {
  uint64_t id;
  double tokens;
  gint64 last_us;
  gboolean bye_sent; /* we closed it (bye): its seat is not held */
} conn_state;

struct sb_signaling {
  sb_rooms *rooms;
  GHashTable *conns; /* &id -> sb_ws_conn* (open connections) */
};

sb_signaling *sb_signaling_new(sb_rooms *rooms) {
  sb_signaling *s = g_new0(sb_signaling, 1);
  s->rooms = rooms;
  s->conns = g_hash_table_new(g_int64_hash, g_int64_equal);
  return s;
}

void sb_signaling_free(sb_signaling *s) {
  if (!s) return;
  g_hash_table_destroy(s->conns);
  g_free(s);
}

static void send_obj(sb_ws_conn *c, json_t *o) {
  char *text = json_dumps(o, JSON_COMPACT);
  if (text) sb_ws_conn_send(c, text, strlen(text));
  free(text);
  json_decref(o);
}

static void send_error(sb_ws_conn *c, const char *code, const char *message, const char *ref) {
  json_t *o = json_pack("{s:s,s:s,s:s}", "type", "error", "code", code, "message", message);
  if (ref) json_object_set_new(o, "ref", json_string(ref));
  send_obj(c, o);
  g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "connection %" G_GUINT64_FORMAT ": error %s (%s)",
        sb_ws_conn_id(c), code, message);
}

void sb_signaling_on_open(sb_ws_conn *c, void *user) {
  sb_signaling *s = user;
  conn_state *st = g_new0(conn_state, 1);
  st->id = sb_ws_conn_id(c);
  st->tokens = RATE_BURST;
  st->last_us = g_get_monotonic_time();
  g_hash_table_insert(s->conns, &st->id, c);
  sb_ws_conn_set_data(c, st);
  g_log(LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "connection %" G_GUINT64_FORMAT " from %s", st->id,
        sb_ws_conn_peer_address(c));
}

void sb_signaling_on_close(sb_ws_conn *c, void *user) {
  sb_signaling *s = user;
  uint64_t id = sb_ws_conn_id(c);
  conn_state *st = sb_ws_conn_get_data(c);
  /* Closed by the client or lost, without `leave`: the seat is held for a
   * resume. After our own `bye` it is not. */
  if (st && st->bye_sent)
    sb_rooms_leave(s->rooms, id, "disconnected");
  else
    sb_rooms_disconnect(s->rooms, id);
  g_hash_table_remove(s->conns, &id);
  g_free(st);
}

/* A message type is a short lowercase word; anything else is not ours. */
static gboolean valid_type(const char *t) {
  size_t n = strlen(t);
  if (n < 1 || n > 32) return FALSE;
  for (size_t i = 0; i < n; i++)
    if (!g_ascii_islower(t[i]) && t[i] != '-') return FALSE;
  return TRUE;
}

/* Optional string field: absent/null -> *out NULL; wrong type -> FALSE. */
static gboolean opt_string(json_t *o, const char *key, const char **out) {
  json_t *v = json_object_get(o, key);
  *out = NULL;
  if (!v || json_is_null(v)) return TRUE;
  if (!json_is_string(v)) return FALSE;
  *out = json_string_value(v);
  return TRUE;
}

static void handle_join(sb_signaling *s, sb_ws_conn *c, json_t *msg) {
  const char *room = NULL, *name = NULL, *plugin = NULL, *token = NULL, *resume = NULL;
  if (!opt_string(msg, "room", &room) || !room) {
    send_error(c, "bad-message", "join needs a string \"room\"", "join");
    return;
  }
  if (!opt_string(msg, "name", &name) || !opt_string(msg, "plugin", &plugin) ||
      !opt_string(msg, "token", &token) || !opt_string(msg, "resume_token", &resume)) {
    send_error(c, "bad-message", "name, plugin, token and resume_token must be strings", "join");
    return;
  }
  /* The resume token is a secret: it is never logged. */
  sb_rooms_error err = {0};
  if (sb_rooms_join(s->rooms, sb_ws_conn_id(c), room, name, plugin, resume, &err) < 0)
    send_error(c, err.code, err.message, "join");
}

static gboolean check_negotiation(sb_ws_conn *c, const char *type, json_t *msg) {
  if (!strcmp(type, "offer") || !strcmp(type, "answer")) {
    json_t *sdp = json_object_get(msg, "sdp");
    if (!json_is_string(sdp)) {
      send_error(c, "bad-message", "needs a string \"sdp\"", type);
      return FALSE;
    }
  } else if (!strcmp(type, "candidate")) {
    json_t *cand = json_object_get(msg, "candidate");
    if (!cand || !(json_is_null(cand) || json_is_object(cand))) {
      send_error(c, "bad-message", "needs \"candidate\": an object or null", type);
      return FALSE;
    }
  }
  return TRUE;
}

void sb_signaling_on_message(sb_ws_conn *c, const char *text, size_t len, gboolean too_big,
                             gboolean binary, void *user) {
  sb_signaling *s = user;
  conn_state *st = sb_ws_conn_get_data(c);
  gint64 now = g_get_monotonic_time();
  st->tokens = MIN(RATE_BURST, st->tokens + (double)(now - st->last_us) * RATE_PER_S / 1e6);
  st->last_us = now;
  if (st->tokens < 1.0) {
    send_error(c, "rate-limited", "too many messages; this one was discarded", NULL);
    return;
  }
  st->tokens -= 1.0;
  if (too_big) {
    send_error(c, "too-big", "message larger than the server's limit", NULL);
    return;
  }
  if (binary) {
    send_error(c, "bad-message", "binary messages are not part of the protocol", NULL);
    return;
  }
  json_error_t jerr;
  json_t *msg = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
  if (!msg) {
    char m[200];
    g_snprintf(m, sizeof m, "not JSON: %s (at %d:%d)", jerr.text, jerr.line, jerr.column);
    send_error(c, "bad-json", m, NULL);
    return;
  }
  const char *type = NULL;
  if (!json_is_object(msg) || !opt_string(msg, "type", &type) || !type) {
    send_error(c, "bad-message", "a message is an object with a string \"type\"", NULL);
    goto out;
  }
  if (!valid_type(type)) {
    send_error(c, "unknown-type", "unknown message type", NULL);
    goto out;
  }
  uint64_t id = sb_ws_conn_id(c);
  if (!strcmp(type, "ping") && !sb_rooms_is_joined(s->rooms, id)) {
    json_t *pong = json_pack("{s:s}", "type", "pong");
    json_t *pid = json_object_get(msg, "id");
    if (pid) json_object_set(pong, "id", pid);
    send_obj(c, pong);
  } else if (!strcmp(type, "join")) {
    handle_join(s, c, msg);
  } else if (!strcmp(type, "leave")) {
    if (!sb_rooms_is_joined(s->rooms, id))
      send_error(c, "not-joined", "not in a room", type);
    else
      sb_rooms_leave(s->rooms, id, "left");
  } else {
    if (!sb_rooms_is_joined(s->rooms, id)) {
      gboolean known =
          !strcmp(type, "offer") || !strcmp(type, "answer") || !strcmp(type, "candidate");
      send_error(c, known ? "not-joined" : "unknown-type",
                 known ? "join a room first" : "unknown message type", type);
      goto out;
    }
    if (!check_negotiation(c, type, msg)) goto out;
    sb_rooms_error err = {0};
    char *whole = json_dumps(msg, JSON_COMPACT);
    if (sb_rooms_message(s->rooms, id, type, whole, &err) < 0)
      send_error(c, err.code, err.message, type);
    free(whole);
  }
out:
  json_decref(msg);
}

void sb_signaling_close_all(sb_signaling *s, sb_http *http, const char *reason) {
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, s->conns);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    sb_ws_conn *c = v;
    conn_state *st = sb_ws_conn_get_data(c);
    if (st) st->bye_sent = TRUE;
    send_obj(c, json_pack("{s:s,s:s}", "type", "bye", "reason", reason));
    sb_ws_conn_close(c);
  }
}
