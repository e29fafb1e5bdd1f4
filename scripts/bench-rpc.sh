#!/usr/bin/env bash
# Builds Sextant's benchmark and the two peers in release mode (peers into their own scratch
# folders), then runs all three back to back. Arguments go to bench-rpc.py (--seconds, --reps, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sextant-bench
swift build -c release --package-path ../shared/peers/nio-ceiling --scratch-path .build-nio-ceiling
swift build -c release --package-path ../shared/peers/grpc-echo --scratch-path .build-grpc-echo
exec python3 scripts/bench-rpc.py "$@"
