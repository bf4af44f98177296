# mk/stun.mk - STUN as ICE uses it (RFC 8489/8445): parsing, MESSAGE-INTEGRITY
# and FINGERPRINT, the writer; its unit test with the RFC 5769 vectors, and
# the fuzz target with its corpus replay; the transport-address map and the UDP GSO plan.
libsbcore_la_SOURCES += server/core/stun.c server/core/stun.h

check_PROGRAMS += tests/unit/test_stun
TESTS += tests/unit/test_stun

check_PROGRAMS += tests/fuzz/replay_stun
tests_fuzz_replay_stun_SOURCES = tests/fuzz/fuzz_stun.c tests/fuzz/replay_main.c
tests_fuzz_replay_stun_CPPFLAGS = $(AM_CPPFLAGS) -DSB_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/stun"'
TESTS += tests/fuzz/replay_stun
EXTRA_DIST += tests/fuzz/corpus/stun
if SB_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_stun
tests_fuzz_fuzz_stun_SOURCES = tests/fuzz/fuzz_stun.c
tests_fuzz_fuzz_stun_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif

# The transport-address map the worker's socket demultiplexes with.
libsbcore_la_SOURCES += server/core/addr_map.c server/core/addr_map.h
check_PROGRAMS += tests/unit/test_addr_map
TESTS += tests/unit/test_addr_map

# How queued datagrams are grouped for UDP GSO (udp_mux.c sends them).
libsbcore_la_SOURCES += server/core/gso_plan.c server/core/gso_plan.h
check_PROGRAMS += tests/unit/test_gso_plan
TESTS += tests/unit/test_gso_plan
