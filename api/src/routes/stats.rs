//! DGPA's service statistics, as JSON and CSV.

use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use statreq_domain::stats::{self, Outcome, Period, ServiceStats, StatRow, OUTCOME_KINDS};
use statreq_domain::{AgencyCode, EventKind, OutcomeReason, Role, Text};
use utoipa::IntoParams;

use crate::app::input::InputError;
use crate::app::{db, AppError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, ErrorResponses};
use crate::AppState;

/// Which requests to count.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Only requests first submitted on or after this day (Taiwan time), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    #[serde(default, deserialize_with = "statreq_domain::day::deserialize_option")]
    pub submitted_from: Option<NaiveDate>,
    /// … and on or before this day; not before `submitted_from` (422 `invalid_range`).
    #[param(value_type = Option<String>, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    #[serde(default, deserialize_with = "statreq_domain::day::deserialize_option")]
    pub submitted_to: Option<NaiveDate>,
}

/// The figures of every submitted request (DGPA), or of those a supervising agency's
/// reviewers decide on (a supervisor: the applications of the agencies it supervises,
/// the ones it already reads in `GET /requests`).
async fn compute(state: &AppState, who: &Principal, q: &StatsQuery) -> Result<ServiceStats, ApiError> {
    let dgpa = who.actor.roles.is_dgpa();
    if !dgpa && !who.has(Role::Supervisor) {
        return Err(ApiError::forbidden_role(Role::DgpaOfficer));
    }
    let period = Period::new(q.submitted_from, q.submitted_to).ok_or(InputError::InvalidRange {
        from: "submitted_from",
        to: "submitted_to",
        max_days: None,
    })?;
    let tree = state.agencies.tree(state).await?;
    let (rows, events) = db(state, |s| {
        let kinds: Vec<&str> = OUTCOME_KINDS.iter().map(|k| k.as_str()).collect();
        Ok((s.stats_rows()?, s.outcome_events(&kinds)?))
    })
    .await?;
    let supervised = (!dgpa).then(|| tree.supervised_by(&who.actor.agency));
    let rows: Vec<_> = rows.into_iter().filter(|r| supervised.as_ref().is_none_or(|s| s.contains(&r.agency_code))).collect();
    let counted: std::collections::HashSet<i64> = rows.iter().map(|r| r.id.0).collect();
    let outcomes: Vec<Outcome> = events
        .into_iter()
        .filter(|e| counted.contains(&e.request_id.0))
        .filter_map(|e| {
            Some(Outcome {
                request: e.request_id.0,
                kind: EventKind::parse(&e.kind)?,
                first_submitted_at: e.first_submitted_at,
                reason: e.data.get("reason_code").and_then(|v| v.as_str()).and_then(OutcomeReason::parse),
            })
        })
        .collect();
    let rows: Vec<StatRow> = rows
        .into_iter()
        .map(|r| StatRow {
            supervising_agency: tree
                .chain(&r.agency_code)
                .and_then(|(c, _)| c.top_supervising_agency().map(|a| a.to_string()))
                .unwrap_or_else(|| r.agency_code.to_string()),
            state: r.state,
            first_submitted_at: r.first_submitted_at,
            delivered_at: r.delivered_at,
            wait: r.wait,
        })
        .collect();
    let calendars = crate::app::reference::calendar(state).await?;
    let mut out = stats::compute(&rows, &outcomes, &calendars, period, Utc::now());
    for c in &mut out.by_supervising_agency {
        let name = AgencyCode::parse(&c.key).ok().and_then(|code| tree.get(&code).map(|a| a.name.clone()));
        c.label = name.map(|n| Text::new(n.clone(), n));
    }
    Ok(out)
}

/// Service statistics: volume by state, supervising agency and month, turnaround,
/// backlog age, returns and rejections — of every submitted request for DGPA, of the
/// applications of the agencies it supervises for a supervisor (since 1.12.0); all of
/// them, or those first submitted in a period (`submitted_from`, `submitted_to`; since
/// 1.12.0).
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsQuery), responses((status = 200, body = ServiceStats), ErrorResponses))]
#[get("/stats")]
pub async fn get_stats(state: web::Data<AppState>, who: Principal, q: http::Query<StatsQuery>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(compute(&state, &who, &q).await?))
}

/// The same statistics as CSV, beginning with the `period` when one was chosen. The
/// columns `section,key,value,label` (`label` since 1.5.0), UTF-8 with a byte-order mark
/// for Excel.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsQuery), responses((status = 200, content_type = "text/csv", body = String), ErrorResponses))]
#[get("/stats.csv")]
pub async fn get_stats_csv(state: web::Data<AppState>, who: Principal, q: http::Query<StatsQuery>) -> Result<HttpResponse, ApiError> {
    let s = compute(&state, &who, &q).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(["section", "key", "value", "label"]).map_err(AppError::internal)?;
    for [section, key, value, label] in stats::rows(&s) {
        out.write_record([section, key, value, http::csv_safe(&label)]).map_err(AppError::internal)?;
    }
    Ok(http::csv_response("statreq-stats.csv", out.into_inner().map_err(AppError::internal)?))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_stats).service(get_stats_csv);
}
