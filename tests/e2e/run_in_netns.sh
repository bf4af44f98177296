#!/bin/sh
# run_in_netns.sh - runs a command in a fresh network namespace whose only
# interface is `lo` (brought up), so that browsers and the server can reach
# nothing but loopback. Sets SB_IN_NETNS=1 for the command. The end-to-end tests
# re-run themselves through this script (tests/e2e/lib/harness.mjs); by hand:
#   tests/e2e/run_in_netns.sh node tests/e2e/bench_call_figures.mjs
# When no namespace can be created (not root, no user namespaces) it prints a
# TAP "skip all" plan and exits 0.
if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGUMENT...]" >&2
  exit 2
fi
if ! unshare -n true 2>/dev/null; then
  echo "1..0 # SKIP cannot create a network namespace (unshare -n)"
  exit 0
fi
exec unshare -n sh -c 'ip link set lo up && SB_IN_NETNS=1 exec "$@"' sh "$@"
