//! Webhook subscriptions (service accounts and DGPA administrators): each event
//! of a request the subscriber may see is POSTed to its URL, signed, by the
//! notification worker (`crate::worker`), with retries and a delivery log.

use std::collections::HashMap;

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use rand::RngCore;
use serde::Deserialize;
use statreq_contract::{
    Page, RotateSecretBody, WebhookBody, WebhookCreated, WebhookDeliveryView, WebhookPayload, WebhookView, MAX_SECRET_SWITCH_SECONDS,
};
use statreq_domain::{notify, Role, Text, UserId};
use statreq_store::{NewWebhook, NotificationRow, StoreError, WebhookChange, WebhookRow};
use utoipa::IntoParams;

use crate::app::outbound::{Forbidden, OutboundPolicy, ResolveError};
use crate::app::users::user_ref;
use crate::app::{db, stale_if_expected, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, page_limit, page_of, parse_cursor, parse_json, parse_optional_json, ErrorResponses};
use crate::AppState;

const MAX_URL: usize = 2_000;
const MAX_DESCRIPTION: usize = 200;
const MAX_EVENTS: usize = 20;
/// Subscriptions per account.
const MAX_PER_OWNER: usize = 20;

fn may_subscribe(who: &Principal) -> Result<(), ApiError> {
    if who.has(Role::Service) || who.has(Role::DgpaAdmin) {
        Ok(())
    } else {
        Err(InputError::WebhooksNotAllowed.into())
    }
}

/// A subscription the caller owns (or any, for an administrator); 404 otherwise.
async fn owned(state: &AppState, who: &Principal, id: i64) -> Result<WebhookRow, ApiError> {
    may_subscribe(who)?;
    mine(who, db(state, move |s| s.get_webhook(id)).await?)
}

/// As [`owned`], for reading the delivery log, which outlives the subscription.
async fn owned_ever(state: &AppState, who: &Principal, id: i64) -> Result<WebhookRow, ApiError> {
    may_subscribe(who)?;
    mine(who, db(state, move |s| s.get_webhook_ever(id)).await?)
}

/// The subscription, when it is the caller's or the caller administers them all.
fn mine(who: &Principal, hook: WebhookRow) -> Result<WebhookRow, ApiError> {
    if hook.owner_id != who.user.id && !who.has(Role::DgpaAdmin) {
        return Err(ApiError::not_found());
    }
    Ok(hook)
}

/// `https://…` to a public address, or to a host named in `--webhook-allow-hosts`
/// (plain `http://` only to such a host). A name is resolved now and refused when
/// it leads somewhere statreq may not connect (the sender checks again on every
/// connection); a name that does not resolve yet is taken.
pub async fn check_url(policy: &OutboundPolicy, raw: &str) -> Result<(), ApiError> {
    let bad = |zh: String, en: String| ApiError::from(InputError::InvalidWebhookUrl { reason: Text::new(zh, en) });
    if raw.len() > MAX_URL {
        return Err(bad("超過 2,000 字元".into(), "longer than 2,000 characters".into()));
    }
    let url = reqwest::Url::parse(raw)
        .map_err(|e| bad("不是完整的網址（例如 https://主機/路徑）".into(), format!("not a complete URL ({e})")))?;
    let host = url.host_str().ok_or_else(|| bad("缺少主機名稱".into(), "it has no host".into()))?.to_string();
    match url.scheme() {
        "https" => {}
        "http" if policy.permits_plain_http(&host) => {}
        "http" => {
            return Err(bad(
                "請使用 https（僅 --webhook-allow-hosts 所列主機可用 http）".into(),
                "use https (plain http only to a host named in --webhook-allow-hosts)".into(),
            ))
        }
        _ => return Err(bad("請使用 https".into(), "use https".into())),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "網址不可含帳號或密碼；收方以簽章確認通知來自本系統".into(),
            "credentials do not belong in the URL; the signature authenticates statreq".into(),
        ));
    }
    let port = url.port_or_known_default().unwrap_or(443);
    match policy.resolve(&host, port).await {
        Ok(_) | Err(ResolveError::Unresolved) => Ok(()),
        Err(ResolveError::Forbidden(Forbidden(addr))) => Err(bad(
            format!("{addr} 為本機、私有、鏈路本地或其他非公開位址；系統管理者可以 --webhook-allow-hosts 允許"),
            format!("{addr} is a loopback, private, link-local or otherwise non-public address; an operator may allow it with --webhook-allow-hosts"),
        )),
    }
}

async fn check_body(policy: &OutboundPolicy, b: &WebhookBody) -> Result<(), ApiError> {
    check_url(policy, &b.url).await?;
    if b.events.is_empty() || b.events.len() > MAX_EVENTS {
        return Err(InputError::InvalidWebhookEvents { max: MAX_EVENTS }.into());
    }
    for (i, e) in b.events.iter().enumerate() {
        if e != "*" && !notify::is_webhook_event(e) {
            return Err(InputError::UnknownEventType { index: i, given: e.to_string() }.into());
        }
    }
    if b.description.as_deref().is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        return Err(InputError::InvalidDescription { max: MAX_DESCRIPTION }.into());
    }
    Ok(())
}

async fn view(state: &AppState, hooks: Vec<WebhookRow>) -> Result<Vec<WebhookView>, ApiError> {
    let ids: Vec<UserId> = hooks.iter().map(|h| h.owner_id).collect();
    let users: HashMap<UserId, _> = db(state, move |s| s.get_users(&ids)).await?.into_iter().map(|u| (u.id, u)).collect();
    let now = Utc::now();
    Ok(hooks
        .into_iter()
        .map(|h| WebhookView {
            secret_switches_at: h.secret_switches_at(now),
            id: h.id,
            owner: user_ref(&users, h.owner_id),
            url: h.url,
            events: h.events,
            description: h.description,
            created_at: h.created_at,
            version: h.version,
        })
        .collect())
}

/// One subscription as the API shows it.
async fn one_view(state: &AppState, hook: WebhookRow) -> Result<WebhookView, ApiError> {
    view(state, vec![hook]).await?.pop().ok_or_else(ApiError::internal)
}

/// The event types chosen, each once, in order (as stored and shown).
fn chosen(mut events: Vec<String>) -> Vec<String> {
    events.sort();
    events.dedup();
    events
}

/// A new signing secret, and it sealed by the keyring for the database.
fn new_secret(state: &AppState) -> Result<(String, String), ApiError> {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = format!("whsec_{}", hex::encode(raw));
    let sealed = state.keyring.seal_secret(&secret).map_err(|e| {
        tracing::error!(error = %e, "sealing a webhook secret");
        ApiError::internal()
    })?;
    Ok((secret, sealed))
}

/// Subscribe a URL to request events (and, named, to field questions'). The response
/// carries the signing secret, shown only this once. Events of requests and questions
/// the subscribing account may see are sent.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = WebhookBody,
    responses((status = 201, body = WebhookCreated), ErrorResponses)
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: WebhookBody = parse_json(&req, &body)?;
    may_subscribe(&who)?;
    check_body(&state.outbound, &b).await?;
    let owner = who.user.id;
    let (secret, sealed_secret) = new_secret(&state)?;
    let new =
        NewWebhook { owner_id: owner, url: b.url, events: chosen(b.events), description: b.description.unwrap_or_default(), sealed_secret };
    let audit = http::audit(&who, &req);
    let hook = match db(&state, move |s| s.create_webhook(new, MAX_PER_OWNER, &audit, Utc::now())).await {
        Err(AppError::Store(StoreError::LimitReached)) => return Err(InputError::TooManyWebhooks { max: MAX_PER_OWNER }.into()),
        other => other?,
    };
    let id = hook.id;
    let webhook = one_view(&state, hook).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/webhooks/{id}")))
        .insert_header(("Cache-Control", "no-store"))
        .json(WebhookCreated { webhook, secret }))
}

/// The caller's subscriptions (every subscription, for an administrator).
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = Page<WebhookView>), ErrorResponses))]
#[get("/webhooks")]
pub async fn list_webhooks(state: web::Data<AppState>, who: Principal, q: http::Query<http::PageParams>) -> Result<HttpResponse, ApiError> {
    may_subscribe(&who)?;
    let owner = (!who.has(Role::DgpaAdmin)).then_some(who.user.id);
    let hooks = db(&state, move |s| s.list_webhooks(owner)).await?;
    http::list_response(view(&state, hooks).await?, q.cursor.as_deref(), q.limit)
}

/// One subscription: the caller's own (any, for an administrator); 404 otherwise.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = WebhookView), ErrorResponses))]
#[get("/webhooks/{id}")]
pub async fn get_webhook(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let hook = owned(&state, &who, path.into_inner()).await?;
    let v = one_view(&state, hook).await?;
    Ok(HttpResponse::Ok().insert_header(http::etag(v.version)).json(v))
}

/// Change a subscription in place — its URL, its events, its description — keeping its
/// secret and its delivery log: the body is the whole subscription, as when it was
/// made. Deliveries still pending go to the new URL. `If-Match` with the ETag of
/// `GET /webhooks/{id}` guards against overwriting another change (`412`). The
/// subscription as it is, sent again, changes nothing (the same version, not audited).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = WebhookBody,
    responses((status = 200, body = WebhookView), ErrorResponses)
)]
#[put("/webhooks/{id}")]
pub async fn put_webhook(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let expected = http::if_match(&req)?;
    let hook = owned(&state, &who, path.into_inner()).await?;
    let b: WebhookBody = parse_json(&req, &body)?;
    check_body(&state.outbound, &b).await?;
    let change = WebhookChange { url: b.url, events: chosen(b.events), description: b.description.unwrap_or_default() };
    let audit = http::audit(&who, &req);
    let saved = stale_if_expected(db(&state, move |s| s.update_webhook(hook.id, expected, &change, &audit, Utc::now())).await, expected)?;
    let v = one_view(&state, saved).await?;
    Ok(HttpResponse::Ok().insert_header(http::etag(v.version)).json(v))
}

/// Give a subscription a new signing secret, shown only in this answer; the subscription
/// and its log stay. By default every delivery signed from now on, retries of pending
/// ones too, uses the new one (a secret that leaked). To change secrets without a
/// delivery failing, send `switch_after_seconds`: the current secret keeps signing that
/// long while the receiver learns the new one and accepts both, then the new one takes
/// over (`secret_switches_at`; a new secret asked for before then replaces the waiting
/// one). `If-Match` as for `PUT /webhooks/{id}`.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body(content = Option<RotateSecretBody>, description = "Optional"),
    responses((status = 200, body = WebhookCreated), ErrorResponses)
)]
#[post("/webhooks/{id}/secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let expected = http::if_match(&req)?;
    let hook = owned(&state, &who, path.into_inner()).await?;
    let b: RotateSecretBody = parse_optional_json(&req, &body)?;
    let after = b.switch_after_seconds.unwrap_or(0);
    if after > MAX_SECRET_SWITCH_SECONDS {
        return Err(InputError::value(
            "/switch_after_seconds",
            format!("至多 {MAX_SECRET_SWITCH_SECONDS} 秒（7 日）"),
            format!("at most {MAX_SECRET_SWITCH_SECONDS} seconds (7 days)"),
        )
        .into());
    }
    let (secret, sealed) = new_secret(&state)?;
    let audit = http::audit(&who, &req);
    let now = Utc::now();
    let from = now + chrono::Duration::seconds(i64::from(after));
    let saved = db(&state, move |s| s.rotate_webhook_secret(hook.id, expected, &sealed, from, &audit, now)).await;
    let webhook = one_view(&state, stale_if_expected(saved, expected)?).await?;
    Ok(HttpResponse::Ok()
        .insert_header(http::etag(webhook.version))
        .insert_header(("Cache-Control", "no-store"))
        .json(WebhookCreated { webhook, secret }))
}

/// End a subscription; deliveries still pending are dropped, the log stays.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), ErrorResponses))]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let hook = owned(&state, &who, path.into_inner()).await?;
    let audit = http::audit(&who, &req);
    db(&state, move |s| s.delete_webhook(hook.id, &audit, Utc::now())).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesQuery {
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

fn delivery_view(n: NotificationRow) -> Result<WebhookDeliveryView, ApiError> {
    let payload: WebhookPayload = serde_json::from_str(&n.payload).map_err(|e| {
        tracing::error!(delivery = n.id, error = %e, "stored webhook payload does not parse");
        ApiError::internal()
    })?;
    Ok(WebhookDeliveryView {
        id: n.id,
        event_id: n.event_id,
        event_type: n.event_type,
        request_id: n.request_id.map(|r| r.0),
        status: n.status,
        attempts: n.attempts,
        next_attempt_at: n.next_attempt_at,
        last_status: n.last_status,
        last_error: n.last_error,
        created_at: n.created_at,
        delivered_at: n.delivered_at,
        replay_of: n.replay_of,
        payload,
    })
}

/// The delivery log of a subscription, newest first; it stays readable after the
/// subscription is deleted.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path), DeliveriesQuery),
    responses((status = 200, body = Page<WebhookDeliveryView>), ErrorResponses)
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    q: http::Query<DeliveriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(q.limit)?;
    let before = parse_cursor(q.cursor.as_deref())?;
    let hook = owned_ever(&state, &who, path.into_inner()).await?;
    let rows = db(&state, move |s| s.list_webhook_notifications(hook.id, before, limit + 1)).await?;
    let items = rows.into_iter().map(delivery_view).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(page_of(items, limit, |d| d.id)))
}

/// Send a logged delivery again (same event id and body, new signature), as a new
/// log entry; for a receiver that lost or rejected it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("delivery_id" = i64, Path)),
    responses((status = 202, body = WebhookDeliveryView), ErrorResponses)
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/replay")]
pub async fn replay_webhook_delivery(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let hook = owned(&state, &who, id).await?;
    let original = db(&state, move |s| s.get_notification(delivery_id)).await?;
    if original.webhook_id != Some(hook.id) {
        return Err(ApiError::not_found());
    }
    let audit = http::audit(&who, &req);
    let replay = db(&state, move |s| s.replay_notification(delivery_id, &audit, Utc::now())).await?;
    state.wake.notify_one();
    Ok(HttpResponse::Accepted().json(delivery_view(replay)?))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(get_webhook)
        .service(put_webhook)
        .service(rotate_webhook_secret)
        .service(delete_webhook)
        .service(list_webhook_deliveries)
        .service(replay_webhook_delivery);
}
