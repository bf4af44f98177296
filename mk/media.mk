# mk/media.mk - the DTLS and SRTP adapters (OpenSSL, libsrtp2): the server's
# certificate, one DTLS-SRTP endpoint on memory BIOs, SRTP/SRTCP (the front,
# the own implementation and the libsrtp2 one). A convenience library the
# switchboard binary links (the lead adds libsbmedia.la to
# switchboard_LDADD), its unit tests, and the SRTP fuzz target with its
# corpus replay.
noinst_LTLIBRARIES += libsbmedia.la
libsbmedia_la_SOURCES = server/cert.c server/cert.h \
	server/dtls.c server/dtls.h \
	server/srtp.c server/srtp.h server/srtp_private.h \
	server/srtp_own.c server/srtp_xform.c server/srtp_xform.h \
	server/srtp_kdf.c server/srtp_replay.c server/srtp_replay.h \
	server/srtp_libsrtp.c server/srtp_gcm.c server/srtp_cm.c
libsbmedia_la_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) $(SRTP_CFLAGS)
libsbmedia_la_LIBADD = $(OPENSSL_LIBS) $(SRTP_LIBS) $(GLIB_LIBS)

MEDIA_TEST_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) $(SRTP_CFLAGS)
MEDIA_TEST_LDADD = libsbmedia.la libsbcore.la $(OPENSSL_LIBS) $(SRTP_LIBS) $(GLIB_LIBS)

# test_srtp runs twice: against the own SRTP (the default) and, built from
# the same source, against libsrtp2 (it sets SB_SRTP_IMPL before anything
# initialises). test_srtp_interop cross-checks the two packet by packet and
# holds the RFC test vectors and the replay-window unit tests.
SRTP_UNIT_TESTS = tests/unit/test_srtp tests/unit/test_srtp_libsrtp2 tests/unit/test_srtp_interop
check_PROGRAMS += tests/unit/test_cert tests/unit/test_dtls $(SRTP_UNIT_TESTS)
TESTS += tests/unit/test_cert tests/unit/test_dtls $(SRTP_UNIT_TESTS)
tests_unit_test_cert_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
tests_unit_test_cert_LDADD = libsbmedia.la libsbcore.la $(OPENSSL_LIBS) $(GLIB_LIBS)
tests_unit_test_dtls_CFLAGS = $(MEDIA_TEST_CFLAGS)
tests_unit_test_dtls_LDADD = $(MEDIA_TEST_LDADD)
tests_unit_test_srtp_CFLAGS = $(MEDIA_TEST_CFLAGS)
tests_unit_test_srtp_CPPFLAGS = $(AM_CPPFLAGS) -DSB_TEST_SRTP_IMPL='"own"'
tests_unit_test_srtp_LDADD = $(MEDIA_TEST_LDADD)
tests_unit_test_srtp_libsrtp2_SOURCES = tests/unit/test_srtp.c
tests_unit_test_srtp_libsrtp2_CFLAGS = $(MEDIA_TEST_CFLAGS)
tests_unit_test_srtp_libsrtp2_CPPFLAGS = $(AM_CPPFLAGS) -DSB_TEST_SRTP_IMPL='"libsrtp2"'
tests_unit_test_srtp_libsrtp2_LDADD = $(MEDIA_TEST_LDADD)
tests_unit_test_srtp_interop_CFLAGS = $(MEDIA_TEST_CFLAGS)
tests_unit_test_srtp_interop_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSB_SRTP_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/srtp"'
tests_unit_test_srtp_interop_LDADD = $(MEDIA_TEST_LDADD)

# The SRTP fuzz target; its corpus (seeds from tests/fuzz/gen_srtp_corpus.py)
# is replayed under make check.
check_PROGRAMS += tests/fuzz/replay_srtp
tests_fuzz_replay_srtp_SOURCES = tests/fuzz/fuzz_srtp.c tests/fuzz/fuzz_srtp_keys.h \
	tests/fuzz/replay_main.c
tests_fuzz_replay_srtp_CPPFLAGS = $(AM_CPPFLAGS) -DSB_CORPUS_DIR='"$(abs_top_srcdir)/tests/fuzz/corpus/srtp"'
tests_fuzz_replay_srtp_LDADD = $(MEDIA_TEST_LDADD)
TESTS += tests/fuzz/replay_srtp
EXTRA_DIST += tests/fuzz/corpus/srtp tests/fuzz/gen_srtp_corpus.py
if SB_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_srtp
tests_fuzz_fuzz_srtp_SOURCES = tests/fuzz/fuzz_srtp.c tests/fuzz/fuzz_srtp_keys.h
tests_fuzz_fuzz_srtp_LDADD = $(MEDIA_TEST_LDADD)
tests_fuzz_fuzz_srtp_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
