# mk/nack.mk - upstream loss recovery: the NACK generator (core/nack_gen.c)
# and its unit tests.
