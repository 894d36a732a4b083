//! Keeping delivered personal data longer (rule 6): the applying office asks, with a
//! reason, within the 365-day maximum; a DGPA officer approves or refuses; approved
//! days move the destroy-by date (and with it the reminders and the overdue block).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use statreq_contract::{ExtensionDecision, RetentionDecisionBody, RetentionExtensionBody, RetentionExtensionView};
use statreq_domain::lifecycle::{self, Refusal};
use statreq_domain::{RequestId, Role, UserId};
use statreq_store::ExtensionRow;

use crate::app::requests::load_for;
use crate::app::users::{self, user_ref, Users};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, parse_json, ErrorResponses};
use crate::AppState;

/// Longest reason or comment.
const MAX_TEXT: usize = 1_000;

fn view(e: &ExtensionRow, users: &Users) -> RetentionExtensionView {
    RetentionExtensionView {
        id: e.id,
        request_id: e.request_id.0,
        days: e.days,
        reason: e.reason.clone(),
        requested_by: user_ref(users, e.requested_by),
        requested_at: e.requested_at,
        decision: e.decision.clone(),
        decided_by: e.decided_by.map(|id| user_ref(users, id)),
        decided_at: e.decided_at,
        comment: e.comment.clone(),
    }
}

async fn answer(state: &AppState, status: actix_web::http::StatusCode, e: ExtensionRow) -> Result<HttpResponse, ApiError> {
    let ids: Vec<UserId> = [Some(e.requested_by), e.decided_by].into_iter().flatten().collect();
    let users = db(state, move |s| users::load(s, ids)).await?;
    Ok(HttpResponse::build(status).json(view(&e, &users)))
}

fn text(raw: &str, pointer: &str) -> Result<String, ApiError> {
    let t = raw.trim().to_string();
    if t.is_empty() || t.chars().count() > MAX_TEXT {
        return Err(InputError::value(pointer, format!("須為 1 至 {MAX_TEXT} 字"), format!("1–{MAX_TEXT} characters")).into());
    }
    Ok(t)
}

/// A request's extensions, oldest first (whoever may see the request).
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path), http::PageParams), responses((status = 200, body = statreq_contract::Page<RetentionExtensionView>), ErrorResponses))]
#[get("/requests/{id}/retention-extensions")]
pub async fn list_extensions(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let id = load_for(&state, &who, path.into_inner()).await?.row.id;
    let (rows, users) = db(&state, move |s| {
        let rows = s.retention_extensions(id)?;
        let users = users::load(s, rows.iter().flat_map(|e| [Some(e.requested_by), e.decided_by]).flatten())?;
        Ok((rows, users))
    })
    .await?;
    http::list_response(rows.iter().map(|e| view(e, &users)).collect(), q.cursor.as_deref(), q.limit)
}

/// Ask to keep delivered personal data longer (the applying office's applicants):
/// the days to add and why. One question at a time; 365 days in all at most.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RetentionExtensionBody, responses((status = 201, body = RetentionExtensionView), ErrorResponses))]
#[post("/requests/{id}/retention-extension")]
pub async fn request_extension(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: RetentionExtensionBody = parse_json(&req, &body)?;
    let loaded = load_for(&state, &who, path.into_inner()).await?;
    who.require(Role::Applicant)?;
    if who.user.agency_code != loaded.row.agency_code {
        return Err(InputError::NotApplyingAgency.into());
    }
    let reason = text(&b.reason, "/reason")?;
    let id = loaded.row.id;
    let pending = db(&state, move |s| s.retention_extensions(id)).await?.iter().any(|e| e.decision.is_none());
    let app = &loaded.row.application;
    lifecycle::check_retention_extension(loaded.row.state, app, loaded.row.retention_extra_days, pending, b.days)?;
    let (audit, by, days) = (http::audit(&who, &req), who.user.id, b.days);
    let row = match db(&state, move |s| s.request_retention_extension(id, days, &reason, by, &audit, Utc::now())).await {
        Err(AppError::Store(statreq_store::StoreError::Conflict)) => return Err(Refusal::RetentionExtensionPending.into()),
        other => other?,
    };
    tracing::info!(request = %id, actor = %by, days, "retention extension requested");
    answer(&state, actix_web::http::StatusCode::CREATED, row).await
}

/// DGPA's answer to the waiting extension (a DGPA officer): approve, and the
/// destroy-by date moves; or refuse, with a comment. `If-Match` carries the request's
/// version (its `ETag`), since an approval changes it.
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the request's ETag, or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = RetentionDecisionBody,
    responses((status = 200, body = RetentionExtensionView), ErrorResponses)
)]
#[post("/requests/{id}/retention-extension/decision")]
pub async fn decide_extension(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: RetentionDecisionBody = parse_json(&req, &body)?;
    let loaded = load_for(&state, &who, path.into_inner()).await?;
    who.require(Role::DgpaOfficer)?;
    let expected = http::require_if_match(&req)?.unwrap_or(loaded.row.version);
    if expected != loaded.row.version {
        return Err(InputError::Stale.into());
    }
    let comment = b.comment.as_deref().map(|c| text(c, "/comment")).transpose()?;
    let approve = b.decision == ExtensionDecision::Approve;
    if !approve && comment.is_none() {
        return Err(InputError::value("/comment", "不同意延長時，請寫明理由", "a refusal says why").into());
    }
    let id = loaded.row.id;
    let waiting = db(&state, move |s| s.retention_extensions(id)).await?.into_iter().find(|e| e.decision.is_none());
    let Some(waiting) = waiting else { return Err(InputError::NoExtensionWaiting.into()) };
    if approve {
        // The rule still holds at the moment of approval (365 days in all).
        let app = &loaded.row.application;
        lifecycle::check_retention_extension(loaded.row.state, app, loaded.row.retention_extra_days, false, waiting.days)?;
    }
    let (audit, by) = (http::audit(&who, &req), who.user.id);
    let row =
        match db(&state, move |s| s.decide_retention_extension(id, expected, approve, comment.as_deref(), by, &audit, Utc::now())).await {
            Err(AppError::Store(statreq_store::StoreError::Conflict)) => return Err(InputError::Stale.into()),
            other => other?,
        };
    tracing::info!(request = %id, actor = %by, approve, "retention extension decided");
    answer(&state, actix_web::http::StatusCode::OK, row).await
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_extensions).service(request_extension).service(decide_extension);
}
