/* session.h - the server's side of one peer connection's SDP offer/answer,
 * without I/O: which m-sections exist, what each carries, which codecs and
 * header extensions were negotiated, and how to write our answer or our own
 * offer. The peer connection (server/peer.c) owns one and feeds it the
 * browser's descriptions.
 *
 * Model. The browser's own m-sections carry what it publishes: we answer
 * them recvonly (or inactive). What the server forwards to the browser goes,
 * first, in sections the browser offered to receive on (recvonly), which we
 * answer sendonly; otherwise in m-sections the server adds ("send sections",
 * mids "s0", "s1", ...) with its own offers, sendonly. Each carries one SSRC
 * and an msid naming the participant the media comes from. A send section
 * that is no longer needed turns inactive and is reused for the next track of
 * its kind.
 *
 * Codecs: Opus for audio; VP8, VP9 (profile 0), H.264 (packetization-mode 1,
 * profile matched per RFC 6184) and AV1 for video, in that order of
 * preference, keeping the browser's payload type numbers and fmtp. A send
 * section offers the browser's own payload types for the codecs the source
 * track can send, so payload types never collide inside the BUNDLE group.
 * RTX (RFC 4588): a video codec keeps the RTX payload type the browser pairs
 * with it (apt=), and a send section announces an RTX SSRC in an FID group.
 * Header extensions: mid, abs-send-time, audio level, video orientation,
 * toffset and transport-wide-cc, with the browser's ids; mid and the
 * transport-wide sequence number are per leg and never forwarded.
 *
 * The server is ICE-lite (or full ICE). It is the DTLS server (answers
 * a=setup:passive) unless the browser's first offer says setup:passive, in
 * which case it is the client (answers active); its own offers say actpass. */
#ifndef SB_CORE_SESSION_H
#define SB_CORE_SESSION_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/sdp.h"

#define SB_SESSION_MAX_CODECS 8
#define SB_SESSION_MAX_EXTS   8
#define SB_SESSION_ID_LEN     64

typedef enum {
  SB_EXT_NONE = 0,
  SB_EXT_MID,
  SB_EXT_ABS_SEND_TIME,
  SB_EXT_AUDIO_LEVEL,
  SB_EXT_VIDEO_ORIENTATION,
  SB_EXT_TOFFSET,
  SB_EXT_TRANSPORT_CC, /* transport-wide sequence number: ours per leg, never forwarded */
  SB_EXT_COUNT
} sb_ext_kind;

/* The URI of a header extension we negotiate. */
const char *sb_session_ext_uri(sb_ext_kind k);

typedef struct {
  uint8_t pt;
  char name[16]; /* "opus", "VP8", "VP9", "H264", "AV1" as the browser wrote it */
  uint32_t clock_rate;
  uint8_t channels;
  char fmtp[256];
  bool fb_nack, fb_pli, fb_fir, fb_remb;
  bool fb_tcc;    /* rtcp-fb transport-cc */
  uint8_t rtx_pt; /* its RFC 4588 RTX payload type (apt=pt), 0: none */
} sb_codec;

typedef struct {
  sb_ext_kind kind;
  uint8_t id;
} sb_ext;

typedef struct {
  char mid[32];
  sb_sdp_kind kind;
  bool ours;     /* a send section the server added */
  bool rejected; /* port 0 (not bundle-only), data channel, unknown media, or no common codec */
  char *rejected_proto; /* for rejected sections: the offered proto and fmts */
  char *rejected_fmts;
  int n_codecs;
  sb_codec codecs[SB_SESSION_MAX_CODECS];
  int n_exts;
  sb_ext exts[SB_SESSION_MAX_EXTS];
  sb_sdp_direction remote_dir; /* the browser's direction, its point of view */
  sb_sdp_direction local_dir;  /* ours */
  /* Receive side: what the browser announced for this section. */
  uint32_t remote_ssrc;
  uint32_t remote_rtx_ssrc;
  /* Send side (ours): the SSRC we send with and the msid we announce. */
  uint32_t local_ssrc;
  uint32_t local_rtx_ssrc; /* announced with an FID group when a codec has RTX; 0: none */
  char stream_id[SB_SESSION_ID_LEN];
  char track_id[SB_SESSION_ID_LEN];
  bool sending;  /* a source is bound */
  bool signaled; /* ...and the browser has been told (in an answer or an accepted offer) */
  void *user;    /* the host's binding for this section */
} sb_msection;

typedef enum { SB_SIG_STABLE, SB_SIG_HAVE_LOCAL_OFFER } sb_sig_state;

typedef struct {
  GPtrArray *sections; /* sb_msection*, in m-line order */
  sb_sig_state state;
  bool negotiated_once; /* an offer/answer exchange completed */
  bool needs_offer;     /* a send section changed since the last exchange */
  bool extmap_allow_mixed;
  bool dtls_client; /* the browser asked to be the DTLS server (setup:passive) */
  /* Our identity. */
  char ice_ufrag[64], ice_pwd[64];
  char fingerprint[160]; /* "AB:CD:..." (sha-256) */
  bool ice_lite;
  GPtrArray *candidates; /* char* "candidate:..." */
  char cname[32];
  uint64_t sess_id, sess_version;
  unsigned next_send_mid;
  unsigned offered_sections; /* m-lines in our pending offer */
  unsigned answer_sections;  /* m-lines in the browser's last offer */
  /* The browser's transport parameters (latest description). */
  char remote_ufrag[256], remote_pwd[256];
  char remote_fp_hash[16], remote_fp[256];
  GPtrArray *remote_candidates; /* char*, from the SDP */
} sb_session;

/* A new session. ufrag/pwd/fingerprint are copied; `ssrc_seed` and
 * `sess_id` come from the caller's randomness. Free with sb_session_free(). */
sb_session *sb_session_new(const char *ice_ufrag, const char *ice_pwd, const char *fingerprint,
                           bool ice_lite, uint64_t sess_id);
void sb_session_free(sb_session *s);
void sb_session_add_local_candidate(sb_session *s, const char *candidate);
/* Our new ICE credentials after an ICE restart (copied): the answer being
 * written and every later description carry them. */
void sb_session_set_local_ice(sb_session *s, const char *ice_ufrag, const char *ice_pwd);

/* Applies the browser's offer. On failure returns SB_EINVAL (malformed or
 * inconsistent with the session: reordered or vanished m-lines, missing ICE
 * or DTLS parameters) or SB_EUNSUPPORTED (no BUNDLE, no rtcp-mux, nothing we
 * can receive), writes why into `why`, and changes nothing. SB_ESTATE if we
 * have an offer out (the impolite peer ignores a colliding offer). */
int sb_session_apply_offer(sb_session *s, const sb_sdp *offer, char *why, size_t why_len);
/* Writes our answer to the offer just applied. */
int sb_session_write_answer(sb_session *s, GString *out);

/* Writes an offer of the current sections and moves to HAVE_LOCAL_OFFER. */
int sb_session_write_offer(sb_session *s, GString *out);
/* Applies the browser's answer to our offer (back to STABLE). Errors as for
 * offers; SB_ESTATE if no offer of ours is pending. */
int sb_session_apply_answer(sb_session *s, const sb_sdp *answer, char *why, size_t why_len);

/* Adds (or reuses an inactive) send section of `kind` for a source whose
 * negotiated codecs are `src` (its payload types are the publisher's); the
 * section offers the browser's payload types for the same codecs. Returns
 * the section or NULL when the browser has no common codec or the session is
 * full. `local_ssrc` must be unique in the session. */
sb_msection *sb_session_add_send(sb_session *s, sb_sdp_kind kind, const sb_codec *src, int n_src,
                                 uint32_t local_ssrc, const char *stream_id, const char *track_id,
                                 void *user);
/* Stops a send section (it becomes inactive at the next offer). */
void sb_session_stop_send(sb_session *s, sb_msection *sec);

/* The section with this mid, or NULL. */
sb_msection *sb_session_find_mid(const sb_session *s, const char *mid);
/* The receive section announcing this SSRC (media or RTX), or NULL. */
sb_msection *sb_session_find_remote_ssrc(const sb_session *s, uint32_t ssrc);
/* The codec with this payload type in a section, or NULL. */
const sb_codec *sb_msection_codec(const sb_msection *sec, uint8_t pt);
/* The codec whose RTX payload type is rtx_pt, or NULL. */
const sb_codec *sb_msection_codec_for_rtx(const sb_msection *sec, uint8_t rtx_pt);
/* true when any codec of the section asks for rtcp-fb `transport-cc`. */
bool sb_msection_has_tcc(const sb_msection *sec);
/* The negotiated id of an extension in a section, 0 if not negotiated. */
uint8_t sb_msection_ext_id(const sb_msection *sec, sb_ext_kind k);

/* Fills map[256] so that a packet from `from` (publisher's section) gets the
 * extension ids of `to` (a send section); extensions `to` did not negotiate
 * (and mid, whose value names the publisher's section) map to 0 (dropped). */
void sb_session_ext_map(const sb_msection *from, const sb_msection *to, uint8_t map[256]);
/* true when extension id `id` names different extensions in different
 * sections of the session (some stacks, aiortc 1.4 among them, offer that
 * inside one BUNDLE group and then cannot tell them apart): such an id is
 * not safe to send. */
bool sb_session_ext_ambiguous(const sb_session *s, uint8_t id);

/* Fills map[128] with the send section's payload type for each of the
 * publisher's payload types (0xff where there is none). */
void sb_session_pt_map(const sb_msection *from, const sb_msection *to, uint8_t map[128]);

#endif
