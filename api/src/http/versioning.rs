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
use actix_web::web;

use super::methods::MethodTable;

/// The release of the contract this server implements (`info.version`).
pub const API_VERSION: &str = "1.5.0";

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

/// Adds `API-Version` to every API response; under `Prefer: handling=lenient` drops
/// query parameters the operation does not take before it reads them (bodies: see
/// `parse_optional_json`) and answers `Preference-Applied`.
pub async fn negotiate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let api = req.path().starts_with("/api/");
    let lenient = api && prefers_lenient(req.headers());
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

    #[test]
    fn unknown_query_parameters_are_dropped_known_ones_kept_as_sent() {
        let known = ["state".to_string(), "q".to_string()];
        assert_eq!(known_only("state=queued&future=1&q=%E4%BA%BA&state=on_hold", &known), "state=queued&q=%E4%BA%BA&state=on_hold");
        assert_eq!(known_only("future=1", &known), "");
        assert_eq!(known_only("", &known), "");
    }
}
