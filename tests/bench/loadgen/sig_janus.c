/* sig_janus.c - the Janus signaling adapter: the VideoCall plugin over
 * Janus's WebSocket transport (subprotocol "janus-protocol"). Each peer:
 * create a session, attach janus.plugin.videocall, register a username,
 * keepalive every 25 s. Side 0 calls side 1 once both are registered
 * (offer with every candidate in it, trickle false); side 1 accepts Janus's
 * rewritten offer with its answer; side 0 applies the answer Janus sends
 * with "accepted". Janus is full ICE and answers the caller as it likes
 * (DTLS active or passive), so the caller is ICE-controlling and the callee
 * controlled; both offer and answer audio+video sendrecv, like a browser. */
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "sig.h"

#define KEEPALIVE_S 25
#define PLUGIN      "janus.plugin.videocall"

typedef struct {
  sb_lg_sig *sig;
  sb_lg_call *call;
  int side;
  sb_lg_ws_conn *ws;
  json_int_t session, handle;
  bool registered, accepted_sent;
  guint keepalive;
  unsigned next_tx;
  char username[64];
} side_t;

typedef struct {
  sb_lg_sig base;
  GPtrArray *sides; /* side_t*, owned */
} jn_sig;

static void side_free(gpointer data) {
  side_t *s = data;
  if (s->keepalive) g_source_remove(s->keepalive);
  g_free(s);
}

/* Sends msg (consumed) with a fresh transaction id, or the given one. */
static void send_janus(side_t *s, json_t *msg, const char *transaction) {
  if (!msg) return;
  char tx[32];
  if (!transaction) {
    g_snprintf(tx, sizeof tx, "t%u", ++s->next_tx);
    transaction = tx;
  }
  json_object_set_new(msg, "transaction", json_string(transaction));
  if (s->session) json_object_set_new(msg, "session_id", json_integer(s->session));
  if (s->handle && !json_object_get(msg, "no_handle"))
    json_object_set_new(msg, "handle_id", json_integer(s->handle));
  json_object_del(msg, "no_handle");
  char *text = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (text && s->ws) sb_lg_ws_send(s->ws, text, strlen(text));
  free(text);
}

static void send_body(side_t *s, json_t *body, json_t *jsep) {
  json_t *msg = json_pack("{s:s,s:o}", "janus", "message", "body", body);
  if (jsep) json_object_set_new(msg, "jsep", jsep);
  send_janus(s, msg, NULL);
}

static void fail(side_t *s, const char *what, const char *detail) {
  if (sb_lg_run_stopping(s->sig->run)) return;
  char buf[200];
  g_snprintf(buf, sizeof buf, "janus %s: %s", what, detail ? detail : "");
  sb_lg_run_call_failed(s->call, s->side, buf);
}

static gboolean keepalive_cb(gpointer data) {
  side_t *s = data;
  if (s->ws && s->session) {
    json_t *msg = json_pack("{s:s}", "janus", "keepalive");
    json_object_set_new(msg, "no_handle", json_true());
    send_janus(s, msg, NULL);
  }
  return G_SOURCE_CONTINUE;
}

static void on_open(void *user) {
  side_t *s = user;
  sb_lg_run_ws_open(s->call, s->side);
  send_janus(s, json_pack("{s:s}", "janus", "create"), "create");
}

static side_t *other(side_t *s) { return s->call->sig[!s->side]; }

static void maybe_call(side_t *s) {
  side_t *caller = s->call->sig[0], *callee = s->call->sig[1];
  if (caller && callee && caller->registered && callee->registered)
    sb_lg_peer_create_offer(s->call->peer[0]);
}

static void on_plugin_event(side_t *s, json_t *data, json_t *jsep) {
  const char *error = json_string_value(json_object_get(data, "error"));
  if (error) {
    fail(s, "videocall error", error);
    return;
  }
  json_t *result = json_object_get(data, "result");
  const char *event = json_string_value(json_object_get(result, "event"));
  const char *jtype = json_string_value(json_object_get(jsep, "type"));
  const char *sdp = json_string_value(json_object_get(jsep, "sdp"));
  sb_lg_peer *peer = s->call->peer[s->side];
  if (!event) return;
  if (!strcmp(event, "registered")) {
    s->registered = true;
    maybe_call(s);
  } else if (!strcmp(event, "incomingcall") || !strcmp(event, "accepted") ||
             !strcmp(event, "update")) {
    if (jtype && sdp) sb_lg_peer_set_remote(peer, jtype, sdp);
  } else if (!strcmp(event, "hangup")) {
    fail(s, "hangup", json_string_value(json_object_get(result, "reason")));
  }
}

static void on_message(void *user, const char *text, size_t len) {
  side_t *s = user;
  json_t *msg = json_loadb(text, len, 0, NULL);
  const char *janus = json_string_value(json_object_get(msg, "janus"));
  const char *tx = json_string_value(json_object_get(msg, "transaction"));
  if (!janus) {
    /* ignore */
  } else if (!strcmp(janus, "success") && tx && !strcmp(tx, "create")) {
    s->session = json_integer_value(json_object_get(json_object_get(msg, "data"), "id"));
    s->keepalive = g_timeout_add_seconds(KEEPALIVE_S, keepalive_cb, s);
    send_janus(s, json_pack("{s:s,s:s}", "janus", "attach", "plugin", PLUGIN), "attach");
  } else if (!strcmp(janus, "success") && tx && !strcmp(tx, "attach")) {
    s->handle = json_integer_value(json_object_get(json_object_get(msg, "data"), "id"));
    send_body(s, json_pack("{s:s,s:s}", "request", "register", "username", s->username), NULL);
  } else if (!strcmp(janus, "event") || !strcmp(janus, "success")) {
    json_t *pd = json_object_get(msg, "plugindata");
    if (pd) on_plugin_event(s, json_object_get(pd, "data"), json_object_get(msg, "jsep"));
  } else if (!strcmp(janus, "trickle")) {
    json_t *c = json_object_get(msg, "candidate");
    if (json_is_true(json_object_get(c, "completed")))
      sb_lg_peer_add_remote_candidate(s->call->peer[s->side], NULL);
    else if (json_string_value(json_object_get(c, "candidate")))
      sb_lg_peer_add_remote_candidate(s->call->peer[s->side],
                                      json_string_value(json_object_get(c, "candidate")));
  } else if (!strcmp(janus, "error")) {
    fail(s, "error", json_string_value(json_object_get(json_object_get(msg, "error"), "reason")));
  } else if (!strcmp(janus, "hangup") || !strcmp(janus, "timeout")) {
    fail(s, janus, json_string_value(json_object_get(msg, "reason")));
  }
  /* ack, webrtcup, media, slowlink, detached: nothing to do */
  json_decref(msg);
}

static void on_close(void *user, const char *why) {
  side_t *s = user;
  s->ws = NULL;
  if (s->keepalive) g_source_remove(s->keepalive);
  s->keepalive = 0;
  fail(s, "signaling", why);
}

static const sb_lg_ws_callbacks ws_cb = {
    .on_open = on_open, .on_message = on_message, .on_close = on_close};

static void start_call(sb_lg_sig *sig, sb_lg_call *call) {
  jn_sig *jn = (jn_sig *)sig;
  const sb_lg_config *cfg = sb_lg_run_config(sig->run);
  for (int side = 0; side < 2; side++) {
    side_t *s = g_new0(side_t, 1);
    s->sig = sig;
    s->call = call;
    s->side = side;
    g_snprintf(s->username, sizeof s->username, "lg%d-%d-%c", (int)getpid(), call->index,
               side ? 'b' : 'a');
    g_ptr_array_add(jn->sides, s);
    call->sig[side] = s;
  }
  for (int side = 0; side < 2; side++) {
    side_t *s = call->sig[side];
    s->ws = sb_lg_ws_connect(sb_lg_run_ws(sig->run), cfg->url, "janus-protocol", &ws_cb, s);
    if (!s->ws) sb_lg_run_call_failed(call, side, "cannot open the WebSocket (is --url ws://?)");
  }
}

static void local_sdp(sb_lg_sig *sig, sb_lg_call *call, int side, const char *type,
                      const char *sdp) {
  side_t *s = call->sig[side];
  if (!s) return;
  json_t *jsep = json_pack("{s:s,s:s,s:b}", "type", type, "sdp", sdp, "trickle", 0);
  if (!strcmp(type, "offer") && side == 0 && !s->accepted_sent) {
    s->accepted_sent = true; /* the call is placed once */
    send_body(s, json_pack("{s:s,s:s}", "request", "call", "username", other(s)->username), jsep);
  } else if (!strcmp(type, "answer") && side == 1 && !s->accepted_sent) {
    s->accepted_sent = true;
    send_body(s, json_pack("{s:s}", "request", "accept"), jsep);
  } else {
    send_body(s, json_pack("{s:s}", "request", "set"), jsep); /* renegotiation */
  }
}

static void end_call(sb_lg_sig *sig, sb_lg_call *call) {
  for (int side = 0; side < 2; side++) {
    side_t *s = call->sig[side];
    if (!s || !s->ws) continue;
    if (s->handle) send_body(s, json_pack("{s:s}", "request", "hangup"), NULL);
    if (s->session) {
      json_t *msg = json_pack("{s:s}", "janus", "destroy");
      json_object_set_new(msg, "no_handle", json_true());
      send_janus(s, msg, NULL);
    }
    if (s->keepalive) g_source_remove(s->keepalive);
    s->keepalive = 0;
    sb_lg_ws_close(s->ws);
  }
}

static void sig_free(sb_lg_sig *sig) {
  jn_sig *jn = (jn_sig *)sig;
  g_ptr_array_free(jn->sides, TRUE);
  g_free(jn);
}

static const sb_lg_sig_ops ops = {
    .start_call = start_call, .local_sdp = local_sdp, .end_call = end_call, .free = sig_free};

sb_lg_sig *sb_lg_sig_janus_new(sb_lg_run *run, sb_lg_sig_roles *roles) {
  jn_sig *jn = g_new0(jn_sig, 1);
  jn->base.ops = &ops;
  jn->base.run = run;
  jn->sides = g_ptr_array_new_with_free_func(side_free);
  roles->controlling[0] = true;
  roles->controlling[1] = false;
  roles->sendrecv_shape = true;
  return &jn->base;
}
