# mk/ice.mk - the ICE adapter: ICE-lite on one UDP socket per worker
# (udp_mux.c, ice_mux.c, answering checks with core/ice_lite.c) and full ICE
# on libnice (ice_nice.c); its unit test and its loopback test, which runs in
# its own network namespace through tests/ice/run_ice.sh.
libsbcore_la_SOURCES += server/core/ice_lite.c server/core/ice_lite.h
check_PROGRAMS += tests/unit/test_ice_lite
TESTS += tests/unit/test_ice_lite

noinst_LTLIBRARIES += libsbice.la
libsbice_la_SOURCES = server/ice.c server/ice.h server/ice_private.h \
	server/ice_nice.c server/ice_mux.c \
	server/udp_mux.c server/udp_mux.h \
	server/timers.c server/timers.h \
	server/net_addr.c server/net_addr.h
libsbice_la_CFLAGS = $(AM_CFLAGS) $(NICE_CFLAGS)
libsbice_la_LIBADD = $(NICE_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/unit/test_timers
TESTS += tests/unit/test_timers
tests_unit_test_timers_LDADD = libsbice.la libsbcore.la $(GLIB_LIBS)

check_PROGRAMS += tests/ice/test_ice
tests_ice_test_ice_SOURCES = tests/ice/test_ice.c
tests_ice_test_ice_CFLAGS = $(AM_CFLAGS) $(NICE_CFLAGS)
tests_ice_test_ice_LDADD = libsbice.la libsbcore.la $(NICE_LIBS) $(GLIB_LIBS)
TESTS += tests/ice/run_ice.sh
dist_noinst_SCRIPTS += tests/ice/run_ice.sh

# The ICE-lite responder's fuzz target, its corpus replayed under make check.
check_PROGRAMS += tests/fuzz/replay_ice_lite
tests_fuzz_replay_ice_lite_SOURCES = tests/fuzz/fuzz_ice_lite.c tests/fuzz/replay_main.c
tests_fuzz_replay_ice_lite_CPPFLAGS = $(AM_CPPFLAGS) -DSB_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/ice_lite"'
TESTS += tests/fuzz/replay_ice_lite
EXTRA_DIST += tests/fuzz/corpus/ice_lite
if SB_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_ice_lite
tests_fuzz_fuzz_ice_lite_SOURCES = tests/fuzz/fuzz_ice_lite.c
tests_fuzz_fuzz_ice_lite_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif

# The worker socket: sends during a batch (lent slot, in place, copied) and
# UDP GSO runs, over real UDP in a namespace.
check_PROGRAMS += tests/ice/test_udp_mux
tests_ice_test_udp_mux_SOURCES = tests/ice/test_udp_mux.c
tests_ice_test_udp_mux_LDADD = libsbice.la libsbcore.la $(GLIB_LIBS)
TESTS += tests/ice/run_udp_mux.sh
dist_noinst_SCRIPTS += tests/ice/run_udp_mux.sh
