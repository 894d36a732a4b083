//! `Idempotency-Key` on creating POSTs: a retried request with the same key and
//! body gets the first response again (with `Idempotent-Replayed: true`) instead
//! of creating a second resource; the same key with another body is 422. Keys
//! are per caller and forgotten after `--idempotency-hours`. A concurrent
//! duplicate waits for the first attempt and then replays it. Responses of 5xx
//! are not kept: the retry runs again.

use std::future::Future;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use sha2::{Digest, Sha256};
use statreq_store::{IdempotencyClaim, StoredResponse};

use crate::app::{db, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::AppState;

pub const HEADER: &str = "Idempotency-Key";
pub const REPLAYED: &str = "Idempotent-Replayed";
pub const MAX_KEY: usize = 255;
/// How long a duplicate waits for the first attempt before giving up with 409.
const WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// The caller's key, if any; 400 when it is empty, too long or not printable ASCII.
pub fn key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(raw) = req.headers().get(HEADER) else { return Ok(None) };
    match raw.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= MAX_KEY && k.bytes().all(|b| (0x21..=0x7e).contains(&b)) => Ok(Some(k.to_string())),
        _ => Err(InputError::InvalidIdempotencyKey { max: MAX_KEY }.into()),
    }
}

/// The fingerprint of a JSON request: method, path with query, and body.
pub fn fingerprint(req: &HttpRequest, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(req.method().as_str());
    h.update(b"\0");
    h.update(req.uri().path_and_query().map(|p| p.as_str()).unwrap_or(""));
    h.update(b"\0");
    // A JSON body is compared as a value: a retry that re-serialises it (another key
    // order, other whitespace, `\u` escapes) is the same request.
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => h.update(canonical(&v).as_bytes()),
        Err(_) => h.update(body),
    }
    hex::encode(h.finalize())
}

/// The value with object keys sorted, compact: one text per JSON value.
fn canonical(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> =
                keys.into_iter().map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k.as_str()]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// Runs `create` at most once per (caller, key): see the module documentation.
pub async fn once<F, Fut>(
    state: &AppState,
    who: &Principal,
    req: &HttpRequest,
    fingerprint: String,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<HttpResponse, ApiError>>,
{
    let Some(key) = key(req)? else { return create().await };
    let caller = who.user.id;
    let ttl = state.settings.idempotency_ttl;
    let started = std::time::Instant::now();
    loop {
        let (k, fp) = (key.clone(), fingerprint.clone());
        let claim = db(state, move |s| s.claim_idempotency_key(caller, &k, &fp, ttl, chrono::Utc::now())).await?;
        match claim {
            IdempotencyClaim::Reserved => break,
            IdempotencyClaim::Replay(stored) => return Ok(replay(&stored)),
            IdempotencyClaim::Mismatch => return Err(InputError::IdempotencyKeyReused.into()),
            IdempotencyClaim::InProgress if started.elapsed() < WAIT => {
                actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            IdempotencyClaim::InProgress => return Err(InputError::IdempotencyInProgress.into()),
        }
    }
    let response = match create().await {
        Ok(r) => r,
        Err(e) => e.error_response(),
    };
    let status = response.status();
    if status.is_server_error() {
        let k = key.clone();
        let _ = db(state, move |s| s.release_idempotency_key(caller, &k)).await;
        return Ok(response);
    }
    let headers: Vec<(String, String)> = [header::CONTENT_TYPE, header::ETAG, header::LOCATION]
        .iter()
        .filter_map(|h| response.headers().get(h).and_then(|v| v.to_str().ok()).map(|v| (h.as_str().to_string(), v.to_string())))
        .collect();
    let body = actix_web::body::to_bytes(response.into_body()).await.map_err(|_| ApiError::internal())?;
    let stored = StoredResponse { status: status.as_u16(), headers, body: String::from_utf8_lossy(&body).into_owned() };
    let kept = stored.clone();
    if let Err(e) = db(state, move |s| s.complete_idempotency_key(caller, &key, &kept)).await {
        tracing::warn!(error = %e, "idempotent response not kept; a retry will run again");
    }
    Ok(rebuild(&stored, false))
}

fn replay(stored: &StoredResponse) -> HttpResponse {
    rebuild(stored, true)
}

fn rebuild(stored: &StoredResponse, replayed: bool) -> HttpResponse {
    let mut res = HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    for (name, value) in &stored.headers {
        res.insert_header((name.as_str(), value.as_str()));
    }
    if replayed {
        res.insert_header((REPLAYED, "true"));
    }
    res.body(stored.body.clone())
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_bodies_compare_as_values() {
        let a: serde_json::Value = serde_json::from_str(r#"{"b": [1, {"y": 2, "x": "\u6797"}], "a": null}"#).unwrap_or_default();
        let b: serde_json::Value = serde_json::from_str(r#"{"a":null,"b":[1,{"x":"林","y":2}]}"#).unwrap_or_default();
        assert_eq!(super::canonical(&a), super::canonical(&b));
        let c: serde_json::Value = serde_json::from_str(r#"{"a":null,"b":[{"x":"林","y":2},1]}"#).unwrap_or_default();
        assert_ne!(super::canonical(&a), super::canonical(&c), "array order matters");
    }
}
