# mk/media.mk - the DTLS and SRTP adapters (OpenSSL, libsrtp2): the server's
# certificate, one DTLS-SRTP endpoint on memory BIOs, SRTP/SRTCP sessions.
# A convenience library the switchboard binary links (the lead adds
# libsbmedia.la to switchboard_LDADD), and its unit tests.
noinst_LTLIBRARIES += libsbmedia.la
libsbmedia_la_SOURCES = server/cert.c server/cert.h \
	server/dtls.c server/dtls.h \
	server/srtp.c server/srtp.h server/srtp_gcm.c server/srtp_cm.c
libsbmedia_la_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) $(SRTP_CFLAGS)
libsbmedia_la_LIBADD = $(OPENSSL_LIBS) $(SRTP_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/unit/test_cert tests/unit/test_dtls tests/unit/test_srtp
TESTS += tests/unit/test_cert tests/unit/test_dtls tests/unit/test_srtp
tests_unit_test_cert_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
tests_unit_test_cert_LDADD = libsbmedia.la libsbcore.la $(OPENSSL_LIBS) $(GLIB_LIBS)
tests_unit_test_dtls_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) $(SRTP_CFLAGS)
tests_unit_test_dtls_LDADD = libsbmedia.la libsbcore.la $(OPENSSL_LIBS) $(SRTP_LIBS) $(GLIB_LIBS)
tests_unit_test_srtp_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) $(SRTP_CFLAGS)
tests_unit_test_srtp_LDADD = libsbmedia.la libsbcore.la $(OPENSSL_LIBS) $(SRTP_LIBS) $(GLIB_LIBS)
