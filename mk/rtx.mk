# mk/rtx.mk - RFC 4588 retransmission payload format (core/rtx.c) and its
# unit tests.
