#!/usr/bin/env bash
# Runs Sextant's tests: builds everything (tests included), then runs every test target.
# Installs the system packages the build and tests need (zlib and SQLite headers; Chromium for
# the dashboard's headless-browser test) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)      # compressed frames
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)  # GRDB's SQLite
command -v chromium >/dev/null || missing+=(chromium)        # the dashboard's browser test
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"
fi

swift build --build-tests
if [ $# -gt 0 ]; then
  exec swift test --skip-build "$@"
fi
# Two runs. Swift Testing runs a target's tests on the few threads of the shared concurrency
# pool (two on a two-core machine); the CPU-bound tests (model fits, randomized attribution checks,
# bulk log applies) would otherwise starve the network, RPC and end-to-end tests, whose deadlines,
# backoffs and "no hang" bounds are real time.
# CLVRouteTests fits a CLV model (CPU-bound), so it runs with the CPU-bound tests.
timed='^(SextantRPCTests|SextantRPCNIOTests|EndToEndTests|GatewayTests(?!\.CLVRouteTests)|SextantLogFollowerTests)\.'
swift test --skip-build --filter "$timed"
swift test --skip-build --skip "$timed"
