//! Headers every response carries so that a browser holds the SPA, the offline API
//! documentation and every answer to the strictest policy they work under: no inline
//! or foreign script, no framing, no MIME sniffing, no referrer, HTTPS only once
//! the service is published on HTTPS.

use actix_web::middleware::DefaultHeaders;

/// The Content-Security-Policy of every response. The SPA is a module script and
/// WebAssembly from this origin (`'wasm-unsafe-eval'` compiles wasm; no `eval`);
/// its styles come from `style.css` and the CSSOM, never from `style` attributes;
/// Swagger UI at `/docs` is three script files and two style sheets, with icons as
/// `data:` images.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// HSTS for a year, sent only when the public URL is `https://` (over plain HTTP a
/// browser ignores it, and a test server must not pin anything).
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// The headers, added to a response that does not set them itself.
pub fn headers(public_url: Option<&str>) -> DefaultHeaders {
    let mut h = DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"));
    if public_url.is_some_and(|u| u.to_ascii_lowercase().starts_with("https://")) {
        h = h.add(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY));
    }
    h
}

/// The API's answers name people, their agencies and their requests: no browser or
/// proxy keeps a copy (a download or a token answer already says so itself). The SPA's
/// files and the documentation keep their own caching.
pub fn api_headers() -> DefaultHeaders {
    DefaultHeaders::new().add(("Cache-Control", "no-store"))
}

/// The policy of a page with one inline style sheet (the landing page shown when no
/// SPA is built): that sheet is allowed by its hash, nothing else inline.
pub fn policy_with_style(style: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style.as_bytes()));
    CONTENT_SECURITY_POLICY.replace("style-src 'self'", &format!("style-src 'self' 'sha256-{hash}'"))
}
