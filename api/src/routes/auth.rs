//! Sign-in, token refresh, service-account tokens and the caller's own account.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use statreq_contract::{ClientCredentialsBody, LoginBody, Me, RefreshBody, TokenResponse};
use statreq_store::RefreshUse;

use crate::app::{db, InputError};
use crate::auth::{hash_refresh_token, issue_access_token, new_refresh_token, verify_password, Principal};
use crate::error::ApiError;
use crate::http::{parse_json, ErrorResponses};
use crate::AppState;

fn bad_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "帳號或密碼錯誤。", "Wrong username or password.")
}

async fn tokens_for(state: &AppState, user_id: i64, family: Option<String>, with_refresh: bool) -> Result<TokenResponse, ApiError> {
    let now = Utc::now();
    let access_token = issue_access_token(&state.keys, user_id, state.settings.access_token_seconds, now)?;
    let refresh_token = if with_refresh {
        let (fresh, hash) = new_refresh_token();
        let family = family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let expires = now + Duration::seconds(state.settings.refresh_token_seconds);
        db(state, move |s| s.insert_refresh_token(&hash, &family, user_id, now, expires)).await?;
        Some(fresh)
    } else {
        None
    };
    Ok(TokenResponse { access_token, refresh_token, token_type: "Bearer".into(), expires_in: state.settings.access_token_seconds })
}

/// Checks a username and password (argon2id) off the async executor.
async fn check_password(state: &AppState, username: String, password: String, kind: &'static str) -> Result<i64, ApiError> {
    let user = db(state, move |s| {
        s.find_user_by_username(&username).map(Some).or_else(|e| match e {
            statreq_store::StoreError::NotFound => Ok(None),
            e => Err(e),
        })
    })
    .await?;
    let hash = user.as_ref().filter(|u| u.active && u.kind == kind).and_then(|u| u.password_hash.clone());
    let ok = web::block(move || verify_password(&password, hash.as_deref())).await?;
    match (ok, user) {
        (true, Some(u)) => Ok(u.id),
        _ => Err(bad_credentials()),
    }
}

/// Sign in with a local account.
#[utoipa::path(
    tag = "auth",
    request_body = LoginBody,
    responses((status = 200, description = "Signed in", body = TokenResponse), ErrorResponses)
)]
#[post("/auth/login")]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let body: LoginBody = parse_json(&req, &body)?;
    let id = check_password(&state, body.username, body.password, "local").await?;
    Ok(HttpResponse::Ok().json(tokens_for(&state, id, None, true).await?))
}

/// Exchange a refresh token for new tokens. Each refresh token works once; a
/// reused one is refused and revokes every token descended from the same sign-in.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshBody,
    responses((status = 200, description = "New tokens", body = TokenResponse), ErrorResponses)
)]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let body: RefreshBody = parse_json(&req, &body)?;
    let hash = hash_refresh_token(&body.refresh_token);
    let now = Utc::now();
    match db(&state, move |s| s.use_refresh_token(&hash, now)).await? {
        RefreshUse::Rotated { user_id, family } => {
            let user = db(&state, move |s| s.get_user(user_id)).await?;
            if !user.active {
                return Err(ApiError::unauthorized("account_disabled", "This account is disabled."));
            }
            Ok(HttpResponse::Ok().json(tokens_for(&state, user_id, Some(family), true).await?))
        }
        RefreshUse::Reused => {
            tracing::warn!("refresh token reused; its family is revoked");
            Err(ApiError::unauthorized(
                "refresh_token_reused",
                "This refresh token was already used; every session from that sign-in is now signed out.",
            ))
        }
        RefreshUse::Invalid => Err(ApiError::unauthorized("invalid_refresh_token", "The refresh token is unknown or expired.")),
    }
}

/// Service accounts: OAuth 2.0 client credentials for an access token (JSON body).
#[utoipa::path(
    tag = "auth",
    request_body = ClientCredentialsBody,
    responses((status = 200, description = "Access token", body = TokenResponse), ErrorResponses)
)]
#[post("/auth/token")]
pub async fn token(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let body: ClientCredentialsBody = parse_json(&req, &body)?;
    if body.grant_type != "client_credentials" {
        return Err(InputError::UnsupportedGrantType.into());
    }
    let id = check_password(&state, body.client_id, body.client_secret, "service").await?;
    Ok(HttpResponse::Ok().json(tokens_for(&state, id, None, false).await?))
}

/// The signed-in account.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = Me), ErrorResponses)
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    let code = who.user.agency_code.clone();
    let agency = db(&state, move |s| s.get_agency(&code)).await?;
    let u = who.user;
    Ok(HttpResponse::Ok().json(Me {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        email: u.email,
        agency_code: u.agency_code,
        agency_name: agency.name,
        roles: who.actor.roles.to_vec(),
    }))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login).service(refresh).service(token).service(me);
}
