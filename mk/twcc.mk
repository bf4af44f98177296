# mk/twcc.mk - transport-wide congestion control feedback generation
# (core/twcc_gen.c) and its unit tests.
libsbcore_la_SOURCES += server/core/twcc_gen.c server/core/twcc_gen.h

check_PROGRAMS += tests/unit/test_twcc_gen
TESTS += tests/unit/test_twcc_gen
