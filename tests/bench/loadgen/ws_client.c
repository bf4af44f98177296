/* ws_client.c - libwebsockets client connections on the GLib loop (see
 * ws_client.h). */
#include "ws_client.h"

#include <libwebsockets.h>
#include <stdbool.h>
#include <string.h>

#include "core/error.h"
#include "ws_queue.h"

#define MAX_MESSAGE (1024 * 1024)

struct sb_lg_ws {
  struct lws_context *ctx;
  struct lws_protocols protocols[2];
  void *foreign_loops[1];
  GHashTable *conns; /* sb_lg_ws_conn* set, to close them at the end */
};

struct sb_lg_ws_conn {
  sb_lg_ws *ws;
  struct lws *wsi;
  sb_lg_ws_callbacks cb;
  void *user;
  GString *rx;
  sb_ws_queue tx;
  bool open, closing, done, in_connect;
  char host[300], path[1024], address[256];
};

static void conn_finish(sb_lg_ws_conn *c, const char *why) {
  if (c->done) return;
  c->done = true;
  c->wsi = NULL;
  g_hash_table_remove(c->ws->conns, c);
  if (!c->in_connect && c->cb.on_close) c->cb.on_close(c->user, why);
  sb_ws_queue_clear(&c->tx);
  g_string_free(c->rx, TRUE);
  if (!c->in_connect) g_free(c);
}

static int on_writeable(sb_lg_ws_conn *c, struct lws *wsi) {
  return sb_ws_queue_on_writeable(&c->tx, wsi, c->closing);
}

static int on_receive(sb_lg_ws_conn *c, struct lws *wsi, const char *in, size_t len) {
  if (lws_is_first_fragment(wsi)) g_string_truncate(c->rx, 0);
  if (c->rx->len + len > MAX_MESSAGE) return -1;
  g_string_append_len(c->rx, in, (gssize)len);
  if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
    if (!c->closing && c->cb.on_message) c->cb.on_message(c->user, c->rx->str, c->rx->len);
    g_string_truncate(c->rx, 0);
  }
  return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len) {
  sb_lg_ws_conn *c = lws_get_opaque_user_data(wsi);
  switch (reason) {
  case LWS_CALLBACK_CLIENT_ESTABLISHED:
    if (!c) return -1;
    c->open = true;
    if (!sb_ws_queue_empty(&c->tx) || c->closing) lws_callback_on_writable(wsi);
    if (c->cb.on_open) c->cb.on_open(c->user);
    return 0;
  case LWS_CALLBACK_CLIENT_RECEIVE: return c ? on_receive(c, wsi, in, len) : -1;
  case LWS_CALLBACK_CLIENT_WRITEABLE: return c ? on_writeable(c, wsi) : -1;
  case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
    if (!c) return 0;
    char why[160];
    g_snprintf(why, sizeof why, "connection failed: %.*s", in ? (int)MIN(len, 120) : 7,
               in ? (const char *)in : "unknown");
    lws_set_opaque_user_data(wsi, NULL);
    conn_finish(c, why);
    return 0;
  }
  case LWS_CALLBACK_CLIENT_CLOSED:
  case LWS_CALLBACK_WSI_DESTROY:
    if (c) {
      lws_set_opaque_user_data(wsi, NULL);
      conn_finish(c, c->closing ? "closed" : "closed by the server");
    }
    return 0;
  default: return 0;
  }
}

sb_lg_ws *sb_lg_ws_new(GMainLoop *loop, GError **error) {
  sb_lg_ws *ws = g_new0(sb_lg_ws, 1);
  ws->conns = g_hash_table_new(NULL, NULL);
  ws->protocols[0] = (struct lws_protocols){
      .name = "sb-loadgen",
      .callback = callback,
      .rx_buffer_size = 65536,
  };
  ws->foreign_loops[0] = loop;
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = ws->protocols;
  info.options = LWS_SERVER_OPTION_GLIB;
  info.foreign_loops = ws->foreign_loops;
  info.timeout_secs = 20;
  ws->ctx = lws_create_context(&info);
  if (!ws->ctx) {
    g_set_error(error, g_quark_from_static_string("sb-lg"), 0,
                "libwebsockets context failed (is libwebsockets-evlib-glib installed?)");
    g_hash_table_destroy(ws->conns);
    g_free(ws);
    return NULL;
  }
  return ws;
}

void sb_lg_ws_free(sb_lg_ws *ws) {
  if (!ws) return;
  lws_context_destroy(ws->ctx); /* closes the connections: on_close for each */
  /* Connections lws never called back for. */
  GList *left = g_hash_table_get_keys(ws->conns);
  for (GList *l = left; l; l = l->next)
    conn_finish(l->data, "client stopped");
  g_list_free(left);
  g_hash_table_destroy(ws->conns);
  g_free(ws);
}

sb_lg_ws_conn *sb_lg_ws_connect(sb_lg_ws *ws, const char *url, const char *subprotocol,
                                const sb_lg_ws_callbacks *cb, void *user) {
  GUri *uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
  if (!uri || g_strcmp0(g_uri_get_scheme(uri), "ws") || !g_uri_get_host(uri)) {
    if (uri) g_uri_unref(uri);
    return NULL;
  }
  sb_lg_ws_conn *c = g_new0(sb_lg_ws_conn, 1);
  c->ws = ws;
  c->cb = *cb;
  c->user = user;
  c->rx = g_string_new(NULL);
  sb_ws_queue_init(&c->tx);
  int port = g_uri_get_port(uri) > 0 ? g_uri_get_port(uri) : 80;
  const char *path = g_uri_get_path(uri);
  const char *query = g_uri_get_query(uri);
  g_strlcpy(c->address, g_uri_get_host(uri), sizeof c->address);
  g_snprintf(c->host, sizeof c->host, "%s:%d", c->address, port);
  g_snprintf(c->path, sizeof c->path, "%s%s%s", path && *path ? path : "/", query ? "?" : "",
             query ? query : "");
  g_uri_unref(uri);

  struct lws_client_connect_info i;
  memset(&i, 0, sizeof i);
  i.context = ws->ctx;
  i.address = c->address;
  i.port = port;
  i.path = c->path;
  i.host = c->host;
  i.origin = c->host;
  i.protocol = subprotocol;
  i.local_protocol_name = ws->protocols[0].name;
  i.opaque_user_data = c;
  i.pwsi = &c->wsi;
  g_hash_table_add(ws->conns, c);
  c->in_connect = true;
  struct lws *wsi = lws_client_connect_via_info(&i);
  c->in_connect = false;
  if (!wsi || c->done) {
    if (!c->done) {
      g_hash_table_remove(ws->conns, c);
      g_string_free(c->rx, TRUE);
    }
    g_free(c);
    return NULL;
  }
  c->wsi = wsi;
  return c;
}

int sb_lg_ws_send(sb_lg_ws_conn *c, const char *text, size_t len) {
  if (c->closing || c->done) return SB_ESTATE;
  sb_ws_queue_push(&c->tx, text, len);
  if (c->open) lws_callback_on_writable(c->wsi);
  return SB_OK;
}

void sb_lg_ws_close(sb_lg_ws_conn *c) {
  if (c->closing || c->done) return;
  c->closing = true;
  if (c->open) lws_callback_on_writable(c->wsi);
}
