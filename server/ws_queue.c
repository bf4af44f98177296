/* ws_queue.c - queued text messages for one WebSocket (see ws_queue.h). */
#include "ws_queue.h"

#include <string.h>

void sb_ws_queue_init(sb_ws_queue *q) {
  g_queue_init(&q->msgs);
  q->bytes = 0;
}

void sb_ws_queue_clear(sb_ws_queue *q) {
  GByteArray *b;
  while ((b = g_queue_pop_head(&q->msgs)))
    g_byte_array_unref(b);
  q->bytes = 0;
}

void sb_ws_queue_push(sb_ws_queue *q, const char *text, size_t len) {
  GByteArray *b = g_byte_array_sized_new((guint)(LWS_PRE + len));
  g_byte_array_set_size(b, LWS_PRE);
  g_byte_array_append(b, (const guint8 *)text, (guint)len);
  g_queue_push_tail(&q->msgs, b);
  q->bytes += len;
}

int sb_ws_queue_on_writeable(sb_ws_queue *q, struct lws *wsi, bool closing) {
  GByteArray *b = g_queue_pop_head(&q->msgs);
  if (b) {
    size_t n = b->len - LWS_PRE;
    q->bytes -= n;
    int w = lws_write(wsi, b->data + LWS_PRE, n, LWS_WRITE_TEXT);
    g_byte_array_unref(b);
    if (w < (int)n) return -1;
  }
  if (!g_queue_is_empty(&q->msgs)) {
    lws_callback_on_writable(wsi);
    return 0;
  }
  if (closing) {
    lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)"bye", 3);
    return -1;
  }
  return 0;
}
