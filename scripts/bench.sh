#!/bin/sh
# bench.sh - the benchmark in one command: installs what is missing (Janus,
# gnuplot, valgrind, the browsers are not needed), builds an optimised
# Switchboard and the load generator in build/release, and runs Switchboard
# and Janus side by side (tests/bench/run_bench.py). Writes
# docs/benchmarks.{md,csv,png}. Extra arguments go to run_bench.py, e.g.
#   scripts/bench.sh --max-calls 200        scripts/bench.sh --smoke
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/setup.sh" --bench
echo "Building (build/release)..."
CFLAGS="-O2 -g" "$src/scripts/build.sh" "$src/build/release"
exec /usr/bin/python3 "$src/tests/bench/run_bench.py" --build "$src/build/release" --out "$src/docs" "$@"
