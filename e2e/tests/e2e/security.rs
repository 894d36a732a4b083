//! Hardening seen from outside: the headers every response carries, throttled
//! sign-in, sessions that end, outbound webhooks that cannot reach inside, and the
//! rights around personal-data files.

use statreq_e2e::{on_both_backends, Backend, TestServer};

async fn headers_of(url: &str) -> reqwest::header::HeaderMap {
    reqwest::get(url).await.unwrap_or_else(|e| panic!("{url}: {e}")).headers().clone()
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let server = TestServer::start(backend);
    for path in ["/", "/requests/1", "/api/v1/healthz", "/api/v1/requests", "/docs/", "/api/v1/openapi.json", "/api/v1/nowhere"] {
        let h = headers_of(&format!("{}{path}", server.base)).await;
        let csp = header(&h, "content-security-policy");
        let script = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_default();
        assert_eq!(script, "script-src 'self' 'wasm-unsafe-eval'", "{path}: {csp}");
        for directive in ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"] {
            assert!(csp.contains(directive), "{path}: {directive} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{path}: {csp}");
        assert_eq!(header(&h, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&h, "referrer-policy"), "no-referrer", "{path}");
        // Served over plain HTTP: no HSTS (a browser would ignore it; nothing is pinned).
        assert!(h.get("strict-transport-security").is_none(), "{path}");
    }
    // The landing page (no SPA built) allows its one style sheet by hash only.
    let csp = header(&headers_of(&format!("{}/", server.base)).await, "content-security-policy").to_string();
    assert!(csp.contains("style-src 'self' 'sha256-"), "{csp}");

    // Published on HTTPS: HSTS on every response.
    let https = TestServer::start_with(backend, &["--public-url", "https://statreq.example.gov.tw"]);
    for path in ["/", "/api/v1/healthz"] {
        let h = headers_of(&format!("{}{path}", https.base)).await;
        assert!(header(&h, "strict-transport-security").starts_with("max-age=31536000"), "{path}: {h:?}");
    }
}

on_both_backends!(every_response_carries_the_security_headers);
