//! The catalog of existing sources (rule 4) and how well each serves a request.

use std::sync::LazyLock;

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use statreq_domain::catalog::{self, CatalogEntry, Coverage};
use statreq_domain::ExistingSource;
use utoipa::IntoParams;

use super::ErrorResponses;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::AppState;

/// The built-in catalog (DGPA's published statistics and WebHR's reports).
pub static CATALOG: LazyLock<Vec<CatalogEntry>> = LazyLock::new(catalog::seed);

/// How many ranked entries a request is shown.
const SHOWN: usize = 10;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SourceQuery {
    /// Only entries of this kind of source.
    pub source: Option<ExistingSource>,
    /// Only entries covering this dictionary field.
    pub field: Option<String>,
}

/// Existing sources to try before applying (rule 4): published statistics and
/// WebHR reports, with the fields each covers, where to find it and how fresh it is.
#[utoipa::path(tag = "sources", security(("bearer" = [])), params(SourceQuery), responses((status = 200, body = Vec<CatalogEntry>), ErrorResponses))]
#[get("/sources")]
pub async fn list_sources(_who: Principal, q: web::Query<SourceQuery>) -> HttpResponse {
    let items: Vec<&CatalogEntry> = CATALOG
        .iter()
        .filter(|e| q.source.is_none_or(|s| s == e.source))
        .filter(|e| q.field.as_deref().is_none_or(|f| e.fields.iter().any(|x| x == f)))
        .collect();
    HttpResponse::Ok().json(items)
}

/// The existing sources that cover most of this request's fields, best first; `full`
/// marks one that covers them all (then `POST /check` warns, naming it).
#[utoipa::path(tag = "sources", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = Vec<Coverage>), ErrorResponses))]
#[get("/requests/{id}/sources")]
pub async fn request_sources(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let loaded = super::requests::load_for(&state, &who, path.into_inner()).await?;
    let app = loaded.application()?;
    Ok(HttpResponse::Ok().json(catalog::rank(&app.requirement.fields, &CATALOG, SHOWN)))
}
