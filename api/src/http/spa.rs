//! The SPA's files (the default service): a file of `--spa-dir` when one matches the
//! path, else its `index.html` (deep links), else a landing page; each in the smallest
//! pre-compressed copy the client accepts, with a validator for revalidation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use actix_web::{web, HttpResponse, ResponseError};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

const LANDING: &str = include_str!("../landing.html");

/// The landing page's answer: its one inline style sheet allowed by hash.
fn landing() -> HttpResponse {
    static POLICY: OnceLock<String> = OnceLock::new();
    let policy = POLICY.get_or_init(|| {
        let style = LANDING.split_once("<style>").and_then(|(_, rest)| rest.split_once("</style>")).map_or("", |(s, _)| s);
        super::security::policy_with_style(style)
    });
    HttpResponse::Ok().content_type("text/html; charset=utf-8").insert_header(("Content-Security-Policy", policy.as_str())).body(LANDING)
}

/// Serves the SPA: a file from `spa_dir` when one matches the path, else
/// `index.html`, so that deep links work. Without a built SPA, a landing page.
pub(crate) async fn serve(req: actix_web::HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let path = req.path();
    // The default service takes every method; only reads get the SPA.
    let read = matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD);
    if path == "/api" || path.starts_with("/api/") || !read {
        return ApiError::not_found().error_response();
    }
    let Some(dir) = &state.settings.spa_dir else {
        return landing();
    };
    let rel = path.trim_start_matches('/');
    let safe = !rel.split('/').any(|seg| seg == ".." || seg.starts_with('.') || seg.contains('\\'));
    let file = if safe && !rel.is_empty() { Some(dir.join(rel)).filter(|p| p.is_file()) } else { None };
    let (target, cache) = match file {
        Some(f) => (f, "public, max-age=300"),
        None => (dir.join("index.html"), "no-cache"),
    };
    let content_type = match target.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    };
    // `just spa` leaves brotli and gzip copies beside the large files: the smallest one
    // the client takes is sent.
    let accept = req.headers().get(actix_web::http::header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let chosen = [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(coding, _)| accepts_encoding(accept, coding))
        .map(|(coding, suffix)| {
            let mut p = target.clone().into_os_string();
            p.push(suffix);
            (Some(coding), PathBuf::from(p))
        })
        .find(|(_, p)| p.is_file())
        .unwrap_or((None, target));
    let (coding, file) = chosen;
    let Ok(meta) = std::fs::metadata(&file) else {
        return landing();
    };
    // Validators, so that a returning browser revalidates the 3 MB module with a 304
    // instead of downloading it again once `max-age` has passed.
    let Some(etag) = content_tag(&file, &meta) else {
        return landing();
    };
    let unchanged = if_none_match(&req, &etag);
    let mut res = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.content_type(content_type)
        .insert_header(("Cache-Control", cache))
        .insert_header(("Vary", "Accept-Encoding"))
        .insert_header(("ETag", etag.as_str()));
    if let Some(coding) = coding {
        res.insert_header(("Content-Encoding", coding));
    }
    if unchanged {
        return res.finish();
    }
    match std::fs::read(&file) {
        Ok(bytes) => res.body(bytes),
        Err(_) => landing(),
    }
}

/// Whether an `Accept-Encoding` value takes `coding` (RFC 9110 §12.5.3: `q=0` refuses it).
fn accepts_encoding(header: &str, coding: &str) -> bool {
    header.split(',').any(|entry| {
        let mut parts = entry.split(';');
        let named = parts.next().is_some_and(|name| name.trim().eq_ignore_ascii_case(coding));
        let refused = parts.any(|param| {
            let param = param.trim();
            param.get(..2).is_some_and(|k| k.eq_ignore_ascii_case("q="))
                && param.get(2..).and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
        });
        named && !refused
    })
}

/// Whether the request's `If-None-Match` names `etag` (or is `*`).
fn if_none_match(req: &actix_web::HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(actix_web::http::header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// A strong validator for a file: the start of its SHA-256, so that every instance
/// serving the same build gives the same one. Hashed once per file version (path,
/// length, modification time), not per request.
fn content_tag(file: &Path, meta: &std::fs::Metadata) -> Option<String> {
    type Key = (PathBuf, u64, Option<std::time::SystemTime>);
    static TAGS: OnceLock<Mutex<HashMap<Key, String>>> = OnceLock::new();
    let key = (file.to_path_buf(), meta.len(), meta.modified().ok());
    let tags = TAGS.get_or_init(Default::default);
    if let Some(tag) = tags.lock().ok()?.get(&key) {
        return Some(tag.clone());
    }
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(file).ok()?, &mut hasher).ok()?;
    let tag = format!("\"{}\"", &hex::encode(hasher.finalize())[..32]);
    let mut tags = tags.lock().ok()?;
    // A handful of files, replaced by each deployment: forget older versions.
    tags.retain(|(path, ..), _| path != file);
    tags.insert(key, tag.clone());
    Some(tag)
}
