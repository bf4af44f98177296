# mk/rtcp.mk - RTCP: common header, compound iteration and one file per
# message (SR, RR, SDES, BYE, PLI, FIR, generic NACK, REMB, transport-wide CC
# feedback), their unit tests, and the fuzz target with its corpus replay.
libsbcore_la_SOURCES += server/core/rtcp.c server/core/rtcp.h \
	server/core/rtcp_sr.c server/core/rtcp_sr.h \
	server/core/rtcp_rr.c server/core/rtcp_rr.h \
	server/core/rtcp_sdes.c server/core/rtcp_sdes.h \
	server/core/rtcp_bye.c server/core/rtcp_bye.h \
	server/core/rtcp_pli.c server/core/rtcp_pli.h \
	server/core/rtcp_fir.c server/core/rtcp_fir.h \
	server/core/rtcp_nack.c server/core/rtcp_nack.h \
	server/core/rtcp_remb.c server/core/rtcp_remb.h \
	server/core/rtcp_twcc.c server/core/rtcp_twcc.h

RTCP_UNIT_TESTS = tests/unit/test_rtcp tests/unit/test_rtcp_sr tests/unit/test_rtcp_rr \
	tests/unit/test_rtcp_sdes tests/unit/test_rtcp_bye tests/unit/test_rtcp_pli \
	tests/unit/test_rtcp_fir tests/unit/test_rtcp_nack tests/unit/test_rtcp_remb \
	tests/unit/test_rtcp_twcc
check_PROGRAMS += $(RTCP_UNIT_TESTS)
TESTS += $(RTCP_UNIT_TESTS)

check_PROGRAMS += tests/fuzz/replay_rtcp
tests_fuzz_replay_rtcp_SOURCES = tests/fuzz/fuzz_rtcp.c tests/fuzz/replay_main.c
tests_fuzz_replay_rtcp_CPPFLAGS = $(AM_CPPFLAGS) -DSB_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/rtcp"'
TESTS += tests/fuzz/replay_rtcp
EXTRA_DIST += tests/fuzz/corpus/rtcp
if SB_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_rtcp
tests_fuzz_fuzz_rtcp_SOURCES = tests/fuzz/fuzz_rtcp.c
tests_fuzz_fuzz_rtcp_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
