//! DGPA's queue (rule 5.3): the order with every factor, a request's position with
//! a start estimate, each supervising agency's usage, and the published settings.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use statreq_contract::{
    QueueItemView, QueuePositionView, QueueSettings, QueueSettingsView, QueueView, SettingsChangeView, StartEstimate, UsageView, Weights,
};
use statreq_domain::lifecycle::can_view;
use statreq_domain::queue::{self, Ranked};
use statreq_domain::{Application, RequestId, Role, Text, UserId};
use statreq_store::QueueRow;
use utoipa::IntoParams;

use crate::app::queue::{settings, viewed_snapshot, Snapshot};
use crate::app::requests::check_version;
use crate::app::users::{self, user_ref};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, etag, page_limit, parse_json, require_if_match, ErrorResponses};
use crate::AppState;

fn weights(s: &QueueSettings) -> Weights {
    Weights { age: s.weight_age, difficulty: s.weight_difficulty, fair_share: s.weight_fair_share }
}

fn days(d: Duration) -> f64 {
    (d.num_seconds() as f64 / 86_400.0 * 100.0).round() / 100.0
}

fn item(snap: &Snapshot, row: &QueueRow, ranked: Option<&Ranked>, now: DateTime<Utc>) -> QueueItemView {
    let agency_name = snap.tree.get(&row.agency_code).map(|a| a.name.clone()).unwrap_or_default();
    QueueItemView {
        position: ranked.map(|r| r.position),
        request_id: row.id.0,
        state: row.state,
        agency_code: row.agency_code.to_string(),
        agency_name,
        reason: String::new(),
        output: None,
        personal_data: false,
        supervising_agency: snap.top.get(&row.agency_code).map(|a| a.to_string()).unwrap_or_default(),
        supervising_agency_name: snap.top.get(&row.agency_code).and_then(|a| snap.tree.get(a)).map(|a| a.name.clone()).unwrap_or_default(),
        difficulty: row.difficulty,
        received_at: row.received_at,
        waited_days: days(ranked.map(|r| r.waited).unwrap_or_else(|| row.wait.waited(now))),
        overdue: ranked.is_some_and(|r| r.overdue),
        priority: ranked.map(|r| (r.priority * 1000.0).round() / 1000.0),
        factors: ranked.map(|r| r.factors),
        assignee: row.assignee.map(|id| user_ref(&snap.users, id)),
        awaiting_review: 0,
        unattended: false,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// `next_cursor` of the previous page (a position).
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// DGPA's queue in order, each request with its priority, factors and wait (DGPA roles).
#[utoipa::path(tag = "queue", security(("bearer" = [])), params(QueueQuery), responses((status = 200, body = QueueView), ErrorResponses))]
#[get("/queue")]
pub async fn get_queue(state: web::Data<AppState>, who: Principal, q: http::Query<QueueQuery>) -> Result<HttpResponse, ApiError> {
    if !who.actor.roles.is_dgpa() {
        return Err(ApiError::forbidden_role(Role::DgpaOfficer));
    }
    let limit = page_limit(q.limit)? as usize;
    let skip: usize = match q.cursor.as_deref() {
        None => 0,
        Some(c) => http::parse_cursor(Some(c))?.unwrap_or_default() as usize,
    };
    let snap = viewed_snapshot(&state).await?;
    let now = snap.at;
    let mut items: Vec<QueueItemView> =
        snap.order.iter().skip(skip).take(limit).filter_map(|r| snap.rows.get(&r.id).map(|row| item(&snap, row, Some(r), now))).collect();
    let next_cursor = (skip + limit < snap.order.len()).then(|| (skip + limit).to_string());
    // By id (the set's order).
    let mut in_production: Vec<QueueItemView> =
        snap.in_production.iter().filter_map(|id| snap.rows.get(id)).map(|row| item(&snap, row, None, now)).collect();
    // Files waiting for a second officer, counted live (approvals do not refresh the order),
    // and the officers as they are now (one disabled or moved since is not in the order).
    let ids: Vec<RequestId> = in_production.iter().map(|i| RequestId(i.request_id)).collect();
    let officers: Vec<UserId> = snap.in_production.iter().filter_map(|id| snap.rows.get(id)).filter_map(|r| r.assignee).collect();
    let (files, officers) = db(&state, move |s| Ok((s.unpublished_deliveries(&ids)?, s.get_users(&officers)?))).await?;
    let officers = users::by_id(officers);
    for i in &mut in_production {
        i.awaiting_review = files.iter().filter(|f| f.request_id.0 == i.request_id && crate::app::disclosure::awaits_review(f)).count();
        let officer = i.assignee.as_ref().and_then(|a| officers.get(&UserId(a.id)));
        i.unattended = !officer.is_some_and(users::attends);
        if let Some(u) = officer {
            i.assignee = Some(user_ref(&officers, u.id));
        }
    }
    // What each shown request is for, for this page only (the order needs none of it):
    // from the requests held in memory, else only the applications, in one query (after a
    // change nothing is held, and the rest of a row would not be used).
    let shown: Vec<RequestId> = items.iter().chain(&in_production).map(|i| RequestId(i.request_id)).collect();
    let held: Option<Vec<statreq_store::RequestRow>> = shown.iter().map(|id| state.store.cached_request(*id)).collect();
    let mut applications: std::collections::HashMap<i64, Application> = match held {
        Some(rows) => rows.into_iter().map(|r| (r.id.0, r.application)).collect(),
        None => db(&state, move |s| s.applications_of(&shown))
            .await?
            .into_iter()
            .filter_map(|(id, json)| serde_json::from_value(json).ok().map(|a| (id.0, a)))
            .collect(),
    };
    for i in items.iter_mut().chain(in_production.iter_mut()) {
        if let Some(a) = applications.remove(&i.request_id) {
            i.reason = a.reason;
            i.output = a.requirement.output;
            i.personal_data = a.personal_data.contains == Some(true);
        }
    }
    Ok(HttpResponse::Ok().json(QueueView {
        weights: weights(&snap.settings),
        settings: snap.settings.clone(),
        total_queued: snap.order.len(),
        items,
        next_cursor,
        in_production,
    }))
}

/// Where a queued request stands, with its factors and an estimate of when work
/// starts. For the applicant's office, its supervising agencies and DGPA; never a
/// deadline.
#[utoipa::path(tag = "queue", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = QueuePositionView), ErrorResponses))]
#[get("/requests/{id}/queue-position")]
pub async fn queue_position(state: web::Data<AppState>, who: Principal, path: web::Path<RequestId>) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let request = db(&state, move |s| s.get_request(id)).await?;
    let tree = state.agencies.tree(&state).await?;
    let (chain, _) = tree.chain_of(&request.agency_code)?;
    if !can_view(&who.actor, &chain, request.revision as u32) {
        return Err(ApiError::not_found());
    }
    let snap = viewed_snapshot(&state).await?;
    let now = Utc::now();
    let Some(ranked) = snap.order.iter().find(|r| r.id == id) else {
        return Err(InputError::NotQueued { state: request.state }.into());
    };
    let window = Duration::days(30);
    let taken = db(&state, move |s| s.taken_since(now - window)).await?;
    // DGPA's pace in working days of the office calendar, and the estimate in them.
    let calendars = crate::app::reference::calendar(&state).await?;
    let today = statreq_domain::lifecycle::taiwan_date(now);
    let since = statreq_domain::lifecycle::taiwan_date(now - window);
    let estimate = queue::start_estimate(ranked.position, taken as usize, since, today, &calendars).map(|(working_days, starts_on)| {
        let nine = starts_on.and_hms_opt(1, 0, 0).map(|t| t.and_utc()).unwrap_or(now);
        StartEstimate {
            starts_around: nine.max(now),
            starts_on,
            working_days,
            taken_last_30_days: taken,
            label: estimate_label(working_days),
        }
    });
    Ok(HttpResponse::Ok().json(QueuePositionView {
        request_id: id.0,
        position: ranked.position,
        total_queued: snap.order.len(),
        priority: (ranked.priority * 1000.0).round() / 1000.0,
        factors: ranked.factors,
        weights: weights(&snap.settings),
        waited_days: days(ranked.waited),
        overdue: ranked.overdue,
        estimate,
    }))
}

/// The estimate in words: "0 working days from now" said as first in line.
fn estimate_label(working_days: i64) -> Text {
    const NOTE_ZH: &str = "僅供參考，並非完成期限（第5點第3款）。";
    const NOTE_EN: &str = "for information only, not a deadline (rule 5.3).";
    match working_days {
        0 => Text::new(
            format!("已排在最前，依人事總處近30日作業量推估，可望於最近一個工作日開始辦理；{NOTE_ZH}"),
            format!(
                "First in line: work likely starts on the nearest working day, estimated from DGPA's pace over the last 30 days; {NOTE_EN}"
            ),
        ),
        n => Text::new(
            format!("依人事總處近30日作業量推估，約 {n} 個工作日後開始辦理；{NOTE_ZH}"),
            format!(
                "About {n} working day{} from now, estimated from DGPA's pace over the last 30 days; {NOTE_EN}",
                if n == 1 { "" } else { "s" }
            ),
        ),
    }
}

/// Each supervising agency's share, usage and fair-share factor (every signed-in user).
#[utoipa::path(tag = "queue", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = statreq_contract::Page<UsageView>), ErrorResponses))]
#[get("/queue/usage")]
pub async fn queue_usage(state: web::Data<AppState>, _who: Principal, q: http::Query<http::PageParams>) -> Result<HttpResponse, ApiError> {
    let snap = viewed_snapshot(&state).await?;
    let mut out: Vec<UsageView> = snap
        .usage
        .values()
        .map(|u| UsageView {
            agency_name: snap.tree.get(&u.agency_code).map(|a| a.name.clone()).unwrap_or_default(),
            agency_code: u.agency_code.to_string(),
            staff: u.staff,
            share: u.share,
            usage: u.usage,
            fair_share_factor: u.fair_share_factor,
        })
        .collect();
    out.sort_by(|a, b| a.agency_code.cmp(&b.agency_code));
    http::list_response(out, q.cursor.as_deref(), q.limit)
}

async fn settings_view(state: &AppState) -> Result<QueueSettingsView, ApiError> {
    let (settings, row) = settings(state).await?;
    let by = row.as_ref().and_then(|r| r.updated_by);
    let users = db(state, move |s| users::load(s, by)).await?;
    Ok(QueueSettingsView {
        settings,
        version: row.as_ref().map(|r| r.version).unwrap_or(0),
        updated_by: by.map(|id| user_ref(&users, id)),
        updated_at: row.map(|r| r.updated_at),
    })
}

/// The queue settings in force. A fair rule is a published rule: every signed-in user may read them.
#[utoipa::path(tag = "queue", security(("bearer" = [])), responses((status = 200, body = QueueSettingsView), ErrorResponses))]
#[get("/settings/queue")]
pub async fn get_queue_settings(state: web::Data<AppState>, _who: Principal) -> Result<HttpResponse, ApiError> {
    let v = settings_view(&state).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Change the queue settings (dgpa_admin). `If-Match` with the version is required;
/// every change is recorded with who and when. Sending the settings in force changes
/// nothing: the answer is 200 with the version as it was.
#[utoipa::path(
    tag = "queue",
    security(("bearer" = [])),
    params(("If-Match" = String, Header, description = "The settings' ETag (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = QueueSettings,
    responses((status = 200, body = QueueSettingsView), ErrorResponses)
)]
#[put("/settings/queue")]
pub async fn put_queue_settings(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let new: QueueSettings = parse_json(&req, &body)?;
    new.validate().map_err(|e| InputError::InvalidSetting { field: e.field.to_string(), min: e.min.clone(), max: e.max.clone() })?;
    let (in_force, current) = settings(&state).await?;
    let current = current.as_ref().map(|r| r.version).unwrap_or(0);
    let expected = require_if_match(&req)?.unwrap_or(current);
    check_version(Some(expected), current)?;
    if new == in_force {
        // Saving what is in force changes nothing: no new version, no history entry
        // saying someone changed the published rule (rule 5.3) when nobody did.
        let v = settings_view(&state).await?;
        return Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v));
    }
    let json = serde_json::to_value(&new).map_err(AppError::internal)?;
    let actor = who.user.id;
    let audit = http::audit(&who, &req);
    db(&state, move |s| s.put_queue_settings(&json, expected, actor, &audit, Utc::now())).await?;
    state.queue.invalidate();
    tracing::info!(actor = %actor, "queue settings changed");
    let v = settings_view(&state).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Every change of the queue settings, newest first, with who and when.
#[utoipa::path(tag = "queue", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = statreq_contract::Page<SettingsChangeView>), ErrorResponses))]
#[get("/settings/queue/history")]
pub async fn queue_settings_history(
    state: web::Data<AppState>,
    _who: Principal,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let (changes, users) = db(&state, |s| {
        let changes = s.queue_settings_history()?;
        let users = users::load(s, changes.iter().map(|c| c.changed_by))?;
        Ok((changes, users))
    })
    .await?;
    let mut out = Vec::new();
    for c in changes {
        out.push(SettingsChangeView {
            id: c.id,
            settings: serde_json::from_value(c.settings).map_err(AppError::internal)?,
            changed_by: user_ref(&users, c.changed_by),
            changed_at: c.changed_at,
        });
    }
    http::list_response(out, q.cursor.as_deref(), q.limit)
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_queue)
        .service(queue_usage)
        .service(queue_position)
        .service(get_queue_settings)
        .service(put_queue_settings)
        .service(queue_settings_history);
}
