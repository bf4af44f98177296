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
