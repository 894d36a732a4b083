//! How clients and servers of different v1 releases work together.
//!
//! Every `/api/` response says which release of the contract answered
//! (`API-Version`, the OpenAPI document's `info.version`): additive changes raise its
//! minor number, so a client can tell whether a field or parameter it wants to send is
//! known before it sends it. By default unknown body fields and query parameters are
//! refused (a typo is caught, not silently dropped); a client that sends
//! `Prefer: handling=lenient` (RFC 7240 §4.4) has them ignored instead, and the
//! response says so (`Preference-Applied: handling=lenient`) — so a newer client keeps
//! working against an older server. Values of known fields are checked either way.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::http::Uri;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use super::methods::MethodTable;
use crate::app::InputError;
use crate::error::ApiError;

/// The release of the contract this server implements (`info.version`).
pub const API_VERSION: &str = "1.24.1";

pub const API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");
const PREFERENCE_APPLIED: HeaderName = HeaderName::from_static("preference-applied");

/// Whether the client asked for `Prefer: handling=lenient`.
pub fn prefers_lenient(headers: &HeaderMap) -> bool {
    headers.get_all("prefer").filter_map(|v| v.to_str().ok()).flat_map(|v| v.split([',', ';'])).any(|token| {
        let mut kv = token.splitn(2, '=').map(|p| p.trim().trim_matches('"').to_ascii_lowercase());
        kv.next().as_deref() == Some("handling") && kv.next().as_deref() == Some("lenient")
    })
}

/// `query` without the parameters the operation does not take.
fn known_only(query: &str, known: &[String]) -> String {
    query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            let name = url::form_urlencoded::parse(name.as_bytes()).next().map(|(k, _)| k.into_owned()).unwrap_or_default();
            !pair.is_empty() && known.contains(&name)
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A query parameter the operation does not take, refused once the caller is known.
#[derive(Clone)]
struct UnknownQuery(InputError);

/// The refusal of a query parameter the signed-in operation does not take, if any
/// (read by the caller's identity, after authentication).
pub fn refused_query(req: &actix_web::HttpRequest) -> Option<ApiError> {
    req.extensions().get::<UnknownQuery>().map(|u| ApiError::from(u.0.clone()))
}

/// The first query parameter the operation does not take, by name.
fn unknown_parameter(query: &str, known: &[String]) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes()).map(|(name, _)| name.into_owned()).find(|name| !known.contains(name))
}

/// Adds `API-Version` to every API response; under `Prefer: handling=lenient` drops
/// query parameters the operation does not take before it reads them (bodies: see
/// `parse_optional_json`) and answers `Preference-Applied`. Without it, a parameter
/// the operation does not take is refused (`400 invalid_query`, naming it) for every
/// operation alike, also those that take none (`GET /requests/12?expand=events`).
pub async fn negotiate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let api = req.path().starts_with("/api/");
    let lenient = api && prefers_lenient(req.headers());
    if api && !lenient {
        // `HEAD` is the `GET` it stands for; a CORS preflight carries no query of its own.
        let method = if req.method() == actix_web::http::Method::HEAD { "GET" } else { req.method().as_str() };
        let unknown = match (req.app_data::<web::Data<MethodTable>>(), req.uri().query()) {
            (Some(table), Some(query)) => table.query_parameters(req.path(), method).and_then(|known| {
                let name = unknown_parameter(query, known)?;
                let expected = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                let detail = if known.is_empty() {
                    format!("unknown query parameter `{name}` (this operation takes none)")
                } else {
                    format!("unknown query parameter `{name}` (expected one of {expected})")
                };
                Some(InputError::UnknownParameter { name, detail })
            }),
            _ => None,
        };
        if let Some(refused) = unknown {
            // Who is not signed in is told that first, as the handlers' own parameters
            // do: the check for a signed-in operation waits for the caller's identity
            // ([`refused_query`]).
            let signed_in = req.app_data::<web::Data<MethodTable>>().is_some_and(|t| t.signed_in(req.path(), method));
            if signed_in {
                req.extensions_mut().insert(UnknownQuery(refused));
            } else {
                let mut res = req.error_response(ApiError::from(refused)).map_into_boxed_body();
                res.headers_mut().insert(API_VERSION_HEADER, HeaderValue::from_static(API_VERSION));
                return Ok(res);
            }
        }
    }
    if lenient {
        let kept = match (req.app_data::<web::Data<MethodTable>>(), req.uri().query()) {
            (Some(table), Some(query)) => {
                table.query_parameters(req.path(), req.method().as_str()).map(|known| known_only(query, known)).filter(|q| q != query)
            }
            _ => None,
        };
        if let Some(query) = kept {
            let path = req.path().to_string();
            let target = if query.is_empty() { path } else { format!("{path}?{query}") };
            if let Ok(uri) = target.parse::<Uri>() {
                req.match_info_mut().get_mut().update(&uri);
                req.head_mut().uri = uri;
            }
        }
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if api {
        res.headers_mut().insert(API_VERSION_HEADER, HeaderValue::from_static(API_VERSION));
        if lenient {
            res.headers_mut().insert(PREFERENCE_APPLIED, HeaderValue::from_static("handling=lenient"));
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

    use super::*;

    fn headers(prefer: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for p in prefer {
            h.append(HeaderName::from_static("prefer"), HeaderValue::from_static(p));
        }
        h
    }

    #[test]
    fn the_lenient_preference_is_read_as_rfc_7240_writes_it() {
        assert!(prefers_lenient(&headers(&["handling=lenient"])));
        assert!(prefers_lenient(&headers(&["respond-async, Handling = Lenient"])));
        assert!(prefers_lenient(&headers(&["return=minimal", "handling=\"lenient\"; x=1"])));
        assert!(!prefers_lenient(&headers(&["handling=strict"])));
        assert!(!prefers_lenient(&headers(&[])));
    }

    #[test]
    fn the_header_names_the_documents_version() {
        assert_eq!(crate::openapi_document().info.version, API_VERSION);
    }

    /// The README and the integration guide name the release as the header does, and
    /// the guide's history has an entry for it.
    #[test]
    fn the_docs_name_the_current_release() {
        let read =
            |p: &str| std::fs::read_to_string(format!("{}/../{p}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{p}: {e}"));
        let (readme, guide) = (read("README.md"), read("docs/integration.md"));
        assert!(readme.contains(&format!("`API-Version: {API_VERSION}`")), "README.md names another release than {API_VERSION}");
        assert!(guide.contains(&format!("(now `{API_VERSION}`)")), "docs/integration.md names another release than {API_VERSION}");
        assert!(guide.contains(&format!("**{API_VERSION} (")), "docs/integration.md has no entry for {API_VERSION}");
    }

    #[test]
    fn unknown_query_parameters_are_dropped_known_ones_kept_as_sent() {
        let known = ["state".to_string(), "q".to_string()];
        assert_eq!(known_only("state=queued&future=1&q=%E4%BA%BA&state=on_hold", &known), "state=queued&q=%E4%BA%BA&state=on_hold");
        assert_eq!(known_only("future=1", &known), "");
        assert_eq!(known_only("", &known), "");
    }
}
