//! The audit trail, for DGPA administrators.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use statreq_contract::{AuditEntryView, Page};
use statreq_domain::Role;
use statreq_store::AuditFilter;
use utoipa::IntoParams;

use crate::app::db;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, page_limit, parse_cursor, ErrorResponses};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub request_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// e.g. `delivery.downloaded`, `request.submitted`.
    pub action: Option<String>,
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// The audit trail, newest first (dgpa_admin). Each entry carries the hash of the
/// one before it; `statreq audit verify` checks the whole chain.
#[utoipa::path(tag = "audit", security(("bearer" = [])), params(AuditQuery), responses((status = 200, body = Page<AuditEntryView>), ErrorResponses))]
#[get("/audit")]
pub async fn list_audit(state: web::Data<AppState>, who: Principal, q: web::Query<AuditQuery>) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let limit = page_limit(q.limit)?;
    let filter = AuditFilter {
        request_id: q.request_id,
        actor_id: q.actor_id,
        action: q.action.clone(),
        before: parse_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let rows = db(&state, move |s| s.list_audit(&filter)).await?;
    let items: Vec<AuditEntryView> = rows
        .into_iter()
        .map(|e| AuditEntryView {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_agency: e.actor_agency,
            action: e.action,
            request_id: e.request_id,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
            client_addr: e.client_addr,
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect();
    Ok(HttpResponse::Ok().json(http::page_of(items, limit, |e| e.id)))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit);
}
