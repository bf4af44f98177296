/* sig_switchboard.c - the Switchboard signaling adapter (docs/protocol.md):
 * each peer opens /ws?room=bench-<i>, joins the duo room "bench-<i>",
 * offers once joined, answers the server's offers (renegotiation), applies
 * its answers, and takes trickled candidates. The server is ICE-lite, so
 * both peers are ICE-controlling; offers are split (sendonly audio and
 * video plus a recvonly pair) so the server can forward into them. */
#include <jansson.h>
#include <string.h>

#include "sig.h"

typedef struct {
  sb_lg_sig *sig;
  sb_lg_call *call;
  int side;
  sb_lg_ws_conn *ws;
} side_t;

typedef struct {
  sb_lg_sig base;
  GPtrArray *sides; /* side_t*, owned */
} sw_sig;

static void send_json(side_t *s, json_t *msg) {
  char *text = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (text && s->ws) sb_lg_ws_send(s->ws, text, strlen(text));
  free(text);
}

static void on_open(void *user) {
  side_t *s = user;
  sb_lg_run_ws_open(s->call, s->side);
  char room[32], name[16];
  g_snprintf(room, sizeof room, "bench-%d", s->call->index);
  g_snprintf(name, sizeof name, "lg-%c", s->side ? 'b' : 'a');
  send_json(s, json_pack("{s:s,s:s,s:s,s:s}", "type", "join", "room", room, "name", name, "plugin",
                         "duo"));
}

static void on_message(void *user, const char *text, size_t len) {
  side_t *s = user;
  json_t *msg = json_loadb(text, len, 0, NULL);
  const char *type = json_string_value(json_object_get(msg, "type"));
  sb_lg_peer *peer = s->call->peer[s->side];
  if (!type) {
    /* not ours to judge */
  } else if (!strcmp(type, "joined")) {
    sb_lg_peer_create_offer(peer);
  } else if (!strcmp(type, "offer") || !strcmp(type, "answer")) {
    const char *sdp = json_string_value(json_object_get(msg, "sdp"));
    if (sdp) sb_lg_peer_set_remote(peer, type, sdp);
  } else if (!strcmp(type, "candidate")) {
    json_t *c = json_object_get(msg, "candidate");
    const char *cand =
        json_is_object(c) ? json_string_value(json_object_get(c, "candidate")) : NULL;
    sb_lg_peer_add_remote_candidate(peer, cand);
  } else if (!strcmp(type, "error") || !strcmp(type, "bye")) {
    const char *code = json_string_value(json_object_get(msg, "code"));
    const char *why = json_string_value(json_object_get(msg, "message"));
    const char *reason = json_string_value(json_object_get(msg, "reason"));
    char buf[200];
    g_snprintf(buf, sizeof buf, "server %s: %s %s", type,
               code     ? code
               : reason ? reason
                        : "",
               why ? why : "");
    if (!sb_lg_run_stopping(s->sig->run)) sb_lg_run_call_failed(s->call, s->side, buf);
  }
  json_decref(msg);
}

static void on_close(void *user, const char *why) {
  side_t *s = user;
  s->ws = NULL;
  if (sb_lg_run_stopping(s->sig->run)) return;
  char buf[200];
  g_snprintf(buf, sizeof buf, "signaling: %s", why);
  sb_lg_run_call_failed(s->call, s->side, buf);
}

static const sb_lg_ws_callbacks ws_cb = {
    .on_open = on_open, .on_message = on_message, .on_close = on_close};

static void start_call(sb_lg_sig *sig, sb_lg_call *call) {
  sw_sig *sw = (sw_sig *)sig;
  const sb_lg_config *cfg = sb_lg_run_config(sig->run);
  char *url = g_strdup_printf("%s%croom=bench-%d", cfg->url, strchr(cfg->url, '?') ? '&' : '?',
                              call->index);
  for (int side = 0; side < 2; side++) {
    side_t *s = g_new0(side_t, 1);
    s->sig = sig;
    s->call = call;
    s->side = side;
    g_ptr_array_add(sw->sides, s);
    call->sig[side] = s;
    s->ws = sb_lg_ws_connect(sb_lg_run_ws(sig->run), url, NULL, &ws_cb, s);
    if (!s->ws) sb_lg_run_call_failed(call, side, "cannot open the WebSocket (is --url ws://?)");
  }
  g_free(url);
}

static void local_sdp(sb_lg_sig *sig, sb_lg_call *call, int side, const char *type,
                      const char *sdp) {
  side_t *s = call->sig[side];
  if (s) send_json(s, json_pack("{s:s,s:s}", "type", type, "sdp", sdp));
}

static void end_call(sb_lg_sig *sig, sb_lg_call *call) {
  for (int side = 0; side < 2; side++) {
    side_t *s = call->sig[side];
    if (!s || !s->ws) continue;
    send_json(s, json_pack("{s:s}", "type", "leave"));
    sb_lg_ws_close(s->ws);
  }
}

static void sig_free(sb_lg_sig *sig) {
  sw_sig *sw = (sw_sig *)sig;
  g_ptr_array_free(sw->sides, TRUE);
  g_free(sw);
}

static const sb_lg_sig_ops ops = {
    .start_call = start_call, .local_sdp = local_sdp, .end_call = end_call, .free = sig_free};

sb_lg_sig *sb_lg_sig_switchboard_new(sb_lg_run *run, sb_lg_sig_roles *roles) {
  sw_sig *sw = g_new0(sw_sig, 1);
  sw->base.ops = &ops;
  sw->base.run = run;
  sw->sides = g_ptr_array_new_with_free_func(g_free);
  roles->controlling[0] = roles->controlling[1] = true;
  roles->sendrecv_shape = false;
  return &sw->base;
}
