//! Retention extensions (rule 6): an office asks to keep delivered personal data
//! longer; DGPA approves or refuses; approved days move the destroy-by date.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::{EventKind, RequestId, State, UserId};

use crate::audit::append;
use crate::schema::{requests, retention_extensions};
use crate::timeline::insert_event;
use crate::{from_db, to_db, AuditContext, Store, StoreError, StoreResult};

/// One question to keep the data longer, with DGPA's answer once given.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtensionRow {
    pub id: i64,
    pub request_id: RequestId,
    pub days: u32,
    pub reason: String,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    /// `approved` or `refused`; none while it waits.
    pub decision: Option<String>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
}

/// A row as stored: every column of `retention_extensions`, in the table's order.
type Tuple = (i64, i64, i32, String, UserId, NaiveDateTime, Option<String>, Option<UserId>, Option<NaiveDateTime>, Option<String>);

fn row(t: Tuple) -> ExtensionRow {
    ExtensionRow {
        id: t.0,
        request_id: RequestId(t.1),
        days: t.2.max(0) as u32,
        reason: t.3,
        requested_by: t.4,
        requested_at: from_db(t.5),
        decision: t.6,
        decided_by: t.7,
        decided_at: t.8.map(from_db),
        comment: t.9,
    }
}

impl Store {
    /// A request's extensions, oldest first.
    pub fn retention_extensions(&self, request_id: RequestId) -> StoreResult<Vec<ExtensionRow>> {
        let rows: Vec<Tuple> = retention_extensions::table
            .filter(retention_extensions::request_id.eq(request_id))
            .order(retention_extensions::id.asc())
            .select(retention_extensions::all_columns)
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(row).collect())
    }

    /// Files a question to keep the data `days` longer; [`StoreError::Conflict`] when
    /// another is already waiting (checked in the transaction, the request locked).
    pub fn request_retention_extension(
        &self,
        request_id: RequestId,
        days: u32,
        reason: &str,
        by: UserId,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<ExtensionRow> {
        let id = self.write_tx(|c| {
            let raw = crate::requests::lock_request(c, request_id)?;
            let state = State::parse(&raw).ok_or(StoreError::Corrupt(raw))?;
            // The destruction may have been recorded since the request was read.
            if state != State::Delivered {
                return Err(StoreError::NotInState(State::Delivered.as_str().into()));
            }
            let waiting: i64 = retention_extensions::table
                .filter(retention_extensions::request_id.eq(request_id).and(retention_extensions::decision.is_null()))
                .count()
                .get_result(c)?;
            if waiting > 0 {
                return Err(StoreError::Conflict);
            }
            let id = diesel::insert_into(retention_extensions::table)
                .values((
                    retention_extensions::request_id.eq(request_id),
                    retention_extensions::days.eq(days as i32),
                    retention_extensions::reason.eq(reason),
                    retention_extensions::requested_by.eq(by),
                    retention_extensions::requested_at.eq(to_db(now)),
                ))
                .returning(retention_extensions::id)
                .get_result::<i64>(c)?;
            let data = serde_json::json!({"extension": id, "days": days});
            insert_event(c, request_id, EventKind::ExtensionRequested, Some(state), state, by, Some(reason), &data, now)?;
            crate::requests::touch(c, request_id, now)?;
            let detail = serde_json::json!({"extension": id, "days": days, "reason": reason});
            append(c, audit, "retention.extension_requested", Some(request_id), &detail, now)?;
            Ok(id)
        })?;
        let t: Tuple = retention_extensions::table.find(id).select(retention_extensions::all_columns).first(&mut *self.conn()?)?;
        Ok(row(t))
    }

    /// DGPA's answer to the waiting extension of a request; an approval adds its days
    /// to the request's retention (and a new version). [`StoreError::Conflict`] when
    /// none waits or the request is no longer at `expected_version`.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_retention_extension(
        &self,
        request_id: RequestId,
        expected_version: i64,
        approve: bool,
        comment: Option<&str>,
        by: UserId,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<ExtensionRow> {
        let id = self.write_tx(|c| {
            let waiting: Option<(i64, i32)> = retention_extensions::table
                .filter(retention_extensions::request_id.eq(request_id).and(retention_extensions::decision.is_null()))
                .select((retention_extensions::id, retention_extensions::days))
                .first(c)
                .optional()?;
            let Some((id, days)) = waiting else { return Err(StoreError::Conflict) };
            let decision = if approve { "approved" } else { "refused" };
            diesel::update(retention_extensions::table.find(id).filter(retention_extensions::decision.is_null()))
                .set((
                    retention_extensions::decision.eq(Some(decision)),
                    retention_extensions::decided_by.eq(Some(by)),
                    retention_extensions::decided_at.eq(Some(to_db(now))),
                    retention_extensions::comment.eq(comment),
                ))
                .execute(c)?;
            let extra: i32 = if approve { days } else { 0 };
            let n = diesel::update(requests::table.find(request_id).filter(requests::version.eq(expected_version)))
                .set((
                    requests::retention_extra_days.eq(requests::retention_extra_days + extra),
                    requests::version.eq(expected_version + 1),
                    requests::updated_at.eq(to_db(now)),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            let raw: String = requests::table.find(request_id).select(requests::state).first(c)?;
            let state = State::parse(&raw).ok_or(StoreError::Corrupt(raw))?;
            let kind = if approve { EventKind::ExtensionApproved } else { EventKind::ExtensionRefused };
            let data = serde_json::json!({"extension": id, "days": days});
            insert_event(c, request_id, kind, Some(state), state, by, comment, &data, now)?;
            let detail = serde_json::json!({"extension": id, "decision": decision, "days": days, "comment": comment});
            append(c, audit, "retention.extension_decided", Some(request_id), &detail, now)?;
            Ok(id)
        })?;
        let t: Tuple = retention_extensions::table.find(id).select(retention_extensions::all_columns).first(&mut *self.conn()?)?;
        Ok(row(t))
    }
}

/// Inside the destruction transition: a question still waiting lapses (the data is
/// gone; nothing is left to keep), answered by the destruction's author.
pub(crate) fn lapse_waiting(c: &mut crate::DbConnection, request_id: RequestId, by: UserId, now: DateTime<Utc>) -> StoreResult<usize> {
    Ok(diesel::update(
        retention_extensions::table.filter(retention_extensions::request_id.eq(request_id).and(retention_extensions::decision.is_null())),
    )
    .set((
        retention_extensions::decision.eq(Some("lapsed")),
        retention_extensions::decided_by.eq(Some(by)),
        retention_extensions::decided_at.eq(Some(to_db(now))),
    ))
    .execute(c)?)
}
