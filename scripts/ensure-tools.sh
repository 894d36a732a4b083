#!/usr/bin/env bash
# Installs what the tests need beyond Rust, from Debian's packages, when missing:
# brotli (the SPA's compressed copies), the reference `age` tool (interop tests), `script` (a terminal for its passphrase
# prompt), `curl` and `jq` (the README's curl lifecycle, run as written), Chromium with its driver (browser tests of the SPA), axe-core, and the
# Python tools of the contract tests.
set -euo pipefail
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v age >/dev/null 2>&1 || missing+=(age)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# `just spa`'s compressed copies (it installs brotli itself too, for `just serve`): here
# it comes with the rest in one `apt-get update`.
command -v brotli >/dev/null 2>&1 || missing+=(brotli)
if (( ${#missing[@]} )); then
  echo "installing ${missing[*]} from Debian's packages…" >&2
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# axe-core (npm) for the browser tests' accessibility checks.
here="$(cd "$(dirname "$0")/.." && pwd)"
if [[ ! -f "$here/e2e/browser/node_modules/axe-core/axe.min.js" ]]; then
  (cd "$here/e2e/browser" && npm install --silent --no-audit --no-fund >&2)
fi

# The TypeScript client test's tools (npm: openapi-typescript, openapi-fetch,
# typescript) and the contract's linter (@redocly/openapi-core), pinned in
# e2e/typescript/package-lock.json.
ts="$here/e2e/typescript"
if ! cmp -s "$ts/package-lock.json" "$ts/node_modules/.statreq-lock" 2>/dev/null; then
  (cd "$ts" && npm ci --silent --no-audit --no-fund >&2 && cp package-lock.json node_modules/.statreq-lock)
fi

# The contract tests' Python tools (PyPI: openapi-python-client, schemathesis),
# pinned in e2e/python/requirements.txt, in a virtual environment beside the
# build output (the tests look for it there).
venv="${CARGO_TARGET_DIR:-$here/target}/python-venv"
reqs="$here/e2e/python/requirements.txt"
if ! cmp -s "$reqs" "$venv/requirements.txt" 2>/dev/null; then
  echo "installing the contract tests' Python tools into $venv…" >&2
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >&2; then
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends python3-venv >&2
    python3 -m venv "$venv" >&2
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$reqs" >&2
  cp "$reqs" "$venv/requirements.txt"
fi
