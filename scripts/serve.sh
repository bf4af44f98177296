#!/bin/sh
# serve.sh - the README's first command: installs what is missing, builds an
# optimised Switchboard in build/release and starts it with the default
# configuration (or the options you pass, e.g. -c switchboard.conf).
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/setup.sh"
echo "Building Switchboard (build/release)..."
CFLAGS="-O2 -g" "$src/scripts/build.sh" "$src/build/release"
exec "$src/build/release/switchboard" "$@"
