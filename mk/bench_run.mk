# mk/bench_run.mk - the benchmark of issue 5: the forwarding-ceiling
# microbenchmark (tests/bench/ceiling, C), the script that runs Switchboard and
# Janus side by side (tests/bench/run_bench.py) and its smoke test, which the
# end-to-end suite runs so the benchmark cannot rot. The load generator
# (tests/bench/sb-loadgen) comes from mk/bench.mk.
#
#   make bench                        every step, writes docs/benchmarks.{md,csv,png},
#                                     then worker scaling with a CPU budget per
#                                     worker to docs/scaling/
#   make bench BENCH_ARGS='--max-calls 200 --workers 1'   (only what it asks)
#
# Run it from a release build (no sanitizers), e.g. build/release configured
# with plain ./configure: the script warns when the binary carries ASan.
noinst_PROGRAMS += tests/bench/ceiling
tests_bench_ceiling_SOURCES = tests/bench/ceiling.c
tests_bench_ceiling_CFLAGS = $(AM_CFLAGS) $(SRTP_CFLAGS) -pthread
tests_bench_ceiling_LDADD = libsbmedia.la libsbcore.la $(SRTP_LIBS) $(OPENSSL_LIBS) $(GLIB_LIBS)
tests_bench_ceiling_LDFLAGS = $(AM_LDFLAGS) -pthread

E2E_TESTS += tests/bench/smoke_bench.sh
dist_noinst_SCRIPTS += tests/bench/run_bench.py tests/bench/smoke_bench.sh

BENCH_ARGS =
BENCH_OUT = $(abs_top_srcdir)/docs
.PHONY: bench
bench: all
	/usr/bin/python3 $(abs_top_srcdir)/tests/bench/run_bench.py \
		--build '$(abs_top_builddir)' --out '$(BENCH_OUT)' $(BENCH_ARGS)
	if [ -z '$(BENCH_ARGS)' ]; then mkdir -p '$(BENCH_OUT)/scaling' && \
		/usr/bin/python3 $(abs_top_srcdir)/tests/bench/run_bench.py \
		--build '$(abs_top_builddir)' --out '$(BENCH_OUT)/scaling' --scaling; fi
