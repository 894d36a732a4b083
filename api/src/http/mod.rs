//! The HTTP boundary every route shares: strict JSON bodies, `If-Match`, ETags,
//! pages, CSV and uploads, and the problem responses the contract documents.
//! Routes parse here and call `crate::app`; they never call each other.

pub mod contract;
mod csv_import;
mod files;
pub mod idempotency;
pub mod links;
pub mod methods;
mod query;
pub mod security;
pub mod spa;
pub mod stall;
mod strict_json;
pub mod throttle;
pub mod upload;
pub mod versioning;

pub use csv_import::{parse_csv_rows, reference_csv, rows_refused};

pub use files::{attachment_header, csv_plain, csv_response, csv_safe, file_response};
pub use query::{query_in_two, query_value, query_with_lists, Query, Repeated};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use statreq_contract::Problem;
use statreq_domain::eligibility;
use statreq_store::AuditContext;
use utoipa::IntoResponses;

pub use crate::app::input::{DEFAULT_PAGE, MAX_PAGE};
use crate::app::{AppError, InputError, Precondition};
use crate::auth::Principal;
use crate::error::ApiError;

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

/// The audit context of this call: the caller and its address.
pub fn audit(who: &Principal, req: &HttpRequest) -> AuditContext {
    crate::app::audit::context(who, client_ip(req).map(|a| a.to_string()))
}

/// The client's address: the peer, unless the peer is a trusted proxy
/// (`--trusted-proxies`); then the nearest address in `Forwarded` (or else
/// `X-Forwarded-For`) that is not itself a trusted proxy. A client cannot make
/// itself appear elsewhere by sending these headers.
pub fn client_ip(req: &HttpRequest) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr()?.ip();
    let trusted: &[ipnet::IpNet] = req.app_data::<web::Data<crate::AppState>>().map_or(&[], |s| &s.settings.trusted_proxies);
    let is_trusted = |a: &std::net::IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let chain = forwarded_chain(req);
    Some(chain.into_iter().rev().find(|a| !is_trusted(a)).unwrap_or(peer))
}

/// The addresses a request passed through, client first, as proxies recorded them.
fn forwarded_chain(req: &HttpRequest) -> Vec<std::net::IpAddr> {
    let values = |name| req.headers().get_all(name).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim);
    let forwarded: Vec<_> = values(header::FORWARDED)
        .filter_map(|element| {
            element.split(';').map(str::trim).find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.eq_ignore_ascii_case("for").then(|| parse_node(v.trim_matches('"')))?
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    values(header::HeaderName::from_static("x-forwarded-for")).filter_map(parse_node).collect()
}

/// `192.0.2.1`, `192.0.2.1:443`, `[2001:db8::1]`, `[2001:db8::1]:443` or `2001:db8::1`.
fn parse_node(node: &str) -> Option<std::net::IpAddr> {
    if let Ok(a) = node.parse() {
        return Some(a);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']').and_then(|(a, _)| a.parse().ok());
    }
    node.rsplit_once(':').and_then(|(a, _)| a.parse().ok())
}

/// A JSON body's `Content-Type`, read as RFC 9110 spells media types
/// (case-insensitive, parameters after `;`): `application/json`, any `…/json` or
/// `…+json`; a `charset` other than UTF-8 is refused, since JSON is UTF-8 (RFC 8259)
/// and a body in another (Big5, say) would otherwise be misread.
fn json_media_type(content_type: &str) -> Result<(), ApiError> {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let subtype = essence.split_once('/').map(|(_, sub)| sub).unwrap_or_default();
    if !(subtype == "json" || subtype.ends_with("+json")) {
        return Err(InputError::UnsupportedMediaType.into());
    }
    let charset = parts.filter_map(|p| p.split_once('=')).find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"));
    match charset.map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase()) {
        Some(c) if !["utf-8", "utf8", "us-ascii"].contains(&c.as_str()) => Err(InputError::UnsupportedCharset { charset: c }.into()),
        _ => Ok(()),
    }
}

/// The content codings a request's body says it is in, other than `identity`, as sent
/// (RFC 9110 §8.4: a list, case-insensitive, perhaps over several lines), at most 64
/// characters of them. statreq decodes none, so any is refused before a body is read.
/// The refusal says them back: a character no text may hold (a header's bytes may be
/// UTF-8 for U+0088 or U+202E) shows as U+FFFD.
pub fn content_coding(headers: &header::HeaderMap) -> Option<String> {
    let shown =
        |v: &header::HeaderValue| String::from_utf8_lossy(v.as_bytes()).replace(statreq_domain::values::is_disallowed_char, "\u{FFFD}");
    let lines = headers.get_all(header::CONTENT_ENCODING).map(shown);
    let codings: Vec<String> = lines
        .flat_map(|line| line.split(',').map(|c| c.trim().to_owned()).collect::<Vec<_>>())
        .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("identity"))
        .collect();
    (!codings.is_empty()).then(|| codings.join(", ").chars().take(64).collect())
}

/// Parses a required JSON body strictly: none is 400 (`body_required`), malformed
/// JSON is 400; a completion deadline anywhere in it is refused under rule 5.3;
/// unknown or mistyped fields are 422 with a pointer. Nothing is changed when
/// parsing fails.
pub fn parse_json<T: DeserializeOwned + serde::Serialize>(req: &HttpRequest, body: &[u8]) -> Result<T, ApiError> {
    let body = without_bom(body);
    if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
        return Err(InputError::BodyRequired.into());
    }
    parse_optional_json(req, body)
}

/// The body without a leading UTF-8 byte-order mark, which Windows tools (PowerShell 5's
/// `Out-File`, .NET's `Encoding.UTF8`) write before JSON; RFC 8259 §8.1 lets a parser
/// pass over it.
fn without_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body)
}

/// As [`parse_json`], for an operation whose body is optional: none (or `null`)
/// reads as `{}`.
pub fn parse_optional_json<T: DeserializeOwned + serde::Serialize>(req: &HttpRequest, body: &[u8]) -> Result<T, ApiError> {
    let body = without_bom(body);
    if !body.is_empty() {
        json_media_type(req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or(""))?;
    }
    let raw: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let mut value = strict_json::read(raw).map_err(|refused| match (refused, std::str::from_utf8(raw)) {
        (_, Err(not_utf8)) => InputError::NotUtf8 { detail: not_utf8.to_string() },
        (strict_json::Refused::Syntax(e), Ok(_)) => InputError::MalformedJson { detail: e.to_string() },
        (strict_json::Refused::Duplicate(pointer), Ok(_)) => InputError::DuplicateField { pointer },
    })?;
    // Every body is a JSON object (serde would read an array as a struct's fields in
    // order, which the contract does not allow); an optional one is left out, not `null`.
    if !value.is_object() {
        return Err(InputError::value("", "須為 JSON 物件（{…}）", "the body must be a JSON object").into());
    }
    if let Some((pointer, ch)) = disallowed_pointer(&value, String::new()) {
        return Err(InputError::DisallowedCharacter { pointer, ch }.into());
    }
    let pointers = eligibility::deadline_pointers(&value);
    if !pointers.is_empty() {
        return Err(InputError::DeadlineNotAllowed { pointers }.into());
    }
    // Under `Prefer: handling=lenient` each unknown field is dropped and the body read
    // again (a body has few; at most 64 are dropped).
    let lenient = versioning::prefers_lenient(req.headers());
    for _ in 0..64 {
        let attempt = value.clone();
        match serde_path_to_error::deserialize::<_, T>(attempt) {
            Ok(v) => {
                // serde reads an array as a struct's fields in order, at any depth; the
                // contract says object there. What was read as an object but sent as an
                // array is refused where it is.
                let read = serde_json::to_value(&v).map_err(AppError::internal)?;
                if let Some(pointer) = array_read_as_object(&value, &read, String::new()) {
                    return Err(InputError::value(pointer, "須為物件（{…}），不是陣列", "expected a JSON object, not an array").into());
                }
                return Ok(v);
            }
            Err(e) => {
                let pointer = to_pointer(&e.path().to_string());
                let detail = e.inner().to_string();
                let sent = value.pointer(&pointer).and_then(|v| v.as_str());
                if let Some(error) = sent.and_then(|v| query::day_refused(v, &detail)) {
                    return Err(InputError::InvalidDayValue { pointer, error }.into());
                }
                if !detail.starts_with("unknown field") {
                    return Err(InputError::invalid_value(pointer, detail).into());
                }
                if !lenient || !remove_at(&mut value, &pointer) {
                    return Err(InputError::UnknownField { pointer, detail }.into());
                }
            }
        }
    }
    Err(InputError::UnknownField { pointer: String::new(), detail: "too many unknown fields".into() }.into())
}

/// The first place where `sent` has an array and what it was read as (`read`, the
/// parsed body serialised again) has an object.
fn array_read_as_object(sent: &serde_json::Value, read: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value::{Array, Object};
    match (sent, read) {
        (Array(_), Object(_)) => Some(at),
        (Array(a), Array(b)) => a.iter().zip(b).enumerate().find_map(|(i, (x, y))| array_read_as_object(x, y, format!("{at}/{i}"))),
        (Object(a), Object(b)) => a.iter().find_map(|(k, x)| {
            let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
            b.get(k).and_then(|y| array_read_as_object(x, y, here))
        }),
        _ => None,
    }
}

/// Removes the member at an RFC 6901 pointer; whether there was one.
fn remove_at(value: &mut serde_json::Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return false };
    let key = key.replace("~1", "/").replace("~0", "~");
    value.pointer_mut(parent).and_then(|p| p.as_object_mut()).and_then(|o| o.remove(&key)).is_some()
}

/// The pointer of the first string (or key) holding a character no text may
/// ([`statreq_domain::values::is_disallowed_char`]), and the character; in the pointer
/// itself such characters show as U+FFFD.
fn disallowed_pointer(v: &serde_json::Value, at: String) -> Option<(String, char)> {
    use statreq_domain::values::disallowed_char;
    match v {
        serde_json::Value::String(s) => disallowed_char(s).map(|c| (at, c)),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| disallowed_pointer(x, format!("{at}/{i}"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
            let here = format!("{at}/{}", pointer_token(k));
            match disallowed_char(k) {
                Some(c) => Some((here, c)),
                None => disallowed_pointer(x, here),
            }
        }),
        _ => None,
    }
}

/// `key` as a JSON pointer's token (RFC 6901), characters no text may hold shown as U+FFFD.
pub(crate) fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1").replace(statreq_domain::values::is_disallowed_char, "\u{FFFD}")
}

/// Whether a query's `agency` is written as an agency's code can be (1–32 letters,
/// digits, `_` or `-`, as the contract says): otherwise 400; a well-written code that
/// names no agency selects nothing.
pub fn well_formed_agency_param(code: &str) -> bool {
    (1..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
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

/// One entity-tag's opaque part (RFC 9110 §8.8.3: `[W/]"…"` of visible characters
/// other than `"`), or, leniently, the bare digits statreq documents (`3`).
fn entity_tag(raw: &str) -> Option<&str> {
    let tag = raw.strip_prefix("W/").unwrap_or(raw);
    match tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(opaque) if opaque.bytes().all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80) => Some(opaque),
        Some(_) => None,
        // Unquoted, only a version as statreq writes them (1–18 digits): a longer one is
        // neither an entity-tag nor a version, and is refused as malformed.
        None if !raw.starts_with("W/") && (1..=18).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_digit()) => Some(tag),
        None => None,
    }
}

/// Parses `If-Match`: `*`, or a list of entity-tags (`"3"`, `W/"3"`, or `3`). A
/// well-formed tag that is not one of statreq's versions never matches; a list
/// may name one version (statreq has one current version to compare with).
pub fn precondition(req: &HttpRequest) -> Result<Precondition, ApiError> {
    let Some(v) = req.headers().get(header::IF_MATCH) else { return Ok(Precondition::Absent) };
    let raw = v.to_str().map_err(|_| InputError::InvalidIfMatch)?.trim();
    if raw == "*" {
        return Ok(Precondition::Any);
    }
    let mut version = None;
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let opaque = entity_tag(part).ok_or(InputError::InvalidIfMatch)?;
        let ours = (!opaque.is_empty() && opaque.len() <= 18 && opaque.bytes().all(|b| b.is_ascii_digit()))
            .then(|| opaque.parse::<i64>().ok())
            .flatten();
        match (version, ours) {
            (_, None) => {}
            (None, Some(v)) => version = Some(v),
            (Some(a), Some(b)) if a == b => {}
            (Some(_), Some(_)) => return Err(InputError::InvalidIfMatch.into()),
        }
    }
    if raw.split(',').all(|p| p.trim().is_empty()) {
        return Err(InputError::InvalidIfMatch.into());
    }
    Ok(version.map_or(Precondition::Never, Precondition::Version))
}

/// The version a client says it has (`If-Match: "3"`), if any; `*` checks none.
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    Ok(precondition(req)?.optional()?)
}

/// `If-Match` where the change needs one (428 without); `*` knowingly takes any version.
pub fn require_if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    Ok(precondition(req)?.required()?)
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
        let chunk = chunk.map_err(|_| InputError::UploadInterrupted)?;
        if bytes.len() + chunk.len() > max {
            return Err(InputError::BodyTooLarge { max_bytes: max }.into());
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(InputError::BodyRequired.into());
    }
    Ok(bytes)
}

/// A request as answered after a read or a change: its view for the caller, its
/// version as `ETag`, and `Location` when it was created.
pub fn respond_request(
    status: actix_web::http::StatusCode,
    who: &Principal,
    l: &crate::app::requests::Loaded,
) -> Result<HttpResponse, ApiError> {
    let v = crate::app::requests::view(who, l)?;
    let mut res = HttpResponse::build(status);
    res.insert_header(etag(v.version));
    if status == actix_web::http::StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/api/v1/requests/{}", v.id)));
    }
    Ok(res.json(v))
}

/// A page size within bounds.
pub fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(InputError::InvalidLimit.into()),
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

/// A page read from the store at a position (`offset`, up to `limit + 1` rows: the
/// extra row only tells that more exist): the cursor is the next position.
pub fn page_from<T>(mut items: Vec<T>, offset: i64, limit: i64) -> statreq_contract::Page<T> {
    let more = items.len() as i64 > limit;
    items.truncate(limit.max(0) as usize);
    statreq_contract::Page { items, next_cursor: more.then(|| offset.saturating_add(limit).to_string()) }
}

/// `cursor` and `limit`: the paging every list endpoint takes.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// One page of a list whose whole is at hand (reference data, a request's history,
/// in its documented order): the cursor is a position in it.
pub fn page_at<T>(all: Vec<T>, cursor: Option<&str>, limit: Option<i64>) -> Result<statreq_contract::Page<T>, ApiError> {
    let limit = page_limit(limit)? as usize;
    let offset = parse_cursor(cursor)?.unwrap_or(0).max(0) as usize;
    let total = all.len();
    let items: Vec<T> = all.into_iter().skip(offset).take(limit).collect();
    let next_cursor = (offset.saturating_add(limit) < total).then(|| (offset + limit).to_string());
    Ok(statreq_contract::Page { items, next_cursor })
}

/// [`page_at`] as the 200 response.
pub fn list_response<T: serde::Serialize>(all: Vec<T>, cursor: Option<&str>, limit: Option<i64>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(page_at(all, cursor, limit)?))
}

/// A cursor as the contract documents it: 1–18 digits.
pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    let parse = |c: &str| {
        let digits = !c.is_empty() && c.len() <= 18 && c.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| c.parse::<i64>().ok()).flatten().ok_or(InputError::InvalidCursor)
    };
    Ok(cursor.map(parse).transpose()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_media_types_are_read_case_insensitively_and_in_utf8() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=UTF-8",
            "application/json;charset=\"utf-8\"",
            "text/json",
            "application/merge-patch+json",
        ] {
            assert!(super::json_media_type(ok).is_ok(), "{ok}");
        }
        for refused in [
            "",
            "text/plain",
            "application/jsonx",
            "application/json-seq",
            "multipart/form-data; boundary=json",
            "application/json; charset=big5",
        ] {
            assert!(super::json_media_type(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn only_identity_is_no_content_coding() {
        use actix_web::http::header::{HeaderMap, HeaderValue, CONTENT_ENCODING};
        let coding = |values: &[&'static str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append(CONTENT_ENCODING, HeaderValue::from_static(v));
            }
            super::content_coding(&h)
        };
        assert_eq!(coding(&[]), None);
        assert_eq!(coding(&["identity"]), None);
        assert_eq!(coding(&[" Identity , "]), None);
        assert_eq!(coding(&["gzip"]).as_deref(), Some("gzip"));
        assert_eq!(coding(&["identity, BR"]).as_deref(), Some("BR"));
        assert_eq!(coding(&["identity", "deflate"]).as_deref(), Some("deflate"));
        assert_eq!(coding(&["x".repeat(100).leak()]).map(|c| c.len()), Some(64));
        // Said back in the refusal: U+0088 and U+202E (a header's bytes as UTF-8) are not.
        let mut h = HeaderMap::new();
        h.append(CONTENT_ENCODING, HeaderValue::from_bytes("\u{88}gz\u{202E}ip".as_bytes()).unwrap_or(HeaderValue::from_static("x")));
        assert_eq!(super::content_coding(&h).as_deref(), Some("\u{FFFD}gz\u{FFFD}ip"));
    }

    #[test]
    fn query_problems_read_without_parser_internals() {
        assert_eq!(
            super::query::query_detail("unknown field `x`, expected `cursor` or `limit`", &[]),
            "unknown query parameter `x` (expected `cursor` or `limit`)"
        );
        // With the parameters another part reads (the list's order and pages).
        assert_eq!(
            super::query::query_detail("unknown field `x`, expected one of `state`, `q`", &["sort", "limit"]),
            "unknown query parameter `x` (expected one of `state`, `q`, `sort`, `limit`)"
        );
        assert_eq!(super::query::query_detail("invalid digit found in string", &["sort"]), "invalid digit found in string");
    }

    #[test]
    fn whole_lists_page_by_position() {
        let p = super::page_at((1..=5).collect::<Vec<i32>>(), None, Some(2)).unwrap_or_else(|_| unreachable!());
        assert_eq!((p.items, p.next_cursor.as_deref()), (vec![1, 2], Some("2")));
        let p = super::page_at((1..=5).collect::<Vec<i32>>(), Some("4"), Some(2)).unwrap_or_else(|_| unreachable!());
        assert_eq!((p.items, p.next_cursor), (vec![5], None));
        let past = super::page_at((1..=5).collect::<Vec<i32>>(), Some("9"), None).unwrap_or_else(|_| unreachable!());
        assert!(past.items.is_empty() && past.next_cursor.is_none());
        assert!(super::page_at(vec![1], Some("x"), None).is_err());
        assert!(super::page_at(vec![1], None, Some(0)).is_err());
    }

    #[test]
    fn pages_read_at_a_position_point_to_the_next() {
        let p = super::page_from(vec!['a', 'b', 'c'], 4, 2);
        assert_eq!((p.items, p.next_cursor.as_deref()), (vec!['a', 'b'], Some("6")));
        let last = super::page_from(vec!['a', 'b'], 4, 2);
        assert_eq!((last.items, last.next_cursor), (vec!['a', 'b'], None));
    }

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
