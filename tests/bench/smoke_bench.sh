#!/bin/sh
# smoke_bench.sh - the benchmark's smoke run in the end-to-end suite, so that
# `make bench` cannot rot: tests/bench/run_bench.py --smoke starts Switchboard
# (this build, sanitizers and all) and Debian's Janus in a network namespace,
# puts 2 calls through each with sb-loadgen for a few seconds, dropping 2% of
# the video the generator receives and NACKing it, and checks that the calls
# come up, media arrives uncorrupted and Switchboard answers the NACKs with
# RTX retransmissions that recover the drops (never a speed), that the
# ceiling microbenchmark runs and that the report writers work. Speaks TAP.
# Without Janus only Switchboard is run; skips when sb-loadgen is not there
# (scripts/setup.sh --bench installs Janus).
src=${SB_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SB_BUILDDIR:-.}
if [ ! -x "$build/tests/bench/sb-loadgen" ]; then
  echo "1..0 # SKIP $build/tests/bench/sb-loadgen not built"
  exit 0
fi
servers=switchboard,janus
if ! command -v janus >/dev/null 2>&1; then
  echo "# janus not installed (scripts/setup.sh --bench): Switchboard only"
  servers=switchboard
fi
exec /usr/bin/python3 "$src/tests/bench/run_bench.py" --smoke --build "$build" --servers "$servers"
