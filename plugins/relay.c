/* relay.c - signaling-only rooms, as in a classic WebRTC signaling server:
 * two participants whose browsers connect peer-to-peer. Offers, answers and
 * candidates are passed to the other participant unchanged, with "from"
 * added; the server terminates no media. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <switchboard/plugin.h>

/* Error codes of the host (server/core/error.h); plugins don't include it. */
#define E_INVAL       (-1)
#define E_UNSUPPORTED (-5)
#define E_NOTFOUND    (-6)
#define E_STATE       (-7)

static const sb_host_api *host;

static int init(const sb_host_api *h) {
  host = h;
  return 0;
}

/* The addressee: "to" if given, else the only other participant. */
static sb_participant *addressee(sb_room *room, sb_participant *from, json_t *msg, int *rc) {
  json_t *to = json_object_get(msg, "to");
  if (to && !json_is_null(to)) {
    sb_participant *p =
        json_is_string(to) ? host->find_participant(room, json_string_value(to)) : NULL;
    *rc = p && p != from ? 0 : E_NOTFOUND;
    return *rc ? NULL : p;
  }
  sb_participant *all[2];
  size_t n = host->participants(room, all, 2);
  for (size_t i = 0; i < n && i < 2; i++)
    if (all[i] != from) return all[i];
  *rc = E_STATE; /* nobody to talk to yet */
  return NULL;
}

static int on_message(sb_room *room, sb_participant *from, const char *type, const char *json) {
  if (strcmp(type, "offer") && strcmp(type, "answer") && strcmp(type, "candidate"))
    return E_UNSUPPORTED;
  json_t *msg = json_loads(json, 0, NULL);
  if (!msg) return E_INVAL;
  int rc = 0;
  sb_participant *to = addressee(room, from, msg, &rc);
  if (to) {
    json_object_del(msg, "to");
    json_object_set_new(msg, "from", json_string(host->participant_id(from)));
    char *out = json_dumps(msg, JSON_COMPACT);
    rc = out ? host->send_message(to, out) : E_INVAL;
    free(out);
  }
  json_decref(msg);
  return rc;
}

static const sb_plugin relay =
    SB_PLUGIN_INIT(.name = "relay", .description = "signaling only: browsers connect peer-to-peer",
                   .media = 0, .max_participants = 2, .init = init, .on_message = on_message);

const sb_plugin *sb_plugin_create(void);
const sb_plugin *sb_plugin_create(void) { return &relay; }
