/* server.h - builds the running server from a configuration: media workers,
 * DTLS certificate and media settings, plugins, room registry, signaling and
 * the HTTP/WebSocket listener; and takes it down again. */
#ifndef SB_SERVER_H
#define SB_SERVER_H

#include <glib.h>

#include "config.h"

typedef struct sb_server sb_server;

sb_server *sb_server_new(const sb_config *cfg, GMainLoop *loop, GError **error);
/* Says goodbye to every client and quits the loop shortly after; a second
 * call quits at once. */
void sb_server_shutdown(sb_server *srv, const char *why);
/* Starts a drain: /readyz answers 503, joins that would create a room are
 * refused (`draining`), running rooms go on; the server shuts down when the
 * last room empties or after signaling.drain_timeout_s. A second call (or a
 * drain with no rooms) shuts down at once. */
void sb_server_drain(sb_server *srv);
void sb_server_free(sb_server *srv);

#endif
