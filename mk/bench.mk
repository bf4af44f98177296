# mk/bench.mk - the load generator for the benchmark (tests/bench/): real
# WebRTC peer connections (ICE, DTLS, SRTP) against Switchboard or Janus.
# Built with the tree (noinst), run by the benchmark script. Its ICE agent is
# its own (ice_client.c on core/stun.c and core/ice_lite.c, sockets read by
# poller.c, timers from server/timers.c): no libnice.
noinst_PROGRAMS += tests/bench/sb-loadgen
tests_bench_sb_loadgen_SOURCES = tests/bench/loadgen/main.c \
	tests/bench/loadgen/loadgen.h \
	tests/bench/loadgen/run.c tests/bench/loadgen/run.h \
	tests/bench/loadgen/sig.h \
	tests/bench/loadgen/sig_switchboard.c tests/bench/loadgen/sig_janus.c \
	tests/bench/loadgen/ws_client.c tests/bench/loadgen/ws_client.h \
	server/ws_queue.c server/ws_queue.h \
	tests/bench/loadgen/thread.c tests/bench/loadgen/thread.h \
	tests/bench/loadgen/peer.c tests/bench/loadgen/peer.h tests/bench/loadgen/peer_private.h \
	tests/bench/loadgen/peer_rtp.c \
	tests/bench/loadgen/ice_client.c tests/bench/loadgen/ice_client.h \
	tests/bench/loadgen/poller.c tests/bench/loadgen/poller.h \
	server/timers.c server/timers.h server/net_addr.c server/net_addr.h \
	tests/bench/loadgen/sdp_offer.c tests/bench/loadgen/sdp_offer.h \
	tests/bench/loadgen/media.c tests/bench/loadgen/media.h \
	tests/bench/loadgen/loss.c tests/bench/loadgen/loss.h \
	tests/bench/loadgen/stats.c tests/bench/loadgen/stats.h
tests_bench_sb_loadgen_CFLAGS = $(AM_CFLAGS) $(LWS_CFLAGS) $(JANSSON_CFLAGS) \
	$(OPENSSL_CFLAGS) $(SRTP_CFLAGS)
tests_bench_sb_loadgen_LDADD = libsbmedia.la libsbcore.la $(LWS_LIBS) $(JANSSON_LIBS) \
	$(OPENSSL_LIBS) $(SRTP_LIBS) $(GLIB_LIBS) -lm

# Its sans-IO parts (packets, receive loss and NACKs, statistics,
# offer/answer) under make check.
check_PROGRAMS += tests/bench/loadgen/test_loadgen
TESTS += tests/bench/loadgen/test_loadgen
tests_bench_loadgen_test_loadgen_SOURCES = tests/bench/loadgen/test_loadgen.c \
	tests/bench/loadgen/media.c tests/bench/loadgen/media.h \
	tests/bench/loadgen/loss.c tests/bench/loadgen/loss.h \
	tests/bench/loadgen/stats.c tests/bench/loadgen/stats.h \
	tests/bench/loadgen/sdp_offer.c tests/bench/loadgen/sdp_offer.h
tests_bench_loadgen_test_loadgen_LDADD = libsbcore.la $(GLIB_LIBS) -lm

# Its ICE agent against the server's ICE-lite (sb_ice on a udp_mux) and full
# ICE (libnice) over 127.0.0.1, in a network namespace of its own.
check_PROGRAMS += tests/bench/loadgen/test_ice_client
tests_bench_loadgen_test_ice_client_SOURCES = tests/bench/loadgen/test_ice_client.c \
	tests/bench/loadgen/ice_client.c tests/bench/loadgen/ice_client.h \
	tests/bench/loadgen/poller.c tests/bench/loadgen/poller.h
tests_bench_loadgen_test_ice_client_CFLAGS = $(AM_CFLAGS) $(NICE_CFLAGS)
tests_bench_loadgen_test_ice_client_LDADD = libsbice.la libsbcore.la $(NICE_LIBS) $(GLIB_LIBS)
TESTS += tests/bench/loadgen/run_ice_client.sh
dist_noinst_SCRIPTS += tests/bench/loadgen/run_ice_client.sh
