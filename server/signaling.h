/* signaling.h - the v1 JSON protocol over WebSocket (docs/protocol.md):
 * parses each message with jansson, validates types and fields, answers
 * ping, and hands join/leave and negotiation messages to the room registry.
 * Every bad message gets an `error` reply with a stable code and changes
 * nothing else. Main thread only. */
#ifndef SB_SIGNALING_H
#define SB_SIGNALING_H

#include "http.h"
#include "rooms.h"

typedef struct sb_signaling sb_signaling;

sb_signaling *sb_signaling_new(sb_rooms *rooms);
void sb_signaling_free(sb_signaling *s);

/* Plug these into sb_http_callbacks. */
void sb_signaling_on_open(sb_ws_conn *c, void *user);
void sb_signaling_on_message(sb_ws_conn *c, const char *text, size_t len, gboolean too_big,
                             gboolean binary, void *user);
void sb_signaling_on_close(sb_ws_conn *c, void *user);

/* Sends {"type":"bye","reason":...} to every connection and closes them. */
void sb_signaling_close_all(sb_signaling *s, sb_http *http, const char *reason);

#endif
