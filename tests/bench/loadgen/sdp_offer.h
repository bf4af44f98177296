/* sdp_offer.h - the generator's side of SDP offer/answer, without I/O: the
 * m-sections of one peer connection, which of our two tracks (audio, video)
 * goes out on which section with which payload type and header-extension
 * ids, our offers and answers (written with the server's sb_sdp builder),
 * and the remote transport parameters (ICE credentials and candidates, DTLS
 * fingerprint and role).
 *
 * Offer shapes: "split" offers audio and video sendonly plus one recvonly
 * audio and one recvonly video section (so a server can forward the other
 * participant's media in its answer or with a direction-only re-offer);
 * "sendrecv" offers one audio and one video section, sendrecv, like a
 * browser with a camera. Answers take any number of sections: each track
 * goes on the first section of its kind the remote lets us send on.
 *
 * We are a polite peer: a remote offer that crosses ours rolls ours back.
 * Codecs: Opus (PT 111) and VP8 (PT 96) in our offers; in answers, the
 * remote's payload type for those codecs. Feedback as browsers offer it:
 * transport-cc on both, and on VP8 also goog-remb, ccm fir, nack and nack
 * pli, with RTX (RFC 4588, PT 97 apt=96) offered for VP8; in answers RTX
 * only when the remote offered it (with its payload type). A section we
 * send video on announces an RTX SSRC in an FID group, as browsers do (the
 * generator never sends RTX itself). Extensions: mid (4), abs-send-time (2)
 * and transport-wide-cc (3) in offers, the remote's ids in answers. */
#ifndef SB_LG_SDP_OFFER_H
#define SB_LG_SDP_OFFER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/sdp.h"

enum { SB_LG_TRACK_AUDIO = 0, SB_LG_TRACK_VIDEO = 1, SB_LG_TRACKS = 2 };

typedef enum { SB_LG_DTLS_UNKNOWN, SB_LG_DTLS_CLIENT, SB_LG_DTLS_SERVER } sb_lg_dtls_role;

typedef struct {
  char mid[32];
  sb_sdp_kind kind;
  bool rejected;        /* port 0 */
  bool negotiated;      /* part of a completed offer/answer */
  int track;            /* our track sent here, -1 for none */
  bool recv;            /* we receive on it (our direction includes recv) */
  sb_sdp_direction dir; /* our direction, as last written */
  uint8_t pt;
  uint8_t rtx_pt; /* RTX payload type paired with pt (apt), 0: none */
  bool nack;      /* the remote lists rtcp-fb nack for pt */
  uint8_t ext_mid, ext_abs, ext_twcc;
  char *reject_proto; /* rejected sections: the remote's proto and fmts */
  char *reject_fmts;
} sb_lg_section;

/* What one track needs to go out: the section's mid, payload type, RTX
 * payload type (0: none) and extension ids; active false when it may not be
 * sent. */
typedef struct {
  bool active;
  char mid[32];
  uint8_t pt, rtx_pt, ext_mid, ext_abs, ext_twcc;
} sb_lg_send_params;

typedef struct {
  GPtrArray *sections; /* sb_lg_section*, m-line order */
  bool have_local_offer;
  guint offered; /* sections in the pending offer */
  bool sendrecv_shape;
  /* Ours. */
  char ufrag[257], pwd[257], fingerprint[192], cname[32], stream_id[40];
  GPtrArray *candidates; /* char* "candidate:..." */
  uint32_t ssrc[SB_LG_TRACKS];
  uint32_t video_rtx_ssrc; /* announced with the video SSRC in an FID group; 0: none */
  uint64_t sess_id, sess_version;
  unsigned next_mid;
  sb_lg_dtls_role dtls_role; /* fixed by the first exchange */
  /* The remote's, from its latest description. */
  bool have_remote;
  bool remote_ice_lite;
  char remote_ufrag[257], remote_pwd[257], remote_fp_hash[16], remote_fp[192];
  GPtrArray *remote_candidates; /* char*, every section's, no duplicates */
} sb_lg_sdp;

/* A new negotiation. Strings are copied; ssrcs are our two tracks'. Free
 * with sb_lg_sdp_free(). */
sb_lg_sdp *sb_lg_sdp_new(const char *ufrag, const char *pwd, const char *fingerprint,
                         const char *cname, const char *stream_id, const uint32_t ssrc[2],
                         bool sendrecv_shape, uint64_t sess_id);
void sb_lg_sdp_free(sb_lg_sdp *s);
/* A local host candidate, "candidate:..." (copied). */
void sb_lg_sdp_add_candidate(sb_lg_sdp *s, const char *candidate);

/* Writes an offer (all current sections, plus new ones for unplaced tracks
 * and, the first time in the split shape, the two recvonly sections) and
 * moves to have-local-offer. SB_ESTATE when an offer is already out. */
int sb_lg_sdp_write_offer(sb_lg_sdp *s, GString *out);

/* Applies the remote answer to our pending offer. SB_ESTATE without one,
 * SB_EINVAL when it does not parse or does not fit the offer (why says
 * why). Nothing changes on failure. */
int sb_lg_sdp_apply_answer(sb_lg_sdp *s, const char *text, size_t len, char *why, size_t why_len);

/* Applies a remote offer and writes our answer into out (rolling back an
 * offer of ours that it crossed). SB_EINVAL when it does not parse or
 * reorders sections; nothing changes on failure. */
int sb_lg_sdp_answer_offer(sb_lg_sdp *s, const char *text, size_t len, GString *out, char *why,
                           size_t why_len);

/* True when a track is not placed on any section (then we offer again). */
bool sb_lg_sdp_needs_offer(const sb_lg_sdp *s);

/* The current sending parameters of a track. */
void sb_lg_sdp_send_params(const sb_lg_sdp *s, int track, sb_lg_send_params *out);

/* What may arrive on the video sections we receive on, by payload type
 * (payload types are unique inside the BUNDLE group). */
typedef struct {
  uint8_t rtx_apt[128]; /* an RTX payload type -> the payload type it repairs; 0xff: not RTX */
  bool nack[128];       /* a media payload type the remote takes NACKs for */
} sb_lg_recv_params;

void sb_lg_sdp_recv_params(const sb_lg_sdp *s, sb_lg_recv_params *out);

#endif
