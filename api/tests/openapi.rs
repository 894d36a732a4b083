//! `openapi.yaml` is generated from the code; this fails when they drift apart.

#[test]
fn openapi_yaml_matches_the_code() {
    let generated = statreq_api::openapi_yaml().unwrap_or_else(|e| panic!("generating the document: {e}"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if generated != committed {
        let first = generated.lines().zip(committed.lines()).position(|(a, b)| a != b).unwrap_or(0);
        let show = |s: &str| s.lines().skip(first.saturating_sub(2)).take(8).collect::<Vec<_>>().join("\n");
        panic!(
            "openapi.yaml differs from the code (first difference at line {}).\n--- code:\n{}\n--- openapi.yaml:\n{}\nRun `just openapi` and commit the result.",
            first + 1,
            show(&generated),
            show(&committed)
        );
    }
}

#[test]
fn every_operation_documents_problem_responses_and_every_schema_resolves() {
    let doc = statreq_api::openapi_document();
    let json = serde_json::to_value(&doc).unwrap_or_default();
    let schemas = json["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let mut operations = 0;
    for (path, item) in json["paths"].as_object().cloned().unwrap_or_default() {
        for (method, op) in item.as_object().cloned().unwrap_or_default() {
            operations += 1;
            if path != "/healthz" {
                assert!(op["responses"].get("4XX").is_some(), "{method} {path} does not document its problem responses");
            }
        }
    }
    assert!(operations >= 30, "only {operations} operations documented");
    let text = json.to_string();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap_or_default();
        assert!(schemas.contains_key(name), "schema {name} is referenced but not defined");
    }
}
