//! The client as an integrator's project builds it: on its own, not beside the server,
//! whose dependencies would lend reqwest features this crate never asked for.

/// reqwest's features for `statreq-client` alone (`cargo tree` resolves one package as
/// `cargo build -p` does; a test binary built in this workspace would not show it).
fn reqwest_features_of_the_client_alone() -> String {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--offline", "-p", "statreq-client", "-e", "features", "-i", "reqwest"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cargo tree: {e}"));
    assert!(out.status.success(), "cargo tree: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// statreq is served over HTTPS: the client alone speaks it (it answered "invalid URL,
/// scheme is not http"), and trusts the machine's roots as well as Mozilla's, since a
/// `.gov.tw` certificate may chain to Taiwan's GRCA, which Mozilla does not carry.
#[test]
fn the_client_alone_speaks_https_with_the_machines_roots() {
    let features = reqwest_features_of_the_client_alone();
    for wanted in ["rustls-tls", "rustls-tls-native-roots"] {
        assert!(features.contains(&format!("reqwest feature \"{wanted}\"")), "{wanted} missing:\n{features}");
    }
}
