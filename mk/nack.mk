# mk/nack.mk - upstream loss recovery: the NACK generator (core/nack_gen.c)
# and its unit tests.
libsbcore_la_SOURCES += server/core/nack_gen.c server/core/nack_gen.h

check_PROGRAMS += tests/unit/test_nack_gen
TESTS += tests/unit/test_nack_gen
