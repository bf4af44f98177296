/* media_session.h - the RTP/RTCP side of one peer connection, sans-IO, in the
 * shape of str0m's core: decrypted packets and the time go in
 * (sb_msess_on_rtp, sb_msess_on_rtcp, sb_msess_poll), RTCP and
 * retransmissions to send and events come out through the sb_msess_io the
 * owner gives, and sb_msess_next_deadline says when to call sb_msess_poll
 * again.
 *
 * It holds the streams the peer publishes (sb_rx_stream: RTX recovery, NACKs
 * upstream, keyframe requests) and the streams forwarded to it (sb_tx_stream:
 * history, NACK answers, the receiver's reports), all owned by the caller and
 * registered here, plus what is per transport: transport-wide congestion
 * control feedback (twcc_gen.h) for what the peer sends, the round-trip time,
 * the bandwidth cap we ask the peer to respect as a sender (REMB), and the
 * periodic reports (SR for what we send, RR for what we receive, SDES).
 *
 * Which streams feed which is the owner's business (the forwarding graph):
 * the session decides, per packet, which of its streams a packet belongs to
 * and whether it is to be forwarded. No clock reads, no sockets, no locks:
 * one thread (the peer's worker) uses it. */
#ifndef SB_CORE_MEDIA_SESSION_H
#define SB_CORE_MEDIA_SESSION_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rtp.h"
#include "core/rx_stream.h"
#include "core/session.h"
#include "core/twcc_gen.h"
#include "core/tx_stream.h"

#define SB_MSESS_REPORT_INTERVAL_US 1000000
#define SB_MSESS_TWCC_INTERVAL_US   100000
#define SB_MSESS_REMB_INTERVAL_US   1000000
#define SB_MSESS_RTCP_MAX           1200 /* plain RTCP per compound packet */
/* The REMB that lifts a cap we sent before (REMB has no "no limit"). */
#define SB_MSESS_REMB_UNCAPPED 10000000000ull
/* Room callers leave after an RTCP or RTP buffer handed to them (SRTP). */
#define SB_MSESS_TRAILER 160

/* What comes out. Buffers are lent for the call, with `cap` bytes of room
 * (so the owner can protect them in place). */
typedef struct {
  /* An RTCP compound packet for the peer. */
  void (*send_rtcp)(void *user, uint8_t *buf, size_t len, size_t cap);
  /* A retransmission (RTP) for the peer. */
  void (*send_rtp)(void *user, uint8_t *buf, size_t len, size_t cap);
  /* The peer (as a receiver) asks for a keyframe of what tx carries. */
  void (*keyframe_request)(void *user, sb_tx_stream *tx);
  /* The peer (as a receiver) estimates it can take `bps` (REMB). */
  void (*estimate)(void *user, sb_tx_stream *tx, uint64_t bps);
} sb_msess_io;

typedef struct {
  uint64_t rtp_in, rtcp_in, rtcp_out, rtx_out;
  uint64_t twcc_feedback, rembs_sent;
  uint64_t dropped; /* packets of no stream, or refused by one */
} sb_msess_counters;

typedef struct {
  uint32_t rtcp_ssrc; /* our SSRC for reports and feedback */
  char cname[32];
  GPtrArray *rx; /* sb_rx_stream*, borrowed */
  GPtrArray *tx; /* sb_tx_stream*, borrowed */
  sb_twcc_gen *twcc;
  uint8_t twcc_id; /* the transport-wide-cc extension id, 0: not negotiated */
  uint32_t twcc_media_ssrc;
  bool reschedule; /* sb_msess_on_rtp moved the next deadline forward */
  int64_t rtt_us;  /* 0: unknown */
  int64_t next_report_us;
  /* The estimate we send the peer as a sender (0: none). */
  uint64_t remb_bps;
  int64_t remb_due_us;
  /* Our own estimate of what the peer can send us, for a peer that takes
   * REMB and not transport-wide feedback (sb_msess_set_own_estimate). */
  bool own_estimate;
  uint64_t own_bps;
  uint8_t worst_loss; /* highest fraction lost (/256) in our last receiver report */
  const sb_msess_io *io;
  void *user;
  sb_msess_counters c;
} sb_msess;

sb_msess *sb_msess_new(uint32_t rtcp_ssrc, const char *cname, const sb_msess_io *io, void *user);
void sb_msess_free(sb_msess *ms);

void sb_msess_add_rx(sb_msess *ms, sb_rx_stream *rx);
void sb_msess_remove_rx(sb_msess *ms, sb_rx_stream *rx);
void sb_msess_add_tx(sb_msess *ms, sb_tx_stream *tx);
void sb_msess_remove_tx(sb_msess *ms, sb_tx_stream *tx);

/* After a negotiation: feedback for the transport-wide sequence numbers
 * the peer sends with extension id `twcc_id` (0: none). */
void sb_msess_set_twcc(sb_msess *ms, uint8_t twcc_id);

/* The stream a packet belongs to: by SSRC, then RTX SSRC, then the mid
 * header extension (learning the SSRC), then the only section still
 * waiting for an SSRC with that payload type. *is_rtx when it is a
 * retransmission. NULL: none. */
sb_rx_stream *sb_msess_find_rx(sb_msess *ms, const sb_rtp_header *h, bool *is_rtx);

/* One decrypted RTP packet from the peer (pkt, *len, parsed into *h; both
 * may change: RTX is unwrapped in place). SB_OK with *out set when it is to
 * be forwarded; a negative code when not (counted). */
int sb_msess_on_rtp(sb_msess *ms, uint8_t *pkt, size_t *len, sb_rtp_header *h, int64_t now_us,
                    sb_rx_stream **out);
/* true once (then cleared) when a packet given to sb_msess_on_rtp brought
 * the next deadline forward (a new gap to NACK, feedback newly pending):
 * only then need the owner look at sb_msess_next_deadline again, which
 * walks every stream's missing packets. */
bool sb_msess_take_reschedule(sb_msess *ms);

/* One decrypted RTCP compound packet from the peer. */
void sb_msess_on_rtcp(sb_msess *ms, const uint8_t *pkt, size_t len, int64_t now_us);

/* Asks the peer for a keyframe of rx (throttled). */
void sb_msess_request_keyframe(sb_msess *ms, sb_rx_stream *rx, int64_t now_us);
/* The most the peer should send (REMB towards it), 0: no cap. Sent at once
 * when it falls, then every SB_MSESS_REMB_INTERVAL_US. A cap that goes away
 * is lifted with a REMB of SB_MSESS_REMB_UNCAPPED (browsers keep the last
 * REMB as a limit). */
void sb_msess_set_remb(sb_msess *ms, uint64_t bps, int64_t now_us);

/* For a peer that negotiated goog-remb and not transport-cc: the server
 * estimates what it can send from what arrives, loss-based (RFC 3550 loss
 * fraction of each report interval): above 10% loss the estimate falls by
 * half the loss, below 2% it grows 8% a second while the peer uses at least
 * half of it, in between it holds; it starts at 1.5x the incoming rate (300
 * kbit/s at least) and stays within 50 kbit/s..30 Mbit/s. Sent as REMB with
 * each report (the lower of it and any receivers' cap). */
void sb_msess_set_own_estimate(sb_msess *ms, bool on);

/* Sends whatever is due at now_us. */
void sb_msess_poll(sb_msess *ms, int64_t now_us);
/* When sb_msess_poll has something to do next. */
int64_t sb_msess_next_deadline(const sb_msess *ms);

#endif
