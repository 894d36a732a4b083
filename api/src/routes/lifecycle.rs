//! The transitions of rule 5: submit, withdraw, the supervisor's and DGPA's
//! decisions, taking work, delivery, destruction and acknowledgement. Each loads
//! the request, lets the domain decide, and stores the outcome guarded by the
//! version the decision was made on (`app::requests::transition`).

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use statreq_contract::{
    AssignBody, DeliverBody, DestructionBody, DgpaDecisionBody, HoldBody, MarkPersonalBody, RequestView, RerateBody,
    SupervisorDecisionBody, TakeBody, WithdrawBody,
};
use statreq_domain::{Command, RequestId, Role, UserId};

use crate::app::requests;
use crate::app::{db, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, idempotency, parse_json, parse_optional_json, respond_request, ErrorResponses};
use crate::AppState;

/// Runs a transition with the caller's `If-Match` and answers with the request.
async fn transition(
    state: &AppState,
    who: &Principal,
    id: RequestId,
    req: &HttpRequest,
    command: Command,
) -> Result<HttpResponse, ApiError> {
    let loaded = requests::transition(state, who, id, http::precondition(req)?, http::audit(who, req), command).await?;
    respond_request(StatusCode::OK, who, &loaded)
}

/// Submit the application to the supervising agency (applicant's office). Freezes a
/// numbered revision. Refused with 422 and every blocking finding when incomplete.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/submit")]
pub async fn submit_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(&state, &who, path.into_inner(), &req, Command::Submit).await
}

/// Withdraw the request (applicant's office): from draft, returned, pending or queued.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body(content = Option<WithdrawBody>, description = "Optional"), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/withdraw")]
pub async fn withdraw_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: WithdrawBody = parse_optional_json(&req, &body)?;
    transition(&state, &who, path.into_inner(), &req, Command::Withdraw { reason: b.reason }).await
}

/// The supervising agency's decision (rule 5.1): approve, return (with comment) or reject (with comment).
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = SupervisorDecisionBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/supervisor-decision")]
pub async fn supervisor_decision(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: SupervisorDecisionBody = parse_json(&req, &body)?;
    transition(&state, &who, path.into_inner(), &req, Command::SupervisorDecision { decision: b.decision, comment: b.comment }).await
}

/// DGPA's review: accept with a difficulty of 1–5 (rule 5.3), return or reject with a
/// comment and a `reason_code` (`GET /outcome-reasons`); `available_in_existing_source`
/// names the catalog entry that already has the data (rule 4).
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = DgpaDecisionBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/dgpa-decision")]
pub async fn dgpa_decision(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: DgpaDecisionBody = parse_json(&req, &body)?;
    // The redirect must lead somewhere (rule 4). Checked for officers only: anyone
    // else learns first that the decision is not theirs (403).
    if let (Some(id), true) = (b.source_id.as_deref().map(str::trim), who.has(Role::DgpaOfficer)) {
        if !crate::app::reference::catalog(&state).await?.iter().any(|e| e.id == id) {
            return Err(InputError::UnknownCatalogSource.into());
        }
    }
    transition(
        &state,
        &who,
        path.into_inner(),
        &req,
        Command::DgpaDecision {
            decision: b.decision,
            difficulty: b.difficulty,
            comment: b.comment,
            reason: b.reason_code,
            source_id: b.source_id,
        },
    )
    .await
}

/// A DGPA officer takes queued work into production for themself or a named
/// officer. Taking anything but the head of the queue needs a `skip_reason`, which
/// is recorded with the requests passed over (rule 5.3).
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body(content = Option<TakeBody>, description = "Optional"), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/take")]
pub async fn take_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: TakeBody = parse_optional_json(&req, &body)?;
    let id = path.into_inner();
    // As every transition: what the caller may not see stays unseen (404); what it may
    // see but not take is 403 — before anything about officers or the queue (never 422
    // or 409).
    if !who.has(Role::DgpaOfficer) {
        crate::app::requests::load_for(&state, &who, id).await?;
        return Err(ApiError::forbidden_role(Role::DgpaOfficer));
    }
    let assignee = match b.assignee {
        None => who.user.id,
        Some(uid) => {
            let uid = UserId(uid);
            let user = db(&state, move |s| s.get_users(&[uid])).await?.into_iter().next();
            if !user.as_ref().is_some_and(crate::app::users::attends) {
                return Err(InputError::InvalidAssignee.into());
            }
            uid
        }
    };
    let snap = crate::app::queue::snapshot(&state, Utc::now()).await?;
    let passed_over = statreq_domain::queue::passed_over(&snap.order, id);
    // Not on the queue at all: the lifecycle refuses with the request's state.
    let passed_over = if passed_over.len() == snap.order.len() { Vec::new() } else { passed_over };
    let command = Command::Take { assignee, passed_over, skip_reason: b.skip_reason };
    transition(&state, &who, id, &req, command).await
}

/// Deliver the result with DGPA's reply.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response", min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")), request_body = DeliverBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/deliver")]
pub async fn deliver_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = idempotency::fingerprint(&req, &body);
    idempotency::once(&state, &who, &req, fingerprint, || async {
        let b: DeliverBody = parse_json(&req, &body)?;
        let id = path.into_inner();
        let files = db(&state, move |s| s.list_deliveries(id)).await?;
        let unapproved = files.iter().filter(|f| f.personal && f.approved_by.is_none()).count();
        let undisclosed = files
            .iter()
            .filter_map(|f| f.disclosure.clone())
            .filter_map(|d| serde_json::from_value::<statreq_domain::disclosure::DisclosureReport>(d).ok())
            .filter(|d| d.blocks())
            .count();
        transition(&state, &who, id, &req, Command::Deliver { reply: b.reply, files: files.len(), unapproved, undisclosed }).await
    })
    .await
}

/// Record that delivered personal data was destroyed after use (rule 6); closes the request.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = DestructionBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/destruction")]
pub async fn record_destruction(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: DestructionBody = parse_json(&req, &body)?;
    transition(&state, &who, path.into_inner(), &req, Command::RecordDestruction { destroyed_on: b.destroyed_on, method: b.method }).await
}

/// Acknowledge receipt of a delivery without personal data; closes the request.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/acknowledge")]
pub async fn acknowledge_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(&state, &who, path.into_inner(), &req, Command::Acknowledge).await
}

/// Takes queued work out of the order for a reason (DGPA officer): the request shows
/// `on_hold` with the reason, its wait pauses, and nothing passes it over while held.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = HoldBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/hold")]
pub async fn hold_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: HoldBody = parse_json(&req, &body)?;
    transition(&state, &who, path.into_inner(), &req, Command::Hold { reason: b.reason }).await
}

/// Puts held work back in the order (DGPA officer); its wait runs again from where it stopped.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/resume")]
pub async fn resume_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(&state, &who, path.into_inner(), &req, Command::Resume).await
}

/// Rates the difficulty again, with a reason (DGPA officer): queued, held or in
/// production. The order changes accordingly (rule 5.3).
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = RerateBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/difficulty")]
pub async fn rerate_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: RerateBody = parse_json(&req, &body)?;
    transition(&state, &who, path.into_inner(), &req, Command::Rerate { difficulty: b.difficulty, reason: b.reason }).await
}

/// Gives work in production to another DGPA officer (DGPA officer), e.g. when its
/// officer is away. Never to someone who drafted the application.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = AssignBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/assign")]
pub async fn assign_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: AssignBody = parse_json(&req, &body)?;
    // Who may assign is asked first (403); then whether the assignee is an officer.
    who.require(Role::DgpaOfficer)?;
    let uid = UserId(b.assignee);
    let user = db(&state, move |s| s.get_users(&[uid])).await?.into_iter().next();
    if !user.as_ref().is_some_and(crate::app::users::attends) {
        return Err(InputError::InvalidAssignee.into());
    }
    transition(&state, &who, path.into_inner(), &req, Command::Assign { assignee: uid, reason: b.reason }).await
}

/// Marks the data produced as personal (DGPA officer) with a reason and a retention:
/// from then on delivery is encrypted, needs a second officer's approval, and the
/// office must destroy the data (rules 3, 6). Files already uploaded must be removed
/// first (they were stored as not personal).
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = String, Header, description = "Required (428 without): the ETag you last saw (`\"3\"`), or `*` for whatever is current", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = MarkPersonalBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/personal-data")]
pub async fn mark_personal(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: MarkPersonalBody = parse_json(&req, &body)?;
    who.require(Role::DgpaOfficer)?;
    if !b.contains {
        return Err(InputError::value(
            "/contains",
            "人事總處只能標示資料含有個人資料，不能取消標示",
            "DGPA marks data as personal; it does not unmark it",
        )
        .into());
    }
    // Files already uploaded (stored as not personal) are counted in the marking's own
    // transaction, under the lock an upload takes: `409 files_uploaded`.
    transition(&state, &who, path.into_inner(), &req, Command::MarkPersonal { reason: b.reason, retention_days: b.retention_days }).await
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(submit_request)
        .service(withdraw_request)
        .service(supervisor_decision)
        .service(dgpa_decision)
        .service(take_request)
        .service(deliver_request)
        .service(record_destruction)
        .service(acknowledge_request)
        .service(hold_request)
        .service(resume_request)
        .service(rerate_request)
        .service(assign_request)
        .service(mark_personal);
}
