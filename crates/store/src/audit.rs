//! The append-only, hash-chained audit trail: every entry holds the hash of the one
//! before it, so an edited, deleted or reordered entry breaks the chain
//! ([`Store::verify_audit`]). Entries are written in the same transaction as the
//! change they record; updating the single head row first serialises writers.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use statreq_domain::{AgencyCode, RequestId, UserId};

use crate::schema::{audit_head, audit_log};
use crate::{from_db, to_db, DbConnection, Store, StoreResult};

/// Who acts, from where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditContext {
    pub actor_id: Option<UserId>,
    pub actor_agency: Option<AgencyCode>,
    pub client_addr: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor_agency: Option<String>,
    pub action: String,
    pub request_id: Option<RequestId>,
    /// Canonical JSON, exactly as hashed.
    pub detail: String,
    pub client_addr: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBreak {
    pub id: i64,
    pub reason: String,
}

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry: SHA-256 over its fields, one per line, ending with the
/// previous hash.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    id: i64,
    at: DateTime<Utc>,
    actor_id: Option<UserId>,
    actor_agency: Option<&str>,
    action: &str,
    request_id: Option<RequestId>,
    detail: &str,
    client_addr: Option<&str>,
    prev_hash: &str,
) -> String {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let text = format!(
        "{id}\n{}\n{}\n{}\n{action}\n{}\n{detail}\n{}\n{prev_hash}",
        at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
        opt(actor_id.map(|v| v.to_string())),
        actor_agency.unwrap_or(""),
        opt(request_id.map(|v| v.to_string())),
        client_addr.unwrap_or(""),
    );
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Appends an entry inside the caller's transaction.
pub(crate) fn append(
    c: &mut DbConnection,
    ctx: &AuditContext,
    action: &str,
    request_id: Option<RequestId>,
    detail: &serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    // Only the trail's own vocabulary: an administrator searches and reads by it.
    debug_assert!(statreq_domain::audit::action(action).is_some(), "audit action {action} is not in statreq_domain::audit::ACTIONS");
    diesel::update(audit_head::table.find(1)).set(audit_head::last_id.eq(audit_head::last_id + 1)).execute(c)?;
    let (id, prev): (i64, String) = audit_head::table.find(1).select((audit_head::last_id, audit_head::last_hash)).first(c)?;
    let at = now.trunc_subsecs(6);
    let detail = serde_json::to_string(detail)?;
    let hash = entry_hash(
        id,
        at,
        ctx.actor_id,
        ctx.actor_agency.as_ref().map(AgencyCode::as_str),
        action,
        request_id,
        &detail,
        ctx.client_addr.as_deref(),
        &prev,
    );
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(id),
            audit_log::at.eq(to_db(at)),
            audit_log::actor_id.eq(ctx.actor_id),
            audit_log::actor_agency.eq(&ctx.actor_agency),
            audit_log::action.eq(action),
            audit_log::request_id.eq(request_id),
            audit_log::detail.eq(&detail),
            audit_log::client_addr.eq(&ctx.client_addr),
            audit_log::prev_hash.eq(&prev),
            audit_log::hash.eq(&hash),
        ))
        .execute(c)?;
    diesel::update(audit_head::table.find(1)).set(audit_head::last_hash.eq(&hash)).execute(c)?;
    Ok(())
}

/// An entry as stored: every column of `audit_log`, in the table's order.
type Row = (i64, NaiveDateTime, Option<UserId>, Option<String>, String, Option<i64>, String, Option<String>, String, String);

fn entry(r: Row) -> AuditEntry {
    AuditEntry {
        id: r.0,
        at: from_db(r.1),
        actor_id: r.2,
        actor_agency: r.3,
        action: r.4,
        request_id: r.5.map(RequestId),
        detail: r.6,
        client_addr: r.7,
        prev_hash: r.8,
        hash: r.9,
    }
}

/// Filters for the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub request_id: Option<RequestId>,
    pub actor_id: Option<UserId>,
    /// One action (`delivery.downloaded`), or a group's every action (`delivery.*`).
    pub action: Option<String>,
    /// Entries before this id (pages go backwards in time).
    pub before: Option<i64>,
    /// Entries at or after this moment.
    pub since: Option<DateTime<Utc>>,
    /// Entries before this moment.
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
}

impl Store {
    /// Appends an entry in a transaction of its own (for events that change nothing else).
    pub fn audit(
        &self,
        ctx: &AuditContext,
        action: &str,
        request_id: Option<RequestId>,
        detail: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_tx(|c| append(c, ctx, action, request_id, detail, now))
    }

    /// Newest first.
    pub fn list_audit(&self, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut q = audit_log::table.select(audit_log::all_columns).order(audit_log::id.desc()).limit(f.limit).into_boxed();
        if let Some(r) = f.request_id {
            q = q.filter(audit_log::request_id.eq(r));
        }
        if let Some(a) = f.actor_id {
            q = q.filter(audit_log::actor_id.eq(a));
        }
        match f.action.as_deref().map(|a| (a, a.strip_suffix(".*"))) {
            Some((_, Some(group))) => {
                // Taken as written: `_` and `%` are no wildcards here.
                let group = group.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                q = q.filter(audit_log::action.like(format!("{group}.%")).escape('\\'));
            }
            Some((a, None)) => q = q.filter(audit_log::action.eq(a.to_string())),
            None => {}
        }
        if let Some(t) = f.since {
            q = q.filter(audit_log::at.ge(to_db(t)));
        }
        if let Some(t) = f.until {
            q = q.filter(audit_log::at.lt(to_db(t)));
        }
        if let Some(b) = f.before {
            q = q.filter(audit_log::id.lt(b));
        }
        Ok(q.load::<Row>(&mut *self.conn()?)?.into_iter().map(entry).collect())
    }

    /// The head of the chain: how many entries there are (ids run from 1) and the
    /// last entry's hash ([`GENESIS`] when there are none).
    pub fn audit_head(&self) -> StoreResult<(i64, String)> {
        Ok(audit_head::table.find(1).select((audit_head::last_id, audit_head::last_hash)).first(&mut *self.conn()?)?)
    }

    /// The stored hash of entry `id`, if it exists.
    pub fn audit_hash_of(&self, id: i64) -> StoreResult<Option<String>> {
        Ok(audit_log::table.find(id).select(audit_log::hash).first(&mut *self.conn()?).optional()?)
    }

    /// Walks the chain from the start. `Ok(n)` when all `n` entries link up and the
    /// head agrees; otherwise the first entry that does not, and why.
    pub fn verify_audit(&self) -> StoreResult<Result<usize, AuditBreak>> {
        let mut conn = self.conn()?;
        let mut prev = GENESIS.to_string();
        let mut expected_id = 1i64;
        let mut count = 0usize;
        let mut after = 0i64;
        loop {
            let page: Vec<Row> = audit_log::table
                .select(audit_log::all_columns)
                .filter(audit_log::id.gt(after))
                .order(audit_log::id.asc())
                .limit(1000)
                .load(&mut *conn)?;
            if page.is_empty() {
                break;
            }
            for r in page {
                let e = entry(r);
                after = e.id;
                if e.id != expected_id {
                    return Ok(Err(AuditBreak { id: expected_id, reason: format!("entry {expected_id} is missing (next is {})", e.id) }));
                }
                if e.prev_hash != prev {
                    return Ok(Err(AuditBreak {
                        id: e.id,
                        reason: "it does not follow the entry before it (deleted, inserted or reordered)".into(),
                    }));
                }
                let h = entry_hash(
                    e.id,
                    e.at,
                    e.actor_id,
                    e.actor_agency.as_deref(),
                    &e.action,
                    e.request_id,
                    &e.detail,
                    e.client_addr.as_deref(),
                    &e.prev_hash,
                );
                if h != e.hash {
                    return Ok(Err(AuditBreak { id: e.id, reason: "its content does not match its hash (edited)".into() }));
                }
                prev = e.hash;
                expected_id += 1;
                count += 1;
            }
        }
        let (last_id, last_hash): (i64, String) =
            audit_head::table.find(1).select((audit_head::last_id, audit_head::last_hash)).first(&mut *conn)?;
        if last_id != expected_id - 1 || last_hash != prev {
            return Ok(Err(AuditBreak {
                id: last_id,
                reason: format!(
                    "the chain ends at entry {} but its head records entry {last_id} (entries removed from the end)",
                    expected_id - 1
                ),
            }));
        }
        Ok(Ok(count))
    }
}
