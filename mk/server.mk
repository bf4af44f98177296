# mk/server.mk - the switchboard binary and the bundled room plugins.
bin_PROGRAMS += switchboard
switchboard_SOURCES = server/main.c \
	server/config.c server/config.h \
	server/log.c server/log.h \
	server/http.c server/http.h server/ws_queue.c server/ws_queue.h \
	server/signaling.c server/signaling.h \
	server/rooms.c server/rooms.h \
	server/room.c server/room.h \
	server/plugins.c server/plugins.h \
	server/worker.c server/worker.h \
	server/peer.c server/peer.h server/peer_private.h server/peer_media.c server/media_env.c \
	server/server.c server/server.h
switchboard_CFLAGS = $(AM_CFLAGS) $(LWS_CFLAGS) $(JANSSON_CFLAGS) $(NICE_CFLAGS) \
	$(OPENSSL_CFLAGS) $(SRTP_CFLAGS)
switchboard_LDADD = libsbmedia.la libsbice.la libsbcore.la $(LWS_LIBS) $(JANSSON_LIBS) $(NICE_LIBS) $(OPENSSL_LIBS) \
	$(SRTP_LIBS) $(GLIB_LIBS)
switchboard_LDFLAGS = $(AM_LDFLAGS) -export-dynamic

include_switchboarddir = $(includedir)/switchboard
include_switchboard_HEADERS = include/switchboard/plugin.h

# Plugins are modules: no version, no lib prefix, only sb_plugin_create exported.
PLUGIN_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -export-symbols-regex '^sb_plugin_create$$'
pluginsdir = $(pkglibdir)/plugins
plugins_LTLIBRARIES = plugins/duo.la plugins/echo.la plugins/relay.la
plugins_duo_la_SOURCES = plugins/duo.c
plugins_duo_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_echo_la_SOURCES = plugins/echo.c
plugins_echo_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_relay_la_SOURCES = plugins/relay.c
plugins_relay_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
plugins_relay_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_relay_la_LIBADD = $(JANSSON_LIBS)

# The web page and client module, and a sample configuration.
webdir = $(pkgdatadir)/web
dist_web_DATA = web/index.html
webjsdir = $(webdir)/js
dist_webjs_DATA = web/js/app.js web/js/switchboard.js
webcssdir = $(webdir)/css
dist_webcss_DATA = web/css/app.css
sampledir = $(pkgdatadir)
dist_sample_DATA = switchboard.conf
EXTRA_DIST += docs README.md LICENSE

# Server tests over real sockets (Python standard library).
TESTS += tests/server/test_smoke.py tests/server/test_signaling.py
EXTRA_DIST += tests/server tests/lib tests/run_test.sh

# The plugin loader, tested with plugins built for the test (never installed).
check_LTLIBRARIES = tests/plugins/good_plugin.la tests/plugins/old_plugin.la \
	tests/plugins/failing_plugin.la
TEST_PLUGIN_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -rpath /nowhere
tests_plugins_good_plugin_la_SOURCES = tests/plugins/good_plugin.c
tests_plugins_good_plugin_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_plugins_old_plugin_la_SOURCES = tests/plugins/old_plugin.c
tests_plugins_old_plugin_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
tests_plugins_failing_plugin_la_SOURCES = tests/plugins/failing_plugin.c
tests_plugins_failing_plugin_la_LDFLAGS = $(TEST_PLUGIN_LDFLAGS)
check_PROGRAMS += tests/unit/test_plugins
TESTS += tests/unit/test_plugins
tests_unit_test_plugins_SOURCES = tests/unit/test_plugins.c server/plugins.c server/plugins.h
tests_unit_test_plugins_LDADD = libsbcore.la $(GLIB_LIBS)
