#!/usr/bin/env bash
# Removes what ComposeTopologyTests left behind if its process died before cleaning up: every
# network namespace named sxt<run>-<service> (with the processes inside), its hosts file under
# /etc/netns, and the socat forwarders of published ports.
set -uo pipefail
# A run whose test process is still alive (its pid in the run's folder) is left alone.
tmp="${TMPDIR:-/tmp}"
alive() { [ -f "$tmp/sextant-topology-$1/owner.pid" ] && kill -0 "$(cat "$tmp/sextant-topology-$1/owner.pid")" 2>/dev/null; }
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^sxt[0-9a-f]{6}-' || true); do
  run=${ns:3:6}
  alive "$run" && continue
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  rm -rf "/etc/netns/$ns"
done
for dir in "$tmp"/sextant-topology-*; do
  [ -d "$dir" ] || continue
  run=${dir##*-}
  alive "$run" && continue
  pkill -9 -f "socat .*sextant-topology-$run" 2>/dev/null
  rm -rf "$dir"
done
exit 0
