#!/usr/bin/env bash
# Runs Sextant's tests: builds everything (tests included), then runs every test target.
# Installs the one system package the build needs (zlib headers) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f /usr/include/zlib.h ]; then
  echo "installing zlib1g-dev (zlib headers for compressed frames)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq zlib1g-dev; else sudo apt-get update -qq && sudo apt-get install -y -qq zlib1g-dev; fi
fi

swift build --build-tests
swift test --skip-build --parallel "$@"
