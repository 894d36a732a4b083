#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs on 127.0.0.1:5432 with a `statreq` role that
# may create databases (the tests create and drop one per test). Installs Debian's
# PostgreSQL when it is missing. Prints the admin URL for STATREQ_TEST_PG_URL.
# Override with STATREQ_TEST_PG_URL to use a server of your own.
set -euo pipefail

if [[ -n "${STATREQ_TEST_PG_URL:-}" ]]; then
  echo "$STATREQ_TEST_PG_URL"
  exit 0
fi

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages…" >&2
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
fi

if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  as_root pg_createcluster "$version" main >&2
fi

read -r version cluster _port status _ < <(pg_lsclusters -h | head -1)
if [[ "$status" != online* ]]; then
  as_root pg_ctlcluster "$version" "$cluster" start >&2
fi

for _ in $(seq 1 30); do
  if as_root su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done

as_root su postgres -c "psql -qtAc \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'statreq') THEN
    CREATE ROLE statreq LOGIN CREATEDB PASSWORD 'statreq';
  END IF;
END \\\$\\\$;\"" >&2

echo "postgres://statreq:statreq@127.0.0.1:5432/postgres"
