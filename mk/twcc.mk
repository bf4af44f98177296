# mk/twcc.mk - transport-wide congestion control feedback generation
# (core/twcc_gen.c) and its unit tests.
