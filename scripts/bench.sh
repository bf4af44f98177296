#!/bin/sh
# bench.sh - the benchmark in one command: installs what is missing (Janus,
# gnuplot, valgrind, the browsers are not needed), builds an optimised
# Switchboard and the load generator in build/release, and runs Switchboard
# and Janus side by side (tests/bench/run_bench.py). Writes
# docs/benchmarks.{md,csv,png}, then worker scaling with a CPU budget per
# worker to docs/scaling/. Extra arguments go to run_bench.py (and skip the
# scaling run), e.g.
#   scripts/bench.sh --max-calls 200        scripts/bench.sh --smoke
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/setup.sh" --bench
echo "Building (build/release)..."
CFLAGS="-O2 -g" "$src/scripts/build.sh" "$src/build/release"
/usr/bin/python3 "$src/tests/bench/run_bench.py" --build "$src/build/release" --out "$src/docs" "$@"
# With arguments, only what they ask. Without, also worker scaling with the
# same CPU budget per worker (the generator shares this machine's cores, so
# without a budget the machine, not the workers, is what runs out):
# docs/scaling/benchmarks.md.
[ $# -gt 0 ] && exit 0
mkdir -p "$src/docs/scaling"
exec /usr/bin/python3 "$src/tests/bench/run_bench.py" --build "$src/build/release" \
  --out "$src/docs/scaling" --scaling
