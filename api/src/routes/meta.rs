//! Health and readiness.

use actix_web::{get, web, HttpResponse};
use statreq_contract::Health;

use crate::app::db;
use crate::error::ApiError;
use crate::http::ErrorResponses;
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
