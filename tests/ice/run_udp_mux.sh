#!/bin/sh
# run_udp_mux.sh - runs tests/ice/test_udp_mux in its own network namespace
# (see run_ice.sh).
SB_NETNS_TEST=tests/ice/test_udp_mux exec sh "$(dirname "$0")/run_ice.sh" "$@"
