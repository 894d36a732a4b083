//! DGPA's queue as one computed snapshot (rule 5.3): the order with every factor,
//! each supervising agency's usage, and the settings in force — computed from
//! data, never stored.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use statreq_contract::QueueSettings;
use statreq_domain::queue::{self, AcceptedWork, QueueEntry, Ranked, Usage};
use statreq_domain::{AgencyCode, Difficulty, RequestId, State, UserId};
use statreq_store::{QueueRow, UserRow};

use super::agencies::AgencyTree;
use super::cache::Cache;
use super::{db, AppError, AppResult};
use crate::AppState;

/// Everything one look at the queue needs.
pub struct Snapshot {
    /// When the order was computed.
    pub at: DateTime<Utc>,
    pub settings: QueueSettings,
    pub rows: HashMap<RequestId, QueueRow>,
    pub order: Vec<Ranked>,
    pub usage: HashMap<AgencyCode, Usage>,
    pub top: HashMap<AgencyCode, AgencyCode>,
    pub tree: std::sync::Arc<AgencyTree>,
    pub users: HashMap<UserId, UserRow>,
}

/// Views of the queue share one snapshot for up to [`SNAPSHOT_TTL`]: at 100,000
/// queued requests a fresh one costs a few hundred milliseconds, and waits move in
/// days. Any transition or settings change on this instance drops it; `/take`
/// always ranks afresh, because its order check must be exact. Concurrent views
/// after a change wait for one computation instead of each making their own.
pub const SNAPSHOT_TTL: std::time::Duration = std::time::Duration::from_secs(5);

pub struct SnapshotCache {
    inner: Cache<(), Snapshot>,
}

impl Default for SnapshotCache {
    fn default() -> Self {
        Self { inner: Cache::new(SNAPSHOT_TTL, 1) }
    }
}

impl SnapshotCache {
    pub fn invalidate(&self) {
        self.inner.invalidate();
    }
}

/// The shared snapshot, computed when missing or older than the TTL.
pub async fn cached_snapshot(state: &AppState) -> AppResult<Arc<Snapshot>> {
    state.queue.inner.get_or_try((), snapshot(state, Utc::now())).await
}

pub async fn settings(state: &AppState) -> AppResult<(QueueSettings, Option<statreq_store::SettingsRow>)> {
    let row = db(state, |s| s.queue_settings()).await?;
    let settings = match &row {
        Some(r) => serde_json::from_value(r.settings.clone()).map_err(AppError::internal)?,
        None => QueueSettings::default(),
    };
    Ok((settings, row))
}

/// The supervising agencies (directly under DGPA) with the personnel staff of their
/// whole subtree (rule 5.3).
fn supervising_staff(tree: &AgencyTree) -> HashMap<AgencyCode, u32> {
    queue::subtree_staff(
        tree.codes().filter_map(|c| tree.get(c)).map(|a| (&a.code, a.parent_code.as_ref(), a.personnel_staff.max(0) as u32)),
    )
}

pub async fn snapshot(state: &AppState, now: DateTime<Utc>) -> AppResult<Snapshot> {
    let tree = state.agencies.tree(state).await?;
    let (settings, _) = settings(state).await?;
    // Ten half-lives back: older work weighs less than 0.1%.
    let since = now - Duration::days(i64::from(settings.half_life_days) * 10);
    let (rows, accepted, users) = db(state, move |s| {
        let rows = s.queue_rows()?;
        let accepted = s.accepted_work(since)?;
        let ids: Vec<UserId> = rows.iter().filter_map(|r| r.assignee).collect();
        let users = s.get_users(&ids)?;
        Ok((rows, accepted, users))
    })
    .await?;
    let mut top: HashMap<AgencyCode, AgencyCode> = HashMap::new();
    let mut top_of = |code: &AgencyCode| -> Option<AgencyCode> {
        if let Some(t) = top.get(code) {
            return Some(t.clone());
        }
        let (chain, _) = tree.chain(code)?;
        let t = chain.top_supervising_agency().cloned().unwrap_or(chain.agency);
        top.insert(code.clone(), t.clone());
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
                id: r.id,
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
