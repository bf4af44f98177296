/* rx_stream.c - one published stream as the server receives it: RTX
 * recovery, loss tracking and NACKs upstream, keyframe requests, the
 * publisher's sender reports (see rx_stream.h). */
#include "core/rx_stream.h"

#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/rtcp.h"
#include "core/rtcp_fir.h"
#include "core/rtcp_nack.h"
#include "core/rtcp_pli.h"
#include "core/rtcp_sr.h"
#include "core/rtx.h"
#include "core/seq.h"

static bool section_nack(const sb_msection *sec) {
  for (int i = 0; sec && i < sec->n_codecs; i++)
    if (sec->codecs[i].fb_nack) return true;
  return false;
}

void sb_rx_stream_init(sb_rx_stream *s, const sb_msection *sec, uint32_t ssrc, uint32_t rtx_ssrc) {
  memset(s, 0, sizeof *s);
  s->ssrc = ssrc;
  s->rtx_ssrc = rtx_ssrc;
  sb_nack_gen_init(&s->nack_gen, NULL);
  sb_rx_stream_set_section(s, sec);
}

void sb_rx_stream_set_section(sb_rx_stream *s, const sb_msection *sec) {
  s->sec = sec;
  s->ok_pt = -1;
  s->nack = section_nack(sec);
  s->clock_rate = sec && sec->n_codecs ? sec->codecs[0].clock_rate : 90000;
}

void sb_rx_stream_set_ssrc(sb_rx_stream *s, uint32_t ssrc) {
  if (s->ssrc == ssrc) return;
  s->ssrc = ssrc;
  s->epoch++;
  s->stats_started = false;
  s->have_sr = false;
  sb_nack_gen_reset(&s->nack_gen);
}

/* An RTX packet back to the original, in place. */
static int unwrap_rtx(sb_rx_stream *s, uint8_t *pkt, size_t *len, sb_rtp_header *h) {
  s->c.rtx_packets++;
  const sb_codec *c = s->sec ? sb_msection_codec_for_rtx(s->sec, h->payload_type) : NULL;
  if (!c || !s->ssrc) return SB_EUNSUPPORTED;
  int rc = sb_rtx_unwrap(pkt, len, h, c->pt, s->ssrc);
  if (rc < 0) return rc;
  return sb_rtp_parse(pkt, *len, h);
}

int sb_rx_stream_on_rtp(sb_rx_stream *s, uint8_t *pkt, size_t *len, sb_rtp_header *h, bool is_rtx,
                        int64_t now_us) {
  if (is_rtx) {
    int rc = unwrap_rtx(s, pkt, len, h);
    if (rc < 0) return rc;
  }
  if (s->ok_pt != h->payload_type) {
    const sb_codec *c = s->sec ? sb_msection_codec(s->sec, h->payload_type) : NULL;
    if (!c) return SB_EUNSUPPORTED;
    s->ok_pt = h->payload_type;
  }
  if (s->nack) {
    if (is_rtx && s->nack_gen.started) {
      /* A retransmission only fills a hole: one far from what we track
       * (a stale or forged one) must not restart the tracking. */
      int d = sb_seq_diff(h->seq, s->nack_gen.highest);
      if (d > (int)s->nack_gen.cfg.max_gap || -d > (int)s->nack_gen.cfg.max_reorder) {
        s->c.duplicates++;
        return SB_EEXIST;
      }
    }
    sb_nack_gen_result r = sb_nack_gen_on_packet(&s->nack_gen, h->seq, now_us);
    if (r == SB_NACK_GEN_RECOVERED) {
      s->c.recovered++;
    } else if (is_rtx && r == SB_NACK_GEN_OLD) {
      s->c.duplicates++; /* a retransmission we did not need (any more) */
      return SB_EEXIST;
    }
  }
  if (!s->stats_started) {
    sb_rx_stats_init(&s->stats, s->clock_rate, 1000);
    s->stats_started = true;
  }
  sb_rx_stats_update(&s->stats, h->seq, h->timestamp, *len, now_us);
  s->c.packets++;
  s->c.bytes += *len;
  s->last_packet_us = now_us;
  return SB_OK;
}

void sb_rx_stream_on_sr(sb_rx_stream *s, uint64_t ntp, uint32_t rtp_ts, int64_t now_us) {
  s->have_sr = true;
  s->sr_ntp = ntp;
  s->sr_rtp = rtp_ts;
  s->sr_arrival_us = now_us;
}

bool sb_rx_stream_request_keyframe(sb_rx_stream *s, int64_t now_us) {
  if (s->keyframe_wanted) return true;
  if (s->last_keyframe_req_us && now_us - s->last_keyframe_req_us < SB_RX_KEYFRAME_MIN_INTERVAL_US)
    return false; /* one is on its way */
  s->keyframe_wanted = true;
  return true;
}

static int write_keyframe_request(sb_rx_stream *s, uint32_t sender_ssrc, uint8_t *buf, size_t cap,
                                  size_t *w) {
  const sb_codec *c = s->ok_pt >= 0 ? sb_msection_codec(s->sec, (uint8_t)s->ok_pt) : NULL;
  if (c && !c->fb_pli && c->fb_fir) {
    sb_rtcp_fir fir = {.sender_ssrc = sender_ssrc, .n_entries = 1};
    fir.entries[0] = (sb_rtcp_fir_entry){.ssrc = s->ssrc, .seq = ++s->fir_seq};
    int rc = sb_rtcp_fir_write(&fir, buf, cap, w);
    if (rc == SB_OK) s->c.firs++;
    return rc;
  }
  sb_rtcp_pli pli = {.sender_ssrc = sender_ssrc, .media_ssrc = s->ssrc};
  int rc = sb_rtcp_pli_write(&pli, buf, cap, w);
  if (rc == SB_OK) s->c.plis++;
  return rc;
}

int sb_rx_stream_poll(sb_rx_stream *s, int64_t now_us, int64_t rtt_us, uint32_t sender_ssrc,
                      uint8_t *buf, size_t cap, size_t *written) {
  size_t pos = 0, w = 0;
  *written = 0;
  if (!s->ssrc) return SB_OK;
  if (s->nack) {
    uint16_t seqs[SB_RTCP_NACK_MAX_PAIRS];
    /* No more than one NACK packet in cap can carry (a pair per seq at
     * worst): the rest stay due for the next poll. */
    size_t room = cap > SB_RTCP_FB_HEADER_LEN ? (cap - SB_RTCP_FB_HEADER_LEN) / 4 : 0;
    size_t n = sb_nack_gen_poll(&s->nack_gen, now_us, rtt_us, seqs, MIN(room, G_N_ELEMENTS(seqs)));
    if (n) {
      sb_rtcp_nack nack;
      if (sb_rtcp_nack_build(sender_ssrc, s->ssrc, seqs, n, &nack) == SB_OK &&
          sb_rtcp_nack_write(&nack, buf, cap, &w) == SB_OK) {
        pos += w;
        s->c.nack_packets++;
        s->c.nack_seqs += n;
      }
    }
    if (sb_nack_gen_take_keyframe_request(&s->nack_gen)) sb_rx_stream_request_keyframe(s, now_us);
    s->c.given_up = s->nack_gen.given_up;
  }
  if (s->keyframe_wanted &&
      write_keyframe_request(s, sender_ssrc, buf + pos, cap - pos, &w) == SB_OK) {
    pos += w;
    s->keyframe_wanted = false;
    s->last_keyframe_req_us = now_us;
  }
  *written = pos;
  return SB_OK;
}

int64_t sb_rx_stream_next_deadline(const sb_rx_stream *s, int64_t rtt_us) {
  if (!s->ssrc) return INT64_MAX;
  if (s->keyframe_wanted) return 0;
  return s->nack ? sb_nack_gen_next_deadline(&s->nack_gen, rtt_us) : INT64_MAX;
}

int sb_rx_stream_report_block(sb_rx_stream *s, int64_t now_us, sb_rtcp_report_block *b) {
  if (!s->stats_started) return SB_ESTATE;
  sb_rx_report rep;
  int rc = sb_rx_stats_report(&s->stats, &rep);
  if (rc < 0) return rc;
  memset(b, 0, sizeof *b);
  b->ssrc = s->ssrc;
  b->fraction_lost = rep.fraction_lost;
  b->cumulative_lost = rep.cumulative_lost;
  b->ext_highest_seq = rep.ext_highest_seq;
  b->jitter = rep.jitter;
  if (s->have_sr) {
    b->lsr = sb_rtcp_ntp_to_mid32(s->sr_ntp);
    b->dlsr = sb_rtcp_ntp_compact_from_us((uint64_t)(now_us - s->sr_arrival_us));
  }
  return SB_OK;
}
