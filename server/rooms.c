/* rooms.c - the main thread's room registry (see rooms.h). */
#include "rooms.h"

#include <jansson.h>
#include <string.h>

#include "core/error.h"
#include "room.h"

#define LOG_DOMAIN "rooms"

typedef struct {
  char id[16];
  char *name;
  uint64_t conn_id;
  gboolean polite;
} member;

typedef struct {
  char *name;
  const sb_plugin *plugin;
  sb_worker *worker;
  sb_room *room;      /* owned by the worker */
  GPtrArray *members; /* member*, join order */
} room_entry;

typedef struct {
  uint64_t conn_id;
  room_entry *entry;
  sb_participant *p; /* owned by the worker once posted */
  char id[16];
} client;

struct sb_rooms {
  sb_rooms_config cfg;
  char *default_plugin;
  sb_workers *workers;
  sb_plugins *plugins;
  sb_media_env *media;
  sb_http *http;
  GHashTable *by_name; /* name -> room_entry* */
  GHashTable *by_conn; /* &conn_id -> client* */
  guint participants;
  gboolean draining;
};

static sb_rooms *the_rooms; /* main thread only */

static void member_free(gpointer data) {
  member *m = data;
  g_free(m->name);
  g_free(m);
}

sb_rooms *sb_rooms_new(const sb_rooms_config *cfg, sb_workers *workers, sb_plugins *plugins,
                       sb_media_env *media, sb_http *http) {
  sb_rooms *rs = g_new0(sb_rooms, 1);
  rs->cfg = *cfg;
  rs->default_plugin = g_strdup(cfg->default_plugin);
  rs->cfg.default_plugin = rs->default_plugin;
  rs->workers = workers;
  rs->plugins = plugins;
  rs->media = media;
  rs->http = http;
  rs->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  rs->by_conn = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  the_rooms = rs;
  return rs;
}

static void send_json(sb_rooms *rs, uint64_t conn_id, json_t *msg) {
  char *text = json_dumps(msg, JSON_COMPACT);
  sb_ws_conn *c = rs->http ? sb_http_find(rs->http, conn_id) : NULL;
  if (c && text) sb_ws_conn_send(c, text, strlen(text));
  free(text);
  json_decref(msg);
}

/* ---- messages to workers ---- */

typedef struct {
  sb_room *room;
  sb_participant *p;
  char *reason;
  char *type;
  char *json;
  gboolean created, destroy;
} work;

static void work_free(gpointer data) {
  work *w = data;
  g_free(w->reason);
  g_free(w->type);
  g_free(w->json);
  g_free(w);
}

static gboolean do_join(gpointer data) {
  work *w = data;
  if (w->created) sb_room_created(w->room);
  sb_room_join(w->room, w->p);
  return G_SOURCE_REMOVE;
}

static gboolean do_leave(gpointer data) {
  work *w = data;
  sb_room_leave(w->room, w->p, w->reason);
  if (w->destroy) sb_room_free(w->room);
  return G_SOURCE_REMOVE;
}

static gboolean do_message(gpointer data) {
  work *w = data;
  sb_room_message(w->p, w->type, w->json);
  return G_SOURCE_REMOVE;
}

/* ---- join / leave ---- */

static gboolean valid_room_name(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 64) return FALSE;
  for (size_t i = 0; i < n; i++)
    if (!g_ascii_isalnum(s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.') return FALSE;
  return TRUE;
}

static int fail(sb_rooms_error *err, const char *code, const char *message, const char *arg) {
  err->code = code;
  g_strlcpy(err->message, message, sizeof err->message);
  if (arg) {
    g_strlcat(err->message, ": ", sizeof err->message);
    g_strlcat(err->message, arg, sizeof err->message);
  }
  return -1;
}

int sb_rooms_join(sb_rooms *rs, uint64_t conn_id, const char *room, const char *name,
                  const char *plugin, sb_rooms_error *err) {
  if (g_hash_table_contains(rs->by_conn, &conn_id))
    return fail(err, "already-joined", "already in a room; leave first", NULL);
  if (!valid_room_name(room))
    return fail(err, "bad-room", "room must be 1-64 characters of A-Z a-z 0-9 _ . -", NULL);
  if (name && g_utf8_strlen(name, -1) > 64)
    return fail(err, "bad-message", "name is longer than 64 characters", NULL);
  room_entry *e = g_hash_table_lookup(rs->by_name, room);
  const sb_plugin *pl = NULL;
  if (plugin) {
    pl = sb_plugins_find(rs->plugins, plugin);
    if (!pl) return fail(err, "unknown-plugin", "no such plugin", plugin);
    if (e && e->plugin != pl)
      return fail(err, "plugin-mismatch", "this room runs another plugin", e->plugin->name);
  } else {
    pl = e ? e->plugin : sb_plugins_find(rs->plugins, rs->cfg.default_plugin);
    if (!pl) return fail(err, "internal", "default plugin is not loaded", rs->cfg.default_plugin);
  }
  if (!e && rs->draining)
    return fail(err, "draining", "this server is draining; no new rooms", NULL);
  if (rs->participants >= (guint)rs->cfg.max_participants)
    return fail(err, "server-full", "this server has reached its participant limit", NULL);
  if (!e && g_hash_table_size(rs->by_name) >= (guint)rs->cfg.max_rooms)
    return fail(err, "server-full", "this server has reached its room limit", NULL);
  if (e && pl->max_participants > 0 && e->members->len >= (guint)pl->max_participants)
    return fail(err, "room-full", "room is full", room);

  gboolean created = FALSE;
  if (!e) {
    e = g_new0(room_entry, 1);
    e->name = g_strdup(room);
    e->plugin = pl;
    e->worker = sb_workers_pick(rs->workers);
    sb_worker_add_load(e->worker, 1);
    e->members = g_ptr_array_new_with_free_func(member_free);
    e->room = sb_room_new(room, pl, e->worker, rs->media);
    g_hash_table_insert(rs->by_name, e->name, e);
    created = TRUE;
    g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "room %s created (plugin %s, worker %d)", room, pl->name,
          sb_worker_index(e->worker));
  }
  member *m = g_new0(member, 1);
  g_snprintf(m->id, sizeof m->id, "p%08x", g_random_int());
  m->name = g_strdup(name ? name : "");
  m->conn_id = conn_id;

  json_t *peers = json_array();
  for (guint i = 0; i < e->members->len; i++) {
    member *o = e->members->pdata[i];
    json_array_append_new(peers, json_pack("{s:s,s:s}", "peer_id", o->id, "name", o->name));
  }
  /* Media rooms: the browser is always the polite peer. Relay rooms: the
   * newcomer takes the opposite of whoever is there. */
  gboolean polite = TRUE;
  if (!pl->media) {
    polite = FALSE;
    for (guint i = 0; i < e->members->len; i++)
      if (!((member *)e->members->pdata[i])->polite) polite = TRUE;
  }
  m->polite = polite;
  send_json(rs, conn_id,
            json_pack("{s:s,s:s,s:s,s:s,s:o,s:[],s:b}", "type", "joined", "peer_id", m->id, "room",
                      room, "plugin", pl->name, "peers", peers, "ice_servers", "polite", polite));
  for (guint i = 0; i < e->members->len; i++) {
    member *o = e->members->pdata[i];
    send_json(rs, o->conn_id,
              json_pack("{s:s,s:s,s:s}", "type", "peer-joined", "peer_id", m->id, "name", m->name));
  }
  g_ptr_array_add(e->members, m);

  client *c = g_new0(client, 1);
  c->conn_id = conn_id;
  c->entry = e;
  memcpy(c->id, m->id, sizeof c->id);
  c->p = sb_participant_new(m->id, m->name, conn_id);
  g_hash_table_insert(rs->by_conn, &c->conn_id, c);
  rs->participants++;
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s joined room %s (%u there)", m->id, room, e->members->len);

  work *w = g_new0(work, 1);
  w->room = e->room;
  w->p = c->p;
  w->created = created;
  sb_worker_post(e->worker, do_join, w, work_free);
  return 0;
}

void sb_rooms_leave(sb_rooms *rs, uint64_t conn_id, const char *reason) {
  client *c = g_hash_table_lookup(rs->by_conn, &conn_id);
  if (!c) return;
  room_entry *e = c->entry;
  for (guint i = 0; i < e->members->len; i++) {
    member *m = e->members->pdata[i];
    if (m->conn_id == conn_id) {
      g_ptr_array_remove_index(e->members, i);
      break;
    }
  }
  for (guint i = 0; i < e->members->len; i++) {
    member *o = e->members->pdata[i];
    send_json(rs, o->conn_id,
              json_pack("{s:s,s:s,s:s}", "type", "peer-left", "peer_id", c->id, "reason", reason));
  }
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s left room %s (%s)", c->id, e->name, reason);
  work *w = g_new0(work, 1);
  w->room = e->room;
  w->p = c->p;
  w->reason = g_strdup(reason);
  gboolean destroy = w->destroy = e->members->len == 0;
  /* w belongs to the worker once posted. */
  sb_worker_post(e->worker, do_leave, w, work_free);
  if (destroy) {
    g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "room %s closed", e->name);
    g_hash_table_remove(rs->by_name, e->name);
    sb_worker_add_load(e->worker, -1);
    g_ptr_array_free(e->members, TRUE);
    g_free(e->name);
    g_free(e);
  }
  rs->participants--;
  g_hash_table_remove(rs->by_conn, &conn_id);
}

gboolean sb_rooms_is_joined(sb_rooms *rs, uint64_t conn_id) {
  return g_hash_table_contains(rs->by_conn, &conn_id);
}

int sb_rooms_message(sb_rooms *rs, uint64_t conn_id, const char *type, const char *json,
                     sb_rooms_error *err) {
  client *c = g_hash_table_lookup(rs->by_conn, &conn_id);
  if (!c) return fail(err, "not-joined", "join a room first", NULL);
  work *w = g_new0(work, 1);
  w->p = c->p;
  w->type = g_strdup(type);
  w->json = g_strdup(json);
  sb_worker_post(c->entry->worker, do_message, w, work_free);
  return 0;
}

void sb_rooms_set_http(sb_rooms *rs, sb_http *http) { rs->http = http; }
void sb_rooms_set_draining(sb_rooms *rs, gboolean draining) { rs->draining = draining; }
gboolean sb_rooms_draining(const sb_rooms *rs) { return rs->draining; }
guint sb_rooms_count(const sb_rooms *rs) { return g_hash_table_size(rs->by_name); }
guint sb_rooms_participants(const sb_rooms *rs) { return rs->participants; }
gboolean sb_rooms_at_capacity(const sb_rooms *rs) {
  return rs->participants >= (guint)rs->cfg.max_participants ||
         g_hash_table_size(rs->by_name) >= (guint)rs->cfg.max_rooms;
}

void sb_rooms_free(sb_rooms *rs) {
  if (!rs) return;
  GList *conns = g_hash_table_get_keys(rs->by_conn);
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  for (GList *l = conns; l; l = l->next)
    g_array_append_val(ids, *(uint64_t *)l->data);
  g_list_free(conns);
  for (guint i = 0; i < ids->len; i++)
    sb_rooms_leave(rs, g_array_index(ids, uint64_t, i), "shutdown");
  g_array_free(ids, TRUE);
  g_hash_table_destroy(rs->by_name);
  g_hash_table_destroy(rs->by_conn);
  g_free(rs->default_plugin);
  if (the_rooms == rs) the_rooms = NULL;
  g_free(rs);
}

/* ---- from workers ---- */

typedef struct {
  uint64_t conn_id;
  char *json;
  char pid[16];
  char *reason;
} note;

static void note_free(gpointer data) {
  note *n = data;
  g_free(n->json);
  g_free(n->reason);
  g_free(n);
}

static gboolean deliver(gpointer data) {
  note *n = data;
  sb_ws_conn *c = the_rooms && the_rooms->http ? sb_http_find(the_rooms->http, n->conn_id) : NULL;
  if (c) sb_ws_conn_send(c, n->json, strlen(n->json));
  return G_SOURCE_REMOVE;
}

void sb_rooms_post_send(uint64_t conn_id, const char *json) {
  note *n = g_new0(note, 1);
  n->conn_id = conn_id;
  n->json = g_strdup(json);
  sb_worker_post_main(deliver, n, note_free);
}

static gboolean remove_cb(gpointer data) {
  note *n = data;
  sb_rooms *rs = the_rooms;
  client *c = rs ? g_hash_table_lookup(rs->by_conn, &n->conn_id) : NULL;
  if (!c || strcmp(c->id, n->pid)) return G_SOURCE_REMOVE;
  /* The others hear why (peer-left); the participant itself is told it was
   * removed and its socket closes. */
  sb_rooms_leave(rs, n->conn_id, n->reason);
  send_json(rs, n->conn_id, json_pack("{s:s,s:s}", "type", "bye", "reason", "removed"));
  sb_ws_conn *conn = rs->http ? sb_http_find(rs->http, n->conn_id) : NULL;
  if (conn) sb_ws_conn_close(conn);
  return G_SOURCE_REMOVE;
}

void sb_rooms_post_remove(uint64_t conn_id, const char *participant_id, const char *reason) {
  note *n = g_new0(note, 1);
  n->conn_id = conn_id;
  g_strlcpy(n->pid, participant_id, sizeof n->pid);
  n->reason = g_strdup(reason);
  sb_worker_post_main(remove_cb, n, note_free);
}
