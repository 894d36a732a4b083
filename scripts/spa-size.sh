#!/usr/bin/env bash
# The SPA's size beside its anchor, measured in the same run (`just bench`): the wasm
# `just spa` built (frontend/dist), and a Leptos CSR hello world (frontend/hello) built
# with the same profile, flags and wasm-bindgen options; raw, `gzip -9` and brotli -q 11.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
target="${CARGO_TARGET_DIR:-target}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo build -q --profile spa -p statreq-spa-hello --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$out" "$target/wasm32-unknown-unknown/spa/statreq-spa-hello.wasm"
sizes() { printf '%9d %9d %9d' "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)" "$(brotli -q 11 -c "$1" | wc -c)"; }
spa="frontend/dist/pkg/statreq-frontend_bg.wasm"
[[ -f "$spa" ]] || { echo "the SPA is not built: run just spa" >&2; exit 1; }
read -r spa_raw spa_gz spa_br <<<"$(sizes "$spa")"
read -r hello_raw hello_gz hello_br <<<"$(sizes "$out/statreq-spa-hello_bg.wasm")"
echo
echo "## SPA size (bytes)"
echo
echo "| wasm | raw | gzip -9 | brotli -q 11 |"
echo "| --- | ---: | ---: | ---: |"
echo "| statreq SPA (the first screen downloads all of it) | $spa_raw | $spa_gz | $spa_br |"
echo "| anchor: Leptos CSR hello world, same profile | $hello_raw | $hello_gz | $hello_br |"
echo
awk -v g="$spa_gz" -v h="$hello_gz" 'BEGIN {
    printf "goal: first screen <= 250 KB gzipped: %.0f KB, %.1fx the hello world (%.0f KB): %s\n",
        g / 1000, g / h, h / 1000, (g <= 250000 ? "met" : "NOT met")
}'
