//! The audit trail, for DGPA administrators.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use statreq_contract::{AuditEntryView, AuditVerificationView, Page};
use statreq_domain::{Role, UserId};
use statreq_store::AuditFilter;
use utoipa::IntoParams;

use crate::app::input::InputError;
use crate::app::{db, AppError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, page_limit, parse_cursor, ErrorResponses};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub request_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// One action, as entries carry it (`delivery.downloaded`, `request.submitted`), or
    /// every action of a group: the part before the dot and `.*` (`delivery.*`).
    #[param(max_length = 100)]
    pub action: Option<String>,
    /// Entries from this day (`YYYY-MM-DD`, Taiwan time).
    #[param(value_type = Option<String>, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    pub from: Option<String>,
    /// Entries up to and including this day (`YYYY-MM-DD`, Taiwan time).
    #[param(value_type = Option<String>, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    pub to: Option<String>,
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Entries an export holds at most: a longer trail is exported a period at a time.
const MAX_EXPORT: i64 = 50_000;

/// The entries `q` selects, newest first: up to `limit` (the page's, or the export's),
/// with one more when more match.
async fn selection(state: &AppState, q: &AuditQuery, limit: i64) -> Result<Vec<AuditEntryView>, ApiError> {
    if q.action.as_deref().is_some_and(|a| a.chars().count() > 100) {
        return Err(InputError::parameter("action", "至多 100 字", "at most 100 characters").into());
    }
    let day = |name: &str, raw: &Option<String>, next: bool| -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
        let Some(raw) = raw.as_deref() else { return Ok(None) };
        let d = statreq_domain::day::parse(raw).map_err(|error| InputError::InvalidDayParameter { name: name.to_string(), error })?;
        let d = if next { d.succ_opt().unwrap_or(d) } else { d };
        Ok(Some(statreq_domain::lifecycle::taiwan_midnight(d)))
    };
    let filter = AuditFilter {
        request_id: q.request_id.map(statreq_domain::RequestId),
        actor_id: q.actor_id.map(UserId),
        action: q.action.clone(),
        before: parse_cursor(q.cursor.as_deref())?,
        since: day("from", &q.from, false)?,
        until: day("to", &q.to, true)?,
        limit: limit + 1,
    };
    // The entries, with their actors' accounts read at once.
    let (rows, actors) = db(state, move |s| {
        let rows = s.list_audit(&filter)?;
        let mut ids: Vec<UserId> = rows.iter().filter_map(|e| e.actor_id).collect();
        ids.sort();
        ids.dedup();
        let actors: std::collections::HashMap<UserId, statreq_contract::AuditActor> = s
            .get_users(&ids)?
            .into_iter()
            .map(|u| (u.id, statreq_contract::AuditActor { username: u.username, display_name: u.display_name }))
            .collect();
        Ok((rows, actors))
    })
    .await?;
    Ok(rows
        .into_iter()
        .map(|e| AuditEntryView {
            id: e.id,
            at: e.at,
            actor: e.actor_id.and_then(|a| actors.get(&a).cloned()),
            actor_id: e.actor_id.map(i64::from),
            actor_agency: e.actor_agency,
            action: e.action,
            request_id: e.request_id.map(|r| r.0),
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
            client_addr: e.client_addr,
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect())
}

/// The audit trail, newest first (dgpa_admin). Each entry carries the hash of the
/// one before it; `statreq audit verify` checks the whole chain.
#[utoipa::path(tag = "audit", security(("bearer" = [])), params(AuditQuery), responses((status = 200, body = Page<AuditEntryView>), ErrorResponses))]
#[get("/audit")]
pub async fn list_audit(state: web::Data<AppState>, who: Principal, q: http::Query<AuditQuery>) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let limit = page_limit(q.limit)?;
    let items = selection(&state, &q, limit).await?;
    Ok(HttpResponse::Ok().json(http::page_of(items, limit, |e| e.id)))
}

/// The same selection as `GET /audit` as CSV (dgpa_admin), for an inspection or a
/// record kept outside: with `limit` that page, without it every matching entry up to
/// 50,000 (more is `422 export_too_large`: export a shorter period). UTF-8 with a
/// byte-order mark for Excel; times in UTC and in Taiwan; `detail` as JSON; a cell
/// that starts with `=`, `+`, `-` or `@` prefixed with `'`. The export is itself audited
/// (`audit.exported`, with the selection).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "id, at, at_taiwan, actor, action, request, detail, hashes, and the action in words (zh-TW, English)"), ErrorResponses)
)]
#[get("/audit.csv")]
pub async fn export_audit(
    state: web::Data<AppState>,
    who: Principal,
    q: http::Query<AuditQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let limit = match q.limit {
        Some(_) => page_limit(q.limit)?,
        None => MAX_EXPORT,
    };
    let items = selection(&state, &q, limit).await?;
    if q.limit.is_none() && items.len() as i64 > MAX_EXPORT {
        return Err(InputError::ExportTooLarge { max: MAX_EXPORT as usize }.into());
    }
    if http::methods::is_head(&req) {
        // As the GET would be answered; nothing exported, nothing recorded.
        return Ok(http::csv_response("audit.csv", Vec::new()));
    }
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = [
        "id",
        "at",
        "at_taiwan",
        "actor_id",
        "actor_username",
        "actor_name",
        "actor_agency",
        "action",
        "request_id",
        "client_addr",
        "detail",
        "prev_hash",
        "hash",
        // Since 1.16.0, last so that columns read by position stay where they were.
        "action_zh_tw",
        "action_en",
    ];
    out.write_record(header).map_err(AppError::internal)?;
    let taiwan = chrono::FixedOffset::east_opt(8 * 3600).ok_or_else(|| AppError::internal("UTC+8"))?;
    let exported = items.len().min(limit as usize);
    for e in items.into_iter().take(limit as usize) {
        let (username, name) = e.actor.map(|a| (a.username, a.display_name)).unwrap_or_default();
        let named = statreq_domain::audit::action(&e.action).map(|a| (a.zh_tw, a.en)).unwrap_or_default();
        out.write_record([
            e.id.to_string(),
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            e.at.with_timezone(&taiwan).format("%Y-%m-%d %H:%M:%S").to_string(),
            e.actor_id.map(|a| a.to_string()).unwrap_or_default(),
            http::csv_safe(&username),
            http::csv_safe(&name),
            e.actor_agency.unwrap_or_default(),
            e.action,
            e.request_id.map(|r| r.to_string()).unwrap_or_default(),
            e.client_addr.unwrap_or_default(),
            http::csv_safe(&e.detail.to_string()),
            e.prev_hash,
            e.hash,
            named.0.to_string(),
            named.1.to_string(),
        ])
        .map_err(AppError::internal)?;
    }
    let body = out.into_inner().map_err(AppError::internal)?;
    let audit = http::audit(&who, &req);
    let detail = serde_json::json!({
        "entries": exported, "request_id": q.request_id, "actor_id": q.actor_id, "action": q.action,
        "from": q.from, "to": q.to, "cursor": q.cursor, "limit": q.limit,
    });
    db(&state, move |s| s.audit(&audit, "audit.exported", None, &detail, chrono::Utc::now())).await?;
    Ok(http::csv_response("audit.csv", body))
}

/// Checks the whole audit chain now (dgpa_admin): every entry's hash from the one
/// before, and the head; where it breaks, the entry and why. The same check as
/// `statreq audit verify`; audited.
#[utoipa::path(tag = "audit", security(("bearer" = [])), responses((status = 200, body = AuditVerificationView), ErrorResponses))]
#[post("/audit/verification")]
pub async fn verify_audit(state: web::Data<AppState>, who: Principal, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let result = db(&state, |s| s.verify_audit()).await?;
    let view = match result {
        Ok(entries) => AuditVerificationView { intact: true, entries, broken_at: None, reason: None, checked_at: chrono::Utc::now() },
        Err(b) => AuditVerificationView {
            intact: false,
            entries: 0,
            broken_at: Some(b.id),
            reason: Some(b.reason),
            checked_at: chrono::Utc::now(),
        },
    };
    let audit = http::audit(&who, &req);
    let detail = serde_json::json!({"intact": view.intact, "entries": view.entries, "broken_at": view.broken_at});
    db(&state, move |s| s.audit(&audit, "audit.verified", None, &detail, chrono::Utc::now())).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(export_audit).service(list_audit).service(verify_audit);
}
