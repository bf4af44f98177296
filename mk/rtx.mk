# mk/rtx.mk - RFC 4588 retransmission payload format (core/rtx.c), its
# unit tests, and the fuzz target with its corpus replay.
libsbcore_la_SOURCES += server/core/rtx.c server/core/rtx.h

check_PROGRAMS += tests/unit/test_rtx
TESTS += tests/unit/test_rtx

check_PROGRAMS += tests/fuzz/replay_rtx
tests_fuzz_replay_rtx_SOURCES = tests/fuzz/fuzz_rtx.c tests/fuzz/replay_main.c
tests_fuzz_replay_rtx_CPPFLAGS = $(AM_CPPFLAGS) -DSB_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/rtx"'
TESTS += tests/fuzz/replay_rtx
EXTRA_DIST += tests/fuzz/corpus/rtx tests/fuzz/gen_rtx_corpus.py
if SB_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_rtx
tests_fuzz_fuzz_rtx_SOURCES = tests/fuzz/fuzz_rtx.c
tests_fuzz_fuzz_rtx_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
