#!/usr/bin/env bash
# Removes what ComposeTopologyTests left behind if its process died before cleaning up: every
# network namespace named sxt<run>-<service> (with the processes inside), its hosts file under
# /etc/netns, and the socat forwarders of published ports.
set -uo pipefail
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^sxt[0-9a-f]{6}-' || true); do
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  rm -rf "/etc/netns/$ns"
done
pkill -9 -f 'socat .*sextant-topology-' 2>/dev/null
# The folders of runs whose namespaces are gone (a running test's namespaces still exist).
for dir in "${TMPDIR:-/tmp}"/sextant-topology-*; do
  [ -d "$dir" ] || continue
  run=${dir##*-}
  ip netns list 2>/dev/null | grep -q "^sxt$run-" || rm -rf "$dir"
done
exit 0
