#!/bin/sh
# smoke_bench.sh - the benchmark's smoke run in the end-to-end suite, so that
# `make bench` cannot rot: tests/bench/run_bench.py --smoke starts Switchboard
# (this build, sanitizers and all) and Debian's Janus in a network namespace,
# puts 2 calls through each with sb-loadgen for a few seconds and checks that
# the calls come up and media arrives uncorrupted (never a speed), that the
# ceiling microbenchmark runs and that the report writers work. Speaks TAP.
# Skips when Janus or sb-loadgen is not there (scripts/setup.sh --bench).
src=${SB_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SB_BUILDDIR:-.}
if ! command -v janus >/dev/null 2>&1; then
  echo "1..0 # SKIP janus not installed (scripts/setup.sh --bench)"
  exit 0
fi
if [ ! -x "$build/tests/bench/sb-loadgen" ]; then
  echo "1..0 # SKIP $build/tests/bench/sb-loadgen not built"
  exit 0
fi
exec /usr/bin/python3 "$src/tests/bench/run_bench.py" --smoke --build "$build"
