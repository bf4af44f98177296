#!/bin/sh
# run_ice_client.sh - runs tests/bench/loadgen/test_ice_client (real UDP over
# loopback) inside a fresh network namespace whose only interface is lo, so
# nothing leaves the test. Speaks TAP; skips only when a network namespace
# cannot be made.
bin=${SB_BUILDDIR:-.}/tests/bench/loadgen/test_ice_client
if ! unshare -n true 2>/dev/null; then
  echo "1..0 # SKIP no unshare"
  exit 0
fi
exec unshare -n sh -c 'ip link set lo up && exec "$0" --tap "$@"' "$bin" "$@"
