#!/usr/bin/env bash
# Stops the SeaweedFS that scripts/ensure-seaweedfs.sh started (its whole process
# group) and removes its data.
set -uo pipefail
home="${STATREQ_SEAWEEDFS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/statreq/seaweedfs}"
run="$home/run"
[[ -f "$run/pid" ]] || exit 0
pid=$(cat "$run/pid")
kill -TERM -- "-$pid" 2>/dev/null
for _ in $(seq 1 20); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
# It ignores SIGTERM for a while.
kill -KILL -- "-$pid" 2>/dev/null
rm -rf "$run"
# Its gRPC services' local sockets are always made in /tmp (ports as in ensure-seaweedfs.sh).
rm -f /tmp/seaweedfs-*-{18333,19333,18090,18888,28333,29333,28090,28888}.sock
exit 0
