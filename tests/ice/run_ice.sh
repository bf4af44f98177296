#!/bin/sh
# run_ice.sh - runs tests/ice/test_ice (real UDP over loopback), or the test
# program named by SB_NETNS_TEST (run_udp_mux.sh), inside a fresh network
# namespace whose only interface is lo, so nothing leaves the test.
# Speaks TAP; skips only when a network namespace cannot be made.
bin=${SB_BUILDDIR:-.}/${SB_NETNS_TEST:-tests/ice/test_ice}
if ! unshare -n true 2>/dev/null; then
  echo "1..0 # SKIP no unshare"
  exit 0
fi
exec unshare -n sh -c 'ip link set lo up && exec "$0" --tap "$@"' "$bin" "$@"
