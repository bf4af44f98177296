# mk/bench.mk - the load generator for the benchmark (tests/bench/): real
# WebRTC peer connections (ICE, DTLS, SRTP) against Switchboard or Janus.
# Built with the tree (noinst), run by the benchmark script.
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
	tests/bench/loadgen/sdp_offer.c tests/bench/loadgen/sdp_offer.h \
	tests/bench/loadgen/media.c tests/bench/loadgen/media.h \
	tests/bench/loadgen/stats.c tests/bench/loadgen/stats.h
tests_bench_sb_loadgen_CFLAGS = $(AM_CFLAGS) $(LWS_CFLAGS) $(JANSSON_CFLAGS) $(NICE_CFLAGS) \
	$(OPENSSL_CFLAGS) $(SRTP_CFLAGS)
tests_bench_sb_loadgen_LDADD = libsbmedia.la libsbice.la libsbcore.la $(LWS_LIBS) $(JANSSON_LIBS) \
	$(NICE_LIBS) $(OPENSSL_LIBS) $(SRTP_LIBS) $(GLIB_LIBS) -lm

# Its sans-IO parts (packets, statistics, offer/answer) under make check.
check_PROGRAMS += tests/bench/loadgen/test_loadgen
TESTS += tests/bench/loadgen/test_loadgen
tests_bench_loadgen_test_loadgen_SOURCES = tests/bench/loadgen/test_loadgen.c \
	tests/bench/loadgen/media.c tests/bench/loadgen/media.h \
	tests/bench/loadgen/stats.c tests/bench/loadgen/stats.h \
	tests/bench/loadgen/sdp_offer.c tests/bench/loadgen/sdp_offer.h
tests_bench_loadgen_test_loadgen_LDADD = libsbcore.la $(GLIB_LIBS) -lm
