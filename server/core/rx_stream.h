/* rx_stream.h - one stream a peer publishes to the server (its media SSRC and
 * the RTX SSRC paired with it), as the receiving side keeps it: statistics
 * (rx_stats.h), upstream loss recovery (nack_gen.h: gaps are NACKed to the
 * publisher, retransmissions come back as RFC 4588 RTX or as the identical
 * packet), the publisher's last sender report (lip sync, LSR/DLSR), keyframe
 * requests with throttling, and the counters the admin API shows.
 *
 * Sans-IO: packets come in parsed and decrypted, time is now_us, feedback
 * goes out as RTCP bytes the caller sends. No allocation. */
#ifndef SB_CORE_RX_STREAM_H
#define SB_CORE_RX_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/nack_gen.h"
#include "core/rtcp_rr.h"
#include "core/rtp.h"
#include "core/rx_stats.h"
#include "core/session.h"

/* Keyframe requests to one publisher: at most one per this interval. */
#define SB_RX_KEYFRAME_MIN_INTERVAL_US 300000

/* Counters (read them; the stream writes them). */
typedef struct {
  uint64_t packets, bytes;          /* media packets accepted (recovered ones included) */
  uint64_t rtx_packets;             /* RTX packets received (padding probes included) */
  uint64_t recovered;               /* missing packets that came back (RTX or plain) */
  uint64_t duplicates;              /* retransmissions of packets we already had */
  uint64_t nack_packets, nack_seqs; /* NACKs we sent upstream, sequence numbers in them */
  uint64_t plis, firs;              /* keyframe requests we sent */
  uint64_t given_up;                /* missing packets recovery gave up on */
} sb_rx_counters;

typedef struct {
  const sb_msection *sec; /* the publisher's section: codecs, RTX payload types */
  uint32_t ssrc;          /* media SSRC (0 until known) */
  uint32_t rtx_ssrc;      /* RTX SSRC (0 until known) */
  uint32_t epoch;         /* +1 whenever the media SSRC changes (a new source) */
  int16_t ok_pt;          /* last payload type found negotiated (-1: none) */
  uint32_t clock_rate;
  bool nack; /* the publisher takes NACKs (rtcp-fb nack) */
  bool stats_started;
  sb_rx_stats stats;
  sb_nack_gen nack_gen;
  /* The publisher's last sender report. */
  bool have_sr;
  uint64_t sr_ntp;
  uint32_t sr_rtp;
  int64_t sr_arrival_us;
  /* Keyframe requests. */
  bool keyframe_wanted; /* one is to go out at the next poll */
  int64_t last_keyframe_req_us;
  uint8_t fir_seq;
  int64_t last_packet_us;
  sb_rx_counters c;
} sb_rx_stream;

/* Resets s for the section sec (may change later: sb_rx_stream_set_section). */
void sb_rx_stream_init(sb_rx_stream *s, const sb_msection *sec, uint32_t ssrc, uint32_t rtx_ssrc);
/* The section was renegotiated: codecs and NACK support may have changed. */
void sb_rx_stream_set_section(sb_rx_stream *s, const sb_msection *sec);
/* The media SSRC changed (a new source behind the same section). */
void sb_rx_stream_set_ssrc(sb_rx_stream *s, uint32_t ssrc);

/* Takes one decrypted RTP packet of this stream, parsed into *h; is_rtx when
 * it came on the RTX SSRC (or with an RTX payload type). An RTX packet is
 * turned back into the original in place (*len and *h updated). Returns
 * SB_OK when the packet is to be forwarded, SB_EEXIST for a retransmission of
 * a packet we already had, SB_ENOTFOUND for an RTX padding probe,
 * SB_EUNSUPPORTED for a payload type that was not negotiated, other negative
 * codes for malformed RTX. */
int sb_rx_stream_on_rtp(sb_rx_stream *s, uint8_t *pkt, size_t *len, sb_rtp_header *h, bool is_rtx,
                        int64_t now_us);
/* The publisher's sender report for this stream. */
void sb_rx_stream_on_sr(sb_rx_stream *s, uint64_t ntp, uint32_t rtp_ts, int64_t now_us);

/* Asks the publisher for a keyframe at the next poll, unless one was asked
 * for less than SB_RX_KEYFRAME_MIN_INTERVAL_US ago. true when it will go. */
bool sb_rx_stream_request_keyframe(sb_rx_stream *s, int64_t now_us);

/* Writes the feedback this stream owes the publisher now (a NACK of the
 * packets due, a PLI or FIR when a keyframe is wanted) as RTCP packets into
 * buf (cap bytes, *written). rtt_us: the current round-trip estimate (<= 0:
 * unknown). sender_ssrc: ours. */
int sb_rx_stream_poll(sb_rx_stream *s, int64_t now_us, int64_t rtt_us, uint32_t sender_ssrc,
                      uint8_t *buf, size_t cap, size_t *written);
/* When sb_rx_stream_poll has something to send next; INT64_MAX: nothing. */
int64_t sb_rx_stream_next_deadline(const sb_rx_stream *s, int64_t rtt_us);

/* Fills a receiver report block about this stream (starts a new report
 * interval). SB_ESTATE before the first packet. */
int sb_rx_stream_report_block(sb_rx_stream *s, int64_t now_us, sb_rtcp_report_block *b);

#endif
