/* main.c - sb-loadgen's command line and result: parses the options of
 * the benchmark contract, raises the open-file limit (each call holds
 * sockets), runs the load (run.c) and writes the result object as JSON to
 * --json and as the last line of stdout. Exit status 0 when every call came
 * up and media flowed, 1 otherwise, 2 for a bad command line. */
#include <jansson.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "run.h"

static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

static json_t *result_json(const sb_lg_result *r) {
  json_t *o = json_object();
  json_object_set_new(o, "target", json_string(r->target ? r->target : ""));
  json_object_set_new(o, "calls", json_integer(r->calls));
  json_object_set_new(o, "calls_up", json_integer(r->calls_up));
  json_object_set_new(o, "calls_failed", json_integer(r->calls_failed));
  json_object_set_new(o, "duration_s", json_real(r->duration_s));
  json_object_set_new(o, "setup_ms",
                      json_pack("{s:f,s:f}", "median", r->setup_median_ms, "p99", r->setup_p99_ms));
  json_object_set_new(o, "sent_packets", json_integer((json_int_t)r->sent_packets));
  json_object_set_new(o, "received_packets", json_integer((json_int_t)r->received_packets));
  json_object_set_new(o, "lost", json_integer((json_int_t)r->lost));
  json_object_set_new(o, "duplicates", json_integer((json_int_t)r->duplicates));
  json_object_set_new(o, "corrupt", json_integer((json_int_t)r->corrupt));
  json_object_set_new(o, "send_errors", json_integer((json_int_t)r->send_errors));
  json_object_set_new(o, "generator_skipped", json_integer((json_int_t)r->skipped));
  json_object_set_new(o, "loss_pct", json_real(r->loss_pct));
  json_object_set_new(o, "latency_us",
                      json_pack("{s:f,s:f}", "p50", r->latency_p50_us, "p99", r->latency_p99_us));
  json_object_set_new(o, "forwarded_pps", json_real(r->forwarded_pps));
  json_object_set_new(o, "forwarded_mbps", json_real(r->forwarded_mbps));
  json_object_set_new(o, "window_start_unix", json_real(r->window_start_unix));
  json_object_set_new(o, "window_end_unix", json_real(r->window_end_unix));
  json_object_set_new(o, "drop_recv", json_real(r->drop_recv));
  json_t *rec = json_object();
  json_object_set_new(rec, "nack", json_boolean(r->nack));
  json_object_set_new(rec, "dropped", json_integer((json_int_t)r->dropped));
  json_object_set_new(rec, "nack_packets", json_integer((json_int_t)r->nack_packets));
  json_object_set_new(rec, "nacked_seqs", json_integer((json_int_t)r->nacked_seqs));
  json_object_set_new(rec, "retransmissions", json_integer((json_int_t)r->retransmissions));
  json_object_set_new(rec, "rtx_packets", json_integer((json_int_t)r->rtx_packets));
  json_object_set_new(rec, "recovered", json_integer((json_int_t)r->recovered));
  json_object_set_new(rec, "rtx_unneeded", json_integer((json_int_t)r->rtx_unneeded));
  json_object_set_new(rec, "given_up", json_integer((json_int_t)r->given_up));
  json_object_set_new(rec, "plis_sent", json_integer((json_int_t)r->plis_sent));
  json_object_set_new(rec, "nack_in_seqs", json_integer((json_int_t)r->nack_in_seqs));
  json_object_set_new(rec, "resent", json_integer((json_int_t)r->resent));
  json_object_set_new(rec, "twcc_feedback_in", json_integer((json_int_t)r->twcc_in));
  json_object_set_new(o, "recovery", rec);
  if (r->first_failure[0]) json_object_set_new(o, "first_failure", json_string(r->first_failure));
  return o;
}

int main(int argc, char **argv) {
  char *target = NULL, *url = NULL, *address = NULL, *json_path = NULL;
  int calls = 1, threads = 2, video_kbps = 1000, audio_pps = 50, setup_timeout = 30;
  double duration = 10, setup_rate = 20, drop_recv = 0;
  gboolean verbose = FALSE, nack = FALSE;
  gint64 seed = 1;
  GOptionEntry entries[] = {
      {"target", 0, 0, G_OPTION_ARG_STRING, &target, "Server kind: switchboard or janus", "KIND"},
      {"url", 0, 0, G_OPTION_ARG_STRING, &url,
       "Signaling URL: ws://HOST:PORT/ws (switchboard) or ws://HOST:8188 (janus)", "URL"},
      {"calls", 0, 0, G_OPTION_ARG_INT, &calls, "1:1 calls (2 peer connections each; default 1)",
       "N"},
      {"duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration,
       "Seconds of measured media after the last call is up (default 10)", "S"},
      {"address", 0, 0, G_OPTION_ARG_STRING, &address,
       "Local media address for ICE (default 127.0.0.1)", "IP"},
      {"threads", 0, 0, G_OPTION_ARG_INT, &threads, "Media threads (default 2)", "T"},
      {"video-kbps", 0, 0, G_OPTION_ARG_INT, &video_kbps, "Video per peer (default 1000)", "K"},
      {"audio-pps", 0, 0, G_OPTION_ARG_INT, &audio_pps, "Audio packets/s per peer (default 50)",
       "P"},
      {"setup-rate", 0, 0, G_OPTION_ARG_DOUBLE, &setup_rate,
       "New calls per second while ramping (default 20)", "R"},
      {"setup-timeout", 0, 0, G_OPTION_ARG_INT, &setup_timeout,
       "Seconds a call may take to come up (default 30)", "S"},
      {"json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Also write the result object here",
       "FILE"},
      {"drop-recv", 0, 0, G_OPTION_ARG_DOUBLE, &drop_recv,
       "Drop this share (0..0.5) of the new video packets received, as a lossy network would, "
       "and NACK them; implies --nack (default 0)",
       "SHARE"},
      {"nack", 0, 0, G_OPTION_ARG_NONE, &nack,
       "NACK missing video like a browser (and ask for a keyframe when a packet is given up)",
       NULL},
      {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the --drop-recv choices (default 1)", "N"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log every call's progress", NULL},
      G_OPTION_ENTRY_NULL};
  GOptionContext *oc = g_option_context_new("- WebRTC load generator for Switchboard and Janus");
  g_option_context_set_summary(
      oc, "Opens 2 x N real WebRTC peer connections (ICE, DTLS, SRTP) paired into 1:1 calls\n"
          "through the server's signaling, sends audio-like and video-like RTP and checks every\n"
          "forwarded packet (loss, duplicates, corruption, one-way latency, set-up time).\n"
          "Prints \"WINDOW START\" / \"WINDOW END\" on stderr at the edges of the measured window\n"
          "and the result as JSON on the last line of stdout.");
  g_option_context_add_main_entries(oc, entries, NULL);
  GError *err = NULL;
  int status = 2;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "sb-loadgen: %s\n", err->message);
    goto out;
  }
  sb_lg_config cfg = {.url = url,
                      .calls = calls,
                      .duration_s = duration,
                      .address = address ? address : "127.0.0.1",
                      .threads = threads,
                      .video_kbps = video_kbps,
                      .audio_pps = audio_pps,
                      .setup_rate = setup_rate,
                      .setup_timeout_s = setup_timeout,
                      .json_path = json_path,
                      .verbose = verbose,
                      .drop_recv = drop_recv,
                      .nack = nack || drop_recv > 0,
                      .seed = (uint64_t)seed};
  if (!target || !strcmp(target, "switchboard"))
    cfg.target = SB_LG_TARGET_SWITCHBOARD;
  else if (!strcmp(target, "janus"))
    cfg.target = SB_LG_TARGET_JANUS;
  else {
    fprintf(stderr, "sb-loadgen: --target must be switchboard or janus\n");
    goto out;
  }
  if (!url || !g_str_has_prefix(url, "ws://")) {
    fprintf(stderr, "sb-loadgen: --url ws://HOST:PORT/... is required\n");
    goto out;
  }
  if (calls < 1 || threads < 1 || threads > 64 || duration <= 0 || setup_rate <= 0 ||
      video_kbps < 0 || audio_pps < 1 || audio_pps > 1000 || setup_timeout < 1) {
    fprintf(stderr, "sb-loadgen: --calls, --threads, --duration, --setup-rate, --audio-pps and "
                    "--setup-timeout must be positive (threads <= 64, audio-pps <= 1000)\n");
    goto out;
  }
  if (!(drop_recv >= 0 && drop_recv <= 0.5)) {
    fprintf(stderr, "sb-loadgen: --drop-recv must be between 0 and 0.5\n");
    goto out;
  }
  raise_fd_limit();
  lws_set_log_level(LLL_ERR, NULL);
  sb_lg_result res;
  if (sb_lg_run_exec(&cfg, &res, &err) < 0) {
    fprintf(stderr, "sb-loadgen: %s\n", err ? err->message : "cannot start");
    status = 1;
    goto out;
  }
  json_t *o = result_json(&res);
  char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
  if (json_path && json_dump_file(o, json_path, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) < 0)
    fprintf(stderr, "sb-loadgen: cannot write %s\n", json_path);
  json_decref(o);
  fprintf(stderr,
          "\nsent %" G_GUINT64_FORMAT ", received %" G_GUINT64_FORMAT ", lost %" G_GUINT64_FORMAT
          " (%.3f %%), duplicates %" G_GUINT64_FORMAT ", corrupt %" G_GUINT64_FORMAT
          ", latency p50 %.0f us p99 %.0f us, %.1f pps, %.2f Mbit/s\n",
          res.sent_packets, res.received_packets, res.lost, res.loss_pct, res.duplicates,
          res.corrupt, res.latency_p50_us, res.latency_p99_us, res.forwarded_pps,
          res.forwarded_mbps);
  if (res.nack)
    fprintf(stderr,
            "dropped %" G_GUINT64_FORMAT ", NACKed %" G_GUINT64_FORMAT " seqs in %" G_GUINT64_FORMAT
            " messages, retransmissions %" G_GUINT64_FORMAT " (RTX %" G_GUINT64_FORMAT
            ", unneeded %" G_GUINT64_FORMAT "), recovered %" G_GUINT64_FORMAT
            ", given up %" G_GUINT64_FORMAT ", PLIs %" G_GUINT64_FORMAT "\n",
            res.dropped, res.nacked_seqs, res.nack_packets, res.retransmissions, res.rtx_packets,
            res.rtx_unneeded, res.recovered, res.given_up, res.plis_sent);
  printf("%s\n", text);
  fflush(stdout);
  free(text);
  status = res.calls_up == res.calls && res.received_packets > 0 ? 0 : 1;
out:
  g_clear_error(&err);
  g_option_context_free(oc);
  g_free(target);
  g_free(url);
  g_free(address);
  g_free(json_path);
  return status;
}
