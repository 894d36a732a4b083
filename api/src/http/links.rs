//! Download links: a short-lived ticket in a file's URL takes the place of the bearer
//! token, so that a browser can follow the link itself and stream a large file to
//! disk (with its own progress) instead of holding it in the page's memory.
//!
//! The ticket is taken out of the URL before anything else sees the request: it never
//! reaches the logs, the request's span or the idempotency fingerprint.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::AppState;

/// The `ticket` of a download link, in place of the bearer token.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkTicket {
    /// From the file's `…/link` (`POST`); it opens this file, for the caller who asked,
    /// for a minute. Without it, send `Authorization: Bearer`.
    pub ticket: Option<String>,
}

/// A ticket taken out of a `GET`'s query string, for [`Principal`]'s extractor.
#[derive(Clone)]
pub struct Ticket(pub String);

/// The ticket of the request, if a `GET` came with one.
pub fn ticket(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<Ticket>().map(|t| t.0.clone())
}

/// Moves a `ticket` from the URL into the request's extensions (outermost, so the log's
/// `http.target` and everything after never see it); only a `GET` (or its `HEAD`) may
/// use it, but one sent with any other method is kept out of the logs all the same.
pub async fn take_ticket(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let has_ticket = || url::form_urlencoded::parse(req.query_string().as_bytes()).any(|(k, _)| k == "ticket");
    if !req.query_string().is_empty() && has_ticket() {
        let mut ticket = None;
        let mut rest = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
            match k.as_ref() {
                "ticket" => ticket = ticket.or(Some(v.into_owned())),
                _ => {
                    rest.append_pair(&k, &v);
                }
            }
        }
        let rest = rest.finish();
        let target = if rest.is_empty() { req.path().to_owned() } else { format!("{}?{rest}", req.path()) };
        if let Ok(uri) = target.parse::<Uri>() {
            req.head_mut().uri = uri;
        }
        let reads = [actix_web::http::Method::GET, actix_web::http::Method::HEAD].contains(req.method());
        if let Some(t) = ticket.filter(|_| reads) {
            req.extensions_mut().insert(Ticket(t));
        }
    }
    next.call(req).await
}

/// Answers with a download link to `file_path` (the API path of a file's `GET`) for the
/// caller; see [`crate::auth::issue_link_ticket`].
pub fn download_link(state: &AppState, who: &Principal, file_path: String) -> Result<HttpResponse, ApiError> {
    // Refused now, with the reason, when following it would be refused for want of a
    // transfer (`429 too_many_transfers`, `503 busy`): a browser following a link shows
    // a refusal only as a failed download. Nothing is held: the place is given back.
    drop(state.transfers.begin(who.user.id)?);
    let now = chrono::Utc::now();
    let ticket = crate::auth::issue_link_ticket(&state.keys, who.user.id.0, &file_path, now)?;
    let expires_at = now + chrono::Duration::seconds(crate::auth::LINK_TTL_SECONDS);
    let link = statreq_contract::DownloadLink { url: format!("{file_path}?ticket={ticket}"), expires_at };
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(link))
}
