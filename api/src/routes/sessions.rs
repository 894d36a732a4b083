//! One's own sessions: each sign-in that can still refresh, ending one, and signing
//! out everywhere. Under `/auth`, where the browser's refresh cookie is sent, so that
//! the browser's own session is known. Ending a session stops its refresh token at once; an access token
//! already issued from it runs out within its lifetime (`--access-token-seconds`).

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use statreq_contract::{SessionView, SignedOutView};

use crate::app::db;
use crate::auth::{hash_refresh_token, Principal, REFRESH_COOKIE};
use crate::error::ApiError;
use crate::http::{self, ErrorResponses};
use crate::AppState;

/// The session of this call, when the browser presents its refresh cookie.
async fn current_session(state: &AppState, req: &HttpRequest, user: statreq_domain::UserId) -> Result<Option<String>, ApiError> {
    let Some(token) = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_string()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let hash = hash_refresh_token(&token);
    let found = db(state, move |s| s.session_of_token(&hash)).await?;
    Ok(found.filter(|(_, owner)| *owner == user).map(|(family, _)| family))
}

/// The caller's sessions that can still refresh, most recently active first; the one
/// of this browser is marked `current`.
#[utoipa::path(tag = "auth", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = statreq_contract::Page<SessionView>), ErrorResponses))]
#[get("/auth/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let id = who.user.id;
    let current = current_session(&state, &req, id).await?;
    let rows = db(&state, move |s| s.sessions_of(id, Utc::now())).await?;
    let views: Vec<SessionView> = rows
        .into_iter()
        .map(|r| SessionView {
            current: current.as_deref() == Some(r.id.as_str()),
            id: r.id,
            started_at: r.started_at,
            last_active_at: r.last_active_at,
            expires_at: r.expires_at,
            user_agent: r.origin.user_agent,
            client_addr: r.origin.client_addr,
            started_user_agent: r.first_origin.user_agent,
            started_client_addr: r.first_origin.client_addr,
        })
        .collect();
    http::list_response(views, q.cursor.as_deref(), q.limit)
}

/// Ends one of the caller's sessions (another device left signed in); audited. 404
/// for a session that is not the caller's or no longer exists.
#[utoipa::path(tag = "auth", security(("bearer" = [])), params(("id" = String, Path, max_length = 64)), responses((status = 204), ErrorResponses))]
#[delete("/auth/sessions/{id}")]
pub async fn end_session(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let session = path.into_inner();
    if session.is_empty() || session.len() > 64 {
        return Err(ApiError::not_found());
    }
    let audit = http::audit(&who, &req);
    let id = who.user.id;
    if !db(&state, move |s| s.end_session(id, &session, &audit, Utc::now())).await? {
        return Err(ApiError::not_found());
    }
    tracing::info!(actor = %id, "session ended by its owner");
    Ok(HttpResponse::NoContent().finish())
}

/// Signs the caller out everywhere, this browser included: every refresh token of the
/// account stops at once; audited.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses((status = 200, body = SignedOutView), ErrorResponses))]
#[post("/auth/sessions/sign-out-everywhere")]
pub async fn sign_out_everywhere(state: web::Data<AppState>, who: Principal, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let audit = http::audit(&who, &req);
    let id = who.user.id;
    let sessions = db(&state, move |s| s.end_all_sessions(id, &audit, Utc::now())).await?;
    tracing::info!(actor = %id, sessions, "signed out everywhere");
    Ok(HttpResponse::Ok().json(SignedOutView { sessions }))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_sessions).service(end_session).service(sign_out_everywhere);
}
