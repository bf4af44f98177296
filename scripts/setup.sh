#!/bin/sh
# setup.sh - installs what Switchboard needs on Debian 12, only what is
# missing, quietly when everything is there. Idempotent.
#   scripts/setup.sh          build dependencies (to build and run the server)
#   scripts/setup.sh --test   plus what the test suite uses (browsers, aiortc,
#                             sanitizer runtimes, npm test drivers)
#   scripts/setup.sh --bench  plus what the benchmark uses (Janus, plotting)
set -e
cd "$(dirname "$0")/.."

BUILD="autoconf automake libtool pkg-config make gcc libglib2.0-dev libnice-dev libssl-dev
  libsrtp2-dev libwebsockets-dev libwebsockets-evlib-glib libjansson-dev"
TEST="clang libclang-rt-14-dev clang-format chromium firefox-esr python3-aiortc python3-websockets
  iproute2 util-linux curl procps"
BENCH="janus valgrind gnuplot-nox libjs-janus-gateway"

want="$BUILD"
for a in "$@"; do
  case "$a" in
    --test) want="$want $TEST" ;;
    --bench) want="$want $TEST $BENCH" ;;
    *) echo "usage: $0 [--test] [--bench]" >&2; exit 2 ;;
  esac
done

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js and npm drive the browser tests; a node installed outside apt is fine.
case " $want " in
  *" chromium "*)
    command -v node >/dev/null 2>&1 || missing="$missing nodejs"
    command -v npm >/dev/null 2>&1 || missing="$missing npm" ;;
esac
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages:$missing" >&2
    echo "setup: run as root, or: sudo apt-get install$missing" >&2
    exit 1
  fi
  echo "setup: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Test drivers from npm (no browser download: Debian's browsers are used).
case " $want " in
  *" chromium "*)
    if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/puppeteer-core ]; then
      echo "setup: installing npm test drivers (playwright-core, puppeteer-core)"
      PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
        npm ci --no-audit --no-fund --silent >/dev/null
    fi ;;
esac
exit 0
