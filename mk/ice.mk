# mk/ice.mk - the ICE adapter (libnice) and its loopback test, which runs in
# its own network namespace through tests/ice/run_ice.sh.
noinst_LTLIBRARIES += libsbice.la
libsbice_la_SOURCES = server/ice.c server/ice.h
libsbice_la_CFLAGS = $(AM_CFLAGS) $(NICE_CFLAGS)
libsbice_la_LIBADD = $(NICE_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/ice/test_ice
tests_ice_test_ice_SOURCES = tests/ice/test_ice.c
tests_ice_test_ice_CFLAGS = $(AM_CFLAGS) $(NICE_CFLAGS)
tests_ice_test_ice_LDADD = libsbice.la libsbcore.la $(NICE_LIBS) $(GLIB_LIBS)
TESTS += tests/ice/run_ice.sh
dist_noinst_SCRIPTS += tests/ice/run_ice.sh
