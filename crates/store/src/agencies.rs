//! The agency tree (機關): codes, supervising agency (`parent_code`), personnel staff.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use std::collections::HashMap;

use statreq_domain::lifecycle::{review_moved, ReviewMoved, TreeLinks};
use statreq_domain::{AgencyCode, EventKind, State};

use crate::schema::{agencies, requests};
use crate::{from_db, to_db, Store, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = agencies)]
struct Row {
    code: AgencyCode,
    name: String,
    parent_code: Option<AgencyCode>,
    personnel_staff: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRow {
    pub code: AgencyCode,
    pub name: String,
    pub parent_code: Option<AgencyCode>,
    pub personnel_staff: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by every change: the ETag an edit's `If-Match` is checked against.
    pub version: i64,
}

impl From<Row> for AgencyRow {
    fn from(r: Row) -> Self {
        AgencyRow {
            code: r.code,
            name: r.name,
            parent_code: r.parent_code,
            personnel_staff: r.personnel_staff,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
            version: r.version,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAgency {
    pub code: AgencyCode,
    pub name: String,
    pub parent_code: AgencyCode,
    pub personnel_staff: i32,
}

/// A change to an agency; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct AgencyUpsert {
    pub name: Option<String>,
    pub parent_code: Option<AgencyCode>,
    pub personnel_staff: Option<i32>,
}

impl Store {
    pub fn list_agencies(&self) -> StoreResult<Vec<AgencyRow>> {
        let rows = agencies::table.select(Row::as_select()).order(agencies::code.asc()).load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(AgencyRow::from).collect())
    }

    /// Up to `limit` agencies by code, from the `offset`-th: one page of the list
    /// without reading the whole tree (thousands of agencies, paged by 200).
    pub fn agencies_page(&self, offset: i64, limit: i64) -> StoreResult<Vec<AgencyRow>> {
        let rows = agencies::table
            .select(Row::as_select())
            .order(agencies::code.asc())
            .offset(offset.max(0))
            .limit(limit.max(0))
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(AgencyRow::from).collect())
    }

    pub fn get_agency(&self, code: &AgencyCode) -> StoreResult<AgencyRow> {
        agency_by_code(&mut *self.conn()?, code)
    }

    /// The agency and its ancestors, nearest first, ending at the root.
    pub fn agency_chain(&self, code: &AgencyCode) -> StoreResult<Vec<AgencyRow>> {
        let mut conn = self.conn()?;
        let mut out: Vec<AgencyRow> = Vec::new();
        let mut next = Some(code.clone());
        while let Some(c) = next {
            if out.iter().any(|a| a.code == c) || out.len() > 64 {
                return Err(StoreError::Corrupt(format!("agency tree has a cycle at {c}")));
            }
            let row: AgencyRow = agencies::table.find(&c).select(Row::as_select()).first(&mut *conn)?.into();
            next = row.parent_code.clone();
            out.push(row);
        }
        Ok(out)
    }

    /// Creates an agency, audited in the same transaction.
    pub fn create_agency(&self, new: NewAgency, audit: &crate::AuditContext, now: DateTime<Utc>) -> StoreResult<AgencyRow> {
        self.write_tx(|c| {
            let mut tree = tree_to_change(c)?;
            insert_agency(c, &new, &mut tree, now)?;
            still_a_tree(&tree, std::slice::from_ref(&new.code))?;
            let detail = serde_json::json!({"agency": new.code, "name": new.name, "parent": new.parent_code, "personnel_staff": new.personnel_staff});
            crate::audit::append(c, audit, "agency.created", None, &detail, now)
        })?;
        agency_by_code(&mut *self.conn()?, &new.code)
    }

    /// Updates an agency; refuses a parent that would make a cycle or put an agency more
    /// than [`statreq_domain::lifecycle::MAX_DEPTH`] levels deep
    /// ([`StoreError::Placement`]), and a change made on an older reading than
    /// `expected` ([`StoreError::Conflict`]).
    pub fn update_agency(
        &self,
        code: &AgencyCode,
        change: AgencyUpsert,
        expected: Option<i64>,
        audit: &crate::AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<AgencyRow> {
        self.write_tx(|c| {
            let before = agency_by_code(c, code)?;
            if expected.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict);
            }
            let tree = tree_to_change(c)?;
            let mut after = tree.clone();
            let Some(touched) = update_agency(c, code, &change, Some(before.version), &mut after, now)? else {
                // Nothing differs: no new version, no audit entry of a change nobody made.
                return Ok(());
            };
            // Only a move places anything: a rename where the tree is too deep already goes through.
            let moved = change.parent_code.as_ref().is_some_and(|p| Some(p) != before.parent_code.as_ref());
            still_a_tree(&after, if moved { std::slice::from_ref(code) } else { &[] })?;
            if touched {
                touch_requests_under(c, &after, std::slice::from_ref(code), now)?;
            }
            if change.parent_code.is_some() {
                record_review_moves(c, &tree, audit.actor_id, now)?;
            }
            let detail = serde_json::json!({
                "agency": code,
                "from": {"name": before.name, "parent": before.parent_code, "personnel_staff": before.personnel_staff},
                "to": {"name": change.name, "parent": change.parent_code, "personnel_staff": change.personnel_staff},
            });
            crate::audit::append(c, audit, "agency.updated", None, &detail, now)
        })?;
        agency_by_code(&mut *self.conn()?, code)
    }

    /// Creates or updates many agencies in one transaction (CSV import): all or nothing.
    /// Parents may come later in the list than their children.
    /// Returns how many were created, updated and left as they were.
    pub fn import_agencies(
        &self,
        items: Vec<NewAgency>,
        audit: &crate::AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<(usize, usize, usize)> {
        self.write_tx(|c| {
            let tree = tree_to_change(c)?;
            // The tree as this import changes it, kept here: each move is checked against it
            // (an import of thousands had read the whole tree from the database for each).
            let mut after = tree.clone();
            let mut created = std::collections::HashSet::new();
            // First make every agency exist (under the root for now), then link them.
            for a in &items {
                if !after.contains_key(&a.code) {
                    diesel::insert_into(agencies::table)
                        .values((
                            agencies::code.eq(&a.code),
                            agencies::name.eq(&a.name),
                            agencies::parent_code.eq(Some(AgencyCode::dgpa())),
                            agencies::personnel_staff.eq(a.personnel_staff),
                            agencies::created_at.eq(to_db(now)),
                            agencies::updated_at.eq(to_db(now)),
                        ))
                        .execute(c)?;
                    after.insert(a.code.clone(), Some(AgencyCode::dgpa()));
                    created.insert(&a.code);
                }
            }
            let (mut updated, mut unchanged) = (0, 0);
            let mut touched = Vec::new();
            // The agencies the file places: those it creates, and those it moves.
            let mut moved: Vec<AgencyCode> = Vec::new();
            for a in &items {
                if created.contains(&a.code) || after.get(&a.code) != Some(&Some(a.parent_code.clone())) {
                    moved.push(a.code.clone());
                }
                let change = AgencyUpsert {
                    name: Some(a.name.clone()),
                    parent_code: Some(a.parent_code.clone()),
                    personnel_staff: Some(a.personnel_staff),
                };
                let changed = update_agency(c, &a.code, &change, None, &mut after, now)?;
                if changed == Some(true) && !created.contains(&a.code) {
                    touched.push(a.code.clone());
                }
                if !created.contains(&a.code) {
                    if changed.is_some() {
                        updated += 1;
                    } else {
                        unchanged += 1;
                    }
                }
            }
            still_a_tree(&after, &moved)?;
            touch_requests_under(c, &after, &touched, now)?;
            record_review_moves(c, &tree, audit.actor_id, now)?;
            let created = created.len();
            let codes: Vec<&AgencyCode> = items.iter().map(|a| &a.code).collect();
            let detail = serde_json::json!({"created": created, "updated": updated, "unchanged": unchanged, "agencies": codes});
            crate::audit::append(c, audit, "agencies.imported", None, &detail, now)?;
            Ok((created, updated, unchanged))
        })
    }
}

fn agency_by_code(c: &mut crate::DbConnection, code: &AgencyCode) -> StoreResult<AgencyRow> {
    Ok(agencies::table.find(code).select(Row::as_select()).first(c)?.into())
}

/// The tree's links, read for a change of it: on PostgreSQL under the lock that makes
/// changes of the tree one at a time (to the end of this transaction), so that a change
/// is checked against the tree as the one before it left it. Two moves made at once had
/// each passed the check against the tree without the other, and together closed a
/// cycle; SQLite's writers run one at a time already.
fn tree_to_change(c: &mut crate::DbConnection) -> StoreResult<TreeLinks> {
    if let crate::DbConnection::Postgres(pg) = c {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<diesel::sql_types::BigInt, _>(AGENCY_TREE_LOCK).execute(pg)?;
    }
    links(c)
}

/// Refuses the tree a change leaves when the agencies it placed (`moved`, in order) close
/// a cycle or sit, or carry one under them, more than
/// [`statreq_domain::lifecycle::MAX_DEPTH`] levels below DGPA.
fn still_a_tree(tree: &TreeLinks, moved: &[AgencyCode]) -> StoreResult<()> {
    match statreq_domain::lifecycle::tree_problem(tree, moved) {
        Some(problem) => Err(StoreError::Placement(problem)),
        None => Ok(()),
    }
}

/// Marks the requests of `moved` agencies and of every agency under them as changed:
/// a request's view names its agency and that agency's supervising agencies.
/// `updated_since` finds them; their versions stay (nothing an If-Match guards changed).
fn touch_requests_under(c: &mut crate::DbConnection, tree: &TreeLinks, moved: &[AgencyCode], now: DateTime<Utc>) -> StoreResult<()> {
    if moved.is_empty() {
        return Ok(());
    }
    let under = statreq_domain::lifecycle::subtrees(tree.iter().map(|(c, p)| (c, p.as_ref())), moved);
    for chunk in under.chunks(1000) {
        diesel::update(requests::table.filter(requests::agency_code.eq_any(chunk))).set(requests::updated_at.eq(to_db(now))).execute(c)?;
    }
    Ok(())
}

fn insert_agency(c: &mut crate::DbConnection, new: &NewAgency, tree: &mut TreeLinks, now: DateTime<Utc>) -> StoreResult<()> {
    statreq_domain::lifecycle::check_placement(tree, &new.code, &new.parent_code).map_err(StoreError::Placement)?;
    tree.insert(new.code.clone(), Some(new.parent_code.clone()));
    diesel::insert_into(agencies::table)
        .values((
            agencies::code.eq(&new.code),
            agencies::name.eq(&new.name),
            agencies::parent_code.eq(Some(&new.parent_code)),
            agencies::personnel_staff.eq(new.personnel_staff),
            agencies::created_at.eq(to_db(now)),
            agencies::updated_at.eq(to_db(now)),
        ))
        .execute(c)?;
    Ok(())
}

/// The key of the PostgreSQL advisory lock a move in the agency tree holds to the end of
/// its transaction.
pub const AGENCY_TREE_LOCK: i64 = 0x7374_6174_7265_7101;

/// Changes one agency, at `read` (the version the caller checked) or, without one, at
/// the version read here, in the database and in `tree` (the links as this
/// transaction leaves them). A change that changes nothing writes nothing (`None`);
/// otherwise whether the agency was renamed or moved (`Some(true)`: its requests' views
/// change, and those of the agencies under it).
fn update_agency(
    c: &mut crate::DbConnection,
    code: &AgencyCode,
    change: &AgencyUpsert,
    read: Option<i64>,
    tree: &mut TreeLinks,
    now: DateTime<Utc>,
) -> StoreResult<Option<bool>> {
    let current: Row = agencies::table.find(code).select(Row::as_select()).first(c)?;
    let read = read.unwrap_or(current.version);
    if let Some(parent) = &change.parent_code {
        statreq_domain::lifecycle::check_placement(tree, code, parent).map_err(StoreError::Placement)?;
    }
    let renamed = change.name.as_ref().is_some_and(|n| *n != current.name);
    let moved = change.parent_code.is_some() && change.parent_code != current.parent_code;
    let restaffed = change.personnel_staff.is_some_and(|n| n != current.personnel_staff);
    if !(renamed || moved || restaffed) {
        return Ok(None);
    }
    // Compare-and-set on the version read: a change that landed in between (on
    // PostgreSQL, another transaction) is a conflict, never overwritten.
    let written = diesel::update(agencies::table.find(code).filter(agencies::version.eq(read)))
        .set((
            agencies::name.eq(change.name.clone().unwrap_or(current.name)),
            agencies::parent_code.eq(change.parent_code.clone().or(current.parent_code)),
            agencies::personnel_staff.eq(change.personnel_staff.unwrap_or(current.personnel_staff)),
            agencies::updated_at.eq(to_db(now)),
            agencies::version.eq(read + 1),
        ))
        .execute(c)?;
    if written == 0 {
        return Err(StoreError::Conflict);
    }
    if let (true, Some(parent)) = (moved, &change.parent_code) {
        tree.insert(code.clone(), Some(parent.clone()));
    }
    Ok(Some(renamed || moved))
}

/// The tree's links as they stand in this transaction.
fn links(c: &mut crate::DbConnection) -> StoreResult<TreeLinks> {
    Ok(agencies::table.select((agencies::code, agencies::parent_code)).load::<(AgencyCode, Option<AgencyCode>)>(c)?.into_iter().collect())
}

/// Records, in the transaction that changed the tree from `before`, on the timeline of
/// each application awaiting its supervising agency's review that now awaits other
/// reviewers (an agency of its chain moved; rule 5.1): `supervisor_changed` by the
/// administrator who moved it (`actor`), its data saying which agency moved where and
/// whose review it left and joined. The notification worker tells the office, its
/// webhooks and the reviewers from that record, so a move is never made untold. A
/// change with no account behind it (`actor` none: none is made so but in tests) records
/// nothing, as an event names its actor.
fn record_review_moves(
    c: &mut crate::DbConnection,
    before: &TreeLinks,
    actor: Option<statreq_domain::UserId>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let Some(actor) = actor else { return Ok(()) };
    let after = links(c)?;
    let awaiting: Vec<(statreq_domain::RequestId, AgencyCode)> = requests::table
        .filter(requests::state.eq(State::PendingSupervisor.as_str()))
        .select((requests::id, requests::agency_code))
        .order(requests::id)
        .load(c)?;
    let mut moves: HashMap<AgencyCode, Option<ReviewMoved>> = HashMap::new();
    let mut names: Option<HashMap<AgencyCode, String>> = None;
    for (id, agency) in awaiting {
        let moved = moves.entry(agency.clone()).or_insert_with(|| review_moved(before, &after, &agency));
        let Some(moved) = moved.as_ref() else { continue };
        // Under the request's row lock: one decided or withdrawn meanwhile is left as it is.
        if crate::requests::lock_request(c, id)? != State::PendingSupervisor.as_str() {
            continue;
        }
        let names = match &mut names {
            Some(n) => n,
            None => names
                .insert(agencies::table.select((agencies::code, agencies::name)).load::<(AgencyCode, String)>(c)?.into_iter().collect()),
        };
        let name = |a: &AgencyCode| names.get(a).cloned().unwrap_or_else(|| a.to_string());
        let data = serde_json::json!({
            "agency": moved.mover,
            "agency_name": name(&moved.mover),
            "parent": moved.parent,
            "parent_name": moved.parent.as_ref().map(name).unwrap_or_default(),
            "from": moved.from,
            "to": moved.to,
            "to_names": moved.to.iter().map(name).collect::<Vec<_>>(),
        });
        let state = State::PendingSupervisor;
        crate::timeline::insert_event(c, id, EventKind::SupervisorChanged, Some(state), state, actor, None, &data, now)?;
    }
    Ok(())
}
