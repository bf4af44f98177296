/* tx_stream.c - one forwarded stream on one receiving leg: rewriting,
 * retransmission history and NACK answers, the receiver's reports, sender
 * reports (see tx_stream.h). */
#include "core/tx_stream.h"

#include <string.h>

#include "core/error.h"
#include "core/rtp_ext.h"
#include "core/rtx.h"

void sb_tx_stream_init(sb_tx_stream *s, uint32_t ssrc, uint32_t rtx_ssrc, uint16_t start_seq,
                       uint32_t start_ts, uint16_t rtx_start_seq, uint32_t clock_rate, bool video) {
  memset(s, 0, sizeof *s);
  sb_rewrite_init(&s->rw, ssrc, start_seq, start_ts, clock_rate);
  s->rtx_ssrc = rtx_ssrc;
  s->rtx_seq = rtx_start_seq;
  s->video = video;
  s->tokens = SB_TX_RTX_BURST_BYTES;
}

void sb_tx_stream_clear(sb_tx_stream *s) {
  sb_rtx_buffer_free(s->history);
  s->history = NULL;
}

int sb_tx_stream_configure(sb_tx_stream *s, const sb_msection *sec) {
  memset(s->rtx_pt, 0, sizeof s->rtx_pt);
  s->nack = false;
  s->abs_send_time_id = sec ? sb_msection_ext_id(sec, SB_EXT_ABS_SEND_TIME) : 0;
  for (int i = 0; sec && i < sec->n_codecs; i++) {
    const sb_codec *c = &sec->codecs[i];
    s->nack |= c->fb_nack;
    if (c->rtx_pt) s->rtx_pt[c->pt & 0x7f] = c->rtx_pt;
  }
  if (!s->nack) {
    sb_tx_stream_clear(s);
    return SB_OK;
  }
  if (s->history) return SB_OK;
  return sb_rtx_buffer_new(s->video ? SB_TX_HISTORY_VIDEO_PACKETS : SB_TX_HISTORY_AUDIO_PACKETS,
                           s->video ? SB_TX_HISTORY_VIDEO_BYTES : SB_TX_HISTORY_AUDIO_BYTES,
                           SB_TX_HISTORY_MAX_AGE_US, &s->history);
}

/* abs-send-time of now (6.18 fixed-point seconds, 24 bits), if it has one. */
static void stamp_send_time(const sb_tx_stream *s, uint8_t *pkt, const sb_rtp_header *h,
                            int64_t now_us) {
  if (!s->abs_send_time_id || !h->extension) return;
  uint32_t v = (uint32_t)((((uint64_t)now_us << 18) / 1000000u) & 0xffffff);
  sb_rtp_ext_set_abs_send_time(pkt, h, s->abs_send_time_id, v);
}

int sb_tx_stream_rewrite(sb_tx_stream *s, uint8_t *pkt, size_t len, const sb_rtp_header *h,
                         int64_t now_us) {
  if (s->src && s->src->epoch != s->src_epoch) {
    s->src_epoch = s->src->epoch;
    sb_rewrite_rebase(&s->rw);
  }
  bool started = s->rw.started;
  uint16_t newest = s->rw.last_seq;
  int rc = sb_rewrite_apply(&s->rw, pkt, h, now_us);
  if (rc < 0) return rc;
  stamp_send_time(s, pkt, h, now_us);
  s->c.packets++;
  s->c.bytes += len;
  if (!s->history) return SB_OK;
  /* Kept under the sequence number the receiver sees. */
  uint16_t seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
  if (sb_rtx_buffer_put(s->history, seq, pkt, len, now_us) < 0) return SB_OK;
  if (started && (int16_t)(seq - newest) <= 0) {
    /* A late packet (recovered upstream, or reordered): the receiver may
     * have NACKed it already and the NACK cross this packet; it counts as
     * resent now, so that NACK does not send it a second time. */
    const uint8_t *p;
    size_t n;
    sb_rtx_buffer_get_resend(s->history, seq, now_us, 0, &p, &n);
  }
  return SB_OK;
}

/* Token bucket: may `bytes` go now? */
static bool take_tokens(sb_tx_stream *s, size_t bytes, int64_t now_us) {
  if (now_us > s->tokens_at_us) {
    /* A second refills the bucket anyway: no overflow after a long idle. */
    int64_t dt = now_us - s->tokens_at_us > 1000000 ? 1000000 : now_us - s->tokens_at_us;
    int64_t add = dt * (SB_TX_RTX_RATE_BPS / 8) / 1000000;
    s->tokens = s->tokens + add > SB_TX_RTX_BURST_BYTES ? SB_TX_RTX_BURST_BYTES : s->tokens + add;
    s->tokens_at_us = now_us;
  }
  if (s->tokens < (int64_t)bytes) return false;
  s->tokens -= (int64_t)bytes;
  return true;
}

int sb_tx_stream_resend(sb_tx_stream *s, uint16_t seq, int64_t now_us, uint8_t *out, size_t cap,
                        size_t *len) {
  if (!s->history) return SB_EUNSUPPORTED;
  s->c.nack_seqs++;
  const uint8_t *pkt;
  size_t plen;
  /* Not twice within an RTT (20 ms while unknown: the receiver repeats
   * its NACKs no faster than its own RTT estimate). */
  int64_t interval = s->rtt_us > 0 ? s->rtt_us * 9 / 10 : 20000;
  int rc = sb_rtx_buffer_get(s->history, seq, now_us, &pkt, &plen);
  if (rc < 0) {
    s->c.rtx_missing++;
    return rc;
  }
  if (!take_tokens(s, plen + 2, now_us)) {
    s->c.rtx_rate_limited++;
    return SB_EFULL;
  }
  rc = sb_rtx_buffer_get_resend(s->history, seq, now_us, interval, &pkt, &plen);
  if (rc == SB_EEXIST) {
    s->tokens += (int64_t)plen + 2; /* nothing sent */
    s->c.rtx_suppressed++;
    return rc;
  }
  if (rc < 0) return rc;
  sb_rtp_header h;
  rc = sb_rtp_parse(pkt, plen, &h);
  if (rc < 0) return rc;
  uint8_t rtx_pt = s->rtx_pt[h.payload_type & 0x7f];
  if (rtx_pt && s->rtx_ssrc) {
    rc = sb_rtx_wrap(pkt, plen, &h, rtx_pt, s->rtx_ssrc, s->rtx_seq, out, cap, len);
    if (rc < 0) return rc;
    s->rtx_seq++;
  } else {
    if (plen > cap) return SB_ENOSPC;
    memcpy(out, pkt, plen);
    *len = plen;
  }
  sb_rtp_header oh;
  if (sb_rtp_parse(out, *len, &oh) == SB_OK) stamp_send_time(s, out, &oh, now_us);
  s->c.retransmitted++;
  s->c.rtx_bytes += *len;
  return SB_OK;
}

void sb_tx_stream_on_report_block(sb_tx_stream *s, const sb_rtcp_report_block *b, int64_t now_us) {
  s->have_report = true;
  s->fraction_lost = b->fraction_lost;
  s->cumulative_lost = b->cumulative_lost;
  s->jitter = b->jitter;
  if (!b->lsr) return;
  for (unsigned i = 0; i < SB_TX_SR_MEMORY; i++) {
    if (s->sr_mid[i] != b->lsr || !s->sr_sent_us[i]) continue;
    int64_t rtt = now_us - s->sr_sent_us[i] - (int64_t)sb_rtcp_ntp_compact_to_us(b->dlsr);
    if (rtt < 0) rtt = 0;
    /* Smoothed like TCP's SRTT, so one late report does not swing it. */
    s->rtt_us = s->rtt_us ? (7 * s->rtt_us + rtt) / 8 : rtt;
    if (s->rtt_us < 1) s->rtt_us = 1; /* 0 means unknown */
    return;
  }
}

int sb_tx_stream_sender_report(sb_tx_stream *s, int64_t now_us, sb_rtcp_sr *sr) {
  const sb_rx_stream *src = s->src;
  if (!s->rw.started || !src || !src->have_sr) return SB_ESTATE;
  int64_t elapsed = now_us - src->sr_arrival_us;
  if (elapsed < 0) elapsed = 0;
  memset(sr, 0, sizeof *sr);
  sr->ssrc = s->rw.ssrc;
  uint64_t e = (uint64_t)elapsed; /* whole seconds first: no overflow after hours */
  sr->ntp = src->sr_ntp + ((e / 1000000u) << 32) + (((e % 1000000u) << 32) / 1000000u);
  uint32_t rtp = src->sr_rtp + (uint32_t)((uint64_t)elapsed * s->rw.clock_rate / 1000000u);
  sr->rtp_ts = sb_rewrite_ts(&s->rw, rtp);
  sr->packet_count = s->rw.packets;
  sr->octet_count = s->rw.octets;
  s->sr_mid[s->sr_next] = sb_rtcp_ntp_to_mid32(sr->ntp);
  s->sr_sent_us[s->sr_next] = now_us;
  s->sr_next = (s->sr_next + 1) % SB_TX_SR_MEMORY;
  return SB_OK;
}
