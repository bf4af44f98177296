/* loadgen.h - what every part of sb-loadgen shares: the run configuration
 * (from the command line), the clock, and the traffic constants of the
 * packet mix. sb-loadgen opens real WebRTC peer connections (ICE, DTLS,
 * SRTP) in pairs through a server's signaling, sends audio-like and
 * video-like RTP and checks every packet the server forwards back. */
#ifndef SB_LG_LOADGEN_H
#define SB_LG_LOADGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef enum { SB_LG_TARGET_SWITCHBOARD, SB_LG_TARGET_JANUS } sb_lg_target;

typedef struct {
  sb_lg_target target;
  const char *url;     /* ws://host:port/path */
  int calls;           /* 1:1 calls, 2 peers each */
  double duration_s;   /* measured window after the last call is up */
  const char *address; /* local media address for ICE */
  int threads;         /* media threads */
  int video_kbps;      /* per peer */
  int audio_pps;       /* per peer */
  double setup_rate;   /* new calls per second */
  int setup_timeout_s; /* a call not up by then has failed */
  const char *json_path;
  bool verbose;
  double drop_recv; /* share of received video to drop and NACK (0: none) */
  bool nack;        /* NACK missing video like a browser (implied by drop_recv > 0) */
  uint64_t seed;    /* of the drop PRNGs (each peer's is derived from it) */
} sb_lg_config;

/* Payload sizes of the packet mix (RTP payload bytes, header not counted). */
#define SB_LG_AUDIO_PAYLOAD  100
#define SB_LG_VIDEO_PAYLOAD  1100
#define SB_LG_VIDEO_FPS      30
#define SB_LG_KEYFRAME_SCALE 10   /* a keyframe is this many normal frames */
#define SB_LG_KEYFRAME_EVERY 3000 /* ms between periodic keyframes */

/* CLOCK_MONOTONIC in nanoseconds: the send timestamp in every payload
 * (same host, any thread). The receive time it is compared with is the
 * kernel's, on the same clock (sb_lg_poller_arrival_ns). */
static inline int64_t sb_lg_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
