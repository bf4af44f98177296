/* rooms.c - the main thread's room registry, with seats held for a
 * resume (see rooms.h). */
#include "rooms.h"

#include <jansson.h>
#include <string.h>

#include "core/error.h"
#include "net_addr.h"
#include "room.h"

#define LOG_DOMAIN "rooms"

/* Resume tokens: 192 random bits from the kernel, base64url without padding. */
#define TOKEN_BYTES 24
#define TOKEN_LEN   32

typedef struct room_entry room_entry;

typedef struct {
  char id[16];
  char *name;
  uint64_t conn_id; /* 0 while the seat is held for a resume */
  gboolean polite;
  room_entry *entry;
  char token[TOKEN_LEN + 1]; /* the resume token, "" when none */
  guint grace_timer;         /* while held: frees the seat */
} member;

struct room_entry {
  char *name;
  const sb_plugin *plugin;
  sb_worker *worker;
  sb_room *room;      /* owned by the worker */
  GPtrArray *members; /* member*, join order (held seats included) */
};

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
  GHashTable *by_name;  /* name -> room_entry* */
  GHashTable *by_conn;  /* &conn_id -> client* */
  GHashTable *by_token; /* member->token -> member* */
  guint participants;   /* seats, held ones included */
  gboolean draining;
};

static sb_rooms *the_rooms; /* main thread only */

/* Members leave the token table before they are freed (drop_token). */
static void member_free(gpointer data) {
  member *m = data;
  if (m->grace_timer) g_source_remove(m->grace_timer);
  g_free(m->name);
  memset(m->token, 0, sizeof m->token);
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
  rs->by_token = g_hash_table_new(g_str_hash, g_str_equal);
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
  if (w->p) sb_room_leave(w->room, w->p, w->reason);
  if (w->destroy) sb_room_free(w->room);
  return G_SOURCE_REMOVE;
}

static gboolean do_message(gpointer data) {
  work *w = data;
  sb_room_message(w->p, w->type, w->json);
  return G_SOURCE_REMOVE;
}

/* ---- validation ---- */

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

/* ---- seats ---- */

static member *find_member(room_entry *e, uint64_t conn_id) {
  for (guint i = 0; i < e->members->len; i++) {
    member *m = e->members->pdata[i];
    if (m->conn_id == conn_id) return m;
  }
  return NULL;
}

static void drop_token(sb_rooms *rs, member *m) {
  if (m->token[0]) g_hash_table_remove(rs->by_token, m->token);
  memset(m->token, 0, sizeof m->token);
}

/* A fresh resume token for m (none when seats are not held). */
static void new_token(sb_rooms *rs, member *m) {
  drop_token(rs, m);
  if (rs->cfg.resume_grace_ms <= 0) return;
  do {
    guint8 raw[TOKEN_BYTES];
    sb_net_random_bytes(raw, sizeof raw);
    char *b64 = g_base64_encode(raw, sizeof raw);
    for (char *c = b64; *c; c++)
      *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    g_strlcpy(m->token, b64, sizeof m->token);
    memset(raw, 0, sizeof raw);
    memset(b64, 0, strlen(b64));
    g_free(b64);
  } while (g_hash_table_contains(rs->by_token, m->token));
  g_hash_table_insert(rs->by_token, m->token, m);
}

/* `msg` to every member of e but `except` (held seats have no connection). */
static void announce(sb_rooms *rs, room_entry *e, const member *except, json_t *msg) {
  for (guint i = 0; i < e->members->len; i++) {
    member *o = e->members->pdata[i];
    if (o != except && o->conn_id) send_json(rs, o->conn_id, json_incref(msg));
  }
  json_decref(msg);
}

/* `joined` for m: the others in join order, its role and resume token. */
static void send_joined(sb_rooms *rs, room_entry *e, member *m) {
  json_t *peers = json_array();
  for (guint i = 0; i < e->members->len; i++) {
    member *o = e->members->pdata[i];
    if (o != m)
      json_array_append_new(peers, json_pack("{s:s,s:s}", "peer_id", o->id, "name", o->name));
  }
  json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:o,s:[],s:b}", "type", "joined", "peer_id", m->id,
                        "room", e->name, "plugin", e->plugin->name, "peers", peers, "ice_servers",
                        "polite", m->polite);
  if (m->token[0]) json_object_set_new(j, "resume_token", json_string(m->token));
  send_json(rs, m->conn_id, j);
}

/* Makes m's connection a client and posts a new participant for it. */
static void place(sb_rooms *rs, room_entry *e, member *m, gboolean created) {
  client *c = g_new0(client, 1);
  c->conn_id = m->conn_id;
  c->entry = e;
  memcpy(c->id, m->id, sizeof c->id);
  c->p = sb_participant_new(m->id, m->name, m->conn_id);
  g_hash_table_insert(rs->by_conn, &c->conn_id, c);
  work *w = g_new0(work, 1);
  w->room = e->room;
  w->p = c->p;
  w->created = created;
  sb_worker_post(e->worker, do_join, w, work_free);
}

/* Takes the connection's participant off its worker (peer connection,
 * tracks, the plugin told) and forgets the connection; the seat stays. */
static void unplace(sb_rooms *rs, client *c, const char *reason) {
  work *w = g_new0(work, 1);
  w->room = c->entry->room;
  w->p = c->p;
  w->reason = g_strdup(reason);
  /* w belongs to the worker once posted. */
  sb_worker_post(c->entry->worker, do_leave, w, work_free);
  g_hash_table_remove(rs->by_conn, &c->conn_id);
}

static void destroy_room(sb_rooms *rs, room_entry *e) {
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "room %s closed", e->name);
  work *w = g_new0(work, 1);
  w->room = e->room;
  w->destroy = TRUE;
  sb_worker_post(e->worker, do_leave, w, work_free);
  g_hash_table_remove(rs->by_name, e->name);
  sb_worker_add_load(e->worker, -1);
  g_ptr_array_free(e->members, TRUE);
  g_free(e->name);
  g_free(e);
}

/* Frees m's seat (its participant, if any, is already off the worker):
 * `peer-left` to the others; the room ends with its last seat. */
static void free_seat(sb_rooms *rs, room_entry *e, member *m, const char *reason) {
  char id[sizeof m->id];
  memcpy(id, m->id, sizeof id);
  drop_token(rs, m);
  g_ptr_array_remove(e->members, m); /* frees m */
  announce(rs, e, NULL,
           json_pack("{s:s,s:s,s:s}", "type", "peer-left", "peer_id", id, "reason", reason));
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s left room %s (%s)", id, e->name, reason);
  rs->participants--;
  if (e->members->len == 0) destroy_room(rs, e);
}

static gboolean grace_over(gpointer data) {
  member *m = data;
  m->grace_timer = 0;
  if (the_rooms) free_seat(the_rooms, m->entry, m, "disconnected");
  return G_SOURCE_REMOVE;
}

/* ---- join / leave ---- */

/* A join with a resume token: the held (or still connected) seat it names
 * in `room` goes to conn_id. */
static int resume(sb_rooms *rs, uint64_t conn_id, const char *room, const char *plugin,
                  const char *token, sb_rooms_error *err) {
  const sb_plugin *pl = NULL;
  if (plugin && !(pl = sb_plugins_find(rs->plugins, plugin)))
    return fail(err, "unknown-plugin", "no such plugin", plugin);
  member *m = g_hash_table_lookup(rs->by_token, token);
  if (!m || strcmp(m->entry->name, room) != 0)
    return fail(err, "resume-failed",
                "no seat is held for this resume_token in this room (wrong or used token, or "
                "the grace period is over); join without it",
                NULL);
  room_entry *e = m->entry;
  if (pl && pl != e->plugin)
    return fail(err, "plugin-mismatch", "this room runs another plugin", e->plugin->name);
  if (m->conn_id) {
    /* Still connected (its old socket not yet seen closed, or another tab
     * with the same token): that connection loses the seat. */
    uint64_t old = m->conn_id;
    client *oc = g_hash_table_lookup(rs->by_conn, &old);
    if (oc) unplace(rs, oc, "disconnected");
    send_json(rs, old, json_pack("{s:s,s:s}", "type", "bye", "reason", "replaced"));
    sb_ws_conn *conn = rs->http ? sb_http_find(rs->http, old) : NULL;
    if (conn) sb_ws_conn_close(conn);
  } else if (m->grace_timer) {
    g_source_remove(m->grace_timer);
    m->grace_timer = 0;
  }
  m->conn_id = conn_id;
  new_token(rs, m);
  send_joined(rs, e, m);
  announce(rs, e, m,
           json_pack("{s:s,s:s,s:s}", "type", "peer-resumed", "peer_id", m->id, "name", m->name));
  place(rs, e, m, FALSE);
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s took its seat in room %s back", m->id, e->name);
  return 0;
}

int sb_rooms_join(sb_rooms *rs, uint64_t conn_id, const char *room, const char *name,
                  const char *plugin, const char *resume_token, sb_rooms_error *err) {
  if (g_hash_table_contains(rs->by_conn, &conn_id))
    return fail(err, "already-joined", "already in a room; leave first", NULL);
  if (!valid_room_name(room))
    return fail(err, "bad-room", "room must be 1-64 characters of A-Z a-z 0-9 _ . -", NULL);
  if (name && g_utf8_strlen(name, -1) > 64)
    return fail(err, "bad-message", "name is longer than 64 characters", NULL);
  if (resume_token) return resume(rs, conn_id, room, plugin, resume_token, err);
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
  m->entry = e;
  /* Media rooms: the browser is always the polite peer. Relay rooms: the
   * newcomer takes the opposite of whoever is there. */
  gboolean polite = TRUE;
  if (!pl->media) {
    polite = FALSE;
    for (guint i = 0; i < e->members->len; i++)
      if (!((member *)e->members->pdata[i])->polite) polite = TRUE;
  }
  m->polite = polite;
  new_token(rs, m);
  g_ptr_array_add(e->members, m);
  send_joined(rs, e, m);
  announce(rs, e, m,
           json_pack("{s:s,s:s,s:s}", "type", "peer-joined", "peer_id", m->id, "name", m->name));
  rs->participants++;
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s joined room %s (%u there)", m->id, room, e->members->len);
  place(rs, e, m, created);
  return 0;
}

void sb_rooms_leave(sb_rooms *rs, uint64_t conn_id, const char *reason) {
  client *c = g_hash_table_lookup(rs->by_conn, &conn_id);
  if (!c) return;
  room_entry *e = c->entry;
  member *m = find_member(e, conn_id);
  unplace(rs, c, reason);
  if (m) free_seat(rs, e, m, reason);
}

void sb_rooms_disconnect(sb_rooms *rs, uint64_t conn_id) {
  client *c = g_hash_table_lookup(rs->by_conn, &conn_id);
  if (!c) return;
  room_entry *e = c->entry;
  member *m = find_member(e, conn_id);
  if (!m || rs->cfg.resume_grace_ms <= 0 || !m->token[0]) {
    sb_rooms_leave(rs, conn_id, "disconnected");
    return;
  }
  unplace(rs, c, "disconnected");
  m->conn_id = 0;
  m->grace_timer = g_timeout_add((guint)rs->cfg.resume_grace_ms, grace_over, m);
  g_log(LOG_DOMAIN, G_LOG_LEVEL_INFO, "%s disconnected from room %s; seat held for %d ms", m->id,
        e->name, rs->cfg.resume_grace_ms);
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
guint sb_rooms_count(const sb_rooms *rs) {
  guint n = 0;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, rs->by_name);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    room_entry *e = v;
    for (guint i = 0; i < e->members->len; i++)
      if (((member *)e->members->pdata[i])->conn_id) {
        n++;
        break;
      }
  }
  return n;
}
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
  /* Only held seats are left (each has a token): free them, and so their
   * rooms. */
  while (g_hash_table_size(rs->by_token)) {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, rs->by_token);
    g_hash_table_iter_next(&it, &k, &v);
    member *m = v;
    free_seat(rs, m->entry, m, "shutdown");
  }
  g_hash_table_destroy(rs->by_name);
  g_hash_table_destroy(rs->by_conn);
  g_hash_table_destroy(rs->by_token);
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
