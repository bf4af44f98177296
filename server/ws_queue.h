/* ws_queue.h - the outgoing side of one WebSocket connection on
 * libwebsockets: text messages queued with the LWS_PRE headroom lws_write()
 * needs, written one per writable callback, and a polite close once the
 * queue is empty. Used by the server (http.c) and the load generator's
 * client (tests/bench/loadgen/ws_client.c). Not thread-safe: the owner's
 * thread only. */
#ifndef SB_WS_QUEUE_H
#define SB_WS_QUEUE_H

#include <glib.h>
#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
  GQueue msgs;  /* GByteArray*, LWS_PRE bytes of headroom each */
  size_t bytes; /* payload bytes queued */
} sb_ws_queue;

void sb_ws_queue_init(sb_ws_queue *q);
void sb_ws_queue_clear(sb_ws_queue *q);
/* Queues a copy of a text message. */
void sb_ws_queue_push(sb_ws_queue *q, const char *text, size_t len);
static inline bool sb_ws_queue_empty(const sb_ws_queue *q) { return q->msgs.length == 0; }

/* For LWS_CALLBACK_*_WRITEABLE: writes the next message, asks for another
 * callback while messages remain, and once the queue is empty and `closing`
 * is set sends a normal close. Returns what the lws callback should return
 * (-1 closes the connection). */
int sb_ws_queue_on_writeable(sb_ws_queue *q, struct lws *wsi, bool closing);

#endif
