//! Result files (rules 5.3 and 6): streamed, encrypted upload; the manifest; four
//! eyes before release; download as an age file with the passphrase revealed by a
//! separate, audited call; plain download for results without personal data.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::PathBuf;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use futures_util::StreamExt;
use statreq_contract::{AgeRecipientBody, DeliveryManifest, DeliveryView, PassphraseView};
use statreq_domain::lifecycle::approve_file;
use statreq_domain::{Role, State, UserId};
use statreq_store::{AuditContext, DeliveryRow, NewDelivery, UserRow};
use statreq_vault::{AgeKey, DataKey};

use super::requests::{load_for, user_ref_of};
use super::{db, ErrorResponses};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::AppState;

/// File types a result may have (by extension), with the type it is served as.
const ALLOWED: &[(&str, &str)] = &[
    ("csv", "text/csv"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("pdf", "application/pdf"),
    ("zip", "application/zip"),
];

pub fn audit_ctx(who: &Principal, req: &HttpRequest) -> AuditContext {
    AuditContext {
        actor_id: Some(who.user.id),
        actor_agency: Some(who.user.agency_code.clone()),
        client_addr: req.connection_info().realip_remote_addr().map(str::to_owned),
    }
}

pub fn files_dir(state: &AppState) -> PathBuf {
    state.settings.data_dir.join("files")
}

fn view(d: &DeliveryRow, users: &HashMap<i64, UserRow>) -> DeliveryView {
    DeliveryView {
        id: d.id,
        request_id: d.request_id,
        filename: d.filename.clone(),
        content_type: d.content_type.clone(),
        size_bytes: d.size_bytes,
        sha256: d.sha256.clone(),
        personal: d.personal,
        download_format: if d.personal { "age" } else { "plain" }.into(),
        uploaded_by: user_ref_of(users, d.uploaded_by),
        uploaded_at: d.uploaded_at,
        approved_by: d.approved_by.map(|u| user_ref_of(users, u)),
        approved_at: d.approved_at,
        published_at: d.published_at,
        shredded_at: d.shredded_at,
    }
}

/// Who may touch result files: the applying office's applicants, and DGPA.
fn may_handle_files(who: &Principal, agency: &str) -> bool {
    who.actor.roles.is_dgpa() || (who.has(Role::Applicant) && who.user.agency_code == agency)
}

/// Reads what the async side sends, for the blocking encryptor.
struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<Bytes>,
    buf: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.buf.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => self.buf = b,
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf.split_to(n));
        Ok(n)
    }
}

/// Writes into the response body from the blocking side.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tx.blocking_send(Ok(Bytes::copy_from_slice(buf))).map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn sanitize_filename(raw: &str, allowed: &[(&str, &'static str)]) -> Option<(String, &'static str)> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let clean: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let ext = clean.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    let (_, content_type) = allowed.iter().find(|(e, _)| *e == ext)?;
    (!clean.starts_with('.')).then_some((clean, content_type))
}

/// A file received from a multipart form (field `file`), encrypted at rest under a
/// fresh data key as it streamed in, and renamed into place only when complete.
pub struct StoredUpload {
    pub filename: String,
    pub content_type: &'static str,
    pub key: String,
    pub wrapped: String,
    pub sealed: statreq_vault::Sealed,
    pub path: PathBuf,
}

/// Receives one file: type by extension from `allowed`, at most `max` bytes, nothing
/// left behind when it fails (interrupted, too large, empty).
pub async fn receive_encrypted(
    state: &AppState,
    form: &mut Multipart,
    max: usize,
    allowed: &[(&str, &'static str)],
) -> Result<StoredUpload, ApiError> {
    let dir = files_dir(state);
    std::fs::create_dir_all(&dir).map_err(|_| ApiError::internal())?;
    let mut stored = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, "malformed_multipart", "上傳格式有誤。", format!("Malformed multipart body: {e}"))
        })?;
        if field.name() != Some("file") || stored.is_some() {
            return Err(ApiError::invalid(
                "unexpected_field",
                "/file",
                "請只以欄位 file 上傳一個檔案。",
                "Send exactly one file, in the field `file`.",
            ));
        }
        let raw_name = field.content_disposition().and_then(|cd| cd.get_filename()).unwrap_or("").to_string();
        let (filename, content_type) = sanitize_filename(&raw_name, allowed).ok_or_else(|| {
            let kinds = allowed.iter().map(|(e, _)| e.to_uppercase()).collect::<Vec<_>>().join(", ");
            ApiError::invalid(
                "file_type_not_allowed",
                "/file",
                format!("僅接受下列檔案類型：{kinds}。"),
                format!("Only these file types are accepted: {kinds}."),
            )
        })?;
        let key = uuid::Uuid::new_v4().simple().to_string();
        let part = dir.join(format!("{key}.part"));
        let dk = DataKey::generate();
        let wrapped = state.keyring.wrap(&dk).map_err(|_| ApiError::internal())?;
        let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(8);
        let part_for_writer = part.clone();
        let aad = key.clone();
        let writer = tokio::task::spawn_blocking(move || -> statreq_vault::Result<statreq_vault::Sealed> {
            let file = std::fs::File::create(&part_for_writer)?;
            let mut out = std::io::BufWriter::new(file);
            let sealed = statreq_vault::encrypt(&dk, aad.as_bytes(), ChannelReader { rx, buf: Bytes::new() }, &mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(sealed)
        });
        let mut size = 0usize;
        let mut too_big = false;
        let mut interrupted = false;
        while let Some(chunk) = field.next().await {
            let Ok(chunk) = chunk else {
                interrupted = true;
                break;
            };
            size += chunk.len();
            if size > max {
                too_big = true;
                break;
            }
            if tx.send(chunk).await.is_err() {
                break;
            }
        }
        drop(tx);
        let sealed = writer.await.map_err(|_| ApiError::internal())?;
        if interrupted || too_big || size == 0 || sealed.is_err() {
            // Nothing half-written stays behind: the file was never visible.
            let _ = std::fs::remove_file(&part);
            if interrupted {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "upload_interrupted",
                    "上傳中斷，未儲存任何檔案。",
                    "The upload was interrupted; nothing was stored.",
                ));
            }
            if too_big {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "file_too_large",
                    format!("檔案超過上限 {} MiB。", max / (1024 * 1024)),
                    format!("The file exceeds the limit of {} MiB.", max / (1024 * 1024)),
                ));
            }
            if size == 0 {
                return Err(ApiError::invalid("empty_file", "/file", "檔案是空的。", "The file is empty."));
            }
            tracing::error!("encrypting an upload failed");
            return Err(ApiError::internal());
        }
        let sealed = sealed.map_err(|_| ApiError::internal())?;
        let final_path = dir.join(format!("{key}.enc"));
        std::fs::rename(&part, &final_path).map_err(|_| ApiError::internal())?;
        stored = Some((filename, content_type, key, wrapped, sealed, final_path));
    }
    let Some((filename, content_type, key, wrapped, sealed, path)) = stored else {
        return Err(ApiError::invalid(
            "file_required",
            "/file",
            "請以欄位 file 上傳檔案。",
            "Send the file in the multipart field `file`.",
        ));
    };
    Ok(StoredUpload { filename, content_type, key, wrapped, sealed, path })
}

/// Streams a stored file to the client, decrypting as it goes, age-encrypted when
/// `age` is given. A failure mid-way cuts the response short (an age file then fails
/// to open; it is never silently truncated plaintext of an authenticated prefix).
pub fn stream_file(
    path: PathBuf,
    dk: DataKey,
    aad: String,
    age: Option<(Option<String>, Option<String>)>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    tokio::task::spawn_blocking(move || {
        let run = || -> statreq_vault::Result<()> {
            let input = std::io::BufReader::new(std::fs::File::open(&path)?);
            let sink = std::io::BufWriter::with_capacity(64 * 1024, ChannelWriter { tx: tx.clone() });
            let key = match &age {
                Some((Some(r), _)) => Some(AgeKey::Recipient(r)),
                Some((None, Some(p))) => Some(AgeKey::Passphrase(p)),
                _ => None,
            };
            match key {
                Some(key) => {
                    let mut age = statreq_vault::age_encryptor(key, sink)?;
                    statreq_vault::decrypt(&dk, aad.as_bytes(), input, &mut age)?;
                    age.finish()?.flush()?;
                }
                None => {
                    let mut sink = sink;
                    statreq_vault::decrypt(&dk, aad.as_bytes(), input, &mut sink)?;
                    sink.flush()?;
                }
            }
            Ok(())
        };
        if let Err(e) = run() {
            tracing::error!(error = %e, "streaming a stored file failed; the response is cut short");
            let _ = tx.blocking_send(Err(std::io::Error::other("stream failed")));
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) })
}

/// `Content-Disposition` for a download, ASCII fallback plus the UTF-8 name.
pub fn attachment_header(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Upload a result file (dgpa_officer, request in production): multipart with the
/// file in field `file`; CSV, XLSX, ODS, PDF or ZIP. Encrypted as it streams in;
/// invisible to the applicant until the request is delivered.
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried upload return the first response; the fingerprint is the body's length")),
    request_body(content = String, content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 201, body = DeliveryView), ErrorResponses)
)]
#[post("/requests/{id}/deliveries")]
pub async fn upload_delivery(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    // The body streams and is not buffered: its fingerprint is its length.
    let length = req.headers().get(actix_web::http::header::CONTENT_LENGTH).map(|v| v.as_bytes().to_vec()).unwrap_or_default();
    let fingerprint = super::idempotency::fingerprint(&req, &length);
    let id = path.into_inner();
    super::idempotency::once(&state, &who, &req, fingerprint, || upload_delivery_once(&state, &who, id, &req, form)).await
}

async fn upload_delivery_once(
    state: &AppState,
    who: &Principal,
    id: i64,
    req: &HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let loaded = load_for(state, who, id).await?;
    who.require(Role::DgpaOfficer)?;
    if loaded.row.state != State::InProduction {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "invalid_state",
            "僅於資料產製中可上傳結果檔案。",
            "Result files are uploaded while the request is in production.",
        ));
    }
    let personal = loaded.application()?.declares_personal_data();
    let up = receive_encrypted(state, &mut form, state.settings.max_upload_bytes, ALLOWED).await?;
    let (filename, content_type, key, wrapped, sealed, final_path) = (up.filename, up.content_type, up.key, up.wrapped, up.sealed, up.path);
    let passphrase = if personal {
        Some(state.keyring.seal_secret(&statreq_vault::generate_passphrase()).map_err(|_| ApiError::internal())?)
    } else {
        None
    };
    let new = NewDelivery {
        request_id: loaded.row.id,
        filename,
        content_type: content_type.to_string(),
        size_bytes: sealed.plaintext_bytes as i64,
        sha256: sealed.sha256,
        storage_key: key,
        wrapped_key: wrapped,
        passphrase,
        personal,
        uploaded_by: who.user.id,
    };
    let audit = audit_ctx(who, req);
    let row = match db(state, move |s| s.insert_delivery(new, &audit, Utc::now())).await {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&final_path);
            return Err(e);
        }
    };
    let mut users = HashMap::new();
    users.insert(who.user.id, who.user.clone());
    Ok(HttpResponse::Created().json(view(&row, &users)))
}

async fn manifest(state: &AppState, who: &Principal, id: i64) -> Result<(DeliveryManifest, Vec<DeliveryRow>), ApiError> {
    let loaded = load_for(state, who, id).await?;
    if !may_handle_files(who, &loaded.row.agency_code) {
        return Err(ApiError::forbidden_role(Role::Applicant.as_str()));
    }
    let dgpa = who.actor.roles.is_dgpa();
    let (rows, users) = db(state, move |s| {
        let rows: Vec<DeliveryRow> = s.list_deliveries(id)?.into_iter().filter(|d| dgpa || d.published_at.is_some()).collect();
        let mut ids: Vec<i64> = rows.iter().flat_map(|d| [Some(d.uploaded_by), d.approved_by]).flatten().collect();
        ids.dedup();
        let users = s.get_users(&ids)?;
        Ok((rows, users))
    })
    .await?;
    let users: HashMap<i64, UserRow> = users.into_iter().map(|u| (u.id, u)).collect();
    let files = rows.iter().map(|d| view(d, &users)).collect();
    Ok((DeliveryManifest { request_id: id, revision: loaded.row.revision, files }, rows))
}

/// The manifest of a request's result files. The applying office sees them once
/// delivered; DGPA sees them from upload.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = DeliveryManifest), ErrorResponses))]
#[get("/requests/{id}/deliveries")]
pub async fn list_deliveries(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(manifest(&state, &who, path.into_inner()).await?.0))
}

/// A file the caller may touch, or the reason not; refused attempts are audited.
async fn file_for(state: &AppState, who: &Principal, req: &HttpRequest, id: i64, did: i64, action: &str) -> Result<DeliveryRow, ApiError> {
    let found = match manifest(state, who, id).await {
        Ok((_, rows)) => rows.into_iter().find(|d| d.id == did).ok_or_else(ApiError::not_found),
        Err(e) => Err(e),
    };
    if let Err(e) = &found {
        let audit = audit_ctx(who, req);
        let detail = serde_json::json!({"delivery": did, "refused": e.code});
        let action = format!("{action}_refused");
        db(state, move |s| s.audit(&audit, &action, Some(id), &detail, Utc::now())).await?;
    }
    let d = found?;
    if d.shredded_at.is_some() || d.wrapped_key.is_none() {
        return Err(ApiError::new(
            StatusCode::GONE,
            "shredded",
            "此檔案已依規定銷毀，無法再下載（第6點）。",
            "This file was destroyed as the rules require and can no longer be downloaded (rule 6).",
        ));
    }
    Ok(d)
}

/// Download a result file. Files with personal data come as an **age** file
/// encrypted with the delivery's passphrase (`age -d`); others as they are.
/// Every download is audited.
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("did" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = String), ErrorResponses)
)]
#[get("/requests/{id}/deliveries/{did}/file")]
pub async fn download_delivery(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(i64, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    let d = file_for(&state, &who, &req, id, did, "delivery.download").await?;
    let dk = state.keyring.unwrap(d.wrapped_key.as_deref().unwrap_or_default()).map_err(|e| {
        tracing::error!(delivery = did, error = %e, "unwrapping a data key");
        ApiError::internal()
    })?;
    // A registered X25519 recipient takes the place of the passphrase.
    let recipient = if d.personal { who.user.age_recipient.clone() } else { None };
    let passphrase = match &d.passphrase {
        Some(sealed) if d.personal && recipient.is_none() => Some(state.keyring.open_secret(sealed).map_err(|_| ApiError::internal())?),
        _ => None,
    };
    let audit = audit_ctx(&who, &req);
    let format = match (d.personal, &recipient) {
        (false, _) => "plain",
        (true, Some(_)) => "age-x25519",
        (true, None) => "age-passphrase",
    };
    let detail = serde_json::json!({"delivery": did, "filename": d.filename, "format": format});
    db(&state, move |s| s.audit(&audit, "delivery.downloaded", Some(id), &detail, Utc::now())).await?;

    let path = files_dir(&state).join(format!("{}.enc", d.storage_key));
    let age = d.personal.then(|| (recipient.clone(), passphrase.as_ref().map(|p| p.to_string())));
    let body = stream_file(path, dk, d.storage_key.clone(), age);
    let (name, content_type) = if d.personal {
        (format!("{}.age", d.filename), "application/octet-stream".to_string())
    } else {
        (d.filename.clone(), d.content_type.clone())
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", attachment_header(&name)))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(body))
}

/// The passphrase of a personal-data file, by itself (never with the file). Audited.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(("id" = i64, Path), ("did" = i64, Path)), responses((status = 200, body = PassphraseView), ErrorResponses))]
#[post("/requests/{id}/deliveries/{did}/passphrase")]
pub async fn reveal_passphrase(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<(i64, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    let d = file_for(&state, &who, &req, id, did, "delivery.passphrase").await?;
    let sealed = d.passphrase.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "no_passphrase",
            "此檔案不含個人資料，未加密。",
            "This file holds no personal data and is not encrypted.",
        )
    })?;
    let passphrase = state.keyring.open_secret(&sealed).map_err(|_| ApiError::internal())?;
    let audit = audit_ctx(&who, &req);
    db(&state, move |s| s.audit(&audit, "delivery.passphrase_revealed", Some(id), &serde_json::json!({"delivery": did}), Utc::now()))
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(PassphraseView { passphrase: passphrase.to_string() }))
}

/// Register an X25519 age recipient for the caller's downloads (systems such as
/// WebHR hold the identity); `null` returns to passphrases. Audited.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), request_body = AgeRecipientBody, responses((status = 200, body = AgeRecipientBody), ErrorResponses))]
#[put("/me/age-recipient")]
pub async fn put_age_recipient(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: AgeRecipientBody = super::parse_json(&req, &body)?;
    if let Some(r) = &b.recipient {
        if !statreq_vault::is_x25519_recipient(r) {
            return Err(ApiError::invalid(
                "invalid_recipient",
                "/recipient",
                "請提供 age1 開頭的 X25519 公鑰。",
                "Give an X25519 age recipient (age1…).",
            ));
        }
    }
    let audit = audit_ctx(&who, &req);
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
    path: web::Path<(i64, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    let (_, rows) = manifest(&state, &who, id).await?;
    let d = rows.into_iter().find(|d| d.id == did).ok_or_else(ApiError::not_found)?;
    approve_file(UserId(d.uploaded_by), &who.actor)?;
    if d.approved_by.is_some() || d.published_at.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "already_approved", "此檔案已覆核。", "This file is already approved."));
    }
    let audit = audit_ctx(&who, &req);
    let approver = who.user.id;
    let row = db(&state, move |s| s.approve_delivery(did, approver, &audit, Utc::now())).await?;
    let users: HashMap<i64, UserRow> =
        db(&state, move |s| s.get_users(&[row.uploaded_by, approver])).await?.into_iter().map(|u| (u.id, u)).collect();
    let row = db(&state, move |s| s.list_deliveries(id)).await?.into_iter().find(|x| x.id == did).ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(view(&row, &users)))
}
