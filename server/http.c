/* http.c - libwebsockets on the GLib loop: static files, health endpoints,
 * WebSocket framing and send queues (see http.h). Message meaning is not
 * this file's business: whole messages go to the callbacks. */
#include "http.h"

#include <libwebsockets.h>
#include <string.h>

#include "core/error.h"
#include "ws_queue.h"

#define SEND_QUEUE_LIMIT (4u * 1024 * 1024)

struct sb_ws_conn {
  uint64_t id;
  struct lws *wsi;
  sb_http *http;
  void *data;
  GString *rx;
  gboolean rx_too_big;
  sb_ws_queue tx;
  gboolean closing;
  char peer[64];
};

struct sb_http {
  struct lws_context *ctx;
  struct lws_vhost *vhost;
  sb_http_callbacks cb;
  void *user;
  void *ready_user;
  size_t max_message_bytes;
  uint64_t next_id;
  GHashTable *conns; /* id -> sb_ws_conn* */
  char *web_root;
  struct lws_http_mount mounts[3];
  struct lws_protocols protocols[2];
  void *foreign_loops[1];
};

typedef struct {
  sb_ws_conn *conn;
} pss_t;

static int reply(struct lws *wsi, unsigned status, const char *ctype, const char *body) {
  uint8_t buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
  size_t blen = strlen(body);
  if (lws_add_http_common_headers(wsi, status, ctype, (lws_filepos_t)blen, &p, end)) return -1;
  if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (unsigned char *)"no-store",
                                   8, &p, end))
    return -1;
  if (lws_finalize_write_http_header(wsi, start, &p, end)) return -1;
  uint8_t *b = g_malloc(LWS_PRE + blen + 1);
  memcpy(b + LWS_PRE, body, blen);
  int n = lws_write(wsi, b + LWS_PRE, blen, LWS_WRITE_HTTP_FINAL);
  g_free(b);
  if (n < 0) return -1;
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int handle_http(sb_http *h, struct lws *wsi) {
  char uri[256] = "";
  if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) < 0) return -1;
  char *q = strchr(uri, '?');
  if (q) *q = 0;
  if (!strcmp(uri, "/healthz")) return reply(wsi, 200, "text/plain", "ok\n");
  if (!strcmp(uri, "/readyz")) {
    char why[200] = "not ready";
    if (!h->cb.ready || h->cb.ready(h->ready_user ? h->ready_user : h->user, why, sizeof why))
      return reply(wsi, 200, "text/plain", "ready\n");
    char *body = g_strdup_printf("%s\n", why);
    int rc = reply(wsi, 503, "text/plain", body);
    g_free(body);
    return rc;
  }
  if (h->cb.extra_get) {
    int status = 200;
    const char *ctype = "text/plain";
    char *body = h->cb.extra_get(uri, &status, &ctype, h->user);
    if (body) {
      int rc = reply(wsi, (unsigned)status, ctype, body);
      g_free(body);
      return rc;
    }
  }
  return reply(wsi, 404, "text/plain", "not found\n");
}

static void conn_free(sb_ws_conn *c) {
  sb_ws_queue_clear(&c->tx);
  g_string_free(c->rx, TRUE);
  g_free(c);
}

static int on_receive(sb_ws_conn *c, struct lws *wsi, const char *in, size_t len) {
  sb_http *h = c->http;
  if (lws_is_first_fragment(wsi)) {
    g_string_truncate(c->rx, 0);
    c->rx_too_big = FALSE;
  }
  if (!c->rx_too_big) {
    if (c->rx->len + len > h->max_message_bytes) {
      c->rx_too_big = TRUE;
      g_string_truncate(c->rx, 0);
    } else {
      g_string_append_len(c->rx, in, (gssize)len);
    }
  }
  if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
    gboolean binary = lws_frame_is_binary(wsi) != 0;
    if (h->cb.on_message)
      h->cb.on_message(c, c->rx_too_big ? NULL : c->rx->str, c->rx_too_big ? 0 : c->rx->len,
                       c->rx_too_big, binary, h->user);
    /* An SDP grew the buffer; do not keep kilobytes per idle connection. */
    if (c->rx->allocated_len > 1024) {
      g_string_free(c->rx, TRUE);
      c->rx = g_string_sized_new(256);
    } else {
      g_string_truncate(c->rx, 0);
    }
    c->rx_too_big = FALSE;
  }
  return 0;
}

static int on_writeable(sb_ws_conn *c, struct lws *wsi) {
  return sb_ws_queue_on_writeable(&c->tx, wsi, c->closing);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len) {
  struct lws_vhost *vh = lws_get_vhost(wsi);
  sb_http *h = vh ? lws_vhost_user(vh) : NULL;
  pss_t *pss = user;
  switch (reason) {
  case LWS_CALLBACK_HTTP: return h ? handle_http(h, wsi) : -1;
  case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
    char uri[128] = "";
    lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
    char *q = strchr(uri, '?');
    if (q) *q = 0;
    return strcmp(uri, "/ws") ? 1 : 0;
  }
  case LWS_CALLBACK_ESTABLISHED: {
    sb_ws_conn *c = g_new0(sb_ws_conn, 1);
    c->id = ++h->next_id;
    c->wsi = wsi;
    c->http = h;
    c->rx = g_string_new(NULL);
    sb_ws_queue_init(&c->tx);
    lws_get_peer_simple(wsi, c->peer, sizeof c->peer);
    pss->conn = c;
    g_hash_table_insert(h->conns, &c->id, c);
    if (h->cb.on_open) h->cb.on_open(c, h->user);
    return 0;
  }
  case LWS_CALLBACK_RECEIVE: return pss->conn ? on_receive(pss->conn, wsi, in, len) : -1;
  case LWS_CALLBACK_SERVER_WRITEABLE: return pss->conn ? on_writeable(pss->conn, wsi) : -1;
  case LWS_CALLBACK_CLOSED:
    if (pss->conn) {
      sb_ws_conn *c = pss->conn;
      pss->conn = NULL;
      g_hash_table_remove(h->conns, &c->id);
      if (h->cb.on_close) h->cb.on_close(c, h->user);
      conn_free(c);
    }
    return 0;
  default: return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

sb_http *sb_http_start(const sb_http_config *cfg, GMainLoop *loop, const sb_http_callbacks *cb,
                       void *user, GError **error) {
  sb_http *h = g_new0(sb_http, 1);
  h->cb = *cb;
  h->user = user;
  h->max_message_bytes = cfg->max_message_bytes;
  h->conns = g_hash_table_new(g_int64_hash, g_int64_equal);
  h->web_root = g_canonicalize_filename(cfg->web_root, NULL);

  h->protocols[0] = (struct lws_protocols){
      .name = "switchboard-v1",
      .callback = callback,
      .per_session_data_size = sizeof(pss_t),
      /* Per connection; larger messages (SDP) arrive in pieces and are
       * joined in on_receive. 4 KiB rather than 16: memory per call. */
      .rx_buffer_size = 4096,
  };
  h->mounts[0] = (struct lws_http_mount){
      .mountpoint = "/",
      .mountpoint_len = 1,
      .origin = h->web_root,
      .def = "index.html",
      .origin_protocol = LWSMPRO_FILE,
      .mount_next = &h->mounts[1],
  };
  h->mounts[1] = (struct lws_http_mount){
      .mountpoint = "/healthz",
      .mountpoint_len = 8,
      .origin = "switchboard-v1",
      .origin_protocol = LWSMPRO_CALLBACK,
      .mount_next = &h->mounts[2],
  };
  h->mounts[2] = (struct lws_http_mount){
      .mountpoint = "/readyz",
      .mountpoint_len = 7,
      .origin = "switchboard-v1",
      .origin_protocol = LWSMPRO_CALLBACK,
  };
  h->foreign_loops[0] = loop;

  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.options =
      LWS_SERVER_OPTION_GLIB | LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_VALIDATE_UTF8;
  info.foreign_loops = h->foreign_loops;
  h->ctx = lws_create_context(&info);
  if (!h->ctx) {
    g_set_error(error, g_quark_from_static_string("sb-http"), 0,
                "libwebsockets context failed (is libwebsockets-evlib-glib installed?)");
    sb_http_stop(h);
    return NULL;
  }
  memset(&info, 0, sizeof info);
  info.port = cfg->port;
  info.iface = cfg->address;
  info.protocols = h->protocols;
  info.mounts = &h->mounts[0];
  info.user = h;
  info.vhost_name = "switchboard";
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
  h->vhost = lws_create_vhost(h->ctx, &info);
  if (!h->vhost) {
    g_set_error(error, g_quark_from_static_string("sb-http"), 0,
                "cannot listen on %s port %d (in use, or not an address of this host)",
                cfg->address, cfg->port);
    sb_http_stop(h);
    return NULL;
  }
  return h;
}

void sb_http_set_ready_user(sb_http *h, void *user) { h->ready_user = user; }

int sb_http_port(const sb_http *h) { return lws_get_vhost_listen_port(h->vhost); }

void sb_http_stop(sb_http *h) {
  if (!h) return;
  if (h->ctx) lws_context_destroy(h->ctx);
  g_hash_table_destroy(h->conns);
  g_free(h->web_root);
  g_free(h);
}

uint64_t sb_ws_conn_id(const sb_ws_conn *c) { return c->id; }
void sb_ws_conn_set_data(sb_ws_conn *c, void *data) { c->data = data; }
void *sb_ws_conn_get_data(const sb_ws_conn *c) { return c->data; }
const char *sb_ws_conn_peer_address(const sb_ws_conn *c) { return c->peer; }

int sb_ws_conn_send(sb_ws_conn *c, const char *text, size_t len) {
  if (c->closing) return SB_ESTATE;
  if (c->tx.bytes + len > SEND_QUEUE_LIMIT) {
    g_log("http", G_LOG_LEVEL_WARNING,
          "connection %" G_GUINT64_FORMAT " is not reading; closing it", c->id);
    sb_ws_conn_close(c);
    return SB_EFULL;
  }
  sb_ws_queue_push(&c->tx, text, len);
  lws_callback_on_writable(c->wsi);
  return SB_OK;
}

void sb_ws_conn_close(sb_ws_conn *c) {
  c->closing = TRUE;
  lws_callback_on_writable(c->wsi);
}

sb_ws_conn *sb_http_find(sb_http *h, uint64_t id) { return g_hash_table_lookup(h->conns, &id); }
