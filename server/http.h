/* http.h - the HTTP and WebSocket front door, on libwebsockets running on the
 * GLib main loop (no thread of its own).
 *
 * Serves the web root at /, /healthz and /readyz, and WebSocket connections at
 * /ws whose text messages are handed to the callbacks below, whole (frames are
 * reassembled up to a size limit). Everything here runs on the main thread;
 * other threads reach a connection with sb_http_post_send(). */
#ifndef SB_HTTP_H
#define SB_HTTP_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sb_http sb_http;
typedef struct sb_ws_conn sb_ws_conn;

typedef struct {
  /* A WebSocket connection at /ws opened. */
  void (*on_open)(sb_ws_conn *c, void *user);
  /* One whole text message, borrowed for the call. `too_big` is set (and
   * text is NULL) when it exceeded max_message_bytes; `binary` for a binary
   * message. */
  void (*on_message)(sb_ws_conn *c, const char *text, size_t len, gboolean too_big, gboolean binary,
                     void *user);
  /* The connection is gone; `c` is freed after this returns. */
  void (*on_close)(sb_ws_conn *c, void *user);
  /* /readyz: return TRUE when ready; otherwise write why. */
  gboolean (*ready)(void *user, char *why, size_t why_len);
  /* GET of an extra path (e.g. /metrics); return a new string body or NULL
   * for 404. *status and *content_type may be changed. */
  char *(*extra_get)(const char *path, int *status, const char **content_type, void *user);
} sb_http_callbacks;

typedef struct {
  const char *address;
  int port; /* 0: any free port */
  const char *web_root;
  size_t max_message_bytes;
} sb_http_config;

/* Starts listening. Returns NULL and sets *error on failure. */
sb_http *sb_http_start(const sb_http_config *cfg, GMainLoop *loop, const sb_http_callbacks *cb,
                       void *user, GError **error);
/* The `ready` callback gets this pointer instead of the callbacks' user. */
void sb_http_set_ready_user(sb_http *h, void *user);
/* The port actually listened on. */
int sb_http_port(const sb_http *h);
/* Closes every connection and the listener. Call after the loop has run its
 * last iteration, or while it still runs. */
void sb_http_stop(sb_http *h);

/* Connection identity and user data (main thread only). */
uint64_t sb_ws_conn_id(const sb_ws_conn *c);
void sb_ws_conn_set_data(sb_ws_conn *c, void *data);
void *sb_ws_conn_get_data(const sb_ws_conn *c);
const char *sb_ws_conn_peer_address(const sb_ws_conn *c);
/* Queues a text message (copied). Returns SB_EFULL when the connection's send
 * queue is over its limit (the connection is then closed). */
int sb_ws_conn_send(sb_ws_conn *c, const char *text, size_t len);
/* Closes after the queued messages are written. */
void sb_ws_conn_close(sb_ws_conn *c);

/* Looks a connection up by id (main thread); NULL when it is gone. */
sb_ws_conn *sb_http_find(sb_http *h, uint64_t id);

#endif
