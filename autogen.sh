#!/bin/sh
# autogen.sh - generate configure and Makefile.in from configure.ac/Makefile.am.
# AUTOGEN_QUIET=1 hides autoreconf's output unless it fails.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
if [ -n "${AUTOGEN_QUIET:-}" ]; then
  out=$(autoreconf --install --force 2>&1) || { echo "$out" >&2; exit 1; }
else
  autoreconf --install --force
fi
