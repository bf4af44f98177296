# mk/server.mk - the switchboard binary.
bin_PROGRAMS += switchboard
switchboard_SOURCES = server/main.c
switchboard_LDADD = libsbcore.la $(GLIB_LIBS)
