# mk/core.mk - shared core pieces: error codes, byte reader/writer, and the
# check that keeps server/core free of I/O.
libsbcore_la_SOURCES += server/core/error.c server/core/error.h \
	server/core/bytes.c server/core/bytes.h

check_PROGRAMS += tests/unit/test_bytes
TESTS += tests/unit/test_bytes tests/check_core_sans_io.sh
dist_noinst_SCRIPTS += tests/check_core_sans_io.sh
EXTRA_DIST += tests/lsan.supp

# Server-side negotiation and per-receiver rewriting.
libsbcore_la_SOURCES += server/core/session.c server/core/session.h \
	server/core/rewrite.c server/core/rewrite.h
check_PROGRAMS += tests/unit/test_session tests/unit/test_rewrite
TESTS += tests/unit/test_session tests/unit/test_rewrite

# The media session per peer connection: receive and send streams (loss
# recovery, retransmissions, feedback, reports) on a virtual clock, and the
# scenario harness that runs two simulated peers through it over a lossy
# network (tests/sim/).
libsbcore_la_SOURCES += server/core/rx_stream.c server/core/rx_stream.h \
	server/core/tx_stream.c server/core/tx_stream.h \
	server/core/media_session.c server/core/media_session.h
check_PROGRAMS += tests/sim/test_sim
TESTS += tests/sim/test_sim
tests_sim_test_sim_SOURCES = tests/sim/test_sim.c tests/sim/sim_net.c tests/sim/sim_net.h \
	tests/lib/vp8_section.h
