/* log.h - Switchboard's logging: GLib structured logging with a level filter
 * and one line per record ("TIME LEVEL [domain] message") on stderr.
 * libwebsockets' own log lines are routed here too. Nothing secret (keys,
 * tokens, ICE passwords) may be passed to these functions. */
#ifndef SB_LOG_H
#define SB_LOG_H

#include <glib.h>

/* level: "error", "warning", "info" or "debug". Returns a negative code for an
 * unknown level. Safe to call again to change the level. */
int sb_log_init(const char *level);

#endif
