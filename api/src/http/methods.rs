//! The route table, read from the OpenAPI document (which comes from the same
//! registrations): `405 Method Not Allowed` with `Allow` for a path the API serves
//! with other methods (actix would answer 404), and each operation's query
//! parameters, for `Prefer: handling=lenient` (see [`super::versioning`]).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};
use utoipa::openapi::path::ParameterIn;

use crate::app::InputError;
use crate::error::ApiError;

/// Where the OpenAPI document is served.
pub const DOCUMENT: &str = "/api/v1/openapi.json";

/// One operation: its method, its query parameters, and whether it is signed in to.
struct Operation {
    method: &'static str,
    query: Vec<String>,
    signed_in: bool,
}

/// The operations at one path template.
type Operations = Vec<Operation>;

/// Every path template the API serves, with its methods and their query parameters.
pub struct MethodTable {
    routes: Vec<(Vec<String>, Operations)>,
}

impl MethodTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> MethodTable {
        let mut routes: Vec<_> = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods =
                    [("GET", &item.get), ("PUT", &item.put), ("POST", &item.post), ("DELETE", &item.delete), ("PATCH", &item.patch)]
                        .into_iter()
                        .filter_map(|(method, op)| {
                            let op = op.as_ref()?;
                            let query = op.parameters.iter().flatten().filter(|p| p.parameter_in == ParameterIn::Query);
                            // Public operations declare no security requirement (or an empty one).
                            let signed_in =
                                op.security.iter().flatten().any(|r| serde_json::to_value(r).is_ok_and(|v| v != serde_json::json!({})));
                            Some(Operation { method, query: query.map(|p| p.name.clone()).collect(), signed_in })
                        })
                        .collect();
                (path.split('/').map(str::to_string).collect(), methods)
            })
            .collect();
        // The document itself, served beside the operations it lists.
        routes.push((
            DOCUMENT.split('/').map(str::to_string).collect(),
            vec![Operation { method: "GET", query: Vec::new(), signed_in: false }],
        ));
        MethodTable { routes }
    }

    /// The methods served at `path`, sorted; empty when none. Where several
    /// templates match, the most specific ones answer (`/sources/import` is not
    /// `/sources/{id}`), as the router's literal routes do.
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.best(path).into_iter().flatten().map(|op| op.method).collect();
        if out.contains(&"GET") {
            out.push("HEAD");
        }
        if !out.is_empty() {
            out.push("OPTIONS");
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The query parameters the operation at `path` with `method` takes; `None` when
    /// no operation is there.
    pub fn query_parameters(&self, path: &str, method: &str) -> Option<&[String]> {
        self.operation(path, method).map(|op| op.query.as_slice())
    }

    /// Whether the operation at `path` with `method` is for signed-in callers only.
    pub fn signed_in(&self, path: &str, method: &str) -> bool {
        self.operation(path, method).is_some_and(|op| op.signed_in)
    }

    fn operation(&self, path: &str, method: &str) -> Option<&Operation> {
        self.best(path).into_iter().flatten().find(|op| op.method == method)
    }

    fn best(&self, path: &str) -> Vec<&Operations> {
        let segments: Vec<&str> = path.split('/').collect();
        let matching: Vec<(usize, &Operations)> = self
            .routes
            .iter()
            .filter_map(|(template, methods)| {
                let fits = template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| t == s || (is_param(t) && !s.is_empty()));
                fits.then(|| (template.iter().filter(|t| !is_param(t)).count(), methods))
            })
            .collect();
        let best = matching.iter().map(|(literal, _)| *literal).max().unwrap_or(0);
        matching.into_iter().filter(|(literal, _)| *literal == best).map(|(_, methods)| methods).collect()
    }
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// Marks a request that came as `HEAD` and is served as the `GET` it stands for.
#[derive(Clone, Copy)]
pub struct Head;

/// Serves `HEAD` as `GET` (RFC 9110 §9.3.2): the same status and headers, no content
/// (the HTTP layer sends none for a `HEAD`). Without this the router knows no `HEAD`,
/// and a load balancer's `HEAD /readyz` would get the SPA's page, always 200. Handlers
/// whose `GET` does more than read (a file's download is audited and takes a transfer)
/// answer a `HEAD` without doing it: see [`is_head`].
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
        req.extensions_mut().insert(Head);
    }
    next.call(req).await
}

/// Whether the request came as `HEAD`: answer with the headers only, and do nothing
/// the `GET` would record.
pub fn is_head(req: &actix_web::HttpRequest) -> bool {
    req.extensions().get::<Head>().is_some()
}

/// Turns the 404 of a known path asked with another method into 405 with `Allow`
/// (which names `HEAD` wherever `GET` is served, and `OPTIONS`), and answers `OPTIONS`.
pub async fn method_not_allowed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let allowed = match req.app_data::<web::Data<MethodTable>>() {
        Some(table) if req.path().starts_with("/api/") || ["/healthz", "/readyz", "/metrics"].contains(&req.path()) => {
            table.allowed(req.path())
        }
        _ => Vec::new(),
    };
    let method = req.method().as_str().to_string();
    // `OPTIONS` (not a CORS preflight, which the CORS layer answers before this) is told
    // what the path takes (RFC 9110 §9.3.7).
    if method == "OPTIONS" && !allowed.is_empty() {
        let mut answer = actix_web::HttpResponse::NoContent().finish();
        if let Ok(v) = header::HeaderValue::from_str(&allowed.join(", ")) {
            answer.headers_mut().insert(header::ALLOW, v);
        }
        return Ok(req.into_response(answer));
    }
    let res = next.call(req).await?.map_into_boxed_body();
    if res.status() != StatusCode::NOT_FOUND || allowed.is_empty() || allowed.contains(&method.as_str()) {
        return Ok(res);
    }
    let (req, _) = res.into_parts();
    let mut answer = ApiError::from(InputError::MethodNotAllowed { allowed: allowed.join(", ") }).error_response();
    if let Ok(v) = header::HeaderValue::from_str(&allowed.join(", ")) {
        answer.headers_mut().insert(header::ALLOW, v);
    }
    Ok(ServiceResponse::new(req, answer))
}

#[cfg(test)]
mod tests {
    use super::MethodTable;

    #[test]
    fn templates_match_segment_by_segment() {
        let table = MethodTable::from_openapi(&crate::openapi_document());
        assert_eq!(table.allowed("/api/v1/requests/12"), vec!["GET", "HEAD", "OPTIONS", "PATCH"]);
        assert_eq!(table.allowed("/api/v1/requests"), vec!["GET", "HEAD", "OPTIONS", "POST"]);
        assert_eq!(table.allowed("/api/v1/requests/12/submit"), vec!["OPTIONS", "POST"]);
        assert_eq!(table.allowed("/api/v1/dictionary/fields/import"), vec!["OPTIONS", "POST"], "the literal route, not /fields/{{code}}");
        assert_eq!(table.allowed("/api/v1/dictionary/fields/grade"), vec!["GET", "HEAD", "OPTIONS", "PUT"]);
        assert!(table.allowed("/api/v1/nothing/here").is_empty());
        assert_eq!(table.allowed(super::DOCUMENT), vec!["GET", "HEAD", "OPTIONS"]);
        assert!(table.allowed("/api/v1/requests//submit").is_empty(), "an empty segment is no id");
        let list = table.query_parameters("/api/v1/requests", "GET").unwrap_or_default();
        assert!(list.iter().any(|p| p == "updated_since") && list.iter().any(|p| p == "cursor"), "{list:?}");
        assert_eq!(table.query_parameters("/api/v1/requests/12/submit", "POST"), Some(&[][..]));
        assert_eq!(table.query_parameters("/api/v1/requests/12/submit", "GET"), None);
    }
}
