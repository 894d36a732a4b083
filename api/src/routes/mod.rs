//! HTTP handlers under `/api/v1`, registered through `utoipa_actix_web` so that the
//! route table and the OpenAPI document come from one source.

pub mod admin;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod deliveries;
pub mod dictionary;
pub mod idempotency;
pub mod inquiries;
pub mod meta;
pub mod queue;
pub mod requests;
pub mod sources;
pub mod stats;
pub mod webhooks;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest};
use serde::de::DeserializeOwned;
use statreq_contract::{Problem, ProblemError};
use statreq_domain::{eligibility, Text};
use statreq_store::{Store, StoreResult};
use utoipa::IntoResponses;

use crate::error::ApiError;
use crate::AppState;

/// The error responses every operation may give: RFC 9457 problem+json.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ErrorResponses {
    /// The request was refused; `code` says why, `errors` points into the body.
    #[response(status = "4XX", content_type = "application/problem+json")]
    Client(Problem),
    /// Something failed on the server; nothing was changed.
    #[response(status = "5XX", content_type = "application/problem+json")]
    Server(Problem),
}

/// Runs blocking store work off the async executor.
pub async fn db<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
{
    let store = state.store.clone();
    Ok(web::block(move || f(&store)).await??)
}

/// Parses a JSON body strictly: malformed JSON is 400; a completion deadline
/// anywhere in it is refused under rule 5.3; unknown or mistyped fields are 422
/// with a pointer. Nothing is changed when parsing fails.
pub fn parse_json<T: DeserializeOwned>(req: &HttpRequest, body: &[u8]) -> Result<T, ApiError> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !body.is_empty() && !content_type.contains("json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "請以 application/json 送出。",
            "Send the body as application/json.",
        ));
    }
    let raw: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let mut value: serde_json::Value = serde_json::from_slice(raw).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", "內容不是有效的 JSON。", format!("The body is not valid JSON: {e}"))
    })?;
    if value.is_null() {
        // `null` is no body, as an empty one is (optional bodies are documented as nullable).
        value = serde_json::json!({});
    }
    if let Some(pointer) = nul_pointer(&value, String::new()) {
        return Err(ApiError::invalid(
            "invalid_character",
            &pointer,
            "內容含有不允許的空字元（U+0000）。",
            "The text contains a NUL character (U+0000), which is not allowed.",
        ));
    }
    let deadlines = eligibility::deadline_pointers(&value);
    if !deadlines.is_empty() {
        let message = Text::new(
            "申請人不得訂定完成期限；人事總處依收件順序、難易度、各主管機關已申請數量及人事人員數排定作業（第5點第3款）。",
            "Applicants may not set a completion deadline: DGPA orders its work by application order, difficulty, the volume each supervising agency has requested and its personnel staff (rule 5.3).",
        );
        let errors = deadlines
            .into_iter()
            .map(|pointer| ProblemError {
                pointer,
                code: "deadline_not_allowed".into(),
                detail: message.en.clone(),
                message: Some(message.clone()),
                severity: None,
            })
            .collect();
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "deadline_not_allowed", message.zh_tw, message.en)
            .with_rule("5.3")
            .with_errors(errors));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = to_pointer(&e.path().to_string());
        let detail = e.inner().to_string();
        let code = if detail.starts_with("unknown field") { "unknown_field" } else { "invalid_value" };
        ApiError::invalid(code, &pointer, format!("欄位內容有誤：{detail}"), detail.clone()).with_errors(vec![ProblemError {
            pointer: pointer.clone(),
            code: code.into(),
            detail: detail.clone(),
            message: None,
            severity: None,
        }])
    })
}

/// The pointer of the first string (or key) holding U+0000, which no database stores.
fn nul_pointer(v: &serde_json::Value, at: String) -> Option<String> {
    let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
    match v {
        serde_json::Value::String(s) if s.contains('\0') => Some(at),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| nul_pointer(x, format!("{at}/{i}"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
            let here = format!("{at}/{}", escape(k));
            if k.contains('\0') {
                Some(here)
            } else {
                nul_pointer(x, here)
            }
        }),
        _ => None,
    }
}

/// `a.b[0].c` (serde_path_to_error) → `/a/b/0/c`.
fn to_pointer(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut out = String::new();
    for part in path.split('.') {
        for (i, seg) in part.split('[').enumerate() {
            let seg = if i > 0 { seg.trim_end_matches(']') } else { seg };
            if !seg.is_empty() {
                out.push('/');
                out.push_str(&seg.replace('~', "~0").replace('/', "~1"));
            }
        }
    }
    out
}

/// The version a client says it has (`If-Match: "3"`), if any.
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(v) = req.headers().get(header::IF_MATCH) else { return Ok(None) };
    let raw = v.to_str().unwrap_or("").trim();
    if raw == "*" {
        return Ok(None);
    }
    let bare = raw.trim_start_matches("W/").trim_matches('"');
    bare.parse::<i64>().map(Some).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_if_match",
            "If-Match 標頭格式有誤，應為案件的 ETag。",
            "If-Match must be the request's ETag, e.g. \"3\".",
        )
    })
}

/// 412 when the client's version is stale.
pub fn check_version(expected: Option<i64>, actual: i64) -> Result<(), ApiError> {
    match expected {
        Some(v) if v != actual => Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            "案件已被更新，您看到的不是最新版本；請重新載入後再試。",
            "The request has changed since you loaded it (stale If-Match); reload and try again.",
        )),
        _ => Ok(()),
    }
}

pub fn etag(version: i64) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}

/// The largest CSV file an import takes, and its most rows.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 20_000;

/// Reads an upload of at most `max` bytes (413 beyond).
pub async fn read_upload(payload: &mut web::Payload, max: usize) -> Result<web::BytesMut, ApiError> {
    use futures_util::StreamExt;
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "上傳中斷。", "The upload was interrupted."))?;
        if bytes.len() + chunk.len() > max {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("檔案過大（上限 {} MiB）。", max / (1024 * 1024)),
                format!("The file is too large ({} MiB at most).", max / (1024 * 1024)),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A CSV upload as UTF-8 text (a BOM is dropped, as spreadsheets write one).
pub fn csv_text(bytes: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| ApiError::invalid("invalid_csv", "", "檔案須為 UTF-8 編碼。", "The file must be UTF-8."))
}

/// 422 listing every bad row of an import; nothing was imported.
pub fn csv_errors(errors: Vec<statreq_contract::ProblemError>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_csv",
        "CSV 內容有誤，未匯入任何資料。",
        "The CSV has errors; nothing was imported.",
    )
    .with_errors(errors)
}

/// A CSV download.
pub fn csv_response(name: &str, body: Vec<u8>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(body)
}

pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

/// A page size within bounds.
pub fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid(
            "invalid_limit",
            "/limit",
            format!("每頁筆數須介於 1 至 {MAX_PAGE}。"),
            format!("limit must be between 1 and {MAX_PAGE}."),
        )),
    }
}

/// A page from up to `limit + 1` fetched rows: the extra row only tells that more
/// exist; the cursor is the last item's id.
pub fn page_of<T>(mut items: Vec<T>, limit: i64, id_of: impl Fn(&T) -> i64) -> statreq_contract::Page<T> {
    let more = items.len() as i64 > limit;
    items.truncate(limit.max(0) as usize);
    let next_cursor = if more { items.last().map(|i| id_of(i).to_string()) } else { None };
    statreq_contract::Page { items, next_cursor }
}

pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    cursor
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                ApiError::invalid(
                    "invalid_cursor",
                    "/cursor",
                    "分頁游標無效。",
                    "The cursor is not valid; use next_cursor from the previous page.",
                )
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_cut_at_the_limit_and_point_past_it() {
        let p = super::page_of(vec![9, 8, 7], 2, |i| *i);
        assert_eq!((p.items, p.next_cursor.as_deref()), (vec![9, 8], Some("8")));
        let last = super::page_of(vec![9, 8], 2, |i| *i);
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn pointers_from_serde_paths() {
        assert_eq!(super::to_pointer("requirement.fields[2]"), "/requirement/fields/2");
        assert_eq!(super::to_pointer("existing_sources[0].source"), "/existing_sources/0/source");
        assert_eq!(super::to_pointer("."), "");
    }
}
