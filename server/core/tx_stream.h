/* tx_stream.h - one stream the server sends to a receiver (a forwarded
 * track on one leg): the rewriting context (rewrite.h: SSRC, sequence,
 * timestamp, payload types, extension ids), the retransmission history keyed
 * on the rewritten sequence numbers (rtx_buffer.h), answers to the
 * receiver's NACKs (RFC 4588 RTX on its own SSRC and sequence counter when
 * the receiver negotiated it, else the identical packet again; never twice
 * within an RTT; rate-limited), what the receiver reports about the stream
 * (loss, jitter, round-trip time, its bandwidth estimate), sender reports,
 * and the counters the admin API shows.
 *
 * Sans-IO: time is now_us; nothing is sent from here. The history is the
 * only allocation, made when the receiver negotiates NACK. */
#ifndef SB_CORE_TX_STREAM_H
#define SB_CORE_TX_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rewrite.h"
#include "core/rtcp_rr.h"
#include "core/rtcp_sr.h"
#include "core/rtp.h"
#include "core/rtx_buffer.h"
#include "core/rx_stream.h"
#include "core/session.h"

/* Retransmission history: about a second of video, less of audio. */
#define SB_TX_HISTORY_VIDEO_PACKETS 1024
#define SB_TX_HISTORY_VIDEO_BYTES   (768 * 1024)
#define SB_TX_HISTORY_AUDIO_PACKETS 64
#define SB_TX_HISTORY_AUDIO_BYTES   (16 * 1024)
#define SB_TX_HISTORY_MAX_AGE_US    1000000
/* Retransmissions per stream: a token bucket of this rate and depth. */
#define SB_TX_RTX_RATE_BPS    4000000
#define SB_TX_RTX_BURST_BYTES 65536
#define SB_TX_SR_MEMORY       4 /* sender reports remembered for RTT */

typedef struct {
  uint64_t packets, bytes;           /* media packets sent */
  uint64_t nack_packets, nack_seqs;  /* NACKs the receiver sent, sequence numbers asked for */
  uint64_t retransmitted, rtx_bytes; /* packets sent again */
  uint64_t rtx_missing;              /* asked for but not in the history (not passed upstream) */
  uint64_t rtx_suppressed;           /* asked for again within an RTT */
  uint64_t rtx_rate_limited;         /* refused by the rate limit */
  uint64_t plis, firs;               /* keyframe requests from the receiver */
  uint64_t rembs;                    /* estimates received */
} sb_tx_counters;

typedef struct {
  sb_rewrite rw;
  uint32_t rtx_ssrc;        /* our RTX SSRC for this stream */
  uint16_t rtx_seq;         /* next RTX sequence number */
  uint8_t rtx_pt[128];      /* receiver's media payload type -> its RTX payload type (0: none) */
  bool nack;                /* the receiver NACKs: a history is kept */
  uint8_t abs_send_time_id; /* the receiver's abs-send-time id: restamped per leg (0: none) */
  bool video;
  sb_rtx_buffer *history;
  const sb_rx_stream *src; /* where the packets come from (sender-report mapping) */
  uint32_t src_epoch;      /* src->epoch last seen: a new source rebases the rewriting */
  /* Retransmission rate limit. */
  int64_t tokens;
  int64_t tokens_at_us;
  /* What the receiver reports. */
  bool have_report;
  uint8_t fraction_lost;
  int32_t cumulative_lost;
  uint32_t jitter;   /* RTP timestamp units */
  int64_t rtt_us;    /* 0: unknown */
  uint64_t remb_bps; /* its bandwidth estimate, 0: none */
  int64_t remb_at_us;
  /* Our last sender reports: LSR value -> when sent. */
  uint32_t sr_mid[SB_TX_SR_MEMORY];
  int64_t sr_sent_us[SB_TX_SR_MEMORY];
  unsigned sr_next;
  sb_tx_counters c;
} sb_tx_stream;

/* Starts a stream with our SSRC, RTX SSRC and random starting points. */
void sb_tx_stream_init(sb_tx_stream *s, uint32_t ssrc, uint32_t rtx_ssrc, uint16_t start_seq,
                       uint32_t start_ts, uint16_t rtx_start_seq, uint32_t clock_rate, bool video);
/* Frees the history. */
void sb_tx_stream_clear(sb_tx_stream *s);
/* The receiver's section was (re)negotiated: RTX payload types and NACK
 * support; keeps or makes the history. SB_ENOMEM when it cannot. */
int sb_tx_stream_configure(sb_tx_stream *s, const sb_msection *sec);

/* Rewrites a forwarded packet (pkt, len bytes, parsed into h) in place for
 * the receiver and keeps a copy in the history. abs-send-time is restamped
 * with now_us (retransmissions too): the receiver's estimator then measures
 * this leg, not the publisher's leg plus our queueing and recoveries. When the source's SSRC
 * changed since the last packet (src->epoch), the rewriting is rebased first
 * so the receiver sees one continuous stream. Errors as
 * sb_rewrite_apply(): the packet must not be sent. */
int sb_tx_stream_rewrite(sb_tx_stream *s, uint8_t *pkt, size_t len, const sb_rtp_header *h,
                         int64_t now_us);

/* Builds the retransmission of `seq` (a rewritten sequence number) into out
 * (cap bytes; *len). SB_ENOTFOUND when it is not in the history,
 * SB_EEXIST when it was resent less than an RTT ago, SB_EFULL when the rate
 * limit refuses, SB_EUNSUPPORTED without a history. Counted. */
int sb_tx_stream_resend(sb_tx_stream *s, uint16_t seq, int64_t now_us, uint8_t *out, size_t cap,
                        size_t *len);

/* A report block from the receiver about this stream: loss, jitter, RTT. */
void sb_tx_stream_on_report_block(sb_tx_stream *s, const sb_rtcp_report_block *b, int64_t now_us);

/* Fills a sender report for the stream, mapping the publisher's last
 * (NTP, RTP) pair to now in our timestamp space (audio and video of one
 * publisher stay in sync). SB_ESTATE when nothing was sent yet or the
 * publisher sent no report. Remembers the report for RTT. */
int sb_tx_stream_sender_report(sb_tx_stream *s, int64_t now_us, sb_rtcp_sr *sr);

#endif
