#!/bin/sh
# check_core_sans_io.sh - fails when anything under server/core reaches I/O,
# a clock, threads, or an adapter library (libnice, OpenSSL, libsrtp2,
# libwebsockets, jansson). Speaks TAP.
src=${SB_SRCDIR:-$(dirname "$0")/..}
pat='#include *[<"](nice/|agent\.h|openssl/|srtp2/|libwebsockets\.h|jansson\.h|sys/socket\.h|netinet/|arpa/|pthread\.h|unistd\.h|time\.h|sys/time\.h|stdio\.h)|g_get_monotonic_time|g_get_real_time|g_main_context|g_source_|g_thread_|g_mutex_|GMainLoop|\btime\(|clock_gettime|gettimeofday|\bfopen *\(|\bprintf *\('
echo "1..1"
# Comment lines may name these words; code may not.
hits=$(grep -rnE "$pat" "$src/server/core" 2>/dev/null | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)')
if [ -n "$hits" ]; then
  echo "$hits" | sed 's/^/# /'
  echo "not ok 1 - server/core is sans-IO"
  exit 1
fi
echo "ok 1 - server/core is sans-IO"
