//! Requests: create, find (and export), read, edit, check, the history, revisions
//! and the clarification thread. The transitions of rule 5 are `routes::lifecycle`.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use statreq_contract::{
    CheckResponse, DestructionDueView, EventView, Page, PaperIntakeBody, RequestCounts, RequestView, RevisionView, StateCount,
};
use statreq_domain::eligibility::{self};
use statreq_domain::lifecycle::{self};
use statreq_domain::values::ExternalRef;
use statreq_domain::{AgencyCode, Application, ApplicationPatch, RequestId, Role, State, UserId};
use statreq_store::{ListFilter, ListSort};
use utoipa::IntoParams;

use crate::app::requests;
use crate::app::users::{self, user_ref};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, idempotency, page_limit, parse_cursor, parse_json, require_if_match, ErrorResponses};
use crate::AppState;

use crate::http::respond_request as respond;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CreateQuery {
    /// The creating system's own reference (1–100 visible characters), unique per
    /// system: a second request with the same reference is refused with 409.
    #[param(pattern = r"^[^\s\u0000-\u001f\u007f-\u009f\u202A-\u202E\u2066-\u2069]{1,100}$")]
    pub external_ref: Option<String>,
}

/// The namespace of a caller's external references: the issuer of its tokens
/// (WebHR) or, for statreq's own accounts, the account.
fn external_system(who: &Principal) -> String {
    who.user.issuer.clone().unwrap_or_else(|| format!("account:{}", who.user.id))
}

fn check_external_ref(raw: &str) -> Result<ExternalRef, InputError> {
    ExternalRef::parse(raw).map_err(|_| InputError::InvalidExternalRef { max: ExternalRef::MAX_CHARS })
}

/// Create a draft application for the caller's own agency (applicant). A system
/// may attach its own reference (`?external_ref=`) and make retries safe with an
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(CreateQuery, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response instead of creating again", min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")),
    request_body = Application,
    responses((status = 201, description = "The new draft; `ETag` carries its version", body = RequestView), ErrorResponses)
)]
#[post("/requests")]
pub async fn create_request(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    q: http::Query<CreateQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = idempotency::fingerprint(&req, &body);
    idempotency::once(&state, &who, &req, fingerprint, || async {
        let app: Application = parse_json(&req, &body)?;
        who.require(Role::Applicant)?;
        requests::shape_check(&app)?;
        if let Some(r) = &q.external_ref {
            check_external_ref(r)?;
        }
        let json = serde_json::to_value(&app).map_err(AppError::internal)?;
        let agency = who.user.agency_code.clone();
        let user = who.actor.user;
        let external = q.external_ref.clone().map(|r| (external_system(&who), r));
        let audit = http::audit(&who, &req);
        // Read before the create, so that after it nothing is left to fail (requests::fresh).
        let tree = state.agencies.tree(&state).await?;
        let created = db(&state, move |s| {
            let reference = external.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
            match s.create_request_with_ref(&agency, user, &json, reference, requests::MAX_DRAFTS_PER_USER, &audit, Utc::now()) {
                Err(statreq_store::StoreError::Duplicate(_)) => {
                    let (system, reference) = external.clone().unwrap_or_default();
                    let filter = ListFilter {
                        all_submitted: true,
                        own_agency: Some(agency.clone()),
                        external: Some((system, reference)),
                        limit: 1,
                        ..Default::default()
                    };
                    Ok(Err(s.list_requests(&filter)?.first().map(|r| r.id.0)))
                }
                other => other.map(Ok),
            }
        })
        .await
        .map_err(|e| match e {
            AppError::Store(statreq_store::StoreError::LimitReached) => {
                InputError::TooManyDrafts { max: requests::MAX_DRAFTS_PER_USER }.into()
            }
            e => ApiError::from(e),
        })?;
        let row = match created {
            Ok(row) => row,
            Err(existing) => {
                let reference = q.external_ref.clone().unwrap_or_default();
                return Err(InputError::ExternalRefTaken { reference, existing: existing.unwrap_or_default() }.into());
            }
        };
        tracing::info!(request = %row.id, actor = %user, "request created");
        state.wake.notify_one();
        let id = row.id;
        let loaded = match requests::fresh(&state, &who, &tree, row) {
            Some(loaded) => loaded,
            None => requests::load_for(&state, &who, id).await?,
        };
        respond(StatusCode::CREATED, &who, &loaded)
    })
    .await
}

/// Register an application that arrived on paper or by e-mail (a DGPA officer, rule
/// 5.2's fallback): the transcribed application, the applying agency and its
/// supervising agency's approval (document number and date). It goes straight to
/// DGPA's review as if submitted and approved online — complete, or refused with its
/// findings — and the agency sees it as its own. The scanned form is then attached
/// (`POST /requests/{id}/attachments`); another officer accepts it (separation of
/// duties). Takes `Idempotency-Key`.
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response instead of registering again", min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")),
    request_body = PaperIntakeBody,
    responses((status = 201, description = "Registered, awaiting DGPA's review", body = RequestView), ErrorResponses)
)]
#[post("/requests/paper")]
pub async fn register_paper(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = idempotency::fingerprint(&req, &body);
    idempotency::once(&state, &who, &req, fingerprint, || async {
        let b: PaperIntakeBody = parse_json(&req, &body)?;
        who.require(Role::DgpaOfficer)?;
        requests::shape_check(&b.application)?;
        let tree = state.agencies.tree(&state).await?;
        let unknown = || ApiError::from(InputError::InvalidAgencyCode { pointer: "/on_behalf_of".into() });
        let on_behalf_of = AgencyCode::parse(&b.on_behalf_of).map_err(|_| unknown())?;
        let Some((chain, _)) = tree.chain(&on_behalf_of) else {
            return Err(unknown());
        };
        let overdue = requests::overdue_destructions(&state, &on_behalf_of).await?;
        let dictionary = crate::app::reference::dictionary(&state).await?;
        let ctx = statreq_domain::eligibility::EligibilityContext {
            overdue_destructions: &overdue,
            ..statreq_domain::eligibility::EligibilityContext::new(&dictionary)
        };
        let mut outcome =
            lifecycle::register_from_paper(&who.actor, &chain, b.channel, &b.supervisor_approval, ctx, &b.application, Utc::now())?;
        // The approving agency by its name as it is today, kept with the record (rule 5.1).
        if let Some(code) = outcome.data["approved_by"].as_str().and_then(|c| AgencyCode::parse(c).ok()) {
            outcome.data["approved_by_name"] = tree.named(&code).name.into();
        }
        let json = serde_json::to_value(&b.application).map_err(AppError::internal)?;
        let (agency, user, channel, audit) = (on_behalf_of, who.actor.user, b.channel.as_str(), http::audit(&who, &req));
        let row = db(&state, move |s| s.register_paper_request(&agency, user, &json, channel, &outcome, &audit, Utc::now())).await?;
        tracing::info!(request = %row.id, actor = %user, agency = %row.agency_code, channel, "application registered from paper");
        state.queue.changed(row.id);
        state.wake.notify_one();
        let id = row.id;
        let loaded = match requests::fresh(&state, &who, &tree, row) {
            Some(loaded) => loaded,
            None => requests::load_for(&state, &who, id).await?,
        };
        respond(StatusCode::CREATED, &who, &loaded)
    })
    .await
}

/// Which requests a list, its export and its counts select (`state` may repeat); all
/// must hold.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RequestFilters {
    /// Only requests in these states; repeat for several (`state=queued&state=in_production`).
    #[serde(default)]
    #[param(style = Form, explode)]
    pub state: Option<Vec<State>>,
    /// Words the applicant wrote (reason, description, conditions), case-insensitive,
    /// at most 200 characters and not only spaces; a number alone (or `#12`) is a request number.
    #[param(
        max_length = 200,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub q: Option<String>,
    /// Only requests of this agency (its code) …
    #[param(pattern = r"^[A-Za-z0-9_-]{1,32}$")]
    pub agency: Option<String>,
    /// … and, with `subtree=true`, of every agency under it (only with `agency`:
    /// alone it is 422 `subtree_needs_agency`).
    pub subtree: Option<bool>,
    /// Only requests taken into production by this DGPA officer: `me` or a user id.
    #[param(pattern = r"^(me|[0-9]{1,18})$")]
    pub assignee: Option<String>,
    /// Submitted on or after this day (Taiwan time), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    #[serde(default, deserialize_with = "statreq_domain::day::deserialize_option")]
    pub submitted_from: Option<chrono::NaiveDate>,
    /// Submitted on or before this day (Taiwan time), `YYYY-MM-DD`; not before
    /// `submitted_from` (422 `invalid_range`).
    #[param(value_type = Option<String>, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    #[serde(default, deserialize_with = "statreq_domain::day::deserialize_option")]
    pub submitted_to: Option<chrono::NaiveDate>,
    /// Only requests that declare personal data (`true`) or do not (`false`).
    pub personal: Option<bool>,
    /// Only requests changed at or after this instant (RFC 3339, e.g.
    /// `2026-12-01T08:00:00Z`): with `sort=updated`, what a system missed during an
    /// outage, oldest change first.
    #[param(value_type = Option<String>, format = DateTime, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-")]
    #[serde(default, deserialize_with = "statreq_domain::day::deserialize_instant_option")]
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// `true`: only requests past their time — waiting with DGPA beyond the queue's
    /// maximum wait (its overdue band) or delivered personal data past its destroy-by
    /// day; `false`: only the others.
    pub overdue: Option<bool>,
    /// Only the request the caller's system created with this reference.
    pub external_ref: Option<String>,
}

/// A list's order and page (read apart from its [`RequestFilters`]).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListPage {
    /// The order: newest first (default); `updated`, `submitted`, or `priority` (DGPA's
    /// queue order first, then the rest newest first), each with `-` for descending.
    #[param(pattern = r"^-?(updated|submitted|priority)$")]
    pub sort: Option<String>,
    /// `next_cursor` of the previous page (of the same order), as it came: digits, or
    /// with `sort=updated` digits, a dot and digits (since 1.12.0).
    #[param(pattern = r"^([0-9]{1,18}|[0-9]{1,19}\.[0-9]{1,18})$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// The parameters [`ListPage`] reads.
const PAGE_PARAMS: [&str; 3] = ["sort", "cursor", "limit"];

/// The selection a list or export asks for, within what the caller may see, with its
/// page size and whether it is in the queue's order (descending or not).
async fn selection(state: &AppState, who: &Principal, req: &HttpRequest, max: i64) -> Result<(ListFilter, i64, Option<bool>), ApiError> {
    let (f, p, lists) = http::query_in_two::<RequestFilters, ListPage>(req, &["state"], &PAGE_PARAMS)?;
    let limit = match p.limit {
        Some(_) => page_limit(p.limit)?,
        None => page_limit(None)?.max(max),
    };
    // Newest first pages by id; by change, from the last one read (`{nanos}.{id}`); any
    // other order by position in it.
    let (sort, priority) = match p.sort.as_deref() {
        None => (ListSort::Newest, None),
        Some(raw) => match (raw.trim_start_matches('-'), raw.starts_with('-')) {
            ("updated", desc) => (ListSort::Updated { descending: desc }, None),
            ("submitted", desc) => (ListSort::Submitted { descending: desc }, None),
            ("priority", desc) => (ListSort::Newest, Some(desc)),
            _ => {
                return Err(InputError::parameter(
                    "sort",
                    "須為 updated、submitted 或 priority，前加「-」為由大而小",
                    "updated, submitted or priority, with `-` for descending",
                )
                .into())
            }
        },
    };
    let after_change = match (sort, p.cursor.as_deref()) {
        (ListSort::Updated { .. }, Some(c)) if c.contains('.') => Some(change_cursor(c)?),
        _ => None,
    };
    let cursor = if after_change.is_some() { None } else { parse_cursor(p.cursor.as_deref())? };
    let (before, offset) = if sort == ListSort::Newest && priority.is_none() { (cursor, 0) } else { (None, cursor.unwrap_or(0)) };
    let filter = ListFilter {
        before: before.map(RequestId),
        sort,
        after_change,
        // The queue's order is applied here, after the query: all matches, then a page.
        offset: if priority.is_some() { 0 } else { offset },
        limit: if priority.is_some() { MAX_EXPORT } else { limit + 1 },
        ..filtered(state, who, &f, &lists).await?
    };
    Ok((filter, limit, priority))
}

/// What `q` selects of the requests the caller may see (no order, page or limit).
async fn filtered(state: &AppState, who: &Principal, q: &RequestFilters, lists: &http::Repeated) -> Result<ListFilter, ApiError> {
    let tree = state.agencies.tree(state).await?;
    let ListFilter { own_agency: own, supervised, all_submitted, .. } = visible(&tree, who);
    let states = lists
        .get("state")
        .into_iter()
        .flatten()
        .map(|s| State::parse(s).ok_or_else(|| ApiError::from(InputError::UnknownState { given: s.chars().take(40).collect() })))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(text) = &q.q {
        if text.trim().is_empty() || text.chars().count() > 200 {
            return Err(InputError::search_words("q", 200).into());
        }
    }
    if q.agency.as_deref().is_some_and(|c| !http::well_formed_agency_param(c)) {
        return Err(InputError::agency_parameter().into());
    }
    let agencies = match &q.agency {
        None if q.subtree.is_some() => return Err(InputError::SubtreeNeedsAgency.into()),
        None => None,
        // A code in any case names its agency (codes are upper case), as in `GET
        // /agencies/{code}`: `npa` is NPA, not an agency that finds nothing.
        Some(raw) => match AgencyCode::parse(raw).ok().filter(|c| tree.get(c).is_some()) {
            None => Some(Vec::new()),
            Some(code) if q.subtree == Some(true) => Some(tree.subtree(&code)),
            Some(code) => Some(vec![code]),
        },
    };
    let assignee = assignee(who, q.assignee.as_deref())?;
    // Days are Taiwan's (UTC+8): a day starts at 16:00 UTC the day before.
    let day_start = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc() - chrono::Duration::hours(8));
    if statreq_domain::stats::Period::new(q.submitted_from, q.submitted_to).is_none() {
        return Err(InputError::InvalidRange { from: "submitted_from", to: "submitted_to", max_days: None }.into());
    }
    let (ids, exclude_ids) = match q.overdue {
        None => (None, Vec::new()),
        Some(true) => (Some(requests::overdue_ids(state).await?), Vec::new()),
        Some(false) => (None, requests::overdue_ids(state).await?),
    };
    Ok(ListFilter {
        ids,
        exclude_ids,
        own_agency: own,
        supervised,
        all_submitted,
        states,
        text: q.q.clone(),
        agencies,
        assignee,
        submitted_from: q.submitted_from.and_then(day_start),
        submitted_before: q.submitted_to.and_then(|d| d.succ_opt()).and_then(day_start),
        updated_since: q.updated_since,
        personal: q.personal,
        external: q.external_ref.clone().map(|r| (external_system(who), r)),
        ..Default::default()
    })
}

/// `assignee=me` or `assignee=<user id>`.
fn assignee(who: &Principal, raw: Option<&str>) -> Result<Option<UserId>, ApiError> {
    Ok(match raw {
        None => None,
        Some("me") => Some(who.actor.user),
        Some(raw) => {
            Some(UserId(raw.parse::<i64>().map_err(|_| InputError::parameter("assignee", "須為 me 或使用者編號", "`me` or a user id"))?))
        }
    })
}

/// What the caller may list (the query's side of `lifecycle::can_view`): its own
/// agency's requests, and once submitted, those it supervises (or all, DGPA).
fn visible(tree: &crate::app::agencies::AgencyTree, who: &Principal) -> ListFilter {
    let actor = &who.actor;
    ListFilter {
        supervised: if actor.roles.has(Role::Supervisor) { tree.supervised_by(&actor.agency) } else { Vec::new() },
        own_agency: (actor.roles.has(Role::Applicant) || actor.roles.has(Role::Supervisor)).then(|| actor.agency.clone()),
        all_submitted: actor.roles.is_dgpa(),
        ..Default::default()
    }
}

/// How many requests the list with these filters holds, state by state.
/// The filters are `GET /requests`' (`state` narrows to some states; the others count
/// none); the order and pages are the list's alone. The home screen's choice of state
/// says how many each holds; a search says how many it found.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(RequestFilters), responses((status = 200, body = RequestCounts), ErrorResponses))]
#[get("/requests/counts")]
pub async fn count_requests(state: web::Data<AppState>, who: Principal, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let (q, lists) = http::query_with_lists::<RequestFilters>(&req, &["state"])?;
    let filter = filtered(&state, &who, &q, &lists).await?;
    let tree = state.agencies.tree(&state).await?;
    let counts = db(&state, move |s| s.count_requests(&filter)).await?;
    let mut by_state: Vec<StateCount> = State::ALL.iter().map(|&state| StateCount { state, count: 0 }).collect();
    for c in counts {
        let (chain, _) = tree.chain_of(&c.agency_code)?;
        if statreq_domain::lifecycle::can_view(&who.actor, &chain, c.revision.max(0) as u32) {
            if let Some(slot) = by_state.iter_mut().find(|s| s.state == c.state) {
                slot.count += c.count;
            }
        }
    }
    let total = by_state.iter().map(|s| s.count).sum();
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(RequestCounts { by_state, total }))
}

/// A page of `sort=updated` ends at a request: its change time (nanoseconds since 1970,
/// as stored) and id, `1733389502123456789.42`. The next page starts after it, so that
/// requests changing while the pages are read shift none past the reader.
fn change_cursor(raw: &str) -> Result<(chrono::DateTime<Utc>, RequestId), ApiError> {
    let digits = |p: &str| !p.is_empty() && p.len() <= 19 && p.bytes().all(|b| b.is_ascii_digit());
    let parsed = raw
        .split_once('.')
        .filter(|(a, b)| digits(a) && digits(b))
        .and_then(|(at, id)| Some((chrono::DateTime::from_timestamp_nanos(at.parse::<i64>().ok()?), RequestId(id.parse::<i64>().ok()?))));
    parsed.ok_or_else(|| InputError::InvalidCursor.into())
}

/// The cursor of a `sort=updated` page that ended at `last` ([`change_cursor`]).
fn next_change_cursor(last: &RequestView) -> Option<String> {
    Some(format!("{}.{}", last.updated_at.timestamp_nanos_opt()?, last.id))
}

/// Requests the caller may see, newest first: its own agency's in every state, and
/// once submitted, those of agencies it supervises (supervisor) or all (DGPA) —
/// narrowed by any of the filters, which combine (all must hold).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(RequestFilters, ListPage), responses((status = 200, body = Page<RequestView>), ErrorResponses))]
#[get("/requests")]
pub async fn list_requests(state: web::Data<AppState>, who: Principal, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let (filter, limit, priority) = selection(&state, &who, &req, 0).await?;
    let by_change = matches!(filter.sort, ListSort::Updated { .. });
    let offset = if filter.after_change.is_some() { 0 } else { parse_cursor(http::query_value(&req, "cursor").as_deref())?.unwrap_or(0) };
    let by_position = filter.sort != ListSort::Newest || priority.is_some();
    let mut loaded = requests::load_list(&state, &who, filter).await?;
    if let Some(descending) = priority {
        let snapshot = crate::app::queue::viewed_snapshot(&state).await?;
        let position: std::collections::HashMap<RequestId, usize> = snapshot.order.iter().map(|r| (r.id, r.position)).collect();
        // Queued work in the queue's order (or its reverse), then the rest newest first.
        loaded.sort_by_key(|l| {
            let p = position.get(&l.row.id).copied();
            (p.is_none(), p.map(|p| if descending { usize::MAX - p } else { p }), std::cmp::Reverse(l.row.id))
        });
        loaded = loaded.into_iter().skip(offset.max(0) as usize).take(limit as usize + 1).collect();
    }
    let items = loaded.iter().map(|l| requests::view(&who, l)).collect::<Result<Vec<_>, _>>()?;
    if !by_position {
        return Ok(HttpResponse::Ok().json(http::page_of(items, limit, |r| r.id)));
    }
    let mut page = http::page_of(items, limit, |r| r.id);
    page.next_cursor = match (page.next_cursor.take(), by_change) {
        (None, _) => None,
        (Some(_), true) => page.items.last().and_then(next_change_cursor),
        (Some(_), false) => Some((offset + limit).to_string()),
    };
    Ok(HttpResponse::Ok().json(page))
}

/// The most rows one export holds; narrow the filters for more.
const MAX_EXPORT: i64 = statreq_contract::MAX_REQUEST_EXPORT;

/// The same selection as `GET /requests`, as CSV. The same filters, `limit` up to 200
/// per page or every match up to 10,000 without it; UTF-8 with a byte-order mark so
/// that Excel opens the Chinese text. Dates are Taiwan's. The codes (`state`, `output`)
/// are followed, in the last columns, by the same in words (`state_label`,
/// `output_label`, zh-TW, since 1.20.0; `state_label_en`, `output_label_en`, since 1.22.0).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(RequestFilters, ListPage),
    responses((status = 200, content_type = "text/csv", body = String, description = "id, agency, state, …, state_label, output_label, state_label_en, output_label_en"), ErrorResponses)
)]
#[get("/requests.csv")]
pub async fn export_requests(state: web::Data<AppState>, who: Principal, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let (filter, limit, _) = selection(&state, &who, &req, MAX_EXPORT).await?;
    let loaded = requests::load_list(&state, &who, filter).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = [
        "request_id",
        "agency_code",
        "agency_name",
        "state",
        "personal_data",
        "output",
        "reason",
        "created_by",
        "assignee",
        "submitted_on",
        "delivered_on",
        "updated_at",
        // Since 1.20.0: the same in words (zh-TW), for the person who opens it in Excel.
        "state_label",
        "output_label",
        // Since 1.22.0: the same in English, for the English-speaking reader.
        "state_label_en",
        "output_label_en",
    ];
    out.write_record(header).map_err(AppError::internal)?;
    let day = |t: Option<chrono::DateTime<Utc>>| t.map(|t| lifecycle::taiwan_date(t).to_string()).unwrap_or_default();
    for l in loaded.iter().take(limit as usize) {
        let app = &l.row.application;
        let name = |id: UserId| l.users.get(&id).map(|u| http::csv_safe(&u.display_name)).unwrap_or_default();
        let output = match app.requirement.output {
            Some(statreq_domain::OutputKind::Statistics) => "statistics",
            Some(statreq_domain::OutputKind::Detail) => "detail",
            None => "",
        };
        let personal = match app.personal_data.contains {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        out.write_record([
            l.row.id.to_string(),
            l.row.agency_code.to_string(),
            l.agency_name.clone(),
            l.row.state.as_str().to_string(),
            personal.to_string(),
            output.to_string(),
            http::csv_safe(&app.reason),
            name(l.row.created_by),
            l.row.assignee.map(name).unwrap_or_default(),
            day(l.row.submitted_at),
            day(l.row.delivered_at),
            l.row.updated_at.to_rfc3339(),
            l.row.state.label().zh_tw,
            app.requirement.output.map(|o| o.label().zh_tw).unwrap_or_default(),
            l.row.state.label().en,
            app.requirement.output.map(|o| o.label().en).unwrap_or_default(),
        ])
        .map_err(AppError::internal)?;
    }
    let body = out.into_inner().map_err(AppError::internal)?;
    Ok(http::csv_response("requests.csv", body))
}

/// One request, with the actions the caller may take on it; `ETag` carries its version.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = RequestView), ErrorResponses))]
#[get("/requests/{id}")]
pub async fn get_request(state: web::Data<AppState>, who: Principal, path: web::Path<RequestId>) -> Result<HttpResponse, ApiError> {
    let loaded = requests::load_for(&state, &who, path.into_inner()).await?;
    respond(StatusCode::OK, &who, &loaded)
}

/// Edit a draft or returned application (applicant's office). Each section given
/// replaces that section. `If-Match` is required: edits never overwrite each other.
/// An edit that leaves the application as it was changes nothing (200, same version).
#[utoipa::path(
    tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "The ETag you last saw (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = ApplicationPatch,
    responses((status = 200, body = RequestView), ErrorResponses)
)]
#[patch("/requests/{id}")]
pub async fn update_request(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let patch: ApplicationPatch = parse_json(&req, &body)?;
    let expected = require_if_match(&req)?;
    let loaded = requests::edit(&state, &who, path.into_inner(), expected, patch, http::audit(&who, &req)).await?;
    respond(StatusCode::OK, &who, &loaded)
}

/// Every eligibility finding for the application as it stands (rules 3, 4, 5.1, 5.3).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CheckResponse), ErrorResponses))]
#[post("/requests/{id}/check")]
pub async fn check_request(state: web::Data<AppState>, who: Principal, path: web::Path<RequestId>) -> Result<HttpResponse, ApiError> {
    let (findings, similar) = requests::check(&state, &who, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(CheckResponse { blocking: eligibility::blocks(&findings), findings, similar }))
}

/// Personal data delivered and awaiting destruction: the office's own (its
/// reminders), or every agency's for DGPA (the overdue list). Soonest first.
#[utoipa::path(tag = "deliveries", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = Page<DestructionDueView>), ErrorResponses))]
#[get("/destructions")]
pub async fn list_destructions(
    state: web::Data<AppState>,
    who: Principal,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let dgpa = who.actor.roles.is_dgpa();
    if !dgpa && !who.has(Role::Applicant) {
        return Err(ApiError::forbidden_role(Role::Applicant));
    }
    let out = requests::destructions_due(&state, (!dgpa).then(|| who.user.agency_code.clone())).await?;
    http::list_response(out, q.cursor.as_deref(), q.limit)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Only events at or after this instant (RFC 3339): what a system missed.
    #[param(value_type = Option<String>, format = DateTime, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-")]
    #[serde(default, deserialize_with = "statreq_domain::day::deserialize_instant_option")]
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// The request's history: every transition with who, when and why, oldest first.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path), EventsQuery), responses((status = 200, body = Page<EventView>), ErrorResponses))]
#[get("/requests/{id}/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    q: http::Query<EventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let since = q.updated_since;
    let loaded = requests::load_for(&state, &who, path.into_inner()).await?;
    let id = loaded.row.id;
    let (events, users) = db(&state, move |s| {
        let events = s.list_events(id)?;
        let users = users::load(s, events.iter().map(|e| e.actor_id))?;
        Ok((events, users))
    })
    .await?;
    let tree = state.agencies.tree(&state).await?;
    let out: Vec<EventView> = events
        .into_iter()
        .filter(|e| since.is_none_or(|t| e.at >= t))
        .map(|e| EventView {
            seq: e.seq,
            kind: e.kind,
            from_state: e.from_state,
            to_state: e.to_state,
            actor: user_ref(&users, e.actor_id),
            actor_agency: e.actor_agency.map(|c| tree.named(&c)),
            comment: e.comment,
            data: e.data,
            at: e.at,
        })
        .collect();
    http::list_response(out, q.cursor.as_deref(), q.limit)
}

/// Every frozen revision, each with what changed since the one before.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path), http::PageParams), responses((status = 200, body = Page<RevisionView>), ErrorResponses))]
#[get("/requests/{id}/revisions")]
pub async fn list_revisions(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let loaded = requests::load_for(&state, &who, path.into_inner()).await?;
    let id = loaded.row.id;
    let (revs, users) = db(&state, move |s| {
        let revs = s.list_revisions(id)?;
        let users = users::load(s, revs.iter().map(|r| r.submitted_by))?;
        Ok((revs, users))
    })
    .await?;
    let mut out = Vec::new();
    let mut previous: Option<serde_json::Value> = None;
    for r in revs {
        let changes = previous.as_ref().map(|p| statreq_domain::diff::changes(p, &r.application)).unwrap_or_default();
        let application = serde_json::from_value(r.application.clone()).map_err(AppError::internal)?;
        out.push(RevisionView {
            number: r.number,
            application,
            submitted_by: user_ref(&users, r.submitted_by),
            submitted_at: r.submitted_at,
            changes,
        });
        previous = Some(r.application);
    }
    http::list_response(out, q.cursor.as_deref(), q.limit)
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register_paper)
        .service(create_request)
        .service(export_requests)
        .service(count_requests)
        .service(list_requests)
        .service(get_request)
        .service(update_request)
        .service(check_request)
        .service(list_events)
        .service(list_revisions)
        .service(list_destructions);
}
