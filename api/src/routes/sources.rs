//! The catalog of existing sources (rule 4): what each covers, how well each serves
//! a request, and its administration by DGPA (create, edit, delete, CSV import and
//! export, every change kept with who, when and what).

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use statreq_contract::{CatalogEntry, Coverage, OutcomeReasonView, ReferenceChangeView, ReferenceImportResult, SourceView};
use statreq_domain::catalog;
use statreq_domain::values::search_holds;
use statreq_domain::{ExistingSource, Role, Text};
use statreq_store::Saved;
use utoipa::IntoParams;

use crate::app::input::Content;
use crate::app::reference::{self, history_view, save, CATALOG};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, etag, if_match, parse_json, ErrorResponses};
use crate::AppState;

/// How many ranked entries a request is shown.
const SHOWN: usize = 10;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SourceQuery {
    /// Only entries of this kind of source.
    pub source: Option<ExistingSource>,
    /// Only entries covering this dictionary field.
    pub field: Option<String>,
    /// Matches the id, the title or the owner, in any case, full-width or ASCII alike.
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Existing sources to try before applying (rule 4): published statistics and
/// WebHR reports, with the fields each covers, where to find it and how fresh it is.
#[utoipa::path(tag = "sources", security(("bearer" = [])), params(SourceQuery), responses((status = 200, body = statreq_contract::Page<CatalogEntry>), ErrorResponses))]
#[get("/sources")]
pub async fn list_sources(state: web::Data<AppState>, _who: Principal, q: http::Query<SourceQuery>) -> Result<HttpResponse, ApiError> {
    let catalog = reference::catalog(&state).await?;
    let needle = q.q.as_deref().map(str::trim);
    let items: Vec<CatalogEntry> = catalog
        .iter()
        .filter(|e| q.source.is_none_or(|s| s == e.source))
        .filter(|e| q.field.as_deref().is_none_or(|f| e.fields.iter().chain(&e.breakdowns).chain(&e.filters).any(|x| x == f)))
        .filter(|e| needle.is_none_or(|n| [&e.id, &e.title.zh_tw, &e.title.en, &e.owner].into_iter().any(|h| search_holds(h, n))))
        .cloned()
        .collect();
    http::list_response(items, q.cursor.as_deref(), q.limit)
}

/// The existing sources that cover most of this request, best first. Covering its
/// fields, breakdowns and the fields of its conditions; `full` marks one that covers it
/// all (then `POST /check` warns, naming it).
#[utoipa::path(tag = "sources", security(("bearer" = [])), params(("id" = i64, Path), http::PageParams), responses((status = 200, body = statreq_contract::Page<Coverage>), ErrorResponses))]
#[get("/requests/{id}/sources")]
pub async fn request_sources(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<statreq_domain::RequestId>,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let loaded = crate::app::requests::load_for(&state, &who, path.into_inner()).await?;
    let app = &loaded.row.application;
    let catalog = reference::catalog(&state).await?;
    http::list_response(catalog::rank(&app.requirement, &catalog, SHOWN), q.cursor.as_deref(), q.limit)
}

async fn source_view(state: &AppState, id: String) -> Result<SourceView, ApiError> {
    let item = db(state, move |s| s.get_reference(CATALOG, &id)).await?;
    Ok(SourceView {
        entry: serde_json::from_value(item.body).map_err(AppError::internal)?,
        version: item.version,
        updated_at: item.updated_at,
    })
}

/// The reasons DGPA gives for a return or rejection, each with the rule it cites;
/// `available_in_existing_source` points the applicant to a catalog entry (rule 4).
#[utoipa::path(tag = "sources", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = statreq_contract::Page<OutcomeReasonView>), ErrorResponses))]
#[get("/outcome-reasons")]
pub async fn outcome_reasons(_who: Principal, q: http::Query<http::PageParams>) -> Result<HttpResponse, ApiError> {
    let all: Vec<OutcomeReasonView> = statreq_domain::OutcomeReason::ALL.into_iter().map(OutcomeReasonView::from).collect();
    http::list_response(all, q.cursor.as_deref(), q.limit)
}

/// One entry; the ETag is its version.
#[utoipa::path(tag = "sources", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = SourceView), ErrorResponses))]
#[get("/sources/{id}")]
pub async fn get_source(state: web::Data<AppState>, _who: Principal, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let v = source_view(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

async fn checked(state: &AppState, entry: &CatalogEntry) -> Result<serde_json::Value, ApiError> {
    let dict = reference::dictionary(state).await?;
    let problems = entry.problems(&dict);
    if !problems.is_empty() {
        return Err(InputError::InvalidContent { kind: Content::Source, problems }.into());
    }
    Ok(serde_json::to_value(entry).map_err(AppError::internal)?)
}

/// Adds an entry to the catalog (dgpa_admin). 409 when the id is taken.
#[utoipa::path(tag = "sources", security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response instead of creating again", min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")), request_body = CatalogEntry, responses((status = 201, body = SourceView), ErrorResponses))]
#[post("/sources")]
pub async fn create_source(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = http::idempotency::fingerprint(&req, &body);
    let (s, w, r) = (state.clone(), who.clone(), req.clone());
    http::idempotency::once(&state, &who, &req, fingerprint, || create_source_once(s, w, r, body)).await
}

async fn create_source_once(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let entry: CatalogEntry = parse_json(&req, &body)?;
    let value = checked(&state, &entry).await?;
    save(&state, CATALOG, entry.id.clone(), value, None, true, http::audit(&who, &req)).await?;
    tracing::info!(actor = %who.user.id, source = %entry.id, "catalog entry created");
    let v = source_view(&state, entry.id).await?;
    Ok(HttpResponse::Created()
        .insert_header(etag(v.version))
        .insert_header(("Location", format!("/api/v1/sources/{}", v.entry.id)))
        .json(v))
}

/// Replaces an entry (dgpa_admin); `If-Match` with its ETag guards the edit. The
/// body's `id` must be the path's.
#[utoipa::path(
    tag = "sources",
    security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = CatalogEntry,
    responses((status = 200, body = SourceView), ErrorResponses)
)]
#[put("/sources/{id}")]
pub async fn put_source(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let expected = if_match(&req)?;
    let id = path.into_inner();
    let entry: CatalogEntry = parse_json(&req, &body)?;
    if entry.id != id {
        return Err(InputError::SourceIdMismatch.into());
    }
    // An edit is of an existing entry; creating is POST.
    db(&state, {
        let id = id.clone();
        move |s| s.get_reference(CATALOG, &id)
    })
    .await?;
    let value = checked(&state, &entry).await?;
    let saved = save(&state, CATALOG, id.clone(), value, expected, false, http::audit(&who, &req)).await?;
    if saved != Saved::Unchanged {
        tracing::info!(actor = %who.user.id, source = %id, "catalog entry changed");
    }
    let v = source_view(&state, id).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Removes an entry (dgpa_admin); its history stays. `If-Match` guards it.
#[utoipa::path(
    tag = "sources",
    security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    responses((status = 204), ErrorResponses)
)]
#[delete("/sources/{id}")]
pub async fn delete_source(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let expected = if_match(&req)?;
    let id = path.into_inner();
    let audit = http::audit(&who, &req);
    let key = id.clone();
    match db(&state, move |s| s.delete_reference(CATALOG, &key, expected, &audit, Utc::now())).await {
        Err(AppError::Store(statreq_store::StoreError::Conflict)) => return Err(InputError::Stale.into()),
        other => other?,
    }
    tracing::info!(actor = %who.user.id, source = %id, "catalog entry deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// An entry's changes, oldest first (also after it was deleted).
#[utoipa::path(tag = "sources", security(("bearer" = [])), params(("id" = String, Path), http::PageParams), responses((status = 200, body = statreq_contract::Page<ReferenceChangeView>), ErrorResponses))]
#[get("/sources/{id}/history")]
pub async fn source_history(
    state: web::Data<AppState>,
    _who: Principal,
    path: web::Path<String>,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let changes = db(&state, move |s| s.reference_history(CATALOG, &id)).await?;
    if changes.is_empty() {
        return Err(ApiError::not_found());
    }
    http::list_response(history_view(&state, changes).await?, q.cursor.as_deref(), q.limit)
}

/// One row of the catalog's CSV; code lists are separated by spaces.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceRow {
    id: String,
    source: ExistingSource,
    title_zh: String,
    title_en: String,
    owner: String,
    location: String,
    fields: String,
    #[serde(default)]
    breakdowns: String,
    #[serde(default)]
    filters: String,
    granularity: String,
    refresh: String,
}

fn codes(list: &str) -> Vec<String> {
    list.split(|c: char| c.is_whitespace() || c == ';' || c == ',').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl From<SourceRow> for CatalogEntry {
    fn from(r: SourceRow) -> Self {
        CatalogEntry {
            id: r.id,
            source: r.source,
            title: Text::new(http::csv_plain(r.title_zh), http::csv_plain(r.title_en)),
            owner: http::csv_plain(r.owner),
            location: http::csv_plain(r.location),
            fields: codes(&r.fields),
            breakdowns: codes(&r.breakdowns),
            filters: codes(&r.filters),
            granularity: http::csv_plain(r.granularity),
            refresh: http::csv_plain(r.refresh),
        }
    }
}

/// The catalog as CSV (UTF-8 with a BOM), the format `POST /sources/import` reads.
#[utoipa::path(tag = "sources", security(("bearer" = [])), responses((status = 200, content_type = "text/csv", body = String), ErrorResponses))]
#[get("/sources.csv")]
pub async fn export_sources(state: web::Data<AppState>, _who: Principal) -> Result<HttpResponse, ApiError> {
    let catalog = reference::catalog(&state).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for e in catalog.iter() {
        out.serialize(SourceRow {
            id: e.id.clone(),
            source: e.source,
            title_zh: http::csv_safe(&e.title.zh_tw),
            title_en: http::csv_safe(&e.title.en),
            owner: http::csv_safe(&e.owner),
            location: http::csv_safe(&e.location),
            fields: e.fields.join(" "),
            breakdowns: e.breakdowns.join(" "),
            filters: e.filters.join(" "),
            granularity: http::csv_safe(&e.granularity),
            refresh: http::csv_safe(&e.refresh),
        })
        .map_err(AppError::internal)?;
    }
    Ok(http::csv_response("statreq-sources.csv", out.into_inner().map_err(AppError::internal)?))
}

/// Creates and updates entries from CSV (dgpa_admin), all or nothing: a file with
/// any bad row changes nothing and lists every problem by line.
#[utoipa::path(
    tag = "sources",
    security(("bearer" = [])),
    request_body(description = "id,source,title_zh,title_en,owner,location,fields,breakdowns,filters,granularity,refresh (code lists separated by spaces) (UTF-8; sent as `text/csv` or as the file's bytes, `application/octet-stream`)", content((String = "text/csv"), (statreq_contract::CsvFile = "application/octet-stream"))),
    responses((status = 200, body = ReferenceImportResult), ErrorResponses)
)]
#[post("/sources/import")]
pub async fn import_sources(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let bytes = http::read_upload(&mut payload, http::MAX_IMPORT_BYTES).await?;
    let dict = reference::dictionary(&state).await?;
    let items = http::reference_csv::<SourceRow, CatalogEntry>(&bytes, "/id", |e| e.problems(&dict), |e| &e.id)?;
    Ok(HttpResponse::Ok().json(reference::import(&state, CATALOG, items, http::audit(&who, &req)).await?))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_sources)
        .service(outcome_reasons)
        .service(export_sources)
        .service(import_sources)
        .service(create_source)
        .service(get_source)
        .service(put_source)
        .service(delete_source)
        .service(source_history)
        .service(request_sources);
}
