/* peer.c - placeholder while the media path is written (replaced this session). */
#include "peer.h"

#include "core/error.h"

struct sb_media_env { int unused; };
struct sb_peer { sb_participant *p; };

sb_media_env *sb_media_env_new(const char *a, const char *b, int c, int d, gboolean e, int f,
                               const char *g, const char *h, GError **error) {
  return g_new0(sb_media_env, 1);
}
void sb_media_env_free(sb_media_env *env) { g_free(env); }
const char *sb_media_env_fingerprint(const sb_media_env *env) { return ""; }
sb_peer *sb_peer_new(sb_participant *p, sb_media_env *env) {
  sb_peer *peer = g_new0(sb_peer, 1);
  peer->p = p;
  return peer;
}
void sb_peer_free(sb_peer *peer) { g_free(peer); }
void sb_peer_signal(sb_peer *peer, const char *type, const char *json) {}
int sb_peer_add_sink(sb_peer *peer, sb_track *track) { return SB_EUNSUPPORTED; }
int sb_peer_remove_sink(sb_peer *peer, sb_track *track) { return SB_EUNSUPPORTED; }
int sb_peer_request_keyframe(sb_peer *peer, sb_track *track) { return SB_EUNSUPPORTED; }
