//! Sign-in, token refresh, service-account tokens and the caller's own account.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use statreq_contract::{
    ChangePasswordBody, ClientCredentialsBody, ClientCredentialsForm, LoginBody, Me, NotificationSettings, RefreshBody, TokenResponse,
};
use statreq_domain::UserId;
use statreq_store::{AuditContext, NewRefreshToken, RefreshUse, SessionOrigin};
use std::net::IpAddr;

use crate::app::{db, users, InputError};
use crate::auth::{hash_refresh_token, issue_access_token, new_refresh_token, verify_password, Principal, REFRESH_COOKIE};
use crate::error::ApiError;
use crate::http::{self, parse_json, ErrorResponses};
use crate::AppState;

fn bad_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "帳號或密碼錯誤。", "Wrong username or password.")
}

/// The browser's refresh token lives in this cookie, scoped to the sign-in paths,
/// `HttpOnly` (no script reads it) and `SameSite=Strict`; `Secure` when the service
/// is published on https.
const COOKIE_PATH: &str = "/api/v1/auth";
/// The header a browser sends to use the cookie. A page of another site cannot
/// send it (it is not CORS-safelisted, so it would need a preflight statreq
/// refuses), which is the cookie path's protection against cross-site requests.
pub const COOKIE_MODE_HEADER: &str = "statreq-refresh";

/// Whether the caller asks for the refresh token in the cookie (`Statreq-Refresh: cookie`).
fn cookie_mode(req: &HttpRequest) -> bool {
    req.headers().get(COOKIE_MODE_HEADER).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cookie"))
}

fn refresh_cookie(state: &AppState, value: &str, max_age: Option<i64>) -> actix_web::cookie::Cookie<'static> {
    let secure = state.settings.public_url.as_deref().is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"));
    let mut c = actix_web::cookie::Cookie::build(REFRESH_COOKIE, value.to_string())
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(secure)
        .same_site(actix_web::cookie::SameSite::Strict)
        .finish();
    if let Some(age) = max_age {
        c.set_max_age(actix_web::cookie::time::Duration::seconds(age));
    }
    c
}

/// Answers with the tokens: in cookie mode the refresh token goes into the cookie
/// and out of the body.
fn token_response(state: &AppState, req: &HttpRequest, mut t: TokenResponse) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    res.insert_header(("Cache-Control", "no-store"));
    if cookie_mode(req) {
        if let Some(r) = t.refresh_token.take() {
            res.cookie(refresh_cookie(state, &r, Some(state.settings.refresh_token_seconds)));
        }
    }
    res.json(t)
}

/// The refresh token a call presents: the cookie in cookie mode, else the JSON body.
/// No token at all (no body, no cookie) is presented as the empty token, which no
/// session has: refresh answers 401, sign-out has nothing to end.
fn presented_refresh_token(req: &HttpRequest, body: &[u8]) -> Result<String, ApiError> {
    if cookie_mode(req) {
        return Ok(req.cookie(REFRESH_COOKIE).map(|c| c.value().to_string()).unwrap_or_default());
    }
    if body.is_empty() {
        return Ok(String::new());
    }
    let body: RefreshBody = parse_json(req, body)?;
    Ok(body.refresh_token)
}

/// The client address sign-in throttling counts against.
fn client_of(req: &HttpRequest) -> IpAddr {
    http::client_ip(req).unwrap_or(IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED))
}

/// The audit context of someone not (yet) signed in, at the client's address.
fn anonymous(req: &HttpRequest) -> AuditContext {
    AuditContext { actor_id: None, actor_agency: None, client_addr: http::client_ip(req).map(|a| a.to_string()) }
}

/// The client a call comes from: its `User-Agent` and address.
fn origin_of(req: &HttpRequest) -> SessionOrigin {
    SessionOrigin {
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .filter(|ua| !ua.trim().is_empty())
            .map(str::to_owned),
        client_addr: http::client_ip(req).map(|a| a.to_string()),
    }
}

/// Issues an access token and, with `with_refresh`, the refresh token of a new sign-in
/// (audited as one in the same transaction).
async fn tokens_for(
    state: &AppState,
    req: &HttpRequest,
    user_id: UserId,
    with_refresh: bool,
    audit: AuditContext,
) -> Result<TokenResponse, ApiError> {
    let now = Utc::now();
    let refresh_token = if with_refresh {
        let (fresh, hash) = new_refresh_token();
        let family = uuid::Uuid::new_v4().to_string();
        let expires = now + Duration::seconds(state.settings.refresh_token_seconds);
        let audit = AuditContext { actor_id: Some(user_id), ..audit };
        // Where it goes, so that the person can tell their sessions apart.
        let origin = origin_of(req);
        db(state, move |s| {
            let issued = NewRefreshToken { token_hash: &hash, family: &family, user_id, issued_at: now, expires_at: expires, origin };
            s.insert_refresh_token(&issued, Some(&audit))
        })
        .await?;
        Some(fresh)
    } else {
        None
    };
    access_for(state, user_id, refresh_token, now)
}

/// An access token for `user_id`, beside the refresh token already stored (if any).
fn access_for(
    state: &AppState,
    user_id: UserId,
    refresh_token: Option<String>,
    now: chrono::DateTime<Utc>,
) -> Result<TokenResponse, ApiError> {
    let access_token = issue_access_token(&state.keys, user_id.0, state.settings.access_token_seconds, now)?;
    Ok(TokenResponse { access_token, refresh_token, token_type: "Bearer".into(), expires_in: state.settings.access_token_seconds })
}

/// Checks a username and password (argon2id) off the async executor — only once
/// the throttle admits the attempt. A failure is counted and audited.
async fn check_password(
    state: &AppState,
    req: &HttpRequest,
    username: String,
    password: String,
    kind: &'static str,
) -> Result<UserId, ApiError> {
    let addr = client_of(req);
    // Accounts are named in lower case; one named otherwise before that rule (by an
    // older `statreq user create`) is still found by its exact name.
    let name = users::sign_in_name(&username);
    state.sign_in.admit(Some(&name), addr)?;
    let (tried, throttled) = (username.clone(), name.clone());
    let user = db(state, move |s| {
        let exact = (username != name).then_some(username.as_str());
        for candidate in std::iter::once(name.as_str()).chain(exact) {
            match s.find_user_by_username(candidate) {
                Ok(u) => return Ok(Some(u)),
                Err(statreq_store::StoreError::NotFound) => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    })
    .await?;
    let hash = user.as_ref().filter(|u| u.active && u.kind == kind).and_then(|u| u.password_hash.clone());
    let ok = {
        let turn = crate::auth::hashing_turn().await;
        // The failures of those checked while this attempt waited its turn count: a
        // burst at once is throttled as the same attempts one after another are.
        state.sign_in.admit(Some(&throttled), addr)?;
        let ok = turn.run(move || verify_password(&password, hash.as_deref())).await?;
        if !ok {
            state.sign_in.failed(Some(&throttled), addr);
        }
        ok
    };
    match (ok, user) {
        (true, Some(u)) => Ok(u.id),
        _ => {
            let audit = anonymous(req);
            let detail = serde_json::json!({"username": tried.chars().take(100).collect::<String>(), "kind": kind});
            db(state, move |s| s.audit(&audit, "auth.sign_in_failed", None, &detail, Utc::now())).await?;
            Err(bad_credentials())
        }
    }
}

/// Sign in with a local account. Failed attempts are throttled per account and
/// address and per address (429 with `Retry-After`). A browser sends
/// `Statreq-Refresh: cookie` to get its refresh token as an `HttpOnly` cookie
/// instead of in the body.
#[utoipa::path(
    tag = "auth",
    params(("Statreq-Refresh" = Option<String>, Header, description = "`cookie`: the refresh token travels in an HttpOnly cookie, not the body (browsers, same origin); any other value is ignored")),
    request_body = LoginBody,
    responses((status = 200, description = "Signed in", body = TokenResponse), ErrorResponses)
)]
#[post("/auth/login")]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let body: LoginBody = parse_json(&req, &body)?;
    let id = check_password(&state, &req, body.username, body.password, "local").await?;
    let tokens = tokens_for(&state, &req, id, true, anonymous(&req)).await?;
    Ok(token_response(&state, &req, tokens))
}

/// Exchange a refresh token for new tokens. Each refresh token works once; a
/// reused one is refused and revokes every token descended from the same sign-in —
/// save that the client that spent it (the same `User-Agent` and address) may present
/// it again within `--refresh-repeat-seconds` (30) and get new tokens too: two calls
/// refreshing at once, a lost response retried.
/// A sign-in lasts at most the absolute session lifetime (`--session-hours`).
/// With `Statreq-Refresh: cookie` the token is taken from the cookie (no body).
#[utoipa::path(
    tag = "auth",
    params(("Statreq-Refresh" = Option<String>, Header, description = "`cookie`: the refresh token travels in an HttpOnly cookie, not the body (browsers, same origin); any other value is ignored")),
    request_body(content = Option<RefreshBody>, description = "The refresh token; left out with `Statreq-Refresh: cookie`. No token at all: refresh answers 401, sign-out 204 with nothing to end"),
    responses((status = 200, description = "New tokens", body = TokenResponse), ErrorResponses)
)]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let presented = presented_refresh_token(&req, &body)?;
    let addr = client_of(&req);
    state.sign_in.admit(None, addr)?;
    let hash = hash_refresh_token(&presented);
    let now = Utc::now();
    let started_after = now - Duration::seconds(state.settings.session_max_seconds);
    let repeat_within = Duration::seconds(state.settings.refresh_repeat_seconds);
    let audit = anonymous(&req);
    let by = origin_of(&req);
    // Its successor, stored with the spending if the token is good.
    let (next, next_hash) = new_refresh_token();
    let next_expires_at = now + Duration::seconds(state.settings.refresh_token_seconds);
    let found = db(&state, move |s| {
        let ask = statreq_store::RefreshAsk { started_after, by: &by, repeat_within, next_hash: &next_hash, next_expires_at };
        s.use_refresh_token(&hash, &ask, &audit, now)
    })
    .await?;
    if !matches!(found, RefreshUse::Rotated { .. }) {
        state.sign_in.failed(None, addr);
    }
    match found {
        RefreshUse::Rotated { user_id, .. } => {
            let user = db(&state, move |s| s.get_user(user_id)).await?;
            if !user.active {
                return Err(ApiError::unauthorized("account_disabled", "This account is disabled."));
            }
            Ok(token_response(&state, &req, access_for(&state, user_id, Some(next), now)?))
        }
        RefreshUse::Reused => {
            tracing::warn!("refresh token reused; its family is revoked");
            Err(ApiError::unauthorized(
                "refresh_token_reused",
                "This refresh token was already used; every session from that sign-in is now signed out.",
            ))
        }
        RefreshUse::SessionEnded => {
            Err(ApiError::unauthorized("session_expired", "The sign-in is older than the session lifetime; sign in again."))
        }
        RefreshUse::Invalid => Err(ApiError::unauthorized("invalid_refresh_token", "The refresh token is unknown, expired or signed out.")),
    }
}

/// Sign out: revokes the sign-in (every refresh token descended from it) that this
/// refresh token belongs to. Answers 204 whether or not the token was known. With
/// `Statreq-Refresh: cookie` the token is taken from the cookie, which is cleared.
#[utoipa::path(
    tag = "auth",
    params(("Statreq-Refresh" = Option<String>, Header, description = "`cookie`: the refresh token travels in an HttpOnly cookie, not the body (browsers, same origin); any other value is ignored")),
    request_body(content = Option<RefreshBody>, description = "The refresh token; left out with `Statreq-Refresh: cookie`. No token at all: refresh answers 401, sign-out 204 with nothing to end"),
    responses((status = 204, description = "Signed out"), ErrorResponses)
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let presented = presented_refresh_token(&req, &body)?;
    let hash = hash_refresh_token(&presented);
    let audit = anonymous(&req);
    db(&state, move |s| s.revoke_session(&hash, &audit, Utc::now())).await?;
    let mut res = HttpResponse::NoContent();
    if cookie_mode(&req) {
        res.cookie(refresh_cookie(&state, "", Some(0)));
    }
    Ok(res.finish())
}

/// An access token for a service account, by OAuth 2.0 client credentials (RFC 6749
/// §4.4). The form (`application/x-www-form-urlencoded`, the client authenticated
/// with HTTP Basic or in the form) as the RFC writes it, or the same as JSON. The
/// `client_id` is the service account's username, the secret its password. Errors
/// carry the RFC's `error` and `error_description` beside the problem's members.
/// Throttled like sign-in.
#[utoipa::path(
    tag = "auth",
    request_body(content(
        (ClientCredentialsForm = "application/x-www-form-urlencoded"),
        (ClientCredentialsBody = "application/json"),
    )),
    params(("Authorization" = Option<String>, Header, description = "`Basic base64(client_id:client_secret)` (RFC 6749 §2.3.1), instead of the credentials in the body", pattern = "^Basic [A-Za-z0-9+/=]+$")),
    responses((status = 200, description = "Access token", body = TokenResponse, headers(("Cache-Control" = String, description = "no-store"))), ErrorResponses)
)]
#[post("/auth/token")]
pub async fn token(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let (id, secret) = client_credentials(&req, &body)?;
    let id = check_password(&state, &req, id, secret, "service").await.map_err(|e| match e.code.as_str() {
        "invalid_credentials" => e.with_oauth("invalid_client"),
        _ => e,
    })?;
    let audit = AuditContext { actor_id: Some(id), ..anonymous(&req) };
    db(&state, move |s| s.audit(&audit, "auth.token_issued", None, &serde_json::json!({"user": id}), Utc::now())).await?;
    let tokens = tokens_for(&state, &req, id, false, anonymous(&req)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).insert_header(("Pragma", "no-cache")).json(tokens))
}

/// The client's id and secret, from the form or JSON body and HTTP Basic; the
/// refusals are RFC 6749 §5.2 errors.
fn client_credentials(req: &HttpRequest, body: &[u8]) -> Result<(String, String), ApiError> {
    let form = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")));
    let basic = basic_credentials(req)?;
    let (grant_type, in_body) = if form {
        let f: ClientCredentialsForm = serde_urlencoded::from_bytes(body)
            .map_err(|e| ApiError::from(InputError::invalid_value("", e.to_string())).with_oauth("invalid_request"))?;
        (f.grant_type, f.client_id.zip(f.client_secret))
    } else {
        let b: ClientCredentialsBody = parse_json(req, body).map_err(|e| e.with_oauth("invalid_request"))?;
        (b.grant_type, Some((b.client_id, b.client_secret)))
    };
    if grant_type != "client_credentials" {
        return Err(ApiError::from(InputError::UnsupportedGrantType).with_oauth("unsupported_grant_type"));
    }
    let found = match (basic, in_body) {
        (Some(_), Some(_)) if form => Err(ApiError::from(InputError::value(
            "/client_id",
            "用戶端只能驗證一次：以 HTTP Basic 或於表單中提供，不可兩者並用（RFC 6749 §2.3）",
            "authenticate the client once: with HTTP Basic or in the form, not both (RFC 6749 §2.3)",
        ))
        .with_oauth("invalid_request")),
        (Some(b), _) => Ok(b),
        (None, Some(c)) => Ok(c),
        (None, None) => Err(bad_credentials().with_oauth("invalid_client")),
    }?;
    // No account's name or secret holds U+0000 (and no database stores it).
    if found.0.contains('\0') || found.1.contains('\0') {
        return Err(bad_credentials().with_oauth("invalid_client"));
    }
    Ok(found)
}

/// `Authorization: Basic …` with the id and secret each form-urlencoded (RFC 6749 §2.3.1).
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, ApiError> {
    use base64::Engine;
    let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let Some(encoded) = crate::auth::credentials(value, "Basic") else { return Ok(None) };
    let malformed = || bad_credentials().with_oauth("invalid_client");
    let raw = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(raw).map_err(|_| malformed())?;
    let (id, secret) = text.split_once(':').ok_or_else(malformed)?;
    let decode = |s: &str| percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8().map(|c| c.into_owned());
    Ok(Some((decode(id).map_err(|_| malformed())?, decode(secret).map_err(|_| malformed())?)))
}

fn settings_view(state: &AppState, user: &statreq_store::UserRow) -> NotificationSettings {
    use statreq_domain::notify::{email_kinds, wants_email, wants_inbox};
    let stored = &user.notification_settings;
    NotificationSettings {
        email: email_kinds().into_iter().map(|k| (k.clone(), wants_email(stored, &k))).collect(),
        inbox: email_kinds().into_iter().map(|k| (k.clone(), wants_inbox(stored, &k))).collect(),
        // How e-mail goes here, so that a person knows what the column does.
        email_sent: Some(state.settings.smtp_url.is_some()),
        email_gather_seconds: Some(u32::try_from(state.settings.email_gather.as_secs()).unwrap_or(u32::MAX)),
    }
}

/// Which notices one gets in the in-app inbox and by e-mail (every kind listed).
///
/// Also how e-mail goes here: whether it is sent at all, and how long an e-mail waits for
/// others to the same address.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses((status = 200, body = NotificationSettings), ErrorResponses))]
#[get("/me/notification-settings")]
pub async fn get_notification_settings(state: web::Data<AppState>, who: Principal) -> HttpResponse {
    HttpResponse::Ok().json(settings_view(&state, &who.user))
}

/// Turns notice kinds on or off, by e-mail and in the in-app inbox. By e-mail
/// (`{"email": {"request_submitted": false}}`) and in the in-app inbox (`{"email": {}, "inbox": {"request_supervisor_approved":
/// false}}`); kinds not named keep their setting. An unknown kind is refused, and so is
/// keeping out of the inbox a notice that always comes (`destruction_due`,
/// `destruction_overdue`, `escalation`).
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = NotificationSettings, responses((status = 200, body = NotificationSettings), ErrorResponses))]
#[put("/me/notification-settings")]
pub async fn put_notification_settings(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: NotificationSettings = parse_json(&req, &body)?;
    let known = statreq_domain::notify::email_kinds();
    let named = b.email.keys().map(|k| ("email", k)).chain(b.inbox.keys().map(|k| ("inbox", k)));
    if let Some((place, unknown)) = named.into_iter().find(|(_, k)| !known.contains(k)) {
        return Err(InputError::value(
            format!("/{place}/{unknown}"),
            format!("沒有這種通知；可用的有 {}", known.join("、")),
            format!("unknown notice kind; known: {}", known.join(", ")),
        )
        .into());
    }
    // Read only, but as the contract describes it: a value no server could have said is refused.
    let most = statreq_contract::EMAIL_GATHER_MAX_SECONDS;
    if b.email_gather_seconds.is_some_and(|n| n > most) {
        return Err(
            InputError::value("/email_gather_seconds", format!("須介於 0 至 {most} 秒"), format!("must be 0–{most} seconds")).into()
        );
    }
    if let Some(kept) = b.inbox.iter().find(|(k, on)| !**on && statreq_domain::notify::INBOX_ALWAYS.contains(&k.as_str())).map(|(k, _)| k) {
        return Err(InputError::AlwaysInInbox { kind: kept.clone() }.into());
    }
    let (id, audit) = (who.user.id, http::audit(&who, &req));
    let user = db(&state, move |s| s.set_notification_settings(id, &b.email, &b.inbox, &audit, Utc::now())).await?;
    state.principals.invalidate();
    Ok(HttpResponse::Ok().json(settings_view(&state, &user)))
}

/// Change one's own password (local accounts): the current one, then a new one the
/// policy accepts. Every session of the account is signed out; this one carries on
/// with the new tokens in the answer (in the cookie with `Statreq-Refresh: cookie`).
/// A wrong current password counts as a failed sign-in (throttled, audited).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    params(("Statreq-Refresh" = Option<String>, Header, description = "`cookie`: the new refresh token travels in an HttpOnly cookie", pattern = "^cookie$")),
    request_body = ChangePasswordBody,
    responses((status = 200, description = "Changed; new tokens", body = TokenResponse), ErrorResponses)
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: ChangePasswordBody = parse_json(&req, &body)?;
    if who.user.kind != "local" || who.user.password_hash.is_none() {
        return Err(InputError::NoLocalPassword.into());
    }
    let username = who.user.username.clone();
    match check_password(&state, &req, username.clone(), b.current_password.clone(), "local").await {
        Ok(_) => {}
        // Wrong is not "signed out": the caller's token is good, the password is not.
        Err(e) if e.status == StatusCode::UNAUTHORIZED => return Err(InputError::WrongCurrentPassword.into()),
        Err(e) => return Err(e),
    }
    crate::app::users::check_password(&b.new_password, &username, "/new_password")?;
    if b.new_password == b.current_password {
        return Err(InputError::PasswordUnchanged.into());
    }
    let password = b.new_password;
    let hash = crate::auth::hash_password_in_turn(password).await?;
    let change = statreq_store::UserUpdate { password_hash: Some(hash), ..Default::default() };
    let audit = http::audit(&who, &req);
    let id = who.user.id;
    db(&state, move |s| s.update_user(id, change, None, &audit, Utc::now())).await?;
    state.principals.invalidate();
    tracing::info!(actor = %id, "password changed by its owner");
    let tokens = tokens_for(&state, &req, id, true, http::audit(&who, &req)).await?;
    Ok(token_response(&state, &req, tokens))
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
        id: u.id.0,
        username: u.username,
        display_name: u.display_name,
        email: u.email,
        agency_code: u.agency_code.to_string(),
        agency_name: agency.name,
        roles: who.actor.roles.to_vec(),
        age_recipient: u.age_recipient,
    }))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(token)
        .service(me)
        .service(change_password)
        .service(get_notification_settings)
        .service(put_notification_settings);
}
