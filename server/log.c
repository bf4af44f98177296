/* log.c - GLib log writer with a level filter (see log.h). */
#include "log.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

static GLogLevelFlags max_level = G_LOG_LEVEL_INFO;

static const char *level_name(GLogLevelFlags l) {
  if (l & G_LOG_LEVEL_ERROR) return "FATAL";
  if (l & G_LOG_LEVEL_CRITICAL) return "CRIT";
  if (l & G_LOG_LEVEL_WARNING) return "WARN";
  if (l & G_LOG_LEVEL_MESSAGE) return "NOTE";
  if (l & G_LOG_LEVEL_INFO) return "INFO";
  return "DEBUG";
}

static GLogWriterOutput writer(GLogLevelFlags level, const GLogField *fields, gsize n,
                               gpointer user) {
  GLogLevelFlags l = level & G_LOG_LEVEL_MASK;
  if (l > max_level) return G_LOG_WRITER_HANDLED;
  const char *domain = "switchboard", *msg = "";
  for (gsize i = 0; i < n; i++) {
    if (!strcmp(fields[i].key, "GLIB_DOMAIN") && fields[i].value)
      domain = fields[i].value;
    else if (!strcmp(fields[i].key, "MESSAGE") && fields[i].value)
      msg = fields[i].value;
  }
  GDateTime *now = g_date_time_new_now_utc();
  char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
  fprintf(stderr, "%s.%03dZ %-5s [%s] %s\n", ts, g_date_time_get_microsecond(now) / 1000,
          level_name(l), domain, msg);
  g_free(ts);
  g_date_time_unref(now);
  return G_LOG_WRITER_HANDLED;
}

static void lws_emit(int level, const char *line) {
  char *s = g_strchomp(g_strdup(line));
  if (level & LLL_ERR)
    g_log_structured("lws", G_LOG_LEVEL_WARNING, "MESSAGE", "%s", s);
  else
    g_log_structured("lws", G_LOG_LEVEL_DEBUG, "MESSAGE", "%s", s);
  g_free(s);
}

int sb_log_init(const char *level) {
  if (!strcmp(level, "error"))
    max_level = G_LOG_LEVEL_CRITICAL;
  else if (!strcmp(level, "warning"))
    max_level = G_LOG_LEVEL_WARNING;
  else if (!strcmp(level, "info"))
    max_level = G_LOG_LEVEL_INFO;
  else if (!strcmp(level, "debug"))
    max_level = G_LOG_LEVEL_DEBUG;
  else
    return SB_EINVAL;
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    g_log_set_writer_func(writer, NULL, NULL);
    g_once_init_leave(&once, 1);
  }
  lws_set_log_level(max_level >= G_LOG_LEVEL_DEBUG ? (LLL_ERR | LLL_WARN) : LLL_ERR, lws_emit);
  return SB_OK;
}
