//! DGPA's queue (rule 5.3): the order with every factor, a request's position with
//! a start estimate, each supervising agency's usage, and the published settings.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{get, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use statreq_contract::{
    QueueItemView, QueuePositionView, QueueSettings, QueueSettingsView, QueueView, SettingsChangeView, StartEstimate, UsageView, Weights,
};
use statreq_domain::ids::DGPA_AGENCY_CODE;
use statreq_domain::lifecycle::can_view;
use statreq_domain::queue::{self, AcceptedWork, QueueEntry, Ranked, Usage};
use statreq_domain::{AgencyCode, Difficulty, RequestId, Role, State, Text};
use statreq_store::{QueueRow, UserRow};
use utoipa::IntoParams;

use super::{check_version, db, if_match, page_limit, parse_json, ErrorResponses};
use crate::agencies::AgencyTree;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::AppState;

/// Everything one look at the queue needs.
pub struct Snapshot {
    /// When the order was computed.
    pub at: DateTime<Utc>,
    pub settings: QueueSettings,
    pub rows: HashMap<i64, QueueRow>,
    pub order: Vec<Ranked>,
    pub usage: HashMap<AgencyCode, Usage>,
    pub top: HashMap<String, AgencyCode>,
    pub tree: std::sync::Arc<AgencyTree>,
    pub users: HashMap<i64, UserRow>,
}

/// Views of the queue share one snapshot for up to [`SNAPSHOT_TTL`]: at 100,000
/// queued requests a fresh one costs a few hundred milliseconds, and waits move in
/// days. Any transition or settings change on this instance drops it; `/take`
/// always ranks afresh, because its order check must be exact.
pub const SNAPSHOT_TTL: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Default)]
pub struct SnapshotCache {
    inner: std::sync::RwLock<Option<(std::time::Instant, std::sync::Arc<Snapshot>)>>,
}

impl SnapshotCache {
    pub fn invalidate(&self) {
        if let Ok(mut g) = self.inner.write() {
            *g = None;
        }
    }
}

/// The shared snapshot, computed when missing or older than the TTL.
pub async fn cached_snapshot(state: &AppState) -> Result<(std::sync::Arc<Snapshot>, DateTime<Utc>), ApiError> {
    if let Ok(g) = state.queue.inner.read() {
        if let Some((at, snap)) = g.as_ref() {
            if at.elapsed() < SNAPSHOT_TTL {
                return Ok((snap.clone(), snap.at));
            }
        }
    }
    let snap = std::sync::Arc::new(snapshot(state, Utc::now()).await?);
    if let Ok(mut g) = state.queue.inner.write() {
        *g = Some((std::time::Instant::now(), snap.clone()));
    }
    Ok((snap.clone(), snap.at))
}

pub async fn settings(state: &AppState) -> Result<(QueueSettings, Option<statreq_store::SettingsRow>), ApiError> {
    let row = db(state, |s| s.queue_settings()).await?;
    let settings = match &row {
        Some(r) => serde_json::from_value(r.settings.clone()).map_err(|_| ApiError::internal())?,
        None => QueueSettings::default(),
    };
    Ok((settings, row))
}

/// The supervising agencies (directly under DGPA) with their personnel staff.
fn supervising_staff(tree: &AgencyTree) -> HashMap<AgencyCode, u32> {
    tree.codes()
        .filter_map(|c| tree.get(c))
        .filter(|a| a.parent_code.as_deref() == Some(DGPA_AGENCY_CODE))
        .filter_map(|a| AgencyCode::parse(&a.code).ok().map(|code| (code, a.personnel_staff.max(0) as u32)))
        .collect()
}

pub async fn snapshot(state: &AppState, now: DateTime<Utc>) -> Result<Snapshot, ApiError> {
    let tree = state.agencies.tree(state).await?;
    let (settings, _) = settings(state).await?;
    // Ten half-lives back: older work weighs less than 0.1%.
    let since = now - Duration::days(i64::from(settings.half_life_days) * 10);
    let (rows, accepted, users) = db(state, move |s| {
        let rows = s.queue_rows()?;
        let accepted = s.accepted_work(since)?;
        let ids: Vec<i64> = rows.iter().filter_map(|r| r.assignee).collect();
        let users = s.get_users(&ids)?;
        Ok((rows, accepted, users))
    })
    .await?;
    let mut top: HashMap<String, AgencyCode> = HashMap::new();
    let mut top_of = |code: &str| -> Option<AgencyCode> {
        if let Some(t) = top.get(code) {
            return Some(t.clone());
        }
        let (chain, _) = tree.chain(code)?;
        let t = chain.top_supervising_agency().cloned().unwrap_or(chain.agency);
        top.insert(code.to_string(), t.clone());
        Some(t)
    };
    let history: Vec<AcceptedWork> = accepted
        .iter()
        .filter_map(|(agency, at, d)| {
            Some(AcceptedWork { supervising_agency: top_of(agency)?, accepted_at: *at, difficulty: Difficulty::new(i64::from(*d)).ok()? })
        })
        .collect();
    let entries: Vec<QueueEntry> = rows
        .iter()
        .filter(|r| r.state == State::Queued)
        .filter_map(|r| {
            Some(QueueEntry {
                id: RequestId(r.id),
                supervising_agency: top_of(&r.agency_code)?,
                difficulty: Difficulty::new(i64::from(r.difficulty?)).ok()?,
                clock: r.wait,
                received_at: r.received_at.unwrap_or(now),
            })
        })
        .collect();
    let usage = queue::usage(&supervising_staff(&tree), &history, &settings, now);
    let order = queue::rank(&entries, &usage, &settings, now);
    Ok(Snapshot {
        at: now,
        settings,
        rows: rows.into_iter().map(|r| (r.id, r)).collect(),
        order,
        usage,
        top,
        tree,
        users: users.into_iter().map(|u| (u.id, u)).collect(),
    })
}

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
        request_id: row.id,
        state: row.state,
        agency_code: row.agency_code.clone(),
        agency_name,
        supervising_agency: snap.top.get(&row.agency_code).map(|a| a.to_string()).unwrap_or_default(),
        difficulty: row.difficulty,
        received_at: row.received_at,
        waited_days: days(ranked.map(|r| r.waited).unwrap_or_else(|| row.wait.waited(now))),
        overdue: ranked.is_some_and(|r| r.overdue),
        priority: ranked.map(|r| (r.priority * 1000.0).round() / 1000.0),
        factors: ranked.map(|r| r.factors),
        assignee: row.assignee.map(|id| super::requests::user_ref_of(&snap.users, id)),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// `next_cursor` of the previous page (a position).
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// DGPA's queue in order, each request with its priority, factors and wait (DGPA roles).
#[utoipa::path(tag = "queue", security(("bearer" = [])), params(QueueQuery), responses((status = 200, body = QueueView), ErrorResponses))]
#[get("/queue")]
pub async fn get_queue(state: web::Data<AppState>, who: Principal, q: web::Query<QueueQuery>) -> Result<HttpResponse, ApiError> {
    if !who.actor.roles.is_dgpa() {
        return Err(ApiError::forbidden_role(Role::DgpaOfficer.as_str()));
    }
    let limit = page_limit(q.limit)? as usize;
    let skip: usize = match q.cursor.as_deref() {
        None => 0,
        Some(c) => c.parse().map_err(|_| ApiError::invalid("invalid_cursor", "/cursor", "分頁游標無效。", "The cursor is not valid."))?,
    };
    let (snap, now) = cached_snapshot(&state).await?;
    let items: Vec<QueueItemView> =
        snap.order.iter().skip(skip).take(limit).filter_map(|r| snap.rows.get(&r.id.0).map(|row| item(&snap, row, Some(r), now))).collect();
    let next_cursor = (skip + limit < snap.order.len()).then(|| (skip + limit).to_string());
    let mut in_production: Vec<QueueItemView> =
        snap.rows.values().filter(|r| r.state == State::InProduction).map(|row| item(&snap, row, None, now)).collect();
    in_production.sort_by_key(|i| i.request_id);
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
/// starts (the applicant's office, its supervising agencies, DGPA). Never a deadline.
#[utoipa::path(tag = "queue", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = QueuePositionView), ErrorResponses))]
#[get("/requests/{id}/queue-position")]
pub async fn queue_position(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let request = db(&state, move |s| s.get_request(id)).await?;
    let tree = state.agencies.tree(&state).await?;
    let (chain, _) = tree.chain(&request.agency_code).ok_or_else(ApiError::internal)?;
    if !can_view(&who.actor, &chain, request.revision as u32) {
        return Err(ApiError::not_found());
    }
    let (snap, _) = cached_snapshot(&state).await?;
    let now = Utc::now();
    let Some(ranked) = snap.order.iter().find(|r| r.id.0 == id) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_queued",
            format!("此案件目前為「{}」，不在排程中。", request.state.label().zh_tw),
            format!("The request is {}, not queued.", request.state.label().en),
        ));
    };
    let window = Duration::days(30);
    let taken = db(&state, move |s| s.taken_since(now - window)).await?;
    let estimate = queue::start_estimate(ranked.position, taken as usize, window, now).map(|starts_around| StartEstimate {
        starts_around,
        taken_last_30_days: taken,
        label: Text::new(
            "依人事總處近30日作業量推估，僅供參考，並非完成期限（第5點第3款）。",
            "Estimated from DGPA's pace over the last 30 days; for information only, not a deadline (rule 5.3).",
        ),
    });
    Ok(HttpResponse::Ok().json(QueuePositionView {
        request_id: id,
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

/// Each supervising agency's share, usage and fair-share factor (every signed-in user).
#[utoipa::path(tag = "queue", security(("bearer" = [])), responses((status = 200, body = Vec<UsageView>), ErrorResponses))]
#[get("/queue/usage")]
pub async fn queue_usage(state: web::Data<AppState>, _who: Principal) -> Result<HttpResponse, ApiError> {
    let (snap, _) = cached_snapshot(&state).await?;
    let mut out: Vec<UsageView> = snap
        .usage
        .values()
        .map(|u| UsageView {
            agency_name: snap.tree.get(&u.agency_code).map(|a| a.name.clone()).unwrap_or_default(),
            agency_code: u.agency_code.clone(),
            staff: u.staff,
            share: u.share,
            usage: u.usage,
            fair_share_factor: u.fair_share_factor,
        })
        .collect();
    out.sort_by(|a, b| a.agency_code.cmp(&b.agency_code));
    Ok(HttpResponse::Ok().json(out))
}

async fn settings_view(state: &AppState) -> Result<QueueSettingsView, ApiError> {
    let (settings, row) = settings(state).await?;
    let by = row.as_ref().and_then(|r| r.updated_by);
    let users: HashMap<i64, UserRow> = match by {
        Some(id) => db(state, move |s| s.get_users(&[id])).await?.into_iter().map(|u| (u.id, u)).collect(),
        None => HashMap::new(),
    };
    Ok(QueueSettingsView {
        settings,
        version: row.as_ref().map(|r| r.version).unwrap_or(0),
        updated_by: by.map(|id| super::requests::user_ref_of(&users, id)),
        updated_at: row.map(|r| r.updated_at),
    })
}

/// The queue settings in force. A fair rule is a published rule: every signed-in user may read them.
#[utoipa::path(tag = "queue", security(("bearer" = [])), responses((status = 200, body = QueueSettingsView), ErrorResponses))]
#[get("/settings/queue")]
pub async fn get_queue_settings(state: web::Data<AppState>, _who: Principal) -> Result<HttpResponse, ApiError> {
    let v = settings_view(&state).await?;
    Ok(HttpResponse::Ok().insert_header(super::etag(v.version)).json(v))
}

/// Change the queue settings (dgpa_admin). `If-Match` with the version is required;
/// every change is recorded with who and when.
#[utoipa::path(
    tag = "queue",
    security(("bearer" = [])),
    params(("If-Match" = String, Header, description = "The settings' ETag")),
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
    new.validate().map_err(|e| {
        ApiError::invalid(
            "invalid_setting",
            &format!("/{}", e.field),
            format!("{} 須介於 {} 與 {} 之間。", e.field, e.min, e.max),
            e.to_string(),
        )
    })?;
    let expected = if_match(&req)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "請附上 If-Match 標頭（設定的 ETag）。",
            "Send If-Match with the settings' ETag.",
        )
    })?;
    let (_, current) = settings(&state).await?;
    check_version(Some(expected), current.as_ref().map(|r| r.version).unwrap_or(0))?;
    let json = serde_json::to_value(&new).map_err(|_| ApiError::internal())?;
    let actor = who.user.id;
    let audit = super::deliveries::audit_ctx(&who, &req);
    db(&state, move |s| s.put_queue_settings(&json, expected, actor, &audit, Utc::now())).await?;
    state.queue.invalidate();
    tracing::info!(actor, "queue settings changed");
    let v = settings_view(&state).await?;
    Ok(HttpResponse::Ok().insert_header(super::etag(v.version)).json(v))
}

/// Every change of the queue settings, newest first, with who and when.
#[utoipa::path(tag = "queue", security(("bearer" = [])), responses((status = 200, body = Vec<SettingsChangeView>), ErrorResponses))]
#[get("/settings/queue/history")]
pub async fn queue_settings_history(state: web::Data<AppState>, _who: Principal) -> Result<HttpResponse, ApiError> {
    let (changes, users) = db(&state, |s| {
        let changes = s.queue_settings_history()?;
        let ids: Vec<i64> = changes.iter().map(|c| c.changed_by).collect();
        let users = s.get_users(&ids)?;
        Ok((changes, users))
    })
    .await?;
    let users: HashMap<i64, UserRow> = users.into_iter().map(|u| (u.id, u)).collect();
    let mut out = Vec::new();
    for c in changes {
        out.push(SettingsChangeView {
            id: c.id,
            settings: serde_json::from_value(c.settings).map_err(|_| ApiError::internal())?,
            changed_by: super::requests::user_ref_of(&users, c.changed_by),
            changed_at: c.changed_at,
        });
    }
    Ok(HttpResponse::Ok().json(out))
}
