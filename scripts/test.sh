#!/bin/sh
# test.sh - the README's second command: installs what is missing, builds
# Switchboard with -Werror, ASan and UBSan in build/test, and runs every test:
# unit tests, fuzz-corpus replays and server tests first (in parallel), then
# the real-browser end-to-end tests (one at a time). Ends with one line
# "N passed, N failed[, N skipped]" and exits non-zero when anything failed.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build="$src/build/test"

summary() { # passed failed skipped
  if [ "$3" -gt 0 ]; then echo "$1 passed, $2 failed, $3 skipped"; else echo "$1 passed, $2 failed"; fi
}

if ! "$src/scripts/setup.sh" --test; then
  echo "set-up failed"; summary 0 1 0; exit 1
fi
echo "Building (build/test: -Werror, ASan, UBSan)..."
if ! CFLAGS="-O1 -g" "$src/scripts/build.sh" "$build" --enable-werror --enable-sanitizers; then
  echo "build failed"; summary 0 1 0; exit 1
fi
cd "$build" || exit 1
rm -f test-suite.log e2e-suite.log
echo "Running unit, fuzz-replay and server tests..."
make -s -j"$(nproc)" check >/dev/null 2>&1
grep -hE '^(FAIL|ERROR|XPASS)' test-suite.log 2>/dev/null | head -50
echo "Running end-to-end tests with real browsers and aiortc..."
make -s check TESTS='$(E2E_TESTS)' TEST_SUITE_LOG=e2e-suite.log >/dev/null 2>&1
grep -hE '^(FAIL|ERROR|XPASS)' e2e-suite.log 2>/dev/null | head -50

count() { # field
  n=0
  for f in test-suite.log e2e-suite.log; do
    v=$(sed -n "s/^# $1: *\([0-9]*\)\$/\1/p" "$f" 2>/dev/null | head -1)
    n=$((n + ${v:-0}))
  done
  echo $n
}
pass=$(($(count PASS) + $(count XFAIL)))
fail=$(($(count FAIL) + $(count ERROR) + $(count XPASS)))
skip=$(count SKIP)
for f in test-suite.log e2e-suite.log; do
  [ -s "$f" ] || { echo "no results in $f"; fail=$((fail + 1)); }
done
[ "$fail" -gt 0 ] && echo "Details: $build/test-suite.log and $build/e2e-suite.log"
summary "$pass" "$fail" "$skip"
[ "$fail" -eq 0 ]
