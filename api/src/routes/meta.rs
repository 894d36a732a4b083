//! Health, readiness and the field dictionary.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use statreq_contract::{FieldView, Health};
use statreq_domain::dictionary::{self, Section};
use utoipa::IntoParams;

use super::{db, ErrorResponses};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::AppState;

/// The process is up.
#[utoipa::path(tag = "meta", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into() })
}

/// The database answers.
#[utoipa::path(tag = "meta", responses((status = 200, body = Health), ErrorResponses))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    db(&state, |s| s.ping()).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready".into() }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FieldQuery {
    /// Matches the code or the zh-TW / English name.
    pub q: Option<String>,
    pub section: Option<Section>,
    /// Only fields that are (or are not) personal data.
    pub personal: Option<bool>,
}

/// Fields of the civil-servant resume record that may be requested (rules 2, 7).
#[utoipa::path(tag = "dictionary", security(("bearer" = [])), params(FieldQuery), responses((status = 200, body = Vec<FieldView>), ErrorResponses))]
#[get("/dictionary/fields")]
pub async fn list_fields(_who: Principal, q: web::Query<FieldQuery>) -> HttpResponse {
    let needle = q.q.as_deref().map(str::to_lowercase);
    let items: Vec<FieldView> = dictionary::FIELDS
        .iter()
        .filter(|f| q.section.is_none_or(|s| s == f.section))
        .filter(|f| q.personal.is_none_or(|p| p == f.personal))
        .filter(|f| needle.as_deref().is_none_or(|n| f.code.contains(n) || f.name_zh.contains(n) || f.name_en.to_lowercase().contains(n)))
        .map(FieldView::from)
        .collect();
    HttpResponse::Ok().json(items)
}

/// One field by code.
#[utoipa::path(tag = "dictionary", security(("bearer" = [])), params(("code" = String, Path)), responses((status = 200, body = FieldView), ErrorResponses))]
#[get("/dictionary/fields/{code}")]
pub async fn get_field(_who: Principal, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let f = dictionary::field(&path).ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(FieldView::from(f)))
}
