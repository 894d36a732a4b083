//! Result files (rules 5.3 and 6): streamed, encrypted upload; the manifest; four
//! eyes before release; download as an age file with the passphrase revealed by a
//! separate, audited call; plain download for results without personal data.

use actix_multipart::Multipart;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use statreq_contract::{AgeRecipientBody, DeliveryManifest, DeliveryUpload, DeliveryView, DownloadLink, PassphraseView};
use statreq_domain::lifecycle::{approve_file, open_file};
use statreq_domain::{AgencyCode, RequestId, Role, State};
use statreq_store::{DeliveryRow, NewDelivery};

use crate::app::files::{Egress, Transfers};
use crate::app::requests::load_for;
use crate::app::users::{self, user_ref, Users};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, idempotency, parse_json, ErrorResponses};
use crate::AppState;

/// File types a result may have (by extension), with the type it is served as.
const ALLOWED: &[(&str, &str)] = &[
    ("csv", "text/csv"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("pdf", "application/pdf"),
    ("zip", "application/zip"),
];

fn view(d: &DeliveryRow, users: &Users) -> DeliveryView {
    DeliveryView {
        id: d.id,
        request_id: d.request_id.0,
        filename: d.filename.clone(),
        content_type: d.content_type.clone(),
        size_bytes: d.size_bytes,
        sha256: d.sha256.clone(),
        personal: d.personal,
        download_format: if d.personal { "age" } else { "plain" }.into(),
        uploaded_by: user_ref(users, d.uploaded_by),
        uploaded_at: d.uploaded_at,
        approved_by: d.approved_by.map(|u| user_ref(users, u)),
        approved_at: d.approved_at,
        published_at: d.published_at,
        shredded_at: d.shredded_at,
        disclosure: d.disclosure.clone().and_then(|v| serde_json::from_value(v).ok()),
    }
}

/// Who may touch result files: the applying office's applicants, and DGPA.
fn may_handle_files(who: &Principal, agency: &AgencyCode) -> bool {
    statreq_domain::lifecycle::may_handle_files(&who.actor.roles, &who.actor.agency, agency)
}

/// Upload a result file (dgpa_officer, request in production): multipart with the
/// file in field `file`; CSV, XLSX, ODS, PDF or ZIP. Encrypted as it streams in;
/// invisible to the applicant until the request is delivered. A statistical table is
/// checked for small cells; a CSV table's magnitude columns (totals) are checked by
/// the dominance rules when named in `magnitude` (repeatable, or comma-separated) with
/// `contributions`: a CSV of the same header and rows whose magnitude cells read
/// `largest/second` — the two largest single contributions to that total, read for
/// the check and never stored.
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried upload return the first response; the fingerprint is the body's length", min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")),
    request_body(content = DeliveryUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = DeliveryView), ErrorResponses)
)]
#[post("/requests/{id}/deliveries")]
pub async fn upload_delivery(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    // The body streams and is not buffered: its fingerprint is its length.
    let length = req.headers().get(actix_web::http::header::CONTENT_LENGTH).map(|v| v.as_bytes().to_vec()).unwrap_or_default();
    let fingerprint = idempotency::fingerprint(&req, &length);
    let id = path.into_inner();
    idempotency::once(&state, &who, &req, fingerprint, || upload_delivery_once(&state, &who, id, &req, form)).await
}

async fn upload_delivery_once(
    state: &AppState,
    who: &Principal,
    id: RequestId,
    req: &HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let loaded = load_for(state, who, id).await?;
    who.require(Role::DgpaOfficer)?;
    if loaded.row.state != State::InProduction {
        return Err(InputError::NotInProduction.into());
    }
    let app = &loaded.row.application;
    let personal = app.declares_personal_data();
    http::upload::refuse_declared_oversize(req, state.settings.max_upload_bytes)?;
    let _permit = state.transfers.begin(who.user.id)?;
    let (up, fields) =
        http::upload::receive_with(&state.files, &mut form, state.settings.max_upload_bytes, ALLOWED, &["magnitude", "contributions"])
            .await?;
    let (filename, content_type, key, wrapped, sealed) = (up.filename, up.content_type, up.stored.key, up.stored.wrapped, up.stored.sealed);
    let magnitudes = match crate::app::disclosure::Magnitudes::from_fields(fields) {
        Ok(m) => m,
        Err(e) => {
            state.files.remove([key.as_str()]).await;
            return Err(e.into());
        }
    };
    let passphrase = match personal {
        true => match state.keyring.seal_secret(&statreq_vault::generate_passphrase()) {
            Ok(p) => Some(p),
            Err(e) => {
                state.files.remove([key.as_str()]).await;
                return Err(AppError::internal(e).into());
            }
        },
        false => None,
    };
    // A statistical table is checked for cells counting too few people.
    let disclosure = match crate::app::disclosure::check_stored(state, app, &filename, (&key, &wrapped), &magnitudes).await {
        Ok(report) => report.map(|r| serde_json::to_value(r).unwrap_or_default()),
        Err(e) => {
            state.files.remove([key.as_str()]).await;
            return Err(e.into());
        }
    };
    let new = NewDelivery {
        disclosure,
        request_id: loaded.row.id,
        filename,
        content_type: content_type.to_string(),
        size_bytes: sealed.plaintext_bytes as i64,
        sha256: sealed.sha256,
        storage_key: key.clone(),
        wrapped_key: wrapped,
        passphrase,
        personal,
        uploaded_by: who.user.id,
    };
    let audit = http::audit(who, req);
    let row = match db(state, move |s| s.insert_delivery(new, &audit, Utc::now())).await {
        Ok(r) => r,
        Err(e) => {
            state.files.remove([key.as_str()]).await;
            return Err(e.into());
        }
    };
    let users = users::by_id(vec![who.user.clone()]);
    Ok(HttpResponse::Created().json(view(&row, &users)))
}

/// The manifest, its rows and the applying agency.
async fn manifest(state: &AppState, who: &Principal, id: RequestId) -> Result<(DeliveryManifest, Vec<DeliveryRow>, AgencyCode), ApiError> {
    let loaded = load_for(state, who, id).await?;
    if !may_handle_files(who, &loaded.row.agency_code) {
        return Err(ApiError::forbidden_role(Role::Applicant));
    }
    let dgpa = who.actor.roles.is_dgpa();
    let (rows, users) = db(state, move |s| {
        let rows: Vec<DeliveryRow> = s.list_deliveries(id)?.into_iter().filter(|d| dgpa || d.published_at.is_some()).collect();
        let users = users::load(s, rows.iter().flat_map(|d| [Some(d.uploaded_by), d.approved_by]).flatten())?;
        Ok((rows, users))
    })
    .await?;
    let files = rows.iter().map(|d| view(d, &users)).collect();
    Ok((DeliveryManifest { request_id: id.0, revision: loaded.row.revision, files }, rows, loaded.row.agency_code.clone()))
}

/// The manifest of a request's result files. The applying office sees them once
/// delivered; DGPA sees them from upload.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = DeliveryManifest), ErrorResponses))]
#[get("/requests/{id}/deliveries")]
pub async fn list_deliveries(state: web::Data<AppState>, who: Principal, path: web::Path<RequestId>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(manifest(&state, &who, path.into_inner()).await?.0))
}

/// A file the caller may touch, or the reason not; refused attempts are audited.
async fn file_for(
    state: &AppState,
    who: &Principal,
    req: &HttpRequest,
    id: RequestId,
    did: i64,
    action: &str,
) -> Result<DeliveryRow, ApiError> {
    let found = match manifest(state, who, id).await {
        Ok((_, rows, agency)) => rows.into_iter().find(|d| d.id == did).ok_or_else(ApiError::not_found).and_then(|d| {
            open_file(&who.actor, &agency, d.personal)?;
            Ok(d)
        }),
        Err(e) => Err(e),
    };
    if let Err(e) = &found {
        let audit = http::audit(who, req);
        let detail = serde_json::json!({"delivery": did, "refused": e.code});
        let action = format!("{action}_refused");
        db(state, move |s| s.audit(&audit, &action, Some(id), &detail, Utc::now())).await?;
    }
    let d = found?;
    if d.shredded_at.is_some() || d.wrapped_key.is_none() {
        return Err(InputError::Shredded.into());
    }
    Ok(d)
}

/// Download a result file. Files with personal data come as an **age** file
/// encrypted with the delivery's passphrase (`age -d`); others as they are.
/// Every download is audited. A download link's `ticket` takes the place of the
/// bearer token.
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = []), ()),
    params(("id" = i64, Path), ("did" = i64, Path), http::links::LinkTicket),
    responses((status = 200, content_type = "application/octet-stream", body = String), ErrorResponses)
)]
#[get("/requests/{id}/deliveries/{did}/file")]
pub async fn download_delivery(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    let d = file_for(&state, &who, &req, id, did, "delivery.download").await?;
    let (name, content_type) = if d.personal {
        (format!("{}.age", d.filename), "application/octet-stream".to_string())
    } else {
        (d.filename.clone(), d.content_type.clone())
    };
    let mut res = http::file_response(&content_type, &name, &format!("request-{id}-file-{did}"));
    let permit = state.transfers.begin(who.user.id)?;
    if http::methods::is_head(&req) {
        // As the GET would be answered now (busy included); nothing is moved.
        return Ok(res.body(actix_web::body::None::new()));
    }
    // A registered X25519 recipient takes the place of the passphrase.
    let recipient = if d.personal { who.user.age_recipient.clone() } else { None };
    let passphrase = match &d.passphrase {
        Some(sealed) if d.personal && recipient.is_none() => Some(state.keyring.open_secret(sealed).map_err(AppError::internal)?),
        _ => None,
    };
    let audit = http::audit(&who, &req);
    let format = match (d.personal, &recipient) {
        (false, _) => "plain",
        (true, Some(_)) => "age-x25519",
        (true, None) => "age-passphrase",
    };
    let detail = serde_json::json!({"delivery": did, "filename": d.filename, "format": format});
    let egress = match (d.personal, recipient, passphrase) {
        (false, _, _) => Egress::Plain,
        (true, Some(r), _) => Egress::AgeRecipient(r),
        (true, None, Some(p)) => Egress::AgePassphrase(p.to_string()),
        (true, None, None) => return Err(AppError::internal(format!("delivery {did} holds personal data but has no passphrase")).into()),
    };
    // Opened before the download is recorded: a store that cannot be reached is a 503,
    // not a 200 cut short.
    let stored = state.files.stream(&d.storage_key, d.wrapped_key.as_deref().unwrap_or_default(), egress).await?;
    db(&state, move |s| s.audit(&audit, "delivery.downloaded", Some(id), &detail, Utc::now())).await?;
    let body = Transfers::hold(permit, stored, state.settings.body_idle);
    Ok(res.streaming(body))
}

/// A short-lived link to a result file that a browser follows itself. A large file
/// then streams to disk with the browser's progress instead of through the page. It is
/// refused as the download would be; following it is checked again and audited as a
/// download. The link works for the caller alone, for this file alone, for a minute.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path), ("did" = i64, Path)), responses((status = 200, body = DownloadLink), ErrorResponses))]
#[post("/requests/{id}/deliveries/{did}/link")]
pub async fn delivery_link(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    file_for(&state, &who, &req, id, did, "delivery.download").await?;
    http::links::download_link(&state, &who, format!("/api/v1/requests/{}/deliveries/{did}/file", id.0))
}

/// The passphrase of a personal-data file, by itself (never with the file). Audited.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path), ("did" = i64, Path)), responses((status = 200, body = PassphraseView), ErrorResponses))]
#[post("/requests/{id}/deliveries/{did}/passphrase")]
pub async fn reveal_passphrase(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    let d = file_for(&state, &who, &req, id, did, "delivery.passphrase").await?;
    let sealed = d.passphrase.clone().ok_or(InputError::NoPassphrase)?;
    let passphrase = state.keyring.open_secret(&sealed).map_err(AppError::internal)?;
    let audit = http::audit(&who, &req);
    db(&state, move |s| s.audit(&audit, "delivery.passphrase_revealed", Some(id), &serde_json::json!({"delivery": did}), Utc::now()))
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(PassphraseView { passphrase: passphrase.to_string() }))
}

/// Register an X25519 age recipient for the caller's downloads (systems such as
/// WebHR hold the identity); `null` returns to passphrases. Audited; the recipient
/// already registered, sent again, changes nothing.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), request_body = AgeRecipientBody, responses((status = 200, body = AgeRecipientBody), ErrorResponses))]
#[put("/me/age-recipient")]
pub async fn put_age_recipient(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: AgeRecipientBody = parse_json(&req, &body)?;
    if b.recipient.as_deref().is_some_and(|r| !statreq_vault::is_x25519_recipient(r)) {
        return Err(InputError::InvalidRecipient.into());
    }
    let audit = http::audit(&who, &req);
    let id = who.user.id;
    let recipient = b.recipient.clone();
    db(&state, move |s| s.set_age_recipient(id, recipient.as_deref(), &audit, Utc::now())).await?;
    state.principals.invalidate();
    Ok(HttpResponse::Ok().json(b))
}

/// A second DGPA officer, not the uploader, approves a file for release (four eyes).
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path), ("did" = i64, Path)), responses((status = 200, body = DeliveryView), ErrorResponses))]
#[post("/requests/{id}/deliveries/{did}/approve")]
pub async fn approve_delivery(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    let (_, rows, _) = manifest(&state, &who, id).await?;
    let d = rows.into_iter().find(|d| d.id == did).ok_or_else(ApiError::not_found)?;
    approve_file(d.uploaded_by, &who.actor)?;
    if d.approved_by.is_some() || d.published_at.is_some() {
        return Err(InputError::AlreadyApproved.into());
    }
    let audit = http::audit(&who, &req);
    let approver = who.actor.user;
    let row = db(&state, move |s| s.approve_delivery(did, approver, &audit, Utc::now())).await?;
    let users = db(&state, move |s| users::load(s, [row.uploaded_by, approver])).await?;
    let row = db(&state, move |s| s.list_deliveries(id)).await?.into_iter().find(|x| x.id == did).ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(view(&row, &users)))
}

/// The officer who uploaded a file asks the other DGPA officers to check it (four
/// eyes): each gets an in-app notice (and e-mail where statreq sends mail), and the
/// request's timeline records it. For a file with personal data not yet approved, or
/// with small cells not yet accepted; otherwise 409 `nothing_to_review`.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path), ("did" = i64, Path)), responses((status = 202, body = DeliveryView), ErrorResponses))]
#[post("/requests/{id}/deliveries/{did}/review-request")]
pub async fn request_review(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    let loaded = load_for(&state, &who, id).await?;
    who.require(Role::DgpaOfficer)?;
    let (_, rows, _) = manifest(&state, &who, id).await?;
    let d = rows.into_iter().find(|d| d.id == did).ok_or_else(ApiError::not_found)?;
    if d.published_at.is_some() {
        return Err(InputError::AlreadyPublished.into());
    }
    if loaded.row.state != State::InProduction {
        return Err(InputError::NotInProduction.into());
    }
    if !crate::app::disclosure::awaits_review(&d) {
        return Err(InputError::NothingToReview.into());
    }
    let audit = http::audit(&who, &req);
    let actor = who.actor.user;
    let users = db(&state, move |s| {
        s.request_review(id, did, actor, &audit, Utc::now())?;
        users::load(s, [Some(d.uploaded_by), d.approved_by].into_iter().flatten())
    })
    .await?;
    let row = db(&state, move |s| s.list_deliveries(id)).await?.into_iter().find(|x| x.id == did).ok_or_else(ApiError::not_found)?;
    state.wake.notify_one();
    Ok(HttpResponse::Accepted().json(view(&row, &users)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RemoveQuery {
    /// Why the file goes (a wrong upload …), 1–1,000 characters; kept in the audit trail.
    #[param(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Removes a file not yet delivered (DGPA officer), e.g. a wrong upload, while the
/// request is in production: its key and body are destroyed and the removal is
/// audited with the reason. A delivered file stays (409).
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path), ("did" = i64, Path), RemoveQuery), responses((status = 204), ErrorResponses))]
#[delete("/requests/{id}/deliveries/{did}")]
pub async fn remove_delivery(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    q: http::Query<RemoveQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    let loaded = load_for(&state, &who, id).await?;
    who.require(Role::DgpaOfficer)?;
    let reason = q.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 1_000 {
        return Err(InputError::parameter("reason", "須為 1 至 1,000 字", "1–1,000 characters").into());
    }
    let file = db(&state, move |s| s.list_deliveries(id)).await?.into_iter().find(|d| d.id == did).ok_or_else(ApiError::not_found)?;
    if file.published_at.is_some() {
        return Err(InputError::AlreadyPublished.into());
    }
    if loaded.row.state != State::InProduction {
        return Err(InputError::NotInProduction.into());
    }
    let audit = http::audit(&who, &req);
    let key = db(&state, move |s| s.remove_delivery(id, did, &reason, &audit, Utc::now())).await?;
    state.files.remove([key.as_str()]).await;
    tracing::info!(request = %id, delivery = did, actor = %who.user.id, "unpublished result file removed");
    Ok(HttpResponse::NoContent().finish())
}

/// Accepts the small cells of a statistical table, with the reason, before delivery.
/// By a DGPA officer other than its uploader (four eyes); the alternative is to remove
/// the file and upload a suppressed one.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path), ("did" = i64, Path)), request_body = statreq_contract::AcceptDisclosureBody, responses((status = 200, body = DeliveryView), ErrorResponses))]
#[post("/requests/{id}/deliveries/{did}/disclosure")]
pub async fn accept_disclosure(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: statreq_contract::AcceptDisclosureBody = parse_json(&req, &body)?;
    let (id, did) = path.into_inner();
    let (_, rows, _) = manifest(&state, &who, id).await?;
    let d = rows.into_iter().find(|d| d.id == did).ok_or_else(ApiError::not_found)?;
    approve_file(d.uploaded_by, &who.actor)?;
    let reason = b.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 1_000 {
        return Err(InputError::value("/reason", "須為 1 至 1,000 字", "1–1,000 characters").into());
    }
    let report: Option<statreq_domain::disclosure::DisclosureReport> = d.disclosure.clone().and_then(|v| serde_json::from_value(v).ok());
    let Some(mut report) = report.filter(|r| r.blocks()) else { return Err(InputError::NothingToAccept.into()) };
    if d.published_at.is_some() {
        return Err(InputError::AlreadyPublished.into());
    }
    report.accepted = Some(statreq_domain::disclosure::Acceptance { by: who.user.id.0, reason: reason.clone() });
    let value = serde_json::to_value(&report).map_err(AppError::internal)?;
    let audit = http::audit(&who, &req);
    let (row, users) = db(&state, move |s| {
        s.accept_disclosure(did, &value, &reason, &audit, Utc::now())?;
        let row = s.list_deliveries(id)?.into_iter().find(|x| x.id == did).ok_or(statreq_store::StoreError::NotFound)?;
        let users = users::load(s, [Some(row.uploaded_by), row.approved_by].into_iter().flatten())?;
        Ok((row, users))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&row, &users)))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(upload_delivery)
        .service(list_deliveries)
        .service(download_delivery)
        .service(delivery_link)
        .service(reveal_passphrase)
        .service(approve_delivery)
        .service(request_review)
        .service(remove_delivery)
        .service(accept_disclosure)
        .service(put_age_recipient);
}
