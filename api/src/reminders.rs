//! The reminder and escalation sweep: delivered personal data due for destruction in
//! 30 and 7 days and overdue (rule 6) — told to the office, and once overdue to its
//! supervising agency — and applications waiting on their supervisor longer than the
//! working days allowed, escalated to the supervisors and then to DGPA (rule 5.1; to
//! DGPA at once when the supervising agency has nobody who may review it); and
//! a year without the office calendar those working days are counted by, told to
//! DGPA's administrators.
//! Each notice reaches each person once (in-app always; by e-mail when statreq sends
//! mail and the person wants that kind), however many instances sweep.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use statreq_domain::notify::{self, Escalation};
use statreq_domain::{lifecycle, AgencyCode, Role, State, UserId};
use statreq_store::{ListFilter, UserRow};

use crate::app::notices::{tell, Notice};
use crate::app::users::supervisors_of;
use crate::app::{db, AppResult};
use crate::worker::{office_addresses, with_role};
use crate::AppState;

/// One sweep. `email`: whether statreq sends mail at all.
pub async fn sweep(state: &AppState, email: bool) -> AppResult<()> {
    let now = Utc::now() + state.settings.clock_offset;
    destructions(state, email, now).await?;
    waiting_on_supervisors(state, email, now).await?;
    calendars(state, email, now).await
}

/// DGPA's administrators are told, once each, of this year's or (from October) next
/// year's office calendar not set: working days would count weekends only.
async fn calendars(state: &AppState, email: bool, now: DateTime<Utc>) -> AppResult<()> {
    let (_, missing) = crate::app::reference::calendar_years(state, now).await?;
    if missing.is_empty() {
        return Ok(());
    }
    let dgpa = [AgencyCode::dgpa()];
    let admins = with_role(db(state, move |s| s.active_users_of(&dgpa)).await?, Role::DgpaAdmin);
    for year in missing {
        let notice = Notice {
            kind: notify::CALENDAR_MISSING,
            email_kind: notify::CALENDAR_MISSING,
            request: None,
            link: "/admin#cal-h".into(),
            text: statreq_domain::calendar::missing_year_notice(year),
            headline: None,
            once: year.to_string(),
            email: None,
        };
        tell(state, notice, &admins, &[], email, now).await?;
    }
    Ok(())
}

async fn destructions(state: &AppState, email: bool, now: DateTime<Utc>) -> AppResult<()> {
    let filter = ListFilter { all_submitted: true, states: vec![State::Delivered], limit: 100_000, ..Default::default() };
    let rows = db(state, move |s| s.list_requests(&filter)).await?;
    let today = lifecycle::taiwan_date(now);
    let mut creators: Vec<UserId> = rows.iter().map(|r| r.created_by).collect();
    creators.sort_unstable();
    creators.dedup();
    let users: HashMap<UserId, UserRow> = db(state, move |s| s.get_users(&creators)).await?.into_iter().map(|u| (u.id, u)).collect();
    for r in &rows {
        let app = &r.application;
        let Some(destroy_by) = lifecycle::destroy_by(app, r.delivered_at, r.retention_extra_days) else { continue };
        let Some(stage) = notify::destruction_stage((destroy_by - today).num_days()) else { continue };
        let overdue = stage == "overdue";
        let office: Vec<UserRow> = users.get(&r.created_by).cloned().into_iter().collect();
        // The application's contact hears too, by e-mail (not a person of statreq).
        let contact: Vec<String> =
            office_addresses(r, &users).into_iter().filter(|a| !office.iter().any(|u| u.email.eq_ignore_ascii_case(a))).collect();
        let (kind, email_kind) =
            if overdue { ("destruction_overdue", "destruction_overdue") } else { ("destruction_due", "destruction_due") };
        let notice = Notice {
            kind,
            email_kind,
            request: Some(r),
            link: format!("/requests/{}", r.id),
            text: notify::destruction_notice(r.id.0, destroy_by, stage),
            headline: None,
            once: format!("{}:{destroy_by}:{stage}", r.id),
            // Rule 6's own wording: the date in the ROC calendar, and what an overdue blocks.
            email: Some(notify::retention_email(
                r.id.0,
                &app.reason,
                destroy_by,
                overdue,
                &format!("{}/requests/{}", state.settings.public_base(), r.id),
            )),
        };
        tell(state, notice, &office, &contact, email, now).await?;
        if overdue {
            // Escalated to the supervising agency's personnel office.
            let sups = supervisors_of(state, &r.agency_code).await?;
            let overdue_here = Escalation::DestructionOverdue { agency: r.agency_code.to_string() };
            let notice = Notice {
                kind: "escalation",
                email_kind: "escalation",
                request: Some(r),
                link: format!("/requests/{}", r.id),
                text: notify::escalation_notice(r.id.0, overdue_here.clone()),
                headline: Some(overdue_here.headline()),
                once: format!("destruction:{}:{destroy_by}", r.id),
                email: None,
            };
            tell(state, notice, &sups, &[], email, now).await?;
        }
    }
    Ok(())
}

async fn waiting_on_supervisors(state: &AppState, email: bool, now: DateTime<Utc>) -> AppResult<()> {
    let filter = ListFilter { all_submitted: true, states: vec![State::PendingSupervisor], limit: 100_000, ..Default::default() };
    let rows = db(state, move |s| s.list_requests(&filter)).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let calendars = crate::app::reference::calendar(state).await?;
    let today = lifecycle::taiwan_date(now);
    let (first, then_dgpa) = (state.settings.escalate_after_working_days, state.settings.escalate_to_dgpa_after_working_days);
    let mut officers: Option<Vec<UserRow>> = None;
    for r in &rows {
        let Some(submitted) = r.submitted_at else { continue };
        let from = lifecycle::taiwan_date(submitted).succ_opt().unwrap_or(today);
        let waited = statreq_domain::calendar::working_days(from, today, &calendars);
        // Its reviewers, once it is due to remind them (no account yet, or every one
        // disabled: nobody to remind, and DGPA hears of it at once).
        let due = notify::supervisor_escalation(waited, first, then_dgpa, true).0;
        let sups = if due { supervisors_of(state, &r.agency_code).await? } else { Vec::new() };
        let (to_supervisors, to_dgpa) = notify::supervisor_escalation(waited, first, then_dgpa, !sups.is_empty());
        let what = if sups.is_empty() {
            Escalation::NoReviewer { working_days: waited, agency: r.agency_code.to_string() }
        } else {
            Escalation::WaitingOnSupervisor { working_days: waited }
        };
        let headline = what.headline();
        let text = notify::escalation_notice(r.id.0, what);
        if to_supervisors {
            let once = format!("supervisor:{}:{}", r.id, submitted.timestamp());
            tell(
                state,
                Notice {
                    kind: "escalation",
                    email_kind: "escalation",
                    request: Some(r),
                    link: format!("/requests/{}", r.id),
                    text: text.clone(),
                    headline: Some(headline.clone()),
                    once,
                    email: None,
                },
                &sups,
                &[],
                email,
                now,
            )
            .await?;
        }
        if to_dgpa {
            if officers.is_none() {
                let dgpa = [AgencyCode::dgpa()];
                officers = Some(with_role(db(state, move |s| s.active_users_of(&dgpa)).await?, Role::DgpaOfficer));
            }
            let once = format!("dgpa:{}:{}", r.id, submitted.timestamp());
            let people = officers.clone().unwrap_or_default();
            tell(
                state,
                Notice {
                    kind: "escalation",
                    email_kind: "escalation",
                    request: Some(r),
                    link: format!("/requests/{}", r.id),
                    text,
                    headline: Some(headline),
                    once,
                    email: None,
                },
                &people,
                &[],
                email,
                now,
            )
            .await?;
        }
    }
    Ok(())
}
