//! Files attached to an application: a sample of the desired output format, which
//! the form recommends (rule 5.1). Stored encrypted like result files.

use actix_multipart::Multipart;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use statreq_contract::{AttachmentUpload, AttachmentView};
use statreq_domain::{RequestId, Role, State};
use statreq_store::{AttachmentRow, NewAttachment, StoreError};

use crate::app::files::{Egress, Transfers};
use crate::app::requests::load_for;
use crate::app::users::{self, user_ref, Users};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, ErrorResponses};
use crate::AppState;

/// Sample layouts come as tables or documents.
const SAMPLE_TYPES: &[(&str, &str)] = &[
    ("csv", "text/csv"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("odt", "application/vnd.oasis.opendocument.text"),
];

const MAX_SAMPLE_BYTES: usize = 10 * 1024 * 1024;
const MAX_ATTACHMENTS: usize = 10;

fn view(a: &AttachmentRow, users: &Users) -> AttachmentView {
    AttachmentView {
        id: a.id,
        request_id: a.request_id.0,
        filename: a.filename.clone(),
        content_type: a.content_type.clone(),
        size_bytes: a.size_bytes,
        sha256: a.sha256.clone(),
        uploaded_by: user_ref(users, a.uploaded_by),
        uploaded_at: a.uploaded_at,
        shredded: a.wrapped_key.is_empty(),
    }
}

/// Attach a file to a draft or returned application (the applying office's
/// applicants): CSV, XLSX, ODS, PDF, DOCX or ODT up to 10 MiB, at most 10 files.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentView), ErrorResponses)
)]
#[post("/requests/{id}/attachments")]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let loaded = load_for(&state, &who, path.into_inner()).await?;
    let states = may_change_attachments(&who, &loaded.row)?;
    let id = loaded.row.id;
    // A first look spares the upload; the store counts again in its transaction.
    let count = db(&state, move |s| s.list_attachments(id)).await?.len();
    if count >= MAX_ATTACHMENTS {
        return Err(InputError::TooManyAttachments { max: MAX_ATTACHMENTS }.into());
    }
    http::upload::refuse_declared_oversize(&req, MAX_SAMPLE_BYTES)?;
    let _permit = state.transfers.begin(who.user.id)?;
    let up = http::upload::receive_one(&state.files, &mut form, MAX_SAMPLE_BYTES, SAMPLE_TYPES).await?;
    let key = up.stored.key.clone();
    let new = NewAttachment {
        request_id: id,
        filename: up.filename,
        content_type: up.content_type.to_string(),
        size_bytes: up.stored.sealed.plaintext_bytes as i64,
        sha256: up.stored.sealed.sha256,
        storage_key: up.stored.key,
        wrapped_key: up.stored.wrapped,
        uploaded_by: who.user.id,
    };
    let audit = http::audit(&who, &req);
    let row = match db(&state, move |s| s.insert_attachment(new, MAX_ATTACHMENTS, states, &audit, Utc::now())).await {
        Ok(r) => r,
        Err(e) => {
            state.files.remove([key.as_str()]).await;
            return Err(match e {
                AppError::Store(StoreError::LimitReached) => InputError::TooManyAttachments { max: MAX_ATTACHMENTS }.into(),
                // Submitted (or otherwise moved on) while the file was arriving.
                AppError::Store(StoreError::NotInState(_)) => InputError::NotEditable.into(),
                e => e.into(),
            });
        }
    };
    let users = users::by_id(vec![who.user.clone()]);
    Ok(HttpResponse::Created().json(view(&row, &users)))
}

/// Who changes a request's attachments, and in which states (refused otherwise): an
/// application DGPA registered from paper takes its scanned form from the DGPA officer
/// while DGPA reviews it (rule 5.2); any other, its office's files while it is a draft
/// or returned. Checked again under the request's lock when the change is written.
fn may_change_attachments(who: &Principal, row: &statreq_store::RequestRow) -> Result<&'static [State], ApiError> {
    if row.channel != "web" && who.has(Role::DgpaOfficer) {
        if row.state != State::PendingDgpa {
            return Err(InputError::NotEditable.into());
        }
        return Ok(&[State::PendingDgpa]);
    }
    who.require(Role::Applicant)?;
    if who.user.agency_code != row.agency_code {
        return Err(InputError::NotApplyingAgency.into());
    }
    if !matches!(row.state, State::Draft | State::Returned) {
        return Err(InputError::NotEditable.into());
    }
    Ok(&[State::Draft, State::Returned])
}

/// Remove an attached file (who may attach, while they may): a wrong sample, or one
/// that holds what it should not. Its content is destroyed (the body deleted, its key
/// on the shred list); the audit trail keeps its name, size and SHA-256.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path), ("aid" = i64, Path)), responses((status = 204, description = "Removed"), ErrorResponses))]
#[delete("/requests/{id}/attachments/{aid}")]
pub async fn remove_attachment(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, aid) = path.into_inner();
    let loaded = load_for(&state, &who, id).await?;
    let states = may_change_attachments(&who, &loaded.row)?;
    let audit = http::audit(&who, &req);
    let removed = match db(&state, move |s| s.remove_attachment(id, aid, states, &audit, Utc::now())).await {
        Ok(a) => a,
        Err(AppError::Store(StoreError::NotInState(_))) => return Err(InputError::NotEditable.into()),
        Err(e) => return Err(e.into()),
    };
    state.files.remove([removed.storage_key.as_str()]).await;
    tracing::info!(actor = %who.user.id, request = %id, attachment = aid, "attachment removed");
    Ok(HttpResponse::NoContent().finish())
}

/// The files attached to an application (anyone who may see the request).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path), http::PageParams), responses((status = 200, body = statreq_contract::Page<AttachmentView>), ErrorResponses))]
#[get("/requests/{id}/attachments")]
pub async fn list_attachments(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let loaded = load_for(&state, &who, path.into_inner()).await?;
    let id = loaded.row.id;
    let (rows, users) = db(&state, move |s| {
        let rows = s.list_attachments(id)?;
        let users = users::load(s, rows.iter().map(|a| a.uploaded_by))?;
        Ok((rows, users))
    })
    .await?;
    http::list_response(rows.iter().map(|a| view(a, &users)).collect(), q.cursor.as_deref(), q.limit)
}

/// An attached file the caller may download: anyone who may see the request.
async fn attachment_for(state: &AppState, who: &Principal, id: RequestId, aid: i64) -> Result<AttachmentRow, ApiError> {
    let loaded = load_for(state, who, id).await?;
    let request_id = loaded.row.id;
    let a = db(state, move |s| s.list_attachments(request_id)).await?.into_iter().find(|a| a.id == aid).ok_or_else(ApiError::not_found)?;
    if a.wrapped_key.is_empty() {
        return Err(InputError::Shredded.into());
    }
    Ok(a)
}

/// Download an attached file (anyone who may see the request). A download link's
/// `ticket` takes the place of the bearer token.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = []), ()),
    params(("id" = i64, Path), ("aid" = i64, Path), http::links::LinkTicket),
    responses((status = 200, content_type = "application/octet-stream", body = String), ErrorResponses)
)]
#[get("/requests/{id}/attachments/{aid}/file")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, aid) = path.into_inner();
    let a = attachment_for(&state, &who, id, aid).await?;
    let audit = http::audit(&who, &req);
    let detail = serde_json::json!({"attachment": aid, "filename": a.filename});
    let mut res = http::file_response(&a.content_type, &a.filename, &format!("request-{id}-attachment-{aid}"));
    let permit = state.transfers.begin(who.user.id)?;
    if http::methods::is_head(&req) {
        // As the GET would be answered now (busy included); nothing is moved.
        return Ok(res.body(actix_web::body::None::new()));
    }
    // Opened before the download is recorded: a store that cannot be reached is a 503.
    let stored = state.files.stream(&a.storage_key, &a.wrapped_key, Egress::Plain).await?;
    let body = Transfers::hold(permit, stored, state.settings.body_idle);
    db(&state, move |s| s.audit(&audit, "attachment.downloaded", Some(id), &detail, Utc::now())).await?;
    Ok(res.streaming(body))
}

/// A short-lived link to an attached file that a browser follows itself (see the
/// result files' link): refused as the download would be, checked again and audited
/// when followed.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path), ("aid" = i64, Path)), responses((status = 200, body = statreq_contract::DownloadLink), ErrorResponses))]
#[post("/requests/{id}/attachments/{aid}/link")]
pub async fn attachment_link(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(RequestId, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, aid) = path.into_inner();
    attachment_for(&state, &who, id, aid).await?;
    http::links::download_link(&state, &who, format!("/api/v1/requests/{}/attachments/{aid}/file", id.0))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(upload_attachment)
        .service(remove_attachment)
        .service(list_attachments)
        .service(download_attachment)
        .service(attachment_link);
}
