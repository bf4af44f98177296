#!/bin/sh
# build.sh - configures and builds Switchboard out of tree.
#   scripts/build.sh DIR [configure options...]
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$1; shift
if [ ! -x "$src/configure" ] || [ "$src/configure.ac" -nt "$src/configure" ] ||
   [ "$src/Makefile.am" -nt "$src/Makefile.in" ]; then
  AUTOGEN_QUIET=1 "$src/autogen.sh"
fi
mkdir -p "$dir"
cd "$dir"
want="$*"
if [ ! -f Makefile ] || [ "$(cat .sb-configure-args 2>/dev/null)" != "$want" ]; then
  "$src/configure" -q "$@"
  echo "$want" > .sb-configure-args
fi
make -s -j"$(nproc)" >/dev/null
