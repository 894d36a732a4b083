//! Health, readiness and metrics.

use actix_web::{get, web, HttpResponse};
use statreq_contract::Health;

use crate::app::db;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::ErrorResponses;
use crate::AppState;

/// The process is up.
#[utoipa::path(tag = "meta", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into() })
}

/// The database answers and the instance is not draining (503 after SIGTERM).
#[utoipa::path(tag = "meta", responses((status = 200, body = Health), ErrorResponses))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(crate::app::InputError::Draining.into());
    }
    db(&state, |s| s.ping()).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready".into() }))
}

/// The Prometheus text format (version 0.0.4).
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How the service is doing, in the Prometheus text format: `http_requests_total` and
/// `http_request_duration_seconds` by route template and status, and `statreq_*`
/// (pool, queue, outbox, destructions, transfers). For a `dgpa_admin` or `service`
/// account; a scraper on a private network uses `--metrics-bind` without a token.
#[utoipa::path(
    tag = "meta",
    security(("bearer" = [])),
    responses((status = 200, description = "The figures in the Prometheus text format", content_type = "text/plain", body = String), ErrorResponses)
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    if !who.has(statreq_domain::Role::DgpaAdmin) && !who.has(statreq_domain::Role::Service) {
        return Err(ApiError::forbidden_role(statreq_domain::Role::DgpaAdmin));
    }
    Ok(HttpResponse::Ok().content_type(METRICS_CONTENT_TYPE).body(crate::app::metrics::render(&state).await?))
}

/// `/metrics` on the private `--metrics-bind` listener: no token.
pub async fn metrics_open(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().content_type(METRICS_CONTENT_TYPE).body(crate::app::metrics::render(&state).await?))
}
