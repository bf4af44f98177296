# mk/streams.mk - unit tests of the media session's streams (core/rx_stream.c,
# core/tx_stream.c; the sources are in mk/core.mk) and the fuzz target of the
# media session's whole receive path (tests/fuzz/fuzz_msess.c) with its
# corpus replay.
check_PROGRAMS += tests/unit/test_rx_stream tests/unit/test_tx_stream
TESTS += tests/unit/test_rx_stream tests/unit/test_tx_stream

check_PROGRAMS += tests/fuzz/replay_msess
tests_fuzz_replay_msess_SOURCES = tests/fuzz/fuzz_msess.c tests/fuzz/replay_main.c
tests_fuzz_replay_msess_CPPFLAGS = $(AM_CPPFLAGS) -DSB_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/msess"'
TESTS += tests/fuzz/replay_msess
EXTRA_DIST += tests/fuzz/corpus/msess tests/fuzz/gen_msess_corpus.py
if SB_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_msess
tests_fuzz_fuzz_msess_SOURCES = tests/fuzz/fuzz_msess.c
tests_fuzz_fuzz_msess_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
