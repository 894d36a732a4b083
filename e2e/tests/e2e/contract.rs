//! The OpenAPI document tells the truth: Python and TypeScript clients generated from
//! it alone complete a lifecycle, and schemathesis fuzzes every operation as each role
//! without a 5xx, an undocumented status or a response off the schema, and Redocly's
//! linter finds nothing in it.
//! Tools come from PyPI (`scripts/ensure-tools.sh`, pinned in e2e/python).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use statreq_e2e::{on_both_backends, Backend, TestServer, DEMO_PASSWORD};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A tool of the contract tests' virtual environment (`STATREQ_TEST_VENV`
/// overrides where it is; by default beside the build output).
fn tool(name: &str) -> PathBuf {
    let venv = std::env::var_os("STATREQ_TEST_VENV").map(PathBuf::from).unwrap_or_else(|| {
        let bin = statreq_e2e::binary();
        bin.parent().and_then(Path::parent).map(|t| t.join("python-venv")).unwrap_or_default()
    });
    let path = venv.join("bin").join(name);
    assert!(path.is_file(), "{} is missing: run scripts/ensure-tools.sh (just test does)", path.display());
    path
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// Against what `just serve` serves (the demo's year, its queue already full), so the
/// worked example takes its request out of order with a reason, as a reader's would.
async fn generated_python_client_completes_a_lifecycle(backend: Backend) {
    let server = TestServer::start_demo(backend, &[]);
    let dir = server.db.data_dir().join("python");
    std::fs::create_dir_all(&dir).unwrap();
    run(Command::new(tool("openapi-python-client"))
        .args(["generate", "--meta", "none", "--output-path"])
        .arg(dir.join("statreq_api_client"))
        .arg("--path")
        .arg(repo().join("openapi.yaml"))
        .current_dir(&dir));
    let app = dir.join("application.json");
    std::fs::write(&app, serde_json::to_vec(&common::statistics()).unwrap_or_default()).unwrap();
    let out = run(Command::new(tool("python"))
        .arg(repo().join("e2e/python/lifecycle.py"))
        .arg(&server.base)
        .arg(&app)
        .arg(DEMO_PASSWORD)
        .env("PYTHONPATH", &dir)
        .current_dir(&dir));
    assert!(out.contains("closed through the generated client"), "{out}");
}

/// openapi-typescript's types and openapi-fetch, compiled with `strict` by tsc and
/// run under Node (tools pinned in e2e/typescript, installed by ensure-tools.sh),
/// against the demo's year as the Python one.
async fn generated_typescript_client_completes_a_lifecycle(backend: Backend) {
    let server = TestServer::start_demo(backend, &[]);
    let source = repo().join("e2e/typescript");
    let modules = source.join("node_modules");
    let bin = |name: &str| {
        let path = modules.join(".bin").join(name);
        assert!(path.is_file(), "{} is missing: run scripts/ensure-tools.sh (just test does)", path.display());
        path
    };
    let dir = server.db.data_dir().join("typescript");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["lifecycle.ts", "tsconfig.json", "package.json"] {
        std::fs::copy(source.join(f), dir.join(f)).unwrap();
    }
    std::os::unix::fs::symlink(&modules, dir.join("node_modules")).unwrap();
    run(Command::new(bin("openapi-typescript")).arg(repo().join("openapi.yaml")).args(["-o", "schema.d.ts"]).current_dir(&dir));
    run(Command::new(bin("tsc")).args(["-p", "."]).current_dir(&dir));
    let app = dir.join("application.json");
    std::fs::write(&app, serde_json::to_vec(&common::statistics()).unwrap_or_default()).unwrap();
    let out = run(Command::new("node").arg("out/lifecycle.js").arg(&server.base).arg(&app).arg(DEMO_PASSWORD).current_dir(&dir));
    assert!(out.contains("closed through the generated TypeScript client"), "{out}");
}

/// Redocly's recommended rules, as an integrator's tooling would run them, find
/// nothing in `openapi.yaml`: every example matches its schema (one that did not
/// would be refused if copied), every operation has a summary and states its
/// security. The linter is pinned in e2e/typescript (`lint.mjs`).
#[test]
fn redocly_finds_nothing_in_the_document() {
    let source = repo().join("e2e/typescript");
    assert!(
        source.join("node_modules/@redocly/openapi-core").is_dir(),
        "@redocly/openapi-core is missing: run scripts/ensure-tools.sh (just test does)"
    );
    let out = run(Command::new("node").arg("lint.mjs").arg(repo().join("openapi.yaml")).current_dir(&source));
    assert!(out.contains("0 problem(s)"), "{out}");
}

/// The default seed keeps CI reproducible; set `STATREQ_SCHEMATHESIS_SEED` to explore.
const SEED: &str = "20261124";

async fn schemathesis_finds_nothing_for_any_role(backend: Backend) {
    let server = TestServer::start(backend);
    let seed = std::env::var("STATREQ_SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.into());
    for user in ["applicant.npa", "supervisor.moi", "officer1.dgpa", "admin.dgpa"] {
        let client = server.login(user).await;
        let token = client.access_token().unwrap_or_default().to_string();
        let dir = server.db.data_dir().join(format!("schemathesis-{user}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = Command::new(tool("schemathesis"))
            .arg("--config-file")
            .arg(repo().join("schemathesis.toml"))
            .arg("run")
            .arg(repo().join("openapi.yaml"))
            .args(["--url", &server.base])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            // Every check but one: a missing `If-Match` rightly gets 428. What a
            // schema-valid request may still meet (a rule's 409, 412 or 422, never a
            // 400) is in schemathesis.toml.
            .args(["--checks", "all", "--exclude-checks", "missing_required_header"])
            .args(["--max-examples", "25", "--seed", &seed, "--generation-database", "none", "--no-color"])
            // The fuzzer stays off webhook registration: the servers refuse all but
            // loopback anyway, and nothing it sends should become an outbound call.
            .args(["--exclude-operation-id", "create_webhook"])
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|e| panic!("running schemathesis: {e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "schemathesis as {user} on {backend:?} (seed {seed}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("passed"), "{text}");
    }
}

on_both_backends!(
    generated_python_client_completes_a_lifecycle,
    generated_typescript_client_completes_a_lifecycle,
    schemathesis_finds_nothing_for_any_role
);
