//! A request's timeline (its events, each step with who took it, for whom and when) and
//! its frozen revisions, as submitted.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::{AgencyCode, EventKind, RequestId, State, UserId};

use crate::requests::lock_request;
use crate::schema::{request_events, request_revisions, users};
use crate::{from_db, to_db, Store, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub request_id: RequestId,
    pub seq: i32,
    pub kind: EventKind,
    pub from_state: Option<State>,
    pub to_state: State,
    pub actor_id: UserId,
    /// The agency the actor belonged to when acting; `None` for events recorded before
    /// it was kept.
    pub actor_agency: Option<AgencyCode>,
    pub comment: Option<String>,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RevisionRow {
    pub number: i32,
    pub application: serde_json::Value,
    pub submitted_by: UserId,
    pub submitted_at: DateTime<Utc>,
}

impl Store {
    /// Who created, edited or submitted each of these requests (separation of
    /// duties), in one query for a page of requests.
    pub fn authors_of(&self, ids: &[RequestId]) -> StoreResult<std::collections::HashMap<RequestId, Vec<UserId>>> {
        let [created, edited, submitted] = [EventKind::Created, EventKind::Edited, EventKind::Submitted].map(EventKind::as_str);
        let mut out: std::collections::HashMap<RequestId, Vec<UserId>> = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let authors = request_events::table
                .filter(request_events::kind.eq(created).or(request_events::kind.eq(edited)).or(request_events::kind.eq(submitted)))
                .select((request_events::request_id, request_events::actor_id))
                .distinct();
            // One request as `=`: prepared once per connection (see `get_users`).
            let rows: Vec<(RequestId, UserId)> = match chunk {
                [one] => authors.filter(request_events::request_id.eq(*one)).load(&mut *self.conn()?)?,
                _ => authors.filter(request_events::request_id.eq_any(chunk)).load(&mut *self.conn()?)?,
            };
            for (request, actor) in rows {
                out.entry(request).or_default().push(actor);
            }
        }
        Ok(out)
    }

    pub fn list_events(&self, id: RequestId) -> StoreResult<Vec<EventRow>> {
        let rows: Vec<EventTuple> = request_events::table
            .filter(request_events::request_id.eq(id))
            .order(request_events::seq.asc())
            .select(EVENT_COLUMNS)
            .load(&mut *self.conn()?)?;
        rows.into_iter().map(event_row).collect()
    }

    pub fn list_revisions(&self, id: RequestId) -> StoreResult<Vec<RevisionRow>> {
        let rows: Vec<(i32, String, UserId, NaiveDateTime)> = request_revisions::table
            .filter(request_revisions::request_id.eq(id))
            .order(request_revisions::number.asc())
            .select((
                request_revisions::number,
                request_revisions::application,
                request_revisions::submitted_by,
                request_revisions::submitted_at,
            ))
            .load(&mut *self.conn()?)?;
        rows.into_iter()
            .map(|(number, app, by, at)| {
                Ok(RevisionRow { number, application: serde_json::from_str(&app)?, submitted_by: by, submitted_at: from_db(at) })
            })
            .collect()
    }
}

pub(crate) type EventTuple =
    (RequestId, i32, String, Option<String>, String, UserId, Option<AgencyCode>, Option<String>, String, NaiveDateTime);

pub(crate) const EVENT_COLUMNS: (
    request_events::request_id,
    request_events::seq,
    request_events::kind,
    request_events::from_state,
    request_events::to_state,
    request_events::actor_id,
    request_events::actor_agency,
    request_events::comment,
    request_events::data,
    request_events::at,
) = (
    request_events::request_id,
    request_events::seq,
    request_events::kind,
    request_events::from_state,
    request_events::to_state,
    request_events::actor_id,
    request_events::actor_agency,
    request_events::comment,
    request_events::data,
    request_events::at,
);

/// Decodes a stored event; unknown kinds or states are corrupt data, named.
pub(crate) fn event_row((request_id, seq, kind, from, to, actor_id, actor_agency, comment, data, at): EventTuple) -> StoreResult<EventRow> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("event {request_id}/{seq}: {what}"));
    Ok(EventRow {
        request_id,
        seq,
        kind: EventKind::parse(&kind).ok_or_else(|| corrupt(&kind))?,
        from_state: from.as_deref().map(|s| State::parse(s).ok_or_else(|| corrupt(s))).transpose()?,
        to_state: State::parse(&to).ok_or_else(|| corrupt(&to))?,
        actor_id,
        actor_agency,
        comment,
        data: serde_json::from_str(&data)?,
        at: from_db(at),
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_event(
    c: &mut crate::DbConnection,
    request_id: RequestId,
    kind: EventKind,
    from: Option<State>,
    to: State,
    actor: UserId,
    comment: Option<&str>,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    // The next place on the timeline is counted under the request's row lock: two
    // steps at once (a file approved while a transition lands) take places in turn
    // instead of the same one (a unique violation on PostgreSQL).
    lock_request(c, request_id)?;
    let last: Option<i32> =
        request_events::table.filter(request_events::request_id.eq(request_id)).select(diesel::dsl::max(request_events::seq)).first(c)?;
    // Whom the actor acted for is kept as it is now: the approving supervising agency
    // stays on the record when the actor or the agency moves later.
    let actor_agency: Option<AgencyCode> = users::table.find(actor).select(users::agency_code).first(c).optional()?;
    diesel::insert_into(request_events::table)
        .values((
            request_events::request_id.eq(request_id),
            request_events::seq.eq(last.unwrap_or(0) + 1),
            request_events::kind.eq(kind.as_str()),
            request_events::from_state.eq(from.map(State::as_str)),
            request_events::to_state.eq(to.as_str()),
            request_events::actor_id.eq(actor),
            request_events::actor_agency.eq(actor_agency),
            request_events::comment.eq(comment),
            request_events::data.eq(serde_json::to_string(data)?),
            request_events::at.eq(to_db(now)),
        ))
        .execute(c)?;
    Ok(())
}
