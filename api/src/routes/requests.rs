//! Requests: create, read, edit, check, and every lifecycle transition (rule 5).
//! Each transition loads the request, lets the domain decide, and stores the
//! outcome guarded by the version the decision was made on.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use statreq_contract::{
    CheckResponse, DeliverBody, DestructionBody, DestructionDueView, DestructionView, DgpaDecisionBody, EventView, MessageView, Page,
    PostMessageBody, RequestView, RevisionView, SimilarRequest, SimilarRequests, SupervisorDecisionBody, TakeBody, UserRef, WithdrawBody,
};
use statreq_domain::eligibility::{self, EligibilityContext};
use statreq_domain::lifecycle::{self, available_actions, can_view};
use statreq_domain::{AgencyChain, Application, ApplicationPatch, Command, RequestFacts, Role, State, Text, UserId};
use statreq_store::{ListFilter, RequestRow, Store, StoreResult, UserRow};
use utoipa::IntoParams;

use super::{check_version, db, etag, if_match, page_limit, parse_cursor, parse_json, ErrorResponses};
use crate::agencies::AgencyTree;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::AppState;

/// A request with everything needed to judge and show it.
pub(crate) struct Loaded {
    pub(crate) row: RequestRow,
    chain: AgencyChain,
    agency_name: String,
    users: HashMap<i64, UserRow>,
}

impl Loaded {
    pub(crate) fn application(&self) -> Result<Application, ApiError> {
        serde_json::from_value(self.row.application.clone()).map_err(|e| {
            tracing::error!(request = self.row.id, error = %e, "stored application does not parse");
            ApiError::internal()
        })
    }
}

fn referenced_users(row: &RequestRow) -> Vec<i64> {
    let mut ids = vec![row.created_by];
    ids.extend(row.assignee);
    if let Some(by) = row.destruction.as_ref().and_then(|d| d.get("recorded_by")).and_then(|v| v.as_i64()) {
        ids.push(by);
    }
    ids
}

fn load_users(s: &Store, ids: impl IntoIterator<Item = i64>, into: &mut HashMap<i64, UserRow>) -> StoreResult<()> {
    let mut missing: Vec<i64> = ids.into_iter().filter(|id| !into.contains_key(id)).collect();
    missing.sort_unstable();
    missing.dedup();
    if !missing.is_empty() {
        for u in s.get_users(&missing)? {
            into.insert(u.id, u);
        }
    }
    Ok(())
}

fn chain_of(tree: &AgencyTree, code: &str) -> Result<(AgencyChain, String), ApiError> {
    tree.chain(code).ok_or_else(|| {
        tracing::error!(agency = code, "agency missing from the tree");
        ApiError::internal()
    })
}

/// Loads a request the caller may see; others get 404, never the data.
pub(crate) async fn load_for(state: &AppState, who: &Principal, id: i64) -> Result<Loaded, ApiError> {
    load(state, who, id).await
}

async fn load(state: &AppState, who: &Principal, id: i64) -> Result<Loaded, ApiError> {
    let tree = state.agencies.tree(state).await?;
    let mut users = HashMap::new();
    users.insert(who.user.id, who.user.clone());
    let (row, users) = db(state, move |s| {
        let row = s.get_request(id)?;
        load_users(s, referenced_users(&row), &mut users)?;
        Ok((row, users))
    })
    .await?;
    let (chain, agency_name) = chain_of(&tree, &row.agency_code)?;
    let loaded = Loaded { row, chain, agency_name, users };
    if can_view(&who.actor, &loaded.chain, loaded.row.revision as u32) {
        Ok(loaded)
    } else {
        Err(ApiError::not_found())
    }
}

pub fn user_ref_of(users: &HashMap<i64, UserRow>, id: i64) -> UserRef {
    user_ref(users, id)
}

fn user_ref(users: &HashMap<i64, UserRow>, id: i64) -> UserRef {
    match users.get(&id) {
        Some(u) => UserRef { id, display_name: u.display_name.clone(), agency_code: u.agency_code.clone() },
        None => UserRef { id, display_name: String::new(), agency_code: String::new() },
    }
}

fn view(who: &Principal, l: &Loaded) -> Result<RequestView, ApiError> {
    let app = l.application()?;
    let r = &l.row;
    let facts = RequestFacts {
        state: r.state,
        chain: &l.chain,
        created_by: UserId(r.created_by),
        application: &app,
        revisions: r.revision as u32,
        delivered_at: r.delivered_at,
        overdue_destructions: &[],
        has_sample_attachment: false,
        // Authorisation only: no eligibility is checked here.
        dictionary: statreq_domain::dictionary::Dictionary::builtin(),
        open_inquiries: &[],
    };
    let allowed_actions = available_actions(&facts, &who.actor);
    let destroy_by = lifecycle::destroy_by(&app, r.delivered_at);
    let destruction_overdue = lifecycle::destruction_overdue(r.state, &app, r.delivered_at, Utc::now());
    let destruction = match &r.destruction {
        Some(d) => Some(DestructionView {
            destroyed_on: serde_json::from_value(d["destroyed_on"].clone()).map_err(|_| ApiError::internal())?,
            method: d["method"].as_str().unwrap_or_default().to_string(),
            recorded_by: user_ref(&l.users, d["recorded_by"].as_i64().unwrap_or_default()),
            recorded_at: serde_json::from_value(d["recorded_at"].clone()).map_err(|_| ApiError::internal())?,
        }),
        None => None,
    };
    Ok(RequestView {
        external_ref: r.external_ref.clone(),
        id: r.id,
        state: r.state,
        state_label: r.state.label(),
        version: r.version,
        agency_code: r.agency_code.clone(),
        agency_name: l.agency_name.clone(),
        created_by: user_ref(&l.users, r.created_by),
        application: app,
        revision: r.revision,
        difficulty: r.difficulty,
        assignee: r.assignee.map(|a| user_ref(&l.users, a)),
        reply: r.reply.clone(),
        destruction,
        destroy_by,
        destruction_overdue,
        allowed_actions,
        created_at: r.created_at,
        updated_at: r.updated_at,
        submitted_at: r.submitted_at,
        dgpa_received_at: r.dgpa_received_at,
        delivered_at: r.delivered_at,
    })
}

fn respond(status: StatusCode, who: &Principal, l: &Loaded) -> Result<HttpResponse, ApiError> {
    let v = view(who, l)?;
    let mut res = HttpResponse::build(status);
    res.insert_header(etag(v.version));
    if status == StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/api/v1/requests/{}", v.id)));
    }
    Ok(res.json(v))
}

/// Reloads after a write, keeping the agency data already known.
async fn reloaded(state: &AppState, before: Loaded, row: RequestRow) -> Result<Loaded, ApiError> {
    let mut users = before.users;
    let ids = referenced_users(&row);
    let users = db(state, move |s| {
        load_users(s, ids, &mut users)?;
        Ok(users)
    })
    .await?;
    Ok(Loaded { row, chain: before.chain, agency_name: before.agency_name, users })
}

fn shape_check(app: &Application) -> Result<(), ApiError> {
    let errors = app.shape_errors();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::findings(
            "invalid_application",
            Text::new("申請內容超過長度或數量限制，未儲存。", "The application exceeds a length or count limit; nothing was saved."),
            &errors,
        ))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CreateQuery {
    /// The creating system's own reference (1–100 visible characters), unique per
    /// system: a second request with the same reference is refused with 409.
    pub external_ref: Option<String>,
}

const MAX_EXTERNAL_REF: usize = 100;

/// The namespace of a caller's external references: the issuer of its tokens
/// (WebHR) or, for statreq's own accounts, the account.
fn external_system(who: &Principal) -> String {
    who.user.issuer.clone().unwrap_or_else(|| format!("account:{}", who.user.id))
}

fn check_external_ref(raw: &str) -> Result<(), ApiError> {
    let ok = !raw.is_empty() && raw.chars().count() <= MAX_EXTERNAL_REF && !raw.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "invalid_external_ref",
            "/external_ref",
            format!("外部參考號須為 1 至 {MAX_EXTERNAL_REF} 個字元，不含空白。"),
            format!("external_ref must be 1 to {MAX_EXTERNAL_REF} characters without spaces."),
        ))
    }
}

/// Create a draft application for the caller's own agency (applicant). A system
/// may attach its own reference (`?external_ref=`) and make retries safe with an
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(CreateQuery, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response instead of creating again")),
    request_body = Application,
    responses((status = 201, description = "The new draft; `ETag` carries its version", body = RequestView), ErrorResponses)
)]
#[post("/requests")]
pub async fn create_request(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    q: web::Query<CreateQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = super::idempotency::fingerprint(&req, &body);
    super::idempotency::once(&state, &who, &req, fingerprint, || async {
        let app: Application = parse_json(&req, &body)?;
        who.require(Role::Applicant)?;
        shape_check(&app)?;
        if let Some(r) = &q.external_ref {
            check_external_ref(r)?;
        }
        let json = serde_json::to_value(&app).map_err(|_| ApiError::internal())?;
        let agency = who.user.agency_code.clone();
        let user = who.user.id;
        let external = q.external_ref.clone().map(|r| (external_system(&who), r));
        let created = db(&state, move |s| {
            match s.create_request_with_ref(&agency, user, &json, external.as_ref().map(|(a, b)| (a.as_str(), b.as_str())), Utc::now()) {
                Err(statreq_store::StoreError::Duplicate(_)) => {
                    let (system, reference) = external.clone().unwrap_or_default();
                    let filter = ListFilter {
                        all_submitted: true,
                        own_agency: Some(agency.clone()),
                        external: Some((system, reference)),
                        limit: 1,
                        ..Default::default()
                    };
                    Ok(Err(s.list_requests(&filter)?.first().map(|r| r.id)))
                }
                other => other.map(Ok),
            }
        })
        .await?;
        let row = match created {
            Ok(row) => row,
            Err(existing) => {
                let reference = q.external_ref.clone().unwrap_or_default();
                let mut e = ApiError::new(
                    StatusCode::CONFLICT,
                    "external_ref_taken",
                    format!("外部參考號「{reference}」已用於案件 #{}。", existing.unwrap_or_default()),
                    format!("external_ref '{reference}' is already used by request #{}.", existing.unwrap_or_default()),
                );
                e.errors.push(statreq_contract::ProblemError {
                    pointer: "/external_ref".into(),
                    code: "external_ref_taken".into(),
                    detail: format!("/api/v1/requests/{}", existing.unwrap_or_default()),
                    message: None,
                    severity: None,
                });
                return Err(e);
            }
        };
        tracing::info!(request = row.id, actor = user, "request created");
        state.wake.notify_one();
        let loaded = load(&state, &who, row.id).await?;
        respond(StatusCode::CREATED, &who, &loaded)
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only requests in this state.
    pub state: Option<State>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Only the request the caller's system created with this reference.
    pub external_ref: Option<String>,
}

/// Requests the caller may see, newest first: its own agency's in every state, and
/// once submitted, those of agencies it supervises (supervisor) or all (DGPA).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Page<RequestView>), ErrorResponses))]
#[get("/requests")]
pub async fn list_requests(state: web::Data<AppState>, who: Principal, q: web::Query<ListQuery>) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(q.limit)?;
    let before = parse_cursor(q.cursor.as_deref())?;
    let tree = state.agencies.tree(&state).await?;
    let actor = &who.actor;
    let supervised = if actor.roles.has(Role::Supervisor) { tree.supervised_by(&actor.agency) } else { Vec::new() };
    let own = (actor.roles.has(Role::Applicant) || actor.roles.has(Role::Supervisor)).then(|| actor.agency.to_string());
    let filter = ListFilter {
        own_agency: own,
        supervised,
        all_submitted: actor.roles.is_dgpa(),
        state: q.state,
        before,
        external: q.external_ref.clone().map(|r| (external_system(&who), r)),
        limit: limit + 1,
    };
    let (rows, users) = db(&state, move |s| {
        let rows = s.list_requests(&filter)?;
        let mut users = HashMap::new();
        load_users(s, rows.iter().flat_map(referenced_users), &mut users)?;
        Ok((rows, users))
    })
    .await?;
    let mut loaded = Vec::new();
    for row in rows {
        let (chain, agency_name) = chain_of(&tree, &row.agency_code)?;
        loaded.push(Loaded { row, chain, agency_name, users: HashMap::new() });
    }
    let mut items = Vec::new();
    for mut l in loaded {
        if !can_view(&who.actor, &l.chain, l.row.revision as u32) {
            continue; // the query already filters; this is the domain's word on it
        }
        for id in referenced_users(&l.row) {
            if let Some(u) = users.get(&id) {
                l.users.insert(id, u.clone());
            }
        }
        items.push(view(&who, &l)?);
    }
    Ok(HttpResponse::Ok().json(super::page_of(items, limit, |r| r.id)))
}

/// One request, with the actions the caller may take on it; `ETag` carries its version.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = RequestView), ErrorResponses))]
#[get("/requests/{id}")]
pub async fn get_request(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let loaded = load(&state, &who, path.into_inner()).await?;
    respond(StatusCode::OK, &who, &loaded)
}

/// Edit a draft or returned application (applicant's office). Each section given
/// replaces that section. `If-Match` is required: edits never overwrite each other.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "The ETag you last saw")),
    request_body = ApplicationPatch,
    responses((status = 200, body = RequestView), ErrorResponses)
)]
#[patch("/requests/{id}")]
pub async fn update_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let patch: ApplicationPatch = parse_json(&req, &body)?;
    let expected = if_match(&req)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "請附上 If-Match 標頭（案件的 ETag），以免覆蓋他人的修改。",
            "Send If-Match with the request's ETag so that edits never overwrite each other.",
        )
    })?;
    let loaded = load(&state, &who, path.into_inner()).await?;
    check_version(Some(expected), loaded.row.version)?;
    let mut app = loaded.application()?;
    let facts = RequestFacts {
        state: loaded.row.state,
        chain: &loaded.chain,
        created_by: UserId(loaded.row.created_by),
        application: &app,
        revisions: loaded.row.revision as u32,
        delivered_at: loaded.row.delivered_at,
        overdue_destructions: &[],
        has_sample_attachment: false,
        // Authorisation only: no eligibility is checked here.
        dictionary: statreq_domain::dictionary::Dictionary::builtin(),
        open_inquiries: &[],
    };
    lifecycle::decide(&facts, &who.actor, Command::Edit, Utc::now())?;
    patch.apply(&mut app);
    shape_check(&app)?;
    let json = serde_json::to_value(&app).map_err(|_| ApiError::internal())?;
    let (id, version, actor) = (loaded.row.id, loaded.row.version, who.user.id);
    let row = db(&state, move |s| s.update_application(id, version, &json, actor, Utc::now())).await?;
    let loaded = reloaded(&state, loaded, row).await?;
    respond(StatusCode::OK, &who, &loaded)
}

/// Every eligibility finding for the application as it stands (rules 3, 4, 5.1, 5.3).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CheckResponse), ErrorResponses))]
#[post("/requests/{id}/check")]
pub async fn check_request(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let loaded = load(&state, &who, path.into_inner()).await?;
    let id = loaded.row.id;
    let overdue = overdue_destructions(&state, &loaded.row.agency_code).await?;
    let has_sample_attachment = has_attachments(&state, id).await?;
    let open_inquiries = db(&state, move |s| s.open_inquiries_of(id)).await?;
    let dictionary = crate::reference::dictionary(&state).await?;
    let catalog = crate::reference::catalog(&state).await?;
    let ctx = EligibilityContext {
        dictionary: &dictionary,
        open_inquiries: &open_inquiries,
        has_supervisor: loaded.chain.has_supervisor(),
        overdue_destructions: &overdue,
        has_sample_attachment,
    };
    let app = loaded.application()?;
    let mut findings = eligibility::check(&app, ctx);
    findings.extend(statreq_domain::catalog::covering_finding(&app, &catalog));
    let similar = similar_requests(&state, &who, &app, id).await?;
    Ok(HttpResponse::Ok().json(CheckResponse { blocking: eligibility::blocks(&findings), findings, similar }))
}

/// How many similar requests a check lists, and how alike they must be.
const SIMILAR_SHOWN: usize = 10;
const SIMILAR_MIN_PERCENT: u8 = 30;

/// Earlier delivered requests like this one: those the caller may see, and a count
/// of the others (other agencies' requests are not disclosed).
async fn similar_requests(state: &AppState, who: &Principal, app: &Application, id: i64) -> Result<SimilarRequests, ApiError> {
    let profiles = crate::reference::delivered_profiles(state).await?;
    let matches = statreq_domain::similar::rank(&app.requirement, id, &profiles, SIMILAR_MIN_PERCENT, usize::MAX);
    let tree = state.agencies.tree(state).await?;
    let agency_of: HashMap<i64, &str> = profiles.iter().map(|p| (p.request_id, p.agency.as_str())).collect();
    let mut out = SimilarRequests::default();
    for m in matches {
        let agency = agency_of.get(&m.request_id).copied().unwrap_or_default();
        let visible = tree.chain(agency).is_some_and(|(chain, _)| can_view(&who.actor, &chain, 1));
        if !visible {
            out.other_count += 1;
        } else if out.visible.len() < SIMILAR_SHOWN {
            out.visible.push(SimilarRequest {
                request_id: m.request_id,
                agency_code: agency.to_string(),
                percent: m.percent,
                shared_fields: m.shared_fields,
            });
        }
    }
    Ok(out)
}

async fn has_attachments(state: &AppState, id: i64) -> Result<bool, ApiError> {
    Ok(!db(state, move |s| s.list_attachments(id)).await?.is_empty())
}

/// Delivered personal-data requests an agency has not destroyed in time (rule 6).
async fn overdue_destructions(state: &AppState, agency: &str) -> Result<Vec<statreq_domain::RequestId>, ApiError> {
    let filter = ListFilter { own_agency: Some(agency.to_string()), state: Some(State::Delivered), limit: 10_000, ..Default::default() };
    let rows = db(state, move |s| s.list_requests(&filter)).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .filter(|r| {
            serde_json::from_value::<Application>(r.application.clone())
                .is_ok_and(|app| lifecycle::destruction_overdue(r.state, &app, r.delivered_at, now))
        })
        .map(|r| statreq_domain::RequestId(r.id))
        .collect())
}

/// Personal data delivered and awaiting destruction: the office's own (its
/// reminders), or every agency's for DGPA (the overdue list). Soonest first.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), responses((status = 200, body = Vec<DestructionDueView>), ErrorResponses))]
#[get("/destructions")]
pub async fn list_destructions(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    let dgpa = who.actor.roles.is_dgpa();
    if !dgpa && !who.has(Role::Applicant) {
        return Err(ApiError::forbidden_role(Role::Applicant.as_str()));
    }
    let filter = ListFilter {
        own_agency: (!dgpa).then(|| who.user.agency_code.clone()),
        all_submitted: dgpa,
        state: Some(State::Delivered),
        limit: 100_000,
        ..Default::default()
    };
    let rows = db(&state, move |s| s.list_requests(&filter)).await?;
    let tree = state.agencies.tree(&state).await?;
    let now = Utc::now();
    let today = lifecycle::taiwan_date(now);
    let mut out: Vec<DestructionDueView> = rows
        .into_iter()
        .filter_map(|r| {
            let app: Application = serde_json::from_value(r.application.clone()).ok()?;
            let destroy_by = lifecycle::destroy_by(&app, r.delivered_at)?;
            Some(DestructionDueView {
                request_id: r.id,
                agency_name: tree.get(&r.agency_code).map(|a| a.name.clone()).unwrap_or_default(),
                agency_code: r.agency_code,
                delivered_at: r.delivered_at?,
                destroy_by,
                overdue: today > destroy_by,
                days_left: (destroy_by - today).num_days(),
            })
        })
        .collect();
    out.sort_by_key(|d| (d.destroy_by, d.request_id));
    Ok(HttpResponse::Ok().json(out))
}

/// Loads, lets the domain decide, stores the outcome at the version decided on.
async fn transition(state: &AppState, who: &Principal, id: i64, req: &HttpRequest, command: Command) -> Result<HttpResponse, ApiError> {
    let expected = if_match(req)?;
    let loaded = load(state, who, id).await?;
    check_version(expected, loaded.row.version)?;
    let app = loaded.application()?;
    let submitting = matches!(command, Command::Submit);
    let overdue = if submitting { overdue_destructions(state, &loaded.row.agency_code).await? } else { Vec::new() };
    let has_sample_attachment = submitting && has_attachments(state, id).await?;
    let open_inquiries = if submitting { db(state, move |s| s.open_inquiries_of(id)).await? } else { Vec::new() };
    let dictionary = crate::reference::dictionary(state).await?;
    let facts = RequestFacts {
        dictionary: &dictionary,
        open_inquiries: &open_inquiries,
        state: loaded.row.state,
        chain: &loaded.chain,
        created_by: UserId(loaded.row.created_by),
        application: &app,
        revisions: loaded.row.revision as u32,
        delivered_at: loaded.row.delivered_at,
        overdue_destructions: &overdue,
        has_sample_attachment,
    };
    let now = Utc::now();
    let outcome = lifecycle::decide(&facts, &who.actor, command, now)?;
    let (version, from, actor) = (loaded.row.version, loaded.row.state, who.user.id);
    let event = outcome.event;
    let audit = super::deliveries::audit_ctx(who, req);
    let row = db(state, move |s| s.apply_transition(id, version, from, &outcome, actor, &audit, now)).await?;
    state.queue.invalidate();
    state.wake.notify_one();
    if event == statreq_domain::EventKind::DestructionRecorded {
        // The keys are gone (crypto-shredded in the transaction); now the bodies.
        let files = db(state, move |s| s.list_deliveries(id)).await.unwrap_or_default();
        for f in files {
            let _ = std::fs::remove_file(super::deliveries::files_dir(state).join(format!("{}.enc", f.storage_key)));
        }
    }
    tracing::info!(request = id, actor, event = event.as_str(), to = row.state.as_str(), "transition");
    let loaded = reloaded(state, loaded, row).await?;
    respond(StatusCode::OK, who, &loaded)
}

/// Submit the application to the supervising agency (applicant's office). Freezes a
/// numbered revision. Refused with 422 and every blocking finding when incomplete.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/submit")]
pub async fn submit_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(&state, &who, path.into_inner(), &req, Command::Submit).await
}

/// Withdraw the request (applicant's office): from draft, returned, pending or queued.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body(content = Option<WithdrawBody>, description = "Optional"), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/withdraw")]
pub async fn withdraw_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: WithdrawBody = parse_json(&req, &body)?;
    transition(&state, &who, path.into_inner(), &req, Command::Withdraw { reason: b.reason }).await
}

/// The supervising agency's decision (rule 5.1): approve, return (with comment) or reject (with comment).
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = SupervisorDecisionBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/supervisor-decision")]
pub async fn supervisor_decision(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: SupervisorDecisionBody = parse_json(&req, &body)?;
    transition(&state, &who, path.into_inner(), &req, Command::SupervisorDecision { decision: b.decision, comment: b.comment }).await
}

/// DGPA's review: accept with a difficulty of 1–5 (rule 5.3), return or reject (with comment).
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = DgpaDecisionBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/dgpa-decision")]
pub async fn dgpa_decision(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: DgpaDecisionBody = parse_json(&req, &body)?;
    transition(
        &state,
        &who,
        path.into_inner(),
        &req,
        Command::DgpaDecision { decision: b.decision, difficulty: b.difficulty, comment: b.comment },
    )
    .await
}

/// A DGPA officer takes queued work into production for themself or a named
/// officer. Taking anything but the head of the queue needs a `skip_reason`, which
/// is recorded with the requests passed over (rule 5.3).
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body(content = Option<TakeBody>, description = "Optional"), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/take")]
pub async fn take_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: TakeBody = parse_json(&req, &body)?;
    let id = path.into_inner();
    let assignee = match b.assignee {
        None => who.user.id,
        Some(uid) => {
            let user = db(&state, move |s| s.get_users(&[uid])).await?.into_iter().next();
            let ok = user.as_ref().is_some_and(|u| u.active && statreq_domain::RoleSet::from_joined(&u.roles).has(Role::DgpaOfficer));
            if !ok {
                return Err(ApiError::invalid(
                    "invalid_assignee",
                    "/assignee",
                    "指派對象須為在職的人事總處承辦人。",
                    "The assignee must be an active DGPA officer.",
                ));
            }
            uid
        }
    };
    let snap = super::queue::snapshot(&state, Utc::now()).await?;
    let passed_over = statreq_domain::queue::passed_over(&snap.order, statreq_domain::RequestId(id));
    // Not on the queue at all: the lifecycle refuses with the request's state.
    let passed_over = if passed_over.len() == snap.order.len() { Vec::new() } else { passed_over };
    let command = Command::Take { assignee: UserId(assignee), passed_over, skip_reason: b.skip_reason };
    transition(&state, &who, id, &req, command).await
}

/// Deliver the result with DGPA's reply.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response")), request_body = DeliverBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/deliver")]
pub async fn deliver_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = super::idempotency::fingerprint(&req, &body);
    super::idempotency::once(&state, &who, &req, fingerprint, || async {
        let b: DeliverBody = parse_json(&req, &body)?;
        let id = path.into_inner();
        let files = db(&state, move |s| s.list_deliveries(id)).await?;
        let unapproved = files.iter().filter(|f| f.personal && f.approved_by.is_none()).count();
        transition(&state, &who, id, &req, Command::Deliver { reply: b.reply, files: files.len(), unapproved }).await
    })
    .await
}

/// Record that delivered personal data was destroyed after use (rule 6); closes the request.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = DestructionBody, responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/destruction")]
pub async fn record_destruction(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: DestructionBody = parse_json(&req, &body)?;
    transition(&state, &who, path.into_inner(), &req, Command::RecordDestruction { destroyed_on: b.destroyed_on, method: b.method }).await
}

/// Acknowledge receipt of a delivery without personal data; closes the request.
#[utoipa::path(tag = "lifecycle", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), responses((status = 200, body = RequestView), ErrorResponses))]
#[post("/requests/{id}/acknowledge")]
pub async fn acknowledge_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(&state, &who, path.into_inner(), &req, Command::Acknowledge).await
}

/// The request's history: every transition with who, when and why.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = Vec<EventView>), ErrorResponses))]
#[get("/requests/{id}/events")]
pub async fn list_events(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let loaded = load(&state, &who, path.into_inner()).await?;
    let id = loaded.row.id;
    let (events, users) = db(&state, move |s| {
        let events = s.list_events(id)?;
        let mut users = HashMap::new();
        load_users(s, events.iter().map(|e| e.actor_id), &mut users)?;
        Ok((events, users))
    })
    .await?;
    let out: Vec<EventView> = events
        .into_iter()
        .map(|e| EventView {
            seq: e.seq,
            kind: e.kind,
            from_state: e.from_state,
            to_state: e.to_state,
            actor: user_ref(&users, e.actor_id),
            comment: e.comment,
            data: e.data,
            at: e.at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

/// Every frozen revision, each with what changed since the one before.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = Vec<RevisionView>), ErrorResponses))]
#[get("/requests/{id}/revisions")]
pub async fn list_revisions(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let loaded = load(&state, &who, path.into_inner()).await?;
    let id = loaded.row.id;
    let (revs, users) = db(&state, move |s| {
        let revs = s.list_revisions(id)?;
        let mut users = HashMap::new();
        load_users(s, revs.iter().map(|r| r.submitted_by), &mut users)?;
        Ok((revs, users))
    })
    .await?;
    let mut out = Vec::new();
    let mut previous: Option<serde_json::Value> = None;
    for r in revs {
        let changes = previous.as_ref().map(|p| statreq_domain::diff::changes(p, &r.application)).unwrap_or_default();
        let application = serde_json::from_value(r.application.clone()).map_err(|_| ApiError::internal())?;
        out.push(RevisionView {
            number: r.number,
            application,
            submitted_by: user_ref(&users, r.submitted_by),
            submitted_at: r.submitted_at,
            changes,
        });
        previous = Some(r.application);
    }
    Ok(HttpResponse::Ok().json(out))
}

/// The clarification thread between the applying office, its supervisor and DGPA.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = Vec<MessageView>), ErrorResponses))]
#[get("/requests/{id}/messages")]
pub async fn list_messages(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let loaded = load(&state, &who, path.into_inner()).await?;
    let id = loaded.row.id;
    let (msgs, users) = db(&state, move |s| {
        let msgs = s.list_messages(id)?;
        let mut users = HashMap::new();
        load_users(s, msgs.iter().map(|m| m.author_id), &mut users)?;
        Ok((msgs, users))
    })
    .await?;
    let out: Vec<MessageView> =
        msgs.into_iter().map(|m| MessageView { id: m.id, author: user_ref(&users, m.author_id), body: m.body, at: m.at }).collect();
    Ok(HttpResponse::Ok().json(out))
}

const MAX_MESSAGE: usize = 4_000;

/// Post to the clarification thread (anyone who may see the request).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response instead of posting again")), request_body = PostMessageBody, responses((status = 201, body = MessageView), ErrorResponses))]
#[post("/requests/{id}/messages")]
pub async fn post_message(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = super::idempotency::fingerprint(&req, &body);
    super::idempotency::once(&state, &who, &req, fingerprint, || post_message_once(&state, &who, path.into_inner(), &req, &body)).await
}

async fn post_message_once(state: &AppState, who: &Principal, id: i64, req: &HttpRequest, body: &[u8]) -> Result<HttpResponse, ApiError> {
    let b: PostMessageBody = parse_json(req, body)?;
    let text = b.body.trim().to_string();
    if text.is_empty() || text.chars().count() > MAX_MESSAGE {
        return Err(ApiError::invalid(
            "invalid_message",
            "/body",
            format!("訊息須為 1 至 {MAX_MESSAGE} 字。"),
            format!("A message must be 1 to {MAX_MESSAGE} characters."),
        ));
    }
    let loaded = load(state, who, id).await?;
    let (id, author) = (loaded.row.id, who.user.id);
    let m = db(state, move |s| s.post_message(id, author, &text, Utc::now())).await?;
    let mut users = HashMap::new();
    users.insert(who.user.id, who.user.clone());
    Ok(HttpResponse::Created().json(MessageView { id: m.id, author: user_ref(&users, m.author_id), body: m.body, at: m.at }))
}
