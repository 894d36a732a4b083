//! DGPA's service statistics, as JSON and CSV.

use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use statreq_domain::stats::{self, ServiceStats, StatRow};
use statreq_domain::{AgencyCode, EventKind, OutcomeReason, Role, Text};

use crate::app::{db, AppError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, ErrorResponses};
use crate::AppState;

const OUTCOME_KINDS: [EventKind; 4] =
    [EventKind::SupervisorReturned, EventKind::DgpaReturned, EventKind::SupervisorRejected, EventKind::DgpaRejected];

async fn compute(state: &AppState, who: &Principal) -> Result<ServiceStats, ApiError> {
    if !who.actor.roles.is_dgpa() {
        return Err(ApiError::forbidden_role(Role::DgpaOfficer.as_str()));
    }
    let tree = state.agencies.tree(state).await?;
    let (rows, by_kind, returned, rejected, dgpa_outcomes) = db(state, |s| {
        let kinds: Vec<&str> = OUTCOME_KINDS.iter().map(|k| k.as_str()).collect();
        Ok((
            s.stats_rows()?,
            s.requests_with_events(&kinds)?,
            s.requests_with_any_event(&[EventKind::SupervisorReturned.as_str(), EventKind::DgpaReturned.as_str()])?,
            s.requests_with_any_event(&[EventKind::SupervisorRejected.as_str(), EventKind::DgpaRejected.as_str()])?,
            s.event_data(&[EventKind::DgpaReturned.as_str(), EventKind::DgpaRejected.as_str()])?,
        ))
    })
    .await?;
    // Decisions from before reason codes count as `other`.
    let reasons: Vec<OutcomeReason> = dgpa_outcomes
        .iter()
        .map(|d| d.get("reason_code").and_then(|v| v.as_str()).and_then(OutcomeReason::parse).unwrap_or(OutcomeReason::Other))
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
    let by_kind: Vec<(EventKind, usize)> = by_kind.into_iter().filter_map(|(k, n)| EventKind::parse(&k).map(|k| (k, n as usize))).collect();
    let calendars = crate::app::reference::calendar(state).await?;
    let mut out = stats::compute(&rows, &by_kind, (returned as usize, rejected as usize), &calendars, Utc::now());
    out.outcomes.by_reason = stats::by_reason(&reasons);
    for c in &mut out.by_supervising_agency {
        let name = AgencyCode::parse(&c.key).ok().and_then(|code| tree.get(&code).map(|a| a.name.clone()));
        c.label = name.map(|n| Text::new(n.clone(), n));
    }
    Ok(out)
}

/// Service statistics for DGPA: volume by state, supervising agency and month,
/// turnaround, backlog age, returns and rejections.
#[utoipa::path(tag = "stats", security(("bearer" = [])), responses((status = 200, body = ServiceStats), ErrorResponses))]
#[get("/stats")]
pub async fn get_stats(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(compute(&state, &who).await?))
}

/// The same statistics as CSV (`section,key,value,label`; UTF-8 with a byte-order mark
/// for Excel; `label` since 1.5.0).
#[utoipa::path(tag = "stats", security(("bearer" = [])), responses((status = 200, content_type = "text/csv", body = String), ErrorResponses))]
#[get("/stats.csv")]
pub async fn get_stats_csv(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    let s = compute(&state, &who).await?;
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
