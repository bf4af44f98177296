# mk/rtp.mk - RTP: fixed header, header extensions, sequence arithmetic,
# receive statistics, retransmission buffer; their unit tests and fuzzer.
libsbcore_la_SOURCES += server/core/rtp.c server/core/rtp.h \
	server/core/rtp_ext.c server/core/rtp_ext.h \
	server/core/seq.h \
	server/core/rx_stats.c server/core/rx_stats.h \
	server/core/rtx_buffer.c server/core/rtx_buffer.h

check_PROGRAMS += tests/unit/test_rtp tests/unit/test_rtp_ext tests/unit/test_seq \
	tests/unit/test_rx_stats tests/unit/test_rtx_buffer
TESTS += tests/unit/test_rtp tests/unit/test_rtp_ext tests/unit/test_seq \
	tests/unit/test_rx_stats tests/unit/test_rtx_buffer

check_PROGRAMS += tests/fuzz/replay_rtp
tests_fuzz_replay_rtp_SOURCES = tests/fuzz/fuzz_rtp.c tests/fuzz/replay_main.c
tests_fuzz_replay_rtp_CPPFLAGS = $(AM_CPPFLAGS) -DSB_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/rtp"'
TESTS += tests/fuzz/replay_rtp
EXTRA_DIST += tests/fuzz/corpus/rtp
if SB_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_rtp
tests_fuzz_fuzz_rtp_SOURCES = tests/fuzz/fuzz_rtp.c
tests_fuzz_fuzz_rtp_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
