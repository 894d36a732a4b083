//! The field dictionary as a managed resource (rule 7): search, one field with its
//! code table, covering sources and FAQ; DGPA administrators edit fields (every
//! change kept with who, when and what), and import or export them as CSV.

use actix_web::http::StatusCode;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use statreq_contract::{CodeTable, Field, FieldDetail, ReferenceChangeView, ReferenceImportResult, SourceRef};
use statreq_domain::dictionary::{self, FieldType, Section};
use statreq_domain::{Role, Text, UserId};
use statreq_store::Saved;
use utoipa::IntoParams;

use crate::app::input::Content;
use crate::app::reference::{self, faq_view, history_view, save, DICTIONARY};
use crate::app::users::{self, user_ref};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, etag, if_match, parse_json, ErrorResponses};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FieldQuery {
    /// Matches the code or the zh-TW / English name, in any case, full-width or ASCII alike.
    pub q: Option<String>,
    pub section: Option<Section>,
    pub field_type: Option<FieldType>,
    /// Only fields that are (or are not) personal data.
    pub personal: Option<bool>,
    /// Only fields that do (or do not) identify a person.
    pub identifying: Option<bool>,
    /// Only special-category fields (PDPA art. 6), or only others.
    pub special: Option<bool>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Fields of the civil-servant resume record that may be requested (rules 2, 7), in
/// the record's order.
#[utoipa::path(tag = "dictionary", security(("bearer" = [])), params(FieldQuery), responses((status = 200, body = statreq_contract::Page<Field>), ErrorResponses))]
#[get("/dictionary/fields")]
pub async fn list_fields(state: web::Data<AppState>, _who: Principal, q: http::Query<FieldQuery>) -> Result<HttpResponse, ApiError> {
    let dict = reference::dictionary(&state).await?;
    let needle = q.q.as_deref().map(str::trim);
    let items: Vec<Field> = dict
        .fields()
        .iter()
        .filter(|f| q.section.is_none_or(|s| s == f.section))
        .filter(|f| q.field_type.is_none_or(|t| t == f.field_type))
        .filter(|f| q.personal.is_none_or(|p| p == f.personal))
        .filter(|f| q.identifying.is_none_or(|p| p == f.identifying))
        .filter(|f| q.special.is_none_or(|p| p == f.special))
        .filter(|f| needle.is_none_or(|n| f.matches(n)))
        .cloned()
        .collect();
    http::list_response(items, q.cursor.as_deref(), q.limit)
}

async fn field_detail(state: &AppState, code: String) -> Result<FieldDetail, ApiError> {
    let catalog = reference::catalog(state).await?;
    let (item, faq, users) = db(state, move |s| {
        let item = s.get_reference(DICTIONARY, &code)?;
        let faq = s.list_faq(Some(&code))?;
        let ids: Vec<UserId> = faq.iter().map(|f| f.published_by).chain(item.updated_by).collect();
        Ok((item, faq, s.get_users(&ids)?))
    })
    .await?;
    let field: Field = serde_json::from_value(item.body).map_err(AppError::internal)?;
    let users = users::by_id(users);
    Ok(FieldDetail {
        code_table: field.code_table.as_deref().and_then(dictionary::code_table).cloned(),
        sources: catalog
            .iter()
            .filter(|e| e.fields.iter().chain(&e.breakdowns).any(|f| *f == field.code))
            .map(|e| SourceRef { id: e.id.clone(), source: e.source, title: e.title.clone(), location: e.location.clone() })
            .collect(),
        faq: faq.into_iter().map(|f| faq_view(f, &users)).collect(),
        field,
        version: item.version,
        updated_at: item.updated_at,
        updated_by: item.updated_by.map(|id| user_ref(&users, id)),
    })
}

/// One field: its definition, code table, the existing sources that show it
/// (rule 4) and its FAQ (rule 7). The ETag is its version.
#[utoipa::path(tag = "dictionary", security(("bearer" = [])), params(("code" = String, Path)), responses((status = 200, body = FieldDetail), ErrorResponses))]
#[get("/dictionary/fields/{code}")]
pub async fn get_field(state: web::Data<AppState>, _who: Principal, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let detail = field_detail(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(detail.version)).json(detail))
}

/// Creates a field or changes one (dgpa_admin). The body is the whole field; its
/// `code` must be the path's. `If-Match` with the field's ETag guards an edit.
/// Every change is kept in the field's history.
#[utoipa::path(
    tag = "dictionary",
    security(("bearer" = [])),
    params(("code" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = Field,
    responses((status = 200, body = FieldDetail), (status = 201, body = FieldDetail), ErrorResponses)
)]
#[put("/dictionary/fields/{code}")]
pub async fn put_field(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let expected = if_match(&req)?;
    let field: Field = parse_json(&req, &body)?;
    let code = path.into_inner();
    let mut problems = field.problems();
    if field.code != code {
        problems.push(("/code".into(), Text::new("欄位代碼須與網址中的代碼相同。", "The code must be the one in the path.")));
    }
    if !problems.is_empty() {
        return Err(InputError::InvalidContent { kind: Content::Field, problems }.into());
    }
    let value = serde_json::to_value(&field).map_err(AppError::internal)?;
    let audit = http::audit(&who, &req);
    let saved = save(&state, DICTIONARY, code.clone(), value, expected, false, audit).await?;
    tracing::info!(actor = %who.user.id, field = %code, ?saved, "dictionary field saved");
    let detail = field_detail(&state, code).await?;
    let status = if saved == Saved::Created { StatusCode::CREATED } else { StatusCode::OK };
    Ok(HttpResponse::build(status).insert_header(etag(detail.version)).json(detail))
}

/// A field's changes, oldest first: who, when, and each value before and after.
#[utoipa::path(tag = "dictionary", security(("bearer" = [])), params(("code" = String, Path), http::PageParams), responses((status = 200, body = statreq_contract::Page<ReferenceChangeView>), ErrorResponses))]
#[get("/dictionary/fields/{code}/history")]
pub async fn field_history(
    state: web::Data<AppState>,
    _who: Principal,
    path: web::Path<String>,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let code = path.into_inner();
    let changes = db(&state, move |s| s.reference_history(DICTIONARY, &code)).await?;
    if changes.is_empty() {
        return Err(ApiError::not_found());
    }
    http::list_response(history_view(&state, changes).await?, q.cursor.as_deref(), q.limit)
}

/// The code tables of coded fields (官等, 職等, 學歷 …), fixed by statute.
#[utoipa::path(tag = "dictionary", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = statreq_contract::Page<CodeTable>), ErrorResponses))]
#[get("/dictionary/code-tables")]
pub async fn list_code_tables(_who: Principal, q: http::Query<http::PageParams>) -> Result<HttpResponse, ApiError> {
    http::list_response(dictionary::code_tables().to_vec(), q.cursor.as_deref(), q.limit)
}

/// One row of the dictionary's CSV.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldRow {
    code: String,
    section: Section,
    name_zh: String,
    name_en: String,
    field_type: FieldType,
    #[serde(default)]
    code_table: String,
    personal: bool,
    identifying: bool,
    special: bool,
    #[serde(default)]
    definition_zh: String,
    #[serde(default)]
    definition_en: String,
}

impl From<&Field> for FieldRow {
    fn from(f: &Field) -> Self {
        FieldRow {
            code: f.code.clone(),
            section: f.section,
            name_zh: http::csv_safe(&f.name_zh),
            name_en: http::csv_safe(&f.name_en),
            field_type: f.field_type,
            code_table: f.code_table.clone().unwrap_or_default(),
            personal: f.personal,
            identifying: f.identifying,
            special: f.special,
            definition_zh: http::csv_safe(&f.definition.zh_tw),
            definition_en: http::csv_safe(&f.definition.en),
        }
    }
}

impl From<FieldRow> for Field {
    fn from(r: FieldRow) -> Self {
        Field {
            code: r.code,
            section: r.section,
            name_zh: http::csv_plain(r.name_zh),
            name_en: http::csv_plain(r.name_en),
            definition: Text::new(http::csv_plain(r.definition_zh), http::csv_plain(r.definition_en)),
            field_type: r.field_type,
            code_table: Some(r.code_table).filter(|t| !t.trim().is_empty()),
            personal: r.personal,
            identifying: r.identifying,
            special: r.special,
        }
    }
}

/// The whole dictionary as CSV (UTF-8 with a BOM, for spreadsheets), the format
/// `POST /dictionary/fields/import` reads.
#[utoipa::path(tag = "dictionary", security(("bearer" = [])), responses((status = 200, content_type = "text/csv", body = String), ErrorResponses))]
#[get("/dictionary/fields.csv")]
pub async fn export_fields(state: web::Data<AppState>, _who: Principal) -> Result<HttpResponse, ApiError> {
    let dict = reference::dictionary(&state).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for f in dict.fields() {
        out.serialize(FieldRow::from(f)).map_err(AppError::internal)?;
    }
    Ok(http::csv_response("statreq-dictionary.csv", out.into_inner().map_err(AppError::internal)?))
}

/// Creates and updates fields from CSV (dgpa_admin), all or nothing: a file with
/// any bad row changes nothing and lists every problem by line. Fields absent from
/// the file are kept. Each change is kept in the field's history.
#[utoipa::path(
    tag = "dictionary",
    security(("bearer" = [])),
    request_body(description = "code,section,name_zh,name_en,field_type,code_table,personal,identifying,special,definition_zh,definition_en (UTF-8; sent as `text/csv` or as the file's bytes, `application/octet-stream`)", content((String = "text/csv"), (statreq_contract::CsvFile = "application/octet-stream"))),
    responses((status = 200, body = ReferenceImportResult), ErrorResponses)
)]
#[post("/dictionary/fields/import")]
pub async fn import_fields(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let bytes = http::read_upload(&mut payload, http::MAX_IMPORT_BYTES).await?;
    let items = http::reference_csv::<FieldRow, Field>(&bytes, "/code", Field::problems, |f| &f.code)?;
    Ok(HttpResponse::Ok().json(reference::import(&state, DICTIONARY, items, http::audit(&who, &req)).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FaqQuery {
    /// Only this field's answers (its code).
    #[param(pattern = r"^[a-z0-9_]{1,64}$")]
    pub field: Option<String>,
    /// Words in the question or the answer, case-insensitive, full-width or ASCII alike;
    /// at most 100 characters, not only spaces.
    #[param(
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// The answers DGPA published to the fields' FAQ (rule 7), newest first: what every
/// office reads before asking — of one field, or matching words.
#[utoipa::path(tag = "dictionary", security(("bearer" = [])), params(FaqQuery), responses((status = 200, body = statreq_contract::Page<statreq_contract::FaqView>), ErrorResponses))]
#[get("/dictionary/faq")]
pub async fn list_faq(state: web::Data<AppState>, _who: Principal, q: http::Query<FaqQuery>) -> Result<HttpResponse, ApiError> {
    let limit = http::page_limit(q.limit)?;
    let before = http::parse_cursor(q.cursor.as_deref())?;
    if q.q.as_ref().is_some_and(|t| t.trim().is_empty() || t.chars().count() > 100) {
        return Err(InputError::search_words("q", 100).into());
    }
    let code = |f: &String| (1..=64).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if q.field.as_ref().is_some_and(|f| !code(f)) {
        return Err(
            InputError::parameter("field", "須為欄位代碼：1 至 64 個 a–z、0–9 或「_」", "a field's code: 1–64 of a–z, 0–9, _").into()
        );
    }
    let (field, text) = (q.field.clone(), q.q.clone());
    let (rows, users) = db(&state, move |s| {
        let rows = s.search_faq(field.as_deref(), text.as_deref(), before, limit + 1)?;
        let ids: Vec<UserId> = rows.iter().map(|f| f.published_by).collect();
        Ok((rows, s.get_users(&ids)?))
    })
    .await?;
    let users = users::by_id(users);
    let items: Vec<statreq_contract::FaqView> = rows.into_iter().map(|f| faq_view(f, &users)).collect();
    Ok(HttpResponse::Ok().json(http::page_of(items, limit, |f| f.id)))
}

/// Takes an answer out of a field's FAQ (DGPA): one published in error, or outdated by a
/// change of the field's definition. Offices no longer read it; the audit trail keeps it
/// whole (`faq.withdrawn`, with its question and answer), and the question it came from
/// may be published again, corrected.
#[utoipa::path(
    tag = "dictionary",
    security(("bearer" = [])),
    params(("code" = String, Path), ("id" = i64, Path, description = "The FAQ entry's `id`")),
    responses((status = 204, description = "Withdrawn"), ErrorResponses)
)]
#[delete("/dictionary/fields/{code}/faq/{id}")]
pub async fn withdraw_faq(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(String, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if !who.actor.roles.is_dgpa() {
        return Err(ApiError::forbidden_role(Role::DgpaOfficer));
    }
    let (code, id) = path.into_inner();
    let audit = http::audit(&who, &req);
    let row = db(&state, move |s| s.withdraw_faq(id, &code, &audit, Utc::now())).await?;
    tracing::info!(actor = %who.user.id, faq = id, field = %row.field_code, "answer withdrawn from the FAQ");
    Ok(HttpResponse::NoContent().finish())
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_fields)
        .service(export_fields)
        .service(import_fields)
        .service(list_code_tables)
        .service(get_field)
        .service(put_field)
        .service(list_faq)
        .service(withdraw_faq)
        .service(field_history);
}
