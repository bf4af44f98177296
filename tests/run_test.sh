#!/bin/sh
# run_test.sh - how `make check` starts each test so that it speaks TAP:
# g_test programs get --tap, scripts run with their interpreter.
t=$1; shift
case "$t" in
  *.sh) exec /bin/sh "$t" "$@" ;;
  *.py) exec /usr/bin/python3 "$t" "$@" ;;
  *.mjs|*.js) exec node "$t" "$@" ;;
  *) exec "$t" --tap "$@" ;;
esac
