/* ws_client.h - WebSocket client connections on libwebsockets, driven by
 * the GLib main loop (lws's glib event library: no thread of its own).
 * Whole text messages in (fragments joined), text messages out through a
 * per-connection queue. Main thread only. */
#ifndef SB_LG_WS_CLIENT_H
#define SB_LG_WS_CLIENT_H

#include <glib.h>
#include <stddef.h>

typedef struct sb_lg_ws sb_lg_ws;
typedef struct sb_lg_ws_conn sb_lg_ws_conn;

/* Called on the main thread; text borrowed for the call. */
typedef struct {
  void (*on_open)(void *user);
  void (*on_message)(void *user, const char *text, size_t len);
  /* The connection failed or closed (also after sb_lg_ws_close()); the
   * sb_lg_ws_conn is gone once this returns. Called once. */
  void (*on_close)(void *user, const char *why);
} sb_lg_ws_callbacks;

/* A client context on loop. NULL (and *error) when lws refuses. */
sb_lg_ws *sb_lg_ws_new(GMainLoop *loop, GError **error);
/* Closes every connection (on_close for each) and frees the context. */
void sb_lg_ws_free(sb_lg_ws *ws);

/* Connects to url ("ws://host:port/path?query"), asking for subprotocol
 * (NULL for none). cb is copied. NULL when the URL is not ws:// or the
 * connection cannot even start (then no callback comes). */
sb_lg_ws_conn *sb_lg_ws_connect(sb_lg_ws *ws, const char *url, const char *subprotocol,
                                const sb_lg_ws_callbacks *cb, void *user);
/* Queues one text message. SB_ESTATE once closing. */
int sb_lg_ws_send(sb_lg_ws_conn *c, const char *text, size_t len);
/* Closes after the queued messages went out. */
void sb_lg_ws_close(sb_lg_ws_conn *c);

#endif
