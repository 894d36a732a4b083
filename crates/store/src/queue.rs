//! What the queue needs from the database: queued work, accepted-work history,
//! recent pace, and DGPA's settings with their history.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::queue::WaitClock;
use statreq_domain::{AgencyCode, RequestId, State, UserId};

use crate::schema::{queue_settings, queue_settings_history, request_events, requests};
use crate::{from_db, to_db, Store, StoreError, StoreResult};

/// A request on DGPA's queue (queued or in production).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub id: RequestId,
    pub agency_code: AgencyCode,
    pub state: State,
    pub difficulty: Option<i32>,
    pub assignee: Option<UserId>,
    pub received_at: Option<DateTime<Utc>>,
    pub wait: WaitClock,
}

/// Work DGPA accepted onto its queue (rule 5.3 weighs it against the applying
/// agency's supervising agency).
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedRow {
    pub request: RequestId,
    /// The applying agency.
    pub agency_code: AgencyCode,
    pub accepted_at: DateTime<Utc>,
    pub difficulty: i32,
}

/// DGPA's stored settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsRow {
    pub settings: serde_json::Value,
    pub version: i64,
    pub updated_by: Option<UserId>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SettingsChange {
    pub id: i64,
    pub settings: serde_json::Value,
    pub changed_by: UserId,
    pub changed_at: DateTime<Utc>,
}

impl Store {
    /// Every queued and in-production request, or those of `only` that are.
    pub fn queue_rows(&self, only: Option<&[RequestId]>) -> StoreResult<Vec<QueueRow>> {
        type R = (RequestId, AgencyCode, String, Option<i32>, Option<UserId>, Option<NaiveDateTime>, i64, Option<NaiveDateTime>);
        let on_queue = [State::Queued.as_str(), State::InProduction.as_str()];
        // A few requests by key, or the queue by state (each the index that fits).
        let query = match only {
            Some(ids) => requests::table.filter(requests::id.eq_any(ids)).into_boxed(),
            None => requests::table.filter(requests::state.eq_any(on_queue)).into_boxed(),
        };
        let rows: Vec<R> = query
            .select((
                requests::id,
                requests::agency_code,
                requests::state,
                requests::difficulty,
                requests::assignee,
                requests::dgpa_received_at,
                requests::wait_accumulated_seconds,
                requests::wait_since,
            ))
            .load(&mut *self.conn()?)?;
        rows.into_iter()
            .filter(|r| on_queue.contains(&r.2.as_str()))
            .map(|(id, agency_code, state, difficulty, assignee, received, acc, since)| {
                Ok(QueueRow {
                    id,
                    agency_code,
                    state: State::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("request {id} state {state}")))?,
                    difficulty,
                    assignee,
                    received_at: received.map(from_db),
                    wait: WaitClock { accumulated_seconds: acc, since: since.map(from_db) },
                })
            })
            .collect()
    }

    /// Work DGPA accepted since `since` (of the requests `only`, when given).
    pub fn accepted_work(&self, since: DateTime<Utc>, only: Option<&[RequestId]>) -> StoreResult<Vec<AcceptedRow>> {
        let joined = request_events::table.inner_join(requests::table.on(requests::id.eq(request_events::request_id)));
        let columns = (requests::id, requests::agency_code, request_events::kind, request_events::at, requests::difficulty);
        let rows: Vec<(RequestId, AgencyCode, String, NaiveDateTime, Option<i32>)> = match only {
            // A few requests' events by their key (request, seq), kind and time checked
            // below: given the kind in SQL, SQLite would scan every acceptance instead.
            Some(ids) => joined.filter(request_events::request_id.eq_any(ids)).select(columns).load(&mut *self.conn()?)?,
            None => joined
                .filter(request_events::kind.eq("dgpa_accepted").and(request_events::at.ge(to_db(since))))
                .select(columns)
                .load(&mut *self.conn()?)?,
        };
        let since = to_db(since);
        Ok(rows
            .into_iter()
            .filter(|(_, _, kind, at, _)| kind == "dgpa_accepted" && *at >= since)
            .filter_map(|(request, agency_code, _, at, d)| {
                d.map(|difficulty| AcceptedRow { request, agency_code, accepted_at: from_db(at), difficulty })
            })
            .collect())
    }

    /// How many requests DGPA took into production since `since`.
    pub fn taken_since(&self, since: DateTime<Utc>) -> StoreResult<i64> {
        Ok(request_events::table
            .filter(request_events::kind.eq("taken").and(request_events::at.ge(to_db(since))))
            .count()
            .get_result(&mut *self.conn()?)?)
    }

    /// The stored queue settings, if DGPA ever changed the defaults.
    pub fn queue_settings(&self) -> StoreResult<Option<SettingsRow>> {
        let row: Option<(String, i64, Option<UserId>, NaiveDateTime)> = queue_settings::table
            .find(1)
            .select((queue_settings::settings, queue_settings::version, queue_settings::updated_by, queue_settings::updated_at))
            .first(&mut *self.conn()?)
            .optional()?;
        row.map(|(s, version, by, at)| {
            Ok(SettingsRow { settings: serde_json::from_str(&s)?, version, updated_by: by, updated_at: from_db(at) })
        })
        .transpose()
    }

    /// Replaces the settings if they are still at `expected_version` (0 = never
    /// stored), and records the change with who and when, in one transaction.
    pub fn put_queue_settings(
        &self,
        settings: &serde_json::Value,
        expected_version: i64,
        actor: UserId,
        audit: &crate::AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<SettingsRow> {
        let text = serde_json::to_string(settings)?;
        self.write_tx(|c| {
            let current: Option<i64> = queue_settings::table.find(1).select(queue_settings::version).first(c).optional()?;
            if current.unwrap_or(0) != expected_version {
                return Err(StoreError::Conflict);
            }
            if current.is_some() {
                diesel::update(queue_settings::table.find(1).filter(queue_settings::version.eq(expected_version)))
                    .set((
                        queue_settings::settings.eq(&text),
                        queue_settings::version.eq(expected_version + 1),
                        queue_settings::updated_by.eq(Some(actor)),
                        queue_settings::updated_at.eq(to_db(now)),
                    ))
                    .execute(c)?;
            } else {
                diesel::insert_into(queue_settings::table)
                    .values((
                        queue_settings::id.eq(1),
                        queue_settings::settings.eq(&text),
                        queue_settings::version.eq(1i64),
                        queue_settings::updated_by.eq(Some(actor)),
                        queue_settings::updated_at.eq(to_db(now)),
                    ))
                    .execute(c)?;
            }
            diesel::insert_into(queue_settings_history::table)
                .values((
                    queue_settings_history::settings.eq(&text),
                    queue_settings_history::changed_by.eq(actor),
                    queue_settings_history::changed_at.eq(to_db(now)),
                ))
                .execute(c)?;
            crate::audit::append(c, audit, "settings.queue_changed", None, settings, now)
        })?;
        self.queue_settings()?.ok_or(StoreError::NotFound)
    }

    /// Every settings change, newest first.
    pub fn queue_settings_history(&self) -> StoreResult<Vec<SettingsChange>> {
        let rows: Vec<(i64, String, UserId, NaiveDateTime)> = queue_settings_history::table
            .order(queue_settings_history::id.desc())
            .select((
                queue_settings_history::id,
                queue_settings_history::settings,
                queue_settings_history::changed_by,
                queue_settings_history::changed_at,
            ))
            .load(&mut *self.conn()?)?;
        rows.into_iter()
            .map(|(id, s, by, at)| Ok(SettingsChange { id, settings: serde_json::from_str(&s)?, changed_by: by, changed_at: from_db(at) }))
            .collect()
    }
}

/// A submitted request for statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRow {
    pub id: RequestId,
    pub agency_code: AgencyCode,
    pub state: State,
    pub first_submitted_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub wait: WaitClock,
}

/// A return or rejection, for statistics ([`Store::outcome_events`]).
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeEventRow {
    pub request_id: RequestId,
    pub kind: String,
    pub data: serde_json::Value,
    pub first_submitted_at: DateTime<Utc>,
}

impl Store {
    /// Every request ever submitted, with its first submission.
    pub fn stats_rows(&self) -> StoreResult<Vec<StatsRow>> {
        use crate::schema::request_revisions;
        type R = (RequestId, AgencyCode, String, NaiveDateTime, Option<NaiveDateTime>, i64, Option<NaiveDateTime>);
        let rows: Vec<R> = requests::table
            .inner_join(request_revisions::table.on(request_revisions::request_id.eq(requests::id).and(request_revisions::number.eq(1))))
            .select((
                requests::id,
                requests::agency_code,
                requests::state,
                request_revisions::submitted_at,
                requests::delivered_at,
                requests::wait_accumulated_seconds,
                requests::wait_since,
            ))
            .load(&mut *self.conn()?)?;
        rows.into_iter()
            .map(|(id, agency_code, state, first, delivered, acc, since)| {
                Ok(StatsRow {
                    id,
                    agency_code,
                    state: State::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("state {state}")))?,
                    first_submitted_at: from_db(first),
                    delivered_at: delivered.map(from_db),
                    wait: WaitClock { accumulated_seconds: acc, since: since.map(from_db) },
                })
            })
            .collect()
    }

    /// Every event of these kinds (returns and rejections), with its request, its
    /// details (`data`, e.g. DGPA's reason code) and the request's first submission.
    pub fn outcome_events(&self, kinds: &[&str]) -> StoreResult<Vec<OutcomeEventRow>> {
        use crate::schema::request_revisions;
        let rows: Vec<(RequestId, String, String, NaiveDateTime)> = request_events::table
            .inner_join(
                request_revisions::table
                    .on(request_revisions::request_id.eq(request_events::request_id).and(request_revisions::number.eq(1))),
            )
            .filter(request_events::kind.eq_any(kinds))
            .select((request_events::request_id, request_events::kind, request_events::data, request_revisions::submitted_at))
            .load(&mut *self.conn()?)?;
        rows.into_iter()
            .map(|(request_id, kind, data, first)| {
                Ok(OutcomeEventRow { request_id, kind, data: serde_json::from_str(&data)?, first_submitted_at: from_db(first) })
            })
            .collect()
    }
}
