//! Requests: created, edited, listed and moved through their lifecycle (their
//! timelines and revisions are in `timeline`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::queue::WaitClock;
use statreq_domain::{AgencyCode, EventKind, Outcome, RequestId, State, UserId};

use crate::audit::AuditContext;
use crate::schema::{request_revisions, requests};
use crate::timeline::insert_event;
use crate::{from_db, to_db, Store, StoreError, StoreResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = requests)]
struct Row {
    id: RequestId,
    agency_code: AgencyCode,
    created_by: UserId,
    state: String,
    version: i64,
    application: String,
    revision: i32,
    difficulty: Option<i32>,
    assignee: Option<UserId>,
    reply: Option<String>,
    destruction: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    submitted_at: Option<NaiveDateTime>,
    dgpa_received_at: Option<NaiveDateTime>,
    delivered_at: Option<NaiveDateTime>,
    wait_accumulated_seconds: i64,
    wait_since: Option<NaiveDateTime>,
    external_system: Option<String>,
    external_ref: Option<String>,
    retention_extra_days: i32,
    channel: String,
}

/// A request as stored. The application is kept as JSON, exactly as submitted, and
/// read back as the domain's `Application`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRow {
    pub id: RequestId,
    pub agency_code: AgencyCode,
    pub created_by: UserId,
    pub state: State,
    pub version: i64,
    pub application: statreq_domain::Application,
    pub revision: i32,
    pub difficulty: Option<i32>,
    pub assignee: Option<UserId>,
    pub reply: Option<String>,
    /// `{destroyed_on, method, recorded_by, recorded_at}` once recorded (rule 6).
    pub destruction: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub dgpa_received_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Time with DGPA, paused while back with the applicant (rule 5.3).
    pub wait: WaitClock,
    /// The creating system's own reference, unique per system.
    pub external_ref: Option<String>,
    /// Which system's namespace `external_ref` is in (a token issuer or an account).
    pub external_system: Option<String>,
    /// Days of retention DGPA added to the applicant's own (rule 6).
    pub retention_extra_days: u32,
    /// `web`, or `paper` / `email` for an application DGPA registered (rule 5.2).
    pub channel: String,
}

impl TryFrom<Row> for RequestRow {
    type Error = StoreError;

    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(RequestRow {
            id: r.id,
            agency_code: r.agency_code,
            created_by: r.created_by,
            state: State::parse(&r.state).ok_or_else(|| StoreError::Corrupt(format!("request {} has unknown state {}", r.id, r.state)))?,
            version: r.version,
            application: serde_json::from_str(&r.application)?,
            revision: r.revision,
            difficulty: r.difficulty,
            assignee: r.assignee,
            reply: r.reply,
            destruction: r.destruction.as_deref().map(serde_json::from_str).transpose()?,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
            submitted_at: r.submitted_at.map(from_db),
            dgpa_received_at: r.dgpa_received_at.map(from_db),
            delivered_at: r.delivered_at.map(from_db),
            wait: WaitClock { accumulated_seconds: r.wait_accumulated_seconds, since: r.wait_since.map(from_db) },
            external_ref: r.external_ref,
            external_system: r.external_system,
            retention_extra_days: r.retention_extra_days.max(0) as u32,
            channel: r.channel,
        })
    }
}

/// Which requests a caller may list (computed from the domain's visibility rule).
#[derive(Debug, Clone)]
pub struct ListFilter {
    /// The caller's own agency: every state.
    pub own_agency: Option<AgencyCode>,
    /// Agencies the caller supervises: once submitted.
    pub supervised: Vec<AgencyCode>,
    /// DGPA: every submitted request.
    pub all_submitted: bool,
    /// Only requests in one of these states (any when empty).
    pub states: Vec<State>,
    /// Words the applicant wrote (reason, description, conditions), or the request number.
    pub text: Option<String>,
    /// Only requests of these agencies (any when `None`).
    pub agencies: Option<Vec<AgencyCode>>,
    /// Only requests assigned to this DGPA officer.
    pub assignee: Option<UserId>,
    /// Submitted (first or again) at or after, and before.
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_before: Option<DateTime<Utc>>,
    /// Changed (any transition, edit or correction) at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
    /// Whether the application declares personal data.
    pub personal: Option<bool>,
    /// The order: newest first (the default, paged by `before`), or by a column, paged
    /// by `offset`.
    pub sort: ListSort,
    pub offset: i64,
    /// With [`ListSort::Updated`]: only requests after this one in that order (its
    /// change time as stored, and its id) — the next page from where the last ended, so
    /// that a request changing meanwhile shifts no other past the reader.
    pub after_change: Option<(DateTime<Utc>, RequestId)>,
    /// Only these requests (`Some`), or none of these (`exclude`), e.g. the overdue ones.
    pub ids: Option<Vec<RequestId>>,
    pub exclude_ids: Vec<RequestId>,
    /// The last id of the previous page (lists are newest first).
    pub before: Option<RequestId>,
    /// Only the request with this (system, reference).
    pub external: Option<(String, String)>,
    pub limit: i64,
}

/// What a search reads of an application: the applicant's own words, lower-cased.
pub(crate) fn search_text(application: &serde_json::Value) -> String {
    let at = |pointer: &str| application.pointer(pointer).and_then(|v| v.as_str()).unwrap_or_default();
    [at("/reason"), at("/requirement/description"), at("/requirement/conditions")].join("\n").to_lowercase()
}

pub(crate) fn declares_personal(application: &serde_json::Value) -> bool {
    application.pointer("/personal_data/contains").and_then(|v| v.as_bool()) == Some(true)
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListSort {
    Newest,
    Updated { descending: bool },
    Submitted { descending: bool },
}

impl Default for ListFilter {
    fn default() -> Self {
        ListFilter {
            own_agency: None,
            supervised: Vec::new(),
            all_submitted: false,
            states: Vec::new(),
            text: None,
            agencies: None,
            assignee: None,
            submitted_from: None,
            submitted_before: None,
            updated_since: None,
            personal: None,
            ids: None,
            exclude_ids: Vec::new(),
            sort: ListSort::Newest,
            offset: 0,
            after_change: None,
            before: None,
            external: None,
            limit: 50,
        }
    }
}

/// Up to this many agencies are bound one by one (`IN (?, …)`); more go as one JSON
/// array: SQLite takes at most 32,766 bound values in a statement, and a subtree of the
/// agency tree (DGPA's whole tree, or a large ministry's) may hold more agencies.
const BOUND_ONE_BY_ONE: usize = 1_000;

type Condition = Box<dyn BoxableExpression<requests::table, crate::conn::MultiBackend, SqlType = diesel::sql_types::Bool>>;

/// `requests.agency_code` is one of `codes`, however many.
fn agency_among(backend: crate::Backend, codes: &[AgencyCode]) -> Condition {
    if codes.len() <= BOUND_ONE_BY_ONE {
        return Box::new(requests::agency_code.eq_any(codes.to_vec()));
    }
    let json = serde_json::Value::from(codes.iter().map(|c| c.as_str()).collect::<Vec<_>>()).to_string();
    let (before, after) = match backend {
        crate::Backend::Sqlite => ("requests.agency_code IN (SELECT value FROM json_each(", "))"),
        crate::Backend::Postgres => ("requests.agency_code IN (SELECT jsonb_array_elements_text(", "::jsonb))"),
    };
    Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>(before).bind::<diesel::sql_types::Text, _>(json).sql(after))
}

/// `requests.id` is (or, `among` false, is not) one of `ids`, however many: the
/// overdue requests a list is narrowed to, or narrowed to leave out, are as many as the
/// queue and the deliveries hold.
fn id_among(backend: crate::Backend, ids: &[RequestId], among: bool) -> Condition {
    if ids.len() <= BOUND_ONE_BY_ONE {
        return match among {
            true => Box::new(requests::id.eq_any(ids.to_vec())),
            false => Box::new(requests::id.ne_all(ids.to_vec())),
        };
    }
    let json = serde_json::Value::from(ids.iter().map(|id| id.0).collect::<Vec<_>>()).to_string();
    let not = if among { "" } else { "NOT " };
    let (before, after) = match backend {
        crate::Backend::Sqlite => (format!("requests.id {not}IN (SELECT value FROM json_each("), "))"),
        crate::Backend::Postgres => (format!("requests.id {not}IN (SELECT jsonb_array_elements_text("), "::jsonb)::bigint)"),
    };
    Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>(&before).bind::<diesel::sql_types::Text, _>(json).sql(after))
}

/// Narrows a query of `requests` to what a [`ListFilter`]'s caller may see (the SQL side
/// of `lifecycle::can_view`): its own agency's in every state, and once submitted, the
/// agencies it supervises' (or every agency's, DGPA).
macro_rules! visible_to {
    ($q:expr, $f:expr, $backend:expr) => {{
        let (q, f) = ($q, $f);
        if !f.all_submitted {
            let supervised = agency_among($backend, &f.supervised).and(requests::revision.gt(0));
            match f.own_agency.clone() {
                Some(own) => q.filter(requests::agency_code.eq(own).or(supervised)),
                None => q.filter(supervised),
            }
        } else if let Some(own) = f.own_agency.clone() {
            q.filter(requests::agency_code.eq(own).or(requests::revision.gt(0)))
        } else {
            q.filter(requests::revision.gt(0))
        }
    }};
}

/// `$q` narrowed to what a [`ListFilter`] selects besides visibility and paging: its
/// states, words, agencies, officer, days, personal data and ids. The list and the
/// counts narrow alike, so that a state's count is that list's length.
macro_rules! narrowed_by {
    ($q:expr, $f:expr, $backend:expr) => {{
        let (mut q, f) = ($q, $f);
        if !f.states.is_empty() {
            q = q.filter(requests::state.eq_any(f.states.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            // However either side wrote them: full-width or ASCII letters and digits.
            let number = statreq_domain::values::search_fold(text).trim_start_matches('#').parse::<i64>();
            let [half, typed, full] = crate::like_forms(text);
            let like = |p: String| requests::search_text.like(p).escape('\\');
            let words = like(half).or(like(typed)).or(like(full));
            // A number (optionally `#12`, or full-width) is a request number, not words.
            q = match number {
                Ok(id) => q.filter(requests::id.eq(RequestId(id))),
                Err(_) => q.filter(words),
            };
        }
        if let Some(agencies) = f.agencies.as_deref() {
            q = q.filter(agency_among($backend, agencies));
        }
        if let Some(assignee) = f.assignee {
            q = q.filter(requests::assignee.eq(assignee));
        }
        if let Some(from) = f.submitted_from {
            q = q.filter(requests::submitted_at.ge(to_db(from)));
        }
        if let Some(before) = f.submitted_before {
            q = q.filter(requests::submitted_at.lt(to_db(before)));
        }
        if let Some(since) = f.updated_since {
            q = q.filter(requests::updated_at.ge(to_db(since)));
        }
        if let Some(personal) = f.personal {
            q = q.filter(requests::personal.eq(personal));
        }
        if let Some(ids) = f.ids.as_deref() {
            q = q.filter(id_among($backend, ids, true));
        }
        if !f.exclude_ids.is_empty() {
            q = q.filter(id_among($backend, &f.exclude_ids, false));
        }
        if let Some((system, reference)) = f.external.clone() {
            q = q.filter(requests::external_system.eq(system).and(requests::external_ref.eq(reference)));
        }
        q
    }};
}

/// How many requests of one agency, in one state, with one number of submissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCount {
    pub agency_code: AgencyCode,
    pub state: State,
    pub revision: i32,
    pub count: i64,
}

impl Store {
    /// How many requests the filter selects (its visibility and every narrowing; its
    /// order, paging and limit do not count), by agency, state and submissions: enough
    /// for the caller's own check of each (`lifecycle::can_view`).
    pub fn count_requests(&self, f: &ListFilter) -> StoreResult<Vec<RequestCount>> {
        let q = requests::table
            .group_by((requests::agency_code, requests::state, requests::revision))
            .select((requests::agency_code, requests::state, requests::revision, diesel::dsl::count_star()))
            .into_boxed();
        let rows: Vec<(AgencyCode, String, i32, i64)> =
            narrowed_by!(visible_to!(q, f, self.backend()), f, self.backend()).load(&mut *self.conn()?)?;
        rows.into_iter()
            .map(|(agency_code, state, revision, count)| {
                let state = State::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("request state {state}")))?;
                Ok(RequestCount { agency_code, state, revision, count })
            })
            .collect()
    }

    /// Creates a draft and its `created` event (audited as its author's, from nowhere in
    /// particular: for seeds and tests; the API gives its caller's context).
    pub fn create_request(
        &self,
        agency_code: &AgencyCode,
        created_by: UserId,
        application: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<RequestRow> {
        let audit = AuditContext { actor_id: Some(created_by), actor_agency: Some(agency_code.clone()), client_addr: None };
        self.create_request_with_ref(agency_code, created_by, application, None, i64::MAX, &audit, now)
    }

    /// Creates a draft carrying a system's `(system, reference)`; a reference already
    /// used by that system is [`StoreError::Duplicate`]. A user holding `max_drafts`
    /// drafts already gets [`StoreError::LimitReached`] (counted in the transaction).
    #[allow(clippy::too_many_arguments)]
    pub fn create_request_with_ref(
        &self,
        agency_code: &AgencyCode,
        created_by: UserId,
        application: &serde_json::Value,
        external: Option<(&str, &str)>,
        max_drafts: i64,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<RequestRow> {
        let app = serde_json::to_string(application)?;
        let (system, reference) = external.unzip();
        let id = self.write_tx(|c| {
            if max_drafts < i64::MAX {
                // Concurrent creations count in turn.
                crate::users::lock_account(c, created_by)?;
                let drafts: i64 = requests::table
                    .filter(requests::created_by.eq(created_by).and(requests::state.eq(State::Draft.as_str())))
                    .count()
                    .get_result(c)?;
                if drafts >= max_drafts {
                    return Err(StoreError::LimitReached);
                }
            }
            let id = diesel::insert_into(requests::table)
                .values((
                    requests::external_system.eq(system),
                    requests::external_ref.eq(reference),
                    requests::agency_code.eq(agency_code),
                    requests::created_by.eq(created_by),
                    requests::state.eq(State::Draft.as_str()),
                    requests::version.eq(1i64),
                    requests::application.eq(&app),
                    requests::search_text.eq(search_text(application)),
                    requests::personal.eq(declares_personal(application)),
                    requests::revision.eq(0),
                    requests::created_at.eq(to_db(now)),
                    requests::updated_at.eq(to_db(now)),
                ))
                .returning(requests::id)
                .get_result::<RequestId>(c)?;
            insert_event(c, id, EventKind::Created, None, State::Draft, created_by, None, &serde_json::Value::Null, now)?;
            let detail = serde_json::json!({"agency": agency_code, "external_system": system, "external_ref": reference});
            crate::audit::append(c, audit, "request.created", Some(id), &detail, now)?;
            Ok(id)
        })?;
        request_by_id(&mut *self.conn()?, id)
    }

    pub fn get_request(&self, id: RequestId) -> StoreResult<RequestRow> {
        request_by_id(&mut *self.conn()?, id)
    }

    /// Every request that has been delivered (delivered or closed since), as
    /// (id, agency code): the candidates of similar-request suggestions.
    pub fn delivered_requests(&self) -> StoreResult<Vec<(RequestId, AgencyCode)>> {
        Ok(requests::table
            .filter(requests::delivered_at.is_not_null())
            .filter(requests::state.eq_any([State::Delivered.as_str(), State::Closed.as_str()]))
            .order(requests::id.asc())
            .select((requests::id, requests::agency_code))
            .load(&mut *self.conn()?)?)
    }

    /// The applications of these requests, as stored JSON, by id.
    pub fn applications_of(&self, ids: &[RequestId]) -> StoreResult<Vec<(RequestId, serde_json::Value)>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let rows: Vec<(RequestId, String)> = requests::table
                .filter(requests::id.eq_any(chunk))
                .select((requests::id, requests::application))
                .load(&mut *self.conn()?)?;
            for (id, text) in rows {
                out.push((id, serde_json::from_str(&text)?));
            }
        }
        Ok(out)
    }

    pub fn list_requests(&self, f: &ListFilter) -> StoreResult<Vec<RequestRow>> {
        let mut q = requests::table.select(Row::as_select()).limit(f.limit).into_boxed();
        q = match f.sort {
            ListSort::Newest => q.order(requests::id.desc()),
            ListSort::Updated { descending: true } => q.order((requests::updated_at.desc(), requests::id.desc())),
            ListSort::Updated { descending: false } => q.order((requests::updated_at.asc(), requests::id.asc())),
            // Never submitted (drafts) last either way: the databases put an empty
            // submission at opposite ends.
            ListSort::Submitted { descending: true } => {
                q.order((requests::submitted_at.is_null().asc(), requests::submitted_at.desc(), requests::id.desc()))
            }
            ListSort::Submitted { descending: false } => {
                q.order((requests::submitted_at.is_null().asc(), requests::submitted_at.asc(), requests::id.asc()))
            }
        };
        if f.offset > 0 {
            q = q.offset(f.offset);
        }
        if let (Some((at, id)), ListSort::Updated { descending }) = (f.after_change, f.sort) {
            let at = to_db(at);
            q = if descending {
                q.filter(requests::updated_at.lt(at).or(requests::updated_at.eq(at).and(requests::id.lt(id))))
            } else {
                q.filter(requests::updated_at.gt(at).or(requests::updated_at.eq(at).and(requests::id.gt(id))))
            };
        }
        if let Some(before) = f.before {
            q = q.filter(requests::id.lt(before));
        }
        q = narrowed_by!(visible_to!(q, f, self.backend()), f, self.backend());
        q.load(&mut *self.conn()?)?.into_iter().map(RequestRow::try_from).collect()
    }

    /// Replaces the application of a draft or returned request (optimistic concurrency);
    /// the audit trail names the values that changed (pointers, not the values).
    pub fn update_application(
        &self,
        id: RequestId,
        expected_version: i64,
        application: &serde_json::Value,
        actor: UserId,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<RequestRow> {
        let app = serde_json::to_string(application)?;
        self.write_tx(|c| {
            let (state, before): (String, String) = requests::table.find(id).select((requests::state, requests::application)).first(c)?;
            let n = diesel::update(requests::table.find(id).filter(requests::version.eq(expected_version)))
                .set((
                    requests::application.eq(&app),
                    requests::search_text.eq(search_text(application)),
                    requests::personal.eq(declares_personal(application)),
                    requests::version.eq(expected_version + 1),
                    requests::updated_at.eq(to_db(now)),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            let state = State::parse(&state).ok_or_else(|| StoreError::Corrupt(state.clone()))?;
            insert_event(c, id, EventKind::Edited, Some(state), state, actor, None, &serde_json::Value::Null, now)?;
            let before: serde_json::Value = serde_json::from_str(&before)?;
            let changed: Vec<String> = statreq_domain::diff::changes(&before, application).into_iter().map(|ch| ch.pointer).collect();
            let detail = serde_json::json!({"version": expected_version + 1, "state": state.as_str(), "changed": changed});
            crate::audit::append(c, audit, "request.edited", Some(id), &detail, now)
        })?;
        request_by_id(&mut *self.conn()?, id)
    }

    /// Writes a decided transition: the new state, its event and (on submission) a
    /// frozen revision, in one transaction, only if the request is still at
    /// `expected_version` in state `from`; otherwise [`StoreError::Conflict`].
    #[allow(clippy::too_many_arguments)]
    pub fn apply_transition(
        &self,
        id: RequestId,
        expected_version: i64,
        from: State,
        outcome: &Outcome,
        actor: UserId,
        audit: &crate::AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<RequestRow> {
        self.write_tx(|c| {
            let cur: Row = requests::table.find(id).select(Row::as_select()).first(c)?;
            if cur.version != expected_version || cur.state != from.as_str() {
                return Err(StoreError::Conflict);
            }
            let ts = to_db(now);
            let revision = if outcome.freeze_revision { cur.revision + 1 } else { cur.revision };
            let submitted_at = if outcome.event == EventKind::Submitted { Some(ts) } else { cur.submitted_at };
            let dgpa_received_at = match outcome.event {
                EventKind::SupervisorApproved => cur.dgpa_received_at.or(Some(ts)),
                _ => cur.dgpa_received_at,
            };
            let (reply, delivered_at) = match outcome.event {
                EventKind::Delivered => (outcome.comment.clone(), Some(ts)),
                _ => (cur.reply, cur.delivered_at),
            };
            let destruction = match outcome.event {
                EventKind::DestructionRecorded => {
                    let mut d = outcome.data.clone();
                    if let Some(obj) = d.as_object_mut() {
                        obj.insert("recorded_by".into(), actor.0.into());
                        obj.insert("recorded_at".into(), serde_json::to_value(now)?);
                    }
                    Some(serde_json::to_string(&d)?)
                }
                _ => cur.destruction,
            };
            // Work sent back or refused is nobody's any more; a new acceptance starts afresh.
            let assignee = match outcome.event {
                EventKind::DgpaReturned | EventKind::DgpaRejected => None,
                _ => outcome.assignee.or(cur.assignee),
            };
            let clock = WaitClock { accumulated_seconds: cur.wait_accumulated_seconds, since: cur.wait_since.map(from_db) }
                .on_transition(from, outcome.to, now);
            let n = diesel::update(requests::table.find(id).filter(requests::version.eq(expected_version)))
                .set((
                    requests::wait_accumulated_seconds.eq(clock.accumulated_seconds),
                    requests::wait_since.eq(clock.since.map(to_db)),
                    requests::state.eq(outcome.to.as_str()),
                    requests::version.eq(expected_version + 1),
                    requests::revision.eq(revision),
                    requests::difficulty.eq(outcome.difficulty.map(|d| i32::from(d.get())).or(cur.difficulty)),
                    requests::assignee.eq(assignee),
                    requests::reply.eq(reply),
                    requests::destruction.eq(destruction),
                    requests::updated_at.eq(ts),
                    requests::submitted_at.eq(submitted_at),
                    requests::dgpa_received_at.eq(dgpa_received_at),
                    requests::delivered_at.eq(delivered_at),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            // DGPA's amendment (personal data found) replaces the stored application;
            // the frozen revisions keep what the applicant submitted.
            if let Some(app) = outcome.amended.as_ref().map(serde_json::to_value).transpose()? {
                diesel::update(requests::table.find(id))
                    .set((
                        requests::application.eq(serde_json::to_string(&app)?),
                        requests::search_text.eq(search_text(&app)),
                        requests::personal.eq(declares_personal(&app)),
                    ))
                    .execute(c)?;
            }
            if outcome.freeze_revision {
                diesel::insert_into(request_revisions::table)
                    .values((
                        request_revisions::request_id.eq(id),
                        request_revisions::number.eq(revision),
                        request_revisions::application.eq(&cur.application),
                        request_revisions::submitted_by.eq(actor),
                        request_revisions::submitted_at.eq(ts),
                    ))
                    .execute(c)?;
            }
            match outcome.event {
                EventKind::Delivered => {
                    // Counted here, not before: an upload racing the delivery is
                    // either in this count or refused (it finds the request delivered).
                    let unapproved = crate::deliveries::unapproved(c, id)?;
                    if unapproved > 0 {
                        return Err(StoreError::UnapprovedFiles(unapproved));
                    }
                    crate::deliveries::publish(c, id, now)?;
                }
                EventKind::DestructionRecorded => {
                    crate::deliveries::shred(c, id, now)?;
                    crate::retention::lapse_waiting(c, id, actor, now)?;
                }
                // Counted here too: an upload that read the data as not personal either
                // landed before (and is counted) or finds the marking and is refused.
                EventKind::MarkedPersonal if crate::deliveries::uploaded(c, id)? > 0 => {
                    return Err(StoreError::FilesUploaded);
                }
                _ => {}
            }
            // A request that ends keeps no applicant's files: their keys go with it.
            let attachments_shredded = if outcome.to.is_terminal() { crate::attachments::shred(c, id)? } else { 0 };
            insert_event(c, id, outcome.event, Some(from), outcome.to, actor, outcome.comment.as_deref(), &outcome.data, now)?;
            let detail = serde_json::json!({
                "from": from.as_str(),
                "to": outcome.to.as_str(),
                "comment": outcome.comment,
                "data": outcome.data,
                "attachments_shredded": attachments_shredded,
            });
            crate::audit::append(c, audit, &format!("request.{}", outcome.event.as_str()), Some(id), &detail, now)
        })?;
        request_by_id(&mut *self.conn()?, id)
    }
}

pub(crate) fn request_by_id(c: &mut crate::DbConnection, id: RequestId) -> StoreResult<RequestRow> {
    requests::table.find(id).select(Row::as_select()).first(c)?.try_into()
}

/// A step on the timeline that leaves the state (a message, DGPA's work on a file), or
/// an attachment added or removed, still changes the request: `updated_since` finds it. The version stays (nothing an
/// `If-Match` guards changed).
pub(crate) fn touch(c: &mut crate::DbConnection, id: RequestId, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(requests::table.find(id)).set(requests::updated_at.eq(to_db(now))).execute(c)?;
    Ok(())
}

/// Locks a request's row for the rest of the transaction (PostgreSQL; SQLite has one
/// writer) and answers its state, so that what is counted or checked per request —
/// attachments, result files, waiting extensions — is seen by concurrent transactions
/// one after the other, and a transition waits for the write (or the write for it).
pub(crate) fn lock_request(c: &mut crate::DbConnection, id: RequestId) -> StoreResult<String> {
    let q = requests::table.find(id).select(requests::state);
    Ok(match c {
        crate::DbConnection::Postgres(pg) => q.for_no_key_update().first::<String>(pg)?,
        crate::DbConnection::Sqlite(lite) => q.first::<String>(lite)?,
    })
}
