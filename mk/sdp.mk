# mk/sdp.mk - SDP: parse and write session descriptions, builders and codec
# negotiation helpers; their unit tests (with real-browser fixtures) and fuzzer.
libsbcore_la_SOURCES += server/core/sdp.h server/core/sdp_parse.c \
	server/core/sdp_write.c server/core/sdp_codec.c

check_PROGRAMS += tests/unit/test_sdp tests/unit/test_sdp_codec
TESTS += tests/unit/test_sdp tests/unit/test_sdp_codec

check_PROGRAMS += tests/fuzz/replay_sdp
tests_fuzz_replay_sdp_SOURCES = tests/fuzz/fuzz_sdp.c tests/fuzz/replay_main.c
tests_fuzz_replay_sdp_CPPFLAGS = $(AM_CPPFLAGS) -DSB_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/sdp"'
TESTS += tests/fuzz/replay_sdp
EXTRA_DIST += tests/fuzz/corpus/sdp tests/fixtures/sdp
if SB_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_sdp
tests_fuzz_fuzz_sdp_SOURCES = tests/fuzz/fuzz_sdp.c
tests_fuzz_fuzz_sdp_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
