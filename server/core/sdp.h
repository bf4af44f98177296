/* sdp.h - WebRTC session descriptions (RFC 8866 / JSEP) as a C struct.
 *
 * sb_sdp_parse() turns an offer or answer text into an sb_sdp; sb_sdp_write()
 * turns an sb_sdp (parsed, or built by the server with the sb_sdp_*_add
 * helpers) back into text with CRLF line endings and attributes in the order
 * browsers use. Everything WebRTC peers send is modelled as typed fields;
 * anything else is kept verbatim (attributes as name + value, other line types
 * as type + text) in order, so parse -> write -> parse gives an sb_sdp_equal()
 * struct. The text itself is not kept: whitespace between tokens, leading
 * zeros and the order of attributes are normalised by a round trip.
 *
 * Ownership: an sb_sdp owns everything reachable from it. Strings are
 * g_malloc'd (set them with sb_sdp_set_str()), lists are GPtrArrays that own
 * their elements (free functions set; never NULL in a struct made by this
 * module). Free the whole thing with sb_sdp_free(). No I/O, no clock.
 *
 * Limits (inputs beyond them fail with SB_ETOOBIG):
 *   whole description  SB_SDP_MAX_SIZE bytes, counting every line as if it
 *                      ended with CRLF (so what sb_sdp_write() produces from a
 *                      parsed struct always parses again)
 *   one line           SB_SDP_MAX_LINE bytes without its line ending
 *   m-lines            SB_SDP_MAX_MEDIA
 *   payload types      0..127, each at most once per m-line (so <= 128)
 *   ssrc-group         SB_SDP_MAX_GROUP_SSRCS ssrcs
 *   simulcast          SB_SDP_MAX_SIMULCAST_STREAMS streams per direction,
 *                      SB_SDP_MAX_SIMULCAST_ALTS alternatives per stream
 * extmap ids are 1..255 (1..14 fit the one-byte header form, 15..255 need
 * the two-byte form; sb_sdp_extmap_needs_two_byte()). */
#ifndef SB_CORE_SDP_H
#define SB_CORE_SDP_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#define SB_SDP_MAX_SIZE              65536
#define SB_SDP_MAX_LINE              4096
#define SB_SDP_MAX_MEDIA             32
#define SB_SDP_MAX_PT                127
#define SB_SDP_MAX_GROUP_SSRCS       16
#define SB_SDP_MAX_SIMULCAST_STREAMS 16
#define SB_SDP_MAX_SIMULCAST_ALTS    8
#define SB_SDP_MAX_EXTMAP_ID         255
#define SB_SDP_MAX_ONE_BYTE_EXT_ID   14

typedef enum {
  SB_SDP_DIR_NONE = 0, /* no direction attribute (sendrecv is implied) */
  SB_SDP_DIR_SENDRECV,
  SB_SDP_DIR_SENDONLY,
  SB_SDP_DIR_RECVONLY,
  SB_SDP_DIR_INACTIVE,
} sb_sdp_direction;

typedef enum {
  SB_SDP_SETUP_NONE = 0, /* no a=setup */
  SB_SDP_SETUP_ACTPASS,
  SB_SDP_SETUP_ACTIVE,
  SB_SDP_SETUP_PASSIVE,
  SB_SDP_SETUP_HOLDCONN,
} sb_sdp_setup;

typedef enum {
  SB_SDP_KIND_AUDIO = 0,
  SB_SDP_KIND_VIDEO,
  SB_SDP_KIND_APPLICATION,
  SB_SDP_KIND_OTHER, /* the media token is in sb_sdp_media.kind_text */
} sb_sdp_kind;

/* An attribute this module does not model: a=name (value NULL) or
 * a=name:value (value possibly ""). */
typedef struct {
  char *name;
  char *value;
} sb_sdp_attr;

/* A line other than v/o/s/t/c/b/m/a (i=, u=, e=, p=, k=, r=, z=, or a second
 * t=): its type letter and the text after '='. */
typedef struct {
  char type;
  char *value;
} sb_sdp_line;

/* a=fingerprint:<hash> <value>; both NULL when absent. Only the first
 * fingerprint at a level is typed; further ones stay in the attr list. */
typedef struct {
  char *hash;  /* "sha-256", as written (compare case-insensitively) */
  char *value; /* "AB:CD:...", as written */
} sb_sdp_fingerprint;

/* a=group:<semantics> <mid>... (BUNDLE, LS, ...). */
typedef struct {
  char *semantics;
  GPtrArray *mids; /* of char * */
} sb_sdp_group;

/* a=candidate (RFC 8839). */
typedef struct {
  char *foundation;
  guint component; /* 1 = RTP (the only one with rtcp-mux) */
  char *transport; /* "udp", "UDP", "tcp", as written */
  guint32 priority;
  char *address; /* IPv4, IPv6 or an mDNS name, as written */
  guint16 port;
  char *type;       /* "host", "srflx", "prflx", "relay" */
  char *raddr;      /* NULL if absent */
  gint32 rport;     /* -1 if absent */
  char *tcptype;    /* NULL if absent */
  char *extensions; /* the remaining "name value" pairs as one text (e.g.
                       "generation 0 network-cost 999"), NULL if none */
} sb_sdp_candidate;

/* a=msid:<stream id> [<track id>]. */
typedef struct {
  char *stream_id; /* "-" means no stream */
  char *track_id;  /* NULL if absent */
} sb_sdp_msid;

/* a=ssrc:<ssrc> [<attribute>[:<value>]]. */
typedef struct {
  guint32 ssrc;
  char *attr;  /* "cname", "msid", ...; NULL if the line has only the ssrc */
  char *value; /* NULL if the attribute has no ':' */
} sb_sdp_ssrc;

/* a=ssrc-group:<semantics> <ssrc>... (FID, SIM, FEC-FR). */
typedef struct {
  char *semantics;
  guint n_ssrcs;
  guint32 ssrcs[SB_SDP_MAX_GROUP_SSRCS];
} sb_sdp_ssrc_group;

typedef enum {
  SB_SDP_RID_SEND = 1,
  SB_SDP_RID_RECV = 2,
} sb_sdp_rid_dir;

/* a=rid:<id> send|recv [<restrictions>] (RFC 8851). */
typedef struct {
  char *id;
  sb_sdp_rid_dir dir;
  char *restrictions; /* "pt=96;max-width=1280", NULL if absent */
} sb_sdp_rid;

/* a=simulcast (RFC 8853): per direction, a list of streams, each a list of
 * alternative rids ("h;m,~l": stream 1 = h; stream 2 = m or l, l paused). */
typedef struct {
  char *rid;
  gboolean paused; /* written with a leading '~' */
} sb_sdp_simulcast_alt;

typedef struct {
  guint n_alts;
  sb_sdp_simulcast_alt alts[SB_SDP_MAX_SIMULCAST_ALTS];
} sb_sdp_simulcast_stream;

typedef struct {
  gboolean present;
  guint n_send;
  sb_sdp_simulcast_stream send[SB_SDP_MAX_SIMULCAST_STREAMS];
  guint n_recv;
  sb_sdp_simulcast_stream recv[SB_SDP_MAX_SIMULCAST_STREAMS];
} sb_sdp_simulcast;

/* a=rtcp-fb:<pt> <type> [<param>] ("nack pli", "ccm fir", "goog-remb"). */
typedef struct {
  char *type;
  char *param; /* NULL if absent */
} sb_sdp_rtcp_fb;

/* One payload type of an RTP m-line, with its rtpmap, fmtp and rtcp-fb. */
typedef struct {
  guint8 pt;
  char *name;          /* "opus", "VP8", "H264", "rtx"; NULL without a=rtpmap */
  guint32 clock_rate;  /* 0 without a=rtpmap */
  guint channels;      /* 0 when the rtpmap has no channel count */
  char *fmtp;          /* the parameter text after "a=fmtp:<pt> ", NULL if none */
  GPtrArray *rtcp_fbs; /* of sb_sdp_rtcp_fb */
} sb_sdp_codec;

/* a=extmap:<id>[/<direction>] <uri> [<attributes>] (RFC 8285). */
typedef struct {
  guint id;             /* 1..255 */
  sb_sdp_direction dir; /* SB_SDP_DIR_NONE when not written */
  char *uri;
  char *attributes; /* NULL if absent */
} sb_sdp_extmap;

/* One m= section. */
typedef struct {
  sb_sdp_kind kind;
  char *kind_text; /* the media token when kind is SB_SDP_KIND_OTHER, else NULL */
  guint16 port;
  guint port_count; /* the "/<n>" of "<port>/<n>", 0 if absent */
  char *proto;      /* "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", ... */
  /* RTP protocols (proto contains "RTP/"): one codec per m-line payload
   * type, in m-line order. Other protocols: the fmt tokens as text. */
  GPtrArray *codecs; /* of sb_sdp_codec */
  GPtrArray *fmts;   /* of char *, e.g. "webrtc-datachannel" */

  char *connection;      /* c= text ("IN IP4 0.0.0.0"), NULL if absent */
  GPtrArray *bandwidths; /* of char *, b= text ("AS:300", "TIAS:64000") */
  GPtrArray *lines;      /* of sb_sdp_line: i=, k=, ... */

  char *mid; /* NULL if absent */
  sb_sdp_direction direction;
  gboolean rtcp_mux;
  gboolean rtcp_mux_only;
  gboolean rtcp_rsize;
  gboolean extmap_allow_mixed;
  gboolean end_of_candidates;
  /* a=bundle-only (RFC 8843 section 6): with port 0 and the mid in a BUNDLE
   * group, the section is bundled (uses the group's transport), not
   * rejected. */
  gboolean bundle_only;
  char *rtcp; /* a=rtcp text ("9 IN IP4 0.0.0.0"), NULL if absent */

  char *ice_ufrag, *ice_pwd, *ice_options; /* NULL if absent */
  sb_sdp_fingerprint fingerprint;
  sb_sdp_setup setup;

  GPtrArray *candidates;  /* of sb_sdp_candidate */
  GPtrArray *msids;       /* of sb_sdp_msid */
  GPtrArray *ssrcs;       /* of sb_sdp_ssrc */
  GPtrArray *ssrc_groups; /* of sb_sdp_ssrc_group */
  GPtrArray *rids;        /* of sb_sdp_rid */
  sb_sdp_simulcast simulcast;
  GPtrArray *extmaps;     /* of sb_sdp_extmap */
  GPtrArray *rtcp_fb_all; /* of sb_sdp_rtcp_fb: a=rtcp-fb:* lines */

  guint sctp_port;               /* a=sctp-port (1..65535), 0 if absent */
  gboolean has_max_message_size; /* a=max-message-size present */
  guint64 max_message_size;      /* its value (0 means "no limit") */

  GPtrArray *attrs; /* of sb_sdp_attr: everything else, in order */
} sb_sdp_media;

/* A whole description. */
typedef struct {
  /* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
  char *origin_username;
  char *origin_sess_id; /* digits, kept as text (may exceed 64 bits) */
  guint64 origin_sess_version;
  char *origin_nettype;  /* "IN" */
  char *origin_addrtype; /* "IP4" */
  char *origin_address;  /* "127.0.0.1" */
  char *session_name;    /* s= ("-") */
  char *timing;          /* t= ("0 0") */
  char *connection;      /* session c=, NULL if absent */
  GPtrArray *bandwidths; /* of char * */
  GPtrArray *lines;      /* of sb_sdp_line */

  GPtrArray *groups;       /* of sb_sdp_group */
  char *msid_semantic;     /* "WMS", NULL if no a=msid-semantic */
  char *msid_semantic_ids; /* "*" or stream ids, NULL if none */
  gboolean extmap_allow_mixed;
  gboolean ice_lite;
  char *ice_ufrag, *ice_pwd, *ice_options;
  sb_sdp_fingerprint fingerprint;
  sb_sdp_setup setup;
  sb_sdp_direction direction;
  GPtrArray *extmaps; /* of sb_sdp_extmap (session-level extmaps) */
  GPtrArray *attrs;   /* of sb_sdp_attr */

  GPtrArray *media; /* of sb_sdp_media, at most SB_SDP_MAX_MEDIA */
} sb_sdp;

/* ---- lifetime ---- */

/* An empty description: origin "- 0 0 IN IP4 127.0.0.1", s=-, t=0 0, no
 * media. Never NULL. Caller frees with sb_sdp_free(). */
sb_sdp *sb_sdp_new(void);
/* Frees everything; NULL is fine. */
void sb_sdp_free(sb_sdp *sdp);
/* A deep copy (caller frees with sb_sdp_free()), or NULL if sdp cannot be
 * written (see sb_sdp_write()). */
sb_sdp *sb_sdp_copy(const sb_sdp *sdp);
/* 1 if a and b describe the same thing field by field (strings compared
 * exactly, lists in order), else 0. */
int sb_sdp_equal(const sb_sdp *a, const sb_sdp *b);

/* ---- parse / write ---- */

/* Parses len bytes of SDP (CRLF or LF line endings; need not be
 * NUL-terminated). On success *out is a new description (caller frees with
 * sb_sdp_free()). On failure returns SB_EINVAL (malformed: missing v=0, a line
 * not "x=...", bad m-line port/proto/payload type, payload type > 127,
 * rtpmap/fmtp/rtcp-fb for a payload type not on the m-line, bad or duplicate
 * extmap id, duplicate mid, bad candidate/ssrc/rid/simulcast, embedded NUL or
 * bare CR) or SB_ETOOBIG (a limit above) and leaves *out untouched. */
int sb_sdp_parse(const char *text, size_t len, sb_sdp **out);

/* Appends the description to out with CRLF line endings. Returns SB_EINVAL
 * (and leaves out as it was) if a field cannot be written so that it parses
 * back the same: a token with whitespace or empty, any text with CR, LF or
 * NUL, a codec with an rtpmap name but no clock rate, etc. */
int sb_sdp_write(const sb_sdp *sdp, GString *out);

/* Parses one candidate, "candidate:..." or just the part after the colon (as
 * trickled in signaling). On success *out is new (free with
 * sb_sdp_candidate_free()). */
int sb_sdp_candidate_parse(const char *text, size_t len, sb_sdp_candidate **out);
/* Appends "candidate:..." (without "a=") to out. */
int sb_sdp_candidate_write(const sb_sdp_candidate *c, GString *out);
void sb_sdp_candidate_free(sb_sdp_candidate *c);

/* ---- building and looking up ---- */

/* Replaces *field with a copy of value (NULL clears it). */
void sb_sdp_set_str(char **field, const char *value);

/* Appends a new m= section (port 9, no codecs, all lists empty) owned by sdp.
 * proto NULL means "UDP/TLS/RTP/SAVPF" (or "UDP/DTLS/SCTP" for
 * SB_SDP_KIND_APPLICATION). Returns NULL when sdp already has
 * SB_SDP_MAX_MEDIA sections. */
sb_sdp_media *sb_sdp_add_media(sb_sdp *sdp, sb_sdp_kind kind, const char *proto);
/* The i-th m= section (borrowed), NULL if out of range. */
sb_sdp_media *sb_sdp_media_at(const sb_sdp *sdp, guint i);
/* The m= section with that mid (borrowed), NULL if none. */
sb_sdp_media *sb_sdp_media_by_mid(const sb_sdp *sdp, const char *mid);
/* The group with that semantics ("BUNDLE", case-insensitive), NULL if none. */
sb_sdp_group *sb_sdp_find_group(const sb_sdp *sdp, const char *semantics);
/* Adds a group (semantics copied, no mids yet) and returns it (borrowed). */
sb_sdp_group *sb_sdp_add_group(sb_sdp *sdp, const char *semantics);
void sb_sdp_group_add_mid(sb_sdp_group *g, const char *mid);
/* Appends an unknown/extra attribute (value NULL for a flag). */
void sb_sdp_add_attr(GPtrArray *attrs, const char *name, const char *value);

/* 1 if the section is a WebRTC data channel (SCTP over DTLS), else 0. */
int sb_sdp_media_is_datachannel(const sb_sdp_media *m);
/* 1 if the section's protocol carries RTP (its codecs list is meaningful). */
int sb_sdp_media_is_rtp(const sb_sdp_media *m);
/* The media token: "audio", "video", "application" or kind_text. */
const char *sb_sdp_media_kind_name(const sb_sdp_media *m);

/* Adds payload type pt to the m-line (at the end) with an rtpmap when name is
 * not NULL, and fmtp when not NULL. Returns the codec (borrowed) or NULL if pt
 * > 127 or already present. */
sb_sdp_codec *sb_sdp_media_add_codec(sb_sdp_media *m, guint8 pt, const char *name,
                                     guint32 clock_rate, guint channels, const char *fmtp);
void sb_sdp_codec_add_rtcp_fb(sb_sdp_codec *c, const char *type, const char *param);
/* Appends an rtcp-fb to a list of sb_sdp_rtcp_fb (e.g. m->rtcp_fb_all). */
void sb_sdp_rtcp_fb_list_add(GPtrArray *list, const char *type, const char *param);
/* The codec with payload type pt (borrowed), NULL if none. */
sb_sdp_codec *sb_sdp_media_codec_by_pt(const sb_sdp_media *m, guint pt);
/* Removes payload type pt from the m-line. SB_ENOTFOUND if absent. */
int sb_sdp_media_remove_codec(sb_sdp_media *m, guint pt);

/* Adds an extmap; returns SB_EINVAL for an id outside 1..255 or SB_EEXIST if
 * the id is taken in this section. */
int sb_sdp_media_add_extmap(sb_sdp_media *m, guint id, sb_sdp_direction dir, const char *uri,
                            const char *attributes);
/* Adds a copy of c. */
void sb_sdp_media_add_candidate(sb_sdp_media *m, const sb_sdp_candidate *c);
void sb_sdp_media_add_ssrc(sb_sdp_media *m, guint32 ssrc, const char *attr, const char *value);
/* Adds an ssrc-group; SB_ETOOBIG if n > SB_SDP_MAX_GROUP_SSRCS. */
int sb_sdp_media_add_ssrc_group(sb_sdp_media *m, const char *semantics, const guint32 *ssrcs,
                                guint n);
void sb_sdp_media_add_msid(sb_sdp_media *m, const char *stream_id, const char *track_id);
void sb_sdp_media_add_rid(sb_sdp_media *m, const char *id, sb_sdp_rid_dir dir,
                          const char *restrictions);

/* The value of the first attribute named name (case-sensitive) in attrs:
 * SB_OK with *value borrowed (NULL for a flag) or SB_ENOTFOUND. */
int sb_sdp_attr_find(const GPtrArray *attrs, const char *name, const char **value);

/* Name of a direction/setup value as written in SDP ("sendrecv",
 * "actpass"); NULL for the NONE values. */
const char *sb_sdp_direction_name(sb_sdp_direction d);
const char *sb_sdp_setup_name(sb_sdp_setup s);

/* 1 if the id can only be sent in the two-byte header extension form. */
static inline int sb_sdp_extmap_needs_two_byte(guint id) { return id > SB_SDP_MAX_ONE_BYTE_EXT_ID; }

/* Decodes a fingerprint value "AB:CD:..." into bytes. SB_EINVAL if it is not
 * colon-separated hex pairs, SB_ENOSPC if more than cap bytes. */
int sb_sdp_fingerprint_decode(const sb_sdp_fingerprint *fp, uint8_t *out, size_t cap,
                              size_t *out_len);

/* ---- codec helpers (sdp_codec.c) ---- */

/* The first codec whose rtpmap name equals name case-insensitively
 * (borrowed), NULL if none. */
sb_sdp_codec *sb_sdp_media_find_codec(const sb_sdp_media *m, const char *name);
/* The payload type of the "rtx" codec whose fmtp says apt=<pt>: SB_OK and
 * *rtx_pt, or SB_ENOTFOUND. */
int sb_sdp_media_find_rtx(const sb_sdp_media *m, guint pt, guint *rtx_pt);
/* The id of the extmap with that uri (exact match) in the section, or in the
 * session when the section has none: SB_OK and *id, or SB_ENOTFOUND. sdp may
 * be NULL. */
int sb_sdp_find_extmap(const sb_sdp *sdp, const sb_sdp_media *m, const char *uri, guint *id);

/* Looks key up in an fmtp parameter text "a=1;b=2" (keys case-insensitive,
 * spaces around ';' and '=' ignored). SB_OK with the value (borrowed, not
 * NUL-terminated) in *val and *val_len, or SB_ENOTFOUND. params may be NULL. */
int sb_sdp_fmtp_get(const char *params, const char *key, const char **val, size_t *val_len);
/* Like sb_sdp_fmtp_get for a decimal value; SB_EINVAL if not a number. */
int sb_sdp_fmtp_get_uint(const char *params, const char *key, guint64 *out);

/* H.264 profile-level-id (RFC 6184 section 8.1). */
typedef enum {
  SB_H264_PROFILE_CONSTRAINED_BASELINE = 1,
  SB_H264_PROFILE_BASELINE,
  SB_H264_PROFILE_MAIN,
  SB_H264_PROFILE_CONSTRAINED_HIGH,
  SB_H264_PROFILE_HIGH,
  SB_H264_PROFILE_PREDICTIVE_HIGH_444,
} sb_h264_profile;

typedef struct {
  guint8 profile_idc;
  guint8 profile_iop;
  guint8 level_idc;  /* as written (11 is level 1.1, or 1b with level_1b) */
  gboolean level_1b; /* level 1b: level_idc 11 with constraint_set3 in a
                        baseline/main profile, or level_idc 9 */
  sb_h264_profile profile;
} sb_h264_plid;

/* Parses a 6-hex-digit profile-level-id. SB_EINVAL if it is not one, or
 * SB_EUNSUPPORTED if it names no profile WebRTC knows. */
int sb_sdp_h264_parse_plid(const char *text, size_t len, sb_h264_plid *out);
/* The profile-level-id of an H.264 fmtp text, defaulting to 42000a
 * (baseline, level 1) when absent, as RFC 6184 section 8.1 says. */
int sb_sdp_h264_fmtp_plid(const char *fmtp, sb_h264_plid *out);
/* packetization-mode of an fmtp text (0 when absent). */
guint sb_sdp_h264_packetization_mode(const char *fmtp);
/* 1 if an H.264 offer fmtp and an answer/local fmtp describe the same
 * stream format: same packetization-mode and same profile (levels may
 * differ; the answer may pick a lower one). 0 otherwise, also when either
 * profile-level-id cannot be parsed. */
int sb_sdp_h264_fmtp_compatible(const char *fmtp_a, const char *fmtp_b);
/* Orders H.264 levels (level_idc, with 1b ranked between 1 and 1.1):
 * negative, 0 or positive like strcmp. */
int sb_sdp_h264_level_cmp(const sb_h264_plid *a, const sb_h264_plid *b);
/* VP9 profile-id of an fmtp text (0 when absent). SB_EINVAL if not a number. */
int sb_sdp_vp9_profile_id(const char *fmtp, guint *out);

#endif
