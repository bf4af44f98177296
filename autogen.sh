#!/bin/sh
# autogen.sh - generate configure and Makefile.in from configure.ac/Makefile.am.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --install --force ${AUTOGEN_QUIET:+>/dev/null 2>&1}
