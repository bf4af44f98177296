#!/bin/sh
# run_test.sh - how `make check` starts each test so that it speaks TAP:
# g_test programs get --tap, scripts run with their interpreter. Every test
# is bounded by SB_TEST_TIMEOUT seconds (default 600).
t=$1; shift
to=${SB_TEST_TIMEOUT:-600}
case "$t" in
  *.sh) exec timeout "$to" /bin/sh "$t" "$@" ;;
  *.py) exec timeout "$to" /usr/bin/python3 "$t" "$@" ;;
  *.mjs|*.js) exec timeout "$to" node "$t" "$@" ;;
  *) exec timeout "$to" "$t" --tap "$@" ;;
esac
