#!/usr/bin/env bash
# Runs a command (a host build) while `just spa` builds the SPA beside it, and fails
# when either fails. Each build ends on a few large crates compiled one at a time (the
# front end's, the server's), leaving a core idle; side by side each fills the other's
# idle core. The two write to different profile directories of the target directory,
# so cargo does not make one wait for the other. The SPA's lines are marked `spa │`.
#   scripts/beside-spa.sh cargo build --release -p statreq-api
set -euo pipefail
cd "$(dirname "$0")/.."

# Its own process group, so that everything it started can be stopped with it.
# The SPA is built with plain rustc even when the command's build lints through
# clippy-driver (`just test`): the same artifacts as `just spa` alone.
setsid env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS \
    bash -c 'set -o pipefail; just spa 2>&1 | sed -u "s/^/spa │ /"' &
spa=$!
stop() { kill -TERM -- "-$spa" 2>/dev/null || true; }
trap stop EXIT
trap 'stop; exit 130' INT TERM

"$@"
if ! wait "$spa"; then
    echo "building the SPA failed (the lines marked spa │ above)" >&2
    exit 1
fi
trap - EXIT INT TERM
