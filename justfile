# statreq — the front door. `just` lists the recipes.
set shell := ["bash", "-euo", "pipefail", "-c"]

# Show the recipes.
default:
    @just --list

# Build the release binary and the SPA (side by side: see scripts/beside-spa.sh).
build:
    scripts/beside-spa.sh cargo build --release -p statreq-api

# Build the SPA into frontend/dist (installs the wasm target and the matching wasm-bindgen when missing).
spa:
    #!/usr/bin/env bash
    set -euo pipefail
    rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
    want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
    have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
    if [[ "$have" != "$want" ]]; then
        echo "installing wasm-bindgen-cli $want (a minute, once)…" >&2
        # Unoptimised and without debug info: built in 68 s instead of 188, and it
        # prepares the SPA in 4 s instead of 1. In a directory of its own: in the shared
        # one, cargo would make it wait for a running debug build (`just test`'s).
        # `--force`: cargo would otherwise take a binary removed by hand for installed.
        CARGO_PROFILE_DEV_DEBUG=false cargo install -q --force wasm-bindgen-cli --version "$want" --debug \
            --target-dir "${CARGO_TARGET_DIR:-target}/wasm-bindgen-build"
    fi
    cargo build --profile spa -p statreq-frontend --target wasm32-unknown-unknown
    target="${CARGO_TARGET_DIR:-target}"
    rm -rf frontend/dist && mkdir -p frontend/dist
    # The name section is debugging data (2.5 MB of 7): not shipped.
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
        --out-dir frontend/dist/pkg "$target/wasm32-unknown-unknown/spa/statreq-frontend.wasm"
    cp frontend/index.html frontend/static/* frontend/dist/
    # Precompressed copies the server sends to browsers that accept them: brotli (every
    # browser over HTTPS; 30% smaller than gzip for the wasm) and gzip (everyone else).
    if ! command -v brotli >/dev/null; then
        echo "installing brotli from Debian's packages…" >&2
        as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
        as_root apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends brotli >&2
    fi
    gzip -9 -k -f frontend/dist/pkg/*.wasm frontend/dist/pkg/*.js frontend/dist/*.css
    brotli -f -q 11 frontend/dist/pkg/*.wasm frontend/dist/pkg/*.js frontend/dist/*.css

# Run the service and its SPA with demo data on the embedded SQLite database (./var).
serve *ARGS: build
    "${CARGO_TARGET_DIR:-target}/release/statreq" serve --demo {{ARGS}}

# Everything CI checks: format, lints, dependency direction, wasm build of the contract, all tests on SQLite and PostgreSQL.
test: guard deny
    #!/usr/bin/env bash
    set -euo pipefail
    cargo fmt --all --check
    export STATREQ_TEST_PG_URL="$(scripts/ensure-postgres.sh)"
    # The PostgreSQL half stores files on S3 (SeaweedFS), stopped again when done.
    eval "$(scripts/ensure-seaweedfs.sh)"
    # The wasm tests' browser keeps its temporary files in a folder of its own: Chromium
    # leaves its org.chromium.Chromium.* folders behind when its driver stops it hard.
    browser_tmp="$(mktemp -d -t statreq-wasm-tests.XXXXXX)"
    cleanup() { rm -rf "$browser_tmp"; if [[ -n "${STATREQ_SEAWEEDFS_STARTED:-}" ]]; then scripts/stop-seaweedfs.sh; fi; }
    trap cleanup EXIT
    scripts/ensure-tools.sh
    # Everything the tests run (the server, the client's example, the test binaries) in
    # one build: built one package at a time, each would get its own features and the
    # dependency tree would be compiled again for each (10 minutes of a cold run).
    # The same build is the lint: the workspace's crates are compiled by clippy-driver with
    # warnings denied, as `cargo clippy` does (these two variables are its interface), so
    # the dependencies are compiled once instead of again for a separate check (8 minutes
    # of a cold run). `just lint` runs `cargo clippy` itself.
    export RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver)"
    export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
    # The SPA (the browser tests need it) is built beside it.
    scripts/beside-spa.sh cargo build --workspace --all-targets
    if cargo nextest --version >/dev/null 2>&1; then
        cargo nextest run --workspace --no-fail-fast
    else
        cargo test --workspace --no-fail-fast
    fi
    cargo test --workspace --doc
    # The SPA's component tests, in headless Chromium (wasm-bindgen-test; flags in frontend/webdriver.json).
    # In the SPA's profile, as the SPA was just built: most of its dependencies are reused
    # (1 min 52 s on a cold tree instead of 3 min building them all again unoptimised).
    # Without clippy-driver: the SPA's own crates, built above by plain rustc, are reused.
    unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
    # The runner gives chromedriver 5 s to bind its port by default; after half an hour of
    # tests on two cores it once took longer (CI: "driver failed to bind port during startup").
    export WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-60}"
    (cd frontend && TMPDIR="$browser_tmp" CHROMEDRIVER="$(command -v chromedriver)" cargo test --profile spa -p statreq-frontend --target wasm32-unknown-unknown)

# The PostgreSQL half of the suite only.
test-pg:
    #!/usr/bin/env bash
    set -euo pipefail
    export STATREQ_TEST_PG_URL="$(scripts/ensure-postgres.sh)"
    eval "$(scripts/ensure-seaweedfs.sh)"
    if [[ -n "${STATREQ_SEAWEEDFS_STARTED:-}" ]]; then trap scripts/stop-seaweedfs.sh EXIT; fi
    scripts/ensure-tools.sh
    cargo build --workspace --all-targets
    cargo test --workspace -- postgres

# Pictures of each role's main screens, desk and phone, into docs/screens/ (the browser test that checks them).
screens:
    #!/usr/bin/env bash
    set -euo pipefail
    scripts/ensure-tools.sh
    # Chinese glyphs for the pictures (the tests themselves do not need them).
    fc-list :lang=zh | grep -q . || DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-microhei
    # The SPA beside the same build as `just test`'s (the whole workspace, so the
    # dependencies are compiled with one feature set and reused from a test run).
    scripts/beside-spa.sh cargo build --workspace --all-targets
    STATREQ_SCREENS_DIR="$PWD/docs/screens" cargo nextest run --workspace -E 'test(each_roles_main_screens_at_a_desk_and_on_a_phone)'

# Formatting and clippy with warnings as errors.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    # The SPA as the browser runs it, its component tests included.
    cargo clippy -p statreq-frontend --target wasm32-unknown-unknown --all-targets -- -D warnings

# The domain and contract crates stay free of IO frameworks; the contract builds for wasm32.
guard:
    #!/usr/bin/env bash
    set -euo pipefail
    for crate in statreq-domain statreq-contract; do
        bad=$(cargo tree -p "$crate" -e normal --prefix none | grep -E '^(diesel|actix|tokio|reqwest|pq-sys|libsqlite3-sys) ' || true)
        if [[ -n "$bad" ]]; then echo "$crate must not depend on: $bad" >&2; exit 1; fi
    done
    # Route modules call app/ and http/, never each other (docs/architecture.md).
    crossed=$(grep -nE '(super|crate::routes)::[a-z_]+::' api/src/routes/*.rs | grep -v '^api/src/routes/mod.rs' || true)
    if [[ -n "$crossed" ]]; then echo "a route module imports another:"$'\n'"$crossed" >&2; exit 1; fi
    # A source file past 700 lines holds several rooms: split it (tests may be longer).
    long=$(find crates api frontend/src e2e/src -name '*.rs' -not -name 'tests.rs' -not -path '*/tests/*' -exec wc -l {} + \
        | awk '$2 != "total" && $1 > 700 {print}')
    if [[ -n "$long" ]]; then echo "source files over 700 lines:"$'\n'"$long" >&2; exit 1; fi
    rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
    cargo check -p statreq-contract --target wasm32-unknown-unknown

# Dependency policy (deny.toml): permissive licences only, crates.io only, no banned crates.
deny:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! cargo deny --version >/dev/null 2>&1; then
        echo "installing cargo-deny from crates.io (two minutes, once)…" >&2
        # Unoptimised and without debug info: built in 145 s instead of 335 (less without
        # debug info), and it checks this tree in 4 s instead of 2.
        CARGO_PROFILE_DEV_DEBUG=false cargo install -q --force cargo-deny --locked --debug --target-dir "${CARGO_TARGET_DIR:-target}/cargo-deny-build"
    fi
    cargo deny check licenses bans sources

# Write openapi.yaml from the code (a test fails when they differ).
openapi:
    cargo run -q -p statreq-api -- openapi > openapi.yaml

# Format the code.
fmt:
    cargo fmt --all

# Benchmarks on loopback, each figure beside its anchor from the same run: reads and writes (SQLite, PostgreSQL), files, the queue, the catalog, the vault and age, the SPA's size.
bench:
    #!/usr/bin/env bash
    set -euo pipefail
    export STATREQ_TEST_PG_URL="$(scripts/ensure-postgres.sh)"
    eval "$(scripts/ensure-seaweedfs.sh)"
    if [[ -n "${STATREQ_SEAWEEDFS_STARTED:-}" ]]; then trap scripts/stop-seaweedfs.sh EXIT; fi
    cargo build --release -p statreq-api -p statreq-e2e --bins
    "${CARGO_TARGET_DIR:-target}/release/statreq-files-bench"
    "${CARGO_TARGET_DIR:-target}/release/statreq-bench"
    taskset -c 0 "${CARGO_TARGET_DIR:-target}/release/statreq-queue-bench"
    taskset -c 0 "${CARGO_TARGET_DIR:-target}/release/statreq-catalog-bench"
    scripts/ensure-tools.sh
    taskset -c 0 "${CARGO_TARGET_DIR:-target}/release/statreq-vault-bench"
    taskset -c 0,1 "${CARGO_TARGET_DIR:-target}/release/statreq-vault-bench"
    "${CARGO_TARGET_DIR:-target}/release/statreq-bench" --queue
    just spa
    scripts/spa-size.sh
